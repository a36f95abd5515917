"""Cisco IOS / IOS-XE parser (vendors/cisco_ios/parser.py): what cannot be
parse cases (cases/*.yaml): our own rendered output read back (both variants,
IKEv1 and IKEv2), detection against the other vendors' corpus, the exact
finding sets of some cases, the normalize gate, the type 7 decoder, bad
input, fuzzing, scale and speed."""

from __future__ import annotations

import copy
import gc
import os
import random
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import QUICKSTART, SHARED
from vpnconf.io import site_from_data
from vpnconf.model import Site
from vpnconf.parsing import (
    Ident,
    ParsedDevice,
    ParsedTunnel,
    Proposal,
    detect_score,
    parse_text,
    parser_module,
    to_site_data,
)
from vpnconf.parsing.indented import needs_normalize
from vpnconf.renderer import render_files

VENDOR = "cisco_ios"
_mod = parser_module(VENDOR)
parse, type7_decode = _mod.parse, _mod.type7_decode


def detect(text: str) -> tuple[float, str]:
    """This vendor's detection score (vendor.yaml detect: patterns)."""
    return detect_score("cisco_ios", text)


CORPUS = SHARED / "corpus"
IOS_CORPUS = CORPUS / "cisco_ios"
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require(path: Path) -> Path:
    """The shared corpus sits beside the project (../shared); without it the
    corpus tests skip, except in CI where they must run."""
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} missing: CI must run the corpus tests")
        pytest.skip(f"corpus not available here ({path})")
    return path


def corpus_file(name: str) -> str:
    return require(IOS_CORPUS / name).read_text()


def errors(dev: ParsedDevice) -> list[str]:
    return [f.text() for f in dev.findings if f.severity == "error"]


def rules(dev: ParsedDevice, severity: str | None = None) -> set[str]:
    return {f.rule for f in dev.findings if severity is None or f.severity == severity}


def by_name(dev: ParsedDevice) -> dict[str, ParsedTunnel]:
    out = {t.name: t for t in dev.tunnels}
    assert len(out) == len(dev.tunnels), "tunnel names must be unique"
    return out


def props(t_props: list[Proposal]) -> list[tuple]:
    return [(p.encryption, p.integrity, p.dh_group) for p in t_props]


# =================================================================== round trip
BASE = yaml.safe_load(QUICKSTART.read_text())


def _tunnel(name: str, vg: str, cg: str, **changes) -> dict:
    t = copy.deepcopy(BASE["tunnels"][0])
    t.update(name=name, vpn_gateway=vg, customer_gateway=cg)
    for key, value in changes.items():
        t[key] = {**t[key], **value} if isinstance(value, dict) and isinstance(t.get(key), dict) else value
    return t


def _site() -> Site:
    d = copy.deepcopy(BASE)
    d["vpn_gateways"] += [{"name": f"vg{i}", "public_ip": f"203.0.113.{i}"} for i in range(1, 5)]
    d["customer_gateways"] += [{"name": f"cg{i}", "public_ip": f"198.51.100.{i}"} for i in range(1, 5)]
    fqdn_ids = {
        "local_id": {"type": "fqdn", "value": "vpngw.cloud.example.com"},  # the cloud's (Tencent's) ID
        "peer_id": {"type": "fqdn", "value": "idc-gw.example.com"},  # the IDC device's ID
    }
    d["tunnels"] += [
        _tunnel(
            "V2Rich",
            "vg1",
            "cg1",
            pre_shared_key="N0t-So-Secret!Key",
            ike={"version": 2, "encryption": "aes256", "integrity": "sha256", "dh_group": 14, **fqdn_ids},
            ipsec={"encryption": "aes256", "integrity": "sha256", "pfs": 14, "lifetime_seconds": 7200},
            spd=[
                {"local": "192.168.1.0/24", "peers": ["10.0.1.0/24", "10.0.2.0/24"]},
                {"local": "192.168.2.0/24", "peers": ["10.0.3.0/24", "10.0.4.0/25", "172.16.0.0/16"]},
                {"local": "192.168.3.0/26", "peers": ["10.0.5.0/24", "10.0.6.0/24"]},
            ],
        ),
        _tunnel(
            "V1Aggr",
            "vg2",
            "cg2",
            ike={"mode": "aggressive", **fqdn_ids},
            spd=[{"local": "192.168.4.0/24", "peers": ["10.1.0.0/16"]}],
        ),
        _tunnel(
            "Aes256",
            "vg3",
            "cg3",
            ike={"encryption": "aes256", "integrity": "sha256", "lifetime_seconds": 28800},
            ipsec={"encryption": "aes256", "integrity": "sha256", "lifetime_kb": 4608000},
            spd=[{"local": "192.168.5.0/24", "peers": ["10.2.0.0/24", "10.2.1.0/24"]}],
        ),
        _tunnel(
            "Dpd45",
            "vg4",
            "cg4",
            dpd={"enabled": True, "timeout_seconds": 45, "action": "restart"},
            ipsec={"pfs": 5},
            spd=[{"local": "192.168.6.0/24", "peers": ["10.3.0.0/24"]}],
        ),
    ]
    site, findings = site_from_data(d, "roundtrip.yaml")
    assert site is not None, [f.text() for f in findings]
    return site


