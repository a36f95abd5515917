"""strongSwan route-based tunnels (variant swanctl-xfrm: swanctl.conf with an
XFRM interface ID, xfrm.sh, bird.conf) and proposal lists: render -> parse ->
to_site_data gives the same tunnel back, for the tunnels of the pair samples
and for tunnels offering several proposals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import QUICKSTART, ROOT
from vpnconf.io import require_site, site_from_data
from vpnconf.model import Site
from vpnconf.parsing import parse_text, to_site_data
from vpnconf.renderer import join_files, render_files

VENDOR = Path(__file__).resolve().parents[1].name
XFRM = "swanctl-xfrm"
SAMPLES = ROOT / "samples"


def _site(path: Path, mutate: Any = None) -> Site:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if mutate:
        mutate(data)
    site, findings = site_from_data(data, path.name)
    assert site is not None, [f.text() for f in findings]
    return site


def _back(site: Site, name: str, variant: str) -> tuple[Any, Any, dict[str, Any]]:
    """(the parsed device, the tunnel back in the model, the site data) of one
    tunnel rendered with ``variant``, its files joined."""
    text = join_files(render_files(site, name, VENDOR, variant=variant))
    dev = parse_text(text, "joined", VENDOR)
    assert not [f.text() for f in dev.findings if f.severity == "error"]
    assert len(dev.tunnels) == 1
    data, losses = to_site_data(dev)
    assert data["tunnels"], [f.text() for f in losses]
    return dev, Site.model_validate(data).tunnels[0], data


def _comparable(t: Any, exclude: set[str]) -> dict[str, Any]:
    d: dict[str, Any] = t.model_dump(mode="json", exclude={"vpn_gateway", "customer_gateway", *exclude})
    d["pre_shared_key"] = t.psk()
    for side in ("local_id", "peer_id"):  # an address identity comes back spelled out
        if d["ike"][side]["type"] == "address":
            d["ike"][side]["value"] = None
    return d


# what a device config cannot hold: the cloud's health check and the cloud's
# own routes to the IDC ranges (with their priorities) are cloud settings
CLOUD_ONLY = {"health_check", "routes"}


@pytest.mark.parametrize("sample", ["bgp-pair.yaml", "static-pair.yaml"])
def test_pair_samples_come_back_the_same(sample: str) -> None:
    site = _site(SAMPLES / sample)
    for t in site.tunnels:
        dev, back, data = _back(site, t.name, XFRM)
        assert dev.tunnels[0].route_based and dev.tunnels[0].variant == XFRM
        assert _comparable(back, CLOUD_ONLY) == _comparable(t, CLOUD_ONLY), t.name
        if t.route_type.value == "bgp":
            # the ASNs are the gateways': the VPN gateway's and the customer gateway's
            assert data["vpn_gateways"][0]["bgp_asn"] == site.vpn_gateway(t.vpn_gateway).bgp_asn
            assert data["customer_gateways"][0]["bgp_asn"] == site.customer_gateway(t.customer_gateway).bgp_asn
        else:
            # the device routes the VPC's ranges into the tunnel
            assert dev.tunnels[0].routes == [str(n) for n in site.vpc.cidr_blocks]
            assert data["vpc"]["cidr_blocks"] == [str(n) for n in site.vpc.cidr_blocks]


def _announce_standby(d: dict[str, Any]) -> None:
    d["pairs"][0]["mode"] = "active-standby"
    for t, nets in zip(d["tunnels"], (["10.1.0.0/16", "10.2.0.0/16"], ["10.1.0.0/16"]), strict=True):
        t["bgp"].update(advertise=nets, hold_time=30, keepalive=10)


def test_a_bgp_pair_renders_and_reads_back_its_preference() -> None:
    site = _site(SAMPLES / "bgp-pair.yaml", _announce_standby)
    files = {t.name: render_files(site, t.name, VENDOR, variant=XFRM) for t in site.tunnels}
    primary, backup = files["TunA"]["bird.conf"], files["TunB"]["bird.conf"]
    assert "export where net ~ [ 10.1.0.0/16, 10.2.0.0/16 ];" in primary
    assert "bgp_local_pref" not in primary and "prepend" not in primary
    assert "default bgp_local_pref 50;" in backup and "bgp_path.prepend(65010);" in backup
    assert "Pair IdcPair (active-standby): this tunnel is the backup tunnel; the other is TunA." in backup
    for t in site.tunnels:
        dev, back, _ = _back(site, t.name, XFRM)
        assert _comparable(back, CLOUD_ONLY) == _comparable(t, CLOUD_ONLY), t.name
        extra = dev.tunnels[0].extra
        got_bgp = dev.tunnels[0].bgp
        assert got_bgp is not None
        if t.name == "TunB":
            assert (got_bgp.local_preference, extra["bgp_prepend"]) == (50, [65010])
        else:
            assert got_bgp.local_preference is None and "bgp_prepend" not in extra


def test_a_static_backup_routes_with_a_higher_metric() -> None:
    site = _site(SAMPLES / "static-pair.yaml")
    a = render_files(site, "TunA", VENDOR, variant=XFRM)["xfrm.sh"]
    b = render_files(site, "TunB", VENDOR, variant=XFRM)["xfrm.sh"]
    assert "ip route add 192.168.0.0/16 dev xfrm-1\n" in a
    assert "ip route add 192.168.0.0/16 dev xfrm-2 metric 100\n" in b
    assert "this tunnel is the primary tunnel; the other is TunB" in a
    dev, _, _ = _back(site, "TunB", XFRM)
    assert dev.tunnels[0].route_preference == 100 and "route_preference" not in dev.tunnels[0].defaulted
    dev, _, _ = _back(site, "TunA", XFRM)
    assert dev.tunnels[0].route_preference == 0 and "route_preference" in dev.tunnels[0].defaulted


def _two_proposals(d: dict[str, Any]) -> None:
    t = d["tunnels"][0]
    t["ike"] = {
        "version": 2,
        "proposals": [
            {"encryption": "aes256gcm", "integrity": "sha384", "dh_group": 20},
            {"encryption": "aes256", "integrity": "sha256", "dh_group": 14},
            {"encryption": "aes128", "integrity": "sha1", "dh_group": 14},
        ],
    }
    t["ipsec"] = {
        "pfs": 14,
        "proposals": [
            {"encryption": "aes256gcm", "pfs": 14},
            {"encryption": "aes256", "integrity": "sha256", "pfs": 14},
        ],
    }


@pytest.mark.parametrize("variant", ["swanctl", "ipsec-conf", XFRM])
def test_every_proposal_is_written_in_order_and_read_back(variant: str) -> None:
    site = _site(QUICKSTART, _two_proposals)
    t = site.tunnels[0]
    text = join_files(render_files(site, t.name, VENDOR, variant=variant))
    if variant == "ipsec-conf":
        assert "ike=aes256gcm16-prfsha384-ecp384,aes256-sha256-modp2048,aes128-sha1-modp2048!" in text
        assert "esp=aes256gcm16-modp2048,aes256-sha256-modp2048!" in text
    else:
        assert "proposals = aes256gcm16-prfsha384-ecp384,aes256-sha256-modp2048,aes128-sha1-modp2048\n" in text
        assert "esp_proposals = aes256gcm16-modp2048,aes256-sha256-modp2048\n" in text
    _, back, _ = _back(site, t.name, variant)
    assert _comparable(back, set()) == _comparable(t, set())
    assert [p.encryption.value for p in back.ike.offers()] == ["aes256gcm", "aes256", "aes128"]
    assert [p.encryption.value for p in back.ipsec.offers()] == ["aes256gcm", "aes256"]


def test_a_one_proposal_tunnel_writes_one_proposal() -> None:
    """The lab's variant: the quick start renders exactly one proposal per phase."""
    text = render_files(require_site(QUICKSTART), "TomVPNConn", VENDOR, variant="swanctl")["swanctl.conf"]
    assert "    proposals = aes128-sha1-modp2048\n" in text
    assert "        esp_proposals = aes128-sha1\n" in text
    assert "if_id" not in text and "0.0.0.0/0" not in text


