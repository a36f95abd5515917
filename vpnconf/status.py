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
    # Phase1-up: state=QM_IDLE status=ACTIVE  when phase 1 counts as established
    # Phase2-up: state=INSTALLED|REKEYING     the same for phase 2 entries
    # Phase1-version: 1                       IKE version when the output implies it
    # Note: <text>                            an info finding on every read

Value names say where a field goes: ``P1_<X>`` -> ``phase1["x"]``,
``P2_<X>`` -> a phase 2 entry, anything else -> the tunnel (``NAME``, ``PEER``,
``LOCAL``, ``PEER_PORT`` ...). A few names have a meaning: ``DST``/``SRC`` (an SA's
responder and initiator when the output does not say which end is the device),
``P2_DIRECTION`` (``<``/``>``/in/out: the row's ``P2_SPI``/``P2_BYTES``/``P2_PACKETS``
go to ``*_in``/``*_out`` of the entry with the same ``P2_ID``), ``P2_ACTIVE_SAS``
(a count: more than 0 is up), ``P1_UNIQUE_ID``/``P1_INDEX``/``P1_CONN_ID`` (two IKE
SAs with one peer stay two tunnels). One record is one phase 2 entry (or one IKE
SA); records of one tunnel are grouped by node, name and peer.

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

__all__ = ["StatusTemplate", "format_status", "read_status", "read_status_file", "status_templates"]

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


# ------------------------------------------------------------------ templates
@dataclass(frozen=True)
class StatusTemplate:
    vendor: str
    path: Path
    command: str
    text: str
    detect: re.Pattern[str] | None = None
    up: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)  # phase -> field -> values
    defaults: dict[str, dict[str, Any]] = field(default_factory=dict)  # phase -> field -> value
    notes: tuple[str, ...] = ()
    values: tuple[str, ...] = ()  # the template's Value names

    def shows(self, phase: str) -> bool:
        prefix = "P1_" if phase == "phase1" else "P2_"
        return any(v.startswith(prefix) for v in self.values) or bool(self.defaults.get(phase))


_DIRECTIVE = re.compile(r"^#\s*(Command|Detect|Phase([12])-up|Phase1-version|Note):\s*(.*?)\s*$", re.I)
_VALUE_LINE = re.compile(r"^Value\s+(?:\S+\s+)?(\w+)\s+\(")


def _load_template(vendor: str, path: Path) -> StatusTemplate:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:  # a packaging problem: say which file
        raise VpnconfError(f"{path}: cannot read status template: {exc}") from None
    command = path.stem.replace("_", " ")
    detect: re.Pattern[str] | None = None
    up: dict[str, dict[str, frozenset[str]]] = {}
    defaults: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    values: list[str] = []
    for line in text.splitlines():
        if m := _VALUE_LINE.match(line):
            values.append(m.group(1))
            continue
        if values or not (m := _DIRECTIVE.match(line)):
            continue
        key, phase, arg = m.group(1).lower(), m.group(2), m.group(3)
        if key == "command":
            command = arg
        elif key == "detect":
            try:
                detect = re.compile(arg, re.M)
            except re.error as exc:
                raise VpnconfError(f"{path}: bad Detect regex: {exc}") from None
        elif key.endswith("-up"):
            rules: dict[str, frozenset[str]] = {}
            for part in arg.split():
                fname, _, allowed = part.partition("=")
                rules[fname.lower()] = frozenset(v.upper() for v in allowed.split("|") if v)
            up[f"phase{phase}"] = rules
        elif key == "phase1-version":
            defaults.setdefault("phase1", {})["version"] = int(arg)
        elif key == "note":
            notes.append(arg)
    return StatusTemplate(vendor, path, command, text, detect, up, defaults, tuple(notes), tuple(values))


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


def _run(tpl: StatusTemplate, text: str) -> list[dict[str, Any]]:
    try:
        import textfsm
    except ImportError:  # pragma: no cover - a dependency of the package
        raise VpnconfError("the textfsm package is missing (pip install textfsm)") from None
    try:
        fsm = textfsm.TextFSM(io.StringIO(tpl.text))
    except textfsm.TextFSMTemplateError as exc:
        raise VpnconfError(f"{tpl.path}: invalid TextFSM template: {exc}") from None
    try:
        rows = fsm.ParseText(text)
    except textfsm.TextFSMError as exc:
        raise VpnconfError(f"{tpl.path}: {exc}") from None
    return [dict(zip(fsm.header, row, strict=True)) for row in rows]


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


def _convert(key: str, v: Any) -> Any:
    if isinstance(v, str) and v.isdigit() and _NUMERIC.search(key):
        return int(v)
    return v


