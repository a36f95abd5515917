"""strongSwan: swanctl.conf, and the legacy ipsec.conf with ipsec.secrets.

One ParsedTunnel per swanctl connection (every child's local_ts x remote_ts
pair is a selector) and, for ipsec.conf, per group of conns that differ only in
their subnets (``also=`` children of one base conn, as our renderer writes
them; the tunnel takes the base conn's name).

strongSwan's own semantics are followed where they decide a value (sources:
``src/libstrongswan/settings/settings_lexer.l``, ``src/starter/parser/``,
``src/libcharon/plugins/vici/vici_config.c``, ``sa/ikev1/tasks/main_mode.c``,
swanctl.conf(5), ipsec.conf(5), ipsec.secrets(5)):

* swanctl values end at a newline, ``#`` or ``}``; words are joined with one
  space, ``"..."`` strings take C escapes. Single quotes are *not* quotes.
* swanctl IKE lifetimes (vici_config.c): with neither ``rekey_time`` nor
  ``reauth_time`` set, rekey_time = 4h; an unset one of them is 0;
  ``over_time`` defaults to max(rekey_time, reauth_time) / 10. IKEv1 Main Mode
  proposes (reauth_time, or rekey_time when reauth_time is 0) + over_time.
  IKEv2 lifetimes are not negotiated: we read rekey_time, or reauth_time when
  rekeying is off (the SA is replaced at that time either way).
* swanctl CHILD lifetimes: rekey_time defaults to 1h, rekey_bytes to 0; an unset
  life_time / life_bytes is rekey_time * 110 / 100 (integer arithmetic). The
  hard life_time / life_bytes is what IKEv1 Quick Mode proposes, so that is
  the IPsec lifetime we report. 0 means "no limit" (None).
* ipsec.conf (stroke): ``ikelifetime`` (default 3h) is the IKE SA lifetime
  (rekey/reauth happens ``margintime`` earlier, over_time = margintime, so IKEv1
  proposes exactly ikelifetime); ``lifetime``/``keylife`` (default 1h) and
  ``lifebytes`` are the hard CHILD_SA limits. DPD defaults: dpddelay 30s,
  dpdtimeout 150s, dpdaction none (= DPD off).
* DPD timeout: IKEv1 ``dpd_timeout``/``dpdtimeout``; IKEv2 ignores it (the
  retransmission timeout applies), so we report dpd_delay * 3 there, which
  is what our renderer's ``dpd_delay = max(10, timeout // 3)`` inverts.

* Proposals go back through ``vendors/strongswan/vendor.yaml``; strongSwan's own
  spellings of the same algorithms that the table does not list are tried as
  aliases (``aes`` = aes128, ``sha`` = sha1, ``sha2_256`` = sha256, the 16-byte
  ICV GCM forms ``aesNNNgcm``/``gcm16``/``gcm128``; ``gcm8/12/64/96`` stay unknown).
  The first ESP proposal's key exchange is the PFS group.
* ipsec.conf: ``left`` is this device (the convention our renderer follows;
  starter picks the side whose address is local, else left). ``also=`` is
  resolved like starter (later ``also`` wins, ``%default`` last, ``key=``
  unsets); conns with ``auto=ignore`` (the default) that others include are
  templates, not tunnels.
* Secrets are matched like charon's shared-key lookup: an owner equal to the
  tunnel's local or remote identity (or address) is a perfect match (20), a
  secret without owners or with ``%any`` matches anything (1); the highest sum
  wins, the first on a tie. When the peer's identity is unknown (%any) and
  several keys tie, no key is chosen (``extra["psk_candidates"]``).
  ``0x``/``0s`` secrets are decoded; binary ones are ``psk_state="encrypted"``.

``ParsedTunnel.extra`` may hold: ``children`` (swanctl child names), ``conns``
(ipsec.conf conns merged into the tunnel), ``psk_source`` / ``psk_candidates``,
``pfs_raw`` (an ESP key exchange without canonical name), ``local_host`` /
``peer_host`` (host names or magic values instead of addresses),
``start_action`` / ``auto``.

The parser never raises: whatever it cannot read becomes a finding with its
line number. Pre-shared keys never appear in a finding.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from vpnconf.parsing import Ident, ParsedDevice, ParsedTunnel, Proposal, PskState, lookup

TYPE_CHECKING = False
if TYPE_CHECKING:
    from vpnconf.findings import Severity

VENDOR = "strongswan"
_MAX_PER_RULE = 200  # findings of one rule before the rest are summarised

# ================================================================= detection
# Linear-time patterns only (no leading \s* under re.M: quadratic on blank-line runs).
_RE_SW_CONNECTIONS = re.compile(r"^[ \t]*connections[ \t\r]*(?:\{|$)", re.M)
_RE_SW_SECRETS = re.compile(r"^[ \t]*secrets[ \t\r]*(?:\{|$)", re.M)
_RE_SW_CHILDREN = re.compile(r"(?:^|[\s{])children[ \t\r\n]*\{")
_RE_SW_KEYS = re.compile(r"(?:^|[\s{])(?:local_ts|remote_ts|esp_proposals|remote_addrs|local_addrs)[ \t]*=")
_RE_SW_IKE_SECRET = re.compile(r"(?:^|[\s{])ike[\w-]*[ \t\r\n]*\{[^{}]{0,4000}?\bsecret[ \t]*=")
_RE_CONF_CONN = re.compile(r"^conn[ \t]+\S+", re.M)
_RE_CONF_LR = re.compile(r"^[ \t]+(?:left|right)(?:subnet|id)?[ \t]*=", re.M)
_RE_CONF_KEYS = re.compile(r"^[ \t]+(?:keyexchange|authby|ike|esp|ikelifetime|keylife|lifetime|also)[ \t]*=", re.M)
_RE_SECRETS_PSK = re.compile(r"(?:^|[ \t]):[ \t]*PSK[ \t]", re.M)
_RE_HEADER = re.compile(r"^# ==> (.+?) <==\s*$")


def detect(text: str) -> tuple[float, str]:
    """Score 0..1 that ``text`` is a strongSwan configuration, and why."""
    try:
        return _detect(text)
    except Exception:  # never raise from detection
        return 0.0, "not strongSwan"


def _detect(text: str) -> tuple[float, str]:
    if not isinstance(text, str) or not text.strip():
        return 0.0, "empty"
    score, why = 0.0, []
    if _RE_SW_CONNECTIONS.search(text):
        score += 0.5
        why.append("swanctl 'connections {' section")
        if _RE_SW_CHILDREN.search(text):
            score += 0.3
            why.append("'children {'")
        if _RE_SW_KEYS.search(text):
            score += 0.15
            why.append("swanctl keys (local_ts/remote_ts/esp_proposals/*_addrs)")
    elif _RE_SW_SECRETS.search(text) and _RE_SW_IKE_SECRET.search(text):
        score += 0.6
        why.append("swanctl 'secrets { ike... { secret = ...' section")
    if score == 0.0 and _RE_CONF_CONN.search(text):
        score += 0.4
        why.append("ipsec.conf 'conn <name>'")
        if _RE_CONF_LR.search(text):
            score += 0.4
            why.append("left=/right= settings")
        if _RE_CONF_KEYS.search(text):
            score += 0.15
            why.append("ipsec.conf keys (keyexchange/authby/ike/esp/...)")
    if _RE_SECRETS_PSK.search(text):
        if score == 0.0:
            score = 0.6
        else:
            score += 0.05
        why.append("ipsec.secrets ' : PSK ' line")
    return round(min(score, 1.0), 2), ", ".join(why) or "no strongSwan syntax"


# ================================================================== entry
def parse(text: str, name: str) -> ParsedDevice:
    """Parse swanctl.conf, ipsec.conf (+ ipsec.secrets) or ipsec.secrets text."""
    dev = ParsedDevice(vendor=VENDOR, file=name)
    ctx = _Ctx(dev)
    try:
        if isinstance(text, bytes | bytearray):
            text = bytes(text).decode("utf-8", errors="replace")
        if not isinstance(text, str):
            ctx.note("SYNTAX", f"input is {type(text).__name__}, not text", None, "error")
            return dev
        text = text.replace("\x00", "\ufffd")
        if not text.strip():
            ctx.note("SYNTAX", "the file is empty: no strongSwan configuration", None, "error")
            return dev
        if _RE_SW_CONNECTIONS.search(text) or (_RE_SW_SECRETS.search(text) and not _RE_CONF_CONN.search(text)):
            _Swanctl(ctx, text).run()
        elif _RE_CONF_CONN.search(text) or _RE_CONF_LR.search(text) or _RE_SECRETS_PSK.search(text):
            _IpsecConf(ctx, text).run()
        else:
            ctx.note(
                "SYNTAX",
                "no strongSwan configuration recognised (no 'connections {' section, no "
                "'conn <name>' section, no ': PSK' line)",
                None,
                "error",
            )
    except Exception as exc:  # the contract: never raise, report
        ctx.note("PARSER-BUG", f"parser failure ({type(exc).__name__}); the file was only partly read", None, "error")
    return dev


# ================================================================ context
class _Ctx:
    """Findings with a per-rule cap, so that a huge or junk file stays usable."""

    def __init__(self, dev: ParsedDevice) -> None:
        self.dev = dev
        self.counts: dict[tuple[str, str], int] = {}

    def note(self, rule: str, message: str, line: int | None, severity: Severity = "info", path: str = "") -> None:
        n = self.counts.get((rule, severity), 0) + 1
        self.counts[(rule, severity)] = n
        if n < _MAX_PER_RULE:
            self.dev.note(rule, message, line, severity, path)
        elif n == _MAX_PER_RULE:
            self.dev.note(
                rule, f"further {rule} findings not reported (more than {_MAX_PER_RULE - 1})", line, severity, path
            )

    def ignored(
        self, key: str, value: str | None, line: int | None, path: str, *, show_value: bool = True, sep: str = " = "
    ) -> None:
        if _SECRET_KEY.search(key):
            show_value = False  # never echo what may be key material
        shown = f"{key}{sep}{_short(value)}" if show_value and value is not None else key
        self.note("IGNORED", f"'{shown}' is not read (no field in the tunnel model)", line, "info", path)


_SECRET_KEY = re.compile(r"secret|psk|passw|phrase|^pin$|^key$", re.I)


def _short(value: str | None, n: int = 60) -> str:
    if value is None:
        return ""
    value = value.replace("\n", " ")
    return value if len(value) <= n else value[: n - 3] + "..."


# ================================================================= values
def _strtoul(s: str) -> int | None:
    """C strtoul(s, &end, 0) over the whole string (hex 0x, octal 0...)."""
    s = s.strip()
    try:
        if re.fullmatch(r"0[xX][0-9a-fA-F]+", s):
            return int(s, 16)
        if re.fullmatch(r"0[0-7]+", s):
            return int(s, 8)
        if re.fullmatch(r"\d+", s):
            return int(s, 10)
    except ValueError:
        return None
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


def _ipv4(value: str) -> str | None:
    try:
        return str(ipaddress.IPv4Address(value.strip()))
    except ValueError:
        return None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return True


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
    if v in ("", "%any", "%any6", "*"):
        return None
    low = v.lower()
    if low.startswith("fqdn:"):
        rest = v[5:]
        return Ident("fqdn", rest) if _is_hostname(rest) else Ident("other", v)
    if low.startswith("ipv4:"):
        ip = _ipv4(v[5:])
        return Ident("address", ip) if ip else Ident("other", v)
    if v.startswith("@#") or v.startswith("@@"):
        return Ident("other", v)
    if v.startswith("@"):
        rest = v[1:]
        return Ident("fqdn", rest) if _is_hostname(rest) else Ident("other", v)
    if re.match(r"^[a-z0-9]+:", low) or "=" in v or "@" in v:
        return Ident("other", v)  # email:, dns:, asn1dn:, keyid:, ipv6:..., DNs, user@fqdn
    ip = _ipv4(v)
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
    address: str | None = None  # an IP literal
    host: str | None = None  # a host name to resolve, or a magic value
    note: str | None = None


def _address(value: str | None, *, side: str) -> _Addr:
    """First entry of local_addrs/remote_addrs, left=/right=."""
    if value is None or not value.strip():
        return _Addr(note=f"no {side} address (strongSwan's default %any)")
    items = [x.strip() for x in value.split(",") if x.strip()]
    first = items[0] if items else ""
    extra = f"; only the first of {len(items)} addresses is read" if len(items) > 1 else ""
    if first.lower() in ("%any", "%any4", "%any6", "0.0.0.0", "::"):
        return _Addr(note=f"{side} address is {first} (any){extra}")
    if first.lower() in ("%defaultroute", "%default"):
        return _Addr(host=first, note=f"{side} address is {first} (filled in at start-up){extra}")
    bare = first[1:] if first.startswith("%") else first
    if _is_ip(bare):
        a = str(ipaddress.ip_address(bare))
        pfx = (
            f"{side} address {first}: '%' lets any address answer{extra}"
            if bare != first
            else (f"{side} addresses: {value.strip()}{extra}" if extra else None)
        )
        if ipaddress.ip_address(bare).version == 6:
            v6 = f"{side} address {a} is IPv6; the tunnel model holds IPv4 addresses only"
            pfx = f"{v6}; {pfx}" if pfx else v6
        return _Addr(address=a, note=pfx)
    if "/" in bare or ("-" in bare and all(_is_ip(x) for x in bare.split("-", 1))):
        return _Addr(host=first, note=f"{side} address {first} is a range, not one address{extra}")
    return _Addr(
        host=first, note=f"{side} address {first} is a host name resolved at run time, not an IP address{extra}"
    )


# ============================================================== proposals
_UNKNOWN_KIND = (
    (re.compile(r"^prf"), "PRF"),
    (re.compile(r"^(aesxcbc|aescmac|camelliaxcbc|sha|md5)"), "integrity"),
    (re.compile(r"^(aes|3des|des|null$|blowfish|camellia|cast|serpent|twofish|chacha20|sm4)"), "encryption"),
    (
        re.compile(r"^(modp|ecp|curve|x25519|x448|ntru|kyber|mlkem|ml_kem|ke\d+_|frodo|bike|hqc|saber|sike|none$)"),
        "key exchange",
    ),
)
_GCM = re.compile(r"^(aes(?:128|192|256))gcm(\d*)$")


def _alias_candidates(tok: str) -> list[str]:
    """strongSwan spellings of the same algorithm (proposal_keywords_static.txt)
    that the vendor table may not list: the table is searched for each."""
    out = [tok]
    if tok == "aes":
        out.append("aes128")
    elif tok == "sha":
        out.append("sha1")
    elif tok.startswith("sha2_") and tok[5:] in ("256", "384", "512"):
        out.append("sha" + tok[5:])
    m = _GCM.match(tok)
    if m and m.group(2) in ("", "16", "128"):  # 16-byte ICV spellings only
        base = m.group(1) + "gcm"
        out.extend(c for c in (base + "16", base + "128", base) if c != tok)
    return out


def _lookup_tok(table: str, tok: str, version: int | None) -> Any:
    for cand in _alias_candidates(tok):
        c = lookup(VENDOR, table, cand, version)
        if c is not None:
            return c
    return None


def _unknown_kind(tok: str) -> str:
    for rx, kind in _UNKNOWN_KIND:
        if rx.match(tok):
            return kind
    return "unrecognised"


@dataclass
class _Props:
    proposals: list[Proposal] = field(default_factory=list)
    dh: list[tuple[int | None, str | None]] = field(default_factory=list)  # ESP: (group, raw token) per proposal
    strict: bool = True


def _proposals(
    ctx: _Ctx,
    value: str | None,
    proto: Literal["IKE", "ESP"],
    version: int | None,
    line: int | None,
    path: str,
    key: str,
) -> _Props:
    out = _Props()
    if value is None or not value.strip() or value.strip().lower() == "default":
        what = "not set" if value is None or not value.strip() else "'default'"
        ctx.note(
            "DEFAULT",
            f"{key} {what}: strongSwan's built-in default {proto} proposals apply (not read as algorithms)",
            line,
            "warning",
            path,
        )
        out.proposals.append(Proposal(raw="default"))
        out.dh.append((None, None))
        return out
    if proto == "IKE":
        tables = {
            "encryption": "ike_encryption",
            "integrity": "ike_integrity",
            "PRF": "ike_prf",
            "key exchange": "dh_group",
        }
    else:
        tables = {"encryption": "esp_encryption", "integrity": "esp_integrity", "key exchange": "pfs_group"}
    for raw in value.split(","):
        raw = raw.strip()
        if not raw:
            continue
        if raw.lower() == "default":
            ctx.note(
                "DEFAULT",
                f"{key} includes 'default': strongSwan's built-in default {proto} proposals (not read as algorithms)",
                line,
                "warning",
                path,
            )
            out.proposals.append(Proposal(raw="default"))
            out.dh.append((None, None))
            continue
        found: dict[str, list[Any]] = {k: [] for k in tables}
        seen: dict[str, list[str]] = {k: [] for k in (*tables, "PRF")}
        dh_raw: str | None = None
        for tok in (t.strip().lower() for t in raw.split("-")):
            if not tok:
                continue
            if proto == "ESP" and tok in ("esn", "noesn"):
                continue
            if tok in ("none", "modpnone"):  # explicitly no (further) key exchange
                continue
            hit = False
            for kind, table in tables.items():
                c = _lookup_tok(table, tok, version)
                if c is not None:
                    found[kind].append(c)
                    seen[kind].append(tok)
                    hit = True
                    if kind == "key exchange" and dh_raw is None:
                        dh_raw = tok
                    break
            if hit:
                continue
            kind = _unknown_kind(tok)
            if kind in seen:
                seen[kind].append(tok)
            if kind == "key exchange" and dh_raw is None:
                dh_raw = tok
            what = "PFS group" if (proto == "ESP" and kind == "key exchange") else kind
            if proto == "ESP" and kind == "PRF":
                what = "PRF (not valid in an ESP proposal)"
            ctx.note(
                "UNKNOWN-VALUE",
                f"{key} '{raw}': {what} '{tok}' has no canonical name here (kept as raw, read as unknown)",
                line,
                "info",
                path,
            )
        for kind, toks in seen.items():
            if len(toks) > 1:
                ctx.note(
                    "IGNORED",
                    f"{key} '{raw}' offers several {kind} algorithms ({', '.join(toks)}); "
                    f"only the first known one is read"
                    + (" (IKEv1 uses only one of each kind per proposal)" if version == 1 else ""),
                    line,
                    "info",
                    path,
                )
        enc = found["encryption"][0] if found["encryption"] else None
        integ = found["integrity"][0] if found["integrity"] else None
        if proto == "IKE" and integ is None and found.get("PRF") and enc and str(enc).endswith("gcm"):
            integ = found["PRF"][0]  # AEAD IKE proposals name the PRF instead
        dh = found["key exchange"][0] if found["key exchange"] else None
        if proto == "IKE":
            out.proposals.append(Proposal(encryption=enc, integrity=integ, dh_group=dh, raw=raw))
        else:
            out.proposals.append(Proposal(encryption=enc, integrity=integ, raw=raw))
        out.dh.append((dh, dh_raw))
    return out


def _pfs(ctx: _Ctx, t: ParsedTunnel, props: _Props) -> None:
    """PFS group = the first ESP proposal's key exchange."""
    if not props.dh:
        return
    group, raw = props.dh[0]
    t.pfs = group
    if group is None and raw is not None:
        t.extra["pfs_raw"] = raw


