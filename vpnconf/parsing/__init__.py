"""The shared parsing layer. Each vendor's parser is ``vendors/<id>/parser.py``,
discovered (no central list). Each module defines

    def detect(text: str) -> tuple[float, str]   # score 0..1 and why
    def parse(text: str, name: str) -> ParsedDevice

A parser reads what the device says, from the device's point of view (local =
the device, remote = its peer), maps keywords back through the vendor's table
(``vendors/<id>/vendor.yaml``) and never guesses: what it cannot read becomes a
finding with the line number. ``to_site_data`` turns parsed tunnels into the
cloud-view site model, reporting everything it could not carry.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any, Literal

from ..findings import Finding, VpnconfError
from .redact import MASK, Redactor
from .vocabulary import CAP, INTERNAL, RULES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..findings import Severity
    from ..placeholders import Table

#: ``binary``: the key is bytes that are not printable text (strongSwan ``0x``/``0s``);
#: ``psk`` then holds them as ``0x`` + lower-case hex, comparable but not renderable
PskState = Literal["clear", "binary", "encrypted", "masked", "missing", "certificate"]


@dataclass
class Proposal:
    """One IKE or ESP proposal in canonical names; None where the vendor's value
    has no canonical name (``raw`` keeps what the device said)."""

    encryption: str | None = None
    integrity: str | None = None
    dh_group: int | None = None  # IKE proposals only
    raw: str = ""
    #: further key exchanges (RFC 9370, strongSwan 6 ``ke1_mlkem768``...), as
    #: "ke<N>_<name>" in the order the proposal gives them
    additional_ke: tuple[str, ...] = ()


@dataclass
class Ident:
    type: Literal["address", "fqdn", "other"]
    value: str


@dataclass
class ProposalSet:
    """Proposals that are the device's, not one tunnel's (IOS isakmp policies,
    IKEv2 policies): held once on the device. Every tunnel that offers them
    names the set (``ParsedTunnel.ike_proposal_set``) and shares the list
    object as its ``ike_proposals``, so n tunnels cost n references, not n
    copies (parse output grows linearly with tunnels plus policies)."""

    name: str
    proposals: list[Proposal] = field(default_factory=list)
    #: the lifetime of each proposal, where the device gives one per policy
    lifetimes: list[int] = field(default_factory=list)
    line: int | None = None


@dataclass
class ParsedBgp:
    """A BGP session over a tunnel, from the device's point of view."""

    local_asn: int | None = None
    peer_asn: int | None = None
    local_ip: str | None = None  # the device's inside address
    peer_ip: str | None = None  # the neighbor (the cloud's inside address)
    prefixlen: int | None = None  # of the tunnel interface's inside network
    hold_time: int | None = None
    keepalive: int | None = None
    advertise: list[str] = field(default_factory=list)  # networks the device announces
    #: the local preference the device gives routes learnt from this neighbor
    #: (an inbound route-map/policy); None: the vendor's default (higher wins)
    local_preference: int | None = None
    line: int | None = None


@dataclass
class CertAuth:
    """Certificate authentication as the config names it (names and paths as
    written; the files are looked up by ``vpnconf.certs``)."""

    local_certs: list[str] = field(default_factory=list)  # own certificate(s): swanctl local.certs, leftcert
    remote_certs: list[str] = field(default_factory=list)  # pinned peer certificate(s): remote.certs, rightcert
    cacerts: list[str] = field(default_factory=list)  # CAs the peer must chain to: remote.cacerts, rightca
    groups: list[str] = field(default_factory=list)  # remote.groups: the peer must be in one
    cert_policy: list[str] = field(default_factory=list)  # remote.cert_policy OIDs the peer's certificate must hold
    line: int | None = None


