"""Fortinet FortiGate (FortiOS) configuration parser.

Reads what a user pastes from ``show`` / ``show full-configuration`` (or a
backup file, or a CLI script such as the one ``vpnconf render`` writes):
``config <path>`` / ``edit <name>`` / ``set <key> <values>`` / ``next`` /
``end``, nested ``config`` blocks, ``unset`` / ``append`` / ``select`` /
``unselect``, double- or single-quoted values with backslash escapes (quoted
values may span lines, as certificates and comments do), ``#`` comment lines
and CLI prompts.

The config tree is built by a small scanner of its own rather than netutils'
``FortinetConfigParser``: that one drops ``next``/``end`` and relies on
indentation (so it cannot report unbalanced blocks, nor read an unindented
script), keeps no line numbers and raises on some inputs. Only the blocks the
tunnels need are kept (``vpn ipsec *``, ``firewall address``/``addrgrp``/
``policy``, ``system interface`` and the ``vdom``/``global`` wrappers); the
rest of a full backup is only scanned for balance.

One ParsedTunnel per ``vpn ipsec phase1-interface`` entry (variant
``interface``) or ``vpn ipsec phase1`` entry (variant ``policy``), named after
the phase1 entry (our renderer names phase1 after the tunnel). Every phase2
(``phase2-interface`` / ``phase2``) entry whose ``phase1name`` is that phase1,
in the same VDOM, adds its selectors; the first one gives the ESP proposals,
PFS and lifetimes (a later entry that differs is reported).

Choices (documented here and in the findings):

* ``dhgrp`` applies to every phase1 proposal, so the IKE proposals are the
  cross product proposal x group, proposals first (``aes128-sha1 aes256-sha1``
  with ``dhgrp 14 5`` -> aes128-sha1/14, aes128-sha1/5, aes256-sha1/14, ...).
* A phase2 ``dhgrp`` list with PFS on: the first group is the PFS group; a
  finding lists the others.
* DPD timeout = ``dpd-retryinterval`` x ``dpd-retrycount`` (our template writes
  interval = max(10, timeout // 3) and count 3). FortiOS has no DPD action
  keyword: ``dpd_action`` stays None.
* A key absent from the text takes the FortiOS default (``show`` omits
  defaults) and a ``DEFAULT`` finding says so; where the default differs by
  release (ike-version: IKEv2 for new tunnels in FortiOS 8.0; the initial
  proposal lists changed in 6.0.1) the finding says that too.
* Phase2 selectors of 0.0.0.0/0 both ways (the FortiOS default, typical of
  route-based tunnels) are any/any: no selector is recorded and a finding
  says the SPD has to come from elsewhere.

Rules of the findings: ``SYNTAX`` (error: unbalanced config/edit/next/end,
truncated text, unterminated quotes; warning: a value of the wrong form),
``IGNORED`` (info: a statement or key inside a VPN block this parser does not
read), ``DEFAULT`` (info: a FortiOS default assumed), ``UNSUPPORTED`` (warning:
a setting that changes the negotiation and that the model cannot hold),
``UNRESOLVED`` (warning: an address name that cannot be turned into subnets),
``MISSING`` (warning: phase1 without phase2, phase2 without phase1, no key ...),
``NOT-CARRIED`` (warning: any/any selectors), ``NO-TUNNEL`` and ``PARSER-BUG``.
No finding ever carries a key: values are quoted only for keys known to hold
no secret, statements only by their verb.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from vpnconf.parsing import Ident, ParsedDevice, ParsedTunnel, Proposal, lookup

TYPE_CHECKING = False
if TYPE_CHECKING:
    from vpnconf.findings import Severity

VENDOR = "fortinet_fortios"

# ------------------------------------------------------------- detection
_RE_P1 = re.compile(r"^[ \t]*config[ \t]+vpn[ \t]+ipsec[ \t]+phase1(?:-interface)?[ \t]*\r?$", re.M)
_RE_P2 = re.compile(r"^[ \t]*config[ \t]+vpn[ \t]+ipsec[ \t]+phase2(?:-interface)?[ \t]*\r?$", re.M)
_RE_VPN = re.compile(r"^[ \t]*config[ \t]+vpn[ \t]+ipsec[ \t]+\S+", re.M)
_RE_FW = re.compile(
    r"^[ \t]*config[ \t]+(?:firewall[ \t]+(?:policy|address|addrgrp)|system[ \t]+(?:interface|global))[ \t]*\r?$", re.M
)
_RE_EDIT = re.compile(r"^[ \t]*edit[ \t]+\S", re.M)
_RE_NEXT = re.compile(r"^[ \t]*next[ \t]*\r?$", re.M)
_RE_END = re.compile(r"^[ \t]*end[ \t]*\r?$", re.M)
_RE_SET = re.compile(r"^[ \t]*set[ \t]+[a-z0-9][a-z0-9-]*[ \t]", re.M)


def detect(text: str) -> tuple[float, str]:
    """FortiOS ``config``/``edit``/``set``/``next``/``end`` text; IPsec blocks score highest."""
    try:
        if not isinstance(text, str) or not text:
            return 0.0, "empty"
        structure = bool(_RE_EDIT.search(text) and _RE_NEXT.search(text) and _RE_END.search(text))
        sets = bool(_RE_SET.search(text))
        if _RE_P1.search(text):
            return (0.95 if structure else 0.85), "FortiOS 'config vpn ipsec phase1(-interface)' block"
        if _RE_P2.search(text):
            return (0.85 if structure else 0.75), "FortiOS 'config vpn ipsec phase2(-interface)' block"
        if _RE_VPN.search(text) and structure:
            return 0.7, "FortiOS 'config vpn ipsec' block"
        if _RE_FW.search(text) and structure and sets:
            return 0.5, "FortiOS config/edit/set/next/end (firewall or system blocks, no IPsec)"
        if structure and sets and re.search(r"^[ \t]*config[ \t]+[a-z]", text, re.M):
            return 0.35, "config/edit/set/next/end structure"
        return 0.0, "no FortiOS structure"
    except Exception:  # never raise on any input
        return 0.0, "unreadable"


# ----------------------------------------------------------------- lexer
def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


_VERBS = _words(
    "config edit set unset append select unselect next end delete purge rename move clone abort show get "
    "execute diagnose"
)
_TOKEN_RE = re.compile(r"""(?:"[^"]*"|'[^']*'|[^\s"'])+""")
_PROMPT_RE = re.compile(r"^\S+(?:\s+\([^)]*\))?\s+[#$]\s*\S*")


@dataclass
class _Stmt:
    line: int
    tokens: list[str]


