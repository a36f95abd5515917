"""The shared parsing layer's builders on inputs written here (no vendor):
the braces family never loses a block silently; the ipsec.conf family's
meaning that every vendor of it shares."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from vpnconf.parsing import Ident, ParsedDevice, ipsecconf
from vpnconf.parsing.braces import build


def test_blocks_statements_and_lines():
    root, notes = build('security {\n  ike {\n    gateway "g w" { address 192.0.2.1; }\n  }\n}\n')
    gw = root.find("security", "ike")
    assert gw is not None and gw.block and gw.line == 2
    (g,) = gw.children
    assert g.words == ["gateway", "g w"] and g.line == 3
    assert [c.words for c in g.children] == [["address", "192.0.2.1"]]
    assert notes == []


def test_an_unclosed_block_is_named_with_its_line():
    root, notes = build("a {\n  b {\n    c 1;\n")
    assert [(r, line) for r, line, _, _ in notes] == [("UNCLOSED", 1), ("UNCLOSED", 2)]
    assert "'a' (line 1) is never closed" in notes[0][3]
    assert root.find("a", "b").children[0].words == ["c", "1"]


def test_a_stray_brace_an_open_quote_and_an_open_comment_are_findings():
    _, notes = build("x 1;\n}\n")
    assert [(r, line, sev) for r, line, sev, _ in notes] == [("SYNTAX", 2, "error")]
    root, notes = build('name "abc\nnext 2\n')
    assert ("SYNTAX", 1) in [(r, line) for r, line, _, _ in notes]
    assert [c.words for c in root.children][1] == ["next", "2"]  # the quote ends at the line's end
    _, notes = build("a { b 1; /* note\n c 2; }\n")
    assert any(r == "UNCLOSED" and "comment" in m for r, _, _, m in notes)


def test_statements_end_at_line_ends_or_only_at_semicolons():
    root, _ = build("a 1\nb 2\n")
    assert [c.words for c in root.children] == [["a", "1"], ["b", "2"]]
    root, _ = build("a 1\nb 2;\n", statement_per_line=False)
    assert [c.words for c in root.children] == [["a", "1", "b", "2"]]


# ------------------------------------------------ ipsec.conf: the shared meaning
def _ipsec(text: str, setup_keys: tuple[str, ...] = ()) -> tuple[Any, Any, Any, Any]:
    g = ipsecconf.compile_grammar(
        {
            "ipsec_conf": {
                "keys": ["also", "auto", "type", "left", "leftid", "rightid", "authby", "ikelifetime", "lifebytes"],
                "per_selector_keys": ["leftsubnet", "rightsubnet", "auto"],
            }
        }
    )
    doc = ipsecconf.read(text, g)
    dev = ParsedDevice(vendor="x", file="ipsec.conf")
    return dev, doc, g, ipsecconf.effective_conns(dev, doc, g, setup_keys=setup_keys)


def _found(dev: ParsedDevice) -> list[tuple[str, int | None, str, str]]:
    return [(f.rule, f.line, f.severity, f.message) for f in dev.findings]


def test_ipsec_conf_effective_conns_reports_what_is_read_past_in_order():
    text = "config setup\n  mine=1\n  other=2\nconn a\n  also=nowhere\n  bogus=x\n  left=192.0.2.1\n"
    dev, _, _, effs = _ipsec(text, setup_keys=("mine",))
    assert _found(dev) == [
        ("IGNORED", 3, "info", "'other' is not read (no field in the tunnel model)"),
        ("IGNORED", 6, "info", "'bogus' is not read (no field in the tunnel model)"),
        ("UNRESOLVED", 5, "warning", "also=nowhere: no conn of that name"),
    ]
    assert effs == {"a": {"bogus": ("x", 6), "left": ("192.0.2.1", 7)}}
    dev, _, _, effs = _ipsec(": PSK k1\n: PSK k2\n")
    assert effs == {} and _found(dev) == [
        ("NO-TUNNEL", None, "info", "ipsec.secrets only (2 entries) and no conn: no tunnel")
    ]


def _tunnel(text: str, members: list[str], width: int = 10) -> ipsecconf.Tunnel:
    dev, _, _, effs = _ipsec(text)
    return ipsecconf.Tunnel.start(dev, "tun", members, effs, 1, width)


def test_ipsec_conf_tunnel_settings_type_aggressive_and_identities():
    c = _tunnel("conn a\n  type=transport\n  leftid=@me.example\n", ["a", "b"], width=8)
    assert c.t.variant == "ipsec-conf" and c.t.extra["conns"] == ["a", "b"] and c.path == "tun"
    assert c.val("type") == "transport" and c.line("type") == 2 and c.val("left") is None and c.line("left") == 1
    ipsecconf.tunnel_type(c)
    c.t.local_address, c.t.peer_address = "192.0.2.1", "198.51.100.1"
    assert ipsecconf.identities(c, lambda v: Ident("fqdn", v[1:])) == ("@me.example", None)
    assert c.t.local_id == Ident("fqdn", "me.example") and c.t.peer_id == Ident("address", "198.51.100.1")
    c.t.ike_version = 2
    ipsecconf.aggressive(c, "aggrmode", True)
    assert c.t.mode == "main"
    c.t.ike_version = 1
    ipsecconf.aggressive(c, "aggrmode", True)
    assert c.t.mode == "aggressive"
    assert _found(c.dev) == [
        ("UNSUPPORTED", 2, "warning", "type=trans...: not an IPsec tunnel"),
        ("IGNORED", 1, "info", "aggrmode=yes has no effect with IKEv2"),
    ]


def test_ipsec_conf_authentication_from_the_kinds_of_both_sides():
    c = _tunnel("conn a\n  left=192.0.2.1\n", ["a"])
    ipsecconf.auth_default(c, "the default (data)")
    assert c.t.defaulted["auth"] == "the default (data)"
    ipsecconf.auth(c, ["psk", "psk"], "-")
    assert c.t.auth == "psk"
    ipsecconf.auth(c, ["pubkey", "pubkey"], "-")
    assert c.t.auth == "certificate"
    ipsecconf.auth(c, ["psk", "other"], "psk/other")
    assert c.t.auth == "unknown"
    assert _found(c.dev) == [
        ("DEFAULT", 1, "warning", "no authby=: the default (data)"),
        ("UNSUPPORTED", 1, "warning", "public-key (certificate) authentication, not a pre-shared key"),
        ("UNSUPPORTED", 1, "warning", "authentication psk/other is not a plain pre-shared key"),
    ]
    c = _tunnel("conn a\n  authby=secret\n", ["a"])
    ipsecconf.auth_default(c, "not used")
    assert c.dev.findings == [] and "auth" not in c.t.defaulted


def test_ipsec_conf_numbers_and_the_byte_lifetime():
    c = _tunnel("conn a\n  ikelifetime=a-very-long-value\n  lifebytes=1025\n", ["a"], width=10)
    parse = lambda v: int(v) if v.isdigit() else None  # noqa: E731
    assert ipsecconf.number(c, "ikelifetime", parse, "a time", ": the lifetime is unknown") is None
    ipsecconf.volume(c, "lifebytes", parse, "a number")
    assert c.t.ipsec_lifetime_kb == 1
    ipsecconf.volume(c, "ipsec-max-bytes", parse, "a number")  # not set: nothing
    assert _found(c.dev) == [
        ("UNSUPPORTED", 2, "error", "ikelifetime=a-very-... is not a time: the lifetime is unknown"),
        ("UNSUPPORTED", 3, "info", "lifebytes=1025 is not a whole number of KB: read as 1 KB"),
    ]
    c = _tunnel("conn a\n  lifebytes=0\n  auto=start\n", ["a"])
    ipsecconf.volume(c, "lifebytes", parse, "a number")
    assert c.t.ipsec_lifetime_kb is None and c.dev.findings == []
    c.t.selectors = [("10.0.0.0/8", "10.1.0.0/16"), ("10.0.0.0/8", "10.1.0.0/16")]
    ipsecconf.selectors_and_auto(c)
    assert c.t.selectors == [("10.0.0.0/8", "10.1.0.0/16")] and c.t.extra["auto"] == "start"


# ------------------------------------------------------------ the redactor with many keys
def _one_by_one(secrets: set[str], message: str) -> str:
    """The redactor's rule, spelt out: every key the message holds, longest first,
    replaced where no letter or digit stands beside it."""
    import re

    from vpnconf.parsing.redact import MASK

    found = sorted((s for s in secrets if s in message), key=len, reverse=True)
    if not found:
        return message
    return re.sub(rf"(?<![A-Za-z0-9])(?:{'|'.join(map(re.escape, found))})(?![A-Za-z0-9])", MASK, message)


@given(
    keys=st.sets(st.text("abAB01-_!$.", min_size=1, max_size=7), min_size=1, max_size=60),
    messages=st.lists(st.text("abAB01-_!$. =:", max_size=40), max_size=15),
)
@settings(max_examples=300, deadline=None)
def test_many_keys_are_redacted_as_one_by_one(keys, messages):
    """Past a few keys the redactor tests only the keys whose longest run of
    letters and digits the message holds (a device of thousands of tunnels: every
    string of its parse passes here); it must hide exactly what testing each key
    would, whether the message was passed alone or joined with others."""
    from vpnconf.parsing.redact import Redactor

    r = Redactor()
    for k in keys:
        r.add(k)
    for m in messages:
        assert r(m) == _one_by_one(r.secrets, m)
    joined = "\0".join(messages)
    assert r(joined) == _one_by_one(r.secrets, joined)


@given(
    keys=st.sets(st.text("abAB01-_!$.", min_size=1, max_size=7), min_size=1, max_size=40),
    strings=st.lists(st.text("abAB01-_!$. =:", max_size=20), max_size=20),
    exact=st.lists(st.integers(0, 39), max_size=10),
)
@settings(max_examples=300, deadline=None)
def test_scrub_hides_what_the_redactor_hides_in_each_string(keys, strings, exact):
    """scrub passes every string of a structure through the redactor at once:
    a string that is a key itself is masked without a search, the others are
    searched joined; each string comes out as the redactor gives it alone."""
    from vpnconf.parsing import scrub
    from vpnconf.parsing.redact import Redactor

    r = Redactor()
    for k in keys:
        r.add(k)
    ordered = sorted(r.secrets)
    strings = strings + [ordered[i % len(ordered)] for i in exact]  # raw keys kept beside a parse
    data = {"a": strings, "b": [{"c": x} for x in strings], "d": tuple(strings[:3])}
    out = scrub(data, r)
    want = [_one_by_one(r.secrets, x) for x in strings]
    assert out["a"] == want and [x["c"] for x in out["b"]] == want and out["d"] == want[:3]


def _detection_texts() -> list[str]:
    """Every parse case's input of every vendor, whole and cut into pieces (a
    line's start, the text's start and end are where the fast path differs)."""
    import yaml

    from vpnconf.paths import vendor_dirs

    out: list[str] = []
    for d in vendor_dirs().values():
        for case in sorted((d / "cases").glob("*.yaml")):
            data = yaml.safe_load(case.read_text())
            text = data.get("input") if isinstance(data, dict) else None
            if isinstance(text, str):
                lines = text.splitlines(keepends=True)
                out += [text, text.lstrip(), "".join(lines[1:]), "".join(lines[: len(lines) // 2])]
    return out


def test_fast_detection_finds_exactly_what_the_patterns_find():
    """The detection fast path (a newline-anchored search, a required literal
    first) answers as the plain regex does, for every vendor's patterns."""
    from vpnconf.parsing import _detect_patterns, parser_modules

    texts = _detection_texts()
    assert len(texts) > 100
    finders = [fx for vid in parser_modules() for group in _detect_patterns(vid) for fx, *_ in group]
    assert finders
    for text in texts:
        nl = "\n" + text
        for fx in finders:
            assert fx.found(text, nl) == (fx.rx.search(text) is not None), (fx.pattern, text[:200])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "crypto map M 10 ipsec-isakmp",
                " set peer 1.2.3.4",
                "conn x",
                "  left=1.2.3.4",
                ": PSK x",
                "set vpn ipsec",
                "children {",
                "}",
                "ike-peer p",
                " ",
                "",
                "config vpn ipsec phase1-interface",
                "edit x",
                "\t",
                "/ip ipsec peer",
            ]
        ),
        max_size=12,
    ),
    st.sampled_from(["\n", "\r\n", " \n"]),
)
def test_fast_detection_agrees_on_generated_texts(lines, sep):
    from vpnconf.parsing import _detect_patterns, parser_modules

    text = sep.join(lines)
    for vid in parser_modules():
        for group in _detect_patterns(vid):
            for fx, *_ in group:
                assert fx.found(text, "\n" + text) == (fx.rx.search(text) is not None), (fx.pattern, text)


