"""Tunnel status from a device's operational output: the device-side counterpart
of Tencent Cloud's DescribeVpnConnMonitor.

``read_status(text, vendor, name)`` reads what a show/diagnose command printed
(``show crypto isakmp sa``, ``swanctl --list-sas`` ...) into JSON-ready data::

    {"vendor": "<vendor id>", "command": "<the command>", "file": name,
     "tunnels": [{"name"?, "peer", "local"?, ..., "phase1": {...} | None, "phase2": [...] | None}],
     "findings": [...]}

``phase1`` is ``{"state", "established", "version", ...}`` and each ``phase2``
entry ``{"local_ts", "remote_ts", "state", "established", "spi_in"?, "spi_out"?,
"bytes_in"?, ...}``; what a command does not print is absent, or ``None`` for
those keys (``established: None`` = the output does not say). ``phase1`` is
``None`` for a command that shows only IPsec SAs, ``phase2`` is ``None`` for one
that shows only IKE SAs. SPIs are ``0x`` + 8 lowercase hex digits on every
vendor, so the two ends of a tunnel can be matched (one's spi_in is the other's
spi_out); selectors are CIDR strings where the device printed a mask or an exact
range.

Templates
---------
One TextFSM template per command, ``vendors/<id>/status/<command>.textfsm``,
found by listing the folder (no central list). Comment lines before the first
``Value`` carry directives::

    # Command: show crypto isakmp sa          the command, as reported
    # Detect: <regex>                         a header that only this output has
    # Begins: <regex>                         its first line, when above the header (split there)
    # Phase1-up: state=QM_IDLE status=ACTIVE  when phase 1 counts as established
    # Phase2-up: state=INSTALLED|REKEYING     the same for phase 2 entries
    # Phase1-version: 1                       IKE version when the output implies it
    # Note: <text>                            an info finding on every read
    # Kind: bgp                               the records are BGP sessions, not SAs
    # Bgp-up: state=Established|Establ        when a BGP session counts as Established
    # Clock: m:ss                             a two-field time a:b is minutes:seconds (Junos)

Value names say where a field goes: ``P1_<X>`` -> ``phase1["x"]``,
``P2_<X>`` -> a phase 2 entry, anything else -> the tunnel (``NAME``, ``PEER``,
``LOCAL``, ``PEER_PORT`` ...). A few names have a meaning: ``DST``/``SRC`` (an SA's
responder and initiator when the output does not say which end is the device),
``P2_DIRECTION`` (``<``/``>``/in/out: the row's ``P2_SPI``/``P2_BYTES``/``P2_PACKETS``
go to ``*_in``/``*_out`` of the entry with the same ``P2_ID``), ``P2_ACTIVE_SAS``
(a count: more than 0 is up), ``P1_UNIQUE_ID``/``P1_INDEX``/``P1_CONN_ID`` (two IKE
SAs with one peer stay two tunnels). One record is one phase 2 entry (or one IKE
SA); records of one tunnel are grouped by node, name and peer.

More directives (vendors/README.md, "Status templates", is the reference):
``# Skip: <regex>`` lines that carry no data, ``# Data: <regex>`` the lines that
do, ``# Map: NATURAL=phase2.bytes_in`` a natural Value name to a ``SCHEMA`` field,
``# Indent: strict`` no indentation tolerance. A data line no rule reads is an
error finding ``status.unread`` (file:line and text), for a template that
declares Skip/Data always, for one that does not when it reads no row.

Before any template runs, ``clean_output`` drops paging markers, BOM, CRLF and
tabs, and ``split_parts`` cuts the text at prompt lines (and at headers of
another command): each part is read on its own and listed in ``parts``.
``join_config`` joins the SAs to the tunnels of a parsed device config.

BGP sessions
------------
A template with ``# Kind: bgp`` (``show ip bgp summary``, ``show bgp summary``,
``get router info bgp summary``, ``birdc show protocols``) reads BGP sessions: its
Values are named after :data:`BGP_SCHEMA` (``NEIGHBOR``, ``PEER_ASN``, ``STATE``,
``PREFIXES_RECEIVED`` ...; ``# Map: X=bgp.up_down_seconds`` for another name) and
its records go to the result's ``bgp`` list, not to ``tunnels``::

    "bgp": [{"neighbor", "peer_asn", "state", "established", "up_down_seconds"?,
             "prefixes_received"?, ...}]

A state that is a number is the prefix count of an Established session (IOS/FRR
State/PfxRcd); prefix counts without a state (Junos) mean Established too;
``established`` follows ``# Bgp-up`` (default ``state=Established``). A session
not Established is a warning ``status.bgp-down`` (path ``bgp[i]``), so ``status``
without ``--config`` exits 1 as for an SA down. Parts of a BGP command carry
``kind: bgp`` and ``sessions``. ``join_config`` gives a configured tunnel with
``bgp.peer_ip`` its session (by neighbor address, or by the BIRD protocol name
vpnconf renders, ``vpn_<tunnel>``): IPsec up but BGP not Established (or the
neighbor not listed) makes the tunnel ``half-up`` ("IPsec up, BGP Active").

Which command an output is: every template of the vendor is tried; the one
whose records come out (its ``Detect`` header breaking ties) wins, and its
``Command`` is reported. An output that no template reads is one clear
:class:`VpnconfError` naming the file (and the vendor it looks like, if another
vendor's template recognises it).
"""

from __future__ import annotations

import io
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .findings import Finding, VpnconfError
from .paths import vendor_dirs

if TYPE_CHECKING:
    from .findings import Severity

__all__ = [
    "BGP_SCHEMA",
    "SCHEMA",
    "StatusTemplate",
    "clean_output",
    "format_join",
    "format_status",
    "join_config",
    "read_status",
    "read_status_file",
    "split_parts",
    "status_templates",
]

# values that mean "nothing here"
_EMPTY = {"", "(none)", "none", "-", "n/a", "unlim"}  # unlim: no kB limit
# keys whose all-digit values become integers
_NUMERIC = re.compile(
    r"^(?:bytes|packets|drops)_(?:in|out)$|_port$|^(?:id|active_sas|version|conn_id|index|unique_id|reqid|"
    r"rx_\w+|tx_\w+|send_errors|recv_errors|crypto_map_seq|interface_index|proxyid_num|protocol|"
    r"\w+_seconds(?:_ago)?|\w+_kb)$"
)
_DIRECTIONS = {"<": "in", ">": "out", "in": "in", "out": "out", "inbound": "in", "outbound": "out"}
_DIRECTED = ("spi", "bytes", "packets")
_IDENTITY_P1 = ("unique_id", "index", "conn_id")
_FIRST_KEYS = ("name", "peer", "local")
_P1_FIRST = ("state", "established", "version")
_P2_FIRST = ("local_ts", "remote_ts", "state", "established")


#: The one set of field names for what the commands print (vendors/README.md, "Status").
#: Templates name their Values after these (P1_/P2_ prefixes) or declare a ``# Map:``.
SCHEMA: dict[str, dict[str, str]] = {
    "tunnel": {
        "name": "the tunnel/connection name the device prints",
        "peer": "the peer's outer address",
        "local": "this device's outer address",
        "peer_port": "the peer's IKE/NAT-T port",
        "local_port": "this device's IKE/NAT-T port",
        "uptime_seconds": "how long the session has been up",
    },
    "phase1": {
        "state": "the IKE SA's state as printed",
        "version": "IKE version, 1 or 2",
        "spi_i": "initiator SPI/cookie",
        "spi_r": "responder SPI/cookie",
        "local_id": "this device's IKE identity",
        "remote_id": "the peer's IKE identity",
        "uptime_seconds": "seconds since the IKE SA was established",
        "lifetime_remaining_seconds": "seconds until the IKE SA expires or rekeys",
    },
    "phase2": {
        "state": "the CHILD/IPsec SA's state as printed",
        "local_ts": "local traffic selector (CIDR)",
        "remote_ts": "remote traffic selector (CIDR)",
        "spi_in": "inbound SPI, 0x + 8 hex digits",
        "spi_out": "outbound SPI, 0x + 8 hex digits",
        "bytes_in": "bytes decrypted",
        "bytes_out": "bytes encrypted",
        "packets_in": "packets decrypted",
        "packets_out": "packets encrypted",
        "uptime_seconds": "seconds since the SA was installed",
        "lifetime_remaining_seconds": "seconds until the SA expires or rekeys",
        "lifetime_remaining_kb": "kilobytes until the SA expires",
        "active_sas": "a count of installed SAs (more than 0 is up)",
        "direction": "in/out (</>) for outputs that print one row per direction",
        "id": "an entry id that joins the in and out rows of one SA",
    },
}


