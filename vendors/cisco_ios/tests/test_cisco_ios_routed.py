"""Cisco IOS / IOS-XE route-based tunnels and proposal lists, rendered and
read back: the static and BGP pairs of samples/ (each tunnel on its own and
both pasted on one router), a BGP tunnel announcing networks, tunnels
offering several proposals per phase (both variants), and what cannot be
written (different PFS per ESP offer)."""

from __future__ import annotations

import copy

import pytest
import yaml

from conftest import SAMPLES
from vpnconf.findings import RenderError
from vpnconf.io import require_site, site_from_data
from vpnconf.model import Site
from vpnconf.parsing import ParsedDevice, parse_text, to_site_data
from vpnconf.renderer import render_files

VENDOR = "cisco_ios"
PAIRS = {"static": SAMPLES / "static-pair.yaml", "bgp": SAMPLES / "bgp-pair.yaml"}
#: what a device config cannot give back: the cloud's own routes to the IDC
#: (Tencent CreateVpnConnRoute, with their priorities) and the VPN gateway's
#: health check live on the cloud side only; the parser names gateways by address
CLOUD_SIDE = {"routes", "health_check"}
NAMES = {"vpn_gateway", "customer_gateway", "pre_shared_key"}
CGW = "198.51.100.5"  # the samples' customer gateway


def rendered(site: Site, name: str, variant: str = "vti") -> str:
    return render_files(site, name, VENDOR, variant=variant)["config.txt"]


def parse(text: str) -> ParsedDevice:
    dev = parse_text(text, "routed.cfg", VENDOR)
    assert [f.text() for f in dev.findings if f.severity == "error"] == []
    return dev


def back(dev: ParsedDevice) -> Site:
    data, losses = to_site_data(dev)
    assert not [f.text() for f in losses if f.severity != "info"]
    return Site.model_validate(data)


def same_tunnel(original: Site, name: str, parsed: Site, exclude: set[str] = CLOUD_SIDE) -> None:
    t = original.tunnel(name)
    got = parsed.tunnel(name)
    ex = NAMES | exclude
    assert got.model_dump(mode="json", exclude=ex) == t.model_dump(mode="json", exclude=ex)
    assert got.psk() == t.psk()
    assert parsed.vpn_gateway(got.vpn_gateway).public_ip == original.vpn_gateway(t.vpn_gateway).public_ip
    assert (
        parsed.customer_gateway(got.customer_gateway).public_ip
        == original.customer_gateway(t.customer_gateway).public_ip
    )


# ============================================================ the sample pairs
@pytest.mark.parametrize("kind", sorted(PAIRS))
def test_each_tunnel_of_the_sample_pairs_comes_back(kind):
    site = require_site(PAIRS[kind])
    for t in site.tunnels:
        dev = parse(rendered(site, t.name))
        (pt,) = dev.tunnels
        assert pt.name == t.name and pt.route_based and pt.selectors == []
        assert (pt.extra["mtu"], pt.extra["mss"]) == (1400, 1360)
        parsed = back(dev)
        same_tunnel(site, t.name, parsed)
        got = parsed.tunnel(t.name)
        if kind == "bgp":
            # the device's view turned back into the cloud's: inside /30, both ASNs on their gateways
            assert pt.routes == [] and pt.bgp is not None
            assert (pt.bgp.local_ip, pt.bgp.peer_ip) == (str(t.bgp.peer_ip), str(t.bgp.local_ip))
            assert parsed.vpn_gateway(got.vpn_gateway).bgp_asn == site.vpn_gateway(t.vpn_gateway).bgp_asn
            assert (
                parsed.customer_gateway(got.customer_gateway).bgp_asn
                == site.customer_gateway(t.customer_gateway).bgp_asn
            )
        else:
            assert pt.bgp is None and pt.routes == [str(n) for n in site.vpc.cidr_blocks]
            assert [str(n) for n in parsed.vpc.cidr_blocks] == [str(n) for n in site.vpc.cidr_blocks]


def test_the_static_pair_pasted_on_one_router():
    """Both tunnels on one device: two tunnel interfaces, the same VPC route
    through each, the backup's at distance 10."""
    site = require_site(PAIRS["static"])
    text = rendered(site, "TunA") + rendered(site, "TunB")
    assert "this tunnel (TunB) is the\n! backup one; the other tunnel is TunA" in text
    dev = parse(text)
    got = {t.name: t for t in dev.tunnels}
    assert sorted(got) == ["TunA", "TunB"]
    assert got["TunA"].routes == got["TunB"].routes == ["192.168.0.0/16"]
    assert (got["TunA"].route_preference, got["TunB"].route_preference) == (1, 10)
    assert "route_preference" in got["TunA"].defaulted and "route_preference" not in got["TunB"].defaulted
    assert (got["TunA"].extra["tunnel_interface"], got["TunB"].extra["tunnel_interface"]) == ("Tunnel10", "Tunnel20")


