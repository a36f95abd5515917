"""Huawei VRP: what cannot be a parse case. The route-based pairs of samples/
rendered and read back (static routes with a backup's preference, BGP with a
backup's local preference), keys the CLI would not store as typed, a flush-left
global `ipsec profile` block that must not be taken for the interface's line,
and a large config read in linear time."""

from __future__ import annotations

import time

import pytest

from conftest import SAMPLES, site_with
from vpnconf.findings import RenderError
from vpnconf.io import require_site
from vpnconf.parsing import parse_text, to_site_data
from vpnconf.renderer import render, render_files

VENDOR = "huawei_vrp"


def _one(text: str):  # type: ignore[no-untyped-def]
    dev = parse_text(text, "t.cfg", VENDOR)
    assert not [f for f in dev.findings if f.severity == "error"], [f.text() for f in dev.findings]
    assert len(dev.tunnels) == 1
    return dev, dev.tunnels[0]


def test_static_pair_backup_reads_back_with_its_preference() -> None:
    site = require_site(SAMPLES / "static-pair.yaml")
    text = render(site, "TunB", VENDOR, variant="tunnel")
    assert "ip route-static 192.168.0.0 255.255.0.0 Tunnel0/0/2 preference 70" in text
    dev, t = _one(text)
    assert (t.name, t.route_based, t.routes) == ("TunB", True, ["192.168.0.0/16"])
    assert t.route_preference == 70 and "route_preference" not in t.defaulted
    assert (t.ike_version, t.pfs, t.psk) == (2, 14, "Pair-Key-B-2026")
    data, _ = to_site_data(dev)
    assert data["tunnels"][0]["route_type"] == "static"


def test_bgp_pair_reads_back_as_bgp() -> None:
    site = require_site(SAMPLES / "bgp-pair.yaml")
    # an active-active pair: neither tunnel is a backup, so no import route-policy
    for name, pref in (("TunA", None), ("TunB", None)):
        text = render(site, name, VENDOR, variant="tunnel")
        dev, t = _one(text)
        assert t.bgp is not None and (t.bgp.local_asn, t.bgp.peer_asn) == (65010, 64551)
        assert t.bgp.local_preference == pref
        data, _ = to_site_data(dev)
        assert data["tunnels"][0]["route_type"] == "bgp"
        assert data["tunnels"][0]["bgp"]["tunnel_cidr"] == str(site.tunnels[0 if name == "TunA" else 1].bgp.tunnel_cidr)


@pytest.mark.parametrize("key", ["%^%#abcdefgh%^%#", "%$%$abcdefgh%$%$", "what?now"])
def test_keys_the_cli_would_not_store_as_typed_are_refused(key: str) -> None:
    site = site_with(lambda d: d["tunnels"][0].update(pre_shared_key=key))
    with pytest.raises(RenderError):
        render_files(site, "TomVPNConn", VENDOR)


def test_ciphertext_key_is_never_printed() -> None:
    text = render(site_with(), "TomVPNConn", VENDOR).replace(
        "pre-shared-key cipher 123456", "pre-shared-key cipher %^%#q3RZ8Jv&h=Kx5%^%#"
    )
    dev = parse_text(text, "t.cfg", VENDOR)
    t = dev.tunnels[0]
    assert (t.psk_state, t.psk) == ("encrypted", None)
    assert any(f.rule == "KEY" for f in dev.findings)
    assert not any("q3RZ8Jv" in f.message for f in dev.findings)


def test_flush_left_global_profile_block_is_not_taken_for_the_interface_line() -> None:
    text = "\n".join(
        [
            "interface Tunnel0/0/1",
            "tunnel-protocol ipsec",
            "destination 203.0.113.1",
            "ipsec profile other",
            "ike-peer p",
            "proposal q",
        ]
    )
    dev = parse_text(text, "t.cfg", VENDOR)
    # the profile block has sub-commands: a global block, not the interface's line
    assert not dev.tunnels
    assert not any("read as the interface's" in f.message for f in dev.findings)


def test_large_config_reads_in_linear_time() -> None:
    def config(n: int) -> str:
        out = []
        for i in range(1, n + 1):
            out += [
                f"acl number {3000 + i % 1000}",
                f" rule 5 permit ip source 10.{i // 250}.{i % 250}.0 0.0.0.255 destination 192.168.1.0 0.0.0.255",
                f"ike proposal {i}",
                " encryption-algorithm aes-256",
                " authentication-algorithm sha2-256",
                " dh group14",
                f"ike peer p{i}",
                " undo version 2",
                f" pre-shared-key cipher key{i}xyz",
                f" ike-proposal {i}",
                f" remote-address 203.0.{i // 250}.{i % 250 + 1}",
                f"ipsec proposal p{i}",
                " esp authentication-algorithm sha2-256",
                " esp encryption-algorithm aes-256",
                f"ipsec policy grp {i} isakmp",
                f" security acl {3000 + i % 1000}",
                f" ike-peer p{i}",
                f" proposal p{i}",
            ]
        return "\n".join([*out, "interface GigabitEthernet0/0/1", " ipsec policy grp"])

    timings = []
    for n in (500, 2000):
        text = config(n)
        start = time.perf_counter()
        dev = parse_text(text, "big.cfg", VENDOR)
        timings.append(time.perf_counter() - start)
        assert len(dev.tunnels) == n
    # four times the input: well under sixteen times the time (no quadratic pass)
    assert timings[1] < max(timings[0], 0.05) * 10