#: The fields of a BGP session record (a ``# Kind: bgp`` template): its Values are
#: named after these (upper case) or declare a ``# Map: NATURAL=bgp.<field>``.
BGP_SCHEMA: dict[str, str] = {
    "neighbor": "the neighbor's address",
    "peer_asn": "the neighbor's AS number",
    "local_asn": "this device's AS number",
    "router_id": "this device's BGP router identifier",
    "state": "the session's state as printed (Established, Idle, Active, Connect, OpenSent, Idle (Admin) ...)",
    "up_down_seconds": "seconds in the current state (the Up/Down column; none for never)",
    "prefixes_received": "prefixes received from the neighbor (when Established)",
    "prefixes_sent": "prefixes sent to the neighbor (FRR PfxSnt)",
    "description": "the neighbor's description as printed",
    "name": "the protocol/session name the device prints (BIRD)",
    "protocol_state": "the protocol's own state next to the BGP state (BIRD up/start/down)",
    "since": "when the session entered its state, as printed (a clock time, not a duration)",
    "info": "what the device prints after the state (BIRD: 'Socket: Connection refused')",
}


# ------------------------------------------------------------------ templates
@dataclass(frozen=True)
class StatusTemplate:
    vendor: str
    path: Path
    command: str
    text: str
    detect: re.Pattern[str] | None = None
    #: "# Begins:": the output's first line, above its Detect header (a paste without
    #: prompts starts this command's part there, not at the header)
    begins: re.Pattern[str] | None = None
    up: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)  # phase -> field -> values
    defaults: dict[str, dict[str, Any]] = field(default_factory=dict)  # phase -> field -> value
    notes: tuple[str, ...] = ()
    values: tuple[str, ...] = ()  # the template's Value names
    skip: tuple[re.Pattern[str], ...] = ()  # "# Skip:" lines that carry no data
    data: tuple[re.Pattern[str], ...] = ()  # "# Data:" lines that must be read (none: every line)
    mapping: dict[str, str] = field(default_factory=dict)  # natural Value name -> internal name
    indent: str = "tolerant"  # "# Indent: strict" turns indentation tolerance off
    kind: str = "sa"  # "# Kind: bgp": the records are BGP sessions, not SAs
    clock: str = "h:mm"  # "# Clock: m:ss": a two-field a:b time is minutes:seconds (Junos)

    @property
    def declares_lines(self) -> bool:
        """A template with ``Skip``/``Data`` lines has every unread data line
        reported; one without (not yet converted) only when it reads no row."""
        return bool(self.skip or self.data)

    def shows(self, phase: str) -> bool:
        if self.kind == "bgp" or phase == "bgp":
            return self.kind == "bgp" and phase == "bgp"
        prefix = "P1_" if phase == "phase1" else "P2_"
        names = [self.mapping.get(v, v) for v in self.values]
        return any(v.startswith(prefix) for v in names) or bool(self.defaults.get(phase))


_DIRECTIVE = re.compile(
    r"^#\s*(Command|Detect|Begins|Phase([12])-up|Bgp-up|Phase1-version|Note|Skip|Data|Map|Indent|Kind|Clock):\s*(.*?)\s*$",
    re.I,
)
_VALUE_LINE = re.compile(r"^Value\s+(?:\S+\s+)?(\w+)\s+\(")


def _load_template(vendor: str, path: Path) -> StatusTemplate:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:  # a packaging problem: say which file
        raise VpnconfError(f"{path}: cannot read status template: {exc}") from None
    command = path.stem.replace("_", " ")
    detect: re.Pattern[str] | None = None
    begins: re.Pattern[str] | None = None
    up: dict[str, dict[str, frozenset[str]]] = {}
    defaults: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    values: list[str] = []
    skip: list[re.Pattern[str]] = []
    data: list[re.Pattern[str]] = []
    mapping: dict[str, str] = {}
    indent = "tolerant"
    kind = "sa"
    clock = "h:mm"
    for line in text.splitlines():
        if m := _VALUE_LINE.match(line):
            values.append(m.group(1))
            continue
        if values or not (m := _DIRECTIVE.match(line)):
            continue
        key, phase, arg = m.group(1).lower(), m.group(2), m.group(3)
        if key == "command":
            command = arg
        elif key in ("detect", "begins"):
            try:
                rx = re.compile(arg, re.M)
            except re.error as exc:
                raise VpnconfError(f"{path}: bad {m.group(1)} regex: {exc}") from None
            if key == "detect":
                detect = rx
            else:
                begins = rx
        elif key.endswith("-up"):
            rules: dict[str, frozenset[str]] = {}
            for part in arg.split():
                fname, _, allowed = part.partition("=")
                rules[fname.lower()] = frozenset(v.upper() for v in allowed.split("|") if v)
            up["bgp" if key == "bgp-up" else f"phase{phase}"] = rules
        elif key == "kind":
            if arg.lower() not in ("sa", "bgp"):
                raise VpnconfError(f"{path}: Kind is 'sa' or 'bgp', not {arg!r}")
            kind = arg.lower()
        elif key == "clock":
            if arg.lower() not in ("h:mm", "m:ss"):
                raise VpnconfError(f"{path}: Clock is 'h:mm' or 'm:ss', not {arg!r}")
            clock = arg.lower()
        elif key == "phase1-version":
            defaults.setdefault("phase1", {})["version"] = int(arg)
        elif key == "note":
            notes.append(arg)
        elif key in ("skip", "data"):
            try:
                (skip if key == "skip" else data).append(re.compile(arg))
            except re.error as exc:
                raise VpnconfError(f"{path}: bad {m.group(1)} regex: {exc}") from None
        elif key == "map":
            mapping.update(_parse_map(path, arg))
        elif key == "indent":
            if arg.lower() not in ("strict", "tolerant"):
                raise VpnconfError(f"{path}: Indent is 'strict' or 'tolerant', not {arg!r}")
            indent = arg.lower()
    unknown = sorted(set(mapping) - set(values))
    if unknown:
        raise VpnconfError(f"{path}: Map names no Value of the template: {', '.join(unknown)}")
    return StatusTemplate(
        vendor,
        path,
        command,
        text,
        detect,
        begins,
        up,
        defaults,
        tuple(notes),
        tuple(values),
        tuple(skip),
        tuple(data),
        mapping,
        indent,
        kind,
        clock,
    )


def _parse_map(path: Path, arg: str) -> dict[str, str]:
    """``# Map: NATURAL=phase1.uptime_seconds OTHER=phase2.bytes_in`` -> internal Value names."""
    out = {}
    for part in arg.split():
        natural, _, target = part.partition("=")
        where, _, fname = target.partition(".")
        schema = {**SCHEMA, "bgp": BGP_SCHEMA}
        if where not in schema or fname not in schema[where]:
            known = ", ".join(f"{w}.{f}" for w, fs in schema.items() for f in fs)
            raise VpnconfError(f"{path}: Map target {target!r} is not in the status schema (known: {known})")
        out[natural] = {"tunnel": "", "phase1": "P1_", "phase2": "P2_", "bgp": ""}[where] + fname.upper()
    return out


@cache
def status_templates(vendor_id: str) -> tuple[StatusTemplate, ...]:
    """The status templates of one vendor (``vendors/<id>/status/*.textfsm``)."""
    try:
        d = vendor_dirs().get(vendor_id)
    except FileNotFoundError as exc:
        raise VpnconfError(str(exc)) from None
    folder = d / "status" if d else None
    if folder is None or not folder.is_dir():
        return ()
    return tuple(_load_template(vendor_id, p) for p in sorted(folder.glob("*.textfsm")))


def _all_status_templates() -> list[StatusTemplate]:
    try:
        ids = list(vendor_dirs())
    except FileNotFoundError:
        return []
    return [t for vid in ids for t in status_templates(vid)]


_INDENTED_RULE = re.compile(r"^(\s+)\^(?:\\s\+|\\s\{\d+(?:,\d*)?\}| +)")


def _tolerant_text(text: str) -> str:
    """The template with every rule's leading-indentation requirement (``^\\s+``,
    ``^  ``, ``^\\s{2}``) relaxed to ``^\\s*``: what reads a flush-left paste."""
    out = []
    in_states = False
    for line in text.split("\n"):
        if not in_states and re.match(r"^[A-Za-z]\w*\s*$", line):
            in_states = True
        if in_states and (m := _INDENTED_RULE.match(line)):
            line = f"{m.group(1)}^\\s*{line[m.end() :]}"
        out.append(line)
    return "\n".join(out)


def _fsm(tpl: StatusTemplate, tolerant: bool) -> Any:
    try:
        import textfsm
    except ImportError:  # pragma: no cover - a dependency of the package
        raise VpnconfError("the textfsm package is missing (pip install textfsm)") from None
    try:
        return textfsm.TextFSM(io.StringIO(_tolerant_text(tpl.text) if tolerant else tpl.text))
    except textfsm.TextFSMTemplateError as exc:
        raise VpnconfError(f"{tpl.path}: invalid TextFSM template: {exc}") from None