class _Lexer:
    """Statements (tokens + line) of a FortiOS text. A quoted value may run
    over several lines; one left open at the end of the text is reported and
    closed at the end of its first line."""

    def __init__(self, text: str) -> None:
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.errors: list[tuple[int, str]] = []
        self.cut: set[int] = set()  # lines whose quoted value is never closed

    @staticmethod
    def _feed(s: str, st: dict[str, Any]) -> None:
        tokens: list[str] = st["tokens"]
        cur: list[str] = st["cur"]
        quote: str | None = st["quote"]
        started: bool = st["started"]
        i, n = 0, len(s)
        while i < n:
            c = s[i]
            if quote is not None:
                if c == "\\" and i + 1 < n:
                    cur.append(s[i + 1])
                    i += 2
                    continue
                if c == quote:
                    quote = None
                else:
                    cur.append(c)
                i += 1
                continue
            if c in " \t":
                if started:
                    tokens.append("".join(cur))
                    cur.clear()
                    started = False
            elif c in "\"'":
                quote = c
                started = True
            elif c == "\\" and i + 1 < n:
                cur.append(s[i + 1])
                started = True
                i += 1
            else:
                cur.append(c)
                started = True
            i += 1
        st["quote"] = quote
        st["started"] = started

    def statements(self) -> Iterator[_Stmt]:
        lines = self.lines
        n = len(lines)
        i = 0
        while i < n:
            s = lines[i].strip()
            if not s or s[0] == "#":
                i += 1
                continue
            if '"' not in s and "'" not in s and "\\" not in s:
                yield _Stmt(i + 1, s.split())
                i += 1
                continue
            if "\\" not in s:
                dq, sq = s.count('"'), s.count("'")
                if (dq % 2 == 0 and sq == 0) or (sq % 2 == 0 and dq == 0):  # one kind of quote, balanced
                    q = '"' if dq else "'"
                    yield _Stmt(i + 1, [t.replace(q, "") for t in _TOKEN_RE.findall(s)])
                    i += 1
                    continue
            st: dict[str, Any] = {"tokens": [], "cur": [], "quote": None, "started": False}
            self._feed(s, st)
            j = i
            while st["quote"] is not None and j + 1 < n:
                j += 1
                st["cur"].append("\n")
                self._feed(lines[j], st)
            if st["quote"] is not None:
                # open to the end of the text: report, close it at the end of line i
                self.errors.append((i + 1, "a quoted value is never closed"))
                self.cut.add(i + 1)
                st = {"tokens": [], "cur": [], "quote": None, "started": False}
                self._feed(s, st)
                j = i
            if st["started"]:
                st["tokens"].append("".join(st["cur"]))
            yield _Stmt(i + 1, st["tokens"])
            i = j + 1


# ------------------------------------------------------------------ tree
@dataclass
class _Setting:
    values: list[str] | None  # None: unset (the default)
    line: int
    cut: bool = False  # its quoted value was never closed: the value is unreliable


@dataclass
class _Node:
    kind: str  # root | config | edit
    name: str  # config path ("vpn ipsec phase1") or entry name
    line: int
    parent: _Node | None
    keep: bool
    settings: dict[str, _Setting] = field(default_factory=dict)
    children: list[_Node] = field(default_factory=list)
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (line, verb) not understood
    closed: bool = False

    def get(self, key: str) -> _Setting | None:
        s = self.settings.get(key)
        return s if s is not None and s.values is not None else None

    def configs(self, path: str) -> list[_Node]:
        return [c for c in self.children if c.kind == "config" and c.name == path]


def _keep(path: str, parent: _Node) -> bool:
    if not parent.keep:
        return False
    if parent.kind == "edit":  # nested blocks of a kept entry
        return True
    return path.startswith("vpn ipsec ") or path in (
        "firewall address",
        "firewall addrgrp",
        "firewall policy",
        "system interface",
        "vdom",
        "global",
    )


_ADDR_TYPES = ("fqdn", "geography", "wildcard", "wildcard-fqdn", "dynamic", "mac", "route-tag", "interface-subnet")
_FLAT = ("vpn ipsec ", "firewall address", "firewall addrgrp", "firewall policy", "system interface")


class _Tree:
    def __init__(self, text: str) -> None:
        self.root = _Node("root", "", 0, None, True)
        self.root.closed = True
        self.stray: list[int] = []  # lines outside any block that are not FortiOS statements
        self.loose: list[int] = []  # set/unset/... statements outside any block
        self.syntax: list[tuple[int, str]] = []
        lexer = _Lexer(text)
        self._build(lexer)
        self.syntax.extend(lexer.errors)

    def _build(self, lexer: _Lexer) -> None:
        stack: list[_Node] = [self.root]
        for stmt in lexer.statements():
            toks = stmt.tokens
            if not toks:
                continue
            verb = toks[0].lower()
            top = stack[-1]
            if verb not in _VERBS:
                if verb.startswith("--more--") or (_PROMPT_RE.match(" ".join(toks[:4])) and "#" in toks[1:4]):
                    continue  # pager or CLI prompt pasted with the output
                if top.kind == "root":
                    self.stray.append(stmt.line)
                elif top.keep:
                    top.unknown.append((stmt.line, ""))
                continue
            if verb == "config":
                path = " ".join(t.lower() for t in toks[1:])
                if " " in path or path in ("vdom", "global"):
                    top = self._close_flat(stack, path, stmt.line)
                node = _Node("config", path, stmt.line, top, _keep(path, top))
                if node.keep:
                    top.children.append(node)
                stack.append(node)
            elif verb == "edit":
                if top.kind == "edit":
                    self.syntax.append(
                        (stmt.line, f"'edit' inside entry {top.name!r} (line {top.line}): 'next' missing")
                    )
                    top.closed = True
                    stack.pop()
                    top = stack[-1]
                if top.kind == "root":
                    self.syntax.append((stmt.line, "'edit' outside any config block"))
                    orphan = _Node("config", "?", stmt.line, top, False)
                    stack.append(orphan)
                    top = orphan
                name = toks[1] if len(toks) > 1 else ""
                node = _Node("edit", name, stmt.line, top, top.keep)
                if node.keep:
                    top.children.append(node)
                stack.append(node)
            elif verb == "next":
                if top.kind == "edit":
                    top.closed = True
                    stack.pop()
                else:
                    self.syntax.append((stmt.line, "'next' without an open 'edit'"))
            elif verb == "end":
                if top.kind == "edit":  # `end` inside an entry closes both (the CLI accepts it)
                    top.closed = True
                    stack.pop()
                    top = stack[-1]
                if top.kind == "config":
                    top.closed = True
                    stack.pop()
                else:
                    self.syntax.append((stmt.line, "'end' without an open 'config'"))
            elif verb in ("set", "unset", "append", "select", "unselect"):
                if top.kind == "root":
                    self.loose.append(stmt.line)
                    continue
                if not top.keep:
                    continue
                if len(toks) < 2:
                    top.unknown.append((stmt.line, verb))
                    continue
                key = toks[1].lower()
                vals = toks[2:]
                if verb in ("set", "select"):
                    top.settings[key] = _Setting(vals, stmt.line, stmt.line in lexer.cut)
                elif verb == "unset":
                    top.settings[key] = _Setting(None, stmt.line)
                elif verb == "append":
                    old = top.settings.get(key)
                    top.settings[key] = _Setting(((old.values or []) if old else []) + vals, stmt.line)
                else:  # unselect
                    old = top.settings.get(key)
                    if old is not None and old.values is not None:
                        top.settings[key] = _Setting([v for v in old.values if v not in vals], stmt.line)
            else:  # delete, purge, rename, show ... : not configuration we read
                if top.keep and top.kind != "root":
                    top.unknown.append((stmt.line, verb))
                elif top.kind == "root" and verb in ("delete", "purge", "rename", "move", "clone"):
                    self.loose.append(stmt.line)
        self._unclosed(stack[1:])

    def _close_flat(self, stack: list[_Node], path: str, line: int) -> _Node:
        """A top-level ``config`` (a path of two words, or vdom/global) cannot sit inside a
        phase1/phase2, address, policy or interface table: the table's ``end`` is missing.
        Report it and close the table, so that the blocks after it are still read."""
        for idx in range(len(stack) - 1, 0, -1):
            if stack[idx].kind == "config" and stack[idx].name.startswith(_FLAT):
                self.syntax.append(
                    (
                        line,
                        f"'config {path}' starts while 'config {stack[idx].name}' (line {stack[idx].line}) "
                        "is still open: 'end' missing",
                    )
                )
                del stack[idx:]
                break
        return stack[-1]

    def _unclosed(self, nodes: list[_Node]) -> None:
        for node in reversed(nodes):
            what = f"entry {node.name!r}" if node.kind == "edit" else f"'config {node.name}'"
            closer = "next" if node.kind == "edit" else "end"
            self.syntax.append((node.line, f"{what} is never closed with '{closer}' (truncated text?)"))


