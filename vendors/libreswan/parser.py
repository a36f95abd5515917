"""Libreswan (pluto): ipsec.conf, with ipsec.secrets given alongside.

The text is read by the shared layer ``vpnconf.parsing.ipsecconf`` (sections,
``key=value``, ``also=``, ``%default``, secrets lines and their indented
continuations), parameterised by this vendor's ``grammar:`` data. This module
only says what the keys mean to pluto (sources: ipsec.conf(5) and
ipsec.secrets(5) of 4.10 and of 5.x, the CHANGES file; vendors/libreswan/README.md).

* One ParsedTunnel per group of conns that differ only in their subnets
  (``also=`` children of one base conn, as our renderer writes them; the tunnel
  takes the base conn's name when only one group uses it, else the conn's own
  name). A conn that others include and that has no ``auto=`` (the default
  ``ignore``) is a template, not a tunnel.
* ``left`` is this device (the convention ipsec.conf(5) recommends; pluto picks
  the side whose address is local).
* IKE version: ``keyexchange=ikev1|ikev2`` (5.x) or ``ikev2=yes|no`` (4.x, old
  values insist/propose -> IKEv2, permit -> IKEv1); neither: IKEv2, the default
  since 4.0 (DEFAULT finding).
* Proposals: ``ike=ENC-INTEG;DH,...`` and ``esp=`` / ``phase2alg=``
  ``ENC[-INTEG][;DH]`` (the legacy third ``-DH`` too); ``+`` joins alternatives
  of one kind, every combination is a Proposal. A missing ``ike=``/``esp=`` is
  pluto's built-in list: kept as a ``default`` proposal, never read as algorithms.
  A cipher without a key length (``aes``) is every key length (256 first).
* PFS: ``pfs=yes`` (the default) uses the ESP proposal's DH, else the IKE SA's
  group; ``pfs=no`` none.
* Lifetimes: ``ikelifetime`` and ``salifetime`` (aliases ``keylife``,
  ``lifetime``, ``ipsec-lifetime``), default 8h each; ``ipsec-max-bytes``
  (KiB/MiB/... suffixes) as the traffic lifetime in KB.
* Route-based: ``ipsec-interface=yes|N`` (XFRM interface ipsecN) or
  ``vti-interface=``; 0.0.0.0/0 on both sides is any/any.
* Secrets: the entry whose indices match this conn's identities (or addresses)
  most specifically wins (two matching indices over one, over none); a tie
  between different keys chooses none (AMBIGUOUS). Quoted secrets are taken as
  written; ``0x``/``0s``/``0t`` unquoted ones are decoded.

``ParsedTunnel.extra`` may hold ``conns``, ``auto``, ``interface``,
``vti_interface``, ``local_host``/``peer_host``, ``psk_source``,
``psk_candidates``. No finding prints a value of a secret.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from functools import cache, lru_cache
from itertools import product
from pathlib import Path
from typing import Any

from vpnconf.catalog import vendors
from vpnconf.parsing import (
    Ident,
    ParsedDevice,
    ParsedTunnel,
    Proposal,
    PskState,
    ipsecconf,
    lookup,
    lowest_route_preference,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from vpnconf.findings import Severity

VENDOR = Path(__file__).resolve().parent.name  # the folder is the vendor id

_TIME = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_TIME_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_BYTES = re.compile(r"^(\d{1,20})[ \t]*(|KiB|MiB|GiB|TiB|PiB|EiB)$")
_BYTE_UNITS = {"": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40, "PiB": 1 << 50, "EiB": 1 << 60}
_MAX_COMBINATIONS = 256  # offers read from one ike=/esp= list ('+' alternatives multiply)
_PLACEHOLDER = re.compile(r"^(?:<[^<>]*>|\$\{[^}]*\}|\{\{.*\}\}|%prompt)$")
_HOST = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


@cache
def _data() -> tuple[dict[str, Any], dict[str, Any]]:
    v = vendors()[VENDOR]
    return v.grammar, v.defaults


_WIDTH = 40  # how many characters of a value a finding quotes


def _short(value: str | None, n: int = _WIDTH) -> str:
    value = (value or "").replace("\n", " ")
    return value if len(value) <= n else value[: n - 3] + "..."


def _time(value: str | None) -> int | None:
    m = _TIME.match((value or "").strip())
    if not m or len(m.group(1)) > 12:
        return None
    if "." in m.group(1) and not m.group(2):
        return None
    return int(float(m.group(1)) * _TIME_UNITS[m.group(2)])


def _bytes(value: str | None) -> int | None:
    m = _BYTES.match((value or "").strip())
    return int(m.group(1)) * _BYTE_UNITS[m.group(2)] if m else None


@lru_cache(maxsize=8192)
def _ipv4(s: str) -> str | None:
    try:
        return str(ipaddress.IPv4Address(s))
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def _net(s: str) -> str | None:
    try:
        return str(ipaddress.IPv4Network(s, strict=False))
    except ValueError:
        return None


def _ident(value: str) -> Ident:
    """leftid=: an address, @fqdn (literal), a host name (resolved by pluto: kept
    as fqdn), anything else (DNs, @[keyid], %fromcert) is 'other'."""
    v = value.strip()
    if v.startswith("@") and not v.startswith("@[") and v[1:] and _HOST.match(v[1:].lstrip("#~")):
        return Ident("fqdn", v[1:])
    ip = _ipv4(v)
    if ip:
        return Ident("address", ip)
    if _HOST.match(v) and not v.replace(".", "").isdigit():
        return Ident("fqdn", v)
    return Ident("other", v)


def _id_key(value: str) -> str:
    """One spelling for an identity or a secrets index: an address as written
    normalised, an FQDN with its '@'."""
    v = value.strip().strip('"')
    ip = _ipv4(v)
    if ip:
        return ip
    try:
        return str(ipaddress.ip_address(v))
    except ValueError:
        pass
    return v.lower() if v.startswith("@") or v.startswith("%") else "@" + v.lower()


# ============================================================= entry point
def parse(text: str, name: str) -> ParsedDevice:
    dev = ParsedDevice(vendor=VENDOR, file=name)
    if not text.strip():
        dev.note("SYNTAX", "the file is empty: no Libreswan configuration", None, "error")
        return dev
    text, routes, pairs = _split_routes(text)
    text = _reindent(dev, text)
    _Reader(dev, text).run()
    _attach_routes(dev, routes, pairs)
    return dev


_RE_SECTION = re.compile(r"^(?:conn|config)[ \t]+\S")
_RE_FLUSH_SETTING = re.compile(r"^[A-Za-z][\w-]*[ \t]*=")


def _reindent(dev: ParsedDevice, text: str) -> str:
    """A paste that lost its indentation: ``key=value`` lines flush left after a
    section header belong to that section (pluto itself would refuse them)."""
    lines = text.split("\n")
    section: tuple[str, int] | None = None
    moved: dict[int, int] = {}
    for i, line in enumerate(lines):
        if _RE_SECTION.match(line):
            section = (line.split()[1], i)
            continue
        if not line or line[0] in " \t#" or section is None:
            continue
        if _RE_FLUSH_SETTING.match(line) and ":" not in line.split("=", 1)[0]:
            lines[i] = "    " + line
            moved[section[1]] = moved.get(section[1], 0) + 1
        else:
            section = None
    for start, n in moved.items():
        dev.note(
            "REINDENTED",
            f"{n} setting line(s) of '{_short(lines[start].strip())}' were flush left (lost indentation): read as its "
            "settings; pluto needs them indented",
            start + 1,
            "warning",
        )
    return "\n".join(lines)


# the ipsec-interface variant's routes.sh (iproute2 commands), given alongside:
# its lines are blanked for the ipsec.conf reader (line numbers kept) and read here
_RE_FILE = re.compile(r"^# ==> (.+?) <==[ \t]*$")
_RE_SHELL = re.compile(r"^(?:#!/bin/\w*sh\b|set -e\b|ip[ \t]+(?:-\d[ \t]+)?(?:route|addr|address|link|rule)[ \t])")
# ip-address(8): the point-to-point address pair the cloud's health check probes
_RE_P2P = re.compile(
    r"^ip[ \t]+(?:-4[ \t]+)?addr(?:ess)?[ \t]+(?:add|replace)[ \t]+(\S+)[ \t]+peer[ \t]+(\S+)[ \t]+dev[ \t]+(\S+)[ \t]*$"
)
_RE_ROUTE = re.compile(
    r"^ip[ \t]+(?:-4[ \t]+)?route[ \t]+(?:add|replace|append)[ \t]+(\S+)[ \t]+dev[ \t]+(\S+)(?:[ \t]+metric[ \t]+(\d{1,10}))?[ \t]*$"
)


_Route = tuple[int, str, str, int | None, str]  # (line, destination, device, metric, raw)
_Pair = tuple[int, str, str, str]  # (line, address, peer, device): ip addr add A peer B dev X


def _split_routes(text: str) -> tuple[str, list[_Route], list[_Pair]]:
    """(text with shell lines blanked, routes, point-to-point address pairs)."""
    lines = text.split("\n")
    routes: list[_Route] = []
    pairs: list[_Pair] = []
    shell_file = False
    for i, line in enumerate(lines):
        h = _RE_FILE.match(line)
        if h:
            shell_file = h.group(1).strip().endswith(".sh")
            continue
        stripped = line.strip()
        if shell_file or _RE_SHELL.match(stripped):
            lines[i] = ""
            if not stripped or stripped.startswith("#") or stripped.startswith("set -e"):
                continue
            m = _RE_ROUTE.match(stripped)
            p2p = _RE_P2P.match(stripped)
            if m:
                routes.append((i + 1, m.group(1), m.group(2), int(m.group(3)) if m.group(3) else None, stripped))
            elif p2p:
                pairs.append((i + 1, p2p.group(1), p2p.group(2), p2p.group(3)))
            else:
                routes.append((i + 1, "", "", None, stripped))
    return "\n".join(lines), routes, pairs


def _attach_routes(dev: ParsedDevice, routes: list[_Route], pairs: list[_Pair]) -> None:
    by_dev = {t.extra.get("interface"): t for t in dev.tunnels if t.extra.get("interface")}
    for line, own, peer, ifname in pairs:
        t = by_dev.get(ifname)
        if t is None:
            dev.note(
                "UNRESOLVED",
                f"address {_short(own)} peer {_short(peer)} on {_short(ifname)}: no conn with that ipsec-interface",
                line,
                "warning",
                "routes.sh",
            )
        else:
            t.point_to_point.append((own, peer))
    metrics: dict[str, list[tuple[int | None, int]]] = {}  # tunnel -> (metric written, line) of its routes
    for line, dest, ifname, metric, raw in routes:
        if not dest:
            dev.note("IGNORED", f"shell line '{_short(raw)}' is not read", line, "info", "routes.sh")
            continue
        net = _net(dest)
        t = by_dev.get(ifname)
        if t is None or net is None:
            dev.note(
                "UNRESOLVED",
                f"route {_short(dest)} via {_short(ifname)}: no conn with that ipsec-interface"
                if net
                else f"route {_short(dest)} is not an IPv4 network",
                line,
                "warning",
                "routes.sh",
            )
            continue
        t.routes.append(net)
        metrics.setdefault(t.name, []).append((metric, line))
    d = _data()[1]["ip_route_metric"]
    for t in dev.tunnels:
        got = metrics.get(t.name)
        if got:
            # route_preference: the routes' metric (none written: the kernel's IPv4 default)
            iface = str(t.extra.get("interface"))
            lowest_route_preference(
                dev,
                t,
                ((m, ln, f"route into {iface}") for m, ln in got),
                (int(d["value"]), str(d["source"])),
                "metrics",
                iface,
                path="routes.sh",
            )
        if t.route_based and not t.routes:
            dev.note(
                "NOT-CARRIED",
                f"route-based over {t.extra.get('interface') or t.extra.get('vti_interface')}: no routes into it "
                "given (routes.sh); they live in the routing table or a routing daemon",
                t.line,
                "info",
                t.name,
            )


class _Reader:
    def __init__(self, dev: ParsedDevice, text: str) -> None:
        self.dev = dev
        self.g = ipsecconf.grammar(VENDOR)
        self.doc = ipsecconf.read(text, VENDOR)
        self.grammar, self.defaults = _data()
        self._index: tuple[dict[str, list[Any]], dict[str, list[Any]], list[Any]] | None = None

    def note(self, rule: str, msg: str, line: int | None, sev: Severity = "info", path: str = "") -> None:
        self.dev.note(rule, msg, line, sev, path)

    def default(self, t: ParsedTunnel, fld: str, key: str, line: int | None, path: str, extra: str = "") -> None:
        where = f"Libreswan default {key}={self.defaults['ipsec.conf'][key]}{extra} (vendor.yaml defaults)"
        t.defaulted[fld] = where
        self.note("DEFAULT", f"{key} not set: {where}", line, "info", path)

    # ---------------------------------------------------------------- run
    def run(self) -> None:
        doc, g = self.doc, self.g
        setup: dict[str, tuple[str | None, int]] = {}
        for sec in doc.others:
            if sec.kind == "config":
                setup.update(sec.settings)
        effs = ipsecconf.effective_conns(self.dev, doc, g, setup_keys=("ikev1-policy",))
        self.ikev1_policy = setup.get("ikev1-policy")
        if not doc.conns:
            return
        referenced = {target for c in doc.conns.values() for target, _ in c.also}
        templates: set[str] = set()
        for n, conn in doc.conns.items():
            if n == g.default_section:
                continue
            auto = (effs[n].get("auto", ("ignore", 0))[0] or "ignore").strip().lower()
            if auto == "ignore":
                if n in referenced and "auto" not in conn.settings:
                    templates.add(n)
                    continue
                self.note(
                    "INACTIVE",
                    "auto=ignore (the default): pluto does not load this conn; read anyway",
                    conn.line,
                    "info",
                    n,
                )
        grouped = ipsecconf.groups(doc, g, effs, templates)
        uses: dict[str, int] = {}
        for base, _ in grouped:
            uses[base] = uses.get(base, 0) + 1
        self.used: set[int] = set()
        for (base, _), members in grouped.items():
            tname = base if uses[base] == 1 else members[0]
            self.tunnel(tname, base, members, effs)
        for entry in doc.secrets:
            if entry.line not in self.used:
                self.note("UNUSED", "this PSK entry matches no conn of the text", entry.line, "info", "ipsec.secrets")

    # ------------------------------------------------------------- tunnel
    def tunnel(self, name: str, base: str, members: list[str], effs: dict[str, dict[str, tuple[str, int]]]) -> None:
        conns = self.doc.conns
        line0 = conns[base].line if base in conns and base == name else conns[members[0]].line
        c = ipsecconf.Tunnel.start(self.dev, name, members, effs, line0, _WIDTH)
        t, eff, val, line, path = c.t, c.eff, c.val, c.line, c.path
        self._version(t, val, line, path)
        if t.ike_version == 1 and "keyexchange" in eff and (self.ikev1_policy or ("", 0))[0] != "accept":
            self.note(
                "INACTIVE",
                "keyexchange=ikev1 without 'ikev1-policy=accept' in config setup: Libreswan 5 drops IKEv1 "
                "(the default ikev1-policy=drop) and refuses to load this conn",
                line("keyexchange"),
                "warning",
                path,
            )
        agkey = "aggressive" if "aggressive" in eff else "aggrmode"
        ipsecconf.aggressive(c, agkey, (val(agkey) or "no").strip().lower() == "yes")
        ipsecconf.tunnel_type(c)
        # addresses and identities (left = this device)
        t.local_address = self._address(t, val("left"), "left", line("left"), path, "local_host")
        t.peer_address = self._address(t, val("right"), "right", line("right"), path, "peer_host")
        lid, rid = ipsecconf.identities(c, _ident)
        for side, ident, key in (("local", t.local_id, "leftid"), ("remote", t.peer_id, "rightid")):
            if ident is not None and _PLACEHOLDER.match(ident.value):
                self.note(
                    "PLACEHOLDER",
                    f"{key}={_short(ident.value)} is a template placeholder, kept as such",
                    line(key),
                    "warning",
                    path,
                )
            elif ident is not None and ident.type == "other":
                self.note(
                    "IDENTITY",
                    f"{side} id {_short(ident.value)} is neither an IPv4 address nor an FQDN",
                    line(key),
                    "info",
                    path,
                )
        self._auth(c)
        # proposals
        ike_props = self._proposals(val("ike"), "IKE", t.ike_version, line("ike"), path)
        esp_key = "esp" if "esp" in eff else "phase2alg"
        esp_props = self._proposals(val(esp_key), "ESP", t.ike_version, line(esp_key), path)
        if val("ike") is None:
            self.note(
                "DEFAULT",
                "no ike=: pluto's built-in IKE proposals (ipsec algparse ike) are used, not read as algorithms",
                line0,
                "info",
                path,
            )
        if val(esp_key) is None:
            self.note(
                "DEFAULT",
                "no esp=: pluto's built-in ESP proposals (ipsec algparse esp) are used, not read as algorithms",
                line0,
                "info",
                path,
            )
        t.ike_proposals = [p for p, _ in ike_props]
        t.esp_proposals = [p for p, _ in esp_props]
        phase2 = (val("phase2") or "esp").strip().lower()
        if phase2 != "esp":
            self.note("UNSUPPORTED", f"phase2={_short(phase2)}: only ESP is read", line("phase2"), "warning", path)
        self._pfs(t, val, line, path, ike_props, esp_props)
        self._lifetimes(c)
        self._dpd(c)
        self._routing(t, val, line, path)
        # selectors
        for n in members:
            self._selectors(t, effs[n], conns[n].line, n)
        ipsecconf.selectors_and_auto(c)
        if t.route_based and t.selectors and all(s == ("0.0.0.0/0", "0.0.0.0/0") for s in t.selectors):
            self.note("SELECTORS", "route-based: 0.0.0.0/0 on both sides (any/any)", line0, "info", path)
        self._secret(t, lid, rid, path)
        self.dev.tunnels.append(t)

    def _version(self, t: ParsedTunnel, val: Any, line: Any, path: str) -> None:
        kx = (val("keyexchange") or "").strip().lower()
        v2 = (val("ikev2") or "").strip().lower()
        if kx in ("ikev1", "ikev2"):
            t.ike_version = int(kx[-1])
            if v2:
                self.note(
                    "IGNORED", "ikev2= is read past: keyexchange= decides the IKE version", line("ikev2"), "info", path
                )
            return
        if kx and kx != "ike":
            self.note(
                "UNSUPPORTED",
                f"keyexchange={_short(kx)} is not ike, ikev1 or ikev2",
                line("keyexchange"),
                "error",
                path,
            )
            return
        if v2:
            if v2 in ("yes", "insist", "propose"):
                t.ike_version = 2
            elif v2 in ("no", "permit", "never"):
                t.ike_version = 1
            else:
                self.note(
                    "UNSUPPORTED",
                    f"ikev2={_short(v2)} is not yes or no: the IKE version is unknown",
                    line("ikev2"),
                    "error",
                    path,
                )
                return
            if v2 in ("insist", "propose", "permit", "never"):
                self.note(
                    "DEFAULT",
                    f"ikev2={v2} is an old value: pluto reads it as IKEv{t.ike_version} only (4.x and later)",
                    line("ikev2"),
                    "info",
                    path,
                )
            return
        t.ike_version = 2
        self.default(t, "ike_version", "keyexchange", t.line, path, " (4.x: ikev2=yes, the default since 4.0)")

    def _address(
        self, t: ParsedTunnel, value: str | None, side: str, line: int, path: str, host_key: str
    ) -> str | None:
        if value is None:
            self.note(
                "MISSING",
                f"{side}= is not set: no {'local' if side == 'left' else 'peer'} address",
                line,
                "warning",
                path,
            )
            return None
        v = value.strip()
        ip = _ipv4(v)
        if ip:
            return ip
        t.extra[host_key] = v
        if _PLACEHOLDER.match(v):
            self.note(
                "PLACEHOLDER", f"{side}={_short(v)} is a template placeholder, kept as such", line, "warning", path
            )
            return None
        if v.startswith("%"):
            self.note(
                "IDENTITY" if side == "right" else "SELECTORS",
                f"{side}={_short(v)}: the address is filled in at run time (not an address in the text)",
                line,
                "info",
                path,
            )
        else:
            self.note(
                "UNSUPPORTED",
                f"{side}={_short(v)} is not an IPv4 address (a host name is resolved by pluto at load time)",
                line,
                "warning",
                path,
            )
        return None

    def _auth(self, c: ipsecconf.Tunnel) -> None:
        kinds = []
        authby = (c.val("authby") or str(self.defaults["ipsec.conf"]["authby"])).strip().lower()
        for key in ("leftauth", "rightauth"):
            a = (c.val(key) or "").strip().lower()
            if not a:
                a = (
                    "secret"
                    if authby == "secret"
                    else ("other" if "secret" in authby or authby in ("null", "never") else "pubkey")
                )
            kinds.append(
                "psk" if a in ("secret", "psk") else ("other" if a in ("other", "null", "never") else "pubkey")
            )
        ipsecconf.auth_default(
            c, f"Libreswan default authby={self.defaults['ipsec.conf']['authby']} (vendor.yaml defaults)"
        )
        ipsecconf.auth(c, kinds, _short(authby))

    # ---------------------------------------------------------- proposals
    def _alg(self, tok: str, table: str, version: int | None) -> Any:
        tok = tok.strip().lower()
        tok = str(self.grammar.get("aliases", {}).get(tok, tok))
        return lookup(VENDOR, table, tok, version)

    def _proposals(
        self, value: str | None, proto: str, version: int | None, line: int, path: str
    ) -> list[tuple[Proposal, int | str | None]]:
        """(Proposal, DH/PFS group: int, None when not given, 'x' when unknown) per combination."""
        if value is None:
            return [(Proposal(raw="default"), "x")]
        out: list[tuple[Proposal, int | str | None]] = []
        kes: dict[str, int] = self.grammar.get("key_exchange", {})
        nokl: dict[str, list[str]] = self.grammar.get("no_key_length", {})
        aead = set(self.grammar.get("aead", []))
        enc_t, int_t = ("ike_encryption", "ike_integrity") if proto == "IKE" else ("esp_encryption", "esp_integrity")
        for raw in value.split(","):
            raw = raw.strip()
            if not raw:
                continue
            algs, _, dh_part = raw.partition(";")
            words = algs.split("-")
            if len(words) > 3 or not words[0]:
                self.note("UNSUPPORTED", f"{proto} proposal {_short(raw)} is not ENCRYPT-INTEG;DH", line, "error", path)
                out.append((Proposal(raw=raw), "x"))
                continue
            if len(words) == 3:
                if dh_part:
                    self.note("SYNTAX", f"{proto} proposal {_short(raw)} names its DH group twice", line, "error", path)
                dh_part = words[2]
            encs: list[str] = []
            for e in words[0].split("+"):
                encs.extend(nokl.get(e.strip().lower(), [e.strip().lower()]))
                if e.strip().lower() in nokl:
                    self.note(
                        "DEFAULT",
                        f"{proto} cipher {e.strip()} has no key length: pluto proposes every one; read as "
                        f"{', '.join(nokl[e.strip().lower()])} (ipsec.conf(5): default key size 256)",
                        line,
                        "info",
                        path,
                    )
            integs = [i.strip().lower() for i in words[1].split("+")] if len(words) > 1 and words[1] else []
            dhs = [d.strip().lower() for d in dh_part.split("+")] if dh_part.strip() else []
            if len(encs) * max(len(integs), 1) * max(len(dhs), 1) + len(out) > _MAX_COMBINATIONS:
                self.note(
                    "UNSUPPORTED",
                    f"{proto} proposals combine into more than {_MAX_COMBINATIONS} offers: the rest are not read",
                    line,
                    "error",
                    path,
                )
                break
            for enc, integ, dh in product(encs, integs or [""], dhs or [""]):
                p = Proposal(raw=raw)
                p.encryption = self._alg(enc, enc_t, version)
                if p.encryption is None:
                    self.note(
                        "UNSUPPORTED", f"{proto} cipher {_short(enc)} is not one the model holds", line, "warning", path
                    )
                is_aead = str(self.grammar.get("aliases", {}).get(enc, enc)) in aead
                if integ and not (proto == "ESP" and is_aead and integ == "null"):
                    if proto == "ESP" and is_aead:
                        self.note(
                            "SYNTAX",
                            f"ESP {_short(enc)} is AEAD: integrity {_short(integ)} is not allowed",
                            line,
                            "warning",
                            path,
                        )
                    else:
                        p.integrity = self._alg(
                            integ, int_t if not (proto == "IKE" and is_aead) else "ike_prf", version
                        )
                        if p.integrity is None:
                            self.note(
                                "UNSUPPORTED",
                                f"{proto} integrity {_short(integ)} is not one the model holds",
                                line,
                                "warning",
                                path,
                            )
                elif not integ and not is_aead:
                    self.note(
                        "DEFAULT",
                        f"{proto} proposal {_short(raw)} names no integrity: pluto fills in its defaults (not read)",
                        line,
                        "info",
                        path,
                    )
                group: int | str | None = None
                if dh:
                    if dh in self.grammar.get("no_key_exchange", []):
                        group = None
                    elif dh in kes:
                        group = int(kes[dh])
                        if group in (1, 2, 22, 23, 24):
                            self.note(
                                "UNSUPPORTED",
                                f"{proto} DH group {dh} (DH{group}) is not built into Libreswan 4.x/5.x by default "
                                "(DH1 removed, DH2 and DH22-24 compiled out): pluto refuses it",
                                line,
                                "warning",
                                path,
                            )
                    else:
                        self.note("UNSUPPORTED", f"{proto} DH group {_short(dh)} is not known", line, "error", path)
                        group = "x"
                elif proto == "IKE":
                    group = "x"
                    self.note(
                        "DEFAULT",
                        f"IKE proposal {_short(raw)} names no DH group: pluto proposes its default groups (not read)",
                        line,
                        "info",
                        path,
                    )
                if proto == "IKE":
                    p.dh_group = group if isinstance(group, int) else None
                out.append((p, group))
        if not out:
            self.note("SYNTAX", f"{proto} proposal list is empty", line, "error", path)
        return out

    def _pfs(self, t: ParsedTunnel, val: Any, line: Any, path: str, ike: list[Any], esp: list[Any]) -> None:
        pfs = (val("pfs") or "yes").strip().lower()
        if val("pfs") is None:
            t.defaulted["pfs"] = "Libreswan default pfs=yes (vendor.yaml defaults)"
            self.note("DEFAULT", "pfs not set: Libreswan default pfs=yes", line("esp"), "info", path)
        if pfs == "no":
            if any(isinstance(g, int) for _, g in esp):
                self.note("IGNORED", "pfs=no: the DH group in esp= is ignored", line("esp"), "info", path)
            t.pfs = None
            return
        if pfs != "yes":
            self.note("UNSUPPORTED", f"pfs={_short(pfs)} is not yes or no", line("pfs"), "error", path)
            t.pfs_unknown = True
            return
        groups = {g for _, g in esp if g is not None}
        if not groups or groups == {None}:
            ike_groups = [g for _, g in ike]
            if ike_groups and isinstance(ike_groups[0], int):
                t.pfs = ike_groups[0]
                self.note(
                    "DEFAULT",
                    f"PFS without a DH group in esp=: the IKE SA's group (DH{t.pfs}) is used",
                    line("esp"),
                    "info",
                    path,
                )
            else:
                t.pfs_unknown = True
                self.note(
                    "MISSING",
                    "PFS is on but its group is the IKE SA's, which the text does not name",
                    line("esp"),
                    "warning",
                    path,
                )
            return
        if len(groups) > 1:
            self.note(
                "AMBIGUOUS", "ESP proposals name different DH groups: PFS group unknown", line("esp"), "warning", path
            )
            t.pfs_unknown = True
            return
        (g,) = groups
        if isinstance(g, int):
            t.pfs = g
        else:
            t.pfs_unknown = True

    def _lifetimes(self, c: ipsecconf.Tunnel) -> None:
        t, eff, line, path = c.t, c.eff, c.line, c.path
        if "ikelifetime" in eff:
            t.ike_lifetime = ipsecconf.number(c, "ikelifetime", _time, "a time")
        else:
            t.ike_lifetime = _time(str(self.defaults["ipsec.conf"]["ikelifetime"]))
            self.default(t, "ike_lifetime", "ikelifetime", t.line, path, " (4.0 and 4.1: 1h)")
        key = next((k for k in ("salifetime", "ipsec-lifetime", "lifetime", "keylife") if k in eff), None)
        if key:
            t.ipsec_lifetime_seconds = ipsecconf.number(c, key, _time, "a time")
        else:
            t.ipsec_lifetime_seconds = _time(str(self.defaults["ipsec.conf"]["salifetime"]))
            self.default(t, "ipsec_lifetime_seconds", "salifetime", t.line, path)
        for k, lt in (("ikelifetime", t.ike_lifetime), (key or "", t.ipsec_lifetime_seconds)):
            if k and lt and lt > 86400:
                self.note("UNSUPPORTED", f"{k}: more than 24h, pluto uses at most 24h", line(k), "warning", path)
        ipsecconf.volume(c, "ipsec-max-bytes", _bytes, "a byte count")

    def _dpd(self, c: ipsecconf.Tunnel) -> None:
        t, eff, val, line, path = c.t, c.eff, c.val, c.line, c.path
        delay = ipsecconf.number(c, "dpddelay", _time, "a time", ": DPD is unknown") if "dpddelay" in eff else 0
        if not delay:  # not a time (noted) or 0: no DPD
            return
        t.dpd_enabled = True
        if "dpdtimeout" in eff:
            t.dpd_timeout = ipsecconf.number(c, "dpdtimeout", _time, "a time")
        elif t.ike_version == 1:
            self.note(
                "MISSING",
                "dpddelay without dpdtimeout: IKEv1 DPD needs both (ipsec.conf(5))",
                line("dpddelay"),
                "warning",
                path,
            )
        else:
            self.note(
                "DEFAULT",
                "IKEv2 liveness without dpdtimeout: the peer is declared dead after retransmit-timeout (60s by default)",
                line("dpddelay"),
                "info",
                path,
            )
            t.dpd_timeout = 60
            t.defaulted["dpd_timeout"] = "pluto retransmit-timeout default 60s"
        action = (val("dpdaction") or "").strip().lower()
        if action in ("clear", "restart"):
            t.dpd_action = action
        elif action == "hold":
            t.dpd_action = "hold"
        elif not action:
            self.note(
                "DEFAULT",
                "dpdaction not set: hold in 4.x (dpdaction= is ignored since 5.0)",
                line("dpddelay"),
                "info",
                path,
            )
        else:
            self.note(
                "UNSUPPORTED",
                f"dpdaction={_short(action)} is not hold, clear or restart",
                line("dpdaction"),
                "warning",
                path,
            )

    def _routing(self, t: ParsedTunnel, val: Any, line: Any, path: str) -> None:
        iface = (val("ipsec-interface") or "").strip().lower()
        if iface and iface not in ("no", "0"):
            n = "1" if iface == "yes" else iface
            if not n.isdigit():
                self.note(
                    "UNSUPPORTED",
                    f"ipsec-interface={_short(iface)} is not yes, no or a number",
                    line("ipsec-interface"),
                    "error",
                    path,
                )
                return
            t.route_based = True
            t.variant = "ipsec-interface"
            t.extra["interface"] = f"ipsec{int(n)}"
        vti = val("vti-interface")
        if vti:
            t.route_based = True
            t.variant = "vti"
            t.extra["vti_interface"] = vti

    def _subnets(self, eff: dict[str, Any], side: str, own: str | None, cline: int, path: str) -> list[str]:
        single, multi = eff.get(f"{side}subnet"), eff.get(f"{side}subnets")
        if single and multi:
            self.note(
                "AMBIGUOUS",
                f"{side}subnet= and {side}subnets= together (pluto refuses this): {side}subnets read",
                multi[1],
                "error",
                path,
            )
        if multi:
            raw = multi[0].strip()
            if raw.startswith("{") != raw.endswith("}"):
                self.note("SYNTAX", f"{side}subnets= braces do not match", multi[1], "error", path)
            items = [s for s in re.split(r"[\s,]+", raw.strip("{}")) if s]
            where = multi[1]
        elif single:
            items = [s for s in single[0].split(",") if s.strip()]
            where = single[1]
        else:
            if own is None:
                return []
            self.note("SELECTORS", f"no {side}subnet=: the host's own address {own}/32", cline, "info", path)
            return [f"{own}/32"]
        out = []
        for item in items:
            n = _net(item.strip())
            if n is None and _PLACEHOLDER.match(item.strip()):
                self.note(
                    "PLACEHOLDER",
                    f"{side}subnet {_short(item)} is a template placeholder, kept as such",
                    where,
                    "warning",
                    path,
                )
                continue
            if n is None:
                self.note("UNSUPPORTED", f"{side}subnet {_short(item)} is not an IPv4 network", where, "warning", path)
                continue
            out.append(n)
        return out

    def _selectors(self, t: ParsedTunnel, eff: dict[str, Any], cline: int, path: str) -> None:
        left = self._subnets(eff, "left", t.local_address, cline, path)
        right = self._subnets(eff, "right", t.peer_address, cline, path)
        t.selectors.extend(product(left, right))

    # ------------------------------------------------------------- secrets
    def _secret_index(self) -> tuple[dict[str, list[Any]], dict[str, list[Any]], list[Any]]:
        """ipsec.secrets entries by index (each entry's keys computed once), the
        single-index entries by index, and the entries every conn may match (no
        index, or %any)."""
        if self._index is None:
            index: dict[str, list[Any]] = {}
            single: dict[str, list[Any]] = {}
            always: list[Any] = []
            for n, e in enumerate(self.doc.secrets):
                keys = [_id_key(i) for i in e.ids]
                item = (n, e, keys)
                if not keys or any(k in ("%any", "%any6") for k in keys):
                    always.append(item)
                for k in dict.fromkeys(keys):
                    index.setdefault(k, []).append(item)
                if len(set(keys)) == 1:
                    single.setdefault(keys[0], []).append(item)
            self._index = (index, single, always)
        return self._index

    def _secret(self, t: ParsedTunnel, lid: str | None, rid: str | None, path: str) -> None:
        if t.auth == "certificate":
            t.psk_state = "certificate"
            return
        secrets = self.doc.secrets
        if not secrets:
            self.note(
                "MISSING", "no ipsec.secrets entry given: the pre-shared key is not known", t.line, "warning", path
            )
            return
        mine = {_id_key(x) for x in (lid, t.local_address) if x}
        other = {_id_key(x) for x in (rid, t.peer_address) if x}
        index, single, always = self._secret_index()
        # an entry of several indices must hold one of ours (and the peer's or %any),
        # one of a single index either: walk the shorter side's entries only
        size_m = sum(len(index.get(k, ())) for k in mine)
        size_o = sum(len(index.get(k, ())) for k in other)
        walk, lone = (other, mine) if size_o <= size_m else (mine, other)
        candidates = {n: (n, e, keys) for n, e, keys in always}
        for k in walk:
            for n, e, keys in index.get(k, ()):
                candidates[n] = (n, e, keys)
        for k in lone:
            for n, e, keys in single.get(k, ()):
                candidates[n] = (n, e, keys)
        best: list[tuple[int, Any]] = []
        for _, s, keys in sorted(candidates.values(), key=lambda c: c[0]):
            if not keys:
                score = 1
            else:
                m = any(k in mine for k in keys)
                o = any(k in other for k in keys)
                anyk = any(k in ("%any", "%any6") for k in keys)
                if not (m or o or anyk):
                    continue
                if len(keys) > 1 and not (m and (o or anyk)):
                    continue
                score = 2 + (2 if m else 0) + (2 if o else (1 if anyk else 0))
            best.append((score, s))
        if not best:
            self.note("MISSING", "no ipsec.secrets entry matches this conn's identities", t.line, "warning", path)
            return
        top = max(sc for sc, _ in best)
        winners = [s for sc, s in best if sc == top]
        self.used.update(w.line for w in winners)
        if len({s.value for s in winners}) > 1:
            t.extra["psk_candidates"] = [s.where for s in winners]
            self.note(
                "AMBIGUOUS",
                f"{len(winners)} ipsec.secrets entries match equally with different keys: none chosen",
                t.line,
                "warning",
                path,
            )
            return
        s = winners[0]
        t.extra["psk_source"] = s.where
        if s.value is None:
            return
        psk, state = _decode(s.value, s.quoted)
        t.psk_state = state
        t.psk = psk
        if isinstance(psk, str) and _PLACEHOLDER.match(psk):
            t.psk, t.psk_state = None, "masked"
            self.note(
                "PLACEHOLDER", "the pre-shared key is a placeholder, kept as such", s.line, "warning", "ipsec.secrets"
            )
            self.note(
                "KEY", "the pre-shared key is a placeholder, not the key itself", s.line, "warning", "ipsec.secrets"
            )
        elif state != "clear":
            self.note(
                "KEY",
                "the pre-shared key is binary (0x/0s data that is not text): not carried as a key",
                s.line,
                "warning",
                "ipsec.secrets",
            )


def _decode(value: str, quoted: bool) -> tuple[str | None, PskState]:
    """A secret as pluto reads it: quoted as written; unquoted 0x (hex, '_'
    between groups), 0s (base64), 0t (text) decoded."""
    if quoted or len(value) < 2 or value[0] != "0" or value[1] not in "xXsStT":
        return value, "clear"
    body = value[2:]
    try:
        if value[1] in "xX":
            raw = binascii.unhexlify(body.replace("_", ""))
        elif value[1] in "sS":
            raw = base64.b64decode(body, validate=True)
        else:
            return body, "clear"
    except (binascii.Error, ValueError):
        return None, "encrypted"
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return None, "encrypted"
    if not text.isprintable():
        return None, "encrypted"
    return text, "clear"
