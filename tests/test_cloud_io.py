"""Tencent API JSON and Terraform in and out for route-based tunnels: BGP,
static routes with priorities, health check, DPD, negotiation type, gateway
ASNs. The round trips: a tunnel imported from the API, exported as API JSON
(the request bundle) and as Terraform HCL, imports again to the same model.

The HCL is checked by parsing it back with python-hcl2 (test extra) and by
``terraform fmt -check`` where the binary exists; the parsed HCL is turned
into the ``terraform show -json`` shape the way an apply would fill it (an
``.id`` reference becomes the named resource's name, since vpnconf names
gateways and tunnels by the id it imported them with)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from vpnconf.findings import VpnconfError
from vpnconf.io import import_documents, import_foreign, site_from_data, site_to_tencent, tunnel_to_tencent
from vpnconf.model import Site
from vpnconf.terraform import hcl_label, hcl_string, site_to_hcl

hcl2 = pytest.importorskip("hcl2", reason="python-hcl2 is in the test extra")

CLOUD = ROOT / "samples" / "cloud"
BGP_ANSWER = CLOUD / "describe-vpn-connections-bgp.json"
TF_STATE = CLOUD / "terraform-show-bgp.json"


def site_of(docs: list[dict[str, Any]], allow: frozenset[str] = frozenset()) -> Site:
    """The site the documents import to, with no error finding but those of
    the rules in ``allow``."""
    data, _notes = import_documents([(d, f"doc{i}", None) for i, d in enumerate(docs)])
    site, findings = site_from_data(data, "imported")
    assert site is not None, [f.text() for f in findings]
    errors = [f.text() for f in findings if f.severity == "error" and f.rule not in allow]
    assert not errors, errors
    return site


# --------------------------------------------------------------- HCL -> state
def _unquote(text: str) -> str:
    """An HCL string literal as python-hcl2 returns it (quotes kept) -> its value."""
    assert text.startswith('"') and text.endswith('"'), text
    body = text[1:-1].replace("$${", "\x00D").replace("%%{", "\x00P")
    out, i = [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1]
            if nxt == "u":
                out.append(chr(int(body[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append({"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out).replace("\x00D", "${").replace("\x00P", "%{")


def state_from_hcl(text: str, variables: dict[str, str]) -> dict[str, Any]:
    """HCL -> ``terraform show -json`` values, as an apply would fill them
    (references to ``.id`` become the resource's name; unknown computed
    attributes stay unset)."""
    doc = hcl2.loads(text)
    raw: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in doc.get("resource", []):
        for rtype, by_label in entry.items():
            for label, body in by_label.items():
                raw[(_unquote(rtype), _unquote(label))] = body

    def value(v: Any) -> Any:
        if isinstance(v, str) and v.startswith("${") and v.endswith("}"):
            ref = v[2:-1].split(".")
            if ref[0] == "var":
                return variables.get(ref[1], f"rtb-{ref[1]}")
            target = raw[(ref[0], ref[1])]
            attr = "name" if ref[2] == "id" else ref[2]
            return value(target[attr]) if attr in target else None
        if isinstance(v, str):
            return _unquote(v)
        if isinstance(v, list):
            return [value(x) for x in v]
        if isinstance(v, dict):
            return {k: value(x) for k, x in v.items() if k != "__is_block__"}
        return v

    resources = [
        {"address": f"{t}.{label}", "mode": "managed", "type": t, "name": label, "values": value(body)}
        for (t, label), body in raw.items()
    ]
    return {"format_version": "1.0", "values": {"root_module": {"resources": resources}}}


def terraform_fmt_check(tmp_path: Path, text: str) -> None:
    exe = shutil.which("terraform")
    if exe is None:
        pytest.skip("terraform binary not installed: HCL checked by python-hcl2 only")
    d = tmp_path / "tf"
    d.mkdir(exist_ok=True)
    (d / "main.tf").write_text(text, encoding="utf-8")
    r = subprocess.run([exe, "fmt", "-check", "-diff", "main.tf"], cwd=d, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def round_trip(site: Site, tmp_path: Path, allow: frozenset[str] = frozenset()) -> None:
    """API bundle and HCL both import back to ``site``."""
    again = site_of([json.loads(json.dumps(site_to_tencent(site, site.tunnels, show_secrets=True)))], allow)
    assert again == site
    hcl = site_to_hcl(site, site.tunnels)
    terraform_fmt_check(tmp_path, hcl)
    psks = {f"psk_{hcl_label(t.name, set())}": t.psk() for t in site.tunnels}
    again = site_of([state_from_hcl(hcl, psks)], allow)
    assert again == site
    # the key inline (--show-secrets) reads back the same
    assert site_of([state_from_hcl(site_to_hcl(site, site.tunnels, show_secrets=True), {})], allow) == site


# ---------------------------------------------------------------- the samples
def test_bgp_answer_imports():
    site = site_of([json.loads(BGP_ANSWER.read_text())])
    t = site.tunnels[0]
    assert t.route_type.value == "bgp" and t.spd == []  # any/any of a route-based tunnel: empty SPD
    assert t.bgp is not None and str(t.bgp.tunnel_cidr) == "169.254.10.0/30"
    assert (str(t.bgp.local_ip), str(t.bgp.peer_ip)) == ("169.254.10.1", "169.254.10.2")
    assert site.vpn_gateways[0].bgp_asn == 64512 and site.customer_gateways[0].bgp_asn == 65010
    assert t.health_check is not None and not t.health_check.enabled
    assert str(t.health_check.local_ip) == "169.254.128.1"
    assert t.dpd.enabled and t.negotiation_type == "active"


def test_terraform_state_imports():
    site = site_of([json.loads(TF_STATE.read_text())])
    t = site.tunnels[0]
    gw, cgw = site.vpn_gateways[0], site.customer_gateways[0]
    assert (gw.name, str(gw.public_ip), gw.bandwidth_mbps, gw.bgp_asn) == ("vpngw-doc00002", "203.0.113.20", 20, 64513)
    assert (cgw.name, str(cgw.public_ip), cgw.bgp_asn) == ("cgw-doc00002", "198.51.100.30", 65020)
    assert t.route_type.value == "bgp" and t.bgp is not None and str(t.bgp.peer_ip) == "169.254.20.2"
    assert t.health_check is not None and t.health_check.enabled
    assert (t.dpd.enabled, t.dpd.timeout_seconds, t.dpd.action.value) == (True, 40, "clear")
    assert t.negotiation_type == "passive" and t.psk() == "Tf-Doc-Key-7"


def test_bgp_round_trip(tmp_path):
    site = site_of([json.loads(BGP_ANSWER.read_text())])
    req = tunnel_to_tencent(site, site.tunnels[0])
    assert req["RouteType"] == "Bgp" and "SecurityPolicyDatabases" not in req
    assert req["BgpConfig"] == {
        "TunnelCidr": "169.254.10.0/30",
        "LocalBgpIp": "169.254.10.1",
        "RemoteBgpIp": "169.254.10.2",
    }
    assert req["EnableHealthCheck"] is False and req["HealthCheckRemoteIp"] == "169.254.128.2"
    assert (req["DpdEnable"], req["DpdTimeout"], req["NegotiationType"]) == (1, "30", "active")
    assert req["PreShareKey"] == "<redacted>"
    round_trip(site, tmp_path)
    round_trip(site_of([json.loads(TF_STATE.read_text())]), tmp_path)


STATIC_CONN = {
    "VpcId": "vpc-doc00003",
    "VpnGatewayId": "vpngw-doc00003",
    "CustomerGatewayId": "cgw-doc00003",
    "VpnConnectionName": "idc-static-1",
    "PreShareKey": "Static-Doc-Key-1",
    "RouteType": "StaticRoute",
    "IKEOptionsSpecification": {
        "IKEVersion": "IKEV2",
        "PropoEncryAlgorithm": "AES-CBC-128",
        "PropoAuthenAlgorithm": "SHA-256",
        "DhGroupName": "GROUP14",
        "LocalIdentity": "ADDRESS",
        "LocalAddress": "203.0.113.30",
        "RemoteIdentity": "ADDRESS",
        "RemoteAddress": "198.51.100.40",
    },
    "Route": {"DestinationCidrBlock": "10.20.0.0/16", "Priority": 0, "Description": "primary"},
    "EnableHealthCheck": True,
    "HealthCheckLocalIp": "169.254.128.11",
    "HealthCheckRemoteIp": "169.254.128.12",
    "DpdEnable": 1,
    "DpdTimeout": "45",
    "DpdAction": "clear",
    "NegotiationType": "flowTrigger",
}
STATIC_ROUTES = {  # a CreateVpnGatewayRoutes request: the second route
    "VpnGatewayId": "vpngw-doc00003",
    "Routes": [
        {
            "DestinationCidrBlock": "10.30.0.0/16",
            "InstanceType": "VPNCONN",
            "InstanceId": "idc-static-1",
            "Priority": 100,
            "Status": "ENABLE",
        }
    ],
}


def test_static_routes_and_health_check_round_trip(tmp_path):
    site = site_of([STATIC_CONN, STATIC_ROUTES])
    t = site.tunnels[0]
    assert t.route_type.value == "static" and t.spd == []
    assert [(str(r.destination), r.priority, r.description) for r in t.routes] == [
        ("10.20.0.0/16", 0, "primary"),
        ("10.30.0.0/16", 100, None),
    ]
    assert t.health_check is not None and t.health_check.enabled and t.negotiation_type == "flowTrigger"
    losses: list[str] = []
    req = tunnel_to_tencent(site, t, losses=losses)
    assert req["RouteType"] == "StaticRoute" and req["Route"] == STATIC_CONN["Route"]
    assert any("routes[1:]" in x for x in losses)
    bundle = site_to_tencent(site, site.tunnels)
    assert bundle["CreateVpnGatewayRoutes"][0]["Routes"][0]["Priority"] == 100
    hcl = site_to_hcl(site, site.tunnels)
    assert hcl.count('resource "tencentcloud_vpn_gateway_route"') == 2
    assert hcl.count('resource "tencentcloud_route_table_entry"') == 2 and '"primary"' in hcl
    round_trip(site, tmp_path)


def test_policy_tunnel_round_trip(tmp_path):
    req = json.loads((ROOT / "samples" / "cloud" / "describe-vpn-connections-bgp.json").read_text())
    conn = req["Response"]["VpnConnectionSet"][0]
    conn = {k: v for k, v in conn.items() if k not in {"BgpConfig", "EnableHealthCheck"}}
    conn.update(
        RouteType="Policy",
        VpnConnectionName="idc-policy-1",
        SecurityPolicyDatabaseSet=[
            {"LocalCidrBlock": "172.16.0.0/16", "RemoteCidrBlock": ["10.8.0.0/16", "10.9.0.0/16"]}
        ],
    )
    site = site_of([{"Response": {"VpnConnectionSet": [conn]}}])
    t = site.tunnels[0]
    assert t.route_type.value == "policy" and t.health_check is None and t.bgp is None and len(t.spd) == 1
    assert tunnel_to_tencent(site, t)["RouteType"] == "Policy"
    round_trip(site, tmp_path)


@pytest.mark.parametrize(
    ("spelling", "canonical"), [("STATIC", "static"), ("StaticRoute", "static"), ("Policy", "policy"), ("Bgp", "bgp")]
)
def test_route_type_spellings(spelling, canonical):
    conn = {
        **STATIC_CONN,
        "RouteType": spelling,
        "SecurityPolicyDatabases": [{"LocalCidrBlock": "172.16.0.0/16", "RemoteCidrBlock": ["10.8.0.0/16"]}],
    }
    conn.pop("Route")
    if spelling == "Bgp":
        conn["BgpConfig"] = {
            "TunnelCidr": "169.254.30.0/30",
            "LocalBgpIp": "169.254.30.1",
            "RemoteBgpIp": "169.254.30.2",
            "LocalBgpAsn": "64512",
            "RemoteBgpAsn": "65001",
        }
    assert site_of([conn]).tunnels[0].route_type.value == canonical


def test_gateway_documents_give_asn_and_bandwidth():
    gws = {
        "Response": {
            "VpnGatewaySet": [
                {
                    "VpnGatewayId": "vpngw-doc00003",
                    "VpnGatewayName": "gw",
                    "PublicIpAddress": "203.0.113.30",
                    "InternetMaxBandwidthOut": 50,
                    "BgpAsn": 64600,
                }
            ]
        }
    }
    cgws = {
        "Response": {
            "CustomerGatewaySet": [{"CustomerGatewayId": "cgw-doc00003", "IpAddress": "198.51.100.40", "BgpAsn": 65100}]
        }
    }
    site = site_of([gws, cgws, STATIC_CONN])
    assert (site.vpn_gateways[0].bandwidth_mbps, site.vpn_gateways[0].bgp_asn) == (50, 64600)
    assert site.customer_gateways[0].bgp_asn == 65100
    # CreateCustomerGateway / CreateVpnGateway requests read the same
    site = site_of([{"VpnGatewayName": "vpngw-doc00003", "InternetMaxBandwidthOut": 10, "BgpAsn": 64601}, STATIC_CONN])
    assert (site.vpn_gateways[0].bandwidth_mbps, site.vpn_gateways[0].bgp_asn) == (10, 64601)


@pytest.mark.parametrize(
    ("api_type", "canonical"), [("IPSEC", "ipsec"), ("SSL", "ssl"), ("CCN", "ccn"), ("SSL_CCN", "ssl_ccn")]
)
def test_gateway_type_round_trip(api_type, canonical, tmp_path):
    """Every gateway type: DescribeVpnGateways -> site -> bundle and HCL ->
    the same site. A CCN gateway's documents carry no VPC (VpcId "")."""
    on_ccn = api_type.endswith("CCN")
    gws = {
        "Response": {
            "VpnGatewaySet": [
                {
                    "VpnGatewayId": "vpngw-doc00003",
                    "VpnGatewayName": "gw",
                    "VpcId": "" if on_ccn else "vpc-doc00003",
                    "PublicIpAddress": "203.0.113.30",
                    "InternetMaxBandwidthOut": 20,
                    "Type": api_type,
                }
            ]
        }
    }
    conn = {**STATIC_CONN, "VpcId": "" if on_ccn else "vpc-doc00003"}
    allow = frozenset({"GATEWAY-TYPE"}) if api_type.startswith("SSL") else frozenset()
    site = site_of([gws, conn, STATIC_ROUTES], allow)
    gw = site.vpn_gateways[0]
    assert gw.type.value == canonical and site.vpc.name == ("imported-vpc" if on_ccn else "vpc-doc00003")
    bundle = site_to_tencent(site, site.tunnels)
    assert bundle["CreateVpnGateway"][0]["Type"] == api_type
    assert bundle["CreateVpnGateway"][0]["VpcId"] == bundle["CreateVpnConnection"][0]["VpcId"] == conn["VpcId"]
    hcl = hcl2.loads(site_to_hcl(site, site.tunnels))
    by_type = {k: v for entry in hcl["resource"] for k, v in entry.items()}
    (gw_body,) = by_type['"tencentcloud_vpn_gateway"'].values()
    (conn_body,) = by_type['"tencentcloud_vpn_connection"'].values()
    assert gw_body.get("type") == (None if api_type == "IPSEC" else f'"{api_type}"')
    assert ("vpc_id" in gw_body) is ("vpc_id" in conn_body) is (not on_ccn)
    # a CCN gateway is in no VPC: no VPC route-table entry (nor its variable), so the
    # routes' descriptions, which only that resource carries, are named as lost
    assert ('"tencentcloud_route_table_entry"' in by_type) is (not on_ccn)
    losses: list[str] = []
    site_to_hcl(site, site.tunnels, losses=losses)
    described = [i for i, r in enumerate(site.tunnels[0].routes) if r.description]
    assert described
    assert [x for x in losses if "description" in x] == (
        [
            f"tunnels[0].routes[{i}].description: a CCN gateway's routes have no VPC route entry, "
            "the one resource that carries a description"
            for i in described
        ]
        if on_ccn
        else []
    )
    if not on_ccn:
        round_trip(site, tmp_path, allow)
        return
    plain = site.model_copy(
        update={
            "tunnels": [
                t.model_copy(update={"routes": [r.model_copy(update={"description": None}) for r in t.routes]})
                for t in site.tunnels
            ]
        }
    )
    assert site_of([json.loads(json.dumps(site_to_tencent(site, site.tunnels, show_secrets=True)))], allow) == site
    psks = {f"psk_{hcl_label(t.name, set())}": t.psk() for t in site.tunnels}
    assert site_of([state_from_hcl(site_to_hcl(site, site.tunnels), psks)], allow) == plain


