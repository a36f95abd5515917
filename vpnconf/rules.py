"""The rules of the VPN service, each a named check.

A rule is a generator registered with ``@rule(ID, summary)``: it takes the
site and its cloud profile and yields ``Finding``s with a path into the site
file (``tunnels[0].spd[1].peers[0]``). ``check_site`` runs every rule and
reports every problem, not the first.
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from heapq import heappop, heappush
from itertools import accumulate

from .allowed import (
    DH_GROUP,
    DPD_ACTION,
    DPD_TIMEOUT,
    IKE_ENCRYPTION,
    IKE_INTEGRITY,
    IKE_LIFETIME,
    IKE_MODE,
    IKE_VERSION,
    IPSEC_ENCRYPTION,
    IPSEC_INTEGRITY,
    IPSEC_LIFETIME,
    IPSEC_LIFETIME_KB,
    LOCAL_ID_TYPE,
    PEER_ID_TYPE,
    PFS_GROUP,
    Field,
    by_profile,
    outside_range,
    outside_set,
)
from .findings import Finding
from .model import Site, Tunnel
from .profiles import Profile, get_profile, ike_set

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .findings import Severity


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    fn: Callable[[Site, Profile], Iterable[Finding]]


RULES: dict[str, Rule] = {}

# Rule ids for problems pydantic finds while reading the file (shape errors),
# keyed by the last element of the error's location.
SCHEMA_RULES: dict[str, tuple[str, str]] = {
    "pre_shared_key": ("PSK-SYNTAX", "a pre-shared key is printable ASCII without whitespace or quotes"),
    "local_id": ("IDENTITY-SYNTAX", "an identity is an IPv4 address or a valid FQDN"),
    "peer_id": ("IDENTITY-SYNTAX", "an identity is an IPv4 address or a valid FQDN"),
    "name": ("NAME-SYNTAX", "names are 1-60 letters, digits, '_', '.', '-'"),
    "vpn_gateway": ("NAME-SYNTAX", "names are 1-60 letters, digits, '_', '.', '-'"),
    "customer_gateway": ("NAME-SYNTAX", "names are 1-60 letters, digits, '_', '.', '-'"),
}


def rule(
    rule_id: str, summary: str
) -> Callable[[Callable[[Site, Profile], Iterable[Finding]]], Callable[[Site, Profile], Iterable[Finding]]]:
    def deco(fn: Callable[[Site, Profile], Iterable[Finding]]) -> Callable[[Site, Profile], Iterable[Finding]]:
        RULES[rule_id] = Rule(rule_id, summary, fn)
        return fn

    return deco


def _f(rule_id: str, message: str, path: str, severity: Severity = "error") -> Finding:
    return Finding(rule=rule_id, severity=severity, message=message, path=path)


def _tunnels(site: Site) -> Iterator[tuple[str, Tunnel]]:
    for i, t in enumerate(site.tunnels):
        yield f"tunnels[{i}]", t


def _vpc_tunnels(site: Site) -> Iterator[tuple[str, Tunnel]]:
    """The tunnels whose VPN gateway is in the VPC: not those of a gateway
    attached to a CCN (type ccn or ssl_ccn), whose local side is the CCN's
    routes, not the VPC's CIDR blocks. A tunnel naming no known gateway
    counts as the VPC's (REF-VPN-GATEWAY reports it)."""
    on_ccn = {g.name for g in site.vpn_gateways if g.type.attached_to_ccn}
    for tp, t in _tunnels(site):
        if t.vpn_gateway not in on_ccn:
            yield tp, t


# ----------------------------------------------------------------- SPD rules
# The overlap rules see each range as an integer interval [start, end], sort the
# intervals once and sweep them: O(n log n + k) for n ranges and k overlapping
# pairs, where comparing every pair was O(n^2). A rule still reports one finding
# per overlapping pair, with the text, path and order the pairwise definition
# gives (tests/test_rules.py keeps that definition as the reference).
_HOST_BITS = tuple((1 << (32 - n)) - 1 for n in range(33))  # by prefix length


def _span(net: ipaddress.IPv4Network) -> tuple[int, int]:
    """The first and last address of a network, as integers."""
    start = int(net.network_address)
    return start, start | _HOST_BITS[net.prefixlen]


def _bounds(nets: Sequence[ipaddress.IPv4Network]) -> tuple[list[int], list[int]]:
    """The first and last addresses of each network, as integers."""
    starts = [int(n.network_address) for n in nets]
    return starts, [s | _HOST_BITS[n.prefixlen] for s, n in zip(starts, nets, strict=True)]


