"""Cisco ASA parser: what cannot be data (the parse cases are vendors/cisco_asa/cases/*.yaml):
render -> parse round trips, the intermediate reading of the corpus (per-policy values),
corpus files read together, detection against other vendors' files, generated flush-left
pastes, and generated inputs that must never make the parser raise or grow without bound."""

from __future__ import annotations

import copy
import os
import random
import time
from pathlib import Path

import pytest
import yaml

from conftest import SHARED, site_with as make_site
from vpnconf.model import Site
from vpnconf.parsing import DETECT_THRESHOLD, Ident, detect_score, parse_text, parser_module, to_site_data
from vpnconf.parsing.vocabulary import CAP, RULES
from vpnconf.renderer import render_files

_mod = parser_module("cisco_asa")
parse, parse_config = _mod.parse, _mod.parse_config


def detect(text: str) -> tuple[float, str]:
    return detect_score("cisco_asa", text)


CORPUS = SHARED / "corpus"
ASA_CORPUS = CORPUS / "cisco_asa"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
KEY = "N0t-So-Secret!Key"


# ----------------------------------------------------------------- helpers
def render(site: Site, tunnel: str = "TomVPNConn", software: str = "9.8") -> str:
    return render_files(site, tunnel, "cisco_asa", software=software)["config.txt"]


def errors(dev):
    return [f.text() for f in dev.findings if f.severity == "error"]


def roundtrip(site: Site, software: str = "9.8", tunnel: str = "TomVPNConn"):
    text = render(site, tunnel, software)
    dev = parse(text, "asa.txt")
    assert errors(dev) == []
    assert len(dev.tunnels) == 1, [t.name for t in dev.tunnels]
    data, losses = to_site_data(dev)
    back = Site.model_validate(data)
    return site.tunnel(tunnel), back.tunnels[0], dev, losses


def same_but_gateway_names(orig, back, *, skip=()):
    a = orig.model_dump(mode="json")
    b = back.model_dump(mode="json")
    for d in (a, b):
        d.pop("vpn_gateway")
        d.pop("customer_gateway")
    for path in skip:  # "ike.local_id": an honest exception, asserted by the caller
        section, key = path.split(".")
        a[section].pop(key)
        b[section].pop(key)
    assert a == b
    assert orig.psk() == back.psk()


def rich(d, version=2):
    """IKEv2 sha256, PFS 14, 3 SPD policies with several peers, FQDN ids, DPD 45 s."""
    t = d["tunnels"][0]
    t["ike"].update(
        version=version,
        encryption="aes256",
        integrity="sha256" if version == 2 else "sha1",
        dh_group=14,
        local_id={"type": "fqdn", "value": "vpngw.cloud.example.com"},
        peer_id={"type": "fqdn", "value": "idc-gw.example.com"},
    )
    t["ipsec"].update(
        encryption="aes256",
        integrity="sha256" if version == 2 else "sha1",
        pfs=14,
        lifetime_seconds=7200,
        lifetime_kb=4608000,
    )
    t["dpd"] = {"enabled": True, "timeout_seconds": 45, "action": "restart"}
    t["pre_shared_key"] = KEY
    t["spd"] = [
        {"local": "192.168.1.0/24", "peers": ["10.0.1.0/24", "10.0.2.0/24"]},
        {"local": "192.168.2.0/24", "peers": ["10.0.3.0/24", "10.0.4.0/25", "172.16.0.0/16"]},
        {"local": "192.168.3.0/26", "peers": ["10.0.5.0/24", "10.0.6.0/24"]},
    ]


# -------------------------------------------------------------- round trip
def test_roundtrip_quickstart():
    orig, back, dev, losses = roundtrip(make_site())
    same_but_gateway_names(orig, back)
    t = dev.tunnels[0]
    assert t.name == "TomVPNConn"  # read back from ACL-/TS- names
    assert (t.variant, t.ike_version, t.peer_address, t.psk_state) == ("crypto-map", 1, "203.195.147.82", "clear")
    assert t.selectors == [("10.0.1.0/24", "192.168.1.0/24")]
    assert t.extra["keepalive"] == "disable"
    # the rendered crypto map is bound to "outside", whose address the snippet does not hold
    assert t.local_address is None
    assert any(f.rule == "NOT-CARRIED" and "placeholder" in f.message for f in losses)


