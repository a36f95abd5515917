"""The CLI on IOS routers without VPN: `parse`/`check` of one file and of a
fleet directory (a readable config without IPsec is exit 0 with an empty
tunnel list and one info finding; the fleet's exit code is the worst file's)."""

from __future__ import annotations

import json
import os
import subprocess

import yaml

from conftest import QUICKSTART
from vpnconf.io import require_site
from vpnconf.renderer import render

KEY = "123456"  # the quick start's pre-shared key


def run(cmd, *args, **kw):
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, **kw)


def rendered_ios() -> str:
    """What `vpnconf render --vendor cisco_ios` prints for the quick start."""
    return render(require_site(QUICKSTART), "TomVPNConn", "cisco_ios")


def _fleet_doc(r):
    assert "Traceback" not in r.stderr
    return json.loads(r.stdout)


ROUTER_WITHOUT_VPN = """\
!
version 15.4
hostname branch-r2
!
interface GigabitEthernet0/0
 description uplink
 ip address 198.51.100.2 255.255.255.252
!
interface GigabitEthernet0/1
 ip address 10.1.0.1 255.255.255.0
!
ip route 0.0.0.0 0.0.0.0 198.51.100.1
!
end
"""


def test_parse_a_router_without_vpn_is_exit_0(vpnconf_bin, tmp_path):
    """A readable config without IPsec: an empty tunnel list and one info
    finding, exit 0 (a fleet audit tells "no VPN here" from "broken file")."""
    p = tmp_path / "branch-r2.cfg"
    p.write_text(ROUTER_WITHOUT_VPN)
    r = run(vpnconf_bin, "parse", p, "--vendor", "cisco_ios", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["vendor"] == "cisco_ios" and doc["tunnels"] == [] and doc["site"]["tunnels"] == []
    (f,) = doc["findings"]
    assert (f["severity"], f["rule"], f["file"]) == ("info", "NO-TUNNEL", str(p))
    assert "no IPsec tunnel found" in f["message"]

    r = run(vpnconf_bin, "parse", p, "--vendor", "cisco_ios")
    assert r.returncode == 0
    assert yaml.safe_load(r.stdout)["tunnels"] == []
    assert r.stderr.strip().splitlines() == [f"{p}: info NO-TUNNEL: {f['message']}"]


def test_check_a_router_without_vpn(vpnconf_bin, tmp_path):
    p = tmp_path / "branch-r2.cfg"
    p.write_text(ROUTER_WITHOUT_VPN)
    # against a profile: nothing the cloud refuses, the info finding says why
    r = run(vpnconf_bin, "check", p, "--vendor", "cisco_ios", "--against", "tencent", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert [(f["severity"], f["rule"]) for f in json.loads(r.stdout)["findings"]] == [("info", "NO-TUNNEL")]
    # against the other end: no tunnel to meet it, an error
    r = run(vpnconf_bin, "check", p, "--vendor", "cisco_ios", "--peer", QUICKSTART, "--format", "json")
    doc = json.loads(r.stdout)
    assert r.returncode == 1 and doc["ike_sa_establishes"] is False
    assert [f["rule"] for f in doc["findings"] if f["severity"] == "error"] == ["PEER-NO-TUNNEL"]
    r = run(vpnconf_bin, "check", p, "--vendor", "cisco_ios", "--peer", QUICKSTART)
    assert r.returncode == 1 and "IKE SA establishes: no" in r.stdout
    # translate still needs a tunnel: one line, exit 2
    r = run(vpnconf_bin, "translate", p, "--vendor", "cisco_ios", "--to", "strongswan")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and str(p) in r.stderr


NO_VPN_ROUTER = """\
!
version 15.4
service timestamps log datetime msec
hostname branch-r7
!
interface GigabitEthernet0/0
 description uplink to ISP
 ip address 198.51.100.6 255.255.255.252
!
interface GigabitEthernet0/1
 description office LAN
 ip address 10.7.0.1 255.255.255.0
!
ip route 0.0.0.0 0.0.0.0 198.51.100.5
!
end
"""


def test_fleet_of_one_vendor_good_no_vpn_and_binary(vpnconf_bin, tmp_path):
    """A directory of one vendor's configs (--vendor for all): a good file, a
    router without VPN and a binary file; symbolic links are not followed."""
    d = tmp_path / "routers"
    (d / "branch").mkdir(parents=True)
    (d / "hq.cfg").write_text(rendered_ios())
    (d / "branch" / "r7.cfg").write_text(NO_VPN_ROUTER)
    (d / "backup.tar.gz").write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00")
    os.symlink(d / "hq.cfg", d / "zz-link.cfg")
    os.symlink(tmp_path, d / "loop")  # a directory link: never walked

    r = run(vpnconf_bin, "parse", d, "--vendor", "cisco_ios", "--format", "json")
    assert r.returncode == 2
    doc = _fleet_doc(r)
    res = {os.path.relpath(x["file"], d): x for x in doc["results"]}
    assert list(res) == ["backup.tar.gz", "branch/r7.cfg", "hq.cfg"]  # sorted, links skipped
    assert res["backup.tar.gz"]["exit_code"] == 2 and "binary data" in res["backup.tar.gz"]["error"]
    assert str(d / "backup.tar.gz") in res["backup.tar.gz"]["error"]
    novpn = res["branch/r7.cfg"]
    assert novpn["exit_code"] == 0 and novpn["tunnels"] == [] and novpn["site"]["tunnels"] == []
    assert [(f["severity"], f["rule"]) for f in novpn["findings"]] == [("info", "NO-TUNNEL")]
    good = res["hq.cfg"]
    assert good["exit_code"] == 0 and len(good["tunnels"]) == 1 and good["tunnels"][0]["psk"] == "<redacted>"
    assert KEY not in r.stdout
    assert {s["path"] for s in doc["skipped"]} == {str(d / "zz-link.cfg"), str(d / "loop")}
    s = doc["summary"]
    n = {sev: sum(f["severity"] == sev for x in res.values() for f in x.get("findings", [])) for sev in s["findings"]}
    assert s == {
        "files": 3,
        "tunnels": 1,
        "findings": n,
        "without_vpn": 1,
        "unreadable": 1,
        "skipped": 2,
        "exit_code": 2,
    }

    # text: one block per file and the summary line, same exit code
    r = run(vpnconf_bin, "parse", d, "--vendor", "cisco_ios")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    out = r.stdout.splitlines()
    assert out[0].startswith(f"{d / 'backup.tar.gz'}: unreadable: binary data")
    assert any(x.startswith(f"{d / 'branch' / 'r7.cfg'}: cisco_ios, no IPsec tunnel") for x in out)
    assert any("info NO-TUNNEL" in x for x in out)
    assert any(x.startswith(f"{d / 'hq.cfg'}: cisco_ios, 1 tunnel (") for x in out)
    assert out[-1].startswith("summary: 3 files, 1 tunnel; findings: ")
    assert out[-1].endswith("1 without VPN, 1 unreadable, 2 skipped; exit 2")

    # without the binary file the worst file is a good one
    (d / "backup.tar.gz").unlink()
    r = run(vpnconf_bin, "parse", d, "--vendor", "cisco_ios", "--format", "json")
    assert r.returncode == 0 and _fleet_doc(r)["summary"]["exit_code"] == 0


def test_check_fleet_worst_is_an_error_finding(vpnconf_bin, tmp_path):
    """`check DIR --peer SITE`: a file whose tunnel meets the peer, and a router
    without VPN (cannot meet it: an error). The worst file is exit 1."""
    d = tmp_path / "fleet"
    d.mkdir()
    (d / "a.cfg").write_text(rendered_ios())
    (d / "b.cfg").write_text(NO_VPN_ROUTER)
    r = run(vpnconf_bin, "check", d, "--vendor", "cisco_ios", "--peer", QUICKSTART, "--format", "json")
    doc = _fleet_doc(r)
    a, b = doc["results"]
    assert a["ike_sa_establishes"] is True and a["exit_code"] == 0
    assert b["ike_sa_establishes"] is False and b["exit_code"] == 1
    assert [f["rule"] for f in b["findings"] if f["severity"] == "error"] == ["PEER-NO-TUNNEL"]
    assert r.returncode == 1 and doc["summary"]["exit_code"] == 1 and doc["summary"]["without_vpn"] == 1

    r = run(vpnconf_bin, "check", d, "--vendor", "cisco_ios", "--peer", QUICKSTART)
    assert r.returncode == 1
    assert "IKE SA establishes: yes" in r.stdout and "IKE SA establishes: no" in r.stdout
    assert r.stdout.splitlines()[-1].startswith("summary: 2 files, 1 tunnel; findings: 1 error")


ENCRYPTED_KEY_ROUTER = """\
hostname hq
interface GigabitEthernet0/0
 ip address 202.108.22.5 255.255.255.0
 crypto map CM
crypto isakmp policy 10
 encryption aes 256
 hash sha
 authentication pre-share
 group 14
crypto isakmp key 6 FLgBaJHXdYY_AcHZZMgQ_RhTDJXHUBAAB address 203.195.147.82
crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac
 mode tunnel
ip access-list extended CRYPTO
 permit ip 10.0.0.0 0.0.0.255 192.168.10.0 0.0.0.255
crypto map CM 10 ipsec-isakmp
 set peer 203.195.147.82
 set transform-set TS
 match address CRYPTO
"""


def test_translate_of_an_encrypted_key_needs_the_key(vpnconf_bin, tmp_path):
    """A type 6 key (encrypted with the router's master key) is not the key:
    translate writes a placeholder no device takes and says so; --psk-file or
    $VPNCONF_PSK gives the real key, which never shows in the report."""
    from vpnconf.catalog import vendors
    from vpnconf.renderer import PSK_PLACEHOLDER

    src = tmp_path / "hq.cfg"
    src.write_text(ENCRYPTED_KEY_ROUTER)
    keyfile = tmp_path / "psk.txt"
    keyfile.write_text("Real-Key-42!\n")
    for target in sorted(vendors()):
        r = run(vpnconf_bin, "translate", src, "--to", target)
        assert r.returncode == 0, r.stderr
        assert PSK_PLACEHOLDER in r.stdout and "FLgBaJHX" not in r.stdout + r.stderr
        assert "--psk-file" in r.stderr
        r = run(vpnconf_bin, "translate", src, "--to", target, "--psk-file", keyfile)
        assert r.returncode == 0 and PSK_PLACEHOLDER not in r.stdout and "Real-Key-42!" not in r.stderr
        assert "Real-Key-42!" in r.stdout or "0x" in r.stdout or "0s" in r.stdout
        env = {**os.environ, "VPNCONF_PSK": "Env-Key-7"}
        r = run(vpnconf_bin, "translate", src, "--to", target, env=env)
        assert r.returncode == 0 and "Env-Key-7" in r.stdout and "Env-Key-7" not in r.stderr
    bad = tmp_path / "bad.txt"
    bad.write_text("has a space\n")
    r = run(vpnconf_bin, "translate", src, "--to", "cisco_ios", "--psk-file", bad)
    assert r.returncode == 2 and "has a space" not in r.stderr and str(bad) in r.stderr


def _policies_config(n: int) -> str:
    """n crypto-map peers and n isakmp policies (every IKEv1 peer is offered all
    of them): the shape that made parse output grow with tunnels x policies."""
    out = []
    for i in range(n):
        out += [
            f"crypto isakmp policy {i + 1}",
            f" encr aes {(128, 256)[i % 2]}",
            f" hash {('sha', 'sha256', 'sha384')[i % 3]}",
            " authentication pre-share",
            f" group {(14, 19, 20, 5)[i % 4]}",
            f" lifetime {3600 + i}",
        ]
    out += ["crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac", " mode tunnel"]
    for i in range(n):
        out += [
            f"crypto isakmp key Pol-Key-{i} address 198.51.100.{i + 1}",
            f"ip access-list extended V{i}",
            f" permit ip 10.1.{i}.0 0.0.0.255 172.16.{i}.0 0.0.0.255",
            f"crypto map CM {i + 1} ipsec-isakmp",
            f" set peer 198.51.100.{i + 1}",
            " set transform-set TS",
            f" match address V{i}",
        ]
    out += ["interface GigabitEthernet0/0", " ip address 203.0.113.1 255.255.255.0", " crypto map CM"]
    return "\n".join(out) + "\n"


def test_isakmp_policies_are_held_once_in_the_parse_output(vpnconf_bin, tmp_path):
    """Each policy appears once in `parse --format json`, however many tunnels
    offer it; tunnels name the set, the site holds it once, and it builds."""
    sizes = {}
    for n in (20, 80):
        p = tmp_path / f"many-{n}.cfg"
        p.write_text(_policies_config(n))
        r = run(vpnconf_bin, "parse", p, "--format", "json")
        assert r.returncode == 0, r.stderr
        doc = json.loads(r.stdout)
        sizes[n] = len(r.stdout)
        assert len(doc["tunnels"]) == n
        assert r.stdout.count('"isakmp policy 7: ') == 1
        (name,) = doc["proposal_sets"]
        assert len(doc["proposal_sets"][name]["proposals"]) == n
        assert doc["proposal_sets"][name]["lifetimes"][:2] == [3600, 3601]
        assert all(t["ike_proposal_set"] == name and "ike_proposals" not in t for t in doc["tunnels"])
        site = doc["site"]
        (sname,) = site["ike_proposal_sets"]
        distinct = {(i % 2, i % 3, i % 4) for i in range(n)}  # (encryption, hash, group) as generated
        assert len(site["ike_proposal_sets"][sname]) == len(distinct)
        assert all(t["ike"]["proposal_set"] == sname for t in site["tunnels"])
    # 4x the tunnels and policies: the output grows about 4x, not 16x
    assert sizes[80] / sizes[20] < 5
