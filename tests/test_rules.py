"""The service's rules: every rule at its edge, the invalid samples, and the
SPD overlap rules against netaddr's own set arithmetic."""

from __future__ import annotations

import copy
import ipaddress
from pathlib import Path

import netaddr
import pytest
import yaml
from hypothesis import given, settings, strategies as st

from conftest import QUICKSTART, SAMPLES
from vpnconf.io import site_from_data
from vpnconf.rules import RULES, classful_host_part

BASE = yaml.safe_load(QUICKSTART.read_text())


def run(mutate) -> list[str]:
    d = copy.deepcopy(BASE)
    mutate(d)
    _, findings = site_from_data(d, "t.yaml")
    return [f.rule for f in findings if f.severity == "error"]


def T(d):
    return d["tunnels"][0]


INVALID = sorted((SAMPLES / "invalid").glob("*.yaml"))


def test_quickstart_is_valid_with_one_weak_key_warning():
    site, findings = site_from_data(copy.deepcopy(BASE), "q.yaml")
    assert site is not None
    assert [(f.rule, f.severity) for f in findings] == [("PSK-WEAK", "warning")]


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_each_invalid_sample_breaks_its_rule(path: Path):
    from vpnconf.io import load_site

    _, findings = load_site(path)
    errors = {f.rule for f in findings if f.severity == "error"}
    assert path.stem in errors
    located = [f for f in findings if f.rule == path.stem]
    assert all(f.file == str(path) and f.line is not None and f.path for f in located)


def test_every_error_rule_has_an_invalid_sample():
    warning_only = {"SPD-LOCAL-OUTSIDE-VPC", "PSK-WEAK"}
    # Rules whose value set in the tencent profiles accepts every value the model can hold.
    unreachable = {"PROFILE-IKE-MODE", "PROFILE-LOCAL-ID", "PROFILE-PEER-ID", "PROFILE-DPD-ACTION"}
    have = {p.stem for p in INVALID}
    assert set(RULES) - warning_only - unreachable <= have


# ------------------------------------------------------------- edges
@pytest.mark.parametrize(("n_extra", "bad"), [(9, False), (10, True)])
def test_vpn_gateway_limit_edge(n_extra, bad):
    rules = run(
        lambda d: d["vpn_gateways"].extend(
            {"name": f"g{i}", "public_ip": f"203.0.113.{i + 1}", "bandwidth_mbps": 5} for i in range(n_extra)
        )
    )
    assert ("LIMIT-VPN-GATEWAYS" in rules) is bad


@pytest.mark.parametrize(("n", "bad"), [(20, False), (21, True)])
def test_customer_gateway_limit_edge(n, bad):
    rules = run(
        lambda d: d["customer_gateways"].extend(
            {"name": f"c{i}", "public_ip": f"198.51.100.{i + 1}"} for i in range(n - 1)
        )
    )
    assert ("LIMIT-CUSTOMER-GATEWAYS" in rules) is bad


@pytest.mark.parametrize(("n", "bad"), [(10, False), (11, True)])
def test_tunnels_per_cgw_edge(n, bad):
    rules = run(lambda d: d["tunnels"].extend(dict(copy.deepcopy(T(d)), name=f"x{i}") for i in range(n - 1)))
    assert ("LIMIT-TUNNELS-PER-CGW" in rules) is bad


@pytest.mark.parametrize(("n", "bad"), [(20, False), (21, True)])
def test_tunnels_per_vpngw_edge(n, bad):
    def m(d):
        d["customer_gateways"].extend({"name": f"c{i}", "public_ip": f"198.51.100.{i + 1}"} for i in range(3))
        d["tunnels"].extend(dict(copy.deepcopy(T(d)), name=f"x{i}", customer_gateway=f"c{i % 3}") for i in range(n - 1))

    assert ("LIMIT-TUNNELS-PER-VPNGW" in run(m)) is bad


@pytest.mark.parametrize(("n", "bad"), [(10, False), (11, True)])
def test_spd_policy_limit_edge(n, bad):
    rules = run(
        lambda d: T(d).update(spd=[{"local": f"192.168.{i}.0/24", "peers": [f"10.0.{i}.0/24"]} for i in range(n)])
    )
    assert ("LIMIT-SPD-POLICIES" in rules) is bad


