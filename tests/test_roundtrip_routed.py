"""parse(render(t)) == t over route-based tunnels (static routes and BGP) and
over several IKE and ESP proposals, for every vendor and variant that writes
them (issue #9). Vendors, variants and what each can write are discovered
from the catalog, never named here:

- route-based tunnels for every variant whose ``serves`` holds ``route``;
  BGP only where the variant says its templates write it (``bgp``), the
  cloud's health check only where its templates write it where the parser
  reads it back (``health_check``);
- 1-3 IKE and 1-3 ESP proposals where the vendor's templates write lists
  (``proposal_lists``), each proposal made of what the vendor's newest
  release takes for the IKE version (``sw.algorithms(ver)``), AEAD included;
  an AEAD IKE proposal only with an integrity the vendor has a PRF for
  (``ike_prf``), a key and a name only of what the vendor's data accepts.

Proposal lists take the shape every device writes them in: one PFS setting
for all ESP proposals (a crypto map entry, an IPsec policy, an esp-group,
a phase2: the parsed tunnel holds one ``pfs`` too) and IKE offers that are
the product of their (encryption, integrity) pairs and DH groups, pairs
first (a device that lists groups beside proposals offers every pair with
every group); IKEv1 aggressive mode sends its key exchange in the first
message, so it offers one proposal.

What a device config cannot hold is not compared, and is checked to be
said: the cloud's static routes to the IDC ranges (their destinations and
priorities are the cloud's route table) come back as a NOT-CARRIED finding
on ``routes``; what the device routes into the tunnel, the VPC's ranges,
comes back as the VPC's CIDR blocks (a set). A variant that serves both kinds
writes a policy tunnel and a narrowed route-based one alike: without BGP
their route types are not told apart. Written only by the catalog's own
means: a lifetime only in the units a vendor counts it in
(``grammar.lifetime_units`` / ``lifesize_units``), a BGP keepalive only as
the hold time's fraction where the device derives it
(``defaults.bgp_keepalive_divisor``). Every tunnel is the last of a site of
one to three, so that its objects are numbered after others', and a
route-based one may be either tunnel of a redundant pair (the backup's
preferences are written beside it)."""

from __future__ import annotations

import ipaddress
import re
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from vpnconf.catalog import Software, Vendor, vendors
from vpnconf.findings import RenderError
from vpnconf.model import Site, is_aead
from vpnconf.parsing import parse_text, parser_modules, to_site_data
from vpnconf.profiles import get_profile
from vpnconf.renderer import join_files, render_files

ROUTED = [
    (v.id, var)
    for v in vendors().values()
    if v.id in parser_modules()
    for var, x in v.variants.items()
    if "route" in x.serves
]
# policy-based variants of vendors that write proposal lists: several proposals
LISTED = [
    (v.id, var)
    for v in vendors().values()
    if v.id in parser_modules() and v.proposal_lists
    for var, x in v.variants.items()
    if "route" not in x.serves
]

#: ASNs no session uses (RFC 7607 0, RFC 6793 AS_TRANS, RFC 5398 documentation,
#: RFC 7300 last ASNs), besides those the cloud profile reserves
IANA_RESERVED_ASNS = {0, 23456, 65535, 4294967295, *range(64496, 64512), *range(65536, 65552)}


def _asns() -> st.SearchStrategy[int]:
    prof = get_profile("tencent").bgp
    lo, hi = prof.asn
    reserved = IANA_RESERVED_ASNS | set(prof.reserved_asns)
    return st.one_of(
        st.integers(max(lo, 1), 64495),  # 2-byte public and the edges
        st.integers(64512, 65534),  # 2-byte private
        st.integers(65552, min(hi, 4294967294)),  # 4-byte
    ).filter(lambda a: a not in reserved and lo <= a <= hi)


def _name_chars(v: Vendor) -> str:
    return "".join(c for c in string.ascii_letters + string.digits + "-_" if c not in v.name_forbidden)


def _key_ok(v: Vendor, key: str) -> bool:
    if any(c in v.psk_forbidden for c in key):
        return False
    return not any(re.search(rule["re"], key) for rule in v.psk_refuse)