def test_roundtrip_ikev2_sha256_pfs14_three_spd_policies_dpd45_fqdn():
    site = make_site(rich)
    orig, back, dev, _ = roundtrip(site)
    # Honest exception: the cloud's own identity (ike.local_id, FQDN here) has no place in
    # an ASA PSK config (the tunnel-group is looked up by peer address), so it comes back
    # as the address identity.
    same_but_gateway_names(orig, back, skip=("ike.local_id",))
    assert back.ike.local_id.model_dump() == {"type": "address", "value": None}
    t = dev.tunnels[0]
    assert t.local_id == Ident("fqdn", "idc-gw.example.com")  # hostname + domain-name + identity hostname
    assert t.dpd_enabled and t.dpd_timeout == 45 and t.extra["keepalive"] == {"threshold": 15, "retry": 2}
    assert t.pfs == 14 and t.ike_lifetime == 86400
    assert len(t.selectors) == 7
    # IKEv2 PRF: "prf sha256 sha" is not an extra proposal for a non-AEAD policy
    assert [(p.encryption, p.integrity, p.dh_group) for p in t.ike_proposals] == [("aes256", "sha256", 14)]


def test_roundtrip_ikev1_rich_with_fqdn_local_id():
    orig, back, dev, _ = roundtrip(make_site(lambda d: rich(d, version=1)))
    same_but_gateway_names(orig, back, skip=("ike.local_id",))
    assert dev.tunnels[0].ike_version == 1


def test_roundtrip_ikev1_aggressive():
    def m(d):
        t = d["tunnels"][0]
        t["ike"].update(mode="aggressive", encryption="aes256", integrity="sha1", dh_group=5, lifetime_seconds=28800)
        t["ipsec"].update(encryption="3des", integrity="md5", pfs=2, lifetime_seconds=1800, lifetime_kb=102400)

    orig, back, dev, _ = roundtrip(make_site(m))
    same_but_gateway_names(orig, back)
    assert dev.tunnels[0].mode == "aggressive"


def test_roundtrip_aes256gcm_on_ikev2():
    def m(d):
        t = d["tunnels"][0]
        t["ike"].update(version=2, encryption="aes256gcm", integrity="sha256", dh_group=19)
        t["ipsec"].update(encryption="aes256gcm", integrity="sha1", pfs=19)

    orig, back, dev, losses = roundtrip(make_site(m), software="9.14")
    same_but_gateway_names(orig, back)
    t = dev.tunnels[0]
    # "integrity null" + "prf sha256": the PRF is the model's integrity, and nothing
    # else is offered (no PRF the tunnel did not ask for)
    assert [(p.encryption, p.integrity, p.dh_group) for p in t.ike_proposals] == [("aes256gcm", "sha256", 19)]
    assert [(p.encryption, p.integrity) for p in t.esp_proposals] == [("aes256gcm", None)]
    assert not [f.text() for f in losses if "proposal" in f.message]


def test_roundtrip_gcm_esp_integrity_other_than_sha1_is_an_honest_loss():
    # The template writes "protocol esp integrity null" for AES-GCM: whatever ESP
    # integrity the model held cannot come back (the model's own default fills the field).
    def m(d):
        t = d["tunnels"][0]
        t["ike"].update(version=2, encryption="aes256", integrity="sha256")
        t["ipsec"].update(encryption="aes128gcm", integrity="sha256")

    orig, back, dev, _ = roundtrip(make_site(m))
    assert back.ipsec.integrity.value == "sha1" != orig.ipsec.integrity.value
    assert [(p.encryption, p.integrity) for p in dev.tunnels[0].esp_proposals] == [("aes128gcm", None)]
    data, _ = to_site_data(dev)
    assert "integrity" not in data["tunnels"][0]["ipsec"]  # AEAD ESP carries no integrity into the model


def test_dpd_action_is_not_in_the_asa_config():
    # ASA keepalives have no action: "clear" comes back as the model's default "restart".
    def m(d):
        d["tunnels"][0]["dpd"] = {"enabled": True, "timeout_seconds": 30, "action": "clear"}

    _, back, dev, _ = roundtrip(make_site(m))
    assert back.dpd.timeout_seconds == 30 and back.dpd.enabled
    assert dev.tunnels[0].dpd_action is None and back.dpd.action.value == "restart"


