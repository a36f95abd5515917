"""The VPN gateway's type (Tencent ``Type`` / Terraform ``type``): the
model's spellings, rule GATEWAY-TYPE, the VPC rules that a CCN gateway's
tunnels skip, and import of the field from every document that carries it
(the round trips for every type are in tests/test_cloud_io.py)."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from conftest import quickstart_data
from vpnconf.findings import VpnconfError
from vpnconf.io import import_documents, import_foreign, site_from_data
from vpnconf.model import GatewayType, VpnGateway

GW = {"name": "g", "public_ip": "203.0.113.9"}


def findings_of(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    _, found = site_from_data(data, "t.yaml")
    return [(f.rule, f.severity, f.path) for f in found]


def with_type(gw_type: str | None, mutate=None) -> dict[str, Any]:
    d = quickstart_data()
    if gw_type is not None:
        d["vpn_gateways"][0]["type"] = gw_type
    if mutate:
        mutate(d)
    return d


# ------------------------------------------------------------------ model
@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("IPSEC", "ipsec"),
        ("SSL", "ssl"),
        ("CCN", "ccn"),
        ("SSL_CCN", "ssl_ccn"),
        ("ssl_ccn", "ssl_ccn"),
        ("Ccn", "ccn"),
        ("ipsec", "ipsec"),
    ],
)
def test_api_spellings_are_canonical(spelling, canonical):
    g = VpnGateway.model_validate({**GW, "type": spelling})
    assert g.type is GatewayType(canonical)
    assert g.model_dump(mode="json")["type"] == canonical


def test_default_is_ipsec():
    assert VpnGateway.model_validate(GW).type is GatewayType.ipsec


@pytest.mark.parametrize("bad", ["VPC", "ipsec-vpn", 5, True])
def test_unknown_type_in_a_site_file_is_one_schema_error_at_the_field(bad):
    assert findings_of(with_type(bad)) == [("SCHEMA", "error", "vpn_gateways[0].type")]  # type: ignore[arg-type]


def test_kinds():
    assert [t.value for t in GatewayType if t.carries_ipsec] == ["ipsec", "ccn"]
    assert [t.value for t in GatewayType if t.attached_to_ccn] == ["ccn", "ssl_ccn"]


# ------------------------------------------------------------------ rules
@pytest.mark.parametrize(
    ("gw_type", "bad"), [(None, False), ("ipsec", False), ("ccn", False), ("ssl", True), ("SSL_CCN", True)]
)
def test_gateway_type_rule(gw_type, bad):
    errors = [f for f in findings_of(with_type(gw_type)) if f[1] == "error"]
    assert errors == ([("GATEWAY-TYPE", "error", "tunnels[0].vpn_gateway")] if bad else [])


def test_gateway_type_message_names_tunnel_and_gateway():
    _, found = site_from_data(with_type("ssl_ccn"), "t.yaml")
    (f,) = [f for f in found if f.rule == "GATEWAY-TYPE"]
    assert "TomVPNConn" in f.message and "TomVPNGw" in f.message and "ssl_ccn" in f.message


def _outside_vpc(d: dict[str, Any]) -> None:
    # the local range outside the VPC (warning), a peer range inside it (error)
    d["tunnels"][0]["spd"] = [{"local": "172.31.1.0/24", "peers": ["192.168.50.0/24"]}]


@pytest.mark.parametrize(("gw_type", "fires"), [("ipsec", True), ("ccn", False)])
def test_vpc_rules_skip_tunnels_of_a_ccn_gateway(gw_type, fires):
    rules = {r for r, _, _ in findings_of(with_type(gw_type, _outside_vpc))}
    assert ("SPD-PEER-IN-VPC" in rules) is fires
    assert ("SPD-LOCAL-OUTSIDE-VPC" in rules) is fires


def test_vpc_rules_keep_the_vpc_gateways_tunnels_beside_a_ccn_gateway():
    def two_gateways(d: dict[str, Any]) -> None:
        d["vpn_gateways"].append({"name": "CcnGw", "public_ip": "203.0.113.77", "bandwidth_mbps": 10, "type": "CCN"})
        t0 = d["tunnels"][0]
        t0["spd"] = [{"local": "172.31.1.0/24", "peers": ["192.168.50.0/24"]}]
        d["tunnels"].insert(0, {**t0, "name": "ViaCcn", "vpn_gateway": "CcnGw"})

    found = findings_of(with_type(None, two_gateways))
    vpc_rules = sorted(f for f in found if f[0] in {"SPD-PEER-IN-VPC", "SPD-LOCAL-OUTSIDE-VPC"})
    assert vpc_rules == [
        ("SPD-LOCAL-OUTSIDE-VPC", "warning", "tunnels[1].spd[0].local"),
        ("SPD-PEER-IN-VPC", "error", "tunnels[1].spd[0].peers[0]"),
    ]


# ----------------------------------------------------------------- import
CONN = {
    "VpnGatewayId": "vpngw-t1",
    "CustomerGatewayId": "cgw-t1",
    "VpnConnectionName": "t1",
    "PreShareKey": "Gw-Type-Key-1",
    "RouteType": "StaticRoute",
    "IKEOptionsSpecification": {"LocalAddress": "203.0.113.1", "RemoteAddress": "198.51.100.1"},
}


def imported_type(*docs: dict[str, Any]) -> str:
    data, _ = import_documents([(d, f"doc{i}.json", None) for i, d in enumerate(docs)])
    return str(data["vpn_gateways"][0].get("type", "ipsec"))


def tf_doc(values: dict[str, Any]) -> dict[str, Any]:
    conn = {
        "name": "t1",
        "vpn_gateway_id": "vpngw-t1",
        "customer_gateway_id": "cgw-t1",
        "pre_share_key": "Gw-Type-Key-1",
        "route_type": "StaticRoute",
    }
    resources = [
        {"type": "tencentcloud_vpn_gateway", "name": "g", "values": {"id": "vpngw-t1", "name": "g", **values}},
        {"type": "tencentcloud_vpn_connection", "name": "c", "values": conn},
    ]
    return {"format_version": "1.0", "values": {"root_module": {"resources": resources}}}


@pytest.mark.parametrize(
    ("api", "canonical"), [("IPSEC", "ipsec"), ("SSL", "ssl"), ("CCN", "ccn"), ("SSL_CCN", "ssl_ccn"), (None, "ipsec")]
)
def test_type_is_read_from_every_gateway_document(api, canonical):
    item = {"VpnGatewayId": "vpngw-t1", "PublicIpAddress": "203.0.113.1", "Type": api}
    assert imported_type({"Response": {"VpnGatewaySet": [item]}}, CONN) == canonical
    # a CreateVpnGateway request (vpnconf's bundle holds a list of them)
    req = {"VpnGatewayName": "vpngw-t1", "InternetMaxBandwidthOut": 5, "Type": api}
    assert imported_type(req, CONN) == canonical
    assert imported_type({"CreateVpnGateway": [req], "CreateVpnConnection": [CONN]}) == canonical
    # terraform show -json
    assert imported_type(tf_doc({"type": api})) == canonical


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("VPC", "expected a VPN gateway type (IPSEC, SSL, CCN or SSL_CCN), found a string that is not one"),
        (3, "expected a VPN gateway type (IPSEC, SSL, CCN or SSL_CCN), found a number"),
        (["CCN"], "expected a string or number, found an array"),
    ],
)
def test_bad_type_is_one_error_naming_the_json_path(value, what):
    item = {"VpnGatewayId": "vpngw-t1", "Type": value}
    with pytest.raises(VpnconfError) as exc:
        import_documents([({"Response": {"VpnGatewaySet": [item]}}, "gws.json", None), (CONN, "conn.json", None)])
    assert str(exc.value) == f"gws.json: Response.VpnGatewaySet[0].Type: {what}"
    with pytest.raises(VpnconfError, match=r"root_module\.resources\[0\]\.values\.type"):
        import_foreign(tf_doc({"type": value}), "tf.json")


def test_cli_import_of_a_bad_type_is_one_line(vpnconf_bin, tmp_path):
    doc = tmp_path / "gws.json"
    doc.write_text(json.dumps({"Response": {"VpnGatewaySet": [{"VpnGatewayId": "vpngw-t1", "Type": "VPC"}]}}))
    conn = tmp_path / "conn.json"
    conn.write_text(json.dumps(CONN))
    r = subprocess.run([*vpnconf_bin, "import", str(doc), str(conn)], capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "VpnGatewaySet[0].Type" in lines[0] and "Traceback" not in r.stderr


@pytest.mark.parametrize(("extra_type", "fires"), [("ipsec", True), ("ccn", False), ("ssl_ccn", False)])
def test_gateways_attached_to_a_ccn_are_not_counted_per_vpc(extra_type, fires):
    """The per-VPC gateway limit counts the VPC's gateways; one attached to a CCN is in no VPC."""
    from vpnconf.profiles import get_profile

    cap = get_profile("tencent").limits.vpn_gateways_per_vpc

    def more(d: dict[str, Any]) -> None:
        d["vpn_gateways"] += [
            {"name": f"extra{i}", "public_ip": f"203.0.113.{100 + i}", "type": extra_type} for i in range(cap)
        ]

    assert any(r == "LIMIT-VPN-GATEWAYS" for r, _, _ in findings_of(with_type(None, more))) == fires


@pytest.mark.parametrize(("gw_type", "warned"), [("ccn", True), ("ipsec", False)])
def test_render_says_the_routes_of_a_static_ccn_tunnel_are_the_vpcs(gw_type, warned, vpnconf_bin, tmp_path):
    """A static route-based tunnel of a CCN gateway: the site lists the VPC's
    ranges, not the CCN's; `render` writes routes to the VPC's and says on
    stderr that the CCN's other networks need routes too (the lab vendor's
    route variant; any vendor's would say the same: the renderer says it)."""
    import yaml

    from conftest import SAMPLES
    from vpnconf.catalog import lab_vendor

    d = yaml.safe_load((SAMPLES / "static-pair.yaml").read_text())
    d["vpn_gateways"][0]["type"] = gw_type
    site = tmp_path / "site.yaml"
    site.write_text(yaml.safe_dump(d))
    r = subprocess.run(
        [*vpnconf_bin, "render", str(site), "--tunnel", "TunA", "--vendor", lab_vendor().id, "-o", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    ccn = [ln for ln in r.stderr.splitlines() if "CCN" in ln]
    assert bool(ccn) == warned, r.stderr
    if warned:
        assert "the static routes written are the VPC's (192.168.0.0/16)" in ccn[0]