SITE = _site()
NAMES = [t.name for t in SITE.tunnels]  # TomVPNConn (the quick start), V2Rich, V1Aggr, Aes256, Dpd45


def install(text: str, site: Site, name: str) -> str:
    """What the device's running-config shows once the rendered block is
    pasted on a router whose WAN interface holds the customer gateway address
    and whose host name and domain form the IDC's FQDN identity."""
    t = site.tunnel(name)
    cg = site.customer_gateway(t.customer_gateway)
    head = "hostname idc-gw\nip domain name example.com\n"
    wan = f"interface GigabitEthernet0/0\n ip address {cg.public_ip} 255.255.255.0\n"
    if "\ninterface GigabitEthernet0/0\n" in text:
        return head + text.replace("\ninterface GigabitEthernet0/0\n", "\n" + wan, 1)
    return head + wan + "!\n" + text


def read_back(site: Site, name: str, variant: str, installed: bool) -> tuple[ParsedDevice, str]:
    text = render_files(site, name, "cisco_ios", variant=variant)["config.txt"]
    if installed:
        text = install(text, site, name)
    dev = parse(text, f"{name}-{variant}.cfg")
    assert errors(dev) == []
    assert len(dev.tunnels) == 1
    assert dev.tunnels[0].name == name  # our own object names give the tunnel its name back
    assert detect(text)[0] >= 0.6
    return dev, text


def compare(original, parsed_site: Site, expected_changes: dict | None = None) -> None:
    """The parsed tunnel equals the original except the gateway names (the
    parser names gateways gw-<ip>/cgw-<ip>) and the listed honest losses."""
    got = parsed_site.tunnels[0]
    exp = original.model_dump(exclude={"vpn_gateway", "customer_gateway", "pre_shared_key"})
    for path, value in (expected_changes or {}).items():
        node = exp
        *parents, leaf = path.split(".")
        for p in parents:
            node = node[p]
        node[leaf] = value
    assert got.model_dump(exclude={"vpn_gateway", "customer_gateway", "pre_shared_key"}) == exp
    assert got.psk() == original.psk()
    assert parsed_site.vpn_gateway(got.vpn_gateway).public_ip == SITE.vpn_gateway(original.vpn_gateway).public_ip


def honest_changes(name: str, installed: bool) -> dict:
    """What cannot come back from the rendered text alone: IOS's
    `self-identity fqdn` sends <hostname>.<ip domain name>, and the template
    writes the FQDN only in a comment; without those lines the IDC identity is
    unknown (IDENTITY warning) and the model's default (address) is used."""
    t = SITE.tunnel(name)
    if not installed and t.ike.version == 1 and t.ike.peer_id.type.value == "fqdn":
        return {"ike.peer_id": {"type": "address", "value": None}}
    return {}


