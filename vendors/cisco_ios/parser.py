"""Cisco IOS / IOS-XE configuration parser (``show running-config`` or vpnconf's
own ``cisco_ios`` output, both variants: crypto map and static VTI, with static
routes or BGP over it).

How it reads
------------
First, when the text may need it (``vpnconf.parsing.indented.needs_normalize``: abbreviated
commands such as ``int tunnel 1``, interface names such as ``Tunnel 1`` or
``tu1``, sub-commands pasted flush left), the shared
``vpnconf.parsing.indented.normalize`` writes it out as the device would
print it (vendor.yaml ``grammar:``), keeping line N at line N; its notes
become ABBREVIATED and REINDENTED findings. Then one pass keeps only the top-level blocks that can hold VPN configuration
(``crypto ...``, ``ip access-list ...``, ``access-list ...``, ``interface
...``, ``ip route ...``, ``hostname``, ``ip domain name``) with their indented
children and original line numbers: the text is cut at every line that starts
in column 0 (one C-level regex split), and a block whose first line has none
of those prefixes is dropped unread. Banners (``banner motd ^C ... ^C``) and
``macro name ... @`` bodies are skipped by their delimiter (their text may
start with ``crypto``; an unclosed one is read as one line, with a warning);
``crypto pki``/``crypto ca`` blocks (certificate hex dumps ending in
``quit``) are dropped with their children. Comments (``!``) are transparent.
The kept blocks are then read by indentation; ACLs and plain interfaces only
when a tunnel names them (an interface block with no ``crypto``/``tunnel`` in
it is not even stored until then). The usual crypto ACL (one ``permit ip``
entry of two plain networks) and the usual crypto-map entry take short paths
that give exactly what the general ones give. The cyclic garbage collector is
paused while parsing (the parse makes many small objects and no garbage).
Measured on a generated 100,000-line config with 4,000 crypto-map tunnels:
~0.5-0.7x the time netutils' bare ``IOSConfigParser`` tree takes (the
normalize gate included; tests/test_cisco_ios_parser.py checks <= 1.5x);
ciscoconfparse was not installed here to measure against (README.md,
performance).

Keywords go backwards through ``vendors/cisco_ios/vendor.yaml`` (``lookup``);
second spellings the running-config prints for one value (``encryption aes
128``, ``esp-aes 128``, legacy ``esp-256-aes``) are its ``spellings:``, and
every default the parser fills is in its ``defaults:`` (README.md gives the
sources), recorded in ``ParsedTunnel.defaulted`` with a DEFAULT finding.

Decisions (the ones a reader would otherwise have to guess)
----------------------------------------------------------
* Tunnels: one per static crypto-map entry; one per entry of a dynamic map
  a crypto map references (no peer; MISSING warning); one per tunnel
  interface with ``tunnel protection ipsec profile`` (variant ``vti``).
* Names: ``<map>-<seq>`` for crypto-map entries (``<map>-<seq>-<dynmap>-<seq>``
  for dynamic ones), the tunnel interface name for VTIs - unless the objects
  carry vpnconf's own names (a crypto-map entry: ``ACL-<name>``, else without
  an ACL ``TS-<name>``, else ``IKEV2-PROF-<name>``; a VTI: ``IPSEC-PROF-<name>``),
  then ``<name>``, so that our own output round-trips its tunnel names (a
  ``TS-AES256`` an engineer shares between entries names no tunnel).
* IKEv1 proposals: every ``crypto isakmp policy`` whose authentication is
  ``pre-share`` (all of them when none is), in priority order, with the
  hidden running-config defaults filled in from vendor.yaml ``defaults:
  isakmp_policy`` (DEFAULT finding per policy; ``defaulted["ike_proposals"]``
  / ``["ike_lifetime"]`` on the tunnel). ``ike_lifetime`` is the first
  proposal's.
* Peers: the first ``set peer`` of an entry is the peer; further ones are
  backup peers of the same tunnel (``backup_peers``, BACKUP-PEER finding).
* IKEv2 proposals: one ``Proposal`` per (encryption, integrity-or-prf,
  group) combination of each ``crypto ikev2 proposal``, in the order the
  device offers them (encryption outermost), for the ``crypto ikev2 policy``
  that matches the tunnel's local address (else the policies without
  ``match address local``). Without any policy the device's smart defaults
  apply: their contents are not in the sources, nothing is filled (MISSING).
* Keys: type 0 / no type -> ``clear``; type 6 (AES, needs the device's
  master key) -> ``encrypted``, ``psk`` None; type 7 (Cisco's documented
  reversible XOR obfuscation) -> decoded here -> ``clear`` with
  ``extra["psk_type"] = 7``; ``*****`` -> ``masked``. A key is never put in a
  finding. Key lookup: the isakmp profile's keyrings (explicit, else the
  profile whose ``match identity address`` covers the peer), else the global
  ``crypto isakmp key``, else any keyring (longest address match).
* DPD: ``keepalive N retry R`` / ``crypto isakmp keepalive N R`` / ikev2
  ``dpd N R`` -> enabled, timeout = 3 * N (the inverse of the renderer's
  interval = max(10, timeout // 3)); N, R and periodic/on-demand are kept
  in ``extra["dpd"]`` (retry None when not written; the mode's default is
  vendor.yaml ``defaults: dpd_mode``). IOS's DPD action (delete the SAs) is not a setting:
  ``dpd_action`` stays None.
* Local address: ``crypto map M local-address IF``, else the ``ip address``
  of the interface holding the map (VTI: ``tunnel source``), else the isakmp
  profile / keyring ``local-address``, else for IKEv2 the single ``match
  address local`` of the ikev2 policies/profile; else None (finding).
* Local identity: ``self-identity fqdn`` (or ``crypto isakmp identity
  hostname``) sends ``<hostname>.<ip domain name>``: read from those lines
  when present, else None with an IDENTITY warning (the FQDN is not in the
  config). ``identity local fqdn X`` (IKEv2) carries X.
* VTI: a static VTI negotiates 0.0.0.0/0 <-> 0.0.0.0/0 and cannot narrow
  its selectors to an SPD (finding SELECTORS); ``selectors`` stays empty,
  ``route_based`` is true and the networks routed into the tunnel (``ip
  route NET MASK TunnelN [DISTANCE]``) are ``routes``; their distance is
  ``route_preference`` (none written: the default 1, vendor.yaml ``defaults:
  static_route_distance``; several: the lowest, AMBIGUOUS): a pair's backup
  tunnel has a higher one.
  ``ip address`` (the inside address), ``ip mtu``, ``ip tcp adjust-mss`` and
  ``ip unnumbered`` go to ``extra``.
* BGP over a VTI (``ParsedTunnel.bgp``): the ``router bgp`` neighbor whose
  address is in the tunnel interface's inside network (several: AMBIGUOUS,
  none carried): the block's AS (local), ``remote-as``, ``neighbor ...
  timers K H`` (else ``timers bgp K H``; else not read: MISSING, the
  device's defaults are not in the sources), every ``network A mask M`` of
  the IPv4 unicast family (``network A`` without a mask, its classful
  network, is not carried), the inside address and prefix length. Other
  address families are skipped. ``neighbor ... route-map R in`` whose one
  permit entry only sets ``local-preference N`` gives
  ``bgp.local_preference`` (a pair's backup); outbound filters are
  named (NOT-CARRIED: they may hold back announcements). Lines of the
  session the model does not hold: IGNORED / NOT-CARRIED.
* ACLs: ``permit ip`` lines become selectors (wildcards -> prefixes);
  ``deny``, other protocols, object groups and non-contiguous wildcards are
  not carried (finding UNSUPPORTED).
* Findings, in the shared vocabulary (vpnconf/parsing/vocabulary.py; capped
  by ParsedDevice.note): SYNTAX (error) for lines that cannot be read,
  IGNORED (info) for lines inside VPN blocks that are not understood,
  UNSUPPORTED as an error where a value the model cannot hold leaves a field
  of a tunnel unknown (cipher, integrity, group, PFS group, peer host name,
  transport mode, local identity), as a warning where an object no tunnel
  uses holds one or a selector entry is left out, as an info for GRE over
  IPsec; MISSING (a setting not in the text: peer, transform set, ACL,
  policy, local address), UNRESOLVED (a name with no object), INACTIVE
  (shut down, crypto map not applied), UNUSED, KEY, IDENTITY, SELECTORS,
  BACKUP-PEER, DEFAULT, ABBREVIATED, REINDENTED. An unexpected failure
  propagates: ``parse_text`` turns it into one INTERNAL finding.
"""

from __future__ import annotations

import gc
import re
from itertools import product
from pathlib import Path
from socket import inet_aton as _aton
from struct import Struct
from typing import TYPE_CHECKING, Any

from vpnconf.catalog import vendors
from vpnconf.parsing import (
    Ident,
    ParsedBgp,
    ParsedDevice,
    ParsedTunnel,
    Proposal,
    ProposalSet,
    PskState,
    health_check_pairs,
    ipv4,
    lookup,
    lowest_route_preference,
    small_int,
)
from vpnconf.parsing.indented import normalize

#: the name of the device-wide set of isakmp policies (ParsedDevice.proposal_sets)
ISAKMP_SET = "isakmp-policies"

if TYPE_CHECKING:
    from collections.abc import Iterable

    from vpnconf.findings import Severity

VENDOR = Path(__file__).resolve().parent.name  # the folder is the vendor id

# Transforms that exist on IOS but have no canonical value: ESP ciphers the
# model lacks, AH and compression.
_ESP_OTHER = ("esp-gmac", "esp-seal")
_KEY_SIZES = {"128", "192", "256"}

_KEEP = (
    "crypto ",
    "ip access-list ",
    "access-list ",
    "interface ",
    "hostname ",
    "ip domain",
    "ip route ",
    "router bgp ",
    "route-map ",
)
_DROP = ("crypto pki", "crypto ca ")
_DELIMITED = ("banner", "macro name ")  # bodies skipped up to their delimiter (_delimited_end)
_TOP = re.compile(r"\n(?=\S)")  # a line starting in column 0 begins a new top-level chunk
_SECRET_WORDS = {"key", "password", "pre-shared-key", "secret", "pre-share"}
_BANNER_TYPES = {"motd", "login", "exec", "incoming", "slip-ppp", "prompt-timeout", "config-save"}


class _Data:
    """What this parser takes from vendors/cisco_ios/vendor.yaml: documented
    defaults (``defaults:``), second spellings (``spellings:``) and, from the
    ``grammar:`` data, the regular expressions that tell whether ``normalize``
    has anything to do (see ``vpnconf.parsing.indented.needs_normalize``). Built once."""

    def __init__(self) -> None:
        v = vendors()[VENDOR]
        d = v.defaults
        pol = d["isakmp_policy"]
        self.isakmp = {k: (int(x) if k == "lifetime" else str(x)) for k, x in pol["values"].items()}
        self.isakmp_src = str(pol["source"])
        sa = d["ipsec_sa_lifetime"]
        self.sa_seconds, self.sa_kb, self.sa_src = int(sa["seconds"]), int(sa["kilobytes"]), str(sa["source"])
        self.ike2_lifetime, self.ike2_src = int(d["ikev2_lifetime"]["seconds"]), str(d["ikev2_lifetime"]["source"])
        self.pfs_kw, self.pfs_src = str(d["pfs_group"]["value"]), str(d["pfs_group"]["source"])
        self.dpd_mode, self.dpd_src = str(d["dpd_mode"]["value"]), str(d["dpd_mode"]["source"])
        self.smart = [str(x) for x in d["ikev2_smart_defaults"]["objects"]]
        rd = d["static_route_distance"]
        self.route_distance, self.route_distance_src = int(rd["value"]), str(rd["source"])
        # spelling -> the table's own keyword for the same canonical value
        self.spell: dict[str, dict[str, str]] = {}
        for table, forms in v.spellings.items():
            base = v.keywords.get(table) or v.keywords.get("ikev1", {}).get(table, {})
            self.spell[table] = {str(form).lower(): str(base[canon]) for form, canon in forms.items() if canon in base}


_DATA: _Data | None = None


def _data() -> _Data:
    global _DATA
    if _DATA is None:
        _DATA = _Data()
    return _DATA


# Cisco type 7: hex pairs XOR a fixed 53-character sequence, starting at the
# offset given by the first two decimal digits.
_T7 = b"dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def parse(text: str, name: str) -> ParsedDevice:
    dev = ParsedDevice(vendor=VENDOR, file=name)
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        dev.note("SYNTAX", "input is not text", severity="error")
        return dev
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # abbreviations, interface names, lost indentation (vendor.yaml grammar:);
    # line N stays line N; a well-formed config passes normalize's literal scans
    text, notes = normalize(text, VENDOR)
    for rule, line, sev, msg in notes:
        dev.note(rule, msg, line, sev)
    p = _Parser(text, dev)
    # The parse allocates many small objects and frees few: the cyclic garbage
    # collector's passes would cost ~25% of the time and find nothing.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        p.run()
    finally:
        if gc_was_on:
            gc.enable()
    return dev


# ------------------------------------------------------------------ helpers
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}").fullmatch
_U32 = Struct("!I").unpack  # inet_aton's 4 bytes -> (int,)


def _ip_int(s: str) -> int | None:
    """Dotted quad (no leading zeros) -> int, None if ``s`` is not one."""
    if _IPV4(s) is None:
        return None
    v: int = _U32(_aton(s))[0]
    return v


def _kids(n: int, chunk: str, more: list[tuple[int, str]] | None = None) -> list[tuple[int, str]]:
    """(line number, line) of a block's indented children."""
    out = list(enumerate(chunk.split("\n")[1:], n + 1))
    for m, extra in more or ():
        out.extend(enumerate(extra.split("\n")[1:], m + 1))
    return out


