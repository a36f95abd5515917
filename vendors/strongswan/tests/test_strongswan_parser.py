"""strongSwan parser: what cannot be data in cases/*.yaml. Our own renderer's
output read back (both variants, generated from the model), API-level checks
(two corpus files read together, the loss report of to_site_data, detection
scores), generated junk, truncation and scale. Everything a hand-written or
corpus input shows is a parse case in vendors/strongswan/cases/."""

from __future__ import annotations

import copy
import random
import time
from pathlib import Path

import pytest
import yaml

from conftest import IN_CI, QUICKSTART, SHARED, rich_tunnel
from vpnconf.catalog import vendors
from vpnconf.findings import VpnconfError
from vpnconf.io import site_from_data
from vpnconf.model import Site
from vpnconf.parsing import (
    DETECT_THRESHOLD,
    ParsedDevice,
    ParsedTunnel,
    Proposal,
    detect_score,
    detect_vendor,
    parse_text,
    to_site_data,
)
from vpnconf.renderer import join_files, render_files

HERE = Path(__file__).resolve().parent.parent
VENDOR = HERE.name
BASE = yaml.safe_load(QUICKSTART.read_text())
CORPUS = SHARED / "corpus" / "strongswan"
EXCLUDE = {"name", "vpn_gateway", "customer_gateway"}


def parse(text: str, name: str = "t") -> ParsedDevice:
    dev = parse_text(text, name, VENDOR)
    assert not dev.unknown_rules(), dev.unknown_rules()
    assert not [f for f in dev.findings if f.rule == "INTERNAL"], [f.text() for f in dev.findings]
    return dev


def errors(dev: ParsedDevice) -> list[str]:
    return [f.text() for f in dev.findings if f.severity == "error"]


def not_info(dev: ParsedDevice) -> list[str]:
    return [f.text() for f in dev.findings if f.severity != "info"]


def only(dev: ParsedDevice) -> ParsedTunnel:
    assert len(dev.tunnels) == 1, [t.name for t in dev.tunnels]
    return dev.tunnels[0]


def corpus_text(name: str) -> str:
    if not CORPUS.is_dir():
        if IN_CI:
            pytest.fail(f"CI must have the shared corpus at {CORPUS}")
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return (CORPUS / name).read_text()


# ====================================================== round trip (renderer)
def _aggressive(t: dict) -> None:
    t["ike"].update(
        version=1,
        mode="aggressive",
        encryption="aes256",
        integrity="sha1",
        dh_group=2,
        lifetime_seconds=28800,
        peer_id={"type": "fqdn", "value": "branch-7.idc.example.net"},
    )
    t["ipsec"].update(encryption="3des", integrity="md5", pfs=2, lifetime_seconds=1800, lifetime_kb=102400)
    t["pre_shared_key"] = "Aggr3ssive#Key"


def _gcm_v2(t: dict) -> None:
    t["ike"].update(version=2, encryption="aes256gcm", integrity="sha384", dh_group=20, lifetime_seconds=3600)
    t["ipsec"].update(encryption="aes256gcm", integrity="sha1", pfs=19, lifetime_seconds=1200, lifetime_kb=51200)


def _gcm_esp_v1(t: dict) -> None:
    t["ike"].update(version=1, encryption="aes128", integrity="sha256", dh_group=14)
    t["ipsec"].update(encryption="aes256gcm", integrity="sha1", pfs=None)


def _dpd45_v1(t: dict) -> None:
    t["dpd"] = {"enabled": True, "timeout_seconds": 45, "action": "clear"}


CASES = {
    "quickstart": None,
    "ikev2-pfs-fqdn-3spd-dpd45": lambda t: rich_tunnel(t, 2),
    "ikev1-pfs-fqdn-3spd-dpd45": lambda t: rich_tunnel(t, 1),
    "ikev1-aggressive": _aggressive,
    "ikev2-gcm-ike-and-esp": _gcm_v2,
    "ikev1-aes256gcm-esp": _gcm_esp_v1,
    "ikev1-dpd45-clear": _dpd45_v1,
}