def _writable(v: Vendor, kind: str, value: int) -> bool:
    """A vendor that writes a lifetime as a count of one unit (vendor.yaml
    ``grammar.lifetime_units`` / ``lifesize_units``: unit -> [size, least,
    greatest]) writes only the values some unit holds exactly."""
    units = v.grammar.get(kind)
    if not units:
        return True
    return any(value % size == 0 and least <= value // size <= most for size, least, most in units.values())


def _lifetime(v: Vendor, kind: str, lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi).filter(lambda x: _writable(v, kind, x))


def _prf_ok(v: Vendor, enc: str, integ: str, ver: int) -> bool:
    """An AEAD IKE proposal needs a PRF keyword for its integrity, where the
    vendor has a PRF table (the renderer refuses the others)."""
    return not is_aead(enc) or "ike_prf" not in v.keywords or v.keyword("ike_prf", integ, ver) is not None


@st.composite
def _ike_offers(draw: Any, v: Vendor, sw: Software, ver: int, n_max: int) -> list[dict[str, Any]]:
    algs = sw.algorithms(ver)
    assert algs is not None
    pairs = [(e, i) for e in algs.ike_encryption for i in algs.ike_integrity if _prf_ok(v, e, i, ver)]
    n = draw(st.integers(1, min(n_max, max(len(pairs), len(algs.dh_groups)))))
    if n > len(pairs) or (n > 1 and n <= len(algs.dh_groups) and draw(st.booleans())):  # n groups of one pair
        enc, integ = draw(st.sampled_from(pairs))
        groups = draw(st.lists(st.sampled_from(algs.dh_groups), min_size=n, max_size=n, unique=True))
        return [{"encryption": enc, "integrity": integ, "dh_group": g} for g in groups]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=n, max_size=n, unique=True))
    group = draw(st.sampled_from(algs.dh_groups))
    return [{"encryption": e, "integrity": i, "dh_group": group} for e, i in chosen]


@st.composite
def _esp_offers(draw: Any, sw: Software, ver: int, n_max: int) -> list[dict[str, Any]]:
    algs = sw.algorithms(ver)
    assert algs is not None
    # an AEAD cipher carries no integrity: the model's field keeps its default
    pairs = list(
        dict.fromkeys((e, "sha1" if is_aead(e) else i) for e in algs.esp_encryption for i in algs.esp_integrity)
    )
    n = draw(st.integers(1, min(n_max, len(pairs))))
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=n, max_size=n, unique=True))
    pfs = draw(st.sampled_from(["none", *algs.pfs_groups]))
    return [{"encryption": e, "integrity": i, "pfs": pfs} for e, i in chosen]


def _cidr(i: int, j: int, plen: int, base: str) -> str:
    return str(ipaddress.IPv4Network(f"{base.format(i=i, j=j)}/{plen}", strict=False))