# ================================================================ selectors
def _ts(ctx: _Ctx, item: str, own: str | None, what: str, line: int | None, path: str) -> str | None:
    """One traffic selector -> an IPv4 network string, or None with a finding."""
    s = item.strip()
    if "[" in s:
        base, _, pp = s.partition("[")
        ctx.note(
            "IGNORED",
            f"{what} {s}: the protocol/port restriction [{pp.rstrip(']')}] is not read",
            line,
            "warning",
            path,
        )
        s = base.strip()
    if s.lower() in ("dynamic", "%dynamic", ""):
        if own is not None and _ipv4(own):
            return f"{own}/32"
        ctx.note(
            "SELECTOR",
            f"{what} is 'dynamic' (the tunnel end's own address), which is not a fixed address here: no selector",
            line,
            "warning",
            path,
        )
        return None
    if "-" in s and "/" not in s:
        ctx.note("SELECTOR", f"{what} {s} is an address range, not a subnet: not read", line, "warning", path)
        return None
    try:
        net = ipaddress.ip_network(s, strict=False)
    except ValueError:
        ctx.note("SELECTOR", f"{what} {_short(s)} is not a subnet: not read", line, "warning", path)
        return None
    if net.version != 4:
        ctx.note("SELECTOR", f"{what} {s} is IPv6, which the tunnel model cannot hold: not read", line, "warning", path)
        return None
    if str(net) != s and "/" in s:
        ctx.note("SELECTOR", f"{what} {s} has host bits set: read as {net}", line, "info", path)
    return str(net)