def test_bad_shapes_are_one_line_naming_the_field():
    with pytest.raises(VpnconfError, match=r"BgpConfig: expected a JSON object"):
        import_foreign({**STATIC_CONN, "BgpConfig": [1]}, "in.json")
    with pytest.raises(VpnconfError, match=r"Route\.Priority: expected a whole number"):
        import_foreign({**STATIC_CONN, "Route": {"DestinationCidrBlock": "10.1.0.0/16", "Priority": "high"}}, "in.json")
    with pytest.raises(VpnconfError, match=r"LocalBgpAsn: expected a whole number of ASN"):
        import_foreign({**STATIC_CONN, "BgpConfig": {"TunnelCidr": "169.254.1.0/30", "LocalBgpAsn": "x"}}, "in.json")


# ------------------------------------------------------------- HCL strings
HOSTILE = [
    'a"b',
    "back\\slash",
    '${file("/etc/passwd")}',
    "%{ if true }x%{ endif }",
    "$${already}",
    "line\nbreak\r\ttab",
    '"\n}\nresource "x" "y" {\n',
    "\x01\x7f\u2028 unicode é 中文",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hcl_string_cannot_be_escaped(value, tmp_path):
    text = f"locals {{\n  v = {hcl_string(value)}\n}}\n"
    parsed = hcl2.loads(text)
    assert list(parsed["locals"][0]) == ["v", "__is_block__"]  # no other attribute, no other block
    assert _unquote(parsed["locals"][0]["v"]) == value
    terraform_fmt_check(tmp_path, text)


def test_labels_are_identifiers():
    used: set[str] = set()
    assert hcl_label("a.b", used) == "a_b" and hcl_label("a_b", used) == "a_b_2" and hcl_label("1x", used) == "_1x"


def test_cli_export_terraform_and_bundle(vpnconf_bin, tmp_path):
    site_file = tmp_path / "site.json"
    site = site_of([STATIC_CONN, STATIC_ROUTES])
    from vpnconf.model import dump_site

    site_file.write_text(json.dumps(dump_site(site, show_secrets=True)))
    r = subprocess.run(
        [*vpnconf_bin, "export", str(site_file), "--format", "terraform"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert "Static-Doc-Key-1" not in r.stdout and "var.psk_idc-static-1" in r.stdout
    hcl2.loads(r.stdout)
    r = subprocess.run(
        [*vpnconf_bin, "export", str(site_file), "--format", "terraform", "--show-secrets"],
        capture_output=True,
        text=True,
    )
    assert '"Static-Doc-Key-1"' in r.stdout and 'variable "psk_' not in r.stdout
    r = subprocess.run([*vpnconf_bin, "export", str(site_file), "--format", "bundle"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    bundle = tmp_path / "bundle.json"
    bundle.write_text(r.stdout)
    assert json.loads(r.stdout)["CreateVpnConnection"][0]["PreShareKey"] == "<redacted>"
    # import reads several files together: the bundle and a routes answer
    r = subprocess.run([*vpnconf_bin, "import", str(bundle), "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert [x["priority"] for x in json.loads(r.stdout)["tunnels"][0]["routes"]] == [0, 100]


@pytest.mark.parametrize("name", ["bgp-pair", "static-pair", "quickstart"])
def test_site_file_exports_and_imports_into_itself(name, tmp_path):
    """A site written by hand (identities without values, a VPC, pairs): the
    bundle imported into the site without its tunnels gives the same tunnels,
    the identities now naming the gateways' addresses; the HCL is well formed."""
    from vpnconf.io import require_site
    from vpnconf.model import Identity, dump_site

    site = require_site(ROOT / "samples" / f"{name}.yaml")
    base = dump_site(site, show_secrets=True)
    base["tunnels"], base["pairs"] = [], []
    losses: list[str] = []
    bundle = json.loads(json.dumps(site_to_tencent(site, site.tunnels, show_secrets=True, losses=losses)))
    data, _notes = import_documents([(bundle, "bundle.json", None)], base)
    again, findings = site_from_data(data, "bundle.json")
    assert again is not None and not [f for f in findings if f.severity == "error"], [f.text() for f in findings]
    for t, back in zip(site.tunnels, again.tunnels, strict=True):
        gw, cgw = site.vpn_gateway(t.vpn_gateway), site.customer_gateway(t.customer_gateway)
        ike = t.ike.model_copy(
            update={
                "local_id": t.ike.local_id if t.ike.local_id.value else Identity(value=str(gw.public_ip)),
                "peer_id": t.ike.peer_id if t.ike.peer_id.value else Identity(value=str(cgw.public_ip)),
            }
        )
        assert back == t.model_copy(update={"ike": ike})
    hcl = site_to_hcl(site, site.tunnels)
    hcl2.loads(hcl)
    terraform_fmt_check(tmp_path, hcl)