@st.composite
def sites(draw: Any, vendor_id: str, variant: str) -> tuple[dict[str, Any], str]:
    v = vendors()[vendor_id]
    var = v.variants[variant]
    sw = v.software[-1]
    ver = draw(st.sampled_from(sw.variant_ike_versions(variant, var)))
    modes = [m for m in sw.modes if m in var.modes]
    mode = draw(st.sampled_from(modes)) if ver == 1 else "main"
    n_max = 3 if v.proposal_lists and mode == "main" else 1
    ike = draw(_ike_offers(v, sw, ver, n_max))
    esp = draw(_esp_offers(sw, ver, n_max))
    lo, hi = sw.ike_lifetime_seconds
    ilo, ihi = sw.ipsec_lifetime_seconds
    klo, khi = sw.ipsec_lifetime_kb or (2560, 4294967295)
    chars = _name_chars(v)
    name = draw(st.text(string.ascii_letters, min_size=1, max_size=1)) + draw(
        st.text(chars, max_size=min(v.name_max, 15) - 1)
    )
    key = "K" + draw(st.text(string.ascii_letters + string.digits + "-_", min_size=7, max_size=40))
    if not _key_ok(v, key):
        key = "K" + "x" * 15
    t: dict[str, Any] = {
        "name": name,
        "vpn_gateway": "gw",
        "customer_gateway": "cgw",
        "pre_shared_key": key,
        "ike": {
            "version": ver,
            "mode": mode,
            "lifetime_seconds": draw(_lifetime(v, "lifetime_units", max(lo, 300), min(hi, 86400))),
            **(ike[0] if len(ike) == 1 else {"proposals": ike}),
        },
        "ipsec": {
            "lifetime_seconds": draw(_lifetime(v, "lifetime_units", max(ilo, 300), min(ihi, 86400))),
            "lifetime_kb": draw(
                st.one_of(  # small ones too: a device may count them in another unit
                    _lifetime(v, "lifesize_units", max(klo, 5120), min(khi, 70000)),
                    _lifetime(v, "lifesize_units", max(klo, 5120), min(khi, 4_000_000_000)),
                )
            ),
            **(esp[0] if len(esp) == 1 else {"proposals": esp}),
        },
    }
    vpc = [
        _cidr(i, 0, draw(st.integers(16, 24)), "10.{i}.0.0")
        for i in draw(st.lists(st.integers(100, 120), min_size=1, max_size=3, unique=True))
    ]
    vpngw: dict[str, Any] = {"name": "gw", "public_ip": "203.195.147.82", "bandwidth_mbps": 10}
    cgw: dict[str, Any] = {"name": "cgw", "public_ip": "202.108.22.5"}
    # a variant that serves both kinds writes a policy tunnel (selectors) and a route-based one
    # with narrowed selectors as well (a tunnel interface whose SAs name the SPD)
    kinds = [k for k in ("policy", "static", "bgp") if k != "bgp" or var.bgp]
    kinds = [k for k in kinds if ("policy" if k == "policy" else "route") in var.serves]
    t["route_type"] = draw(st.sampled_from([*kinds, *(k for k in kinds if k != "policy")]))  # routed ones first
    if t["route_type"] == "policy" or ("policy" in var.serves and draw(st.booleans())):
        peers = draw(st.lists(st.integers(10, 30), min_size=1, max_size=3, unique=True))
        t["spd"] = [{"local": vpc[0], "peers": [f"192.168.{p}.0/24" for p in peers]}]
    if t["route_type"] != "policy":
        if t["route_type"] == "static":
            dests = draw(st.lists(st.integers(0, 250), min_size=1, max_size=4, unique=True))
            t["routes"] = [
                {
                    "destination": _cidr(d, 0, draw(st.integers(24, 32)), "192.168.{i}.0"),
                    "priority": draw(st.sampled_from([0, 100])),
                }
                for d in dests
            ]
        else:
            block = draw(st.integers(0, 16383))  # the /30s of 169.254.0.0/16
            net = ipaddress.IPv4Network((0xA9FE0000 + 4 * block, 30))
            a, b = list(net.hosts())
            cloud, idc = (a, b) if draw(st.booleans()) else (b, a)
            keepalive = draw(st.integers(1, 21845))
            hold = draw(st.integers(3 * keepalive, 65535))
            divisor = v.defaults.get("bgp_keepalive_divisor")
            if divisor is not None:  # no keepalive statement: the device derives it from the hold time
                hold = int(divisor["value"]) * keepalive
            adv = draw(st.lists(st.integers(0, 250), max_size=3, unique=True))
            t["bgp"] = {
                "tunnel_cidr": str(net),
                "local_ip": str(cloud),
                "peer_ip": str(idc),
                "hold_time": hold,
                "keepalive": keepalive,
                "advertise": list(dict.fromkeys(_cidr(d, 0, draw(st.integers(16, 30)), "172.20.{i}.0") for d in adv)),
            }
            local_asn = draw(_asns())
            vpngw["bgp_asn"] = local_asn
            cgw["bgp_asn"] = draw(_asns().filter(lambda x: x != local_asn))
    if t["route_type"] != "policy" and var.writes_health_check("bgp" in t) and draw(st.booleans()):
        # the cloud's health check: its two ends in the profile's range, apart from BGP's
        # network; the two hosts of a /30, or any two hosts of a /26 (Tencent's default
        # pair, .2 and .5, is not in one /30): the templates then write a wider mask or
        # a host route, and the parser pairs the ends all the same
        taken = ipaddress.IPv4Network(t["bgp"]["tunnel_cidr"]) if "bgp" in t else None
        plen = draw(st.sampled_from([30, 26]))
        hc_net = draw(
            st.integers(0, (1 << (plen - 17)) - 1)
            .map(lambda k: ipaddress.IPv4Network((0xA9FE8000 + (k << (32 - plen)), plen)))
            .filter(lambda n: taken is None or not n.overlaps(taken))
        )
        hosts = list(hc_net.hosts())
        a, b = draw(st.lists(st.sampled_from(hosts), min_size=2, max_size=2, unique=True))
        cloud, idc = (a, b) if draw(st.booleans()) else (b, a)
        t["health_check"] = {"enabled": True, "local_ip": str(cloud), "remote_ip": str(idc)}
    site: dict[str, Any] = {
        "profile": "tencent",
        "vpc": {"name": "RtVPC", "region": "ap-guangzhou", "cidr_blocks": vpc},
        "vpn_gateways": [vpngw],
        "customer_gateways": [cgw],
        # the tunnel's place in the site numbers its objects (map_seq: interfaces, priorities)
        "tunnels": [*(_other(i, vpc[0]) for i in range(draw(st.integers(0, 2)))), t],
    }
    if t["route_type"] != "policy" and draw(st.booleans()):
        # one of a redundant pair: the backup's preferences (distances, local preference,
        # AS-path prepending) are written beside it and must not disturb what is read
        mate = {**t, "name": "Mate" if t["name"] != "Mate" else "Mate2", "vpn_gateway": "gw2"}
        if "bgp" in t:
            inside = ipaddress.IPv4Network(t["bgp"]["tunnel_cidr"])
            other = ipaddress.IPv4Network((int(inside.network_address) ^ 4, 30))
            a, b = list(other.hosts())
            mate["bgp"] = {**t["bgp"], "tunnel_cidr": str(other), "local_ip": str(a), "peer_ip": str(b)}
        site["vpn_gateways"].append({**vpngw, "name": "gw2", "public_ip": "203.195.147.83"})
        site["tunnels"].insert(0, mate)
        names = [mate["name"], t["name"]]
        site["pairs"] = [
            {
                "name": "pr",
                "tunnels": names if draw(st.booleans()) else names[::-1],
                "mode": draw(st.sampled_from(["active-standby", "active-active"])),
            }
        ]
    return site, sw.releases[-1]