def _run(tpl: StatusTemplate, text: str, *, tolerant: bool = False) -> list[dict[str, Any]]:
    return _run_fsm(tpl, _fsm(tpl, tolerant), text)


def _run_fsm(tpl: StatusTemplate, fsm: Any, text: str) -> list[dict[str, Any]]:
    import textfsm

    try:
        rows = fsm.ParseText(text)
    except textfsm.TextFSMError as exc:
        raise VpnconfError(f"{tpl.path}: {exc}") from None
    header = [tpl.mapping.get(h, h) for h in fsm.header]
    return [dict(zip(header, row, strict=True)) for row in rows]


_LEADING = re.compile(r"^\^(?:\\s\+|\\s\{\d+(?:,\d*)?\}| +)")


def _relaxed(rx: re.Pattern[str]) -> re.Pattern[str]:
    """A Skip pattern with its leading indentation relaxed, as the rules are."""
    return re.compile(_LEADING.sub(lambda _: "^\\s*", rx.pattern, count=1))


def _unread(
    tpl: StatusTemplate, fsm: Any, lines: list[tuple[int, str]], tolerant: bool = False
) -> list[tuple[int, str]]:
    """The data lines no rule of the template (in any state; a ``Continue`` rule
    without a Value does not count) and no ``Skip`` reads."""
    # a Continue rule that captures nothing only triggers (Record, Clearall): not a reading
    regexes = [
        r.regex_obj for rules in fsm.states.values() for r in rules if r.line_op != "Continue" or "${" in r.match
    ]
    regexes += [_relaxed(r) for r in tpl.skip] if tolerant else list(tpl.skip)
    out = []
    for n, line in lines:
        if not line.strip():
            continue
        if tpl.data and not any(d.search(line) for d in tpl.data):
            continue
        if not any(r.match(line) for r in regexes):
            out.append((n, line))
    return out


# ------------------------------------------------------------------ values
def _clean(v: Any) -> Any:
    """Strip a value; None for the empty ones; lists keep their non-empty items."""
    if isinstance(v, list):
        items = [x for x in (_clean(i) for i in v) if x is not None]
        return items or None
    s = re.sub(r"\s+", " ", str(v)).strip().rstrip(",").strip()
    return None if s.lower() in _EMPTY else s


def _spi(v: str) -> str:
    h = v.lower().removeprefix("0x")
    try:
        return f"0x{int(h, 16):08x}"
    except ValueError:
        return v


def _mask_len(mask: str) -> int | None:
    try:
        return ipaddress.ip_network(f"0.0.0.0/{mask}").prefixlen
    except ValueError:
        return None


def _cidr(addr: str, bits: int | str | None = None) -> str | None:
    try:
        net = ipaddress.ip_network(addr if bits is None else f"{addr}/{bits}", strict=False)
    except ValueError:
        return None
    return str(net)


def _ts(raw: str) -> tuple[str, str | None, str | None]:
    """A selector as devices print it -> (CIDR or raw, protocol, port).

    ``host 10.0.0.1``, ``any``, ``10.0.0.0/255.255.255.0``, ``10.0.0.0-10.0.0.255``,
    ``10.0.0.0/255.255.255.0/47/0`` (addr/mask/prot/port), ``2001:db8::/64/0/0``."""
    s = raw.strip()
    low = s.lower()
    if low in {"any", "any4"}:
        return "0.0.0.0/0", None, None
    if low.startswith("host "):
        return (_cidr(s[5:].strip()) or s), None, None
    proto = port = None
    # IKEv2 ranges with ports (ASA ``show crypto ikev2 sa``):
    # ``10.10.1.0/0 - 10.10.1.255/65535`` -> the address range, any port
    if m := re.fullmatch(r"(\S+?)/(\d+)\s*-\s*(\S+?)/(\d+)", s):
        lo, p_lo, hi, p_hi = m.groups()
        cidr, _, _ = _ts(f"{lo}-{hi}")
        port = None if (p_lo, p_hi) == ("0", "65535") else f"{p_lo}-{p_hi}"
        return cidr, None, port
    parts = s.split("/")
    if len(parts) == 4 and parts[2].isdigit() and parts[3].isdigit():
        s, proto, port = f"{parts[0]}/{parts[1]}", parts[2], parts[3]
        parts = parts[:2]
    if len(parts) == 2:
        addr, mask = parts
        bits: int | str | None = mask if mask.isdigit() else _mask_len(mask)
        if bits is not None and (c := _cidr(addr, bits)):
            return c, proto, port
        return s, proto, port
    if "-" in s and "/" not in s:
        lo, _, hi = s.partition("-")
        try:
            nets = list(ipaddress.summarize_address_range(ipaddress.ip_address(lo), ipaddress.ip_address(hi)))
        except (ValueError, TypeError):
            return s, proto, port
        return (str(nets[0]) if len(nets) == 1 else s), proto, port
    return (_cidr(s) or s), proto, port


def _version(v: Any) -> int | None:
    m = re.search(r"([12])\s*$", str(v))
    return int(m.group(1)) if m else None


_DURATION_PART = re.compile(r"(\d+)\s*(w|d|h|m|s)", re.I)
_UNIT = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}


def _duration(v: str) -> int | None:
    """Seconds from what devices print: ``3185``, ``3185s``, ``00:12:34``, ``2d03h``,
    ``1w2d``, ``3d 04:05:06``; None when it is none of these."""
    s = v.strip().lower()
    if s.isdigit():
        return int(s)
    # ASA: ``2h:10m:22s``, ``1d 4h:21m:44s``
    if re.fullmatch(r"(?:\d+\s*[wdhms]\s*[: ]?\s*)+", s):
        return sum(int(n) * _UNIT[u] for n, u in _DURATION_PART.findall(s))
    days = 0
    if m := re.fullmatch(r"(?:(\d+)\s*d(?:ays?)?[ ,]*)?(\d+):(\d\d)(?::(\d\d))?", s):
        d, a, b, c = m.groups()
        days = int(d or 0)
        h, mi, sec = (int(a), int(b), int(c)) if c is not None else (int(a), int(b), 0)
        return days * 86400 + h * 3600 + mi * 60 + sec
    if re.fullmatch(r"(?:\d+\s*[wdhms]\s*)+", s):
        return sum(int(n) * _UNIT[u] for n, u in _DURATION_PART.findall(s))
    return None


def _convert(key: str, v: Any) -> Any:
    if isinstance(v, str) and v.isdigit() and _NUMERIC.search(key):
        return int(v)
    if isinstance(v, str) and key in ("uptime_seconds", "lifetime_remaining_seconds"):
        secs = _duration(v)
        return v if secs is None else secs
    return v


# ------------------------------------------------------------------ reading
@dataclass
class _Read:
    vendor: str
    file: str
    tpl: StatusTemplate
    findings: list[Finding] = field(default_factory=list)

    def note(
        self, rule: str, message: str, severity: Severity = "info", path: str = "", line: int | None = None
    ) -> None:
        self.findings.append(
            Finding(rule=rule, severity=severity, message=message, path=path, file=self.file, line=line)
        )


def _split(rec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    tun: dict[str, Any] = {}
    p1: dict[str, Any] = {}
    p2: dict[str, Any] = {}
    for k, raw in rec.items():
        v = _clean(raw)
        if v is None:
            continue
        if k.startswith("P1_"):
            p1[k[3:].lower()] = v
        elif k.startswith("P2_"):
            p2[k[3:].lower()] = v
        else:
            tun[k.lower()] = v
    return tun, p1, p2


def _resolve_ends(
    rows: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]], local: set[str], rd: _Read
) -> None:
    """SAs printed as dst/src (responder/initiator): which end is the device?

    A given local address decides; else an address that also appears in another
    SA of the output is the device's own; else the SA stays ambiguous and dst
    is taken as the peer, with a warning."""
    # the device's own address has several partners (one per peer); a peer's
    # only partner is the device (outputs with a row per direction repeat pairs)
    partners: dict[str, set[str]] = {}
    for tun, _, _ in rows:
        d, s = tun.get("dst"), tun.get("src")
        if d is not None and s is not None:
            partners.setdefault(str(d), set()).add(str(s))
            partners.setdefault(str(s), set()).add(str(d))
    ambiguous = []
    for tun, p1, _ in rows:
        dst, src = tun.pop("dst", None), tun.pop("src", None)
        if "peer" in tun or dst is None or src is None:
            continue
        many_d, many_s = len(partners.get(dst, ())) > 1, len(partners.get(src, ())) > 1
        if dst in local or src in local:
            mine_is_dst = dst in local
        elif many_d != many_s:
            mine_is_dst = many_d
        else:
            mine_is_dst = False
            ambiguous.append(dst)
        tun["peer"], tun["local"] = (src, dst) if mine_is_dst else (dst, src)
        p1.setdefault("role", "responder" if mine_is_dst else "initiator")
    if ambiguous:
        rd.note(
            "status.ambiguous-end",
            f"the output does not say which end of an SA is this device (dst {', '.join(ambiguous)}): "
            "dst was taken as the peer; give the device's own addresses to decide",
            "warning",
        )


