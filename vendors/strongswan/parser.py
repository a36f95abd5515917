"""strongSwan: swanctl.conf, and the legacy ipsec.conf with ipsec.secrets.

One ParsedTunnel per swanctl connection (every child's local_ts x remote_ts
pair is a selector) and, for ipsec.conf, per group of conns that differ only in
their subnets (``also=`` children of one base conn, as our renderer writes
them; the tunnel takes the base conn's name).

The text is read by the shared layer where one exists: ipsec.conf and
ipsec.secrets by ``vpnconf.parsing.ipsecconf`` (sections, ``key=value``,
``also=``, secrets lines), parameterised by this vendor's ``grammar:`` data.
swanctl.conf keeps its own lexer (below): strongSwan's settings syntax is not
the braces family's (``=`` values that end at a newline, ``#`` or ``}``,
``;`` and ``{`` inside values, ``name : ref {`` sections, C escapes in
``"..."``, single quotes that are not quotes), see vendors/strongswan/README.md.

strongSwan's own semantics are followed where they decide a value (sources:
swanctl.conf(5), ipsec.conf(5), ipsec.secrets(5), docs.strongswan.org
config/proposals; code: ``settings_lexer.l``, ``vici_config.c``,
``sa/ikev1/tasks/main_mode.c``). Every default a left-out setting takes comes
from ``vendor.yaml`` ``defaults:`` and is recorded in ``ParsedTunnel.defaulted``
with a DEFAULT finding:

* swanctl IKE lifetimes: with neither ``rekey_time`` nor ``reauth_time`` set,
  rekey_time is the default; an unset one of them is 0; ``over_time`` defaults
  to a percentage of max(rekey_time, reauth_time). IKEv1 Main Mode proposes
  (reauth_time, or rekey_time when reauth_time is 0) + over_time. IKEv2
  lifetimes are not negotiated: we read rekey_time, or reauth_time when
  rekeying is off.
* swanctl CHILD lifetimes: an unset life_time / life_bytes is rekey_time /
  rekey_bytes * 110 / 100; the hard limit is what IKEv1 Quick Mode proposes,
  so that is the IPsec lifetime we report. 0 means "no limit" (None).
* ipsec.conf: ``ikelifetime``, ``lifetime``/``keylife``, ``lifebytes``; DPD
  ``dpddelay``/``dpdtimeout``/``dpdaction`` (defaults from vendor.yaml).
* DPD timeout: IKEv1 ``dpd_timeout``/``dpdtimeout``; IKEv2 ignores it (the
  retransmission timeout applies), so we report dpd_delay * 3 there, which
  is what our renderer's ``dpd_delay = max(10, timeout // 3)`` inverts.

* Proposals go back through the keyword tables of vendor.yaml (second
  spellings: ``grammar.aliases``; key exchanges: ``grammar.key_exchange``).
  With IKEv2 a proposal may list several algorithms of a kind: every
  combination is a Proposal, in strongSwan's preference order (encryption,
  then integrity, then key exchange; ESP too, each with its own PFS group in
  ``extra["esp_pfs"]``). IKEv1 uses the first of each kind. Algorithms the
  model has no name for are lower-case canonical strings (``camellia256``,
  ``aes128ccm16``), every key exchange its IANA number; ``keN_`` additional
  key exchanges go to ``Proposal.additional_ke``. ``default`` (or no list) is
  strongSwan's default proposals of vendor.yaml, read the same way.
  An AEAD ESP proposal has no integrity algorithm. PFS is the ESP proposals'
  key exchange when they all agree (AMBIGUOUS when they do not); a group the
  model cannot hold (25-30, 35-37) leaves PFS unknown (NOT-CARRIED), its number kept.
* ipsec.conf: ``left`` is this device (the convention our renderer follows;
  starter picks the side whose address is local, else left). Conns with
  ``auto=ignore`` (the default) that others include are templates.
* Secrets are matched like charon's shared-key lookup: an owner equal to the
  tunnel's local or remote identity (or address) is a perfect match (20), a
  secret without owners or with ``%any`` matches anything (1); the highest sum
  wins, the first on a tie. When the peer's identity is unknown (%any) and
  several keys tie, no key is chosen (``extra["psk_candidates"]``).
  ``0x``/``0s`` secrets are decoded; binary ones are ``psk_state="binary"``,
  held as ``0x`` + hex (the decoded bytes in ``extra["psk_raw"]`` for the redactor).

``ParsedTunnel.extra`` may hold: ``esp_pfs`` (each ESP proposal's PFS group),
``default_proposals`` (strongSwan's default proposal strings per release range,
where a list took them), ``daemon_options`` (a strongswan.conf given alongside),
``children`` (swanctl child names), ``conns``
(ipsec.conf conns merged into the tunnel), ``psk_source`` / ``psk_candidates``,
``pfs_raw`` / ``pfs_group`` (an ESP key exchange the model cannot hold),
``pfs_candidates`` (ESP proposals that disagree), ``local_host`` /
``peer_host`` (host names or magic values instead of addresses),
``start_action`` / ``auto``; route-based (swanctl-xfrm): ``if_id_in`` / ``if_id_out``,
``mark_in`` / ``mark_out``, and from the routing files given alongside
``interface``, ``uplink``, ``mtu``, ``tcp_mss``,
``interface_routes`` (narrowed selectors read as the SPD),
``bgp_protocol``, ``bgp_prepend`` (see ``_Routing``).

Whatever the parser cannot read becomes a finding with its line number. No
finding prints a value of a secret.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import product
from pathlib import Path
from typing import Any, Literal

from vpnconf.catalog import vendors
from vpnconf.names import AEAD, DhGroup, Encryption, Integrity
from vpnconf.parsing import (
    CertAuth,
    Ident,
    ParsedBgp,
    ParsedDevice,
    ParsedTunnel,
    Proposal,
    ProposalSet,
    PskState,
    ipsecconf,
    ipv4,
    lookup,
    lowest_route_preference,
    small_int,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from vpnconf.findings import Severity

VENDOR = Path(__file__).resolve().parent.name  # the folder is the vendor id

# which front end a text is written for (not detection: that is vendor.yaml `detect:`)
_RE_SW_CONNECTIONS = re.compile(r"^[ \t]*connections[ \t\r]*(?:\{|$)", re.M)
_RE_SW_SECRETS = re.compile(r"^[ \t]*secrets[ \t\r]*(?:\{|$)", re.M)
_RE_CONF_CONN = re.compile(r"^conn[ \t]+\S+", re.M)
_RE_CONF_LR = re.compile(r"^[ \t]+(?:left|right)(?:subnet|id)?[ \t]*=", re.M)
_RE_SECRETS_PSK = re.compile(r"(?:^|[ \t]):[ \t]*PSK[ \t]", re.M)


# ================================================================== entry
def parse(text: str, name: str) -> ParsedDevice:
    """Parse swanctl.conf, ipsec.conf (+ ipsec.secrets) or ipsec.secrets text."""
    dev = ParsedDevice(vendor=VENDOR, file=name)
    ctx = _Ctx(dev)
    if not text.strip():
        ctx.note("SYNTAX", "the file is empty: no strongSwan configuration", None, "error")
        return dev
    # the swanctl-xfrm variant's routing files (iproute2/iptables commands, BIRD 2)
    # given alongside: read apart, their lines blanked for the IPsec front ends
    routing = _Routing(ctx)
    text = routing.split(text)
    # a strongswan.conf given alongside (charon { ... }): read apart, its lines blanked
    daemon = _Daemon(ctx)
    text = daemon.split(text)
    if daemon.found and not re.search(r"^[ \t]*[^#\s]", text, re.M) and not (routing.shell or routing.bird):
        daemon.read()
        ctx.note("NO-TUNNEL", "only strongswan.conf (daemon options), no swanctl.conf or ipsec.conf: no tunnel", None)
        return dev
    if (routing.shell or routing.bird) and not re.search(r"^[ \t]*[^#\s]", text, re.M):
        routing.read()
        ctx.note(
            "NO-TUNNEL",
            "only routing commands / BIRD configuration, no swanctl.conf or ipsec.conf: no tunnel",
            None,
        )
        return dev
    try:
        _front_ends(ctx, text, routing)
    finally:
        daemon.read()
        daemon.attach(dev.tunnels)
    return dev


def _front_ends(ctx: _Ctx, text: str, routing: _Routing) -> None:
    """swanctl.conf or ipsec.conf (+ ipsec.secrets), and the routing files beside them."""
    dev = ctx.dev
    if _RE_SW_CONNECTIONS.search(text) or (_RE_SW_SECRETS.search(text) and not _RE_CONF_CONN.search(text)):
        _Swanctl(ctx, text).run()
        routing.read()
        routing.attach(dev.tunnels)
    elif _RE_CONF_CONN.search(text) or _RE_CONF_LR.search(text) or _RE_SECRETS_PSK.search(text):
        _IpsecConf(ctx, text).run()
        routing.read()
        routing.attach([])
    else:
        ctx.note(
            "SYNTAX",
            "no strongSwan configuration recognised (no 'connections {' section, no "
            "'conn <name>' section, no ': PSK' line)",
            None,
            "error",
        )


# ================================================================ context
class _Ctx:
    """The device being read, and the findings about it (``ParsedDevice.note`` caps them)."""

    def __init__(self, dev: ParsedDevice) -> None:
        self.dev = dev

    def note(self, rule: str, message: str, line: int | None, severity: Severity = "info", path: str = "") -> None:
        self.dev.note(rule, message, line, severity, path)

    def ignored(self, key: str, line: int | None, path: str) -> None:
        """A key that is read past; its value is never shown (it may be key material)."""
        self.note("IGNORED", f"'{_short(key, 40)}' is not read (no field in the tunnel model)", line, "info", path)

    def default(self, t: ParsedTunnel, fld: str, front: str, key: str, line: int | None, path: str) -> None:
        """``fld`` of ``t`` took strongSwan's documented default for ``key``."""
        where = f"strongSwan {front} default {key} = {_defaults()[front][key]} (vendor.yaml defaults.{front})"
        t.defaulted[fld] = f"{t.defaulted[fld]}; {where}" if fld in t.defaulted else where
        self.note("DEFAULT", f"{key} not set: {where}", line, "info", path)


_WIDTH = 60  # how many characters of a value a finding quotes


def _short(value: str | None, n: int = _WIDTH) -> str:
    if value is None:
        return ""
    value = value.replace("\n", " ")
    return value if len(value) <= n else value[: n - 3] + "..."


# ============================================================ vendor data
@cache
def _defaults() -> dict[str, Any]:
    return dict(vendors()[VENDOR].defaults)


@cache
def _grammar() -> dict[str, Any]:
    return dict(vendors()[VENDOR].grammar)


def _default_time(front: str, key: str) -> int:
    n = _time(str(_defaults()[front][key]))
    assert n is not None, f"vendor.yaml defaults.{front}.{key} is not a time"
    return n


# ================================================================= values
def _strtoul(s: str) -> int | None:
    """C strtoul(s, &end, 0) over the whole string (hex 0x, octal 0...)."""
    s = s.strip()
    if re.fullmatch(r"0[xX][0-9a-fA-F]{1,16}", s):
        return int(s, 16)
    if re.fullmatch(r"0[0-7]{1,22}", s):
        return int(s, 8)
    if re.fullmatch(r"\d{1,20}", s):  # an unsigned 64-bit value at most
        return int(s)
    return None


_TIME_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def _time(value: str | None) -> int | None:
    """strongSwan relative time: a number with an optional s/m/h/d suffix."""
    if value is None:
        return None
    m = re.fullmatch(r"\s*(0[xX][0-9a-fA-F]+|\d+) *([sSmMhHdD]?)\s*", value)
    if not m:
        return None
    n = _strtoul(m.group(1))
    return None if n is None else n * _TIME_UNITS[m.group(2).lower()]


def _bytes_value(value: str | None) -> int | None:
    """swanctl byte volume: a number with an optional k/M/G (1024-based) suffix."""
    if value is None:
        return None
    m = re.fullmatch(r"\s*(0[xX][0-9a-fA-F]+|\d+) *([kKmMgG]?)\s*", value)
    if not m:
        return None
    n = _strtoul(m.group(1))
    if n is None:
        return None
    return n * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    v = value.strip().lower()
    if v in ("yes", "true", "enabled", "1"):
        return True
    if v in ("no", "false", "disabled", "0"):
        return False
    return None


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")


def _is_hostname(value: str) -> bool:
    if not value or len(value) > 253 or value.endswith("."):
        return False
    labels = value.split(".")
    return all(_HOST_LABEL.match(lbl) for lbl in labels) and not labels[-1].isdigit()


def _ident(value: str | None) -> Ident | None:
    """An IKE identity as strongSwan's identification_create_from_string reads
    it; None for %any (any identity)."""
    if value is None:
        return None
    v = value.strip()
    if "\n" in v:  # a damaged value (an unterminated quote ran on): its first line only
        return Ident("other", v.split("\n", 1)[0].strip() + " ...")
    if v in ("", "%any", "%any6", "*"):
        return None
    low = v.lower()
    if low.startswith("fqdn:"):
        rest = v[5:]
        return Ident("fqdn", rest) if _is_hostname(rest) else Ident("other", v)
    if low.startswith("ipv4:"):
        ip = ipv4(v[5:].strip())
        return Ident("address", ip) if ip else Ident("other", v)
    if v.startswith("@#") or v.startswith("@@"):
        return Ident("other", v)
    if v.startswith("@"):
        rest = v[1:]
        return Ident("fqdn", rest) if _is_hostname(rest) else Ident("other", v)
    if re.match(r"^[a-z0-9]+:", low) or "=" in v or "@" in v:
        return Ident("other", v)  # email:, dns:, asn1dn:, keyid:, ipv6:..., DNs, user@fqdn
    ip = ipv4(v)
    if ip:
        return Ident("address", ip)
    if _is_hostname(v):
        return Ident("fqdn", v)
    return Ident("other", v)


