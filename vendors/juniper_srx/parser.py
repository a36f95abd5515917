"""Juniper SRX (Junos) configuration parser.

Reads both forms a user pastes: ``show configuration | display set`` / a ``load set``
script (``set`` / ``delete`` / ``deactivate`` / ``activate`` lines), and the hierarchical
(curly-brace) form of ``show configuration`` / ``load merge`` (``{ } ;``, quoted strings
with backslash escapes, ``/* */`` and ``#`` comments, the ``## SECRET-DATA`` trailer,
``inactive:`` / ``replace:`` / ``protect:`` prefixes, ``[ a b ]`` lists). Both become one
flat list of statements (a path of words, its line, whether it is inactive), so that the
rest of the parser reads one shape. The scanner is our own: netutils'
``JunosConfigParser`` keeps no line numbers, leaves braces, ``;`` and comments inside its
lines (it nests by indentation), netutils has no Junos brace-to-set converter (only
PAN-OS), and it took 4.3 s on a 2.3 MB set file where this scanner takes well under one.

What is read (everything else in ``security ike`` / ``security ipsec`` is an ``IGNORED``
finding with its line):

* ``security ike proposal`` (authentication-method, dh-group, authentication-algorithm,
  encryption-algorithm, prf-algorithm, lifetime-seconds), ``security ike policy`` (mode,
  proposals, proposal-set, pre-shared-key ascii-text / hexadecimal, certificate) and
  ``security ike gateway`` (ike-policy, address, dead-peer-detection, local-identity,
  remote-identity, external-interface, local-address, version).
* ``security ipsec proposal`` (protocol, authentication-algorithm, encryption-algorithm,
  lifetime-seconds, lifetime-kilobytes), ``security ipsec policy``
  (perfect-forward-secrecy keys, proposals, proposal-set) and ``security ipsec vpn``
  (bind-interface, ike gateway / ipsec-policy / proxy-identity, traffic-selector,
  establish-tunnels).
* For the tunnel around them: ``interfaces IF unit N family inet address`` (the local
  address behind ``external-interface``), ``security zones security-zone Z interfaces``,
  address books (global, named with ``attach zone``, and the older zone address books)
  with address sets, tunnel policies ``security policies from-zone A to-zone B policy P``
  (``then permit tunnel ipsec-vpn V``), and ``routing-options static route X next-hop
  st0.N``.

One ParsedTunnel per ``security ipsec vpn``, named after the VPN with our renderer's
``VPN-`` prefix removed. Keywords go back to canonical names through the vendor's tables
(``vendors/juniper_srx/vendor.yaml``); a keyword the table does not hold keeps its raw spelling
and leaves the canonical field None.

Choices (each one is also a finding where it applies):

* Set-format semantics: a later ``set`` of a single-valued leaf replaces the earlier one
  (the key, the DPD mode, an algorithm: an AMBIGUOUS info finding says which is read), a
  later ``set`` of a list (proposals, address, source-address ...) appends. ``delete``
  removes what came before it, ``deactivate`` (and ``inactive:``) make a statement and
  everything under it unread.
* Defaults when a statement is absent come from vendor.yaml ``defaults`` (each with its
  source, recorded in ``ParsedTunnel.defaulted`` and a DEFAULT finding): gateway ``version``
  -> v1-only (IKEv1), IKEv1 ``mode`` -> main, DPD ``interval`` 10 s / ``threshold`` 5, IKE
  ``lifetime-seconds`` -> 28800 s. Not filled: the IPsec SA lifetime (documentation
  disagrees by release: 28800 s in the Junos 9.3 guide, 3600 s in current SRX references)
  and ``lifetime-kilobytes`` (no volume lifetime unless configured): a MISSING info finding.
* DPD timeout = interval x threshold (the renderer writes interval = max(10, timeout // 3)
  and threshold = timeout // interval, so timeouts that are multiples of 3 x 10..60 come
  back exactly). Junos has no DPD action: ``dpd_action`` stays None.
* ``proposal-set`` expands to the predefined proposals of vendor.yaml ``proposal_sets``
  (basic, compatible, standard; prime-* and suiteb-gcm-* are listed without contents:
  reported, not expanded).
* Pre-shared key: ``ascii-text "x"`` is clear; a ``$9$`` value (Junos' keyless reversible
  encoding, shown after commit with ``## SECRET-DATA``) is decoded to the clear key
  (``decode_9``), one that is not well formed stays encrypted. ``hexadecimal "..."`` (after
  a ``$9$`` decoding where written so) is decoded; printable text is clear, binary is kept as
  encrypted. Placeholders (``<SCRUBBED>``, ``*****``) are masked.
* Selectors: ``traffic-selector`` entries in order, else the ``proxy-identity``; a
  route-based VPN with neither negotiates 0.0.0.0/0 both ways: empty selectors, a
  SELECTORS finding, and is a route-based tunnel (``route_based``, below). A
  policy-based VPN takes the address pairs of its tunnel policies, their direction read
  against the zone of the IKE gateway's external interface: a policy to that zone is
  outbound (source-address = local networks), one from it is inbound (read reversed); a
  policy between two other zones (or within that zone), or with that zone not in the text,
  cannot be decided: an AMBIGUOUS warning and no selector from it.

Route-based tunnels: an st0 tunnel without selectors, or with a BGP session, is route-based
(``ParsedTunnel.route_based``); its static routes through the unit are ``routes`` (also
``extra["routes"]``); its BGP session (``ParsedTunnel.bgp``) is the ``protocols bgp`` neighbor in
the unit's subnet, each statement from the most specific level (neighbor, group, protocol),
``local-as`` else ``routing-options autonomous-system``, the announced networks from the
route-filters and prefix lists of the export policies' accepting terms. A backup's preferences
(qualified-next-hop preference, as-path-prepend, import local-preference) are NOT-CARRIED info.

Rules of the findings (vpnconf/parsing/vocabulary.py): ``SYNTAX`` (error: unbalanced braces,
unterminated quotes or comments, a statement without ``;``; warning: a value that is not what
the keyword takes), ``UNCLOSED`` (warning: a block never closed, named, closed at the end of
the text), ``IGNORED`` (info), ``INACTIVE`` (info), ``DEFAULT`` (info: a vendor.yaml default or
predefined proposal set), ``AMBIGUOUS`` (info: a later set of the same leaf; warning: two
readings, a policy direction that cannot be told), ``MISSING`` / ``UNRESOLVED`` (warning;
MISSING info for what Junos fills in itself and the model leaves unknown), ``UNSUPPORTED``
(warning or info), ``KEY`` (the key is masked, encrypted or was decoded), ``BACKUP-PEER``
(info), ``SELECTORS`` (route-based any/any, host bits dropped), ``UNUSED`` (info: an object no
tunnel uses) and ``NO-TUNNEL`` (info).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from vpnconf.catalog import Vendor, vendors
from vpnconf.parsing import (
    Ident,
    ParsedBgp,
    ParsedDevice,
    ParsedTunnel,
    Proposal,
    PskState,
    health_check_pairs,
    ipv4,
    lookup,
    lowest_route_preference,
    small_int,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from vpnconf.findings import Severity

VENDOR = Path(__file__).resolve().parent.name  # the folder is the vendor id


@cache
def _vendor() -> Vendor:
    """The vendor's data (vendor.yaml): defaults, spellings, proposal sets."""
    return vendors()[VENDOR]


def _proposal_set(kind: str, name: str) -> tuple[list[dict[str, Any]] | None, str]:
    """(the proposals of a predefined proposal set, where they come from) from vendor.yaml
    ``proposal_sets``; (None, why) for a set that is unknown or whose contents are not listed."""
    entry = _vendor().proposal_sets.get(kind, {}).get(name)
    if entry is None:
        return None, "not a predefined proposal set this parser knows: its proposals are not read"
    if entry.get("proposals") is None:
        return None, "a predefined proposal set whose contents are not confirmed here: its proposals are not read"
    return list(entry["proposals"]), f"vendor.yaml proposal_sets.{kind}.{name}"


def _prf(keyword: str) -> str | None:
    """The canonical integrity of an AES-GCM IKE proposal from its ``prf-algorithm``
    keyword (vendor.yaml ``spellings.ike_prf``), or None."""
    table = _vendor().spellings.get("ike_prf", {})
    return next((str(c) for c, kw in table.items() if str(kw).lower() == keyword.strip().lower()), None)


def _default(key: str) -> tuple[Any, str]:
    """(value, source) of a documented default (vendor.yaml ``defaults``)."""
    d = _vendor().defaults[key]
    return d["value"], f"vendor.yaml defaults.{key}: {d['source']}"


_CERT_METHODS = frozenset(
    {"rsa-signatures", "dsa-signatures", "ecdsa-signatures-256", "ecdsa-signatures-384", "ecdsa-signatures-521"}
)
_DPD_MODES = frozenset({"optimized", "probe-idle-tunnel", "always-send"})
_SYNTAX_GIVE_UP = 2000  # beyond this many, the text is not a configuration: stop reading
_MAX_DEPTH = 64  # Junos hierarchies are far shallower; deeper nesting is not a configuration

# ----------------------------------------------------------------- scanner
# One token per match, leading blanks included: newlines (with the blank lines and
# indentation after them), block comment, unterminated block comment, '#' comment (only
# where a token starts), quoted string, unterminated quote, punctuation, word.
_TOKEN_RE = re.compile(
    r'[ \t\r\f\v]*(?:(\n\s*)|(/\*.*?\*/)|(/\*)|(#[^\n]*)|("(?:[^"\\]|\\.)*")|(")|([{};\[\]])|([^\s{};\[\]"]+))',
    re.S,
)
# CLI prompt lines pasted with the output ("{master:0}", "{primary:node0}[edit]", "[edit security]")
_PROMPT_LINE_RE = re.compile(r"^[ \t]*(?:\{[\w:.-]*\}[ \t]*(?:\[edit[^\]\n]*\])?|\[edit[^\]\n]*\])[ \t]*$", re.M)
_NL, _BCOMMENT, _BOPEN, _LCOMMENT, _STR, _QOPEN, _PUNCT, _WORD = range(1, 9)
_UNESCAPE_RE = re.compile(r"\\(.)", re.S)
_PROMPT_RE = re.compile(r"^[\w.-]+@[\w.:-]+[#>%]$")
_SET_VERBS = frozenset({"set", "delete", "deactivate", "activate"})
# CLI verbs that may be pasted with a set script; they carry no configuration we read.
_OTHER_VERBS = frozenset(
    {
        "insert",
        "annotate",
        "protect",
        "unprotect",
        "top",
        "up",
        "exit",
        "commit",
        "show",
        "run",
        "load",
        "rollback",
        "quit",
        "configure",
        "edit",
        "rename",
        "copy",
        "status",
        "help",
        "wildcard",
        "request",
    }
)
_MEANINGFUL_VERBS = frozenset({"edit", "rename", "copy", "insert"})
_PREFIXES = frozenset({"inactive:", "replace:", "protect:", "active:", "delete:"})
# Top-level statements worth keeping; the rest is only scanned for balance.
_KEEP = frozenset(
    {
        "security",
        "interfaces",
        "routing-options",
        "routing-instances",
        "protocols",
        "policy-options",
        "logical-systems",
        "tenants",
        "groups",
        "version",
    }
)


@dataclass
class Stmt:
    """One configuration statement: the words of its path (lists flattened), its line,
    the line of the ``inactive:`` / ``deactivate`` that switches it off (None: active),
    and whether it opens a block (hierarchical form) rather than being a leaf."""

    words: list[str]
    line: int
    inactive: int | None = None
    block: bool = False
    off: list[str] | None = None  # the path that was deactivated (this one or a parent)


@dataclass
class _Block:
    words: list[str]
    line: int
    inactive: int | None
    skip: bool = False
    off: list[str] | None = None