def test_two_tunnels_in_one_config_and_local_address_from_interface():
    def m(d):
        d["vpn_gateways"].append({"name": "Gw2", "public_ip": "203.195.147.90"})
        t2 = copy.deepcopy(d["tunnels"][0])
        t2.update(name="Second", vpn_gateway="Gw2", spd=[{"local": "192.168.9.0/24", "peers": ["10.9.0.0/16"]}])
        t2["ipsec"] = dict(t2["ipsec"], encryption="aes256")
        t2["ike"] = dict(t2["ike"], dh_group=5)  # another policy (identical policies are one offer)
        d["tunnels"].append(t2)

    site = make_site(m)
    iface = "interface GigabitEthernet0/0\n nameif outside\n security-level 0\n ip address 202.108.22.5 255.255.255.0\n"
    text = iface + render(site, "TomVPNConn") + render(site, "Second")
    dev = parse(text, "two.txt")
    assert errors(dev) == []
    assert [(t.name, t.peer_address, t.extra["sequence"]) for t in dev.tunnels] == [
        ("TomVPNConn", "203.195.147.82", 10),
        ("Second", "203.195.147.90", 20),
    ]
    first, second = dev.tunnels
    assert second.selectors == [("10.9.0.0/16", "192.168.9.0/24")]
    assert [p.encryption for p in second.esp_proposals] == ["aes256"]
    # ASA IKE policies are global: both entries offer policies 10 and 20 in priority order
    assert [p.raw.split(":")[0] for p in second.ike_proposals] == ["ikev1 policy 10", "ikev1 policy 20"]
    assert first.local_address == second.local_address == "202.108.22.5"
    assert first.local_id == Ident("address", "202.108.22.5")
    data, _ = to_site_data(dev)
    assert [g["public_ip"] for g in data["customer_gateways"]] == ["202.108.22.5"]


# ------------------------------------------------------------------ corpus
def _corpus_files() -> list[Path]:
    if not ASA_CORPUS.is_dir():
        if IN_CI:
            pytest.fail(f"corpus missing in CI: {ASA_CORPUS}")
        pytest.skip(f"shared corpus not found at {ASA_CORPUS} (CI unset)")
    return sorted(ASA_CORPUS.glob("*.txt"))


def _read(name: str):
    files = {p.name: p for p in _corpus_files()}
    assert name in files, sorted(files)
    text = files[name].read_text()
    cfg, dev = parse_config(text, name)
    assert errors(dev) == [], errors(dev)
    return text, cfg, dev


def test_corpus_ikev1_policies():
    # Read by hand: 12 policies, priorities 5..60 step 5, all pre-share and lifetime 86400.
    _, cfg, dev = _read("show-run-crypto-ikev1.txt")
    expect = [
        (5, "aes-256", "sha", "5"),
        (10, "3des", "md5", "2"),
        (15, "3des", "sha", "2"),
        (20, "3des", "md5", "5"),
        (25, "3des", "sha", "5"),
        (30, "aes-192", "md5", "2"),
        (35, "aes-192", "sha", "2"),
        (40, "aes-192", "md5", "5"),
        (45, "aes-192", "sha", "5"),
        (50, "aes-256", "md5", "2"),
        (55, "aes-256", "sha", "2"),
        (60, "aes-256", "md5", "5"),
    ]
    pols = cfg.ike_policies[1]
    assert [(p.priority, p.encryption[0], p.integrity[0], p.groups[0]) for p in pols] == expect
    assert {p.authentication for p in pols} == {"pre-share"}
    assert {p.lifetime for p in pols} == {86400}
    assert all(p.defaults == {} for p in pols)  # every line is written, nothing filled
    assert pols[0].line == 1 and pols[-1].line == 67
    assert cfg.ike_policies[2] == []
    assert dev.tunnels == []  # no crypto map in this fragment
    assert any(f.rule == "NO-TUNNEL" for f in dev.findings)


def test_corpus_tunnel_groups():
    # Read by hand: tun01 is remote-access (skipped); 10.15.20.25 and 10.20.30.40 are
    # ipsec-l2l with a masked ikev1 key and no keepalive line (the tunnels: cases/corpus-tunnel-groups.yaml).
    _, cfg, dev = _read("show-run-tunnel-group.txt")
    assert cfg.tunnel_groups["tun01"].type == "remote-access"
    for name, line in (("10.15.20.25", 62), ("10.20.30.40", 65)):
        tg = cfg.tunnel_groups[name]
        assert (tg.type, tg.line, tg.psk1, tg.keepalive) == ("ipsec-l2l", line, ("*****", line + 2), None)
    # nothing from tun01's attribute blocks is reported line by line (a case cannot say "no finding on lines")
    assert not [f for f in dev.findings if f.line and 2 <= f.line <= 61]