@pytest.mark.parametrize("installed", [False, True], ids=["rendered", "installed"])
@pytest.mark.parametrize("name", NAMES)
def test_crypto_map_round_trip(name, installed):
    original = SITE.tunnel(name)
    dev, _ = read_back(SITE, name, "crypto-map", installed)
    t = dev.tunnels[0]
    assert t.variant == "crypto-map"
    assert t.psk_state == "clear"
    data, losses = to_site_data(dev)
    parsed = Site.model_validate(data)
    compare(original, parsed, honest_changes(name, installed))
    cg_ip = str(SITE.customer_gateway(original.customer_gateway).public_ip)
    got_cg = str(parsed.customer_gateway(parsed.tunnels[0].customer_gateway).public_ip)
    if installed or original.ike.version == 2:
        # the WAN interface's address, or IKEv2's `match address local`
        assert got_cg == cg_ip
        assert not [f for f in losses if f.severity != "info"]
    else:
        # IKEv1 without an address on the interface: the config does not say it
        assert got_cg == "192.0.2.1"
        assert any(f.rule == "MISSING" and "local address not in the config" in f.message for f in dev.findings)
        assert any("placeholder" in f.message for f in losses)
    if not installed and original.ike.version == 1 and original.ike.peer_id.type.value == "fqdn":
        assert "IDENTITY" in rules(dev, "warning")


@pytest.mark.parametrize("installed", [False, True], ids=["rendered", "installed"])
@pytest.mark.parametrize("name", NAMES)
def test_vti_round_trip_everything_but_the_spd(name, installed):
    """A VTI negotiates any/any: the parser leaves the selectors empty, says the
    tunnel is route-based and lists the networks routed into the tunnel in
    ``routes``. Everything else must come back; the SPD is put back from the
    original to compare, and the policy-based tunnel comes back as what the
    VTI made of it: a static route-based one."""
    original = SITE.tunnel(name)
    dev, _ = read_back(SITE, name, "vti", installed)
    t = dev.tunnels[0]
    assert t.variant == "vti"
    assert t.selectors == [] and t.route_based and t.bgp is None
    assert "SELECTORS" in rules(dev)
    vpc_nets = list(dict.fromkeys(str(p.local) for p in original.spd))
    assert t.routes == vpc_nets
    assert (t.extra["mtu"], t.extra["mss"], t.extra["unnumbered"]) == (1400, 1360, "GigabitEthernet0/0")
    t.selectors = [(str(peer), str(pol.local)) for pol in original.spd for peer in pol.peers]
    data, _ = to_site_data(dev)
    parsed = Site.model_validate(data)
    compare(original, parsed, {**honest_changes(name, installed), "route_type": "static"})
    if installed or original.ike.version == 2:
        got_cg = parsed.customer_gateway(parsed.tunnels[0].customer_gateway).public_ip
        assert got_cg == SITE.customer_gateway(original.customer_gateway).public_ip


def test_round_trip_details_of_the_rich_ikev2_tunnel():
    dev, _ = read_back(SITE, "V2Rich", "crypto-map", installed=False)
    t = dev.tunnels[0]
    assert (t.ike_version, t.local_address, t.peer_address) == (2, "198.51.100.1", "203.0.113.1")
    assert t.local_id == Ident("fqdn", "idc-gw.example.com")
    assert t.peer_id == Ident("fqdn", "vpngw.cloud.example.com")
    assert props(t.ike_proposals) == [("aes256", "sha256", 14)]
    assert props(t.esp_proposals) == [("aes256", "sha256", None)]
    assert (t.pfs, t.ipsec_lifetime_seconds, t.ipsec_lifetime_kb, t.ike_lifetime) == (14, 7200, 1843200, 86400)
    assert t.selectors == [
        ("10.0.1.0/24", "192.168.1.0/24"),
        ("10.0.2.0/24", "192.168.1.0/24"),
        ("10.0.3.0/24", "192.168.2.0/24"),
        ("10.0.4.0/25", "192.168.2.0/24"),
        ("172.16.0.0/16", "192.168.2.0/24"),
        ("10.0.5.0/24", "192.168.3.0/26"),
        ("10.0.6.0/24", "192.168.3.0/26"),
    ]
    assert t.extra["crypto_map"] == "CMAP-WAN" and t.extra["seq"] == 20