# ------------------------------------------------ the health check from point-to-point pairs
def _routed_device(pairs: list[tuple[str, str]]) -> ParsedDevice:
    from vpnconf.parsing import ParsedTunnel, Proposal

    t = ParsedTunnel(name="T1", line=3, local_address="198.51.100.2", peer_address="203.0.113.9", psk="k-123456")
    t.ike_version, t.route_based, t.routes = 2, True, ["10.20.0.0/16"]
    t.ike_proposals = [Proposal(encryption="aes128", integrity="sha256", dh_group=14)]
    t.esp_proposals = [Proposal(encryption="aes128", integrity="sha256")]
    t.point_to_point = pairs
    return ParsedDevice(vendor="any", file="dev.cfg", tunnels=[t])


def test_a_point_to_point_pair_in_the_health_check_range_is_the_health_check():
    """The device's own address of the pair is the IDC end the cloud probes,
    its peer the cloud's end; a pair outside the cloud's range is named, never
    read as a health check; of two in the range the first is read and said."""
    from vpnconf.model import Site
    from vpnconf.parsing import to_site_data

    site, losses = to_site_data(_routed_device([("169.254.128.6/32", "169.254.128.5")]))
    assert site["tunnels"][0]["health_check"] == {
        "enabled": True,
        "local_ip": "169.254.128.5",
        "remote_ip": "169.254.128.6",
    }
    assert not [f for f in losses if f.path == "health_check"]
    Site.model_validate(site)  # and the model takes it

    site, losses = to_site_data(_routed_device([("10.9.9.2", "10.9.9.1")]))
    assert "health_check" not in site["tunnels"][0]
    (lost,) = [f for f in losses if f.path == "health_check"]
    assert "10.9.9.2 peer 10.9.9.1" in lost.message and "169.254.128.0/17" in lost.message

    site, losses = to_site_data(
        _routed_device([("169.254.128.2", "169.254.128.1"), ("169.254.129.2", "169.254.129.1")])
    )
    assert site["tunnels"][0]["health_check"]["remote_ip"] == "169.254.128.2"
    (said,) = [f for f in losses if f.path == "health_check"]
    assert said.severity == "warning" and "the first (169.254.128.2 peer 169.254.128.1)" in said.message