def _id_key(value: str) -> str:
    """Normalised identity for matching secrets to tunnels."""
    v = value.strip().strip('"').lower()
    if v in ("%any", "%any6", "*", ""):
        return "%any"
    for pfx in ("fqdn:", "ipv4:", "ipv6:", "dns:"):
        if v.startswith(pfx):
            v = v[len(pfx) :]
    if v.startswith("@") and not v.startswith(("@#", "@@")):
        v = v[1:]
    if v.startswith("%") and len(v) > 1:  # ipsec.conf %host: allow any, same host
        v = v[1:]
    return v


@dataclass
class _Addr:
    address: str | None = None  # an IPv4 literal
    host: str | None = None  # a host name to resolve, a magic value, an IPv6 address or a range
    backups: list[str] = field(default_factory=list)  # further IPv4 addresses of the list
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (rule, severity, message)


def _address(value: str | None, *, side: str, remote: bool) -> _Addr:
    """local_addrs/remote_addrs, left=/right=: the first entry is the address;
    further remote addresses are backup peers (strongSwan tries them in order)."""
    out = _Addr()
    if value is None or not value.strip():
        out.notes.append(
            ("MISSING", "warning" if remote else "info", f"no {side} address (strongSwan's %any): no fixed address")
        )
        return out
    items = [x.strip() for x in value.split(",") if x.strip()]
    first = items[0] if items else ""
    rest = items[1:]
    if rest:
        if remote:
            out.backups = [ip for ip in (ipv4(x) for x in rest) if ip]
            out.notes.append(
                ("BACKUP-PEER", "info", f"{side} addresses {value.strip()}: the first is the peer, the rest backups")
            )
            if len(out.backups) < len(rest):
                out.notes.append(
                    ("UNSUPPORTED", "warning", f"{side} addresses: an entry that is not an IPv4 address is not read")
                )
        else:
            out.notes.append(("IGNORED", "info", f"{side} addresses: only the first of {len(items)} is read"))
    bad = "error" if remote else "warning"
    if first.lower() in ("%any", "%any4", "%any6", "0.0.0.0", "::"):
        out.notes.append(("MISSING", "warning" if remote else "info", f"{side} address is {first}: no fixed address"))
        return out
    if first.lower() in ("%defaultroute", "%default"):
        out.host = first
        out.notes.append(
            ("UNSUPPORTED", "warning" if remote else "info", f"{side} address is {first} (filled in at start-up)")
        )
        return out
    bare = first[1:] if first.startswith("%") else first
    ip = _ip(bare)
    if ip is not None:
        if bare != first:
            out.notes.append(("UNSUPPORTED", "info", f"{side} address {first}: '%' lets any address answer"))
        if ip.version == 6:
            out.host = str(ip)
            out.notes.append(("UNSUPPORTED", bad, f"{side} address {ip} is IPv6; the model holds IPv4 addresses"))
        else:
            out.address = str(ip)
        return out
    out.host = first
    if "/" in bare or ("-" in bare and all(_ip(x) for x in bare.split("-", 1))):
        out.notes.append(("UNSUPPORTED", bad, f"{side} address {_short(first)} is a range, not one address"))
    else:
        out.notes.append(
            ("UNSUPPORTED", "warning", f"{side} address {_short(first)} is a host name resolved at run time")
        )
    return out


def _note_addr(ctx: _Ctx, a: _Addr, line: int | None, path: str) -> None:
    for rule, sev, msg in a.notes:
        ctx.note(rule, msg, line, sev, path)  # type: ignore[arg-type]


# ============================================================== proposals
_UNKNOWN_KIND = (
    (re.compile(r"^prf"), "PRF"),
    (re.compile(r"^(aesxcbc|aescmac|camelliaxcbc|sha|md5)"), "integrity"),
    (re.compile(r"^(aes|3des|des|null$|blowfish|camellia|cast|serpent|twofish|chacha20|sm4)"), "encryption"),
    (
        re.compile(r"^(modp|ecp|curve|x25519|x448|ntru|kyber|mlkem|ml_kem|frodo|bike|hqc|saber|sike)"),
        "key exchange",
    ),
)
_ADDITIONAL_KE = re.compile(r"^ke([1-7])_(.+)$")
# strongSwan keywords the model has no name for, read to one lower-case canonical
# string each (docs.strongswan.org config/proposals, IKEv2 cipher suites)
_ICV = {"8": "8", "64": "8", "12": "12", "96": "12", "16": "16", "128": "16", "": "16"}
_RE_AEAD = re.compile(r"^(aes|camellia)(128|192|256)?(gcm|ccm)(8|12|16|64|96|128)?$")
_RE_CTR = re.compile(r"^(aes|camellia)(128|192|256)?ctr$")
_RE_CBC = re.compile(r"^(camellia|serpent|twofish)(128|192|256)?$")
_RE_BLOWFISH = re.compile(r"^blowfish(128|192|256)?$")
_RE_GMAC = re.compile(r"^aes(128|192|256)?gmac$")
_INTEGRITY = {
    "aesxcbc": "aesxcbc",
    "aescmac": "aescmac",
    "camelliaxcbc": "camelliaxcbc",
    "md5_128": "md5_128",
    "sha1_160": "sha1_160",
    "sha256_96": "sha256_96",
    "sha2_256_96": "sha256_96",
}
_PRF = {"prfaesxcbc": "aesxcbc", "prfaescmac": "aescmac", "prfcamelliaxcbc": "camelliaxcbc"}
_OTHER_ENC = {"cast128": "cast128", "cast": "cast128", "chacha20poly1305": "chacha20poly1305"}
_AEAD_OTHER = {"chacha20poly1305"}


def _alias(tok: str) -> str:
    return str(_grammar().get("aliases", {}).get(tok, tok))


def _lookup_tok(table: str, tok: str, version: int | None) -> Any:
    c = lookup(VENDOR, table, tok, version)
    if c is None and _alias(tok) != tok:
        c = lookup(VENDOR, table, _alias(tok), version)
    return c


def _unknown_kind(tok: str) -> str:
    for rx, kind in _UNKNOWN_KIND:
        if rx.match(tok):
            return kind
    return "unrecognised"


def _is_aead(tok: str) -> bool:
    return any(tok.startswith(p) for p in _grammar().get("aead_prefixes", []))


def _canonical(tok: str, proto: str, version: int | None) -> tuple[str, str, bool] | None:
    """(kind, canonical name, AEAD) of an algorithm keyword the keyword tables
    do not hold (or of one they do, through them); None: not an algorithm."""
    p = proto.lower() if proto != "AH" else "esp"
    for kind, table in (("encryption", f"{p}_encryption"), ("integrity", f"{p}_integrity")):
        if proto == "AH" and kind == "encryption":
            continue
        c = _lookup_tok(table, tok, version)
        if c is not None:
            return kind, str(c), kind == "encryption" and str(c) in AEAD
    if proto == "IKE":
        c = _lookup_tok("ike_prf", tok, version)
        if c is not None:
            return "PRF", str(c), False
    if tok in _PRF:
        return "PRF", _PRF[tok], False
    if tok in _INTEGRITY:
        return "integrity", _INTEGRITY[tok], False
    m = _RE_GMAC.match(tok)
    if m:
        name = f"aes{m.group(1) or '128'}gmac"
        return ("integrity", name, False) if proto == "AH" else ("encryption", name, True)
    if proto == "AH":
        return None
    m = _RE_AEAD.match(tok)
    if m:
        name = f"{m.group(1)}{m.group(2) or '128'}{m.group(3)}{_ICV[m.group(4) or '']}"
        if name.startswith("aes") and name.endswith("gcm16"):
            name = name[:-2]  # the model's aes128gcm (16-octet ICV)
        return "encryption", name, True
    m = _RE_CTR.match(tok)
    if m:
        return "encryption", f"{m.group(1)}{m.group(2) or '128'}ctr", False
    m = _RE_CBC.match(tok)
    if m:
        return "encryption", f"{m.group(1)}{m.group(2) or '128'}", False
    m = _RE_BLOWFISH.match(tok)
    if m:
        return "encryption", f"blowfish{m.group(1) or '128'}", False
    if tok in _OTHER_ENC:
        return "encryption", _OTHER_ENC[tok], tok in _AEAD_OTHER
    return None


def _model_holds(kind: str, name: str) -> bool:
    if kind == "encryption":
        return name in {e.value for e in Encryption}
    if kind in ("integrity", "PRF"):
        return name in {i.value for i in Integrity}
    return False


#: what an ESP/AH proposal says about PFS: a group number, None (no key exchange),
#: or the keyword itself when it has no number
KE = int | None | str


@dataclass
class _Props:
    proposals: list[Proposal] = field(default_factory=list)
    #: ESP/AH: each proposal's key exchange (PFS), in the order of ``proposals``, with its token
    kes: list[tuple[KE, str | None]] = field(default_factory=list)
    #: the built-in defaults were used (``default`` or nothing set): release range -> proposal strings
    defaults: dict[str, list[str]] = field(default_factory=dict)
    default_range: str | None = None


def _proposals(
    ctx: _Ctx | None,
    value: str | None,
    proto: Literal["IKE", "ESP", "AH"],
    version: int | None,
    line: int | None,
    path: str,
    key: str,
) -> _Props:
    """A proposal list: every combination of each proposal's algorithms (IKEv2;
    IKEv1 takes the first of each kind), in strongSwan's order (encryption,
    integrity, key exchange). ``default`` (or nothing set) is strongSwan's
    default proposals of vendor.yaml ``defaults.proposals``. ``ctx`` None: no findings."""

    def note(rule: str, msg: str, sev: Severity) -> None:
        if ctx is not None:
            ctx.note(rule, msg, line, sev, path)

    out = _Props()
    g = _grammar()
    ke_table: dict[str, int] = {str(k).lower(): int(v) for k, v in g.get("key_exchange", {}).items()}
    no_ke = {str(x).lower() for x in g.get("no_key_exchange", [])}
    flags = {str(x).lower() for x in g.get("esp_flags", [])}
    model_groups = {int(x) for x in DhGroup}
    if value is None or not value.strip() or value.strip().lower() == "default":
        what = "not set" if value is None or not value.strip() else "'default'"
        _default_proposals(ctx, f"{key} {what}", proto, version, line, path, out)
        return out
    # values without a canonical name: (message, decides PFS). Each is an error when it
    # decides a field (PFS; or no proposal of the list is complete), else a warning
    unknown: list[tuple[str, bool]] = []
    outside: list[str] = []  # known algorithms the site model has no name for
    seen: set[tuple[Any, ...]] = set()
    for raw in value.split(","):
        raw = raw.strip()
        if not raw:
            continue
        if raw.lower() == "default":
            _default_proposals(ctx, f"{key} includes 'default':", proto, version, line, path, out)
            continue
        shown = _short(raw, 40)  # a damaged value may run on over lines (and a key): quoted short
        # per kind: (canonical value or None, token), in the order written
        found: dict[str, list[tuple[Any, str]]] = {"encryption": [], "integrity": [], "PRF": [], "key exchange": []}
        extra_ke: dict[int, list[str]] = {}
        aeads: list[bool] = []
        for tok in (t.strip().lower() for t in raw.split("-")):
            if not tok or (proto != "IKE" and tok in flags):
                continue
            if tok in no_ke:
                found["key exchange"].append((None, tok))
                continue
            am = _ADDITIONAL_KE.match(tok)
            if am:
                name = am.group(2)
                if name not in ke_table and name not in no_ke:
                    unknown.append((f"{key} '{shown}': additional key exchange '{tok}' has no canonical name", False))
                extra_ke.setdefault(int(am.group(1)), []).append(f"ke{am.group(1)}_{name}")
                continue
            if tok in ke_table:
                n = ke_table[tok]
                if n not in model_groups:
                    outside.append(f"{'PFS' if proto != 'IKE' else 'DH'} group {n} ({tok})")
                found["key exchange"].append((n, tok))
                continue
            canon = _canonical(tok, proto, version)
            if canon is not None:
                kind, name, aead = canon
                if proto != "IKE" and kind == "PRF":
                    note("IGNORED", f"{key} '{shown}': PRF '{tok}' has no place in an {proto} proposal", "info")
                    continue
                if not _model_holds(kind, name):
                    outside.append(f"{kind} {name}")
                found[kind].append((name, tok))
                if kind == "encryption":
                    aeads.append(aead)
                continue
            kind = _unknown_kind(tok)
            if proto != "IKE" and kind == "PRF":
                note("IGNORED", f"{key} '{shown}': PRF '{tok}' has no place in an {proto} proposal", "info")
                continue
            if proto != "IKE" and kind == "unrecognised":
                kind = "key exchange"  # it may be one: PFS cannot be read
            if kind in found:
                found[kind].append((tok if kind == "key exchange" else None, tok))
                if kind == "encryption":
                    aeads.append(_is_aead(tok))
            what = "PFS group" if (proto != "IKE" and kind == "key exchange") else kind
            unknown.append(
                (f"{key} '{shown}': {what} '{tok}' has no canonical name (read as unknown)", what == "PFS group")
            )
        encs = found["encryption"]
        aead = bool(aeads) and all(aeads)
        integs = found["integrity"]
        if proto == "ESP" and aead and integs:
            note(
                "IGNORED",
                f"{key} '{shown}': {', '.join(t for _, t in integs)} in an AEAD proposal is a leftover "
                "(AEAD carries its own integrity, and ESP has no PRF): integrity is none",
                "info",
            )
            integs = []
        if proto == "IKE" and aead:
            integs = found["PRF"] or integs  # AEAD IKE proposals name the PRF instead
        kes = found["key exchange"]
        kinds = {"encryption": encs, "integrity": integs, "key exchange": kes}
        stripped = False
        if version == 1:
            for kind, items in kinds.items():
                if len(items) > 1:
                    stripped = True
                    note(
                        "IGNORED",
                        f"{key} '{shown}' offers several {kind} algorithms ({', '.join(t for _, t in items)}); "
                        "IKEv1 uses only the first of each kind (strongSwan strips the rest)",
                        "info",
                    )
                    items[1:] = []
        extras = [tuple(v) for _, v in sorted(extra_ke.items())]
        for combo in product(
            encs or [(None, "")], integs or [(None, "")], kes or [(None, "")], product(*extras) if extras else [()]
        ):
            e, i, k, more = combo
            raw_one = _raw(raw, (e, i, k), encs, integs, kes) if not stripped else _raw("", (e, i, k), [])
            if proto == "IKE":
                p = Proposal(
                    encryption=e[0],
                    integrity=i[0],
                    dh_group=k[0] if isinstance(k[0], int) else None,
                    raw=raw_one,
                    additional_ke=tuple(more),
                )
                sig: tuple[Any, ...] = (p.encryption, p.integrity, p.dh_group, p.additional_ke)
                if sig not in seen:
                    seen.add(sig)
                    out.proposals.append(p)
                continue
            p = Proposal(encryption=e[0], integrity=i[0], raw=raw_one, additional_ke=tuple(more))
            ke: tuple[KE, str | None] = (k[0], k[1] or None)
            sig = (p.encryption, p.integrity, ke[0], p.additional_ke)
            if sig in seen:
                continue
            seen.add(sig)
            out.proposals.append(p)
            out.kes.append(ke)
    complete = any(
        (p.encryption or proto == "AH")
        and (p.integrity or str(p.encryption) in AEAD or _aead_name(p.encryption))
        and (proto != "IKE" or p.dh_group is not None)
        for p in out.proposals
    )
    for msg, decides_pfs in unknown:
        note("UNSUPPORTED", msg, "error" if decides_pfs or not complete else "warning")
    for what in dict.fromkeys(outside):
        note(
            "NOT-CARRIED",
            f"{key}: {what} is read, but the site model has no name for it (translate cannot carry it)",
            "info",
        )
    return out