def test_round_trip_dpd_and_aggressive_fqdn():
    dev, _ = read_back(SITE, "Dpd45", "crypto-map", installed=False)
    t = dev.tunnels[0]
    assert (t.dpd_enabled, t.dpd_timeout) == (True, 45)  # keepalive 15 3 periodic -> 3 x 15
    assert t.extra["dpd"]["interval"] == 15 and t.extra["dpd"]["mode"] == "periodic"
    dev, _ = read_back(SITE, "V1Aggr", "crypto-map", installed=True)
    t = dev.tunnels[0]
    assert (t.mode, t.ike_version) == ("aggressive", 1)
    assert t.local_id == Ident("fqdn", "idc-gw.example.com")  # hostname + ip domain name
    assert t.peer_id == Ident("fqdn", "vpngw.cloud.example.com")  # match identity host
    assert t.extra["isakmp_profile"] == "IKP-V1Aggr" and t.extra["keyring"] == "KR-V1Aggr"


def test_several_rendered_tunnels_in_one_config():
    """The crypto-map blocks of every tunnel pasted one after the other (one map,
    entries 10..50) read back as five tunnels with their own values."""
    text = "\n".join(render_files(SITE, n, "cisco_ios", variant="crypto-map")["config.txt"] for n in NAMES)
    dev = parse(text, "all.cfg")
    assert errors(dev) == []
    got = by_name(dev)
    assert list(got) == NAMES
    assert [got[n].extra["seq"] for n in NAMES] == [10, 20, 30, 40, 50]
    assert got["V2Rich"].ike_version == 2 and got["TomVPNConn"].ike_version == 1
    # IKEv1 tunnels share the isakmp policies: each offers all of them, in priority order
    assert props(got["Aes256"].ike_proposals) == [
        ("aes128", "sha1", 14),
        ("aes128", "sha1", 14),
        ("aes256", "sha256", 14),
        ("aes128", "sha1", 14),
    ]
    assert got["Aes256"].ike_lifetime == 86400  # the first policy's (priority 10)
    # held once on the device: every IKEv1 tunnel names the set and shares its list
    sets = dev.proposal_sets
    assert list(sets) == ["isakmp-policies"] and sets["isakmp-policies"].lifetimes == [86400, 86400, 28800, 86400]
    v1 = [t for t in dev.tunnels if t.ike_version == 1]
    assert v1 and all(t.ike_proposal_set == "isakmp-policies" for t in v1)
    assert all(t.ike_proposals is sets["isakmp-policies"].proposals for t in v1)
    assert got["V1Aggr"].mode == "aggressive" and got["Dpd45"].mode == "main"
    assert got["Dpd45"].pfs == 5 and got["TomVPNConn"].pfs is None


def test_autodetect_picks_this_parser():
    """Among every discovered parser, ours wins on our own output and the corpus."""
    from vpnconf.parsing import parse_text

    texts = [render_files(SITE, n, "cisco_ios", variant=v)["config.txt"] for n in NAMES for v in ("crypto-map", "vti")]
    if IOS_CORPUS.is_dir():
        texts += [p.read_text() for p in sorted(IOS_CORPUS.glob("*.cfg"))]
    for text in texts:
        dev = parse_text(text, "x.cfg")
        assert dev.vendor == "cisco_ios" and dev.detected and "IOS-style" in dev.detected


# ======================================================================= corpus
CASES = Path(__file__).resolve().parents[1] / "cases"


def case(name: str) -> dict:
    return yaml.safe_load((CASES / f"{name}.yaml").read_text())


def case_text(name: str) -> str:
    c = case(name)
    return c["input"] if "input" in c else require(CORPUS / c["corpus"]).read_text()


def parse_case(name: str) -> ParsedDevice:
    return parse_text(case_text(name), f"{name}.yaml", "cisco_ios")