# ------------------------------------------------------------------ reading
@dataclass
class _Read:
    vendor: str
    file: str
    tpl: StatusTemplate
    findings: list[Finding] = field(default_factory=list)

    def note(self, rule: str, message: str, severity: Severity = "info", path: str = "") -> None:
        self.findings.append(Finding(rule=rule, severity=severity, message=message, path=path, file=self.file))


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
    seen: dict[str, int] = {}
    for tun, _, _ in rows:
        for a in {str(tun[k]) for k in ("dst", "src") if tun.get(k) is not None}:
            seen[a] = seen.get(a, 0) + 1
    ambiguous = []
    for tun, p1, _ in rows:
        dst, src = tun.pop("dst", None), tun.pop("src", None)
        if "peer" in tun or dst is None or src is None:
            continue
        if dst in local or src in local:
            mine_is_dst = dst in local
        elif (seen.get(dst, 0) > 1) != (seen.get(src, 0) > 1):
            mine_is_dst = seen.get(dst, 0) > 1
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


def read_status(text: str, vendor: str, name: str, *, local_addresses: Iterable[str] = ()) -> dict[str, Any]:
    """Tunnel status from one command's output (see the module doc for the shape).

    ``vendor`` is a vendor id or alias; ``name`` names the input in messages and
    findings. ``local_addresses`` (optional) are the device's own addresses, used
    only where the output does not say which end of an SA the device is.
    Raises VpnconfError (one line, naming ``name``) when no status template of
    the vendor reads the text."""
    from .catalog import get_vendor

    vid = get_vendor(vendor).id
    templates = status_templates(vid)
    if not templates:
        raise VpnconfError(f"vendor {vid} has no status templates (vendors/{vid}/status/*.textfsm)")
    if not isinstance(text, str):
        raise VpnconfError(f"{name}: expected text, got {type(text).__name__}")
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    known = ", ".join(f"'{t.command}'" for t in templates)
    if not text.strip():
        raise VpnconfError(f"{name}: empty input; expected the output of {known}")
    if "\x00" in text:
        raise VpnconfError(f"{name}: binary data (NUL byte), not command output")

    results = []
    for tpl in templates:
        records = _run(tpl, text)
        headed = bool(tpl.detect and tpl.detect.search(text))
        if records or headed:
            results.append((bool(records), headed, len(records), tpl, records))
    if not results:
        raise VpnconfError(
            f"{name}: not a {vid} status output that vpnconf reads (tried {known}){_looks_like(text, vid)}"
        )
    # records first, then a matching header, then more records
    results.sort(key=lambda r: (r[0], r[1], r[2]), reverse=True)
    has_records, headed, _, tpl, records = results[0]
    rd = _Read(vid, name, tpl)
    if not headed:
        rd.note("status.detected-by-records", f"no '{tpl.command}' header found; read as that command by its rows")
    others = [f"'{r[3].command}'" for r in results[1:] if r[0] and r[1] == headed]
    if others:
        rd.note(
            "status.ambiguous-command",
            f"the input also reads as {', '.join(others)} output, not read: give one command's output per file",
            "warning",
        )
    for note in tpl.notes:
        rd.note("status.not-shown", note)
    tunnels = _build(records, rd, {str(a) for a in local_addresses})
    if not tunnels:
        if has_records:
            raise VpnconfError(f"{name}: '{tpl.command}' output with no tunnel peer in it")
        if hint := _looks_like(text, vid, with_records=True):
            raise VpnconfError(f"{name}: no {vid} '{tpl.command}' rows read{hint}")
        rd.note("status.no-sas", f"'{tpl.command}' lists no security associations")
    _report_down(tunnels, rd)
    return {
        "vendor": vid,
        "command": tpl.command,
        "file": name,
        "tunnels": tunnels,
        "findings": [f.as_dict() for f in rd.findings],
    }


def read_status_file(path: str, vendor: str, *, local_addresses: Iterable[str] = ()) -> dict[str, Any]:
    """``read_status`` on a file (``-`` for standard input is the caller's business)."""
    from .io import read_text

    return read_status(read_text(path), vendor, str(path), local_addresses=local_addresses)


def format_status(result: dict[str, Any]) -> str:
    """A short text report: one line per tunnel and one per phase 2 entry, then findings."""
    lines = [f"{result['file']}: {result['vendor']} '{result['command']}', {len(result['tunnels'])} tunnel(s)"]

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
    for f in result["findings"]:
        lines.append(f"  {f['severity']} {f['rule']}: {f['message']}")
    return "\n".join(lines) + "\n"
