"""FortiOS parser: what cannot be data. Round trips through our own templates
(both variants), what the parse cases (vendors/fortinet_fortios/cases/*.yaml)
become in the site model, counts a case cannot state, detection scores, the
word splitter of the shared builder, and hostile, generated and huge input.

The hand-written configs live in the cases; there is no FortiOS file in the
shared corpus."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
import yaml

from conftest import QUICKSTART, SHARED
from vpnconf.model import Site
from vpnconf.parsing import DETECT_THRESHOLD, ParsedDevice, detect_score, parse_text, parser_module, to_site_data
from vpnconf.parsing.blocks import split_words
from vpnconf.renderer import render_files

parse = parser_module("fortinet_fortios").parse
CASES = Path(__file__).resolve().parents[1] / "cases"


def detect(text: str) -> tuple[float, str]:
    return detect_score("fortinet_fortios", text)


def case_text(name: str) -> str:
    """The input of one parse case (cases/<name>.yaml)."""
    return str(yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))["input"])


VARIANTS = ["interface", "policy"]


# ------------------------------------------------------------------ helpers
def _base() -> dict:
    return yaml.safe_load(QUICKSTART.read_text())


def _site(**tunnel_changes) -> Site:
    d = _base()
    t = d["tunnels"][0]
    for k, v in tunnel_changes.items():
        if isinstance(v, dict) and isinstance(t.get(k), dict):
            t[k] = {**t[k], **v}
        else:
            t[k] = v
    d["customer_gateways"][0].pop("vendor", None)
    return Site.model_validate(d)


def _rules(dev: ParsedDevice, rule: str) -> list:
    return [f for f in dev.findings if f.rule == rule]


def _roundtrip(site: Site, variant: str, extra: str = "") -> tuple[ParsedDevice, Site, list]:
    name = site.tunnels[0].name
    text = render_files(site, name, "fortinet_fortios", variant=variant)["config.txt"] + extra
    dev = parse(text, "rendered.conf")
    assert not [f for f in dev.findings if f.severity == "error"], [f.text() for f in dev.findings]
    assert [t.name for t in dev.tunnels] == [name]
    assert dev.tunnels[0].variant == variant
    data, losses = to_site_data(dev)
    return dev, Site.model_validate(data), losses


def _tunnel_view(site: Site) -> dict:
    """The first tunnel without the gateway names (the parser names gateways after
    their addresses), with the key in clear."""
    t = site.tunnels[0]
    d = t.model_dump(mode="json")
    d.pop("vpn_gateway")
    d.pop("customer_gateway")
    d["pre_shared_key"] = t.psk()
    return d


def _gateways(site: Site) -> tuple[str, str]:
    t = site.tunnels[0]
    return str(site.vpn_gateway(t.vpn_gateway).public_ip), str(site.customer_gateway(t.customer_gateway).public_ip)


WAN1 = """
config system interface
    edit "wan1"
        set vdom "root"
        set ip 202.108.22.5 255.255.255.0
        set allowaccess ping https
        set type physical
    next
