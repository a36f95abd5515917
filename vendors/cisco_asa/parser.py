"""Cisco ASA (9.x ``show running-config`` / ``more system:running-config``) parser.

What it reads:

* ``crypto ikev1 policy N`` (also the pre-8.4 ``crypto isakmp policy N``, a second
  spelling in vendor.yaml ``spellings``) and ``crypto ikev2 policy N``: every policy of a
  version is a proposal of every crypto map entry of that version, in priority order.
* ``crypto ipsec ikev1 transform-set`` (also pre-8.4 ``crypto ipsec transform-set``) and
  ``crypto ipsec ikev2 ipsec-proposal`` blocks.
* flat ``crypto map M S ...`` lines, grouped by (map, sequence); ``set peer A B``: A is the
  peer, B a backup peer of the same tunnel; ``crypto map M interface IF`` with the
  interface's ``nameif`` / ``ip address`` for the local address; dynamic maps are reported,
  not turned into tunnels (no fixed peer).
* crypto ACLs ``access-list X extended permit ip SRC DST`` with ``any``/``host``/mask/
  ``object``/``object-group`` operands, resolved through ``object network`` and
  ``object-group network`` and ``name`` lines into traffic selectors.
* static VTIs (route-based, ASA 9.7+): ``interface TunnelN`` with ``nameif``, ``ip address``,
  ``tunnel source interface``, ``tunnel destination``, ``tunnel mode ipsec ipv4`` and ``tunnel
  protection ipsec profile P``; ``crypto ipsec profile P`` gives what a crypto map entry would
  (transform sets / ipsec-proposals in order, PFS, lifetimes); the tunnel-group named after the
  destination gives the key; ``route <nameif> ...`` lines are the tunnel's routes (their
  distance is ``route_preference``: none written, the default 1 from vendor.yaml; different
  ones, the lowest and AMBIGUOUS); the ``router bgp`` neighbor inside the VTI's network is its BGP
  session (timers, ``network ... mask ...`` announcements, route-maps in ``extra``; an inbound
  route-map that sets one ``local-preference N`` gives ``bgp.local_preference``).
* ``tunnel-group`` (type, ``default-group-policy``, pre-shared keys, keepalives,
  ``peer-id-validate``), ``group-policy ... vpn-tunnel-protocol``, ``crypto isakmp
  identity`` with ``hostname`` / ``domain-name``.

The text first goes through the indented family's ``normalize`` (vendor.yaml
``grammar:``): a config pasted flush left gets its sub-commands back under their block
(a REINDENTED finding says so), then ``vpnconf.parsing.indented.tree`` builds the tree.

Settings a config leaves out take the ASA's documented default only through vendor.yaml
``defaults:`` (recorded in ``ParsedTunnel.defaulted`` and a DEFAULT finding); a default
not confirmed from a Cisco document leaves the field unknown with a MISSING finding.

Each input is often a fragment (``show running-config crypto map`` alone): what lives
in another file (an ACL, a transform set, a tunnel-group) is reported as missing, never
guessed. Key material never appears in a finding (lines are quoted through ``_safe``;
``parse_text``'s redactor is the safety net).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from vpnconf.catalog import parse_version, vendors, version_in_range
from vpnconf.parsing import (
    Ident,
    ParsedBgp,
    ParsedDevice,
    ParsedTunnel,
    Proposal,
    health_check_pairs,
    ipv4,
    lookup,
    lowest_route_preference,
    small_int,
)
from vpnconf.parsing.indented import Node, normalize, tree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from vpnconf.findings import Severity

VENDOR = Path(__file__).resolve().parent.name
WHERE = "vendor.yaml"

# Bounds that keep hostile inputs linear: proposals per tunnel, selector pairs per ACL,
# object-group nesting (a real ASA holds at most 20 IKE policies per version), peers
# per crypto map entry.
MAX_PROPOSALS = 256
MAX_SELECTORS = 4096
MAX_NESTING = 16
MAX_PEERS = 16

# Our renderer names ASA objects after the tunnel (vendors/cisco_asa/templates/crypto_map.j2).
NAME_PREFIXES = {"acl": "ACL-", "ts": "TS-", "p2": "P2-"}
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")
_VERSION_RE = re.compile(r"^ASA Version (\S+)", re.M)

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


# ------------------------------------------------------------ vendor data
@cache
def _data(section: str) -> dict[str, Any]:
    """One parsing section of vendor.yaml (``defaults``, ``spellings``, ``secrets``)."""
    v = vendors()[VENDOR]
    got = getattr(v, section)
    return got if isinstance(got, dict) else {}


@cache
def _secret_word() -> re.Pattern[str]:
    words = [str(k) for k in _data("secrets").get("keywords", [])]
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or r"(?!)", re.I)


def _respell(words: list[str], table: str) -> list[str]:
    """``words`` with a second spelling (vendor.yaml ``spellings.<table>``) at their start
    written the first way (``crypto isakmp policy`` -> ``crypto ikev1 policy``)."""
    low = [w.lower() for w in words[:4]]
    for old, new in (_data("spellings").get(table) or {}).items():
        o = str(old).split()
        if low[: len(o)] == o:
            return str(new).split() + words[len(o) :]
    return words


def _low(node: Node) -> list[str]:
    return [w.lower() for w in node.words]


def _safe(text: str, limit: int = 120) -> str:
    """A config line fit for a finding: every word after one naming a key (vendor.yaml
    ``secrets.keywords``) is replaced, and long lines are cut."""
    words = text.split()
    rx = _secret_word()
    for i, w in enumerate(words):
        if rx.search(w) and i + 1 < len(words):
            words[i + 1 :] = ["<redacted>"]
            break
    out = " ".join(words)
    return out if len(out) <= limit else out[: limit - 3] + "..."


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
    #: ikev1 lines left out and filled from vendor.yaml defaults: key -> where from
    defaults: dict[str, str] = field(default_factory=dict)


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
class IpsecProfile:
    """``crypto ipsec profile P`` (route-based VTIs): what a crypto map entry sets."""

    name: str
    line: int
    transform_sets: list[str] = field(default_factory=list)
    ipsec_proposals: list[str] = field(default_factory=list)
    pfs: str | None = None  # "group14", or "" for a bare `set pfs`
    lifetime_seconds: int | None = None
    lifetime_kb: int | None = None
    kb_unlimited: bool = False
    responder_only: bool = False
    lines: dict[str, int] = field(default_factory=dict)
    used: bool = False


@dataclass
class Vti:
    """``interface TunnelN`` with ``tunnel`` lines: a static VTI."""

    ifname: str
    line: int
    nameif: str | None = None
    address: str | None = None
    prefixlen: int | None = None
    source: str | None = None  # the nameif after `tunnel source interface`
    destination: str | None = None
    mode: str | None = None  # "ipsec ipv4"
    profile: str | None = None
    shutdown: bool = False
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class StaticRoute:
    """``route <nameif> <net> <mask> <gateway> [distance] [track N]``."""

    nameif: str
    net: str
    gateway: str | None
    distance: int | None
    line: int


@dataclass
class BgpNeighbor:
    ip: str
    line: int
    remote_as: int | None = None
    keepalive: int | None = None
    hold_time: int | None = None
    activated: bool = False
    shutdown: bool = False
    route_maps: dict[str, str] = field(default_factory=dict)  # in/out -> route-map name


@dataclass
class BgpProcess:
    """``router bgp ASN`` with its ``address-family ipv4 unicast`` (the ASA has one process)."""

    asn: int | None
    line: int
    neighbors: dict[str, BgpNeighbor] = field(default_factory=dict)
    networks: list[str] = field(default_factory=list)


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
    release: str | None = None  # from an "ASA Version" header
    ipsec_profiles: dict[str, IpsecProfile] = field(default_factory=dict)
    vtis: list[Vti] = field(default_factory=list)
    routes: list[StaticRoute] = field(default_factory=list)
    bgp: BgpProcess | None = None
    route_maps: dict[str, list[Node]] = field(default_factory=dict)


def default_for(cfg: AsaConfig, section: str, key: str) -> tuple[Any, str]:
    """(value, where it comes from) of a documented ASA default (vendor.yaml
    ``defaults.<section>.<key>``) for the config's release, or (None, why not)."""
    d = (_data("defaults").get(section) or {}).get(key)
    if not isinstance(d, dict) or "value" not in d:
        why = (_data("defaults").get("unconfirmed") or {}).get(f"{section}.{key}")
        return None, f"no documented default in {WHERE}" + (f": {why}" if why else "")
    rng = str(d.get("range", ""))
    if cfg.release and rng and not version_in_range(parse_version(cfg.release), rng):
        return None, f"the documented default holds for ASA {rng}, this config is ASA {cfg.release}"
    return d["value"], f"{WHERE} defaults.{section}.{key} ({d.get('source', 'no source named')})"


