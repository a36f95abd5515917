"""Huawei VRP (AR routers) configuration parser: ``display current-configuration``
output or vpnconf's own ``huawei_vrp`` output (both variants: IPsec policy and
IPsec profile on a tunnel interface, with static routes or BGP).

How it reads
------------
The shared ``vpnconf.parsing.indented.normalize`` first writes out abbreviated
commands (``int Tun0/0/1`` -> ``interface Tunnel0/0/1``) and re-indents a
config pasted flush left (vendor.yaml ``grammar:``), keeping line N at line N
(ABBREVIATED / REINDENTED findings). ``tree`` then builds the block tree with
``#`` lines (VRP's separators) as comments; ``return`` and prompt lines
(``<HUAWEI>``, ``[~HUAWEI]``) are top-level lines no VPN block starts with, so
they are passed by. One pass over the top-level blocks keeps the objects; a
second builds the tunnels. Nothing is quadratic: every lookup is a dict.

Decisions
---------
* Tunnels: one per ``ipsec policy NAME SEQ isakmp`` entry (variant
  ipsec-policy, named ``NAME-SEQ``, or the entry's ike-peer name when its
  first IPsec proposal carries the same name, as vpnconf writes it); one per
  interface with ``ipsec profile P`` (variant tunnel, named by the interface,
  or P when the profile's ike-peer carries P's name).
* ``ipsec policy ... isakmp template T`` (responder for dynamic peers) and
  ``manual`` entries are not read (UNSUPPORTED).
* IKE version: ``undo version 2`` -> 1, ``undo version 1`` -> 2, the older
  ``ike peer NAME v1|v2`` likewise; neither -> both (None, vendor.yaml
  defaults.ike_versions).
* IKE proposals: the peer's ``ike-proposal N`` lines in order; a peer naming
  none offers every ``ike proposal`` of the device in number order (DEFAULT
  info). Integrity is ``authentication-algorithm`` (IKEv1) or
  ``integrity-algorithm`` (IKEv2). Settings a proposal leaves out take the
  created-proposal defaults both cited sources agree on (vendor.yaml
  ``defaults.ike_proposal``: aes256, sha256, 86400 s; DEFAULT finding); the DH
  group, on which they differ, stays unknown (MISSING).
* Keys: ``pre-shared-key [cipher|simple] K``; a K framed as VRP ciphertext
  (``%^%#...%^%#``, ``%$%$...%$%$``) is ``encrypted`` (KEY finding), a
  placeholder (``<key>``, ``${KEY}``) is PLACEHOLDER and KEY, any other K is the
  key as typed (``cipher`` accepts plain text). Keys never reach a finding's text.
* Peer: ``remote-address A`` (route-based: the tunnel's ``destination`` first).
  A second ``remote-address`` is a backup peer (BACKUP-PEER), as in Huawei's AR
  example of one branch with two gateways.
* Local address: the ``ip address`` of the interface holding the policy
  group (route-based: the tunnel's ``source``, an address or an interface),
  else the peer's ``local-address``.
* Selectors: ``rule [N] permit ip [source A W|any] [destination A W|any]`` of
  the ACL named by ``security acl``; deny rules, other protocols, ports and
  non-contiguous wildcards are left out (UNSUPPORTED).
* DPD: `dpd type periodic|on-demand` in the peer sets dpd_enabled; every `dpd ...` line is
  kept in extra["dpd"] (the timers' meaning on AR is not in the sources: no timeout filled).
* Findings: UNRESOLVED (a named object not defined), UNUSED (ike peers,
  proposals and ACLs no tunnel uses), INACTIVE (policy group on no
  interface, interface shut down), MISSING, DEFAULT, UNSUPPORTED, KEY,
  PLACEHOLDER, BACKUP-PEER, AMBIGUOUS (several algorithms on one line, a tunnel
  destination that differs from the peer's remote-address, several BGP peers),
  SELECTORS, IGNORED (a VPN-block line not read), REINDENTED/ABBREVIATED.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

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

VENDOR = Path(__file__).resolve().parent.name  # the folder is the vendor id

_CIPHER = re.compile(r"^(?:%\^%#.*%\^%#|%\$%\$.*%\$%\$)$")
_PLACEHOLDER = re.compile(r"^(?:<[^<>]*>|\$\{[^{}]*\}|\{\{.*\}\})$")


@cache
def _spellings() -> dict[str, dict[str, str]]:
    from vpnconf.catalog import vendors

    return {t: {str(k).lower(): str(v) for k, v in m.items()} for t, m in vendors()[VENDOR].spellings.items()}


@cache
def _defaults() -> dict[str, Any]:
    from vpnconf.catalog import vendors

    return dict(vendors()[VENDOR].defaults)


def _kw(table: str, word: str, ike_version: int | None = None) -> Any:
    v = lookup(VENDOR, table, word, ike_version)
    if v is None:
        v = _spellings().get(table, {}).get(word.lower())
    return v


def _wild(ip: str, wc: str) -> str | None:
    """``A W`` (wildcard) as a CIDR; None when not contiguous or not addresses."""
    a, w = ipv4(ip), ipv4("0.0.0.0" if wc == "0" else wc)
    if a is None or w is None:
        return None
    inv = int(ipaddress.IPv4Address(w))
    host = (inv + 1) & inv
    if host:  # not of the form 0...01...1
        return None
    plen = 32 - inv.bit_length()
    return str(ipaddress.IPv4Network(f"{a}/{plen}", strict=False))


def _mask_net(ip: str, mask: str) -> str | None:
    a = ipv4(ip)
    if a is None:
        return None
    if mask.isdigit():
        n = small_int(mask)
        if n is None or n > 32:
            return None
        return str(ipaddress.IPv4Network(f"{a}/{n}", strict=False))
    m = ipv4(mask)
    if m is None:
        return None
    try:
        return str(ipaddress.IPv4Network(f"{a}/{m}", strict=False))
    except ValueError:
        return None


@dataclass
class _Obj:
    """A named block: its first line and its children (repeated blocks merged, as
    the device re-enters the same view)."""

    line: int
    head: list[str]
    kids: list[Node] = field(default_factory=list)
    used: bool = False


class _Parser:
    def __init__(self, dev: ParsedDevice) -> None:
        self.dev = dev
        self.acls: dict[str, _Obj] = {}
        self.ike_props: dict[int, _Obj] = {}
        self.peers: dict[str, _Obj] = {}
        self.ipsec_props: dict[str, _Obj] = {}
        self.profiles: dict[str, _Obj] = {}
        self.policies: list[tuple[str, int, _Obj]] = []
        self._policy_at: dict[tuple[str, int], _Obj] = {}  # (group, sequence) -> its entry in policies
        self.interfaces: dict[str, _Obj] = {}
        self.routes: list[tuple[str, str, int | None, int]] = []  # net, interface, preference, line
        self._routes_via: dict[str, list[tuple[str, str, int | None, int]]] | None = None
        self.bgp: _Obj | None = None
        self.route_policies: dict[str, _Obj] = {}
        # `ipsec authentication sha2 compatible enable` (AR) / `ipsec sha2 compatible enable` (USG)
        self.sha2_compatible = False
        self._shut_noted: set[str] = set()  # interfaces already reported shut down
        # per interface (by identity), read once: every tunnel of a policy group applied there asks
        self._addr_memo: dict[int, str | None] = {}
        self._shut_memo: dict[int, bool] = {}

    # ------------------------------------------------------------ read

    def routes_via(self) -> dict[str, list[tuple[str, str, int | None, int]]]:
        """The static routes by interface, in order, built once (read per tunnel)."""
        if self._routes_via is None:
            self._routes_via = {}
            for r in self.routes:
                self._routes_via.setdefault(r[1], []).append(r)
        return self._routes_via

    def _add(self, table: dict[Any, _Obj], key: Any, n: Node) -> None:
        o = table.get(key)
        if o is None:
            table[key] = _Obj(n.line, n.words, list(n.children))
        else:
            o.kids.extend(n.children)

    def read(self, roots: list[Node]) -> None:
        prev: Node | None = None
        for n in roots:
            w = n.words
            low = [x.lower() for x in w]
            if not low:
                continue
            head = low[0]
            if self._profile_of_tunnel(prev, n, low):
                prev.children.append(n)  # type: ignore[union-attr]
                iface = self.interfaces.get(prev.words[1])  # type: ignore[union-attr]
                if iface is not None:
                    iface.kids.append(n)
                continue
            prev = n
            if head == "acl":
                key = self._acl_key(low[1:])
                if key is None:
                    self.dev.note("SYNTAX", f"ACL header not read: {n.text!r}", n.line, "warning")
                else:
                    self._add(self.acls, key, n)
            elif head == "ike" and len(low) >= 3 and low[1] == "proposal":
                num = small_int(low[2])
                if num is None:
                    if low[2] != "default":
                        self.dev.note("SYNTAX", f"IKE proposal number not read: {n.text!r}", n.line, "warning")
                    continue
                self._add(self.ike_props, num, n)
            elif head == "ike" and len(low) >= 3 and low[1] == "peer":
                self._add(self.peers, w[2], n)
            elif head == "ipsec" and len(low) >= 3 and low[1] == "proposal":
                self._add(self.ipsec_props, w[2], n)
            elif head == "ipsec" and len(low) >= 3 and low[1] == "profile":
                self._add(self.profiles, w[2], n)
            elif head == "ipsec" and len(low) >= 4 and low[1] == "policy":
                self._policy(n, w, low)
            elif head == "interface" and len(w) >= 2:
                self._add(self.interfaces, w[1], n)
            elif head == "ip" and len(low) >= 5 and low[1] == "route-static":
                self._route(n, w, low)
            elif head == "bgp" and len(low) >= 2:
                if self.bgp is None:
                    self.bgp = _Obj(n.line, n.words, list(n.children))
                else:
                    self.bgp.kids.extend(n.children)
            elif head == "ipsec" and low[-3:] == ["sha2", "compatible", "enable"]:
                self.sha2_compatible = True
            elif head == "route-policy" and len(w) >= 2:
                self._add(self.route_policies, w[1], n)

    def _profile_of_tunnel(self, prev: Node | None, n: Node, low: list[str]) -> bool:
        """A flush-left paste: the interface's `ipsec profile P` (three words, like the
        global command) right after a tunnel interface's `tunnel-protocol ipsec` line
        and with no sub-commands of its own is the interface's."""
        if prev is None or n.children or len(low) != 3 or low[:2] != ["ipsec", "profile"]:
            return False
        if prev.words[0].lower() != "interface" or len(prev.words) < 2 or not prev.children:
            return False
        kids = [" ".join(k.words[:2]).lower() for k in prev.children]
        if "tunnel-protocol ipsec" not in kids or "ipsec profile" in kids:
            return False
        self.dev.note(
            "REINDENTED",
            f"{n.text!r} after {prev.text!r} (tunnel-protocol ipsec) read as the interface's (indentation lost)",
            n.line,
            "warning",
        )
        return True

    @staticmethod
    def _acl_key(rest: list[str]) -> str | None:
        if rest and rest[0] == "number" and len(rest) >= 2:
            return rest[1]
        if rest and rest[0] == "name" and len(rest) >= 2:
            return rest[1]
        if rest and rest[0].isdigit():
            return rest[0]
        return None

    def _policy(self, n: Node, w: list[str], low: list[str]) -> None:
        seq = small_int(low[3]) if len(low) > 3 else None
        if seq is None:
            self.dev.note("SYNTAX", f"IPsec policy sequence number not read: {n.text!r}", n.line, "warning")
            return
        mode = low[4] if len(low) > 4 else ""
        if mode == "isakmp" and len(low) > 5 and low[5] == "template":
            self.dev.note(
                "UNSUPPORTED",
                f"IPsec policy {w[2]} {seq} uses policy template {w[6] if len(w) > 6 else '?'} "
                "(a responder for dynamic peers): not read as a tunnel",
                n.line,
                "warning",
            )
            return
        if mode != "isakmp":
            self.dev.note(
                "UNSUPPORTED",
                f"IPsec policy {w[2]} {seq} is {mode or 'of no mode'} (manual keys are not in the model): not read",
                n.line,
                "warning",
            )
            return
        seen = self._policy_at.get((w[2], seq))
        if seen is not None:  # the same entry again: its lines add up
            seen.kids.extend(n.children)
            return
        o = self._policy_at[(w[2], seq)] = _Obj(n.line, w, list(n.children))
        self.policies.append((w[2], seq, o))

    def _route(self, n: Node, w: list[str], low: list[str]) -> None:
        """`ip route-static [vpn-instance V] NET MASK|LEN IFACE|NEXTHOP [NEXTHOP] [preference N] ...`:
        only routes out of an interface matter (a tunnel's); a route in a VPN instance is kept
        with it (a tunnel of the public network does not take it)."""
        i = 2
        vrf = None
        if low[i] == "vpn-instance" and len(low) > i + 1:
            vrf, i = w[i + 1], i + 2
        if len(w) < i + 3:
            self.dev.note("SYNTAX", f"static route not read: {n.text!r}", n.line)
            return
        net = _mask_net(w[i], w[i + 1])
        if net is None:
            self.dev.note("SYNTAX", f"static route not read: {n.text!r}", n.line)
            return
        pref = None
        if "preference" in low:
            j = low.index("preference")
            pref = small_int(low[j + 1]) if j + 1 < len(low) else None
        if vrf is None:
            self.routes.append((net, w[i + 2], pref, n.line))

    # ------------------------------------------------------------ build
    def build(self) -> None:
        used_groups: dict[str, str] = {}  # policy group -> interface
        for ifname, o in self.interfaces.items():
            for k in o.kids:
                kw = k.words
                if len(kw) >= 3 and kw[0].lower() == "ipsec" and kw[1].lower() == "policy":
                    used_groups.setdefault(kw[2], ifname)
        for name, seq, o in sorted(self.policies, key=lambda x: (x[0], x[1])):
            self._policy_tunnel(name, seq, o, used_groups.get(name))
        for ifname, o in self.interfaces.items():
            prof = next(
                (k for k in o.kids if len(k.words) >= 3 and [x.lower() for x in k.words[:2]] == ["ipsec", "profile"]),
                None,
            )
            if prof is not None:
                self._tunnel_iface(ifname, o, prof)
        self._unused()

    def _unused(self) -> None:
        for what, table in (
            ("IKE peer", self.peers),
            ("IPsec proposal", self.ipsec_props),
            ("IKE proposal", self.ike_props),
            ("ACL", self.acls),
            ("IPsec profile", self.profiles),
        ):
            for key, o in table.items():
                if not o.used and not (what == "ACL" and not self._acl_is_advanced(str(key))):
                    self.dev.note("UNUSED", f"{what} {key} is defined but no tunnel uses it", o.line)

    @staticmethod
    def _acl_is_advanced(key: str) -> bool:
        n = small_int(key)
        return n is None or 3000 <= n <= 3999

    # -------------------------------------------------------- one tunnel
    def _policy_tunnel(self, group: str, seq: int, o: _Obj, ifname: str | None) -> None:
        t = ParsedTunnel(name=f"{group}-{seq}", line=o.line, variant="ipsec-policy")
        t.extra["policy"] = {"group": group, "seq": seq}
        peer_name: str | None = None
        props: list[str] = []
        acl: str | None = None
        for k in o.kids:
            lw = [x.lower() for x in k.words]
            if lw[:2] == ["security", "acl"] and len(lw) >= 3:
                acl = k.words[3] if lw[2] == "name" and len(k.words) > 3 else k.words[2]
            elif lw[0] == "ike-peer" and len(lw) >= 2:
                peer_name = k.words[1]
            elif lw[0] == "proposal" and len(lw) >= 2:
                props.extend(k.words[1:])
            elif self._phase2_line(t, k, lw):
                pass
            else:
                self.dev.note("IGNORED", f"ipsec policy {group} {seq}: {k.text!r} not read", k.line)
        if peer_name and props and peer_name == props[0]:
            t.name = peer_name
        self._esp(t, props, o.line, f"ipsec policy {group} {seq}")
        self._peer(t, peer_name, o.line, f"ipsec policy {group} {seq}")
        if acl is None:
            self.dev.note("MISSING", f"ipsec policy {group} {seq} has no security acl: no selectors", o.line, "error")
        elif acl not in self.acls:
            self.dev.note("UNRESOLVED", f"ipsec policy {group} {seq}: ACL {acl} is not defined", o.line, "error")
        else:
            self.acls[acl].used = True
            t.selectors = self._acl(acl)
            if not t.selectors:
                self.dev.note("MISSING", f"ACL {acl} holds no permit ip rule the model can carry", o.line, "error")
        if ifname is None:
            self.dev.note(
                "INACTIVE",
                f"IPsec policy group {group} is applied on no interface (ipsec policy {group})",
                o.line,
                "warning",
            )
        else:
            iface = self.interfaces[ifname]
            if self._shut(iface) and ifname not in self._shut_noted:
                self._shut_noted.add(ifname)
                self.dev.note(
                    "INACTIVE", f"interface {ifname} holding policy group {group} is shut down", iface.line, "warning"
                )
            addr = self._iface_addr(iface)
            if addr is not None:
                t.local_address = addr
        self._local_fallback(t)
        self.dev.tunnels.append(t)

    def _tunnel_iface(self, ifname: str, o: _Obj, prof_node: Node) -> None:
        pname = prof_node.words[2]
        t = ParsedTunnel(name=ifname, line=o.line, variant="tunnel", route_based=True)
        t.extra["interface"] = ifname
        dest: str | None = None
        src: str | None = None
        inside: ipaddress.IPv4Interface | None = None
        addrs: list[str] = []
        protocol_ipsec = False
        for k in o.kids:
            lw = [x.lower() for x in k.words]
            if lw[0] == "tunnel-protocol":
                protocol_ipsec = len(lw) > 1 and lw[1] == "ipsec"
            elif lw[0] == "destination" and len(lw) >= 2:
                dest = ipv4(k.words[-1])
                if dest is None:
                    self.dev.note(
                        "UNSUPPORTED", f"{ifname}: destination {k.words[-1]!r} is not an IPv4 address", k.line, "error"
                    )
            elif lw[0] == "source" and len(lw) >= 2:
                src = ipv4(k.words[1]) or self._iface_addr(self.interfaces.get(k.words[1]))
            elif lw[:2] == ["ip", "address"] and len(lw) >= 4 and lw[2] != "unnumbered":
                net = _mask_net(k.words[2], k.words[3])
                if net is not None:
                    addrs.append(f"{k.words[2]}/{net.split('/')[1]}")
                    if lw[4:5] != ["sub"]:  # the primary address; `sub` ones are further addresses
                        inside = ipaddress.IPv4Interface(f"{k.words[2]}/{net.split('/')[1]}")
        if not protocol_ipsec:
            self.dev.note(
                "MISSING", f"{ifname} holds ipsec profile {pname} without tunnel-protocol ipsec", o.line, "warning"
            )
        if self._shut(o):
            self.dev.note("INACTIVE", f"tunnel interface {ifname} is shut down", o.line, "warning")
        prof = self.profiles.get(pname)
        peer_name: str | None = None
        props: list[str] = []
        if prof is None:
            self.dev.note("UNRESOLVED", f"{ifname}: ipsec profile {pname} is not defined", prof_node.line, "error")
        else:
            prof.used = True
            for k in prof.kids:
                lw = [x.lower() for x in k.words]
                if lw[0] == "ike-peer" and len(lw) >= 2:
                    peer_name = k.words[1]
                elif lw[0] == "proposal" and len(lw) >= 2:
                    props.extend(k.words[1:])
                elif self._phase2_line(t, k, lw):
                    pass
                else:
                    self.dev.note("IGNORED", f"ipsec profile {pname}: {k.text!r} not read", k.line)
        if peer_name == pname:
            t.name = pname
        if prof is not None:  # an undefined profile is one UNRESOLVED finding, not three
            self._esp(t, props, prof.line, f"ipsec profile {pname}")
            self._peer(t, peer_name, prof.line, f"ipsec profile {pname}")
        if dest is not None:
            if t.peer_address not in (None, dest):
                self.dev.note(
                    "AMBIGUOUS",
                    f"{ifname}: destination {dest} differs from ike peer {peer_name}'s remote-address "
                    f"{t.peer_address}: the tunnel's destination is read",
                    o.line,
                    "warning",
                )
            t.peer_address = dest
        if src is not None:
            t.local_address = src
        self._local_fallback(t)
        self.dev.note("SELECTORS", f"{ifname}: an IPsec profile negotiates any/any selectors", o.line)
        mine = self.routes_via().get(ifname, [])
        t.routes = [net for net, _, _, _ in mine]
        if inside is not None:
            t.extra["inside_address"] = str(inside)
            t.bgp = self._bgp_for(t, inside)
        t.point_to_point, hc_routes = health_check_pairs(addrs, t.routes, t.bgp.peer_ip if t.bgp else None)
        if hc_routes:  # the host route to the cloud's health-check end is no VPC range
            mine = [r for r in mine if r[0] not in hc_routes]
            t.routes = [net for net, _, _, _ in mine]
        self._route_preference(t, mine, ifname)
        self.dev.tunnels.append(t)

    def _route_preference(self, t: ParsedTunnel, mine: list[tuple[str, str, int | None, int]], ifname: str) -> None:
        """``route_preference``: the ``preference`` of the static routes into the
        interface (none written: vendor.yaml ``defaults.static_route_preference``,
        a DEFAULT finding); different ones: the lowest, AMBIGUOUS."""
        d = _defaults()["static_route_preference"]
        lowest_route_preference(
            self.dev,
            t,
            ((p, line, f"ip route-static {net} {ifname}") for net, _, p, line in mine),
            (int(d["value"]), str(d["source"])),
            "preferences",
            ifname,
        )

    # ---------------------------------------------------------- pieces
    def _phase2_line(self, t: ParsedTunnel, k: Node, lw: list[str]) -> bool:
        """pfs / sa duration lines of an ipsec policy or profile."""
        if lw[0] == "pfs" and len(lw) >= 2:
            g = _kw("pfs_group", lw[1])
            if g is None:
                t.pfs_unknown = True
                self.dev.note("UNSUPPORTED", f"PFS group {k.words[1]!r} is not one the model holds", k.line, "error")
            else:
                t.pfs = int(g)
            return True
        if lw[:2] == ["sa", "duration"] and len(lw) >= 4:
            n = small_int(lw[3])
            if n is None:
                self.dev.note("SYNTAX", f"SA duration not read: {k.text!r}", k.line, "warning")
            elif lw[2] == "time-based":
                t.ipsec_lifetime_seconds = n
            elif lw[2] == "traffic-based":
                t.ipsec_lifetime_kb = n
            else:
                return False
            return True
        return False

    def _values(self, table: str, words: list[str], ike_version: int | None, what: str, line: int) -> list[Any]:
        """The canonical values of one algorithm line: one value, a value written in two
        words (`aes-cbc 256`, `aes 256`: vendor.yaml spellings), or several values offered
        together (`encryption-algorithm aes-256 aes-192`); a value the model does not hold
        is None (UNSUPPORTED error)."""
        joined = _kw(table, " ".join(words), ike_version)
        if joined is not None:
            return [joined]
        out: list[Any] = []
        for w in words:
            v = _kw(table, w, ike_version)
            if v is None:
                self.dev.note("UNSUPPORTED", f"{what} {w!r} is not a value the model holds", line, "error")
            out.append(v)
        return out

    def _esp(self, t: ParsedTunnel, props: list[str], line: int, where: str) -> None:
        if not props:
            self.dev.note("MISSING", f"{where} names no IPsec proposal", line, "error")
        for p in props:
            o = self.ipsec_props.get(p)
            if o is None:
                self.dev.note("UNRESOLVED", f"{where}: IPsec proposal {p} is not defined", line, "error")
                continue
            o.used = True
            encs: list[Any] = [None]
            integs: list[Any] = [None]
            raw: list[str] = []
            seen: set[str] = set()
            transform = "esp"
            for k in o.kids:
                lw = [x.lower() for x in k.words]
                if lw[0] == "transform" and len(lw) >= 2:
                    transform = lw[1]
                elif lw[:2] == ["esp", "encryption-algorithm"] and len(lw) >= 3:
                    seen.add("enc")
                    raw.append(" ".join(lw[2:]))
                    encs = self._values("esp_encryption", lw[2:], None, f"IPsec proposal {p}: ESP encryption", k.line)
                elif lw[:2] == ["esp", "authentication-algorithm"] and len(lw) >= 3:
                    seen.add("integ")
                    raw.append(" ".join(lw[2:]))
                    integs = self._values("esp_integrity", lw[2:], None, f"IPsec proposal {p}: ESP integrity", k.line)
                elif lw[0] == "encapsulation-mode" and len(lw) >= 2:
                    if lw[1] != "tunnel":
                        self.dev.note(
                            "UNSUPPORTED",
                            f"IPsec proposal {p}: {lw[1]} mode (the model holds tunnel mode)",
                            k.line,
                            "error",
                        )
                elif lw[0] == "ah":
                    pass
                else:
                    self.dev.note("IGNORED", f"ipsec proposal {p}: {k.text!r} not read", k.line)
            if transform != "esp":
                self.dev.note(
                    "UNSUPPORTED", f"IPsec proposal {p}: transform {transform} (the model holds ESP)", o.line, "error"
                )
                continue
            if "enc" not in seen:
                self.dev.note(
                    "MISSING",
                    f"IPsec proposal {p} has no esp encryption-algorithm (its default is not in the sources)",
                    o.line,
                    "warning",
                )
            if "integ" not in seen:
                self.dev.note(
                    "MISSING",
                    f"IPsec proposal {p} has no esp authentication-algorithm (its default is not in the sources)",
                    o.line,
                    "warning",
                )
            if len(encs) * len(integs) > 1:
                self.dev.note(
                    "AMBIGUOUS",
                    f"IPsec proposal {p} lists several algorithms: every combination is carried in the order "
                    "written (the device's order of preference is not in the sources)",
                    o.line,
                    "warning",
                )
            for enc in encs:
                for integ in integs:
                    t.esp_proposals.append(Proposal(enc, integ, None, " ".join(raw) or p))
            if any(i in ("sha256", "sha384", "sha512") for i in integs) and not self.sha2_compatible:
                self.dev.note(
                    "MISSING",
                    f"IPsec proposal {p} uses SHA-2 without `ipsec authentication sha2 compatible enable`: "
                    "Huawei's guide enables it to be compatible with the standard (RFC) SHA-2 algorithms",
                    o.line,
                    "warning",
                )

    def _peer(self, t: ParsedTunnel, name: str | None, line: int, where: str) -> None:
        if name is None:
            self.dev.note("MISSING", f"{where} names no ike-peer", line, "error")
            return
        o = self.peers.get(name)
        if o is None:
            self.dev.note("UNRESOLVED", f"{where}: IKE peer {name} is not defined", line, "error")
            return
        o.used = True
        t.extra["ike_peer"] = name
        head = [x.lower() for x in o.head]
        versions = {1, 2}
        listed: set[int] = set()  # `version N` lines: a configuration file shows only what differs
        if len(head) > 3 and head[3] in ("v1", "v2"):
            versions = {int(head[3][1])}
        props: list[int] = []
        id_type = "ip"
        local_id: str | None = None
        remote_id: str | None = None
        remote_type: str | None = None
        local_addr: str | None = None
        for k in o.kids:
            w = k.words
            lw = [x.lower() for x in w]
            if lw[0] == "pre-shared-key" and len(w) >= 2:
                key = w[2] if lw[1] in ("cipher", "simple") and len(w) >= 3 else w[1]
                if len(w) > 3 and lw[1] in ("cipher", "simple") and w[2].startswith('"'):
                    key = " ".join(w[2:])
                if len(key) >= 2 and key[0] == key[-1] == '"':
                    key = key[1:-1]
                if _PLACEHOLDER.match(key):
                    t.psk_state, t.psk = "masked", None
                    self.dev.note(
                        "PLACEHOLDER", f"IKE peer {name}: the pre-shared key is a placeholder", k.line, "warning"
                    )
                    self.dev.note(
                        "KEY", f"IKE peer {name}: the pre-shared key is a placeholder, not the key", k.line, "warning"
                    )
                elif _CIPHER.match(key):
                    t.psk_state, t.psk = "encrypted", None
                    t.extra["psk_raw"] = key
                    self.dev.note(
                        "KEY",
                        f"IKE peer {name}: the pre-shared key is VRP ciphertext (as the device shows it); the key "
                        "itself is not in the text",
                        k.line,
                        "warning",
                    )
                else:
                    t.psk_state, t.psk = "clear", key
            elif lw[0] == "ike-proposal" and len(lw) >= 2:
                n = small_int(lw[1])
                if n is None:
                    self.dev.note("SYNTAX", f"IKE peer {name}: {k.text!r} not read", k.line, "warning")
                else:
                    props.append(n)
            elif lw[0] == "remote-address" and len(w) >= 2:
                addr = ipv4(w[-1])
                if addr is None and _PLACEHOLDER.match(w[-1]):
                    self.dev.note(
                        "PLACEHOLDER", f"IKE peer {name}: remote-address is a placeholder ({w[-1]})", k.line, "warning"
                    )
                    continue
                if addr is None:
                    self.dev.note(
                        "UNSUPPORTED",
                        f"IKE peer {name}: remote-address {' '.join(w[1:])!r} is not an IPv4 address",
                        k.line,
                        "error",
                    )
                    continue
                if t.peer_address is None:
                    t.peer_address = addr
                elif addr != t.peer_address and addr not in t.backup_peers:
                    # a second remote-address is a further peer of the same IKE peer (Huawei's AR
                    # example with two gateways: README.md)
                    t.backup_peers.append(addr)
                    self.dev.note(
                        "BACKUP-PEER",
                        f"IKE peer {name}: remote-address {addr} is a further peer of the same tunnel "
                        f"(the first is {t.peer_address})",
                        k.line,
                        "warning",
                    )
            elif lw[0] == "local-address" and len(w) >= 2:
                local_addr = ipv4(w[-1])
            elif lw[0] == "exchange-mode" and len(lw) >= 2:
                if lw[1] in ("main", "aggressive"):
                    t.mode = "aggressive" if lw[1] == "aggressive" else "main"
                else:
                    self.dev.note("UNSUPPORTED", f"IKE peer {name}: exchange-mode {lw[1]!r}", k.line, "warning")
            elif lw[:2] == ["undo", "version"] and len(lw) >= 3 and lw[2] in ("1", "2"):
                versions.discard(int(lw[2]))
            elif lw[0] == "version" and len(lw) >= 2 and lw[1] in ("1", "2"):
                listed.add(int(lw[1]))
            elif lw[0] == "local-id-type" and len(lw) >= 2:
                id_type = lw[1]
            elif lw[0] == "local-id" and len(w) >= 2:
                local_id = w[1]
            elif lw[0] == "remote-id-type" and len(lw) >= 2:
                remote_type = lw[1]
            elif lw[0] == "remote-id" and len(w) >= 2:
                remote_id = w[1]
            elif lw[0] == "dpd" and len(lw) >= 2:
                # `dpd type periodic|on-demand` turns DPD on; the timers' meaning is not in the
                # sources: kept as written (extra["dpd"]), the model's timeout is not filled
                t.extra.setdefault("dpd", []).append(" ".join(w[1:]))
                if lw[1] == "type" and len(lw) >= 3 and lw[2] in ("periodic", "on-demand"):
                    t.dpd_enabled = True
            else:
                self.dev.note("IGNORED", f"ike peer {name}: {k.text!r} not read", k.line)
        if listed:
            versions &= listed
        if not versions:
            self.dev.note("UNSUPPORTED", f"IKE peer {name}: no IKE version is left enabled", o.line, "error")
        elif len(versions) == 1:
            t.ike_version = next(iter(versions))
        elif not listed:
            self.dev.note(
                "DEFAULT",
                f"IKE peer {name}: no version undone: IKEv1 and IKEv2 both enabled "
                f"({_defaults().get('ike_versions', {}).get('source', '')})",
                o.line,
            )
        if t.psk_state == "missing":
            self.dev.note("MISSING", f"IKE peer {name} has no pre-shared-key", o.line, "error")
        if t.peer_address is None and t.variant == "ipsec-policy":
            self.dev.note("MISSING", f"IKE peer {name} has no remote-address", o.line, "error")
        if local_addr is not None:
            t.extra["peer_local_address"] = local_addr
        # identities
        if id_type == "fqdn":
            if local_id:
                t.local_id = Ident("fqdn", local_id)
            else:
                self.dev.note(
                    "IDENTITY",
                    f"IKE peer {name}: local-id-type fqdn without local-id (the device's name "
                    "is sent; not in the text)",
                    o.line,
                    "warning",
                )
        elif id_type != "ip":
            t.local_id = Ident("other", local_id or id_type)
            self.dev.note(
                "UNSUPPORTED",
                f"IKE peer {name}: local-id-type {id_type} (the model holds ip or fqdn)",
                o.line,
                "warning",
            )
        if remote_id:
            if remote_type in (None, "ip") and ipv4(remote_id):
                t.peer_id = Ident("address", ipv4(remote_id) or remote_id)
            elif remote_type in (None, "fqdn"):
                t.peer_id = Ident("fqdn", remote_id)
            else:
                t.peer_id = Ident("other", remote_id)
                self.dev.note("UNSUPPORTED", f"IKE peer {name}: remote-id-type {remote_type}", o.line, "warning")
        self._ike(t, name, props, o.line)

    def _ike(self, t: ParsedTunnel, peer: str, nums: list[int], line: int) -> None:
        if not nums:
            nums = sorted(self.ike_props)
            if not nums:
                self.dev.note("MISSING", f"IKE peer {peer} names no ike-proposal and none is defined", line, "error")
                return
            self.dev.note(
                "DEFAULT",
                f"IKE peer {peer} names no ike-proposal: every IKE proposal is offered in number order "
                f"({', '.join(map(str, nums))})",
                line,
            )
        d = _defaults().get("ike_proposal", {})
        dv = d.get("values", {})
        src = d.get("source", "documented default")
        for n in nums:
            o = self.ike_props.get(n)
            if o is None:
                self.dev.note("UNRESOLVED", f"IKE peer {peer}: IKE proposal {n} is not defined", line, "error")
                continue
            o.used = True
            encs: list[Any] = [None]
            auths: list[Any] | None = None
            integs: list[Any] | None = None
            dhs: list[Any] = [None]
            raw: list[str] = []
            seen: set[str] = set()
            for k in o.kids:
                lw = [x.lower() for x in k.words]
                if len(lw) < 2:
                    self.dev.note("IGNORED", f"ike proposal {n}: {k.text!r} not read", k.line)
                    continue
                where = f"IKE proposal {n}:"
                if lw[0] == "encryption-algorithm":
                    seen.add("encryption")
                    raw.append(" ".join(lw[1:]))
                    encs = self._values("ike_encryption", lw[1:], None, f"{where} encryption", k.line)
                elif lw[0] == "authentication-algorithm":
                    raw.append(" ".join(lw[1:]))
                    auths = self._values("ike_integrity", lw[1:], 1, f"{where} authentication", k.line)
                elif lw[0] == "integrity-algorithm":
                    raw.append(" ".join(lw[1:]))
                    integs = self._values("ike_integrity", lw[1:], 2, f"{where} integrity", k.line)
                elif lw[0] == "dh":
                    seen.add("dh")
                    raw.append(" ".join(lw[1:]))
                    dhs = [
                        None if g is None else int(g)
                        for g in self._values("dh_group", lw[1:], None, f"{where} DH", k.line)
                    ]
                elif lw[0] == "authentication-method":
                    if lw[1] != "pre-share":
                        t.auth = "certificate" if "rsa" in lw[1] else "unknown"
                        self.dev.note(
                            "UNSUPPORTED",
                            f"{where} authentication-method {lw[1]} (the model holds pre-shared keys)",
                            k.line,
                            "warning",
                        )
                elif lw[:2] == ["sa", "duration"] and len(lw) >= 3:
                    seen.add("lifetime")
                    life = small_int(lw[2])
                    if life is not None and t.ike_lifetime is None:
                        t.ike_lifetime = life
                elif lw[0] == "prf":
                    pass  # follows the integrity algorithm in vpnconf's output; not in the model
                else:
                    self.dev.note("IGNORED", f"ike proposal {n}: {k.text!r} not read", k.line)
            # IKEv2 negotiates integrity-algorithm, IKEv1 authentication-algorithm (a proposal may
            # hold both, as Huawei's configuration files show)
            integ_list = integs if t.ike_version == 2 else auths if auths is not None else integs
            if t.ike_version is None and auths is not None and integs is not None and auths != integs:
                self.dev.note(
                    "AMBIGUOUS",
                    f"IKE proposal {n}: IKEv1 authentication and IKEv2 integrity differ and the peer runs both "
                    "versions: the IKEv1 one is carried",
                    o.line,
                    "warning",
                )
            if "encryption" not in seen:
                encs = [dv.get("encryption")]
                t.defaulted["ike_proposals"] = src
                self.dev.note("DEFAULT", f"IKE proposal {n}: no encryption-algorithm: {encs[0]} ({src})", o.line)
            if integ_list is None:
                integ_list = [dv.get("integrity")]
                t.defaulted["ike_proposals"] = src
                self.dev.note(
                    "DEFAULT",
                    f"IKE proposal {n}: no authentication/integrity algorithm: {integ_list[0]} ({src})",
                    o.line,
                )
            if "dh" not in seen:
                docs = ", ".join(f"{k} group{v}" for k, v in (d.get("dh_group_documented") or {}).items())
                self.dev.note(
                    "MISSING",
                    f"IKE proposal {n}: no dh: the default differs between the sources ({docs}); not filled",
                    o.line,
                    "warning",
                )
            if "lifetime" not in seen and n == nums[0] and t.ike_lifetime is None and dv.get("lifetime"):
                t.ike_lifetime = int(dv["lifetime"])
                t.defaulted["ike_lifetime"] = src
                self.dev.note("DEFAULT", f"IKE proposal {n}: no sa duration: {t.ike_lifetime} s ({src})", o.line)
            if len(encs) * len(integ_list) * len(dhs) > 1:
                self.dev.note(
                    "AMBIGUOUS",
                    f"IKE proposal {n} lists several algorithms: every combination is carried in the order "
                    "written (the device's order of preference is not in the sources)",
                    o.line,
                    "warning",
                )
            for enc in encs:
                for integ in integ_list:
                    for dh in dhs:
                        t.ike_proposals.append(Proposal(enc, integ, dh, " ".join(raw) or str(n)))

    def _acl(self, key: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for k in self.acls[key].kids:
            lw = [x.lower() for x in k.words]
            if lw[0] != "rule":
                continue
            i = 2 if len(lw) > 1 and lw[1].isdigit() else 1
            if i >= len(lw) or lw[i] != "permit":
                self.dev.note(
                    "UNSUPPORTED", f"ACL {key}: {k.text!r} (only permit rules are selectors)", k.line, "warning"
                )
                continue
            rest = k.words[i + 1 :]
            sel = self._rule(rest)
            if sel is None:
                self.dev.note(
                    "UNSUPPORTED", f"ACL {key}: {k.text!r} is not a plain permit ip rule: left out", k.line, "warning"
                )
                continue
            out.append(sel)
        return out

    @staticmethod
    def _rule(rest: list[str]) -> tuple[str, str] | None:
        if not rest or rest[0].lower() != "ip":
            return None
        src = dst = "0.0.0.0/0"
        i = 1
        while i < len(rest):
            word = rest[i].lower()
            if word not in ("source", "destination") or i + 1 >= len(rest):
                return None
            if rest[i + 1].lower() == "any":
                net, i = "0.0.0.0/0", i + 2
            elif i + 2 < len(rest):
                got = _wild(rest[i + 1], rest[i + 2])
                if got is None:
                    return None
                net, i = got, i + 3
            else:
                return None
            if word == "source":
                src = net
            else:
                dst = net
        return (src, dst)

    def _iface_addr(self, o: _Obj | None) -> str | None:
        """The interface's first IPv4 address (read once per interface: every
        tunnel of a policy group applied there asks)."""
        if o is None:
            return None
        if id(o) not in self._addr_memo:
            addr = None
            for k in o.kids:
                w = k.words
                if len(w) >= 3 and w[0].lower() == "ip" and w[1].lower() == "address" and ipv4(w[2]):
                    addr = ipv4(w[2])
                    break
            self._addr_memo[id(o)] = addr
        return self._addr_memo[id(o)]

    def _shut(self, o: _Obj) -> bool:
        """The interface is shut down (its last shutdown / undo shutdown wins); read once per interface."""
        if id(o) not in self._shut_memo:
            state = False
            for k in o.kids:
                lw = [x.lower() for x in k.words]
                if lw == ["shutdown"]:
                    state = True
                elif lw == ["undo", "shutdown"]:
                    state = False
            self._shut_memo[id(o)] = state
        return self._shut_memo[id(o)]

    def _local_fallback(self, t: ParsedTunnel) -> None:
        if t.local_address is None:
            t.local_address = t.extra.get("peer_local_address")
        if t.local_address is None:
            self.dev.note(
                "MISSING",
                f"tunnel {t.name}: no local address (no ip address on the interface, no local-address)",
                t.line,
                "warning",
            )

    def _bgp_for(self, t: ParsedTunnel, inside: ipaddress.IPv4Interface) -> ParsedBgp | None:
        b = self.bgp
        if b is None:
            return None
        asn = small_int(b.head[1]) if len(b.head) > 1 else None
        peers: dict[str, dict[str, Any]] = {}
        nets: list[str] = []
        rps: dict[str, str] = {}

        def walk(nodes: list[Node], family: bool) -> None:
            for k in nodes:
                w = k.words
                lw = [x.lower() for x in w]
                if lw[0] == "ipv4-family":
                    walk(k.children, len(lw) < 2 or lw[1] == "unicast")
                elif lw[0] == "peer" and len(w) >= 3:
                    p = peers.setdefault(w[1], {"line": k.line})
                    if lw[2] == "as-number" and len(w) >= 4:
                        p["asn"] = small_int(w[3])
                    elif lw[2] == "timer" and len(lw) >= 7 and lw[3] == "keepalive" and lw[5] == "hold":
                        p["keepalive"], p["hold"] = small_int(lw[4]), small_int(lw[6])
                    elif lw[2] == "route-policy" and len(w) >= 5 and lw[4] == "import":
                        rps[w[1]] = w[3]
                elif lw[0] == "network" and family and len(w) >= 2:
                    net = _mask_net(w[1], w[2]) if len(w) >= 3 else None
                    if net is not None:
                        nets.append(net)
                    else:
                        self.dev.note("NOT-CARRIED", f"bgp: {k.text!r} (no mask) not carried", k.line)

        walk(b.kids, True)
        mine = [ip for ip in peers if ipv4(ip) and ipaddress.IPv4Address(ip) in inside.network]
        if not mine:
            return None
        if len(mine) > 1:
            self.dev.note(
                "AMBIGUOUS", f"{t.name}: several BGP peers in {inside.network}: none carried", b.line, "warning"
            )
            return None
        ip = mine[0]
        p = peers[ip]
        if p.get("keepalive") is None:
            self.dev.note(
                "MISSING",
                f"bgp peer {ip}: no timer keepalive/hold (the device's defaults are not in the sources)",
                p["line"],
            )
        rp = rps.get(ip)
        local_pref: int | None = None
        if rp is not None:
            pol = self.route_policies.get(rp)
            if pol is None:
                self.dev.note("UNRESOLVED", f"bgp peer {ip}: route-policy {rp} is not defined", p["line"], "warning")
            else:
                for k in pol.kids:
                    lw = [x.lower() for x in k.words]
                    if lw[:2] == ["apply", "local-preference"] and len(lw) >= 3:
                        local_pref = small_int(lw[2])
        return ParsedBgp(
            local_asn=asn,
            peer_asn=p.get("asn"),
            local_ip=str(inside.ip),
            peer_ip=ip,
            prefixlen=inside.network.prefixlen,
            hold_time=p.get("hold"),
            keepalive=p.get("keepalive"),
            advertise=nets,
            local_preference=local_pref,
            line=b.line,
        )


def parse(text: str, name: str) -> ParsedDevice:
    dev = ParsedDevice(vendor=VENDOR, file=name)
    text, notes = normalize(text, VENDOR)
    for rule, line, severity, message in notes:
        dev.note(rule, message, line, severity)
    p = _Parser(dev)
    p.read(tree(text, "#"))
    p.build()
    return dev