def site_for(case: str) -> Site:
    d = copy.deepcopy(BASE)
    mutate = CASES[case]
    if mutate:
        mutate(d["tunnels"][0])
    site, findings = site_from_data(d, f"{case}.yaml")
    assert site is not None, [f.text() for f in findings]
    return site


def texts_for(files: dict[str, str]) -> dict[str, str]:
    """The ways a user hands us the rendered files: as `vpnconf render` prints
    them (with '# ==> name <==' headers), or simply pasted one after the other."""
    out = {"joined": join_files(files)}
    if len(files) > 1:
        out["concatenated"] = "\n".join(files.values())
    return out


@pytest.mark.parametrize("variant", ["swanctl", "ipsec-conf"])
@pytest.mark.parametrize("case", list(CASES))
def test_round_trip(case: str, variant: str) -> None:
    site = site_for(case)
    original = site.tunnels[0]
    files = render_files(site, original.name, VENDOR, variant=variant)
    for how, text in texts_for(files).items():
        vid, why = detect_vendor(text)
        assert vid == VENDOR, (how, why)
        assert detect_score(VENDOR, text)[0] >= 0.9, (how, why)
        dev = parse(text, f"{case}.{variant}")
        assert not_info(dev) == [], (how, not_info(dev))
        t = only(dev)
        assert t.variant == variant
        assert t.psk_state == "clear"
        assert t.psk == original.psk()
        data, losses = to_site_data(dev)
        assert [f.text() for f in losses if f.severity != "info"] == [], how
        parsed = Site.model_validate(data)
        back = parsed.tunnels[0]
        assert back.name == original.name, how
        assert back.model_dump(exclude=EXCLUDE) == original.model_dump(exclude=EXCLUDE), how
        # the gateways carry the addresses the config names
        assert str(parsed.vpn_gateway(back.vpn_gateway).public_ip) == str(site.vpn_gateways[0].public_ip)
        assert str(parsed.customer_gateway(back.customer_gateway).public_ip) == str(site.customer_gateways[0].public_ip)


def test_round_trip_details_rich_ikev2() -> None:
    """What the parsed tunnel holds before the model: device view, canonical values."""
    site = site_for("ikev2-pfs-fqdn-3spd-dpd45")
    files = render_files(site, site.tunnels[0].name, VENDOR, variant="swanctl")
    t = only(parse(join_files(files), "swanctl.conf"))
    assert (t.local_address, t.peer_address) == ("202.108.22.5", "203.195.147.82")
    assert t.ike_version == 2 and t.mode == "main"
    assert t.ike_proposals == [Proposal("aes256", "sha256", 14, "aes256-sha256-modp2048")]
    assert t.esp_proposals == [Proposal("aes256", "sha256", None, "aes256-sha256-modp2048")]
    assert t.pfs == 14
    assert (t.ike_lifetime, t.ipsec_lifetime_seconds, t.ipsec_lifetime_kb) == (86400, 7200, 4608000)
    assert set(t.defaulted) == {"daemon_options"}  # every setting was read; only strongswan.conf was not given
    assert (t.local_id.type, t.local_id.value) == ("fqdn", "idc-gw.example.com")  # type: ignore[union-attr]
    assert (t.peer_id.type, t.peer_id.value) == ("fqdn", "vpngw.cloud.example.com")  # type: ignore[union-attr]
    assert (t.dpd_enabled, t.dpd_timeout, t.dpd_action) == (True, 45, "restart")
    assert t.selectors == [
        ("10.0.1.0/24", "192.168.1.0/24"),
        ("10.0.2.0/24", "192.168.1.0/24"),
        ("10.0.3.0/24", "192.168.2.0/24"),
        ("10.0.4.0/25", "192.168.2.0/24"),
        ("172.16.0.0/16", "192.168.2.0/24"),
        ("10.0.5.0/24", "192.168.3.0/26"),
        ("10.0.6.0/24", "192.168.3.0/26"),
    ]
    assert len(t.extra["children"]) == 7