def test_corpus_files_together_give_every_entry_all_ikev1_policies():
    _corpus_files()  # skip / fail when the corpus is missing
    texts = [
        (ASA_CORPUS / n).read_text()
        for n in ("show-run-crypto-ikev1.txt", "show-run-crypto-map.txt", "show-run-tunnel-group.txt")
    ]
    dev = parse("\n".join(texts), "all.txt")
    assert errors(dev) == []
    t20 = dev.tunnels[0]
    assert len(t20.ike_proposals) == 12
    assert (t20.ike_proposals[0].encryption, t20.ike_proposals[0].integrity, t20.ike_proposals[0].dh_group) == (
        "aes256",
        "sha1",
        5,
    )
    assert (t20.ike_proposals[1].encryption, t20.ike_proposals[1].integrity, t20.ike_proposals[1].dh_group) == (
        "3des",
        "md5",
        2,
    )
    assert t20.ike_lifetime == 86400


def test_parsed_tunnels_hide_keys_when_shown():
    """ParsedTunnel.redacted() of the keys in cases/hand-written-mixed.yaml (the case itself
    checks the finding messages)."""
    case = yaml.safe_load((Path(__file__).parents[1] / "cases" / "hand-written-mixed.yaml").read_text())
    dev = parse_text(case["input"], "c.txt", "cisco_asa")
    assert dev.tunnels[0].psk == "SuperSecretOne"
    shown = repr([t.redacted() for t in dev.tunnels])
    for secret in ("SuperSecret", "SOMEENCRYPTEDVALUE"):
        assert secret not in shown


def test_name_prefixes_must_agree():
    site = make_site()
    text = render(site).replace("TS-TomVPNConn", "MY-SET")
    assert parse(text, "c").tunnels[0].name == "CMAP-OUTSIDE-10"


# --------------------------------------------------------------- detection
def test_detect():
    # vendor.yaml detect: patterns; the rendered output and the corpus are also checked by
    # tests/test_conformance.py and the cases (detect: true)
    assert detect(render(make_site()))[0] >= 0.9
    assert detect(render(make_site(rich)))[0] >= 0.9
    assert detect("")[0] == 0
    for other in ("strongswan", "juniper_junos", "cisco_ios"):
        for p in sorted((CORPUS / other).glob("*")) if (CORPUS / other).is_dir() else []:
            assert detect(p.read_text(errors="replace"))[0] < DETECT_THRESHOLD, p


# ------------------------------------------------------ flush-left pastes
@pytest.mark.parametrize("version", [1, 2])
def test_flush_left_paste_reads_like_the_indented_config(version):
    """Every rendered config, pasted with its indentation lost, reads to the same tunnel,
    with one REINDENTED finding per block that had sub-commands."""
    text = render(make_site(lambda d: rich(d, version)))
    flat = "\n".join(line.lstrip(" ") for line in text.split("\n"))
    assert flat != text
    want, got = parse(text, "indented"), parse(flat, "flat")
    assert not [f for f in want.findings if f.rule == "REINDENTED"]
    assert [t.redacted(show_secrets=True) for t in got.tunnels] == [t.redacted(show_secrets=True) for t in want.tunnels]
    blocks = [line for line in text.split("\n") if line and not line.startswith((" ", "!"))]
    with_children = [
        b
        for i, b in enumerate(text.split("\n"))
        if b in blocks and text.split("\n")[i + 1 : i + 2] != [] and text.split("\n")[i + 1].startswith(" ")
    ]
    reindented = [f for f in got.findings if f.rule == "REINDENTED"]
    assert len(reindented) == len(with_children) > 0
    assert {f.rule for f in got.findings} - {f.rule for f in want.findings} == {"REINDENTED"}


# ---------------------------------------------------------------- bad input
def _no_raise(text: str):
    dev = parse(text, "bad")  # the parser itself, not parse_text (which would turn a bug into INTERNAL)
    assert dev.vendor == "cisco_asa"
    assert not dev.unknown_rules(), dev.unknown_rules()
    detect(text)
    return dev


def test_bad_input_never_raises():
    assert _no_raise("").tunnels == []
    _no_raise("\n\n   \n")
    rnd = random.Random(7)
    binary = bytes(rnd.randrange(256) for _ in range(20000))
    _no_raise(binary.decode("latin-1"))
    _no_raise(binary.decode("utf-8", errors="replace"))
    _no_raise("\x00" * 1000 + "crypto map\x00 M 10 set peer\x00")
    # truncated at many points of a rich rendered config
    full = render(make_site(rich))
    for cut in range(0, len(full), 53):
        _no_raise(full[:cut])
    # shuffled lines and lines cut in their middle
    lines = full.splitlines()
    for _ in range(30):
        rnd.shuffle(lines)
        _no_raise("\n".join(ln[: rnd.randrange(len(ln) + 1)] for ln in lines))
    # every token position as the last one
    for ln in full.splitlines():
        if ln.startswith(("crypto", "tunnel", "access-list", " ")):
            words = ln.split(" ")
            for i in range(1, len(words)):
                _no_raise(" ".join(words[:i]))


