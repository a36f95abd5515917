"""The ``ipsec.conf`` / ``ipsec.secrets`` family (the stroke/starter front
end of strongSwan, Libreswan's pluto): sections of ``key=value`` settings and
secrets lines, read the same way for every vendor of the family. What a key
means stays in the vendor's parser, except where both daemons' ipsec.conf(5)
give it the same meaning (the end of this module).

Grammar data (the vendor's vendor.yaml)::

    grammar:
      ipsec_conf:
        sections: [conn, config, ca]   # section header words (first word of a flush-left line)
        skip_lines: [version]          # flush-left lines read past without a finding
        default_section: "%default"    # the conn every conn without also= inherits from
        include: include               # the include directive (reported, never followed)
        keys: [left, right, ...]       # conn keys the vendor reads (the rest: ``unknown_keys``)
        per_selector_keys: [leftsubnet, rightsubnet]   # keys in which one tunnel's conns differ
      ipsec_secrets:
        types: [PSK, RSA, ...]         # entry types of ``[ids] : TYPE secret``
        psk_types: [PSK]               # the pre-shared key types (others: IGNORED)
        last_quote: true               # a quoted secret ends at the last quote on the line
        continuation: false            # an entry may go on over indented lines (selectors first)

Reading rules (ipsec.conf(5), ipsec.secrets(5) of both daemons):

* a section header starts flush left (``conn <name>``, ``config setup``,
  ``ca <name>``); its settings are indented ``key=value`` lines. A value is
  words joined by one space; ``"..."`` keeps a value whole (C escapes); ``#``
  outside quotes starts a comment. ``also=<conn>`` is collected, not stored.
* a secrets line is ``[ids] : TYPE secret``, flush left or not; vpnconf's own
  ``# ==> <file> <==`` header switches to secrets (or back to conf) for a
  pasted pair of files.
* ``also=`` is resolved like starter: later ``also`` wins, each parent's
  parents after it, the default section last; an empty value unsets a key.

Findings come back as notes ``(rule, line, severity, message, path)``, never
with a value of the secrets file in them.

Below the reading, what a conn means where both daemons' ipsec.conf(5) say the
same (``effective_conns``, ``Tunnel`` and the functions that take one): the
findings go straight to the ``ParsedDevice``, in the order the vendor's parser
asks for them. What differs between daemons comes from the vendor's parser as
arguments (how it writes a time or a byte count, how it classifies ``authby=``,
its defaults and their wording, from its vendor.yaml): no vendor is named here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from . import Ident, ParsedDevice, ParsedTunnel

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..findings import Severity

Note = tuple[str, int | None, str, str, str]  # (rule, line, severity, message, path)

_HEADER = re.compile(r"^# ==> (.+?) <==\s*$")
_SETTING = re.compile(r"^[ \t]*(?P<key>[^\s=#\"]+)[ \t]*=(?P<value>.*)$")
_VALUE_TOKEN = re.compile(r'[ \t\r]+|(#.*)|"((?:[^"\\]|\\.)*)"|(")|([^ \t\r"#]+)', re.S)
_ESCAPE = re.compile(r"\\(.)", re.S)
_ID_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


@dataclass
class Section:
    """One section: ``kind`` is its header word (conn, config, ca)."""

    kind: str
    name: str
    line: int
    settings: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    also: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class SecretEntry:
    ids: list[str]  # the selectors as written (quotes removed); empty: matches everyone
    type: str
    value: str | None  # None: no secret on the line
    quoted: bool
    line: int

    @property
    def where(self) -> str:
        return f"ipsec.secrets line {self.line}"


@dataclass
class Document:
    conns: dict[str, Section] = field(default_factory=dict)  # conn name -> section, in file order
    others: list[Section] = field(default_factory=list)  # config setup, ca ...
    secrets: list[SecretEntry] = field(default_factory=list)  # entries of a pre-shared key type
    notes: list[Note] = field(default_factory=list)


@dataclass(frozen=True)
class Grammar:
    sections: frozenset[str]
    skip_lines: frozenset[str]
    default_section: str
    include: str
    keys: frozenset[str]
    per_selector_keys: frozenset[str]
    secret_re: re.Pattern[str]
    psk_types: frozenset[str]
    last_quote: bool
    continuation: bool


@cache
def grammar(vendor_id: str) -> Grammar:
    """The vendor's ``grammar.ipsec_conf`` / ``grammar.ipsec_secrets`` data, compiled once."""
    from ..catalog import vendors

    return compile_grammar(vendors()[vendor_id].grammar)