def _bgp_standby_site() -> Site:
    d = yaml.safe_load(PAIRS["bgp"].read_text())
    d["pairs"][0]["mode"] = "active-standby"
    d["tunnels"][0]["bgp"]["advertise"] = ["10.1.0.0/16", "10.2.0.0/24"]
    d["tunnels"][1]["bgp"]["advertise"] = ["10.1.0.0/16", "10.2.0.0/24"]
    d["tunnels"][1]["bgp"].update(hold_time=30, keepalive=10)
    site, findings = site_from_data(d, "bgp-standby.yaml")
    assert site is not None, [f.text() for f in findings]
    return site


def test_a_bgp_standby_pair_pasted_on_one_router():
    """One router, two sessions in one `router bgp` (IOS merges the blocks):
    each tunnel finds the neighbor in its own /30; the backup takes the
    cloud's routes at local-preference 50; the announced networks and the
    timers come back per tunnel."""
    site = _bgp_standby_site()
    a, b = rendered(site, "TunA"), rendered(site, "TunB")
    assert "route-map" not in a
    assert "route-map RM-TunB-BACKUP-IN permit 10\n set local-preference 50\n" in b
    assert "  neighbor 169.254.10.5 route-map RM-TunB-BACKUP-IN in\n" in b
    assert "  network 10.2.0.0 mask 255.255.255.0\n" in a
    dev = parse(a + b)
    got = {t.name: t for t in dev.tunnels}
    assert got["TunA"].bgp is not None and got["TunB"].bgp is not None
    assert (got["TunA"].bgp.peer_ip, got["TunB"].bgp.peer_ip) == ("169.254.10.1", "169.254.10.5")
    assert (got["TunA"].bgp.hold_time, got["TunB"].bgp.hold_time) == (90, 30)
    assert got["TunA"].bgp.advertise == got["TunB"].bgp.advertise == ["10.1.0.0/16", "10.2.0.0/24"]
    assert (got["TunA"].bgp.local_preference, got["TunB"].bgp.local_preference) == (None, 50)
    assert got["TunA"].route_preference is None  # no static route: BGP only
    # each rendered on its own comes back whole
    for name, text in (("TunA", a), ("TunB", b)):
        same_tunnel(site, name, back(parse(text)))


def test_an_spd_on_a_route_based_tunnel_is_said_to_be_any_any():
    d = yaml.safe_load(PAIRS["static"].read_text())
    d["tunnels"][0]["spd"] = [{"local": "192.168.1.0/24", "peers": ["10.1.0.0/16"]}]
    site, findings = site_from_data(d, "spd.yaml")
    assert site is not None, [f.text() for f in findings]
    text = rendered(site, "TunA")
    assert "an IOS static VTI cannot narrow\n! them: it still negotiates any/any" in text
    assert "ip route 192.168.1.0 255.255.255.0 Tunnel10\n" in text
    dev = parse(text)
    assert any(f.rule == "SELECTORS" and "cannot narrow" in f.message for f in dev.findings)
    assert dev.tunnels[0].selectors == [] and dev.tunnels[0].routes == ["192.168.1.0/24"]


def test_a_bgp_tunnel_on_the_crypto_map_variant_is_refused():
    site = require_site(PAIRS["bgp"])
    with pytest.raises(RenderError, match="route-based"):
        rendered(site, "TunA", "crypto-map")