def _stmt(verb: str) -> str:
    return f"'{verb}' statement" if verb else "a line that is not a FortiOS statement"


def _enum(value: str | None, allowed: tuple[str, ...]) -> str:
    """An enumerated value for a message: one of ``allowed``, else not echoed."""
    return value if value in allowed else "(an unknown value)"


def _safe_word(tok: str) -> str:
    """A statement's first word for a message: only a plain word, never free text."""
    return tok.lower() if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,40}", tok) else "?"


# ------------------------------------------------------------- key lists
# Keys the parser maps, and keys it knows carry nothing for a site-to-site PSK
# tunnel's negotiation with the cloud (routing, GUI, dial-up client, ADVPN,
# HA, FEC, ...). Key names from the FortiOS CLI reference (phase1-interface /
# phase2-interface tables).
_P1_READ = _words(
    "type interface ike-version mode peertype peerid proposal dhgrp remote-gw psksecret keylife localid "
    "localid-type dpd dpd-retryinterval dpd-retrycount authmethod local-gw ip-version remotegw-ddns "
    "auto-negotiate net-device"
)
_P1_BENIGN = _words(
    """name comments wizard-type add-route add-gw-route distance priority keepalive nattraversal fragmentation
    fragmentation-mtu ip-fragmentation negotiate-timeout rekey reauth npu-offload send-cert-chain
    cert-id-validation certificate peer peergrp usrgrp monitor monitor-min monitor-hold-down-type
    monitor-hold-down-delay monitor-hold-down-weekday monitor-hold-down-time tunnel-search passive-mode
    exchange-interface-ip exchange-ip-addr4 exchange-ip-addr6 aggregate-member aggregate-weight
    packet-redistribution default-gw default-gw-priority forticlient-enforcement save-password
    client-auto-negotiate client-keep-alive unity-support include-local-lan dns-mode domain banner
    ipv4-start-ip ipv4-end-ip ipv4-netmask ipv4-dns-server1 ipv4-dns-server2 ipv4-dns-server3
    ipv4-wins-server1 ipv4-wins-server2 ipv4-split-include ipv4-split-exclude ipv4-name split-include-service
    ipv6-start-ip ipv6-end-ip ipv6-prefix ipv6-dns-server1 ipv6-dns-server2 ipv6-dns-server3
    ipv6-split-include ipv6-split-exclude ipv6-name ip-delay-interval assign-ip assign-ip-from
    dhcp-ra-giaddr dhcp6-ra-linkaddr mode-cfg-allow-client-selector local-gw6 remote-gw6
    auto-discovery-sender auto-discovery-receiver auto-discovery-forwarder auto-discovery-psk
    auto-discovery-shortcuts auto-discovery-crossover auto-discovery-offer-interval encapsulation-address
    encap-local-gw4 encap-local-gw6 encap-remote-gw4 encap-remote-gw6 vni esn childless-ike
    azure-ad-autoconnect client-resume client-resume-interval digital-signature-auth signature-hash-alg
    rsa-signature-format rsa-signature-hash-override enforce-unique-id fec-egress fec-send-timeout fec-base
    fec-codec fec-redundant fec-ingress fec-receive-timeout fec-health-check fec-mapping-profile
    network-overlay network-id dev-id-notification dev-id loopback-asymroute link-cost kms
    exchange-fgt-device-id ipv6-auto-linklocal ems-sn-check remote-gw-match remote-gw-subnet
    remote-gw-start-ip remote-gw-end-ip remote-gw-country remote-gw6-match remote-gw6-subnet
    remote-gw6-start-ip remote-gw6-end-ip remote-gw6-country cert-peer-username-validation
    cert-peer-username-strip cert-trust-store mesh-selector-type idle-timeout shared-idle-timeout
    idle-timeoutinterval ha-sync-esp-seqno fgsp-sync inbound-dscp-copy acct-verify eap-identity
    eap-exclude-peergrp eap-cert-auth authusrgrp group-authentication-secret authusr authpasswd
    ppk-secret ppk-identity fortinet-esp auto-transport-threshold fallback-tcp-threshold
    dpd-retryinterval-ms unity-support-kernel qkd-profile internal-domain-list backup-gateway
    ipv4-exclude-range ipv6-exclude-range"""
)
# Keys that change the negotiation when not at their default: key -> default values
_P1_MUST_BE: dict[str, tuple[str, ...]] = {
    "xauthtype": ("disable",),
    "mode-cfg": ("disable",),
    "eap": ("disable",),
    "ppk": ("disable",),
    "suite-b": ("disable",),
    "encapsulation": ("none",),
    "group-authentication": ("disable",),
    "qkd": ("disable",),
    "transport": ("udp",),
    "authmethod-remote": (),
    "psksecret-remote": (),
    **{f"addke{i}": ("0",) for i in range(1, 8)},
}
_P2_READ = _words(
    "phase1name proposal pfs dhgrp keylife-type keylifeseconds keylifekbs src-addr-type src-subnet "
    "src-start-ip src-end-ip src-name dst-addr-type dst-subnet dst-start-ip dst-end-ip dst-name protocol "
    "src-port dst-port encapsulation auto-negotiate"
)
_P2_BENIGN = _words(
    """name comments dhcp-ipsec use-natip selector-match ipv4-df replay keepalive add-route inbound-dscp-copy
    auto-discovery-sender auto-discovery-forwarder single-source route-overlap initiator-ts-narrow diffserv
    diffservcode src-name6 src-start-ip6 src-end-ip6 src-subnet6 dst-name6 dst-start-ip6 dst-end-ip6
    dst-subnet6"""
)
_P2_MUST_BE: dict[str, tuple[str, ...]] = {"l2tp": ("disable",), **{f"addke{i}": ("0",) for i in range(1, 8)}}

# FortiOS defaults (CLI reference tables; a new phase1/phase2 entry)
_P1_DEFAULT_PROPOSAL = "aes128-sha256 aes256-sha256 aes128-sha1 aes256-sha1"
_P2_DEFAULT_PROPOSAL = "aes128-sha1 aes256-sha1 aes128-sha256 aes256-sha256 aes128gcm aes256gcm chacha20poly1305"
_DEFAULT_DHGRP = "14 5"