@pytest.mark.parametrize(("n", "bad"), [(50, False), (51, True)])
def test_spd_peer_limit_edge(n, bad):
    rules = run(lambda d: T(d)["spd"][0].update(peers=[f"10.0.{i}.0/24" for i in range(n)]))
    assert ("LIMIT-SPD-PEERS" in rules) is bad


@pytest.mark.parametrize(("bw", "bad"), [(5, False), (100, False), (4, True), (101, True), (30, True)])
def test_bandwidth_tiers(bw, bad):
    assert ("BANDWIDTH" in run(lambda d: d["vpn_gateways"][0].update(bandwidth_mbps=bw))) is bad


@pytest.mark.parametrize(
    ("field", "value", "rule", "bad"),
    [
        ("ike.lifetime_seconds", 60, "PROFILE-IKE-LIFETIME", False),
        ("ike.lifetime_seconds", 59, "PROFILE-IKE-LIFETIME", True),
        ("ike.lifetime_seconds", 604800, "PROFILE-IKE-LIFETIME", False),
        ("ike.lifetime_seconds", 604801, "PROFILE-IKE-LIFETIME", True),
        ("ipsec.lifetime_seconds", 180, "PROFILE-IPSEC-LIFETIME", False),
        ("ipsec.lifetime_seconds", 179, "PROFILE-IPSEC-LIFETIME", True),
        ("ipsec.lifetime_seconds", 604800, "PROFILE-IPSEC-LIFETIME", False),
        ("ipsec.lifetime_seconds", 604801, "PROFILE-IPSEC-LIFETIME", True),
        ("ipsec.lifetime_kb", 2560, "PROFILE-IPSEC-LIFETIME-KB", False),
        ("ipsec.lifetime_kb", 2559, "PROFILE-IPSEC-LIFETIME-KB", True),
        ("ipsec.lifetime_kb", 4294967295, "PROFILE-IPSEC-LIFETIME-KB", False),
        ("ipsec.lifetime_kb", 4294967296, "PROFILE-IPSEC-LIFETIME-KB", True),
        ("dpd.timeout_seconds", 30, "PROFILE-DPD-TIMEOUT", False),
        ("dpd.timeout_seconds", 29, "PROFILE-DPD-TIMEOUT", True),
        ("dpd.timeout_seconds", 60, "PROFILE-DPD-TIMEOUT", False),
        ("dpd.timeout_seconds", 61, "PROFILE-DPD-TIMEOUT", True),
    ],
)
def test_profile_ranges_edges(field, value, rule, bad):
    sect, key = field.split(".")
    assert (rule in run(lambda d: T(d)[sect].update({key: value}))) is bad


def test_profile_messages_name_the_field_the_value_and_what_is_accepted():
    def m(d):
        d["profile"] = "tencent-classic"
        T(d)["ike"].update(dh_group=15, lifetime_seconds=59)
        T(d)["ipsec"]["lifetime_kb"] = 2559

    d = copy.deepcopy(BASE)
    m(d)
    _, findings = site_from_data(d, "t.yaml")
    got = {f.rule: f.message for f in findings if f.rule.startswith("PROFILE-")}
    assert got == {
        "PROFILE-DH-GROUP": "DH group 15 is not accepted by profile tencent-classic (accepted: 1, 2, 5, 14, 24)",
        "PROFILE-IKE-LIFETIME": "IKE SA lifetime 59 s is outside 60-604800 s accepted by profile tencent-classic",
        "PROFILE-IPSEC-LIFETIME-KB": "IPsec SA lifetime 2559 KB is outside 2560-4294967295 KB accepted by profile "
        "tencent-classic",
    }