# ============================================================ proposal lists
def _offers_site(version: int, route_type: str) -> Site:
    d = yaml.safe_load(PAIRS["static"].read_text())
    t = d["tunnels"][0]
    d["pairs"] = []
    d["tunnels"] = [t]
    if route_type == "policy":
        t.update(route_type="policy", routes=[], spd=[{"local": "192.168.0.0/16", "peers": ["10.1.0.0/16"]}])
        t.pop("health_check")
    ike = [
        {"encryption": "aes256", "integrity": "sha256", "dh_group": 14},
        {"encryption": "aes128", "integrity": "sha1", "dh_group": 14},
        {"encryption": "aes256", "integrity": "sha384", "dh_group": 20},
    ]
    if version == 2:
        ike.insert(1, {"encryption": "aes256gcm", "integrity": "sha384", "dh_group": 20})
    t["ike"] = {"version": version, "proposals": ike, "lifetime_seconds": 28800}
    t["ipsec"] = {
        "proposals": [
            {"encryption": "aes256gcm", "pfs": 14},
            {"encryption": "aes256", "integrity": "sha256", "pfs": 14},
            {"encryption": "aes128", "integrity": "sha1", "pfs": 14},
        ],
        "lifetime_seconds": 3600,
        "lifetime_kb": 1843200,
    }
    site, findings = site_from_data(d, "offers.yaml")
    assert site is not None, [f.text() for f in findings]
    return site


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize(("variant", "route_type"), [("crypto-map", "policy"), ("vti", "static")])
def test_every_offer_comes_back_in_order(version, variant, route_type):
    site = _offers_site(version, route_type)
    t = site.tunnels[0]
    text = rendered(site, t.name, variant)
    n_ike = len(t.ike.proposals)
    if version == 1:
        assert [f"crypto isakmp policy {10 + i}" in text for i in range(n_ike)] == [True] * n_ike
    else:
        names = ["IKEV2-PROP-TunA"] + [f"IKEV2-PROP-TunA-{i}" for i in range(2, n_ike + 1)]
        assert "".join(f" proposal {n}\n" for n in names) in text
        assert " prf sha384\n" in text  # the GCM offer
    assert " set transform-set TS-TunA TS-TunA-2 TS-TunA-3\n" in text
    assert "crypto ipsec transform-set TS-TunA esp-gcm 256\n" in text
    # IKEv1 names no local address: the router's WAN interface holds it
    dev = parse(f"interface GigabitEthernet0/0\n ip address {CGW} 255.255.255.0\n!\n" + text)
    (pt,) = dev.tunnels
    assert [(p.encryption, p.integrity, p.dh_group) for p in pt.ike_proposals] == [
        (p.encryption.value, p.integrity.value, int(p.dh_group)) for p in t.ike.proposals
    ]
    parsed = back(dev)
    same_tunnel(site, t.name, parsed)


def test_esp_offers_with_different_pfs_are_refused():
    site = _offers_site(2, "static")
    d = copy.deepcopy(site.model_dump(mode="json"))
    d["tunnels"][0]["pre_shared_key"] = site.tunnels[0].psk()
    d["tunnels"][0]["ipsec"]["proposals"][1]["pfs"] = "none"
    other = Site.model_validate(d)
    with pytest.raises(RenderError, match="one PFS group"):
        rendered(other, "TunA")


def test_a_bgp_tunnel_without_both_asns_is_refused():
    d = yaml.safe_load(PAIRS["bgp"].read_text())
    d["customer_gateways"][0].pop("bgp_asn")
    site = Site.model_validate(d)  # (the BGP-CONFIG rule would say so too; the template never writes "None")
    with pytest.raises(RenderError, match="needs both gateways' bgp_asn"):
        rendered(site, "TunA")


@pytest.mark.parametrize("kind", sorted(PAIRS))
def test_route_based_output_is_detected_as_this_vendor_only(kind):
    from vpnconf.parsing import DETECT_THRESHOLD, detect_score, detect_vendor, parser_modules

    site = require_site(PAIRS[kind])
    text = rendered(site, "TunA") + rendered(site, "TunB")
    assert detect_vendor(text)[0] == VENDOR
    assert all(detect_score(v, text)[0] < DETECT_THRESHOLD for v in parser_modules() if v != VENDOR)


def test_more_ikev1_offers_than_one_tunnels_policy_numbers_are_refused():
    site = _offers_site(1, "static")
    d = site.model_dump(mode="json")
    d["tunnels"][0]["pre_shared_key"] = site.tunnels[0].psk()
    groups = [14, 15, 16, 19, 20, 24, 5, 2, 1, 14, 15]
    d["tunnels"][0]["ike"]["proposals"] = [
        {"encryption": "aes256" if i < 10 else "aes128", "integrity": "sha256", "dh_group": g}
        for i, g in enumerate(groups)
    ]
    eleven = Site.model_validate(d)
    with pytest.raises(RenderError, match="11 IKEv1 offers"):
        render_files(eleven, "TunA", VENDOR, variant="vti", software="15.9")
    d["tunnels"][0]["ike"]["proposals"] = d["tunnels"][0]["ike"]["proposals"][:10]
    text = render_files(Site.model_validate(d), "TunA", VENDOR, variant="vti", software="15.9")["config.txt"]
    assert "crypto isakmp policy 19\n" in text and "crypto isakmp policy 20\n" not in text