def _direct(p2: dict[str, Any]) -> dict[str, Any]:
    d = p2.pop("direction", None)
    if d is None:
        return p2
    side = _DIRECTIONS.get(str(d).lower())
    if side is None:
        return p2
    for k in _DIRECTED:
        if k in p2:
            p2[f"{k}_{side}"] = p2.pop(k)
    return p2


def _up(value: Any, allowed: frozenset[str]) -> bool:
    vals = value if isinstance(value, list) else [value]
    return any(str(v).upper() in allowed for v in vals)


def _established(phase: str, d: dict[str, Any], tpl: StatusTemplate) -> bool | None:
    rules = tpl.up.get(phase, {})
    present = [(f, allowed) for f, allowed in rules.items() if d.get(f) is not None]
    if present:
        return all(_up(d[f], allowed) for f, allowed in present)
    if phase == "phase2":
        if isinstance(d.get("active_sas"), int):
            return bool(d["active_sas"] > 0)
        if any(v.startswith("P2_SPI") for v in tpl.values):  # a command that lists SAs by SPI
            return bool(d.get("spi_in") and d.get("spi_out"))
    return None


def _pick_state(d: dict[str, Any], phase: str, tpl: StatusTemplate) -> None:
    """A state printed several times (several SAs): report the up one, keep all."""
    states = d.get("state")
    if not isinstance(states, list):
        return
    allowed = tpl.up.get(phase, {}).get("state", frozenset())
    d["state"] = next((s for s in states if s.upper() in allowed), states[0])
    if len(set(states)) > 1:
        d["states"] = states


def _finish_p1(p1: dict[str, Any], tpl: StatusTemplate) -> dict[str, Any]:
    d = {**tpl.defaults.get("phase1", {}), **p1}
    _pick_state(d, "phase1", tpl)
    mode = d.get("mode")
    if isinstance(mode, str):
        if re.fullmatch(r"IKEv[12]", mode, re.I):
            d["version"] = _version(mode)
            del d["mode"]
        elif mode.lower() in {"main", "aggressive"}:  # IKEv1 exchange modes
            d["mode"] = mode.lower()
            d.setdefault("version", 1)
    state = d.get("state")
    if "mode" not in d and isinstance(state, str) and d.get("version") != 2:
        if state.upper().startswith("MM_"):
            d["mode"] = "main"
        elif state.upper().startswith(("AG_", "AM_")):
            d["mode"] = "aggressive"
    if d.get("version") is not None:
        d["version"] = _version(d["version"])
    for k in [k for k in d if k.startswith("spi")]:
        d[k] = d[k].lower()
    d = {k: _convert(k, v) for k, v in d.items()}
    d.setdefault("state", None)
    d.setdefault("version", None)
    d["established"] = _established("phase1", d, tpl)
    return _ordered(d, _P1_FIRST)


def _finish_p2(p2: dict[str, Any], tpl: StatusTemplate, where: str, rd: _Read) -> dict[str, Any]:
    d = dict(p2)
    _pick_state(d, "phase2", tpl)
    for k in [k for k in d if k.startswith("spi_")]:
        v = d[k]
        if isinstance(v, list):
            if len(v) > 1:
                rd.note(
                    "status.several-sas",
                    f"{len(v)} SAs listed for {k} ({', '.join(v)}), as during a rekey: {k} is the first",
                    path=where,
                )
            v = v[0]
        d[k] = _spi(v)
        if d[k] == "0x00000000":  # IOS prints spi 0x0 for a pair without SAs
            del d[k]
    for k, v in list(d.items()):
        if isinstance(v, list) and k != "states":
            d[k] = v[0]
    for side in ("local", "remote"):
        raw = d.get(f"{side}_ts")
        if isinstance(raw, str):
            ts, proto, port = _ts(raw)
            d[f"{side}_ts"] = ts
            if proto not in (None, "0"):
                d.setdefault("protocol", proto)
            if port not in (None, "0"):
                d.setdefault(f"{side}_port", port)
    if str(d.get("protocol", "")).lower() in {"0", "ip"}:
        del d["protocol"]
    for k in [k for k in d if k.endswith("_port") and str(d[k]) == "0"]:
        del d[k]  # port 0: any
    d = {k: _convert(k, v) for k, v in d.items()}
    d.setdefault("local_ts", None)
    d.setdefault("remote_ts", None)
    d.setdefault("state", None)
    d["established"] = _established("phase2", d, tpl)
    return _ordered(d, _P2_FIRST)


def _ordered(d: dict[str, Any], first: tuple[str, ...]) -> dict[str, Any]:
    out = {k: d[k] for k in first if k in d}
    out.update((k, v) for k, v in d.items() if k not in out)
    return out


def _build(records: list[dict[str, Any]], rd: _Read, local: set[str]) -> list[dict[str, Any]]:
    tpl = rd.tpl
    rows = [_split(r) for r in records]
    if any("dst" in t or "src" in t for t, _, _ in rows):
        _resolve_ends(rows, local, rd)
    tunnels: dict[tuple[Any, ...], dict[str, Any]] = {}
    p1s: dict[tuple[Any, ...], dict[str, Any]] = {}
    p2s: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for tun, p1, p2 in rows:
        if tun.get("peer") is None:
            continue
        key = (tun.get("node"), tun.get("name"), tun["peer"], *(str(p1.get(k)) for k in _IDENTITY_P1))
        if key not in tunnels:
            tunnels[key], p1s[key], p2s[key] = {}, {}, []
        for k, v in tun.items():
            tunnels[key].setdefault(k, v)
        for k, v in p1.items():
            p1s[key].setdefault(k, v)
        if not p2:
            continue
        p2 = _direct(p2)
        entry_id = p2.get("id") or p2.get("unique_id")
        same = next(
            (e for e in p2s[key] if entry_id is not None and (e.get("id") or e.get("unique_id")) == entry_id), None
        )
        if same is None:
            p2s[key].append(p2)
        else:
            for k, v in p2.items():
                same.setdefault(k, v)
    out = []
    for i, (key, tun) in enumerate(tunnels.items()):
        t = _ordered({k: _convert(k, v) for k, v in tun.items() if not (k.endswith("_port") and v == "0")}, _FIRST_KEYS)
        t["phase1"] = _finish_p1(p1s[key], tpl) if tpl.shows("phase1") else None
        t["phase2"] = (
            [_finish_p2(e, tpl, f"tunnels[{i}].phase2[{j}]", rd) for j, e in enumerate(p2s[key])]
            if tpl.shows("phase2")
            else None
        )
        out.append(t)
    return out


_BGP_FIRST = ("neighbor", "peer_asn", "state", "established", "up_down_seconds", "prefixes_received")


def _bgp_duration(v: str, clock: str) -> int | None:
    """Seconds from an Up/Down column: ``00:05:12``, ``1d02h``, ``3w2d``, Junos
    ``1w1d 17:56:51`` and (with ``# Clock: m:ss``) ``52:11`` as minutes:seconds."""
    s = v.strip().lower()
    if m := re.fullmatch(r"(?:(\d+)w)?\s*(?:(\d+)d)?\s*(\d+):(\d\d)(?::(\d\d))?", s):
        w, d, a, b, c = (int(x) if x is not None else None for x in m.groups())
        base = (w or 0) * 604800 + (d or 0) * 86400
        if c is not None:
            return base + int(a or 0) * 3600 + int(b or 0) * 60 + c
        if clock == "m:ss" and w is None and d is None:
            return base + int(a or 0) * 60 + int(b or 0)
        return base + int(a or 0) * 3600 + int(b or 0) * 60
    return _duration(s)


def _count(v: Any) -> int | None:
    """A prefix count; several (one per table, Junos) are summed."""
    vals = v if isinstance(v, list) else [v]
    nums = [int(x) for x in vals if isinstance(x, str) and x.isdigit()]
    return sum(nums) if nums else None