def _blocks_kids(blks: list[list[Any]]) -> list[tuple[int, str]]:
    """(line number, line) of the children of several blocks, in order."""
    out: list[tuple[int, str]] = []
    for n, chunk, more in blks:
        out += _kids(n, chunk, more)
    return out


def _int_ip(v: int) -> str:
    return f"{v >> 24}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}"


def _isip(s: str) -> bool:
    """A dotted quad (the shared ``ipv4``: ASCII digits, no leading zeros)."""
    return ipv4(s) is not None


# contiguous wildcard masks -> prefix length
_WILDCARDS = {_int_ip((1 << (32 - n)) - 1): n for n in range(33)}
# wildcard -> (host bits, "/len", what a (valid) network address then ends with:
# its zero octets for a whole-octet mask, None when the bits must be tested)
_WC_FAST = {
    wc: ((1 << (32 - n)) - 1, f"/{n}", {24: ".0", 16: ".0.0", 8: ".0.0.0"}.get(n)) for wc, n in _WILDCARDS.items()
}
# the usual crypto ACL entry, ASCII dotted quads only (see _fast_net)
_A_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_A_IPV4 = rf"({_A_OCTET}(?:\.{_A_OCTET}){{3}})"
_ACL_PERMIT_IP = re.compile(
    rf"[ \t]*permit[ \t]+ip[ \t]+{_A_IPV4}[ \t]+(\S+)[ \t]+{_A_IPV4}[ \t]+(\S+)[ \t]*"
).fullmatch


def _fast_net(ip: str, wc: str) -> str | None:
    """``ip/len`` for an ASCII dotted quad (already checked) and a contiguous
    wildcard when ``ip`` has no bit inside it; None for anything else (left to
    ``_Parser.wildcard``, which reports it)."""
    fast = _WC_FAST.get(wc)
    if fast is None:
        return None
    host, tail, zeros = fast
    # no leading zeros in a valid dotted quad: its last octets are 0 exactly
    # when it ends with ".0" per octet
    if not host or (ip.endswith(zeros) if zeros is not None else not _U32(_aton(ip))[0] & host):
        return ip + tail
    return None


# tcp/udp port operators and how many words they take
_PORT_OPS = {"eq": 2, "gt": 2, "lt": 2, "neq": 2, "range": 3}


def _mask_len(mask: int) -> int | None:
    """Netmask -> prefix length, None if not contiguous."""
    inv = mask ^ 0xFFFFFFFF
    if inv & (inv + 1):
        return None
    return 32 - inv.bit_length()


def type7_decode(s: str) -> str | None:
    """Cisco type 7 -> clear text, None if ``s`` is not a type 7 string."""
    if len(s) < 4 or len(s) % 2 or not s[:2].isdigit():
        return None
    try:
        data = bytes.fromhex(s[2:])
    except ValueError:
        return None
    off = int(s[:2])
    out = bytes(b ^ _T7[(off + i) % len(_T7)] for i, b in enumerate(data))
    try:
        txt = out.decode("ascii")
    except UnicodeDecodeError:
        return None
    return txt if txt.isprintable() else None


class _Key:
    __slots__ = ("addr", "line", "mask", "plen", "psk", "state", "typ")

    def __init__(self, addr: int, mask: int, plen: int, psk: str | None, state: PskState, typ: str, line: int) -> None:
        self.addr = addr
        self.mask = mask
        self.plen = plen
        self.psk = psk
        self.state = state
        self.typ = typ
        self.line = line

    def covers(self, ip: int) -> bool:
        return (ip & self.mask) == self.addr


class _Neighbor:
    """One ``neighbor A ...`` of a ``router bgp`` block (an address, not a peer group)."""

    __slots__ = (
        "activated",
        "asn",
        "default_originate",
        "ip",
        "line",
        "outbound",
        "problems",
        "remote_as",
        "route_maps",
        "timers",
    )

    def __init__(self, ip: int, asn: int | None, line: int) -> None:
        self.ip = ip
        self.asn = asn  # the block's (the device's own) AS
        self.line = line
        self.remote_as: int | None = None
        self.timers: tuple[int, int] | None = None
        self.activated = False
        self.route_maps: dict[str, str] = {}
        self.default_originate = False
        self.outbound: list[str] = []  # outbound filters (`route-map|prefix-list|distribute-list|filter-list X out`)
        # (line, rule, severity, message) reported when a tunnel uses the neighbor
        self.problems: list[tuple[int, str, Severity, str]] = []


class _Bgp:
    """The ``router bgp`` blocks of a config: neighbors by address, the
    networks announced (``network A mask M``, in order), route maps."""

    def __init__(self, p: _Parser) -> None:
        self.p = p
        self.neighbors: dict[int, _Neighbor] = {}
        self.networks: list[str] = []
        self.unmasked: list[str] = []  # `network A` without mask (classful): not carried
        self.used: set[int] = set()
        asns = list(dict.fromkeys(asn for _, asn, _ in p.bgp_blocks))
        if len(asns) > 1:
            p.note("AMBIGUOUS", f"router bgp blocks for several AS numbers ({', '.join(asns)})", p.bgp_blocks[0][0])
        no_default = False
        global_timers: tuple[int, int] | None = None
        for n, asn_txt, kids in p.bgp_blocks:
            asn = small_int(asn_txt)
            if asn is None:
                p.note("UNSUPPORTED", f"router bgp {asn_txt}: AS number not in plain notation: not read", n, "warning")
            family = "ipv4"  # the router bgp level reads as IPv4 unicast
            for ln, raw in kids:
                w = raw.split()
                if not w or w[0][0] == "!":
                    continue
                k = w[0]
                if k == "address-family":
                    family = "ipv4" if w[1:] in (["ipv4"], ["ipv4", "unicast"]) else " ".join(w[1:])
                    continue
                if k == "exit-address-family":
                    family = "ipv4"
                    continue
                if family != "ipv4":
                    continue
                if k == "network" and len(w) >= 2:
                    self.network(ln, w)
                elif k == "neighbor" and len(w) >= 3:
                    self.neighbor(ln, w, asn)
                elif w[:3] == ["no", "bgp", "default"] and w[3:4] == ["ipv4-unicast"]:
                    no_default = True
                elif k == "timers" and w[1:2] == ["bgp"] and len(w) >= 4:
                    ka, hold = small_int(w[2]), small_int(w[3])
                    if ka is not None and hold is not None:
                        global_timers = (ka, hold)
        for nb in self.neighbors.values():
            if nb.timers is None:
                nb.timers = global_timers
            nb.activated = nb.activated or not no_default

    def network(self, ln: int, w: list[str]) -> None:
        a = _ip_int(w[1])
        if a is None:
            self.p.syntax(ln, f"router bgp: cannot read {' '.join(w)[:60]}")
            return
        if len(w) >= 4 and w[2] == "mask":
            m = _ip_int(w[3])
            plen = _mask_len(m) if m is not None else None
            if m is None or plen is None:
                self.p.syntax(ln, f"router bgp: network {w[1]} mask {w[3]} is not a netmask")
                return
            net = f"{_int_ip(a & m)}/{plen}"
            if net not in self.networks:
                self.networks.append(net)
            if len(w) > 4:
                self.p.note("IGNORED", f"router bgp: network {net}: {' '.join(w[4:])[:40]} not read", ln)
        else:
            self.unmasked.append(w[1])
            self.p.note(
                "UNSUPPORTED",
                f"router bgp: network {w[1]} without a mask (its classful network) not carried",
                ln,
                "warning",
            )

    def neighbor(self, ln: int, w: list[str], asn: int | None) -> None:
        ip = _ip_int(w[1])
        if ip is None:  # a peer group or an IPv6 neighbor
            return
        nb = self.neighbors.get(ip)
        if nb is None:
            nb = self.neighbors[ip] = _Neighbor(ip, asn, ln)
        opt = w[2]
        if opt == "remote-as" and len(w) == 4:
            ra = small_int(w[3])
            if ra is None:
                nb.problems.append((ln, "UNSUPPORTED", "warning", f"remote-as {w[3][:20]} not in plain notation"))
            else:
                nb.remote_as = ra
        elif opt == "timers" and len(w) >= 5:
            ka, hold = small_int(w[3]), small_int(w[4])
            if ka is None or hold is None:
                self.p.syntax(ln, f"router bgp: cannot read neighbor {w[1]} timers")
            else:
                nb.timers = (ka, hold)
        elif opt == "activate" and len(w) == 3:
            nb.activated = True
        elif opt == "route-map" and len(w) == 5 and w[4] in ("in", "out"):
            nb.route_maps[w[4]] = w[3]
            if w[4] == "out":
                nb.outbound.append(f"route-map {w[3]}")
        elif opt in ("prefix-list", "distribute-list", "filter-list") and len(w) == 5 and w[4] in ("in", "out"):
            if w[4] == "out":
                nb.outbound.append(f"{opt} {w[3]}")
        elif opt == "default-originate":
            nb.default_originate = True
            nb.problems.append((ln, "NOT-CARRIED", "info", "default-originate (a default route announced) not carried"))
        elif opt == "shutdown":
            nb.problems.append((ln, "INACTIVE", "warning", "shut down"))
        elif opt not in ("description", "password"):
            nb.problems.append((ln, "IGNORED", "info", f"`{opt}` not read"))

    def local_preference(self, name: str, ref: int) -> int | None:
        """The local preference a route map sets on every route (one permit
        entry, no match clause); None otherwise."""
        ents = self.p.route_maps.get(name)
        if ents is None:
            self.p.note("UNRESOLVED", f"route-map {name} is not defined", ref, "warning")
            return None
        if len(ents) != 1 or ents[0][1][2:3] == ["deny"]:
            return None
        sets: list[int] = []
        for _, raw in ents[0][2]:
            x = raw.split()
            if x and x[0] == "match":
                return None
            if x[:2] == ["set", "local-preference"] and len(x) == 3 and (v := small_int(x[2])) is not None:
                sets.append(v)
        return sets[0] if len(sets) == 1 else None


def _best(keys: list[_Key], ip: int) -> _Key | None:
    best = None
    for k in keys:
        if k.covers(ip) and (best is None or k.plen >= best.plen):
            best = k
    return best


Kids = list[tuple[int, str]]
# read_sets: (set peer [(address, line)], transform sets, their line, (PFS group,
# keyword, line), SA lifetime seconds, kilobytes, kilobytes disabled,
# (isakmp-profile, line), (ikev2-profile, line), (match address ACL, line))
Sets = tuple[
    list[tuple[str, int]],
    list[str],
    int | None,
    tuple[Any, str, int] | None,
    int | None,
    int | None,
    bool,
    tuple[str, int] | None,
    tuple[str, int] | None,
    tuple[str, int] | None,
]
_MISS: Any = object()  # a cache miss (None is a cached value)