def test_every_corpus_file_has_a_case_that_detects_it_and_finds_no_error():
    """Each file of the IOS corpus is a parse case (cases/corpus-*.yaml) with
    `detect: true` and no error finding."""
    require(IOS_CORPUS)
    cases = [case(p.stem) for p in sorted(CASES.glob("*.yaml"))]
    by_file = {c["corpus"]: c for c in cases if "corpus" in c}
    files = sorted(f"cisco_ios/{f.name}" for f in IOS_CORPUS.glob("*.cfg"))
    assert len(files) >= 7
    for f in files:
        assert f in by_file, f"{f}: no case"
        assert by_file[f].get("detect") is True and "error" in by_file[f]["expect"]["no_findings"], f
        assert detect((CORPUS / f).read_text())[0] >= 0.6, f
        for t in parse((CORPUS / f).read_text(), f).tunnels:
            assert t.line is not None and t.name, f


def test_cases_exact_finding_sets():
    """What the cases' data cannot say: these findings and no others."""
    if IOS_CORPUS.is_dir():
        dev = parse_case("corpus-aws-hybrid-border-router")
        # two global crypto ipsec lines; `soft-reconfiguration inbound` of the two BGP neighbors over the tunnels
        assert {f.line for f in dev.findings if f.rule == "IGNORED"} == {83, 89, 222, 226}
        assert {f.line for f in dev.findings if f.severity != "info"} == set()
        dev = parse_case("corpus-ipsec-profiles-without-tunnels")
        unused = sorted(f.message.split()[3] for f in dev.findings if f.rule == "UNUSED" and "profile" in f.message)
        assert unused == [f"IPSEC-PROFILE{i}" for i in range(1, 7)]
        dev = parse_case("corpus-transform-sets")
        warned = {f.message.split(":")[0] for f in dev.findings if f.rule == "UNSUPPORTED"}
        assert warned == {f"transform-set ts{i}" for i in (2, 3, 6, 7, 8)}  # AH, esp-gmac, esp-seal
        dev = parse_case("corpus-crypto-map-dynamic-map-and-vtis")
        assert "isakmp_profile_matched_by" not in by_name(dev)["mymap-10"].extra  # set isakmp-profile
        assert sum("no fixed peer" in f.message and f.severity == "warning" for f in dev.findings) == 2
        # what to_site_data makes of it: the dynamic entries have no peer and the VTIs no SPD
        data, losses = to_site_data(dev)
        assert [t["name"] for t in data["tunnels"]] == []  # no IKE proposal is known: nothing carried
        assert len([f for f in losses if f.severity == "error"]) == 6
    dev = parse_case("acl-forms")
    assert sorted(f.line for f in dev.findings if f.rule == "UNSUPPORTED") == [17, 18, 19, 20]
    dev = parse_case("acl-single-entry-forms")
    found = sorted((f.rule, f.line) for f in dev.findings if f.rule in ("SELECTORS", "UNSUPPORTED", "SYNTAX"))
    assert found == [("SELECTORS", 5), ("SYNTAX", 13), ("SYNTAX", 15), ("UNSUPPORTED", 11)]
    dev = parse_case("unknown-lines-ignored")
    assert {(f.line, f.severity) for f in dev.findings if f.rule == "IGNORED"} == {(5, "info"), (12, "info")}
    dev = parse_case("another-vendors-config")
    assert [f.rule for f in dev.findings] == ["NO-TUNNEL"]
    assert detect(case_text("another-vendors-config"))[0] == 0.0


# ================================================================ normalize gate
NORMALIZE_CASES = ["abbreviated-int-tunnel", "flush-left-paste"]


def _words(text: str) -> list[list[str]]:
    return [line.split() for line in text.split("\n")]


