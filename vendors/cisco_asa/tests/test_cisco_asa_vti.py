"""Cisco ASA route-based VTI (variant vti) and proposal lists: render -> parse ->
to_site_data gives the same tunnel back for the redundant pairs of samples/bgp-pair.yaml
and samples/static-pair.yaml and for a tunnel offering several proposals; what a device
config cannot hold (the cloud's own routes and health check) is named, never guessed.
The BGP sessions of the hand-written cases (cases/vti-*.yaml) are checked here, where
the parsed BGP session can be compared field by field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import SAMPLES
from vpnconf.findings import RenderError
from vpnconf.model import Site
from vpnconf.parsing import ParsedBgp, parse_text, to_site_data
from vpnconf.renderer import render_files

VENDOR = Path(__file__).resolve().parents[1].name
CASES = Path(__file__).resolve().parents[1] / "cases"
GATEWAYS = ("vpn_gateway", "customer_gateway")


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((SAMPLES / name).read_text())
    return data


def site(data: dict[str, Any]) -> Site:
    # model validation only: a multi-proposal tunnel is beyond the Tencent profile's rules
    return Site.model_validate(data)


def render(s: Site, tunnel: str, variant: str = "vti", software: str | None = None) -> str:
    return render_files(s, tunnel, VENDOR, variant=variant, software=software)["config.txt"]


def roundtrip(s: Site, tunnel: str, variant: str = "vti") -> tuple[Any, Any, Any, dict[str, Any], list[Any]]:
    text = render(s, tunnel, variant)
    dev = parse_text(text, f"{tunnel}.cfg", VENDOR)
    assert [f.text() for f in dev.findings if f.severity == "error"] == []
    assert len(dev.tunnels) == 1
    data, losses = to_site_data(dev)
    back = Site.model_validate(data).tunnels[0]
    return s.tunnel(tunnel), back, dev, data, losses


def dump(t: Any, *skip: str) -> dict[str, Any]:
    d: dict[str, Any] = t.model_dump(mode="json", exclude={*GATEWAYS, *skip})
    d["pre_shared_key"] = t.psk()
    return d


# ------------------------------------------------------------ BGP pair
@pytest.mark.parametrize("tunnel", ["TunA", "TunB"])
def test_bgp_pair_tunnel_comes_back(tunnel: str) -> None:
    s = site(load("bgp-pair.yaml"))
    orig, back, dev, data, losses = roundtrip(s, tunnel)
    # the cloud's health check is not in a device config (the VTI holds the BGP address)
    assert dump(back, "health_check") == dump(orig, "health_check")
    assert back.route_type.value == "bgp" and back.bgp == orig.bgp
    t = dev.tunnels[0]
    assert (t.variant, t.route_based, t.name, t.selectors) == ("vti", True, tunnel, [])
    # the ASNs land on the gateways: the cloud's on the VPN gateway, the IDC's on the customer gateway
    assert data["vpn_gateways"][0]["bgp_asn"] == s.vpn_gateway(orig.vpn_gateway).bgp_asn == 64551
    assert data["customer_gateways"][0]["bgp_asn"] == s.customer_gateway(orig.customer_gateway).bgp_asn == 65010
    assert t.bgp is not None and (t.bgp.hold_time, t.bgp.keepalive) == (90, 30)
    assert not [f for f in losses if "BGP" in f.message]


def test_health_check_of_a_bgp_tunnel_is_named_in_the_config() -> None:
    text = render(site(load("bgp-pair.yaml")), "TunA")
    assert "health check probes 169.254.128.2 from 169.254.128.1" in text
    assert " ip address 169.254.10.2 255.255.255.252\n" in text


def test_bgp_announcements_and_timers_come_back() -> None:
    d = load("bgp-pair.yaml")
    d["tunnels"][0]["bgp"].update(hold_time=30, keepalive=10, advertise=["10.1.0.0/16", "172.16.8.0/22"])
    orig, back, dev, _, _ = roundtrip(site(d), "TunA")
    assert back.bgp == orig.bgp and [str(n) for n in back.bgp.advertise] == ["10.1.0.0/16", "172.16.8.0/22"]
    assert dev.tunnels[0].bgp is not None and dev.tunnels[0].bgp.advertise == ["10.1.0.0/16", "172.16.8.0/22"]
    text = render(site(d), "TunA")
    assert "  network 172.16.8.0 mask 255.255.252.0\n" in text
    assert "  neighbor 169.254.10.1 timers 10 30 30\n" in text


def test_bgp_backup_of_an_active_standby_pair_has_a_lower_local_preference() -> None:
    d = load("bgp-pair.yaml")
    d["pairs"][0]["mode"] = "active-standby"
    s = site(d)
    primary, backup = render(s, "TunA"), render(s, "TunB")
    assert "route-map" not in primary and "Pair IdcPair (active-standby): TunA is the primary" in primary
    assert "route-map RM-TunB-BACKUP permit 10\n set local-preference 50\n" in backup
    assert "  neighbor 169.254.10.5 route-map RM-TunB-BACKUP in\n" in backup
    assert "TunB is the backup of TunA" in backup
    dev = parse_text(backup, "b.cfg", VENDOR)
    assert dev.tunnels[0].extra["bgp_route_map_sets"] == {"in": ["local-preference 50"]}
    got_bgp = dev.tunnels[0].bgp
    assert got_bgp is not None and got_bgp.local_preference == 50
    first = parse_text(primary, "a.cfg", VENDOR).tunnels[0].bgp
    assert first is not None and first.local_preference is None
    # the preference is the pair's, which the site model keeps outside the tunnel: same tunnel back
    _, back, _, _, _ = roundtrip(s, "TunB")
    assert dump(back) == dump(s.tunnel("TunB"))


def test_both_tunnels_of_a_pair_on_one_asa() -> None:
    """Both configs pasted onto one ASA: one BGP process, two neighbors; each tunnel takes
    the neighbor in its own inside network, and the two identical IKE policies are one offer."""
    s = site(load("bgp-pair.yaml"))
    text = render(s, "TunA") + render(s, "TunB")
    dev = parse_text(text, "pair.cfg", VENDOR)
    assert [t.name for t in dev.tunnels] == ["TunA", "TunB"]
    assert [t.bgp.peer_ip for t in dev.tunnels if t.bgp] == ["169.254.10.1", "169.254.10.5"]
    assert all(len(t.ike_proposals) == 1 for t in dev.tunnels)
    data, _ = to_site_data(dev)
    back = Site.model_validate(data)
    for t in s.tunnels:
        assert dump(back.tunnel(t.name), "health_check") == dump(t, "health_check")


# ---------------------------------------------------------- static pair
@pytest.mark.parametrize("tunnel", ["TunA", "TunB"])
def test_static_pair_tunnel_comes_back(tunnel: str) -> None:
    s = site(load("static-pair.yaml"))
    orig, back, dev, data, losses = roundtrip(s, tunnel)
    # Honest losses: the cloud's routes to the IDC ranges (destination, priority 0/100) and
    # its health check are cloud-side settings, not in the device's config.
    assert dump(back, "routes", "health_check") == dump(orig, "routes", "health_check")
    assert back.route_type.value == "static" and back.routes == []
    assert any("routes stay empty" in f.message for f in losses)
    t = dev.tunnels[0]
    assert t.routes == ["192.168.0.0/16"] and data["vpc"]["cidr_blocks"] == ["192.168.0.0/16"]


def test_static_backup_routes_have_a_higher_distance() -> None:
    s = site(load("static-pair.yaml"))
    primary, backup = render(s, "TunA"), render(s, "TunB")
    assert "\nroute TunA 192.168.0.0 255.255.0.0 169.254.128.1\n" in primary
    assert "\nroute TunB 192.168.0.0 255.255.0.0 169.254.127.6 200\n" in backup
    assert "Pair IdcPair (active-standby): TunB is the backup of TunA" in backup
    got = [parse_text(x, "s.cfg", VENDOR).tunnels[0] for x in (primary, backup)]
    assert [t.route_preference for t in got] == [1, 200]  # the primary's route has the default distance
    assert "route_preference" in got[0].defaulted and "route_preference" not in got[1].defaulted


def test_static_tunnel_address_is_the_health_check_address_when_there_is_one() -> None:
    d = load("static-pair.yaml")
    text = render(site(d), "TunA")
    assert " ip address 169.254.128.2 255.255.255.252\n" in text
    d["tunnels"][0]["health_check"].update(local_ip="169.254.130.1", remote_ip="169.254.131.254")
    text = render(site(d), "TunA")
    assert " ip address 169.254.131.254 255.255.254.0\n" in text
    assert "\nroute TunA 192.168.0.0 255.255.0.0 169.254.130.1\n" in text


def test_policy_tunnel_on_a_vti_is_route_based_and_says_so() -> None:
    s = site(load("quickstart.yaml"))
    text = render(s, "TomVPNConn")
    assert "this tunnel is policy-based on the cloud side" in text
    t = parse_text(text, "q.cfg", VENDOR).tunnels[0]
    assert t.route_based and t.selectors == [] and t.routes == ["192.168.1.0/24"]


# ------------------------------------------------------- proposal lists
MULTI: dict[str, Any] = {
    "name": "Multi",
    "vpn_gateway": "GwA",
    "customer_gateway": "IdcGw",
    "pre_shared_key": "Multi-Key-2026",
    "ike": {
        "version": 2,
        "proposals": [
            {"encryption": "aes256gcm", "integrity": "sha384", "dh_group": 20},
            {"encryption": "aes256", "integrity": "sha256", "dh_group": 14},
            {"encryption": "aes128", "integrity": "sha1", "dh_group": 14},
        ],
    },
    "ipsec": {
        "pfs": 14,
        "proposals": [
            {"encryption": "aes256gcm", "pfs": 14},
            {"encryption": "aes256", "integrity": "sha256", "pfs": 14},
            {"encryption": "aes128", "integrity": "sha1", "pfs": 14},
        ],
    },
}


def multi_site(route_based: bool, version: int = 2) -> Site:
    d = load("static-pair.yaml")
    t = copy.deepcopy(MULTI)
    if version == 1:
        t["ike"] = {
            "version": 1,
            "proposals": [
                {"encryption": "aes256", "integrity": "sha1", "dh_group": 14},
                {"encryption": "aes128", "integrity": "sha1", "dh_group": 5},
            ],
        }
        t["ipsec"] = {
            "proposals": [{"encryption": "aes256", "integrity": "sha1"}, {"encryption": "3des", "integrity": "md5"}]
        }
    if route_based:
        t["route_type"] = "static"
    else:
        t["spd"] = [{"local": "192.168.1.0/24", "peers": ["10.1.0.0/16", "10.2.0.0/16"]}]
    d.update(tunnels=[t], pairs=[], vpn_gateways=d["vpn_gateways"][:1])
    return site(d)


@pytest.mark.parametrize(("variant", "route_based"), [("crypto-map", False), ("vti", True)])
@pytest.mark.parametrize("version", [1, 2])
def test_multi_proposal_tunnel_comes_back(variant: str, route_based: bool, version: int) -> None:
    s = multi_site(route_based, version)
    orig, back, dev, _, losses = roundtrip(s, "Multi", variant)
    assert dump(back) == dump(orig)
    assert len(back.ike.proposals) == len(orig.ike.proposals) > 1
    assert not [f for f in losses if "proposal" in f.message]
    assert dev.tunnels[0].name == "Multi"  # read back from TS-/P2-Multi, -2, -3


def test_multi_proposal_policies_and_proposals_are_listed_in_order() -> None:
    text = render(multi_site(False), "Multi", "crypto-map", software="9.16")
    pols = [line for line in text.splitlines() if line.startswith("crypto ikev2 policy ")]
    assert pols == ["crypto ikev2 policy 10", "crypto ikev2 policy 11", "crypto ikev2 policy 12"]
    assert "crypto map CMAP-OUTSIDE 10 set ikev2 ipsec-proposal P2-Multi P2-Multi-2 P2-Multi-3\n" in text
    vti = render(multi_site(True), "Multi", "vti", software="9.16")
    assert " set ikev2 ipsec-proposal P2-Multi P2-Multi-2 P2-Multi-3\n" in vti


@pytest.mark.parametrize("variant", ["crypto-map", "vti"])
def test_a_pfs_group_per_proposal_is_refused_in_one_line(variant: str) -> None:
    s = multi_site(variant == "vti")
    t = s.tunnels[0]
    props = [p.model_copy(update={"pfs": 21 if i else 14}) for i, p in enumerate(t.ipsec.proposals)]
    t2 = t.model_copy(update={"ipsec": t.ipsec.model_copy(update={"proposals": props})})
    s2 = s.model_copy(update={"tunnels": [t2]})
    where = "crypto map entry" if variant == "crypto-map" else "IPsec profile"
    with pytest.raises(RenderError, match=f"PFS is one setting per {where}; .* ask for group14 and group21$"):
        render(s2, "Multi", variant)


# ------------------------------------------------------ VTI per release
@pytest.mark.parametrize(
    ("release", "version", "refused"),
    [
        ("9.6", 1, "asa >=9.0,<9.7: has no variant vti"),
        ("9.7", 2, r"asa >=9.7,<9.8: IKE version 2 is not supported by variant vti here \(supported: 1\)"),
        ("9.7", 1, None),
        ("9.8", 2, None),
        ("9.23", 2, None),
    ],
)
def test_vti_per_release(release: str, version: int, refused: str | None) -> None:
    d = load("static-pair.yaml")
    d["tunnels"][1]["ike"].update(version=version, encryption="aes256", integrity="sha1", dh_group=14)
    d["tunnels"][1]["ipsec"].update(integrity="sha1")
    s = site(d)
    if refused is None:
        text = render(s, "TunB", software=release)
        assert "tunnel protection ipsec profile PROF-TunB\n" in text and f"crypto ikev{version} policy 20\n" in text
    else:
        with pytest.raises(RenderError, match=refused):
            render(s, "TunB", software=release)


def test_aggressive_mode_is_refused_on_a_vti() -> None:
    d = load("static-pair.yaml")
    d["tunnels"][1]["ike"].update(version=1, mode="aggressive", integrity="sha1")
    d["tunnels"][1]["ipsec"].update(integrity="sha1")
    with pytest.raises(RenderError, match="IKEv1 aggressive mode cannot be written here"):
        render(site(d), "TunB")


# ------------------------------------------------ hand-written cases: BGP
def case_tunnels(name: str) -> list[Any]:
    case = yaml.safe_load((CASES / name).read_text())
    return parse_text(case["input"], name, VENDOR).tunnels


def test_hand_written_vti_bgp_session() -> None:
    (t,) = case_tunnels("vti-bgp-ikev1-hand-written.yaml")
    assert t.bgp == ParsedBgp(
        local_asn=65010,
        peer_asn=64551,
        local_ip="169.254.20.2",
        peer_ip="169.254.20.1",
        prefixlen=30,
        hold_time=30,
        keepalive=10,
        advertise=["0.0.0.0/0", "10.1.0.0/16"],
        line=34,
    )


def test_hand_written_vti_bgp_into_the_model() -> None:
    case = yaml.safe_load((CASES / "vti-bgp-ikev1-hand-written.yaml").read_text())
    data, _ = to_site_data(parse_text(case["input"], "x", VENDOR))
    (t,) = Site.model_validate(data).tunnels
    assert t.route_type.value == "bgp" and t.bgp is not None
    assert (str(t.bgp.tunnel_cidr), str(t.bgp.local_ip), str(t.bgp.peer_ip)) == (
        "169.254.20.0/30",
        "169.254.20.1",
        "169.254.20.2",
    )
    assert [str(n) for n in t.bgp.advertise] == ["0.0.0.0/0", "10.1.0.0/16"]
    assert (t.bgp.hold_time, t.bgp.keepalive) == (30, 10)


def test_flush_left_vti_bgp_session() -> None:
    (t,) = case_tunnels("vti-flush-left-paste.yaml")
    assert t.bgp is not None
    assert (t.bgp.local_asn, t.bgp.peer_asn, t.bgp.local_ip, t.bgp.peer_ip, t.bgp.prefixlen) == (
        65010,
        64551,
        "169.254.30.2",
        "169.254.30.1",
        30,
    )
    assert t.bgp.advertise == ["10.3.0.0/16"] and (t.bgp.hold_time, t.bgp.keepalive) == (None, None)


def test_a_network_without_a_mask_is_not_guessed() -> None:
    text = (
        "interface Tunnel1\n nameif v1\n ip address 169.254.1.2 255.255.255.252\n"
        " tunnel destination 203.0.113.1\n tunnel protection ipsec profile P\n"
        "router bgp 65010\n address-family ipv4 unicast\n  neighbor 169.254.1.1 remote-as 64551\n"
        "  neighbor 169.254.1.1 activate\n  network 10.0.0.0\n exit-address-family\n"
    )
    dev = parse_text(text, "n.cfg", VENDOR)
    assert dev.tunnels[0].bgp is not None and dev.tunnels[0].bgp.advertise == []
    assert any(f.rule == "NOT-CARRIED" and "network 10.0.0.0 without a mask" in f.message for f in dev.findings)