class _Scanner:
    """Text -> statements, in order; set commands and hierarchy may be mixed."""

    def __init__(self, text: str, dev: ParsedDevice) -> None:
        self.text = text
        self.dev = dev
        self.stmts: list[Stmt] = []
        self.syntax_count = 0
        self.formats: set[str] = set()
        self.deletes: list[tuple[list[str], int, int]] = []  # (prefix, line, statements before it)
        self.deactivated: list[tuple[list[str], int]] = []
        self.verbs_seen: set[str] = set()

    def syntax(self, line: int | None, msg: str, sev: Severity = "error") -> None:
        self.syntax_count += 1
        self.dev.note("SYNTAX", msg, line=line, severity=sev)

    # -------------------------------------------------------------- run
    def run(self) -> list[Stmt]:
        stack: list[_Block] = []
        cur: list[str] = []
        cur_line = 0
        lst: list[str] | None = None
        lst_line = 0
        verb: str | None = None
        prefix_inactive: int | None = None
        prefix_skip = False
        line = 1

        def inherited() -> int | None:
            return stack[-1].inactive if stack else None

        def skipping() -> bool:
            return bool(stack) and stack[-1].skip

        def emit(words: list[str], at: int, block: bool = False) -> None:
            nonlocal prefix_inactive, prefix_skip
            inactive = prefix_inactive if prefix_inactive is not None else inherited()
            skip = prefix_skip or skipping()
            own = prefix_inactive is not None
            prefix_inactive, prefix_skip = None, False
            if skip:
                return
            path = [w for b in stack for w in b.words] + words
            if path and path[0] in _KEEP:
                off = path if own else (stack[-1].off if stack else None)
                self.stmts.append(Stmt(path, at, inactive, block, off))

        def finish_set() -> None:
            nonlocal verb
            assert verb is not None
            words = list(cur)
            if verb in _SET_VERBS:
                self.formats.add("set")
                if not words:
                    self.syntax(cur_line, f"'{verb}' without a statement")
                elif verb == "set":
                    if words[0] in _KEEP:
                        self.stmts.append(Stmt(words, cur_line))
                elif verb == "delete":
                    self.deletes.append((words, cur_line, len(self.stmts)))
                elif verb == "deactivate":
                    self.deactivated.append((words, cur_line))
                else:  # activate
                    self.deactivated = [d for d in self.deactivated if d[0] != words]
            elif verb in _MEANINGFUL_VERBS and verb not in self.verbs_seen:
                self.verbs_seen.add(verb)
                self.dev.note(
                    "UNSUPPORTED",
                    f"'{verb}' commands change the configuration in ways this parser does not follow; "
                    "paste the output of 'show configuration | display set' instead",
                    line=cur_line,
                    severity="warning",
                )
            verb = None

        for m in _TOKEN_RE.finditer(self.text):
            kind = m.lastindex
            if kind is None:  # whitespace
                continue
            if kind == _NL:
                if verb is not None and lst is None:
                    finish_set()
                    cur = []
                elif cur and lst is None:
                    self.syntax(cur_line, "statement without ';' at the end of its line")
                    emit(cur, cur_line)
                    cur = []
                line += m.group(kind).count("\n")
                continue
            if self.syntax_count > _SYNTAX_GIVE_UP:
                self.dev.note(
                    "SYNTAX",
                    f"more than {_SYNTAX_GIVE_UP} syntax problems: the rest of the text is not read",
                    line=line,
                    severity="error",
                )
                break
            value = m.group(kind)
            if kind in (_BCOMMENT, _STR):
                nls = value.count("\n")
            else:
                nls = 0
            if kind in (_BCOMMENT, _LCOMMENT):
                line += nls
                continue
            if kind == _BOPEN:  # swallows the rest of the text, as it would on the device
                self.syntax(line, "comment '/*' is never closed (truncated text?)")
                break
            if kind == _QOPEN:
                self.syntax(line, "quoted string is never closed (truncated text?)")
                continue
            if kind in (_WORD, _STR):
                word = value if kind == _WORD else _UNESCAPE_RE.sub(r"\1", value[1:-1])
                if lst is not None:
                    lst.append(word)
                elif not cur and verb is None and kind == _WORD and not stack and _PROMPT_RE.match(word):
                    pass  # "user@host# " before a pasted command
                elif (
                    not cur
                    and verb is None
                    and kind == _WORD
                    and not stack
                    and (word in _SET_VERBS or word in _OTHER_VERBS)
                ):
                    verb, cur_line = word, line
                elif not cur and verb is None and kind == _WORD and word in _PREFIXES:
                    if word == "inactive:":
                        prefix_inactive = line
                    elif word == "delete:":
                        prefix_skip = True
                else:
                    if not cur:
                        cur_line = line
                    cur.append(word)
                line += nls
                continue
            # punctuation
            if value == "[":
                if lst is not None:
                    self.syntax(line, "'[' inside a list")
                    continue
                lst, lst_line = [], line
                if not cur and verb is None:
                    cur_line = line
                continue
            if value == "]":
                if lst is None:
                    self.syntax(line, "']' without '['")
                    continue
                if not cur and verb is None:
                    cur_line = lst_line
                cur.extend(lst)
                lst = None
                continue
            if lst is not None:  # ; { } inside a list
                self.syntax(lst_line, "list '[' is never closed with ']'")
                cur.extend(lst)
                lst = None
            if value == ";":
                if verb is not None:
                    finish_set()
                elif cur:
                    self.formats.add("hierarchical")
                    emit(cur, cur_line)
                cur = []
                continue
            if value == "{":
                if verb is not None:
                    self.syntax(cur_line, f"'{{' inside a '{verb}' command")
                    verb = None
                    cur = []
                    continue
                if not cur:
                    self.syntax(line, "'{' without a statement before it")
                if len(stack) >= _MAX_DEPTH:
                    self.syntax(line, f"blocks nested deeper than {_MAX_DEPTH}: the rest of the text is not read")
                    break
                self.formats.add("hierarchical")
                inactive = prefix_inactive if prefix_inactive is not None else inherited()
                skip = prefix_skip or skipping()
                if prefix_inactive is not None:
                    off: list[str] | None = [w for b in stack for w in b.words] + cur
                else:
                    off = stack[-1].off if stack else None
                if not skip:
                    emit(list(cur), cur_line, block=True)
                prefix_inactive, prefix_skip = None, False
                stack.append(_Block(list(cur), cur_line or line, inactive, skip, off))
                cur = []
                continue
            # "}"
            if verb is not None:
                self.syntax(cur_line, f"'}}' inside a '{verb}' command")
                verb = None
                cur = []
            if cur:
                self.syntax(cur_line, "statement without ';' before '}'")
                emit(cur, cur_line)
                cur = []
            if not stack:
                self.syntax(line, "'}' without an open block")
            else:
                stack.pop()
        # end of text
        if lst is not None:
            self.syntax(lst_line, "list '[' is never closed with ']' (truncated text?)")
            cur.extend(lst)
        if verb is not None:
            finish_set()
        elif cur:
            self.syntax(cur_line, "text ends inside a statement (no ';': truncated text?)")
        for depth in range(len(stack) - 1, -1, -1):
            b = stack[depth]
            path = [w for blk in stack[: depth + 1] for w in blk.words]
            what = " ".join(_safe_words(path, 8)) or "{"
            self.dev.note(
                "UNCLOSED",
                f"block '{what}' (line {b.line}) is never closed with '}}': closed at the end of the text "
                "(truncated text?)",
                line=b.line,
                severity="warning",
            )
        return self.apply_commands()

    def apply_commands(self) -> list[Stmt]:
        """``delete`` removes the statements before it under its path; ``deactivate``
        marks statements under its path inactive (wherever they are)."""
        stmts = self.stmts
        if self.deletes:
            honoured = self.deletes[:1000]
            if len(self.deletes) > 1000:
                self.dev.note(
                    "UNSUPPORTED", f"{len(self.deletes) - 1000} 'delete' commands not applied", severity="warning"
                )
            by_head: dict[str, list[tuple[list[str], int]]] = {}
            for prefix, _line, before in honoured:
                by_head.setdefault(prefix[0], []).append((prefix, before))
            kept = []
            for i, st in enumerate(stmts):
                dels = by_head.get(st.words[0], ())
                if any(i < before and st.words[: len(p)] == p for p, before in dels):
                    continue
                kept.append(st)
            stmts = kept
        if self.deactivated:
            deact = self.deactivated[:1000]
            by_head2: dict[str, list[tuple[list[str], int]]] = {}
            for prefix, dline in deact:
                by_head2.setdefault(prefix[0], []).append((prefix, dline))
            for st in stmts:
                for p, dline in by_head2.get(st.words[0], ()):
                    if st.words[: len(p)] == p:
                        st.inactive, st.off = dline, p
                        break
        return stmts


# ------------------------------------------------------------ safe output
_SAFE_WORD_RE = re.compile(r"^[A-Za-z0-9_.:/@+-]{1,48}$")
_SECRET_KEYWORDS = frozenset(
    {
        "pre-shared-key",
        "ascii-text",
        "hexadecimal",
        "seeded-pre-shared-key",
        "key",
        "secret",
        "password",
        "encrypted-password",
        "authentication-key",
        "plain-text-password",
        "psk",
        "simple-password",
        "shared-secret",
    }
)


def _safe_words(words: list[str], limit: int = 8) -> list[str]:
    """The leading words of a path that are plain identifiers, stopping before any value
    that follows a secret-bearing keyword and before quoted or odd text."""
    out: list[str] = []
    for w in words[:limit]:
        if not _SAFE_WORD_RE.match(w) or w.startswith("$"):
            out.append("...")
            break
        out.append(w)
        if w.lower() in _SECRET_KEYWORDS:
            break
    return out


def _safe(word: str) -> str:
    return word if _SAFE_WORD_RE.match(word) and not word.startswith("$") else "?"


# ------------------------------------------------------------------ values


def _ipv4_iface_addr(s: str) -> str | None:
    """``10.0.0.1/24`` -> ``10.0.0.1``."""
    try:
        return str(ipaddress.IPv4Interface(s).ip)
    except ValueError:
        return None


def _v4net(s: str) -> str | None:
    """``10.0.1.0/24`` or ``10.0.1.1`` (a host) -> canonical network; None if not IPv4."""
    try:
        return str(ipaddress.IPv4Network(s, strict=False))
    except ValueError:
        return None


def _is_v6(s: str) -> bool:
    try:
        ipaddress.IPv6Network(s, strict=False)
    except ValueError:
        return False
    return True


def _looks_fqdn(v: str) -> bool:
    from vpnconf.names import check_fqdn

    try:
        check_fqdn(v)
    except ValueError:
        return False
    return True


_MASKED_RE = re.compile(r"^(?:<[^<>]*>|\*+|SECRET-DATA|)$", re.I)
_PRINTABLE_RE = re.compile(r"^[\x20-\x7e]+$")


# Junos "$9$" secrets: a keyless, reversible encoding (Junos decodes it itself with
# "request system decrypt password"; the algorithm is public: Crypt::Juniper, CPAN). The first
# character after "$9$" is a salt whose family says how many filler characters follow; then
# each character of the secret is written as 2-4 characters whose distances in the alphabet
# below, weighted by one row of _J9_ENCODING (rows used in turn), add up to its code.
_J9_FAMILY = ("QzF3n6/9CAtpu0O", "B1IREhcSyrleKvMW8LXx", "7N-dVbwsY2g4oaJZGUDj", "iHkq.mPf5T")
_J9_ALPHABET = "".join(_J9_FAMILY)
_J9_POS = {c: i for i, c in enumerate(_J9_ALPHABET)}
_J9_FILLER = {c: 3 - i for i, fam in enumerate(_J9_FAMILY) for c in fam}
_J9_ENCODING = ((1, 4, 32), (1, 16, 32), (1, 8, 32), (1, 64), (1, 32), (1, 4, 16, 128), (1, 32, 64))


def decode_9(value: str) -> str | None:
    """The clear text of a Junos ``$9$`` secret, or None when ``value`` is not a well-formed
    one (a character outside the alphabet, a character group cut short)."""
    if not value.startswith("$9$"):
        return None
    body = value[3:]
    if not body or any(c not in _J9_POS for c in body):
        return None
    prev = body[0]
    rest = body[1 + _J9_FILLER[prev] :]
    if len(body) < 1 + _J9_FILLER[prev]:
        return None
    out: list[str] = []
    n_alpha = len(_J9_ALPHABET)
    while rest:
        weights = _J9_ENCODING[len(out) % len(_J9_ENCODING)]
        group, rest = rest[: len(weights)], rest[len(weights) :]
        if len(group) != len(weights):
            return None
        code = 0
        for c, w in zip(group, weights, strict=True):
            code += ((_J9_POS[c] - _J9_POS[prev]) % n_alpha - 1) * w
            prev = c
        out.append(chr(code % 256))
    return "".join(out)


def _hex_key(hx: str) -> tuple[str | None, PskState, str]:
    hx = hx.strip()
    if hx[:2].lower() == "0x":
        hx = hx[2:]
    if not hx or len(hx) % 2 or not re.fullmatch(r"[0-9A-Fa-f]+", hx):
        return None, "encrypted", "hexadecimal value that is not hex digits: kept as not readable"
    raw = bytes.fromhex(hx)
    if _PRINTABLE_RE.match(raw.decode("latin-1")):
        return raw.decode("ascii"), "clear", "hexadecimal, decoded to printable text"
    return None, "encrypted", "hexadecimal key that is not printable text (binary): the model cannot hold it"