def _aead_name(enc: str | None) -> bool:
    return bool(enc) and (bool(re.search(r"(gcm|ccm)\d*$|gmac$", str(enc))) or str(enc) in AEAD)


def _raw(raw: str, combo: tuple[tuple[Any, str], ...], *kinds: list[tuple[Any, str]]) -> str:
    """The proposal as written, or (one of several combinations) its tokens."""
    if raw and all(len(k) <= 1 for k in kinds) and not re.search(r"\s", raw):
        return raw
    return "-".join(tok for _, tok in combo if tok)


def _default_sets() -> list[dict[str, Any]]:
    return [dict(s) for s in _defaults().get("proposals", [])]


@cache
def _default_expansion(
    value: str, proto: str, version: int | None
) -> tuple[tuple[Proposal, ...], tuple[tuple[KE, str | None], ...]]:
    """A default proposal string expanded once (the same Proposal objects are
    shared by every tunnel that takes the defaults: read, never changed)."""
    got = _proposals(None, value, proto, version, None, "", "")  # type: ignore[arg-type]
    return tuple(got.proposals), tuple(got.kes)


def _share_defaults(ctx: _Ctx, t: ParsedTunnel) -> None:
    """A tunnel whose IKE proposals are all charon's defaults names them as the
    device's proposal set (hundreds of combinations: held once, not per tunnel)."""
    name = f"default-ike{'-v' + str(t.ike_version) if t.ike_version else ''}"
    ps = ctx.dev.proposal_sets.get(name)
    if ps is None:
        ps = ctx.dev.proposal_sets[name] = ProposalSet(name, t.ike_proposals)
    t.ike_proposals, t.ike_proposal_set = ps.proposals, name


def _default_proposals(
    ctx: _Ctx | None, what: str, proto: str, version: int | None, line: int | None, path: str, out: _Props
) -> None:
    """strongSwan's default proposals (vendor.yaml ``defaults.proposals``): the
    release range marked ``fill`` is read into the list; every range's strings
    are kept in ``out.defaults``."""
    field_ = {"IKE": "ike", "ESP": "esp", "AH": "ah"}[proto]
    sets = _default_sets()
    chosen = next((s for s in sets if s.get("fill")), sets[0] if sets else None)
    for s in sets:
        out.defaults[str(s["releases"])] = [str(x) for x in s.get(field_) or []]
    if chosen is None:  # pragma: no cover - vendor.yaml always has them
        return
    rng = str(chosen["releases"])
    out.default_range = rng
    props, kes = _default_expansion(",".join(str(x) for x in chosen.get(field_) or []), proto, version)
    if proto == "IKE" and version == 1:  # IKEv1 has no AEAD for the IKE SA: those are not proposed
        props = tuple(p for p in props if not _aead_name(p.encryption))
    out.proposals.extend(props)
    if proto != "IKE":
        out.kes.extend(kes)
    if ctx is not None:
        others = "; ".join(
            f"{s['releases']}: {s.get('note') or 'other algorithms'}" for s in sets if s is not chosen and s.get("note")
        )
        per = "; ".join(f"{s['releases']}: {s.get('esp_pfs')}" for s in sets if proto != "IKE" and s.get("esp_pfs"))
        ctx.note(
            "DEFAULT",
            f"{what}: default applied: strongSwan's default {proto} proposals of releases {rng} "
            f"({len(props)} combinations; vendor.yaml defaults.proposals)"
            + (f"; their PFS by release: {per}" if per else "")
            + (f"; other releases: {others}" if others else ""),
            line,
            "warning",
            path,
        )


def _pfs(ctx: _Ctx, t: ParsedTunnel, props: _Props, line: int | None, path: str, esp: bool = True) -> None:
    """PFS: the ESP (else AH) proposals' key exchange when they all agree; a group
    the model cannot hold stays unknown (its finding is already there). Each ESP
    proposal's own group is kept in ``extra["esp_pfs"]`` (one per esp_proposals entry)."""
    t.pfs = None
    t.extra["esp_pfs"] = [k for k, _ in props.kes] if esp else []
    if not props.kes:
        return
    distinct = list(dict.fromkeys(k for k, _ in props.kes))
    if len(distinct) > 1:
        shown = list(dict.fromkeys(tok or "none" for _, tok in props.kes))
        t.extra["pfs_candidates"] = shown
        ctx.note(
            "AMBIGUOUS",
            f"the ESP proposals disagree on PFS ({_short(', '.join(shown))}): which one applies depends on the peer; "
            "PFS is not read (each proposal's group: extra esp_pfs)",
            line,
            "info" if props.default_range and len(distinct) > 2 else "warning",
            path,
        )
        t.pfs_unknown = True
        return
    group = distinct[0]
    tok = props.kes[0][1]
    if group is None:
        return
    if isinstance(group, int) and group in {int(x) for x in DhGroup}:
        t.pfs = group
        return
    t.extra["pfs_raw"] = tok
    t.pfs_unknown = True  # on, with a group the model cannot hold: never "no PFS"
    if isinstance(group, int):
        t.extra["pfs_group"] = group


def _record_defaults(t: ParsedTunnel, fld: str, props: _Props) -> None:
    """``fld`` came (in part) from strongSwan's default proposals: say which."""
    if props.default_range is None:
        return
    t.defaulted[fld] = (
        f"strongSwan's default proposals of releases {props.default_range} (vendor.yaml defaults.proposals)"
    )
    t.extra.setdefault("default_proposals", {})[fld] = props.defaults


# ================================================================ selectors
def _own(value: str | None) -> str | None:
    """An end's own address as a host selector (/32, or /128 for IPv6) when the
    config (local_addrs, left=, ...) gives one IP; None when it does not (%any,
    a host name, a range, several addresses)."""
    items = [x.strip() for x in (value or "").split(",") if x.strip()]
    if len(items) != 1:
        return None
    ip = _ip(items[0])
    if ip is None or ip.is_unspecified:
        return None
    return f"{ip}/{32 if ip.version == 4 else 128}"


DYNAMIC = "%dynamic"


def _ts(
    ctx: _Ctx, item: str, own: str | None, what: str, line: int | None, path: str, why: list[str], vip: str | None
) -> str | None:
    """One traffic selector -> an IPv4 network string, ``%dynamic``, or None with a finding.
    ``dynamic`` (or nothing set) is the end's own address ``own``; ``vip``: the
    local end asks for a virtual IP, which the dynamic selector becomes."""
    s = item.strip()
    if "[" in s:
        base, _, pp = s.partition("[")
        ctx.note(
            "IGNORED",
            f"{what} {_short(s)}: the protocol/port restriction [{_short(pp.rstrip(']'), 30)}] is not read",
            line,
            "warning",
            path,
        )
        s = base.strip()
    if s.lower() in ("dynamic", "%dynamic", ""):
        written = "not set" if not item.strip() else f"'{_short(s, 20)}'"
        if vip is not None:
            why.append(f"{what} {written}: the virtual IP the end is given ({_short(vip, 40)}), not known here")
            ctx.note(
                "SELECTORS",
                f"{what} {written} with a virtual IP ({_short(vip, 40)}): the selector is the address the peer "
                f"assigns, not known here ({DYNAMIC})",
                line,
                "info",
                path,
            )
            return DYNAMIC
        if own is not None:
            why.append(f"{what} {written}: the end's own address {own}")
            ctx.note(
                "SELECTORS", f"{what} {written}: the end's own address {own} (strongSwan's dynamic)", line, "info", path
            )
            return own
        why.append(f"{what} {written}: the end's own address, which the config does not give as one IP")
        ctx.note(
            "SELECTORS",
            f"{what} {written}: the end's own address, not one fixed IP in the config: read as {DYNAMIC}",
            line,
            "info",
            path,
        )
        return DYNAMIC
    if "-" in s and "/" not in s:
        ctx.note("SELECTORS", f"{what} {_short(s)} is an address range, not a subnet: not read", line, "warning", path)
        return None
    try:
        net = ipaddress.ip_network(s, strict=False)
    except ValueError:
        ctx.note("SELECTORS", f"{what} {_short(s)} is not a subnet: not read", line, "warning", path)
        return None
    if net.version != 4:
        ctx.note(
            "SELECTORS", f"{what} {s} is IPv6, which the tunnel model cannot hold: not read", line, "warning", path
        )
        return None
    if str(net) != s and "/" in s:
        ctx.note("SELECTORS", f"{what} {s} has host bits set: read as {net}", line, "info", path)
    return str(net)


def _pairs(
    ctx: _Ctx,
    t: ParsedTunnel,
    local: str | None,
    remote: str | None,
    lown: str | None,
    rown: str | None,
    version: int | None,
    line: int | None,
    path: str,
    lkey: str,
    rkey: str,
    vip: str | None = None,
) -> list[tuple[str, str]]:
    """The selector pairs of one child / conn: every local x remote item; an unset
    side or ``dynamic`` is the end's own address (``lown``/``rown``, else
    ``%dynamic``), recorded in ``t.defaulted["selectors"]``."""
    litems = [x for x in (local or "").split(",") if x.strip()] or [""]
    ritems = [x for x in (remote or "").split(",") if x.strip()] or [""]
    why: list[str] = []
    lnets = [n for n in (_ts(ctx, x, lown, lkey, line, path, why, vip) for x in litems) if n]
    rnets = [n for n in (_ts(ctx, x, rown, rkey, line, path, why, None) for x in ritems) if n]
    if why:
        old = t.defaulted.get("selectors")
        new = "; ".join(why)
        t.defaulted["selectors"] = new if old is None or new in old else f"{old}; {new}"
    pairs = [(a, b) for a in lnets for b in rnets]
    if version == 1 and (len(litems) > 1 or len(ritems) > 1):
        ctx.note(
            "SELECTORS",
            f"IKEv1 negotiates only the first {lkey}/{rkey} pair of a CHILD_SA; "
            f"{len(litems)} x {len(ritems)} listed: only the first pair is read",
            line,
            "warning",
            path,
        )
        pairs = pairs[:1]
    return pairs


# ================================================================== secrets
@dataclass
class _Secret:
    ids: list[str]  # normalised (_id_key); empty = matches everyone
    value: str | None
    quoted: bool  # ipsec.secrets: quoted -> literal (no 0x/0s decoding)
    line: int | None
    where: str
    single_quoted: bool = False  # swanctl value starting with ' (quotes are part of the key)


_PERFECT, _ANY = 20, 1


def _score(ids: list[str], side: set[str]) -> int:
    """strongSwan's shared-key owner match: perfect (20), any (1) or none (0).
    An empty ``side`` is an unknown (%any) identity, which any owner matches."""
    if not ids:
        return _ANY
    best = 0
    for i in ids:
        if side and i in side:
            return _PERFECT
        if i == "%any" or not side:
            best = _ANY
    return best


class _SecretIndex:
    def __init__(self, secrets: list[_Secret]) -> None:
        self.secrets: list[_Secret] = []
        seen: set[tuple[str, ...]] = set()
        for s in secrets:  # a later secret with the same owners never wins (ties go to the first)
            k = tuple(sorted(set(s.ids)))
            if k in seen:
                continue
            seen.add(k)
            self.secrets.append(s)
        self.by_id: dict[str, list[int]] = {}
        self.wild: list[int] = []
        for n, s in enumerate(self.secrets):
            if not s.ids or "%any" in s.ids:
                self.wild.append(n)
            for i in set(s.ids):
                self.by_id.setdefault(i, []).append(n)

    def best(self, mine: set[str], other: set[str]) -> tuple[list[_Secret], int]:
        """The secrets whose owners match best (highest ``_score`` of both ends),
        looked up by owner: only the wildcard secrets and those naming one of the
        ids can score above 1 (with one end unknown, every secret scores 1 for it,
        so all are read only when none scores more: then all tie)."""
        if mine and other:
            # owners naming an id of each end score the most there is (perfect twice): only they can win
            a, b = sorted((mine, other), key=lambda side: sum(len(self.by_id.get(i, ())) for i in side))
            both = {n for i in a for n in self.by_id.get(i, ()) if not b.isdisjoint(self.secrets[n].ids)}
            if both:
                return self._best(sorted(both), mine, other)
        if mine or other:
            idx = set(self.wild)
            for i in mine | other:
                idx.update(self.by_id.get(i, ()))
            found = self._best(sorted(idx), mine, other)
            if (mine and other) or found[1] > 1:
                return found
        return self._best(range(len(self.secrets)), mine, other)

    def _best(self, cand: list[int] | range, mine: set[str], other: set[str]) -> tuple[list[_Secret], int]:
        best: list[_Secret] = []
        top = 0
        for n in cand:
            s = self.secrets[n]
            m, o = _score(s.ids, mine), _score(s.ids, other)
            if not m and not o:
                continue
            if m + o > top:
                top, best = m + o, [s]
            elif m + o == top:
                best.append(s)
        return best, top