def compile_grammar(g: dict[str, Any]) -> Grammar:
    """A ``grammar:`` mapping (its ``ipsec_conf`` and ``ipsec_secrets`` keys) compiled."""
    conf, sec = g.get("ipsec_conf") or {}, g.get("ipsec_secrets") or {}
    types = [str(t) for t in sec.get("types", ["PSK"])]
    secret_re = re.compile(
        r"^(?P<ids>.*?)(?:^|(?<=\s)):[ \t]*(?P<type>" + "|".join(map(re.escape, types)) + r")\b(?P<rest>.*)$"
    )
    return Grammar(
        sections=frozenset(conf.get("sections", ["conn", "config", "ca"])),
        skip_lines=frozenset(conf.get("skip_lines", [])),
        default_section=str(conf.get("default_section", "%default")),
        include=str(conf.get("include", "include")),
        keys=frozenset(conf.get("keys", [])),
        per_selector_keys=frozenset(conf.get("per_selector_keys", [])),
        secret_re=secret_re,
        psk_types=frozenset(sec.get("psk_types", ["PSK"])),
        last_quote=bool(sec.get("last_quote", True)),
        continuation=bool(sec.get("continuation", False)),
    )


def value(raw: str) -> tuple[str | None, bool]:
    """A setting's value: words joined by one space, ``"..."`` kept whole
    (with C escapes), ``#`` outside quotes starts a comment. (value or None, ok);
    ok is False for an unterminated ``"..."``."""
    parts: list[str] = []
    for m in _VALUE_TOKEN.finditer(raw):
        comment, quoted, stray, word = m.groups()
        if comment is not None:
            break
        if stray is not None:
            return None, False
        if quoted is not None:
            parts.append(_ESCAPE.sub(lambda e: {"n": "\n", "r": "\r", "t": "\t"}.get(e.group(1), e.group(1)), quoted))
        elif word is not None:
            parts.append(word)
    return (" ".join(parts) if parts else None), True


def _short(s: str, n: int = 40) -> str:
    s = s.replace("\n", " ")
    return s if len(s) <= n else s[: n - 3] + "..."


def read(text: str, vendor: str | Grammar) -> Document:
    """Every section, setting and secrets entry of the text, with notes for
    what could not be read (see the module doc). ``vendor``: a vendor id (its
    grammar data) or a compiled ``Grammar``."""
    g = grammar(vendor) if isinstance(vendor, str) else vendor
    doc = Document()
    notes = doc.notes
    mode = "conf"
    current: Section | None = None
    pending: tuple[str, int] | None = None  # the selectors of a secrets entry that goes on
    for lineno, line in enumerate(text.split("\n"), 1):
        h = _HEADER.match(line)
        if h:
            mode = "secrets" if "secrets" in h.group(1).lower() else "conf"
            current = None
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indented = line[0] in " \t"
        if pending is not None:
            if indented:  # a continuation line (grammar.ipsec_secrets.continuation)
                joined = f"{pending[0]} {stripped}"
                if g.secret_re.match(joined):
                    _secret_line(doc, g, joined, pending[1])
                    pending = None
                else:
                    pending = (joined, pending[1])
                continue
            notes.append(_not_an_entry(pending[1]))
            pending = None
        first = stripped.split()[0]
        if mode == "secrets":
            if g.continuation and first != g.include and not g.secret_re.match(stripped):
                pending = (stripped, lineno)
            else:
                _secret_line(doc, g, stripped, lineno)
            continue
        sm = _SETTING.match(line) if indented else None
        if sm is None and g.secret_re.match(stripped):
            _secret_line(doc, g, stripped, lineno)
            if not indented:
                current = None
            continue
        if indented:
            path = current.name if current else ""
            if sm is None:
                notes.append(("SYNTAX", lineno, "error", "a setting line without 'key=value'", path))
                continue
            key = sm.group("key")
            if current is None:
                notes.append(
                    ("IGNORED", lineno, "info", f"setting '{_short(key)}' outside any section is not read", "")
                )
                continue
            val, ok = value(sm.group("value"))
            if not ok:
                notes.append(("SYNTAX", lineno, "error", f'{_short(key)}: unterminated "..." string', path))
                continue
            if key == "also":
                if val and val != g.default_section:
                    current.also.append((val, lineno))
                continue
            current.settings[key] = (val, lineno)
            continue
        words = stripped.split()
        if first in g.sections:
            name = words[1] if len(words) > 1 and not words[1].startswith("#") else ""
            if first == "conn":
                if not name:
                    notes.append(("SYNTAX", lineno, "error", "'conn' without a name", ""))
                    current = None
                    continue
                if name not in doc.conns:
                    doc.conns[name] = Section("conn", name, lineno)
                current = doc.conns[name]
            else:
                current = Section(first, f"{first} {name}".strip(), lineno)
                doc.others.append(current)
        elif first == g.include:
            notes.append(
                (
                    "INCLUDE",
                    lineno,
                    "warning",
                    f"'{g.include} {_short(' '.join(words[1:]))}' is not followed: the included files are not read",
                    "",
                )
            )
            current = None
        elif first in g.skip_lines:
            continue
        elif g.continuation:  # the selectors of a secrets entry that goes on below
            pending = (stripped, lineno)
            current = None
        else:
            notes.append(
                (
                    "SYNTAX",
                    lineno,
                    "error",
                    f"a line that is neither a section header ({', '.join(sorted(g.sections))}), "
                    "an indented setting nor an ipsec.secrets entry",
                    "",
                )
            )
            current = None
    if pending is not None:
        notes.append(_not_an_entry(pending[1]))
    return doc