def _earlier_overlaps(starts: list[int], ends: list[int]) -> dict[int, list[int]]:
    """For each index j whose interval [starts[j], ends[j]] overlaps an earlier
    one: the indexes i < j of those earlier intervals, ascending.

    Sweep in order of start with the intervals still open in a heap keyed by
    end: once the ones ending before the current start are dropped, every
    interval left in the heap overlaps the current one (it started no later
    and has not ended), and none that was dropped can overlap a later one."""
    later: dict[int, list[int]] = {}  # i -> the j > i overlapping it, in sweep order
    open_: list[tuple[int, int]] = []  # (end, index)
    reach = -1  # the furthest end so far
    for j in sorted(range(len(starts)), key=starts.__getitem__):
        start, end = starts[j], ends[j]
        if start > reach:  # everything open has ended (the common case)
            open_ = [(end, j)]
            reach = end
            continue
        while open_[0][0] < start:
            heappop(open_)
        for _, i in open_:
            lo, hi = (i, j) if i < j else (j, i)
            later.setdefault(lo, []).append(hi)
        heappush(open_, (end, j))
        reach = max(reach, end)
    # Bucket by the smaller index, read the buckets in index order: each j's
    # list of earlier indexes comes out ascending without a sort (O(n + k)).
    earlier: dict[int, list[int]] = {}
    for i in sorted(later):
        for j in later[i]:
            earlier.setdefault(j, []).append(i)
    return earlier


def _crossing_overlaps(items: tuple[list[int], list[int]], blocks: tuple[list[int], list[int]]) -> dict[int, list[int]]:
    """For each index of ``items`` (starts, ends) whose interval overlaps one of
    ``blocks`` (starts, ends): the indexes of those blocks, ascending. The same
    sweep over both at once, pairing an item only with blocks and a block only
    with items."""
    n = len(items[0])
    starts, ends = items[0] + blocks[0], items[1] + blocks[1]  # blocks are n, n + 1, ...
    open_items: list[tuple[int, int]] = []  # (end, index)
    open_blocks: list[tuple[int, int]] = []
    by_block: dict[int, list[int]] = {}
    for x in sorted(range(len(starts)), key=starts.__getitem__):
        start = starts[x]
        while open_items and open_items[0][0] < start:
            heappop(open_items)
        while open_blocks and open_blocks[0][0] < start:
            heappop(open_blocks)
        if x < n:
            for _, b in open_blocks:
                by_block.setdefault(b - n, []).append(x)
            heappush(open_items, (ends[x], x))
        else:
            if open_items:
                by_block.setdefault(x - n, []).extend(i for _, i in open_items)
            heappush(open_blocks, (ends[x], x))
    hits: dict[int, list[int]] = {}
    for b in sorted(by_block):
        for i in by_block[b]:
            hits.setdefault(i, []).append(b)
    return hits


@rule("SPD-LOCAL-PEER-OVERLAP", "a policy's local range and its peer ranges do not overlap")
def spd_local_peer(site: Site, profile: Profile) -> Iterator[Finding]:
    for tp, t in _tunnels(site):
        for j, p in enumerate(t.spd):
            ls, le = _span(p.local)
            starts, ends = _bounds(p.peers)
            for k, peer in enumerate(p.peers):
                if starts[k] <= le and ls <= ends[k]:
                    yield _f(
                        "SPD-LOCAL-PEER-OVERLAP",
                        f"peer range {peer} overlaps the policy's local range {p.local}",
                        f"{tp}.spd[{j}].peers[{k}]",
                    )


@rule("SPD-LOCAL-OVERLAP", "the local ranges of a tunnel's policies do not overlap")
def spd_local_overlap(site: Site, profile: Profile) -> Iterator[Finding]:
    for tp, t in _tunnels(site):
        earlier = _earlier_overlaps(*_bounds([p.local for p in t.spd]))
        for j in sorted(earlier):
            for i in earlier[j]:
                yield _f(
                    "SPD-LOCAL-OVERLAP",
                    f"local range {t.spd[j].local} overlaps local range {t.spd[i].local} of spd[{i}]",
                    f"{tp}.spd[{j}].local",
                )


@rule("SPD-PEER-OVERLAP", "the peer ranges of one local range do not overlap")
def spd_peer_overlap(site: Site, profile: Profile) -> Iterator[Finding]:
    for tp, t in _tunnels(site):
        for j, p in enumerate(t.spd):
            earlier = _earlier_overlaps(*_bounds(p.peers))
            for k in sorted(earlier):
                for i in earlier[k]:
                    yield _f(
                        "SPD-PEER-OVERLAP",
                        f"peer range {p.peers[k]} overlaps peer range {p.peers[i]} of the same policy",
                        f"{tp}.spd[{j}].peers[{k}]",
                    )