def _decode_secret(value: str, allow_encoding: bool) -> tuple[str | None, PskState, str | None]:
    """(clear text or None, state, how it was read)."""
    if allow_encoding and len(value) > 2 and value[:2] in ("0x", "0X", "0s", "0S"):
        kind = "hex (0x)" if value[1] in "xX" else "base64 (0s)"
        body = value[2:].strip()
        try:
            data = bytes.fromhex(body) if value[1] in "xX" else base64.b64decode(body, validate=True)
        except (ValueError, binascii.Error):
            return None, "encrypted", f"{kind} encoded, but not valid {kind.split()[0]}"
        if data and all(0x20 <= b < 0x7F for b in data):
            return data.decode("ascii"), "clear", f"decoded from {kind}"
        if not data:
            return None, "missing", f"{kind} encoded, but empty"
        # binary: held as 0x + hex, comparable with the other end's (ParsedTunnel.psk_state)
        return "0x" + data.hex(), "binary", f"{kind} encoded binary, not printable text: held as hex"
    if value == "%prompt":
        return None, "missing", "%prompt (asked for at start-up)"
    return value, "clear", None


def _attach_secret(
    ctx: _Ctx, t: ParsedTunnel, index: _SecretIndex | None, mine: set[str], other: set[str], path: str
) -> None:
    if t.auth == "certificate":
        t.psk_state = "certificate"
        return
    if index is None or not index.secrets:
        t.psk_state = "missing"
        ctx.note(
            "MISSING",
            "no pre-shared key for this tunnel in the text (no secrets section / ipsec.secrets entry)",
            t.line,
            "warning",
            path,
        )
        return
    best, _ = index.best(mine, other)
    if not best:
        t.psk_state = "missing"
        ctx.note(
            "MISSING", "no pre-shared key entry matches this tunnel's identities or addresses", t.line, "warning", path
        )
        return
    if len(best) > 1 and (not other or not mine) and len({s.value for s in best}) > 1:
        t.psk_state = "missing"
        t.extra["psk_candidates"] = [s.where for s in best]
        ctx.note(
            "AMBIGUOUS",
            f"{len(best)} pre-shared keys could apply ({', '.join(s.where for s in best[:5])}): "
            "which one depends on the identity the peer presents",
            t.line,
            "warning",
            path,
        )
        return
    s = best[0]
    t.extra["psk_source"] = s.where
    if s.value is None or s.value == "":
        t.psk_state = "missing"
        ctx.note("MISSING", f"the matching entry {s.where} has no secret", s.line, "warning", path)
        return
    text, state, how = _decode_secret(s.value, allow_encoding=not s.quoted)
    t.psk, t.psk_state = text, state
    if state == "binary" and text is not None:
        # the decoded bytes, for the device's redactor (parse_text adds extra["psk_raw"])
        t.extra["psk_raw"] = bytes.fromhex(text[2:]).decode("latin-1")
    if s.single_quoted:
        ctx.note(
            "KEY",
            f"the secret in {s.where} starts with a single quote: swanctl.conf has no single-quoted "
            "strings, so the quotes are part of the key",
            s.line,
            "warning",
            path,
        )
    if how:
        ctx.note(
            "KEY",
            f"the pre-shared key in {s.where} is {how}",
            s.line,
            "info" if state in ("clear", "binary") else "warning",
            path,
        )


# ================================================================== swanctl
#: round keys of swanctl.conf local/remote sections -> CertAuth fields
_CERT_KEYS: dict[str, dict[str, str]] = {
    "local": {"certs": "local_certs"},
    "remote": {"certs": "remote_certs", "cacerts": "cacerts", "groups": "groups", "cert_policy": "cert_policy"},
}


def _peer_ident(value: str) -> Ident | None:
    """The peer's identity; a wildcard (%any, *.example.org, CN=*, O=Org) is kept as written."""
    v = value.strip()
    if v in ("%any", "%any6", "*"):
        return Ident("other", v)
    return _ident(v)


@dataclass
class _KV:
    value: str | None
    line: int
    single_quoted: bool = False


class _Sec:
    """A swanctl.conf section: key/values and subsections in file order (a
    repeated section name merges into the first, as in strongSwan)."""

    __slots__ = ("kv", "line", "name", "refs", "subs")

    def __init__(self, name: str, line: int) -> None:
        self.name = name
        self.line = line
        self.kv: dict[str, _KV] = {}
        self.subs: dict[str, _Sec] = {}
        self.refs: list[tuple[str, int]] = []


_WS = re.compile(r"[ \t\r\f\v]+")
_NAME = re.compile(r"[^#{}=:,\"\s]+")
_VALPART = re.compile(r"[^#}\"\r\n\t ]+")
_VALWS = re.compile(r"[ \t\r]+")
_STRCHUNK = re.compile(r"[^\\\r\"]+")

Tok = tuple[str, Any, int]