def _build_bgp(records: list[dict[str, Any]], rd: _Read) -> list[dict[str, Any]]:
    """BGP session records (a ``# Kind: bgp`` template) -> sessions: ``neighbor``,
    ``peer_asn``, ``state``, ``established``, ``up_down_seconds``, ``prefixes_received``.

    A state that is a number is a prefix count (IOS/FRR print it in State/PfxRcd
    when Established); a record with prefix counts and no state is Established
    (Junos prints the counts in place of the state)."""
    tpl = rd.tpl
    out: list[dict[str, Any]] = []
    for rec in records:
        d: dict[str, Any] = {}
        for k, raw in rec.items():
            v = _clean(raw)
            if v is not None:
                d[k.lower()] = v
        if d.get("neighbor") is None and d.get("name") is None:
            continue
        for k in [k for k, v in d.items() if isinstance(v, list) and k != "prefixes_received"]:
            d[k] = d[k][0]
        state = d.get("state")
        if "prefixes_received" in d:
            n = _count(d["prefixes_received"])
            if n is None:
                del d["prefixes_received"]
            else:
                d["prefixes_received"] = n
        if isinstance(state, str) and state.isdigit():
            d["prefixes_received"] = int(state)
            d["state"] = "Established"
        elif state is None and "prefixes_received" in d:
            d["state"] = "Established"
        for k in ("peer_asn", "local_asn", "prefixes_sent"):
            if isinstance(d.get(k), str) and d[k].isdigit():
                d[k] = int(d[k])
        updown = d.pop("up_down_seconds", None)
        if isinstance(updown, str) and updown.lower() != "never":
            secs = _bgp_duration(updown, tpl.clock)
            d["up_down_seconds"] = updown if secs is None else secs
        d.setdefault("state", None)
        rules = tpl.up.get("bgp") or {"state": frozenset({"ESTABLISHED"})}
        present = [(f, allowed) for f, allowed in rules.items() if d.get(f) is not None]
        d["established"] = all(_up(d[f], allowed) for f, allowed in present) if present else None
        out.append(_ordered(d, _BGP_FIRST))
    return out


def _report_bgp_down(sessions: list[dict[str, Any]], rd: _Read) -> None:
    for i, s in enumerate(sessions):
        if s.get("established") is False:
            who = f"BGP neighbor {s.get('neighbor') or s.get('name')}" + (
                f" (AS {s['peer_asn']})" if s.get("peer_asn") is not None else ""
            )
            rd.note(
                "status.bgp-down",
                f"{who}: session not Established (state {s.get('state') or 'protocol ' + str(s.get('protocol_state'))})",
                "warning",
                f"bgp[{i}]",
            )


def _report_down(tunnels: list[dict[str, Any]], rd: _Read) -> None:
    for i, t in enumerate(tunnels):
        who = f"tunnel to {t['peer']}" + (f" ({t['name']})" if t.get("name") else "")
        p1 = t.get("phase1")
        if p1 and p1.get("established") is False:
            rd.note(
                "status.phase1-down",
                f"{who}: IKE SA (phase 1) not established (state {p1.get('state')})",
                "warning",
                f"tunnels[{i}].phase1",
            )
        for j, e in enumerate(t.get("phase2") or []):
            if e.get("established") is False:
                sel = f"{e.get('local_ts')} === {e.get('remote_ts')}" if e.get("local_ts") else "IPsec SA"
                rd.note(
                    "status.phase2-down",
                    f"{who}: {sel} (phase 2) not up" + (f" (state {e['state']})" if e.get("state") else ""),
                    "warning",
                    f"tunnels[{i}].phase2[{j}]",
                )


def _looks_like(text: str, vendor_id: str, *, with_records: bool = False) -> str:
    """'; it looks like <vendor> '<command>' output ...' when another vendor's
    template recognises the text (its header; with ``with_records``, also rows)."""
    for tpl in _all_status_templates():
        if tpl.vendor == vendor_id or tpl.detect is None or not tpl.detect.search(text):
            continue
        if with_records and not _run(tpl, text):
            continue
        return f"; it looks like {tpl.vendor} '{tpl.command}' output (try --vendor {tpl.vendor})"
    return ""


# ------------------------------------------------------------------ pasted noise and parts
# paging markers as terminals leave them, with the backspaces/CR that erased them
_PAGING = re.compile(
    r"(?m)^\r?(?:[ \t]*(?:-{2,}[ \t]*\(?[ \t]*more(?:[ \t]+\d+%)?[ \t]*\)?[ \t]*-{2,}|<-+[ \t]*more[ \t]*-+>)"
    # VRP/Comware: "  ---- More ----", ESC[42D, blanks, ESC[42D; several markers in a row
    r" ?(?:[ ]*\x1b\[\d+D)*(?:[ \x08\r]*[\x08\r])?)+",
    re.I,
)
# a CLI prompt at the start of a line, and what was typed after it
_PROMPT = re.compile(
    r"^(?!\d{3} #\d+: )"  # not a pluto status line ("000 #1: ...")
    r"(?:\{[\w:-]+\}\s*)?"  # Junos {primary:node0}
    r"(?:\[~?\*?[\w.@/-]+\]\s*>?"  # [~HUAWEI]  [admin@MikroTik] >
    r"|<~?\*?[\w.@/-]+>"  # <H3C>
    r"|[\w.-]+@[\w.-]+:[^\s$#]*[$#]"  # user@host:~$ (a shell prompt)
    r"|[\w.-]+@[\w.-]+[>#%]"  # user@srx>
    r"|[\w.-]+(?:\s?\([\w./:-]+\))?\s?[#>]"  # router#  R1>  FGT #  FGT (vdom) #  asa(config)#
    r")\s*(?P<cmd>.*?)\s*$"
)


_BANNER = re.compile(r"^\{[\w:-]+\}\s*$")  # Junos {primary:node0} above the prompt


@dataclass
class _Part:
    typed: str | None  # the command typed after the prompt, if any
    line: int  # the line it starts at (1-based)
    lines: list[tuple[int, str]] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(t for _, t in self.lines) + "\n"

    def blank(self) -> bool:
        return not any(t.strip() for _, t in self.lines)


def clean_output(text: str, name: str = "<input>") -> str:
    """Operational output as pasted -> plain text: paging markers (``--More--``,
    ``---(more)---``, ``-- More --`` and the backspaces/CRs that erased them) removed,
    then BOM, CRLF/CR and tabs as ``vpnconf.parsing.text.decode`` does. Line N of
    the result is line N of the input."""
    from .parsing.text import decode

    if "\x00" in text:
        raise VpnconfError(f"{name}: binary data (NUL byte), not command output")
    if "\r" in text and "\n" not in text:  # CR-only line ends: lines first, then the markers at their starts
        text = text.replace("\r", "\n")
    text = _PAGING.sub("", text)
    text = re.sub(r"[^\n\r]?\x08", "", text)  # stray backspaces erase what they follow
    return decode(text, name)[0]


def split_parts(text: str, templates: Iterable[StatusTemplate] = ()) -> list[_Part]:
    """The outputs pasted into one text: a new part at every prompt line (its
    command kept), and, in a part without a typed command, where a line that only
    one template's ``Detect`` matches belongs to another template than before."""
    parts: list[_Part] = []
    cur = _Part(None, 1)
    for n, line in enumerate(text.split("\n"), 1):
        if _BANNER.match(line):  # a line the CLI prints around prompts, no output
            cur.lines.append((n, ""))
            continue
        if m := _PROMPT.match(line):
            if cur.typed is not None or not cur.blank():
                parts.append(cur)
            cur = _Part(m.group("cmd") or None, n)
            continue
        cur.lines.append((n, line))
    if cur.typed is not None or not cur.blank():
        parts.append(cur)
    heads = [t for t in templates if t.detect is not None]
    if not heads:
        return parts
    out: list[_Part] = []
    for part in parts:
        if part.typed is not None:
            out.append(part)
            continue
        current: set[Path] | None = None  # the template(s) the piece so far belongs to
        piece = _Part(None, part.line)
        for n, line in part.lines:
            hits = {t.path for t in heads if t.detect and t.detect.search(line)}
            # a first line several templates share (BIRD's banner) still starts a new output
            begins = {t.path for t in heads if t.begins and t.begins.search(line)}
            if len(hits) == 1 or begins:
                hits = hits | begins
                # a new output: another template's header, or any output's first line
                if (current.isdisjoint(hits) if current is not None else bool(begins)) and not piece.blank():
                    out.append(piece)
                    piece = _Part(None, n)
                current = hits if current is None or current.isdisjoint(hits) else current & hits or hits
            piece.lines.append((n, line))
        out.append(piece)
    return out


def _command_match(typed: str | None, command: str) -> int:
    """2: the typed command is this one (words abbreviated or not); 1: a shorter
    form of it (``show crypto ipsec sa`` for ``... detail``); 0: another."""
    if not typed:
        return 0
    t = typed.split("|")[0].lower().split()
    if t[:1] == ["sudo"]:
        t = t[1:]
    c = command.lower().split()
    if not t or len(t) > len(c) or not all(cw.startswith(tw) for tw, cw in zip(t, c, strict=False)):
        return 0
    return 2 if len(t) == len(c) else 1


# ------------------------------------------------------------------ reading one part
@dataclass
class _Candidate:
    tpl: StatusTemplate
    records: list[dict[str, Any]]
    headed: bool
    typed: int
    unread: list[tuple[int, str]]
    tolerant: bool

    def key(self) -> tuple[int, bool, bool, int, int]:
        return (self.typed, bool(self.records), self.headed, -len(self.unread), len(self.records))