def release_name(cfg: AsaConfig) -> str:
    return f"ASA {cfg.release}" if cfg.release else "ASA 9.x, the release is not in the text"


# ---------------------------------------------------------------- parse
def parse(text: str, name: str) -> ParsedDevice:
    return parse_config(text, name)[1]


def parse_config(text: str, name: str) -> tuple[AsaConfig, ParsedDevice]:
    """The intermediate reading (policies, entries, tunnel-groups ... as the file says
    them) and the parsed device."""
    dev = ParsedDevice(vendor=VENDOR, file=name)
    cfg = AsaConfig()
    text, notes = normalize(text, VENDOR)
    for rule, line, severity, message in notes:
        dev.note(rule, message, line, severity)
    m = _VERSION_RE.search(text)
    if m:
        cfg.release = m.group(1)
    reader = _Reader(cfg, dev)
    reader.read(tree(text))
    reader.finish()
    _Builder(cfg, dev).build()
    return cfg, dev


class _Base:
    cfg: AsaConfig
    dev: ParsedDevice

    def note(self, rule: str, message: str, line: int | None = None, severity: Severity = "info") -> None:
        self.dev.note(rule, message, line, severity)


class _Reader(_Base):
    """First pass: top-level nodes into the intermediate records."""

    def __init__(self, cfg: AsaConfig, dev: ParsedDevice) -> None:
        self.cfg, self.dev = cfg, dev
        self.policy_index: dict[tuple[int, int], IkePolicy] = {}

    # findings
    def ignored(self, node: Node, where: str = "") -> None:
        self.note("IGNORED", f"{where}not understood, skipped: {_safe(node.text)}", node.line)

    def syntax(self, node: Node, why: str) -> None:
        self.note("SYNTAX", f"{why}: {_safe(node.text)}", node.line, "error")

    def read(self, tops: list[Node]) -> None:
        for node in tops:
            self.read_one(node)

    def read_one(self, node: Node) -> None:
        w = _low(node)
        head = w[0]
        if head == "crypto":
            words = _respell(node.words, "commands")
            if words is not node.words:
                node = Node(" ".join(words), node.line, node.children)
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
            ip = ipv4(node.words[1])
            if ip:
                self.cfg.names[node.words[2]] = ip
        elif head == "route" and len(w) >= 5:
            self.route(node)
        elif head == "router" and w[1:2] == ["bgp"]:
            self.router_bgp(node)
        elif head == "route-map" and len(w) >= 2:
            self.cfg.route_maps.setdefault(node.words[1], []).append(node)
        elif head == "hostname" and len(w) == 2:
            self.cfg.hostname = node.words[1]
        elif head == "domain-name" and len(w) == 2:
            self.cfg.domain_name = node.words[1]

    # ---------------------------------------------------------- crypto
    def crypto(self, node: Node) -> None:
        w = _low(node)
        if len(w) < 2:
            return self.syntax(node, "incomplete crypto command")
        if w[1] == "map":
            return self.crypto_map(node)
        if w[1] == "dynamic-map":
            if len(w) >= 3:
                self.cfg.dynamic_maps.setdefault(node.words[2], node.line)
            return None
        if w[1] in ("ikev1", "ikev2") and len(w) >= 3 and w[2] == "policy":
            return self.ike_policy(node, 2 if w[1] == "ikev2" else 1)
        if w[1] in ("ikev1", "ikev2") and len(w) >= 3 and w[2] == "enable":
            if len(w) >= 4:
                self.cfg.ike_enabled[2 if w[1] == "ikev2" else 1].add(node.words[3])
            return None
        if w[1] == "ikev1" and w[2:3] == ["am-disable"]:
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
        prio = small_int(node.words[3]) if len(node.words) >= 4 else None
        if prio is None:
            return self.syntax(node, "IKE policy without a numeric priority")
        pol = self.policy_index.get((version, prio))
        if pol is None:
            pol = self.policy_index[(version, prio)] = IkePolicy(version, prio, node.line)
            self.cfg.ike_policies[version].append(pol)
        for c in node.children:
            cw = _low(c)
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
                elif len(vals) == 1 and small_int(vals[0]) is not None:
                    pol.lifetime = small_int(vals[0])
                else:
                    self.syntax(c, "IKE policy lifetime is not a number of seconds")
            elif key in ("encryption", "hash", "integrity", "group", "prf", "authentication"):
                self.syntax(c, f"{key} without a value")
            else:
                self.ignored(c, f"crypto ikev{version} policy {prio}: ")

    def finish(self) -> None:
        """After every line is read: documented ASA defaults (vendor.yaml ``defaults``)
        for IKEv1 policy lines left out, and what stays unknown."""
        for pol in self.cfg.ike_policies[1]:
            left_out = []
            if pol.authentication is None:
                left_out.append("authentication")
            if not pol.integrity:
                left_out.append("hash")
            if pol.lifetime is None and not pol.lifetime_none:
                left_out.append("lifetime")
            filled: list[str] = []
            unknown: dict[str, list[str]] = {}  # why -> keys
            for key in left_out:
                value, where = default_for(self.cfg, "ikev1_policy", key)
                if value is None:
                    unknown.setdefault(where, []).append(key)
                    continue
                if key == "authentication":
                    pol.authentication = str(value).lower()
                elif key == "hash":
                    pol.integrity = [str(value).lower()]
                else:
                    pol.lifetime = int(value)
                pol.defaults[key] = where
                filled.append(f"{key} {value}")
            if filled:
                self.note(
                    "DEFAULT",
                    f"crypto ikev1 policy {pol.priority}: no {', '.join(k.split()[0] for k in filled)} line; "
                    f"the documented ASA default is used ({', '.join(filled)}; {release_name(self.cfg)})",
                    pol.line,
                )
            for why, keys in unknown.items():
                self.note(
                    "MISSING",
                    f"crypto ikev1 policy {pol.priority}: no {', '.join(keys)} line; left unknown ({why})",
                    pol.line,
                    "warning",
                )
        unconfirmed = _data("defaults").get("unconfirmed") or {}
        for ver in (1, 2):
            for pol in self.cfg.ike_policies[ver]:
                missing = [k for k, v in (("encryption", pol.encryption), ("group", pol.groups)) if not v]
                if ver == 2 and not pol.integrity:
                    missing.append("integrity")
                if missing:
                    why = "; ".join(
                        f"{k}: {unconfirmed.get(f'ikev{ver}_policy.{k}', 'no documented default')}" for k in missing
                    )
                    self.note(
                        "MISSING",
                        f"crypto ikev{ver} policy {pol.priority}: no {', '.join(missing)} line; its default is "
                        f"not assumed ({why})",
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
        w, words = _low(node), node.words
        # crypto ipsec ikev1 transform-set NAME ... (pre-8.4 spelling respelled by read_one)
        if w[2:4] == ["ikev1", "transform-set"]:
            i = 4
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
                cw = _low(c)
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
                if k == "seconds" and small_int(v) is not None:
                    self.cfg.ipsec_lifetime_seconds = small_int(v)
                elif k == "kilobytes" and small_int(v) is not None:
                    self.cfg.ipsec_lifetime_kb = small_int(v)
                elif k == "kilobytes" and v == "unlimited":
                    self.cfg.ipsec_lifetime_kb = 0
                else:
                    return self.syntax(node, "IPsec SA lifetime is not seconds/kilobytes N")
            return None
        if w[2:3] == ["profile"]:
            return self.ipsec_profile(node)
        if any(tuple(w[1 : 1 + len(q)]) == q for q in _QUIET_CRYPTO):
            return None
        return self.ignored(node)

    def ipsec_profile(self, node: Node) -> None:
        """``crypto ipsec profile P`` and its ``set`` lines (the VTI's proposals, PFS, lifetimes)."""
        if len(node.words) < 4:
            return self.syntax(node, "crypto ipsec profile without a name")
        name = node.words[3]
        prof = self.cfg.ipsec_profiles.get(name)
        if prof is None:
            prof = self.cfg.ipsec_profiles[name] = IpsecProfile(name, node.line)
        where = f"crypto ipsec profile {name}: "
        for c in _flat(node.children):
            cw = _low(c)
            if cw[0] != "set" or len(cw) < 2:
                self.ignored(c, where)
                continue
            args = _respell(c.words[1:], "crypto_map_set")
            vals = [a.lower() for a in args]
            prof.lines.setdefault(vals[0], c.line)
            if vals[:2] == ["ikev1", "transform-set"]:
                if len(args) < 3:
                    self.syntax(c, "set ikev1 transform-set without a name")
                    continue
                prof.transform_sets = list(dict.fromkeys(prof.transform_sets + args[2:]))[:MAX_PROPOSALS]
                prof.lines["transform-set"] = c.line
            elif vals[:2] == ["ikev2", "ipsec-proposal"]:
                if len(args) < 3:
                    self.syntax(c, "set ikev2 ipsec-proposal without a name")
                    continue
                prof.ipsec_proposals = list(dict.fromkeys(prof.ipsec_proposals + args[2:]))[:MAX_PROPOSALS]
                prof.lines["ipsec-proposal"] = c.line
            elif vals[0] == "pfs":
                if len(vals) > 2:
                    self.syntax(c, "set pfs takes one group")
                    continue
                prof.pfs = vals[1] if len(vals) > 1 else ""
                prof.lines["pfs"] = c.line
            elif vals[:2] == ["security-association", "lifetime"]:
                for k, v in _pairs(vals[2:]):
                    if k == "seconds" and small_int(v) is not None:
                        prof.lifetime_seconds = small_int(v)
                    elif k == "kilobytes" and small_int(v) is not None:
                        prof.lifetime_kb = small_int(v)
                    elif k == "kilobytes" and v == "unlimited":
                        prof.kb_unlimited, prof.lifetime_kb = True, None
                    else:
                        self.syntax(c, "IPsec SA lifetime is not seconds/kilobytes N")
            elif vals[0] == "responder-only":
                prof.responder_only = True
            else:
                self.ignored(c, where)
        return None

    def route(self, node: Node) -> None:
        """``route <nameif> <net> <mask> <gateway> [distance] [track N]`` (static routes)."""
        w = node.words
        net = None
        a = ipv4(w[2])
        if a is not None:
            try:
                net = str(ipaddress.IPv4Network(f"{a}/{w[3]}", strict=False))
            except ValueError:
                net = None
        if net is None:
            return self.syntax(node, "route destination is not an address and mask")
        gw = ipv4(w[4]) if len(w) > 4 else None
        rest = [x.lower() for x in w[5:]]
        distance = small_int(rest[0]) if rest and rest[0].isdigit() else None
        self.cfg.routes.append(StaticRoute(w[1], net, gw, distance, node.line))
        return None

    def router_bgp(self, node: Node) -> None:
        """``router bgp ASN``: neighbors, their timers and route-maps, networks (ipv4 unicast)."""
        asn = small_int(node.words[2]) if len(node.words) > 2 else None
        if asn is None:
            return self.syntax(node, "router bgp without an AS number")
        if self.cfg.bgp is not None and self.cfg.bgp.asn != asn:
            self.note(
                "AMBIGUOUS",
                f"a second router bgp {asn} (the ASA runs one BGP process, AS {self.cfg.bgp.asn}): not read",
                node.line,
                "warning",
            )
            return None
        bgp = self.cfg.bgp = self.cfg.bgp or BgpProcess(asn, node.line)
        for c in node.children:
            cw = _low(c)
            if cw[:2] == ["address-family", "ipv4"]:
                if cw[2:3] not in ([], ["unicast"]):
                    self.ignored(c, f"router bgp {asn}: ")
                    continue
                for cc in c.children:
                    self.bgp_line(bgp, cc)
            elif cw[0] == "neighbor":
                self.bgp_line(bgp, c)
            elif cw[0] not in ("bgp", "exit-address-family"):
                self.ignored(c, f"router bgp {asn}: ")
        return None

    def bgp_line(self, bgp: BgpProcess, c: Node) -> None:
        cw, words = _low(c), c.words
        where = f"router bgp {bgp.asn}: "
        if cw[0] == "neighbor" and len(cw) >= 3:
            ip = ipv4(words[1])
            if ip is None:
                return self.ignored(c, where)
            nb = bgp.neighbors.get(ip)
            if nb is None:
                nb = bgp.neighbors[ip] = BgpNeighbor(ip, c.line)
            rest = cw[2:]
            if rest[0] == "remote-as" and len(rest) == 2 and small_int(rest[1]) is not None:
                nb.remote_as = small_int(rest[1])
            elif rest[0] == "timers" and len(rest) in (3, 4) and all(small_int(x) is not None for x in rest[1:]):
                nb.keepalive, nb.hold_time = small_int(rest[1]), small_int(rest[2])
            elif rest == ["activate"]:
                nb.activated = True
            elif rest == ["shutdown"]:
                nb.shutdown = True
            elif rest[0] == "route-map" and len(rest) == 3 and rest[2] in ("in", "out"):
                nb.route_maps[rest[2]] = words[3]
            elif rest[0] in ("description", "default-originate", "password", "ha-mode"):
                return None
            else:
                return self.ignored(c, where)
            return None
        if cw[0] == "network" and len(cw) >= 2:
            a = ipv4(words[1])
            mask = words[3] if cw[2:3] == ["mask"] and len(words) > 3 else None
            if a is None or (len(cw) > 2 and mask is None):
                return self.ignored(c, where)
            try:
                net = ipaddress.IPv4Network(f"{a}/{mask}" if mask else a, strict=False)
            except ValueError:
                return self.syntax(c, "network is not an address and mask")
            if mask is None and a == "0.0.0.0":
                net = ipaddress.IPv4Network("0.0.0.0/0")  # the default route (AWS ASA VTI guide)
            elif mask is None:
                self.note(
                    "NOT-CARRIED",
                    f"{where}network {a} without a mask takes its classful mask (IOS rule, not confirmed "
                    "for the ASA here): not carried",
                    c.line,
                    "warning",
                )
                return None
            bgp.networks.append(str(net))
            return None
        if cw[0] in ("exit-address-family", "no", "bgp", "maximum-paths"):
            return None
        return self.ignored(c, where)

    def crypto_map(self, node: Node) -> None:
        w, words = _low(node), node.words
        if len(w) < 4:
            return self.syntax(node, "incomplete crypto map line")
        mapname = words[2]
        if w[3] == "interface":
            if len(w) < 5:
                return self.syntax(node, "crypto map interface without an interface name")
            self.cfg.map_interfaces[mapname] = (words[4], node.line)
            return None
        seq = small_int(w[3])
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
        args = _respell(args[1:], "crypto_map_set")
        opt, raw = args[0].lower(), args[1:]
        vals = [v.lower() for v in raw]
        e.lines.setdefault(opt, node.line)
        if opt == "peer":
            if not raw:
                return self.syntax(node, "set peer without an address")
            e.peers, e.lines["peer"] = list(dict.fromkeys(raw))[:MAX_PEERS], node.line
        elif opt == "pfs":
            if len(vals) > 1:
                return self.syntax(node, "set pfs takes one group")
            e.pfs = vals[0] if vals else ""
            e.lines["pfs"] = node.line
        elif opt == "security-association" and vals[:1] == ["lifetime"]:
            for k, v in _pairs(vals[1:]):
                if k == "seconds" and small_int(v) is not None:
                    e.lifetime_seconds = small_int(v)
                elif k == "kilobytes" and small_int(v) is not None:
                    e.lifetime_kb = small_int(v)
                elif k == "kilobytes" and v == "unlimited":
                    e.kb_unlimited, e.lifetime_kb = True, None
                else:
                    return self.syntax(node, "IPsec SA lifetime is not seconds/kilobytes N")
        elif opt == "security-association" and vals[:1] == ["replay"]:
            e.options["replay"] = " ".join(vals[1:])
        elif opt == "ikev1" and vals[:1] == ["transform-set"]:
            names = raw[1:]
            if not names:
                return self.syntax(node, "set transform-set without a name")
            e.transform_sets = list(dict.fromkeys(e.transform_sets + names))[:MAX_PROPOSALS]
            e.lines["transform-set"] = node.line
        elif opt == "ikev2" and vals[:1] == ["ipsec-proposal"]:
            if len(raw) < 2:
                return self.syntax(node, "set ikev2 ipsec-proposal without a name")
            e.ipsec_proposals = list(dict.fromkeys(e.ipsec_proposals + raw[1:]))[:MAX_PROPOSALS]
            e.lines["ipsec-proposal"] = node.line
        elif opt == "ikev1" and vals[:1] == ["phase1-mode"]:
            m = vals[1:]
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
        w, words = _low(node), node.words
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
                if _low(c)[0] == "default-group-policy" and len(c.words) > 1:
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
        words = _respell(c.words, "tunnel_group_ipsec")
        cw = [w.lower() for w in words]
        where = f"tunnel-group {tg.name} ipsec-attributes: "
        if cw[:2] == ["ikev1", "pre-shared-key"]:
            tg.psk1 = self.key(c, words[2:])
        elif cw[:3] == ["ikev2", "remote-authentication", "pre-shared-key"]:
            tg.psk2_remote = self.key(c, words[3:])
        elif cw[:3] == ["ikev2", "local-authentication", "pre-shared-key"]:
            tg.psk2_local = self.key(c, words[3:])
        elif cw[:3] in (
            ["ikev2", "remote-authentication", "certificate"],
            ["ikev2", "local-authentication", "certificate"],
        ):
            tg.cert_v2 = True
        elif cw[:2] == ["ikev1", "trust-point"]:
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
                and small_int(rest[1]) is not None
                and small_int(rest[3]) is not None
            ):
                tg.keepalive = ("threshold", small_int(rest[1]), small_int(rest[3]))
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
        w, words = _low(node), node.words
        if len(w) < 3:
            return self.syntax(node, "incomplete group-policy line")
        if w[2] != "attributes":
            return None
        self.cfg.group_policy_nodes.setdefault(words[1], []).append(node)
        for c in node.children:
            if _low(c)[0] == "vpn-tunnel-protocol":
                spell = _data("spellings").get("vpn_tunnel_protocol") or {}
                self.cfg.group_policies[words[1]] = [spell.get(p, p) for p in _low(c)[1:]]
        return None

    # ------------------------------------------------------- interface
    def interface(self, node: Node) -> None:
        nameif, addr, line = None, None, node.line
        ifname = "".join(node.words[1:])
        m = _TUNNEL_IF.fullmatch(ifname)
        vti = Vti(f"Tunnel{m.group(1)}", node.line) if m else None
        for c in _flat(node.children) if vti is not None else node.children:
            cw = _low(c)
            if cw[0] == "nameif" and len(cw) > 1:
                nameif = c.words[1]
            elif cw[:2] == ["ip", "address"] and len(cw) > 2:
                a = c.words[2]
                addr = ipv4(a) or self.cfg.names.get(a) or ("dhcp" if cw[2] in ("dhcp", "pppoe") else None)
                line = c.line
                if vti is not None and len(cw) > 3:
                    try:
                        vti.prefixlen = ipaddress.IPv4Network(f"0.0.0.0/{c.words[3]}").prefixlen
                    except ValueError:
                        self.syntax(c, "interface address mask is not a netmask")
            elif vti is not None and cw[0] == "tunnel":
                self.tunnel_line(vti, c)
            elif vti is not None and cw == ["shutdown"]:
                vti.shutdown = True
        if nameif:
            self.cfg.interfaces[nameif] = (addr, line)
        if vti is not None and (vti.lines or vti.profile):
            vti.nameif = nameif
            vti.address = addr if addr != "dhcp" else None
            self.cfg.vtis.append(vti)

    def tunnel_line(self, vti: Vti, c: Node) -> None:
        cw, words = _low(c), c.words
        vti.lines[" ".join(cw[:2])] = c.line
        if cw[:3] == ["tunnel", "source", "interface"] and len(cw) == 4:
            vti.source = words[3]
        elif cw[:2] == ["tunnel", "destination"] and len(cw) == 3:
            vti.destination = words[2]
        elif cw[:2] == ["tunnel", "mode"] and len(cw) > 2:
            vti.mode = " ".join(cw[2:])
        elif cw[:4] == ["tunnel", "protection", "ipsec", "profile"] and len(cw) == 5:
            vti.profile = words[4]
        else:
            self.ignored(c, f"interface {vti.ifname}: ")


