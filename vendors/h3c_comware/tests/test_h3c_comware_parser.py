"""H3C Comware parser (vendors/h3c_comware/parser.py): what the parse cases
(cases/*.yaml) cannot hold: our own rendered output read back (both variants,
IKEv1 and IKEv2, DPD, FQDN identities, pairs), several tunnels in one config,
detection against the other vendors' corpus, the one-space global lines of a
running-config, damaged input (fuzz) and scale."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import SAMPLES, SHARED, paste_damage, rich_tunnel, site_with
from vpnconf.io import require_site
from vpnconf.model import Site
from vpnconf.parsing import DETECT_THRESHOLD, detect_score, parse_text, parser_module, to_site_data
from vpnconf.renderer import join_files, render_files

VENDOR = Path(__file__).resolve().parents[1].name
_mod = parser_module(VENDOR)


def _render(site, tunnel, variant, software=None):
    return join_files(render_files(site, tunnel, VENDOR, variant=variant, software=software))


@pytest.mark.parametrize("variant", ["policy", "tunnel"])
@pytest.mark.parametrize("version", [1, 2])
def test_rich_tunnel_reads_back(variant, version):
    site = site_with(lambda d: rich_tunnel(d["tunnels"][0], version))
    t = site.tunnels[0]
    dev = parse_text(_render(site, t.name, variant), "rich", VENDOR)
    assert not [f.text() for f in dev.findings if f.severity == "error"]
    (p,) = dev.tunnels
    assert p.name == t.name
    assert p.ike_version == version
    assert (p.psk, p.psk_state) == (t.psk(), "clear")
    assert (p.local_id.type, p.local_id.value) == ("fqdn", "idc-gw.example.com")
    assert (p.peer_id.type, p.peer_id.value) == ("fqdn", "vpngw.cloud.example.com")
    assert [(x.encryption, x.integrity, x.dh_group) for x in p.ike_proposals] == [("aes256", "sha256", 14)]
    assert [(x.encryption, x.integrity) for x in p.esp_proposals] == [("aes256", "sha256")]
    assert (p.pfs, p.ipsec_lifetime_seconds, p.ipsec_lifetime_kb) == (14, 7200, 4608000)
    assert p.dpd_enabled and p.extra["dpd"]["interval"] == 15 and p.extra["dpd"]["mode"] == "periodic"
    # nothing of IKE/IPsec is defaulted; a route-based tunnel's route without `preference` is
    assert p.defaulted == ({} if variant == "policy" else {"route_preference": p.defaulted.get("route_preference")})
    if variant != "policy":
        assert p.route_preference == 60 and "default 60" in p.defaulted["route_preference"]
    if variant == "policy":
        pairs = [(str(peer), str(pol.local)) for pol in t.spd for peer in pol.peers]
        assert p.selectors == pairs
    else:
        assert p.route_based and p.selectors == [("0.0.0.0/0", "0.0.0.0/0")]


def test_aggressive_mode_reads_back():
    site = site_with(lambda d: d["tunnels"][0]["ike"].update(mode="aggressive"))
    (p,) = parse_text(_render(site, "TomVPNConn", "policy"), "aggr", VENDOR).tunnels
    assert p.mode == "aggressive"


@pytest.mark.parametrize(("kind", "index"), [("static", 1), ("bgp", 0), ("bgp", 1)])
def test_route_based_pairs_read_back(kind, index):
    site = require_site(SAMPLES / f"{kind}-pair.yaml")
    t = site.tunnels[index]
    text = _render(site, t.name, "tunnel")
    dev = parse_text(text, "pair", VENDOR)
    assert not [f.text() for f in dev.findings if f.severity == "error"]
    (p,) = dev.tunnels
    assert p.name == t.name and p.route_based
    if kind == "bgp":
        b = p.bgp
        assert b is not None
        assert (b.local_ip, b.peer_ip, b.prefixlen) == (str(t.bgp.peer_ip), str(t.bgp.local_ip), 30)
        assert (b.keepalive, b.hold_time) == (t.bgp.keepalive, t.bgp.hold_time)
        data, _ = to_site_data(dev)
        assert data["tunnels"][0]["route_type"] == "bgp"
        backup = "# backup one" in text
        assert ("route-policy RP-" in text) == backup
        assert (p.extra.get("bgp_import_policy") is not None) == backup
        assert b.local_preference == (50 if backup else None)
    else:
        assert sorted(p.routes) == sorted(str(n) for n in site.vpc.cidr_blocks)
        assert p.route_preference == 70 and not p.defaulted  # the backup's floating routes


def test_several_rendered_tunnels_in_one_config():
    site = require_site(SAMPLES / "static-pair.yaml")
    text = "\n".join(_render(site, t.name, "tunnel") for t in site.tunnels)
    dev = parse_text(text, "two", VENDOR)
    assert [t.name for t in dev.tunnels] == [t.name for t in site.tunnels]
    assert len({t.extra["interface"] for t in dev.tunnels}) == 2


def test_rendered_policy_output_is_detected_as_this_vendor_only():
    text = _render(site_with(), "TomVPNConn", "policy")
    assert detect_score(VENDOR, text)[0] >= DETECT_THRESHOLD
    from vpnconf.parsing import detect_vendor

    assert detect_vendor(text)[0] == VENDOR


def test_corpus_of_other_vendors_is_not_detected_as_comware():
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("shared corpus not here")
    for f in sorted(p for p in corpus.rglob("*") if p.is_file() and p.parent.name != "show_outputs"):
        score, why = detect_score(VENDOR, f.read_text(encoding="utf-8", errors="replace"))
        assert score < DETECT_THRESHOLD, f"{f.name}: {score} ({why})"


def test_global_lines_one_space_in_are_top_level():
    text = "#\n sysname A\n ip ttl-expires enable\n#\nacl advanced 3000\n rule 0 permit ip\n#\n version 7.1\n"
    out = _mod._globals_flush_left(text)
    assert out.split("\n") == [
        "#",
        "sysname A",
        "ip ttl-expires enable",
        "#",
        "acl advanced 3000",
        " rule 0 permit ip",
        "#",
        "version 7.1",
        "",
    ]
    assert (
        _mod._globals_flush_left("acl advanced 3000\n rule 0 permit ip\n") == "acl advanced 3000\n rule 0 permit ip\n"
    )


def test_empty_blank_and_binary_input():
    for text in ("", "\n\n", "#\n#\nreturn\n"):
        dev = parse_text(text, "e", VENDOR)
        assert [f.rule for f in dev.findings] == ["NO-TUNNEL"]
    dev = parse_text(b"\x00\x01\x02ike\x00profile", "b", VENDOR)
    assert not [f for f in dev.findings if f.rule == "INTERNAL"]


_SAMPLE = (Path(__file__).resolve().parents[1] / "cases" / "route-bgp-tunnel.yaml").read_text(encoding="utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), ops=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10**6)), max_size=6))
def test_damaged_configs_never_fail(seed, ops):
    import yaml

    lines = yaml.safe_load(_SAMPLE)["input"].split("\n")
    rng = random.Random(seed)
    for op, i in ops:
        damaged = paste_damage(lines, rng, op, i % max(1, len(lines)))
        if damaged is not None:
            lines = damaged
    if rng.random() < 0.3 and lines:  # a truncated line
        j = rng.randrange(len(lines))
        lines[j] = lines[j][: rng.randrange(len(lines[j]) + 1)]
    dev = parse_text("\n".join(lines), "fuzz", VENDOR)
    assert not [f for f in dev.findings if f.rule == "INTERNAL"], [f.text() for f in dev.findings]
    for f in dev.findings:
        assert "Bgp-Key-1" not in f.message and "Bgp-Key-2" not in f.message


def _many(n: int) -> str:
    out = []
    for i in range(n):
        a, b = divmod(i, 250)
        out.append(
            f"acl advanced {3000 + i % 999}\n rule {i} permit ip source 10.{a}.{b}.0 0.0.0.255 "
            f"destination 172.16.{b}.0 0.0.0.255\n#\n"
            f"ike keychain k{i}\n pre-shared-key address 198.{a}.{b}.1 255.255.255.255 key simple Key-{i}\n#\n"
            f"ike profile p{i}\n keychain k{i}\n proposal 1\n#\n"
            f"ipsec transform-set t{i}\n esp encryption-algorithm aes-cbc-128\n esp authentication-algorithm sha1\n#\n"
            f"ipsec policy big {i + 1} isakmp\n transform-set t{i}\n security acl {3000 + i % 999}\n"
            f" remote-address 198.{a}.{b}.1\n ike-profile p{i}\n sa duration time-based 3600\n"
            f" sa duration traffic-based 1843200\n#\n"
        )
    return "ike proposal 1\n encryption-algorithm aes-cbc-128\n authentication-algorithm sha\n dh group14\n" + (
        "".join(out) + "interface GigabitEthernet1/0/1\n ipsec apply policy big\n"
    )


def test_scale_is_linear():
    timings = []
    for n in (400, 1600):
        text = _many(n)
        t0 = time.perf_counter()
        dev = parse_text(text, "big", VENDOR)
        timings.append(time.perf_counter() - t0)
        assert len(dev.tunnels) == n
        assert not [f for f in dev.findings if f.severity == "error"]
    # four times the input: well under sixteen times the time (nothing quadratic)
    assert timings[1] < 8 * timings[0] + 0.5, timings


@pytest.mark.parametrize("variant", ["policy", "tunnel"])
@pytest.mark.parametrize("version", [1, 2])
def test_proposal_lists_read_back_in_order(variant, version):
    ike = [
        {"encryption": "aes256", "integrity": "sha256", "dh_group": 14},
        {"encryption": "aes128", "integrity": "sha1", "dh_group": 5},
        {"encryption": "3des", "integrity": "md5", "dh_group": 2},
    ]
    esp = [
        {"encryption": "aes256", "integrity": "sha256", "pfs": 14},
        {"encryption": "3des", "integrity": "sha1", "pfs": 14},
    ]

    def m(d):
        t = d["tunnels"][0]
        t["ike"].update(encryption="aes256", integrity="sha256", dh_group=14, version=version, proposals=ike)
        t["ipsec"].update(encryption="aes256", integrity="sha256", pfs=14, proposals=esp)

    site = site_with(m)
    dev = parse_text(_render(site, "TomVPNConn", variant), "offers", VENDOR)
    assert not [f.text() for f in dev.findings if f.severity != "info"]
    (p,) = dev.tunnels
    assert [(x.encryption, x.integrity, x.dh_group) for x in p.ike_proposals] == [
        (o["encryption"], o["integrity"], o["dh_group"]) for o in ike
    ]
    assert [(x.encryption, x.integrity) for x in p.esp_proposals] == [(o["encryption"], o["integrity"]) for o in esp]
    assert p.pfs == 14
    data, _ = to_site_data(dev)
    assert [x["encryption"] for x in data["tunnels"][0]["ike"]["proposals"]] == ["aes256", "aes128", "3des"]


def test_more_than_six_offers_are_refused():
    from vpnconf.findings import RenderError

    offers = [{"encryption": "aes256", "integrity": "sha256", "dh_group": g} for g in (14, 5, 2, 1, 24, 14)]
    offers.append({"encryption": "aes128", "integrity": "sha1", "dh_group": 14})

    def m(d):
        d["tunnels"][0]["ike"].update(encryption="aes256", integrity="sha256", dh_group=14, proposals=offers)

    with pytest.raises(RenderError, match="up to six"):
        _render(site_with(m), "TomVPNConn", "policy")


def test_two_pasted_bgp_views_of_one_as_are_one_and_another_as_is_ambiguous():
    d = yaml.safe_load((SAMPLES / "bgp-pair.yaml").read_text())
    d["pairs"][0]["mode"] = "active-standby"
    site = Site.model_validate(d)
    a, b = _render(site, "TunA", "tunnel"), _render(site, "TunB", "tunnel")
    assert "\nbgp 65010\n" in a and "\nbgp 65010\n" in b
    same = parse_text(a + "\n" + b, "same-as", VENDOR)
    assert [(t.name, t.bgp.peer_ip, t.bgp.local_preference) for t in same.tunnels if t.bgp] == [
        ("TunA", "169.254.10.1", None),
        ("TunB", "169.254.10.5", 50),
    ]
    other = parse_text(a + "\n" + b.replace("\nbgp 65010\n", "\nbgp 65099\n"), "other-as", VENDOR)
    assert [t.name for t in other.tunnels if t.bgp] == ["TunA"]
    assert [f.line for f in other.findings if f.rule == "AMBIGUOUS" and "bgp 65099" in f.message]
