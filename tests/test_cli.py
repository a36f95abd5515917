"""The command line: exit codes, one-line errors, JSON shapes, start-up cost,
import/export, routes, price, and the built wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv

import pytest
import yaml

from conftest import QUICKSTART, ROOT, SAMPLES
from vpnconf.catalog import lab_vendor
from vpnconf.paths import vendor_dirs


def run(cmd, *args, **kw):
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, **kw)


def test_validate_exit_codes(vpnconf_bin, tmp_path):
    r = run(vpnconf_bin, "validate", QUICKSTART)
    assert r.returncode == 0 and "PSK-WEAK" in r.stdout and "valid" in r.stdout
    r = run(vpnconf_bin, "validate", SAMPLES / "invalid" / "SPD-PEER-IN-VPC.yaml", "--format", "json")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["valid"] is False and {f["rule"] for f in doc["findings"]} >= {"SPD-PEER-IN-VPC"}


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (b"", "empty file"),
        (b"vpc: [\n", "malformed YAML"),
        (b'{"vpc": ', "malformed JSON"),
        (b"\x00\x01\x02binary", "binary data"),
        (b"\xff\xfe\xfa not utf8", "not UTF-8"),
        (b"- a\n- b\n", "a site file is a mapping"),
        (b"just a string", "a site file is a mapping"),
    ],
)
def test_unreadable_input_is_one_line_exit_2(vpnconf_bin, tmp_path, content, expect):
    p = tmp_path / "bad.yaml"
    p.write_bytes(content)
    r = run(vpnconf_bin, "validate", p)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and expect in lines[0] and str(p) in lines[0]
    assert "Traceback" not in r.stderr


def test_missing_file_and_usage(vpnconf_bin, tmp_path):
    r = run(vpnconf_bin, "validate", tmp_path / "nope.yaml")
    assert r.returncode == 2 and "no such file" in r.stderr
    r = run(vpnconf_bin, "render")
    assert r.returncode == 2 and "usage" in r.stderr and "Traceback" not in r.stderr
    r = run(vpnconf_bin, "render", QUICKSTART, "--vendor", "nosuch")
    assert r.returncode == 2 and "unknown vendor 'nosuch'" in r.stderr
    r = run(vpnconf_bin, "render", QUICKSTART, "--tunnel", "nosuch")
    assert r.returncode == 2 and "no tunnel named 'nosuch'" in r.stderr


def test_invalid_site_cannot_render(vpnconf_bin):
    r = run(vpnconf_bin, "render", SAMPLES / "invalid" / "CGW-ADDRESS-LOOPBACK.yaml")
    assert r.returncode == 1 and "CGW-ADDRESS-LOOPBACK" in r.stderr and r.stdout == ""


def test_help_has_examples_and_version(vpnconf_bin):
    for cmd in ("validate", "render", "vendors", "schema", "routes", "price", "import", "export"):
        r = run(vpnconf_bin, cmd, "--help")
        assert r.returncode == 0 and "example: vpnconf " + cmd in r.stdout
    r = run(vpnconf_bin, "--version")
    assert r.returncode == 0 and r.stdout.startswith("vpnconf ")


def test_vendors_json_matches_the_api_shape(vpnconf_bin):
    r = run(vpnconf_bin, "vendors", "--format", "json")
    assert r.returncode == 0
    doc = json.loads(r.stdout)
    assert list(doc) == ["CustomerGatewayVendorSet"]
    rows = doc["CustomerGatewayVendorSet"]
    assert rows and all(list(row) == ["VendorName", "Platform", "SoftwareVersion"] for row in rows)
    assert all(isinstance(v, str) and v for row in rows for v in row.values())
    assert len({tuple(r.values()) for r in rows}) == len(rows)


def test_vendors_filters(vpnconf_bin):
    from vpnconf.catalog import supports, vendors

    every = json.loads(run(vpnconf_bin, "vendors", "--format", "json").stdout)["CustomerGatewayVendorSet"]
    dh24 = json.loads(run(vpnconf_bin, "vendors", "--supports", "dh24", "--format", "json").stdout)[
        "CustomerGatewayVendorSet"
    ]
    want = sum(len(s.releases) for v in vendors().values() for s in v.software if supports(s, "dh24"))
    assert 0 < len(dh24) == want < len(every)
    some = next(iter(vendors().values()))
    only = json.loads(run(vpnconf_bin, "vendors", "--vendor", some.id, "--format", "json").stdout)[
        "CustomerGatewayVendorSet"
    ]
    assert only and {r["VendorName"] for r in only} == {some.catalog_vendor}
    det = json.loads(run(vpnconf_bin, "vendors", "--vendor", some.id, "--details", "--format", "json").stdout)
    assert (
        "ikev1" in det["CustomerGatewayVendorSet"][0]["Details"]
        or "ikev2" in det["CustomerGatewayVendorSet"][0]["Details"]
    )
    r = run(vpnconf_bin, "vendors", "--vendor", "nosuch")
    assert r.returncode == 2


def test_vendor_aliases_resolve():
    from vpnconf.catalog import get_vendor, vendors

    for v in vendors().values():
        for alias in v.aliases:
            assert get_vendor(alias).id == v.id
        for p in v.platforms:
            assert get_vendor(v.catalog_vendor, p.name).id == v.id


def test_schema_is_json_schema(vpnconf_bin):
    r = run(vpnconf_bin, "schema")
    doc = json.loads(r.stdout)
    assert r.returncode == 0 and doc["type"] == "object" and "tunnels" in doc["properties"]


def test_routes(vpnconf_bin):
    r = run(vpnconf_bin, "routes", QUICKSTART, "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["cloud"] == [
        {"DestinationCidrBlock": "10.0.1.0/24", "GatewayType": "VPN", "GatewayId": "TomVPNGw", "Tunnel": "TomVPNConn"}
    ]
    assert doc["idc"][0]["destination"] == "192.168.1.0/24"


def test_price(vpnconf_bin):
    r = run(vpnconf_bin, "price", "--region", "ap-guangzhou", "--bandwidth", 10, "--hours", 100, "--format", "json")
    doc = json.loads(r.stdout)
    assert r.returncode == 0 and doc["HourlyPrice"] > 0 and doc["TotalPrice"] == pytest.approx(doc["HourlyPrice"] * 100)
    r = run(vpnconf_bin, "price", "--region", "mars-1", "--bandwidth", 10)
    assert r.returncode == 2 and "not in the price table" in r.stderr
    r = run(vpnconf_bin, "price", "--region", "ap-guangzhou", "--bandwidth", 7)
    assert r.returncode == 2 and "not a tier" in r.stderr
    # a current tier the offline table has no price for: said as such, not as "not a tier"
    r = run(vpnconf_bin, "price", "--region", "ap-guangzhou", "--bandwidth", 500)
    assert r.returncode == 2 and "has no price in the offline table" in r.stderr and "\n" not in r.stderr.strip()


@pytest.mark.parametrize(
    ("profile", "mbps", "ok"),
    [("tencent", 200, True), ("tencent", 3000, True), ("tencent", 150, False), ("tencent-classic", 200, False)],
)
def test_bandwidth_tiers_are_the_profiles(tmp_path, vpnconf_bin, profile, mbps, ok):
    """The current API's tiers (up to 3,000 Mbps) in the tencent profile, the
    product document's 5-100 in tencent-classic."""
    import yaml

    from conftest import quickstart_data

    data = quickstart_data()
    data["profile"] = profile
    data["vpn_gateways"][0]["bandwidth_mbps"] = mbps
    f = tmp_path / "site.yaml"
    f.write_text(yaml.safe_dump(data))
    r = run(vpnconf_bin, "validate", f, "--format", "json")
    rules = [x["rule"] for x in json.loads(r.stdout)["findings"]]
    assert ("BANDWIDTH" not in rules) == ok, r.stdout