class _Swanctl:
    def __init__(self, ctx: _Ctx, text: str) -> None:
        self.ctx = ctx
        self.text = text
        self.root = _Sec("", 0)
        self._conn_ifid: dict[str, _KV] = {}
        self._own: tuple[str | None, str | None] = (None, None)  # each end's address as a host selector
        self._vips: str | None = None  # the connection asks for a virtual IP (vips)

    # ------------------------------------------------------------ lexer
    def _string(self, i: int, line: int) -> tuple[str | None, int, int]:
        """A "..." string from just after the opening quote: (text or None if
        unterminated, position after it, line)."""
        t, n = self.text, len(self.text)
        out: list[str] = []
        while i < n:
            c = t[i]
            if c == '"':
                return "".join(out), i + 1, line
            if c == "\\":
                if i + 1 >= n:
                    return None, n, line
                d = t[i + 1]
                if d == "n":
                    out.append("\n")
                elif d == "r":
                    out.append("\r")
                elif d == "t":
                    out.append("\t")
                elif d == "\n":
                    line += 1
                elif d == "\r" and i + 2 < n and t[i + 2] == "\n":
                    line += 1
                    i += 1
                else:
                    out.append(d)
                i += 2
                continue
            if c == "\r":
                i += 1
                continue
            m = _STRCHUNK.match(t, i)
            if m is None:  # pragma: no cover - every other character matches
                i += 1
                continue
            chunk = m.group()
            line += chunk.count("\n")
            out.append(chunk)
            i = m.end()
        return None, n, line

    def tokens(self) -> Iterator[Tok]:
        t, n = self.text, len(self.text)
        i, line = 0, 1
        while i < n:
            c = t[i]
            if c == "\n":
                line += 1
                i += 1
                continue
            if c in " \t\r\f\v":
                m = _WS.match(t, i)
                i = m.end() if m else i + 1
                continue
            if c == "#":
                j = t.find("\n", i)
                i = n if j < 0 else j
                continue
            if c in "{}:,":
                yield c, None, line
                i += 1
                continue
            if c == "=":
                start = line
                i += 1
                parts: list[str] = []
                single = False
                while i < n:
                    c = t[i]
                    if c in " \t\r":
                        m = _VALWS.match(t, i)
                        i = m.end() if m else i + 1
                        continue
                    if c in "\n#}":
                        break
                    if c == '"':
                        s, i, line = self._string(i + 1, line)
                        if s is None:
                            yield "error", 'unterminated "..." string (truncated file?)', start
                            parts = []
                            break
                        parts.append(s)
                        continue
                    m = _VALPART.match(t, i)
                    if m is None:  # pragma: no cover
                        i += 1
                        continue
                    if not parts and m.group().startswith("'"):
                        single = True
                    parts.append(m.group())
                    i = m.end()
                yield "value", (" ".join(parts) if parts else None, single), start
                continue
            if c == '"':
                s, i, line2 = self._string(i + 1, line)
                yield "error", "a quoted string where a section or key name belongs", line
                line = line2
                continue
            m = _NAME.match(t, i)
            if m is None:  # pragma: no cover
                i += 1
                continue
            name = m.group()
            i = m.end()
            if name == "include" and i < n and t[i] in " \t":
                j = i
                while j < n and t[j] in " \t":
                    j += 1
                if j < n and t[j] not in "=\n":
                    k = j
                    while k < n and t[k] not in "#}\n":
                        k += 1
                    yield "include", t[j:k].strip(), line
                    i = k
                    continue
            yield "name", name, line

    # ----------------------------------------------------------- parser
    def build(self) -> None:
        ctx = self.ctx
        stack: list[_Sec] = [self.root]
        max_depth = int(_grammar().get("swanctl", {}).get("max_depth", 16))
        deep = _Sec("...", 0)  # stands for every section below max_depth
        pending: tuple[str, int] | None = None
        refs: list[tuple[str, int]] | None = None  # collecting "name : ref, ref {"

        def syntax(msg: str, line: int) -> None:
            ctx.note("SYNTAX", msg, line, "error", _stack_path(stack))

        def word(name: str) -> str:
            """A stray word, quoted in a finding only outside the secrets section
            (there it may be key material)."""
            if len(stack) > 1 and stack[1].name == "secrets":
                return "a word"
            return f"'{_short(name, 40)}'"

        for kind, val, line in self.tokens():
            if kind == "name":
                if refs is not None:
                    refs.append((val, line))
                    continue
                if pending is not None:
                    syntax(
                        f"{word(pending[0])} is followed by {word(val)}: expected '{{' or '='",
                        pending[1],
                    )
                pending = (val, line)
            elif kind == ":":
                if pending is None or refs is not None:
                    syntax("unexpected ':'", line)
                else:
                    refs = []
            elif kind == ",":
                if refs is None:
                    syntax("unexpected ','", line)
            elif kind == "{":
                if pending is None:
                    syntax("a section without a name", line)
                    pending = ("?", line)
                name, nline = pending
                parent = stack[-1]
                if parent is deep or len(stack) > max_depth:
                    if parent is not deep:
                        syntax(f"sections nested deeper than {max_depth} levels are not read", nline)
                    stack.append(deep)  # keep counting braces without building sections
                    pending, refs = None, None
                    continue
                sec = parent.subs.get(name)
                if sec is None:
                    sec = _Sec(name, nline)
                    parent.subs[name] = sec
                if refs:
                    sec.refs.extend(refs)
                stack.append(sec)
                pending, refs = None, None
            elif kind == "}":
                if refs is not None:
                    syntax("section references without '{'", line)
                    refs = None
                if pending is not None:
                    syntax(f"{word(pending[0])} has neither '=' nor '{{'", pending[1])
                    pending = None
                if len(stack) == 1:
                    syntax("unbalanced '}' (no section is open)", line)
                else:
                    stack.pop()
            elif kind == "value":
                value, single = val
                if pending is None or refs is not None:
                    syntax("a value without a key", line)
                    pending, refs = None, None
                    continue
                if stack[-1] is not deep:
                    stack[-1].kv[pending[0]] = _KV(value, pending[1], single)
                pending = None
            elif kind == "include":
                ctx.note(
                    "INCLUDE",
                    f"'include {_short(val)}' is not followed: the included files are not read",
                    line,
                    "warning",
                    _stack_path(stack),
                )
            elif kind == "error":
                syntax(str(val), line)
        last = self.text.count("\n") + 1
        if pending is not None:
            syntax(f"{word(pending[0])} has neither '=' nor '{{' (truncated file?)", pending[1])
        if len(stack) > 1:
            open_ = _stack_path(stack, " > ")
            ctx.note(
                "UNCLOSED",
                f"the file ends inside {open_}: {len(stack) - 1} '}}' missing (truncated file?); "
                "what was read so far is reported",
                last,
                "error",
                open_.replace(" > ", "."),
            )

    # ---------------------------------------------------------- resolve
    def _find(self, path: str, parent: _Sec) -> _Sec | None:
        node: _Sec | None = self.root
        for part in path.split("."):
            node = node.subs.get(part) if node else None
        if node is None:
            node = parent.subs.get(path)
        return node

    def effective(self, sec: _Sec, parent: _Sec, depth: int = 0) -> _Sec:
        """The section with its ': ref' sections merged under it."""
        if not sec.refs or depth > 16:
            return sec
        out = _Sec(sec.name, sec.line)
        for ref, line in sec.refs:
            base = self._find(ref, parent)
            if base is None or base is sec:
                self.ctx.note(
                    "UNRESOLVED",
                    f"section {_short(sec.name, 40)} refers to '{_short(ref, 40)}', which does not exist",
                    line,
                    "warning",
                    sec.name,
                )
                continue
            _merge(out, self.effective(base, parent, depth + 1))
        _merge(out, sec)
        return out

    # -------------------------------------------------------------- run
    def run(self) -> None:
        self.build()
        ctx = self.ctx
        for key, kv in self.root.kv.items():
            ctx.ignored(key, kv.line, "")
        secrets: list[_Secret] = []
        for name, sec in self.root.subs.items():
            if name == "connections":
                continue
            if name == "secrets":
                secrets = self.secrets(sec)
                continue
            ctx.note(
                "IGNORED", f"section '{_short(name, 40)}' is not read (not a connection or secret)", sec.line, "info"
            )
        index = _SecretIndex(secrets) if secrets else None
        conns = self.root.subs.get("connections")
        if conns is None:
            if secrets:
                ctx.note(
                    "NO-TUNNEL", f"secrets only ({len(secrets)} entries) and no 'connections' section: no tunnel", None
                )
            return
        for key, kv in conns.kv.items():
            ctx.ignored(key, kv.line, "connections")
        if not conns.subs:
            ctx.note("SYNTAX", "the 'connections' section holds no connection", conns.line, "warning", "connections")
        for name, sec in conns.subs.items():
            self.connection(name, self.effective(sec, conns), index)

    def secrets(self, sec: _Sec) -> list[_Secret]:
        ctx = self.ctx
        out: list[_Secret] = []
        for key, kv in sec.kv.items():
            ctx.ignored(key, kv.line, "secrets")
        for name, sub in sec.subs.items():
            path = f"secrets.{name}"
            sub = self.effective(sub, sec)
            if not name.lower().startswith("ike"):
                ctx.note(
                    "IGNORED", "a secret section that is not a pre-shared IKE key (ike...): not read", sub.line, "info"
                )
                continue
            ids: list[str] = []
            secret: _KV | None = None
            for key, kv in sub.kv.items():
                if key.lower().startswith("id"):
                    if kv.value:
                        ids.append(_id_key(kv.value))
                elif key == "secret":
                    secret = kv
                else:
                    ctx.ignored(key, kv.line, path)
            for ssub in sub.subs.values():
                ctx.note("IGNORED", "a subsection of a secret is not read", ssub.line, "info", path)
            out.append(
                _Secret(
                    ids=ids,
                    value=secret.value if secret else None,
                    quoted=False,
                    line=secret.line if secret else sub.line,
                    where=path,
                    single_quoted=bool(secret and secret.single_quoted),
                )
            )
        return out

    def connection(self, name: str, sec: _Sec, index: _SecretIndex | None) -> None:
        ctx = self.ctx
        path = f"connections.{name}"
        t = ParsedTunnel(name=name, line=sec.line, variant="swanctl")

        def kv(key: str) -> _KV | None:
            return sec.kv.get(key)

        def val(key: str) -> str | None:
            k = sec.kv.get(key)
            return k.value if k else None

        def line(key: str) -> int:
            k = sec.kv.get(key)
            return k.line if k else sec.line

        known = set(_grammar().get("swanctl", {}).get("connection_keys", []))
        for key, k in sec.kv.items():
            if key not in known:
                ctx.ignored(key, k.line, path)
        # version / mode
        v = val("version")
        if v is None or v.strip() in ("0", ""):
            t.ike_version = None
        elif v.strip() in ("1", "2"):
            t.ike_version = int(v.strip())
        else:
            ctx.note(
                "UNSUPPORTED",
                f"version = {_short(v)} is not 0, 1 or 2: the IKE version is unknown",
                line("version"),
                "error",
                path,
            )
        ag = _bool(val("aggressive"))
        if kv("aggressive") and ag is None:
            ctx.note(
                "UNSUPPORTED",
                f"aggressive = {_short(val('aggressive'))} is not a boolean: the mode is unknown",
                line("aggressive"),
                "error",
                path,
            )
        if ag:
            if t.ike_version == 2:
                ctx.note("IGNORED", "aggressive = yes has no effect with IKEv2", line("aggressive"), "info", path)
            else:
                t.mode = "aggressive"
        version = t.ike_version
        # addresses
        la = _address(val("local_addrs"), side="local", remote=False)
        ra = _address(val("remote_addrs"), side="remote", remote=True)
        t.local_address, t.peer_address, t.backup_peers = la.address, ra.address, ra.backups
        if la.host:
            t.extra["local_host"] = la.host
        if ra.host:
            t.extra["peer_host"] = ra.host
        _note_addr(ctx, la, line("local_addrs"), path)
        _note_addr(ctx, ra, line("remote_addrs"), path)
        self._own = (_own(val("local_addrs")), _own(val("remote_addrs")))
        vips = (val("vips") or "").strip()
        self._vips = vips or None
        # proposals
        ike = _proposals(ctx, val("proposals"), "IKE", version, line("proposals"), path, "proposals")
        t.ike_proposals = ike.proposals
        _record_defaults(t, "ike_proposals", ike)
        if (val("proposals") or "").strip().lower() in ("", "default"):
            _share_defaults(ctx, t)
        # IKE lifetime
        times: dict[str, int | None] = {}
        bad = False
        for key in ("rekey_time", "reauth_time", "over_time", "rand_time"):
            tk = kv(key)
            times[key] = _time(tk.value) if tk else None
            if tk and times[key] is None:
                bad = bad or key != "rand_time"
                ctx.note("UNSUPPORTED", f"{key} = {_short(tk.value)} is not a time", tk.line, "error", path)
        rekey, reauth, over = times["rekey_time"], times["reauth_time"], times["over_time"]
        if bad:
            t.ike_lifetime = None
        else:
            if rekey is None and reauth is None:
                rekey, reauth = _default_time("swanctl", "rekey_time"), _default_time("swanctl", "reauth_time")
                ctx.default(t, "ike_lifetime", "swanctl", "rekey_time", sec.line, path)
            rekey, reauth = rekey or 0, reauth or 0
            if over is None:
                over = max(rekey, reauth) * int(_defaults()["swanctl"]["over_time_percent"]) // 100
                if version == 1 and (reauth or rekey):
                    ctx.default(t, "ike_lifetime", "swanctl", "over_time_percent", sec.line, path)
            if version == 1:
                base = reauth or rekey
                t.ike_lifetime = base + over if base else None
            else:
                t.ike_lifetime = rekey or reauth or None
            if t.ike_lifetime is None:
                ctx.note(
                    "UNSUPPORTED",
                    "the IKE SA has neither rekey_time nor reauth_time: no IKE lifetime",
                    sec.line,
                    "warning",
                    path,
                )
        # DPD
        delay: int | None = 0
        if kv("dpd_delay"):
            delay = _time(val("dpd_delay"))
            if delay is None:
                ctx.note(
                    "UNSUPPORTED",
                    f"dpd_delay = {_short(val('dpd_delay'))} is not a time: DPD is unknown",
                    line("dpd_delay"),
                    "error",
                    path,
                )
        timeout = _time(val("dpd_timeout")) if kv("dpd_timeout") else None
        if delay:
            t.dpd_enabled = True
            if version == 1 and timeout:
                t.dpd_timeout = timeout
            else:
                t.dpd_timeout = delay * 3
                if version == 1:
                    ctx.note(
                        "UNSUPPORTED",
                        "IKEv1 without dpd_timeout: strongSwan gives up after its IKE retransmission "
                        f"timeout; read as dpd_delay x 3 = {delay * 3} s",
                        line("dpd_delay"),
                        "info",
                        path,
                    )
        elif delay == 0 and version != 2 and timeout:
            ctx.note("INACTIVE", "dpd_timeout is set but dpd_delay is 0: DPD is off", line("dpd_timeout"), "info", path)
        # authentication rounds
        self.auth(t, sec, path)
        # children
        children = sec.subs.get("children")
        for sname, ssub in sec.subs.items():
            if sname != "children" and not sname.lower().startswith(("local", "remote")):
                ctx.note("IGNORED", f"subsection '{_short(sname, 40)}' is not read", ssub.line, "info", path)
        self._conn_ifid = {k: sec.kv[k] for k in _IFID_KEYS if k in sec.kv}
        first: dict[str, Any] | None = None
        if children is None or not children.subs:
            ctx.note(
                "SELECTORS",
                "no children: the connection sets up no IPsec SA (no selectors, no ESP proposals)",
                sec.line,
                "warning",
                path,
            )
            t.esp_proposals = []
        else:
            for key, k in children.kv.items():
                ctx.ignored(key, k.line, f"{path}.children")
            for cname, csec in children.subs.items():
                csec = self.effective(csec, children)
                cpath = f"{path}.children.{cname}"
                params = self.child(t, csec, cpath, version, first is None)
                if first is None:
                    first = params
                    first["name"] = cname
                    continue
                diff = [k for k in ("esp", "life", "kb", "dpd_action", "mode", "if_id") if params[k] != first[k]]
                if diff:
                    ctx.note(
                        "AMBIGUOUS",
                        f"child {_short(cname, 40)} differs from child {_short(first['name'], 40)} in "
                        f"{', '.join(diff)}: the tunnel holds the first child's values",
                        csec.line,
                        "warning",
                        cpath,
                    )
            assert first is not None
            t.esp_proposals = first["props"].proposals
            _record_defaults(t, "esp_proposals", first["props"])
            ah: _Props | None = first["ah"]
            if ah is not None:
                t.ah_proposals = ah.proposals
                _record_defaults(t, "ah_proposals", ah)
            _pfs(
                ctx,
                t,
                first["props"] if first["props"].proposals or ah is None else ah,
                first["esp_line"],
                first["path"],
                esp=bool(first["props"].proposals) or ah is None,
            )
            t.ipsec_lifetime_seconds, t.ipsec_lifetime_kb = first["life"], first["kb"]
            t.dpd_action = first["dpd_action"]
            if first["start_action"] is not None:
                t.extra["start_action"] = first["start_action"]
            if first["if_id"] is not None:
                t.variant = "swanctl-xfrm"
                t.extra["if_id_in"], t.extra["if_id_out"] = first["if_id"]
            for mk, mv in first["marks"].items():
                t.extra[mk] = mv
        t.selectors = list(dict.fromkeys(t.selectors))
        if "if_id_out" in t.extra:
            # an XFRM interface: any/any is a route-based tunnel; narrowed selectors
            # read as the SPD (route-based only with a BGP session over the interface)
            t.route_based = not t.selectors
            if t.selectors:
                ctx.note(
                    "SELECTORS",
                    f"XFRM interface ID {t.extra['if_id_out']} with narrowed selectors: read as the SPD "
                    "(policy-based unless a BGP session runs over the interface)",
                    sec.line,
                    "info",
                    path,
                )
        t.extra["children"] = list(children.subs) if children else []
        mine = {x for x in (_id_key(t.local_id.value) if t.local_id else None, _addr_key(la)) if x}
        other = {x for x in (_id_key(t.peer_id.value) if t.peer_id else None, _addr_key(ra)) if x}
        mine.discard("%any")
        other.discard("%any")
        _attach_secret(ctx, t, index, mine, other, path)
        self.ctx.dev.tunnels.append(t)

    def auth(self, t: ParsedTunnel, sec: _Sec, path: str) -> None:
        ctx = self.ctx
        classes: dict[str, str] = {}
        cert = CertAuth(line=sec.line)
        local_id_given = False
        for side in ("local", "remote"):
            rounds = [(n, s) for n, s in sec.subs.items() if n.lower().startswith(side)]

            def round_no(item: tuple[str, _Sec]) -> int:
                r = item[1].kv.get("round")
                return small_int((r.value or "").strip()) or 0 if r else 0

            rounds.sort(key=round_no)
            if not rounds:
                classes[side] = "pubkey"
                t.defaulted["auth"] = (
                    f"strongSwan swanctl default auth = {_defaults()['swanctl']['auth']} (vendor.yaml defaults.swanctl)"
                )
                ctx.note(
                    "DEFAULT",
                    f"no {side} section: strongSwan's default authentication "
                    f"({_defaults()['swanctl']['auth']}) applies",
                    sec.line,
                    "warning",
                    path,
                )
                continue
            for extra_name, extra in rounds[1:]:
                ctx.note(
                    "IGNORED",
                    f"further authentication round '{_short(extra_name, 40)}' is not read",
                    extra.line,
                    "warning",
                    path,
                )
            rname, rsec = rounds[0]
            rpath = f"{path}.{rname}"
            for key, k in rsec.kv.items():
                if key in _CERT_KEYS.get(side, {}):
                    items = [x.strip() for x in (k.value or "").split(",") if x.strip()]
                    getattr(cert, _CERT_KEYS[side][key]).extend(items)
                elif key not in ("auth", "id", "round"):
                    ctx.ignored(key, k.line, rpath)
            for sname, ssub in rsec.subs.items():
                ctx.note("IGNORED", f"subsection '{_short(sname, 40)}' is not read", ssub.line, "info", rpath)
            idkv = rsec.kv.get("id")
            if side == "local":
                ident = _ident(idkv.value) if idkv else None
                local_id_given = ident is not None
                t.local_id = ident
            else:
                ident = _peer_ident(idkv.value) if idkv and idkv.value is not None else None
                t.peer_id = ident
            if ident is not None and ident.type == "other":
                ctx.note(
                    "IDENTITY",
                    f"{side} id {_short(ident.value)} is neither an IPv4 address nor a host name",
                    idkv.line if idkv else rsec.line,
                    "info",
                    rpath,
                )
            akv = rsec.kv.get("auth")
            a = (akv.value or "").strip().lower() if akv else ""
            if not a:
                classes[side] = "pubkey"
                t.defaulted["auth"] = (
                    f"strongSwan swanctl default auth = {_defaults()['swanctl']['auth']} (vendor.yaml defaults.swanctl)"
                )
                ctx.note(
                    "DEFAULT",
                    f"{_short(rname, 40)} has no auth: strongSwan's default ({_defaults()['swanctl']['auth']}) applies",
                    rsec.line,
                    "warning",
                    rpath,
                )
            elif a == "psk":
                classes[side] = "psk"
            elif a.startswith(("pubkey", "rsa", "ecdsa", "bliss", "ike:")):
                classes[side] = "pubkey"
                ctx.note(
                    "UNSUPPORTED",
                    f"{_short(rname, 40)}: auth = {_short(a)} is certificate/public-key authentication, "
                    "not a pre-shared key",
                    akv.line if akv else rsec.line,
                    "warning",
                    rpath,
                )
            else:
                classes[side] = "other"
                ctx.note(
                    "UNSUPPORTED",
                    f"{_short(rname, 40)}: auth = {_short(a)} is neither psk nor public-key authentication",
                    akv.line if akv else rsec.line,
                    "warning",
                    rpath,
                )
        # the local identity left out: the certificate's subject with public-key
        # authentication, else the local IP address (swanctl.conf local.id)
        if not local_id_given:
            if classes.get("local") == "pubkey":
                t.local_id = None
                what = cert.local_certs[0] if cert.local_certs else "the local certificate"
                t.defaulted["local_id"] = f"the certificate's subject ({what})"
                ctx.note(
                    "IDENTITY",
                    f"no local id with certificate authentication: charon sends the certificate's subject ({_short(what)})",
                    sec.line,
                    "info",
                    path,
                )
            elif t.local_address and ipv4(t.local_address):
                t.local_id = Ident("address", t.local_address)  # default: the local IP address
        if any((cert.local_certs, cert.remote_certs, cert.cacerts, cert.groups, cert.cert_policy)) or (
            "pubkey" in classes.values()
        ):
            t.cert = cert
        vals = set(classes.values())
        if vals == {"psk"}:
            t.auth = "psk"
        elif vals == {"pubkey"}:
            t.auth = "certificate"
        else:
            t.auth = "unknown"
            if "psk" in vals:
                ctx.note(
                    "UNSUPPORTED",
                    f"mixed authentication (local {classes.get('local')}, remote {classes.get('remote')})",
                    sec.line,
                    "warning",
                    path,
                )

    def child(self, t: ParsedTunnel, c: _Sec, path: str, version: int | None, first: bool) -> dict[str, Any]:
        """One child's values; the defaults it takes are recorded for the first child only."""
        ctx = self.ctx
        known = set(_grammar().get("swanctl", {}).get("child_keys", []))
        for key, k in c.kv.items():
            if key in _MARK_KEYS:
                continue
            if key not in known:
                ctx.ignored(key, k.line, path)
        for sname, ssub in c.subs.items():
            ctx.note("IGNORED", f"subsection '{_short(sname, 40)}' is not read", ssub.line, "info", path)

        def g(key: str) -> _KV | None:
            return c.kv.get(key)

        mk = g("mode")
        mode = (mk.value or "tunnel").strip().lower() if mk else "tunnel"
        if mk is not None and mode != "tunnel":
            ctx.note("UNSUPPORTED", f"mode = {_short(mode)}: not an IPsec tunnel", mk.line, "warning", path)
        lts, rts = g("local_ts"), g("remote_ts")
        pairs = _pairs(
            ctx,
            t,
            lts.value if lts else None,
            rts.value if rts else None,
            self._own[0],
            self._own[1],
            version,
            (lts or rts or _KV(None, c.line)).line,
            path,
            "local_ts",
            "remote_ts",
            self._vips,
        )
        if_id, marks = self.child_ifid(c, path)
        if if_id is not None and pairs == [("0.0.0.0/0", "0.0.0.0/0")]:
            ctx.note(
                "SELECTORS",
                "route-based (XFRM interface ID) with 0.0.0.0/0 <-> 0.0.0.0/0: any/any, no SPD",
                (lts or rts or _KV(None, c.line)).line,
                "info",
                path,
            )
            pairs = []
        t.selectors.extend(pairs)  # duplicates are dropped once all children are read
        ek, ak = g("esp_proposals"), g("ah_proposals")
        esp_line = ek.line if ek else (ak.line if ak else c.line)
        ah = _proposals(ctx, ak.value, "AH", version, ak.line, path, "ah_proposals") if ak else None
        if ek is None and ah is not None:
            props = _Props()  # AH alone: no ESP (swanctl.conf esp_proposals: only when neither is set)
            ctx.note(
                "SELECTORS",
                "ah_proposals without esp_proposals: AH only, no ESP",
                ak.line if ak else c.line,
                "info",
                path,
            )
        else:
            props = _proposals(ctx, ek.value if ek else None, "ESP", version, esp_line, path, "esp_proposals")
        bad: set[str] = set()

        def num(key: str, parse: Any) -> int | None:
            k = g(key)
            if k is None:
                return None
            n = parse(k.value)
            if n is None:
                bad.add(key)
                ctx.note("UNSUPPORTED", f"{key} = {_short(k.value)} is not a valid value", k.line, "error", path)
            return None if n is None else int(n)

        pct = int(_defaults()["swanctl"]["child_life_percent"])
        rekey = num("rekey_time", _time)
        life = num("life_time", _time)
        if life is None and rekey is None and not bad & {"rekey_time", "life_time"}:
            rekey = _default_time("swanctl", "child_rekey_time")
            if first:
                ctx.default(t, "ipsec_lifetime_seconds", "swanctl", "child_rekey_time", c.line, path)
        if life is None and not bad & {"rekey_time", "life_time"}:
            life = (rekey or 0) * pct // 100  # hard lifetime = soft + 10 %
        rbytes = num("rekey_bytes", _bytes_value)
        lbytes = num("life_bytes", _bytes_value)
        kb: int | None = None
        if not bad & {"rekey_bytes", "life_bytes"}:
            if lbytes is None:
                lbytes = (rbytes or 0) * pct // 100
            if lbytes:
                kb = lbytes // 1024
                if lbytes % 1024:
                    bk = g("life_bytes") or g("rekey_bytes")
                    ctx.note(
                        "UNSUPPORTED",
                        f"IPsec SA volume {lbytes} bytes is not a whole number of KB: read as {kb} KB",
                        bk.line if bk else c.line,
                        "info",
                        path,
                    )
                if kb == 0:
                    kb = None
        dk = g("dpd_action")
        dpd_action: str | None = str(_defaults()["swanctl"]["dpd_action"])
        if dk is not None:
            a = (dk.value or "").strip().lower()
            dpd_action = {
                "restart": "restart",
                "start": "restart",
                "clear": "clear",
                "none": "clear",
                "trap": "trap",
                "route": "trap",
                "hold": "trap",
            }.get(a)
            if dpd_action is None:
                ctx.note(
                    "UNSUPPORTED",
                    f"dpd_action = {_short(a)} is not clear, trap or restart: the DPD action is unknown",
                    dk.line,
                    "error",
                    path,
                )
        elif first and t.dpd_enabled:
            ctx.default(t, "dpd_action", "swanctl", "dpd_action", c.line, path)
        sk = g("start_action")
        return {
            "props": props,
            "ah": ah,
            "esp": [p.raw for p in props.proposals] + [f"ah:{p.raw}" for p in (ah.proposals if ah else [])],
            "esp_line": esp_line,
            "path": path,
            "life": life or None,
            "kb": kb,
            "dpd_action": dpd_action,
            "mode": mode,
            "start_action": sk.value.strip() if sk and sk.value else None,
            "if_id": if_id,
            "marks": marks,
        }

    def child_ifid(self, c: _Sec, path: str) -> tuple[tuple[str, str] | None, dict[str, str]]:
        """The child's XFRM interface IDs (its own, else the connection's), as
        (in, out) strings, or None; marks are only kept (a VTI is not read)."""
        ctx = self.ctx
        got: dict[str, str] = {}
        line = c.line
        for key in _IFID_KEYS:
            k = c.kv.get(key) or self._conn_ifid.get(key)
            if k is None or k.value is None:
                continue
            v = k.value.strip()
            line = k.line
            if v.lower().startswith("%unique"):
                ctx.note(
                    "UNSUPPORTED",
                    f"{key} = {_short(v)}: an interface ID allocated per SA, no fixed XFRM interface to route into",
                    k.line,
                    "warning",
                    path,
                )
                got[key] = v
                continue
            n = _strtoul(v)
            if n is None or n > 0xFFFFFFFF:
                ctx.note("UNSUPPORTED", f"{key} = {_short(v)} is not an interface ID", k.line, "error", path)
                continue
            got[key] = str(n)
        marks: dict[str, str] = {}
        for key in _MARK_KEYS:
            mk = c.kv.get(key)
            if mk is not None and mk.value:
                marks[key] = mk.value.strip()
                ctx.note(
                    "UNSUPPORTED",
                    f"{key} = {_short(mk.value)}: marks (a VTI or policy routing) are kept in extra, "
                    "not read as a route-based tunnel",
                    mk.line,
                    "info",
                    path,
                )
        ids = [got.get(k, "0") for k in _IFID_KEYS]
        if all(x == "0" for x in ids):
            return None, marks
        if ids[0] != ids[1]:
            ctx.note(
                "AMBIGUOUS",
                f"if_id_in {ids[0]} and if_id_out {ids[1]} differ: the routes are looked up by if_id_out",
                line,
                "info",
                path,
            )
        return (ids[0], ids[1]), marks