def test_a_policy_tunnel_on_the_xfrm_variant_keeps_its_selectors() -> None:
    """Narrowed selectors (the SPD) with the interface ID, one child per pair,
    and a route into the interface per VPC range of the SPD."""
    site = require_site(QUICKSTART)
    files = render_files(site, "TomVPNConn", VENDOR, variant=XFRM)
    assert "local_ts = 10.0.1.0/24\n        remote_ts = 192.168.1.0/24\n        if_id_in = 1\n" in files["swanctl.conf"]
    assert "ip route add 192.168.1.0/24 dev xfrm-1\n" in files["xfrm.sh"]
    dev, back, _ = _back(site, "TomVPNConn", XFRM)
    (t,) = dev.tunnels
    assert t.selectors == [("10.0.1.0/24", "192.168.1.0/24")]
    # narrowed selectors without BGP read as the SPD: the policy-based tunnel
    # comes back, the interface and its routes are in extra
    assert not t.route_based and t.extra["interface_routes"] == ["192.168.1.0/24"]
    assert back.route_type.value == "policy" and back.spd == site.tunnels[0].spd
    assert any(f.rule == "SELECTORS" and "narrowed selectors" in f.message for f in dev.findings)


def test_the_interface_id_follows_the_tunnels_place_in_the_site() -> None:
    site = _site(SAMPLES / "static-pair.yaml")
    ids = []
    for t in site.tunnels:
        dev, _, _ = _back(site, t.name, XFRM)
        ids.append((dev.tunnels[0].extra["if_id_out"], dev.tunnels[0].extra["interface"]))
    assert ids == [("1", "xfrm-1"), ("2", "xfrm-2")]