def psk_from(kind: str | None, value: str) -> tuple[str | None, PskState, str]:
    """A Junos ``pre-shared-key`` value -> (clear key or None, state, note without the key).
    ``$9$`` values (as shown after commit) are decoded; a ``hexadecimal`` one decodes to
    the hex digits, which are decoded in turn."""
    if _MASKED_RE.match(value.strip()):
        return None, "masked", "a placeholder, the key was removed from this text"
    note = ""
    if value.startswith("$9$"):
        clear = decode_9(value)
        if clear is None:
            return None, "encrypted", "a '$9$' value that is not a well-formed Junos $9$ encoding: not decoded"
        if not clear:
            return None, "encrypted", "a '$9$' value that decodes to an empty key"
        if not _PRINTABLE_RE.match(clear):
            return None, "encrypted", "a '$9$' value that decodes to text that is not printable: not read"
        value, note = clear, "Junos $9$ encoding, decoded"
    if kind == "hexadecimal":
        key, state, hex_note = _hex_key(value)
        return key, state, f"{note}; {hex_note}" if note else hex_note
    if kind == "ascii-text":
        return value, "clear", note
    return None, "masked", "no 'ascii-text' or 'hexadecimal' before the value"


# -------------------------------------------------------- intermediate model
@dataclass
class IkeProposalCfg:
    name: str
    line: int
    authentication_method: str | None = None
    dh_group: str | None = None
    authentication_algorithm: str | None = None
    encryption_algorithm: str | None = None
    prf_algorithm: str | None = None
    lifetime_seconds: int | None = None
    lines: dict[str, int] = field(default_factory=dict)

    def proposal(self, ike_version: int | None = None) -> Proposal:
        enc = (
            lookup(VENDOR, "ike_encryption", self.encryption_algorithm, ike_version)
            if self.encryption_algorithm
            else None
        )
        integ = None
        if enc is not None and str(enc).endswith("gcm"):
            # AEAD: the model's integrity of a GCM IKE proposal is its PRF
            if self.prf_algorithm:
                integ = _prf(self.prf_algorithm)
        elif self.authentication_algorithm:
            integ = lookup(VENDOR, "ike_integrity", self.authentication_algorithm, ike_version)
        dh = lookup(VENDOR, "dh_group", self.dh_group, ike_version) if self.dh_group else None
        parts = [
            p
            for p in (self.encryption_algorithm, self.authentication_algorithm, self.prf_algorithm, self.dh_group)
            if p
        ]
        return Proposal(encryption=enc, integrity=integ, dh_group=dh, raw=f"{self.name} ({' '.join(parts) or 'empty'})")


@dataclass
class IkePolicyCfg:
    name: str
    line: int
    mode: str | None = None
    proposals: list[str] = field(default_factory=list)
    proposal_set: str | None = None
    psk_kind: str | None = None  # ascii-text | hexadecimal | None (neither)
    psk: str | None = field(default=None, repr=False)
    psk_state: PskState = "missing"
    psk_note: str = ""
    psk_raw: str | None = field(default=None, repr=False)  # as written ($9$..., hex digits)
    psk_lines: list[int] = field(default_factory=list)
    certificate: bool = False
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class GatewayCfg:
    name: str
    line: int
    ike_policy: str | None = None
    addresses: list[str] = field(default_factory=list)
    dpd: bool = False
    dpd_interval: int | None = None
    dpd_threshold: int | None = None
    dpd_mode: str | None = None
    local_identity: tuple[str, str] | None = None  # (kind, value): inet, hostname, ...
    remote_identity: tuple[str, str] | None = None
    external_interface: str | None = None
    local_address: str | None = None
    version: str | None = None
    dynamic: bool = False
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class IpsecProposalCfg:
    name: str
    line: int
    protocol: str | None = None
    authentication_algorithm: str | None = None
    encryption_algorithm: str | None = None
    lifetime_seconds: int | None = None
    lifetime_kilobytes: int | None = None
    lines: dict[str, int] = field(default_factory=dict)

    def proposal(self, ike_version: int | None = None) -> Proposal:
        enc = (
            lookup(VENDOR, "esp_encryption", self.encryption_algorithm, ike_version)
            if self.encryption_algorithm
            else None
        )
        integ = None
        if self.authentication_algorithm and not (enc is not None and str(enc).endswith("gcm")):
            integ = lookup(VENDOR, "esp_integrity", self.authentication_algorithm, ike_version)
        if self.protocol == "ah":
            enc = None
        parts = [p for p in (self.protocol, self.encryption_algorithm, self.authentication_algorithm) if p]
        return Proposal(encryption=enc, integrity=integ, raw=f"{self.name} ({' '.join(parts) or 'empty'})")


@dataclass
class IpsecPolicyCfg:
    name: str
    line: int
    pfs_keys: str | None = None
    proposals: list[str] = field(default_factory=list)
    proposal_set: str | None = None
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class VpnCfg:
    name: str
    line: int
    bind_interface: str | None = None
    gateway: str | None = None
    ipsec_policy: str | None = None
    proxy_local: str | None = None
    proxy_remote: str | None = None
    proxy_service: str | None = None
    traffic_selectors: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> local-ip/remote-ip
    establish_tunnels: str | None = None
    manual: bool = False
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class SecPolicyCfg:
    from_zone: str
    to_zone: str
    name: str
    line: int
    sources: list[str] = field(default_factory=list)
    destinations: list[str] = field(default_factory=list)
    action: str | None = None  # permit / deny / reject
    ipsec_vpn: str | None = None
    pair_policy: str | None = None


@dataclass
class AddressCfg:
    name: str
    line: int
    prefix: str | None = None
    range: tuple[str, str] | None = None
    other: str | None = None  # dns-name / wildcard-address: not a subnet


@dataclass
class BgpScopeCfg:
    """One level of ``protocols bgp``: the whole protocol, a group or a neighbor (the most
    specific level that sets a statement wins, as in Junos)."""

    line: int
    type: str | None = None
    peer_as: str | None = None
    local_as: str | None = None
    hold_time: str | None = None
    export: list[str] = field(default_factory=list)
    import_: list[str] = field(default_factory=list)
    unread: dict[str, int] = field(default_factory=dict)  # statement -> line, not read
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class BgpGroupCfg(BgpScopeCfg):
    name: str = ""
    neighbors: dict[str, BgpScopeCfg] = field(default_factory=dict)


@dataclass
class PolicyTermCfg:
    """One term of a ``policy-options policy-statement`` (name "" for a statement without
    terms): what it matches and what it does."""

    name: str
    line: int
    route_filters: list[tuple[str, str, int]] = field(default_factory=list)  # (prefix, match type, line)
    prefix_lists: list[tuple[str, int]] = field(default_factory=list)  # (list name, line)
    other_from: list[tuple[str, int]] = field(default_factory=list)  # (from condition, line): protocol ...
    action: str | None = None  # accept | reject
    as_path_prepend: str | None = None
    local_preference: int | None = None


@dataclass
class JunosConfig:
    """What the text says, object by object (names as written, keywords as written)."""

    ike_proposals: dict[str, IkeProposalCfg] = field(default_factory=dict)
    ike_policies: dict[str, IkePolicyCfg] = field(default_factory=dict)
    gateways: dict[str, GatewayCfg] = field(default_factory=dict)
    ipsec_proposals: dict[str, IpsecProposalCfg] = field(default_factory=dict)
    ipsec_policies: dict[str, IpsecPolicyCfg] = field(default_factory=dict)
    vpns: dict[str, VpnCfg] = field(default_factory=dict)
    # address book name ("global", a named book, or "zone:<zone>") -> entries
    addresses: dict[str, dict[str, AddressCfg]] = field(default_factory=dict)
    address_sets: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    book_zones: dict[str, list[str]] = field(default_factory=dict)
    zone_of_interface: dict[str, str] = field(default_factory=dict)
    interface_addresses: dict[str, list[str]] = field(default_factory=dict)  # "ge-0/0/0.0" -> ["10.0.0.1/24"]
    routes: list[tuple[str, str, int]] = field(default_factory=list)  # (prefix, next hop, line)
    route_keys: set[tuple[str, str]] = field(default_factory=set)  # (prefix, next hop) of routes, each once
    route_preferences: dict[tuple[str, str], int] = field(default_factory=dict)  # (prefix, next hop) -> preference
    route_level_preferences: dict[str, tuple[int, int]] = field(default_factory=dict)  # prefix -> (preference, line)
    interface_mtu: dict[str, int] = field(default_factory=dict)  # "st0.1" -> family inet mtu
    tcp_mss_ipsec: int | None = None  # security flow tcp-mss ipsec-vpn mss
    bgp_global: BgpScopeCfg | None = None
    bgp_groups: dict[str, BgpGroupCfg] = field(default_factory=dict)
    autonomous_system: tuple[str, int] | None = None  # (routing-options autonomous-system, line)
    policy_statements: dict[str, dict[str, PolicyTermCfg]] = field(default_factory=dict)
    prefix_lists: dict[str, list[str]] = field(default_factory=dict)
    policies: list[SecPolicyCfg] = field(default_factory=list)
    formats: set[str] = field(default_factory=set)
    version: str | None = None