@rule("SPD-PEER-IN-VPC", "no peer range overlaps the VPC's CIDR blocks")
def spd_peer_in_vpc(site: Site, profile: Profile) -> Iterator[Finding]:
    """Tunnels of a VPN gateway attached to a CCN (type ccn, ssl_ccn) are
    skipped: the VPC's CIDR blocks are not their local side."""
    blocks = site.vpc.cidr_blocks
    policies = [(tp, j, p) for tp, t in _vpc_tunnels(site) for j, p in enumerate(t.spd)]
    peers = [peer for _, _, p in policies for peer in p.peers]
    first = list(accumulate((len(p.peers) for _, _, p in policies), initial=0))  # of each policy in peers
    hits = _crossing_overlaps(_bounds(peers), _bounds(blocks))
    for n in sorted(hits):
        q = bisect_right(first, n) - 1
        tp, j, _ = policies[q]
        for b in hits[n]:
            yield _f(
                "SPD-PEER-IN-VPC",
                f"peer range {peers[n]} overlaps the VPC CIDR block {blocks[b]}",
                f"{tp}.spd[{j}].peers[{n - first[q]}]",
            )


@rule("SPD-LOCAL-OUTSIDE-VPC", "a policy's local range lies inside the VPC (warning)")
def spd_local_outside(site: Site, profile: Profile) -> Iterator[Finding]:
    """Tunnels of a VPN gateway attached to a CCN (type ccn, ssl_ccn) are
    skipped: their local ranges are the CCN's routes, not the VPC's blocks."""
    # A range lies inside some block when, among the blocks starting at or
    # before it, the furthest end reaches its end: blocks sorted by start, a
    # running maximum of their ends, one bisection per local range.
    blocks = sorted(_span(b) for b in site.vpc.cidr_blocks)
    starts = [s for s, _ in blocks]
    reach = list(accumulate((e for _, e in blocks), max))
    listed = ", ".join(map(str, site.vpc.cidr_blocks))
    for tp, t in _vpc_tunnels(site):
        for j, p in enumerate(t.spd):
            ls, le = _span(p.local)
            n = bisect_right(starts, ls)
            if not (n and reach[n - 1] >= le):
                yield _f(
                    "SPD-LOCAL-OUTSIDE-VPC",
                    f"local range {p.local} is not inside the VPC CIDR blocks ({listed}): no VPC subnet can use it",
                    f"{tp}.spd[{j}].local",
                    "warning",
                )


# ------------------------------------------------- customer gateway address
_CLASS_E = ipaddress.IPv4Network("240.0.0.0/4")
_MULTICAST = ipaddress.IPv4Network("224.0.0.0/4")
_LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")
_LINK_LOCAL = ipaddress.IPv4Network("169.254.0.0/16")
_ZERO = ipaddress.IPv4Network("0.0.0.0/8")


def classful_host_part(addr: ipaddress.IPv4Address) -> str | None:
    """'zeros'/'ones' when the host part of the classful network is all zeros
    or all ones (class A 1-126, B 128-191, C 192-223), else None."""
    first = int(addr) >> 24
    if 1 <= first <= 126:
        bits = 24
    elif 128 <= first <= 191:
        bits = 16
    elif 192 <= first <= 223:
        bits = 8
    else:
        return None
    host = int(addr) & ((1 << bits) - 1)
    if host == 0:
        return "zeros"
    if host == (1 << bits) - 1:
        return "ones"
    return None


CGW_ADDRESS_RULES: list[tuple[str, str, Callable[[ipaddress.IPv4Address], bool]]] = [
    ("CGW-ADDRESS-ZERO", "starts with 0", lambda a: a in _ZERO),
    ("CGW-ADDRESS-LOOPBACK", "is a loopback address (127.0.0.0/8)", lambda a: a in _LOOPBACK),
    ("CGW-ADDRESS-MULTICAST", "is a multicast address (224.0.0.0/4)", lambda a: a in _MULTICAST),
    ("CGW-ADDRESS-LINK-LOCAL", "is a link-local address (169.254.0.0/16)", lambda a: a in _LINK_LOCAL),
    ("CGW-ADDRESS-CLASS-E", "is a class E address (240.0.0.0/4)", lambda a: a in _CLASS_E),
    (
        "CGW-ADDRESS-HOST-ZEROS",
        "has an all-zeros host part in its classful network",
        lambda a: classful_host_part(a) == "zeros",
    ),
    (
        "CGW-ADDRESS-HOST-ONES",
        "has an all-ones host part in its classful network",
        lambda a: classful_host_part(a) == "ones",
    ),
]