def test_normalize_gate_is_a_superset_of_what_normalize_changes():
    """The parser calls normalize only when ``needs_normalize`` says it may
    change the text: wherever it says no, normalize changes nothing but
    spacing and notes nothing (every case, corpus file, rendered output and
    the benchmark config)."""
    from vpnconf.parsing.indented import normalize

    texts = {p.stem: case_text(p.stem) for p in sorted(CASES.glob("*.yaml")) if "input" in case(p.stem)}
    if IOS_CORPUS.is_dir():
        texts |= {p.name: p.read_text() for p in sorted(IOS_CORPUS.glob("*.cfg"))}
    for n in NAMES:
        for v in ("crypto-map", "vti"):
            texts[f"{n}-{v}"] = render_files(SITE, n, "cisco_ios", variant=v)["config.txt"]
    texts["benchmark"] = generated_config(400, 10_000)
    for name, text in texts.items():
        text = text.replace("\r\n", "\n")
        if not needs_normalize(text, VENDOR):
            new, notes = normalize(text, "cisco_ios")
            assert notes == [] and _words(new) == _words(text), name
    for name in NORMALIZE_CASES:
        assert needs_normalize(case_text(name), VENDOR), name


@pytest.mark.parametrize(
    "line",
    [
        "int Tunnel1",  # abbreviated first word
        "crypto isa pol 10",  # abbreviated later words
        " ip add 192.0.2.1 255.255.255.0",  # indented abbreviation
        "interface Tunnel 1",  # a space before the number
        "ip route 10.0.0.0 255.0.0.0 tu1",  # abbreviated interface type
        "interface gi0/0",
        "crypto map M",  # the interface's crypto map line, flush left
        "no shutdown",
        "ip nat inside",
    ],
)
def test_normalize_gate_finds_each_form(line):
    text = "hostname r\ninterface GigabitEthernet0/0\n ip address 192.0.2.1 255.255.255.0\n" + line + "\n"
    assert needs_normalize(text, VENDOR)
    from vpnconf.parsing.indented import normalize

    new, notes = normalize(text, "cisco_ios")
    assert notes or _words(new) != _words(text), line  # and normalize does act on it


@pytest.mark.parametrize(
    "line",
    [
        "no ip http server",
        "ip nat inside source list 1 interface GigabitEthernet0/0 overload",
        "hostname r2",
        "crypto map M 10 ipsec-isakmp",
        "crypto map M local-address GigabitEthernet0/0",
        "vrf definition MGMT",
    ],
)
def test_normalize_gate_leaves_top_level_commands_alone(line):
    """Top-level commands that begin like an interface's sub-commands are not
    re-attached to the interface above them."""
    text = "interface GigabitEthernet0/0\n ip address 192.0.2.1 255.255.255.0\n!\n" + line + "\n"
    assert not needs_normalize(text, VENDOR), line


def test_corpus_other_vendors_are_not_detected_as_ios():
    require(CORPUS)
    for f in sorted(CORPUS.glob("*/*")):
        if f.parent.name == "cisco_ios":
            continue
        text = f.read_text(errors="replace")
        assert detect(text)[0] < 0.3, f
        dev = parse(text, f.name)  # and reading them anyway finds nothing and does not fail
        assert dev.tunnels == [] and errors(dev) == [], f


def test_truncated_corpus_files_never_fail():
    require(IOS_CORPUS)
    for f in sorted(IOS_CORPUS.glob("*.cfg")):
        text = f.read_text()
        cuts = sorted({i for i, c in enumerate(text) if c == "\n"} | set(range(0, len(text), 37)))
        for cut in cuts:
            for part in (text[:cut], text[: cut + 1] + "crypto", text[cut:]):
                dev = parse(part, f.name)
                assert "INTERNAL" not in rules(dev), (f.name, cut)


# ==================================================================== decoders
CMAP = """crypto isakmp policy 10
 encr aes 256
 authentication pre-share
 group 14
crypto ipsec transform-set T esp-aes esp-sha-hmac
ip access-list extended A
 permit ip 10.0.0.0 0.0.0.255 192.168.0.0 0.0.255.255
crypto map M 10 ipsec-isakmp
 set peer 203.0.113.9
 set transform-set T
 match address A
interface Gi1
 ip address 198.51.100.9 255.255.255.0
 crypto map M
"""

T7_KEY = "s3cr3t-Key!"