def _other(i: int, local: str) -> dict[str, Any]:
    """A policy tunnel placed before the one under test."""
    return {
        "name": f"Other{i}",
        "vpn_gateway": "gw",
        "customer_gateway": "cgw",
        "pre_shared_key": f"OtherKey{i}x",
        "spd": [{"local": local, "peers": [f"192.168.{200 + i}.0/24"]}],
        "ike": {"version": 2, "encryption": "aes128", "integrity": "sha256", "dh_group": 14},
        "ipsec": {"encryption": "aes128", "integrity": "sha256"},
    }


def _dump(site: Site) -> dict[str, Any]:
    t = site.tunnels[-1]
    d: dict[str, Any] = t.model_dump(mode="json", exclude={"vpn_gateway", "customer_gateway", "routes"})
    d["pre_shared_key"] = t.psk()
    d["ike"].pop("proposal_set", None)  # how a device holds its IKE proposals (a device-wide set), not what is offered
    for side in ("local_id", "peer_id"):  # an address identity may come back spelled out
        if d["ike"][side]["type"] == "address":
            d["ike"][side]["value"] = None
    # the offers, in order (a single proposal is the phase's own fields)
    d["ike"]["proposals"] = [p.model_dump(mode="json") for p in t.ike.offers()]
    d["ipsec"]["proposals"] = [p.model_dump(mode="json") for p in t.ipsec.offers()]
    if d["bgp"] is not None:
        d["bgp"]["advertise"] = sorted(d["bgp"]["advertise"])
        d["bgp"]["asns"] = (site.vpn_gateway(t.vpn_gateway).bgp_asn, site.customer_gateway(t.customer_gateway).bgp_asn)
    return d


def _diff(got: Any, want: Any, path: str = "") -> list[str]:
    """Where two dumps differ: ``path: got != want`` for each leaf."""
    if isinstance(got, dict) and isinstance(want, dict):
        return [d for k in sorted(set(got) | set(want)) for d in _diff(got.get(k), want.get(k), f"{path}.{k}")]
    return [] if got == want else [f"{path.lstrip('.')}: {got!r} != {want!r}"]