@pytest.mark.parametrize(
    ("profile", "sect", "key", "value", "rule", "bad"),
    [
        ("tencent", "ike", "version", 2, "PROFILE-IKE-VERSION", False),
        ("tencent-classic", "ike", "version", 2, "PROFILE-IKE-VERSION", True),
        ("tencent-classic", "ike", "integrity", "SHA", "PROFILE-IKE-INTEGRITY", False),
        ("tencent-classic", "ike", "integrity", "SHA-256", "PROFILE-IKE-INTEGRITY", True),
        ("tencent", "ike", "integrity", "SHA-256", "PROFILE-IKE-INTEGRITY", False),
        ("tencent-classic", "ike", "dh_group", 24, "PROFILE-DH-GROUP", False),
        ("tencent-classic", "ike", "dh_group", 15, "PROFILE-DH-GROUP", True),
        ("tencent", "ike", "dh_group", 21, "PROFILE-DH-GROUP", False),
        ("tencent", "ike", "encryption", "SM4", "PROFILE-IKE-ENCRYPTION", False),
        ("tencent-classic", "ike", "encryption", "SM4", "PROFILE-IKE-ENCRYPTION", True),
        ("tencent", "ipsec", "integrity", "SM3", "PROFILE-IPSEC-INTEGRITY", False),
        ("tencent-classic", "ipsec", "integrity", "SM3", "PROFILE-IPSEC-INTEGRITY", True),
        ("tencent", "ipsec", "pfs", "DH-GROUP21", "PROFILE-PFS-GROUP", False),
        ("tencent-classic", "ipsec", "pfs", "DH-GROUP21", "PROFILE-PFS-GROUP", True),
        ("tencent", "ipsec", "encryption", "NULL", "PROFILE-IPSEC-ENCRYPTION", False),
        ("tencent-classic", "ipsec", "encryption", "NULL", "PROFILE-IPSEC-ENCRYPTION", True),
    ],
)
def test_profile_value_sets(profile, sect, key, value, rule, bad):
    def m(d):
        d["profile"] = profile
        T(d)[sect][key] = value

    assert (rule in run(m)) is bad


@pytest.mark.parametrize(
    ("ip", "rule"),
    [
        ("0.0.0.1", "CGW-ADDRESS-ZERO"),
        ("0.255.255.255", "CGW-ADDRESS-ZERO"),
        ("127.0.0.1", "CGW-ADDRESS-LOOPBACK"),
        ("127.255.255.254", "CGW-ADDRESS-LOOPBACK"),
        ("224.0.0.0", "CGW-ADDRESS-MULTICAST"),
        ("239.255.255.255", "CGW-ADDRESS-MULTICAST"),
        ("169.254.0.1", "CGW-ADDRESS-LINK-LOCAL"),
        ("240.0.0.1", "CGW-ADDRESS-CLASS-E"),
        ("255.255.255.254", "CGW-ADDRESS-CLASS-E"),
        ("10.0.0.0", "CGW-ADDRESS-HOST-ZEROS"),
        ("10.255.255.255", "CGW-ADDRESS-HOST-ONES"),
        ("172.16.0.0", "CGW-ADDRESS-HOST-ZEROS"),
        ("172.16.255.255", "CGW-ADDRESS-HOST-ONES"),
        ("202.108.22.0", "CGW-ADDRESS-HOST-ZEROS"),
        ("202.108.22.255", "CGW-ADDRESS-HOST-ONES"),
    ],
)
def test_cgw_address_rules(ip, rule):
    assert rule in run(lambda d: d["customer_gateways"][0].update(public_ip=ip))


@pytest.mark.parametrize(
    "ip",
    [
        "1.0.0.1",
        "126.255.255.254",
        "128.0.0.1",
        "191.255.255.254",
        "192.0.0.1",
        "223.255.255.254",
        "169.253.255.254",
        "169.255.0.1",
        "223.1.1.1",
        "10.0.1.0",
        "172.16.1.255",
        "202.108.22.5",
    ],
)
def test_cgw_address_last_valid(ip):
    assert not [r for r in run(lambda d: d["customer_gateways"][0].update(public_ip=ip)) if r.startswith("CGW")]


def test_classful_edges():
    assert classful_host_part(ipaddress.IPv4Address("126.0.0.0")) == "zeros"
    assert classful_host_part(ipaddress.IPv4Address("191.255.255.255")) == "ones"
    assert classful_host_part(ipaddress.IPv4Address("223.255.255.255")) == "ones"
    assert classful_host_part(ipaddress.IPv4Address("127.0.0.0")) is None  # loopback has its own rule