def _cgw_rule(rule_id: str, why: str, test: Callable[[ipaddress.IPv4Address], bool]) -> None:
    @rule(rule_id, f"a customer gateway address never {why}")
    def _check(site: Site, profile: Profile) -> Iterator[Finding]:
        for i, g in enumerate(site.customer_gateways):
            if test(g.public_ip):
                yield _f(rule_id, f"customer gateway address {g.public_ip} {why}", f"customer_gateways[{i}].public_ip")


for _rid, _why, _test in CGW_ADDRESS_RULES:
    _cgw_rule(_rid, _why, _test)


# -------------------------------------------------------------------- limits
def _limit(rule_id: str, limit: int | None, count: int, what: str, path: str) -> Iterator[Finding]:
    if limit is not None and count > limit:
        yield _f(rule_id, f"{count} {what}; the service allows at most {limit}", path)


@rule("LIMIT-VPN-GATEWAYS", "at most 10 VPN gateways per VPC")
def limit_vpngw(site: Site, profile: Profile) -> Iterator[Finding]:
    """A gateway attached to a CCN (type ccn, ssl_ccn) is in no VPC: not counted."""
    yield from _limit(
        "LIMIT-VPN-GATEWAYS",
        profile.limits.vpn_gateways_per_vpc,
        sum(not g.type.attached_to_ccn for g in site.vpn_gateways),
        f"VPN gateways in VPC {site.vpc.name}",
        "vpn_gateways",
    )


@rule("LIMIT-CUSTOMER-GATEWAYS", "at most 20 customer gateways per region")
def limit_cgw(site: Site, profile: Profile) -> Iterator[Finding]:
    yield from _limit(
        "LIMIT-CUSTOMER-GATEWAYS",
        profile.limits.customer_gateways_per_region,
        len(site.customer_gateways),
        f"customer gateways in region {site.vpc.region}",
        "customer_gateways",
    )


@rule("LIMIT-TUNNELS-PER-CGW", "at most 10 tunnels per customer gateway")
def limit_tun_cgw(site: Site, profile: Profile) -> Iterator[Finding]:
    counts = Counter(t.customer_gateway for t in site.tunnels)
    for i, g in enumerate(site.customer_gateways):
        yield from _limit(
            "LIMIT-TUNNELS-PER-CGW",
            profile.limits.tunnels_per_customer_gateway,
            counts[g.name],
            f"tunnels on customer gateway {g.name}",
            f"customer_gateways[{i}]",
        )


@rule("LIMIT-TUNNELS-PER-VPNGW", "at most 20 tunnels per VPN gateway")
def limit_tun_vpngw(site: Site, profile: Profile) -> Iterator[Finding]:
    counts = Counter(t.vpn_gateway for t in site.tunnels)
    for i, g in enumerate(site.vpn_gateways):
        yield from _limit(
            "LIMIT-TUNNELS-PER-VPNGW",
            profile.limits.tunnels_per_vpn_gateway,
            counts[g.name],
            f"tunnels on VPN gateway {g.name}",
            f"vpn_gateways[{i}]",
        )


@rule("LIMIT-SPD-POLICIES", "at most 10 SPD policies per tunnel")
def limit_spd(site: Site, profile: Profile) -> Iterator[Finding]:
    for tp, t in _tunnels(site):
        yield from _limit(
            "LIMIT-SPD-POLICIES",
            profile.limits.spd_policies_per_tunnel,
            len(t.spd),
            f"SPD policies in tunnel {t.name}",
            f"{tp}.spd",
        )


@rule("LIMIT-SPD-PEERS", "at most 50 peer ranges per SPD policy")
def limit_peers(site: Site, profile: Profile) -> Iterator[Finding]:
    for tp, t in _tunnels(site):
        for j, p in enumerate(t.spd):
            yield from _limit(
                "LIMIT-SPD-PEERS",
                profile.limits.peers_per_spd_policy,
                len(p.peers),
                f"peer ranges for local range {p.local}",
                f"{tp}.spd[{j}].peers",
            )


@rule("BANDWIDTH", "a VPN gateway's bandwidth is one of the service's tiers")
def bandwidth(site: Site, profile: Profile) -> Iterator[Finding]:
    tiers = profile.bandwidths_mbps
    for i, g in enumerate(site.vpn_gateways):
        if tiers and g.bandwidth_mbps not in tiers:
            yield _f(
                "BANDWIDTH",
                f"bandwidth {g.bandwidth_mbps} Mbps is not one of {', '.join(map(str, tiers))} Mbps",
                f"vpn_gateways[{i}].bandwidth_mbps",
            )


