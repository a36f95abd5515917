"""Fortinet FortiGate (FortiOS) configuration parser: grammar only.

Reads what a user pastes from ``show`` / ``show full-configuration`` (or a
backup file, or a CLI script such as the one ``vpnconf render`` writes):
``config <path>`` / ``edit <name>`` / ``set <key> <values>`` / ``next`` /
``end``, nested ``config`` blocks, ``unset`` / ``append`` / ``select`` /
``unselect``, quoted values, ``#`` comment lines, CLI prompts and pager marks.

The tree comes from the shared builder (``vpnconf.parsing.blocks.build``,
with its recovery from lost ``next``/``end`` and stray quotes), driven by the
``grammar:`` data of vendor.yaml. Detection is the ``detect:`` patterns of
vendor.yaml, key keywords for the redactor are ``secrets:``, and every
default this parser fills in is ``defaults:`` (phase1/phase2), recorded in
``ParsedTunnel.defaulted`` and a DEFAULT finding.

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
* A key absent from the text takes the FortiOS default of vendor.yaml
  ``defaults:`` (``show`` omits defaults) and a ``DEFAULT`` finding says so;
  where the default differs by release the finding says that too.
* Phase2 selectors of 0.0.0.0/0 both ways (the FortiOS default, typical of
  route-based tunnels) are any/any: no selector is recorded and a SELECTORS
  finding says the SPD has to come from elsewhere.

Findings use the shared vocabulary only (vpnconf/parsing/vocabulary.py); no
finding formats a key: values are quoted only for keys known to hold no
secret, statements only by their verb.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from vpnconf.names import is_aead
from vpnconf.parsing import (
    Ident,
    ParsedBgp,
    ParsedDevice,
    ParsedTunnel,
    Proposal,
    health_check_pair,
    ipv4,
    lookup,
    lowest_route_preference,
    small_int,
)
from vpnconf.parsing.blocks import Config, Entry, Setting, build

TYPE_CHECKING = False
if TYPE_CHECKING:
    from vpnconf.findings import Severity

#: the vendor id is the folder's name (vendors/README.md): a copied folder is a new vendor
VENDOR = Path(__file__).resolve().parent.name


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


@dataclass(frozen=True)
class _Data:
    """What this parser reads from vendor.yaml."""

    grammar: dict[str, Any]  # keyword arguments of ``blocks.build``
    defaults: dict[str, dict[str, dict[str, str]]]  # section -> key -> {value, source, differs}
    benign: dict[str, frozenset[str]]  # section -> keys that carry nothing for the tunnel
    must_be: dict[str, dict[str, tuple[str, ...]]]  # section -> key -> the value the model expects


@cache
def _vendor_data() -> _Data:
    from vpnconf.catalog import vendors

    v = vendors()[VENDOR]
    g = v.grammar
    skip = g.get("skip")
    grammar = {
        "top_sections": frozenset(str(x) for x in g.get("top_sections", ())),
        "multiline": frozenset(str(x) for x in g.get("multiline", ())),
        "verbs": frozenset(str(x) for x in g.get("verbs", ())),
        "wrappers": frozenset(str(x) for x in g.get("wrappers", ())),
        "skip": re.compile(str(skip)) if skip else None,
    }
    defaults = {
        section: {str(k): {kk: str(vv) for kk, vv in d.items()} for k, d in (keys or {}).items()}
        for section, keys in v.defaults.items()
    }
    keys = g.get("keys") or {}
    benign = {sec: frozenset(str(k) for k in (d or {}).get("benign", ())) for sec, d in keys.items()}
    must_be = {
        sec: {str(k): tuple(str(x) for x in vals) for k, vals in ((d or {}).get("must_be") or {}).items()}
        for sec, d in keys.items()
    }
    return _Data(grammar, defaults, benign, must_be)


def _stmt(verb: str) -> str:
    return f"'{verb}' statement" if verb else "a line that is not a FortiOS statement"


def _enum(value: str | None, allowed: tuple[str, ...]) -> str:
    """An enumerated value for a message: one of ``allowed``, else not echoed."""
    return value if value in allowed else "(an unknown value)"


def _safe_word(tok: str) -> str:
    """A statement's first word for a message: only a plain word, never free text."""
    return tok.lower() if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,40}", tok) else "?"


_ADDR_TYPES = ("fqdn", "geography", "wildcard", "wildcard-fqdn", "dynamic", "mac", "route-tag", "interface-subnet")

# ------------------------------------------------------------- key lists
# Keys this parser reads (phase1-interface / phase2-interface tables); the keys
# that carry nothing for the tunnel and those that must hold one value are
# vendor data (vendor.yaml grammar.keys).
_P1_READ = _words(
    "type interface ike-version mode peertype peerid proposal dhgrp remote-gw psksecret keylife localid "
    "localid-type dpd dpd-retryinterval dpd-retrycount authmethod local-gw ip-version remotegw-ddns "
    "auto-negotiate net-device"
)
_P2_READ = _words(
    "phase1name proposal pfs dhgrp keylife-type keylifeseconds keylifekbs src-addr-type src-subnet "
    "src-start-ip src-end-ip src-name dst-addr-type dst-subnet dst-start-ip dst-end-ip dst-name protocol "
    "src-port dst-port encapsulation auto-negotiate"
)


# ---------------------------------------------------------------- values
def _int(s: Setting | None) -> int | None:
    if s is None or not s.values:
        return None
    return small_int(s.values[0])