def _not_an_entry(line: int) -> Note:
    return ("SYNTAX", line, "error", "not an ipsec.secrets entry ('[ids] : TYPE secret')", "ipsec.secrets")


def _secret_line(doc: Document, g: Grammar, stripped: str, lineno: int) -> None:
    """One ipsec.secrets entry. The secret itself never enters a note."""
    notes = doc.notes
    where = "ipsec.secrets"
    if stripped.split()[0] == g.include:
        notes.append(("INCLUDE", lineno, "warning", "an include in ipsec.secrets is not followed", where))
        return
    m = g.secret_re.match(stripped)
    if not m:
        notes.append(("SYNTAX", lineno, "error", "not an ipsec.secrets entry ('[ids] : TYPE secret')", where))
        return
    kind = m.group("type")
    if kind not in g.psk_types:
        notes.append(
            ("IGNORED", lineno, "info", f"{kind} entry in ipsec.secrets is not read (not a pre-shared key)", where)
        )
        return
    ids = [t.group(1) if t.group(1) is not None else t.group(2) for t in _ID_TOKEN.finditer(m.group("ids"))]
    rest = m.group("rest").strip()
    if not rest:
        notes.append(("SYNTAX", lineno, "error", f"{kind} entry without a secret", where))
        doc.secrets.append(SecretEntry(ids, kind, None, False, lineno))
        return
    if rest[0] in "\"'":
        q = rest[0]
        end = rest.rfind(q) if g.last_quote else rest.find(q, 1)
        if end <= 0:
            notes.append(("SYNTAX", lineno, "error", f"{kind} secret: missing closing quote", where))
            doc.secrets.append(SecretEntry(ids, kind, None, False, lineno))
            return
        val, quoted, tail = rest[1:end], True, rest[end + 1 :].strip()
    else:
        val, _, tail = rest.partition(" ")
        quoted, tail = False, tail.strip()
    if tail and not tail.startswith("#"):
        notes.append(("SYNTAX", lineno, "warning", f"unexpected text after the {kind} secret", where))
    doc.secrets.append(SecretEntry(ids, kind, val, quoted, lineno))


# ---------------------------------------------------------------- also=
def parents(doc: Document, g: Grammar, name: str, memo: dict[str, list[str]], stack: list[str]) -> list[str]:
    """starter's linearisation of ``also=``: later also= more important, each
    parent's parents after it, duplicates keep their last occurrence; the
    default section when there is no also=. Unknown targets and loops are notes."""
    if name in memo:
        return memo[name]
    conn = doc.conns[name]
    chain: list[str] = []
    if len(stack) > 64:
        return chain
    stack.append(name)
    for target, line in reversed(conn.also):
        if target not in doc.conns:
            doc.notes.append(("UNRESOLVED", line, "warning", f"also={_short(target)}: no conn of that name", name))
            continue
        if target in stack:
            doc.notes.append(("SYNTAX", line, "warning", f"also={_short(target)} makes a loop", name))
            continue
        chain.append(target)
        chain.extend(parents(doc, g, target, memo, stack))
    stack.pop()
    if not chain and name != g.default_section and g.default_section in doc.conns:
        chain = [g.default_section]
    out = [p for i, p in enumerate(chain) if p not in chain[i + 1 :]]
    memo[name] = out
    return out