def test_ipsec_conf_conns_grouped_under_base_name() -> None:
    site = site_for("ikev1-pfs-fqdn-3spd-dpd45")
    files = render_files(site, site.tunnels[0].name, VENDOR, variant="ipsec-conf")
    t = only(parse(join_files(files), "ipsec"))
    assert t.name == "TomVPNConn"
    assert t.extra["conns"] == [f"TomVPNConn-{n}" for n in range(1, 8)]
    assert len(t.selectors) == 7
    assert (t.ike_version, t.dpd_timeout) == (1, 45)


def test_keys_never_in_findings() -> None:
    site = site_for("ikev2-pfs-fqdn-3spd-dpd45")
    extra = {
        "swanctl": (
            "start_action = start",
            "start_action = start\n        updown = /bin/x\n        psk = N0t-So-Secret!Key",
        ),
        "ipsec-conf": ("auto=start", "auto=start\n    mobike=no\n    leftpsk=N0t-So-Secret!Key"),
    }
    for variant, (old, new) in extra.items():
        text = join_files(render_files(site, site.tunnels[0].name, VENDOR, variant=variant))
        assert old in text
        text = text.replace(old, new)
        dev = parse(text, "x")
        assert any(f.rule == "IGNORED" for f in dev.findings)
        assert not any("N0t-So-Secret" in f.text() for f in dev.findings)
        assert "N0t-So-Secret" not in repr(dev.tunnels[0].redacted())


# ============================================================== detection
def test_detect_leaves_other_vendors_alone() -> None:
    """Other vendors' configs (rendered by us, and the shared corpus: Libreswan
    among them) score below the threshold."""
    site = site_for("quickstart")
    for vid, vendor in vendors().items():
        if vid == VENDOR:
            continue
        for variant in vendor.variants:
            try:
                text = join_files(render_files(site, "TomVPNConn", vid, variant=variant))
            except VpnconfError:  # that vendor cannot express the quick start: not this test's business
                continue
            assert detect_score(VENDOR, text)[0] < DETECT_THRESHOLD, (vid, variant, detect_score(VENDOR, text))
    root = CORPUS.parent
    if root.is_dir():
        for path in root.rglob("*"):
            if path.is_file() and path.parent.name != "strongswan" and path.name != "README.md":
                score, why = detect_score(VENDOR, path.read_text(errors="replace"))
                assert score < DETECT_THRESHOLD, (path.name, score, why)


def test_libreswan_configs_are_ruled_out() -> None:
    """The Libreswan ipsec.conf files of the corpus hit a `not:` pattern (score 0),
    not just a low score."""
    root = CORPUS.parent / "libreswan"
    if not root.is_dir():
        corpus_text("x")
    confs = [p for p in sorted(root.iterdir()) if p.name.endswith(".conf")]
    assert confs
    for p in confs:
        score, why = detect_score(VENDOR, p.read_text(errors="replace"))
        assert score == 0.0 and why.startswith(f"not {VENDOR}"), (p.name, why)


def test_secrets_file_alone_is_not_claimed() -> None:
    """An ipsec.secrets file alone reads the same for strongSwan and Libreswan:
    detection does not claim it (the user names the vendor)."""
    text = corpus_text("ikev2-stroke-net2net-psk-moon.ipsec.secrets")
    assert detect_score(VENDOR, text)[0] < DETECT_THRESHOLD
    with pytest.raises(VpnconfError):
        detect_vendor(text)
    t = detect_score(VENDOR, '10.1.0.1 10.2.0.1 : PSK "x"\n')
    assert 0 < t[0] < DETECT_THRESHOLD