def test_export_import_round_trip(vpnconf_bin, tmp_path):
    r = run(vpnconf_bin, "export", QUICKSTART, "--tunnel", "TomVPNConn")
    req = json.loads(r.stdout)
    assert req["PreShareKey"] == "<redacted>"
    assert req["IKEOptionsSpecification"]["DhGroupName"] == "GROUP14"
    assert req["IPSECOptionsSpecification"]["PfsDhGroup"] == "NULL"
    assert req["IKEOptionsSpecification"]["PropoEncryAlgorithm"] == "AES-CBC-128"
    assert req["SecurityPolicyDatabases"] == [{"LocalCidrBlock": "192.168.1.0/24", "RemoteCidrBlock": ["10.0.1.0/24"]}]
    req = json.loads(run(vpnconf_bin, "export", QUICKSTART, "--show-secrets").stdout)
    assert req["PreShareKey"] == "123456"
    p = tmp_path / "req.json"
    p.write_text(json.dumps(req))
    out = tmp_path / "merged.yaml"
    r = run(vpnconf_bin, "import", p, "--into", QUICKSTART, "-o", out)
    # the quick start already holds TomVPNConn: importing it again is a duplicate
    assert r.returncode == 1 and "NAME-DUPLICATE" in r.stderr and not out.exists()
    base = yaml.safe_load(QUICKSTART.read_text())
    base["tunnels"] = []
    b = tmp_path / "base.yaml"
    b.write_text(yaml.safe_dump(base))
    r = run(vpnconf_bin, "import", p, "--into", b, "-o", out)
    assert r.returncode == 0, r.stderr
    from vpnconf.io import require_site

    again, orig = require_site(out), require_site(QUICKSTART)
    assert again.tunnels[0] == orig.tunnels[0].model_copy(
        update={
            "ike": orig.tunnels[0].ike.model_copy(
                update={"local_id": again.tunnels[0].ike.local_id, "peer_id": again.tunnels[0].ike.peer_id}
            )
        }
    )
    assert again.tunnels[0].ike.local_id.value == "203.195.147.82"


