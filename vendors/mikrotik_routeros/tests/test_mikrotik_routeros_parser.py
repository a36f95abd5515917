"""RouterOS: what cannot be data. The lexer's decoders (continuations, quotes
and escapes, durations), what the templates refuse and why, round trips of the
rendered script through the parser, the corpus tunnels in the site model,
hostile and large input (never an exception, linear time).

The hand-written configs live in cases/*.yaml, the corpus files are read
there too (cases/corpus-*.yaml)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import pytest

from conftest import SHARED, site_with
from vpnconf.findings import RenderError
from vpnconf.parsing import parse_text, parser_module, to_site_data
from vpnconf.renderer import render

VENDOR = "mikrotik_routeros"
mod = parser_module(VENDOR)


# ------------------------------------------------------------------ decoders
@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (r"plain", "plain"),
        (r"a\"b", 'a"b'),
        (r"a\\b", "a\\b"),
        (r"a\$b\?c", "a$b?c"),
        (r"x\_y", "x y"),
        (r"\48\49", "HI"),
        (r"line\nnext", "line\nnext"),
        (r"end\\", "end\\"),
    ],
)
def test_unescape(raw: str, text: str) -> None:
    assert mod.unescape(raw) == text


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1d", 86400),
        ("8h", 28800),
        ("30m", 1800),
        ("45m10s", 2710),
        ("1w2d", 777600),
        ("00:30:00", 1800),
        ("1d00:00:10", 86410),
        ("3600", 3600),
        ("1h500ms", 3600),
        ("soon", None),
        ("1x", None),
        ("", None),
    ],
)
def test_durations(text: str, seconds: int | None) -> None:
    assert mod.seconds(text) == seconds


def test_continuations_join_and_drop_the_indent_but_not_an_escaped_backslash() -> None:
    text = 'add a=1 \\\n    b=2\n# comment \\\nadd c="x\\\\"\nadd d=4 \\'
    assert mod.logical_lines(text) == [(1, "add a=1 b=2"), (4, 'add c="x\\\\"'), (5, "add d=4 ")]


def test_statements_split_at_semicolons_outside_quotes_and_brackets() -> None:
    stmts, open_q = mod.split_statements('set [ find name="a;b" ] x=1; add y="c;d" ; { :local z 3 }')
    assert stmts == [["set", '[ find name="a;b" ]', "x=1"], ["add", 'y="c;d"'], ["{"], [":local", "z", "3"], ["}"]]
    assert not open_q
    stmts, _ = mod.split_statements(":if (1) do={ add a=${X} b={{ y }} } else={ :put 1 }")
    assert stmts == [
        [":if", "(1)", "do="],
        [mod.BLOCK_COND],
        ["add", "a=${X}", "b={{ y }}"],
        ["}"],
        ["else="],
        [mod.BLOCK_COND],
        [":put", "1"],
        ["}"],
    ]
    assert mod.split_statements('add note="never closed')[1]


# ------------------------------------------------------------------ templates
def _render(mutate: Callable[[dict[str, Any]], None] | None = None, **kw: Any) -> str:
    return render(site_with(mutate), "TomVPNConn", VENDOR, **kw)


@pytest.mark.parametrize("key", ["abc$def", "what?now", "0x1234abcd", "0Xdead", "*", "*****", "<>", "<key>", "{{k}}"])
def test_keys_the_console_would_change_are_refused(key: str) -> None:
    with pytest.raises(RenderError, match="cannot"):
        _render(lambda d: d["tunnels"][0].update(pre_shared_key=key))


def test_route_based_tunnels_are_refused_there_is_no_ipsec_tunnel_interface() -> None:
    with pytest.raises(RenderError, match="no route-based variant"):
        _render(lambda d: d["tunnels"][0].update(route_type="static", spd=[]))


def test_gcm_proposals_only_with_ikev2() -> None:
    def gcm(version: int) -> Callable[[dict[str, Any]], None]:
        def m(d: dict[str, Any]) -> None:
            t = d["tunnels"][0]
            t["ike"].update(version=version)
            t["ipsec"].update(encryption="aes256gcm")

        return m

    text = _render(gcm(2))
    assert "enc-algorithms=aes-256-gcm pfs-group=none" in text
    assert "auth-algorithms" not in text.split("/ip ipsec proposal\n", 1)[1].split("\n", 1)[0]
    with pytest.raises(RenderError, match="aes256gcm"):
        _render(gcm(1))


def test_ikev1_fqdn_cloud_id_is_a_comment_and_remote_id_auto() -> None:
    def m(d: dict[str, Any]) -> None:
        d["tunnels"][0]["ike"].update(
            local_id={"type": "fqdn", "value": "cloud.example.com"},
            peer_id={"type": "fqdn", "value": "idc.example.com"},
        )

    text = _render(m)
    assert "my-id=fqdn:idc.example.com remote-id=auto" in text
    assert "# Cloud ID fqdn cloud.example.com: RouterOS checks an FQDN remote-id with IKEv2 only" in text
    dev = parse_text(text, "fqdn.rsc", VENDOR)
    (t,) = dev.tunnels
    assert t.local_id is not None and (t.local_id.type, t.local_id.value) == ("fqdn", "idc.example.com")
    assert t.peer_id is None


def test_lifetimes_are_written_as_routeros_durations_and_read_back() -> None:
    def m(d: dict[str, Any]) -> None:
        d["tunnels"][0]["ike"].update(lifetime_seconds=90061)
        d["tunnels"][0]["ipsec"].update(lifetime_seconds=3725)

    text = _render(m)
    assert "lifetime=1d1h1m1s" in text and "lifetime=1h2m5s" in text
    (t,) = parse_text(text, "life.rsc", VENDOR).tunnels
    assert (t.ike_lifetime, t.ipsec_lifetime_seconds) == (90061, 3725)


def test_dpd_on_is_interval_and_failures_off_is_disable_dpd() -> None:
    off = _render()
    assert "dpd-interval=disable-dpd" in off
    (t,) = parse_text(off, "off.rsc", VENDOR).tunnels
    assert t.dpd_enabled is False and "dpd_enabled" not in t.defaulted

    def on(d: dict[str, Any]) -> None:
        d["tunnels"][0]["dpd"] = {"enabled": True, "timeout_seconds": 60, "action": "restart"}

    text = _render(on)
    assert "dpd-interval=20s dpd-maximum-failures=3" in text
    (t,) = parse_text(text, "on.rsc", VENDOR).tunnels
    assert (t.dpd_enabled, t.dpd_timeout) == (True, 60)


def test_the_quick_start_round_trips_with_no_finding_above_info() -> None:
    text = _render()
    dev = parse_text(text, "qs.rsc", VENDOR)
    assert [f.text() for f in dev.findings if f.severity != "info"] == []
    site, losses = to_site_data(dev)
    assert [f.message for f in losses] == []
    (t,) = site["tunnels"]
    assert t["pre_shared_key"] == "123456" and t["spd"] == [{"local": "192.168.1.0/24", "peers": ["10.0.1.0/24"]}]


# ------------------------------------------------------------------ corpus in the model
def test_corpus_tunnels_in_the_site_model_say_what_they_lose() -> None:
    folder = SHARED / "corpus" / VENDOR
    if not folder.is_dir():
        pytest.skip("shared corpus not here")
    text = (folder / "netutils-routeros-6.49-export-google-vpc-peer.rsc").read_text(encoding="utf-8")
    dev = parse_text(text, "google.rsc", VENDOR)
    site, losses = to_site_data(dev)
    assert site["tunnels"] == []  # every policy is disabled: no selectors to carry
    assert any("no traffic selectors" in f.message for f in losses)
    text = (folder / "kaikimera-ros-ipsec-site-to-site-script.rsc").read_text(encoding="utf-8")
    site, losses = to_site_data(parse_text(text, "s2s.rsc", VENDOR))
    assert site["tunnels"] == [] and any("no peer address" in f.message for f in losses)


# ------------------------------------------------------------------ hostile input
def test_damaged_input_gives_findings_never_an_exception() -> None:
    base = _render() + '/ip ipsec identity set [ find peer="x ]\n:local a "b\n{ { } ]]] \\\n'
    rnd = random.Random(7)
    for _ in range(150):
        chars = list(base)
        for _ in range(rnd.randint(1, 25)):
            i = rnd.randrange(len(chars))
            chars[i] = rnd.choice(['"', "\\", "[", "]", ";", "$", "=", "\n", "{", "}", " ", "#", "/"])
        dev = parse_text("".join(chars), "fuzz.rsc", VENDOR)
        assert not [f for f in dev.findings if f.rule == "INTERNAL"], "".join(chars)


def test_parsing_is_linear_in_the_input() -> None:
    one = _render()
    small, big = one * 200, one * 2000
    t0 = time.perf_counter()
    parse_text(small, "s.rsc", VENDOR)
    t1 = time.perf_counter()
    parse_text(big, "b.rsc", VENDOR)
    t2 = time.perf_counter()
    assert (t2 - t1) < 25 * max(t1 - t0, 0.01)
    # one endless continued line and one endless quote stay linear too
    t3 = time.perf_counter()
    parse_text("/ip ipsec peer add " + "a=b \\\n" * 50000, "c.rsc", VENDOR)
    parse_text('/ip ipsec identity add peer=x secret="' + "\\$" * 100000, "q.rsc", VENDOR)
    assert time.perf_counter() - t3 < 5


def test_a_line_of_plain_words_splits_as_the_full_lexer_splits_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """split_statements takes a line without brackets, braces or ';' as its
    words between spaces and tabs (quoted parts with escapes inside a word);
    the full lexer gives the same answer on every line, open quotes and
    stray backslashes included (other blanks, such as form feeds, stay inside
    words)."""
    rng = random.Random(5)
    chars = 'ab=/.-:09 \t\x0b\x0c$"\\;[]{}'
    lines = ["".join(rng.choice(chars) for _ in range(rng.randint(0, 30))) for _ in range(20000)]
    fast = [mod.split_statements(line) for line in lines]
    monkeypatch.setattr(mod, "_SPECIAL", lambda s: True)  # every line through the full lexer
    assert [mod.split_statements(line) for line in lines] == fast
