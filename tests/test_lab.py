"""Rendered strongSwan configs in real charon daemons (two network namespaces,
kernel-libipsec). Run for real in CI (root); elsewhere skipped with a reason."""

from __future__ import annotations

import copy
import json
import subprocess

import pytest
import yaml

from conftest import QUICKSTART, require_lab, site_with
from vpnconf.catalog import lab_vendor
from vpnconf.labnet import leftovers

pytestmark = pytest.mark.lab
BASE = yaml.safe_load(QUICKSTART.read_text())


@pytest.fixture(autouse=True)
def _lab():
    require_lab()


def verify(site, cloud=None):
    from vpnconf.lab import verify as _verify

    report = _verify(site, site.tunnels[0].name, cloud=cloud)
    assert leftovers(report["tag"]) == []
    return report


def test_cli_lab_verify_quickstart(vpnconf_bin):
    r = subprocess.run(
        [*vpnconf_bin, "lab", "verify", str(QUICKSTART), "--tunnel", "TomVPNConn", "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr + r.stdout
    rep = json.loads(r.stdout)
    assert rep["ok"] and rep["ike_established"]
    assert rep["ike_proposal"] == "AES_CBC-128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048"
    assert [c["ping_ok"] for c in rep["children"]] == [True]


def test_rich_tunnel_every_pair_passes_traffic():
    def m(d):
        t = d["tunnels"][0]
        t["ike"].update(
            version=2,
            encryption="aes256",
            integrity="sha256",
            dh_group=19,
            local_id={"type": "fqdn", "value": "vpngw.cloud.example.com"},
            peer_id={"type": "fqdn", "value": "idc-gw.example.com"},
        )
        t["ipsec"].update(encryption="aes256gcm", pfs=14)
        t["spd"] = [
            {"local": "192.168.1.0/24", "peers": ["10.0.1.0/24", "10.0.2.0/24"]},
            {"local": "192.168.2.0/24", "peers": ["10.0.3.0/24", "172.16.0.0/16"]},
            {"local": "192.168.3.0/26", "peers": ["10.0.5.0/24"]},
        ]

    rep = verify(site_with(m))
    assert rep["ok"], rep
    assert len(rep["children"]) == 5 and all(c["established"] and c["ping_ok"] for c in rep["children"])
    assert "ECP_256" in rep["ike_proposal"]


def test_ikev1_aggressive_fqdn():
    def m(d):
        d["tunnels"][0]["ike"].update(
            mode="aggressive",
            local_id={"type": "fqdn", "value": "cloud.example.com"},
            peer_id={"type": "fqdn", "value": "idc.example.com"},
        )

    rep = verify(site_with(m))
    assert rep["ok"], rep


def _lab_matrix():
    v = lab_vendor()
    sw = v.software[0]
    cases = []
    for ver in (1, 2):
        algs = sw.algorithms(ver)
        cases += [(ver, "ike", "encryption", x) for x in algs.ike_encryption]
        cases += [(ver, "ike", "integrity", x) for x in algs.ike_integrity]
        cases += [(ver, "ike", "dh_group", x) for x in algs.dh_groups]
        cases += [(ver, "ipsec", "encryption", x) for x in algs.esp_encryption]
        cases += [(ver, "ipsec", "integrity", x) for x in algs.esp_integrity]
        cases += [(ver, "ipsec", "pfs", x) for x in algs.pfs_groups]
    return cases


@pytest.mark.parametrize(
    ("ver", "sect", "key", "value"),
    _lab_matrix(),
    ids=[f"v{c[0]}-{c[1]}-{c[2]}-{c[3]}" for c in _lab_matrix()],
)
def test_every_lab_vendor_algorithm_loads_and_negotiates(ver, sect, key, value):
    """Each value catalogued for the lab's vendor (strongSwan) renders into a config charon loads, and
    the tunnel negotiates and passes a ping with it."""
    from vpnconf.model import Site

    d = copy.deepcopy(BASE)
    d["tunnels"][0]["ike"]["version"] = ver
    d["tunnels"][0][sect][key] = value
    rep = verify(Site.model_validate(d))
    assert rep["ok"], (rep["reason"], rep["log_excerpt"][-5:])


@pytest.mark.parametrize(
    ("what", "mutate", "reasons"),
    [
        ("different DH group", lambda t: t["ike"].update(dh_group=5), {"NO_PROPOSAL_CHOSEN"}),
        (
            "different key",
            lambda t: t.update(pre_shared_key="Another-Key-42"),
            {"DECRYPTION_FAILED", "AUTHENTICATION_FAILED"},
        ),
        (
            "selectors not mirrored",
            lambda t: t["spd"][0].update(peers=["10.0.9.0/24"]),
            {"INVALID_ID_INFORMATION", "TS_UNACCEPTABLE"},
        ),
    ],
)
def test_mismatches_fail_with_the_daemon_reason(what, mutate, reasons):
    from vpnconf.model import Site

    site = site_with()
    d = copy.deepcopy(BASE)
    mutate(d["tunnels"][0])
    cloud = Site.model_validate(d).tunnels[0]
    rep = verify(site, cloud=cloud)
    assert not rep["ok"]
    got = {rep["reason"], *(c["reason"] for c in rep["children"])}
    assert got & reasons, (what, got)


def test_names_with_every_allowed_character_load_or_fail_clearly():
    """Tunnel names are label characters; swanctl.conf cannot take '.' in a
    section name (seen in charon), so rendering refuses it with one line."""
    from vpnconf.findings import RenderError
    from vpnconf.renderer import render

    rep = verify(site_with(lambda d: d["tunnels"][0].update(name="Tom_VPN-Conn-1")))
    assert rep["ok"], rep["reason"]
    with pytest.raises(RenderError, match="cannot take in a name"):
        render(site_with(lambda d: d["tunnels"][0].update(name="Tom.VPN")), "Tom.VPN", lab_vendor().id)