def effective(doc: Document, g: Grammar, name: str, memo: dict[str, list[str]]) -> dict[str, tuple[str, int]]:
    """A conn's settings with everything it inherits; an empty value unsets."""
    eff: dict[str, tuple[str, int]] = {}
    seen: set[str] = set()
    for sec in [name, *parents(doc, g, name, memo, [])]:
        for key, (val, line) in doc.conns[sec].settings.items():
            if key in seen:
                continue
            seen.add(key)
            if val is not None:
                eff[key] = (val, line)
    return eff


def unknown_keys(doc: Document, g: Grammar) -> list[tuple[str, int, str]]:
    """(key, line, section) of every setting the vendor does not read: all of
    ``config setup`` / ``ca``, and conn keys outside ``grammar.ipsec_conf.keys``."""
    out = [(k, line, s.name) for s in doc.others for k, (_, line) in s.settings.items()]
    for s in doc.conns.values():
        out.extend((k, line, s.name) for k, (_, line) in s.settings.items() if k not in g.keys)
    return sorted(out, key=lambda x: x[1])


def groups(
    doc: Document, g: Grammar, effs: dict[str, dict[str, tuple[str, int]]], skip: set[str]
) -> dict[tuple[str, tuple[tuple[str, str], ...]], list[str]]:
    """Conns that differ only in their per-selector keys, grouped under the
    conn their first also= names (or their own name): one tunnel each."""
    out: dict[tuple[str, tuple[tuple[str, str], ...]], list[str]] = {}
    for n, conn in doc.conns.items():
        if n == g.default_section or n in skip:
            continue
        base = conn.also[0][0] if conn.also and conn.also[0][0] in doc.conns else n
        sig = tuple(sorted((k, v) for k, (v, _) in effs[n].items() if k not in g.per_selector_keys))
        out.setdefault((base, sig), []).append(n)
    return out


# ------------------------------------------------- what a conn means to both daemons
Effective = dict[str, tuple[str, int]]  # key -> (value, line): a conn's settings, also= resolved


def effective_conns(
    dev: ParsedDevice, doc: Document, g: Grammar, setup_keys: Collection[str] = ()
) -> dict[str, Effective]:
    """Every conn's effective settings. On the way, in this order: an IGNORED
    finding for each key the vendor does not read (``unknown_keys``, less the
    ``setup_keys`` of ``config`` sections its parser reads), the reading's notes,
    and NO-TUNNEL for ipsec.secrets entries without a conn."""
    for key, line, section in unknown_keys(doc, g):
        if section.startswith("config") and key in setup_keys:
            continue
        dev.note("IGNORED", f"'{_short(key)}' is not read (no field in the tunnel model)", line, "info", section)
    memo: dict[str, list[str]] = {}
    effs = {n: effective(doc, g, n, memo) for n in doc.conns}
    for rule, ln, sev, msg, path in doc.notes:
        dev.note(rule, msg, ln, sev, path)  # type: ignore[arg-type]
    if not doc.conns and doc.secrets:
        dev.note("NO-TUNNEL", f"ipsec.secrets only ({len(doc.secrets)} entries) and no conn: no tunnel", None)
    return effs


@dataclass
class Tunnel:
    """One tunnel being read from its conns (a group of ``groups``): the
    ParsedTunnel, the effective settings of its first conn, the path its
    findings name (the tunnel's name) and how many characters of a value a
    finding quotes (``width``)."""

    dev: ParsedDevice
    t: ParsedTunnel
    eff: Effective
    line0: int  # the tunnel's line: where a finding about a key that is not set points
    width: int

    @classmethod
    def start(
        cls, dev: ParsedDevice, name: str, members: list[str], effs: dict[str, Effective], line0: int, width: int
    ) -> Tunnel:
        t = ParsedTunnel(name=name, line=line0, variant="ipsec-conf")
        if len(members) > 1 or members[0] != name:
            t.extra["conns"] = list(members)
        return cls(dev, t, effs[members[0]], line0, width)

    @property
    def path(self) -> str:
        return self.t.name

    def val(self, key: str) -> str | None:
        return self.eff[key][0] if key in self.eff else None

    def line(self, key: str) -> int:
        return self.eff[key][1] if key in self.eff else self.line0

    def short(self, value: str | None) -> str:
        return _short(value or "", self.width)

    def note(self, rule: str, msg: str, line: int | None, sev: Severity) -> None:
        self.dev.note(rule, msg, line, sev, self.path)