def _try(tpl: StatusTemplate, part: _Part) -> _Candidate:
    text = part.text()
    headed = bool(tpl.detect and tpl.detect.search(text))
    typed = _command_match(part.typed, tpl.command)
    fsm = _fsm(tpl, False)
    best = _Candidate(tpl, _run_fsm(tpl, fsm, text), headed, typed, _unread(tpl, fsm, part.lines), False)
    if tpl.indent == "tolerant" and (best.unread or not best.records):
        fsm = _fsm(tpl, True)
        alt = _Candidate(tpl, _run_fsm(tpl, fsm, text), headed, typed, _unread(tpl, fsm, part.lines, True), True)
        if (len(alt.unread), -len(alt.records)) < (len(best.unread), -len(best.records)):
            best = alt
    return best


def _read_part(
    part: _Part, templates: tuple[StatusTemplate, ...], vid: str, name: str, local: set[str], many: bool
) -> tuple[StatusTemplate, list[dict[str, Any]], list[dict[str, Any]], _Read]:
    known = ", ".join(f"'{t.command}'" for t in templates)
    tries = [_try(tpl, part) for tpl in templates]
    found = sorted((c for c in tries if c.records or c.headed or c.typed), key=_Candidate.key, reverse=True)
    if not found:
        where = f"{name}:{part.line}" if many else name
        what = f" ('{part.typed}')" if part.typed else ""
        raise VpnconfError(
            f"{where}: not a {vid} status output that vpnconf reads{what} (tried {known})"
            f"{_looks_like(part.text(), vid)}"
        )
    best = found[0]
    tpl, records = best.tpl, best.records
    rd = _Read(vid, name, tpl)
    if not best.typed and not best.headed:
        rd.note("status.detected-by-records", f"no '{tpl.command}' header found; read as that command by its rows")
    if not best.typed:
        others = [f"'{c.tpl.command}'" for c in found[1:] if c.records and c.headed == best.headed]
        if others:
            rd.note(
                "status.ambiguous-command",
                f"the input also reads as {', '.join(others)} output, not read: give one command's output per file",
                "warning",
            )
    if best.tolerant:
        rd.note(
            "status.reindented",
            f"the '{tpl.command}' output had lost its indentation: read with indentation-tolerant rules",
            line=part.line,
        )
    for note in tpl.notes:
        rd.note("status.not-shown", note)
    if best.unread and (tpl.declares_lines or not records):
        n, line = best.unread[0]
        more = len(best.unread) - 1
        shown = line.strip()
        shown = shown if len(shown) <= 120 else shown[:117] + "..."
        rd.note(
            "status.unread",
            f"{name}:{n}: a line the '{tpl.command}' template ({tpl.path.name}) does not read: {shown!r}"
            + (f" (and {more} more unread line{'s' if more > 1 else ''})" if more else "")
            + "; the rows it holds are missing from this result",
            "error",
            line=n,
        )
    if tpl.kind == "bgp":
        sessions = _build_bgp(records, rd)
        if not sessions:
            if records:
                raise VpnconfError(f"{name}: '{tpl.command}' output with no BGP neighbor in it")
            if hint := _looks_like(part.text(), vid, with_records=True):
                raise VpnconfError(f"{name}: no {vid} '{tpl.command}' rows read{hint}")
            if not best.unread and best.headed:
                rd.note("status.no-bgp-sessions", f"'{tpl.command}' lists no BGP session")
            elif not best.unread:
                rd.note(
                    "status.unread",
                    f"{name}:{part.line}: '{part.typed}' printed nothing vpnconf recognises as its output",
                    "error",
                    line=part.line,
                )
        _report_bgp_down(sessions, rd)
        return tpl, [], sessions, rd
    tunnels = _build(records, rd, local)
    if not tunnels:
        if records:
            raise VpnconfError(f"{name}: '{tpl.command}' output with no tunnel peer in it")
        if hint := _looks_like(part.text(), vid, with_records=True):
            raise VpnconfError(f"{name}: no {vid} '{tpl.command}' rows read{hint}")
        if not best.unread:
            if best.headed:
                rd.note("status.no-sas", f"'{tpl.command}' lists no security associations")
            else:
                rd.note(
                    "status.unread",
                    f"{name}:{part.line}: '{part.typed}' printed nothing vpnconf recognises as its output",
                    "error",
                    line=part.line,
                )
    _report_down(tunnels, rd)
    return tpl, tunnels, [], rd


def _shift(path: str, offset: int, bgp_offset: int = 0) -> str:
    if offset:
        path = re.sub(r"^tunnels\[(\d+)\]", lambda m: f"tunnels[{int(m.group(1)) + offset}]", path)
    if bgp_offset:
        path = re.sub(r"^bgp\[(\d+)\]", lambda m: f"bgp[{int(m.group(1)) + bgp_offset}]", path)
    return path


def read_status(text: str, vendor: str, name: str, *, local_addresses: Iterable[str] = ()) -> dict[str, Any]:
    """Tunnel status from one file of operational output (see the module doc for the shape).

    ``vendor`` is a vendor id or alias; ``name`` names the input in messages and
    findings. ``local_addresses`` (optional) are the device's own addresses, used
    only where the output does not say which end of an SA the device is.
    Prompts and paging markers are dropped; several commands pasted one after
    another are read part by part (``parts`` lists each part's command).
    Raises VpnconfError (one line, naming ``name``) when a part is no output
    that a status template of the vendor reads."""
    from .catalog import get_vendor

    vid = get_vendor(vendor).id
    templates = status_templates(vid)
    if not templates:
        raise VpnconfError(f"vendor {vid} has no status templates (vendors/{vid}/status/*.textfsm)")
    if not isinstance(text, str):
        raise VpnconfError(f"{name}: expected text, got {type(text).__name__}")
    text = clean_output(text, name)
    known = ", ".join(f"'{t.command}'" for t in templates)
    if not text.strip():
        raise VpnconfError(f"{name}: empty input; expected the output of {known}")
    parts = split_parts(text, templates)
    findings: list[dict[str, Any]] = []
    empty = [p for p in parts if p.blank()]
    parts = [p for p in parts if not p.blank()]
    if not parts:
        raise VpnconfError(f"{name}: empty input (prompts only); expected the output of {known}")
    tunnels: list[dict[str, Any]] = []
    part_docs: list[dict[str, Any]] = []
    local = {str(a) for a in local_addresses}
    sessions: list[dict[str, Any]] = []
    for part in parts:
        tpl, got, bgp, rd = _read_part(part, templates, vid, name, local, len(parts) > 1)
        offset, bgp_offset = len(tunnels), len(sessions)
        tunnels.extend(got)
        sessions.extend(bgp)
        doc: dict[str, Any] = {"command": tpl.command, "line": part.line, "tunnels": len(got)}
        if tpl.kind == "bgp":
            doc["kind"] = "bgp"
            doc["sessions"] = len(bgp)
        if part.typed:
            doc["typed"] = part.typed
        doc["shows"] = [ph for ph in ("phase1", "phase2", "bgp") if tpl.shows(ph)]
        part_docs.append(doc)
        for f in rd.findings:
            d = f.as_dict()
            d["path"] = _shift(str(d.get("path") or ""), offset, bgp_offset)
            findings.append(d)
    for p in empty:
        findings.append(
            Finding(
                rule="status.empty-output",
                severity="warning",
                message=f"{name}:{p.line}: '{p.typed}' is followed by no output",
                file=name,
                line=p.line,
            ).as_dict()
        )
    commands = list(dict.fromkeys(d["command"] for d in part_docs))
    return {
        "vendor": vid,
        "command": " + ".join(commands),
        "file": name,
        "tunnels": tunnels,
        "bgp": sessions,
        "parts": part_docs,
        "findings": findings,
    }


def read_status_file(path: str, vendor: str, *, local_addresses: Iterable[str] = ()) -> dict[str, Any]:
    """``read_status`` on a file (``-`` for standard input is the caller's business)."""
    from .io import read_text

    return read_status(read_text(path), vendor, str(path), local_addresses=local_addresses)