def _word(s: Setting | None) -> str | None:
    if s is None or not s.values:
        return None
    return s.values[0].lower()


def _ipv4(v: str) -> ipaddress.IPv4Address | None:
    a = ipv4(v)
    return None if a is None else ipaddress.IPv4Address(a)


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
    from vpnconf.names import check_fqdn

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
    settings: dict[str, Setting]
    nodes: list[Entry]

    def get(self, key: str) -> Setting | None:
        return self.settings.get(key)


def _entries(blocks: list[Config]) -> list[_Entry]:
    out: dict[str, _Entry] = {}
    for b in blocks:
        for e in b.entries:
            if e.name in out:
                out[e.name].settings.update(e.settings)
                out[e.name].nodes.append(e)
            else:
                out[e.name] = _Entry(e.name, e.line, dict(e.settings), [e])
    return list(out.values())


class _Scope:
    """One VDOM (or the whole text without VDOMs): its VPN, address and policy blocks."""

    def __init__(self, configs: list[Config]) -> None:
        self.blocks = configs
        # path -> its blocks, in order: looked up once per tunnel (a scan each was tunnels x blocks)
        self._paths: dict[str, list[Config]] = {}
        for c in configs:
            self._paths.setdefault(c.name, []).append(c)
        self.addresses: dict[str, Entry] = {}
        self.groups: dict[str, Entry] = {}
        for b in self.configs("firewall address"):
            for e in b.entries:
                self.addresses[e.name] = e
        for b in self.configs("firewall addrgrp"):
            for e in b.entries:
                self.groups[e.name] = e
        self.policies = [e for b in self.configs("firewall policy") for e in b.entries]
        self.statics = [e for b in self.configs("router static") for e in b.entries]
        # tunnel name -> policies: by `vpntunnel` (policy-based), by srcintf/dstintf (interface mode)
        self._by_vpntunnel: dict[str, list[str]] = {}
        self._by_intf: dict[str, list[str]] = {}
        for pe in self.policies:
            label = pe.settings.get("name")
            text = label.values[0] if label and label.values else f"{pe.name} (line {pe.line})"
            vt = pe.settings.get("vpntunnel")
            if vt is not None and vt.values:
                self._by_vpntunnel.setdefault(vt.values[0], []).append(text)
            for k in ("srcintf", "dstintf"):
                s = pe.settings.get(k)
                for v in dict.fromkeys(s.values if s and s.values else []):
                    if text not in self._by_intf.get(v, []):
                        self._by_intf.setdefault(v, []).append(text)

    def configs(self, path: str) -> list[Config]:
        return list(self._paths.get(path, ()))

    def policies_of(self, tunnel: str, variant: str) -> list[str]:
        out = list(self._by_vpntunnel.get(tunnel, []))
        if variant == "interface":
            out += [p for p in self._by_intf.get(tunnel, []) if p not in out]
        return out


def _scopes(roots: list[Config]) -> list[list[Config]]:
    """The top-level blocks of each scope: the text itself, each ``config vdom``
    entry, ``config global``."""
    out = [roots]
    for c in roots:
        if c.name == "vdom":
            out.extend(e.configs for e in c.entries)
        elif c.name == "global":
            out.append(c.configs)
    return out


def _walk(configs: list[Config]) -> Iterator[Config]:
    for c in configs:
        yield c
        yield from _walk(c.configs)
        for e in c.entries:
            yield from _walk(e.configs)


# ---------------------------------------------------------------- parser
_P1_PATHS = ("vpn ipsec phase1-interface", "vpn ipsec phase2-interface", "vpn ipsec phase1", "vpn ipsec phase2")