# ---------------------------------------------------------------- values
def _int(s: _Setting | None) -> int | None:
    if s is None or not s.values:
        return None
    try:
        return int(s.values[0])
    except ValueError:
        return None


def _word(s: _Setting | None) -> str | None:
    if s is None or not s.values:
        return None
    return s.values[0].lower()


def _ipv4(v: str) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(v)
    except ValueError:
        return None


def _subnet(values: list[str]) -> ipaddress.IPv4Network | None:
    """``10.0.1.0 255.255.255.0`` or ``10.0.1.0/24`` (host bits dropped)."""
    try:
        if len(values) >= 2:
            return ipaddress.IPv4Network(f"{values[0]}/{values[1]}", strict=False)
        if len(values) == 1:
            return ipaddress.IPv4Network(values[0], strict=False)
    except ValueError:
        return None
    return None


def _looks_fqdn(v: str) -> bool:
    from vpnconf.model import check_fqdn

    try:
        check_fqdn(v)
    except ValueError:
        return False
    return True


def _ident_of(value: str, declared: str | None) -> Ident:
    """An identity value with FortiOS's localid-type (None: a peerid, no type)."""
    if declared == "address" or (declared in (None, "auto") and _ipv4(value) is not None):
        return Ident("address", value) if _ipv4(value) is not None else Ident("other", value)
    if declared == "fqdn" or (declared in (None, "auto") and _looks_fqdn(value)):
        return Ident("fqdn", value) if _looks_fqdn(value) else Ident("other", value)
    return Ident("other", value)


# ----------------------------------------------------------------- scope
@dataclass
class _Entry:
    """One phase1/phase2 entry (several edits of the same name merged)."""

    name: str
    line: int
    settings: dict[str, _Setting]
    nodes: list[_Node]

    def get(self, key: str) -> _Setting | None:
        s = self.settings.get(key)
        return s if s is not None and s.values is not None else None


def _entries(blocks: list[_Node]) -> list[_Entry]:
    out: dict[str, _Entry] = {}
    for b in blocks:
        for e in b.children:
            if e.kind != "edit":
                continue
            if e.name in out:
                out[e.name].settings.update(e.settings)
                out[e.name].nodes.append(e)
            else:
                out[e.name] = _Entry(e.name, e.line, dict(e.settings), [e])
    return list(out.values())


class _Scope:
    """One VDOM (or the whole text without VDOMs): its VPN, address and policy blocks."""

    def __init__(self, node: _Node) -> None:
        self.node = node
        self.addresses: dict[str, _Node] = {}
        self.groups: dict[str, _Node] = {}
        for b in node.configs("firewall address"):
            for e in b.children:
                if e.kind == "edit":
                    self.addresses[e.name] = e
        for b in node.configs("firewall addrgrp"):
            for e in b.children:
                if e.kind == "edit":
                    self.groups[e.name] = e
        self.policies = [e for b in node.configs("firewall policy") for e in b.children if e.kind == "edit"]
        # tunnel name -> policies: by `vpntunnel` (policy-based), by srcintf/dstintf (interface mode)
        self._by_vpntunnel: dict[str, list[str]] = {}
        self._by_intf: dict[str, list[str]] = {}
        for pe in self.policies:
            label = pe.get("name")
            text = label.values[0] if label and label.values else f"{pe.name} (line {pe.line})"
            vt = pe.get("vpntunnel")
            if vt is not None and vt.values:
                self._by_vpntunnel.setdefault(vt.values[0], []).append(text)
            for k in ("srcintf", "dstintf"):
                s = pe.get(k)
                for v in dict.fromkeys(s.values if s and s.values else []):
                    if text not in self._by_intf.get(v, []):
                        self._by_intf.setdefault(v, []).append(text)

    def policies_of(self, tunnel: str, variant: str) -> list[str]:
        out = list(self._by_vpntunnel.get(tunnel, []))
        if variant == "interface":
            out += [p for p in self._by_intf.get(tunnel, []) if p not in out]
        return out


def _scopes(root: _Node) -> list[_Node]:
    """Nodes holding top-level blocks: the root, ``config vdom`` entries, ``config global``."""
    out = [root]
    for c in root.children:
        if c.kind == "config" and c.name == "vdom":
            out.extend(e for e in c.children if e.kind == "edit")
        elif c.kind == "config" and c.name == "global":
            out.append(c)
    return out


def _walk(node: _Node) -> Iterator[_Node]:
    yield node
    for c in node.children:
        yield from _walk(c)