end
"""

IKEV2_SPD = [
    {"local": "192.168.1.0/24", "peers": ["10.0.1.0/24", "10.0.2.0/24"]},
    {"local": "192.168.2.0/24", "peers": ["10.0.1.0/24"]},
    {"local": "192.168.3.0/24", "peers": ["10.0.3.0/24", "10.0.4.0/26", "172.16.0.0/16"]},
]


# --------------------------------------------------------------- round trips
@pytest.mark.parametrize("variant", VARIANTS)
def test_roundtrip_quickstart(variant):
    site = _site()
    dev, back, losses = _roundtrip(site, variant)
    assert _tunnel_view(back) == _tunnel_view(site)
    # the customer gateway's address comes back from `localid-type address`
    assert _gateways(back) == _gateways(site)
    assert not [f for f in losses if f.severity != "info"], [f.text() for f in losses]
    t = dev.tunnels[0]
    assert t.psk_state == "clear"
    assert t.extra["firewall_policies"]  # the rendered policies use the tunnel


@pytest.mark.parametrize("variant", VARIANTS)
def test_roundtrip_ikev2_sha256_pfs14_fqdn_three_policies(variant):
    site = _site(
        name="tc-ikev2-fqdn",
        spd=IKEV2_SPD,
        ike={
            "version": 2,
            "encryption": "aes256",
            "integrity": "sha256",
            "dh_group": 14,
            "lifetime_seconds": 28800,
            "local_id": {"type": "fqdn", "value": "vpngw.cloud.example.com"},
            "peer_id": {"type": "fqdn", "value": "idc-gw.example.net"},
        },
        ipsec={"encryption": "aes256", "integrity": "sha256", "pfs": 14, "lifetime_seconds": 3600},
    )
    dev, back, _ = _roundtrip(site, variant, WAN1)
    t = dev.tunnels[0]
    assert len(t.selectors) == 6
    assert t.ike_version == 2 and t.pfs == 14
    assert t.local_id is not None and (t.local_id.type, t.local_id.value) == ("fqdn", "idc-gw.example.net")
    expected = _tunnel_view(site)
    # Honest exception: outside aggressive mode the template writes `peertype any` (FortiOS
    # checks a static PSK peer's ID in aggressive mode only), so the cloud's own ID is not in
    # the device config and comes back as the default (address of the VPN gateway).
    assert t.peer_id is None
    expected["ike"]["local_id"] = {"type": "address", "value": None}
    assert _tunnel_view(back) == expected
    # an FQDN local ID does not give the address: `config system interface` does
    assert _gateways(back) == _gateways(site)
    assert [p.local for p in back.tunnels[0].spd] == [p.local for p in site.tunnels[0].spd]


@pytest.mark.parametrize("variant", VARIANTS)
def test_roundtrip_ikev1_aggressive_fqdn(variant):
    site = _site(
        name="tc-aggr",
        ike={
            "mode": "aggressive",
            "local_id": {"type": "fqdn", "value": "vpngw.cloud.example.com"},
            "peer_id": {"type": "fqdn", "value": "branch.example.org"},
        },
    )
    dev, back, _ = _roundtrip(site, variant, WAN1)
    t = dev.tunnels[0]
    assert t.mode == "aggressive"
    assert t.peer_id is not None and (t.peer_id.type, t.peer_id.value) == ("fqdn", "vpngw.cloud.example.com")
    assert _tunnel_view(back) == _tunnel_view(site)  # both identities are carried in aggressive mode
    assert _gateways(back) == _gateways(site)


@pytest.mark.parametrize("variant", VARIANTS)
def test_roundtrip_aes256gcm_esp(variant):
    # FortiOS's phase2 GCM proposal names no integrity (the parsed proposal holds None).
    site = _site(name="tc-gcm", ipsec={"encryption": "aes256gcm", "integrity": "sha1", "pfs": 2})
    dev, back, _ = _roundtrip(site, variant)
    t = dev.tunnels[0]
    assert [(p.encryption, p.integrity, p.raw) for p in t.esp_proposals] == [("aes256gcm", None, "aes256gcm")]
    assert _tunnel_view(back) == _tunnel_view(site)


@pytest.mark.parametrize("variant", VARIANTS)
def test_roundtrip_dpd_45(variant):
    site = _site(name="tc-dpd", dpd={"enabled": True, "timeout_seconds": 45, "action": "restart"})
    dev, back, _ = _roundtrip(site, variant)
    t = dev.tunnels[0]
    # the template writes retryinterval max(10, 45 // 3) = 15 and retrycount 3
    assert (t.dpd_enabled, t.dpd_timeout, t.extra["dpd_retryinterval"], t.extra["dpd_retrycount"]) == (True, 45, 15, 3)
    assert t.dpd_action is None  # FortiOS has no DPD action keyword; the model's default (restart) applies
    assert _tunnel_view(back) == _tunnel_view(site)


def test_roundtrip_auto_detects_vendor():
    site = _site()
    for variant in VARIANTS:
        text = render_files(site, "TomVPNConn", "fortinet_fortios", variant=variant)["config.txt"]
        dev = parse_text(text, "x.conf")
        assert dev.vendor == "fortinet_fortios"
        assert dev.detected and "phase1" in dev.detected


# --------------------------------------------- the cases in the site model
# (the tunnels and findings of each case are checked by tests/test_conformance.py)
def test_show_interface_encrypted_key_becomes_a_placeholder():
    dev = parse(case_text("show-interface-defaults-and-names"), "hq.conf")
    data, losses = to_site_data(dev)
    Site.model_validate(data)
    # the ENC blob is never taken for the key: the site holds the model's placeholder
    assert dev.tunnels[0].psk is None
    assert [p.raw for p in dev.tunnels[0].esp_proposals] == ["aes256-sha256"]
    assert "kB3xZc2W9mEXAMPLE" not in data["tunnels"][0]["pre_shared_key"]
    assert any("encrypted" in f.message for f in losses)


def test_full_configuration_one_ignored_key_and_the_model():
    dev = parse(case_text("full-configuration-policy-aggressive"), "branch.conf")
    ignored = _rules(dev, "IGNORED")
    assert len(ignored) == 1 and "some-future-knob" in ignored[0].message
    assert [p.raw for p in dev.tunnels[0].ike_proposals] == ["aes128-sha1 dhgrp 14"]
    assert [p.raw for p in dev.tunnels[1].ike_proposals] == ["3des-md5 dhgrp 2"]
    data, losses = to_site_data(dev)
    site = Site.model_validate(data)
    (tun,) = site.tunnels
    assert (tun.ike.mode.value, tun.ike.local_id.value, tun.ike.peer_id.value) == (
        "aggressive",
        "vpngw.tencent.example.com",
        "branch01.example.net",
    )
    assert any("spare" in f.message and "peer address" in f.message for f in losses)


def test_ikev2_gcm_one_disagreeing_phase2_and_the_model():
    dev = parse(case_text("ikev2-gcm-ranges-two-phase2"), "gcm.conf")
    differ = [f for f in _rules(dev, "UNSUPPORTED") if "differ" in f.message]
    assert len(differ) == 1
    data, _ = to_site_data(dev)
    tun = Site.model_validate(data).tunnels[0]
    assert (tun.ike.encryption.value, tun.ike.integrity.value, int(tun.ike.dh_group)) == ("aes256gcm", "sha384", 20)
    assert tun.psk() == "Plain-Key-42"


def test_any_any_one_selectors_finding_and_a_static_route_based_tunnel():
    dev = parse(case_text("any-any-and-unresolved-names"), "route.conf")
    assert len([f for f in _rules(dev, "SELECTORS") if "any/any" in f.message]) == 1
    data, losses = to_site_data(dev)
    (tun,) = Site.model_validate(data).tunnels
    assert (tun.route_type.value, tun.spd, tun.routes, tun.bgp) == ("static", [], [], None)
    assert any("routes stay empty" in f.message for f in losses)


def test_syntax_errors_are_errors_and_unclosed_blocks_warnings():
    dev = parse(case_text("syntax-errors-reading-goes-on"), "broken.conf")
    assert _rules(dev, "SYNTAX") and all(f.severity == "error" for f in _rules(dev, "SYNTAX"))
    assert _rules(dev, "UNCLOSED") and all(f.severity == "warning" for f in _rules(dev, "UNCLOSED"))


def test_no_key_in_findings_nor_in_the_loss_report():
    """The parser itself formats no key (the redactor of parse_text is only the safety net)."""
    text = case_text("no-key-in-any-finding")
    dev = parse(text, "keys.conf")
    _, losses = to_site_data(dev)
    blob = "\n".join(f.text() for f in dev.findings + losses)
    enc_blob = "kB3xZc2W9mEXAMPLEqPl0w7Gv4h8sJ0rTnYd6fQ1uA5iK2oLe9cVbN3xR+Mz/Hj4Wq=="
    for s in ("Sup3r-Secret-Key", "Other-Side-Key", "PpkMaterial77", "Half-Secret", enc_blob):
        assert s not in blob and s.lower() not in blob


def test_certificate_block_is_not_reported():
    dev = parse(case_text("unknown-vpn-blocks-ignored"), "x.conf")
    assert 11 not in {f.line for f in _rules(dev, "IGNORED")}  # certificates are known and carry nothing here


def test_defaults_come_from_vendor_data():
    """Every default the parser fills in is a vendor.yaml `defaults:` row: change the data, the result follows."""
    from vpnconf.catalog import vendors

    data = vendors()["fortinet_fortios"].defaults
    dev = parse(case_text("defaults-recorded-from-vendor-data"), "lean.conf")
    (t,) = dev.tunnels
    assert t.ike_lifetime == int(data["phase1"]["keylife"]["value"])
    assert t.ipsec_lifetime_seconds == int(data["phase2"]["keylifeseconds"]["value"])
    for fld, where in t.defaulted.items():
        assert "vendor.yaml defaults." in where, fld
    explicit = parse(case_text("ikev2-gcm-ranges-two-phase2"), "gcm.conf").tunnels[0]
    assert "ike_version" not in explicit.defaulted and "ike_proposals" not in explicit.defaulted


# --------------------------------------------------------------- detection
def test_detect_scores():
    assert detect(case_text("show-interface-defaults-and-names"))[0] >= 0.9
    assert detect(case_text("full-configuration-policy-aggressive"))[0] >= 0.9
    assert detect("config vpn ipsec phase2-interface\n    edit x\n    next\nend\n")[0] >= 0.7
    fw_only = 'config firewall address\n    edit "a"\n        set subnet 10.0.0.0 255.0.0.0\n    next\nend\n'
    assert DETECT_THRESHOLD <= detect(fw_only)[0] < 0.7
    not_fortios = [
        "",
        "crypto isakmp policy 10\n encr aes\n hash sha\n group 14\n!\ncrypto map M 10 ipsec-isakmp\n set peer 1.2.3.4\n",
        "set security ike proposal p1 authentication-method pre-shared-keys\nset security ipsec vpn v1 bind-interface st0.0\n",
        "config setup\n    charondebug=all\nconn tencent\n    left=%defaultroute\n    auto=start\n",
        "connections {\n  tc {\n    remote_addrs = 203.0.113.1\n  }\n}\n",
    ]
    for text in not_fortios:
        assert detect(text)[0] < DETECT_THRESHOLD, text


@pytest.mark.parametrize("variant", VARIANTS)
def test_truncated_render_keeps_what_was_read(variant):
    text = render_files(_site(), "TomVPNConn", "fortinet_fortios", variant=variant)["config.txt"]
    lines = text.splitlines()
    cut = next(i for i, line in enumerate(lines) if "set keylife " in line)
    dev = parse("\n".join(lines[:cut]), "cut.conf")
    (t,) = dev.tunnels
    assert t.peer_address == "203.195.147.82" and t.psk == "123456"
    assert any("never closed" in f.message and "the text ends" in f.message for f in _rules(dev, "UNCLOSED"))
    assert any("cut off" in f.message for f in _rules(dev, "MISSING"))


# ----------------------------------------------------------------- bad input
def _never_raises(text: str) -> ParsedDevice:
    dev = parse(text, "bad.conf")
    assert isinstance(dev, ParsedDevice) and dev.vendor == "fortinet_fortios"
    detect(text)
    to_site_data(dev)
    return dev


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n   \n",
        "\x00\x01\x02\xff\xfe binary \x00 data",
        "end\nend\nnext\n",
        'edit "x"\nset a b\n',
        "config\n",
        "config vpn ipsec phase1-interface\n    edit\n        set\n        set proposal\n        set dhgrp\n    next\nend\n",
        'config vpn ipsec phase1-interface\n    edit "a"\n        set remote-gw 999.1.1.1\n        set keylife x\n'
        "        set dpd-retryinterval q\n        set ike-version 9\n        set dhgrp 14 abc 99\n"
        "        set proposal -sha1 aes128- foo\n    next\nend\n",
        'config vpn ipsec phase2-interface\n    edit "b"\n        set phase1name "a"\n'
        "        set src-addr-type range\n        set src-start-ip 10.0.0.9\n        set src-end-ip 10.0.0.1\n"
        "        set dst-subnet 300.0.0.0 1.2.3.4\n    next\nend\n",
        "\\" * 100 + '"' * 3 + "'" * 5,
        "config vpn ipsec phase1\n" * 200,
    ],
)
def test_bad_input_never_raises(text):
    _never_raises(text)


def test_wrong_vendor_and_random_bytes_never_raise():
    rng = random.Random(7)
    texts = [
        "hostname R1\ninterface GigabitEthernet0/0\n ip address 198.51.100.1 255.255.255.0\n!\nend\n",
        "set security ike gateway gw1 address 203.0.113.1\n" * 50,
        rng.randbytes(20000).decode("latin-1"),
        "".join(rng.choice("config edit set next end \"' \\\n\tvpn ipsec phase1 x") for _ in range(20000)),
    ]
    for text in texts:
        dev = _never_raises(text)
        assert not dev.tunnels
    corpus = SHARED / "corpus"  # other vendors' real configs (no FortiOS among them)
    if corpus.is_dir():
        for path in sorted(p for p in corpus.rglob("*") if p.is_file() and p.stat().st_size < 2_000_000):
            text = path.read_bytes().decode("utf-8", "replace")
            _never_raises(text)
            assert detect(text)[0] < DETECT_THRESHOLD, path


def test_every_prefix_of_a_config_parses():
    text = case_text("show-interface-defaults-and-names") + case_text("full-configuration-policy-aggressive")
    step = max(1, len(text) // 400)
    for i in range(0, len(text), step):
        _never_raises(text[:i])


def test_five_megabytes():
    # a long backup: the same VPN blocks again and again with other names
    block = case_text("show-interface-defaults-and-names").replace("to-tencent", "t{n}")
    parts, size, n = [], 0, 0
    while size < 5_000_000:
        chunk = block.replace("{n}", str(n))
        parts.append(chunk)
        size += len(chunk)
        n += 1
    big = "".join(parts)
    t0 = time.perf_counter()
    dev = _never_raises(big)
    elapsed = time.perf_counter() - t0
    assert len(dev.tunnels) == n
    assert elapsed < 30, elapsed
    garbage = random.Random(1).randbytes(1_000_000).decode("latin-1") * 5
    _never_raises(garbage)


def test_hypothesis_fuzz():
    hyp = pytest.importorskip("hypothesis")
    st = hyp.strategies
    alphabet = st.sampled_from(
        list("config edit set unset append next end vpn ipsec phase1-interface \"'\\#\n\t 0123.")
    )

    @hyp.settings(max_examples=150, deadline=None)
    @hyp.given(st.text(alphabet=alphabet, max_size=400) | st.text(max_size=200))
    def run(text):
        _never_raises(text)

    run()


def _char_scanner(line: str) -> list[str]:
    """The words of a line with balanced quotes, one character at a time (the reference)."""
    words, buf, quote, started = [], [], None, False
    i = 0
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line):
            buf.append(line[i + 1])
            started = True
            i += 2
            continue
        if quote:
            if c == quote:
                quote = None
            else:
                buf.append(c)
        elif c in "\"'":
            quote, started = c, True
        elif c in " \t":
            if started:
                words.append("".join(buf))
                buf, started = [], False
        else:
            buf.append(c)
            started = True
        i += 1
    if started:
        words.append("".join(buf))
    return words


def test_word_splitter_matches_the_character_scanner():
    hyp = pytest.importorskip("hypothesis")
    st = hyp.strategies

    @hyp.settings(max_examples=300, deadline=None)
    @hyp.given(st.text(alphabet=st.sampled_from(list("ab 1.-\t\"'\\")), max_size=40))
    def run(line):
        words, open_quote = split_words(line.strip())
        if open_quote is None:
            assert words == _char_scanner(line.strip())

    run()