def test_document_spd_example_is_valid():
    def m(d):
        d["vpc"]["cidr_blocks"] = ["10.0.0.0/16"]
        T(d)["spd"] = [
            {"local": "10.0.0.0/24", "peers": ["192.168.0.0/24", "192.168.1.0/24"]},
            {"local": "10.0.1.0/24", "peers": ["192.168.2.0/24"]},
            {"local": "10.0.2.0/24", "peers": ["192.168.2.0/24"]},
        ]

    assert run(m) == []


def test_all_problems_reported_not_the_first():
    def m(d):
        d["customer_gateways"][0]["public_ip"] = "127.0.0.1"
        d["vpn_gateways"][0]["bandwidth_mbps"] = 7
        T(d)["spd"][0]["peers"] = ["192.168.1.0/24", "10.0.0.0/8", "10.0.1.0/24"]

    rules = run(m)
    assert {
        "CGW-ADDRESS-LOOPBACK",
        "BANDWIDTH",
        "SPD-LOCAL-PEER-OVERLAP",
        "SPD-PEER-IN-VPC",
        "SPD-PEER-OVERLAP",
    } <= set(rules)


def test_weak_key_warning_rules():
    d = copy.deepcopy(BASE)
    T(d)["pre_shared_key"] = "Str0ng-and-long"
    _, findings = site_from_data(d, "x")
    assert findings == []
    T(d)["pre_shared_key"] = "12345678901"
    _, findings = site_from_data(d, "x")
    assert [f.message for f in findings] == ["the pre-shared key is weak (digits only)"]


# ----------------------------------------------- properties vs netaddr
nets = st.builds(
    lambda a, p: str(ipaddress.IPv4Network((a, p), strict=False)), st.integers(0, 2**32 - 1), st.integers(8, 30)
)


def _overlap_netaddr(a: str, b: str) -> bool:
    return bool(netaddr.IPSet([a]) & netaddr.IPSet([b]))


@settings(max_examples=200, deadline=None)
@given(local=nets, peers=st.lists(nets, min_size=1, max_size=5), vpc=nets)
def test_spd_overlap_rules_agree_with_netaddr(local, peers, vpc):
    d = copy.deepcopy(BASE)
    d["vpc"]["cidr_blocks"] = [vpc]
    T(d)["spd"] = [{"local": local, "peers": peers}]
    _, findings = site_from_data(d, "p")
    got = {(f.rule, f.path) for f in findings if f.rule.startswith("SPD-") and f.severity == "error"}
    want = set()
    for k, peer in enumerate(peers):
        path = f"tunnels[0].spd[0].peers[{k}]"
        if _overlap_netaddr(local, peer):
            want.add(("SPD-LOCAL-PEER-OVERLAP", path))
        if _overlap_netaddr(vpc, peer):
            want.add(("SPD-PEER-IN-VPC", path))
        if any(_overlap_netaddr(peers[i], peer) for i in range(k)):
            want.add(("SPD-PEER-OVERLAP", path))
    assert got == want


@settings(max_examples=200, deadline=None)
@given(locals_=st.lists(nets, min_size=1, max_size=6))
def test_local_overlap_rule_agrees_with_netaddr(locals_):
    d = copy.deepcopy(BASE)
    d["vpc"]["cidr_blocks"] = ["0.0.0.0/1", "128.0.0.0/1"]
    T(d)["spd"] = [{"local": loc, "peers": ["0.0.0.0/32"]} for loc in locals_]
    _, findings = site_from_data(d, "p")
    got = {f.path for f in findings if f.rule == "SPD-LOCAL-OVERLAP"}
    want = {
        f"tunnels[0].spd[{j}].local"
        for j in range(len(locals_))
        if any(_overlap_netaddr(locals_[i], locals_[j]) for i in range(j))
    }
    assert got == want