@pytest.mark.parametrize(
    "text",
    [
        "connections {\n  c {\n    remote_addrs = 1.2.3.4\n  }\n}\n",
        "secrets {\n  ike-1 {\n    secret = abc\n  }\n}\n",
        "conn c\n    left=1.2.3.4\n    right=5.6.7.8\n",
    ],
)
def test_minimal_configs_are_detected(text: str) -> None:
    assert detect_vendor(text)[0] == VENDOR


# ================================================================ corpus
def test_corpus_is_covered_by_cases() -> None:
    """Every strongSwan corpus file is the input of a parse case."""
    corpus_text("ikev2-net2net-psk-moon.swanctl.conf")  # skip / fail when the folder is missing
    used = set()
    for p in (HERE / "cases").glob("*.yaml"):
        c = yaml.safe_load(p.read_text(encoding="utf-8"))
        if "corpus" in c:
            used.add(c["corpus"])
    assert sorted(f"strongswan/{p.name}" for p in CORPUS.iterdir() if p.is_file()) == sorted(used)


def test_corpus_road_warrior_is_not_carried() -> None:
    name = "ikev1-rw-psk-aggressive-moon.swanctl.conf"
    dev = parse(corpus_text(name), name)
    data, losses = to_site_data(dev)
    assert data["tunnels"] == []
    assert any("no peer address" in f.message and f.severity == "error" for f in losses)


def test_corpus_stroke_conf_with_its_secrets() -> None:
    """ipsec.conf and ipsec.secrets read together: pasted one after the other,
    or joined with vpnconf's '# ==> name <==' headers."""
    conf = corpus_text("ikev2-stroke-net2net-psk-moon.ipsec.conf")
    secrets = corpus_text("ikev2-stroke-net2net-psk-moon.ipsec.secrets")
    for text in (conf + secrets, join_files({"ipsec.conf": conf, "ipsec.secrets": secrets})):
        assert detect_vendor(text)[0] == VENDOR
        dev = parse(text, "moon")
        assert errors(dev) == []
        t = only(dev)
        # '@moon @sun : PSK 0s...' (3rd line of ipsec.secrets) names both ids: it wins
        line = text.splitlines().index(secrets.splitlines()[2]) + 1
        assert t.extra["psk_source"] == f"ipsec.secrets line {line}"
        # a binary key (0s...): held as hex, its decoded bytes known to the redactor
        assert t.psk_state == "binary" and t.psk is not None and t.psk.startswith("0x")
        decoded = bytes.fromhex(t.psk[2:]).decode("latin-1")
        assert decoded not in dev.redactor(f"a message quoting {decoded} by mistake")
        assert t.extra["local_host"] == "PH_IP_MOON" and t.extra["peer_host"] == "PH_IP_SUN"


# ============================================================ bad input
def test_many_blank_lines_are_empty() -> None:
    dev = parse("\n" * 1000, "empty")
    assert dev.tunnels == [] and errors(dev)


def test_binary_junk() -> None:
    rnd = random.Random(7)
    for n in range(20):
        data = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 4000)))
        dev = parse(data.decode("latin-1"), f"junk{n}")
        assert dev.findings
    dev = parse_text(b"\x00\xff connections { c { \x00 } }", "bytes", VENDOR)
    assert [f.rule for f in dev.findings] == ["ENCODING"]


def test_junk_with_strongswan_tokens() -> None:
    rnd = random.Random(11)
    pieces = [
        "connections",
        "{",
        "}",
        "=",
        '"',
        "children",
        "conn x\n",
        "  left=",
        "#",
        "\n",
        " : PSK ",
        "secrets",
        "local_ts",
        "10.0.0.0/8",
        "also=x",
        "include",
        "'",
        ":",
        ",",
        "\\",
        "%default",
        "ike-1",
        "0x",
        "0sA==",
        "esp_proposals = ",
        "aes256gcm16-sha512-modp8192",
        "aes-aes128-sha-sha256-ecp384-none-ke1_mlkem768",
    ]
    for n in range(300):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 80)))
        parse(text, f"tokens{n}")  # no INTERNAL finding, only the shared vocabulary