# ------------------------------------------------------ names and references
@rule("NAME-DUPLICATE", "names are unique within their kind")
def names_unique(site: Site, profile: Profile) -> Iterator[Finding]:
    kinds: tuple[tuple[str, list[str]], ...] = (
        ("vpn_gateways", [g.name for g in site.vpn_gateways]),
        ("customer_gateways", [g.name for g in site.customer_gateways]),
        ("tunnels", [t.name for t in site.tunnels]),
    )
    for kind, names in kinds:
        seen: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in seen:
                yield _f(
                    "NAME-DUPLICATE", f"name {name!r} is already used by {kind}[{seen[name]}]", f"{kind}[{i}].name"
                )
            else:
                seen[name] = i


@rule("REF-VPN-GATEWAY", "a tunnel's vpn_gateway names a VPN gateway of the site")
def ref_vpngw(site: Site, profile: Profile) -> Iterator[Finding]:
    names = {g.name for g in site.vpn_gateways}
    for tp, t in _tunnels(site):
        if t.vpn_gateway not in names:
            yield _f(
                "REF-VPN-GATEWAY",
                f"no VPN gateway named {t.vpn_gateway!r} (known: {', '.join(sorted(names)) or 'none'})",
                f"{tp}.vpn_gateway",
            )


@rule("REF-CUSTOMER-GATEWAY", "a tunnel's customer_gateway names a customer gateway of the site")
def ref_cgw(site: Site, profile: Profile) -> Iterator[Finding]:
    names = {g.name for g in site.customer_gateways}
    for tp, t in _tunnels(site):
        if t.customer_gateway not in names:
            yield _f(
                "REF-CUSTOMER-GATEWAY",
                f"no customer gateway named {t.customer_gateway!r} (known: {', '.join(sorted(names)) or 'none'})",
                f"{tp}.customer_gateway",
            )


@rule("GATEWAY-TYPE", "a tunnel ends at an IPsec VPN gateway (type ipsec or ccn), not an SSL VPN gateway")
def gateway_type(site: Site, profile: Profile) -> Iterator[Finding]:
    """An SSL VPN gateway (type ssl or ssl_ccn) serves SSL VPN clients; it
    carries no IPsec tunnel."""
    ssl = {g.name: g.type for g in site.vpn_gateways if not g.type.carries_ipsec}
    for tp, t in _tunnels(site):
        if t.vpn_gateway in ssl:
            kind = ssl[t.vpn_gateway].value
            yield _f(
                "GATEWAY-TYPE",
                f"tunnel {t.name} ends at VPN gateway {t.vpn_gateway}, an SSL VPN gateway (type {kind}), which "
                "carries no IPsec tunnel: use a gateway of type ipsec (or ccn)",
                f"{tp}.vpn_gateway",
            )


# ------------------------------------------ route-based, BGP, health check, pairs
@rule("SPD-REQUIRED", "a policy-based tunnel has at least one SPD policy")
def spd_required(site: Site, profile: Profile) -> Iterator[Finding]:
    for tp, t in _tunnels(site):
        if not t.route_based and not t.spd:
            yield _f(
                "SPD-REQUIRED",
                "a policy-based tunnel needs at least one SPD policy (or route_type static/bgp: route-based, any/any)",
                f"{tp}.spd",
            )


@rule("LIMIT-SPD-MAPPINGS", "a VPN gateway's tunnels form at most so many local-remote SPD mappings")
def limit_spd_mappings(site: Site, profile: Profile) -> Iterator[Finding]:
    limit = profile.limits.spd_mappings_per_vpn_gateway
    if limit is None:
        return
    per_gw: dict[str, int] = {}
    first: dict[str, str] = {}
    for tp, t in _tunnels(site):
        per_gw[t.vpn_gateway] = per_gw.get(t.vpn_gateway, 0) + sum(len(p.peers) for p in t.spd)
        first.setdefault(t.vpn_gateway, tp)
    for gw, n in per_gw.items():
        if n > limit:
            yield _f(
                "LIMIT-SPD-MAPPINGS",
                f"the tunnels of VPN gateway {gw} form {n} local-remote SPD mappings; profile {profile.name} "
                f"allows {limit}: use route-based tunnels (route_type static or bgp) for more networks",
                f"{first[gw]}.spd",
            )


@rule("PROPOSALS", "a tunnel offers no more IKE/ESP proposals than the cloud takes")
def proposals_count(site: Site, profile: Profile) -> Iterator[Finding]:
    limit = profile.limits.proposals_per_phase
    if limit is None:
        return
    for tp, t in _tunnels(site):
        for phase, opts in (("ike", t.ike), ("ipsec", t.ipsec)):
            if len(opts.proposals) > limit:
                yield _f(
                    "PROPOSALS",
                    f"{len(opts.proposals)} {phase} proposals; profile {profile.name} takes {limit}",
                    f"{tp}.{phase}.proposals",
                )


