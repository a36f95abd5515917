"""FortiOS route-based tunnels, BGP, redundant pairs and proposal lists: render ->
parse -> to_site_data gives back the same tunnel (samples/bgp-pair.yaml,
samples/static-pair.yaml, a multi-proposal tunnel), what the route-based parse
cases (cases/route-based-*.yaml) hold beyond what a case can state (the BGP
session), and the lists FortiOS cannot write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT
from vpnconf.findings import RenderError
from vpnconf.io import require_site
from vpnconf.model import Site
from vpnconf.parsing import ParsedDevice, parser_module, to_site_data
from vpnconf.renderer import render_files

VENDOR = Path(__file__).resolve().parents[1].name
parse = parser_module(VENDOR).parse
CASES = Path(__file__).resolve().parents[1] / "cases"


def case_text(name: str) -> str:
    return str(yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))["input"])


def rendered(site: Site, tunnel: str, variant: str = "interface") -> str:
    return render_files(site, tunnel, VENDOR, variant=variant)["config.txt"]


def back_again(site: Site, tunnel: str, variant: str = "interface") -> tuple[ParsedDevice, Site, list[Any]]:
    dev = parse(rendered(site, tunnel, variant), f"{tunnel}.conf")
    assert not [f for f in dev.findings if f.severity != "info"], [f.text() for f in dev.findings]
    assert [t.name for t in dev.tunnels] == [tunnel]
    data, losses = to_site_data(dev)
    return dev, Site.model_validate(data), losses


def view(site: Site, name: str, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """A tunnel without the gateway names (the parser names gateways after their
    addresses) and the fields in ``drop``, with the key in clear."""
    t = site.tunnel(name)
    d = t.model_dump(mode="json", exclude={"vpn_gateway", "customer_gateway", *drop})
    d["pre_shared_key"] = t.psk()
    # an address identity without a value is the gateway's address: the parse spells it out or not
    for side in ("local_id", "peer_id"):
        if d["ike"][side]["type"] == "address":
            d["ike"][side]["value"] = None
    return d


def gateway_facts(site: Site, name: str) -> tuple[str, int | None, str, int | None]:
    t = site.tunnel(name)
    vg, cg = site.vpn_gateway(t.vpn_gateway), site.customer_gateway(t.customer_gateway)
    return str(vg.public_ip), vg.bgp_asn, str(cg.public_ip), cg.bgp_asn


# ------------------------------------------------------------------ samples
BGP_PAIR = require_site(ROOT / "samples" / "bgp-pair.yaml")
STATIC_PAIR = require_site(ROOT / "samples" / "static-pair.yaml")


@pytest.mark.parametrize("tunnel", ["TunA", "TunB"])
def test_bgp_pair_round_trip(tunnel):
    dev, back, losses = back_again(BGP_PAIR, tunnel)
    t = dev.tunnels[0]
    assert t.route_based and t.selectors == [] and t.routes == []
    assert t.bgp is not None and (t.bgp.local_ip, t.bgp.peer_ip, t.bgp.prefixlen) == (
        str(BGP_PAIR.tunnel(tunnel).bgp.peer_ip),  # the device's own end is the site's peer_ip
        str(BGP_PAIR.tunnel(tunnel).bgp.local_ip),
        30,
    )
    # the health check is the cloud's probe (NQA) setting: a device config does not hold it
    assert view(back, tunnel, drop=("health_check",)) == view(BGP_PAIR, tunnel, drop=("health_check",))
    assert back.tunnel(tunnel).health_check is None
    assert gateway_facts(back, tunnel) == gateway_facts(BGP_PAIR, tunnel)  # ASNs included
    assert not [f for f in losses if f.severity != "info"], [f.text() for f in losses]


@pytest.mark.parametrize("tunnel", ["TunA", "TunB"])
def test_static_pair_round_trip(tunnel):
    dev, back, losses = back_again(STATIC_PAIR, tunnel)
    t = dev.tunnels[0]
    assert t.route_based and t.bgp is None
    # the device routes the VPC's ranges into the tunnel; the backup's routes have priority 100
    assert t.routes == ["192.168.0.0/16"]
    assert [r["priority"] for r in t.extra["static_routes"]] == ([100] if tunnel == "TunB" else [None])
    assert back.vpc.cidr_blocks == STATIC_PAIR.vpc.cidr_blocks
    # routes (the cloud's routes to the IDC ranges, with the cloud's priorities) are cloud-side
    # settings no device config holds: to_site_data says so; the health check (without BGP, the
    # tunnel interface's ip / remote-ip) comes back as it was
    drop = ("routes",)
    assert view(back, tunnel, drop=drop) == view(STATIC_PAIR, tunnel, drop=drop)
    assert back.tunnel(tunnel).routes == []
    assert back.tunnel(tunnel).health_check == STATIC_PAIR.tunnel(tunnel).health_check
    assert any("routes stay empty" in f.message for f in losses)
    assert gateway_facts(back, tunnel) == gateway_facts(STATIC_PAIR, tunnel)


def test_pair_roles_in_the_rendered_configs():
    prim, backup = rendered(STATIC_PAIR, "TunA"), rendered(STATIC_PAIR, "TunB")
    assert "set priority 100" not in prim and 'set comment "primary of IdcPair"' in prim
    assert "set priority 100" in backup and "this tunnel is the backup one, the other is TunA" in backup
    aa = rendered(BGP_PAIR, "TunB")
    assert "IdcPair (active-active)" in aa and "route-map" not in aa


def test_active_standby_bgp_backup_gets_a_lower_local_preference():
    d = BGP_PAIR.model_dump(mode="json")
    for t, key in zip(d["tunnels"], ("Pair-Key-A-2026", "Pair-Key-B-2026"), strict=True):
        t["pre_shared_key"] = key
    d["pairs"][0]["mode"] = "active-standby"
    d["tunnels"][1]["bgp"]["advertise"] = ["10.1.0.0/16", "10.2.0.0/16"]
    site = Site.model_validate(d)
    text = rendered(site, "TunB")
    assert 'set route-map-in "TunB-backup-in"' in text and "set set-local-preference 50" in text
    assert "route-map" not in rendered(site, "TunA")
    dev, back, _ = back_again(site, "TunB")
    assert dev.tunnels[0].extra["bgp_route_map_in"] == "TunB-backup-in"
    assert dev.tunnels[0].bgp is not None and dev.tunnels[0].bgp.local_preference == 50
    assert back.tunnel("TunB").bgp is not None
    assert [str(n) for n in back.tunnel("TunB").bgp.advertise] == ["10.1.0.0/16", "10.2.0.0/16"]
    assert view(back, "TunB") == view(site, "TunB")


# -------------------------------------------------------- proposal lists
def multi_proposal_site(route_type: str) -> Site:
    d = yaml.safe_load((ROOT / "samples" / "static-pair.yaml").read_text())
    t = d["tunnels"][0]
    t.pop("health_check")
    t["ike"] = {
        "version": 2,
        "proposals": [
            {"encryption": "aes256gcm", "integrity": "sha256", "dh_group": 19},
            {"encryption": "aes256gcm", "integrity": "sha256", "dh_group": 14},
            {"encryption": "aes256", "integrity": "sha256", "dh_group": 19},
            {"encryption": "aes256", "integrity": "sha256", "dh_group": 14},
        ],
    }
    t["ipsec"] = {
        "proposals": [
            {"encryption": "aes256gcm", "pfs": 19},
            {"encryption": "aes256", "integrity": "sha256", "pfs": 19},
            {"encryption": "aes128", "integrity": "sha1", "pfs": 19},
        ]
    }
    if route_type == "policy":
        t["route_type"] = "policy"
        t.pop("routes")
        t["spd"] = [{"local": "192.168.1.0/24", "peers": ["10.1.0.0/16"]}]
    d["tunnels"], d["pairs"] = [t], []
    return Site.model_validate(d)


@pytest.mark.parametrize(
    ("route_type", "variant"), [("static", "interface"), ("policy", "interface"), ("policy", "policy")]
)
def test_multi_proposal_round_trip(route_type, variant):
    site = multi_proposal_site(route_type)
    text = rendered(site, "TunA", variant)
    assert "set proposal aes256gcm-prfsha256 aes256-sha256\n" in text and "set dhgrp 19 14\n" in text
    assert "set proposal aes256gcm aes256-sha256 aes128-sha1\n" in text
    dev, back, _ = back_again(site, "TunA", variant)
    t = dev.tunnels[0]
    assert [(p.encryption, p.integrity, p.dh_group) for p in t.ike_proposals] == [
        ("aes256gcm", "sha256", 19),
        ("aes256gcm", "sha256", 14),
        ("aes256", "sha256", 19),
        ("aes256", "sha256", 14),
    ]
    drop = ("routes",) if route_type == "static" else ()
    assert view(back, "TunA", drop=drop) == view(site, "TunA", drop=drop)


def test_pfs_groups_pair_with_every_phase2_proposal():
    site = multi_proposal_site("static")
    d = site.model_dump(mode="json")
    d["tunnels"][0]["pre_shared_key"] = "Pair-Key-A-2026"
    d["tunnels"][0]["ipsec"] = {
        "proposals": [
            {"encryption": "aes256", "integrity": "sha256", "pfs": 19},
            {"encryption": "aes256", "integrity": "sha256", "pfs": 14},
        ]
    }
    text = rendered(Site.model_validate(d), "TunA")
    assert "set proposal aes256-sha256\n        set pfs enable\n        set dhgrp 19 14\n" in text


@pytest.mark.parametrize(
    ("phase", "proposals", "stop"),
    [
        # two proposals, each with its own group: FortiOS would offer all four pairs
        (
            "ike",
            [
                {"encryption": "aes256", "integrity": "sha256", "dh_group": 19},
                {"encryption": "aes128", "integrity": "sha1", "dh_group": 14},
            ],
            "every_proposal_with_every_dh_group",
        ),
        # GCM in IKE names a PRF: there is no prfmd5
        (
            "ike",
            [
                {"encryption": "aes256", "integrity": "sha256", "dh_group": 14},
                {"encryption": "aes128gcm", "integrity": "md5", "dh_group": 14},
            ],
            "prf_md5",
        ),
        # PFS on one proposal and off on another: pfs is per phase2 entry
        (
            "ipsec",
            [
                {"encryption": "aes256", "integrity": "sha256", "pfs": 14},
                {"encryption": "aes128", "integrity": "sha1", "pfs": "none"},
            ],
            "every_pfs_group",
        ),
    ],
)
def test_lists_fortios_cannot_write_stop_the_render(phase, proposals, stop):
    d = multi_proposal_site("static").model_dump(mode="json")
    d["tunnels"][0]["pre_shared_key"] = "Pair-Key-A-2026"
    d["tunnels"][0][phase] = {**({"version": 2} if phase == "ike" else {}), "proposals": proposals}
    site = Site.model_validate(d)
    # refused in one line; an AES-GCM offer without a PRF is caught by the release's capabilities first
    with pytest.raises(RenderError, match=stop if stop != "prf_md5" else "needs a PRF"):
        rendered(site, "TunA")


# ------------------------------------------------- the route-based cases
def test_bgp_case_session_and_model():
    dev = parse(case_text("route-based-bgp-two-proposals"), "bgp.conf")
    (t,) = dev.tunnels
    b = t.bgp
    assert b is not None
    assert (b.local_asn, b.peer_asn, b.local_ip, b.peer_ip, b.prefixlen) == (
        65010,
        64551,
        "169.254.20.2",
        "169.254.20.1",
        30,
    )
    # no neighbor timers: the global ones of `config router bgp` apply
    assert (b.hold_time, b.keepalive, b.advertise) == (30, 10, ["10.1.0.0/16", "10.2.0.0/16"])
    data, _ = to_site_data(dev)
    site = Site.model_validate(data)
    tun = site.tunnels[0]
    assert tun.route_type.value == "bgp" and tun.bgp is not None
    assert (str(tun.bgp.tunnel_cidr), str(tun.bgp.local_ip), str(tun.bgp.peer_ip)) == (
        "169.254.20.0/30",
        "169.254.20.1",
        "169.254.20.2",
    )
    assert (site.vpn_gateways[0].bgp_asn, site.customer_gateways[0].bgp_asn) == (64551, 65010)
    assert len(tun.ike.proposals) == 4 and tun.ipsec.pfs is not None and int(tun.ipsec.pfs) == 19


def test_bgp_neighbor_timers_win_over_the_global_ones():
    text = case_text("route-based-bgp-two-proposals").replace(
        "            set remote-as 64551\n",
        "            set remote-as 64551\n            set holdtime-timer 90\n            set keep-alive-timer 30\n",
    )
    b = parse(text, "bgp.conf").tunnels[0].bgp
    assert b is not None and (b.hold_time, b.keepalive) == (90, 30)


def test_bgp_without_its_neighbor_is_a_static_route_based_tunnel():
    text = case_text("route-based-bgp-two-proposals").replace('edit "169.254.20.1"', 'edit "169.254.99.1"')
    dev = parse(text, "bgp.conf")
    assert dev.tunnels[0].route_based and dev.tunnels[0].bgp is None
    assert [f for f in dev.findings if f.rule == "MISSING" and "no BGP neighbor 169.254.20.1" in f.message]


def test_static_pair_case_routes_distance_priority():
    dev = parse(case_text("route-based-static-pair-routes"), "pair.conf")
    a, b = dev.tunnels
    assert [r["priority"] for r in a.extra["static_routes"]] == [None, None]
    assert [r["priority"] for r in b.extra["static_routes"]] == [100, 100]
    data, _ = to_site_data(dev)
    site = Site.model_validate(data)
    assert [str(n) for n in site.vpc.cidr_blocks] == ["192.168.0.0/21", "192.168.8.0/21"]
    assert [t.route_type.value for t in site.tunnels] == ["static", "static"]


def test_interface_tunnel_with_narrowed_selectors_stays_policy():
    # a phase2 with real selectors beside an any/any one: the selectors are kept, no route-based reading
    text = case_text("route-based-static-pair-routes").replace(
        '    edit "to-gw-b-p2"\n',
        '    edit "to-gw-a-narrow"\n        set phase1name "to-gw-a"\n'
        "        set src-subnet 10.1.0.0 255.255.0.0\n        set dst-subnet 192.168.0.0 255.255.248.0\n"
        '    next\n    edit "to-gw-b-p2"\n',
    )
    a = parse(text, "pair.conf").tunnels[0]
    assert not a.route_based and a.selectors == [("10.1.0.0/16", "192.168.0.0/21")] and a.routes == []