def tunnel_type(c: Tunnel) -> None:
    """``type=``: anything but ``tunnel`` (transport, passthrough, ...) is no IPsec tunnel."""
    ttype = (c.val("type") or "tunnel").strip().lower()
    if ttype != "tunnel":
        c.note("UNSUPPORTED", f"type={c.short(ttype)}: not an IPsec tunnel", c.line("type"), "warning")


def aggressive(c: Tunnel, key: str, on: bool) -> None:
    """Aggressive mode (``key``, as the vendor's parser read it ``on``): IKEv1 only."""
    if not on:
        return
    if c.t.ike_version == 2:
        c.note("IGNORED", f"{key}=yes has no effect with IKEv2", c.line(key), "info")
    else:
        c.t.mode = "aggressive"


def identities(c: Tunnel, ident: Callable[[str], Ident | None]) -> tuple[str | None, str | None]:
    """``leftid=`` / ``rightid=`` read by the vendor's ``ident``; without one, the
    side's address. Returns the two values as written."""
    t = c.t
    lid, rid = c.val("leftid"), c.val("rightid")
    t.local_id = ident(lid) if lid else (Ident("address", t.local_address) if t.local_address else None)
    t.peer_id = ident(rid) if rid else (Ident("address", t.peer_address) if t.peer_address else None)
    return lid, rid


def auth_default(c: Tunnel, where: str) -> None:
    """Neither ``authby=`` nor ``leftauth=``: the vendor's default (``where``: its wording)."""
    if "authby" not in c.eff and "leftauth" not in c.eff:
        c.t.defaulted["auth"] = where
        c.note("DEFAULT", f"no authby=: {where}", c.line0, "warning")


def auth(c: Tunnel, kinds: list[str], what: str) -> None:
    """The tunnel's authentication from each side's kind (psk, pubkey or other,
    as the vendor classifies ``authby=`` / ``leftauth=`` / ``rightauth=``): a
    pre-shared key only when both sides use one; ``what`` names any other mix."""
    if set(kinds) == {"psk"}:
        c.t.auth = "psk"
    elif set(kinds) == {"pubkey"}:
        c.t.auth = "certificate"
        c.note(
            "UNSUPPORTED", "public-key (certificate) authentication, not a pre-shared key", c.line("authby"), "warning"
        )
    else:
        c.t.auth = "unknown"
        c.note("UNSUPPORTED", f"authentication {what} is not a plain pre-shared key", c.line("authby"), "warning")


def number(c: Tunnel, key: str, parse: Callable[[str], int | None], kind: str, then: str = "") -> int | None:
    """A set ``key`` read by the vendor's ``parse`` (a time, a byte count ...);
    None, with an UNSUPPORTED error, when it is not ``kind``."""
    n = parse(c.eff[key][0])
    if n is None:
        c.note("UNSUPPORTED", f"{key}={c.short(c.val(key))} is not {kind}{then}", c.line(key), "error")
    return n


def volume(c: Tunnel, key: str, parse: Callable[[str], int | None], kind: str) -> None:
    """The IPsec SA's byte lifetime ``key`` (when set) as KB; 0 is no limit."""
    if key not in c.eff:
        return
    b = number(c, key, parse, kind)
    if b:
        c.t.ipsec_lifetime_kb = b // 1024 or None
        if b % 1024:
            c.note("UNSUPPORTED", f"{key}={b} is not a whole number of KB: read as {b // 1024} KB", c.line(key), "info")


def selectors_and_auto(c: Tunnel) -> None:
    """The tunnel's selector pairs once each, and ``auto=`` kept (extra)."""
    c.t.selectors = list(dict.fromkeys(c.t.selectors))
    auto = c.val("auto")
    if auto:
        c.t.extra["auto"] = auto