_TUNNEL_IF = re.compile(r"tunnel[ ]?(\d+)", re.I)  # `interface Tunnel1`, typed `interface tunnel 1`


def _flat(nodes: list[Node]) -> list[Node]:
    """Sub-commands of a block whose lines never open a block of their own, in order: a
    line indented deeper than the one above it (a paste that mixes indentations) is
    still the block's, not a child of its neighbour."""
    out: list[Node] = []
    for n in nodes:
        out.append(n)
        if n.children:
            out.extend(_flat(n.children))
    return out


def _key_of(tg: TunnelGroup, version: int | None) -> tuple[str, int] | None:
    """The pre-shared key (as written, line) a tunnel-group holds for an IKE version
    (IKEv2's remote key first when the version is not pinned)."""
    if version == 1:
        return tg.psk1
    if version == 2:
        return tg.psk2_remote or tg.psk2_local
    return tg.psk2_remote or tg.psk2_local or tg.psk1


def _uniq(words: list[str], limit: int = 64) -> list[str]:
    """Lower-cased, duplicates dropped, at most ``limit`` (a proposal list longer than
    the keywords that exist is not a real one)."""
    return list(dict.fromkeys(w.lower() for w in words))[:limit]


def _pairs(words: list[str]) -> list[tuple[str, str]]:
    if len(words) % 2:
        return [("?", "?")]
    return [(words[i], words[i + 1]) for i in range(0, len(words), 2)]