def test_truncated_corpus_files() -> None:
    if not CORPUS.is_dir():
        corpus_text("x")
    for path in sorted(CORPUS.iterdir()):
        text = path.read_text()
        for cut in (len(text) // 2, len(text) // 3, len(text) - 2):
            dev = parse(text[:cut], path.name)
            assert dev.findings, (path.name, cut)
        if path.name.endswith(".swanctl.conf"):
            dev = parse(text[: len(text) // 2], path.name)
            assert any(f.rule == "UNCLOSED" and f.severity == "error" and f.line for f in dev.findings)


def test_huge_files() -> None:
    base = (CORPUS / "ikev1-net2net-psk-moon.swanctl.conf").read_text() if CORPUS.is_dir() else None
    if base is None:
        corpus_text("x")
        return
    # 5 MB of distinct connections (and secrets) ...
    parts, size, n = [], 0, 0
    while size < 5_000_000:
        p = base.replace("gw-gw", f"gw-{n}").replace(" c {", f" c{n} {{").replace("ike", f"ike{n}")
        parts.append(p)
        size += len(p)
        n += 1
    start = time.monotonic()
    dev = parse("\n".join(parts), "huge")
    assert time.monotonic() - start < 60
    assert len(dev.tunnels) == n
    assert not [f for f in dev.findings if f.severity == "error" and f.rule != "UNSUPPORTED"]
    # ... 5 MB of junk, and 5 MB of nesting
    rnd = random.Random(3)
    junk = rnd.randbytes(5_000_000).decode("latin-1")
    assert parse(junk, "junk").findings
    assert errors(parse("connections {\n" + "a {" * 1_000_000, "deep"))


# ====================================================== what a case cannot say
def case_input(name: str) -> str:
    return str(yaml.safe_load((HERE / "cases" / f"{name}.yaml").read_text(encoding="utf-8"))["input"])


def test_corpus_configs_score_high() -> None:
    """Every strongSwan corpus config (not the secrets file alone) is detected with confidence."""
    corpus_text("x.conf") if not CORPUS.is_dir() else None
    for p in sorted(CORPUS.iterdir()):
        if p.is_file() and not p.name.endswith(".secrets"):
            assert detect_score(VENDOR, p.read_text())[0] >= 0.6, p.name


def test_proposal_raw_text() -> None:
    """Proposal.raw (the case format compares canonical values only): the text as
    written for one combination, the combination's own tokens for several (the
    built-in proposals too, expanded like a configured list)."""
    dev = parse(case_input("ike-proposal-keywords"))
    assert [t.ike_proposals[0].raw for t in dev.tunnels] == [
        "aes-sha-modp1024",
        "aes192-sha2_256-modp1536",
        "aes128gcm16-prfsha384-ecp384",
        "aes256gcm128-prfsha256-modp2048",
        "aes256gcm-prfsha512-ecp521",
        "3des-md5-modp768",
        "aes128gcm8-prfsha256-modp2048",
        "aes128ctr-aesxcbc-curve25519",
    ]
    t = only(parse(case_input("several-proposals-and-default")))
    raws = [p.raw for p in t.ike_proposals]
    assert raws[:3] == ["aes256-sha256-modp2048", "aes128-sha1-modp1024", "aes128-sha256-curve25519"]
    assert raws[-1] == "aes256ccm8-prfsha1-modp2048"
    assert [p.raw for p in t.esp_proposals] == ["aes128gcm16-modp2048", "aes256-sha384-ecp256-esn"]
    t = only(parse(case_input("missing-proposals-are-defaults")))
    # charon 5.9.8's own (seen in the lab): curve25519 first, CBC/CTR/Camellia then AEAD for IKE
    assert t.ike_proposals[0] == Proposal("aes128", "sha256", 31, raw="aes128-sha256-curve25519")
    assert len(t.ike_proposals) == (13 * 4 + 19 * 4) * 13  # (encryption x integrity/PRF) x key exchange
    assert [p.raw for p in t.esp_proposals[:4]] == ["aes128gcm16", "aes192gcm16", "aes256gcm16", "aes128-sha256"]
    assert len(t.esp_proposals) == 3 + 3 * 5 and t.extra["esp_pfs"] == [None] * 18
    dev = parse(case_input("missing-proposals-are-defaults"))
    assert sum(f.rule == "DEFAULT" and f.severity == "warning" for f in dev.findings) == 2
    t = only(parse(case_input("several-algorithms-per-kind-ikev2")))
    assert [p.raw for p in t.ike_proposals[:3]] == [
        "aes256-sha384-ecp384",
        "aes256-sha384-modp2048",
        "aes256-sha256-ecp384",
    ]
    assert [p.raw for p in t.esp_proposals] == [
        "aes256-sha384-ecp384",
        "aes256-sha384-modp2048",
        "aes256-sha256-ecp384",
        "aes256-sha256-modp2048",
        "aes128-sha384-ecp384",
        "aes128-sha384-modp2048",
        "aes128-sha256-ecp384",
        "aes128-sha256-modp2048",
    ]
    assert t.extra["esp_pfs"] == [20, 14] * 4


def test_ignored_lines_exactly() -> None:
    dev = parse(case_input("ignored-lines"))
    assert {f.line for f in dev.findings if f.rule == "IGNORED"} == {6, 7, 18, 19}


def test_address_findings_lines_exactly() -> None:
    dev = parse(case_input("addresses-any-and-host-names"))
    rules = {"UNSUPPORTED", "MISSING", "IGNORED", "BACKUP-PEER"}
    lines = {f.line for f in dev.findings if f.rule in rules and "address" in f.message}
    assert lines == {4, 5}  # local_addrs, remote_addrs


def test_aead_ike_proposal_without_prf() -> None:
    """An AEAD IKE proposal that names an integrity algorithm instead of a PRF
    keeps it as the model's IKE integrity (the PRF is derived from it)."""
    text = case_input("esp-aead-modp8192").replace("aes256-sha256-modp2048", "aes256gcm16-sha384-ecp384")
    t = only(parse(text))
    assert t.ike_proposals == [Proposal("aes256gcm", "sha384", 20, "aes256gcm16-sha384-ecp384")]


def test_pfs_unknown_is_not_carried_as_none() -> None:
    """A PFS group the model holds is read as its number (modp8192: 18); one it
    does not hold (ecp224bp: 27) leaves PFS unknown, never None, its number kept."""
    dev = parse(case_input("esp-aead-modp8192"))
    assert only(dev).pfs == 18 and not errors(dev)
    t = only(parse(case_input("esp-aead-modp8192").replace("modp8192", "ecp224bp")))
    assert t.pfs is None and t.pfs_unknown and t.extra["pfs_group"] == 27 and t.extra["esp_pfs"] == [27]


def test_shared_ipsecconf_reader_takes_another_grammar() -> None:
    """vpnconf.parsing.ipsecconf is parameterised, not strongSwan's: with a
    grammar that lets a secrets entry go on over indented lines and knows a
    PPKS type (Libreswan's ipsec.secrets), the corpus example reads without a
    SYNTAX note; with strongSwan's grammar the same lines are SYNTAX findings."""
    from vpnconf.parsing import ipsecconf

    path = CORPUS.parent / "libreswan" / "configs-ipsec.secrets.example"
    if not path.is_file():
        corpus_text("x")
    text = path.read_text(encoding="utf-8").replace("\t", " ")
    other = ipsecconf.compile_grammar(
        {"ipsec_secrets": {"types": ["PSK", "PPKS", "XAUTH", "RSA"], "continuation": True}}
    )
    doc = ipsecconf.read(text, other)
    assert not [n for n in doc.notes if n[0] == "SYNTAX"], doc.notes
    assert [s.ids for s in doc.secrets][-1] == ["www.xs4all.nl", "@www.kremvax.ru", "10.6.0.1", "10.7.0.1", "1.8.0.1"]
    assert doc.secrets[0].ids == ["10.1.0.1", "10.2.0.1"]
    assert doc.secrets[1].ids == ["10::1:0:1", "10::2:0:1"]  # quoted selectors lose their quotes
    mine = ipsecconf.read(text, VENDOR)
    assert [n[1] for n in mine.notes if n[0] == "SYNTAX"] == [15, 19]


# ======================================================== issue #15 fields
# ParsedTunnel fields the case format cannot compare (CertAuth, AH proposals,
# additional key exchanges): read here from the cases' own inputs.
def test_certificate_names_are_read() -> None:
    site, wild = parse(case_input("certificates-swanctl")).tunnels
    assert site.cert is not None and wild.cert is not None
    assert site.cert.local_certs == ["gw1Cert.pem"] and site.cert.remote_certs == []
    assert site.cert.cacerts == ["exampleCA.pem", "otherCA.pem"]
    assert site.cert.groups == ["vpn-gateways"] and site.cert.cert_policy == ["1.3.6.1.4.1.36906.1"]
    assert wild.cert.remote_certs == ["peerCert.pem"] and wild.cert.cacerts == []
    conf = only(parse(case_input("certificates-ipsec-conf")))
    assert conf.cert is not None and conf.cert.local_certs == ["gw1Cert.pem"]
    assert conf.cert.cacerts == ["C=CH, O=Example Org, CN=Example Root CA"]
    # a pre-shared key tunnel names no certificate
    assert only(parse(case_input("esp-aead-modp8192"))).cert is None


def test_ah_proposals_are_read() -> None:
    t = only(parse(case_input("ah-proposals")))
    assert [(p.encryption, p.integrity) for p in t.ah_proposals] == [(None, "sha256"), (None, "sha384")]
    assert t.esp_proposals == []
    conf = only(parse(case_input("ipsec-conf-ah")))
    assert [(p.integrity, p.raw) for p in conf.ah_proposals] == [("sha256", "sha256-ecp256")]
    assert conf.pfs == 19 and conf.esp_proposals == []
    # without AH, ah_proposals stays empty
    assert only(parse(case_input("esp-aead-modp8192"))).ah_proposals == []


def test_additional_key_exchanges() -> None:
    t = only(parse(case_input("additional-key-exchanges")))
    assert [p.additional_ke for p in t.ike_proposals] == [("ke1_mlkem768", "ke2_none"), ("ke1_mlkem1024", "ke2_none")]
    assert [p.additional_ke for p in t.esp_proposals] == [("ke1_mlkem768",)]
    # an unknown algorithm after keN_ is a finding, the slot is still kept as written
    dev = parse(case_input("additional-key-exchanges").replace("ke1_mlkem1024", "ke1_nosuchkem"))
    assert any(f.rule == "UNSUPPORTED" and "ke1_nosuchkem" in f.message for f in dev.findings)
    assert only(dev).ike_proposals[1].additional_ke == ("ke1_nosuchkem", "ke2_none")


def test_strongswan_conf_as_a_second_file(tmp_path: Path) -> None:
    """swanctl.conf and strongswan.conf given as two files of one device
    (vpnconf.sources): the options reach the tunnel, a finding about
    strongswan.conf names that file and its own line."""
    from vpnconf.sources import parse_device, read_device

    text = case_input("strongswan-conf-options")
    cut = text.index("# strongswan.conf")
    (tmp_path / "swanctl.conf").write_text(text[:cut])
    (tmp_path / "strongswan.conf").write_text(text[cut:])
    inp = read_device([str(tmp_path / "swanctl.conf"), str(tmp_path / "strongswan.conf")])
    dev = parse_device(inp, VENDOR)
    t = only(dev)
    assert t.extra["daemon_options"]["charon.initiator_only"] is True
    threads = [f for f in dev.findings if "charon.threads" in f.message]
    assert [(Path(f.file or "").name, f.line) for f in threads] == [("strongswan.conf", 7)]
    # the swanctl.conf alone: one note that the daemon options were not read, none in extra
    alone = parse(text[:cut])
    assert "daemon_options" not in only(alone).extra
    assert sum(f.rule == "DEFAULT" and "no strongswan.conf given" in f.message for f in alone.findings) == 1


MIXED_PFS = """connections {
  cloud {
    local_addrs = 203.0.113.5
    remote_addrs = 198.51.100.7
    version = 2
    proposals = aes256-sha256-modp2048
    local { auth = psk
      id = 203.0.113.5 }
    remote { auth = psk
      id = 198.51.100.7 }
    children {
      net {
        local_ts = 10.1.0.0/16
        remote_ts = 192.168.0.0/16
        esp_proposals = aes256-sha256-modp2048,aes128-sha1-ecp256,aes128gcm16,aes256-sha256-modp2048
      }
    }
  }
}
secrets { ike-1 { id-1 = 198.51.100.7
    secret = Mixed-Pfs-Key-1 } }
"""


def test_a_pfs_group_per_esp_proposal_is_carried_per_proposal():
    """Each ESP proposal's own group reaches the model's proposal (EspProposal.pfs)
    instead of the tunnel being refused as "PFS unknown"; rendered again and
    read back, the groups come back in order."""
    from vpnconf.parsing import to_site_data

    dev = parse_text(MIXED_PFS, "mixed.conf", VENDOR)
    data, losses = to_site_data(dev)
    assert not [f for f in losses if f.severity == "error"], losses
    ipsec = data["tunnels"][0]["ipsec"]
    assert [(p["encryption"], p["pfs"]) for p in ipsec["proposals"]] == [
        ("aes256", 14),
        ("aes128", 19),
        ("aes128gcm", "none"),
    ]  # the repeated fourth adds nothing to a negotiation: once
    site, findings = site_from_data(data, "mixed.conf", profile=None)
    assert site is not None, findings
    text = join_files(render_files(site, site.tunnels[0], VENDOR))
    again, _ = to_site_data(parse_text(text, "again.conf", VENDOR))
    assert [(p["encryption"], p["pfs"]) for p in again["tunnels"][0]["ipsec"]["proposals"]] == [
        (p["encryption"], p["pfs"]) for p in ipsec["proposals"]
    ]


def test_default_ike_proposals_are_held_once_for_every_connection():
    """Connections without `proposals` take charon's defaults (hundreds of
    combinations): the device holds them once and each tunnel names them."""
    conns = "".join(
        f"""  c{i} {{
    local_addrs = 203.0.113.5
    remote_addrs = 198.51.100.{i + 1}
    version = 2
    local {{ auth = psk }}
    remote {{ auth = psk }}
    children {{ net {{ local_ts = 10.{i}.0.0/16
      remote_ts = 192.168.{i}.0/24
      esp_proposals = aes256-sha256 }} }}
  }}
"""
        for i in range(3)
    )
    dev = parse_text("connections {\n" + conns + "}\n", "defaults.conf", VENDOR)
    assert len(dev.tunnels) == 3
    (name,) = dev.proposal_sets
    shared = dev.proposal_sets[name].proposals
    assert len(shared) > 100  # every combination of charon's default lists
    assert all(t.ike_proposal_set == name and t.ike_proposals is shared for t in dev.tunnels)
    assert all("ike_proposals" not in t.redacted() for t in dev.tunnels)
    assert all(t.defaulted.get("ike_proposals") for t in dev.tunnels)
