"""Cisco ASA (9.x ``show running-config`` / ``more system:running-config``) parser.

What it reads (everything else is skipped before a tree is built):

* ``crypto ikev1 policy N`` / ``crypto isakmp policy N`` (pre-8.4 spelling) and
  ``crypto ikev2 policy N``: every policy of a version is a proposal of every crypto
  map entry of that version, in priority order.
* ``crypto ipsec ikev1 transform-set`` (also pre-8.4 ``crypto ipsec transform-set``) and
  ``crypto ipsec ikev2 ipsec-proposal`` blocks.
* flat ``crypto map M S ...`` lines, grouped by (map, sequence); ``crypto map M interface
  IF`` with the interface's ``nameif`` / ``ip address`` for the local address; dynamic
  maps are reported, not turned into tunnels (no fixed peer).
* crypto ACLs ``access-list X extended permit ip SRC DST`` with ``any``/``host``/mask/
  ``object``/``object-group`` operands, resolved through ``object network`` and
  ``object-group network`` and ``name`` lines into traffic selectors.
* ``tunnel-group`` (type, ``default-group-policy``, pre-shared keys, keepalives,
  ``peer-id-validate``), ``group-policy ... vpn-tunnel-protocol``, ``crypto isakmp
  identity`` with ``hostname`` / ``domain-name``.

The tree is an indentation tree of our own, not netutils' ``ASAConfigParser``: that
parser drops line numbers (its ``ConfigLine`` keeps only the text and parents), and a
finding must name its line; the scanner also keeps only the top-level blocks a VPN
needs, so large configs stay cheap (design note: lean hot path).

Each input is often a fragment (``show running-config crypto map`` alone): what lives
in another file (an ACL, a transform set, a tunnel-group) is reported as missing, never
guessed. Nothing here raises: an unexpected failure becomes a ``PARSER-BUG`` finding.
Key material never appears in a finding (lines are quoted through ``_safe``).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from vpnconf.parsing import Ident, ParsedDevice, ParsedTunnel, Proposal, ipv4, lookup, small_int

TYPE_CHECKING = False
if TYPE_CHECKING:
    from vpnconf.findings import Severity

VENDOR = "cisco_asa"

# ASA defaults for a ``crypto ikev1 policy`` line left out (ASA CLI configuration guide,
# "IKEv1 policy keywords"): these three hold on every 9.x release. The default encryption
# (3des) and DH group (2) of older releases were removed in 9.15, so those two depend on
# the release and are reported, not filled.
IKEV1_DEFAULTS: dict[str, str | int] = {"authentication": "pre-share", "hash": "sha", "lifetime": 86400}
# Global IPsec SA lifetimes when neither the entry nor ``crypto ipsec security-association
# lifetime`` sets them (ASA defaults, shown by ``show running-config all``).
IPSEC_DEFAULT_SECONDS = 28800
IPSEC_DEFAULT_KB = 4608000
# Bounds that keep hostile inputs linear: proposals per tunnel, selector pairs per ACL,
# object-group nesting (a real ASA holds at most 20 IKE policies per version).
MAX_PROPOSALS = 256
MAX_SELECTORS = 4096
MAX_NESTING = 16
MAX_FINDINGS = 5000

# Our renderer names ASA objects after the tunnel (vendors/cisco_asa/templates/crypto_map.j2).
NAME_PREFIXES = {"acl": "ACL-", "ts": "TS-", "p2": "P2-"}
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")
_SECRET_WORD = re.compile(r"key|password|secret", re.I)

# Top-level lines worth keeping (first word); everything else is skipped unread.
_KEEP = frozenset(
    {
        "crypto",
        "tunnel-group",
        "group-policy",
        "object",
        "object-group",
        "access-list",
        "interface",
        "name",
        "hostname",
        "domain-name",
    }
)
# Global crypto commands understood as "not about a tunnel's parameters": no finding.
_QUIET_CRYPTO = (
    ("ca",),
    ("key",),
    ("checksum",),
    ("engine",),
    ("logging",),
    ("ikev2", "remote-access"),
    ("ikev2", "cookie-challenge"),
    ("ikev2", "limit"),
    ("ikev2", "notify"),
    ("ikev2", "fragmentation"),
    ("ikev2", "redirect"),
    ("ikev1", "limit"),
    ("ikev1", "ipsec-over-tcp"),
    ("isakmp", "nat-traversal"),
    ("isakmp", "reload-wait"),
    ("isakmp", "disconnect-notify"),
    ("isakmp", "ipsec-over-tcp"),
    ("ipsec", "df-bit"),
    ("ipsec", "fragmentation"),
    ("ipsec", "security-association", "pmtu-aging"),
    ("ipsec", "security-association", "replay"),
    ("ipsec", "inner-routing-lookup"),
)
# crypto map ``set`` options read into ``extra`` only.
_QUIET_SET = frozenset(
    {
        "reverse-route",
        "nat-t-disable",
        "connection-type",
        "inheritance",
        "trustpoint",
        "tfc-packets",
        "validation-usage",
    }
)


# ------------------------------------------------------------------ tree
@dataclass
class Node:
    line: int
    text: str
    words: list[str]
    children: list[Node] = field(default_factory=list)

    @cached_property
    def low(self) -> list[str]:
        return [w.lower() for w in self.words]


def _tree(text: str) -> list[Node]:
    """Top-level nodes worth reading, each with its indented children (any depth),
    original 1-based line numbers kept."""
    tops: list[Node] = []
    stack: list[tuple[int, Node]] = []
    keep = False
    for no, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip()
        if not line:
            continue
        body = line.lstrip()
        if body[0] in "!:":
            continue
        indent = len(line) - len(body)
        if indent == 0:
            words = body.split()
            keep = words[0] in _KEEP
            if keep:
                node = Node(no, body, words)
                tops.append(node)
                stack = [(0, node)]
            continue
        if not keep:
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if not stack:  # an indented line with no parent: a truncated start
            continue
        node = Node(no, body, body.split())
        stack[-1][1].children.append(node)
        stack.append((indent, node))
    return tops


def _safe(text: str, limit: int = 120) -> str:
    """A config line fit for a finding: every word after one naming a key, password or
    secret is replaced, and long lines are cut."""
    words = text.split()
    for i, w in enumerate(words):
        if _SECRET_WORD.search(w) and i + 1 < len(words):
            words[i + 1 :] = ["<redacted>"]
            break
    out = " ".join(words)
    return out if len(out) <= limit else out[: limit - 3] + "..."


_int = small_int
_ipv4 = ipv4


# --------------------------------------------------------- intermediate
@dataclass
class IkePolicy:
    version: int
    priority: int
    line: int
    authentication: str | None = None
    encryption: list[str] = field(default_factory=list)
    integrity: list[str] = field(default_factory=list)  # ikev1: the `hash`
    groups: list[str] = field(default_factory=list)
    prf: list[str] = field(default_factory=list)
    lifetime: int | None = None
    lifetime_none: bool = False
    defaults: list[str] = field(default_factory=list)  # ikev1 lines filled with ASA defaults


@dataclass
class TransformSet:
    name: str
    line: int
    encryption: str | None = None
    integrity: str | None = None
    mode: str = "tunnel"


@dataclass
class Ikev2Proposal:
    name: str
    line: int
    encryption: list[str] = field(default_factory=list)
    integrity: list[str] = field(default_factory=list)


@dataclass
class MapEntry:
    map: str
    seq: int
    line: int
    acl: str | None = None
    peers: list[str] = field(default_factory=list)
    transform_sets: list[str] = field(default_factory=list)
    ipsec_proposals: list[str] = field(default_factory=list)
    pfs: str | None = None  # "group14", or "" for a bare `set pfs`
    lifetime_seconds: int | None = None
    lifetime_kb: int | None = None
    kb_unlimited: bool = False
    aggressive: bool = False
    aggressive_group: str | None = None
    dynamic: str | None = None
    manual: bool = False
    options: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # what -> line number


@dataclass
class TunnelGroup:
    name: str
    line: int
    type: str | None = None
    default_group_policy: str | None = None
    psk1: tuple[str, int] | None = None  # (key as written, line)
    psk2_remote: tuple[str, int] | None = None
    psk2_local: tuple[str, int] | None = None
    cert_v1: bool = False
    cert_v2: bool = False
    keepalive: tuple[Any, ...] | None = None  # ("threshold", N, M) | ("disable",) | ("infinite", M)
    keepalive_line: int | None = None
    peer_id_validate: str | None = None
    used: bool = False


@dataclass
class AsaConfig:
    """Everything read from the text, before tunnels are assembled."""

    ike_policies: dict[int, list[IkePolicy]] = field(default_factory=lambda: {1: [], 2: []})
    transform_sets: dict[str, TransformSet] = field(default_factory=dict)
    ipsec_proposals: dict[str, Ikev2Proposal] = field(default_factory=dict)
    entries: dict[tuple[str, int], MapEntry] = field(default_factory=dict)
    map_interfaces: dict[str, tuple[str, int]] = field(default_factory=dict)
    dynamic_maps: dict[str, int] = field(default_factory=dict)
    tunnel_groups: dict[str, TunnelGroup] = field(default_factory=dict)
    group_policies: dict[str, list[str]] = field(default_factory=dict)
    group_policy_nodes: dict[str, list[Node]] = field(default_factory=dict)
    objects: dict[str, list[Node]] = field(default_factory=dict)
    object_groups: dict[str, list[Node]] = field(default_factory=dict)
    acls: dict[str, list[Node]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    interfaces: dict[str, tuple[str | None, int]] = field(default_factory=dict)  # nameif -> (address, line)
    hostname: str | None = None
    domain_name: str | None = None
    identity: tuple[str, int] | None = None
    ipsec_lifetime_seconds: int | None = None
    ipsec_lifetime_kb: int | None = None
    am_disable: bool = False
    ike_enabled: dict[int, set[str]] = field(default_factory=lambda: {1: set(), 2: set()})


# ------------------------------------------------------------ detection
_DETECT = [
    (re.compile(r"^crypto ikev1 policy \d+", re.M), 0.5, "crypto ikev1 policy"),
    (re.compile(r"^crypto ikev2 policy \d+\s*\n\s+encryption ", re.M), 0.4, "numbered crypto ikev2 policy"),
    (re.compile(r"^crypto map \S+ \d+ (?:match address|set peer) ", re.M), 0.5, "flat crypto map entry lines"),
    (re.compile(r"^tunnel-group \S+ type ipsec-l2l", re.M), 0.5, "tunnel-group type ipsec-l2l"),
    (re.compile(r"^tunnel-group \S+ (?:ipsec|general)-attributes", re.M), 0.3, "tunnel-group attributes"),
    (
        re.compile(r"^crypto ipsec ikev[12] (?:transform-set|ipsec-proposal) ", re.M),
        0.5,
        "crypto ipsec ikev1 transform-set / ikev2 ipsec-proposal",
    ),
    (re.compile(r"^object network \S+", re.M), 0.2, "object network"),
    (re.compile(r"^ASA Version \d", re.M), 0.5, "ASA Version header"),
]


def detect(text: str) -> tuple[float, str]:
    try:
        if not isinstance(text, str):
            return 0.0, "not text"
        score, why = 0.0, []
        for rx, weight, label in _DETECT:
            if rx.search(text):
                score += weight
                why.append(label)
        if not why:
            return 0.0, "no Cisco ASA VPN syntax"
        return min(score, 1.0), "Cisco ASA: " + ", ".join(why)
    except Exception:  # never raise
        return 0.0, "detection failed"


# ---------------------------------------------------------------- parse
def parse(text: str, name: str) -> ParsedDevice:
    return parse_config(text, name)[1]


def parse_config(text: str, name: str) -> tuple[AsaConfig, ParsedDevice]:
    """The intermediate reading (policies, entries, tunnel-groups ... as the file says
    them) and the parsed device. Never raises."""
    dev = ParsedDevice(vendor=VENDOR, file=name)
    cfg = AsaConfig()
    try:
        if isinstance(text, bytes | bytearray):
            text = bytes(text).decode("utf-8", errors="replace")
        if not isinstance(text, str):
            dev.note("SYNTAX", "input is not text", severity="error")
            return cfg, dev
        reader = _Reader(cfg, dev)
        reader.read(_tree(text))
        reader.finish()
        _Builder(cfg, dev).build()
    except Exception as exc:  # never raise on any input; the type only (a message might quote a key)
        dev.note(
            "PARSER-BUG",
            f"the Cisco ASA parser stopped on this input ({type(exc).__name__}); tunnels read so far are kept",
            severity="error",
        )
    return cfg, dev


class _Base:
    """Shared by both passes: findings go through ``note``, which stops at
    ``MAX_FINDINGS`` (one last finding says so) so a hostile input stays bounded."""

    cfg: AsaConfig
    dev: ParsedDevice

    def note(self, rule: str, message: str, line: int | None = None, severity: Severity = "info") -> None:
        n = len(self.dev.findings)
        if n < MAX_FINDINGS:
            self.dev.note(rule, message, line, severity)
        elif n == MAX_FINDINGS:
            self.dev.note("TRUNCATED", f"more than {MAX_FINDINGS} findings: the rest are not reported", line, "warning")


class _Reader(_Base):
    """First pass: top-level nodes into the intermediate records."""

    def __init__(self, cfg: AsaConfig, dev: ParsedDevice) -> None:
        self.cfg, self.dev = cfg, dev
        self.policy_index: dict[tuple[int, int], IkePolicy] = {}

    # findings
    def ignored(self, node: Node, where: str = "") -> None:
        if len(self.dev.findings) > MAX_FINDINGS:
            return
        self.note("IGNORED", f"{where}not understood, skipped: {_safe(node.text)}", node.line)

    def syntax(self, node: Node, why: str) -> None:
        self.note("SYNTAX", f"{why}: {_safe(node.text)}", node.line, "error")

    def read(self, tops: list[Node]) -> None:
        for node in tops:
            try:
                self.read_one(node)
            except Exception as exc:  # one odd block must not lose the rest
                self.note(
                    "PARSER-BUG", f"this block stopped the parser ({type(exc).__name__}); skipped", node.line, "error"
                )

    def read_one(self, node: Node) -> None:
        w = node.low
        head = w[0]
        if head == "crypto":
            self.crypto(node)
        elif head == "tunnel-group":
            self.tunnel_group(node)
        elif head == "group-policy":
            self.group_policy(node)
        elif head == "object" and len(w) >= 3 and w[1] == "network":
            self.cfg.objects.setdefault(node.words[2], []).append(node)
        elif head == "object-group" and len(w) >= 3 and w[1] == "network":
            self.cfg.object_groups.setdefault(node.words[2], []).append(node)
        elif head == "access-list" and len(w) >= 3:
            self.cfg.acls.setdefault(node.words[1], []).append(node)
        elif head == "interface":
            self.interface(node)
        elif head == "name" and len(w) >= 3:
            ip = _ipv4(node.words[1])
            if ip:
                self.cfg.names[node.words[2]] = ip
        elif head == "hostname" and len(w) == 2:
            self.cfg.hostname = node.words[1]
        elif head == "domain-name" and len(w) == 2:
            self.cfg.domain_name = node.words[1]

    # ---------------------------------------------------------- crypto
    def crypto(self, node: Node) -> None:
        w = node.low
        if len(w) < 2:
            return self.syntax(node, "incomplete crypto command")
        if w[1] == "map":
            return self.crypto_map(node)
        if w[1] == "dynamic-map":
            if len(w) >= 3:
                self.cfg.dynamic_maps.setdefault(node.words[2], node.line)
            return None
        if w[1] in ("ikev1", "isakmp", "ikev2") and len(w) >= 3 and w[2] == "policy":
            return self.ike_policy(node, 2 if w[1] == "ikev2" else 1)
        if w[1] in ("ikev1", "isakmp", "ikev2") and len(w) >= 3 and w[2] == "enable":
            if len(w) >= 4:
                self.cfg.ike_enabled[2 if w[1] == "ikev2" else 1].add(node.words[3])
            return None
        if w[1] in ("ikev1", "isakmp") and w[2:3] == ["am-disable"]:
            self.cfg.am_disable = True
            return None
        if w[1] == "isakmp" and w[2:3] == ["identity"]:
            if len(w) < 4:
                return self.syntax(node, "crypto isakmp identity without a type")
            self.cfg.identity = (" ".join(node.words[3:]), node.line)
            return None
        if w[1] == "ipsec":
            return self.crypto_ipsec(node)
        if any(tuple(w[1 : 1 + len(q)]) == q for q in _QUIET_CRYPTO):
            return None
        return self.ignored(node)

    def ike_policy(self, node: Node, version: int) -> None:
        prio = _int(node.words[3]) if len(node.words) >= 4 else None
        if prio is None:
            return self.syntax(node, "IKE policy without a numeric priority")
        pol = self.policy_index.get((version, prio))
        if pol is None:
            pol = self.policy_index[(version, prio)] = IkePolicy(version, prio, node.line)
            self.cfg.ike_policies[version].append(pol)
        for c in node.children:
            cw = c.low
            key, args = cw[0], c.words[1:]
            if version == 1 and key == "authentication" and args:
                pol.authentication = args[0].lower()
            elif key == "encryption" and args:
                pol.encryption = _uniq(args) if version == 2 else [args[0].lower()]
            elif key == ("hash" if version == 1 else "integrity") and args:
                pol.integrity = _uniq(args) if version == 2 else [args[0].lower()]
            elif key == "group" and args:
                pol.groups = _uniq(args) if version == 2 else [args[0].lower()]
            elif version == 2 and key == "prf" and args:
                pol.prf = _uniq(args)
            elif key == "lifetime" and args:
                vals = [a.lower() for a in args]
                if vals[0] == "seconds":
                    vals = vals[1:]
                if vals == ["none"]:
                    pol.lifetime_none = True
                elif len(vals) == 1 and _int(vals[0]) is not None:
                    pol.lifetime = _int(vals[0])
                else:
                    self.syntax(c, "IKE policy lifetime is not a number of seconds")
            elif key in ("encryption", "hash", "integrity", "group", "prf", "authentication"):
                self.syntax(c, f"{key} without a value")
            else:
                self.ignored(c, f"crypto ikev{version} policy {prio}: ")

    def finish(self) -> None:
        """After every line is read: ASA defaults for IKEv1 policy lines left out, and
        what is missing from IKEv2 policies."""
        for pol in self.cfg.ike_policies[1]:
            if pol.authentication is None:
                pol.authentication = str(IKEV1_DEFAULTS["authentication"])
                pol.defaults.append("authentication")
            if not pol.integrity:
                pol.integrity = [str(IKEV1_DEFAULTS["hash"])]
                pol.defaults.append("hash")
            if pol.lifetime is None and not pol.lifetime_none:
                pol.lifetime = int(IKEV1_DEFAULTS["lifetime"])
                pol.defaults.append("lifetime")
            if pol.defaults:
                self.note(
                    "DEFAULT",
                    f"crypto ikev1 policy {pol.priority}: no {', '.join(pol.defaults)} line; "
                    "the ASA default is used (" + ", ".join(f"{a} {IKEV1_DEFAULTS[a]}" for a in pol.defaults) + ")",
                    pol.line,
                )
        for ver in (1, 2):
            for pol in self.cfg.ike_policies[ver]:
                missing = [k for k, v in (("encryption", pol.encryption), ("group", pol.groups)) if not v]
                if ver == 2 and not pol.integrity:
                    missing.append("integrity")
                if missing:
                    self.note(
                        "MISSING",
                        f"crypto ikev{ver} policy {pol.priority}: no {', '.join(missing)} line; "
                        "its default depends on the ASA release and is not assumed",
                        pol.line,
                        "warning",
                    )
                if pol.lifetime_none:
                    self.note(
                        "NOT-CARRIED",
                        f"crypto ikev{ver} policy {pol.priority}: lifetime none (no rekey) has no value in the model",
                        pol.line,
                        "warning",
                    )

    def crypto_ipsec(self, node: Node) -> None:
        w, words = node.low, node.words
        # crypto ipsec ikev1 transform-set NAME ... | crypto ipsec transform-set NAME ... (pre-8.4)
        if w[2:3] == ["transform-set"] or w[2:4] == ["ikev1", "transform-set"]:
            i = 3 if w[2] == "transform-set" else 4
            if len(w) <= i + 1:
                return self.syntax(node, "transform-set without a name and transforms")
            name = words[i]
            ts = self.cfg.transform_sets.get(name) or TransformSet(name, node.line)
            rest = w[i + 1 :]
            if rest[:1] == ["mode"]:
                ts.mode = rest[1] if len(rest) > 1 else "?"
            else:
                for t in rest:
                    if t in ("esp-md5-hmac", "esp-sha-hmac", "esp-none") or t.startswith("esp-sha"):
                        ts.integrity = t
                    elif t.startswith("esp-") or t.startswith("ah-"):
                        ts.encryption = t
                    else:
                        self.syntax(node, f"unknown transform {t}")
            self.cfg.transform_sets[name] = ts
            return None
        if w[2:4] == ["ikev2", "ipsec-proposal"]:
            if len(w) < 5:
                return self.syntax(node, "ipsec-proposal without a name")
            prop = self.cfg.ipsec_proposals.get(words[4]) or Ikev2Proposal(words[4], node.line)
            for c in node.children:
                cw = c.low
                if cw[:3] == ["protocol", "esp", "encryption"] and len(cw) > 3:
                    prop.encryption = _uniq(cw[3:])
                elif cw[:3] == ["protocol", "esp", "integrity"] and len(cw) > 3:
                    prop.integrity = _uniq(cw[3:])
                else:
                    self.ignored(c, f"ipsec-proposal {prop.name}: ")
            self.cfg.ipsec_proposals[prop.name] = prop
            return None
        if w[2:4] == ["security-association", "lifetime"]:
            for k, v in _pairs(w[4:]):
                if k == "seconds" and _int(v) is not None:
                    self.cfg.ipsec_lifetime_seconds = _int(v)
                elif k == "kilobytes" and _int(v) is not None:
                    self.cfg.ipsec_lifetime_kb = _int(v)
                elif k == "kilobytes" and v == "unlimited":
                    self.cfg.ipsec_lifetime_kb = 0
                else:
                    return self.syntax(node, "IPsec SA lifetime is not seconds/kilobytes N")
            return None
        if w[2:3] == ["profile"]:
            self.note(
                "UNSUPPORTED",
                f"route-based VTI profile {words[3] if len(words) > 3 else '?'} is not read (only crypto maps are)",
                node.line,
                "warning",
            )
            return None
        if any(tuple(w[1 : 1 + len(q)]) == q for q in _QUIET_CRYPTO):
            return None
        return self.ignored(node)

    def crypto_map(self, node: Node) -> None:
        w, words = node.low, node.words
        if len(w) < 4:
            return self.syntax(node, "incomplete crypto map line")
        mapname = words[2]
        if w[3] == "interface":
            if len(w) < 5:
                return self.syntax(node, "crypto map interface without an interface name")
            self.cfg.map_interfaces[mapname] = (words[4], node.line)
            return None
        seq = _int(w[3])
        if seq is None:
            return self.syntax(node, "crypto map sequence number is not a number")
        e = self.cfg.entries.get((mapname, seq))
        if e is None:
            e = self.cfg.entries[(mapname, seq)] = MapEntry(mapname, seq, node.line)
        for c in node.children:
            self.ignored(c, f"crypto map {mapname} {seq}: ")
        rest, args = w[4:], words[4:]
        if not rest:
            return self.syntax(node, "crypto map entry with nothing after the sequence number")
        if rest[0] == "ipsec-isakmp":
            if rest[1:2] == ["dynamic"] and len(rest) > 2:
                e.dynamic = args[2]
                e.lines["dynamic"] = node.line
            return None
        if rest[0] == "ipsec-manual":
            e.manual = True
            return None
        if rest[:2] == ["match", "address"]:
            if len(rest) < 3:
                return self.syntax(node, "match address without an access-list")
            e.acl, e.lines["acl"] = args[2], node.line
            return None
        if rest[0] != "set" or len(rest) < 2:
            return self.ignored(node)
        opt, vals, raw = rest[1], rest[2:], args[2:]
        e.lines.setdefault(opt, node.line)
        if opt == "peer":
            if not raw:
                return self.syntax(node, "set peer without an address")
            e.peers, e.lines["peer"] = list(raw[:16]), node.line
        elif opt == "pfs":
            if len(vals) > 1:
                return self.syntax(node, "set pfs takes one group")
            e.pfs = vals[0] if vals else ""
            e.lines["pfs"] = node.line
        elif opt == "security-association" and vals[:1] == ["lifetime"]:
            for k, v in _pairs(vals[1:]):
                if k == "seconds" and _int(v) is not None:
                    e.lifetime_seconds = _int(v)
                elif k == "kilobytes" and _int(v) is not None:
                    e.lifetime_kb = _int(v)
                elif k == "kilobytes" and v == "unlimited":
                    e.kb_unlimited, e.lifetime_kb = True, None
                else:
                    return self.syntax(node, "IPsec SA lifetime is not seconds/kilobytes N")
        elif opt == "security-association" and vals[:1] == ["replay"]:
            e.options["replay"] = " ".join(vals[1:])
        elif opt in ("ikev1", "transform-set") and (opt == "transform-set" or vals[:1] == ["transform-set"]):
            names = raw if opt == "transform-set" else raw[1:]
            if not names:
                return self.syntax(node, "set transform-set without a name")
            e.transform_sets = list(dict.fromkeys(e.transform_sets + names))[:MAX_PROPOSALS]
            e.lines["transform-set"] = node.line
        elif opt == "ikev2" and vals[:1] == ["ipsec-proposal"]:
            if len(raw) < 2:
                return self.syntax(node, "set ikev2 ipsec-proposal without a name")
            e.ipsec_proposals = list(dict.fromkeys(e.ipsec_proposals + raw[1:]))[:MAX_PROPOSALS]
            e.lines["ipsec-proposal"] = node.line
        elif opt in ("ikev1", "phase1-mode") and (opt == "phase1-mode" or vals[:1] == ["phase1-mode"]):
            m = vals if opt == "phase1-mode" else vals[1:]
            if not m or m[0] not in ("aggressive", "main"):
                return self.syntax(node, "phase1-mode is neither main nor aggressive")
            e.aggressive = m[0] == "aggressive"
            e.aggressive_group = m[1] if len(m) > 1 else None
            e.lines["phase1-mode"] = node.line
        elif opt in _QUIET_SET:
            e.options[opt] = " ".join(raw)
        else:
            self.ignored(node)
        return None

    # ----------------------------------------------------- tunnel-group
    def tunnel_group(self, node: Node) -> None:
        w, words = node.low, node.words
        if len(w) < 3:
            return self.syntax(node, "incomplete tunnel-group line")
        name = words[1]
        tg = self.cfg.tunnel_groups.get(name)
        if tg is None:
            tg = self.cfg.tunnel_groups[name] = TunnelGroup(name, node.line)
        kind = w[2]
        if kind == "type":
            if len(w) < 4:
                return self.syntax(node, "tunnel-group type without a value")
            tg.type, tg.line = w[3], node.line
            return None
        if tg.type not in (None, "ipsec-l2l"):
            return None  # remote-access & co: reported once when tunnels are built
        if kind == "general-attributes":
            for c in node.children:
                if c.low[0] == "default-group-policy" and len(c.words) > 1:
                    tg.default_group_policy = c.words[1]
                else:
                    self.ignored(c, f"tunnel-group {name} general-attributes: ")
        elif kind == "ipsec-attributes":
            for c in node.children:
                self.ipsec_attribute(tg, c)
        else:
            self.ignored(node)
        return None

    def ipsec_attribute(self, tg: TunnelGroup, c: Node) -> None:
        cw, words = c.low, c.words
        where = f"tunnel-group {tg.name} ipsec-attributes: "
        if cw[:2] == ["ikev1", "pre-shared-key"] or cw[:1] == ["pre-shared-key"]:
            key = words[2:] if cw[0] == "ikev1" else words[1:]
            tg.psk1 = self.key(c, key)
        elif cw[:3] == ["ikev2", "remote-authentication", "pre-shared-key"]:
            tg.psk2_remote = self.key(c, words[3:])
        elif cw[:3] == ["ikev2", "local-authentication", "pre-shared-key"]:
            tg.psk2_local = self.key(c, words[3:])
        elif cw[:3] in (
            ["ikev2", "remote-authentication", "certificate"],
            ["ikev2", "local-authentication", "certificate"],
        ):
            tg.cert_v2 = True
        elif cw[:2] == ["ikev1", "trust-point"] or cw[:1] == ["trust-point"]:
            tg.cert_v1 = True
        elif cw[:2] == ["isakmp", "keepalive"]:
            tg.keepalive_line = c.line
            rest = cw[2:]
            if rest == ["disable"]:
                tg.keepalive = ("disable",)
            elif rest[:2] == ["threshold", "infinite"]:
                tg.keepalive = ("infinite",)
            elif (
                len(rest) == 4
                and rest[0] == "threshold"
                and rest[2] == "retry"
                and _int(rest[1]) is not None
                and _int(rest[3]) is not None
            ):
                tg.keepalive = ("threshold", _int(rest[1]), _int(rest[3]))
            else:
                self.syntax(c, "isakmp keepalive is not 'threshold N retry M' or 'disable'")
        elif cw[:1] == ["peer-id-validate"] and len(cw) > 1:
            tg.peer_id_validate = cw[1]
        else:
            self.ignored(c, where)

    def key(self, c: Node, words: list[str]) -> tuple[str, int] | None:
        if not words:
            self.note("MISSING", f"tunnel-group line without a key: {_safe(c.text)}", c.line, "warning")
            return None
        if len(words) == 2 and words[0] in ("0", "8"):
            return ("\x00enc:" + words[1] if words[0] == "8" else words[1]), c.line
        if len(words) > 1:
            self.syntax(c, "pre-shared key with more than one word")
            return None
        return words[0], c.line

    # ---------------------------------------------------- group-policy
    def group_policy(self, node: Node) -> None:
        w, words = node.low, node.words
        if len(w) < 3:
            return self.syntax(node, "incomplete group-policy line")
        if w[2] != "attributes":
            return None
        self.cfg.group_policy_nodes.setdefault(words[1], []).append(node)
        for c in node.children:
            if c.low[0] == "vpn-tunnel-protocol":
                self.cfg.group_policies[words[1]] = ["ikev1" if p == "ipsec" else p for p in c.low[1:]]
        return None

    # ------------------------------------------------------- interface
    def interface(self, node: Node) -> None:
        nameif, addr, line = None, None, node.line
        for c in node.children:
            cw = c.low
            if cw[0] == "nameif" and len(cw) > 1:
                nameif = c.words[1]
            elif cw[:2] == ["ip", "address"] and len(cw) > 2:
                a = c.words[2]
                addr = _ipv4(a) or self.cfg.names.get(a) or ("dhcp" if cw[2] in ("dhcp", "pppoe") else None)
                line = c.line
        if nameif:
            self.cfg.interfaces[nameif] = (addr, line)


def _uniq(words: list[str], limit: int = 64) -> list[str]:
    """Lower-cased, duplicates dropped, at most ``limit`` (a proposal list longer than
    the keywords that exist is not a real one)."""
    return list(dict.fromkeys(w.lower() for w in words))[:limit]


def _pairs(words: list[str]) -> list[tuple[str, str]]:
    if len(words) % 2:
        return [("?", "?")]
    return [(words[i], words[i + 1]) for i in range(0, len(words), 2)]


# ---------------------------------------------------------------- build
class _Builder(_Base):
    """Second pass: crypto map entries (and orphan L2L tunnel-groups) into tunnels."""

    def __init__(self, cfg: AsaConfig, dev: ParsedDevice) -> None:
        self.cfg, self.dev = cfg, dev
        self.names_used: set[str] = set()
        self.reported: set[tuple[str, str]] = set()
        self.offers: dict[int, tuple[list[Proposal], list[IkePolicy], list[int]]] = {}
        self.acl_cache: dict[str, list[tuple[str, str]]] = {}
        self.lifetimes_differ: dict[int, bool] = {}

    def once(self, key: tuple[str, str], rule: str, msg: str, line: int | None, sev: Any = "warning") -> None:
        if key not in self.reported:
            self.reported.add(key)
            self.note(rule, msg, line, sev)

    def build(self) -> None:
        cfg = self.cfg
        for tg in cfg.tunnel_groups.values():
            if tg.type not in (None, "ipsec-l2l"):
                self.note(
                    "IGNORED",
                    f"tunnel-group {tg.name} is of type {tg.type}, not site-to-site "
                    "(ipsec-l2l): its attributes are skipped",
                    tg.line,
                )
        for v in (1, 2):
            cfg.ike_policies[v].sort(key=lambda p: p.priority)
        for e in cfg.entries.values():
            if e.dynamic or e.manual:
                continue
            try:
                self.dev.tunnels.append(self.tunnel(e))
            except Exception as exc:  # one odd entry must not lose the others
                self.note(
                    "PARSER-BUG",
                    f"crypto map {e.map} {e.seq} stopped the parser ({type(exc).__name__}); entry skipped",
                    e.line,
                    "error",
                )
        for e in cfg.entries.values():
            if e.dynamic:
                self.note(
                    "DYNAMIC-MAP",
                    f"crypto map {e.map} {e.seq} uses dynamic map {e.dynamic}: a dynamic "
                    "entry has no fixed peer and is not read as a tunnel",
                    e.lines.get("dynamic", e.line),
                    "warning",
                )
            elif e.manual:
                self.note(
                    "UNSUPPORTED",
                    f"crypto map {e.map} {e.seq} is ipsec-manual (manual keys): not read",
                    e.line,
                    "warning",
                )
        for tg in cfg.tunnel_groups.values():
            if tg.type == "ipsec-l2l" and not tg.used and tg.name != "DefaultL2LGroup":
                self.dev.tunnels.append(self.orphan(tg))
        if not self.dev.tunnels:
            n1, n2 = len(cfg.ike_policies[1]), len(cfg.ike_policies[2])
            self.note(
                "NO-TUNNEL",
                f"no static crypto map entry or site-to-site tunnel-group in this text "
                f"({n1} IKEv1 and {n2} IKEv2 policies read)",
                None,
            )

    # ----------------------------------------------------------- names
    def name_for(self, e: MapEntry) -> str:
        cands = []
        if e.acl:
            cands.append((e.acl, NAME_PREFIXES["acl"]))
        cands += [(n, NAME_PREFIXES["ts"]) for n in e.transform_sets]
        cands += [(n, NAME_PREFIXES["p2"]) for n in e.ipsec_proposals]
        found = {n[len(p) :] for n, p in cands if n.startswith(p) and len(n) > len(p)}
        name = f"{e.map}-{e.seq}"
        if len(found) == 1:
            only = found.pop()
            if _NAME_RE.fullmatch(only) and all(n.startswith(p) for n, p in cands):
                name = only
        return self.unique(name, e.seq)

    def unique(self, name: str, tag: int) -> str:
        base, n = name, 0
        while name in self.names_used:
            n += 1
            name = f"{base}-{tag}" if n == 1 else f"{base}-{tag}-{n}"
        self.names_used.add(name)
        return name

    # ----------------------------------------------------------- peers
    def resolve_host(self, token: str) -> str | None:
        ip = _ipv4(token)
        if ip:
            return ip
        if token in self.cfg.names:
            return self.cfg.names[token]
        for node in self.cfg.objects.get(token, []):
            for c in node.children:
                if c.low[0] == "host" and len(c.words) > 1:
                    return _ipv4(c.words[1])
        return None

    # ----------------------------------------------------------- tunnel
    def tunnel(self, e: MapEntry) -> ParsedTunnel:
        cfg = self.cfg
        t = ParsedTunnel(name=self.name_for(e), line=e.line, variant="crypto-map")
        t.extra.update({"crypto_map": e.map, "sequence": e.seq})
        where = f"crypto map {e.map} {e.seq}"
        # peer
        if not e.peers:
            self.note("MISSING", f"{where}: no set peer line", e.line, "warning")
        else:
            t.peer_address = self.resolve_host(e.peers[0])
            if t.peer_address is None:
                self.note(
                    "UNRESOLVED",
                    f"{where}: peer {e.peers[0]} is neither an IPv4 address nor a name/object defined in this text",
                    e.lines.get("peer"),
                    "warning",
                )
                t.extra["peer_name"] = e.peers[0]
            if len(e.peers) > 1:
                t.extra["backup_peers"] = e.peers[1:]
                self.note(
                    "NOT-CARRIED",
                    f"{where}: backup peers {' '.join(e.peers[1:])} are not carried (the model has one peer)",
                    e.lines.get("peer"),
                    "info",
                )
        # IKE version
        v1, v2 = bool(e.transform_sets), bool(e.ipsec_proposals)
        if v1 and v2:
            self.note(
                "AMBIGUOUS",
                f"{where}: both an IKEv1 transform-set and an IKEv2 ipsec-proposal: either IKE version may be used",
                e.line,
                "warning",
            )
            t.ike_version = None
        elif v1 or v2:
            t.ike_version = 1 if v1 else 2
        else:
            self.note(
                "MISSING",
                f"{where}: neither set ikev1 transform-set nor set ikev2 ipsec-proposal: no IPsec "
                "proposal and no IKE version",
                e.line,
                "warning",
            )
        versions = [2, 1] if t.ike_version is None else [t.ike_version]
        if not (v1 or v2):
            versions = []
        # IKE proposals: every policy of the version, in priority order (computed once)
        for ver in versions:
            props, usable, non_psk = self.ike_offer(ver, e.line)
            t.ike_proposals.extend(props[: MAX_PROPOSALS - len(t.ike_proposals)])
            if non_psk:
                t.extra["non_psk_ike_policies"] = non_psk
            if usable and t.ike_lifetime is None:
                first = usable[0]
                t.ike_lifetime = first.lifetime
                if first.lifetime_none:
                    t.extra["ike_lifetime"] = "none"
                if self.lifetimes_differ[ver]:
                    t.extra["ike_lifetimes"] = "differ between policies; the first policy's is kept"
            if non_psk and not usable:
                t.auth = "certificate"
        # ESP proposals, in the same version order as the IKE proposals
        for ver in versions:
            if ver == 1:
                for name in e.transform_sets:
                    ts = cfg.transform_sets.get(name)
                    if ts is None:
                        self.note(
                            "UNRESOLVED",
                            f"{where}: transform-set {name} is not defined in this text",
                            e.lines.get("transform-set"),
                            "warning",
                        )
                        continue
                    if ts.mode != "tunnel":
                        self.note(
                            "UNSUPPORTED",
                            f"transform-set {name} is in {ts.mode} mode; the service uses tunnel mode",
                            ts.line,
                            "warning",
                        )
                    if len(t.esp_proposals) < MAX_PROPOSALS:
                        t.esp_proposals.append(self.ts_proposal(ts))
            else:
                for name in e.ipsec_proposals:
                    prop = cfg.ipsec_proposals.get(name)
                    if prop is None:
                        self.note(
                            "UNRESOLVED",
                            f"{where}: ikev2 ipsec-proposal {name} is not defined in this text",
                            e.lines.get("ipsec-proposal"),
                            "warning",
                        )
                        continue
                    t.esp_proposals.extend(self.v2_esp(prop)[: MAX_PROPOSALS - len(t.esp_proposals)])
        # PFS
        if e.pfs is not None:
            if e.pfs == "":
                self.note(
                    "NOT-CARRIED",
                    f"{where}: set pfs without a group uses the release's default group "
                    "(group2 on older releases); not assumed, PFS is reported off",
                    e.lines.get("pfs"),
                    "warning",
                )
                t.extra["pfs"] = "default group"
            else:
                t.pfs = lookup(VENDOR, "pfs_group", e.pfs)
                if t.pfs is None:
                    self.note(
                        "UNSUPPORTED", f"{where}: PFS {e.pfs} has no canonical DH group", e.lines.get("pfs"), "warning"
                    )
                    t.extra["pfs"] = e.pfs
        # IPsec lifetimes: entry, else global, else ASA default
        defaults = []
        t.ipsec_lifetime_seconds = e.lifetime_seconds or cfg.ipsec_lifetime_seconds
        if t.ipsec_lifetime_seconds is None:
            t.ipsec_lifetime_seconds = IPSEC_DEFAULT_SECONDS
            defaults.append(f"IPsec lifetime {IPSEC_DEFAULT_SECONDS} s")
        if e.kb_unlimited or (e.lifetime_kb is None and cfg.ipsec_lifetime_kb == 0):
            t.extra["ipsec_lifetime_kb"] = "unlimited"
        else:
            t.ipsec_lifetime_kb = e.lifetime_kb or cfg.ipsec_lifetime_kb
            if t.ipsec_lifetime_kb is None:
                t.ipsec_lifetime_kb = IPSEC_DEFAULT_KB
                defaults.append(f"IPsec lifetime {IPSEC_DEFAULT_KB} KB")
        if defaults:
            t.extra["defaults"] = defaults
            self.note(
                "DEFAULT", f"{where}: not set here nor globally, the ASA default is used: {', '.join(defaults)}", e.line
            )
        # mode
        if e.aggressive:
            t.mode = "aggressive"
            if e.aggressive_group:
                t.extra["aggressive_group"] = e.aggressive_group
            if cfg.am_disable:
                self.note(
                    "AGGRESSIVE-DISABLED",
                    f"{where}: aggressive mode while 'crypto ikev1 am-disable' stops the ASA answering aggressive mode",
                    e.lines.get("phase1-mode"),
                    "warning",
                )
            if t.ike_version == 2:
                self.note(
                    "AMBIGUOUS",
                    f"{where}: ikev1 phase1-mode aggressive on an IKEv2 entry has no effect",
                    e.lines.get("phase1-mode"),
                    "info",
                )
                t.mode = "main"
        if e.options:
            t.extra["options"] = dict(e.options)
        # selectors
        if e.acl is None:
            self.note("MISSING", f"{where}: no match address line: no traffic selectors", e.line, "warning")
        else:
            t.extra["acl"] = e.acl
            t.selectors = self.selectors(e.acl, e.lines.get("acl", e.line), where)
        # local address and identity
        self.local(t, e, where)
        # tunnel-group
        self.apply_tunnel_group(t, where)
        return t

    def ike_offer(self, ver: int, line: int) -> tuple[list[Proposal], list[IkePolicy], list[int]]:
        """(proposals, pre-shared-key policies, priorities of other policies) of one IKE
        version: the same for every entry, so built once."""
        if ver in self.offers:
            return self.offers[ver]
        pols = self.cfg.ike_policies[ver]
        if not pols:
            self.once(
                ("nopol", str(ver)),
                "MISSING",
                f"no crypto ikev{ver} policy in this text: the IKE proposals of its entries are unknown",
                line,
            )
        usable, non_psk = [], []
        for p in pols:
            if ver == 1 and p.authentication not in (None, "pre-share"):
                non_psk.append(p.priority)
            else:
                usable.append(p)
        props: list[Proposal] = []
        for pol in usable:
            props.extend(self.ike_proposals(pol, MAX_PROPOSALS - len(props)))
            if len(props) >= MAX_PROPOSALS:
                self.note(
                    "NOT-CARRIED",
                    f"more than {MAX_PROPOSALS} IKEv{ver} proposals: the rest (from policy {pol.priority} on) "
                    "are not read",
                    pol.line,
                    "warning",
                )
                break
        self.offers[ver] = (props, usable, non_psk)
        self.lifetimes_differ[ver] = len({p.lifetime for p in usable}) > 1
        return self.offers[ver]

    def ike_proposals(self, pol: IkePolicy, room: int) -> list[Proposal]:
        ver, out = pol.version, list[Proposal]()
        tag = f"ikev{ver} policy {pol.priority}"
        none: list[str | None] = [None]
        encs: list[str | None] = list(pol.encryption) or none
        for enc in encs:
            c_enc = lookup(VENDOR, "ike_encryption", enc, ver) if enc else None
            if enc and c_enc is None:
                self.unsupported(f"{tag}: encryption {enc}", pol.line)
            aead = bool(c_enc and c_enc.endswith("gcm"))
            if ver == 2 and aead:
                integs = pol.prf or [i for i in pol.integrity if i != "null"]
            else:
                integs = [i for i in pol.integrity if i != "null"]
                if ver == 2 and "null" in pol.integrity and not aead:
                    self.unsupported(f"{tag}: integrity null with non-GCM encryption {enc}", pol.line)
            for integ in list(integs) or none:
                c_int = lookup(VENDOR, "ike_integrity", integ, ver) if integ else None
                if integ and c_int is None:
                    self.unsupported(f"{tag}: {'hash' if ver == 1 else 'integrity/prf'} {integ}", pol.line)
                for g in list(pol.groups) or none:
                    if len(out) >= room:
                        return out
                    c_g = lookup(VENDOR, "dh_group", g, ver) if g else None
                    if g and c_g is None:
                        self.unsupported(f"{tag}: group {g}", pol.line)
                    raw = f"{tag}: {enc or '?'}/{integ or '?'}/group {g or '?'}"
                    if ver == 2 and pol.prf and not aead:
                        raw += f" (prf {' '.join(pol.prf)})"
                    out.append(Proposal(c_enc, c_int, c_g, raw))
        return out

    def ts_proposal(self, ts: TransformSet) -> Proposal:
        enc = lookup(VENDOR, "esp_encryption", ts.encryption, 1) if ts.encryption else None
        integ = None
        if ts.integrity and ts.integrity != "esp-none":
            integ = lookup(VENDOR, "esp_integrity", ts.integrity, 1)
            if integ is None:
                self.unsupported(f"transform-set {ts.name}: {ts.integrity}", ts.line)
        if ts.encryption and enc is None:
            self.unsupported(f"transform-set {ts.name}: {ts.encryption}", ts.line)
        if not ts.encryption:
            self.note("MISSING", f"transform-set {ts.name} has no ESP encryption", ts.line, "warning")
        return Proposal(
            enc, integ, None, f"transform-set {ts.name}: {ts.encryption or '?'} {ts.integrity or ''}".strip()
        )

    def v2_esp(self, prop: Ikev2Proposal) -> list[Proposal]:
        out = []
        tag = f"ipsec-proposal {prop.name}"
        if not prop.encryption:
            self.note("MISSING", f"{tag} has no protocol esp encryption line", prop.line, "warning")
        for enc in prop.encryption:
            c_enc = lookup(VENDOR, "esp_encryption", enc, 2)
            if c_enc is None:
                self.unsupported(f"{tag}: encryption {enc}", prop.line)
            aead = bool(c_enc and c_enc.endswith("gcm"))
            integs: list[str | None] = [None] if aead else [i for i in prop.integrity if i != "null"] or [None]
            for integ in integs:
                c_int = lookup(VENDOR, "esp_integrity", integ, 2) if integ else None
                if integ and c_int is None:
                    self.unsupported(f"{tag}: integrity {integ}", prop.line)
                out.append(Proposal(c_enc, c_int, None, f"{tag}: {enc}/{integ or 'null'}"))
        return out

    def unsupported(self, what: str, line: int) -> None:
        self.once(
            ("unsup", f"{line}:{what}"),
            "UNSUPPORTED",
            f"{what} has no canonical name in vendors/{VENDOR}/vendor.yaml",
            line,
        )

    # ------------------------------------------------------- selectors
    def selectors(self, acl: str, line: int, where: str) -> list[tuple[str, str]]:
        """The ACL's selector pairs; built once per ACL and shared by the entries using it."""
        if acl in self.acl_cache:
            return self.acl_cache[acl]
        out = self.acl_cache[acl] = self.read_acl(acl, line, where)
        return out

    def read_acl(self, acl: str, line: int, where: str) -> list[tuple[str, str]]:
        nodes = self.cfg.acls.get(acl)
        if not nodes:
            self.note(
                "UNRESOLVED",
                f"{where}: access-list {acl} is not defined in this text: no traffic selectors",
                line,
                "warning",
            )
            return []
        out: dict[tuple[str, str], None] = {}
        for n in nodes:
            w = n.low
            if w[2] == "remark":
                continue
            if w[2] != "extended" or len(w) < 6:
                self.note(
                    "UNSUPPORTED",
                    f"access-list {acl}: only extended lines describe selectors: {_safe(n.text)}",
                    n.line,
                    "warning",
                )
                continue
            if "inactive" in w:
                self.note("IGNORED", f"access-list {acl}: inactive line skipped", n.line)
                continue
            if w[3] != "permit":
                self.note(
                    "NOT-CARRIED",
                    f"access-list {acl}: {w[3]} line not carried (selectors are permits only): {_safe(n.text)}",
                    n.line,
                    "warning",
                )
                continue
            if w[4] != "ip":
                self.note(
                    "NOT-CARRIED",
                    f"access-list {acl}: protocol {n.words[4]} restricts the selector "
                    "beyond addresses; line not carried",
                    n.line,
                    "warning",
                )
                continue
            src, i = self.operand(n, 5, acl)
            dst, _ = self.operand(n, i, acl) if src is not None else (None, i)
            if src is None or dst is None:
                continue
            for s in src:
                for d in dst:
                    out[(s, d)] = None
                    if len(out) >= MAX_SELECTORS:
                        self.note(
                            "NOT-CARRIED",
                            f"access-list {acl}: more than {MAX_SELECTORS} selector pairs; the rest are not read",
                            n.line,
                            "warning",
                        )
                        return list(out)
        return list(out)

    def operand(self, n: Node, i: int, acl: str) -> tuple[list[str] | None, int]:
        w, words = n.low, n.words
        if i >= len(w):
            self.note("SYNTAX", f"access-list {acl}: address missing: {_safe(n.text)}", n.line, "error")
            return None, i
        k = w[i]
        if k in ("any", "any4"):
            return ["0.0.0.0/0"], i + 1
        if k in ("any6", "interface"):
            self.note(
                "UNSUPPORTED",
                f"access-list {acl}: operand {k} cannot be a selector (IPv4 networks only)",
                n.line,
                "warning",
            )
            return None, i + (1 if k == "any6" else 2)
        if i + 1 >= len(w):
            self.note("SYNTAX", f"access-list {acl}: {k} without a value: {_safe(n.text)}", n.line, "error")
            return None, i + 1
        arg = words[i + 1]
        if k == "object":
            return self.object_nets(arg, n.line, acl), i + 2
        if k == "object-group":
            return self.group_nets(arg, n.line, acl, set()), i + 2
        if k == "host":
            ip = self.resolve_host(arg)
            if ip is None:
                self.note(
                    "UNRESOLVED",
                    f"access-list {acl}: host {arg} is not an address or a name defined here",
                    n.line,
                    "warning",
                )
                return None, i + 2
            return [f"{ip}/32"], i + 2
        net = self.net(words[i], arg)
        if net is None:
            self.note("SYNTAX", f"access-list {acl}: {words[i]} {arg} is not an address and mask", n.line, "error")
            return None, i + 2
        return [net], i + 2

    def net(self, addr: str, mask: str) -> str | None:
        a = _ipv4(addr) or self.cfg.names.get(addr)
        if a is None:
            return None
        try:
            return str(ipaddress.IPv4Network(f"{a}/{mask}", strict=False))
        except ValueError:
            return None

    def object_nets(self, name: str, line: int, acl: str) -> list[str] | None:
        nodes = self.cfg.objects.get(name)
        if not nodes:
            self.note("UNRESOLVED", f"access-list {acl}: object {name} is not defined in this text", line, "warning")
            return None
        for node in nodes:
            for c in node.children:
                cw = c.low
                if cw[0] == "subnet" and len(cw) == 3:
                    net = self.net(c.words[1], c.words[2])
                    if net is None:
                        self.note(
                            "SYNTAX", f"object network {name}: subnet is not an address and mask", c.line, "error"
                        )
                        return None
                    return [net]
                if cw[0] == "host" and len(cw) == 2:
                    ip = _ipv4(c.words[1])
                    if ip is None:
                        self.note("SYNTAX", f"object network {name}: host is not an IPv4 address", c.line, "error")
                        return None
                    return [f"{ip}/32"]
                if cw[0] in ("range", "fqdn"):
                    self.note(
                        "UNSUPPORTED",
                        f"object network {name}: a {cw[0]} object cannot be a selector (CIDR networks only)",
                        c.line,
                        "warning",
                    )
                    return None
                if cw[0] not in ("description", "nat"):
                    self.note("IGNORED", f"object network {name}: not understood: {_safe(c.text)}", c.line)
        self.note("MISSING", f"object network {name} holds no subnet or host", nodes[0].line, "warning")
        return None

    def group_nets(self, name: str, line: int, acl: str, seen: set[str]) -> list[str] | None:
        nodes = self.cfg.object_groups.get(name)
        if not nodes:
            self.note(
                "UNRESOLVED", f"access-list {acl}: object-group {name} is not defined in this text", line, "warning"
            )
            return None
        if name in seen:
            self.note("SYNTAX", f"object-group {name} contains itself", nodes[0].line, "error")
            return None
        if len(seen) >= MAX_NESTING:
            self.note("UNSUPPORTED", f"object-group {name}: nested deeper than {MAX_NESTING}", nodes[0].line, "warning")
            return None
        seen = seen | {name}
        out: dict[str, None] = {}
        for node in nodes:
            for c in node.children:
                cw, cws = c.low, c.words
                got: list[str] | None = None
                if cw[:2] == ["network-object", "host"] and len(cw) == 3:
                    ip = self.resolve_host(cws[2])
                    got = [f"{ip}/32"] if ip else None
                elif cw[:2] == ["network-object", "object"] and len(cw) == 3:
                    got = self.object_nets(cws[2], c.line, acl)
                elif cw[0] == "network-object" and len(cw) == 3:
                    one = self.net(cws[1], cws[2])
                    got = [one] if one else None
                elif cw[0] == "group-object" and len(cw) == 2:
                    got = self.group_nets(cws[1], c.line, acl, seen)
                elif cw[0] == "description":
                    continue
                else:
                    self.note("IGNORED", f"object-group {name}: not understood: {_safe(c.text)}", c.line)
                    continue
                if got is None:
                    self.note(
                        "UNRESOLVED", f"object-group {name}: member not resolved: {_safe(c.text)}", c.line, "warning"
                    )
                    continue
                out.update(dict.fromkeys(got))
        return list(out) or None

    # --------------------------------------------------- local side
    def local(self, t: ParsedTunnel, e: MapEntry, where: str) -> None:
        cfg = self.cfg
        bound = cfg.map_interfaces.get(e.map)
        if bound is None:
            self.once(
                ("unbound", e.map),
                "MISSING",
                f"crypto map {e.map} is not bound to an interface in this text "
                "(crypto map ... interface): local address unknown",
                e.line,
                "info",
            )
        else:
            ifname, bline = bound
            t.extra["interface"] = ifname
            got = cfg.interfaces.get(ifname)
            if got is None:
                self.once(
                    ("noif", ifname),
                    "MISSING",
                    f"no interface with nameif {ifname} in this text: local address unknown",
                    bline,
                    "info",
                )
            elif got[0] == "dhcp":
                self.once(
                    ("dhcp", ifname),
                    "NOT-CARRIED",
                    f"interface {ifname} takes its address by DHCP/PPPoE: local address unknown",
                    got[1],
                    "warning",
                )
            else:
                t.local_address = got[0]
            for ver in [t.ike_version] if t.ike_version else []:
                enabled = cfg.ike_enabled[ver]
                if enabled and ifname not in enabled:
                    self.note(
                        "NOT-ENABLED",
                        f"{where}: IKEv{ver} is not enabled on {ifname} (crypto ikev{ver} enable {ifname})",
                        bline,
                        "warning",
                    )
        # identity: `crypto isakmp identity`, default auto (= the address with pre-shared keys)
        kind, iline = cfg.identity if cfg.identity else ("auto", None)
        t.extra["identity"] = kind
        kl = kind.lower()
        if kl in ("address", "auto"):
            t.local_id = Ident("address", t.local_address) if t.local_address else None
        elif kl == "hostname":
            if cfg.hostname and cfg.domain_name:
                t.local_id = Ident("fqdn", f"{cfg.hostname}.{cfg.domain_name}")
            elif cfg.hostname:
                t.local_id = Ident("other", cfg.hostname)
                self.once(
                    ("nodomain", ""),
                    "NOT-CARRIED",
                    "identity hostname without a domain-name line: the ASA sends its bare host name",
                    iline,
                    "warning",
                )
            else:
                self.once(
                    ("nohost", ""),
                    "MISSING",
                    "identity hostname but no hostname/domain-name line in this text: local identity unknown",
                    iline,
                    "warning",
                )
        elif kl.startswith("key-id"):
            parts = kind.split()
            t.local_id = Ident("other", parts[1]) if len(parts) > 1 else None
        else:
            self.once(("idkind", kl), "UNSUPPORTED", f"crypto isakmp identity {kind} not understood", iline)

    # ------------------------------------------------------ tunnel-group
    def apply_tunnel_group(self, t: ParsedTunnel, where: str) -> None:
        cfg = self.cfg
        tg = None
        if t.peer_address:
            tg = cfg.tunnel_groups.get(t.peer_address)
        if tg is None and "peer_name" in t.extra:
            tg = cfg.tunnel_groups.get(t.extra["peer_name"])
        if tg is not None and tg.type not in (None, "ipsec-l2l"):
            self.note("NOT-CARRIED", f"{where}: tunnel-group {tg.name} is {tg.type}, not ipsec-l2l", tg.line, "warning")
            tg = None
        if tg is None and "DefaultL2LGroup" in cfg.tunnel_groups:
            tg = cfg.tunnel_groups["DefaultL2LGroup"]
            self.note("DEFAULT", f"{where}: no tunnel-group for this peer; DefaultL2LGroup applies", t.line)
        if tg is None:
            self.note(
                "MISSING",
                f"{where}: no tunnel-group for peer {t.peer_address or t.extra.get('peer_name', '?')} "
                "in this text: key and keepalives unknown",
                t.line,
                "warning",
            )
            t.psk_state = "missing"
            return
        tg.used = True
        self.read_tunnel_group(t, tg)
        gp = tg.default_group_policy
        if gp:
            t.extra["group_policy"] = gp
            protos = cfg.group_policies.get(gp)
            if gp not in cfg.group_policy_nodes:
                self.once(("nogp", gp), "MISSING", f"group-policy {gp} is not defined in this text", t.line, "info")
            for n in cfg.group_policy_nodes.get(gp, []):
                for c in n.children:
                    if c.low[0] != "vpn-tunnel-protocol":
                        self.once(
                            ("gpline", str(c.line)),
                            "IGNORED",
                            f"group-policy {gp}: not read: {_safe(c.text)}",
                            c.line,
                            "info",
                        )
            if protos is not None and t.ike_version and f"ikev{t.ike_version}" not in protos:
                self.note(
                    "PROTOCOL-NOT-ALLOWED",
                    f"{where}: group-policy {gp} allows {' '.join(protos) or 'nothing'}, not ikev{t.ike_version}",
                    t.line,
                    "warning",
                )

    def read_tunnel_group(self, t: ParsedTunnel, tg: TunnelGroup) -> None:
        t.extra["tunnel_group"] = tg.name
        v = t.ike_version
        key: tuple[str, int] | None
        if v == 1:
            key = tg.psk1
        elif v == 2:
            key = tg.psk2_remote or tg.psk2_local
        else:
            key = tg.psk2_remote or tg.psk2_local or tg.psk1
        if v != 1 and tg.psk2_remote and tg.psk2_local and tg.psk2_remote[0] != tg.psk2_local[0]:
            self.note(
                "NOT-CARRIED",
                f"tunnel-group {tg.name}: IKEv2 local and remote pre-shared keys differ; the "
                "model holds one key (the remote one is kept)",
                tg.psk2_local[1],
                "warning",
            )
        if key is None:
            cert = tg.cert_v1 if v == 1 else tg.cert_v2 if v == 2 else (tg.cert_v1 or tg.cert_v2)
            if cert:
                t.auth, t.psk_state = "certificate", "certificate"
            else:
                t.psk_state = "missing"
                self.note(
                    "MISSING",
                    f"tunnel-group {tg.name}: no pre-shared key for {'IKEv' + str(v) if v else 'this tunnel'}",
                    tg.line,
                    "warning",
                )
        else:
            k = key[0]
            if k.startswith("\x00enc:"):
                t.psk_state = "encrypted"
            elif set(k) == {"*"}:
                t.psk_state = "masked"
                self.note(
                    "MASKED-KEY",
                    f"tunnel-group {tg.name}: the pre-shared key is masked (show "
                    "running-config); 'more system:running-config' shows it",
                    key[1],
                )
            else:
                t.psk, t.psk_state = k, "clear"
        if tg.peer_id_validate:
            t.extra["peer_id_validate"] = tg.peer_id_validate
        ka = tg.keepalive
        if ka is None:
            self.note(
                "DEFAULT",
                f"tunnel-group {tg.name}: no isakmp keepalive line; the ASA's built-in keepalive "
                "default applies and is not carried",
                tg.line,
            )
        elif ka[0] == "threshold":
            # Inverse of the renderer's rule (threshold = max(10, timeout // 3), capped at 3600):
            # the ASA starts probing after `threshold` idle seconds and retries every `retry` s.
            t.dpd_enabled, t.dpd_timeout = True, ka[1] * 3
            t.extra["keepalive"] = {"threshold": ka[1], "retry": ka[2]}
        elif ka[0] == "infinite":
            t.extra["keepalive"] = "threshold infinite (answers DPD, never sends it)"
        else:
            t.extra["keepalive"] = "disable"

    def orphan(self, tg: TunnelGroup) -> ParsedTunnel:
        name = self.unique(f"tg-{tg.name}", tg.line)
        t = ParsedTunnel(name=name, line=tg.line, variant="tunnel-group")
        t.peer_address = _ipv4(tg.name)
        t.ike_version = None
        self.note(
            "MISSING",
            f"tunnel-group {tg.name}: no crypto map entry in this text sets this peer: IKE "
            "version, proposals and selectors unknown",
            tg.line,
            "warning",
        )
        self.read_tunnel_group(t, tg)
        tg.used = True
        return t