def test_wrong_vendor_inputs():
    for other in ("strongswan", "juniper_junos", "cisco_ios"):
        d = CORPUS / other
        if not d.is_dir():
            continue
        for p in sorted(d.glob("*")):
            dev = _no_raise(p.read_text(errors="replace"))
            assert errors(dev) == [] or other == "cisco_ios", (p, errors(dev))


def test_five_megabytes():
    chunk = render(make_site(rich)) + "logging host inside 10.0.0.1\n" * 50 + "x" * 500 + "\n"
    text = (chunk * (5_000_000 // len(chunk) + 1))[:5_000_000]
    start = time.perf_counter()
    dev = _no_raise(text)
    assert time.perf_counter() - start < 20
    assert dev.tunnels  # the same entry repeated: one crypto map entry


def _bounded(text: str, limit_s: float = 60.0):
    start = time.perf_counter()
    dev = _no_raise(text)
    assert time.perf_counter() - start < limit_s  # linear, not quadratic, in the input
    assert len(dev.findings) <= (CAP + 1) * len(RULES)  # ParsedDevice.note caps every rule
    return dev


def test_hostile_shapes_stay_bounded():
    mb5 = 5_000_000
    # one 5 MB line
    dev = _bounded(("crypto map M 10 set peer " + "192.0.2.1 " * (mb5 // 10))[:mb5])
    assert dev.tunnels[0].peer_address == "192.0.2.1"
    # an IKEv2 policy with a 5 MB encryption list
    _bounded("crypto ikev2 policy 1\n encryption " + "aes-256 aes des " * (mb5 // 16))
    # many policies times many entries: proposals per tunnel are capped
    pols = "".join(
        f"crypto ikev2 policy {i}\n encryption aes-256 aes\n integrity sha256 sha\n group 14 19\n"
        for i in range(1, 400)
    )
    ents = "".join(
        f"crypto map M {i} set peer 192.0.2.1\ncrypto map M {i} set ikev2 ipsec-proposal P\n" for i in range(2000)
    )
    dev = _bounded(pols + ents)
    # 399 policies with the same 2x2x2 algorithms: 8 distinct offers (the same offer twice is one)
    assert len(dev.tunnels) == 2000 and {len(t.ike_proposals) for t in dev.tunnels} == {8}
    # 400 distinct proposals in policies: capped
    wide = "".join(
        f"crypto ikev2 policy {i}\n encryption aes-256 aes aes-192 aes-gcm aes-gcm-256 3des des aes-gcm-192\n"
        f" integrity sha256 sha sha384 sha512 md5\n group {g}\n"
        for i, g in enumerate((1, 2, 5, 14, 19, 20, 21, 24, 15, 16), 1)
    )
    dev = _bounded(wide + ents)
    assert len(dev.tunnels) == 2000 and {len(t.ike_proposals) for t in dev.tunnels} == {256}
    # an object-group product: selector pairs are capped
    g = "".join(
        f"object-group network G{n}\n"
        + "".join(f" network-object host 10.{n}.{i // 256}.{i % 256}\n" for i in range(3000))
        for n in (1, 2)
    )
    dev = _bounded(
        g + "access-list A extended permit ip object-group G1 object-group G2\ncrypto map M 1 match address A\n"
    )
    assert len(dev.tunnels[0].selectors) == 4096
    # a 20,000-deep object-group chain (deeper than the recursion limit)
    chain = "".join(f"object-group network N{i}\n group-object N{i + 1}\n" for i in range(20_000))
    dev = _bounded(chain + "access-list A extended permit ip object-group N0 any\ncrypto map M 1 match address A\n")
    assert dev.tunnels[0].selectors == []
    # a tunnel-group block of unknown lines: findings are capped
    dev = _bounded(
        "tunnel-group 192.0.2.1 type ipsec-l2l\ntunnel-group 192.0.2.1 ipsec-attributes\n" + " x y\n" * 200_000
    )
    assert [f.rule for f in dev.findings].count("IGNORED") == CAP
    assert any(f.rule == "TRUNCATED" and "IGNORED" in f.message for f in dev.findings)


def test_autodetect_picks_this_parser():
    texts = [render(make_site()), render(make_site(rich))]
    if ASA_CORPUS.is_dir():
        texts += [p.read_text() for p in sorted(ASA_CORPUS.glob("*.txt"))]
    for text in texts:
        assert parse_text(text, "x").vendor == "cisco_asa"
