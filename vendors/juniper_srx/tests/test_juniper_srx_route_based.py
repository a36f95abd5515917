"""Route-based tunnels, BGP, redundant pairs and proposal lists on Junos: render -> parse ->
to_site_data gives the tunnel back (samples/bgp-pair.yaml, samples/static-pair.yaml, a
multi-proposal tunnel, an active-standby BGP pair with announcements), and a parsed BGP
session goes into the model in the cloud's view (the sessions of cases/route-bgp-*.yaml are
compared by the conformance suite).

What a device config cannot give back is named, not compared: the cloud's routes to the IDC
ranges with their priorities and the cloud's health check (``routes``, ``health_check``: settings
of the cloud side, to_site_data says so), the BGP keepalive (Junos has no statement for it: it
comes back as a third of the hold time, the interval Junos sends keepalives at), and the site's pairs (the backup's preferences are a NOT-CARRIED info finding)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from vpnconf.io import site_from_data
from vpnconf.model import Site
from vpnconf.parsing import parse_text, to_site_data
from vpnconf.renderer import render

HERE = Path(__file__).resolve().parent.parent
VENDOR = HERE.name
ROOT = HERE.parent.parent
SAMPLES = ROOT / "samples"
VARIANTS = ("route", "route-hier")


def _site(data: dict[str, Any]) -> Site:
    site, findings = site_from_data(data, "t.yaml")
    assert site is not None, [f.text() for f in findings]
    return site


def _sample(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((SAMPLES / name).read_text(encoding="utf-8")))


def _round_trip(
    site: Site, tunnel: str, variant: str, exclude: set[str], lost: dict[str, Any] | None = None
) -> tuple[Site, list[Any], Any]:
    """Render one tunnel, parse it, carry it into the model; compare every field but ``exclude``
    (``lost``: bgp fields that come back as the model's default, with that default)."""
    t = site.tunnel(tunnel)
    text = render(site, tunnel, VENDOR, variant=variant)
    dev = parse_text(text, "rt", VENDOR)
    assert not [f.text() for f in dev.findings if f.severity != "info"], text
    data, losses = to_site_data(dev)
    assert not [f.text() for f in losses if f.severity != "info"]
    back_site = Site.model_validate(data)
    (back,) = back_site.tunnels
    skip = {"vpn_gateway", "customer_gateway", *exclude}
    got, want = back.model_dump(mode="json", exclude=skip), t.model_dump(mode="json", exclude=skip)
    got["pre_shared_key"], want["pre_shared_key"] = back.psk(), t.psk()
    for k, default in (lost or {}).items():
        assert got["bgp"][k] == default
        want["bgp"][k] = default
    assert got == want
    return back_site, losses, dev


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("tunnel", ["TunA", "TunB"])
def test_bgp_pair_round_trip(tunnel: str, variant: str) -> None:
    site = _site(_sample("bgp-pair.yaml"))
    back_site, _losses, dev = _round_trip(site, tunnel, variant, {"health_check"})
    (p,) = dev.tunnels
    assert p.route_based and p.selectors == [] and p.bgp is not None
    # the ASNs come back on the gateways: the cloud's on the VPN gateway, the IDC's on the customer gateway
    assert [g.bgp_asn for g in back_site.vpn_gateways] == [64551]
    assert [g.bgp_asn for g in back_site.customer_gateways] == [65010]
    assert p.extra["st0_unit"] == ("st0.0" if tunnel == "TunA" else "st0.1")
    assert (p.extra["st0_mtu"], p.extra["tcp_mss_ipsec_vpn"]) == (1436, 1379)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("tunnel", ["TunA", "TunB"])
def test_static_pair_round_trip(tunnel: str, variant: str) -> None:
    site = _site(_sample("static-pair.yaml"))
    _back, losses, dev = _round_trip(site, tunnel, variant, {"routes", "health_check"})
    (p,) = dev.tunnels
    # the device routes the VPC range into its own st0 unit; the cloud's routes are said to be lost
    assert p.route_based and p.routes == ["192.168.0.0/16"] and p.bgp is None
    assert any("routes stay empty" in f.message for f in losses)
    backup = tunnel == "TunB"
    assert p.route_preference == (10 if backup else 5)  # the primary's route: the Junos default
    assert ("route_preference" in p.defaulted) == (not backup)


def _multi(d: dict[str, Any]) -> None:
    t = d["tunnels"][0]
    t["ike"] = {
        "version": 2,
        "lifetime_seconds": 28800,
        "proposals": [
            {"encryption": "aes256", "integrity": "sha384", "dh_group": 20},
            {"encryption": "aes128", "integrity": "sha256", "dh_group": 14},
            {"encryption": "3des", "integrity": "sha1", "dh_group": 2},
        ],
    }
    t["ipsec"] = {
        "lifetime_seconds": 3600,
        "lifetime_kb": 1843200,
        "proposals": [
            {"encryption": "aes256gcm", "pfs": 14},
            {"encryption": "aes128", "integrity": "sha256", "pfs": 14},
        ],
    }


@pytest.mark.parametrize("variant", VARIANTS)
def test_multi_proposal_static_tunnel_round_trip(variant: str) -> None:
    d = _sample("static-pair.yaml")
    _multi(d)
    site = _site(d)
    text = render(site, "TunA", VENDOR, variant=variant)
    if variant == "route":
        assert "set security ike policy IKE-POL-TunA proposals [ IKE-P-TunA-1 IKE-P-TunA-2 IKE-P-TunA-3 ]" in text
        assert "set security ipsec policy IPSEC-POL-TunA proposals [ IPSEC-P-TunA-1 IPSEC-P-TunA-2 ]" in text
        assert "set security ipsec proposal IPSEC-P-TunA-1 authentication-algorithm" not in text  # GCM
    else:
        assert "proposals [ IKE-P-TunA-1 IKE-P-TunA-2 IKE-P-TunA-3 ];" in text
    _back, _losses, dev = _round_trip(site, "TunA", variant, {"routes", "health_check"})
    (p,) = dev.tunnels
    assert [(x.encryption, x.dh_group) for x in p.ike_proposals] == [("aes256", 20), ("aes128", 14), ("3des", 2)]


@pytest.mark.parametrize("variant", VARIANTS)
def test_multi_proposal_policy_tunnel_keeps_its_selectors(variant: str) -> None:
    # a policy tunnel rendered on the route variant: proxy-identity, not route-based
    d = _sample("static-pair.yaml")
    _multi(d)
    t = d["tunnels"][0]
    t.update(route_type="policy", spd=[{"local": "192.168.1.0/24", "peers": ["10.1.0.0/16"]}])
    del t["routes"], t["health_check"]
    site = _site(d)
    _back, _losses, dev = _round_trip(site, "TunA", variant, set())
    (p,) = dev.tunnels
    assert not p.route_based and p.selectors == [("10.1.0.0/16", "192.168.1.0/24")]


def _standby_bgp() -> dict[str, Any]:
    d = _sample("bgp-pair.yaml")
    d["pairs"][0]["mode"] = "active-standby"
    for t, nets in zip(d["tunnels"], (["10.1.0.0/16", "10.2.0.0/24"], ["10.1.0.0/16", "10.2.0.0/24"]), strict=True):
        t["bgp"].update(hold_time=30, keepalive=10, advertise=nets)
    return d


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("tunnel", ["TunA", "TunB"])
def test_active_standby_bgp_round_trip(tunnel: str, variant: str) -> None:
    site = _site(_standby_bgp())
    text = render(site, tunnel, VENDOR, variant=variant)
    backup = tunnel == "TunB"
    assert f"this is its {'backup' if backup else 'primary'} tunnel; the other is" in text
    assert ('as-path-prepend "65010 65010"' in text) is backup
    assert ("local-preference 50" in text) is backup
    if variant == "route":
        export = f"set policy-options policy-statement EXPORT-{tunnel} term announce"
        assert f"{export} from route-filter 10.2.0.0/24 exact" in text
        assert (
            f"set protocols bgp group BGP-{tunnel} neighbor 169.254.10.{1 if tunnel == 'TunA' else 5} hold-time 30"
            in text
        )
    # Junos has no keepalive statement (said in the output): it keeps alive at a third of the
    # hold time, here the cloud's 10 s, so the keepalive comes back
    assert "the cloud's 10 s is not written" in text
    _back, _losses, dev = _round_trip(site, tunnel, variant, {"health_check"})
    (p,) = dev.tunnels
    assert p.bgp is not None and p.bgp.advertise == ["10.1.0.0/16", "10.2.0.0/24"] and p.bgp.keepalive == 10
    assert p.defaulted["bgp.keepalive"].startswith("vendor.yaml defaults.bgp_keepalive_divisor")
    carried = [f.message for f in dev.findings if f.rule == "NOT-CARRIED"]
    assert len(carried) == (1 if backup else 0)
    if backup:
        assert "as-path-prepend 65010 65010" in carried[0]
    assert p.bgp.local_preference == (50 if backup else None)


def test_a_keepalive_other_than_a_third_of_the_hold_time_is_lost() -> None:
    # the one BGP field lost on the way: Junos keeps alive at hold-time / 3 whatever the cloud says
    d = _standby_bgp()
    d["tunnels"][0]["bgp"].update(hold_time=90, keepalive=10)
    dev = parse_text(render(_site(d), "TunA", VENDOR), "k", VENDOR)
    data, losses = to_site_data(dev)
    assert Site.model_validate(data).tunnels[0].bgp.keepalive == 30  # type: ignore[union-attr]
    assert [f.line for f in dev.findings if f.rule == "DEFAULT" and "keepalive 30 s" in f.message]
    assert any(f.path == "bgp.keepalive" for f in losses)


def test_without_selectors_no_selector_statement_and_no_pair_count_comment() -> None:
    site = _site(_sample("static-pair.yaml"))
    for variant in VARIANTS:
        text = render(site, "TunA", VENDOR, variant=variant)
        assert "ike proxy-identity" not in text and "proxy-identity {" not in text
        assert "traffic-selector ts-" not in text
        assert "0 selector pairs" not in text
        assert "0.0.0.0/0 <-> 0.0.0.0/0 (any/any)" in text


def test_static_backup_renders_a_worse_preference() -> None:
    site = _site(_sample("static-pair.yaml"))
    a = render(site, "TunA", VENDOR)
    b = render(site, "TunB", VENDOR)
    assert "set routing-options static route 192.168.0.0/16 next-hop st0.0" in a
    assert "set routing-options static route 192.168.0.0/16 qualified-next-hop st0.1 preference 10" in b
    assert "qualified-next-hop" not in a
    hier = render(site, "TunB", VENDOR, variant="route-hier")
    assert "qualified-next-hop st0.1 {\n                preference 10;\n            }" in hier


def test_a_bgp_tunnel_on_a_policy_variant_is_refused() -> None:
    from vpnconf.findings import RenderError

    site = _site(_sample("bgp-pair.yaml"))
    with pytest.raises(RenderError, match="route-based"):
        render(site, "TunA", VENDOR, variant="policy")


# ------------------------------------------------------------ parse cases: BGP
def test_bgp_case_into_the_model() -> None:
    case = yaml.safe_load((HERE / "cases" / "route-bgp-set-short-unit-form.yaml").read_text(encoding="utf-8"))
    dev = parse_text(case["input"], "case", VENDOR)
    data, losses = to_site_data(dev)
    assert not [f for f in losses if f.severity != "info"]
    site = Site.model_validate(data)
    (t,) = site.tunnels
    assert t.route_type.value == "bgp" and t.bgp is not None
    # the cloud's view: its own inside address is the device's neighbor
    assert (str(t.bgp.tunnel_cidr), str(t.bgp.local_ip), str(t.bgp.peer_ip)) == (
        "169.254.20.0/30",
        "169.254.20.1",
        "169.254.20.2",
    )
    assert [str(n) for n in t.bgp.advertise] == ["10.20.0.0/16", "10.21.0.0/16"]
    assert t.bgp.hold_time == 30
    assert (site.vpn_gateways[0].bgp_asn, site.customer_gateways[0].bgp_asn) == (64551, 65020)


def test_a_neighbor_outside_the_unit_subnet_is_not_the_tunnels() -> None:
    text = (HERE / "cases" / "route-bgp-hier-autonomous-system.yaml").read_text(encoding="utf-8")
    inp = yaml.safe_load(text)["input"].replace("address 169.254.30.6/30;", "address 169.254.31.6/30;")
    dev = parse_text(inp, "case", VENDOR)
    (t,) = dev.tunnels
    assert t.bgp is None and t.route_based  # still any/any on st0.3, without a session


def test_proposals_that_differ_in_pfs_are_refused() -> None:
    from vpnconf.findings import RenderError

    d = _sample("static-pair.yaml")
    d["tunnels"][0]["ipsec"] = {
        "proposals": [
            {"encryption": "aes256", "integrity": "sha256", "pfs": 14},
            {"encryption": "aes128", "integrity": "sha1", "pfs": "none"},
        ]
    }
    site = _site(d)
    for variant in VARIANTS:
        with pytest.raises(RenderError, match="one PFS group per IPsec policy"):
            render(site, "TunA", VENDOR, variant=variant)