# ------------------------------------ the sweep vs the pairwise definition
def _pairwise_spd(site) -> list[tuple[str, str, str, str]]:
    """The SPD rules as first written: every pair compared with ipaddress
    (O(n^2)). The reference the sorted-interval sweep in vpnconf.rules must
    match finding for finding, in the same order."""
    out = []

    def f(rule, message, path, severity="error"):
        out.append((rule, severity, message, path))

    tunnels = [(f"tunnels[{i}]", t) for i, t in enumerate(site.tunnels)]
    for tp, t in tunnels:
        for j, p in enumerate(t.spd):
            for k, peer in enumerate(p.peers):
                if p.local.overlaps(peer):
                    f(
                        "SPD-LOCAL-PEER-OVERLAP",
                        f"peer range {peer} overlaps the policy's local range {p.local}",
                        f"{tp}.spd[{j}].peers[{k}]",
                    )
    for tp, t in tunnels:
        for j, p in enumerate(t.spd):
            for i in range(j):
                if t.spd[i].local.overlaps(p.local):
                    f(
                        "SPD-LOCAL-OVERLAP",
                        f"local range {p.local} overlaps local range {t.spd[i].local} of spd[{i}]",
                        f"{tp}.spd[{j}].local",
                    )
    for tp, t in tunnels:
        for j, p in enumerate(t.spd):
            for k, peer in enumerate(p.peers):
                for i in range(k):
                    if p.peers[i].overlaps(peer):
                        f(
                            "SPD-PEER-OVERLAP",
                            f"peer range {peer} overlaps peer range {p.peers[i]} of the same policy",
                            f"{tp}.spd[{j}].peers[{k}]",
                        )
    for tp, t in tunnels:
        for j, p in enumerate(t.spd):
            for k, peer in enumerate(p.peers):
                for block in site.vpc.cidr_blocks:
                    if block.overlaps(peer):
                        f(
                            "SPD-PEER-IN-VPC",
                            f"peer range {peer} overlaps the VPC CIDR block {block}",
                            f"{tp}.spd[{j}].peers[{k}]",
                        )
    for tp, t in tunnels:
        for j, p in enumerate(t.spd):
            if not any(p.local.subnet_of(b) for b in site.vpc.cidr_blocks):
                f(
                    "SPD-LOCAL-OUTSIDE-VPC",
                    f"local range {p.local} is not inside the VPC CIDR blocks "
                    f"({', '.join(map(str, site.vpc.cidr_blocks))}): no VPC subnet can use it",
                    f"{tp}.spd[{j}].local",
                    "warning",
                )
    return out


def _spd_findings(site) -> list[tuple[str, str, str, str]]:
    from vpnconf.rules import check_site

    return [(f.rule, f.severity, f.message, f.path) for f in check_site(site) if f.rule.startswith("SPD-")]


# Ranges packed into a small space (10.0.0.0/24 and its neighbours, plus the
# extremes) so that duplicates, nested ranges and adjacent ranges are common.
_EDGES = [
    "0.0.0.0/0",
    "0.0.0.0/32",
    "255.255.255.255/32",
    "10.0.0.0/8",
    "10.0.0.0/23",
    "10.0.1.0/24",
    "9.255.255.255/32",
    "9.255.255.0/24",
]
small_nets = st.one_of(
    st.builds(
        lambda off, plen: str(ipaddress.IPv4Network((0x0A000000 + off, plen), strict=False)),
        st.integers(0, 255),
        st.integers(24, 32),
    ),
    st.sampled_from(_EDGES),
)


@st.composite
def small_sites(draw):
    pool = draw(st.lists(small_nets, min_size=1, max_size=5))
    net = st.one_of(st.sampled_from(pool), small_nets)  # reuse: duplicates
    d = copy.deepcopy(BASE)
    d["vpc"]["cidr_blocks"] = draw(st.lists(net, min_size=1, max_size=3))
    tunnels = []
    for i in range(draw(st.integers(1, 3))):
        t = copy.deepcopy(T(BASE))
        t["name"] = f"t{i}"
        t["spd"] = [
            {"local": draw(net), "peers": draw(st.lists(net, min_size=1, max_size=7))}
            for _ in range(draw(st.integers(1, 4)))
        ]
        tunnels.append(t)
    d["tunnels"] = tunnels
    from vpnconf.model import Site

    return Site.model_validate(d)


@settings(max_examples=400, deadline=None)
@given(site=small_sites())
def test_spd_sweep_reports_what_the_pairwise_rules_report(site):
    assert _spd_findings(site) == _pairwise_spd(site)