# ----------------------------------------------------------------- reader
class _Reader:
    """Statements -> the intermediate model."""

    def __init__(self, cfg: JunosConfig, dev: ParsedDevice) -> None:
        self.cfg, self.dev = cfg, dev
        self.reported: set[tuple[str, ...]] = set()
        self.policy_index: dict[tuple[str, str, str], SecPolicyCfg] = {}

    def note(self, rule: str, msg: str, line: int | None, sev: Severity = "info") -> None:
        self.dev.note(rule, msg, line=line, severity=sev)

    def once(self, key: tuple[str, ...], rule: str, msg: str, line: int | None, sev: Severity = "info") -> None:
        if key not in self.reported:
            self.reported.add(key)
            self.note(rule, msg, line, sev)

    def ignored(self, st: Stmt, where: str, key: str) -> None:
        if st.block and key in ("", None):
            return
        self.once(("IGNORED", where, key), "IGNORED", f"{where}: '{_safe(key)}' is not read by this parser", st.line)

    def bad_value(self, st: Stmt, where: str, key: str, value: str | None) -> None:
        shown = _safe(value) if value is not None else "(nothing)"
        self.note("SYNTAX", f"{where}: {key} {shown} is not a value this keyword takes", st.line, "warning")

    # -------------------------------------------------------------- run
    def read(self, stmts: list[Stmt]) -> None:
        for st in stmts:
            w = st.words
            if st.inactive is not None:
                self.inactive(st)
                continue
            head = w[0]
            if head == "security":
                self.security(st, w)
            elif head == "interfaces":
                self.interface(st, w)
            elif head == "routing-options":
                self.route(st, w[1:])
            elif head == "protocols":
                self.protocols(st, w[1:])
            elif head == "policy-options":
                self.policy_options(st, w[1:])
            elif head == "routing-instances" and len(w) > 2 and w[2] == "routing-options":
                self.route(st, w[3:])
            elif head == "routing-instances" and len(w) > 3 and w[2:4] == ["protocols", "bgp"]:
                self.once(
                    ("ri-bgp", w[1]),
                    "UNSUPPORTED",
                    f"routing-instances {_safe(w[1])} protocols bgp: BGP inside a routing instance is not read "
                    "(no tunnel gets this session)",
                    st.line,
                )
            elif head in ("logical-systems", "tenants"):
                if len(w) > 3 and w[2] == "security" and w[3] in ("ike", "ipsec"):
                    self.once(
                        (head, w[1]),
                        "UNSUPPORTED",
                        f"{head} {_safe(w[1])}: IKE/IPsec inside a {head[:-1]} is not read by this parser",
                        st.line,
                        "warning",
                    )
            elif head == "groups":
                if len(w) > 3 and w[2] == "security" and w[3] in ("ike", "ipsec"):
                    self.once(
                        ("groups", w[1]),
                        "UNSUPPORTED",
                        f"configuration group {_safe(w[1])} holds IKE/IPsec statements; groups are not "
                        "applied by this parser (paste 'show configuration | display inheritance')",
                        st.line,
                        "warning",
                    )
            elif head == "version" and len(w) > 1:
                self.cfg.version = w[1]

    def inactive(self, st: Stmt) -> None:
        w = st.words
        if len(w) > 1 and w[0] in ("security", "interfaces", "routing-options", "protocols", "policy-options"):
            off = st.off or w
            self.once(
                ("INACTIVE", str(st.inactive)),
                "INACTIVE",
                f"'{' '.join(_safe_words(off, 10))}' is deactivated: it and what is under it are not read",
                st.inactive,
            )

    def security(self, st: Stmt, w: list[str]) -> None:
        if len(w) < 2:
            return
        sec = w[1]
        if sec == "ike":
            self.ike(st, w[2:])
        elif sec == "ipsec":
            self.ipsec(st, w[2:])
        elif sec == "address-book" and len(w) > 2:
            self.address_book(st, w[2], w[3:])
        elif sec == "zones" and len(w) > 4 and w[2] == "security-zone":
            zone = w[3]
            if w[4] == "interfaces" and len(w) > 5:
                self.cfg.zone_of_interface[w[5]] = zone
            elif w[4] == "address-book":
                self.address_book(st, f"zone:{zone}", w[5:])
        elif sec == "policies":
            self.sec_policy(st, w[2:])
        elif sec == "flow" and len(w) > 5 and w[2:5] == ["tcp-mss", "ipsec-vpn", "mss"]:
            self.cfg.tcp_mss_ipsec = small_int(w[5])

    # -------------------------------------------------------------- IKE
    def ike(self, st: Stmt, r: list[str]) -> None:
        self._object(
            st, r, "security ike", {"proposal": self.ike_proposal, "policy": self.ike_policy, "gateway": self.gateway}
        )

    def _object(
        self, st: Stmt, r: list[str], section: str, handlers: dict[str, Callable[[Stmt, str, str, list[str]], None]]
    ) -> None:
        """`<section> <kind> <name> <key> <args...>` to the kind's handler."""
        if not r:
            return
        kind = r[0]
        handler = handlers.get(kind)
        if handler is None:
            self.ignored(st, section, kind)
            return
        if len(r) < 2:
            if not st.block:
                self.note("SYNTAX", f"{section} {kind} without a name", st.line, "warning")
            return
        handler(st, r[1], r[2] if len(r) > 2 else "", r[3:])

    def ike_proposal(self, st: Stmt, name: str, key: str, args: list[str]) -> None:
        p = self.cfg.ike_proposals.get(name)
        if p is None:
            p = self.cfg.ike_proposals[name] = IkeProposalCfg(name, st.line)
        if not key:
            return
        where = f"ike proposal {_safe(name)}"
        v = args[0] if args else None
        if key in (
            "authentication-method",
            "dh-group",
            "authentication-algorithm",
            "encryption-algorithm",
            "prf-algorithm",
        ):
            if v is None:
                self.bad_value(st, where, key, v)
                return
            setattr(p, key.replace("-", "_"), v)
            p.lines[key] = st.line
        elif key == "lifetime-seconds":
            n = small_int(v or "")
            if n is None:
                self.bad_value(st, where, key, v)
                return
            p.lifetime_seconds = n
            p.lines[key] = st.line
        elif key == "description":
            pass
        else:
            self.ignored(st, where, key)

    def ike_policy(self, st: Stmt, name: str, key: str, args: list[str]) -> None:
        p = self.cfg.ike_policies.get(name)
        if p is None:
            p = self.cfg.ike_policies[name] = IkePolicyCfg(name, st.line)
        if not key:
            return
        where = f"ike policy {_safe(name)}"
        if key == "mode":
            if not args or args[0] not in ("main", "aggressive"):
                self.bad_value(st, where, key, args[0] if args else None)
                return
            p.mode = args[0]
            p.lines[key] = st.line
        elif key == "proposals":
            for a in args:
                if a not in p.proposals:
                    p.proposals.append(a)
            p.lines.setdefault(key, st.line)
        elif key == "proposal-set":
            if not args:
                self.bad_value(st, where, key, None)
                return
            p.proposal_set = args[0]
            p.lines[key] = st.line
        elif key == "pre-shared-key":
            if not args:
                if not st.block:
                    self.bad_value(st, where, key, None)
                return
            if args[0] in ("ascii-text", "hexadecimal"):
                if len(args) < 2:
                    return  # "pre-shared-key { ascii-text ...; }" block header, or nothing
                kind: str | None = args[0]
                value = args[1]
            else:
                kind, value = None, args[0]
            if p.psk_lines:
                self.note(
                    "AMBIGUOUS",
                    f"{where}: pre-shared-key set again; this one replaces the key of line {p.psk_lines[-1]}",
                    st.line,
                )
            p.psk_kind = kind
            p.psk, p.psk_state, p.psk_note = psk_from(kind, value)
            p.psk_raw = value
            p.psk_lines.append(st.line)
            p.lines[key] = st.line
            if kind is None:
                self.note(
                    "SYNTAX",
                    f"{where}: pre-shared-key without 'ascii-text' or 'hexadecimal' (read as {p.psk_state})",
                    st.line,
                    "warning",
                )
        elif key == "certificate":
            p.certificate = True
            p.lines.setdefault(key, st.line)
        elif key in ("description", "reauth-frequency"):
            pass
        else:
            self.ignored(st, where, key)

    def gateway(self, st: Stmt, name: str, key: str, args: list[str]) -> None:
        g = self.cfg.gateways.get(name)
        if g is None:
            g = self.cfg.gateways[name] = GatewayCfg(name, st.line)
        if not key:
            return
        where = f"ike gateway {_safe(name)}"
        v = args[0] if args else None
        if key == "ike-policy":
            if v is None:
                self.bad_value(st, where, key, v)
                return
            g.ike_policy = v
            g.lines[key] = st.line
        elif key == "address":
            for a in args:
                if a not in g.addresses:
                    g.addresses.append(a)
            g.lines.setdefault(key, st.line)
        elif key == "dead-peer-detection":
            g.dpd = True
            g.lines.setdefault(key, st.line)
            if v is None:
                return
            if v in ("interval", "threshold"):
                n = small_int(args[1]) if len(args) > 1 else None
                if n is None:
                    self.bad_value(st, where, f"dead-peer-detection {v}", args[1] if len(args) > 1 else None)
                    return
                setattr(g, f"dpd_{v}", n)
                g.lines[f"dpd-{v}"] = st.line
            elif v in _DPD_MODES:
                if g.dpd_mode and g.dpd_mode != v:
                    self.note("AMBIGUOUS", f"{where}: dead-peer-detection {v} replaces {g.dpd_mode}", st.line)
                g.dpd_mode = v
            else:
                self.ignored(st, f"{where} dead-peer-detection", v)
        elif key in ("local-identity", "remote-identity"):
            if v is None:
                return
            value = " ".join(args[1:])
            if v == "distinguished-name" and st.block:
                value = ""
            ident = (v, value)
            if key == "local-identity":
                g.local_identity = ident
            else:
                g.remote_identity = ident
            g.lines[key] = st.line
        elif key == "external-interface":
            if v is None:
                self.bad_value(st, where, key, v)
                return
            g.external_interface = v
            g.lines[key] = st.line
        elif key == "local-address":
            if v is None:
                self.bad_value(st, where, key, v)
                return
            g.local_address = v
            g.lines[key] = st.line
        elif key == "version":
            if v not in ("v1-only", "v2-only"):
                self.bad_value(st, where, key, v)
                return
            g.version = v
            g.lines[key] = st.line
        elif key == "dynamic":
            g.dynamic = True
            g.lines.setdefault(key, st.line)
        elif key == "description":
            pass
        else:
            self.ignored(st, where, key)

    # ------------------------------------------------------------ IPsec
    def ipsec(self, st: Stmt, r: list[str]) -> None:
        self._object(
            st, r, "security ipsec", {"proposal": self.ipsec_proposal, "policy": self.ipsec_policy, "vpn": self.vpn}
        )

    def ipsec_proposal(self, st: Stmt, name: str, key: str, args: list[str]) -> None:
        p = self.cfg.ipsec_proposals.get(name)
        if p is None:
            p = self.cfg.ipsec_proposals[name] = IpsecProposalCfg(name, st.line)
        if not key:
            return
        where = f"ipsec proposal {_safe(name)}"
        v = args[0] if args else None
        if key in ("protocol", "authentication-algorithm", "encryption-algorithm"):
            if v is None:
                self.bad_value(st, where, key, v)
                return
            if key == "protocol" and v not in ("esp", "ah", "bundle"):
                self.bad_value(st, where, key, v)
                return
            old = getattr(p, key.replace("-", "_"))
            if old is not None and old != v:
                self.note("AMBIGUOUS", f"{where}: {key} {_safe(v)} replaces {_safe(old)}", st.line)
            setattr(p, key.replace("-", "_"), v)
            p.lines[key] = st.line
        elif key in ("lifetime-seconds", "lifetime-kilobytes"):
            n = small_int(v or "")
            if n is None:
                self.bad_value(st, where, key, v)
                return
            setattr(p, key.replace("-", "_"), n)
            p.lines[key] = st.line
        elif key == "description":
            pass
        else:
            self.ignored(st, where, key)

    def ipsec_policy(self, st: Stmt, name: str, key: str, args: list[str]) -> None:
        p = self.cfg.ipsec_policies.get(name)
        if p is None:
            p = self.cfg.ipsec_policies[name] = IpsecPolicyCfg(name, st.line)
        if not key:
            return
        where = f"ipsec policy {_safe(name)}"
        if key == "perfect-forward-secrecy":
            if not args:
                return
            if args[0] != "keys" or len(args) < 2:
                if not st.block:
                    self.ignored(st, f"{where} perfect-forward-secrecy", args[0])
                return
            p.pfs_keys = args[1]
            p.lines[key] = st.line
        elif key == "proposals":
            for a in args:
                if a not in p.proposals:
                    p.proposals.append(a)
            p.lines.setdefault(key, st.line)
        elif key == "proposal-set":
            if not args:
                self.bad_value(st, where, key, None)
                return
            p.proposal_set = args[0]
            p.lines[key] = st.line
        elif key == "description":
            pass
        else:
            self.ignored(st, where, key)

    def vpn(self, st: Stmt, name: str, key: str, args: list[str]) -> None:
        vpn = self.cfg.vpns.get(name)
        if vpn is None:
            vpn = self.cfg.vpns[name] = VpnCfg(name, st.line)
        if not key:
            return
        where = f"ipsec vpn {_safe(name)}"
        v = args[0] if args else None
        if key == "bind-interface":
            if v is None:
                self.bad_value(st, where, key, v)
                return
            vpn.bind_interface = v
            vpn.lines[key] = st.line
        elif key == "ike":
            if v is None:
                return
            rest = args[1:]
            if v in ("gateway", "ipsec-policy"):
                if not rest:
                    self.bad_value(st, where, f"ike {v}", None)
                    return
                setattr(vpn, "gateway" if v == "gateway" else "ipsec_policy", rest[0])
                vpn.lines[f"ike-{v}"] = st.line
            elif v == "proxy-identity":
                if not rest:
                    return
                if rest[0] in ("local", "remote", "service") and len(rest) > 1:
                    setattr(vpn, f"proxy_{rest[0]}", rest[1])
                    vpn.lines[f"proxy-{rest[0]}"] = st.line
                else:
                    self.ignored(st, f"{where} ike proxy-identity", rest[0])
            else:
                self.ignored(st, f"{where} ike", v)
        elif key == "traffic-selector":
            if v is None:
                if not st.block:
                    self.bad_value(st, where, key, v)
                return
            ts = vpn.traffic_selectors.setdefault(v, {})
            vpn.lines.setdefault(f"ts:{v}", st.line)
            if len(args) > 2 and args[1] in ("local-ip", "remote-ip"):
                ts[args[1]] = args[2]
            elif len(args) > 1:
                self.ignored(st, f"{where} traffic-selector", args[1])
        elif key == "establish-tunnels":
            vpn.establish_tunnels = v
            vpn.lines[key] = st.line
        elif key == "manual":
            vpn.manual = True
            vpn.lines.setdefault(key, st.line)
        elif key == "description":
            pass
        else:
            self.ignored(st, where, key)

    # --------------------------------------------------- zones, addresses
    def address_book(self, st: Stmt, book: str, r: list[str]) -> None:
        if len(r) < 2:
            return
        kind, name, rest = r[0], r[1], r[2:]
        if kind == "attach" and name == "zone" and rest:
            self.cfg.book_zones.setdefault(book, []).append(rest[0])
            return
        if kind == "address":
            entries = self.cfg.addresses.setdefault(book, {})
            a = entries.get(name)
            if a is None:
                a = entries[name] = AddressCfg(name, st.line)
            if not rest or rest[0] == "description":
                return
            if rest[0] == "range-address" and len(rest) > 3 and rest[2] == "to":
                a.range = (rest[1], rest[3])
            elif rest[0] in ("dns-name", "wildcard-address"):
                a.other = rest[0]
            elif rest[0] == "ip-prefix" and len(rest) > 1:
                a.prefix = rest[1]
            else:
                a.prefix = rest[0]
        elif kind == "address-set":
            members = self.cfg.address_sets.setdefault(book, {}).setdefault(name, [])
            if len(rest) > 1 and rest[0] in ("address", "address-set") and rest[1] not in members:
                members.append(rest[1])

    def sec_policy(self, st: Stmt, r: list[str]) -> None:
        if len(r) >= 6 and r[0] == "from-zone" and r[2] == "to-zone" and r[4] == "policy":
            fz, tz, name, rest = r[1], r[3], r[5], r[6:]
        elif len(r) >= 3 and r[0] == "global" and r[1] == "policy":
            fz, tz, name, rest = "", "", r[2], r[3:]
        else:
            return
        key = (fz, tz, name)
        p = self.policy_index.get(key)
        if p is None:
            p = self.policy_index[key] = SecPolicyCfg(fz, tz, name, st.line)
            self.cfg.policies.append(p)
        if not rest:
            return
        if rest[0] == "match" and len(rest) > 2:
            if rest[1] == "source-address":
                p.sources.extend(a for a in rest[2:] if a not in p.sources)
            elif rest[1] == "destination-address":
                p.destinations.extend(a for a in rest[2:] if a not in p.destinations)
            elif rest[1] == "from-zone" and not fz:
                p.from_zone = rest[2]
            elif rest[1] == "to-zone" and not tz:
                p.to_zone = rest[2]
        elif rest[0] == "then" and len(rest) > 1:
            if rest[1] in ("permit", "deny", "reject"):
                p.action = rest[1]
            if rest[1] == "permit" and len(rest) > 4 and rest[2] == "tunnel":
                if rest[3] == "ipsec-vpn":
                    p.ipsec_vpn = rest[4]
                elif rest[3] == "pair-policy":
                    p.pair_policy = rest[4]

    def interface(self, st: Stmt, w: list[str]) -> None:
        # "interfaces st0.1 family inet ..." is the short form of "interfaces st0 unit 1 family inet ..."
        if len(w) > 2 and "." in w[1] and w[2] == "family":
            ifname, unit = w[1].split(".", 1)
            w = [w[0], ifname, "unit", unit, *w[2:]]
        # interfaces IF unit N family inet mtu M
        if len(w) > 7 and w[2] == "unit" and w[4] == "family" and w[5] == "inet" and w[6] == "mtu":
            n = small_int(w[7])
            if n is not None:
                self.cfg.interface_mtu[f"{w[1]}.{w[3]}"] = n
            return
        # interfaces IF unit N family inet address A [primary ...]
        if len(w) > 7 and w[2] == "unit" and w[4] == "family" and w[5] == "inet" and w[6] == "address":
            addrs = self.cfg.interface_addresses.setdefault(f"{w[1]}.{w[3]}", [])
            if w[7] not in addrs:
                if len(w) > 8 and w[8] == "primary":
                    addrs.insert(0, w[7])
                else:
                    addrs.append(w[7])
            elif len(w) > 8 and w[8] == "primary":
                addrs.remove(w[7])
                addrs.insert(0, w[7])

    def route(self, st: Stmt, r: list[str]) -> None:
        # routing-options static route X next-hop NH / qualified-next-hop NH [preference P]
        if len(r) > 4 and r[0] == "static" and r[1] == "route" and r[3] in ("next-hop", "qualified-next-hop"):
            if (r[2], r[4]) not in self.cfg.route_keys:
                self.cfg.route_keys.add((r[2], r[4]))
                self.cfg.routes.append((r[2], r[4], st.line))
            if r[3] == "qualified-next-hop" and len(r) > 6 and r[5] == "preference":
                n = small_int(r[6])
                if n is not None:
                    self.cfg.route_preferences[(r[2], r[4])] = n
        elif len(r) > 4 and r[0] == "static" and r[1] == "route" and r[3] == "preference":
            # routing-options static route X preference P: every next hop of the route
            n = small_int(r[4])
            if n is not None:
                self.cfg.route_level_preferences[r[2]] = (n, st.line)
        elif len(r) > 1 and r[0] == "autonomous-system":
            self.cfg.autonomous_system = (r[1], st.line)

    # ----------------------------------------------------------- BGP
    _BGP_LISTS = {"export": "export", "import": "import_"}
    _BGP_VALUES = {"type": "type", "peer-as": "peer_as", "local-as": "local_as", "hold-time": "hold_time"}

    def protocols(self, st: Stmt, r: list[str]) -> None:
        """``protocols bgp [group G [neighbor N]] <statement>``: the statements a tunnel's
        BGP session is built from, at the level they are written."""
        if not r or r[0] != "bgp":
            return
        cfg = self.cfg
        rest = r[1:]
        if rest[:1] == ["group"] and len(rest) > 1:
            g = cfg.bgp_groups.get(rest[1])
            if g is None:
                g = cfg.bgp_groups[rest[1]] = BgpGroupCfg(st.line, name=rest[1])
            scope: BgpScopeCfg = g
            rest = rest[2:]
            if rest[:1] == ["neighbor"] and len(rest) > 1:
                nb = g.neighbors.get(rest[1])
                if nb is None:
                    nb = g.neighbors[rest[1]] = BgpScopeCfg(st.line)
                scope, rest = nb, rest[2:]
        else:
            if cfg.bgp_global is None:
                cfg.bgp_global = BgpScopeCfg(st.line)
            scope = cfg.bgp_global
        if not rest:
            return
        key, args = rest[0], rest[1:]
        if key in self._BGP_LISTS and args:
            lst = getattr(scope, self._BGP_LISTS[key])
            lst.extend(a for a in args if a not in lst)
            scope.lines.setdefault(key, st.line)
        elif key in self._BGP_VALUES and args:
            setattr(scope, self._BGP_VALUES[key], args[0])
            scope.lines[key] = st.line
        elif key not in ("description", "neighbor", "group") or not st.block:
            scope.unread.setdefault(key, st.line)

    def policy_options(self, st: Stmt, r: list[str]) -> None:
        """``policy-options prefix-list L X`` and ``policy-statement P [term T] from|then ...``."""
        cfg = self.cfg
        if len(r) > 2 and r[0] == "prefix-list":
            lst = cfg.prefix_lists.setdefault(r[1], [])
            if r[2] not in lst:
                lst.append(r[2])
            return
        if len(r) < 2 or r[0] != "policy-statement":
            if len(r) == 2 and r[0] == "prefix-list":
                cfg.prefix_lists.setdefault(r[1], [])
            return
        terms = cfg.policy_statements.setdefault(r[1], {})
        rest = r[2:]
        tname = ""
        if rest[:1] == ["term"] and len(rest) > 1:
            tname, rest = rest[1], rest[2:]
        term = terms.get(tname)
        if term is None:
            term = terms[tname] = PolicyTermCfg(tname, st.line)
        if len(rest) < 2:
            return
        what, args = rest[0], rest[1:]
        if what == "from":
            if args[0] == "route-filter" and len(args) > 1:
                kind = " ".join(args[2:]) or "exact"
                if not any(f[0] == args[1] for f in term.route_filters):
                    term.route_filters.append((args[1], kind, st.line))
            elif args[0] in ("prefix-list", "prefix-list-filter") and len(args) > 1:
                if not any(x[0] == args[1] for x in term.prefix_lists):
                    term.prefix_lists.append((args[1], st.line))
            else:
                term.other_from.append((" ".join(args[:2]), st.line))
        elif what == "then":
            if args[0] in ("accept", "reject"):
                term.action = args[0]
            elif args[0] == "as-path-prepend" and len(args) > 1:
                term.as_path_prepend = args[1]
            elif args[0] == "local-preference" and len(args) > 1:
                term.local_preference = small_int(args[1])