def _pairs(
    ctx: _Ctx,
    local: str | None,
    remote: str | None,
    laddr: str | None,
    raddr: str | None,
    version: int | None,
    line: int | None,
    path: str,
    lkey: str,
    rkey: str,
) -> list[tuple[str, str]]:
    litems = [x for x in (local or "dynamic").split(",") if x.strip()] or ["dynamic"]
    ritems = [x for x in (remote or "dynamic").split(",") if x.strip()] or ["dynamic"]
    lnets = [n for n in (_ts(ctx, x, laddr, lkey, line, path) for x in litems) if n]
    rnets = [n for n in (_ts(ctx, x, raddr, rkey, line, path) for x in ritems) if n]
    pairs = [(a, b) for a in lnets for b in rnets]
    if version == 1 and (len(litems) > 1 or len(ritems) > 1):
        ctx.note(
            "SELECTOR",
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
        if not other or not mine:
            cand = range(len(self.secrets))
        else:
            idx = set(self.wild)
            for i in mine | other:
                idx.update(self.by_id.get(i, ()))
            cand = sorted(idx)  # type: ignore[assignment]
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
        return None, "encrypted", f"{kind} encoded binary, not printable text"
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
            "PSK",
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
            "PSK", "no pre-shared key entry matches this tunnel's identities or addresses", t.line, "warning", path
        )
        return
    if len(best) > 1 and (not other or not mine) and len({s.value for s in best}) > 1:
        t.psk_state = "missing"
        t.extra["psk_candidates"] = [s.where for s in best]
        ctx.note(
            "PSK",
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
        ctx.note("PSK", f"the matching entry {s.where} has no secret", s.line, "warning", path)
        return
    text, state, how = _decode_secret(s.value, allow_encoding=not s.quoted)
    t.psk, t.psk_state = text, state
    if s.single_quoted:
        ctx.note(
            "PSK",
            f"the secret in {s.where} starts with a single quote: swanctl.conf has no single-quoted "
            "strings, so the quotes are part of the key",
            s.line,
            "warning",
            path,
        )
    if how:
        ctx.note(
            "PSK", f"the pre-shared key in {s.where} is {how}", s.line, "info" if state == "clear" else "warning", path
        )


# ================================================================== swanctl
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


_MAX_DEPTH = 16  # swanctl.conf needs 4 (connections > conn > children > child)


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
        deep = _Sec("...", 0)  # stands for every section below _MAX_DEPTH
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
                if parent is deep or len(stack) > _MAX_DEPTH:
                    if parent is not deep:
                        syntax(f"sections nested deeper than {_MAX_DEPTH} levels are not read", nline)
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
                "SYNTAX",
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
                    "SYNTAX", f"section {sec.name} refers to '{ref}', which does not exist", line, "warning", sec.name
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
            ctx.ignored(key, kv.value, kv.line, "")
        secrets: list[_Secret] = []
        for name, sec in self.root.subs.items():
            if name == "connections":
                continue
            if name == "secrets":
                secrets = self.secrets(sec)
                continue
            ctx.note("IGNORED", f"section '{name}' is not read (not a connection or secret)", sec.line, "info", name)
        index = _SecretIndex(secrets) if secrets else None
        conns = self.root.subs.get("connections")
        if conns is None:
            if secrets:
                ctx.note(
                    "PSK",
                    f"secrets only ({len(secrets)} entries) and no 'connections' section: no tunnel",
                    None,
                    "warning",
                )
            return
        for key, kv in conns.kv.items():
            ctx.ignored(key, kv.value, kv.line, "connections")
        if not conns.subs:
            ctx.note("SYNTAX", "the 'connections' section holds no connection", conns.line, "warning", "connections")
        for name, sec in conns.subs.items():
            try:
                self.connection(name, self.effective(sec, conns), index)
            except Exception as exc:  # one odd connection must not hide the others
                ctx.note(
                    "PARSER-BUG",
                    f"connection {name} could not be read ({type(exc).__name__})",
                    sec.line,
                    "error",
                    f"connections.{name}",
                )

    def secrets(self, sec: _Sec) -> list[_Secret]:
        ctx = self.ctx
        out: list[_Secret] = []
        for key, kv in sec.kv.items():
            ctx.ignored(key, None, kv.line, "secrets", show_value=False)
        for name, sub in sec.subs.items():
            path = f"secrets.{name}"
            sub = self.effective(sub, sec)
            if not name.lower().startswith("ike"):
                ctx.note(
                    "IGNORED", f"secret section '{name}' is not a pre-shared IKE key: not read", sub.line, "info", path
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
                    ctx.ignored(key, None, kv.line, path, show_value=False)
            for sname, ssub in sub.subs.items():
                ctx.note("IGNORED", f"subsection '{sname}' is not read", ssub.line, "info", path)
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

        known = {
            "version",
            "aggressive",
            "local_addrs",
            "remote_addrs",
            "proposals",
            "rekey_time",
            "reauth_time",
            "over_time",
            "rand_time",
            "dpd_delay",
            "dpd_timeout",
        }
        for key, k in sec.kv.items():
            if key not in known:
                ctx.ignored(key, k.value, k.line, path)
        # version / mode
        v = val("version")
        if v is None or v.strip() in ("0", ""):
            t.ike_version = None
        elif v.strip() in ("1", "2"):
            t.ike_version = int(v.strip())
        else:
            ctx.note("UNKNOWN-VALUE", f"version = {_short(v)} is not 0, 1 or 2", line("version"), "warning", path)
        ag = _bool(val("aggressive"))
        if kv("aggressive") and ag is None:
            ctx.note(
                "UNKNOWN-VALUE",
                f"aggressive = {_short(val('aggressive'))} is not a boolean",
                line("aggressive"),
                "warning",
                path,
            )
        if ag:
            if t.ike_version == 2:
                ctx.note("IGNORED", "aggressive = yes has no effect with IKEv2", line("aggressive"), "info", path)
            else:
                t.mode = "aggressive"
        version = t.ike_version
        # addresses
        la = _address(val("local_addrs"), side="local")
        ra = _address(val("remote_addrs"), side="remote")
        t.local_address, t.peer_address = la.address, ra.address
        if la.host:
            t.extra["local_host"] = la.host
        if ra.host:
            t.extra["peer_host"] = ra.host
        if la.note:
            ctx.note("ADDRESS", la.note, line("local_addrs"), "info", path)
        if ra.note:
            ctx.note(
                "ADDRESS",
                ra.note + ("" if ra.address else ": no fixed peer address"),
                line("remote_addrs"),
                "info" if ra.address else "warning",
                path,
            )
        # proposals
        ike = _proposals(ctx, val("proposals"), "IKE", version, line("proposals"), path, "proposals")
        t.ike_proposals = ike.proposals
        # IKE lifetime
        times: dict[str, int | None] = {}
        for key in ("rekey_time", "reauth_time", "over_time", "rand_time"):
            tk = kv(key)
            times[key] = _time(tk.value) if tk else None
            if tk and times[key] is None:
                ctx.note("UNKNOWN-VALUE", f"{key} = {_short(tk.value)} is not a time", tk.line, "warning", path)
        rekey, reauth, over = times["rekey_time"], times["reauth_time"], times["over_time"]
        if rekey is None and reauth is None:
            rekey, reauth = 4 * 3600, 0  # vici default: rekey after 4h
        rekey, reauth = rekey or 0, reauth or 0
        if over is None:
            over = max(rekey, reauth) // 10
        if version == 1:
            base = reauth or rekey
            t.ike_lifetime = base + over if base else None
        else:
            t.ike_lifetime = rekey or reauth or None
        if t.ike_lifetime is None:
            ctx.note(
                "LIFETIME",
                "the IKE SA has neither rekey_time nor reauth_time: no IKE lifetime",
                sec.line,
                "warning",
                path,
            )
        # DPD
        delay = _time(val("dpd_delay")) if kv("dpd_delay") else 0
        if delay is None:
            ctx.note(
                "UNKNOWN-VALUE",
                f"dpd_delay = {_short(val('dpd_delay'))} is not a time",
                line("dpd_delay"),
                "warning",
                path,
            )
            delay = 0
        timeout = _time(val("dpd_timeout")) if kv("dpd_timeout") else None
        if delay > 0:
            t.dpd_enabled = True
            if version == 1 and timeout:
                t.dpd_timeout = timeout
            else:
                t.dpd_timeout = delay * 3
                if version == 1:
                    ctx.note(
                        "DPD",
                        "IKEv1 without dpd_timeout: strongSwan gives up after its IKE retransmission "
                        f"timeout; read as dpd_delay x 3 = {delay * 3} s",
                        line("dpd_delay"),
                        "info",
                        path,
                    )
        elif version != 2 and timeout:
            ctx.note("DPD", "dpd_timeout is set but dpd_delay is 0: DPD is off", line("dpd_timeout"), "info", path)
        # authentication rounds
        self.auth(t, sec, path)
        # children
        children = sec.subs.get("children")
        for sname, ssub in sec.subs.items():
            if sname != "children" and not sname.lower().startswith(("local", "remote")):
                ctx.note("IGNORED", f"subsection '{sname}' is not read", ssub.line, "info", path)
        first: dict[str, Any] | None = None
        if children is None or not children.subs:
            ctx.note(
                "SELECTOR",
                "no children: the connection sets up no IPsec SA (no selectors, no ESP proposals)",
                sec.line,
                "warning",
                path,
            )
            t.esp_proposals = []
        else:
            for key, k in children.kv.items():
                ctx.ignored(key, k.value, k.line, f"{path}.children")
            for cname, csec in children.subs.items():
                csec = self.effective(csec, children)
                cpath = f"{path}.children.{cname}"
                params = self.child(t, csec, cpath, version)
                if first is None:
                    first = params
                    first["name"] = cname
                    continue
                diff = [k for k in ("esp", "pfs", "life", "kb", "dpd_action", "mode") if params[k] != first[k]]
                if diff:
                    ctx.note(
                        "CHILD",
                        f"child {cname} differs from child {first['name']} in "
                        f"{', '.join(diff)}: the tunnel holds the first child's values",
                        csec.line,
                        "warning",
                        cpath,
                    )
            assert first is not None
            t.esp_proposals = first["props"].proposals
            _pfs(ctx, t, first["props"])
            t.ipsec_lifetime_seconds, t.ipsec_lifetime_kb = first["life"], first["kb"]
            t.dpd_action = first["dpd_action"]
            if first["start_action"] is not None:
                t.extra["start_action"] = first["start_action"]
        t.selectors = list(dict.fromkeys(t.selectors))
        t.extra["children"] = list(children.subs) if children else []
        mine = {x for x in (_id_key(t.local_id.value) if t.local_id else None, _addr_key(la)) if x}
        other = {x for x in (_id_key(t.peer_id.value) if t.peer_id else None, _addr_key(ra)) if x}
        _attach_secret(ctx, t, index, mine, other, path)
        self.ctx.dev.tunnels.append(t)

    def auth(self, t: ParsedTunnel, sec: _Sec, path: str) -> None:
        ctx = self.ctx
        classes: dict[str, str] = {}
        for side in ("local", "remote"):
            rounds = [(n, s) for n, s in sec.subs.items() if n.lower().startswith(side)]

            def round_no(item: tuple[str, _Sec]) -> int:
                r = item[1].kv.get("round")
                return _strtoul(r.value or "") or 0 if r else 0

            rounds.sort(key=round_no)
            if not rounds:
                if side == "local" and t.local_address and _ipv4(t.local_address):
                    t.local_id = Ident("address", t.local_address)
                classes[side] = "pubkey"
                ctx.note(
                    "AUTH",
                    f"no {side} section: strongSwan's default authentication (pubkey) applies",
                    sec.line,
                    "warning",
                    path,
                )
                continue
            for extra_name, extra in rounds[1:]:
                ctx.note(
                    "AUTH", f"further authentication round '{extra_name}' is not read", extra.line, "warning", path
                )
            rname, rsec = rounds[0]
            rpath = f"{path}.{rname}"
            for key, k in rsec.kv.items():
                if key not in ("auth", "id", "round"):
                    ctx.ignored(key, k.value, k.line, rpath)
            for sname, ssub in rsec.subs.items():
                ctx.note("IGNORED", f"subsection '{sname}' is not read", ssub.line, "info", rpath)
            idkv = rsec.kv.get("id")
            ident = _ident(idkv.value) if idkv else None
            if side == "local":
                if ident is None and t.local_address and _ipv4(t.local_address):
                    ident = Ident("address", t.local_address)  # default: the local IP address
                t.local_id = ident
            else:
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
                ctx.note(
                    "AUTH", f"{rname} has no auth: strongSwan's default (pubkey) applies", rsec.line, "warning", rpath
                )
            elif a == "psk":
                classes[side] = "psk"
            elif a.startswith(("pubkey", "rsa", "ecdsa", "bliss", "ike:")):
                classes[side] = "pubkey"
                ctx.note(
                    "AUTH",
                    f"{rname}: auth = {_short(a)} is certificate/public-key authentication, not a pre-shared key",
                    akv.line if akv else rsec.line,
                    "warning",
                    rpath,
                )
            else:
                classes[side] = "other"
                ctx.note(
                    "AUTH",
                    f"{rname}: auth = {_short(a)} is neither psk nor public-key authentication",
                    akv.line if akv else rsec.line,
                    "warning",
                    rpath,
                )
        vals = set(classes.values())
        if vals == {"psk"}:
            t.auth = "psk"
        elif vals == {"pubkey"}:
            t.auth = "certificate"
        else:
            t.auth = "unknown"
            if "psk" in vals:
                ctx.note(
                    "AUTH",
                    f"mixed authentication (local {classes.get('local')}, remote {classes.get('remote')})",
                    sec.line,
                    "warning",
                    path,
                )

    def child(self, t: ParsedTunnel, c: _Sec, path: str, version: int | None) -> dict[str, Any]:
        ctx = self.ctx
        known = {
            "local_ts",
            "remote_ts",
            "esp_proposals",
            "mode",
            "rekey_time",
            "life_time",
            "rand_time",
            "rekey_bytes",
            "life_bytes",
            "rand_bytes",
            "dpd_action",
            "start_action",
        }
        for key, k in c.kv.items():
            if key == "ah_proposals":
                ctx.note("IGNORED", "ah_proposals: AH is not read (the service uses ESP)", k.line, "warning", path)
            elif key not in known:
                ctx.ignored(key, k.value, k.line, path)
        for sname, ssub in c.subs.items():
            ctx.note("IGNORED", f"subsection '{sname}' is not read", ssub.line, "info", path)

        def g(key: str) -> _KV | None:
            return c.kv.get(key)

        mk = g("mode")
        mode = (mk.value or "tunnel").strip().lower() if mk else "tunnel"
        if mk is not None and mode != "tunnel":
            ctx.note("MODE", f"mode = {_short(mode)}: not an IPsec tunnel", mk.line, "warning", path)
        lts, rts = g("local_ts"), g("remote_ts")
        pairs = _pairs(
            ctx,
            lts.value if lts else None,
            rts.value if rts else None,
            t.local_address,
            t.peer_address,
            version,
            (lts or rts or _KV(None, c.line)).line,
            path,
            "local_ts",
            "remote_ts",
        )
        t.selectors.extend(pairs)  # duplicates are dropped once all children are read
        ek = g("esp_proposals")
        props = _proposals(
            ctx, ek.value if ek else None, "ESP", version, ek.line if ek else c.line, path, "esp_proposals"
        )

        def num(key: str, parse: Any, default: int | None) -> int | None:
            k = g(key)
            if k is None:
                return default
            n = parse(k.value)
            if n is None:
                ctx.note("UNKNOWN-VALUE", f"{key} = {_short(k.value)} is not a valid value", k.line, "warning", path)
                return default
            return int(n)

        rekey = num("rekey_time", _time, 3600)  # vici default: 1h
        life = num("life_time", _time, None)
        if life is None:
            life = (rekey or 0) * 110 // 100  # vici: hard lifetime = soft + 10%
        rbytes = num("rekey_bytes", _bytes_value, 0)
        lbytes = num("life_bytes", _bytes_value, None)
        if lbytes is None:
            lbytes = (rbytes or 0) * 110 // 100
        kb: int | None = None
        if lbytes:
            kb = lbytes // 1024
            if lbytes % 1024:
                bk = g("life_bytes") or g("rekey_bytes")
                ctx.note(
                    "LIFETIME",
                    f"IPsec SA volume {lbytes} bytes is not a whole number of KB: read as {kb} KB",
                    bk.line if bk else c.line,
                    "info",
                    path,
                )
            if kb == 0:
                kb = None
        dk = g("dpd_action")
        dpd_action = "clear"
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
            }.get(a, a)
            if dpd_action not in ("restart", "clear", "trap"):
                ctx.note(
                    "UNKNOWN-VALUE", f"dpd_action = {_short(a)} is not clear, trap or restart", dk.line, "warning", path
                )
        sk = g("start_action")
        return {
            "props": props,
            "esp": [p.raw for p in props.proposals],
            "pfs": props.dh[0] if props.dh else None,
            "life": life or None,
            "kb": kb,
            "dpd_action": dpd_action,
            "mode": mode,
            "start_action": sk.value.strip() if sk and sk.value else None,
        }


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
@dataclass
class _Conn:
    name: str
    line: int
    kind: str  # conn, setup, ca
    settings: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    also: list[tuple[str, int]] = field(default_factory=list)


_SECRET_LINE = re.compile(
    r"^(?P<ids>.*?)(?:^|(?<=\s)):[ \t]*(?P<type>PSK|RSA|ECDSA|BLISS|PKCS8|PKCS12|P12|PIN|EAP|NTLM|XAUTH|PPK|"
    r"PRIVATE)\b(?P<rest>.*)$"
)
_SELECTOR_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_SETTING = re.compile(r"^[ \t]*(?P<key>[^\s=#\"]+)[ \t]*=(?P<value>.*)$")
_CONF_KNOWN = {
    "also",
    "auto",
    "type",
    "keyexchange",
    "aggressive",
    "authby",
    "leftauth",
    "rightauth",
    "left",
    "right",
    "leftid",
    "rightid",
    "leftsubnet",
    "rightsubnet",
    "ike",
    "esp",
    "ikelifetime",
    "lifetime",
    "keylife",
    "lifebytes",
    "dpddelay",
    "dpdtimeout",
    "dpdaction",
    "rekeymargin",
    "margintime",
}
_SUBNET_KEYS = {"leftsubnet", "rightsubnet", "auto"}


_CONF_VALUE_TOKEN = re.compile(r'[ \t\r]+|(#.*)|"((?:[^"\\]|\\.)*)"|(")|([^ \t\r"#]+)', re.S)
_ESCAPE = re.compile(r"\\(.)", re.S)


def _conf_value(raw: str) -> tuple[str | None, bool]:
    """An ipsec.conf value: words joined by one space, "..." kept whole (with
    C escapes), a # outside quotes starts a comment. (value or None, ok)."""
    parts: list[str] = []
    for m in _CONF_VALUE_TOKEN.finditer(raw):
        comment, quoted, stray, word = m.groups()
        if comment is not None:
            break
        if stray is not None:
            return None, False  # an unterminated "..."
        if quoted is not None:
            parts.append(_ESCAPE.sub(lambda e: {"n": "\n", "r": "\r", "t": "\t"}.get(e.group(1), e.group(1)), quoted))
        elif word is not None:
            parts.append(word)
    return (" ".join(parts) if parts else None), True


class _IpsecConf:
    def __init__(self, ctx: _Ctx, text: str) -> None:
        self.ctx = ctx
        self.text = text
        self.conns: dict[str, _Conn] = {}
        self.order: list[str] = []
        self.others: list[_Conn] = []  # config setup, ca sections
        self.secrets: list[_Secret] = []

    # ------------------------------------------------------------ lines
    def read(self) -> None:
        ctx = self.ctx
        mode = "conf"
        current: _Conn | None = None
        for lineno, raw in enumerate(self.text.split("\n"), 1):
            line = raw.rstrip("\r")
            h = _RE_HEADER.match(line)
            if h:
                mode = "secrets" if "secrets" in h.group(1).lower() else "conf"
                current = None
                continue
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if mode == "secrets":
                self.secret_line(stripped, lineno)
                continue
            indented = line[0] in " \t"
            sm = _SETTING.match(line) if indented else None
            if not sm and _SECRET_LINE.match(stripped):
                self.secret_line(stripped, lineno)
                current = None if not indented else current
                continue
            if indented:
                if sm is None:
                    ctx.note(
                        "SYNTAX", "a setting line without 'key=value'", lineno, "error", current.name if current else ""
                    )
                    continue
                if current is None:
                    ctx.note(
                        "IGNORED",
                        f"setting '{_short(sm.group('key'), 40)}' outside any section is not read",
                        lineno,
                        "info",
                    )
                    continue
                value, ok = _conf_value(sm.group("value"))
                if not ok:
                    ctx.note("SYNTAX", f'{sm.group("key")}: unterminated "..." string', lineno, "error", current.name)
                    continue
                key = sm.group("key")
                if key == "also":
                    if value and value != "%default":
                        current.also.append((value, lineno))
                    continue
                current.settings[key] = (value, lineno)
                continue
            words = stripped.split()
            head = words[0]
            if head == "conn":
                cname = words[1] if len(words) > 1 and not words[1].startswith("#") else ""
                if not cname:
                    ctx.note("SYNTAX", "'conn' without a name", lineno, "error")
                    current = None
                    continue
                if cname not in self.conns:
                    self.conns[cname] = _Conn(cname, lineno, "conn")
                    self.order.append(cname)
                current = self.conns[cname]
            elif head == "config":
                current = _Conn("config setup", lineno, "setup")
                self.others.append(current)
            elif head == "ca":
                current = _Conn(f"ca {words[1] if len(words) > 1 else ''}".strip(), lineno, "ca")
                self.others.append(current)
            elif head == "include":
                ctx.note(
                    "INCLUDE",
                    f"'include {_short(' '.join(words[1:]))}' is not followed: the included files are not read",
                    lineno,
                    "warning",
                )
                current = None
            elif head == "version":
                continue  # legacy "version 2" line, ignored by strongSwan as well
            else:
                ctx.note(
                    "SYNTAX",
                    "a line that is neither a section header (conn, config setup, ca), an indented setting "
                    "nor an ipsec.secrets entry",
                    lineno,
                    "error",
                )
                current = None

    def secret_line(self, stripped: str, lineno: int) -> None:
        ctx = self.ctx
        if stripped.startswith("include ") or stripped == "include":
            ctx.note("INCLUDE", "an include in ipsec.secrets is not followed", lineno, "warning", "ipsec.secrets")
            return
        m = _SECRET_LINE.match(stripped)
        if not m:
            ctx.note("SYNTAX", "not an ipsec.secrets entry ('[ids] : TYPE secret')", lineno, "error", "ipsec.secrets")
            return
        if m.group("type") != "PSK":
            ctx.note(
                "IGNORED",
                f"{m.group('type')} entry in ipsec.secrets is not read (not a pre-shared key)",
                lineno,
                "info",
                "ipsec.secrets",
            )
            return
        ids = self.selectors(m.group("ids"))
        rest = m.group("rest").strip()
        where = f"ipsec.secrets line {lineno}"
        if not rest:
            ctx.note("SYNTAX", "PSK entry without a secret", lineno, "error", "ipsec.secrets")
            self.secrets.append(_Secret(ids, None, False, lineno, where))
            return
        if rest[0] in "\"'":
            q = rest[0]
            end = rest.rfind(q)  # stroke_cred: up to the last delimiter on the line
            if end <= 0:
                ctx.note("SYNTAX", "PSK secret: missing closing quote", lineno, "error", "ipsec.secrets")
                self.secrets.append(_Secret(ids, None, False, lineno, where))
                return
            value, quoted, tail = rest[1:end], True, rest[end + 1 :].strip()
        else:
            value, _, tail = rest.partition(" ")
            quoted, tail = False, tail.strip()
        if tail and not tail.startswith("#"):
            ctx.note("SYNTAX", "unexpected text after the PSK secret", lineno, "warning", "ipsec.secrets")
        self.secrets.append(_Secret(ids, value, quoted, lineno, where))

    @staticmethod
    def selectors(text: str) -> list[str]:
        out: list[str] = []
        for m in _SELECTOR_TOKEN.finditer(text):
            tok = m.group(1) if m.group(1) is not None else m.group(2)
            out.append(_id_key(tok))
        return out

    # ---------------------------------------------------------- resolve
    def parents(self, name: str, memo: dict[str, list[str]], stack: list[str]) -> list[str]:
        """starter's linearisation: later also= more important, each parent's
        parents after it, duplicates keep their last occurrence; %default when
        there is no also=."""
        if name in memo:
            return memo[name]
        conn = self.conns[name]
        chain: list[str] = []
        if len(stack) > 64:
            return chain
        stack.append(name)
        for target, line in reversed(conn.also):
            if target not in self.conns:
                self.ctx.note("SYNTAX", f"also={target}: no conn of that name", line, "warning", name)
                continue
            if target in stack:
                self.ctx.note("SYNTAX", f"also={target} makes a loop", line, "warning", name)
                continue
            chain.append(target)
            chain.extend(self.parents(target, memo, stack))
        stack.pop()
        if not chain and name != "%default" and "%default" in self.conns:
            chain = ["%default"]
        out: list[str] = []
        for i, p in enumerate(chain):
            if p not in chain[i + 1 :]:
                out.append(p)
        memo[name] = out
        return out

    def effective(self, name: str, memo: dict[str, list[str]]) -> dict[str, tuple[str, int]]:
        eff: dict[str, tuple[str, int]] = {}
        seen: set[str] = set()
        for sec in [name, *self.parents(name, memo, [])]:
            for key, (value, line) in self.conns[sec].settings.items():
                if key in seen:
                    continue
                seen.add(key)
                if value is not None:
                    eff[key] = (value, line)
        return eff

    # -------------------------------------------------------------- run
    def run(self) -> None:
        self.read()
        ctx = self.ctx
        for sec in self.others:
            for key, (value, line) in sec.settings.items():
                ctx.ignored(key, value, line, sec.name, sep="=")
        for cname in self.order:
            for key, (value, line) in self.conns[cname].settings.items():
                if key not in _CONF_KNOWN:
                    ctx.ignored(key, value, line, cname, sep="=")
        index = _SecretIndex(self.secrets) if self.secrets else None
        if not self.conns:
            if self.secrets:
                ctx.note(
                    "PSK", f"ipsec.secrets only ({len(self.secrets)} entries) and no conn: no tunnel", None, "info"
                )
            return
        memo: dict[str, list[str]] = {}
        effs = {n: self.effective(n, memo) for n in self.order}
        referenced = {target for c in self.conns.values() for target, _ in c.also}
        groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[str]] = {}
        for n in self.order:
            if n == "%default":
                continue
            auto = effs[n].get("auto", ("ignore", 0))[0].strip().lower()
            if auto == "ignore":
                if n in referenced:
                    continue  # a base conn (template) for also=
                ctx.note(
                    "AUTO",
                    "auto=ignore (the default): strongSwan does not load this conn; read anyway",
                    self.conns[n].line,
                    "info",
                    n,
                )
            base = self.conns[n].also[0][0] if self.conns[n].also and self.conns[n].also[0][0] in self.conns else n
            sig = tuple(sorted((k, v) for k, (v, _) in effs[n].items() if k not in _SUBNET_KEYS))
            groups.setdefault((base, sig), []).append(n)
        names_used: dict[str, int] = {}
        for base, _ in groups:
            names_used[base] = names_used.get(base, 0) + 1
        taken: set[str] = set()
        for (base, _), members in groups.items():
            name = base
            if names_used[base] > 1 and base in taken:
                name = members[0]
                ctx.note(
                    "GROUP",
                    f"conns {', '.join(members)} share also={base} but differ in more than their "
                    f"subnets: read as a separate tunnel {name}",
                    self.conns[members[0]].line,
                    "info",
                    name,
                )
            taken.add(name)
            try:
                self.tunnel(name, base, members, effs, index)
            except Exception as exc:  # one odd conn must not hide the others
                ctx.note(
                    "PARSER-BUG",
                    f"conn {name} could not be read ({type(exc).__name__})",
                    self.conns[members[0]].line,
                    "error",
                    name,
                )

    def tunnel(
        self,
        name: str,
        base: str,
        members: list[str],
        effs: dict[str, dict[str, tuple[str, int]]],
        index: _SecretIndex | None,
    ) -> None:
        ctx = self.ctx
        eff = effs[members[0]]
        path = name
        line0 = self.conns[base].line if base in self.conns else self.conns[members[0]].line
        t = ParsedTunnel(name=name, line=line0, variant="ipsec-conf")
        if len(members) > 1 or members[0] != name:
            t.extra["conns"] = list(members)

        def val(key: str) -> str | None:
            return eff[key][0] if key in eff else None

        def line(key: str) -> int:
            return eff[key][1] if key in eff else line0

        kx = (val("keyexchange") or "ike").strip().lower()
        if kx == "ikev1":
            t.ike_version = 1
        elif kx == "ikev2":
            t.ike_version = 2
        elif kx != "ike":
            ctx.note(
                "UNKNOWN-VALUE",
                f"keyexchange={_short(kx)} is not ike, ikev1 or ikev2",
                line("keyexchange"),
                "warning",
                path,
            )
        version = t.ike_version
        ag = _bool(val("aggressive"))
        if ag:
            if version == 2:
                ctx.note("IGNORED", "aggressive=yes has no effect with IKEv2", line("aggressive"), "info", path)
            else:
                t.mode = "aggressive"
        ttype = (val("type") or "tunnel").strip().lower()
        if ttype != "tunnel":
            ctx.note("MODE", f"type={_short(ttype)}: not an IPsec tunnel", line("type"), "warning", path)
        # addresses and identities (left = this device, by convention)
        la = _address(val("left"), side="local (left)")
        ra = _address(val("right"), side="remote (right)")
        t.local_address, t.peer_address = la.address, ra.address
        if la.host:
            t.extra["local_host"] = la.host
        if ra.host:
            t.extra["peer_host"] = ra.host
        if la.note:
            ctx.note("ADDRESS", la.note, line("left"), "info", path)
        if ra.note:
            ctx.note(
                "ADDRESS",
                ra.note + ("" if ra.address else ": no fixed peer address"),
                line("right"),
                "info" if ra.address else "warning",
                path,
            )
        lid = val("leftid")
        rid = val("rightid")
        t.local_id = (
            _ident(lid) if lid else (Ident("address", la.address) if la.address and _ipv4(la.address) else None)
        )
        t.peer_id = _ident(rid) if rid else (Ident("address", ra.address) if ra.address and _ipv4(ra.address) else None)
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
        authby = (val("authby") or "pubkey").strip().lower()
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
        if "authby" not in eff and "leftauth" not in eff:
            ctx.note("AUTH", "no authby=: strongSwan's default (pubkey) applies", line0, "warning", path)
        if authby.startswith("xauth"):
            ctx.note(
                "AUTH",
                f"authby={authby}: XAUTH on top of IKEv1 authentication is not read",
                line("authby"),
                "warning",
                path,
            )
        if set(classes) == {"psk"}:
            t.auth = "psk"
        elif set(classes) == {"pubkey"}:
            t.auth = "certificate"
            ctx.note(
                "AUTH", "public-key (certificate) authentication, not a pre-shared key", line("authby"), "warning", path
            )
        else:
            t.auth = "unknown"
            ctx.note(
                "AUTH",
                f"authentication {'/'.join(classes)} is not a plain pre-shared key",
                line("authby"),
                "warning",
                path,
            )
        # proposals
        for key in ("ike", "esp"):
            v = val(key)
            if v is not None and v.strip().endswith("!"):
                v = v.strip()[:-1]
            elif v is not None:
                ctx.note(
                    "DEFAULT",
                    f"{key}= does not end with '!': charon appends its default proposals to the list",
                    line(key),
                    "info",
                    path,
                )
            props = _proposals(ctx, v, "IKE" if key == "ike" else "ESP", version, line(key), path, f"{key}=")
            if key == "ike":
                t.ike_proposals = props.proposals
            else:
                t.esp_proposals = props.proposals
                _pfs(ctx, t, props)
        # lifetimes (stroke: ikelifetime 3h, lifetime/keylife 1h by default)
        ikelife = _time(val("ikelifetime")) if "ikelifetime" in eff else 3 * 3600
        if ikelife is None:
            ctx.note(
                "UNKNOWN-VALUE",
                f"ikelifetime={_short(val('ikelifetime'))} is not a time",
                line("ikelifetime"),
                "warning",
                path,
            )
        t.ike_lifetime = ikelife or None
        lkey = "lifetime" if "lifetime" in eff else "keylife"
        life = _time(val(lkey)) if lkey in eff else 3600
        if life is None:
            ctx.note("UNKNOWN-VALUE", f"{lkey}={_short(val(lkey))} is not a time", line(lkey), "warning", path)
        t.ipsec_lifetime_seconds = life or None
        if "lifebytes" in eff:
            lb = _strtoul(val("lifebytes") or "")
            if lb is None:
                ctx.note(
                    "UNKNOWN-VALUE",
                    f"lifebytes={_short(val('lifebytes'))} is not a number",
                    line("lifebytes"),
                    "warning",
                    path,
                )
            elif lb:
                t.ipsec_lifetime_kb = lb // 1024 or None
                if lb % 1024:
                    ctx.note(
                        "LIFETIME",
                        f"lifebytes={lb} is not a whole number of KB: read as {lb // 1024} KB",
                        line("lifebytes"),
                        "info",
                        path,
                    )
        # DPD
        action = (val("dpdaction") or "none").strip().lower()
        delay = _time(val("dpddelay")) if "dpddelay" in eff else 30
        if delay is None:
            ctx.note(
                "UNKNOWN-VALUE", f"dpddelay={_short(val('dpddelay'))} is not a time", line("dpddelay"), "warning", path
            )
            delay = 0
        if action in ("clear", "hold", "restart"):
            t.dpd_action = "trap" if action == "hold" else action
            if delay > 0:
                t.dpd_enabled = True
                if version == 1:
                    to = _time(val("dpdtimeout")) if "dpdtimeout" in eff else 150
                    t.dpd_timeout = to or delay * 3
                else:
                    t.dpd_timeout = delay * 3
        elif action != "none":
            ctx.note(
                "UNKNOWN-VALUE",
                f"dpdaction={_short(action)} is not none, clear, hold or restart",
                line("dpdaction"),
                "warning",
                path,
            )
        # selectors (every member conn)
        for n in members:
            e = effs[n]
            ls, rs = e.get("leftsubnet"), e.get("rightsubnet")
            cline = (ls or rs or ("", self.conns[n].line))[1]
            for p in _pairs(
                ctx,
                ls[0] if ls else None,
                rs[0] if rs else None,
                la.address,
                ra.address,
                version,
                cline,
                n,
                "leftsubnet",
                "rightsubnet",
            ):
                t.selectors.append(p)
        t.selectors = list(dict.fromkeys(t.selectors))
        auto = val("auto")
        if auto:
            t.extra["auto"] = auto
        mine = {x for x in (_id_key(lid) if lid else None, _addr_key(la)) if x}
        other = {x for x in (_id_key(rid) if rid else None, _addr_key(ra)) if x}
        mine.discard("%any")
        other.discard("%any")
        _attach_secret(ctx, t, index, mine, other, path)
        ctx.dev.tunnels.append(t)