@pytest.mark.parametrize(
    ("pattern", "when"),
    [("^crypto (map", "load"), ("(?<=a+)crypto", "search"), ("^set (?<=x*)vpn", "search")],
)
def test_a_bad_detection_pattern_is_one_clear_error(pattern, when):
    """Patterns compile when first searched; one the regex parser refuses fails
    when the vendor's patterns load, one only the compiler refuses (a look-behind
    of no fixed width) when searched: both as one VpnconfError naming the file."""
    from vpnconf.findings import VpnconfError
    from vpnconf.parsing import _Finder

    where = "vendors/x/vendor.yaml detect"
    if when == "load":
        with pytest.raises(re.error):
            _Finder(pattern, where)
        return
    fx = _Finder(pattern, where)
    with pytest.raises(VpnconfError, match=r"^vendors/x/vendor.yaml detect: bad pattern \("):
        fx.found("xx\ncrypto\nset vpn\n", "\nxx\ncrypto\nset vpn\n")


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.tuples(
            st.integers(0, 300), st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.integers(0, 40)
        ).map(lambda t: f"{t[0]}.{t[1]}.{t[2]}.{t[3]}/{t[4]}"),
        st.text("0123456789./ ", max_size=20),
        st.sampled_from(
            [
                *("010.0.0.0/8", "10.0.0.0/08", "10.1.2.3", "10.0.0.0/255.255.0.0", "1.2.3.4/ 8"),
                # non-ASCII digits: refused, as ipaddress refuses them
                *("10.0.0.0/\u0663", "1\u0660.0.0.0/8", "\uff11.2.3.4/8", "1.2.3.4/\u00b2"),
            ]
        ),
    )
)
def test_the_fast_network_normalisation_is_ipaddress(text):
    """The carried networks' fast path gives exactly ipaddress's answer (and its
    refusal) for every text."""
    import ipaddress

    from vpnconf.parsing import _net

    try:
        want = str(ipaddress.IPv4Network(text, strict=False))
    except ValueError:
        with pytest.raises(ValueError):
            _net(text)
        return
    assert _net(text) == want