# ---------------------------------------------------------------- builder
class _Builder:
    """The intermediate model -> tunnels, one per ``security ipsec vpn``. Objects shared
    by several VPNs (a policy, a proposal) are reported once."""

    def __init__(self, cfg: JunosConfig, dev: ParsedDevice) -> None:
        self.cfg, self.dev = cfg, dev
        self.reported: set[tuple[str, ...]] = set()
        self.noted: set[tuple[str, str, int | None]] = set()
        self._routes_via: dict[str, list[tuple[str, str, int]]] | None = None

    def note(self, rule: str, msg: str, line: int | None, sev: Severity = "info") -> None:
        if (rule, msg, line) in self.noted:
            return
        self.noted.add((rule, msg, line))
        self.dev.note(rule, msg, line=line, severity=sev)

    def once(self, key: tuple[str, ...], rule: str, msg: str, line: int | None, sev: Severity = "info") -> None:
        if key not in self.reported:
            self.reported.add(key)
            self.note(rule, msg, line, sev)

    def build(self) -> None:
        cfg = self.cfg
        for vpn in cfg.vpns.values():
            self.dev.tunnels.append(self.tunnel(vpn))
        if not cfg.vpns:
            read = (
                f"{len(cfg.ike_proposals)} IKE proposals, {len(cfg.ike_policies)} IKE policies, "
                f"{len(cfg.gateways)} IKE gateways, {len(cfg.ipsec_proposals)} IPsec proposals, "
                f"{len(cfg.ipsec_policies)} IPsec policies"
            )
            self.note("NO-TUNNEL", f"no 'security ipsec vpn' in this text, so no tunnel (read: {read})", None)
        self.unused()

    def unused(self) -> None:
        cfg = self.cfg
        used_gw = {v.gateway for v in cfg.vpns.values()}
        used_ipsec_pol = {v.ipsec_policy for v in cfg.vpns.values()}
        used_ike_pol = {g.ike_policy for g in cfg.gateways.values()}
        used_ike_prop = {n for p in cfg.ike_policies.values() for n in p.proposals}
        used_ipsec_prop = {n for p in cfg.ipsec_policies.values() for n in p.proposals}
        for what, objs, used, by in (
            ("ike proposal", cfg.ike_proposals, used_ike_prop, "ike policy"),
            ("ike policy", cfg.ike_policies, used_ike_pol, "ike gateway"),
            ("ike gateway", cfg.gateways, used_gw, "ipsec vpn"),
            ("ipsec proposal", cfg.ipsec_proposals, used_ipsec_prop, "ipsec policy"),
            ("ipsec policy", cfg.ipsec_policies, used_ipsec_pol, "ipsec vpn"),
        ):
            for name, obj in objs.items():
                if name not in used:
                    self.note("UNUSED", f"{what} {_safe(name)} is used by no {by} in this text", obj.line)

    # ----------------------------------------------------------- tunnel
    def tunnel(self, vpn: VpnCfg) -> ParsedTunnel:
        cfg = self.cfg
        name = vpn.name[4:] if vpn.name.startswith("VPN-") and len(vpn.name) > 4 else vpn.name
        t = ParsedTunnel(name=name, line=vpn.line)
        t.variant = "route" if vpn.bind_interface else "policy"
        t.extra.update(
            vpn=vpn.name,
            format="+".join(sorted(cfg.formats)) or None,
            bind_interface=vpn.bind_interface,
            establish_tunnels=vpn.establish_tunnels,
            ike_gateway=vpn.gateway,
            ipsec_policy=vpn.ipsec_policy,
        )
        if cfg.version:
            t.extra["junos_version"] = cfg.version
        what = f"ipsec vpn {_safe(vpn.name)}"
        if vpn.manual:
            self.note(
                "UNSUPPORTED",
                f"{what}: manual SA (static keys), not IKE: not carried",
                vpn.lines.get("manual"),
                "error",
            )
        gw = None
        if vpn.gateway is None:
            self.note(
                "MISSING", f"{what}: no 'ike gateway': no peer and no phase 1 for this tunnel", vpn.line, "warning"
            )
        else:
            gw = cfg.gateways.get(vpn.gateway)
            if gw is None:
                self.note(
                    "UNRESOLVED",
                    f"{what}: ike gateway {_safe(vpn.gateway)} is not defined in this text",
                    vpn.lines.get("ike-gateway"),
                    "warning",
                )
        if gw is not None:
            self.phase1(t, gw)
        else:
            t.auth = "unknown"
        if vpn.ipsec_policy is None:
            self.note("MISSING", f"{what}: no 'ike ipsec-policy': no phase 2 proposal", vpn.line, "warning")
        else:
            pol = cfg.ipsec_policies.get(vpn.ipsec_policy)
            if pol is None:
                self.note(
                    "UNRESOLVED",
                    f"{what}: ipsec policy {_safe(vpn.ipsec_policy)} is not defined in this text",
                    vpn.lines.get("ike-ipsec-policy"),
                    "warning",
                )
            else:
                self.phase2(t, pol)
        if vpn.bind_interface:
            self.route_selectors(t, vpn)
        else:
            self.policy_selectors(t, vpn, gw)
        return t

    # ----------------------------------------------------------- phase 1
    def phase1(self, t: ParsedTunnel, gw: GatewayCfg) -> None:
        cfg = self.cfg
        where = f"ike gateway {_safe(gw.name)}"
        t.extra["ike_gateway"] = gw.name
        if gw.dynamic:
            self.note(
                "UNSUPPORTED",
                f"{where}: dynamic peer (no fixed address): not a site-to-site peer the model holds",
                gw.lines.get("dynamic"),
                "error",
            )
        if gw.addresses:
            first = gw.addresses[0]
            if ipv4(first):
                t.peer_address = ipv4(first)
            else:
                t.extra["peer_hostname"] = first
                self.note(
                    "UNSUPPORTED",
                    f"{where}: peer address {_safe(first)} is not an IPv4 address",
                    gw.lines.get("address"),
                    "error",
                )
            if len(gw.addresses) > 1:
                t.extra["backup_peers"] = gw.addresses[1:]
                t.backup_peers = [a for a in (ipv4(x) for x in gw.addresses[1:]) if a is not None]
                self.note(
                    "BACKUP-PEER",
                    f"{where}: {len(gw.addresses)} peer addresses; the tunnel's peer is the first ({_safe(first)}), "
                    f"the others ({', '.join(_safe(a) for a in gw.addresses[1:])}) are its backup peers",
                    gw.lines.get("address"),
                    "info",
                )
                for a in gw.addresses[1:]:
                    if ipv4(a) is None:
                        self.note(
                            "UNSUPPORTED",
                            f"{where}: backup peer address {_safe(a)} is not an IPv4 address",
                            gw.lines.get("address"),
                            "warning",
                        )
        elif not gw.dynamic:
            self.note("MISSING", f"{where}: no 'address': no peer", gw.line, "warning")
        # version
        if gw.version is None:
            t.ike_version, src = _default("ike_version")
            t.defaulted["ike_version"] = src
            kw = _vendor().defaults["ike_version"]["keyword"]
            self.note("DEFAULT", f"{where}: no 'version': Junos default {kw} (IKEv{t.ike_version}; {src})", gw.line)
        else:
            t.ike_version = 1 if gw.version == "v1-only" else 2
        t.extra["ike_version_keyword"] = gw.version
        # local address
        if gw.local_address:
            t.local_address = ipv4(gw.local_address)
            if t.local_address is None:
                self.note(
                    "UNSUPPORTED",
                    f"{where}: local-address {_safe(gw.local_address)} is not IPv4",
                    gw.lines.get("local-address"),
                    "error",
                )
        if gw.external_interface:
            iface = gw.external_interface if "." in gw.external_interface else f"{gw.external_interface}.0"
            t.extra["external_interface"] = gw.external_interface
            addrs = cfg.interface_addresses.get(iface, [])
            if t.local_address is None:
                if addrs:
                    t.local_address = _ipv4_iface_addr(addrs[0])
                    t.extra["local_address_from"] = f"interfaces {iface} family inet address"
                else:
                    self.note(
                        "MISSING",
                        f"{where}: external-interface {_safe(iface)} has no 'family inet address' in this text: "
                        "local address unknown",
                        gw.lines.get("external-interface"),
                    )
        elif not gw.local_address:
            self.note("MISSING", f"{where}: no 'external-interface'", gw.line, "warning")
        # identities
        t.local_id = self.ident(gw.local_identity, where, "local-identity", gw.lines.get("local-identity"))
        t.peer_id = self.ident(gw.remote_identity, where, "remote-identity", gw.lines.get("remote-identity"))
        # DPD
        if gw.dpd:
            t.dpd_enabled = True
            interval, threshold = gw.dpd_interval, gw.dpd_threshold
            filled, sources = [], []
            if interval is None:
                interval, src = _default("dpd_interval")
                filled.append(f"interval {interval}")
                sources.append(src)
            if threshold is None:
                threshold, src = _default("dpd_threshold")
                filled.append(f"threshold {threshold}")
                sources.append(src)
            if filled:
                t.defaulted["dpd_timeout"] = "; ".join(sources)
                self.note(
                    "DEFAULT",
                    f"{where}: dead-peer-detection without {' and '.join(f.split()[0] for f in filled)}: "
                    f"Junos default {', '.join(filled)} ({'; '.join(sources)})",
                    gw.lines.get("dead-peer-detection"),
                )
            t.dpd_timeout = interval * threshold
            t.extra.update(
                dpd_interval=interval, dpd_threshold=threshold, dpd_mode=gw.dpd_mode or _default("dpd_mode")[0]
            )
        # phase 1 policy
        if gw.ike_policy is None:
            self.note("MISSING", f"{where}: no 'ike-policy': no IKE proposal, mode or key", gw.line, "warning")
            t.auth = "unknown"
            return
        pol = cfg.ike_policies.get(gw.ike_policy)
        if pol is None:
            self.note(
                "UNRESOLVED",
                f"{where}: ike policy {_safe(gw.ike_policy)} is not defined in this text",
                gw.lines.get("ike-policy"),
                "warning",
            )
            t.auth = "unknown"
            return
        self.ike_policy(t, pol)

    def ident(self, ident: tuple[str, str] | None, where: str, key: str, line: int | None) -> Ident | None:
        if ident is None:
            return None
        kind, value = ident
        if kind == "inet":
            if ipv4(value):
                return Ident("address", str(ipv4(value)))
        elif kind == "hostname":
            if _looks_fqdn(value):
                return Ident("fqdn", value)
        elif kind not in ("user-at-hostname", "distinguished-name", "inet6", "key-id"):
            self.note("SYNTAX", f"{where}: {key} {_safe(kind)} is not an identity type", line, "warning")
        shown = f"{kind} {value}".strip()
        return Ident("other", shown)

    def ike_policy(self, t: ParsedTunnel, pol: IkePolicyCfg) -> None:
        cfg = self.cfg
        where = f"ike policy {_safe(pol.name)}"
        t.extra["ike_policy"] = pol.name
        ver = t.ike_version
        # mode
        if ver == 2:
            t.mode = "main"
            if pol.mode == "aggressive":
                self.note(
                    "UNSUPPORTED",
                    f"{where}: mode aggressive has no meaning with IKEv2 (version v2-only)",
                    pol.lines.get("mode"),
                    "info",
                )
        elif pol.mode is None:
            t.mode, src = _default("mode")
            t.defaulted["mode"] = src
            self.note("DEFAULT", f"{where}: no 'mode': Junos default {t.mode} ({src})", pol.line)
        else:
            t.mode = "aggressive" if pol.mode == "aggressive" else "main"
        # proposals
        methods: list[str] = []
        lifetimes: list[int | None] = []
        if pol.proposals:
            if pol.proposal_set:
                self.note(
                    "AMBIGUOUS",
                    f"{where}: both 'proposals' and 'proposal-set'; the proposals are read",
                    pol.lines.get("proposal-set"),
                    "warning",
                )
            for n in pol.proposals:
                prop = cfg.ike_proposals.get(n)
                if prop is None:
                    self.note(
                        "UNRESOLVED",
                        f"{where}: ike proposal {_safe(n)} is not defined in this text",
                        pol.lines.get("proposals"),
                        "warning",
                    )
                    continue
                p = prop.proposal(ver)
                self.check_ike_proposal(prop, p)
                t.ike_proposals.append(p)
                methods.append(prop.authentication_method or "")
                lifetimes.append(prop.lifetime_seconds)
        elif pol.proposal_set:
            expanded, src = _proposal_set("ike", pol.proposal_set)
            if expanded is None:
                self.note(
                    "UNSUPPORTED",
                    f"{where}: proposal-set {_safe(pol.proposal_set)}: {src}",
                    pol.lines.get("proposal-set"),
                    "error",
                )
            else:
                for e in expanded:
                    t.ike_proposals.append(
                        Proposal(
                            encryption=lookup(VENDOR, "ike_encryption", e["encryption"], ver),
                            integrity=lookup(VENDOR, "ike_integrity", e["integrity"], ver),
                            dh_group=lookup(VENDOR, "dh_group", e["dh_group"], ver),
                            raw=f"{e['name']} (proposal-set {pol.proposal_set})",
                        )
                    )
                    methods.append("pre-shared-keys")
                    lifetimes.append(None)
                t.extra["ike_proposal_set"] = pol.proposal_set
                t.defaulted["ike_proposals"] = src
                self.note(
                    "DEFAULT",
                    f"{where}: proposal-set {pol.proposal_set} read as the predefined proposals "
                    f"{', '.join(e['name'] for e in expanded)} ({src})",
                    pol.lines.get("proposal-set"),
                )
        else:
            self.note(
                "MISSING", f"{where}: neither 'proposals' nor 'proposal-set': no IKE proposal", pol.line, "warning"
            )
        if lifetimes:
            first = lifetimes[0]
            default_lifetime, src = _default("ike_lifetime")
            if first is None:
                t.ike_lifetime = default_lifetime
                t.defaulted["ike_lifetime"] = src
                self.note(
                    "DEFAULT",
                    f"{where}: IKE SA lifetime not set: Junos default {default_lifetime} s ({src})",
                    pol.lines.get("proposals") or pol.lines.get("proposal-set") or pol.line,
                )
            else:
                t.ike_lifetime = first
            others = {x or default_lifetime for x in lifetimes[1:]} - {t.ike_lifetime}
            if others:
                self.note(
                    "UNSUPPORTED",
                    f"{where}: the proposals have different lifetimes; the tunnel holds the first ({t.ike_lifetime} s)",
                    pol.lines.get("proposals"),
                    "info",
                )
        # authentication
        if pol.certificate or (methods and methods[0] in _CERT_METHODS):
            t.auth, t.psk_state = "certificate", "certificate"
            return
        if methods and methods[0] not in ("", "pre-shared-keys"):
            t.auth = "unknown"
            self.note(
                "UNSUPPORTED",
                f"{where}: authentication-method {_safe(methods[0])} is not a pre-shared key",
                pol.line,
                "error",
            )
        elif methods and methods[0] == "" and pol.psk_lines:
            self.note(
                "MISSING",
                f"{where}: the first proposal has no authentication-method; pre-shared key assumed "
                "from the policy's pre-shared-key",
                pol.line,
            )
        if not pol.psk_lines:
            t.psk_state = "missing"
            self.note("MISSING", f"{where}: no pre-shared-key", pol.line, "warning")
            return
        t.psk, t.psk_state = pol.psk, pol.psk_state
        t.extra["psk_line"] = pol.psk_lines[-1]
        if pol.psk_raw is not None and pol.psk_raw != pol.psk:
            t.extra["psk_raw"] = pol.psk_raw
        if pol.psk_state != "clear":
            self.once(
                ("psk", pol.name),
                "KEY",
                f"{where}: pre-shared-key is {pol.psk_state} ({pol.psk_note})",
                pol.psk_lines[-1],
                "warning" if pol.psk_state != "masked" else "info",
            )
        elif pol.psk_note:
            self.once(("psk", pol.name), "KEY", f"{where}: pre-shared-key: {pol.psk_note}", pol.psk_lines[-1])

    def check_ike_proposal(self, prop: IkeProposalCfg, p: Proposal) -> None:
        where = f"ike proposal {_safe(prop.name)}"
        for key, kw, val in (
            ("encryption-algorithm", prop.encryption_algorithm, p.encryption),
            ("dh-group", prop.dh_group, p.dh_group),
        ):
            if kw is None:
                self.once(("ike-prop", prop.name, key), "MISSING", f"{where}: no {key}", prop.line, "warning")
            elif val is None:
                self.once(
                    ("ike-prop", prop.name, key),
                    "UNSUPPORTED",
                    f"{where}: {key} {_safe(kw)} has no canonical name",
                    prop.lines.get(key),
                    "error",
                )
        gcm = p.encryption is not None and str(p.encryption).endswith("gcm")
        key = "prf-algorithm" if gcm else "authentication-algorithm"
        kw = prop.prf_algorithm if gcm else prop.authentication_algorithm
        if kw is None:
            self.once(
                ("ike-prop", prop.name, key),
                "MISSING",
                f"{where}: no {key}",
                prop.line,
                "warning" if not gcm else "info",
            )
        elif p.integrity is None:
            self.once(
                ("ike-prop", prop.name, key),
                "UNSUPPORTED",
                f"{where}: {key} {_safe(kw)} has no canonical name",
                prop.lines.get(key),
                "error",
            )

    # ----------------------------------------------------------- phase 2
    def phase2(self, t: ParsedTunnel, pol: IpsecPolicyCfg) -> None:
        cfg = self.cfg
        where = f"ipsec policy {_safe(pol.name)}"
        t.extra["ipsec_policy"] = pol.name
        ver = t.ike_version
        set_pfs: str | None = None
        set_src = ""
        expanded = False
        first_prop: IpsecProposalCfg | None = None
        if pol.proposals:
            if pol.proposal_set:
                self.note(
                    "AMBIGUOUS",
                    f"{where}: both 'proposals' and 'proposal-set'; the proposals are read",
                    pol.lines.get("proposal-set"),
                    "warning",
                )
            for n in pol.proposals:
                prop = cfg.ipsec_proposals.get(n)
                if prop is None:
                    self.note(
                        "UNRESOLVED",
                        f"{where}: ipsec proposal {_safe(n)} is not defined in this text",
                        pol.lines.get("proposals"),
                        "warning",
                    )
                    continue
                first_prop = first_prop or prop
                p = prop.proposal(ver)
                self.check_ipsec_proposal(prop, p)
                t.esp_proposals.append(p)
        elif pol.proposal_set:
            props, set_src = _proposal_set("ipsec", pol.proposal_set)
            if props is None:
                self.note(
                    "UNSUPPORTED",
                    f"{where}: proposal-set {_safe(pol.proposal_set)}: {set_src}",
                    pol.lines.get("proposal-set"),
                    "error",
                )
            else:
                expanded = True
                set_pfs = _vendor().proposal_sets["ipsec"][pol.proposal_set].get("pfs")
                for e in props:
                    t.esp_proposals.append(
                        Proposal(
                            encryption=lookup(VENDOR, "esp_encryption", e["encryption"], ver),
                            integrity=lookup(VENDOR, "esp_integrity", e["integrity"], ver),
                            raw=f"{e['name']} (proposal-set {pol.proposal_set})",
                        )
                    )
                t.extra["ipsec_proposal_set"] = pol.proposal_set
                t.defaulted["esp_proposals"] = set_src
                self.note(
                    "DEFAULT",
                    f"{where}: proposal-set {pol.proposal_set} read as the predefined proposals "
                    f"{', '.join(e['name'] for e in props)} ({set_src})",
                    pol.lines.get("proposal-set"),
                )
        else:
            self.note(
                "MISSING", f"{where}: neither 'proposals' nor 'proposal-set': no ESP proposal", pol.line, "warning"
            )
        # PFS
        if pol.pfs_keys is not None:
            t.pfs = lookup(VENDOR, "pfs_group", pol.pfs_keys, ver)
            if t.pfs is None:
                self.note(
                    "UNSUPPORTED",
                    f"{where}: perfect-forward-secrecy keys {_safe(pol.pfs_keys)} has no canonical name",
                    pol.lines.get("perfect-forward-secrecy"),
                    "error",
                )
            if expanded and set_pfs is None:
                self.note(
                    "AMBIGUOUS",
                    f"{where}: proposal-set {pol.proposal_set} names 'nopfs' proposals but "
                    f"perfect-forward-secrecy keys {_safe(pol.pfs_keys)} is set; the explicit PFS is read",
                    pol.lines.get("perfect-forward-secrecy"),
                    "info",
                )
        elif set_pfs is not None:
            t.pfs = lookup(VENDOR, "pfs_group", set_pfs, ver)
            t.defaulted["pfs"] = set_src
            self.note(
                "DEFAULT",
                f"{where}: proposal-set {pol.proposal_set} proposes PFS {set_pfs} ({set_src})",
                pol.lines.get("proposal-set"),
            )
        # lifetimes (of the first proposal)
        if first_prop is not None:
            t.ipsec_lifetime_seconds = first_prop.lifetime_seconds
            t.ipsec_lifetime_kb = first_prop.lifetime_kilobytes
            if first_prop.lifetime_seconds is None:
                self.note(
                    "MISSING",
                    f"ipsec proposal {_safe(first_prop.name)}: no lifetime-seconds: the Junos default applies "
                    "(documented as 3600 s for current SRX releases, 28800 s for older ones); left unknown",
                    first_prop.line,
                )
            others = {
                (q.lifetime_seconds, q.lifetime_kilobytes)
                for n in pol.proposals[1:]
                if (q := cfg.ipsec_proposals.get(n)) is not None
            }
            if others - {(first_prop.lifetime_seconds, first_prop.lifetime_kilobytes)}:
                self.note(
                    "UNSUPPORTED",
                    f"{where}: the proposals have different lifetimes; the tunnel holds those of "
                    f"{_safe(first_prop.name)}",
                    pol.lines.get("proposals"),
                    "info",
                )
        elif expanded:
            self.note(
                "MISSING",
                f"{where}: proposal-set {pol.proposal_set}: IPsec SA lifetime is the Junos default; left unknown",
                pol.lines.get("proposal-set"),
            )

    def check_ipsec_proposal(self, prop: IpsecProposalCfg, p: Proposal) -> None:
        where = f"ipsec proposal {_safe(prop.name)}"
        if prop.protocol is None:
            self.once(
                ("ipsec-prop", prop.name, "protocol"), "MISSING", f"{where}: no 'protocol'; read as ESP", prop.line
            )
        elif prop.protocol == "ah":
            self.once(
                ("ipsec-prop", prop.name, "protocol"),
                "UNSUPPORTED",
                f"{where}: protocol ah (no encryption); the service uses ESP",
                prop.lines.get("protocol"),
                "error",
            )
            return
        elif prop.protocol == "bundle":
            self.once(
                ("ipsec-prop", prop.name, "protocol"),
                "UNSUPPORTED",
                f"{where}: protocol bundle (AH + ESP); the service uses ESP alone: read as its ESP part",
                prop.lines.get("protocol"),
                "warning",
            )
        if prop.encryption_algorithm is None:
            self.once(
                ("ipsec-prop", prop.name, "enc"), "MISSING", f"{where}: no encryption-algorithm", prop.line, "warning"
            )
        elif p.encryption is None:
            self.once(
                ("ipsec-prop", prop.name, "enc"),
                "UNSUPPORTED",
                f"{where}: encryption-algorithm {_safe(prop.encryption_algorithm)} has no canonical name",
                prop.lines.get("encryption-algorithm"),
                "error",
            )
        gcm = p.encryption is not None and str(p.encryption).endswith("gcm")
        if gcm and prop.authentication_algorithm:
            self.once(
                ("ipsec-prop", prop.name, "auth"),
                "UNSUPPORTED",
                f"{where}: authentication-algorithm {_safe(prop.authentication_algorithm)} with an AES-GCM "
                "encryption-algorithm (GCM authenticates itself; Junos does not take both): not read",
                prop.lines.get("authentication-algorithm"),
                "warning",
            )
        elif not gcm and prop.authentication_algorithm is None:
            self.once(
                ("ipsec-prop", prop.name, "auth"),
                "MISSING",
                f"{where}: no authentication-algorithm",
                prop.line,
                "warning",
            )
        elif not gcm and p.integrity is None:
            self.once(
                ("ipsec-prop", prop.name, "auth"),
                "UNSUPPORTED",
                f"{where}: authentication-algorithm {_safe(prop.authentication_algorithm or '')} has no canonical name",
                prop.lines.get("authentication-algorithm"),
                "error",
            )

    # --------------------------------------------------------- selectors
    def add_pair(self, t: ParsedTunnel, local: str, remote: str, where: str, line: int | None) -> None:
        a, b = _v4net(local), _v4net(remote)
        if a is None or b is None:
            bad = local if a is None else remote
            if _is_v6(bad):
                self.note("UNSUPPORTED", f"{where}: IPv6 selector {_safe(bad)} not carried", line, "error")
            else:
                self.note("SYNTAX", f"{where}: selector {_safe(bad)} is not an IPv4 prefix", line, "warning")
            return
        for given, net in ((local, a), (remote, b)):
            if "/" in given and given != net:
                self.note("SELECTORS", f"{where}: {_safe(given)} has host bits set; read as {net}", line)
        if (a, b) not in t.selectors:
            t.selectors.append((a, b))

    def routes_via(self) -> dict[str, list[tuple[str, str, int]]]:
        """The static routes by next hop (an interface for a route-based VPN), in order, built once."""
        if self._routes_via is None:
            self._routes_via = {}
            for r in self.cfg.routes:
                self._routes_via.setdefault(r[1], []).append(r)
        return self._routes_via

    def route_selectors(self, t: ParsedTunnel, vpn: VpnCfg) -> None:
        where = f"ipsec vpn {_safe(vpn.name)}"
        routes = self.routes_via().get(vpn.bind_interface or "", [])
        t.extra["routes"] = [r[0] for r in routes]
        has_proxy = vpn.proxy_local is not None or vpn.proxy_remote is not None
        if vpn.traffic_selectors:
            if has_proxy:
                self.note(
                    "AMBIGUOUS",
                    f"{where}: both proxy-identity and traffic-selector (Junos takes one or the "
                    "other); the traffic selectors are read",
                    vpn.lines.get("proxy-local") or vpn.line,
                    "warning",
                )
            t.extra["traffic_selectors"] = list(vpn.traffic_selectors)
            for ts_name, ts in vpn.traffic_selectors.items():
                line = vpn.lines.get(f"ts:{ts_name}")
                if "local-ip" not in ts or "remote-ip" not in ts:
                    self.note(
                        "MISSING",
                        f"{where}: traffic-selector {_safe(ts_name)} lacks "
                        f"{'local-ip' if 'local-ip' not in ts else 'remote-ip'}",
                        line,
                        "warning",
                    )
                    continue
                self.add_pair(t, ts["local-ip"], ts["remote-ip"], f"{where} traffic-selector {_safe(ts_name)}", line)
        elif has_proxy:
            local = vpn.proxy_local or "0.0.0.0/0"
            remote = vpn.proxy_remote or "0.0.0.0/0"
            line = vpn.lines.get("proxy-local") or vpn.lines.get("proxy-remote")
            service = vpn.proxy_service or "any"
            t.extra["proxy_identity_service"] = service
            if service != "any":
                self.note(
                    "UNSUPPORTED",
                    f"{where}: proxy-identity service {_safe(service)} narrows the selector to "
                    "an application; not carried",
                    vpn.lines.get("proxy-service"),
                    "warning",
                )
            if (_v4net(local), _v4net(remote)) != ("0.0.0.0/0", "0.0.0.0/0"):
                self.add_pair(t, local, remote, f"{where} proxy-identity", line)
        if not t.selectors:
            via = (
                f"; static routes via {vpn.bind_interface}: {', '.join(_safe(r) for r in t.extra['routes'])}"
                if routes
                else ""
            )
            self.note(
                "SELECTORS",
                f"{where}: route-based without proxy-identity or traffic-selector: the SA is negotiated as "
                f"0.0.0.0/0 <-> 0.0.0.0/0 (any/any); no selector is recorded{via}",
                vpn.line,
            )
        self.route_based(t, vpn, routes)

    def route_preference(self, t: ParsedTunnel, routes: list[tuple[str, str, int]], unit: str, where: str) -> None:
        """``route_preference``: the preference of the static routes via the st0 unit (a
        qualified next hop's own, else the route's, else the Junos default of vendor.yaml
        ``defaults.static_route_preference``: DEFAULT); different ones: the lowest, AMBIGUOUS."""
        cfg = self.cfg
        dflt, src = _default("static_route_preference")
        got: list[tuple[int | None, int | None, str]] = []  # (preference or None, line, name)
        name = f"static route via {_safe(unit)}"
        for prefix, _nh, line in routes:
            own = cfg.route_preferences.get((prefix, unit))
            lvl = cfg.route_level_preferences.get(prefix)
            if own is not None:
                got.append((own, line, name))
            elif lvl is not None:
                got.append((lvl[0], lvl[1], name))
            else:
                got.append((None, line, name))
        lowest_route_preference(self.dev, t, got, (int(dflt), src), "preferences", _safe(unit), where=where)

    def route_based(self, t: ParsedTunnel, vpn: VpnCfg, routes: list[tuple[str, str, int]]) -> None:
        """The tunnel behind an st0 unit: its static routes, the BGP session whose neighbor is in
        the unit's subnet, MTU and MSS. A tunnel without selectors (any/any) or with a BGP session
        is route-based (``ParsedTunnel.route_based``); one with selectors stays the SPD it says."""
        cfg = self.cfg
        unit = vpn.bind_interface or ""
        where = f"ipsec vpn {_safe(vpn.name)}"
        t.extra["st0_unit"] = unit
        for prefix, _nh, line in routes:
            net = _v4net(prefix)
            if net is None:
                self.note(
                    "SYNTAX", f"static route {_safe(prefix)} via {_safe(unit)} is not an IPv4 prefix", line, "warning"
                )
            elif net not in t.routes:
                t.routes.append(net)
        t.bgp = self.bgp_session(t, unit, where)
        t.point_to_point, hc_routes = health_check_pairs(
            cfg.interface_addresses.get(unit, []), [r for r, _nh, _l in routes], t.bgp.peer_ip if t.bgp else None
        )
        if hc_routes:  # the host route to the cloud's health-check end is no VPC range
            routes = [r for r in routes if r[0] not in hc_routes]
            t.routes = [n for n in t.routes if all(n != _v4net(h) for h in hc_routes)]
        self.route_preference(t, routes, unit, where)
        if unit in cfg.interface_mtu:
            t.extra["st0_mtu"] = cfg.interface_mtu[unit]
        if cfg.tcp_mss_ipsec is not None:
            t.extra["tcp_mss_ipsec_vpn"] = cfg.tcp_mss_ipsec
        t.route_based = not t.selectors or t.bgp is not None

    def bgp_session(self, t: ParsedTunnel, unit: str, where: str) -> ParsedBgp | None:
        """The BGP neighbor in the subnet of the st0 unit, with the statements of its neighbor,
        group and protocol levels (the most specific one wins)."""
        cfg = self.cfg
        iface = None
        for a in cfg.interface_addresses.get(unit, []):
            try:
                iface = ipaddress.IPv4Interface(a)
            except ValueError:
                continue
            break
        if iface is None:
            return None
        found = [
            (g, ip, nb)
            for g in cfg.bgp_groups.values()
            for ip, nb in g.neighbors.items()
            if ipv4(ip) is not None
            and ipaddress.IPv4Address(ip) in iface.network
            and ipaddress.IPv4Address(ip) != iface.ip
        ]
        if not found:
            return None
        g, ip, nb = found[0]
        if len(found) > 1:
            self.note(
                "AMBIGUOUS",
                f"{where}: {len(found)} BGP neighbors in the subnet {iface.network} of {_safe(unit)}; the first "
                f"({_safe(ip)}, group {_safe(g.name)}) is read",
                nb.line,
                "warning",
            )
        scopes = [s for s in (nb, g, cfg.bgp_global) if s is not None]
        gw = f"protocols bgp group {_safe(g.name)} neighbor {_safe(ip)}"

        def pick(attr: str) -> tuple[str | None, int | None]:
            for s in scopes:
                val = getattr(s, attr)
                if val:
                    return val, s.lines.get(attr.replace("_", "-").rstrip("-"))
            return None, None

        b = ParsedBgp(local_ip=str(iface.ip), peer_ip=str(ipaddress.IPv4Address(ip)), prefixlen=iface.network.prefixlen)
        b.line = nb.line
        t.extra["bgp_group"] = g.name
        kind, kind_line = pick("type")
        t.extra["bgp_type"] = kind
        if kind == "internal":
            self.note(
                "UNSUPPORTED", f"{gw}: type internal (IBGP); the cloud's session is external", kind_line, "warning"
            )
        for attr, field_name, what in (("peer_as", "peer_asn", "peer-as"), ("local_as", "local_asn", "local-as")):
            val, line = pick(attr)
            if val is None and attr == "local_as" and cfg.autonomous_system is not None:
                val, line = cfg.autonomous_system
                what = "routing-options autonomous-system"
            if val is None:
                self.note(
                    "MISSING",
                    f"{gw}: no {what}" + (" or routing-options autonomous-system" if attr == "local_as" else ""),
                    nb.line,
                    "warning",
                )
                continue
            n = small_int(val)
            if n is None:
                self.note("UNSUPPORTED", f"{gw}: {what} {_safe(val)} is not a plain AS number", line, "warning")
                continue
            setattr(b, field_name, n)
        hold, hold_line = pick("hold_time")
        if hold is not None:
            b.hold_time = small_int(hold)
            if b.hold_time is None:
                self.note("SYNTAX", f"{gw}: hold-time {_safe(hold)} is not a number", hold_line, "warning")
            elif b.hold_time:
                # Junos has no keepalive statement: it sends keepalives at a third of the hold time
                divisor, src = _default("bgp_keepalive_divisor")
                b.keepalive = max(1, b.hold_time // int(divisor))
                t.defaulted["bgp.keepalive"] = src
                self.note(
                    "DEFAULT",
                    f"{gw}: keepalive {b.keepalive} s, a third of hold-time {b.hold_time} ({src})",
                    hold_line,
                )
        for s in scopes:
            for key, line in s.unread.items():
                self.once(
                    ("bgp-unread", key, str(line)), "IGNORED", f"{gw}: '{_safe(key)}' is not read by this parser", line
                )
        exports, _ = pick("export")
        imports, _ = pick("import_")
        b.advertise = self.announced(list(exports or []), gw, nb.line)
        prepend = [
            term.as_path_prepend
            for p in (exports or [])
            for term in cfg.policy_statements.get(p, {}).values()
            if term.as_path_prepend
        ]
        local_pref = [
            term.local_preference
            for p in (imports or [])
            for term in cfg.policy_statements.get(p, {}).values()
            if term.local_preference is not None
        ]
        if len(set(local_pref)) == 1:
            b.local_preference = local_pref[0]
        elif local_pref:
            self.note(
                "AMBIGUOUS",
                f"{gw}: the import policies set local-preference {', '.join(str(x) for x in local_pref)}: "
                "bgp.local_preference not read",
                nb.line,
                "warning",
            )
        if prepend:
            t.extra["bgp_as_path_prepend"] = prepend
            self.note(
                "NOT-CARRIED",
                f"{gw}: export as-path-prepend {', '.join(' '.join(_safe(w) for w in x.split()) for x in prepend)}"
                " (how the cloud is told this is a pair's backup): not carried",
                nb.line,
            )
        return b

    def announced(self, exports: list[str], gw: str, line: int) -> list[str]:
        """The networks the export policies accept: route-filters and prefix lists of their
        accepting terms, in order. A term that accepts by another condition (protocol, ...) or by
        none names no network: said, not guessed."""
        cfg = self.cfg
        out: list[str] = []
        if not exports:
            self.note("MISSING", f"{gw}: no export policy: which networks are announced is not in the text", line)
            return out
        for pname in exports:
            terms = cfg.policy_statements.get(pname)
            if terms is None:
                self.note(
                    "UNRESOLVED", f"{gw}: export policy {_safe(pname)} is not defined in this text", line, "warning"
                )
                continue
            for term in terms.values():
                if term.action != "accept":
                    continue
                where = f"policy-statement {_safe(pname)}" + (f" term {_safe(term.name)}" if term.name else "")
                nets: list[str] = []
                for prefix, kind, fline in term.route_filters:
                    net = _v4net(prefix)
                    if net is None:
                        self.note(
                            "SYNTAX", f"{where}: route-filter {_safe(prefix)} is not an IPv4 prefix", fline, "warning"
                        )
                        continue
                    if kind != "exact":
                        self.note(
                            "UNSUPPORTED",
                            f"{where}: route-filter {net} {_safe(kind)} also announces more specific routes; read as {net}",
                            fline,
                            "info",
                        )
                    nets.append(net)
                for lname, pline in term.prefix_lists:
                    members = cfg.prefix_lists.get(lname)
                    if members is None:
                        self.note(
                            "UNRESOLVED",
                            f"{where}: prefix-list {_safe(lname)} is not defined in this text",
                            pline,
                            "warning",
                        )
                        continue
                    nets.extend(n for n in (_v4net(m) for m in members) if n is not None)
                if not nets:
                    cond = (
                        ", ".join(" ".join(_safe(w) for w in c.split()) for c, _ in term.other_from) or "no condition"
                    )
                    self.note(
                        "UNSUPPORTED",
                        f"{where}: accepts by {cond}, not by route-filter or prefix-list: the networks it announces "
                        "are not in the text",
                        term.line,
                        "warning",
                    )
                out.extend(n for n in nets if n not in out)
        return out

    def policy_selectors(self, t: ParsedTunnel, vpn: VpnCfg, gw: GatewayCfg | None) -> None:
        cfg = self.cfg
        where = f"ipsec vpn {_safe(vpn.name)}"
        pols = [p for p in cfg.policies if p.ipsec_vpn == vpn.name]
        t.extra["policies"] = [f"{p.from_zone}>{p.to_zone}:{p.name}" for p in pols]
        if not pols:
            self.note(
                "MISSING",
                f"{where}: no bind-interface and no security policy 'then permit tunnel ipsec-vpn {_safe(vpn.name)}': "
                "no traffic selector",
                vpn.line,
                "warning",
            )
            return
        # Which side of a tunnel policy is local: the zone of the gateway's external interface
        # is the side of the peer. A policy from another zone to it is outbound (its
        # source-address are the local networks), one from it to another zone is inbound (read
        # reversed). Anything else (neither zone, both, or the zone not in the text) cannot be
        # decided: said, and the policy gives no selector.
        iface = None
        if gw is not None and gw.external_interface:
            iface = gw.external_interface if "." in gw.external_interface else f"{gw.external_interface}.0"
        ext_zone = cfg.zone_of_interface.get(iface) if iface else None
        t.extra["external_zone"] = ext_zone
        if ext_zone is None:
            why = (
                f"the zone of the gateway's external interface {_safe(iface)} is not in this text"
                if iface
                else "the gateway's external interface is not known"
            )
            self.note(
                "AMBIGUOUS",
                f"{where}: {why}: which side of its tunnel policies is local cannot be told; "
                "no selector is read from them (paste 'security zones')",
                vpn.line,
                "warning",
            )
            return
        for p in pols:
            pw = f"security policy {_safe(p.name)}"
            if p.action not in (None, "permit"):
                continue
            if not p.sources or not p.destinations:
                self.note("MISSING", f"{pw}: no source-address or destination-address", p.line, "warning")
                continue
            if p.to_zone == ext_zone and p.from_zone != ext_zone:
                inbound = False
            elif p.from_zone == ext_zone and p.to_zone != ext_zone:
                inbound = True
            else:
                self.note(
                    "AMBIGUOUS",
                    f"{pw}: from-zone {_safe(p.from_zone) if p.from_zone else '?'} to-zone "
                    f"{_safe(p.to_zone) if p.to_zone else '?'}: "
                    f"{'both are' if p.from_zone == p.to_zone == ext_zone else 'neither is'} the zone "
                    f"{_safe(ext_zone)} of the gateway's external interface {_safe(iface or '')}, so which side is "
                    "local cannot be told; its addresses are not read as selectors",
                    p.line,
                    "warning",
                )
                continue
            src = self.resolve(p.sources, p.from_zone, pw, p.line)
            dst = self.resolve(p.destinations, p.to_zone, pw, p.line)
            if src is None or dst is None:
                continue
            pairs = [(b, a) for a in src for b in dst] if inbound else [(a, b) for a in src for b in dst]
            for a, b in pairs:
                self.add_pair(t, a, b, pw, p.line)

    def resolve(self, names: list[str], zone: str, where: str, line: int) -> list[str] | None:
        out: list[str] = []
        for n in names:
            nets = self.address(n, zone, where, line, set())
            if nets is None:
                return None
            out.extend(x for x in nets if x not in out)
        return out

    def books_for(self, zone: str) -> list[str]:
        cfg = self.cfg
        order = [f"zone:{zone}"] + [b for b, zs in cfg.book_zones.items() if zone in zs] + ["global"]
        order += [b for b in list(cfg.addresses) + list(cfg.address_sets) if b not in order]
        return list(dict.fromkeys(order))

    def address(self, name: str, zone: str, where: str, line: int, seen: set[str]) -> list[str] | None:
        cfg = self.cfg
        if name in ("any", "any-ipv4"):
            return ["0.0.0.0/0"]
        if name == "any-ipv6":
            return []
        if name in seen:
            self.note("UNRESOLVED", f"{where}: address-set {_safe(name)} contains itself", line, "warning")
            return None
        for book in self.books_for(zone):
            a = cfg.addresses.get(book, {}).get(name)
            if a is not None:
                if a.prefix is not None:
                    net = _v4net(a.prefix)
                    if net is None:
                        if _is_v6(a.prefix):
                            return []
                        self.note(
                            "UNRESOLVED", f"{where}: address {_safe(name)} is not an IPv4 prefix", a.line, "warning"
                        )
                        return None
                    return [net]
                if a.range is not None:
                    lo, hi = ipv4(a.range[0]), ipv4(a.range[1])
                    if lo is None or hi is None or ipaddress.IPv4Address(hi) < ipaddress.IPv4Address(lo):
                        self.note(
                            "UNRESOLVED", f"{where}: address range {_safe(name)} is not readable", a.line, "warning"
                        )
                        return None
                    nets = ipaddress.summarize_address_range(ipaddress.IPv4Address(lo), ipaddress.IPv4Address(hi))
                    return [str(n) for n in nets]
                self.note(
                    "UNRESOLVED",
                    f"{where}: address {_safe(name)} is a {a.other or 'entry without a prefix'}, not a subnet",
                    a.line,
                    "warning",
                )
                return None
            members = cfg.address_sets.get(book, {}).get(name)
            if members is not None:
                out: list[str] = []
                for m in members:
                    sub = self.address(m, zone, where, line, seen | {name})
                    if sub is None:
                        return None
                    out.extend(x for x in sub if x not in out)
                return out
        self.note(
            "UNRESOLVED",
            f"{where}: address {_safe(name)} is not defined in this text (paste its address-book entry)",
            line,
            "warning",
        )
        return None


# ------------------------------------------------------------------- API
def parse_config(text: str, name: str) -> tuple[JunosConfig, ParsedDevice]:
    """The intermediate reading (proposals, policies, gateways, VPNs as the text says them)
    and the parsed device. ``text`` is decoded text (``vpnconf.parsing.parse_text`` decodes
    bytes and turns a failure of this parser into one INTERNAL finding)."""
    dev = ParsedDevice(vendor=VENDOR, file=name)
    cfg = JunosConfig()
    text = _PROMPT_LINE_RE.sub("", text.replace("\r\n", "\n"))  # keeps the line count
    scanner = _Scanner(text, dev)
    stmts = scanner.run()
    cfg.formats = scanner.formats
    _Reader(cfg, dev).read(stmts)
    _Builder(cfg, dev).build()
    return cfg, dev


def parse(text: str, name: str) -> ParsedDevice:
    """The ``security ipsec vpn`` entries of a Junos text (set or hierarchical) as tunnels,
    with findings."""
    return parse_config(text, name)[1]