def _stack_path(stack: list[_Sec], sep: str = ".") -> str:
    names = [_short(s.name, 40) for s in stack[1:5]]
    if len(stack) > 5:
        names.append(f"... ({len(stack) - 1} levels)")
    return sep.join(names)


def _merge(into: _Sec, src: _Sec) -> None:
    into.kv.update(src.kv)
    for name, sub in src.subs.items():
        if name in into.subs:
            merged = _Sec(name, into.subs[name].line)
            _merge(merged, into.subs[name])
            _merge(merged, sub)
            into.subs[name] = merged
        else:
            into.subs[name] = sub


def _addr_key(a: _Addr) -> str | None:
    if a.address:
        return a.address.lower()
    if a.host and not a.host.lower().startswith("%default"):
        return _id_key(a.host)
    return None


# ============================================================ ipsec.conf
class _IpsecConf:
    """strongSwan's meaning of the sections ``vpnconf.parsing.ipsecconf`` reads."""

    def __init__(self, ctx: _Ctx, text: str) -> None:
        self.ctx = ctx
        self.g = ipsecconf.grammar(VENDOR)
        self.doc = ipsecconf.read(text, VENDOR)

    def run(self) -> None:
        ctx, doc, g = self.ctx, self.doc, self.g
        effs = ipsecconf.effective_conns(ctx.dev, doc, g)
        if not doc.conns:
            return
        secrets = [_Secret([_id_key(i) for i in s.ids], s.value, s.quoted, s.line, s.where) for s in doc.secrets]
        index = _SecretIndex(secrets) if secrets else None
        referenced = {target for c in doc.conns.values() for target, _ in c.also}
        templates: set[str] = set()
        for n, conn in doc.conns.items():
            if n == g.default_section:
                continue
            auto = effs[n].get("auto", (str(_defaults()["ipsec.conf"]["auto"]), 0))[0].strip().lower()
            if auto == "ignore":
                if n in referenced:
                    templates.add(n)  # a base conn (template) for also=
                    continue
                ctx.note(
                    "INACTIVE",
                    "auto=ignore (the default): strongSwan does not load this conn; read anyway",
                    conn.line,
                    "info",
                    n,
                )
        grouped = ipsecconf.groups(doc, g, effs, templates)
        names_used: dict[str, int] = {}
        for base, _ in grouped:
            names_used[base] = names_used.get(base, 0) + 1
        taken: set[str] = set()
        for (base, _), members in grouped.items():
            name = base
            if names_used[base] > 1 and base in taken:
                name = members[0]
                ctx.note(
                    "AMBIGUOUS",
                    f"conns {_short(', '.join(members))} share also={_short(base, 40)} but differ in more than "
                    f"their subnets: read as a separate tunnel {_short(name, 40)}",
                    doc.conns[members[0]].line,
                    "info",
                    name,
                )
            taken.add(name)
            self.tunnel(name, base, members, effs, index)

    def tunnel(
        self,
        name: str,
        base: str,
        members: list[str],
        effs: dict[str, dict[str, tuple[str, int]]],
        index: _SecretIndex | None,
    ) -> None:
        ctx = self.ctx
        conns = self.doc.conns
        line0 = conns[base].line if base in conns else conns[members[0]].line
        c = ipsecconf.Tunnel.start(ctx.dev, name, members, effs, line0, _WIDTH)
        t, eff, val, line, path = c.t, c.eff, c.val, c.line, c.path
        defaults = _defaults()["ipsec.conf"]

        kx = (val("keyexchange") or str(defaults["keyexchange"])).strip().lower()
        if kx == "ikev1":
            t.ike_version = 1
        elif kx == "ikev2":
            t.ike_version = 2
        elif kx != "ike":
            ctx.note(
                "UNSUPPORTED",
                f"keyexchange={_short(kx)} is not ike, ikev1 or ikev2: the IKE version is unknown",
                line("keyexchange"),
                "error",
                path,
            )
        version = t.ike_version
        ipsecconf.aggressive(c, "aggressive", bool(_bool(val("aggressive"))))
        ipsecconf.tunnel_type(c)
        # addresses and identities (left = this device, by convention)
        la = _address(val("left"), side="local (left)", remote=False)
        ra = _address(val("right"), side="remote (right)", remote=True)
        t.local_address, t.peer_address, t.backup_peers = la.address, ra.address, ra.backups
        if la.host:
            t.extra["local_host"] = la.host
        if ra.host:
            t.extra["peer_host"] = ra.host
        _note_addr(ctx, la, line("left"), path)
        _note_addr(ctx, ra, line("right"), path)
        lid, rid = ipsecconf.identities(c, _ident)
        for side, ident, key in (("local", t.local_id, "leftid"), ("remote", t.peer_id, "rightid")):
            if ident is not None and ident.type == "other":
                ctx.note(
                    "IDENTITY",
                    f"{side} id {_short(ident.value)} is neither an IPv4 address nor a host name",
                    line(key),
                    "info",
                    path,
                )
        # authentication
        classes = []
        authby = (val("authby") or str(defaults["authby"])).strip().lower()
        for key in ("leftauth", "rightauth"):
            a = (val(key) or "").strip().lower()
            if not a:
                a = {
                    "secret": "psk",
                    "psk": "psk",
                    "xauthpsk": "psk",
                    "rsasig": "pubkey",
                    "ecdsasig": "pubkey",
                    "pubkey": "pubkey",
                    "xauthrsasig": "pubkey",
                }.get(authby, authby)
            if a == "psk":
                classes.append("psk")
            elif a.startswith(("pubkey", "rsa", "ecdsa", "bliss")):
                classes.append("pubkey")
            else:
                classes.append("other")
        ipsecconf.auth_default(
            c, f"strongSwan ipsec.conf default authby = {defaults['authby']} (vendor.yaml defaults.ipsec.conf)"
        )
        if authby.startswith("xauth"):
            ctx.note(
                "UNSUPPORTED",
                f"authby={_short(authby)}: XAUTH on top of IKEv1 authentication is not read",
                line("authby"),
                "warning",
                path,
            )
        ipsecconf.auth(c, classes, "/".join(classes))
        self.certs(c, classes, lid, rid)
        # proposals (ipsec.conf(5): either ah= or esp=, no AH+ESP bundle)
        keys = ["ike", "ah" if "ah" in eff else "esp"]
        if "ah" in eff and "esp" in eff:
            ctx.note(
                "IGNORED", "esp= beside ah=: strongSwan uses AH alone (no AH+ESP bundle)", line("esp"), "warning", path
            )
        for key in keys:
            proto: Literal["IKE", "ESP", "AH"] = {"ike": "IKE", "esp": "ESP", "ah": "AH"}[key]  # type: ignore[assignment]
            v = val(key)
            strict = v is None or v.strip().endswith("!")
            if v is not None and strict:
                v = v.strip()[:-1]
            elif v is not None:
                ctx.note(
                    "DEFAULT",
                    f"{key}= does not end with '!': default applied: charon appends its default proposals "
                    "to the list (vendor.yaml defaults.proposals)",
                    line(key),
                    "info",
                    path,
                )
            props = _proposals(ctx, v, proto, version, line(key), path, f"{key}=")
            if not strict and props.default_range is None:
                _default_proposals(None, "", proto, version, line(key), path, props)
            fld = {"ike": "ike_proposals", "esp": "esp_proposals", "ah": "ah_proposals"}[key]
            setattr(t, fld, props.proposals)
            _record_defaults(t, fld, props)
            if key == "ike" and v is None:
                _share_defaults(ctx, t)
            if key != "ike":
                _pfs(ctx, t, props, line(key), path, esp=key == "esp")
        # lifetimes
        if "ikelifetime" in eff:
            t.ike_lifetime = ipsecconf.number(c, "ikelifetime", _time, "a time")
        else:
            t.ike_lifetime = _default_time("ipsec.conf", "ikelifetime")
            ctx.default(t, "ike_lifetime", "ipsec.conf", "ikelifetime", line0, path)
        t.ike_lifetime = t.ike_lifetime or None
        lkey = "lifetime" if "lifetime" in eff else "keylife"
        if lkey in eff:
            life = ipsecconf.number(c, lkey, _time, "a time")
        else:
            life = _default_time("ipsec.conf", "lifetime")
            ctx.default(t, "ipsec_lifetime_seconds", "ipsec.conf", "lifetime", line0, path)
        t.ipsec_lifetime_seconds = life or None
        ipsecconf.volume(c, "lifebytes", _strtoul, "a number")
        # DPD
        action = (val("dpdaction") or str(defaults["dpdaction"])).strip().lower()
        if "dpddelay" in eff:
            delay = ipsecconf.number(c, "dpddelay", _time, "a time", ": DPD is unknown")
        else:
            delay = _default_time("ipsec.conf", "dpddelay")
        if action in ("clear", "hold", "restart"):
            t.dpd_action = "trap" if action == "hold" else action
            if delay:
                t.dpd_enabled = True
                if "dpddelay" not in eff:
                    ctx.default(t, "dpd_enabled", "ipsec.conf", "dpddelay", line("dpdaction"), path)
                if version == 1:
                    if "dpdtimeout" in eff:
                        to = ipsecconf.number(c, "dpdtimeout", _time, "a time")
                    else:
                        to = _default_time("ipsec.conf", "dpdtimeout")
                        ctx.default(t, "dpd_timeout", "ipsec.conf", "dpdtimeout", line("dpdaction"), path)
                    t.dpd_timeout = to
                else:
                    t.dpd_timeout = delay * 3
        elif action != "none":
            ctx.note(
                "UNSUPPORTED",
                f"dpdaction={_short(action)} is not none, clear, hold or restart: DPD is unknown",
                line("dpdaction"),
                "error",
                path,
            )
        # selectors (every member conn)
        for n in members:
            e = effs[n]
            ls, rs = e.get("leftsubnet"), e.get("rightsubnet")
            cline = (ls or rs or ("", conns[n].line))[1]
            vip = e.get("leftsourceip")
            t.selectors.extend(
                _pairs(
                    ctx,
                    t,
                    ls[0] if ls else None,
                    rs[0] if rs else None,
                    _own(val("left")),
                    _own(val("right")),
                    version,
                    cline,
                    n,
                    "leftsubnet",
                    "rightsubnet",
                    vip[0].strip() if vip and vip[0].strip() else None,
                )
            )
        ipsecconf.selectors_and_auto(c)
        mine = {x for x in (_id_key(lid) if lid else None, _addr_key(la)) if x}
        other = {x for x in (_id_key(rid) if rid else None, _addr_key(ra)) if x}
        mine.discard("%any")
        other.discard("%any")
        _attach_secret(ctx, t, index, mine, other, path)
        ctx.dev.tunnels.append(t)

    def certs(self, c: ipsecconf.Tunnel, classes: list[str], lid: str | None, rid: str | None) -> None:
        """leftcert/rightcert/rightca (CertAuth); the local identity with
        public-key authentication and no leftid is the certificate's subject;
        a wildcard rightid is kept as written."""
        t, val = c.t, c.val
        cert = CertAuth(line=c.line0)
        for key, fld in (("leftcert", "local_certs"), ("rightcert", "remote_certs"), ("rightca", "cacerts")):
            v = (val(key) or "").strip()
            if v:
                getattr(cert, fld).append(v)
        if any((cert.local_certs, cert.remote_certs, cert.cacerts)) or "pubkey" in classes:
            t.cert = cert
        if classes and classes[0] == "pubkey" and not lid:
            what = cert.local_certs[0] if cert.local_certs else "the local certificate"
            t.local_id = None
            t.defaulted["local_id"] = f"the certificate's subject ({what})"
            c.note(
                "IDENTITY",
                f"no leftid with certificate authentication: charon sends the certificate's subject ({c.short(what)})",
                c.line0,
                "info",
            )
        if rid and rid.strip() in ("%any", "%any6", "*"):
            t.peer_id = Ident("other", rid.strip())