def _round_trip(vendor_id: str, variant: str, case: tuple[dict[str, Any], str]) -> None:
    data, release = case
    site = Site.model_validate(data)
    t = site.tunnels[-1]
    try:
        text = join_files(render_files(site, t, vendor_id, variant=variant, software=release))
    except RenderError as exc:  # generated from the catalog's capabilities: it must be written
        pytest.fail(f"{vendor_id}/{variant} refused a tunnel its catalog says it writes: {exc}")
    dev = parse_text(text, "rt", vendor_id)
    assert not [f.text() for f in dev.findings if f.severity == "error"]
    assert len(dev.tunnels) == 1, [f.text() for f in dev.findings]
    back_data, losses = to_site_data(dev)
    assert back_data["tunnels"], [f.text() for f in losses]
    back = Site.model_validate(back_data)
    got, want = _dump(back), _dump(site)
    if t.spd and got["route_type"] != "bgp" and want["route_type"] != "bgp":
        # selectors and no routing protocol: a device config cannot tell a narrowed route-based
        # tunnel from a policy one (a variant that serves both writes them alike)
        got["route_type"] = want["route_type"] = "policy or static"
    sw = next(s for s in vendors()[vendor_id].software if release in s.releases)
    if sw.ipsec_lifetime_kb is None:  # the release has no volume lifetime: nothing to carry
        del got["ipsec"]["lifetime_kb"], want["ipsec"]["lifetime_kb"]
    assert got == want, f"{vendor_id}/{variant} lost {_diff(got, want)}"
    if t.route_type.value == "static" and back.tunnels[0].route_type.value == "static":
        # the device routes the VPC's ranges into the tunnel; the cloud's own
        # routes (IDC ranges, priorities) are no part of a device config: said
        vpc = {p.local for p in t.spd} or set(site.vpc.cidr_blocks)  # the ranges the tunnel reaches
        assert set(back.vpc.cidr_blocks) == vpc, f"{vendor_id}/{variant}: VPC ranges"
        assert any(f.path == "routes" for f in losses), [f.text() for f in losses]


@pytest.mark.parametrize(("vendor_id", "variant"), ROUTED + LISTED)
def test_parse_of_render_carries_routed_and_listed_tunnels(vendor_id: str, variant: str) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=sites(vendor_id, variant))
    def inner(case: tuple[dict[str, Any], str]) -> None:
        _round_trip(vendor_id, variant, case)

    inner()


NO_BGP = [(vid, var) for vid, var in ROUTED if not vendors()[vid].variants[var].bgp]


@pytest.mark.parametrize(("vendor_id", "variant"), NO_BGP)
def test_a_route_based_variant_without_bgp_refuses_it_in_one_line(vendor_id: str, variant: str) -> None:
    """What the strategy leaves out for a variant (``bgp: false``) is refused by
    it, in one line that says so: never written half, never a traceback."""
    t = {
        "name": "NoBgp",
        "vpn_gateway": "gw",
        "customer_gateway": "cgw",
        "pre_shared_key": "NoBgpKey-123",
        "route_type": "bgp",
        "bgp": {"tunnel_cidr": "169.254.8.0/30", "local_ip": "169.254.8.1", "peer_ip": "169.254.8.2"},
        "ike": {"version": 2, "encryption": "aes128", "integrity": "sha256", "dh_group": 14},
        "ipsec": {"encryption": "aes128", "integrity": "sha256"},
    }
    site = Site.model_validate(
        {
            "vpc": {"name": "V", "region": "ap-guangzhou", "cidr_blocks": ["10.100.0.0/16"]},
            "vpn_gateways": [{"name": "gw", "public_ip": "203.195.147.82", "bgp_asn": 64600}],
            "customer_gateways": [{"name": "cgw", "public_ip": "202.108.22.5", "bgp_asn": 65001}],
            "tunnels": [t],
        }
    )
    with pytest.raises(RenderError, match="BGP") as exc:
        render_files(site, site.tunnels[0], vendor_id, variant=variant)
    assert "\n" not in str(exc.value) and vendor_id in str(exc.value)