@dataclass
class ParsedTunnel:
    name: str
    line: int | None = None
    variant: str | None = None  # crypto-map, vti, route, policy, interface, swanctl ...
    local_address: str | None = None
    peer_address: str | None = None
    auth: Literal["psk", "certificate", "unknown"] = "psk"
    psk: str | None = None
    psk_state: PskState = "missing"
    cert: CertAuth | None = None  # auth == "certificate": what the config names
    ike_version: int | None = None  # None: both / not said
    mode: Literal["main", "aggressive"] = "main"
    ike_proposals: list[Proposal] = field(default_factory=list)
    #: the device-wide set ``ike_proposals`` is (``ParsedDevice.proposal_sets``), if any
    ike_proposal_set: str | None = None
    ike_lifetime: int | None = None
    local_id: Ident | None = None
    peer_id: Ident | None = None
    esp_proposals: list[Proposal] = field(default_factory=list)
    #: AH proposals (integrity, and dh_group for PFS) where the tunnel uses AH
    #: (alone or besides ESP); empty: no AH
    ah_proposals: list[Proposal] = field(default_factory=list)
    pfs: int | None = None  # None: no PFS (unless pfs_unknown)
    pfs_unknown: bool = False  # PFS is on but its group is not one the model holds (or not said)
    ipsec_lifetime_seconds: int | None = None
    ipsec_lifetime_kb: int | None = None
    #: (local, remote), device view; ``%dynamic`` stands for the end's own
    #: address where the config leaves it to the daemon and the address is not known
    selectors: list[tuple[str, str]] = field(default_factory=list)
    backup_peers: list[str] = field(default_factory=list)  # further peers of this tunnel, in order
    #: fields filled from the vendor's documented defaults (vendor.yaml ``defaults``), not read:
    #: field name -> where the default comes from (shown in findings and in check verdicts)
    defaulted: dict[str, str] = field(default_factory=dict)
    dpd_enabled: bool = False
    dpd_timeout: int | None = None
    dpd_action: str | None = None
    # route-based: a tunnel interface (VTI, st0, interface mode, XFRM); the
    # networks the device routes into it and a BGP session over it
    route_based: bool = False
    routes: list[str] = field(default_factory=list)
    #: how the device ranks its static routes into this tunnel against another
    #: tunnel's routes to the same networks: the administrative distance /
    #: preference / priority as the vendor writes it (lower wins), the vendor's
    #: documented default when the route line gives none (then
    #: ``defaulted["route_preference"]`` says so); None when there are no routes
    route_preference: int | None = None
    bgp: ParsedBgp | None = None
    #: point-to-point addresses on the tunnel interface, (its own, the peer's), as
    #: ``ip addr add A peer B dev X`` writes them: the pair in the cloud's
    #: health-check range is the health check's IDC and cloud ends (to_site_data)
    point_to_point: list[tuple[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def redacted(self, show_secrets: bool = False, redactor: Redactor | None = None) -> dict[str, Any]:
        """The tunnel as plain data; unless ``show_secrets``, the key masked and
        every string passed through the device's redactor (a damaged config
        can put a key where a name or a raw value is read)."""
        if show_secrets or redactor is None:
            d = self._data(None)
            if not show_secrets and self.psk is not None:
                d["psk"] = "<redacted>"
            return d
        seen: dict[str, None] = {}
        d = self._data(seen)
        return _scrubbed(d, seen, redactor, copy=False)  # type: ignore[no-any-return]

    def _data(self, seen: dict[str, None] | None) -> dict[str, Any]:
        """``_plain`` of the tunnel; with ``seen``, the key is masked and every
        other string is recorded there (``scrub``'s first pass, done on the way)."""
        # the set is written once, on the device (a copy per tunnel is n x policies)
        skip = "ike_proposals" if self.ike_proposal_set is not None else None
        psk = self.psk if seen is None or self.psk is None else "<redacted>"
        return {k: psk if k == "psk" else _plain(v, seen) for k, v in vars(self).items() if k != skip}


_SCALARS = frozenset({int, float, bool, type(None)})


def _plain(v: Any, seen: dict[str, None] | None = None) -> Any:
    """``dataclasses.asdict`` of a value, without its deep copies (4x faster on
    a parse of thousands of tunnels): dataclasses become dicts, lists and
    dicts are copied, tuples stay tuples. With ``seen``, every string met is
    recorded there (the first pass of ``scrub``, without a second walk)."""
    t = type(v)
    if t is str:
        if seen is not None:
            seen[v] = None
        return v
    if t in _SCALARS:
        return v
    if t is list:
        return [_plain(x, seen) for x in v]
    if t is dict:
        return {k: _plain(x, seen) for k, x in v.items()}
    if t is tuple:
        return tuple(_plain(x, seen) for x in v)
    if hasattr(v, "__dataclass_fields__"):
        return {k: _plain(x, seen) for k, x in vars(v).items()}
    if isinstance(v, str):  # a str enum
        if seen is not None:
            seen[v] = None
        return v
    if isinstance(v, int | float):
        return v
    if isinstance(v, list | tuple | dict):  # subclasses: as their base
        return _plain(list(v) if isinstance(v, list) else tuple(v) if isinstance(v, tuple) else dict(v), seen)
    import copy

    return copy.deepcopy(v)


def redacted_tunnels(dev: ParsedDevice, show_secrets: bool = False) -> list[dict[str, Any]]:
    """``ParsedTunnel.redacted`` of every tunnel of ``dev``, their strings passed
    through its redactor in one pass."""
    if show_secrets:
        return [t._data(None) for t in dev.tunnels]
    seen: dict[str, None] = {}
    out = [t._data(seen) for t in dev.tunnels]
    scrubbed: list[dict[str, Any]] = _scrubbed(out, seen, dev.redactor, copy=False)
    return scrubbed


@dataclass
class ParsedDevice:
    vendor: str
    file: str
    tunnels: list[ParsedTunnel] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    detected: str | None = None  # why this vendor, when detected
    #: device-wide proposals, by name (see ``ProposalSet``)
    proposal_sets: dict[str, ProposalSet] = field(default_factory=dict)
    #: every message about this input passes it (set by ``parse_text``)
    redactor: Redactor = field(default_factory=Redactor, repr=False, compare=False)
    _counts: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def note(
        self, rule: str, message: str, line: int | None = None, severity: Severity = "info", path: str = ""
    ) -> None:
        """One finding, in the shared vocabulary (``vocabulary.RULES``), at most
        ``CAP`` per rule (then one TRUNCATED that counts the rest)."""
        n = self._counts.get(rule, 0) + 1
        self._counts[rule] = n
        if n > CAP:
            if n == CAP + 1:
                self.findings.append(
                    Finding(
                        rule="TRUNCATED",
                        severity="info",
                        message=f"more than {CAP} {rule} findings: the rest are counted, not listed",
                        file=self.file,
                        line=line,
                    )
                )
            return
        self.findings.append(
            Finding(rule=rule, severity=severity, message=message, path=path, file=self.file, line=line)
        )

    def unknown_rules(self) -> set[str]:
        """Rule ids used here that are not in the shared vocabulary."""
        return {f.rule for f in self.findings} - set(RULES)


def scrub(obj: Any, redactor: Redactor, *, copy: bool = True) -> Any:
    """Every string inside ``obj`` (dicts, lists, tuples) passed through ``redactor``
    (a copy; with ``copy=False``, ``obj`` itself when nothing was hidden).

    The distinct strings are passed as one text, joined by NUL (which no config
    text holds and which, not being a letter or digit, ends a key as a string's
    end does): one search for a parse of thousands of tunnels instead of one per
    string; the structure is rebuilt only when something was hidden."""
    seen: dict[str, None] = {}
    _strings(obj, seen)
    return _scrubbed(obj, seen, redactor, copy)


def _scrubbed(obj: Any, seen: dict[str, None], redactor: Redactor, copy: bool) -> Any:
    """``scrub`` of ``obj`` whose strings are ``seen``. A string that is a key
    itself (a raw key kept beside the parse) is masked without a search: the
    search is left the strings that may hold one."""
    keys = redactor.secrets
    whole = {k: MASK for k in seen if k in keys}
    if whole:
        seen = {k: None for k in seen if k not in whole}
    joined = "\0".join(seen)
    hidden = redactor(joined) if seen else joined
    if hidden == joined:
        return _rebuilt(obj, whole) if copy or whole else obj
    parts = hidden.split("\0")
    if joined.count("\0") != len(seen) - 1 or len(parts) != len(seen):
        return _rebuilt(obj, {**whole, **{k: redactor(k) for k in seen}})  # a string holding NUL itself: one by one
    return _rebuilt(obj, {**whole, **{k: v for k, v in zip(seen, parts, strict=True) if k != v}})


def _strings(obj: Any, seen: dict[str, None]) -> None:
    if isinstance(obj, str):
        seen[obj] = None
    elif isinstance(obj, dict):
        for v in obj.values():
            _strings(v, seen)
    elif isinstance(obj, list | tuple):
        for v in obj:
            _strings(v, seen)


def _rebuilt(obj: Any, changed: dict[str, str]) -> Any:
    """``obj`` with lists for tuples (as scrub always gave) and the strings in ``changed`` replaced."""
    if isinstance(obj, str):
        return changed.get(obj, obj)
    if isinstance(obj, dict):
        return {k: _rebuilt(v, changed) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_rebuilt(v, changed) for v in obj]
    return obj


# ------------------------------------------------------------ discovery
@cache
def parser_module(vendor_id: str) -> ModuleType:
    """The parser of one vendor, ``vendors/<id>/parser.py``, loaded once as
    the module ``vpnconf.vendor_parsers.<id>``."""
    import importlib.util
    import sys

    from ..paths import vendor_dirs

    path = vendor_dirs()[vendor_id] / "parser.py"
    name = f"vpnconf.vendor_parsers.{vendor_id}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - a folder, not a file
        raise VpnconfError(f"{path}: cannot be loaded as a parser")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


@cache
def parser_modules() -> dict[str, ModuleType]:
    """Every vendor that has a parser (``vendors/<id>/parser.py``), by id."""
    return {vid: parser_module(vid) for vid in parser_ids()}


@cache
def parser_ids() -> tuple[str, ...]:
    """The ids of the vendors that have a parser, without loading the parsers
    (detection needs only their vendor.yaml patterns: loading eleven parsers is
    most of a parse's start-up)."""
    from ..paths import vendor_dirs

    return tuple(vid for vid, d in vendor_dirs().items() if (d / "parser.py").is_file())


class _Finder:
    """One detection pattern, searched fast in a large config: a pattern that
    starts a line (``^``) is searched as ``\n...`` in the text with a newline
    put before it (the same matches; the regex engine then skips from newline
    to newline instead of trying every position), and not at all when a run of
    literal characters every match must hold is not in the text. The pattern is
    compiled when first searched: a config lacking its literal never pays for
    compiling it (129 patterns are most of a small parse's time)."""

    def __init__(self, pattern: str, where: str = "detect") -> None:
        self.pattern = pattern
        self.where = where
        self.line_start = pattern.startswith("^") and not pattern.startswith(("^|", "^)"))
        self.literal = _required_literal(pattern)  # re.error: a bad pattern, said at load
        self._rx: re.Pattern[str] | None = None
        self._nl_rx: re.Pattern[str] | None = None

    def _compile(self, pattern: str) -> re.Pattern[str]:
        try:
            return re.compile(pattern, re.M)
        except (re.error, RecursionError, OverflowError) as exc:
            raise VpnconfError(f"{self.where}: bad pattern ({exc})") from None

    @property
    def rx(self) -> re.Pattern[str]:
        if self._rx is None:
            self._rx = self._compile(self.pattern)
        return self._rx

    def found(self, text: str, nl_text: str, held: dict[str, bool] | None = None) -> bool:
        """Whether the pattern matches ``text``; ``held`` remembers, for one text,
        which literals it holds (patterns share them: one scan of a large
        config each)."""
        if self.literal:
            if held is None:
                if self.literal not in text:
                    return False
            else:
                there = held.get(self.literal)
                if there is None:
                    there = held[self.literal] = self.literal in text
                if not there:
                    return False
        if self.line_start:
            if self._nl_rx is None:
                self._nl_rx = self._compile("\n" + self.pattern[1:])
            return self._nl_rx.search(nl_text) is not None
        return self.rx.search(text) is not None


def _required_literal(pattern: str) -> str:
    """The longest run of literal characters at the pattern's top level (outside
    groups, alternations and repeats): every match contains it."""
    from re import _constants as sre_c, _parser as sre_p  # type: ignore[attr-defined]

    try:
        tree = sre_p.parse(pattern, re.M)
    except (RecursionError, OverflowError):
        return ""
    best = cur = ""
    for op, av in tree:
        if op is sre_c.LITERAL:
            cur += chr(av)
        else:
            best, cur = max(best, cur, key=len), ""
    return max(best, cur, key=len)


@cache
def _detect_patterns(vendor_id: str) -> tuple[list[tuple[_Finder, float, str]], list[tuple[_Finder, str]]]:
    """The vendor's ``detect:`` patterns (vendor.yaml), compiled once."""
    from ..catalog import vendors

    d = vendors()[vendor_id].detect
    where = f"vendors/{vendor_id}/vendor.yaml detect"
    try:
        pos = [(_Finder(p["re"], where), float(p["weight"]), str(p["why"])) for p in d.get("patterns", [])]
        neg = [(_Finder(p["re"], where), str(p["why"])) for p in d.get("not", [])]
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise VpnconfError(f"{where}: bad pattern ({exc})") from None
    return pos, neg


def detect_score(
    vendor_id: str, text: str, nl_text: str | None = None, held: dict[str, bool] | None = None
) -> tuple[float, str]:
    """Score 0..1 that ``text`` was written for this vendor, and why: the
    vendor's ``detect:`` patterns from its vendor.yaml (the weights of the
    patterns found, added; any ``not`` pattern found makes it 0), else the
    parser's own ``detect`` function. ``nl_text`` is ``"\n" + text`` when the
    caller has it already; ``held``, the literals known to be in ``text`` or not
    (shared by the vendors scored on one text)."""
    pos, neg = _detect_patterns(vendor_id)
    if not pos:
        mod = parser_module(vendor_id) if vendor_id in parser_ids() else None
        if mod is None or not hasattr(mod, "detect"):
            return 0.0, "no detection patterns"
        score, why = mod.detect(text)
        return float(score), str(why)
    nl = "\n" + text if nl_text is None else nl_text
    for fx, why in neg:
        if fx.found(text, nl, held):
            return 0.0, f"not {vendor_id}: {why}"
    score, whys = 0.0, []
    for fx, weight, why in pos:
        if fx.found(text, nl, held):
            score += weight
            whys.append(why)
    return round(min(score, 1.0), 2), ", ".join(whys) or f"no {vendor_id} syntax"


#: a vendor is detected from this score on
DETECT_THRESHOLD = 0.3


def detect_vendor(text: str) -> tuple[str, str]:
    """(vendor id, why) of the best-scoring vendor; VpnconfError if none fits,
    or if two fit equally well (never a tie broken by name)."""
    nl = "\n" + text
    held: dict[str, bool] = {}
    scores = sorted(((*detect_score(vid, text, nl, held), vid) for vid in parser_ids()), reverse=True)
    if not scores or scores[0][0] < DETECT_THRESHOLD:
        raise VpnconfError(
            "cannot tell which vendor wrote this config (no IPsec configuration recognised); pass --vendor"
        )
    if len(scores) > 1 and scores[1][0] == scores[0][0]:
        raise VpnconfError(
            f"this config reads equally well as {scores[0][2]} ({scores[0][1]}) and as {scores[1][2]} "
            f"({scores[1][1]}); pass --vendor"
        )
    return scores[0][2], scores[0][1]


def parse_text(text: str | bytes, name: str, vendor: str | None = None) -> ParsedDevice:
    """Parse one device config. Bytes are decoded by ``text.decode``; the
    parser's findings are capped, redacted (every key-bearing token of the
    input), and a parser failure is one INTERNAL finding, never a traceback."""
    from ..catalog import get_vendor, vendors
    from .text import decode

    try:
        text, notes = decode(text, name)
    except VpnconfError as exc:  # binary data: nothing to read, said once
        junk = ParsedDevice(vendor=get_vendor(vendor).id if vendor else "unknown", file=name)
        junk.note("ENCODING", str(exc).removeprefix(f"{name}: "), severity="error")
        return junk
    if vendor is None:
        vid, why = detect_vendor(text)
    else:
        vid, why = get_vendor(vendor).id, None
    if vid not in parser_ids():
        raise VpnconfError(f"no parser for vendor {vid} yet (parsers: {', '.join(sorted(parser_ids()))})")
    try:
        dev: ParsedDevice = parser_module(vid).parse(text, name)
    except RecursionError:
        dev = ParsedDevice(vendor=vid, file=name)
        dev.note(INTERNAL, "the input nests too deeply for the parser; nothing could be read", severity="error")
    except Exception as exc:  # the contract is "never raise": a bug, reported as such
        dev = ParsedDevice(vendor=vid, file=name)
        dev.note(
            INTERNAL, f"the parser failed on this input ({type(exc).__name__}); please report it", severity="error"
        )
    dev.detected = why
    for note in notes:
        dev.findings.insert(0, Finding(rule="ENCODING", severity="info", message=note, file=name))
    if not dev.tunnels and not any(f.rule == "NO-TUNNEL" for f in dev.findings):
        dev.note("NO-TUNNEL", "no IPsec tunnel found in this config")
    sec = vendors()[vid].secrets
    red = Redactor(text, sec.get("keywords", ()), sec.get("modifiers", ()))
    for t in dev.tunnels:
        red.add(t.psk)
        raw = t.extra.get("psk_raw")
        if isinstance(raw, str):
            red.add(raw)
    for f in dev.findings:
        f.message = red(f.message, f.line)
    dev.redactor = red
    return dev


# ------------------------------------------------------ shared helpers
def small_int(s: str) -> int | None:
    """A non-negative integer written in decimal, or None (huge values too)."""
    return int(s) if s.isdigit() and len(s) < 12 else None


def ipv4(s: str) -> str | None:
    """The IPv4 address written in ``s`` (normalised), or None."""
    try:
        return str(ipaddress.IPv4Address(s))
    except ValueError:
        return None


@cache
def health_check_net() -> ipaddress.IPv4Network | None:
    """The cloud's health-check range (the tencent profile's
    ``bgp.health_check_range``), read from the profile file as data: a parse
    does not build the profile model (which would load pydantic for it)."""
    from ..paths import data_dir
    from ..safeload import load_text

    path = data_dir("profiles") / "tencent.yaml"
    doc = load_text(path.read_text(encoding="utf-8"), str(path)).data
    bgp = doc.get("bgp") if isinstance(doc, dict) else None
    rng = bgp.get("health_check_range") if isinstance(bgp, dict) else None
    return ipaddress.IPv4Network(rng) if isinstance(rng, str) else None


def health_check_pair(own: str, peer: str) -> tuple[str, str] | None:
    """``(own, peer)`` (each ``A`` or ``A/len``) as plain addresses when both
    lie in the cloud's health-check range (``health_check_net``), else None."""
    net = health_check_net()
    a, p = ipv4(own.split("/")[0]), ipv4(peer.split("/")[0])
    if net is None or not a or not p or ipaddress.IPv4Address(a) not in net or ipaddress.IPv4Address(p) not in net:
        return None
    return a, p


def health_check_pairs(
    addrs: Iterable[str], routes: Iterable[str], bgp_peer: str | None
) -> tuple[list[tuple[str, str]], list[str]]:
    """The cloud's health check on a tunnel interface: (IDC end, cloud end)
    pairs, both ends in the cloud's health-check range (the profile's
    ``bgp.health_check_range``), and the routes of ``routes`` that make them
    (host routes to a probing end: not routes to the VPC).

    ``addrs`` are the interface's addresses (``A/len``), ``routes`` the
    networks routed into it. An address pairs with a host route into the
    interface to another address of the range inside its network (any such
    address for a /32); an address of a /30 or /31 without one, with the other
    host of its network. The BGP inside address (its network holds the
    neighbor ``bgp_peer``) and a route to the neighbor are no health check."""
    net = health_check_net()
    if net is None:
        return [], []
    peer = ipaddress.IPv4Address(bgp_peer) if bgp_peer and ipv4(bgp_peer) else None
    hosts: list[tuple[str, ipaddress.IPv4Address]] = []
    for r in routes:
        try:
            rn = ipaddress.IPv4Network(r, strict=False)
        except ValueError:
            continue
        if rn.prefixlen == 32 and rn.network_address in net and rn.network_address != peer:
            hosts.append((r, rn.network_address))
    pairs: list[tuple[str, str]] = []
    used: list[str] = []
    for a in addrs:
        try:
            iface = ipaddress.IPv4Interface(a)
        except ValueError:
            continue
        if iface.ip not in net or (peer is not None and peer in iface.network):
            continue
        routed = next(
            (
                (r, h)
                for r, h in hosts
                if h != iface.ip and r not in used and (h in iface.network or iface.network.prefixlen == 32)
            ),
            None,
        )
        if routed is not None:
            pairs.append((str(iface.ip), str(routed[1])))
            used.append(routed[0])
        elif iface.network.prefixlen in (30, 31):
            hs = iface.network if iface.network.prefixlen == 31 else iface.network.hosts()
            other = [h for h in hs if h != iface.ip]
            if len(other) == 1 and other[0] in net:
                pairs.append((str(iface.ip), str(other[0])))
    return pairs, used


def lowest_route_preference(
    dev: ParsedDevice,
    t: ParsedTunnel,
    routes: Iterable[tuple[int | None, int | None, str]],
    default: tuple[int, str],
    word: str,
    ifname: str,
    *,
    report_default: bool = True,
    path: str = "",
    where: str | None = None,
) -> None:
    """``t.route_preference`` from the static routes into the tunnel interface ``ifname``:
    ``routes`` are (the value written or None, line, how a message names the route), in
    the order read; a route without a value takes ``default`` (value, source: vendor.yaml
    ``defaults``). The tunnel's value is the lowest; when a route without a value decides it,
    ``t.defaulted["route_preference"]`` is the default's source (and, with ``report_default``,
    a DEFAULT finding names the first such route); different values: an AMBIGUOUS warning at
    the first route. ``word`` is the vendor's plural for the value ("administrative
    distances", "preferences", "metrics", "priorities"); ``where`` starts the messages
    (default ``tunnel <name>``); ``path`` is the findings' path. No routes: nothing is set."""
    got = list(routes)
    if not got:
        return
    dflt, source = default
    values = sorted({v if v is not None else dflt for v, _, _ in got})
    t.route_preference = values[0]
    where = f"tunnel {t.name}" if where is None else where
    bare = [(line, name) for v, line, name in got if v is None]
    if bare and values[0] == dflt:
        t.defaulted["route_preference"] = source
        if report_default:
            one = word[:-3] + "y" if word.endswith("ies") else word.removesuffix("s")
            dev.note("DEFAULT", f"{where}: {bare[0][1]} without {one}: {dflt} ({source})", bare[0][0], "info", path)
    if len(values) > 1:
        dev.note(
            "AMBIGUOUS",
            f"{where}: the static routes into {ifname} have {word} {', '.join(map(str, values))}: "
            f"route_preference is the lowest, {values[0]}",
            got[0][1],
            "warning",
            path,
        )


# -------------------------------------------------------- keyword tables
@cache
def reverse_table(vendor_id: str, table: str, ike_version: int | None) -> dict[str, Any]:
    """Vendor keyword -> canonical value for one keyword table (both IKE
    versions merged when ``ike_version`` is None). Keys are lower case."""
    from ..catalog import vendors

    v = vendors()[vendor_id]
    out: dict[str, Any] = {}
    versions = [ike_version] if ike_version else [1, 2]
    for ver in versions:
        for src in (v.keywords.get(table, {}), v.keywords.get(f"ikev{ver}", {}).get(table, {})):
            for canon, kw in src.items():
                out.setdefault(str(kw).lower(), canon)
    return out


def lookup(vendor_id: str, table: str, keyword: str, ike_version: int | None = None) -> Any:
    return reverse_table(vendor_id, table, ike_version).get(keyword.strip().lower())


# ------------------------------------------------------ to the site model
@cache
def _net(s: str) -> str:
    """``str(IPv4Network(s, strict=False))``: a dotted quad with a prefix length
    computed on integers (ipaddress's parser is most of a large parse's
    carrying into the model), anything else by ipaddress (and its errors)."""
    from ..names import quad_prefix

    fast = quad_prefix(s)
    if fast is not None:
        q, plen = fast
        q &= (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF
        return f"{q >> 24}.{(q >> 16) & 255}.{(q >> 8) & 255}.{q & 255}/{plen}"
    return str(ipaddress.IPv4Network(s, strict=False))


def _net_or_none(s: str) -> str | None:
    try:
        return _net(s)
    except ValueError:
        return None


_ADDRESS_ID: dict[str, Any] = {"type": "address"}


def _ident(i: Ident | None, gw_ip: str) -> dict[str, Any]:
    """A parsed identity as the model's: the gateway's own address (or an
    identity of no known type) is the default address identity."""
    if i is None or i.type == "other" or (i.type == "address" and i.value == gw_ip):
        return dict(_ADDRESS_ID)
    return {"type": i.type, "value": i.value}


def _route_based(
    t: ParsedTunnel, vpngw: dict[str, Any], cgw: dict[str, Any], lose: Callable[..., None]
) -> dict[str, Any]:
    """A route-based tunnel's model fields (the cloud's view): BGP when the
    device runs a complete session over the tunnel, else static routing."""
    b = t.bgp
    if b is not None:
        missing = [n for n in ("local_asn", "peer_asn", "local_ip", "peer_ip") if getattr(b, n) is None]
        if missing:
            lose(t, f"BGP session without {', '.join(missing)}: carried as a static route-based tunnel", field="bgp")
        else:
            for gw, asn, who in ((vpngw, b.peer_asn, "peer"), (cgw, b.local_asn, "local")):
                if gw.setdefault("bgp_asn", asn) != asn:
                    lose(
                        t,
                        f"{who} ASN {asn} differs from {gw['bgp_asn']} of another tunnel of gateway {gw['name']}",
                        field="bgp_asn",
                    )
            bgp: dict[str, Any] = {
                "tunnel_cidr": str(ipaddress.IPv4Interface(f"{b.local_ip}/{b.prefixlen or 30}").network),
                # the cloud's point of view: its end is the device's neighbor
                "local_ip": b.peer_ip,
                "peer_ip": b.local_ip,
                "advertise": [_net(n) for n in b.advertise],
            }
            if b.prefixlen is None:
                lose(
                    t,
                    "the tunnel interface's prefix length is not in the text: /30 assumed for tunnel_cidr",
                    field="bgp.tunnel_cidr",
                )
            for k in ("hold_time", "keepalive"):
                if getattr(b, k) is not None:
                    bgp[k] = getattr(b, k)
                else:
                    lose(t, f"BGP {k} is not in the text: the model's default is written", "info", f"bgp.{k}")
            return {"route_type": "bgp", "bgp": bgp}
    lose(
        t,
        "route-based: the cloud's routes to the IDC ranges are not in a device config (routes stay empty)",
        "info",
        "routes",
    )
    return {"route_type": "static"}


def _health_check(t: ParsedTunnel, lose: Callable[..., None]) -> dict[str, Any] | None:
    """The cloud's health check from the tunnel interface's point-to-point
    addresses: the pair whose both ends lie in the cloud's health-check range
    (the profile's ``bgp.health_check_range``) is the IDC end (the device's
    address, which the cloud probes) and the cloud end (its peer); any other
    pair is named as not carried."""
    net = health_check_net()
    rng = str(net) if net is not None else None
    found: list[tuple[str, str]] = []
    for own, peer in t.point_to_point:
        pair = health_check_pair(own, peer)
        if pair is not None and pair[0] != pair[1]:
            found.append(pair)
        else:
            lose(
                t,
                f"point-to-point address {own} peer {peer} on the tunnel interface is not a health check "
                f"(both ends in {rng}): not carried",
                "info",
                "health_check",
            )
    if not found:
        return None
    if len(found) > 1:
        lose(
            t,
            f"{len(found)} point-to-point address pairs in the health-check range on the tunnel interface: "
            f"the first ({found[0][0]} peer {found[0][1]}) is the health check",
            "warning",
            "health_check",
        )
    return {"enabled": True, "local_ip": found[0][1], "remote_ip": found[0][0]}


def _site_name(t: ParsedTunnel, taken: set[str], lose: Callable[..., None]) -> str:
    """The tunnel's name as a site name (letters, digits, '_', '.', '-'; 1-60,
    starting with a letter or digit), unique; a change is named in the losses."""
    from ..names import NAME_RE

    name = t.name
    if not NAME_RE.fullmatch(name):
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-._")[:60] or "tunnel"
        if not name[0].isalnum():
            name = f"t{name}"[:60]
    base, n = name, 2
    while name in taken:
        name = f"{base[: 60 - len(str(n)) - 1]}-{n}"
        n += 1
    taken.add(name)
    if name != t.name:
        lose(t, f"name {t.name!r} is written {name!r} (site names are letters, digits, '_', '.', '-')", "info", "name")
    return name


class _EnumValues(dict[object, bool]):
    """``value in`` this: the model's enum takes the value (its canonical name or
    an alias it accepts); each answer cached."""

    def __init__(self, enum: Any) -> None:
        super().__init__({m.value: True for m in enum})
        self.enum = enum

    def __missing__(self, value: object) -> bool:
        try:
            ok = value is not None and self.enum(value) is not None
        except ValueError:
            ok = False
        self[value] = ok
        return ok

    def __contains__(self, value: object) -> bool:
        return self[value]


def _first_of_each(props: list[Proposal]) -> list[Proposal]:
    """Each (encryption, integrity, group) once, at its first place."""
    return _first_by(props, [(p.encryption, p.integrity, p.dh_group) for p in props])


def _first_by(props: list[Proposal], keys: list[tuple[Any, ...]]) -> list[Proposal]:
    """Each proposal whose key (same place in ``keys``) was not seen before."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p, k in zip(props, keys, strict=True):
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


def to_site_data(dev: ParsedDevice, placeholders: Table | None = None) -> tuple[dict[str, Any], list[Finding]]:
    """Parsed tunnels -> site data (the cloud's point of view) and a finding for
    everything that could not be carried into the model. With ``placeholders``
    (the side table of a source whose placeholders were replaced by sentinels
    before parsing, ``vpnconf.placeholders``), every placeholder is named in the
    losses with the model field(s) it reached."""
    from ..names import PSK_RE, UNKNOWN_PSK, DhGroup, Encryption, Integrity, is_aead

    groups = frozenset(int(g) for g in DhGroup)
    encs = _EnumValues(Encryption)
    integs = _EnumValues(Integrity)
    losses: list[Finding] = []

    def _model_ike(props: list[Proposal]) -> tuple[list[Proposal], list[str]]:
        """The proposals the model can hold (each value once, in order) and the raw
        text of the others."""
        ok = [p for p in props if p.encryption in encs and p.integrity in integs and p.dh_group in groups]
        kept = {id(p) for p in ok}
        return _first_of_each(ok), [p.raw or "?" for p in props if id(p) not in kept]

    # device-wide proposal sets: sorted out once; a set with more than one proposal
    # the model holds goes into the site once (``ike_proposal_sets``), tunnels name it
    sets: dict[str, tuple[list[Proposal], list[str]]] = {}
    site_sets: dict[str, list[dict[str, Any]]] = {}
    for sname, ps in dev.proposal_sets.items():
        sets[sname] = got = _model_ike(ps.proposals)
        users = sum(t.ike_proposal_set == sname for t in dev.tunnels)
        if got[1] and users:
            losses.append(
                Finding(
                    rule="NOT-CARRIED",
                    severity="warning",
                    message=f"proposal set {sname} (offered by {users} tunnel(s)): proposals with values the model "
                    f"does not hold not carried: {', '.join(got[1])}",
                    path="ike.proposals",
                    file=dev.file,
                    line=ps.line,
                    extra={"field": "ike.proposals"},
                )
            )

    def lose(t: ParsedTunnel, msg: str, sev: Severity = "warning", field: str = "") -> None:
        """One loss, naming the model field it concerns (JSON ``field``; the
        text shows it as the finding's path)."""
        losses.append(
            Finding(
                rule="NOT-CARRIED",
                severity=sev,
                message=f"tunnel {t.name}: {msg}",
                path=field,
                file=dev.file,
                line=t.line,
                extra={"field": field} if field else None,
            )
        )

    names: set[str] = set()
    carried: list[tuple[ParsedTunnel, dict[str, Any]]] = []  # each tunnel carried, with its site data
    vpngws: dict[str, dict[str, Any]] = {}
    cgws: dict[str, dict[str, Any]] = {}
    tunnels: list[dict[str, Any]] = []
    by_site: dict[str, ParsedTunnel] = {}
    vpc_nets: list[str] = []
    for t in dev.tunnels:
        if t.peer_address is None:
            lose(t, "no peer address: cannot name the cloud's VPN gateway", "error", "vpn_gateway")
            continue
        if t.auth != "psk":
            lose(t, f"authentication is {t.auth}, the service uses a pre-shared key", "error", "ike.auth_method")
            continue
        shared = sets.get(t.ike_proposal_set) if t.ike_proposal_set else None
        if shared is None:
            ikes, ike_unknown = _model_ike(t.ike_proposals)
        else:  # a device-wide set: sorted out once, its losses named once (n tunnels x n policies else)
            ikes, ike_unknown = shared
        esps = [p for p in t.esp_proposals if p.encryption in encs and (p.integrity in integs or is_aead(p.encryption))]
        ike = ikes[0] if ikes else None
        esp = esps[0] if esps else None
        if ike is None or esp is None:
            raws = (p.raw for p in (t.esp_proposals if ike else t.ike_proposals))
            lose(
                t,
                f"no {'ESP' if ike else 'IKE'} proposal made only of values the model knows "
                f"({', '.join(itertools.islice(raws, 8)) or 'none'})",
                "error",
                "ike" if ike is None else "ipsec",
            )
            continue
        # every proposal made of values the model knows is carried, in order;
        # the others are named (by identity: comparing field by field is n^2)
        kept = {id(p) for p in esps}
        unknown = [p.raw or "?" for p in t.esp_proposals if id(p) not in kept]
        if shared is None:
            unknown[:0] = ike_unknown
        # each ESP proposal's own PFS group (strongSwan, Libreswan), when the parser read one per proposal
        per = t.extra.get("esp_pfs")
        pfs_of: dict[int, int | None] | None = None
        if (
            isinstance(per, list)
            and len(per) == len(t.esp_proposals)
            and len(set(per)) > 1
            and all(g is None or (type(g) is int and g in groups) for g in per)
        ):
            pfs_of = {id(p): g for p, g in zip(t.esp_proposals, per, strict=True)}
        # a value offered twice adds nothing to a negotiation (the first wins): each once, in order
        esps = _first_by(esps, [(p.encryption, p.integrity, pfs_of.get(id(p)) if pfs_of else None) for p in esps])
        if unknown:
            lose(
                t, f"proposals with values the model does not hold not carried: {', '.join(unknown)}", field="proposals"
            )
        if not t.selectors and not t.route_based:
            lose(t, "no traffic selectors and no tunnel interface: the SPD cannot be built", "error", "spd")
            continue
        if t.pfs_unknown and pfs_of is None:
            lose(
                t,
                "PFS is on but its group is unknown: the tunnel cannot be carried without guessing it",
                "error",
                "ipsec.pfs",
            )
            continue
        if t.backup_peers:
            lose(
                t,
                f"backup peer(s) {', '.join(t.backup_peers)} not carried (the model holds one peer per tunnel)",
                field="backup_peers",
            )
        for fld, where in sorted(t.defaulted.items()):
            # lifetimes are left out of the site instead; daemon options are not the tunnel's (check reads them)
            if fld not in (
                "ike_lifetime",
                "ipsec_lifetime_seconds",
                "ipsec_lifetime_kb",
                "daemon_options",
                "route_preference",
            ):
                lose(t, f"{fld} is the device's default, not read from the config ({where})", "info", fld)
        if t.ike_version is None:
            lose(t, "IKE version not pinned (both accepted): IKEv2 assumed", field="ike.version")
        psk = t.psk if t.psk_state == "clear" else None
        if psk is not None and not PSK_RE.fullmatch(psk):
            lose(
                t,
                "the pre-shared key holds characters the service refuses (whitespace, quotes, backslash, "
                "backtick or non-ASCII, or over 128): the output holds a placeholder; give an accepted key "
                "with --psk-file FILE",
                "error",
                "pre_shared_key",
            )
            psk = None
        elif psk is None:
            lose(
                t,
                f"pre-shared key is {t.psk_state} in the source: the output holds a placeholder the device "
                "refuses; give the key with --psk-file FILE (or $VPNCONF_PSK)",
                "warning",
                "pre_shared_key",
            )
        vg = f"gw-{t.peer_address}"
        vpngws.setdefault(vg, {"name": vg, "public_ip": t.peer_address, "bandwidth_mbps": 5})
        cg_ip = t.local_address
        if cg_ip is None and t.local_id and t.local_id.type == "address":
            cg_ip = t.local_id.value
        if cg_ip is None:
            lose(
                t,
                "no local address: the customer gateway address is a placeholder (192.0.2.1)",
                "warning",
                "customer_gateway",
            )
            cg_ip = "192.0.2.1"
        cg = f"cgw-{cg_ip}"
        cgws.setdefault(cg, {"name": cg, "public_ip": cg_ip})
        odd = [x for pair in t.selectors for x in pair if _net_or_none(x) is None]
        if odd:
            lose(
                t,
                f"traffic selector {odd[0]} is not an IPv4 network"
                + (" (the end's own address, which the config leaves to the daemon)" if odd[0] == "%dynamic" else "")
                + ": the SPD cannot be built",
                "error",
                "spd",
            )
            continue
        spd: dict[str, list[str]] = {}
        any_any = t.route_based and all(_net(a) == "0.0.0.0/0" and _net(b) == "0.0.0.0/0" for a, b in t.selectors)
        for local, remote in [] if any_any else t.selectors:  # route-based any/any: no SPD
            r, loc = _net(remote), _net(local)
            peers = spd.get(r)
            if peers is None:
                spd[r] = [loc]
            elif loc not in peers:
                peers.append(loc)
        vpc_nets.extend(spd)
        route = _route_based(t, vpngws[vg], cgws[cg], lose) if t.route_based else {}
        if t.point_to_point:
            hc = _health_check(t, lose)
            if hc is not None:
                route["health_check"] = hc
        if t.route_based:
            vpc_nets.extend(_net(r) for r in t.routes)

        ike_d: dict[str, Any] = {
            "version": t.ike_version or 2,
            "encryption": ike.encryption,
            "integrity": ike.integrity,
            "dh_group": ike.dh_group,
            **(_ike_list(t.ike_proposal_set, ikes, site_sets) if len(ikes) > 1 else {}),
            "mode": t.mode,
            "local_id": _ident(t.peer_id, t.peer_address),
            "peer_id": _ident(t.local_id, cg_ip),
        }
        for i in (t.peer_id, t.local_id):
            if i is not None and i.type == "other":
                lose(t, f"identity {i.value} is neither an address nor an FQDN", field="ike.peer_id")
        # a value the device config did not hold (a vendor default the parser
        # filled in, ``defaulted``) is not carried: the target keeps its own
        if t.ike_lifetime and "ike_lifetime" not in t.defaulted:
            ike_d["lifetime_seconds"] = t.ike_lifetime
        esp_pfs = {id(p): (pfs_of.get(id(p)) if pfs_of is not None else t.pfs) or "none" for p in esps}
        esp = esps[0]
        ipsec_d: dict[str, Any] = {"encryption": esp.encryption, "pfs": esp_pfs[id(esp)]}
        if esp.integrity is not None:  # AEAD (GCM) carries none: the field stays unset and is never rendered
            ipsec_d["integrity"] = esp.integrity
        if len(esps) > 1:
            ipsec_d["proposals"] = [
                {
                    "encryption": p.encryption,
                    "pfs": esp_pfs[id(p)],
                    **({"integrity": p.integrity} if p.integrity else {}),
                }
                for p in esps
            ]
        if t.ipsec_lifetime_seconds and "ipsec_lifetime_seconds" not in t.defaulted:
            ipsec_d["lifetime_seconds"] = t.ipsec_lifetime_seconds
        if t.ipsec_lifetime_kb and "ipsec_lifetime_kb" not in t.defaulted:
            ipsec_d["lifetime_kb"] = t.ipsec_lifetime_kb
        tun: dict[str, Any] = {
            "name": _site_name(t, names, lose),
            "vpn_gateway": vg,
            "customer_gateway": cg,
            "pre_shared_key": psk or UNKNOWN_PSK,
            "spd": [{"local": k, "peers": v} for k, v in spd.items()],
            "ike": ike_d,
            "ipsec": ipsec_d,
            **route,
        }
        if t.dpd_enabled or t.dpd_timeout:
            tun["dpd"] = {
                "enabled": t.dpd_enabled,
                "timeout_seconds": t.dpd_timeout or 30,
                "action": t.dpd_action if t.dpd_action in ("clear", "restart") else "restart",
            }
        tunnels.append(tun)
        carried.append((t, tun))
        by_site[tun["name"]] = t
    site = {
        "profile": "tencent",
        "vpc": {
            "name": "parsed-vpc",
            "region": "ap-guangzhou",
            "cidr_blocks": list(dict.fromkeys(vpc_nets)) or ["10.0.0.0/8"],
        },
        "vpn_gateways": list(vpngws.values()),
        "customer_gateways": list(cgws.values()),
        "tunnels": tunnels,
    }
    if site_sets:
        site["ike_proposal_sets"] = site_sets
    if placeholders:
        losses.extend(_placeholder_losses(site, placeholders, by_site, lose, dev.file))
    from .pairs import read_pairs

    pairs, notes = read_pairs(dev, carried)
    if pairs:
        site["pairs"] = pairs
    losses += notes
    return site, losses


def _placeholder_losses(
    site: dict[str, Any],
    table: Table,
    by_site: dict[str, ParsedTunnel],
    lose: Callable[..., None],
    file: str | None,
) -> list[Finding]:
    """One finding per placeholder a carried tunnel holds (field named), and one
    for the placeholders that reached no field the model holds."""
    from ..placeholders import locate

    for name, found in locate(site, table).items():
        t = by_site[name]
        for fld, p in found:
            if fld == "pre_shared_key" and p.kind != "key":
                p.kind = "key"  # written as a key placeholder no device takes as a key
            lose(
                t,
                f"{fld} is a placeholder in the source ({p.spelling}): the output holds it; "
                f"give the value with --set {p.name}=VALUE",
                "warning",
                fld,
            )
    stray = [p.spelling for p in table.items() if not p.fields]
    if not stray:
        return []
    return [
        Finding(
            "PLACEHOLDER",
            "info",
            f"placeholder(s) {', '.join(stray)} reach no field the model holds (a name or a comment): not carried",
            path="placeholders",
            file=file,
            extra={"field": "placeholders"},
        )
    ]


def _ike_list(set_name: str | None, ikes: list[Proposal], site_sets: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A tunnel's IKE proposal list for the site: inline, or the name of the
    device-wide set (written into the site once)."""
    if set_name is None:
        return {
            "proposals": [{"encryption": p.encryption, "integrity": p.integrity, "dh_group": p.dh_group} for p in ikes]
        }
    name = re.sub(r"[^A-Za-z0-9_.-]", "-", set_name)[:60] or "set"
    if name not in site_sets:
        site_sets[name] = [{"encryption": p.encryption, "integrity": p.integrity, "dh_group": p.dh_group} for p in ikes]
    return {"proposal_set": name}


def parse_into_model(text: str, name: str, vendor: str | None = None) -> tuple[ParsedDevice, Any, list[Finding]]:
    """Parse a device config all the way into the model: (parsed device, Site
    or None when no tunnel could be carried, losses). The cyclic garbage
    collector is paused meanwhile: the pass allocates many small objects and
    frees none of them early, so collections only cost time."""
    import gc

    from ..model import Site

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        dev = parse_text(text, name, vendor)
        data, losses = to_site_data(dev)
        site = Site.model_validate(data) if data["tunnels"] else None
    finally:
        if was_enabled:
            gc.enable()
    return dev, site, losses