# ------------------------------------------------------------------ joined to the configuration
def _net(v: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(str(v), strict=False)
    except ValueError:
        return None


def _within(sa_ts: Any, conf: str) -> bool:
    """An SA selector proves a configured one when it is that range or inside it
    (a narrowed CHILD SA); a selector the output does not show proves any."""
    if sa_ts is None:
        return True
    a, b = _net(sa_ts), _net(conf)
    if a is None or b is None or a.version != b.version:
        return str(sa_ts) == str(conf)
    return a.subnet_of(b)  # type: ignore[arg-type]


def _sa_ref(doc: dict[str, Any], i: int) -> str:
    return f"{doc['file']}:tunnels[{i}]"


def _command_of(doc: dict[str, Any], i: int) -> str:
    """The command of the part that gave tunnel ``i`` of a read_status result."""
    n = 0
    for p in doc.get("parts") or []:
        n += p["tunnels"]
        if i < n:
            return str(p["command"])
    return str(doc["command"])


def _same_ip(a: Any, b: Any) -> bool:
    try:
        return ipaddress.ip_address(str(a)) == ipaddress.ip_address(str(b))
    except ValueError:
        return str(a) == str(b)


def _bird_name(tunnel: str) -> str:
    """The BIRD protocol vpnconf renders for a tunnel (vendors/strongswan/templates/bird.conf.j2)."""
    return "vpn_" + tunnel.replace("-", "_").replace(".", "_")


def _join_bgp(
    ct: Any, sessions: list[tuple[dict[str, Any], int, dict[str, Any]]], shows_bgp: bool, used: set[tuple[str, int]]
) -> dict[str, Any] | None:
    """The BGP session of a configured tunnel with ``bgp.peer_ip``: by neighbor
    address, or (an output that prints no address, BIRD ``show protocols``) by the
    protocol name vpnconf gives it."""
    peer_ip = getattr(getattr(ct, "bgp", None), "peer_ip", None)
    if not peer_ip:
        return None
    if not shows_bgp:
        return {"neighbor": peer_ip, "state": None, "established": None, "shown": False}
    hit = next((x for x in sessions if x[2].get("neighbor") and _same_ip(x[2]["neighbor"], peer_ip)), None)
    if hit is None:
        names = {ct.name, _bird_name(ct.name)}
        hit = next((x for x in sessions if not x[2].get("neighbor") and x[2].get("name") in names), None)
    if hit is None:
        return {"neighbor": peer_ip, "state": "not listed", "established": False}
    d, i, sess = hit
    used.add((d["file"], i))
    out: dict[str, Any] = {"session": f"{d['file']}:bgp[{i}]", "command": _command_of_bgp(d, i), "neighbor": peer_ip}
    for k in ("name", "peer_asn", "state", "established", "up_down_seconds", "prefixes_received"):
        if sess.get(k) is not None or k == "established":
            out[k] = sess.get(k)
    conf_asn = getattr(ct.bgp, "peer_asn", None)
    if conf_asn is not None and isinstance(sess.get("peer_asn"), int) and sess["peer_asn"] != conf_asn:
        out["peer_asn_configured"] = conf_asn
    return out


def _command_of_bgp(doc: dict[str, Any], i: int) -> str:
    """The command of the part that gave BGP session ``i`` of a read_status result."""
    n = 0
    for p in doc.get("parts") or []:
        n += p.get("sessions", 0)
        if i < n:
            return str(p["command"])
    return str(doc["command"])


def join_config(docs: list[dict[str, Any]], devices: list[Any]) -> dict[str, Any]:
    """Each configured tunnel (``ParsedDevice.tunnels`` of ``devices``) joined to
    the SAs of ``docs`` (``read_status`` results) by peer address and selectors:

    ``up``: an established IKE SA (or an output that shows none) and an established
    CHILD SA for every configured selector pair; ``half-up``: an established IKE SA
    but a selector pair without an established CHILD SA; ``down``: neither;
    ``unknown``: an IKE SA is up but no output given shows CHILD SAs, or the
    CHILD SAs shown carry no selectors and the tunnel has several pairs. Each tunnel
    names the SAs that prove its state (``file:tunnels[i]``); SAs that match no
    configured tunnel are listed in ``unmatched``.

    A tunnel with BGP (``ParsedTunnel.bgp.peer_ip``) also gets its session
    (``bgp``: by neighbor address, ``file:bgp[i]``) when an output given shows BGP
    sessions: IPsec up but the session not Established (or the neighbor not listed)
    is ``half-up`` ("IPsec up, BGP Active"), with the SA-only state in ``ipsec``.
    With an IKE SA up and no output showing CHILD SAs (``show crypto ikev2 sa`` +
    ``show ip bgp summary``), an Established session proves the tunnel ``up`` (its
    packets cross a CHILD SA) and one not Established makes it ``half-up``.
    When no output shows BGP sessions the state is the SAs' alone (``bgp.shown``
    false). Sessions no configured tunnel takes are listed in ``unmatched_bgp``."""
    shows_p2 = any("phase2" in p.get("shows", ()) for d in docs for p in d.get("parts", ()))
    shows_bgp = any("bgp" in p.get("shows", ()) for d in docs for p in d.get("parts", ()))
    sas = [(d, i, t) for d in docs for i, t in enumerate(d["tunnels"])]
    sessions = [(d, i, s) for d in docs for i, s in enumerate(d.get("bgp") or [])]
    used_bgp: set[tuple[str, int]] = set()
    used: set[tuple[str, int]] = set()
    out = []
    for dev in devices:
        for ct in dev.tunnels:
            mine = [
                (d, i, t)
                for d, i, t in sas
                if (ct.peer_address and t.get("peer") == ct.peer_address)
                or (not ct.peer_address and t.get("name") == ct.name)
            ]
            ike = [(d, i, t) for d, i, t in mine if t.get("phase1") is not None]
            ike_up = [(d, i, t) for d, i, t in ike if t["phase1"].get("established") is True]
            pairs = [tuple(p) for p in ct.selectors] or [(None, None)]
            proofs: list[dict[str, Any]] = []
            missing = []
            for loc, rem in pairs:
                hit = None
                for d, i, t in mine:
                    for j, e in enumerate(t.get("phase2") or []):
                        if e.get("established") is not True:
                            continue
                        if e.get("local_ts") is None and len(pairs) > 1:
                            continue  # an SA whose selectors are not shown proves no one pair of several
                        if loc is not None and not (
                            _within(e.get("local_ts"), loc) and _within(e.get("remote_ts"), rem)
                        ):
                            continue
                        hit = (d, i, j, e)
                        break
                    if hit:
                        break
                if hit is None:
                    missing.append([loc, rem] if loc is not None else None)
                    continue
                d, i, j, e = hit
                used.add((d["file"], i))
                proofs.append(
                    {
                        "sa": f"{_sa_ref(d, i)}.phase2[{j}]",
                        "command": _command_of(d, i),
                        **{k: e[k] for k in ("local_ts", "remote_ts", "state", "spi_in", "spi_out") if e.get(k)},
                    }
                )
            for d, i, _ in mine:
                used.add((d["file"], i))
            blind = [
                e
                for _, _, t in mine
                for e in t.get("phase2") or []
                if e.get("established") is True and e.get("local_ts") is None
            ]
            if not missing and proofs:
                state = "up"
                why = "CHILD SA established for every selector pair" + (
                    "" if ike_up or not ike else " (no established IKE SA shown: it may have expired, as IKEv1 allows)"
                )
            elif ike_up and not shows_p2:
                state, why = "unknown", "IKE SA established; no output given shows CHILD SAs"
            elif blind:
                state = "unknown"
                why = (
                    f"{len(blind)} established CHILD SA(s), but the output shows no traffic selectors: which of the "
                    f"{len(pairs)} configured selector pairs they carry cannot be told"
                )
            elif ike_up:
                state, why = "half-up", "IKE SA established without a CHILD SA for every selector pair"
            elif proofs:
                state, why = "half-up", "CHILD SA for some selector pairs only, and no established IKE SA"
            else:
                state, why = "down", "no established SA" if mine else "no SA with this peer"
            entry: dict[str, Any] = {
                "name": ct.name,
                "config": dev.file,
                "peer": ct.peer_address,
                "selectors": [list(p) for p in ct.selectors],
                "state": state,
                "reason": why,
            }
            if ike_up:
                d, i, t = ike_up[0]
                entry["ike"] = {
                    "sa": f"{_sa_ref(d, i)}.phase1",
                    "command": _command_of(d, i),
                    **{k: t["phase1"][k] for k in ("state", "version") if t["phase1"].get(k) is not None},
                }
            elif ike:
                d, i, t = ike[0]
                entry["ike"] = {
                    "sa": f"{_sa_ref(d, i)}.phase1",
                    "command": _command_of(d, i),
                    "state": t["phase1"].get("state"),
                }
            entry["child"] = proofs
            if missing and ct.selectors and state == "half-up":
                entry["missing"] = missing
            bgp = _join_bgp(ct, sessions, shows_bgp, used_bgp)
            if bgp is not None:
                entry["bgp"] = bgp
                entry["ipsec"] = state
                who = f"BGP {bgp['state']} (neighbor {bgp['neighbor']})"
                if bgp.get("shown") is False:
                    entry["reason"] += "; BGP not shown (no output given shows BGP sessions)"
                elif state == "up" and not bgp["established"]:
                    entry["state"], entry["reason"] = "half-up", f"IPsec up, {who}"
                elif state == "unknown" and ike_up and not shows_p2:
                    # BGP runs over the tunnel's inside addresses: an Established session's
                    # packets cross a CHILD SA, one that is not Established proves none
                    entry["state"], entry["reason"] = (
                        ("up", f"IKE SA established and {who}: its packets cross a CHILD SA (no output shows them)")
                        if bgp["established"]
                        else ("half-up", f"IKE SA established, {who}; no output given shows CHILD SAs")
                    )
                else:
                    entry["reason"] += f"; {who}"
                if "peer_asn_configured" in bgp:
                    entry["reason"] += (
                        f"; the neighbor's AS is {bgp['peer_asn']}, configured {bgp['peer_asn_configured']}"
                    )
            out.append(entry)
    unmatched = [
        {
            "sa": _sa_ref(d, i),
            "command": _command_of(d, i),
            "peer": t.get("peer"),
            **({"name": t["name"]} if t.get("name") else {}),
        }
        for d, i, t in sas
        if (d["file"], i) not in used
    ]
    unmatched_bgp = [
        {
            "session": f"{d['file']}:bgp[{i}]",
            "command": _command_of_bgp(d, i),
            **{k: s[k] for k in ("neighbor", "name", "peer_asn", "state") if s.get(k) is not None},
        }
        for d, i, s in sessions
        if (d["file"], i) not in used_bgp
    ]
    return {
        "tunnels": out,
        "unmatched": unmatched,
        "unmatched_bgp": unmatched_bgp,
        "all_up": bool(out) and all(t["state"] == "up" for t in out),
    }


def format_join(joined: dict[str, Any]) -> str:
    lines = []
    for t in joined["tunnels"]:
        line = f"{t['state'].upper():8} {t['name']} peer {t['peer'] or '?'} ({t['config']}): {t['reason']}"
        lines.append(line)
        if t.get("ike"):
            lines.append(f"    ike   {t['ike']['sa']} ({t['ike']['command']}) state {t['ike'].get('state')}")
        for c in t["child"]:
            lines.append(f"    child {c['sa']} {c.get('local_ts', '?')} === {c.get('remote_ts', '?')}")
        for m in t.get("missing", []):
            lines.append(f"    no CHILD SA for {m[0]} === {m[1]}")
        if b := t.get("bgp"):
            if b.get("shown") is False:
                lines.append(f"    bgp   neighbor {b['neighbor']}: no output given shows BGP sessions")
            elif b.get("session"):
                pfx = f", {b['prefixes_received']} prefixes" if b.get("prefixes_received") is not None else ""
                lines.append(f"    bgp   {b['session']} ({b['command']}) neighbor {b['neighbor']} {b['state']}{pfx}")
            else:
                lines.append(f"    bgp   neighbor {b['neighbor']} not listed")
    if not joined["tunnels"]:
        lines.append("no tunnel configured in the given config(s)")
    for u in joined["unmatched"]:
        lines.append(f"unmatched SA {u['sa']} peer {u['peer']}" + (f" ({u['name']})" if u.get("name") else ""))
    for u in joined.get("unmatched_bgp", []):
        who = u.get("neighbor") or u.get("name")
        lines.append(f"unmatched BGP session {u['session']} neighbor {who} {u.get('state')}")
    return "\n".join(lines) + "\n"


def format_status(result: dict[str, Any]) -> str:
    """A short text report: one line per tunnel and one per phase 2 entry, then findings."""
    head = f"{result['file']}: {result['vendor']} '{result['command']}', {len(result['tunnels'])} tunnel(s)"
    sessions = result.get("bgp") or []
    if sessions:
        head += f", {len(sessions)} BGP session(s)"
    lines = [head]
    parts = result.get("parts") or []
    if len(parts) > 1:
        for p in parts:
            what = f"{p['sessions']} BGP session(s)" if p.get("kind") == "bgp" else f"{p['tunnels']} tunnel(s)"
            lines.append(f"  part at line {p['line']}: '{p['command']}', {what}")

    def flag(v: bool | None) -> str:
        return {True: "up", False: "DOWN", None: "?"}[v]

    for t in result["tunnels"]:
        head = f"  {t.get('name') or '-'} peer {t['peer']}"
        if t.get("local"):
            head += f" local {t['local']}"
        p1 = t.get("phase1")
        if p1 is not None:
            v = f" IKEv{p1['version']}" if p1.get("version") else ""
            head += f"  phase1{v} {flag(p1.get('established'))} ({p1.get('state') or 'state not shown'})"
        lines.append(head)
        for e in t.get("phase2") or []:
            sel = f"{e.get('local_ts') or '?'} === {e.get('remote_ts') or '?'}"
            extra = []
            if e.get("spi_in") or e.get("spi_out"):
                extra.append(f"spi in {e.get('spi_in') or '-'} out {e.get('spi_out') or '-'}")
            for unit in ("packets", "bytes"):
                if e.get(f"{unit}_in") is not None or e.get(f"{unit}_out") is not None:
                    extra.append(f"{unit} in {e.get(f'{unit}_in', '-')} out {e.get(f'{unit}_out', '-')}")
            lines.append(f"    phase2 {flag(e.get('established'))} {sel}" + (f"  {'; '.join(extra)}" if extra else ""))
    for b in sessions:
        line = f"  bgp {b.get('neighbor') or b.get('name')}"
        if b.get("neighbor") and b.get("name"):
            line += f" ({b['name']})"
        if b.get("peer_asn") is not None:
            line += f" AS {b['peer_asn']}"
        line += f"  {flag(b.get('established'))} ({b.get('state') or 'state not shown'})"
        if b.get("up_down_seconds") is not None:
            line += f" for {b['up_down_seconds']}s"
        if b.get("prefixes_received") is not None:
            line += f", {b['prefixes_received']} prefixes received"
        lines.append(line)
    for f in result["findings"]:
        lines.append(f"  {f['severity']} {f['rule']}: {f['message']}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------- prometheus
def _label(value: object) -> str:
    """A Prometheus label value: backslash, double quote and newline escaped."""
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def format_prometheus(docs: list[dict[str, Any]], joined: dict[str, Any] | None = None) -> str:
    """The status as a node_exporter textfile (text exposition format 0.0.4):
    per tunnel shown, IKE SA up and CHILD SAs up; with ``--config``, each
    configured tunnel's state; BGP sessions where the output shows them; and
    whether every output could be read, so a monitor can alarm on each."""
    series: dict[str, tuple[str, list[str]]] = {
        "vpnconf_ike_sa_up": ("1 when the IKE SA with the peer is established", []),
        "vpnconf_child_sas_up": ("CHILD SAs (phase 2 entries) established with the peer", []),
        "vpnconf_child_sas": ("CHILD SAs (phase 2 entries) shown for the peer", []),
        "vpnconf_tunnel_up": (
            "with --config: 1 up, 0.5 half-up (IKE without every CHILD SA, or IPsec up and BGP not Established), 0 down",
            [],
        ),
        "vpnconf_bgp_session_established": ("1 when the BGP session with the neighbor is Established", []),
        "vpnconf_bgp_prefixes_received": ("prefixes received from the BGP neighbor", []),
        "vpnconf_status_readable": ("1 when vpnconf read the whole output (no unread line, no error)", []),
    }

    def put(name: str, labels: dict[str, object], value: float) -> None:
        text = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items() if v is not None)
        series[name][1].append(f"{name}{{{text}}} {value:g}")

    for d in docs:
        base = {"file": d.get("file"), "vendor": d.get("vendor")}
        put("vpnconf_status_readable", base, 0 if any(f.get("severity") == "error" for f in d["findings"]) else 1)
        for t in d["tunnels"]:
            lab = {**base, "peer": t.get("peer"), "local": t.get("local"), "name": t.get("name")}
            p1 = t.get("phase1")
            if p1 is not None and p1.get("established") is not None:
                put("vpnconf_ike_sa_up", lab, 1 if p1["established"] else 0)
            p2 = t.get("phase2") or []
            if p2:
                put("vpnconf_child_sas", lab, len(p2))
                put("vpnconf_child_sas_up", lab, sum(1 for e in p2 if e.get("established")))
        for b in d.get("bgp") or []:
            lab = {**base, "neighbor": b.get("neighbor"), "peer_asn": b.get("peer_asn"), "name": b.get("name")}
            if b.get("established") is not None:
                put("vpnconf_bgp_session_established", lab, 1 if b["established"] else 0)
            if b.get("prefixes_received") is not None:
                put("vpnconf_bgp_prefixes_received", lab, float(b["prefixes_received"]))
    if joined:
        for c in joined.get("tunnels", []):
            state = c.get("state")
            value = {"up": 1.0, "half-up": 0.5, "down": 0.0}.get(str(state))
            if value is not None:
                put("vpnconf_tunnel_up", {"name": c.get("name"), "peer": c.get("peer")}, value)
    out: list[str] = []
    for name, (help_, samples) in series.items():
        if samples:
            out += [f"# HELP {name} {help_}", f"# TYPE {name} gauge", *samples]
    return "\n".join(out) + "\n"