def test_import_describe_response_and_terraform(vpnconf_bin, tmp_path):
    resp = {
        "Response": {
            "TotalCount": 1,
            "RequestId": "x",
            "VpnConnectionSet": [
                {
                    "VpnConnectionId": "vpnx-abc123",
                    "VpnConnectionName": "conn1",
                    "VpcId": "vpc-1",
                    "VpnGatewayId": "vpngw-1",
                    "CustomerGatewayId": "cgw-1",
                    "PreShareKey": "Secret-Key-1",
                    "VpnProto": "IKE",
                    "EncryptProto": "IPSEC",
                    "RouteType": "StaticRoute",
                    "SecurityPolicyDatabaseSet": [
                        {"LocalCidrBlock": "172.16.0.0/16", "RemoteCidrBlock": ["10.8.0.0/16"]}
                    ],
                    "IKEOptionsSpecification": {
                        "PropoEncryAlgorithm": "AES-CBC-256",
                        "PropoAuthenAlgorithm": "SHA-256",
                        "ExchangeMode": "MAIN",
                        "LocalIdentity": "ADDRESS",
                        "RemoteIdentity": "FQDN",
                        "LocalAddress": "203.0.113.10",
                        "RemoteFqdnName": "idc.example.com",
                        "RemoteAddress": "198.51.100.20",
                        "DhGroupName": "GROUP14",
                        "IKESaLifetimeSeconds": 28800,
                        "IKEVersion": "IKEV2",
                    },
                    "IPSECOptionsSpecification": {
                        "EncryptAlgorithm": "AES-CBC-256",
                        "IntegrityAlgorith": "SHA-256",
                        "IPSECSaLifetimeSeconds": 3600,
                        "PfsDhGroup": "DH-GROUP14",
                        "IPSECSaLifetimeTraffic": 4096000,
                    },
                }
            ],
        }
    }
    p = tmp_path / "describe.json"
    p.write_text(json.dumps(resp))
    r = run(vpnconf_bin, "import", p, "--format", "json")
    assert r.returncode == 0, r.stderr
    site = json.loads(r.stdout)
    t = site["tunnels"][0]
    assert t["pre_shared_key"] == "<redacted>"
    assert (t["ike"]["version"], t["ike"]["encryption"], t["ike"]["integrity"], t["ike"]["dh_group"]) == (
        2,
        "aes256",
        "sha256",
        14,
    )
    assert t["ike"]["peer_id"] == {"type": "fqdn", "value": "idc.example.com"}
    assert t["ipsec"]["pfs"] == 14 and t["route_type"] == "static"
    assert site["customer_gateways"][0]["public_ip"] == "198.51.100.20"
    # the validate command reads the API JSON directly too
    assert run(vpnconf_bin, "validate", p).returncode == 0

    tf = {
        "format_version": "1.0",
        "values": {
            "root_module": {
                "resources": [
                    {
                        "address": "tencentcloud_vpn_connection.c",
                        "type": "tencentcloud_vpn_connection",
                        "name": "c",
                        "values": {
                            "name": "tfconn",
                            "vpc_id": "vpc-1",
                            "vpn_gateway_id": "vpngw-1",
                            "customer_gateway_id": "cgw-1",
                            "pre_share_key": "Tf-Secret-9",
                            "ike_proto_encry_algorithm": "3DES-CBC",
                            "ike_proto_authen_algorithm": "MD5",
                            "ike_exchange_mode": "AGGRESSIVE",
                            "ike_local_identity": "ADDRESS",
                            "ike_local_address": "203.0.113.10",
                            "ike_remote_identity": "ADDRESS",
                            "ike_remote_address": "198.51.100.20",
                            "ike_dh_group_name": "GROUP2",
                            "ike_sa_lifetime_seconds": 86400,
                            "ike_version": "IKEV1",
                            "ipsec_encrypt_algorithm": "3DES-CBC",
                            "ipsec_integrity_algorithm": "MD5",
                            "ipsec_sa_lifetime_seconds": 3600,
                            "ipsec_pfs_dh_group": "NULL",
                            "ipsec_sa_lifetime_traffic": 1843200,
                            "dpd_enable": 1,
                            "dpd_timeout": "30",
                            "dpd_action": "clear",
                            "security_group_policy": [
                                {
                                    "local_cidr_block": "172.16.0.0/16",
                                    "remote_cidr_block": ["10.8.0.0/16", "10.9.0.0/16"],
                                }
                            ],
                        },
                    }
                ]
            }
        },
    }
    p = tmp_path / "tf.json"
    p.write_text(json.dumps(tf))
    r = run(vpnconf_bin, "import", p, "--format", "json", "--show-secrets")
    assert r.returncode == 0, r.stderr
    t = json.loads(r.stdout)["tunnels"][0]
    assert t["pre_shared_key"] == "Tf-Secret-9" and t["ike"]["mode"] == "aggressive" and t["ipsec"]["pfs"] == "none"
    assert t["spd"] == [{"local": "172.16.0.0/16", "peers": ["10.8.0.0/16", "10.9.0.0/16"]}]
    assert t["dpd"] == {"enabled": True, "timeout_seconds": 30, "action": "clear"}