# ---------------------------------------------------------------- parser
class _Parser:
    def __init__(self, text: str, name: str) -> None:
        self.dev = ParsedDevice(vendor=VENDOR, file=name)
        self.tree = _Tree(text)
        self.interfaces: dict[str, ipaddress.IPv4Address] = {}

    def note(self, rule: str, msg: str, line: int | None, sev: Severity = "info") -> None:
        self.dev.note(rule, msg, line=line, severity=sev)

    # -------------------------------------------------------------- run
    def run(self) -> ParsedDevice:
        tree = self.tree
        for line, msg in tree.syntax[:50]:
            self.note("SYNTAX", msg, line, "error")
        if len(tree.syntax) > 50:
            self.note("SYNTAX", f"{len(tree.syntax) - 50} further syntax errors not listed", None, "error")
        if tree.loose:
            self.note(
                "SYNTAX",
                f"{len(tree.loose)} statement(s) outside any config block (first at line {tree.loose[0]})",
                tree.loose[0],
                "error",
            )
        if tree.stray:
            self.note(
                "IGNORED",
                f"{len(tree.stray)} line(s) outside any config block are not FortiOS configuration "
                f"(first at line {tree.stray[0]})",
                tree.stray[0],
            )
        self._read_interfaces()
        found = False
        for scope_node in _scopes(tree.root):
            scope = _Scope(scope_node)
            found |= self._scope(scope)
        if not found:
            self.note("NO-TUNNEL", "no 'config vpn ipsec phase1-interface' or 'phase1' entry found", None, "warning")
        return self.dev

    def _read_interfaces(self) -> None:
        for node in _walk(self.tree.root):
            if node.kind == "config" and node.name == "system interface":
                for e in node.children:
                    s = e.get("ip")
                    if e.kind == "edit" and s is not None and s.values:
                        addr = _ipv4(s.values[0].split("/")[0])
                        if addr is not None and not addr.is_unspecified:
                            self.interfaces.setdefault(e.name, addr)

    def _scope(self, scope: _Scope) -> bool:
        found = False
        node = scope.node
        # VPN blocks this parser does not read
        for c in node.children:
            if (
                c.kind == "config"
                and c.name.startswith("vpn ipsec ")
                and c.name
                not in (
                    "vpn ipsec phase1-interface",
                    "vpn ipsec phase2-interface",
                    "vpn ipsec phase1",
                    "vpn ipsec phase2",
                )
            ):
                self.note("IGNORED", f"'config {c.name}' is not read (only phase1/phase2 tunnels are)", c.line)
        for p1_path, p2_path, variant in (
            ("vpn ipsec phase1-interface", "vpn ipsec phase2-interface", "interface"),
            ("vpn ipsec phase1", "vpn ipsec phase2", "policy"),
        ):
            p1_blocks = node.configs(p1_path)
            p2_blocks = node.configs(p2_path)
            for b in p1_blocks + p2_blocks:
                self._block_stray(b)
            p1s = _entries(p1_blocks)
            p2s = _entries(p2_blocks)
            p1_names = {e.name for e in p1s}
            for p2 in p2s:
                ref = p2.get("phase1name")
                if ref is None or not ref.values:
                    self.note(
                        "MISSING", f"phase2 {p2.name!r} names no phase1 (phase1name): not read", p2.line, "warning"
                    )
                elif ref.values[0] not in p1_names:
                    self.note(
                        "MISSING",
                        f"phase2 {p2.name!r} refers to phase1 {ref.values[0]!r}, which is not in this text "
                        f"('config {p1_path}')",
                        p2.line,
                        "warning",
                    )
            by_p1: dict[str, list[_Entry]] = {}
            for p2 in p2s:
                ref = p2.get("phase1name")
                if ref is not None and ref.values:
                    by_p1.setdefault(ref.values[0], []).append(p2)
            for p1 in p1s:
                found = True
                try:
                    self.dev.tunnels.append(self._tunnel(p1, by_p1.get(p1.name, []), variant, scope, p1_path, p2_path))
                except Exception as exc:  # never raise: report and go on
                    self.note(
                        "PARSER-BUG", f"phase1 {p1.name!r} could not be read ({type(exc).__name__})", p1.line, "error"
                    )
        return found

    def _block_stray(self, block: _Node) -> None:
        for line, verb in block.unknown:
            self.note("IGNORED", f"{_stmt(verb)} in 'config {block.name}' not read", line)
        for key, s in block.settings.items():
            self.note(
                "IGNORED",
                f"'set {_safe_word(key)}' directly under 'config {block.name}' (outside any entry) not read",
                s.line,
            )
        for c in block.children:
            if c.kind == "config":
                self.note("IGNORED", f"'config {c.name}' directly under 'config {block.name}' not read", c.line)

    def _entry_stray(
        self, e: _Entry, what: str, read: frozenset[str], benign: frozenset[str], must_be: dict[str, tuple[str, ...]]
    ) -> None:
        for n in e.nodes:
            for line, verb in n.unknown:
                self.note("IGNORED", f"{what}: {_stmt(verb)} not read", line)
            for c in n.children:
                if c.kind == "config" and c.name not in benign:
                    self.note("IGNORED", f"{what}: nested 'config {c.name}' not read", c.line)
            if not n.closed:
                self.note(
                    "MISSING",
                    f"{what}: the entry is cut off (no 'next'/'end'); settings after line {n.line} may be missing",
                    n.line,
                    "warning",
                )
        for key, s in e.settings.items():
            if s.values is None or key in read or key in benign:
                continue
            if key in must_be:
                allowed = must_be[key]
                shown = " ".join(_safe_word(v) for v in s.values) if allowed and "secret" not in key else "(set)"
                if not re.fullmatch(r"[a-z0-9-]{1,24}", shown) and shown != "(set)":
                    shown = "(an unknown value)"
                if not allowed or [v.lower() for v in s.values] != list(allowed):
                    self.note(
                        "UNSUPPORTED",
                        f"{what}: {key} {shown} changes the negotiation and is not carried "
                        f"(the model expects {' '.join(allowed) or 'it unset'})",
                        s.line,
                        "warning",
                    )
                continue
            self.note("IGNORED", f"{what}: setting '{_safe_word(key)}' not read", s.line)

    # ----------------------------------------------------------- phase1
    def _tunnel(
        self, p1: _Entry, p2s: list[_Entry], variant: str, scope: _Scope, p1_path: str, p2_path: str
    ) -> ParsedTunnel:
        what = f"phase1 {p1.name!r}"
        t = ParsedTunnel(name=p1.name, line=p1.line, variant=variant)
        t.extra["section"] = p1_path
        self._entry_stray(p1, what, _P1_READ, _P1_BENIGN, _P1_MUST_BE)
        defaults: list[str] = []
        release_notes: list[str] = []

        # type / remote gateway
        gtype = _word(p1.get("type")) or "static"
        t.extra["type"] = gtype
        ipv = p1.get("ip-version")
        if ipv is not None and _word(ipv) == "6":
            self.note("UNSUPPORTED", f"{what}: IPv6 tunnel (ip-version 6) is not carried", ipv.line, "warning")
        rgw = p1.get("remote-gw")
        if gtype == "static":
            addr = _ipv4(rgw.values[0]) if rgw and rgw.values else None
            if addr is not None and not addr.is_unspecified:
                t.peer_address = str(addr)
            else:
                self.note("MISSING", f"{what}: no remote-gw address", rgw.line if rgw else p1.line, "warning")
        elif gtype == "dynamic":
            self.note("UNSUPPORTED", f"{what}: dial-up gateway (type dynamic) has no peer address", p1.line, "warning")
        elif gtype == "ddns":
            dd = p1.get("remotegw-ddns")
            host = dd.values[0] if dd and dd.values else ""
            t.extra["remotegw_ddns"] = host
            self.note(
                "UNSUPPORTED",
                f"{what}: peer named by dynamic DNS ({host or 'no name'}), not an address",
                p1.line,
                "warning",
            )
        else:
            self.note("UNSUPPORTED", f"{what}: remote gateway type {_enum(gtype, ())} not read", p1.line, "warning")

        # local address: local-gw, else the interface's address
        iface = p1.get("interface")
        if iface and iface.values:
            t.extra["interface"] = iface.values[0]
        lgw = p1.get("local-gw")
        lgw_addr = _ipv4(lgw.values[0]) if lgw and lgw.values else None
        if lgw_addr is not None and not lgw_addr.is_unspecified:
            t.local_address = str(lgw_addr)
        elif iface and iface.values and iface.values[0] in self.interfaces:
            t.local_address = str(self.interfaces[iface.values[0]])

        # IKE version and mode
        ver = p1.get("ike-version")
        if ver is None:
            t.ike_version = 1
            defaults.append("ike-version 1")
            release_notes.append(
                "ike-version: 1 in the FortiOS 6.x/7.x CLI references; the FortiOS 8.0 guide says new tunnels use IKEv2"
            )
        elif ver.values and ver.values[0] in ("1", "2"):
            t.ike_version = int(ver.values[0])
        else:
            self.note(
                "SYNTAX", f"{what}: ike-version is neither 1 nor 2; IKEv1 (the default) assumed", ver.line, "warning"
            )
            t.ike_version = 1
        mode = p1.get("mode")
        mode_w = _word(mode)
        if t.ike_version == 1:
            if mode_w is None:
                defaults.append("mode main")
            elif mode_w == "aggressive":
                t.mode = "aggressive"
            elif mode_w != "main":
                self.note(
                    "SYNTAX",
                    f"{what}: mode {_enum(mode_w, ())} unknown; main assumed",
                    mode.line if mode else None,
                    "warning",
                )
        elif mode_w == "aggressive":
            self.note("IGNORED", f"{what}: 'mode aggressive' has no effect with IKEv2", mode.line if mode else None)

        # authentication
        am_s = p1.get("authmethod")
        am = _word(am_s) or "psk"
        if am_s is None:
            defaults.append("authmethod psk")
        if am == "signature":
            t.auth = "certificate"
            t.psk_state = "certificate"
        elif am != "psk":
            t.auth = "unknown"
            self.note(
                "UNSUPPORTED", f"{what}: authmethod {_enum(am, ())} not read", am_s.line if am_s else None, "warning"
            )
        else:
            self._psk(t, p1.get("psksecret"), what)

        # proposals x DH groups
        self._ike_proposals(t, p1, what, defaults, release_notes)

        # lifetime
        kl = p1.get("keylife")
        if kl is None:
            t.ike_lifetime = 86400
            defaults.append("keylife 86400")
        else:
            t.ike_lifetime = _int(kl)
            if t.ike_lifetime is None:
                self.note("SYNTAX", f"{what}: keylife is not a number", kl.line, "warning")

        # identities
        self._ids(t, p1, what, defaults)

        # DPD
        self._dpd(t, p1, what, defaults, release_notes)

        an = _word(p1.get("auto-negotiate"))
        t.extra["auto_negotiate"] = an != "disable"

        # phase2
        self._phase2(t, p2s, scope, p2_path)

        # policies using this tunnel
        pols = scope.policies_of(p1.name, variant)
        t.extra["firewall_policies"] = pols
        if scope.policies and not pols:
            self.note("MISSING", f"{what}: no firewall policy in this text sends traffic through the tunnel", p1.line)

        if defaults:
            self.note("DEFAULT", f"{what}: not set, FortiOS defaults assumed: {', '.join(defaults)}", p1.line)
        for n in release_notes:
            self.note("DEFAULT", f"{what}: the default differs by release ({n}); check the device's release", p1.line)
        return t

    def _psk(self, t: ParsedTunnel, s: _Setting | None, what: str) -> None:
        if s is None or not s.values or s.values == [""]:
            t.psk_state = "missing"
            self.note("MISSING", f"{what}: no psksecret in this text", s.line if s else t.line, "warning")
            return
        if s.cut:
            t.psk_state = "missing"
            self.note(
                "MISSING", f"{what}: the psksecret value is cut off (unclosed quote): not read", s.line, "warning"
            )
            return
        if s.values[0] == "ENC":
            t.psk_state = "encrypted"
            return
        raw = " ".join(s.values)
        if set(raw) == {"*"}:
            t.psk_state = "masked"
            return
        if raw[:2] in ("0x", "0X"):
            try:
                key = bytes.fromhex(raw[2:]).decode("ascii")
            except ValueError:
                key = ""
            if key and key.isprintable():
                t.psk, t.psk_state = key, "clear"
                self.note("DEFAULT", f"{what}: psksecret is hexadecimal (leading 0x); its ASCII form is used", s.line)
            else:
                t.psk_state = "missing"
                self.note(
                    "UNSUPPORTED",
                    f"{what}: hexadecimal psksecret is not printable ASCII: cannot be carried",
                    s.line,
                    "warning",
                )
            return
        t.psk, t.psk_state = raw, "clear"

    def _dh_groups(self, s: _Setting | None, what: str) -> list[tuple[str, int | None]]:
        out = []
        for g in s.values if s and s.values else []:
            canon = lookup(VENDOR, "dh_group", g)
            out.append((g, int(canon) if canon is not None else None))
            if canon is None and not g.isdigit():
                self.note("SYNTAX", f"{what}: a dhgrp value is not a group number", s.line if s else None, "warning")
        return out

    def _ike_proposals(self, t: ParsedTunnel, p1: _Entry, what: str, defaults: list[str], notes: list[str]) -> None:
        ps = p1.get("proposal")
        if ps is None or not ps.values:
            tokens = _P1_DEFAULT_PROPOSAL.split()
            defaults.append(f"proposal {_P1_DEFAULT_PROPOSAL}")
            notes.append("the proposal list of a new phase1 has changed between releases")
        else:
            tokens = ps.values
        dh = p1.get("dhgrp")
        if dh is None or not dh.values:
            groups = self._dh_groups(_Setting(_DEFAULT_DHGRP.split(), p1.line), what)
            defaults.append(f"dhgrp {_DEFAULT_DHGRP}")
        else:
            groups = self._dh_groups(dh, what)
        if t.mode == "aggressive" and len(groups) > 1:
            self.note(
                "UNSUPPORTED",
                f"{what}: aggressive mode takes a single DH group; dhgrp lists {len(groups)}",
                dh.line if dh else p1.line,
                "warning",
            )
        t.extra["dhgrp"] = [g for g, _ in groups]
        ver = t.ike_version
        for tok in tokens:
            enc_kw, _, hash_kw = tok.partition("-")
            enc = lookup(VENDOR, "ike_encryption", enc_kw, ver)
            integ = None
            if hash_kw.lower().startswith("prf"):
                integ = lookup(VENDOR, "ike_prf", hash_kw, ver)
                if enc is not None and not str(enc).endswith("gcm"):
                    enc = integ = None  # a PRF pairs only with AEAD ciphers
            else:
                integ = lookup(VENDOR, "ike_integrity", hash_kw, ver)
                if enc is not None and str(enc).endswith("gcm"):
                    integ = None  # GCM names a PRF, never a hash
            if not hash_kw:
                self.note(
                    "SYNTAX",
                    f"{what}: a phase1 proposal is not an enc-hash pair",
                    ps.line if ps else p1.line,
                    "warning",
                )
            for g, canon in groups or [("", None)]:
                t.ike_proposals.append(
                    Proposal(encryption=enc, integrity=integ, dh_group=canon, raw=f"{tok} dhgrp {g}" if g else tok)
                )

    def _ids(self, t: ParsedTunnel, p1: _Entry, what: str, defaults: list[str]) -> None:
        lt = p1.get("localid-type")
        ltype = _word(lt) or "auto"
        if lt is None:
            defaults.append("localid-type auto")
        lid = p1.get("localid")
        lval = " ".join(lid.values) if lid and lid.values else ""
        if lval:
            if ltype in ("auto", "address", "fqdn"):
                t.local_id = _ident_of(lval, ltype)
                if t.local_id.type == "other" and ltype != "auto":
                    self.note(
                        "UNSUPPORTED",
                        f"{what}: localid {lval} is not a valid {'address' if ltype == 'address' else 'host name'}",
                        lid.line if lid else None,
                        "warning",
                    )
            else:  # user-fqdn, keyid, asn1dn
                t.local_id = Ident("other", lval)
            t.extra["localid_type"] = ltype
        elif ltype in ("auto", "address"):
            if t.local_address is not None:
                t.local_id = Ident("address", t.local_address)
        else:
            self.note(
                "MISSING",
                f"{what}: localid-type {_enum(ltype, ('fqdn', 'user-fqdn', 'keyid', 'asn1dn'))} without a localid",
                lt.line if lt else None,
                "warning",
            )

        pt = p1.get("peertype")
        ptype = _word(pt) or "any"
        if pt is None:
            defaults.append("peertype any")
        pid = p1.get("peerid")
        pval = " ".join(pid.values) if pid and pid.values else ""
        t.extra["peertype"] = ptype
        if ptype == "one":
            if pval:
                t.peer_id = _ident_of(pval, None)
            else:
                self.note("MISSING", f"{what}: peertype one without a peerid", pt.line if pt else None, "warning")
        elif ptype == "any":
            if pval:
                self.note(
                    "IGNORED", f"{what}: peerid is set but peertype any accepts any peer ID", pid.line if pid else None
                )
        else:  # dialup, peer, peergrp: user groups and certificates
            self.note(
                "UNSUPPORTED",
                f"{what}: peertype {_enum(ptype, ('dialup', 'peer', 'peergrp'))} (certificate or user group peers) not read",
                pt.line if pt else None,
                "warning",
            )

    def _dpd(self, t: ParsedTunnel, p1: _Entry, what: str, defaults: list[str], notes: list[str]) -> None:
        d = p1.get("dpd")
        mode = _word(d)
        if mode is None:
            mode = "on-demand"
            defaults.append("dpd on-demand")
            notes.append("dpd: on-demand with retries every 20 s in the 6.2+ CLI references; older releases differ")
        t.extra["dpd"] = mode
        if mode == "disable":
            t.dpd_enabled = False
            return
        if mode not in ("on-idle", "on-demand", "enable"):
            self.note(
                "SYNTAX", f"{what}: dpd {_enum(mode, ())} unknown; DPD not read", d.line if d else None, "warning"
            )
            return
        t.dpd_enabled = True
        ri = p1.get("dpd-retryinterval")
        rc = p1.get("dpd-retrycount")
        interval, count = _int(ri), _int(rc)
        if ri is None:
            interval = 20
            defaults.append("dpd-retryinterval 20")
        if rc is None:
            count = 3
            defaults.append("dpd-retrycount 3")
        if interval is None or count is None:
            self.note("SYNTAX", f"{what}: dpd-retryinterval/dpd-retrycount is not a number", p1.line, "warning")
            return
        t.dpd_timeout = interval * count if interval * count > 0 else None
        t.extra["dpd_retryinterval"] = interval
        t.extra["dpd_retrycount"] = count

    # ----------------------------------------------------------- phase2
    def _phase2(self, t: ParsedTunnel, p2s: list[_Entry], scope: _Scope, p2_path: str) -> None:
        t.extra["phase2"] = [p.name for p in p2s]
        if not p2s:
            self.note(
                "MISSING",
                f"phase1 {t.name!r}: no '{p2_path}' entry uses it: no ESP proposal or selector",
                t.line,
                "warning",
            )
            return
        first: dict[str, Any] | None = None
        for p2 in p2s:
            what = f"phase2 {p2.name!r}"
            self._entry_stray(p2, what, _P2_READ, _P2_BENIGN, _P2_MUST_BE)
            defaults: list[str] = []
            notes: list[str] = []
            vals = self._p2_values(t, p2, what, defaults, notes)
            if first is None:
                first = vals
                t.esp_proposals = vals["esp"]
                t.pfs = vals["pfs"]
                t.ipsec_lifetime_seconds = vals["seconds"]
                t.ipsec_lifetime_kb = vals["kb"]
            else:
                diff = [k for k in ("esp_raw", "pfs", "seconds", "kb") if vals[k] != first[k]]
                if diff:
                    names = {"esp_raw": "proposals", "pfs": "PFS", "seconds": "lifetime (s)", "kb": "lifetime (KB)"}
                    self.note(
                        "UNSUPPORTED",
                        f"{what}: {', '.join(names[k] for k in diff)} differ from phase2 {p2s[0].name!r}; "
                        f"the tunnel holds those of {p2s[0].name!r}",
                        p2.line,
                        "warning",
                    )
            for pair in self._selectors(p2, scope, what):
                if pair not in t.selectors:
                    t.selectors.append(pair)
            an = _word(p2.get("auto-negotiate"))
            t.extra.setdefault("phase2_auto_negotiate", {})[p2.name] = an == "enable"
            if defaults:
                self.note("DEFAULT", f"{what}: not set, FortiOS defaults assumed: {', '.join(defaults)}", p2.line)
            for n in notes:
                self.note(
                    "DEFAULT", f"{what}: the default differs by release ({n}); check the device's release", p2.line
                )

    def _p2_values(
        self, t: ParsedTunnel, p2: _Entry, what: str, defaults: list[str], notes: list[str]
    ) -> dict[str, Any]:
        ver = t.ike_version
        ps = p2.get("proposal")
        if ps is None or not ps.values:
            tokens = _P2_DEFAULT_PROPOSAL.split()
            defaults.append(f"proposal {_P2_DEFAULT_PROPOSAL}")
            notes.append("the proposal list of a new phase2 changed in FortiOS 6.0.1")
        else:
            tokens = ps.values
        esp: list[Proposal] = []
        for tok in tokens:
            enc_kw, dash, hash_kw = tok.partition("-")
            enc = lookup(VENDOR, "esp_encryption", enc_kw, ver)
            if not dash:  # AEAD alone: aes128gcm, aes256gcm, chacha20poly1305
                integ = None
                if enc is not None and not str(enc).endswith("gcm"):
                    enc = None
                    self.note(
                        "SYNTAX",
                        f"{what}: a phase2 proposal is neither an enc-hash pair nor AES-GCM",
                        ps.line if ps else p2.line,
                        "warning",
                    )
            else:
                integ = lookup(VENDOR, "esp_integrity", hash_kw, ver)
                if enc is not None and str(enc).endswith("gcm"):
                    enc = integ = None
            esp.append(Proposal(encryption=enc, integrity=integ, raw=tok))
        pfs_s = p2.get("pfs")
        pfs_w = _word(pfs_s)
        if pfs_w is None:
            pfs_w = "enable"
            defaults.append("pfs enable")
        pfs: int | None = None
        if pfs_w == "enable":
            dh = p2.get("dhgrp")
            if dh is None or not dh.values:
                groups = self._dh_groups(_Setting(_DEFAULT_DHGRP.split(), p2.line), what)
                defaults.append(f"dhgrp {_DEFAULT_DHGRP}")
            else:
                groups = self._dh_groups(dh, what)
            if groups:
                pfs = groups[0][1]
                if pfs is None:
                    self.note(
                        "UNSUPPORTED",
                        f"{what}: PFS group {groups[0][0]} has no canonical name",
                        dh.line if dh else p2.line,
                        "warning",
                    )
                if len(groups) > 1:
                    self.note(
                        "UNSUPPORTED",
                        f"{what}: PFS offers DH groups {' '.join(g for g, _ in groups)}; the tunnel holds the "
                        f"first ({groups[0][0]})",
                        dh.line if dh else p2.line,
                        "info",
                    )
        elif pfs_w != "disable":
            self.note(
                "SYNTAX",
                f"{what}: pfs {_enum(pfs_w, ())} unknown; PFS not read",
                pfs_s.line if pfs_s else None,
                "warning",
            )
        kt_s = p2.get("keylife-type")
        kt = _word(kt_s)
        if kt is None:
            kt = "seconds"
            defaults.append("keylife-type seconds")
        seconds: int | None = None
        kb: int | None = None
        if kt in ("seconds", "both"):
            s = p2.get("keylifeseconds")
            if s is None:
                seconds = 43200
                defaults.append("keylifeseconds 43200")
            else:
                seconds = _int(s)
        if kt in ("kbs", "both"):
            s = p2.get("keylifekbs")
            if s is None:
                kb = 5120
                defaults.append("keylifekbs 5120")
            else:
                kb = _int(s)
        if kt not in ("seconds", "kbs", "both"):
            self.note("SYNTAX", f"{what}: keylife-type {_enum(kt, ())} unknown", kt_s.line if kt_s else None, "warning")
        encap = p2.get("encapsulation")
        if encap is not None and _word(encap) == "transport-mode":
            self.note("UNSUPPORTED", f"{what}: transport mode; the service uses tunnel mode", encap.line, "warning")
        for k in ("protocol", "src-port", "dst-port"):
            v = p2.get(k)
            if v is not None and v.values and v.values[0] not in ("0", ""):
                self.note(
                    "UNSUPPORTED",
                    f"{what}: {k} {v.values[0] if v.values[0].isdigit() else '(not a number)'} narrows the selector; "
                    "not carried",
                    v.line,
                    "warning",
                )
        return {"esp": esp, "esp_raw": [p.raw for p in esp], "pfs": pfs, "seconds": seconds, "kb": kb}

    # -------------------------------------------------------- selectors
    def _side(self, p2: _Entry, side: str, scope: _Scope, what: str) -> list[ipaddress.IPv4Network] | None:
        """The networks of one side (src/dst); None when unreadable."""
        ts = p2.get(f"{side}-addr-type")
        typ = _word(ts) or "subnet"
        if typ == "subnet":
            s = p2.get(f"{side}-subnet")
            if s is None:
                return [ipaddress.IPv4Network("0.0.0.0/0")]
            net = _subnet(s.values or [])
            if net is None:
                self.note("SYNTAX", f"{what}: {side}-subnet is not an IPv4 subnet", s.line, "warning")
                return None
            return [net]
        if typ in ("ip", "range"):
            a = p2.get(f"{side}-start-ip")
            b = p2.get(f"{side}-end-ip") if typ == "range" else a
            lo = _ipv4(a.values[0]) if a and a.values else ipaddress.IPv4Address("0.0.0.0")
            hi = _ipv4(b.values[0]) if b and b.values else ipaddress.IPv4Address("0.0.0.0")
            if lo is None or hi is None or hi < lo:
                self.note(
                    "SYNTAX",
                    f"{what}: {side} address range is not valid",
                    a.line if a else (ts.line if ts else p2.line),
                    "warning",
                )
                return None
            nets = list(ipaddress.summarize_address_range(lo, hi))
            if len(nets) > 1:
                self.note(
                    "DEFAULT",
                    f"{what}: {side} range {lo}-{hi} is written as {len(nets)} subnets",
                    ts.line if ts else p2.line,
                )
            return nets
        if typ == "name":
            n = p2.get(f"{side}-name")
            if n is None or not n.values:
                self.note(
                    "UNRESOLVED",
                    f"{what}: {side}-addr-type name without {side}-name",
                    ts.line if ts else p2.line,
                    "warning",
                )
                return None
            return self._resolve(n.values[0], scope, what, n.line, set())
        if typ in ("subnet6", "range6", "ip6", "name6"):
            self.note(
                "UNSUPPORTED",
                f"{what}: IPv6 selector ({side}-addr-type {typ}) not carried",
                ts.line if ts else p2.line,
                "warning",
            )
            return None
        self.note("SYNTAX", f"{what}: {side}-addr-type {_enum(typ, ())} unknown", ts.line if ts else p2.line, "warning")
        return None

    def _resolve(
        self, name: str, scope: _Scope, what: str, line: int, seen: set[str]
    ) -> list[ipaddress.IPv4Network] | None:
        if name in seen:
            self.note("UNRESOLVED", f"{what}: address group {name!r} contains itself", line, "warning")
            return None
        seen = seen | {name}
        if name in scope.addresses:
            e = scope.addresses[name]
            typ = _word(e.get("type")) or "ipmask"
            if typ in ("ipmask", "interface-subnet"):
                s = e.get("subnet")
                net = _subnet(s.values or []) if s is not None else ipaddress.IPv4Network("0.0.0.0/0")
                if net is None:
                    self.note("UNRESOLVED", f"{what}: address {name!r} has no readable subnet", e.line, "warning")
                    return None
                return [net]
            if typ == "iprange":
                a, b = e.get("start-ip"), e.get("end-ip")
                lo = _ipv4(a.values[0]) if a and a.values else None
                hi = _ipv4(b.values[0]) if b and b.values else None
                if lo is None or hi is None or hi < lo:
                    self.note("UNRESOLVED", f"{what}: address range {name!r} is not readable", e.line, "warning")
                    return None
                return list(ipaddress.summarize_address_range(lo, hi))
            self.note(
                "UNRESOLVED",
                f"{what}: address {name!r} is of type {_enum(typ, _ADDR_TYPES)}, not a subnet or range",
                e.line,
                "warning",
            )
            return None
        if name in scope.groups:
            g = scope.groups[name]
            if _word(g.get("exclude")) == "enable":
                self.note(
                    "UNRESOLVED",
                    f"{what}: address group {name!r} excludes members: not a list of subnets",
                    g.line,
                    "warning",
                )
                return None
            members = g.get("member")
            out: list[ipaddress.IPv4Network] = []
            for m in members.values if members and members.values else []:
                sub = self._resolve(m, scope, what, members.line if members else g.line, seen)
                if sub is None:
                    return None
                out.extend(x for x in sub if x not in out)
            if not out:
                self.note("UNRESOLVED", f"{what}: address group {name!r} has no members", g.line, "warning")
                return None
            return out
        if name == "all":  # the factory object; `show` prints it without its subnet
            return [ipaddress.IPv4Network("0.0.0.0/0")]
        self.note(
            "UNRESOLVED",
            f"{what}: address {name!r} is not defined in this text (paste its 'config firewall address' entry)",
            line,
            "warning",
        )
        return None

    def _selectors(self, p2: _Entry, scope: _Scope, what: str) -> list[tuple[str, str]]:
        src = self._side(p2, "src", scope, what)
        dst = self._side(p2, "dst", scope, what)
        if src is None or dst is None:
            return []
        pairs = [(str(a), str(b)) for a in src for b in dst]
        anyany = ("0.0.0.0/0", "0.0.0.0/0")
        if anyany in pairs:
            self.note(
                "NOT-CARRIED",
                f"{what}: selectors are 0.0.0.0/0 both ways (any/any, route-based): the SPD must come from "
                "the routes and firewall policies",
                p2.line,
                "warning",
            )
            pairs = [p for p in pairs if p != anyany]
        return pairs


def parse(text: str, name: str) -> ParsedDevice:
    """The phase1 entries of a FortiOS text as tunnels, with findings. Never raises."""
    try:
        if not isinstance(text, str):
            text = bytes(text).decode("utf-8", "replace") if isinstance(text, bytes | bytearray) else str(text)
        return _Parser(text, name).run()
    except Exception as exc:  # a last resort: the contract is "never raise"
        dev = ParsedDevice(vendor=VENDOR, file=name)
        dev.note("PARSER-BUG", f"the text could not be read ({type(exc).__name__}); please report it", severity="error")
        return dev