# ======================================================= strongswan.conf
# strongswan.conf(5), given alongside swanctl.conf or ipsec.conf: the same
# settings syntax as swanctl.conf, top-level sections named after the programs
# that read them (charon, libstrongswan, swanctl, starter ...). The options that
# change what a negotiation does (vendor.yaml grammar.strongswan_conf.options)
# are read into every tunnel's extra["daemon_options"]; each other option is an
# IGNORED note. charon-systemd reads its own section with charon's option names.
_RE_DAEMON_SECTION = re.compile(
    r"^(?:charon|charon-systemd|charon-nm|charon-cmd|charon-svc|libstrongswan|libcharon|libtls|libimcv|libtnccs"
    r"|libtpmtss|starter|pki|pool|attest|manager|medsrv|scepclient|sec-updater|swanctl|aikgen|pt-tls-client"
    r"|imv_policy_manager|pacman|tnc|ipsec)[ \t]*(\{.*)?$"
)
_RE_DAEMON_STRIP = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*')


def _daemon_grammar() -> dict[str, Any]:
    return dict(_grammar().get("strongswan_conf", {}))


def _option_value(value: str | None) -> bool | int | str | None:
    """An option's value: a boolean, a number (times in seconds), else the text."""
    if value is None:
        return None
    b = _bool(value)
    if b is not None:
        return b
    n = _time(value)
    return n if n is not None else value.strip()


class _Daemon:
    def __init__(self, ctx: _Ctx) -> None:
        self.ctx = ctx
        self.lines: list[str] = []  # the strongswan.conf lines (others blank), for line numbers
        self.found = False
        self.options: dict[str, bool | int | str | None] = {}

    def split(self, text: str) -> str:
        """The text without its strongswan.conf sections (blank lines in their place)."""
        lines = text.split("\n")
        mine = [""] * len(lines)
        out = list(lines)
        i = 0
        while i < len(lines):
            m = _RE_DAEMON_SECTION.match(lines[i])
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if m is None or (m.group(1) is None and not nxt.startswith("{")):
                i += 1
                continue
            self.found = True
            depth, opened = 0, False
            while i < len(lines):
                body = _RE_DAEMON_STRIP.sub("", lines[i])
                depth += body.count("{") - body.count("}")
                opened = opened or "{" in body
                mine[i], out[i] = lines[i], ""
                i += 1
                if opened and depth <= 0:
                    break
        self.lines = mine
        return "\n".join(out)

    def read(self) -> None:
        if not self.found:
            return
        conf = _Swanctl(self.ctx, "\n".join(self.lines))
        conf.build()
        wanted = {str(o) for o in _daemon_grammar().get("options", [])}
        for key, kv in conf.root.kv.items():
            self.ctx.ignored(key, kv.line, "strongswan.conf")
        for name, sec in conf.root.subs.items():
            self._walk(sec, name, wanted)

    def _walk(self, sec: _Sec, path: str, wanted: set[str]) -> None:
        for key, kv in sec.kv.items():
            full = f"{path}.{key}"
            name = "charon." + full[len("charon-systemd.") :] if full.startswith("charon-systemd.") else full
            if name in wanted:
                self.options[name] = _option_value(kv.value)
            else:
                self.ctx.note(
                    "IGNORED",
                    f"strongswan.conf {_short(full)} is not read (not an option that changes a negotiation)",
                    kv.line,
                    "info",
                    "strongswan.conf",
                )
        for name, sub in sec.subs.items():
            self._walk(sub, f"{path}.{name}", wanted)

    def attach(self, tunnels: list[ParsedTunnel]) -> None:
        if not tunnels:
            return
        if not self.found:
            names = ", ".join(str(o) for o in _daemon_grammar().get("options", []))
            self.ctx.note(
                "DEFAULT",
                f"no strongswan.conf given: the daemon options ({_short(names, 120)}) were not read; "
                "charon's defaults are assumed",
                None,
                "info",
            )
            for t in tunnels:  # a verdict names it among the defaults that decided it
                t.defaulted["daemon_options"] = "no strongswan.conf given: charon's defaults (initiator_only no, ...)"
            return
        opts = dict(self.options)
        for t in tunnels:
            t.extra["daemon_options"] = opts
            # what check reads, in the vendor-neutral words of compat.py
            t.extra["never_responds"] = opts.get("charon.initiator_only") is True
            t.extra["answers_aggressive_psk"] = (
                opts.get("charon.i_dont_care_about_security_and_use_aggressive_mode_psk") is True
            )


# ============================================================== routing
# The swanctl-xfrm variant's other files, given alongside swanctl.conf: the
# iproute2/iptables commands that create the XFRM interface and route into it
# (xfrm.sh) and a BIRD 2 BGP session over it (bird.conf). Sources: ip-link(8)
# (type xfrm: dev, if_id), ip-address(8), ip-route(8), iptables-extensions(8)
# (TCPMSS), the BIRD 2 User's Guide (protocol bgp: local, neighbor, hold time,
# keepalive time, default bgp_local_pref; channels: import/export all | none |
# where | filter; filters: net ~ [ ... ], bgp_path.prepend); see README.md.
def _routing_grammar() -> dict[str, Any]:
    return dict(_grammar().get("routing", {}))


_IFID_KEYS = ("if_id_in", "if_id_out")
_MARK_KEYS = ("mark_in", "mark_out")

# a shell line the routing reader takes (blanked for the IPsec front ends)
_RE_SHELL = re.compile(
    r"^[ \t]*(?:#!|(?:ip|iptables|ip6tables|nft|sysctl|modprobe|set)[ \t]|:[ \t]+\"?\$\{)"  # `: "${VAR:?...}"`
)
# a BIRD top-level block (read to its closing brace) or statement
_RE_BIRD_BLOCK = re.compile(r"^[ \t]*(?:protocol|template|filter|function)[ \t]+[A-Za-z_][\w]*\b[^=\n]*$")
_RE_BIRD_STMT = re.compile(r"^[ \t]*router[ \t]+id[ \t]+[\d.]+[ \t]*;")
_RE_BIRD_COMMENT = re.compile(r"/\*.*?\*/|#[^\n]*", re.S)


@dataclass
class _Link:
    name: str
    if_id: str | None
    line: int
    uplink: str | None = None
    mtu: int | None = None
    addrs: list[tuple[str, int, int]] = field(default_factory=list)  # (address, prefixlen, line)
    peers: list[tuple[str, str, int]] = field(default_factory=list)  # (address, peer, line): point-to-point
    routes: list[tuple[str, int | None, int]] = field(default_factory=list)  # (prefix, metric, line)
    mss: str | None = None


@dataclass
class _Session:
    name: str
    line: int
    text: str
    local_ip: str | None = None
    local_asn: int | None = None
    peer_ip: str | None = None
    peer_asn: int | None = None
    hold: int | None = None
    keepalive: int | None = None
    local_pref: int | None = None
    advertise: list[str] | None = None
    prepend: list[str] = field(default_factory=list)
    used: bool = False
    export_defaulted: bool = False


def _last(rx: str, text: str) -> re.Match[str] | None:
    found = list(re.finditer(rx, text))
    return found[-1] if found else None