def test_spd_sweep_on_duplicates_nesting_and_adjacency():
    d = copy.deepcopy(BASE)
    d["vpc"]["cidr_blocks"] = ["10.0.0.0/16", "10.0.0.0/16", "10.0.0.0/24", "10.1.0.0/16"]
    T(d)["spd"] = [
        {"local": "10.0.0.0/24", "peers": ["10.0.1.0/24", "10.0.0.128/25", "10.0.0.128/25", "10.0.0.0/25"]},
        {"local": "10.0.0.0/25", "peers": ["10.2.0.0/24", "10.1.255.255/32", "10.2.1.0/24", "10.2.0.0/23"]},
        {"local": "10.0.0.0/24", "peers": ["10.2.0.0/24"]},
        {"local": "10.0.1.0/24", "peers": ["10.3.0.0/24"]},  # adjacent to spd[0].local: no overlap
    ]
    from vpnconf.model import Site

    site = Site.model_validate(d)
    got = _spd_findings(site)
    assert got == _pairwise_spd(site)
    assert [(r, p) for r, _, _, p in got if r == "SPD-LOCAL-OVERLAP"] == [
        ("SPD-LOCAL-OVERLAP", "tunnels[0].spd[1].local"),
        ("SPD-LOCAL-OVERLAP", "tunnels[0].spd[2].local"),
        ("SPD-LOCAL-OVERLAP", "tunnels[0].spd[2].local"),
    ]
    # one finding per overlapping pair: the duplicate is reported once, against its earlier copy
    peer_pairs = [m for r, _, m, p in got if r == "SPD-PEER-OVERLAP" and p == "tunnels[0].spd[0].peers[2]"]
    assert peer_pairs == ["peer range 10.0.0.128/25 overlaps peer range 10.0.0.128/25 of the same policy"]


def test_spd_sweep_reports_every_pair_of_many_identical_ranges():
    from vpnconf.rules import _earlier_overlaps

    n = 300
    earlier = _earlier_overlaps([10] * n, [20] * n)
    assert earlier == {j: list(range(j)) for j in range(1, n)}
    # a chain of intervals each overlapping only its neighbours, in shuffled order
    import random

    spans = [(i * 10, i * 10 + 10) for i in range(n)]
    order = list(range(n))
    random.Random(3).shuffle(order)
    got = _earlier_overlaps([spans[i][0] for i in order], [spans[i][1] for i in order])
    pos = {o: i for i, o in enumerate(order)}
    want: dict[int, list[int]] = {}
    for a in range(n - 1):
        i, j = sorted((pos[a], pos[a + 1]))
        want.setdefault(j, []).append(i)
    assert got == {j: sorted(v) for j, v in want.items()}


def test_spd_rules_on_a_large_policy():
    """5,000 generated peer /24s in one policy, four of them planted to overlap."""
    import random

    rng = random.Random(7)
    peers = [f"10.{x >> 8}.{x & 255}.0/24" for x in rng.sample(range(1 << 16), 5000)]
    first, second = peers[10], peers[4000]
    peers += [
        first,  # duplicate of peers[10]
        second.replace(".0/24", ".128/25"),  # nested in peers[4000]
        "192.168.7.0/24",  # inside the VPC and the local range
        "172.16.0.0/24",  # adjacent to nothing, outside everything
    ]
    d = copy.deepcopy(BASE)
    d["vpc"]["cidr_blocks"] = ["192.168.0.0/16"]
    T(d)["spd"] = [{"local": "192.168.7.0/24", "peers": peers}]
    from vpnconf.model import Site

    got = _spd_findings(Site.model_validate(d))
    assert got == [
        (
            "SPD-LOCAL-PEER-OVERLAP",
            "error",
            "peer range 192.168.7.0/24 overlaps the policy's local range 192.168.7.0/24",
            "tunnels[0].spd[0].peers[5002]",
        ),
        (
            "SPD-PEER-OVERLAP",
            "error",
            f"peer range {first} overlaps peer range {first} of the same policy",
            "tunnels[0].spd[0].peers[5000]",
        ),
        (
            "SPD-PEER-OVERLAP",
            "error",
            f"peer range {second.replace('.0/24', '.128/25')} overlaps peer range {second} of the same policy",
            "tunnels[0].spd[0].peers[5001]",
        ),
        (
            "SPD-PEER-IN-VPC",
            "error",
            "peer range 192.168.7.0/24 overlaps the VPC CIDR block 192.168.0.0/16",
            "tunnels[0].spd[0].peers[5002]",
        ),
    ]