@rule("ROUTE-PRIORITY", "a static route's priority is one the cloud accepts (0 or 100)")
def route_priority(site: Site, profile: Profile) -> Iterator[Finding]:
    allowed = profile.route_priorities
    for tp, t in _tunnels(site):
        for j, r in enumerate(t.routes):
            if allowed is not None and r.priority not in allowed:
                yield _f(
                    "ROUTE-PRIORITY",
                    f"route priority {r.priority} is not accepted by profile {profile.name} "
                    f"(accepted: {', '.join(map(str, allowed))})",
                    f"{tp}.routes[{j}].priority",
                )
        if t.routes and t.route_type.value != "static":
            yield _f(
                "ROUTE-PRIORITY",
                f"static routes on a {t.route_type.value} tunnel: routes belong to route_type static",
                f"{tp}.routes",
            )


def _bgp_net(text: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(text)


@rule("BGP-CONFIG", "a BGP tunnel has its inside addresses and both ASNs; only a BGP tunnel has them")
def bgp_config(site: Site, profile: Profile) -> Iterator[Finding]:
    vpngws = {g.name: g for g in site.vpn_gateways}
    cgws = {g.name: g for g in site.customer_gateways}
    for tp, t in _tunnels(site):
        if t.route_type.value == "bgp":
            if t.bgp is None:
                yield _f("BGP-CONFIG", "a BGP tunnel needs bgp: tunnel_cidr, local_ip, peer_ip", f"{tp}.bgp")
            vg, cg = vpngws.get(t.vpn_gateway), cgws.get(t.customer_gateway)
            if vg is not None and vg.bgp_asn is None:
                yield _f(
                    "BGP-CONFIG",
                    f"VPN gateway {vg.name} has no bgp_asn (needed by BGP tunnel {t.name})",
                    f"{tp}.vpn_gateway",
                )
            if cg is not None and cg.bgp_asn is None:
                yield _f(
                    "BGP-CONFIG",
                    f"customer gateway {cg.name} has no bgp_asn (needed by BGP tunnel {t.name})",
                    f"{tp}.customer_gateway",
                )
        elif t.bgp is not None:
            yield _f("BGP-CONFIG", f"bgp is set on a {t.route_type.value} tunnel: set route_type bgp", f"{tp}.bgp")


@rule("BGP-ASN", "an ASN is inside the accepted range and not reserved")
def bgp_asn(site: Site, profile: Profile) -> Iterator[Finding]:
    lo, hi = profile.bgp.asn
    reserved = set(profile.bgp.reserved_asns)
    gws: list[tuple[str, int, int | None]] = [
        *(("vpn_gateways", i, g.bgp_asn) for i, g in enumerate(site.vpn_gateways)),
        *(("customer_gateways", i, g.bgp_asn) for i, g in enumerate(site.customer_gateways)),
    ]
    for kind, i, asn in gws:
        if asn is None:
            continue
        if not lo <= asn <= hi:
            yield _f("BGP-ASN", f"ASN {asn} is outside {lo}-{hi}", f"{kind}[{i}].bgp_asn")
        elif asn in reserved:
            yield _f(
                "BGP-ASN",
                f"ASN {asn} is reserved by profile {profile.name} ({', '.join(map(str, sorted(reserved)))})",
                f"{kind}[{i}].bgp_asn",
            )


@rule("BGP-INSIDE", "a BGP tunnel's inside /30 lies in the inside range, holds both addresses, overlaps no other")
def bgp_inside(site: Site, profile: Profile) -> Iterator[Finding]:
    inside = _bgp_net(profile.bgp.inside_range)
    seen: dict[str, list[tuple[ipaddress.IPv4Network, str]]] = {}
    for tp, t in _tunnels(site):
        b = t.bgp
        if b is None:
            continue
        net, path = b.tunnel_cidr, f"{tp}.bgp.tunnel_cidr"
        if net.prefixlen != 30 or not net.subnet_of(inside):
            yield _f("BGP-INSIDE", f"inside range {net} is not a /30 within {inside}", path)
            continue
        hosts = set(net.hosts())
        for fld in ("local_ip", "peer_ip"):
            ip = getattr(b, fld)
            if ip not in hosts:
                yield _f("BGP-INSIDE", f"{fld} {ip} is not a usable address of {net}", f"{tp}.bgp.{fld}")
        if b.local_ip == b.peer_ip:
            yield _f("BGP-INSIDE", f"local_ip and peer_ip are both {b.local_ip}", f"{tp}.bgp.peer_ip")
        for other, where in seen.get(t.vpn_gateway, []):
            if net.overlaps(other):
                yield _f("BGP-INSIDE", f"inside range {net} overlaps {other} of {where}", path)
        seen.setdefault(t.vpn_gateway, []).append((net, tp))


@rule("HEALTH-CHECK", "health-check addresses lie in the health-check range and differ")
def health_check(site: Site, profile: Profile) -> Iterator[Finding]:
    rng = profile.bgp.health_check_range
    if rng is None:
        return
    allowed = _bgp_net(rng)
    for tp, t in _tunnels(site):
        h = t.health_check
        if h is None or not h.enabled:
            continue
        for fld in ("local_ip", "remote_ip"):
            ip = getattr(h, fld)
            if ip is not None and ip not in allowed:
                yield _f("HEALTH-CHECK", f"{fld} {ip} is not in {allowed}", f"{tp}.health_check.{fld}")
        if h.local_ip is not None and h.local_ip == h.remote_ip:
            yield _f("HEALTH-CHECK", f"local_ip and remote_ip are both {h.local_ip}", f"{tp}.health_check.remote_ip")


@rule("PAIR", "a pair is two tunnels of one customer gateway to two VPN gateways")
def pairs(site: Site, profile: Profile) -> Iterator[Finding]:
    by_name = {t.name: t for t in site.tunnels}
    for i, p in enumerate(site.pairs):
        path = f"pairs[{i}].tunnels"
        missing = [n for n in p.tunnels if n not in by_name]
        if missing:
            yield _f("PAIR", f"pair {p.name}: no tunnel named {', '.join(missing)}", path)
            continue
        a, b = (by_name[n] for n in p.tunnels)
        if a.name == b.name:
            yield _f("PAIR", f"pair {p.name}: the same tunnel twice", path)
        elif a.customer_gateway != b.customer_gateway:
            yield _f("PAIR", f"pair {p.name}: {a.name} and {b.name} start at different customer gateways", path)
        elif a.vpn_gateway == b.vpn_gateway:
            yield _f("PAIR", f"pair {p.name}: both tunnels end at VPN gateway {a.vpn_gateway} (no redundancy)", path)
        elif p.mode == "active-standby" and a.route_type.value == "static" and b.route_type.value == "static":
            pa = {r.destination: r.priority for r in a.routes}
            pb = {r.destination: r.priority for r in b.routes}
            for dest in sorted(set(pa) & set(pb), key=str):
                if pa[dest] == pb[dest]:
                    yield _f(
                        "PAIR",
                        f"pair {p.name} is active-standby but both tunnels route {dest} with priority {pa[dest]}",
                        path,
                    )


# ------------------------------------------------------- profile value sets
def _profile_rule(
    rule_id: str,
    summary: str,
    field: Field,
    path: str,
    get: Callable[[Tunnel, Profile], tuple[object, Collection[object] | None]],
) -> None:
    """One profile rule: ``get`` returns the tunnel's value and the profile's accepted set."""

    @rule(rule_id, summary)
    def _check(site: Site, profile: Profile) -> Iterator[Finding]:
        by = by_profile(profile.name)
        for tp, t in _tunnels(site):
            value, allowed = get(t, profile)
            msg = outside_set(field, value, allowed, by=by)
            if msg is not None:
                yield _f(rule_id, msg, f"{tp}.{path}")


def _profile_range_rule(
    rule_id: str,
    summary: str,
    field: Field,
    path: str,
    get: Callable[[Tunnel, Profile], tuple[int, tuple[int, int] | None]],
) -> None:
    """One profile rule: ``get`` returns the tunnel's value and the profile's (min, max)."""

    @rule(rule_id, summary)
    def _check(site: Site, profile: Profile) -> Iterator[Finding]:
        by = by_profile(profile.name)
        for tp, t in _tunnels(site):
            value, bounds = get(t, profile)
            msg = outside_range(field, value, bounds, by=by)
            if msg is not None:
                yield _f(rule_id, msg, f"{tp}.{path}")


def _ev(v: object) -> object:
    return getattr(v, "value", v)


_profile_rule(
    "PROFILE-IKE-VERSION",
    "the IKE version is one the cloud accepts",
    IKE_VERSION,
    "ike.version",
    lambda t, p: (t.ike.version, p.ike.versions),
)
_profile_rule(
    "PROFILE-IKE-MODE",
    "the negotiation mode is one the cloud accepts",
    IKE_MODE,
    "ike.mode",
    lambda t, p: (_ev(t.ike.mode), p.ike.modes),
)
_profile_rule(
    "PROFILE-IKE-ENCRYPTION",
    "the IKE encryption is one the cloud accepts",
    IKE_ENCRYPTION,
    "ike.encryption",
    lambda t, p: (_ev(t.ike.encryption), ike_set(p, t.ike.version, "encryption")),
)
_profile_rule(
    "PROFILE-IKE-INTEGRITY",
    "the IKE integrity is one the cloud accepts",
    IKE_INTEGRITY,
    "ike.integrity",
    lambda t, p: (_ev(t.ike.integrity), ike_set(p, t.ike.version, "integrity")),
)
_profile_rule(
    "PROFILE-DH-GROUP",
    "the IKE DH group is one the cloud accepts",
    DH_GROUP,
    "ike.dh_group",
    lambda t, p: (int(t.ike.dh_group), ike_set(p, t.ike.version, "dh_groups")),
)
_profile_range_rule(
    "PROFILE-IKE-LIFETIME",
    "the IKE SA lifetime is inside the cloud's range",
    IKE_LIFETIME,
    "ike.lifetime_seconds",
    lambda t, p: (t.ike.lifetime_seconds, p.ike.lifetime_seconds),
)
_profile_rule(
    "PROFILE-LOCAL-ID",
    "the local identity type is one the cloud accepts",
    LOCAL_ID_TYPE,
    "ike.local_id.type",
    lambda t, p: (_ev(t.ike.local_id.type), p.ike.identity_types),
)
_profile_rule(
    "PROFILE-PEER-ID",
    "the peer identity type is one the cloud accepts",
    PEER_ID_TYPE,
    "ike.peer_id.type",
    lambda t, p: (_ev(t.ike.peer_id.type), p.ike.identity_types),
)
_profile_rule(
    "PROFILE-IPSEC-ENCRYPTION",
    "the IPsec encryption is one the cloud accepts",
    IPSEC_ENCRYPTION,
    "ipsec.encryption",
    lambda t, p: (_ev(t.ipsec.encryption), p.ipsec.encryption),
)
_profile_rule(
    "PROFILE-IPSEC-INTEGRITY",
    "the IPsec integrity is one the cloud accepts",
    IPSEC_INTEGRITY,
    "ipsec.integrity",
    lambda t, p: (_ev(t.ipsec.integrity), p.ipsec.integrity),
)
_profile_rule(
    "PROFILE-PFS-GROUP",
    "the PFS group is one the cloud accepts",
    PFS_GROUP,
    "ipsec.pfs",
    lambda t, p: ("none" if t.ipsec.pfs is None else int(t.ipsec.pfs), p.ipsec.pfs_groups),
)
_profile_range_rule(
    "PROFILE-IPSEC-LIFETIME",
    "the IPsec SA lifetime is inside the cloud's range",
    IPSEC_LIFETIME,
    "ipsec.lifetime_seconds",
    lambda t, p: (t.ipsec.lifetime_seconds, p.ipsec.lifetime_seconds),
)
_profile_range_rule(
    "PROFILE-IPSEC-LIFETIME-KB",
    "the IPsec SA traffic lifetime is inside the cloud's range",
    IPSEC_LIFETIME_KB,
    "ipsec.lifetime_kb",
    lambda t, p: (t.ipsec.lifetime_kb, p.ipsec.lifetime_kb),
)
_profile_range_rule(
    "PROFILE-DPD-TIMEOUT",
    "the DPD timeout is inside the cloud's range",
    DPD_TIMEOUT,
    "dpd.timeout_seconds",
    lambda t, p: (t.dpd.timeout_seconds, p.dpd.timeout_seconds if p.dpd else None),
)
_profile_rule(
    "PROFILE-DPD-ACTION",
    "the DPD action is one the cloud accepts",
    DPD_ACTION,
    "dpd.action",
    lambda t, p: (_ev(t.dpd.action), p.dpd.actions if p.dpd else None),
)


# ------------------------------------------------------------- weak keys
WEAK_KEY_MIN = 8


@rule("PSK-WEAK", "a pre-shared key is long and not digits only (warning)")
def psk_weak(site: Site, profile: Profile) -> Iterator[Finding]:
    for tp, t in _tunnels(site):
        key = t.psk()
        why = []
        if len(key) < WEAK_KEY_MIN:
            why.append(f"shorter than {WEAK_KEY_MIN} characters")
        if key.isdigit():
            why.append("digits only")
        if why:
            yield _f("PSK-WEAK", f"the pre-shared key is weak ({', '.join(why)})", f"{tp}.pre_shared_key", "warning")


def check_site(site: Site, profile: Profile | None = None) -> list[Finding]:
    """Every rule over the site; the site's own profile unless one is given."""
    prof = profile or get_profile(site.profile)
    out: list[Finding] = []
    for r in RULES.values():
        out.extend(r.fn(site, prof))
    return out