def type7(clear: str, offset: int = 9) -> str:
    """Cisco type 7 encoding (the inverse of the parser's decoding), for tests."""
    x = b"dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"
    return f"{offset:02d}" + "".join(f"{ord(c) ^ x[(offset + i) % len(x)]:02X}" for i, c in enumerate(clear))


def test_type7_decoding_known_vectors():
    assert type7_decode("0822455D0A16") == "cisco"
    assert type7_decode("13061B13181F") == "class"
    assert type7_decode("104F0B1A011214") == "abcdef"
    assert type7_decode(type7(T7_KEY)) == T7_KEY
    assert type7(T7_KEY) == "095F1D0A0B56035F20091D6B"  # the type 7 string in cases/isakmp-key-forms.yaml
    assert (
        type7_decode(type7("a-much-longer-key-that-wraps-the-table-around-" * 2, 15))
        == "a-much-longer-key-that-wraps-the-table-around-" * 2
    )
    for bad in ("", "0", "ZZ00", "08GG", "0822455D0A1"):
        assert type7_decode(bad) is None


# =================================================================== bad input
def test_empty_and_blank_input():
    for text in ("", "\n", "   \n\t\n", "!\n!\nend\n"):
        dev = parse(text, "e.cfg")
        assert dev.tunnels == [] and errors(dev) == []
    assert detect("")[0] == 0.0


def test_binary_junk_and_bytes():
    rng = random.Random(1234)
    for _ in range(20):
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4000)))
        dev = parse(blob.decode("latin-1"), "junk.bin")
        assert "INTERNAL" not in rules(dev)
        detect(blob.decode("latin-1"))
    dev = parse(b"\x00\xff" + CMAP.encode(), "bytes.cfg")  # type: ignore[arg-type]
    assert len(dev.tunnels) == 1


def test_asa_style_is_not_detected():
    asa = (
        "crypto ikev1 policy 10\n authentication pre-share\ncrypto map OUT 10 match address ACL\n"
        "crypto map OUT 10 set peer 203.0.113.9\ncrypto map OUT interface outside\n"
        "tunnel-group 203.0.113.9 type ipsec-l2l\n"
    )
    assert detect(asa)[0] < 0.3
    assert detect(CMAP)[0] >= 0.6


def test_five_megabyte_input():
    text = CMAP + "".join(
        f"interface GigabitEthernet1/{i}\n description filler {i}\n no shutdown\n!\n" for i in range(90_000)
    )
    assert len(text) > 5_000_000
    dev = parse(text, "big.cfg")
    assert len(dev.tunnels) == 1 and errors(dev) == []
    one_line = "crypto map " + "x" * 5_000_000
    assert "INTERNAL" not in rules(parse(one_line, "line.cfg"))


def test_findings_about_junk_lines_are_capped():
    text = "crypto isakmp policy 10\n" + " frobnicate\n" * 200_000 + "crypto map\n" * 5000 + CMAP
    dev = parse(text, "junk.cfg")
    assert len(dev.tunnels) == 1
    assert len(dev.findings) < 2100
    assert {f.rule for f in dev.findings} >= {"TRUNCATED", "IGNORED", "SYNTAX"}


VOCAB = [
    "crypto",
    "map",
    "M",
    "10",
    "ipsec-isakmp",
    "dynamic",
    "D",
    "isakmp",
    "key",
    "6",
    "7",
    "address",
    "0.0.0.0",
    "1.2.3.4",
    "255.255.255.0",
    "profile",
    "P",
    "keyring",
    "K",
    "policy",
    "ikev2",
    "proposal",
    "ipsec",
    "transform-set",
    "T",
    "esp-aes",
    "256",
    "esp-sha-hmac",
    "set",
    "peer",
    "pfs",
    "group14",
    "match",
    "identity",
    "host",
    "local-address",
    "interface",
    "Tunnel1",
    "tunnel",
    "protection",
    "destination",
    "ip",
    "access-list",
    "extended",
    "permit",
    "any",
    "host",
    "route",
    "lifetime",
    "seconds",
    "kilobytes",
    "security-association",
    "pre-shared-key",
    "encryption",
    "integrity",
    "group",
    "dpd",
    "keepalive",
    "retry",
    "banner",
    "motd",
    "^C",
    "!",
    "",
    "x" * 60,
    "\x00",
    "é",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.booleans(), st.lists(st.sampled_from(VOCAB), max_size=8)), max_size=40))