def test_startup_does_not_import_heavy_modules(tmp_path):
    code = (
        "import sys, io, contextlib\n"
        "from vpnconf.cli import main\n"
        "for argv in (['--version'], ['vendors'], ['validate', sys.argv[1]]):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            main(argv)\n"
        "        except SystemExit:\n"
        "            pass\n"
        "heavy = sorted(m for m in ('jinja2', 'netutils', 'textfsm') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    r = subprocess.run([sys.executable, "-c", code, str(QUICKSTART)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ""


def test_wheel_installs_and_runs(tmp_path):
    """vendors/, templates/ and profiles/ travel inside the wheel."""
    dist = tmp_path / "dist"
    r = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:  # no hatchling in this environment: let pip build it in isolation
        r = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
            capture_output=True,
            text=True,
        )
    assert r.returncode == 0, r.stderr[-2000:]
    wheel = next(dist.glob("vpnconf-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, system_site_packages=True).create(env_dir)
    py = env_dir / "bin" / "python"
    r = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr[-2000:]
    exe = env_dir / "bin" / "vpnconf"
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run(
        [str(exe), "render", str(QUICKSTART), "--vendor", lab_vendor().id],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    )
    assert r.returncode == 0, r.stderr
    assert "connections {" in r.stdout
    r = subprocess.run(
        [str(py), "-c", "import vpnconf.paths as p; print(p.data_dir('vendors'))"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    )
    assert str(env_dir) in r.stdout, "vendor folders must come from the installed wheel"
    r = subprocess.run([str(exe), "vendors", "--format", "json"], capture_output=True, text=True, cwd=work, env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["CustomerGatewayVendorSet"]


def test_vendor_files_are_checked_strictly(tmp_path, monkeypatch):
    from vpnconf.catalog import Vendor
    from vpnconf.findings import VpnconfError

    good = yaml.safe_load((vendor_dirs()[lab_vendor().id] / "vendor.yaml").read_text())
    Vendor(good, "x.yaml")
    for bad, msg in (
        (dict(good, colour="red"), "unknown key(s) colour"),
        ({k: v for k, v in good.items() if k != "keywords"}, "missing key(s) keywords"),
        (dict(good, default_variant="nope"), "default_variant 'nope' is not a variant"),
    ):
        with pytest.raises(VpnconfError, match=msg.replace("(", r"\(").replace(")", r"\)")):
            Vendor(bad, "x.yaml")


def test_catalog_cache_follows_the_files(tmp_path, monkeypatch):
    import shutil

    from vpnconf import catalog, paths

    folder = tmp_path / "vendors"
    shutil.copytree(ROOT / "vendors", folder)
    monkeypatch.setattr(
        paths, "vendor_dirs", lambda: {d.parent.name: d.parent for d in sorted(folder.glob("*/vendor.yaml"))}
    )
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = catalog._load_raw(folder)
    assert list((tmp_path / "cache" / "vpnconf").glob("catalog-*.json"))
    vid = sorted(vendor_dirs())[0]
    p = folder / vid / "vendor.yaml"
    name = first[str(p)]["name"]
    p.write_text(p.read_text().replace(f"name: {name}\n", f"name: {name} edited\n"))
    second = catalog._load_raw(folder)
    assert second[str(p)]["name"] == f"{name} edited"


def test_status_command(vpnconf_bin, tmp_path):
    vid, swan = next(
        (v, t) for v, d in sorted(vendor_dirs().items()) for t in sorted((d / "status" / "samples").glob("*.txt"))
    )
    r = run(vpnconf_bin, "status", "--vendor", vid, swan, "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["command"] and doc["tunnels"]
    up = all(t["phase1"]["established"] for t in doc["tunnels"] if t.get("phase1"))
    assert r.returncode == (0 if up else 1)
    bad = tmp_path / "junk.txt"
    bad.write_text("nothing to see\n")
    r = run(vpnconf_bin, "status", "--vendor", vid, bad)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_lab_unavailable_is_one_line_exit_2(monkeypatch, capsys):
    """Not root, not Linux or no strongSwan: one clear line and exit 2."""
    import vpnconf.lab as lab
    from vpnconf.cli import main

    monkeypatch.setattr(lab, "preflight", lambda: "needs root (network namespaces)")
    assert main(["lab", "verify", str(QUICKSTART), "--tunnel", "TomVPNConn"]) == 2
    assert capsys.readouterr().err == "vpnconf: lab unavailable: needs root (network namespaces)\n"


# ------------------------------------------------------------------ regions
# The price table's display names (the product document's spellings) -> API ids.
REGION_SPELLINGS = {
    "Guangzhou": "ap-guangzhou",
    "Shanghai": "ap-shanghai",
    "Beijing": "ap-beijing",
    "Chengdu": "ap-chengdu",
    "Chongqing": "ap-chongqing",
    "Nanjing": "ap-nanjing",
    "Hong Kong": "ap-hongkong",
    "hong kong": "ap-hongkong",
    "HONG-KONG": "ap-hongkong",
    "Hong Kong, China": "ap-hongkong",
    "Singapore": "ap-singapore",
    "Bangkok": "ap-bangkok",
    "Mumbai": "ap-mumbai",
    "Seoul": "ap-seoul",
    "Tokyo": "ap-tokyo",
    "Silicon Valley": "na-siliconvalley",
    "silicon-valley": "na-siliconvalley",
    "Virginia": "na-ashburn",
    "Frankfurt": "eu-frankfurt",
    "Moscow": "eu-moscow",
    "Toronto": "na-toronto",
    "ap-guangzhou": "ap-guangzhou",
    "AP-Guangzhou": "ap-guangzhou",
    " ap guangzhou ": "ap-guangzhou",
}


def test_region_spellings_resolve_to_api_ids():
    from vpnconf.io import resolve_region

    for spelling, rid in REGION_SPELLINGS.items():
        assert resolve_region(spelling) == rid, spelling
    # named by the product document, but no source gives their API ids
    for unknown in ("Jakarta", "Sao Paulo", "mars-1", ""):
        assert resolve_region(unknown) is None


@pytest.mark.parametrize(("spelling", "rid"), [("Guangzhou", "ap-guangzhou"), ("hong kong", "ap-hongkong")])
def test_price_takes_region_names(vpnconf_bin, spelling, rid):
    r = run(vpnconf_bin, "price", "--region", spelling, "--bandwidth", 10, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["Region"] == rid
    r = run(vpnconf_bin, "price", "--region", spelling, "--bandwidth", 10)
    assert r.returncode == 0 and r.stdout.startswith(f"{rid} 10 Mbps")


def test_unknown_region_is_one_line_with_the_known_spellings(vpnconf_bin):
    r = run(vpnconf_bin, "price", "--region", "Jakarta", "--bandwidth", 10)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "'Jakarta'" in lines[0]
    assert "ap-hongkong (Hong Kong" in lines[0] and "na-ashburn (Virginia)" in lines[0]


def _site_in(tmp_path, region, name="site.yaml"):
    data = yaml.safe_load(QUICKSTART.read_text())
    data["vpc"]["region"] = region
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, sort_keys=False))
    return p


def test_site_file_region_names(vpnconf_bin, tmp_path):
    from vpnconf.io import require_site

    p = _site_in(tmp_path, "Silicon Valley")
    assert run(vpnconf_bin, "validate", p).returncode == 0
    assert require_site(p).vpc.region == "na-siliconvalley"
    bad = _site_in(tmp_path, "Atlantis", "bad.yaml")
    r = run(vpnconf_bin, "validate", bad, "--format", "json")
    assert r.returncode == 1
    (f,) = [f for f in json.loads(r.stdout)["findings"] if f["path"] == "vpc.region"]
    assert f["severity"] == "error" and "'Atlantis'" in f["message"] and "ap-guangzhou (Guangzhou)" in f["message"]
    assert f["file"] == str(bad) and f["line"] == bad.read_text().splitlines().index("  region: Atlantis") + 1


def test_import_into_a_site_with_a_region_name(vpnconf_bin, tmp_path):
    req = json.loads(run(vpnconf_bin, "export", QUICKSTART, "--show-secrets").stdout)
    p = tmp_path / "req.json"
    p.write_text(json.dumps(req))
    data = yaml.safe_load(QUICKSTART.read_text())
    data["vpc"]["region"], data["tunnels"] = "Hong Kong", []
    base = tmp_path / "base.yaml"
    base.write_text(yaml.safe_dump(data))
    r = run(vpnconf_bin, "import", p, "--into", base, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["vpc"]["region"] == "ap-hongkong"


# ------------------------------------------------------------ parse: no VPN
def test_parse_a_file_no_vendor_recognises_is_exit_2(vpnconf_bin, tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("Meeting notes\n- order more cable\n- call the ISP about the outage\n")
    for fmt in ("text", "json"):
        r = run(vpnconf_bin, "parse", p, "--format", fmt)
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2 and r.stdout == "" and len(lines) == 1
        assert lines[0].startswith(f"vpnconf: {p}: cannot tell which vendor")


def test_import_names_the_line_of_a_value_of_the_wrong_shape(vpnconf_bin, tmp_path):
    """A value of the wrong shape in an imported API document is one line naming
    the file, the line it stands on and the field (never a traceback)."""
    doc = json.loads((ROOT / "samples" / "cloud" / "describe-vpn-connections-bgp.json").read_text())
    doc["Response"]["VpnConnectionSet"][0]["IKEOptionsSpecification"]["PropoEncryAlgorithm"] = ["AES-CBC-256"]
    text = json.dumps(doc, indent=2)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "PropoEncryAlgorithm" in ln)
    f = tmp_path / "conn.json"
    f.write_text(text)
    r = run(vpnconf_bin, "import", f)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    (msg,) = r.stderr.strip().splitlines()
    assert msg.startswith(f"vpnconf: {f}:{line}: ") and "PropoEncryAlgorithm" in msg, msg


def test_import_into_a_base_names_its_line_and_refuses_a_non_site(vpnconf_bin, tmp_path):
    """--into: a wrong value in the base site names the base file and line; a base
    that is not a mapping is one line, not an internal error."""
    api = ROOT / "samples" / "cloud" / "describe-vpn-connections-bgp.json"
    bad = tmp_path / "base.yaml"
    bad.write_text("vpc: {name: v, region: ap-guangzhou, cidr_blocks: [10.0.0.0/8]}\ntunnels: 5\n")
    r = run(vpnconf_bin, "import", api, "--into", bad)
    assert r.returncode == 2 and r.stderr.strip() == f"vpnconf: {bad}:2: tunnels: expected a JSON array, found a number"
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n")
    r = run(vpnconf_bin, "import", api, "--into", listed)
    assert r.returncode == 2 and "internal error" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert r.stderr.startswith(f"vpnconf: {listed}: expected a site"), r.stderr