class _Parser:
    def __init__(self, text: str, name: str) -> None:
        self.dev = ParsedDevice(vendor=VENDOR, file=name)
        self.data = _vendor_data()
        self.defaults = self.data.defaults
        self.roots, self.notes = build(text, **self.data.grammar)
        self.interfaces: dict[str, ipaddress.IPv4Address] = {}
        self.iface_entries: dict[str, Entry] = {}  # `config system interface` entries by name

    def note(self, rule: str, msg: str, line: int | None, sev: Severity = "info") -> None:
        self.dev.note(rule, msg, line=line, severity=sev)

    # -------------------------------------------------------------- run
    def run(self) -> ParsedDevice:
        for rule, line, sev, msg in self.notes:
            self.note(rule, msg, line, sev)  # type: ignore[arg-type]
        self._read_interfaces()
        for configs in _scopes(self.roots):
            self._scope(_Scope(configs))
        return self.dev

    def _read_interfaces(self) -> None:
        for node in _walk(self.roots):
            if node.name == "system interface":
                for e in node.entries:
                    self.iface_entries.setdefault(e.name, e)
                    s = e.settings.get("ip")
                    if s is not None and s.values:
                        addr = _ipv4(s.values[0].split("/")[0])
                        if addr is not None and not addr.is_unspecified:
                            self.interfaces.setdefault(e.name, addr)

    def _scope(self, scope: _Scope) -> None:
        # VPN blocks this parser does not read
        for c in scope.blocks:
            if c.name.startswith("vpn ipsec ") and c.name not in _P1_PATHS:
                self.note("IGNORED", f"'config {c.name}' is not read (only phase1/phase2 tunnels are)", c.line)
        for p1_path, p2_path, variant in (
            ("vpn ipsec phase1-interface", "vpn ipsec phase2-interface", "interface"),
            ("vpn ipsec phase1", "vpn ipsec phase2", "policy"),
        ):
            p1_blocks = scope.configs(p1_path)
            p2_blocks = scope.configs(p2_path)
            for b in p1_blocks + p2_blocks:
                self._block_stray(b)
            p1s = _entries(p1_blocks)
            p2s = _entries(p2_blocks)
            p1_names = {e.name for e in p1s}
            by_p1: dict[str, list[_Entry]] = {}
            for p2 in p2s:
                ref = p2.get("phase1name")
                if ref is None or not ref.values:
                    self.note(
                        "MISSING", f"phase2 {p2.name!r} names no phase1 (phase1name): not read", p2.line, "warning"
                    )
                elif ref.values[0] not in p1_names:
                    self.note(
                        "UNRESOLVED",
                        f"phase2 {p2.name!r} refers to phase1 {ref.values[0]!r}, which is not in this text "
                        f"('config {p1_path}')",
                        p2.line,
                        "warning",
                    )
                else:
                    by_p1.setdefault(ref.values[0], []).append(p2)
            for p1 in p1s:
                self.dev.tunnels.append(self._tunnel(p1, by_p1.get(p1.name, []), variant, scope, p1_path, p2_path))

    def _block_stray(self, block: Config) -> None:
        for st in block.other:
            self.note("IGNORED", f"{_stmt(st.verb)} in 'config {block.name}' not read", st.line)
        for key, s in block.settings.items():
            self.note(
                "IGNORED",
                f"'set {_safe_word(key)}' directly under 'config {block.name}' (outside any entry) not read",
                s.line,
            )
        for c in block.configs:
            self.note("IGNORED", f"'config {c.name}' directly under 'config {block.name}' not read", c.line)

    def _entry_stray(self, e: _Entry, what: str, section: str, read: frozenset[str]) -> None:
        benign = self.data.benign.get(section, frozenset())
        must_be = self.data.must_be.get(section, {})
        for n in e.nodes:
            for st in n.other:
                self.note("IGNORED", f"{what}: {_stmt(st.verb)} not read", st.line)
            for c in n.configs:
                if c.name not in benign:
                    self.note("IGNORED", f"{what}: nested 'config {c.name}' not read", c.line)
            if not n.closed:
                self.note(
                    "MISSING",
                    f"{what}: the entry is cut off (no 'next'/'end' of its own); settings after line {n.line} "
                    "may be missing",
                    n.line,
                    "warning",
                )
        for key, s in e.settings.items():
            if key in read or key in benign:
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

    # --------------------------------------------------------- defaults
    def _get(
        self,
        t: ParsedTunnel | None,
        e: _Entry,
        section: str,
        key: str,
        fld: str | None,
        used: list[str],
        notes: list[str],
    ) -> Setting | None:
        """The entry's setting, else the documented default (vendor.yaml
        ``defaults.<section>.<key>``) as a setting at the entry's line, recorded
        in ``used`` (for the DEFAULT finding) and in ``t.defaulted[fld]``."""
        s = e.get(key)
        if s is not None and s.values and s.values != [""]:
            return s
        d = self.defaults.get(section, {}).get(key)
        if d is None:
            return s
        value = d["value"]
        used.append(f"{key} {value}")
        if d.get("differs"):
            notes.append(f"{key}: {d['differs']}")
        if t is not None and fld is not None:
            self._defaulted(t, fld, section, key)
        return Setting(value.split(), e.line)

    def _defaulted(self, t: ParsedTunnel, fld: str, section: str, key: str) -> None:
        """Record that ``t.<fld>`` comes from the default ``defaults.<section>.<key>``."""
        d = self.defaults[section][key]
        where = f"vendor.yaml defaults.{section}.{key} = {d['value']} ({d.get('source', 'no source given')})"
        t.defaulted[fld] = f"{t.defaulted[fld]}; {where}" if fld in t.defaulted else where

    # ----------------------------------------------------------- phase1
    def _tunnel(
        self, p1: _Entry, p2s: list[_Entry], variant: str, scope: _Scope, p1_path: str, p2_path: str
    ) -> ParsedTunnel:
        what = f"phase1 {p1.name!r}"
        t = ParsedTunnel(name=p1.name, line=p1.line, variant=variant)
        t.extra["section"] = p1_path
        self._entry_stray(p1, what, "phase1", _P1_READ)
        used: list[str] = []
        notes: list[str] = []

        def get(key: str, fld: str) -> Setting | None:
            return self._get(t, p1, "phase1", key, fld, used, notes)

        # type / remote gateway
        gtype = _word(p1.get("type")) or "static"
        t.extra["type"] = gtype
        ipv = p1.get("ip-version")
        if ipv is not None and _word(ipv) == "6":
            self.note("UNSUPPORTED", f"{what}: IPv6 tunnel (ip-version 6) is not carried", ipv.line, "error")
        rgw = p1.get("remote-gw")
        if gtype == "static":
            addr = _ipv4(rgw.values[0]) if rgw and rgw.values else None
            if addr is not None and not addr.is_unspecified:
                t.peer_address = str(addr)
            elif rgw is not None and rgw.values and addr is None:
                self.note("SYNTAX", f"{what}: remote-gw is not an IPv4 address", rgw.line, "error")
            else:
                self.note("MISSING", f"{what}: no remote-gw address", rgw.line if rgw else p1.line, "warning")
        elif gtype == "dynamic":
            self.note("UNSUPPORTED", f"{what}: dial-up gateway (type dynamic) has no peer address", p1.line, "error")
        elif gtype == "ddns":
            dd = p1.get("remotegw-ddns")
            host = dd.values[0] if dd and dd.values else ""
            t.extra["remotegw_ddns"] = host
            self.note(
                "UNSUPPORTED",
                f"{what}: peer named by dynamic DNS ({host or 'no name'}), not an address",
                p1.line,
                "error",
            )
        else:
            self.note("UNSUPPORTED", f"{what}: remote gateway type {_enum(gtype, ())} not read", p1.line, "error")

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
        ver = get("ike-version", "ike_version")
        if ver is not None and ver.values and ver.values[0] in ("1", "2"):
            t.ike_version = int(ver.values[0])
        else:
            self.note(
                "UNSUPPORTED",
                f"{what}: ike-version is neither 1 nor 2: the IKE version is not read",
                ver.line if ver else p1.line,
                "error",
            )
        mode_w = _word(p1.get("mode"))
        if t.ike_version == 1:
            mode = get("mode", "mode")
            mode_w = _word(mode)
            if mode_w == "aggressive":
                t.mode = "aggressive"
            elif mode_w != "main":
                self.note(
                    "UNSUPPORTED",
                    f"{what}: mode {_enum(mode_w, ())} unknown: the exchange mode is not read",
                    mode.line if mode else p1.line,
                    "error",
                )
        elif mode_w == "aggressive":
            m = p1.get("mode")
            self.note("IGNORED", f"{what}: 'mode aggressive' has no effect with IKEv2", m.line if m else p1.line)

        # authentication
        am_s = get("authmethod", "auth")
        am = _word(am_s)
        if am == "signature":
            t.auth = "certificate"
            t.psk_state = "certificate"
        elif am != "psk":
            t.auth = "unknown"
            self.note(
                "UNSUPPORTED",
                f"{what}: authmethod {_enum(am, ())} not read",
                am_s.line if am_s else p1.line,
                "error",
            )
        else:
            self._psk(t, p1.get("psksecret"), what)

        # proposals x DH groups
        self._ike_proposals(t, p1, what, get)

        # lifetime
        kl = get("keylife", "ike_lifetime")
        t.ike_lifetime = _int(kl)
        if t.ike_lifetime is None:
            self.note("SYNTAX", f"{what}: keylife is not a number", kl.line if kl else p1.line, "error")

        # identities
        self._ids(t, p1, what, get)

        # DPD
        self._dpd(t, p1, what, get)

        an = _word(p1.get("auto-negotiate"))
        t.extra["auto_negotiate"] = an != "disable"

        # phase2
        self._phase2(t, p2s, scope, p2_path)
        self._route_based(t, scope, variant)

        # policies using this tunnel
        pols = scope.policies_of(p1.name, variant)
        t.extra["firewall_policies"] = pols
        if scope.policies and not pols:
            self.note("MISSING", f"{what}: no firewall policy in this text sends traffic through the tunnel", p1.line)

        self._defaults_note(what, p1.line, used, notes)
        return t

    def _defaults_note(self, what: str, line: int, used: list[str], notes: list[str]) -> None:
        if used:
            self.note(
                "DEFAULT",
                f"{what}: not set, FortiOS defaults assumed: {', '.join(used)}",
                line,
            )
        for n in notes:
            self.note("DEFAULT", f"{what}: the default differs by release ({n}); check the device's release", line)

    def _psk(self, t: ParsedTunnel, s: Setting | None, what: str) -> None:
        if s is None or not s.values or s.values == [""]:
            t.psk_state = "missing"
            self.note("MISSING", f"{what}: no psksecret in this text", s.line if s else t.line, "warning")
            return
        if s.cut:
            t.psk_state = "missing"
            self.note("KEY", f"{what}: the psksecret value is cut off (unclosed quote): not read", s.line, "warning")
            return
        if s.values[0] == "ENC":
            t.psk_state = "encrypted"
            self.note("KEY", f"{what}: psksecret is encrypted (ENC): the key itself is not in the text", s.line)
            return
        raw = " ".join(s.values)
        if set(raw) == {"*"} and not (s.quoted and s.quoted[0]):  # `show` masks a key unquoted: ******
            t.psk_state = "masked"
            self.note("KEY", f"{what}: psksecret is masked: the key itself is not in the text", s.line, "warning")
            return
        if raw[:2] in ("0x", "0X"):
            try:
                key = bytes.fromhex(raw[2:]).decode("ascii")
            except ValueError:
                key = ""
            if key and key.isprintable():
                t.psk, t.psk_state = key, "clear"
                self.note("KEY", f"{what}: psksecret is hexadecimal (leading 0x); its ASCII form is used", s.line)
            else:
                t.psk_state = "missing"
                self.note(
                    "UNSUPPORTED",
                    f"{what}: hexadecimal psksecret is not printable ASCII: cannot be carried",
                    s.line,
                    "error",
                )
            return
        t.psk, t.psk_state = raw, "clear"

    def _dh_groups(self, s: Setting | None, what: str) -> list[tuple[str, int | None]]:
        out: list[tuple[str, int | None]] = []
        for g in s.values if s and s.values else []:
            canon = lookup(VENDOR, "dh_group", g)
            out.append((g, int(canon) if canon is not None else None))
        bad = [g for g, c in out if c is None]
        if s is not None and bad:
            # a group the model cannot hold: its proposals stay unknown; an error when none is left
            sev: Severity = "error" if len(bad) == len(out) else "warning"
            if any(not g.isdigit() for g in bad):
                self.note("SYNTAX", f"{what}: a dhgrp value is not a group number", s.line, sev)
            else:
                self.note(
                    "UNSUPPORTED",
                    f"{what}: DH group(s) {' '.join(bad)} cannot be held by the model; their proposals stay unknown",
                    s.line,
                    sev,
                )
        return out

    def _ike_proposals(self, t: ParsedTunnel, p1: _Entry, what: str, get: Any) -> None:
        ps = get("proposal", "ike_proposals")
        tokens = ps.values if ps is not None else []
        dh = get("dhgrp", "ike_proposals")
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
                if enc is not None and not is_aead(enc):
                    enc = integ = None  # a PRF pairs only with AEAD ciphers
            else:
                integ = lookup(VENDOR, "ike_integrity", hash_kw, ver)
                if enc is not None and is_aead(enc):
                    integ = None  # GCM names a PRF, never a hash
            if not hash_kw:
                self.note(
                    "SYNTAX",
                    f"{what}: a phase1 proposal is not an enc-hash pair",
                    ps.line if ps else p1.line,
                    "warning",
                )
            elif enc is None or integ is None:
                self.note(
                    "UNSUPPORTED",
                    f"{what}: phase1 proposal {_safe_word(tok)} cannot be held by the model: it stays unknown",
                    ps.line if ps else p1.line,
                    "warning",
                )
            for g, canon in groups or [("", None)]:
                t.ike_proposals.append(
                    Proposal(encryption=enc, integrity=integ, dh_group=canon, raw=f"{tok} dhgrp {g}" if g else tok)
                )

    def _ids(self, t: ParsedTunnel, p1: _Entry, what: str, get: Any) -> None:
        lt_given = p1.get("localid-type") is not None
        lt = get("localid-type", None)  # recorded below where the default decides the local ID
        ltype = _word(lt) or "auto"
        lid = p1.get("localid")
        lval = " ".join(lid.values) if lid and lid.values else ""
        if lval:
            if ltype in ("auto", "address", "fqdn"):
                t.local_id = _ident_of(lval, ltype)
                if t.local_id.type == "other" and ltype != "auto":
                    self.note(
                        "UNSUPPORTED",
                        f"{what}: localid {lval} is not a valid {'address' if ltype == 'address' else 'host name'}",
                        lid.line if lid else p1.line,
                        "warning",
                    )
            else:  # user-fqdn, keyid, asn1dn
                t.local_id = Ident("other", lval)
            t.extra["localid_type"] = ltype
        elif ltype in ("auto", "address"):
            if t.local_address is not None:
                t.local_id = Ident("address", t.local_address)
                self.note(
                    "IDENTITY",
                    f"{what}: no localid: the local ID is the local address {t.local_address}",
                    lt.line if lt else p1.line,
                )
        else:
            self.note(
                "MISSING",
                f"{what}: localid-type {_enum(ltype, ('fqdn', 'user-fqdn', 'keyid', 'asn1dn'))} without a localid",
                lt.line if lt else p1.line,
                "warning",
            )

        if not lt_given and t.local_id is not None and "localid-type" in self.defaults.get("phase1", {}):
            self._defaulted(t, "local_id", "phase1", "localid-type")

        pt = get("peertype", None)  # `any` leaves the peer ID unchecked: no field is filled
        ptype = _word(pt) or "any"
        pid = p1.get("peerid")
        pval = " ".join(pid.values) if pid and pid.values else ""
        t.extra["peertype"] = ptype
        if ptype == "one":
            if pval:
                t.peer_id = _ident_of(pval, None)
            else:
                self.note("MISSING", f"{what}: peertype one without a peerid", pt.line if pt else p1.line, "warning")
        elif ptype == "any":
            if pval:
                self.note(
                    "IDENTITY",
                    f"{what}: peerid is set but peertype any accepts any peer ID: the peer ID is not checked",
                    pid.line if pid else p1.line,
                )
        else:  # dialup, peer, peergrp: user groups and certificates
            self.note(
                "UNSUPPORTED",
                f"{what}: peertype {_enum(ptype, ('dialup', 'peer', 'peergrp'))} (certificate or user group peers) "
                "not read",
                pt.line if pt else p1.line,
                "warning",
            )

    def _dpd(self, t: ParsedTunnel, p1: _Entry, what: str, get: Any) -> None:
        d = get("dpd", "dpd_enabled")
        mode = _word(d)
        t.extra["dpd"] = mode
        if mode == "disable":
            t.dpd_enabled = False
            return
        if mode not in ("on-idle", "on-demand", "enable"):
            self.note(
                "UNSUPPORTED",
                f"{what}: dpd {_enum(mode, ())} unknown: DPD not read",
                d.line if d else p1.line,
                "error",
            )
            return
        t.dpd_enabled = True
        ri = get("dpd-retryinterval", "dpd_timeout")
        rc = get("dpd-retrycount", "dpd_timeout")
        interval, count = _int(ri), _int(rc)
        if interval is None or count is None:
            self.note("SYNTAX", f"{what}: dpd-retryinterval/dpd-retrycount is not a number", p1.line, "error")
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
            self._entry_stray(p2, what, "phase2", _P2_READ)
            used: list[str] = []
            notes: list[str] = []
            # the first phase2 gives the tunnel's fields: its defaults are recorded on the tunnel
            vals = self._p2_values(t if first is None else None, t.ike_version, p2, what, used, notes)
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
            for pair in self._selectors(t, p2, scope, what, used, notes):
                if pair not in t.selectors:
                    t.selectors.append(pair)
            an = _word(p2.get("auto-negotiate"))
            t.extra.setdefault("phase2_auto_negotiate", {})[p2.name] = an == "enable"
            self._defaults_note(what, p2.line, used, notes)

    def _p2_values(
        self, t: ParsedTunnel | None, ver: int | None, p2: _Entry, what: str, used: list[str], notes: list[str]
    ) -> dict[str, Any]:
        def get(key: str, fld: str | None) -> Setting | None:
            return self._get(t, p2, "phase2", key, fld, used, notes)

        ps = get("proposal", "esp_proposals")
        tokens = ps.values if ps is not None else []
        esp: list[Proposal] = []
        for tok in tokens:
            enc_kw, dash, hash_kw = tok.partition("-")
            enc = lookup(VENDOR, "esp_encryption", enc_kw, ver)
            if not dash:  # AEAD alone: aes128gcm, aes256gcm, chacha20poly1305
                integ = None
                if enc is not None and not is_aead(enc):
                    enc = None
                    self.note(
                        "SYNTAX",
                        f"{what}: a phase2 proposal is neither an enc-hash pair nor an AEAD cipher",
                        ps.line if ps else p2.line,
                        "warning",
                    )
            else:
                integ = lookup(VENDOR, "esp_integrity", hash_kw, ver)
                if enc is not None and is_aead(enc):
                    enc = integ = None
            esp.append(Proposal(encryption=enc, integrity=integ, raw=tok))
        pfs_s = get("pfs", "pfs")
        pfs_w = _word(pfs_s)
        pfs: int | None = None
        if pfs_w == "enable":
            dh = get("dhgrp", "pfs")
            groups = self._dh_groups(dh, what)
            if groups:
                pfs = groups[0][1]
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
                "UNSUPPORTED",
                f"{what}: pfs {_enum(pfs_w, ())} unknown: PFS not read",
                pfs_s.line if pfs_s else p2.line,
                "error",
            )
        kt_s = get("keylife-type", None)  # which lifetimes apply; no value of its own
        kt = _word(kt_s)
        seconds: int | None = None
        kb: int | None = None
        if kt in ("seconds", "both"):
            s = get("keylifeseconds", "ipsec_lifetime_seconds")
            seconds = _int(s)
            if seconds is None:
                self.note("SYNTAX", f"{what}: keylifeseconds is not a number", s.line if s else p2.line, "error")
        if kt in ("kbs", "both"):
            s = get("keylifekbs", "ipsec_lifetime_kb")
            kb = _int(s)
            if kb is None:
                self.note("SYNTAX", f"{what}: keylifekbs is not a number", s.line if s else p2.line, "error")
        if kt not in ("seconds", "kbs", "both"):
            self.note(
                "UNSUPPORTED",
                f"{what}: keylife-type {_enum(kt, ())} unknown: lifetimes not read",
                kt_s.line if kt_s else p2.line,
                "error",
            )
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
    def _side(
        self, t: ParsedTunnel, p2: _Entry, side: str, scope: _Scope, what: str, used: list[str], notes: list[str]
    ) -> list[ipaddress.IPv4Network] | None:
        """The networks of one side (src/dst); None when unreadable. A type or subnet left out takes
        the default of vendor.yaml defaults.phase2 (0.0.0.0/0: `show` omits it)."""
        ts = self._get(t, p2, "phase2", f"{side}-addr-type", "selectors", used, notes)
        typ = _word(ts) or "subnet"
        if typ == "subnet":
            s = self._get(t, p2, "phase2", f"{side}-subnet", "selectors", used, notes)
            if s is None:
                self.note("MISSING", f"{what}: no {side}-subnet", p2.line, "warning")
                return None
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
                    "SELECTORS",
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
            typ = _word(e.settings.get("type")) or "ipmask"
            if typ in ("ipmask", "interface-subnet"):
                s = e.settings.get("subnet")
                net = _subnet(s.values or []) if s is not None else ipaddress.IPv4Network("0.0.0.0/0")
                if net is None:
                    self.note("UNRESOLVED", f"{what}: address {name!r} has no readable subnet", e.line, "warning")
                    return None
                return [net]
            if typ == "iprange":
                a, b = e.settings.get("start-ip"), e.settings.get("end-ip")
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
            if _word(g.settings.get("exclude")) == "enable":
                self.note(
                    "UNRESOLVED",
                    f"{what}: address group {name!r} excludes members: not a list of subnets",
                    g.line,
                    "warning",
                )
                return None
            members = g.settings.get("member")
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

    def _selectors(
        self, t: ParsedTunnel, p2: _Entry, scope: _Scope, what: str, used: list[str], notes: list[str]
    ) -> list[tuple[str, str]]:
        src = self._side(t, p2, "src", scope, what, used, notes)
        dst = self._side(t, p2, "dst", scope, what, used, notes)
        if src is None or dst is None:
            return []
        pairs = [(str(a), str(b)) for a in src for b in dst]
        anyany = ("0.0.0.0/0", "0.0.0.0/0")
        if anyany in pairs:  # reported by _route_based, which knows whether the tunnel is route-based
            t.extra.setdefault("any_any", []).append((p2.name, p2.line))
            pairs = [p for p in pairs if p != anyany]
        return pairs

    # ----------------------------------------------------- route-based
    def _route_based(self, t: ParsedTunnel, scope: _Scope, variant: str) -> None:
        """An interface-mode tunnel whose phase2 selectors are 0.0.0.0/0 both ways (and no narrower
        pair was read) is route-based: its static routes and BGP session are read."""
        anyany: list[tuple[str, int]] = t.extra.get("any_any", [])
        if not anyany:
            if variant == "interface" and t.selectors:
                # narrowed selectors on a tunnel interface: route-based (the selectors kept) when a
                # BGP session runs over the interface; without one it reads as a policy tunnel (static
                # routes into the interface are written for both kinds alike)
                self._bgp(t, scope, narrowed=True)
                t.route_based = t.bgp is not None
                self._health_check(t)
            return
        if variant != "interface" or t.selectors:
            for p2name, line in anyany:
                self.note(
                    "SELECTORS",
                    f"phase2 {p2name!r}: selectors are 0.0.0.0/0 both ways (any/any, route-based): the SPD must "
                    "come from the routes and firewall policies",
                    line,
                    "warning",
                )
            return
        t.route_based = True
        p2name, line = anyany[0]
        self.note(
            "SELECTORS",
            f"phase2 {p2name!r}: selectors are 0.0.0.0/0 both ways (any/any): route-based tunnel, the routes "
            f"into interface {t.name!r} decide what it carries",
            line,
        )
        self._static_routes(t, scope)
        self._bgp(t, scope)
        self._health_check(t)

    def _health_check(self, t: ParsedTunnel) -> None:
        """The cloud's health check: a tunnel interface with no BGP session whose `ip` (this end)
        and `remote-ip` (the cloud's end) both lie in the profile's health-check range is the pair
        (IDC end, cloud end) in ``point_to_point``."""
        iface = self.iface_entries.get(t.name)
        if t.bgp is not None or iface is None:
            return
        ip_s, rip_s = iface.settings.get("ip"), iface.settings.get("remote-ip")
        if ip_s is None or rip_s is None or not ip_s.values or not rip_s.values:
            return
        pair = health_check_pair(ip_s.values[0], rip_s.values[0])
        if pair is not None and pair[0] != pair[1]:
            t.point_to_point = [pair]

    def _static_routes(self, t: ParsedTunnel, scope: _Scope) -> None:
        """`config router static` entries whose device is the tunnel interface: the networks routed
        into the tunnel (a route without dst takes the default of vendor.yaml defaults.router-static)."""
        found: list[dict[str, Any]] = []
        prios: list[tuple[int, bool, int]] = []  # (priority, defaulted, line) of each route read
        for e in scope.statics:
            dev = e.settings.get("device")
            if dev is None or not dev.values or dev.values[0] != t.name:
                continue
            what = f"static route {e.name!r} (line {e.line})"
            if _word(e.settings.get("status")) == "disable":
                self.note("INACTIVE", f"{what} into tunnel {t.name!r} is disabled: not read", e.line)
                continue
            used: list[str] = []
            notes: list[str] = []
            entry = _Entry(e.name, e.line, dict(e.settings), [e])
            nets: list[ipaddress.IPv4Network] | None
            da = e.settings.get("dstaddr")
            if e.settings.get("dst") is None and da is not None and da.values:
                nets = self._resolve(da.values[0], scope, what, da.line, set())
            else:
                dst = self._get(t, entry, "router-static", "dst", "routes", used, notes)
                one = _subnet(dst.values) if dst is not None else None
                nets = [one] if one is not None else None
                if nets is None:
                    self.note("SYNTAX", f"{what}: dst is not an IPv4 subnet", dst.line if dst else e.line, "warning")
            # the route's rank among routes of the same distance (what a pair's backup raises)
            prio = self._get(t, entry, "router-static", "priority", None, used, notes)
            self._defaults_note(what, e.line, used, notes)
            if not nets:
                continue
            if prio is not None and (pv := _int(prio)) is not None:
                prios.append((pv, e.settings.get("priority") is None, e.line))
            for n in nets:
                if str(n) not in t.routes:
                    t.routes.append(str(n))
            found.append(
                {
                    "dst": [str(n) for n in nets],
                    "distance": _int(e.settings.get("distance")),
                    "priority": _int(e.settings.get("priority")),
                    "line": e.line,
                }
            )
        t.extra["static_routes"] = found
        self._route_preference(t, prios, found)

    def _route_preference(
        self, t: ParsedTunnel, prios: list[tuple[int, bool, int]], found: list[dict[str, Any]]
    ) -> None:
        """``route_preference``: the `priority` of the tunnel's static routes (FortiOS keeps
        routes of equal distance in the table and sends over the lowest priority: what the
        backup of a pair raises); several: the lowest, AMBIGUOUS. A `distance` other than
        the default is named (it ranks before the priority and is not in the field)."""
        if not prios:
            return
        d = self.defaults["router-static"]["priority"]
        where = f"vendor.yaml defaults.router-static.priority = {d['value']} ({d.get('source', 'no source given')})"
        lowest_route_preference(
            self.dev,
            t,
            ((None if by_default else v, line, f"static route (line {line})") for v, by_default, line in prios),
            (int(d["value"]), where),
            "priorities",
            t.name,
            report_default=False,
        )
        dflt = self.defaults.get("router-static", {}).get("distance", {}).get("value")
        odd = sorted({r["distance"] for r in found if r["distance"] is not None and str(r["distance"]) != str(dflt)})
        if odd:
            self.note(
                "NOT-CARRIED",
                f"tunnel {t.name!r}: static route distance {', '.join(map(str, odd))} (default {dflt}) ranks "
                "before the priority; route_preference holds the priority only",
                prios[0][2],
            )

    def _bgp(self, t: ParsedTunnel, scope: _Scope, narrowed: bool = False) -> None:
        """The BGP session over the tunnel: the tunnel interface's `ip` (this end) and `remote-ip`
        (the cloud's end, with the inside prefix length), the `config router bgp` neighbor that is
        the remote-ip (or names the tunnel as its interface), `set as`, timers and `config network`.
        ``narrowed``: a tunnel with selectors, which a missing session leaves policy-based (said nowhere)."""
        blocks = scope.configs("router bgp")
        iface = self.iface_entries.get(t.name)
        local_ip = peer_ip = None
        prefixlen: int | None = None
        if iface is not None:
            ip_s, rip_s = iface.settings.get("ip"), iface.settings.get("remote-ip")
            if ip_s is not None and ip_s.values:
                a = _ipv4(ip_s.values[0].split("/")[0])
                local_ip = str(a) if a is not None and not a.is_unspecified else None
            if rip_s is not None and rip_s.values:
                a = _ipv4(rip_s.values[0].split("/")[0])
                peer_ip = str(a) if a is not None and not a.is_unspecified else None
                rnet = _subnet(rip_s.values)
                if peer_ip is not None and rnet is not None and (len(rip_s.values) > 1 or "/" in rip_s.values[0]):
                    prefixlen = rnet.prefixlen
        neighbors = [e for b in blocks for c in b.configs if c.name == "neighbor" for e in c.entries]
        nb = next((e for e in neighbors if peer_ip is not None and e.name == peer_ip), None)
        if nb is None:
            nb = next(
                (e for e in neighbors if (s := e.settings.get("interface")) and s.values and s.values[0] == t.name),
                None,
            )
        if nb is None:
            if blocks and peer_ip is not None and not narrowed:
                self.note(
                    "MISSING",
                    f"tunnel {t.name!r}: no BGP neighbor {peer_ip} (the tunnel interface's remote-ip) in "
                    "'config router bgp': read as a static route-based tunnel",
                    blocks[0].line,
                    "warning",
                )
            return
        what = f"BGP neighbor {nb.name!r}"
        if peer_ip is None:
            peer_ip = ipv4(nb.name)
        if local_ip is None:
            self.note(
                "MISSING",
                f"{what}: the tunnel interface {t.name!r} has no inside address ('config system interface' "
                "/ set ip) in this text",
                nb.line,
                "warning",
            )

        def setting(key: str) -> Setting | None:
            for b in blocks:
                if key in b.settings:
                    return b.settings[key]
            return None

        as_s = setting("as")
        local_asn = _int(as_s)
        if local_asn == 0:
            self.note("INACTIVE", f"{what}: 'set as 0' disables BGP", as_s.line if as_s else nb.line, "warning")
            local_asn = None
        elif local_asn is None:
            self.note(
                "UNSUPPORTED" if as_s is not None else "MISSING",
                f"{what}: the local AS ('config router bgp' / set as) is "
                + ("not a plain AS number" if as_s is not None else "not in this text"),
                as_s.line if as_s else nb.line,
                "warning",
            )
        ra = nb.settings.get("remote-as")
        peer_asn = _int(ra)
        if peer_asn is None:
            self.note(
                "MISSING" if ra is None else "UNSUPPORTED",
                f"{what}: remote-as is " + ("not in this text" if ra is None else "not a plain AS number"),
                ra.line if ra else nb.line,
                "warning",
            )
        hold = nb.settings.get("holdtime-timer") or setting("holdtime-timer")
        keep = nb.settings.get("keep-alive-timer") or setting("keepalive-timer")
        advertise: list[str] = []
        for b in blocks:
            for c in b.configs:
                if c.name != "network":
                    continue
                for e in c.entries:
                    pf = e.settings.get("prefix")
                    net = _subnet(pf.values) if pf is not None and pf.values else None
                    if net is None:
                        self.note(
                            "UNSUPPORTED",
                            f"BGP network {e.name!r}: no IPv4 prefix (set prefix) read: not carried",
                            e.line,
                            "warning",
                        )
                    elif str(net) not in advertise:
                        advertise.append(str(net))
        t.bgp = ParsedBgp(
            local_asn=local_asn,
            peer_asn=peer_asn,
            local_ip=local_ip,
            peer_ip=peer_ip,
            prefixlen=prefixlen,
            hold_time=_int(hold),
            keepalive=_int(keep),
            advertise=advertise,
            line=nb.line,
        )
        rm = nb.settings.get("route-map-in")
        t.extra["bgp_route_map_in"] = rm.values[0] if rm is not None and rm.values else None
        if t.extra["bgp_route_map_in"] is not None:
            t.bgp.local_preference = self._route_map_local_preference(scope, t.extra["bgp_route_map_in"])

    def _route_map_local_preference(self, scope: _Scope, name: str) -> int | None:
        """The local preference a `config router route-map` entry sets on every route: each
        rule `set set-local-preference N` with one N and no match; None otherwise."""
        maps = [e for b in scope.configs("router route-map") for e in b.entries if e.name == name]
        if len(maps) != 1:
            return None
        rules = [r for c in maps[0].configs if c.name == "rule" for r in c.entries]
        values: set[int | None] = set()
        for r in rules:
            if any(k.startswith("match-") for k in r.settings):
                return None
            values.add(_int(r.settings.get("set-local-preference")))
        return values.pop() if len(values) == 1 else None


def parse(text: str, name: str) -> ParsedDevice:
    """The phase1 entries of a FortiOS text as tunnels, with findings."""
    return _Parser(text, name).run()