def test_fuzz_never_raises(lines):
    text = "\n".join((" " if indent else "") + " ".join(words) for indent, words in lines)
    dev = parse(text, "fuzz.cfg")
    assert "INTERNAL" not in rules(dev), [f.text() for f in dev.findings if f.rule == "INTERNAL"]
    detect(text)


# ======================================================================== scale
def generated_config(tunnels: int, lines: int) -> str:
    """`tunnels` crypto-map entries (key, transform set, ACL, map entry each)
    among interface filler up to `lines` lines."""
    out = [
        "hostname gen-router",
        "ip domain name example.net",
        "!",
        "crypto isakmp policy 10",
        " encr aes 256",
        " hash sha256",
        " authentication pre-share",
        " group 14",
        " lifetime 28800",
        "crypto isakmp keepalive 10 3 periodic",
        "!",
    ]
    for i in range(tunnels):
        a, b = divmod(i, 250)
        peer = f"100.{64 + a}.{b}.1"
        out += [
            f"crypto isakmp key Key-{i} address {peer}",
            f"crypto ipsec transform-set TS{i} esp-aes 256 esp-sha256-hmac",
            " mode tunnel",
            f"ip access-list extended VPN{i}",
            f" permit ip 10.{a}.{b}.0 0.0.0.255 172.{16 + a}.{b}.0 0.0.0.255",
            f"crypto map CMAP {10 * (i + 1)} ipsec-isakmp",
            f" set peer {peer}",
            f" set transform-set TS{i}",
            " set pfs group14",
            " set security-association lifetime seconds 3600",
            f" match address VPN{i}",
            "!",
        ]
    out += ["interface GigabitEthernet0/0", " ip address 198.51.100.1 255.255.255.0", " crypto map CMAP", "!"]
    k = 0
    while len(out) < lines - 1:
        out += [
            f"interface GigabitEthernet1/0/{k}",
            f" description access port {k}",
            " switchport mode access",
            f" switchport access vlan {10 + k % 50}",
            " spanning-tree portfast",
            "!",
        ]
        k += 1
    out.append("end")
    return "\n".join(out[:lines]) + "\n"


def test_generated_20000_lines_800_tunnels():
    text = generated_config(800, 20_000)
    assert 19_990 <= text.count("\n") <= 20_000
    dev = parse(text, "gen.cfg")
    assert len(dev.tunnels) == 800 and errors(dev) == []
    t = by_name(dev)["CMAP-8000"]
    assert (t.peer_address, t.local_address, t.psk) == ("100.67.49.1", "198.51.100.1", "Key-799")
    assert t.selectors == [("10.3.49.0/24", "172.19.49.0/24")]
    assert props(t.ike_proposals) == [("aes256", "sha256", 14)] and t.pfs == 14
    assert (t.dpd_enabled, t.dpd_timeout) == (True, 30)
    data, losses = to_site_data(dev)
    assert len(Site.model_validate(data).tunnels) == 800
    assert not [f for f in losses if f.severity == "error"]


def _best_of(fn, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def test_parse_speed_against_netutils_bare_tree():
    """The benchmark's target on this parser's part: reading a 100,000-line
    config with 4,000 crypto-map tunnels takes at most 1.5x the time netutils
    needs just to build its tree (measured here: ~0.7x)."""
    netutils = pytest.importorskip("netutils.config.parser")
    text = generated_config(4000, 100_000)
    assert len(parse(text, "bench.cfg").tunnels) == 4000
    ours = _best_of(lambda: parse(text, "bench.cfg"), 3)
    tree = _best_of(lambda: netutils.IOSConfigParser(text).build_config_relationship(), 3)
    assert ours <= 1.5 * tree, (ours, tree)