def test_lowest_route_preference_lowest_default_and_ambiguous():
    from vpnconf.parsing import ParsedTunnel, lowest_route_preference

    dev = ParsedDevice(vendor="any", file="f")
    # no routes: nothing set, nothing said
    t = ParsedTunnel(name="a")
    lowest_route_preference(dev, t, [], (5, "doc"), "preferences", "if0")
    assert t.route_preference is None and t.defaulted == {} and dev.findings == []
    # the lowest written value wins; one value: no AMBIGUOUS, the default does not decide
    t = ParsedTunnel(name="b")
    lowest_route_preference(dev, t, [(7, 3, "r1"), (7, 4, "r2")], (10, "doc"), "metrics", "if0")
    assert t.route_preference == 7 and t.defaulted == {} and dev.findings == []
    # a route without a value decides: defaulted + DEFAULT naming it; disagreeing values: AMBIGUOUS
    t = ParsedTunnel(name="c")
    lowest_route_preference(
        dev, t, [(200, 3, "route x"), (None, 4, "route y")], (1, "doc 1"), "priorities", "tun1", path="p.sh"
    )
    assert t.route_preference == 1 and t.defaulted == {"route_preference": "doc 1"}
    by_rule = {f.rule: f for f in dev.findings}
    assert set(by_rule) == {"DEFAULT", "AMBIGUOUS"}
    d, a = by_rule["DEFAULT"], by_rule["AMBIGUOUS"]
    assert (d.severity, d.line, d.path) == ("info", 4, "p.sh")
    assert d.message == "tunnel c: route y without priority: 1 (doc 1)"
    assert (a.severity, a.line, a.path) == ("warning", 3, "p.sh")
    assert a.message.endswith("tun1 have priorities 1, 200: route_preference is the lowest, 1")
    # a lower written value decides: no defaulted; DEFAULT only when asked
    dev = ParsedDevice(vendor="any", file="f")
    t = ParsedTunnel(name="d")
    lowest_route_preference(
        dev, t, [(None, 3, "r"), (2, 5, "s")], (60, "doc"), "preferences", "tun2", report_default=False
    )
    assert t.route_preference == 2 and t.defaulted == {}
    assert [(f.rule, f.line) for f in dev.findings] == [("AMBIGUOUS", 3)]
    dev = ParsedDevice(vendor="any", file="f")
    t = ParsedTunnel(name="e")
    lowest_route_preference(dev, t, [(None, 3, "r")], (60, "doc"), "preferences", "tun3", report_default=False)
    assert t.route_preference == 60 and t.defaulted == {"route_preference": "doc"} and dev.findings == []