# ------------------------------------------------------------------ parser
class _Parser:
    def __init__(self, text: str, dev: ParsedDevice) -> None:
        self.text = text
        self.dev = dev
        self.hostname: str | None = None
        self.domain: str | None = None
        self.isakmp_policies: list[tuple[int, int, Kids]] = []
        self.isakmp_keys: list[_Key] = []
        self.isakmp_keys_exact: dict[int, _Key] = {}
        self._ip_known: dict[str, int] = {}  # ASCII dotted quads read already (key addresses): their value
        self.isakmp_keepalive: tuple[int, int | None, str, int] | None = None
        self.isakmp_identity: str | None = None
        self.isakmp_peers: dict[int, dict[str, Any]] = {}
        self.keyrings: dict[str, dict[str, Any]] = {}
        self.isakmp_profiles: dict[str, dict[str, Any]] = {}
        self.ike2_proposals: dict[str, tuple[int, Kids]] = {}
        self.ike2_policies: dict[str, tuple[int, Kids]] = {}
        self.ike2_keyrings: dict[str, tuple[int, Kids]] = {}
        self.ike2_profiles: dict[str, tuple[int, Kids]] = {}
        self.ike2_dpd: tuple[int, int | None, str, int] | None = None
        self.transform_sets: dict[str, tuple[int, list[str], Kids]] = {}
        self.ipsec_profiles: dict[str, tuple[int, Kids]] = {}
        self.global_sa: dict[str, int | None] = {}
        self.cmap_entries: dict[tuple[str, int], list[Any]] = {}
        self.cmap_local: dict[str, tuple[str, int]] = {}
        self.cmap_profile: dict[str, str] = {}
        self.dynmaps: dict[str, dict[int, tuple[int, Kids]]] = {}
        # name -> (line, extended?, parts): a part is a named-ACL block (line, text, more)
        # or a numbered ACL line (line, words, None); entries are read only when used
        self.acls: dict[str, tuple[int, bool, list[tuple[int, Any, Any]]]] = {}
        self.interfaces: dict[str, list[list[Any]]] = {}
        # plain interface blocks, not read yet: (index in chunks, line)
        self.iface_rest: list[tuple[int, int]] = []
        self.chunks: list[str] = []
        self.routes: list[tuple[int, list[str]]] = []
        # router bgp blocks: (line, ASN as written, children); route-map blocks by name
        self.bgp_blocks: list[tuple[int, str, Kids]] = []
        self.route_maps: dict[str, list[tuple[int, list[str], Kids]]] = {}
        self._c_bgp: _Bgp | None = None
        # caches / results
        self._c_ts: dict[str, tuple[Proposal | None, str]] = {}
        self._c_acl: dict[str, list[tuple[str, str]] | None] = {}
        self._c_ifaddr: dict[str, str | None] = {}
        self._c_ike1: list[tuple[Proposal, int, str]] | None = None
        self._c_prof1: dict[str, dict[str, Any]] = {}
        self._c_prof2: dict[str, dict[str, Any]] = {}
        self._c_kr2: dict[str, list[dict[str, Any]]] = {}
        self._c_pol2: list[tuple[str, list[str], list[int]]] | None = None
        self._c_prop2: dict[str, list[Proposal]] = {}
        self._wc: dict[tuple[str, str], str | None] = {}
        self._c_esp: dict[tuple[str, ...], tuple[str | None, str | None, list[tuple[str, Severity, str]]]] = {}
        self._c_map: dict[str, tuple[str | None, str | None]] = {}
        self._c_pfs: dict[str, Any] = {}
        self._c_sel1: tuple[list[Proposal], list[int], bool, bool] | None = None
        self._ike1_defaults: list[tuple[str, str]] = []  # per isakmp policy: defaulted proposal / lifetime
        self._c_sel1_def: tuple[str | None, str | None] = (None, None)  # the selection's, for defaulted
        self._c_auth_def: str | None = None  # certificate authentication read from hidden defaults only
        # (field, where the default comes from) -> tunnels (name, line) that take it
        self._defaulted: dict[tuple[str, str], list[tuple[str, int | None]]] = {}
        self._c_sel1_mixed = False  # the selected policies' lifetimes differ
        self._used_ts: set[str] = set()
        self._used_ipsec: set[str] = set()
        self._used_dyn: set[str] = set()
        self._iface_lc: dict[str, str] | None = None
        self._names: set[str] = set()

    # -------------------------------------------------------------- notes
    def note(self, rule: str, msg: str, line: int | None, sev: Severity = "info") -> None:
        self.dev.note(rule, msg, line, sev)  # (ParsedDevice.note caps each rule)

    def ignored(self, line: int, s: str, where: str) -> None:
        w = s.split()
        cut = next((i for i, x in enumerate(w) if x.lower() in _SECRET_WORDS), None)
        if cut is not None:  # never echo what may be a key
            s = " ".join(w[: cut + 1]) + " ..."
        self.note("IGNORED", f"{where}: not understood, ignored: {s[:80]}", line)

    def syntax(self, line: int, msg: str) -> None:
        self.note("SYNTAX", msg, line, "error")

    # -------------------------------------------------------------- pass 1
    def scan(self) -> list[list[Any]]:
        """Kept top-level blocks as [line, text of the block (header and indented
        children), further (line, text) parts or None]. The text is cut into
        chunks at every line that starts in column 0 (one C-level split); only
        chunks whose first line starts with a kept prefix are stored. An
        interface block with nothing VPN-related in it (no ``crypto``, no
        ``tunnel``, no children after a comment) is not stored either: its
        chunk index and line go to ``self.iface_rest``, read only when an
        interface is named (``iface``)."""
        text = self.text
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.chunks = chunks = _TOP.split(text)
        blocks: list[list[Any]] = []
        cur: list[Any] | None = None
        lazy = False  # cur is None for a plain interface block (the last in rest)
        rest = self.iface_rest
        keep, drop = _KEEP, _DROP
        line = 1  # of the next chunk: each chunk is its newlines plus one line long
        skip_to = 0
        for i, ch in enumerate(chunks):
            if ch == "!":  # the usual comment line: nothing to do
                line += 1
                continue
            n = line
            line += ch.count("\n") + 1
            if i < skip_to:
                continue
            if ch.startswith(keep):
                if ch[1] == "n":  # "interface ", the one kept prefix with this second letter
                    if "crypto" in ch or "tunnel" in ch:
                        lazy = False
                        cur = [n, ch, None]
                        blocks.append(cur)
                    else:
                        rest.append((i, n))  # only read when named (tunnel source, local-address ...)
                        cur, lazy = None, True
                    continue
                lazy = False
                if ch[0] == "c" and ch.startswith(drop):
                    cur = None
                    continue
                cur = [n, ch, None]
                blocks.append(cur)
                continue
            c = ch[:1]
            if c == "!":
                # a comment in column 0 is transparent: indented lines after it
                # still belong to the open block
                if "\n" in ch:
                    if lazy:  # the plain interface block has children after all
                        lazy = False
                        idx, iline = rest.pop()
                        cur = [iline, chunks[idx], None]
                        blocks.append(cur)
                    if cur is not None:
                        if cur[2] is None:
                            cur[2] = []
                        cur[2].append((n, ch))
                continue
            cur, lazy = None, False
            if (c == "b" or c == "m") and ch.startswith(_DELIMITED):
                skip_to = self._delimited_end(chunks, i, ch, n) + 1
        return blocks

    def _delimited_end(self, chunks: list[str], i: int, ch: str, n: int) -> int:
        """Index of the last chunk of a banner or macro body starting at chunk i
        (i when the chunk starts neither or the body ends inside it)."""
        first, _, body = ch.partition("\n")
        if first.startswith("macro name "):
            if body and any(x.strip() == "@" for x in body.split("\n")):
                return i
            for j in range(i + 1, len(chunks)):
                if chunks[j].split("\n", 1)[0].strip() == "@":
                    return j
            self.note("SYNTAX", "macro body without its closing '@': read as one line", n, "warning")
            return i
        if not first.startswith("banner"):
            return i
        w = first.split(None, 2)
        if len(w) < 2:
            return i
        rest = (w[2] if len(w) > 2 else "") if w[1] in _BANNER_TYPES else first[6:].lstrip()
        if not rest:
            return i
        delim = "^C" if rest.startswith("^C") else rest[0]
        if delim in rest[len(delim) :] or delim in body:
            return i
        for j in range(i + 1, len(chunks)):
            if delim in chunks[j]:
                return j
        self.note("SYNTAX", "banner without its closing delimiter: read as one line", n, "warning")
        return i

    # -------------------------------------------------------------- pass 2
    def run(self) -> None:
        for blk in self.scan():
            n, chunk, more = blk
            if chunk[1] == "n":  # "interface " (the one kept prefix with this second letter)
                self.add_iface(blk)
                continue
            nl = chunk.find("\n")
            w = (chunk if nl < 0 else chunk[:nl]).split()
            if not w:
                continue
            c = w[0]
            if c == "crypto":
                k = w[1] if len(w) > 1 else ""
                if k == "map":
                    self.cmap_line(n, w, blk)
                elif k == "isakmp" and len(w) > 2 and w[2] == "key":
                    self.isakmp_key(n, w)  # (reads no children)
                else:
                    self.crypto(n, w, _kids(n, chunk, more) if (nl >= 0 or more) else [])
            elif c == "access-list":
                self.numbered_acl(n, w)
            elif c == "ip":
                a = w[1]
                if a == "access-list":
                    self.named_acl(n, w, chunk, more)
                elif a == "route":
                    self.routes.append((n, w))
                elif a == "domain-name" and len(w) == 3:
                    self.domain = w[2]
                elif a == "domain" and len(w) == 4 and w[2] == "name":
                    self.domain = w[3]
            elif c == "hostname" and len(w) == 2:
                self.hostname = w[1]
            elif c == "router" and len(w) >= 3 and w[1] == "bgp":
                self.bgp_blocks.append((n, w[2], _kids(n, chunk, more)))
            elif c == "route-map" and len(w) >= 2:
                self.route_maps.setdefault(w[1], []).append((n, w, _kids(n, chunk, more)))
        self.build()

    def add_iface(self, blk: list[Any]) -> None:
        chunk = blk[1]
        nl = chunk.find("\n")
        w = (chunk if nl < 0 else chunk[:nl]).split()
        if len(w) >= 2:
            name = " ".join(w[1:])
            if name in self.interfaces:
                self.interfaces[name].append(blk)
            else:
                self.interfaces[name] = [blk]

    def read_rest(self) -> None:
        """Store the plain interface blocks that ``scan`` left unread."""
        rest, self.iface_rest = self.iface_rest, []
        chunks = self.chunks
        for i, line in rest:
            self.add_iface([line, chunks[i], None])

    def crypto(self, n: int, w: list[str], kids: Kids) -> None:
        """A ``crypto ...`` block other than ``crypto map`` (see ``cmap_line``)."""
        k = w[1] if len(w) > 1 else ""
        a = w[2] if len(w) > 2 else ""
        if k == "isakmp":
            if a == "policy" and len(w) == 4 and (prio := small_int(w[3])) is not None:
                self.isakmp_policies.append((prio, n, kids))
            elif a == "key":
                self.isakmp_key(n, w)
            elif a == "profile" and len(w) == 4:
                self._merge(self.isakmp_profiles, w[3], n, kids)
            elif a == "keepalive":
                self.isakmp_keepalive = self.dpd_args(n, w[3:], " ".join(w))
            elif a == "identity" and len(w) == 4:
                self.isakmp_identity = w[3]
            elif a == "peer" and len(w) >= 5 and w[3] == "address" and _isip(w[4]):
                self.isakmp_peers[_ip_int(w[4]) or 0] = {"line": n, "kids": kids}
            elif a in ("policy", "profile", "peer", "identity"):
                self.syntax(n, f"cannot read {' '.join(w[:3])} line")
            else:
                self.ignored(n, " ".join(w), "crypto isakmp")
        elif k == "keyring" and len(w) >= 3:
            self._merge(self.keyrings, w[2], n, kids)
        elif k == "ikev2":
            table = {
                "proposal": self.ike2_proposals,
                "policy": self.ike2_policies,
                "keyring": self.ike2_keyrings,
                "profile": self.ike2_profiles,
            }.get(a)
            if table is not None and len(w) == 4:
                if w[3] in table:
                    table[w[3]][1].extend(kids)
                else:
                    table[w[3]] = (n, kids)
            elif a == "dpd":
                self.ike2_dpd = self.dpd_args(n, w[3:], " ".join(w))
            else:
                self.ignored(n, " ".join(w), "crypto ikev2")
        elif k == "ipsec":
            if a == "transform-set" and len(w) >= 5:
                self.transform_sets[w[3]] = (n, w[4:], kids)
            elif a == "profile" and len(w) == 4:
                if w[3] in self.ipsec_profiles:
                    self.ipsec_profiles[w[3]][1].extend(kids)
                else:
                    self.ipsec_profiles[w[3]] = (n, kids)
            elif a == "security-association" and len(w) >= 6 and w[3] == "lifetime":
                self.global_lifetime(n, w[4], w[5])
            elif a in ("transform-set", "profile"):
                self.syntax(n, f"cannot read crypto ipsec {a} line")
            else:
                self.ignored(n, " ".join(w), "crypto ipsec")
        elif k == "dynamic-map" and len(w) == 4 and (dseq := small_int(w[3])) is not None:
            self.dynmaps.setdefault(w[2], {}).setdefault(dseq, (n, []))[1].extend(kids)
        elif k in ("dynamic-map", "keyring"):
            self.syntax(n, f"cannot read crypto {k} line")
        else:
            self.ignored(n, " ".join(w), "crypto")

    @staticmethod
    def _merge(table: dict[str, dict[str, Any]], name: str, n: int, kids: Kids) -> None:
        if name in table:
            table[name]["kids"].extend(kids)
        else:
            table[name] = {"line": n, "kids": kids}

    def cmap_line(self, n: int, w: list[str], blk: list[Any]) -> None:
        """A ``crypto map`` line; an entry keeps its blocks (``scan``'s
        [line, text, more]), read in ``build``."""
        nw = len(w)
        if nw < 4:
            self.syntax(n, "crypto map line without map name and sequence number")
            return
        name, seq = w[2], w[3]
        num = small_int(seq)
        if num is None:
            if seq == "local-address" and nw == 5:
                self.cmap_local[name] = (w[4], n)
            elif seq == "isakmp-profile" and nw == 5:
                self.cmap_profile[name] = w[4]
            else:
                self.ignored(n, " ".join(w), "crypto map")
            return
        kind = w[4] if nw > 4 else "ipsec-isakmp"
        dyn = None
        if nw > 5 and kind == "ipsec-isakmp":
            if nw >= 7 and w[5] == "dynamic":
                dyn = w[6]
            else:
                self.ignored(n, " ".join(w), "crypto map")
        key = (name, num)
        if key in self.cmap_entries:
            self.cmap_entries[key][3].append(blk)
            return
        self.cmap_entries[key] = [n, kind, dyn, [blk]]

    def isakmp_key(self, n: int, w: list[str]) -> None:
        # crypto isakmp key [0|6|7] KEY address IP [MASK] [no-xauth] | hostname H
        if len(w) == 6 and w[4] == "address" and w[3] not in ("0", "6", "7") and w[3].strip("*"):
            a = _ip_int(w[5])  # fast path: a clear key for one address
            if a is not None:
                fast = _Key(a, 0xFFFFFFFF, 32, w[3], "clear", "0", n)
                self.isakmp_keys.append(fast)
                self.isakmp_keys_exact[a] = fast  # a later line replaces an earlier one
                self._ip_known[w[5]] = a
                return
        i = 4
        while i < len(w) and w[i] != "address" and w[i] != "hostname":
            i += 1
        if i >= len(w):
            self.syntax(n, "crypto isakmp key without address or hostname")
            return
        tok = w[3:i]
        if len(tok) == 2 and tok[0] in ("0", "6", "7"):
            typ, raw = tok
        elif len(tok) == 1:
            typ, raw = "0", tok[0]
        else:
            self.syntax(n, "crypto isakmp key: cannot tell the key from its type")
            return
        if w[i] == "hostname":
            self.note(
                "UNSUPPORTED", "crypto isakmp key by hostname: matched only by peer identity, not used", n, "warning"
            )
            return
        rest = w[i + 1 :]
        if rest and rest[0] == "ipv6":
            self.ignored(n, "crypto isakmp key ... address ipv6", "crypto isakmp key")
            return
        k = self.make_key(n, typ, raw, rest)
        if k is not None:
            self.isakmp_keys.append(k)
            if k.plen == 32:
                self.isakmp_keys_exact[k.addr] = k

    def make_key(self, n: int, typ: str, raw: str, addr: list[str]) -> _Key | None:
        a = _ip_int(addr[0]) if addr else None
        if a is None:
            self.syntax(n, "pre-shared key address is not an IPv4 address")
            return None
        m = 0xFFFFFFFF
        plen: int | None = 32
        if len(addr) > 1:
            m2 = _ip_int(addr[1])
            if m2 is not None:
                m = m2
                plen = _mask_len(m)
        if plen is None:
            self.syntax(n, "pre-shared key address mask is not contiguous")
            return None
        psk, state = self.key_value(n, typ, raw)
        return _Key(a & m, m, plen, psk, state, typ, n)

    def key_value(self, n: int, typ: str, raw: str) -> tuple[str | None, PskState]:
        if typ == "6":
            self.note("KEY", "type 6 key: encrypted with the device's master key, not readable here", n)
            return None, "encrypted"
        if typ == "7":
            dec = type7_decode(raw)
            if dec is None:
                self.note("KEY", "type 7 key cannot be decoded: treated as encrypted", n, "warning")
                return None, "encrypted"
            self.note("KEY", "type 7 key decoded (a reversible obfuscation, not encryption)", n)
            return dec, "clear"
        if raw and not raw.strip("*"):
            self.note("KEY", "key masked (*****) in this output", n)
            return None, "masked"
        return raw, "clear"

    def dpd_args(self, n: int, a: list[str], s: str) -> tuple[int, int | None, str, int] | None:
        # N [R] [periodic|on-demand]  (profile form: N retry R)
        nums = [v for v in map(small_int, a) if v is not None]
        if not nums:
            self.syntax(n, f"cannot read DPD settings: {s[:60]}")
            return None
        mode = "periodic" if "periodic" in a else "on-demand" if "on-demand" in a else _data().dpd_mode
        retry = nums[1] if len(nums) > 1 else None  # (IOS's default retry: not in the sources)
        return nums[0], retry, mode, n

    def global_lifetime(self, n: int, unit: str, value: str) -> None:
        v = small_int(value)
        if unit == "seconds" and v is not None:
            self.global_sa["seconds"] = v
        elif unit == "kilobytes" and v is not None:
            self.global_sa["kb"] = v
        elif unit == "kilobytes" and value == "disable":
            self.global_sa["kb"] = None
        elif unit == "days" and v is not None:
            self.global_sa["seconds"] = v * 86400
        elif unit in ("seconds", "kilobytes", "days"):
            self.syntax(n, f"crypto ipsec security-association lifetime {unit}: cannot read {value[:20]}")
        else:
            self.ignored(n, f"crypto ipsec security-association lifetime {unit} {value}", "crypto ipsec")

    def named_acl(self, n: int, w: list[str], chunk: str, more: Any) -> None:
        if len(w) < 4 or w[2] not in ("extended", "standard"):
            return
        name = w[3]
        if name in self.acls:
            self.acls[name][2].append((n, chunk, more))
        else:
            self.acls[name] = (n, w[2] == "extended", [(n, chunk, more)])

    def numbered_acl(self, n: int, w: list[str]) -> None:
        if len(w) < 3 or not w[1].isdigit():
            return
        if w[1] in self.acls:
            self.acls[w[1]][2].append((n, w[2:], None))
        else:
            num = int(w[1])
            extended = 100 <= num <= 199 or 2000 <= num <= 2699
            self.acls[w[1]] = (n, extended, [(n, w[2:], None)])

    # ------------------------------------------------------------ objects
    def transform_set(self, name: str, ref: int, used: bool = True) -> tuple[Proposal | None, str]:
        """``used``: a tunnel takes its values (a value the model cannot hold is
        then an error: the tunnel's field stays unknown), else a warning."""
        """(proposal, mode) of a transform set; (None, '') if undefined."""
        if name in self._c_ts:
            return self._c_ts[name]
        ent = self.transform_sets.get(name)
        if ent is None:
            self.note("UNRESOLVED", f"transform-set {name} is not defined", ref, "warning")
            self._c_ts[name] = (None, "")
            return self._c_ts[name]
        n, toks, kids = ent
        enc, integ, problems = self.esp_tokens(tuple(toks))
        for rule, sev, msg in problems:
            if sev == "error" and rule == "UNSUPPORTED" and not used:
                sev = "warning"
            self.note(rule, f"transform-set {name}: {msg}", n, sev)
        mode = "tunnel"
        for ln, raw in kids:
            s = raw.strip()
            if s.startswith("mode "):
                mode = s.split()[1] if len(s.split()) > 1 else "tunnel"
                if mode != "tunnel":
                    self.note(
                        "UNSUPPORTED", f"transform-set {name}: mode {mode} (the model holds tunnel mode)", ln, "error"
                    )
            elif s and s[0] != "!":
                self.ignored(ln, s, f"transform-set {name}")
        prop = Proposal(encryption=enc, integrity=integ, raw=f"transform-set {name}: {' '.join(toks)}")
        self._c_ts[name] = (prop, mode)
        return self._c_ts[name]

    def esp_tokens(self, toks: tuple[str, ...]) -> tuple[str | None, str | None, list[tuple[str, Severity, str]]]:
        """(encryption, integrity, problems) of a transform list, cached."""
        hit = self._c_esp.get(toks)
        if hit is not None:
            return hit
        enc = integ = None
        enc_seen = False
        spell = _data().spell.get("esp_encryption", {})
        problems: list[tuple[str, Severity, str]] = []
        i = 0
        while i < len(toks):
            t = toks[i].lower()
            kw = t
            if i + 1 < len(toks) and toks[i + 1] in _KEY_SIZES:
                kw = f"{t} {toks[i + 1]}"
                i += 1
            i += 1
            kw = spell.get(kw, kw)
            c = lookup(VENDOR, "esp_encryption", kw)
            if c is not None:
                enc, enc_seen = c, True
                continue
            c = lookup(VENDOR, "esp_integrity", kw)
            if c is not None:
                integ = c
                continue
            if t.startswith(_ESP_OTHER):
                enc_seen = True
                problems.append(("UNSUPPORTED", "error", f"{kw} has no canonical value: ESP encryption unknown"))
            elif t.startswith("ah-"):
                problems.append(
                    ("UNSUPPORTED", "error", f"AH transform {kw} not carried (ESP only): ESP integrity unknown")
                )
            elif t.startswith("comp-"):
                problems.append(("IGNORED", "info", f"compression {kw} ignored"))
            else:
                problems.append(("SYNTAX", "error", f"unknown transform {kw}"))
        if not enc_seen:
            problems.append(("UNSUPPORTED", "error", "no ESP encryption transform"))
        out = (enc, integ, problems)
        self._c_esp[toks] = out
        return out

    def wildcard(self, ip: str, wc: str, line: int) -> str | None:
        fast = _WC_FAST.get(wc)
        if fast is not None and _IPV4(ip) is not None:
            host, tail, zeros = fast
            if not host:
                return ip + tail
            if zeros is not None and ip.isascii():
                if ip.endswith(zeros):  # as in _fast_net
                    return ip + tail
            elif not _U32(_aton(ip))[0] & host:
                return ip + tail
        key = (ip, wc)
        if key in self._wc:
            return self._wc[key]
        a, m = _ip_int(ip), _ip_int(wc)
        out: str | None
        if a is None or m is None:
            self.syntax(line, f"ACL address {ip} {wc} is not an IPv4 address and wildcard")
            out = None
        elif m & (m + 1):
            self.note("UNSUPPORTED", f"ACL wildcard {wc} is not contiguous: entry not carried", line, "warning")
            out = None
        else:
            if a & m:
                self.note("SELECTORS", f"ACL address {ip} has bits inside wildcard {wc}: network used", line)
            out = f"{_int_ip(a & ~m & 0xFFFFFFFF)}/{32 - m.bit_length()}"
        self._wc[key] = out
        return out

    def acl_addr(self, w: list[str], i: int, line: int) -> tuple[str | None, int, bool]:
        """(cidr, next index, ok); ok False when the spec cannot be carried."""
        if i >= len(w):
            self.syntax(line, "ACL entry ends before its addresses")
            return None, i, False
        t = w[i]
        if t == "any":
            return "0.0.0.0/0", i + 1, True
        if t == "host" and i + 1 < len(w):
            if not _isip(w[i + 1]):
                self.syntax(line, "ACL host is not an IPv4 address")
                return None, i + 2, False
            return f"{w[i + 1]}/32", i + 2, True
        if t in ("object-group", "addrgroup"):
            self.note("UNSUPPORTED", "ACL object-group: entry not carried", line, "warning")
            return None, i + 2, False
        if i + 1 < len(w):
            c = self.wildcard(t, w[i + 1], line)
            return c, i + 2, c is not None
        self.syntax(line, "ACL address without wildcard")
        return None, i + 1, False

    def acl(self, name: str, ref: int) -> list[tuple[str, str]] | None:
        c_acl = self._c_acl
        if name in c_acl:
            return c_acl[name]
        ent = self.acls.get(name)
        if ent is None:
            self.note("UNRESOLVED", f"access-list {name} is not defined: no selectors", ref, "warning")
            c_acl[name] = None
            return None
        _, extended, parts = ent
        sels: list[tuple[str, str]] = []
        c_acl[name] = sels
        if not extended:
            self.note(
                "UNSUPPORTED", f"access-list {name} is a standard ACL: a crypto ACL must be extended", ref, "warning"
            )
            return sels
        permit_ip, entry = _ACL_PERMIT_IP, self.acl_entry
        if len(parts) == 1:  # the usual crypto ACL: one block, one plain entry
            body = parts[0][1]
            if parts[0][2] is None and isinstance(body, str):
                nl = body.find("\n")
                if nl >= 0 and body.find("\n", nl + 1) < 0:
                    m = permit_ip(body, nl + 1)
                    if m is not None:
                        sip, swc, dip, dwc = m.groups()
                        src, dst = _fast_net(sip, swc), _fast_net(dip, dwc)
                        if src is not None and dst is not None:
                            sels.append((src, dst))
                            return sels
        for pn, body, more in parts:
            if not isinstance(body, str):  # a numbered ACL line, split already
                entry(name, pn, body, sels)
                continue
            segs = [(pn, body)]
            if more:
                segs += more
            for n0, seg in segs:
                for ln, raw in enumerate(seg.split("\n")[1:], n0 + 1):
                    m = permit_ip(raw)
                    if m is not None:  # the usual entry: no finding possible when both nets are plain
                        sip, swc, dip, dwc = m.groups()
                        src, dst = _fast_net(sip, swc), _fast_net(dip, dwc)
                        if src is not None and dst is not None:
                            sels.append((src, dst))
                            continue
                    entry(name, ln, raw.split(), sels)
        return sels

    def acl_entry(self, name: str, ln: int, w: list[str], sels: list[tuple[str, str]]) -> None:
        """Read one ACL entry (its words) into ``sels``."""
        if w and w[0].isdigit():
            w = w[1:]
        if not w or w[0].startswith("!") or w[0] == "remark":
            return
        if w[0] not in ("permit", "deny") or len(w) < 2:
            self.ignored(ln, " ".join(w), f"access-list {name}")
            return
        action, proto = w[0], w[1].lower()
        src, i, ok1 = self.acl_addr(w, 2, ln)
        if proto in ("tcp", "udp") and i < len(w):
            i += _PORT_OPS.get(w[i], 0)
        dst, i, ok2 = self.acl_addr(w, i, ln)
        if not (ok1 and ok2) or src is None or dst is None:
            return
        if action == "deny":
            self.note(
                "UNSUPPORTED",
                f"access-list {name}: deny entry (traffic left unprotected) not carried",
                ln,
                "warning",
            )
            return
        if proto != "ip":
            self.note(
                "UNSUPPORTED",
                f"access-list {name}: {proto}-only selector not carried (the model holds address pairs)",
                ln,
                "warning",
            )
            return
        sels.append((src, dst))

    def iface(self, name: str) -> str | None:
        """Canonical interface name as configured, or None."""
        if name in self.interfaces:
            return name
        if self.iface_rest:
            self.read_rest()
            self._iface_lc = None
            if name in self.interfaces:
                return name
        if self._iface_lc is None:
            self._iface_lc = {k.lower().replace(" ", ""): k for k in self.interfaces}
        return self._iface_lc.get(name.lower().replace(" ", ""))

    def iface_addr(self, name: str, depth: int = 0) -> str | None:
        real = self.iface(name)
        if real is None:
            return None
        if real in self._c_ifaddr:
            return self._c_ifaddr[real]
        addr = None
        unnumbered = None
        kids = self.iface_kids(real)
        if self.iface_rest and not any(raw.lstrip().startswith("ip ") for _, raw in kids):
            # a second block of the same interface (a pasted snippet after the running-config) may
            # be among the plain blocks scan left unread: read them, once
            self.read_rest()
            self._iface_lc = None
            kids = self.iface_kids(real)
        for _, raw in kids:
            s = raw.strip()
            if s.startswith("ip address "):
                w = s.split()
                if len(w) >= 4 and _isip(w[2]) and "secondary" not in w and addr is None:
                    addr = w[2]
            elif s.startswith("ip unnumbered "):
                unnumbered = s.split()[2] if len(s.split()) > 2 else None
        if addr is None and unnumbered and depth < 3:
            addr = self.iface_addr(unnumbered, depth + 1)
        self._c_ifaddr[real] = addr
        return addr

    def iface_kids(self, real: str) -> Kids:
        out: Kids = []
        for n, chunk, more in self.interfaces[real]:
            out.extend(_kids(n, chunk, more))
        return out

    def addr_or_iface(self, v: str) -> str | None:
        return v if _isip(v) else self.iface_addr(v)

    # -------------------------------------------------------------- IKEv1
    def isakmp_profile(self, name: str) -> dict[str, Any] | None:
        if name in self._c_prof1:
            return self._c_prof1[name]
        ent = self.isakmp_profiles.get(name)
        if ent is None:
            return None
        p: dict[str, Any] = {
            "name": name,
            "line": ent["line"],
            "keyrings": [],
            "ids": [],
            "self": None,
            "aggressive": False,
            "keepalive": None,
            "local": None,
            "cert": False,
        }
        where = f"crypto isakmp profile {name}"
        for n, raw in ent["kids"]:
            s = raw.strip()
            if not s or s[0] == "!":
                continue
            w = s.split()
            k = w[0]
            if k == "keyring" and len(w) == 2:
                p["keyrings"].append((w[1], n))
            elif k == "match" and len(w) >= 4 and w[1] == "identity":
                if w[2] == "address" and _isip(w[3]):
                    # no mask: one host, except 0.0.0.0 which matches any peer
                    m = w[4] if len(w) > 4 and _isip(w[4]) else "0.0.0.0" if w[3] == "0.0.0.0" else "255.255.255.255"
                    p["ids"].append(("address", w[3], m, n))
                elif w[2] == "host" and len(w) == 4:
                    p["ids"].append(("fqdn", w[3], "", n))
                elif w[2] == "host" and len(w) == 5 and w[3] == "domain":
                    p["ids"].append(("domain", w[4], "", n))
                else:
                    p["ids"].append(("other", " ".join(w[2:]), "", n))
            elif k == "self-identity" and len(w) >= 2:
                p["self"] = (w[1], w[2] if len(w) > 2 else None, n)
            elif w == ["initiate", "mode", "aggressive"]:
                p["aggressive"] = True
            elif k == "keepalive":
                p["keepalive"] = self.dpd_args(n, w[1:], s)
            elif k == "local-address" and len(w) >= 2:
                p["local"] = (w[1], n)
            elif k == "ca" and len(w) >= 2 and w[1] == "trust-point":
                p["cert"] = True
            elif k in ("description", "vrf"):
                continue
            else:
                self.ignored(n, s, where)
        self._c_prof1[name] = p
        return p

    def keyring(self, name: str) -> dict[str, Any] | None:
        ent = self.keyrings.get(name)
        if ent is None:
            return None
        if "keys" in ent:
            return ent
        ent["keys"] = []
        ent["local"] = None
        for n, raw in ent["kids"]:
            s = raw.strip()
            if not s or s[0] == "!":
                continue
            w = s.split()
            if w[0] == "pre-shared-key" and len(w) >= 4:
                if "key" not in w[2:]:
                    self.syntax(n, "pre-shared-key line without 'key'")
                    continue
                ki = w.index("key", 2)
                tok = w[ki + 1 :]
                if len(tok) == 2 and tok[0] in ("0", "6", "7"):
                    typ, raw_key = tok
                elif len(tok) == 1:
                    typ, raw_key = "0", tok[0]
                else:
                    self.syntax(n, "pre-shared-key: cannot tell the key from its type")
                    continue
                if w[1] == "address":
                    if len(w) > 2 and w[2] == "ipv6":
                        self.ignored(n, "pre-shared-key address ipv6 ...", f"crypto keyring {name}")
                        continue
                    k = self.make_key(n, typ, raw_key, w[2:ki])
                    if k is not None:
                        ent["keys"].append(k)
                elif w[1] == "hostname":
                    self.note(
                        "UNSUPPORTED", f"crypto keyring {name}: key by hostname, matched only by identity", n, "warning"
                    )
                else:
                    self.ignored(n, " ".join(w[:2]) + " ...", f"crypto keyring {name}")
            elif w[0] == "local-address" and len(w) >= 2:
                ent["local"] = w[1]
            elif w[0] == "description":
                continue
            else:
                self.ignored(n, s if w[0] != "pre-shared-key" else "pre-shared-key ...", f"crypto keyring {name}")
        return ent

    def match_isakmp_profile(self, peer: int) -> dict[str, Any] | None:
        best, best_len = None, -1
        for name in self.isakmp_profiles:
            p = self.isakmp_profile(name)
            if p is None:
                continue
            for typ, a, m, _ in p["ids"]:
                if typ != "address":
                    continue
                ai, mi = _ip_int(a), _ip_int(m)
                plen = _mask_len(mi) if mi is not None else None
                if ai is None or mi is None or plen is None:
                    continue
                if (peer & mi) == (ai & mi) and plen > best_len:
                    best, best_len = p, plen
        return best

    def ike1_proposals(self) -> tuple[list[Proposal], list[int], list[str]]:
        """Proposals usable with a pre-shared key, their lifetimes, and the
        authentication methods of the policies."""
        if self._c_ike1 is None:
            out: list[tuple[Proposal, int, str]] = []
            for prio, n, kids in sorted(self.isakmp_policies, key=lambda x: x[0]):
                vals: dict[str, Any] = {}
                for ln, raw in kids:
                    s = raw.strip()
                    if not s or s[0] == "!":
                        continue
                    w = s.split()
                    k = w[0]
                    if k in ("encr", "encryption") and len(w) >= 2:
                        vals["encryption"] = " ".join(w[1:]).lower()
                    elif k == "hash" and len(w) == 2:
                        vals["hash"] = w[1].lower()
                    elif k == "authentication" and len(w) == 2:
                        vals["authentication"] = w[1]
                    elif k == "group" and len(w) == 2:
                        vals["group"] = w[1]
                    elif k == "lifetime" and len(w) == 2 and (lt := small_int(w[1])) is not None:
                        vals["lifetime"] = lt
                    elif k in ("encr", "encryption", "hash", "authentication", "group", "lifetime"):
                        self.syntax(ln, f"crypto isakmp policy {prio}: cannot read {s[:40]}")
                    else:
                        self.ignored(ln, s, f"crypto isakmp policy {prio}")
                dd = _data()
                defaults = [k for k in dd.isakmp if k not in vals]
                full = {**dd.isakmp, **vals}
                enc_kw = dd.spell.get("ike_encryption", {}).get(full["encryption"], full["encryption"])
                enc = lookup(VENDOR, "ike_encryption", enc_kw, 1)
                integ = lookup(VENDOR, "ike_integrity", full["hash"], 1)
                grp = lookup(VENDOR, "dh_group", str(full["group"]), 1)
                for what, kw, val in (
                    ("encryption", enc_kw, enc),
                    ("hash", full["hash"], integ),
                    ("group", full["group"], grp),
                ):
                    if val is None:
                        self.note(
                            "UNSUPPORTED",
                            f"crypto isakmp policy {prio}: {what} {kw} has no canonical value"
                            + (" (the IOS default, not displayed)" if what in defaults else "")
                            + ": the proposal's field stays unknown",
                            n,
                            "error",
                        )
                raw_txt = (
                    f"isakmp policy {prio}: encr {full['encryption']}, hash {full['hash']}, group "
                    f"{full['group']}, authentication {full['authentication']}, lifetime {full['lifetime']}"
                )
                if defaults:
                    raw_txt += f" (defaults: {', '.join(defaults)})"
                    self.note(
                        "DEFAULT",
                        f"crypto isakmp policy {prio}: "
                        + ", ".join(f"{k} {dd.isakmp[k]}" for k in defaults)
                        + f" not in the text: {dd.isakmp_src}",
                        n,
                    )
                shown = [f"{k} {dd.isakmp[k]}" for k in defaults if k in ("encryption", "hash", "group")]
                self._ike1_defaults.append(
                    (
                        f"policy {prio}: {', '.join(shown)}" if shown else "",
                        f"policy {prio}: lifetime {dd.isakmp['lifetime']}" if "lifetime" in defaults else "",
                    )
                )
                out.append((Proposal(enc, integ, grp, raw_txt), full["lifetime"], full["authentication"]))
            self._c_ike1 = out
        data = self._c_ike1
        return [p for p, _, _ in data], [lt for _, lt, _ in data], [a for _, _, a in data]

    def ike1(self, t: ParsedTunnel, prof_name: str | None, ref: int, peer: int | None) -> None:
        """IKEv1 side of a tunnel; ``peer`` is ``t.peer_address`` as an int when
        the caller has it, else None."""
        t.ike_version = 1
        prof = None
        if prof_name:
            prof = self.isakmp_profile(prof_name)
            if prof is None:
                self.note("UNRESOLVED", f"isakmp profile {prof_name} is not defined", ref, "warning")
            else:
                t.extra["isakmp_profile"] = prof_name
        if peer is None and t.peer_address:
            peer = _ip_int(t.peer_address)
        if prof is None and peer is not None and self.isakmp_profiles:
            prof = self.match_isakmp_profile(peer)
            if prof is not None:
                t.extra["isakmp_profile"] = prof["name"]
                t.extra["isakmp_profile_matched_by"] = "match identity address"
        # --- key
        key = None
        key_from = None
        if prof is not None and prof["keyrings"]:
            for kr_name, kr_line in prof["keyrings"]:
                kr = self.keyring(kr_name)
                if kr is None:
                    self.note("UNRESOLVED", f"keyring {kr_name} is not defined", kr_line, "warning")
                    continue
                if peer is not None:
                    k = _best(kr["keys"], peer)
                    if k is not None and (key is None or k.plen > key.plen):
                        key, key_from = k, kr_name
        elif peer is not None:
            key = self.isakmp_keys_exact.get(peer) or _best(self.isakmp_keys, peer)
            if key is None and peer in self.isakmp_peers:
                key = self.peer_block_key(peer, t)
            if key is None:
                for kr_name in self.keyrings:
                    kr = self.keyring(kr_name)
                    k = _best(kr["keys"], peer) if kr else None
                    if k is not None and (key is None or k.plen > key.plen):
                        key, key_from = k, kr_name
                if key is not None:
                    self.note(
                        "KEY",
                        f"tunnel {t.name}: key found in keyring {key_from}, which no isakmp profile "
                        "binds to this peer (IOS searches every keyring then)",
                        ref,
                    )
        ex = t.extra
        if key_from:
            ex["keyring"] = key_from
        if key is not None:
            t.psk = key.psk
            t.psk_state = key.state
            ex["psk_type"] = int(key.typ)
            ex["psk_line"] = key.line
        # --- mode, identities, DPD, local address
        if prof is not None:
            if prof["aggressive"]:
                t.mode = "aggressive"
            for typ, a, m, _ in prof["ids"][:1]:
                if typ == "address" and m == "255.255.255.255":
                    t.peer_id = Ident("address", a)
                elif typ == "fqdn":
                    t.peer_id = Ident("fqdn", a)
                elif typ != "address":
                    t.peer_id = Ident("other", a)
            if t.local_address is None and prof["local"]:
                t.local_address = self.addr_or_iface(prof["local"][0])
            if prof["cert"]:
                ex["ca_trust_point"] = True
        if t.local_address is None and key_from:
            kr = self.keyring(key_from)
            if kr and kr.get("local"):
                t.local_address = self.addr_or_iface(kr["local"])
        self_id = prof["self"] if prof and prof["self"] else None
        kind = self_id[0] if self_id else (self.isakmp_identity or "address")
        if kind == "fqdn" or kind == "hostname":
            self.local_fqdn(t, self_id[2] if self_id else ref)
        elif kind == "user-fqdn" and self_id and self_id[1]:
            t.local_id = Ident("other", self_id[1])
        elif kind == "address" and t.local_address:
            t.local_id = Ident("address", t.local_address)
        elif kind not in ("address",):
            self.note(
                "UNSUPPORTED", f"tunnel {t.name}: local identity {kind} not carried: identity unknown", ref, "error"
            )
        ka = prof["keepalive"] if prof and prof["keepalive"] else self.isakmp_keepalive
        if ka:
            self.set_dpd(t, ka)
        # --- proposals
        if self._c_sel1 is None:
            self._c_sel1 = self.ike1_selection(ref)
            self._c_sel1_mixed = len(set(self._c_sel1[1])) > 1
        chosen, lifetimes, any_psk, cert_only = self._c_sel1
        if any_psk:
            t.auth = "psk"
        elif chosen:
            t.auth = "certificate" if key is None and cert_only else "psk"
            if t.auth == "certificate" and self._c_auth_def and not (prof and prof["cert"]):
                t.defaulted["auth"] = self._c_auth_def
        else:
            t.auth = "psk" if key is not None or (prof and prof["keyrings"]) else "unknown"
        if prof and prof["cert"] and key is None:
            t.auth = "certificate"
        if t.auth == "certificate" and key is None:
            t.psk_state = "certificate"
        elif key is None and t.peer_address:
            self.note(
                "MISSING",
                f"tunnel {t.name}: no pre-shared key for peer {t.peer_address} "
                "(no crypto isakmp key, keyring or isakmp peer entry covers it)",
                ref,
                "warning",
            )
        if chosen:  # the device's isakmp policies, held once: every IKEv1 tunnel offers them all
            ps = self.dev.proposal_sets.get(ISAKMP_SET)
            if ps is None:
                line = min((n for _, n, _ in self.isakmp_policies), default=None)
                ps = self.dev.proposal_sets[ISAKMP_SET] = ProposalSet(ISAKMP_SET, chosen, lifetimes, line)
            t.ike_proposals, t.ike_proposal_set = ps.proposals, ISAKMP_SET
        else:
            t.ike_proposals = []
        if lifetimes:
            t.ike_lifetime = lifetimes[0]
            if self._c_sel1_mixed:
                t.extra["ike_lifetimes"] = f"differ between the isakmp policies (proposal set {ISAKMP_SET})"
        prop_def, life_def = self._c_sel1_def
        if prop_def:
            t.defaulted["ike_proposals"] = prop_def
        if life_def:
            t.defaulted["ike_lifetime"] = life_def

    def ike1_selection(self, ref: int) -> tuple[list[Proposal], list[int], bool, bool]:
        """The isakmp policies a pre-shared-key tunnel can use (all when none is
        pre-share), their lifetimes, whether any is pre-share, whether all are
        certificate-based."""
        props, lifetimes, auths = self.ike1_proposals()
        if not props:
            self.note(
                "MISSING",
                "no crypto isakmp policy: the IKEv1 tunnels use the device's built-in default policies (not listed)",
                ref,
                "warning",
            )
        idx = [i for i, a in enumerate(auths) if a == "pre-share"] or list(range(len(props)))
        src = _data().isakmp_src
        parts = [self._ike1_defaults[i][0] for i in idx if self._ike1_defaults[i][0]]
        if len(parts) > 5:  # every tunnel names it: a short form, the policies are the set's (held once)
            parts[5:] = [f"and {len(parts) - 5} more policies of {ISAKMP_SET}"]
        first_life = self._ike1_defaults[idx[0]][1] if idx else ""
        self._c_sel1_def = (
            f"crypto isakmp {'; '.join(parts)}: {src}" if parts else None,
            f"crypto isakmp {first_life}: {src}" if first_life else None,
        )
        cert_only = bool(auths) and all(a.startswith(("rsa", "ecdsa")) for a in auths)
        hidden = [p.raw.split(":")[0] for p in props if "authentication" in p.raw.partition("(defaults:")[2]]
        if cert_only and hidden:
            self._c_auth_def = f"{', '.join(hidden)}: authentication {_data().isakmp['authentication']}: {src}"
        return [props[i] for i in idx], [lifetimes[i] for i in idx], "pre-share" in auths, cert_only

    def peer_block_key(self, peer: int, t: ParsedTunnel) -> _Key | None:
        ent = self.isakmp_peers[peer]
        key = None
        for n, raw in ent["kids"]:
            w = raw.split()
            if w[:2] == ["set", "aggressive-mode"] and len(w) >= 4:
                if w[2] == "password":
                    psk, state = self.key_value(n, "0", w[3])
                    key = _Key(peer, 0xFFFFFFFF, 32, psk, state, "0", n)
                    t.mode = "aggressive"
                elif w[2] == "client-endpoint" and len(w) >= 5:
                    t.local_id = Ident(
                        "fqdn" if w[3] == "fqdn" else "address" if w[3] == "ipv4-address" else "other", w[4]
                    )
                else:
                    self.ignored(n, raw.strip(), "crypto isakmp peer")
            elif w and w[0] != "!":
                self.ignored(n, raw.strip(), "crypto isakmp peer")
        return key

    def local_fqdn(self, t: ParsedTunnel, line: int) -> None:
        if self.hostname and self.domain:
            t.local_id = Ident("fqdn", f"{self.hostname}.{self.domain}")
        elif self.hostname:
            t.local_id = Ident("other", self.hostname)
            self.note(
                "IDENTITY",
                f"tunnel {t.name}: self-identity fqdn without 'ip domain name': the device sends its bare hostname",
                line,
                "warning",
            )
        else:
            self.note(
                "IDENTITY",
                f"tunnel {t.name}: self-identity fqdn sends <hostname>.<ip domain name>, which "
                "this config does not contain: local identity unknown",
                line,
                "warning",
            )

    def set_dpd(self, t: ParsedTunnel, ka: tuple[int, int | None, str, int]) -> None:
        interval, retry, mode, line = ka
        t.dpd_enabled = True
        t.dpd_timeout = interval * 3
        t.extra["dpd"] = {"interval": interval, "retry": retry, "mode": mode, "line": line}

    # -------------------------------------------------------------- IKEv2
    def ike2_profile(self, name: str) -> dict[str, Any] | None:
        if name in self._c_prof2:
            return self._c_prof2[name]
        ent = self.ike2_profiles.get(name)
        if ent is None:
            return None
        p: dict[str, Any] = {
            "name": name,
            "line": ent[0],
            "remote": [],
            "local_id": None,
            "auth_local": [],
            "auth_remote": [],
            "keyring": None,
            "lifetime": None,
            "dpd": None,
            "local": [],
            "inline_key": None,
        }
        where = f"crypto ikev2 profile {name}"
        for n, raw in ent[1]:
            s = raw.strip()
            if not s or s[0] == "!":
                continue
            w = s.split()
            k = w[0]
            if k == "match" and len(w) >= 4 and w[1] == "identity" and w[2] == "remote":
                if w[3] == "address" and len(w) >= 5 and _isip(w[4]):
                    m = w[5] if len(w) > 5 and _isip(w[5]) else "0.0.0.0" if w[4] == "0.0.0.0" else "255.255.255.255"
                    p["remote"].append(("address", w[4], m))
                elif w[3] == "fqdn" and len(w) == 5:
                    p["remote"].append(("fqdn", w[4], ""))
                else:
                    p["remote"].append(("other", " ".join(w[3:]), ""))
            elif k == "match" and len(w) >= 4 and w[1] == "address" and w[2] == "local":
                if _isip(w[3]):
                    p["local"].append(w[3])
                elif w[3] == "interface" and len(w) > 4:
                    a = self.iface_addr(w[4])
                    if a:
                        p["local"].append(a)
            elif k == "identity" and len(w) >= 3 and w[1] == "local":
                typ = w[2]
                val = w[3] if len(w) > 3 else ""
                if typ == "address" and _isip(val):
                    p["local_id"] = Ident("address", val)
                elif typ == "fqdn" and val:
                    p["local_id"] = Ident("fqdn", val)
                else:
                    p["local_id"] = Ident("other", " ".join(w[2:]))
            elif k == "authentication" and len(w) >= 3 and w[1] in ("local", "remote"):
                p["auth_" + w[1]].append(w[2])
                if w[2] == "pre-share" and len(w) >= 5 and w[3] == "key":
                    typ, raw_key = (w[4], w[5]) if len(w) == 6 and w[4] in ("0", "6") else ("0", w[4])
                    p["inline_key"] = (self.key_value(n, typ, raw_key), typ, n, w[1])
            elif k == "keyring" and len(w) >= 2:
                if w[1] == "local" and len(w) == 3:
                    p["keyring"] = (w[2], n)
                elif len(w) == 2:
                    p["keyring"] = (w[1], n)
                else:
                    self.note("UNSUPPORTED", f"{where}: keyring {w[1]} (AAA) not read", n, "warning")
            elif k == "lifetime" and len(w) == 2 and (lt := small_int(w[1])) is not None:
                p["lifetime"] = lt
            elif k == "dpd":
                p["dpd"] = self.dpd_args(n, w[1:], s)
            elif k == "description":
                continue
            else:
                self.ignored(n, s, where)
        self._c_prof2[name] = p
        return p

    def ike2_keyring(self, name: str) -> list[dict[str, Any]] | None:
        if name in self._c_kr2:
            return self._c_kr2[name]
        ent = self.ike2_keyrings.get(name)
        if ent is None:
            return None
        peers: list[dict[str, Any]] = []
        cur: dict[str, Any] | None = None
        where = f"crypto ikev2 keyring {name}"
        for n, raw in ent[1]:
            s = raw.strip()
            if not s or s[0] == "!":
                continue
            w = s.split()
            if w[0] == "peer" and len(w) == 2:
                cur = {"name": w[1], "line": n, "addr": None, "identity": None, "keys": {}}
                peers.append(cur)
                continue
            if cur is None:
                self.ignored(n, s, where)
                continue
            if w[0] == "address" and len(w) >= 2:
                a = _ip_int(w[1].split("/")[0])
                if a is None:
                    self.ignored(n, s, where)
                    continue
                m = _ip_int(w[2]) if len(w) > 2 else 0xFFFFFFFF
                if "/" in w[1] and w[1].split("/")[1].isdigit():
                    pl = int(w[1].split("/")[1])
                    m = (0xFFFFFFFF << (32 - pl)) & 0xFFFFFFFF if pl else 0
                plen = _mask_len(m) if m is not None else None
                if m is None or plen is None:
                    self.syntax(n, f"{where}: peer address mask is not a netmask")
                    continue
                cur["addr"] = (a & m, m, plen)
            elif w[0] == "identity" and len(w) >= 3:
                cur["identity"] = (w[1], w[2])
            elif w[0] == "pre-shared-key" and len(w) >= 2:
                side = "both"
                rest = w[1:]
                if rest[0] in ("local", "remote"):
                    side, rest = rest[0], rest[1:]
                if len(rest) == 2 and rest[0] in ("0", "6"):
                    typ, raw_key = rest
                elif len(rest) == 1:
                    typ, raw_key = "0", rest[0]
                else:
                    self.syntax(n, f"{where}: pre-shared-key: cannot tell the key from its type")
                    continue
                cur["keys"][side] = (self.key_value(n, typ, raw_key), typ, n)
            elif w[0] in ("description", "hostname"):
                if w[0] == "hostname" and len(w) > 1:
                    cur["hostname"] = w[1]
            else:
                self.ignored(n, s if w[0] != "pre-shared-key" else "pre-shared-key ...", where)
        self._c_kr2[name] = peers
        return peers

    def ike2_policies_list(self) -> list[tuple[str, list[str], list[int]]]:
        if self._c_pol2 is None:
            out = []
            for name, (_, kids) in self.ike2_policies.items():
                props: list[str] = []
                locs: list[int] = []
                for ln, raw in kids:
                    s = raw.strip()
                    if not s or s[0] == "!":
                        continue
                    w = s.split()
                    if w[0] == "proposal" and len(w) == 2:
                        props.append(w[1])
                    elif w[:3] == ["match", "address", "local"] and len(w) == 4 and _isip(w[3]):
                        locs.append(_ip_int(w[3]) or 0)
                    elif w[0] in ("description", "match"):
                        if w[0] == "match":
                            self.ignored(ln, s, f"crypto ikev2 policy {name}")
                    else:
                        self.ignored(ln, s, f"crypto ikev2 policy {name}")
                out.append((name, props, locs))
            self._c_pol2 = out
        return self._c_pol2

    def ike2_proposal(self, name: str, ref: int) -> list[Proposal]:
        if name in self._c_prop2:
            return self._c_prop2[name]
        ent = self.ike2_proposals.get(name)
        if ent is None:
            self.note(
                "UNRESOLVED",
                f"ikev2 proposal {name} is not defined"
                + (" (the smart default proposal: not listed)" if name == "default" else ""),
                ref,
                "warning",
            )
            self._c_prop2[name] = []
            return []
        n, kids = ent
        vals: dict[str, list[str]] = {"encryption": [], "integrity": [], "prf": [], "group": []}
        for ln, raw in kids:
            s = raw.strip()
            if not s or s[0] == "!":
                continue
            w = s.split()
            if w[0] in vals and len(w) >= 2:
                vals[w[0]].extend(x.lower() for x in w[1:])
            else:
                self.ignored(ln, s, f"crypto ikev2 proposal {name}")
        encs = [(e, lookup(VENDOR, "ike_encryption", e, 2)) for e in vals["encryption"]]
        aead = bool(encs) and all(c is not None and str(c).endswith("gcm") for _, c in encs)
        integ_kw = vals["prf"] if aead and vals["prf"] else vals["integrity"] or vals["prf"]
        integs = [(i, lookup(VENDOR, "ike_integrity", i, 2)) for i in integ_kw]
        groups = [(g, lookup(VENDOR, "dh_group", g, 2)) for g in vals["group"]]
        for what, lst in (("encryption", encs), ("integrity", integs), ("group", groups)):
            for kw, c in lst:
                if c is None:
                    self.note(
                        "UNSUPPORTED",
                        f"ikev2 proposal {name}: {what} {kw} has no canonical value: the proposal's field stays unknown",
                        n,
                        "error",
                    )
            if not lst:
                self.note("MISSING", f"ikev2 proposal {name}: no {what}", n, "warning")
        out = [
            Proposal(ce, ci, cg, f"ikev2 proposal {name}: {e}/{i}/{g}")
            for (e, ce), (i, ci), (g, cg) in product(encs, integs, groups)
        ]
        self._c_prop2[name] = out
        return out

    def ike2(self, t: ParsedTunnel, prof_name: str, ref: int) -> None:
        t.ike_version = 2
        t.extra["ikev2_profile"] = prof_name
        prof = self.ike2_profile(prof_name)
        if prof is None:
            self.note("UNRESOLVED", f"ikev2 profile {prof_name} is not defined", ref, "warning")
            t.auth = "unknown"
            return
        peer = _ip_int(t.peer_address) if t.peer_address else None
        # local address
        if t.local_address is None:
            cands = list(
                dict.fromkeys(prof["local"] or [_int_ip(a) for _, _, locs in self.ike2_policies_list() for a in locs])
            )
            if len(cands) == 1:
                t.local_address = cands[0]
                t.extra["local_address_from"] = "ikev2 match address local"
        # identities
        if prof["local_id"] is not None:
            t.local_id = Ident(prof["local_id"].type, prof["local_id"].value)
        elif t.local_address:
            t.local_id = Ident("address", t.local_address)
        for typ, a, m in prof["remote"][:1]:
            if typ == "address" and m == "255.255.255.255":
                t.peer_id = Ident("address", a)
            elif typ == "fqdn":
                t.peer_id = Ident("fqdn", a)
            elif typ == "other":
                t.peer_id = Ident("other", a)
        if len(prof["remote"]) > 1:
            t.extra["peer_ids"] = [f"{x[0]} {x[1]}" for x in prof["remote"]]
        # authentication and key
        methods = set(prof["auth_local"]) | set(prof["auth_remote"])
        if methods and methods <= {"pre-share"}:
            t.auth = "psk"
        elif methods & {"rsa-sig", "ecdsa-sig"}:
            t.auth = "certificate"
            if "pre-share" in methods:
                self.note(
                    "UNSUPPORTED",
                    f"tunnel {t.name}: mixed authentication ({', '.join(sorted(methods))})",
                    prof["line"],
                    "warning",
                )
        else:
            t.auth = "unknown"
            self.note("MISSING", f"ikev2 profile {prof_name}: no authentication method", prof["line"], "warning")
        found = None
        if prof["inline_key"] is not None:
            found = prof["inline_key"][:3]
        elif prof["keyring"] is not None:
            kr_name, kr_line = prof["keyring"]
            peers = self.ike2_keyring(kr_name)
            if peers is None:
                self.note("UNRESOLVED", f"ikev2 keyring {kr_name} is not defined", kr_line, "warning")
            else:
                t.extra["keyring"] = kr_name
                best, best_len = None, -1
                for p in peers:
                    if (
                        p["addr"]
                        and peer is not None
                        and (peer & p["addr"][1]) == p["addr"][0]
                        and p["addr"][2] > best_len
                    ):
                        best, best_len = p, p["addr"][2]
                if best is None and t.peer_id is not None:
                    for p in peers:
                        if p["identity"] and p["identity"][1] == t.peer_id.value:
                            best = p
                            break
                if best is not None and best["keys"]:
                    keys = best["keys"]
                    local = keys.get("local") or keys.get("both")
                    remote = keys.get("remote") or keys.get("both")
                    found = local or remote
                    if local and remote and local[0] != remote[0]:
                        self.note(
                            "KEY",
                            f"tunnel {t.name}: different local and remote keys; the local key is carried",
                            best["line"],
                            "warning",
                        )
        if found is None and t.auth == "certificate":
            t.psk_state = "certificate"
        elif found is None and t.auth == "psk":
            self.note(
                "MISSING",
                f"tunnel {t.name}: no pre-shared key for peer {t.peer_address or '(none)'} in ikev2 profile {prof_name}",
                ref,
                "warning",
            )
        if found is not None:
            (psk, state), typ, line = found
            t.psk, t.psk_state = psk, state
            t.extra["psk_type"] = int(typ)
            t.extra["psk_line"] = line
        if prof["lifetime"] is None:
            dd = _data()
            t.ike_lifetime = dd.ike2_lifetime
            t.defaulted["ike_lifetime"] = (
                f"crypto ikev2 profile {prof_name}: lifetime {dd.ike2_lifetime}: {dd.ike2_src}"
            )
        else:
            t.ike_lifetime = prof["lifetime"]
        dpd = prof["dpd"] or self.ike2_dpd
        if dpd:
            self.set_dpd(t, dpd)
        # proposals
        pols = self.ike2_policies_list()
        if not pols:
            self.note(
                "MISSING",
                f"tunnel {t.name}: no crypto ikev2 policy: the device's smart defaults apply "
                f"({', '.join(_data().smart[:2])}), whose contents are not in the sources: no IKE proposal",
                ref,
                "warning",
            )
            return
        loc = _ip_int(t.local_address) if t.local_address else None
        chosen = [p for p in pols if loc is not None and loc in p[2]] or [p for p in pols if not p[2]]
        if not chosen:
            chosen = pols if loc is None else []
        if not chosen:
            self.note(
                "MISSING",
                f"tunnel {t.name}: no crypto ikev2 policy matches local address {t.local_address}",
                ref,
                "warning",
            )
        seen: set[str] = set()
        props: list[Proposal] = []
        for pol_name, names, _ in chosen:
            for pn in names:
                if pn in seen:
                    continue
                seen.add(pn)
                props.extend(
                    Proposal(p.encryption, p.integrity, p.dh_group, p.raw)
                    for p in self.ike2_proposal(pn, self.ike2_policies[pol_name][0])
                )
        t.ike_proposals = props
        t.extra["ikev2_policies"] = [p[0] for p in chosen]

    # ------------------------------------------------------------ phase 2
    def read_sets(self, kids: Iterable[tuple[int, str]], where: str) -> Sets:
        """The ``set``/``match`` lines of a crypto-map entry or ipsec profile, as
        the tuple ``Sets`` (a tuple, not a dict: one is made per tunnel)."""
        peers: list[tuple[str, int]] = []
        ts: list[str] = []
        ts_line = pfs = sec = kb = isakmp = ikev2 = acl = None
        kb_disabled = False
        for n, raw in kids:
            w = raw.split()
            if not w:
                continue
            k = w[0]
            if k == "set":
                nw = len(w)
                a = w[1] if nw > 1 else ""
                if a == "peer" and nw >= 3:
                    peers.append((w[2], n))
                elif a == "transform-set" and nw >= 3:
                    ts, ts_line = w[2:], n
                elif a == "pfs":
                    kw = w[2] if nw > 2 else ""
                    g = self._c_pfs.get(kw, _MISS)
                    if g is _MISS:
                        g = self._c_pfs[kw] = lookup(VENDOR, "pfs_group", kw or _data().pfs_kw)
                    if g is None:
                        self.note(
                            "UNSUPPORTED", f"{where}: PFS {kw} has no canonical value: PFS group unknown", n, "error"
                        )
                    pfs = (g, kw, n)
                elif a == "security-association" and nw >= 5 and w[2] == "lifetime":
                    unit, val = w[3], w[4]
                    v = small_int(val)
                    if unit == "seconds" and v is not None:
                        sec = v
                    elif unit == "days" and v is not None:
                        sec = v * 86400
                    elif unit == "kilobytes" and v is not None:
                        kb = v
                    elif unit == "kilobytes" and val == "disable":
                        kb_disabled = True
                    else:
                        self.syntax(n, f"{where}: cannot read {raw.strip()[:60]}")
                elif a == "isakmp-profile" and nw == 3:
                    isakmp = (w[2], n)
                elif a == "ikev2-profile" and nw == 3:
                    ikev2 = (w[2], n)
                else:
                    self.ignored(n, raw.strip(), where)
            elif k == "match" and len(w) == 3 and w[1] == "address":
                acl = (w[2], n)
            elif k[0] != "!" and k != "description":
                self.ignored(n, raw.strip(), where)
        return peers, ts, ts_line, pfs, sec, kb, kb_disabled, isakmp, ikev2, acl

    def phase2(self, t: ParsedTunnel, r: Sets, where: str, ref: int) -> str | None:
        """Fill ESP proposals, PFS and lifetimes; returns the first transform set name."""
        _, ts, ts_line, pfs, sec, kb, kb_disabled, _, _, _ = r
        ex = t.extra
        dd = _data()
        if not ts:
            self.note(
                "MISSING",
                f"{where}: no transform-set (the device's default transform set is not in the sources: no ESP proposal)",
                ref,
                "warning",
            )
        c_ts = self._c_ts
        for name in ts:
            self._used_ts.add(name)
            prop, mode = c_ts.get(name) or self.transform_set(name, ts_line or ref)
            if prop is not None:
                t.esp_proposals.append(Proposal(prop.encryption, prop.integrity, None, prop.raw))
                if mode != "tunnel":
                    ex["esp_mode"] = mode
        ex["transform_sets"] = ts  # (read_sets made this list for this tunnel alone)
        if pfs is not None:
            t.pfs = pfs[0]
            if pfs[1]:
                ex["pfs_keyword"] = pfs[1]
            else:  # `set pfs` alone
                ex["pfs_keyword"] = dd.pfs_kw
                t.defaulted["pfs"] = f"set pfs without a group (line {pfs[2]}): {dd.pfs_kw}: {dd.pfs_src}"
        gsa = self.global_sa
        if sec is not None:
            t.ipsec_lifetime_seconds = sec
        elif "seconds" in gsa:
            t.ipsec_lifetime_seconds = gsa["seconds"]
        else:
            t.ipsec_lifetime_seconds = dd.sa_seconds
            t.defaulted["ipsec_lifetime_seconds"] = f"{dd.sa_seconds} s: {dd.sa_src}"
        if kb is not None:
            t.ipsec_lifetime_kb = kb
        elif kb_disabled:
            t.ipsec_lifetime_kb = None
            ex["ipsec_lifetime_kb"] = "disable"
        elif "kb" in gsa:
            t.ipsec_lifetime_kb = gsa["kb"]
        else:
            t.ipsec_lifetime_kb = dd.sa_kb
            t.defaulted["ipsec_lifetime_kb"] = f"{dd.sa_kb} KB: {dd.sa_src}"
        return ts[0] if ts else None

    def unique(self, name: str, fallback: str) -> str:
        if name in self._names:
            name = fallback
        base, i = name, 2
        while name in self._names:
            name = f"{base}-{i}"
            i += 1
        self._names.add(name)
        return name

    # ------------------------------------------------------------ tunnels
    def build(self) -> None:
        # interfaces: crypto map bindings and tunnel interfaces
        bound: dict[str, list[str]] = {}
        vtis: list[tuple[str, int, Kids]] = []
        for ifname, blks in self.interfaces.items():
            if not any("crypto map" in b[1] or "tunnel protection" in b[1] or b[2] for b in blks):
                continue
            kids = self.iface_kids(ifname)
            tun = False
            for _, raw in kids:
                s = raw.strip()
                if s.startswith("crypto map "):
                    w = s.split()
                    if len(w) >= 3:
                        on = bound.setdefault(w[2], [])
                        if ifname not in on:  # (an interface's blocks repeated: once)
                            on.append(ifname)
                elif s.startswith("tunnel protection ipsec profile"):
                    tun = True
            if tun:
                vtis.append((ifname, blks[0][0], kids))
        routes = self.vti_routes() if vtis else {}
        unbound: list[str] = []  # (read only)
        for (mname, seq), (n, kind, dyn, blks) in self.cmap_entries.items():
            if kind == "ipsec-isakmp" and dyn is None:
                where = f"crypto map {mname} {seq}"
                if len(blks) == 1 and blks[0][2] is None:  # one block, no comment in it: its lines as they come
                    r = self.read_sets(enumerate(blks[0][1].split("\n")[1:], n + 1), where)
                else:
                    r = self.read_sets(_blocks_kids(blks), where)
                self.cmap_tunnel(mname, seq, n, r, bound.get(mname, unbound), None, where)
            elif kind == "ipsec-isakmp":
                self._used_dyn.add(dyn)
                kids = _blocks_kids(blks)
                if kids:
                    for ln, raw in kids:
                        if raw.strip() and not raw.strip().startswith("!"):
                            self.ignored(ln, raw.strip(), f"crypto map {mname} {seq} (dynamic)")
                entries = self.dynmaps.get(dyn)
                if not entries:
                    self.note("UNRESOLVED", f"crypto map {mname} {seq}: dynamic-map {dyn} is not defined", n, "warning")
                    continue
                for dseq, (dn, dkids) in sorted(entries.items()):
                    where = f"crypto dynamic-map {dyn} {dseq}"
                    r = self.read_sets(dkids, where)
                    self.cmap_tunnel(mname, seq, dn, r, bound.get(mname, unbound), (dyn, dseq, n), where)
            else:
                self.note(
                    "UNSUPPORTED", f"crypto map {mname} {seq} is {kind}: not an IKE site-to-site entry", n, "warning"
                )
        for mname in {m for m, _ in self.cmap_entries} - set(bound):
            first = min(v[0] for (m, _), v in self.cmap_entries.items() if m == mname)
            self.note("INACTIVE", f"crypto map {mname} is not applied to any interface", first)
        for ifname, n, kids in vtis:
            self.vti_tunnel(ifname, n, kids, routes.get(ifname, []))
        self.defaults_findings()
        for dname, entries in self.dynmaps.items():
            if dname not in self._used_dyn:
                self.note(
                    "UNUSED",
                    f"crypto dynamic-map {dname} is not used by a crypto map",
                    min(e[0] for e in entries.values()),
                )
        for pname, (n, _) in self.ipsec_profiles.items():
            if pname not in self._used_ipsec:
                self.note("UNUSED", f"crypto ipsec profile {pname} is not used by a tunnel interface", n)
        for tsname, (n, _, _) in self.transform_sets.items():
            if tsname not in self._used_ts:
                self.note("UNUSED", f"transform-set {tsname} is not used", n)
                self.transform_set(tsname, n, used=False)  # report what it holds all the same

    def cmap_tunnel(
        self,
        mname: str,
        seq: int,
        n: int,
        r: Sets,
        ifaces: list[str],
        dyn: tuple[str, int, int] | None,
        where: str,
    ) -> None:
        """One tunnel of a crypto-map entry; ``where`` names the entry that holds
        the ``set`` lines (the dynamic-map entry for a dynamic one)."""
        fallback = f"{mname}-{seq}" if dyn is None else f"{mname}-{seq}-{dyn[0]}-{dyn[1]}"
        peers, ts, _, _, _, _, _, isakmp, ikev2, acl_ref = r
        acl, acl_line = acl_ref if acl_ref else (None, n)
        ours = None
        if acl and len(acl) > 4 and acl.startswith("ACL-"):
            ours = acl[4:]
        elif not acl and ts and len(ts[0]) > 3 and ts[0].startswith("TS-"):
            # (our output names the ACL: with an ACL of another name, a TS-... set is an engineer's)
            ours = ts[0][3:]
        elif ikev2 and ikev2[0].startswith("IKEV2-PROF-"):
            ours = ikev2[0][11:]
        name = ours or fallback
        if name in self._names:
            name = self.unique(name, fallback)
        else:
            self._names.add(name)
        t = ParsedTunnel(name=name, line=n, variant="crypto-map")
        ex = t.extra
        ex["crypto_map"] = mname
        ex["seq"] = seq
        if dyn is not None:
            ex["dynamic_map"] = dyn[0]
            ex["dynamic_seq"] = dyn[1]
            ex["crypto_map_line"] = dyn[2]
        # peer
        peer = None
        if peers:
            first, pline = peers[0]
            peer = self._ip_known.get(first)  # (the usual peer has a crypto isakmp key line)
            if peer is not None:
                t.peer_address = first
            elif _IPV4(first) is not None:
                t.peer_address = first
                if first.isascii():  # (_IPV4 takes any Unicode digit, inet_aton does not: ike1 finds out)
                    peer = _U32(_aton(first))[0]
            else:
                self.note(
                    "UNSUPPORTED", f"{where}: peer {first} is a host name, not an address: peer unknown", pline, "error"
                )
                ex["peer_hostname"] = first
            if len(peers) > 1:
                t.backup_peers = [p for p, _ in peers[1:]]
                for p, pl in peers[1:]:
                    self.note(
                        "BACKUP-PEER",
                        f"{where}: set peer {p} is a backup peer of tunnel {name} (tried when {first} "
                        "does not answer; the model holds one peer)",
                        pl,
                    )
        elif dyn is not None:
            self.note(
                "MISSING",
                f"{where} (used by crypto map {mname} {seq}): no fixed peer, answers any peer",
                n,
                "warning",
            )
        else:
            self.note("MISSING", f"{where}: no set peer", n, "warning")
        # selectors
        if acl:
            ex["acl"] = acl
            sels = self.acl(acl, acl_line)
            if sels:
                t.selectors = list(sels)
        else:
            self.note("MISSING", f"{where}: no match address (crypto ACL)", n, "warning")
        # local address
        if ifaces:
            ex["interfaces"] = ifaces
        local = self._c_map.get(mname) or self.map_local(mname, ifaces)
        if local[0] is not None:
            t.local_address, ex["local_address_from"] = local
        self.phase2(t, r, where, n)
        # IKE
        if ikev2:
            self.ike2(t, ikev2[0], ikev2[1])
        elif isakmp:
            self.ike1(t, isakmp[0], isakmp[1], peer)
        else:
            self.ike1(t, self.cmap_profile.get(mname), n, peer)
        if t.local_address is None:
            self.note(
                "MISSING",
                f"tunnel {t.name}: local address not in the config (the interface holding "
                "the crypto map has no address here)",
                n,
            )
        self.defaults_note(t)
        self.dev.tunnels.append(t)

    def defaults_note(self, t: ParsedTunnel) -> None:
        """Collect the tunnel's defaulted fields; ``defaults_findings`` reports
        them once per (field, default), not once per tunnel: a config of
        thousands of tunnels that all leave the same setting out is one finding."""
        for field, where in t.defaulted.items():
            hit = self._defaulted.get((field, where))
            if hit is None:
                self._defaulted[(field, where)] = [(t.name, t.line)]
            else:
                hit.append((t.name, t.line))

    def defaults_findings(self) -> None:
        for (field, where), tunnels in self._defaulted.items():
            names = ", ".join(name for name, _ in tunnels[:5]) + (", ..." if len(tunnels) > 5 else "")
            self.note(
                "DEFAULT",
                f"{field} not in the text for {len(tunnels)} tunnel(s) ({names}): {where}",
                tunnels[0][1],
            )

    def map_local(self, mname: str, ifaces: list[str]) -> tuple[str | None, str | None]:
        """(local address, where it comes from) of a crypto map, cached."""
        hit = self._c_map.get(mname)
        if hit is not None:
            return hit
        out: tuple[str | None, str | None] = (None, None)
        if mname in self.cmap_local:
            out = (self.addr_or_iface(self.cmap_local[mname][0]), f"crypto map {mname} local-address")
        if out[0] is None:
            for i in ifaces:
                a = self.iface_addr(i)
                if a:
                    out = (a, f"interface {i}")
                    break
        self._c_map[mname] = out
        return out

    def vti_routes(self) -> dict[str, list[tuple[str, int | None, int]]]:
        """Interface -> the static routes through it: (network, administrative
        distance when written, line). ``ip route [vrf V] NET MASK IF [NEXTHOP]
        [DISTANCE] ...``."""
        out: dict[str, list[tuple[str, int | None, int]]] = {}
        for n, words in self.routes:
            w = words[2:]
            if w and w[0] == "vrf" and len(w) > 1:
                w = w[2:]
            if len(w) < 3:
                continue
            a, m = _ip_int(w[0]), _ip_int(w[1])
            if a is None or m is None or _mask_len(m) is None or _isip(w[2]):
                continue
            ifn = self.iface(w[2]) or w[2]
            rest = w[4:] if len(w) > 3 and _isip(w[3]) else w[3:]
            dist = small_int(rest[0]) if rest else None
            out.setdefault(ifn, []).append((f"{_int_ip(a & m)}/{_mask_len(m)}", dist, n))
        return out

    def bgp(self) -> _Bgp:
        """The ``router bgp`` blocks and route maps, read once."""
        if self._c_bgp is None:
            self._c_bgp = _Bgp(self)
        return self._c_bgp

    def vti_bgp(self, t: ParsedTunnel, ifname: str, inside: tuple[int, int, int] | None, n: int) -> None:
        """The BGP session over a tunnel interface: the neighbor whose address is
        in the interface's inside network (``ip address A M``)."""
        if inside is None or not self.bgp_blocks:
            return
        addr, mask, plen = inside
        b = self.bgp()
        hits = [nb for ip, nb in b.neighbors.items() if ip != addr and (ip & mask) == (addr & mask)]
        if not hits:
            return
        if len(hits) > 1:
            self.note(
                "AMBIGUOUS",
                f"tunnel {t.name}: BGP neighbors {', '.join(_int_ip(h.ip) for h in hits)} are all in "
                f"{ifname}'s network: no BGP session carried",
                n,
                "warning",
            )
            return
        nb = hits[0]
        t.bgp = pb = ParsedBgp(
            local_asn=nb.asn,
            peer_asn=nb.remote_as,
            local_ip=_int_ip(addr),
            peer_ip=_int_ip(nb.ip),
            prefixlen=plen,
            keepalive=nb.timers[0] if nb.timers else None,
            hold_time=nb.timers[1] if nb.timers else None,
            advertise=list(b.networks),
            line=nb.line,
        )
        b.used.add(nb.ip)
        for ln, rule, sev, msg in nb.problems:
            self.note(rule, f"BGP neighbor {pb.peer_ip}: {msg}", ln, sev)
        if nb.remote_as is None:
            self.note("MISSING", f"tunnel {t.name}: BGP neighbor {pb.peer_ip} has no remote-as", nb.line, "warning")
        if not nb.timers:
            self.note(
                "MISSING",
                f"tunnel {t.name}: BGP neighbor {pb.peer_ip} has no timers (neither `neighbor ... timers` nor "
                "`timers bgp`): the device's defaults apply, which are not in the sources: timers not read",
                nb.line,
            )
        if not nb.activated:
            self.note(
                "INACTIVE",
                f"tunnel {t.name}: BGP neighbor {pb.peer_ip} is not activated for IPv4 "
                "(`no bgp default ipv4-unicast` and no `neighbor ... activate`)",
                nb.line,
                "warning",
            )
        if b.unmasked:
            t.extra["bgp_networks_classful"] = list(b.unmasked)
        ex = t.extra
        if nb.route_maps:
            ex["bgp_route_maps"] = dict(nb.route_maps)
            rm_in = nb.route_maps.get("in")
            if rm_in is not None:
                pb.local_preference = b.local_preference(rm_in, nb.line)
        if nb.default_originate:
            ex["bgp_default_originate"] = True
        if nb.outbound:
            ex["bgp_outbound"] = list(nb.outbound)
            self.note(
                "NOT-CARRIED",
                f"tunnel {t.name}: BGP neighbor {pb.peer_ip}: outbound {', '.join(nb.outbound)} may hold back "
                "some of the networks announced; bgp.advertise lists every network statement",
                nb.line,
            )

    def route_preference(self, t: ParsedTunnel, ifname: str, routes: list[tuple[str, int | None, int]]) -> None:
        """``route_preference``: the administrative distance of the static routes
        into the tunnel (a route without one: the IOS default, vendor.yaml
        ``defaults: static_route_distance``); several: the lowest, AMBIGUOUS."""
        dd = _data()
        lowest_route_preference(
            self.dev,
            t,
            ((d, line, f"ip route {net} {ifname}") for net, d, line in routes),
            (dd.route_distance, dd.route_distance_src),
            "administrative distances",
            ifname,
            report_default=False,
        )

    def vti_tunnel(self, ifname: str, n: int, kids: Kids, routes: list[tuple[str, int | None, int]]) -> None:
        vals: dict[str, Any] = {"mode": None, "src": None, "dst": None, "prof": None, "shutdown": False}
        inside: tuple[int, int, int] | None = None
        secondary: list[tuple[int, int, int]] = []
        for ln, raw in kids:
            s = raw.strip()
            w = s.split()
            if s.startswith("ip ") and len(w) >= 3:
                if w[1] == "address" and ((len(w) == 4 and inside is None) or (len(w) == 5 and w[4] == "secondary")):
                    a, m = _ip_int(w[2]), _ip_int(w[3])
                    plen = _mask_len(m) if m is not None else None
                    if a is None or m is None or plen is None:
                        self.syntax(ln, f"interface {ifname}: cannot read {s[:60]}")
                    elif len(w) == 5:
                        secondary.append((a, m, plen))
                    else:
                        inside = (a, m, plen)
                elif w[1] == "mtu" and (v := small_int(w[2])) is not None:
                    vals["mtu"] = v
                elif w[:3] == ["ip", "tcp", "adjust-mss"] and len(w) == 4 and (v := small_int(w[3])) is not None:
                    vals["mss"] = v
                elif w[1] == "unnumbered":
                    vals["unnumbered"] = w[2]
            elif s.startswith("tunnel protection ipsec profile ") and len(w) >= 5:
                vals["prof"] = (w[4], ln)
            elif s.startswith("tunnel destination ") and len(w) >= 3:
                vals["dst"] = (w[2], ln)
            elif s.startswith("tunnel source ") and len(w) >= 3:
                vals["src"] = w[2]
            elif s.startswith("tunnel mode ") and len(w) >= 3:
                vals["mode"] = " ".join(w[2:])
            elif s == "shutdown":
                vals["shutdown"] = True
        if vals["prof"] is None:
            self.syntax(n, f"interface {ifname}: tunnel protection without an ipsec profile name")
            return
        pname, pline = vals["prof"]
        ent = self.ipsec_profiles.get(pname)
        # our own output names the ipsec profile IPSEC-PROF-<tunnel>; any other name (a transform
        # set TS-... an engineer shares between profiles included) leaves the interface's name
        ours = pname[11:] if pname.startswith("IPSEC-PROF-") and len(pname) > 11 else None
        r = self.read_sets(ent[1], f"crypto ipsec profile {pname}") if ent else None
        name = self.unique(ours or ifname.replace(" ", ""), ifname.replace(" ", ""))
        t = ParsedTunnel(name=name, line=n, variant="vti")
        t.extra["tunnel_interface"] = ifname
        t.extra["ipsec_profile"] = pname
        t.extra["tunnel_mode"] = vals["mode"] or "gre ip"
        if vals["mode"] is None or not vals["mode"].startswith("ipsec"):
            self.note(
                "UNSUPPORTED",
                f"interface {ifname}: tunnel mode {vals['mode'] or 'gre ip (default)'} with "
                "tunnel protection: GRE inside IPsec",
                n,
            )
        if vals["shutdown"]:
            t.extra["shutdown"] = True
            self.note("INACTIVE", f"interface {ifname} is shut down", n)
        if vals["dst"]:
            d, dl = vals["dst"]
            if _isip(d):
                t.peer_address = d
            else:
                self.note(
                    "UNSUPPORTED",
                    f"interface {ifname}: tunnel destination {d} is not an address: peer unknown",
                    dl,
                    "error",
                )
                t.extra["peer_hostname"] = d
        else:
            self.note("MISSING", f"interface {ifname}: no tunnel destination", n, "warning")
        if vals["src"]:
            t.local_address = self.addr_or_iface(vals["src"])
            t.extra["tunnel_source"] = vals["src"]
        t.route_based = True
        self.vti_bgp(t, ifname, inside, n)
        # the cloud's health check: an address of the interface, a host route into it to the probing end
        addrs = [f"{_int_ip(a)}/{plen}" for a, _, plen in (x for x in (inside, *secondary) if x is not None)]
        t.point_to_point, used = health_check_pairs(addrs, [r for r, _, _ in routes], t.bgp.peer_ip if t.bgp else None)
        routes = [r for r in routes if r[0] not in used]
        t.routes = [r for r, _, _ in routes]
        self.route_preference(t, ifname, routes)
        ex = t.extra
        if inside is not None:
            ex["inside_address"] = f"{_int_ip(inside[0])}/{inside[2]}"
        for k in ("mtu", "mss", "unnumbered"):
            if k in vals:
                ex[k] = vals[k]
        self.note(
            "SELECTORS",
            f"tunnel {name}: a static VTI negotiates 0.0.0.0/0 <-> 0.0.0.0/0 and cannot narrow its selectors "
            f"(to an SPD); {len(routes)} network(s) routed into {ifname}"
            + (f", BGP with neighbor {t.bgp.peer_ip}" if t.bgp else ""),
            n,
        )
        if ent is None:
            self.note(
                "UNRESOLVED",
                f"interface {ifname}: crypto ipsec profile {pname} is not defined"
                + (
                    f" (the smart default {_data().smart[2]}: its contents are not in the sources)"
                    if pname == "default"
                    else ""
                ),
                pline,
                "warning",
            )
            t.auth = "unknown"
            self.dev.tunnels.append(t)
            return
        self._used_ipsec.add(pname)
        assert r is not None
        peers, _, _, _, _, _, _, isakmp, ikev2, _ = r
        if peers:
            self.ignored(
                peers[0][1],
                "set peer (a tunnel interface takes tunnel destination)",
                f"crypto ipsec profile {pname}",
            )
        self.phase2(t, r, f"crypto ipsec profile {pname}", ent[0])
        if ikev2:
            self.ike2(t, ikev2[0], ikev2[1])
        else:
            self.ike1(t, isakmp[0] if isakmp else None, isakmp[1] if isakmp else ent[0], None)
        if t.local_address is None:
            self.note("MISSING", f"tunnel {name}: local address not in the config", n)
        self.defaults_note(t)
        self.dev.tunnels.append(t)