def test_a_swanctl_conf_alone_is_route_based_with_unknown_routes() -> None:
    site = _site(SAMPLES / "static-pair.yaml")
    text = render_files(site, "TunA", VENDOR, variant=XFRM)["swanctl.conf"]
    dev = parse_text(text, "swanctl.conf", VENDOR)
    (t,) = dev.tunnels
    assert t.route_based and t.routes == [] and t.bgp is None
    missing = [f for f in dev.findings if f.rule == "MISSING" and "if_id 1" in f.message]
    assert missing and missing[0].severity == "warning"
    data, _ = to_site_data(dev)
    assert data["tunnels"][0]["route_type"] == "static"


def test_the_routing_files_alone_hold_no_tunnel() -> None:
    files = render_files(_site(SAMPLES / "bgp-pair.yaml"), "TunA", VENDOR, variant=XFRM)
    dev = parse_text(files["xfrm.sh"] + files["bird.conf"], "routing", VENDOR)
    assert dev.tunnels == []
    assert [f.rule for f in dev.findings if f.severity != "info"] == []
    assert any(f.rule == "NO-TUNNEL" for f in dev.findings)


@pytest.mark.parametrize("case", ["xfrm-bgp-engineer-files.yaml", "xfrm-static-routes-metric.yaml"])
def test_an_engineers_route_based_files_come_back_the_same_through_the_variant(case: str) -> None:
    """parse(engineer's files) -> model -> render swanctl-xfrm -> parse -> the
    same tunnel: proposals in order, BGP session or routes, ASNs."""
    text = yaml.safe_load((Path(__file__).resolve().parents[1] / "cases" / case).read_text(encoding="utf-8"))["input"]
    data, losses = to_site_data(parse_text(text, case, VENDOR))
    assert not [f.text() for f in losses if f.severity == "error"]
    site = Site.model_validate(data)
    t = site.tunnels[0]
    _, back, data2 = _back(site, t.name, XFRM)
    assert _comparable(back, set()) == _comparable(t, set())
    assert data2["vpc"]["cidr_blocks"] == data["vpc"]["cidr_blocks"]
    for kind in ("vpn_gateways", "customer_gateways"):
        assert data2[kind][0].get("bgp_asn") == data[kind][0].get("bgp_asn")
    if t.bgp is not None:
        assert (t.bgp.hold_time, t.bgp.keepalive) == (30, 10)
        assert [str(n) for n in t.bgp.advertise] == ["10.20.0.0/16", "10.30.0.0/24"]
        assert (str(t.bgp.local_ip), str(t.bgp.peer_ip), str(t.bgp.tunnel_cidr)) == (
            "169.254.44.5",
            "169.254.44.6",
            "169.254.44.4/30",
        )
        assert len(t.ike.proposals) == 2 and len(t.ipsec.proposals) == 2
    else:
        assert data["vpc"]["cidr_blocks"] == ["172.31.0.0/16", "172.30.0.0/16"]