def _base_name(cands: list[tuple[str, str]]) -> str | None:
    """The tunnel name our templates derive object names from: ACL-<name>, TS-<name>,
    P2-<name>, and TS-<name>-2, -3 ... for further proposals; None when the names do
    not all follow that pattern."""
    if not cands or not all(n.startswith(p) and len(n) > len(p) for n, p in cands):
        return None
    rests = [n[len(p) :] for n, p in cands]
    base = min(rests, key=len)
    ok = all(r == base or (r.startswith(base + "-") and r[len(base) + 1 :].isdigit()) for r in rests)
    return base if ok and _NAME_RE.fullmatch(base) else None


# ---------------------------------------------------------------- build
class _Builder(_Base):
    """Second pass: crypto map entries (and orphan L2L tunnel-groups) into tunnels."""

    def __init__(self, cfg: AsaConfig, dev: ParsedDevice) -> None:
        self.cfg, self.dev = cfg, dev
        self.names_used: set[str] = set()
        self.reported: set[tuple[str, str]] = set()
        self.offers: dict[int, tuple[list[Proposal], list[IkePolicy], list[int]]] = {}
        self._policy_defaults: dict[int, dict[str, str]] = {}  # (policy_defaults)
        self.acl_cache: dict[str, list[tuple[str, str]]] = {}
        self.lifetimes_differ: dict[int, bool] = {}
        #: proposals with a keyword that has no canonical name (id of the Proposal)
        self.unheld: set[int] = set()
        self._routes_via: dict[str, list[StaticRoute]] | None = None

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
            self.dev.tunnels.append(self.tunnel(e))
        for e in cfg.entries.values():
            if e.dynamic:
                self.note(
                    "UNSUPPORTED",
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
        for vti in cfg.vtis:
            self.dev.tunnels.append(self.vti_tunnel(vti))
        for prof in cfg.ipsec_profiles.values():
            if not prof.used:
                self.note(
                    "UNUSED",
                    f"crypto ipsec profile {prof.name} protects no tunnel interface in this text",
                    prof.line,
                )
        for tg in cfg.tunnel_groups.values():
            if tg.type == "ipsec-l2l" and not tg.used and tg.name != "DefaultL2LGroup":
                self.dev.tunnels.append(self.orphan(tg))
        if not self.dev.tunnels:
            n1, n2 = len(cfg.ike_policies[1]), len(cfg.ike_policies[2])
            self.note(
                "NO-TUNNEL",
                f"no static crypto map entry, tunnel interface or site-to-site tunnel-group in this text "
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
        name = _base_name(cands) or f"{e.map}-{e.seq}"
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
        ip = ipv4(token)
        if ip:
            return ip
        if token in self.cfg.names:
            return self.cfg.names[token]
        for node in self.cfg.objects.get(token, []):
            for c in node.children:
                if _low(c)[0] == "host" and len(c.words) > 1:
                    return ipv4(c.words[1])
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
            for name in e.peers[1:]:
                ip = self.resolve_host(name)
                if ip is None:
                    self.note(
                        "UNRESOLVED",
                        f"{where}: backup peer {name} is neither an IPv4 address nor a name/object defined here",
                        e.lines.get("peer"),
                        "warning",
                    )
                    t.extra.setdefault("backup_peer_names", []).append(name)
                    continue
                if ip != t.peer_address and ip not in t.backup_peers:
                    t.backup_peers.append(ip)
            if t.backup_peers:
                self.note(
                    "BACKUP-PEER",
                    f"{where}: set peer lists backup peer(s) {' '.join(t.backup_peers)} after "
                    f"{t.peer_address or e.peers[0]}: one tunnel, tried in this order",
                    e.lines.get("peer"),
                )
        self.crypto_settings(t, e, where)
        # mode
        if e.aggressive:
            t.mode = "aggressive"
            if e.aggressive_group:
                t.extra["aggressive_group"] = e.aggressive_group
            if cfg.am_disable:
                self.note(
                    "INACTIVE",
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
        self.backup_tunnel_groups(t, where, e.lines.get("peer", e.line))
        return t

    def crypto_settings(self, t: ParsedTunnel, e: MapEntry | IpsecProfile, where: str) -> None:
        """IKE version, IKE and ESP proposals, PFS and IPsec lifetimes of a crypto map entry
        or of the IPsec profile a VTI protects itself with (both set the same things)."""
        cfg = self.cfg
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
            for fld, note in self.policy_defaults(ver, usable).items():
                t.defaulted[fld] = f"{t.defaulted[fld]}; {note}" if fld in t.defaulted else note
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
        # a keyword the model cannot hold decides the tunnel's proposal only when no
        # proposal is made of known values: then it is an error, else the warnings above
        for kind, props in (("IKE", t.ike_proposals), ("ESP", t.esp_proposals)):
            held = [p for p in props if p.encryption and (p.integrity or p.encryption.endswith("gcm"))]
            if kind == "IKE":
                held = [p for p in held if p.integrity and p.dh_group]
            if props and not held and any(id(p) in self.unheld for p in props):
                self.note(
                    "UNSUPPORTED",
                    f"{where}: no {kind} proposal is made only of values the model holds "
                    f"({', '.join(p.raw for p in props[:4])}{', ...' if len(props) > 4 else ''})",
                    e.line,
                    "error",
                )
        # PFS
        if e.pfs is not None:
            if e.pfs == "":
                value, why = default_for(cfg, "ipsec", "pfs_group")
                if value is None:
                    self.note(
                        "UNSUPPORTED",
                        f"{where}: set pfs without a group uses the release's default group; the PFS group "
                        f"is unknown ({why})",
                        e.lines.get("pfs"),
                        "error",
                    )
                    t.extra["pfs"] = "default group"
                else:  # pragma: no cover - vendor.yaml names no confirmed default group today
                    t.pfs = int(value)
                    t.defaulted["pfs"] = why
                    self.note("DEFAULT", f"{where}: set pfs without a group: group {value} ({why})", e.lines.get("pfs"))
            else:
                t.pfs = lookup(VENDOR, "pfs_group", e.pfs)
                if t.pfs is None:
                    self.note(
                        "UNSUPPORTED", f"{where}: PFS {e.pfs} has no canonical DH group", e.lines.get("pfs"), "warning"
                    )
                    t.extra["pfs"] = e.pfs
        # IPsec lifetimes: entry, else global, else the documented ASA default (vendor.yaml)
        t.ipsec_lifetime_seconds = e.lifetime_seconds or cfg.ipsec_lifetime_seconds
        if t.ipsec_lifetime_seconds is None:
            self.lifetime_default(t, where, e.line, "lifetime_seconds", "seconds")
        if e.kb_unlimited or (e.lifetime_kb is None and cfg.ipsec_lifetime_kb == 0):
            t.extra["ipsec_lifetime_kb"] = "unlimited"
        else:
            t.ipsec_lifetime_kb = e.lifetime_kb or cfg.ipsec_lifetime_kb
            if t.ipsec_lifetime_kb is None:
                self.lifetime_default(t, where, e.line, "lifetime_kb", "kilobytes")

    def vti_tunnel(self, vti: Vti) -> ParsedTunnel:
        """A static VTI: interface TunnelN (nameif, inside address, tunnel source/destination,
        tunnel protection ipsec profile), its IPsec profile, the tunnel-group of its
        destination, the static routes through its nameif and a BGP neighbor in its subnet."""
        cfg = self.cfg
        name = vti.nameif if vti.nameif and _NAME_RE.fullmatch(vti.nameif) else vti.ifname
        t = ParsedTunnel(name=self.unique(name, vti.line), line=vti.line, variant="vti", route_based=True)
        t.extra["interface"] = vti.ifname
        if vti.nameif:
            t.extra["nameif"] = vti.nameif
        if vti.address:
            t.extra["inside_address"] = f"{vti.address}/{vti.prefixlen}" if vti.prefixlen else vti.address
        where = f"interface {vti.ifname}"
        if vti.shutdown:
            self.note("INACTIVE", f"{where} is shut down", vti.line, "warning")
        if vti.mode is None:
            self.note(
                "MISSING", f"{where}: no tunnel mode line (a VTI needs tunnel mode ipsec ipv4)", vti.line, "warning"
            )
        elif vti.mode != "ipsec ipv4":
            self.note(
                "UNSUPPORTED",
                f"{where}: tunnel mode {vti.mode}: only IPv4 over IPv4 (ipsec ipv4) is read",
                vti.lines.get("tunnel mode"),
                "warning",
            )
        if vti.nameif is None:
            self.note("MISSING", f"{where}: no nameif: no route can name this tunnel", vti.line, "warning")
        # peer
        if vti.destination is None:
            self.note("MISSING", f"{where}: no tunnel destination line", vti.line, "warning")
        else:
            t.peer_address = self.resolve_host(vti.destination)
            if t.peer_address is None:
                self.note(
                    "UNRESOLVED",
                    f"{where}: tunnel destination {vti.destination} is neither an IPv4 address nor a name "
                    "defined in this text",
                    vti.lines.get("tunnel destination"),
                    "warning",
                )
                t.extra["peer_name"] = vti.destination
        # the IPsec profile: what a crypto map entry would set
        prof = cfg.ipsec_profiles.get(vti.profile) if vti.profile else None
        if vti.profile is None:
            self.note(
                "MISSING",
                f"{where}: no tunnel protection ipsec profile line: no IPsec proposal and no IKE version",
                vti.line,
                "warning",
            )
        elif prof is None:
            self.note(
                "UNRESOLVED",
                f"{where}: crypto ipsec profile {vti.profile} is not defined in this text",
                vti.lines.get("tunnel protection"),
                "warning",
            )
        else:
            prof.used = True
            t.extra["ipsec_profile"] = prof.name
            if prof.responder_only:
                t.extra["responder_only"] = True
            self.crypto_settings(t, prof, f"crypto ipsec profile {prof.name}")
        # selectors: a VTI negotiates any/any
        self.note(
            "SELECTORS",
            f"{where}: route-based VTI: any/any traffic selectors; what it carries is routed into it",
            vti.line,
        )
        # local address: the interface after `tunnel source interface`
        if vti.source is None:
            self.note(
                "MISSING", f"{where}: no tunnel source interface line: local address unknown", vti.line, "warning"
            )
        else:
            self.local_interface(t, vti.source, vti.lines.get("tunnel source", vti.line), where)
        self.identity(t)
        # routing: static routes through the nameif, a BGP session in the inside network
        self.vti_routes(t, vti)
        self.vti_bgp(t, vti, where)
        if t.bgp is None and vti.address and vti.prefixlen and vti.nameif:
            # the cloud's health check: the VTI's address and the next hop its routes name (its other end)
            hops = dict.fromkeys(r.gateway for r in self.routes_via(vti.nameif) if r.gateway)
            t.point_to_point, _ = health_check_pairs(
                [f"{vti.address}/{vti.prefixlen}"], [f"{g}/32" for g in hops if g], None
            )
        # key and keepalives: the tunnel-group named after the destination
        self.apply_tunnel_group(t, where)
        return t

    def routes_via(self, nameif: str) -> list[StaticRoute]:
        """The static routes through ``nameif``, in order (indexed once: read per tunnel)."""
        if self._routes_via is None:
            self._routes_via = {}
            for r in self.cfg.routes:
                self._routes_via.setdefault(r.nameif, []).append(r)
        return self._routes_via.get(nameif, [])

    def vti_routes(self, t: ParsedTunnel, vti: Vti) -> None:
        if not vti.nameif:
            return
        mine = self.routes_via(vti.nameif)
        t.routes = list(dict.fromkeys(r.net for r in mine))
        if not mine:
            return
        # a route without a distance has the ASA's default (vendor.yaml defaults: static_route)
        dflt = _data("defaults")["static_route"]
        lowest_route_preference(
            self.dev,
            t,
            ((r.distance, r.line, f"route {vti.nameif} {r.net}") for r in mine),
            (int(dflt["distance"]), str(dflt["source"])),
            "distances",
            vti.nameif,
        )

    def vti_bgp(self, t: ParsedTunnel, vti: Vti, where: str) -> None:
        """The BGP neighbor whose address lies in the VTI's inside network."""
        bgp = self.cfg.bgp
        if bgp is None or vti.address is None or vti.prefixlen is None:
            return
        inside = ipaddress.IPv4Network(f"{vti.address}/{vti.prefixlen}", strict=False)
        nbs = [nb for ip, nb in bgp.neighbors.items() if ipaddress.IPv4Address(ip) in inside and ip != vti.address]
        if not nbs:
            return
        if len(nbs) > 1:
            self.note(
                "AMBIGUOUS",
                f"{where}: {len(nbs)} BGP neighbors in {inside}: the first ({nbs[0].ip}) is read",
                nbs[1].line,
                "warning",
            )
        nb = nbs[0]
        if nb.remote_as is None:
            self.note("MISSING", f"router bgp {bgp.asn}: neighbor {nb.ip} has no remote-as", nb.line, "warning")
        if not nb.activated:
            self.note(
                "INACTIVE",
                f"router bgp {bgp.asn}: neighbor {nb.ip} is not activated for IPv4 unicast",
                nb.line,
                "warning",
            )
        if nb.shutdown:
            self.note("INACTIVE", f"router bgp {bgp.asn}: neighbor {nb.ip} is shut down", nb.line, "warning")
        t.bgp = ParsedBgp(
            local_asn=bgp.asn,
            peer_asn=nb.remote_as,
            local_ip=vti.address,
            peer_ip=nb.ip,
            prefixlen=vti.prefixlen,
            hold_time=nb.hold_time,
            keepalive=nb.keepalive,
            advertise=list(bgp.networks),
            line=nb.line,
        )
        if nb.route_maps:
            t.extra["bgp_route_maps"] = dict(nb.route_maps)
            for direction, rm in nb.route_maps.items():
                if rm not in self.cfg.route_maps:
                    self.note(
                        "UNRESOLVED",
                        f"router bgp {bgp.asn}: neighbor {nb.ip} route-map {rm} {direction} is not defined here",
                        nb.line,
                        "warning",
                    )
                    continue
                sets = [
                    " ".join(c.words[1:]) for n in self.cfg.route_maps[rm] for c in n.children if _low(c)[0] == "set"
                ]
                if sets:
                    t.extra.setdefault("bgp_route_map_sets", {})[direction] = sets
                prefs = {x.split()[1] for x in sets if x.split()[:1] == ["local-preference"] and len(x.split()) == 2}
                if direction == "in" and len(prefs) == 1 and (lp := small_int(prefs.pop())) is not None:
                    t.bgp.local_preference = lp

    def backup_tunnel_groups(self, t: ParsedTunnel, where: str, line: int) -> None:
        """A backup peer is authenticated by its own tunnel-group (named after its
        address): it belongs to this tunnel, never an orphan tunnel of its own."""
        main = self.cfg.tunnel_groups.get(t.extra.get("tunnel_group", ""))
        for ip in t.backup_peers:
            tg = self.cfg.tunnel_groups.get(ip)
            if tg is None or tg.type not in (None, "ipsec-l2l"):
                self.note(
                    "MISSING",
                    f"{where}: backup peer {ip} has no site-to-site tunnel-group in this text: its key is unknown",
                    line,
                    "warning",
                )
                continue
            tg.used = True
            mine, theirs = _key_of(tg, t.ike_version), _key_of(main, t.ike_version) if main else None
            if mine and theirs and mine[0] != theirs[0]:
                self.note(
                    "NOT-CARRIED",
                    f"{where}: backup peer {ip} has another pre-shared key than {t.peer_address} "
                    f"(tunnel-group {tg.name}); the model holds one key per tunnel",
                    mine[1],
                    "warning",
                )

    def lifetime_default(self, t: ParsedTunnel, where: str, line: int, key: str, unit: str) -> None:
        """An IPsec SA lifetime set neither on the entry nor globally: the documented
        default (vendor.yaml ``defaults.ipsec``), else unknown with a finding."""
        value, why = default_for(self.cfg, "ipsec", key)
        field_name = f"ipsec_{key}"
        if value is None:
            self.note(
                "MISSING",
                f"{where}: no security-association lifetime {unit}, here or global: the ASA default "
                f"applies and is left unknown ({why})",
                line,
                "warning",
            )
            return
        setattr(t, field_name, int(value))  # pragma: no cover - no confirmed default in vendor.yaml today
        t.defaulted[field_name] = why  # pragma: no cover
        self.note("DEFAULT", f"{where}: security-association lifetime {unit} {value} ({why})", line)  # pragma: no cover

    def policy_defaults(self, ver: int, usable: list[IkePolicy]) -> dict[str, str]:
        """What the policies of one IKE version leave to the release's defaults,
        by ParsedTunnel field (``defaulted``): the same for every entry, so
        built once (entries x policies else)."""
        got = self._policy_defaults.get(ver)
        if got is None:
            got = self._policy_defaults[ver] = {}
            for pol in usable:
                for key, src in pol.defaults.items():
                    fld = {"hash": "ike_proposals", "authentication": "auth", "lifetime": "ike_lifetime"}[key]
                    if fld == "ike_lifetime" and pol is not usable[0]:
                        continue
                    note = f"crypto ikev{ver} policy {pol.priority} {key}: {src}"
                    got[fld] = f"{got[fld]}; {note}" if fld in got else note
        return got

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
        # the same algorithms in two policies (two tunnels pasted onto one ASA, each with its
        # own policy) are one offer: the first, by priority, is kept
        seen: set[tuple[str | None, str | None, int | None]] = set()
        unique: list[Proposal] = []
        for prop in props:
            key = (prop.encryption, prop.integrity, prop.dh_group)
            if key not in seen or None in key:
                seen.add(key)
                unique.append(prop)
        props = unique
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
                    prop = Proposal(c_enc, c_int, c_g, raw)
                    if (enc and c_enc is None) or (integ and c_int is None) or (g and c_g is None):
                        self.unheld.add(id(prop))
                    out.append(prop)
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
        prop = Proposal(
            enc, integ, None, f"transform-set {ts.name}: {ts.encryption or '?'} {ts.integrity or ''}".strip()
        )
        if (ts.encryption and enc is None) or (integ is None and ts.integrity not in (None, "esp-none")):
            self.unheld.add(id(prop))
        return prop

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
                one = Proposal(c_enc, c_int, None, f"{tag}: {enc}/{integ or 'null'}")
                if c_enc is None or (integ and c_int is None):
                    self.unheld.add(id(one))
                out.append(one)
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
            w = _low(n)
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
        w, words = _low(n), n.words
        if i >= len(w):
            self.note("SYNTAX", f"access-list {acl}: address missing: {_safe(n.text)}", n.line, "error")
            return None, i
        k = w[i]
        if k in (_data("spellings").get("acl_any") or ("any",)):
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
        a = ipv4(addr) or self.cfg.names.get(addr)
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
                cw = _low(c)
                if cw[0] == "subnet" and len(cw) == 3:
                    net = self.net(c.words[1], c.words[2])
                    if net is None:
                        self.note(
                            "SYNTAX", f"object network {name}: subnet is not an address and mask", c.line, "error"
                        )
                        return None
                    return [net]
                if cw[0] == "host" and len(cw) == 2:
                    ip = ipv4(c.words[1])
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
                cw, cws = _low(c), c.words
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
        bound = self.cfg.map_interfaces.get(e.map)
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
            self.local_interface(t, bound[0], bound[1], where)
        self.identity(t)

    def local_interface(self, t: ParsedTunnel, ifname: str, bline: int, where: str) -> None:
        """The local address from the interface the tunnel leaves through (its nameif)."""
        cfg = self.cfg
        t.extra["interface" if t.variant == "crypto-map" else "source_interface"] = ifname
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
                    "INACTIVE",
                    f"{where}: IKEv{ver} is not enabled on {ifname} (crypto ikev{ver} enable {ifname})",
                    bline,
                    "warning",
                )

    def identity(self, t: ParsedTunnel) -> None:
        cfg = self.cfg
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
                    if _low(c)[0] != "vpn-tunnel-protocol":
                        self.once(
                            ("gpline", str(c.line)),
                            "IGNORED",
                            f"group-policy {gp}: not read: {_safe(c.text)}",
                            c.line,
                            "info",
                        )
            if protos is not None and t.ike_version and f"ikev{t.ike_version}" not in protos:
                self.note(
                    "INACTIVE",
                    f"{where}: group-policy {gp} allows {' '.join(protos) or 'nothing'}, not ikev{t.ike_version}",
                    t.line,
                    "warning",
                )

    def read_tunnel_group(self, t: ParsedTunnel, tg: TunnelGroup) -> None:
        t.extra["tunnel_group"] = tg.name
        v = t.ike_version
        key = _key_of(tg, v)
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
                self.note(
                    "KEY",
                    f"tunnel-group {tg.name}: the pre-shared key is stored encrypted (type 8, master "
                    "passphrase): the key itself is not in the text",
                    key[1],
                )
            elif set(k) == {"*"}:
                t.psk_state = "masked"
                self.note(
                    "KEY",
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
            _, why = default_for(self.cfg, "tunnel_group", "keepalive")
            self.note(
                "MISSING",
                f"tunnel-group {tg.name}: no isakmp keepalive line; the ASA's built-in keepalive "
                f"applies and DPD is left unknown ({why})",
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
        t.peer_address = ipv4(tg.name)
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