class _Routing:
    """The routing lines of a joined text: split off, then read and attached
    to the route-based tunnels (by XFRM interface ID)."""

    def __init__(self, ctx: _Ctx) -> None:
        self.ctx = ctx
        self.shell: list[tuple[int, str]] = []
        self.bird: list[tuple[int, str]] = []  # (first line, block text)
        self.links: dict[str, _Link] = {}
        self.sessions: list[_Session] = []
        self.filters: dict[str, str] = {}
        self.templates: dict[str, str] = {}

    # ------------------------------------------------------------ split
    def split(self, text: str) -> str:
        lines = text.split("\n")
        out: list[str] = []
        i = 0
        while i < len(lines):
            ln = lines[i]
            if _RE_SHELL.match(ln):
                self.shell.append((i + 1, ln))
                out.append("")
                i += 1
                continue
            if _RE_BIRD_STMT.match(ln):
                out.append("")
                i += 1
                continue
            if (_RE_BIRD_BLOCK.match(ln) and "{" in ln) or (
                _RE_BIRD_BLOCK.match(ln) and i + 1 < len(lines) and lines[i + 1].strip().startswith("{")
            ):
                start, depth, block = i, 0, []
                opened = False
                while i < len(lines):
                    body = _RE_BIRD_COMMENT.sub("", lines[i])
                    depth += body.count("{") - body.count("}")
                    opened = opened or "{" in body
                    block.append(lines[i])
                    out.append("")
                    i += 1
                    if opened and depth <= 0:
                        break
                if depth > 0:
                    self.ctx.note(
                        "UNCLOSED",
                        "a BIRD block is never closed (truncated file?): read to the end",
                        start + 1,
                        "error",
                    )
                self.bird.append((start + 1, "\n".join(block)))
                continue
            out.append(ln)
            i += 1
        return "\n".join(out)

    # ------------------------------------------------------------- read
    def read(self) -> None:
        for line, text in self.shell:
            self._shell(line, text)
        for line, block in self.bird:
            self._bird_block(line, block)
        for s in self.sessions:
            self._session(s)

    def _link(self, name: str, line: int) -> _Link:
        lk = self.links.get(name)
        if lk is None:
            lk = self.links[name] = _Link(name, None, line)
        return lk

    def _shell(self, line: int, text: str) -> None:
        import shlex

        ctx = self.ctx
        try:
            words = shlex.split(text, comments=True)
        except ValueError:
            ctx.note("SYNTAX", "a shell line with an unclosed quote: not read", line, "warning", "routing")
            return
        if not words or words[0] in ("set", ":", "modprobe", "sysctl") or words[0].startswith("#!"):
            return
        if words[0] == "ip":
            args = [w for w in words[1:] if not w.startswith("-")]
            if len(args) >= 2 and args[0] in ("link", "l") and args[1] == "add":
                self._ip_link_add(line, args[2:])
                return
            if len(args) >= 2 and args[0] in ("link", "l") and args[1] == "set":
                self._ip_link_set(line, args[2:])
                return
            if len(args) >= 2 and args[0] in ("addr", "address", "a") and args[1] == "add":
                self._ip_addr_add(line, args[2:])
                return
            if len(args) >= 2 and args[0] in ("route", "r", "ro") and args[1] in ("add", "replace", "append"):
                self._ip_route_add(line, args[2:])
                return
        if words[0] in ("iptables", "ip6tables") and "TCPMSS" in words and "-o" in words:
            i = words.index("-o")
            if i + 1 < len(words):
                lk = self._link(words[i + 1], line)
                if "--clamp-mss-to-pmtu" in words:
                    lk.mss = "clamp-to-pmtu"
                elif "--set-mss" in words and words.index("--set-mss") + 1 < len(words):
                    lk.mss = words[words.index("--set-mss") + 1]
                return
        ctx.note("IGNORED", f"command '{_short(' '.join(words[:3]), 40)}' is not read", line, "info", "routing")

    @staticmethod
    def _opts(args: list[str], keys: tuple[str, ...]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i, a in enumerate(args[:-1]):
            if a in keys and a not in out:
                out[a] = args[i + 1]
        return out

    def _ip_link_add(self, line: int, args: list[str]) -> None:
        o = self._opts(args, ("name", "type", "dev", "if_id"))
        name = o.get("name") or (args[0] if args else None)
        kinds = [str(k) for k in _routing_grammar().get("link_types", ["xfrm"])]
        if name is None or o.get("type") not in kinds:
            self.ctx.note(
                "IGNORED",
                f"ip link add {_short(name or '', 20)}: not an interface of type {', '.join(kinds)}",
                line,
                "info",
                "routing",
            )
            return
        if_id = o.get("if_id")
        n = _strtoul(if_id) if if_id is not None else None
        if if_id is not None and n is None:
            self.ctx.note("UNSUPPORTED", f"ip link add {name}: if_id {_short(if_id)} is not a number", line, "error")
        lk = self._link(name, line)
        lk.line, lk.if_id, lk.uplink = line, None if n is None else str(n), o.get("dev")

    def _ip_link_set(self, line: int, args: list[str]) -> None:
        o = self._opts(args, ("dev", "mtu"))
        name = o.get("dev") or (args[0] if args else None)
        if name is None:
            return
        lk = self._link(name, line)
        if "mtu" in o:
            lk.mtu = small_int(o["mtu"])

    def _ip_addr_add(self, line: int, args: list[str]) -> None:
        o = self._opts(args, ("dev", "peer", "local"))
        dev = o.get("dev")
        addr = o.get("local") or (args[0] if args else "")
        if dev is None:
            self.ctx.note("IGNORED", "ip addr add without dev: not read", line, "info", "routing")
            return
        lk = self._link(dev, line)
        try:
            iface = ipaddress.IPv4Interface(addr)
        except ValueError:
            self.ctx.note("UNSUPPORTED", f"ip addr add {_short(addr, 40)}: not an IPv4 address", line, "warning")
            return
        if "peer" in o:
            lk.peers.append((str(iface.ip), o["peer"], line))
        else:
            lk.addrs.append((str(iface.ip), iface.network.prefixlen, line))

    def _ip_route_add(self, line: int, args: list[str]) -> None:
        o = self._opts(args, ("dev", "metric", "preference", "priority", "to"))
        dest = o.get("to") or (args[0] if args else "")
        dev = o.get("dev")
        if dev is None:
            self.ctx.note("IGNORED", f"ip route add {_short(dest, 40)} without dev: not read", line, "info", "routing")
            return
        try:
            net = str(ipaddress.IPv4Network("0.0.0.0/0" if dest == "default" else dest, strict=False))
        except ValueError:
            self.ctx.note("UNSUPPORTED", f"ip route add {_short(dest, 40)}: not an IPv4 prefix", line, "warning")
            return
        m = o.get("metric") or o.get("preference") or o.get("priority")
        self._link(dev, line).routes.append((net, small_int(m) if m else None, line))

    # ------------------------------------------------------------- BIRD
    def _bird_block(self, line: int, block: str) -> None:
        body = _RE_BIRD_COMMENT.sub("", block)
        m = re.match(r"\s*(protocol|template|filter|function)\s+(\w+)(?:\s+(\w+))?(?:\s+from\s+(\w+))?", body)
        if m is None:  # pragma: no cover - the split only takes such lines
            return
        kind, a, b, base = m.groups()
        if kind == "filter":
            self.filters[a] = body
            return
        if kind == "template" and a == "bgp":
            self.templates[b or ""] = body
            return
        if kind == "protocol" and a == "bgp":
            text = body[body.find("{") + 1 : body.rfind("}")]
            if base and base in self.templates:
                tb = self.templates[base]
                text = tb[tb.find("{") + 1 : tb.rfind("}")] + ";\n" + text
            elif base:
                self.ctx.note("UNRESOLVED", f"protocol bgp {b}: template {base} is not in the text", line, "warning")
            self.sessions.append(_Session(b or "bgp", line, text))
            return
        self.ctx.note(
            "IGNORED", f"BIRD {kind} {a}{' ' + b if b else ''}: not read (only protocol bgp is)", line, "info", "BIRD"
        )

    def _session(self, s: _Session) -> None:
        t = s.text
        # a template's statements come first: the protocol's own (later) ones win
        m = _last(r"(?:^|[;{}])\s*local\s+(?:([\d.]+)\s+)?(?:port\s+\d+\s+)?as\s+(\d+)", t)
        if m:
            s.local_ip, s.local_asn = (ipv4(m.group(1)) if m.group(1) else None), small_int(m.group(2))
        else:
            m = _last(r"(?:^|[;{}])\s*local\s+([\d.]+)\s*;", t)
            s.local_ip = ipv4(m.group(1)) if m else None
        m = _last(r"(?:^|[;{}])\s*neighbor\s+([\d.]+)\s+(?:port\s+\d+\s+)?as\s+(\d+)", t)
        if m:
            s.peer_ip, s.peer_asn = ipv4(m.group(1)), small_int(m.group(2))
        for attr, rx in (
            ("hold", r"\bhold\s+time\s+(\d+)"),
            ("keepalive", r"\bkeepalive\s+time\s+(\d+)"),
            ("local_pref", r"\bdefault\s+bgp_local_pref\s+(\d+)"),
        ):
            m = _last(rx, t)
            if m:
                setattr(s, attr, small_int(m.group(1)))
        m = _last(r"\bexport\s+(none|all|where\b[^;]*|filter\s*\{|filter\s+(\w+))", t)
        where = f"protocol bgp {s.name}"
        if m is None:  # BIRD 2's default for an EBGP channel (vendor.yaml defaults.bird)
            s.advertise = []
            s.export_defaulted = True
            return
        what = m.group(1)
        if what == "none":
            s.advertise = []
            return
        if what == "all":
            self.ctx.note(
                "UNSUPPORTED",
                f"{where}: export all: the announced networks are whatever BIRD's table holds (not read)",
                s.line,
                "warning",
                where,
            )
            return
        if what.startswith("where"):
            expr = what
        elif m.group(2):
            expr = self.filters.get(m.group(2), "")
            if not expr:
                self.ctx.note(
                    "UNRESOLVED", f"{where}: export filter {m.group(2)} is not in the text", s.line, "warning", where
                )
                return
        else:  # an inline filter: to its closing brace
            depth, j = 0, m.end() - 1
            while j < len(t):
                depth += {"{": 1, "}": -1}.get(t[j], 0)
                j += 1
                if depth == 0:
                    break
            expr = t[m.end() - 1 : j]
        sets = re.findall(r"\bnet\s*~\s*\[([^\]]*)\]", expr)
        if not sets:
            self.ctx.note(
                "UNSUPPORTED",
                f"{where}: the export filter does not name its networks as net ~ [ ... ]: announcements not read",
                s.line,
                "warning",
                where,
            )
            return
        nets: list[str] = []
        for item in (x.strip() for st in sets for x in st.split(",")):
            try:
                nets.append(str(ipaddress.IPv4Network(item)))
            except ValueError:
                self.ctx.note(
                    "UNSUPPORTED",
                    f"{where}: export prefix pattern {_short(item, 30)} is not one IPv4 network: not read",
                    s.line,
                    "warning",
                    where,
                )
        s.advertise = nets
        s.prepend = re.findall(r"bgp_path\.prepend\(\s*(\d+)\s*\)", expr)

    # ----------------------------------------------------------- attach
    def attach(self, tunnels: list[ParsedTunnel]) -> None:
        ctx = self.ctx
        by_id: dict[str, list[_Link]] = {}
        for lk in self.links.values():
            if lk.if_id is not None:
                by_id.setdefault(lk.if_id, []).append(lk)
            elif lk.routes or lk.addrs:
                ctx.note(
                    "UNRESOLVED",
                    f"{_short(lk.name, 20)}: routes or addresses on an interface no 'ip link add ... type xfrm' creates",
                    lk.line,
                    "info",
                    "routing",
                )
        used: set[str] = set()
        for t in tunnels:
            if "if_id_out" not in t.extra:
                continue
            path = f"connections.{t.name}"
            if_id = str(t.extra.get("if_id_out", ""))
            links = by_id.get(if_id, [])
            if if_id.startswith("%"):
                continue  # allocated per SA: said where it is read (UNSUPPORTED)
            if not links:
                ctx.note(
                    "MISSING",
                    f"route-based (if_id {if_id}): no 'ip link add ... type xfrm ... if_id {if_id}' in the text, "
                    "so the routes and any BGP session over it are unknown (give the routing files alongside)",
                    t.line,
                    "warning",
                    path,
                )
                continue
            if len(links) > 1:
                ctx.note(
                    "AMBIGUOUS",
                    f"if_id {if_id}: several XFRM interfaces ({', '.join(lk.name for lk in links)}): the first is read",
                    links[1].line,
                    "warning",
                    path,
                )
            lk = links[0]
            used.add(lk.name)
            t.extra["interface"] = lk.name
            if lk.uplink:
                t.extra["uplink"] = lk.uplink
            if lk.mtu is not None:
                t.extra["mtu"] = lk.mtu
            if lk.mss is not None:
                t.extra["tcp_mss"] = lk.mss
            t.point_to_point = [(a, p) for a, p, _ in lk.peers]
            routes = list(dict.fromkeys(r for r, _, _ in lk.routes))
            self._route_preference(t, lk, path)
            t.bgp = self._bgp_for(t, lk, path)
            t.route_based = t.route_based or t.bgp is not None
            if not t.route_based:  # narrowed selectors, no BGP: the SPD is the tunnel's
                t.extra["interface_routes"] = routes
                continue
            t.routes = routes
            if not t.routes and t.bgp is None:
                ctx.note(
                    "MISSING",
                    f"{lk.name}: no route into the interface and no BGP session over it: the routes are unknown",
                    lk.line,
                    "warning",
                    path,
                )
        for lk in self.links.values():
            if lk.if_id is not None and lk.name not in used:
                ctx.note("UNUSED", f"XFRM interface {lk.name} (if_id {lk.if_id}): no tunnel uses it", lk.line, "info")
        for s in self.sessions:
            if not s.used:
                ctx.note(
                    "UNUSED",
                    f"BIRD protocol bgp {s.name}: its neighbor is on no tunnel's XFRM interface",
                    s.line,
                    "info",
                )

    def _route_preference(self, t: ParsedTunnel, lk: _Link, path: str) -> None:
        """``route_preference``: the ``metric`` of the ``ip route add ... dev`` routes into the
        interface (none written: the kernel's IPv4 default, vendor.yaml ``defaults.ip_route_metric``,
        DEFAULT); different ones: the lowest, AMBIGUOUS."""
        d = _defaults()["ip_route_metric"]
        lowest_route_preference(
            self.ctx.dev,
            t,
            ((m, line, f"ip route add {net} dev {lk.name}") for net, m, line in lk.routes),
            (int(d["value"]), str(d["source"])),
            "metrics",
            lk.name,
            path=path,
        )

    def _bgp_for(self, t: ParsedTunnel, lk: _Link, path: str) -> ParsedBgp | None:
        nets = [(a, ipaddress.IPv4Interface(f"{a}/{p}").network, p) for a, p, _ in lk.addrs]
        for s in self.sessions:
            if s.used or s.peer_ip is None:
                continue
            hit = next(
                (
                    (a, p)
                    for a, n, p in nets
                    if ipaddress.IPv4Address(s.peer_ip) in n and (s.local_ip is None or s.local_ip == a)
                ),
                None,
            )
            if hit is None:
                continue
            s.used = True
            b = ParsedBgp(
                local_asn=s.local_asn,
                peer_asn=s.peer_asn,
                local_ip=s.local_ip or hit[0],
                peer_ip=s.peer_ip,
                prefixlen=hit[1],
                hold_time=s.hold,
                keepalive=s.keepalive,
                advertise=list(s.advertise or []),
                line=s.line,
            )
            t.extra["bgp_protocol"] = s.name
            if s.export_defaulted:
                where = (
                    f"BIRD 2 default export = {_defaults()['bird']['ebgp_export']} for an EBGP channel without "
                    "an export statement (vendor.yaml defaults.bird)"
                )
                t.defaulted["bgp_advertise"] = where
                self.ctx.note("DEFAULT", f"protocol bgp {s.name}: no export: {where}", s.line, "info", path)
            b.local_preference = s.local_pref
            if s.prepend:
                t.extra["bgp_prepend"] = [int(x) for x in s.prepend]
            for fld, what in (("local_asn", "local as"), ("peer_asn", "neighbor ... as")):
                if getattr(b, fld) is None:
                    self.ctx.note("MISSING", f"protocol bgp {s.name}: no '{what}'", s.line, "warning", path)
            return b
        return None
