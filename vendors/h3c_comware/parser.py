"""H3C Comware V7 and V5 configurations (``display current-configuration``)
-> ParsedDevice, through the shared indented-CLI layer (``vpnconf.parsing.indented``).

Grammar only: keywords come from vendor.yaml (tables read backwards, second
spellings from ``spellings:``, defaults from ``defaults:``); README.md gives
the sources.

Decisions
---------
* Tunnels: one per ``ipsec policy NAME SEQ isakmp`` entry (variant ``policy``)
  and one per ``interface TunnelN mode ipsec`` with ``tunnel protection ipsec
  profile P`` (variant ``tunnel``). A manual policy (static keys) or a
  policy-template (a responder template with no peer) is UNSUPPORTED.
* Names: ``<policy>-<seq>`` and the tunnel interface's name, unless the objects
  carry vpnconf's own names (``ike-profile IKP-<name>``, ``ipsec profile
  IPP-<name>``): then ``<name>``, so that our own output round-trips.
* Comware V7: the policy's ``ike-profile`` gives the keychain(s), exchange mode,
  identities and the IKE proposals it lists (in that order). Without a profile,
  or a profile listing none, every ``ike proposal`` is offered, lowest number
  first (H3C: "the initiator sends all its IKE proposals"); with none
  configured, the device's default proposal (DEFAULT). The key is the
  keychain's ``pre-shared-key address A M`` entry holding the peer (the longest
  mask wins).
* Comware V7 IKEv2: the policy's ``ikev2-profile`` gives the keyring (the peer
  entry whose address holds the peer), identities and lifetime; the proposals
  are those of every ``ikev2 policy`` matching the local address (or any), one
  per encryption x integrity x group combination, in order.
* Comware V5: ``ike-peer`` gives key, peer, local address, mode, identities and
  proposals; ``proposal`` names ``ipsec proposal`` objects; ``pfs`` is in the
  policy (V7 writes it in each transform set: both are read; transform sets
  that differ in PFS are UNSUPPORTED, the first one's group is read). V5 IPsec
  tunnel interfaces (``tunnel-protocol ipsec``, ``ipsec profile P``) are read
  like V7's ``mode ipsec`` / ``tunnel protection ipsec profile P``.
* The first ``remote-address`` is the peer; further ones are backup peers.
* ``key cipher ...`` (the device's own encryption) is not the key: KEY warning.
* IPsec SA lifetimes: the policy's/profile's ``sa duration``, else ``ipsec sa
  global-duration``, else the documented global default (DEFAULT).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
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

VENDOR = Path(__file__).resolve().parent.name

_PLACEHOLDER = re.compile(r"^(?:<[^>]*>|\$\{[^}]*\}|\{\{.*\}\}|\*+)$")


def _vendor() -> Any:
    from vpnconf.catalog import vendors

    return vendors()[VENDOR]


def _canon(table: str, kw: str) -> Any:
    """Canonical value of a keyword (second spellings first), or None."""
    sp = (_vendor().spellings.get(table) or {}).get(kw.lower())
    if sp is not None:
        return int(sp) if table in ("dh_group", "pfs_group") and str(sp).isdigit() else sp
    return lookup(VENDOR, table, kw)


def _mask_len(mask: str) -> int | None:
    """Prefix length of a netmask (255.255.255.0) or a length (24)."""
    n = small_int(mask)
    if n is not None:
        return n if n <= 32 else None
    if ipv4(mask) is None:
        return None
    try:
        return ipaddress.IPv4Network(f"0.0.0.0/{mask}").prefixlen
    except ValueError:
        return None


def _wild_net(addr: str, wild: str) -> str | None:
    """``A W`` (ACL wildcard) as a CIDR; ``W`` 0 is a host; None if not contiguous."""
    if ipv4(addr) is None:
        return None
    if wild == "0":
        return f"{ipv4(addr)}/32"
    if ipv4(wild) is None:
        return None
    inv = int(ipaddress.IPv4Address(wild))
    if inv & (inv + 1):
        return None
    plen = 32 - inv.bit_length()
    return str(ipaddress.IPv4Network(f"{addr}/{plen}", strict=False))


def _sa_ref(lw: list[str], w: list[str], refs: dict[str, Any]) -> bool:
    """A sub-command an ipsec policy entry and an ipsec profile share: the IKE
    side it uses (ike-profile, ike-peer, ikev2-profile) or an SA lifetime
    (sa duration time-based|traffic-based N), put into ``refs``; False if not one."""
    if lw[0] in ("ike-profile", "ike-peer", "ikev2-profile") and len(w) > 1:
        refs[lw[0]] = w[1]
    elif lw[:2] == ["sa", "duration"] and len(lw) > 3 and lw[2] in ("time-based", "traffic-based"):
        refs[lw[2]] = small_int(lw[3])
    else:
        return False
    return True


@dataclass
class _Obj:
    name: str
    line: int
    kids: list[Node] = field(default_factory=list)
    used: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class _Reader:
    def __init__(self, dev: ParsedDevice) -> None:
        self.dev = dev
        self.v = _vendor()
        self.acls: dict[str, _Obj] = {}
        self.ike_props: dict[int, _Obj] = {}
        self.keychains: dict[str, _Obj] = {}
        self.profiles: dict[str, _Obj] = {}
        self.peers: dict[str, _Obj] = {}
        self.v2: dict[str, dict[str, _Obj]] = {"proposal": {}, "policy": {}, "keyring": {}, "profile": {}}
        self.tsets: dict[str, _Obj] = {}
        self.ipsec_props: dict[str, _Obj] = {}
        self.policies: dict[tuple[str, int], _Obj] = {}
        self.ipsec_profiles: dict[str, _Obj] = {}
        self.ifaces: dict[str, _Obj] = {}
        self.routes: list[tuple[str, str, int | None, int]] = []  # (cidr, interface, preference written, line)
        self._routes_via: dict[str, list[tuple[str, str, int | None, int]]] | None = None
        self.route_policies: dict[str, list[Node]] = {}  # name -> its nodes
        self.bgp: _Obj | None = None
        self.global_seconds: int | None = None
        self.global_kb: int | None = None
        self.names: set[str] = set()
        self.said: set[tuple[str, str, int | None]] = set()

    def routes_via(self) -> dict[str, list[tuple[str, str, int | None, int]]]:
        """The static routes by interface (lower case), in order, built once (read per tunnel)."""
        if self._routes_via is None:
            self._routes_via = {}
            for r in self.routes:
                self._routes_via.setdefault(r[1].lower(), []).append(r)
        return self._routes_via

    def note(self, rule: str, message: str, line: int | None = None, severity: Any = "info") -> None:
        """One finding; the same one twice (an object several tunnels use) is said once."""
        key = (rule, message, line)
        if key not in self.said:
            self.said.add(key)
            self.dev.note(rule, message, line, severity)

    # ------------------------------------------------------------ reading
    def read(self, roots: list[Node]) -> None:
        for node in roots:
            w = node.words
            lw = [x.lower() for x in w]
            head = lw[0]
            if head.startswith(("<", "[")):
                continue  # a CLI prompt pasted with the output (<H3C>display current-configuration)
            if head == "acl" and len(w) >= 3:
                self._acl(node, w, lw)
            elif head == "ike" and len(w) >= 3 and lw[1] == "proposal":
                n = small_int(w[2])
                if n is None:
                    self.note("SYNTAX", f"ike proposal {w[2]!r}: not a number", node.line, "warning")
                else:
                    self._define(self.ike_props, n, node, f"ike proposal {n}")
            elif head == "ike" and len(w) >= 3 and lw[1] in ("keychain", "profile", "peer"):
                table = {"keychain": self.keychains, "profile": self.profiles, "peer": self.peers}[lw[1]]
                self._define(table, w[2], node, f"ike {lw[1]} {w[2]}")
            elif head == "ikev2" and len(w) >= 3 and lw[1] in self.v2:
                self._define(self.v2[lw[1]], w[2], node, f"ikev2 {lw[1]} {w[2]}")
            elif head == "ipsec" and len(w) >= 3 and lw[1] in ("transform-set", "proposal"):
                table = self.tsets if lw[1] == "transform-set" else self.ipsec_props
                self._define(table, w[2], node, f"ipsec {lw[1]} {w[2]}")
            elif head == "ipsec" and len(w) >= 4 and lw[1] == "policy":
                seq = small_int(w[3])
                if seq is None:
                    self.note("SYNTAX", f"ipsec policy {w[2]}: sequence {w[3]!r} is not a number", node.line)
                    continue
                obj = self._define(self.policies, (w[2], seq), node, f"ipsec policy {w[2]} {seq}")
                obj.extra["mode"] = lw[4] if len(w) > 4 else "isakmp"
                obj.extra["template"] = w[6] if len(w) > 6 and lw[5] == "template" else None
            elif head == "ipsec" and len(w) >= 2 and lw[1] == "policy-template":
                self.note(
                    "UNSUPPORTED",
                    f"{node.text}: a responder template (no peer) is not a site-to-site tunnel",
                    node.line,
                    "warning",
                )
            elif head == "ipsec" and len(w) >= 3 and lw[1] == "profile":
                obj = self._define(self.ipsec_profiles, w[2], node, f"ipsec profile {w[2]}")
                obj.extra["mode"] = lw[3] if len(w) > 3 else "isakmp"
            elif head == "ipsec" and lw[1:3] == ["sa", "global-duration"]:
                self._global_duration(node, lw)
            elif head == "interface" and len(w) >= 2:
                obj = self._define(self.ifaces, w[1], node, f"interface {w[1]}")
                obj.extra["mode"] = " ".join(lw[3:]) if len(w) > 3 and lw[2] == "mode" else None
            elif head == "ip" and len(w) >= 5 and lw[1] == "route-static":
                self._route(node, w)
            elif head == "route-policy" and len(w) >= 2:
                self.route_policies.setdefault(w[1], []).append(node)
            elif head == "bgp" and len(w) >= 2:
                if self.bgp is None:
                    self.bgp = _Obj(w[1], node.line, list(node.children))
                elif self.bgp.name == w[1]:
                    # `bgp N` again enters the same view (two pasted configs): its lines add to it
                    self.bgp.kids.extend(node.children)
                else:
                    self.note(
                        "AMBIGUOUS",
                        f"bgp {w[1]}: a second BGP instance (bgp {self.bgp.name} is read first): not read",
                        node.line,
                        "warning",
                    )

    def _define(self, table: dict[Any, _Obj], key: Any, node: Node, what: str) -> _Obj:
        old = table.get(key)
        if old is not None:
            # the CLI enters the same view again: its lines add to the first definition
            old.kids.extend(node.children)
            return old
        obj = _Obj(str(key), node.line, list(node.children))
        table[key] = obj
        return obj

    def _acl(self, node: Node, w: list[str], lw: list[str]) -> None:
        kind = lw[1]
        if kind not in ("advanced", "number", "name", "basic"):
            return
        rest = w[2:]
        keys: list[str] = []
        if kind == "name":  # V5 `acl name X advanced`?  (read as a name)
            keys.append(rest[0])
        elif rest[0].lower() == "name" and len(rest) > 1:
            keys.append(rest[1])
        else:
            keys.append(rest[0])
            if len(rest) > 2 and rest[1].lower() == "name":
                keys.append(rest[2])
        obj = _Obj(keys[0], node.line, list(node.children))
        for k in keys:
            if k in self.acls:
                self.acls[k].kids.extend(node.children)
            else:
                self.acls[k] = obj

    def _global_duration(self, node: Node, lw: list[str]) -> None:
        if len(lw) >= 5 and lw[3] == "time-based":
            self.global_seconds = small_int(lw[4])
        elif len(lw) >= 5 and lw[3] == "traffic-based":
            self.global_kb = small_int(lw[4])

    def _route(self, node: Node, w: list[str]) -> None:
        dest, mask = w[2], w[3]
        plen = _mask_len(mask)
        if ipv4(dest) is None or plen is None:
            self.note("SYNTAX", f"{node.text}: destination not read", node.line, "warning")
            return
        net = str(ipaddress.IPv4Network(f"{dest}/{plen}", strict=False))
        # `ip route-static D M IFACE [NH] [preference N]` or `D M NH`
        if ipv4(w[4]) is None:
            lw = [x.lower() for x in w]
            pref: int | None = None
            if "preference" in lw and lw.index("preference") + 1 < len(w):
                pref = small_int(w[lw.index("preference") + 1])
            self.routes.append((net, w[4], pref, node.line))

    # ---------------------------------------------------------- helpers
    def ignored(self, obj: _Obj, kid: Node, where: str) -> None:
        self.note("IGNORED", f"{where}: {kid.text!r} is not part of the model", kid.line)

    def acl_selectors(self, ref: str, line: int, where: str) -> list[tuple[str, str]]:
        acl = self.acls.get(ref)
        if acl is None:
            self.note("UNRESOLVED", f"{where}: security acl {ref} is not defined", line, "error")
            return []
        acl.used = True
        out: list[tuple[str, str]] = []
        for r in acl.kids:
            lw = [x.lower() for x in r.words]
            if not lw or lw[0] != "rule":
                if lw and lw[0] not in ("description", "step"):
                    self.note("IGNORED", f"acl {ref}: {r.text!r}", r.line)
                continue
            i = 1
            if i < len(lw) and lw[i].isdigit():
                i += 1
            if i >= len(lw):
                self.note("SYNTAX", f"acl {ref}: {r.text!r} has no action", r.line, "warning")
                continue
            action = lw[i]
            proto = lw[i + 1] if i + 1 < len(lw) else "ip"
            j = i + 2
            if proto in ("source", "destination", "counting", "logging", "vpn-instance", "time-range"):
                proto, j = "ip", i + 1  # a basic ACL rule (source only) or a rule without protocol word
            if action != "permit":
                self.note(
                    "UNSUPPORTED", f"acl {ref}: {action} rule not carried (selectors are permits)", r.line, "warning"
                )
                continue
            if proto not in ("ip", "0"):
                self.note(
                    "UNSUPPORTED",
                    f"acl {ref}: a {proto or 'protocol-less'} rule: protocol/port selectors are not in the model",
                    r.line,
                    "warning",
                )
                continue
            src = dst = "0.0.0.0/0"
            bad = False
            words = r.words
            while j < len(words):
                k = lw[j]
                if k in ("source", "destination"):
                    if j + 1 < len(words) and lw[j + 1] == "any":
                        net: str | None = "0.0.0.0/0"
                        j += 2
                    elif j + 2 < len(words):
                        net = _wild_net(words[j + 1], words[j + 2])
                        j += 3
                    else:
                        net = None
                        j += 2
                    if net is None:
                        bad = True
                    elif k == "source":
                        src = net
                    else:
                        dst = net
                elif k in ("source-port", "destination-port"):
                    self.note("UNSUPPORTED", f"acl {ref}: port selectors are not in the model", r.line, "warning")
                    bad = True
                    break
                else:
                    j += 1  # counting, logging, vpn-instance, time-range ...: not selectors
            if bad:
                self.note(
                    "UNSUPPORTED",
                    f"acl {ref}: {r.text!r}: address/wildcard not read as a network (non-contiguous wildcard?)",
                    r.line,
                    "warning",
                )
                continue
            out.append((src, dst))
        if not out:
            self.note("MISSING", f"{where}: acl {ref} has no permit rule the model can read", acl.line, "error")
        return out

    def ike_proposal(self, n: int, t: ParsedTunnel) -> Proposal | None:
        obj = self.ike_props.get(n)
        if obj is None:
            return None
        obj.used = True
        d = self.v.defaults["ike_proposal"]["values"]
        vals: dict[str, str] = {}
        for kid in obj.kids:
            lw = [x.lower() for x in kid.words]
            if lw[0] == "encryption-algorithm" and len(lw) > 1:
                vals["encryption"] = " ".join(lw[1:])
            elif lw[0] == "authentication-algorithm" and len(lw) > 1:
                vals["integrity"] = lw[1]
            elif lw[0] == "dh" and len(lw) > 1:
                vals["dh"] = lw[1]
            elif lw[:2] == ["sa", "duration"] and len(lw) > 2:
                vals["lifetime"] = lw[2]
            elif lw[0] == "authentication-method" and len(lw) > 1:
                vals["authentication"] = lw[1]
            elif lw[0] != "description":
                self.ignored(obj, kid, f"ike proposal {n}")
        hidden = [k for k in ("encryption", "integrity", "dh", "lifetime") if k not in vals]
        if hidden:
            obj.extra.setdefault("hidden", hidden)
            if not obj.extra.get("noted"):
                obj.extra["noted"] = True
                self.note(
                    "DEFAULT",
                    f"ike proposal {n}: {', '.join(f'{k} {d[k]}' for k in hidden)} "
                    f"(not written: {self.v.defaults['ike_proposal']['source']})",
                    obj.line,
                )
        auth = vals.get("authentication", d["authentication"])
        if auth != "pre-share":
            t.extra.setdefault("certificate_proposals", []).append(n)
        enc = vals.get("encryption", d["encryption"])
        integ = vals.get("integrity", d["integrity"])
        dh = vals.get("dh", d["dh"])
        p = Proposal(_canon("ike_encryption", enc), _canon("ike_integrity", integ), _canon("dh_group", dh))
        p.raw = f"{enc}-{integ}-{dh}"
        for label, kw, got in (
            ("encryption", enc, p.encryption),
            ("integrity", integ, p.integrity),
            ("dh", dh, p.dh_group),
        ):
            if got is None:
                self.note(
                    "UNSUPPORTED", f"ike proposal {n}: {label} {kw} is not a value the model holds", obj.line, "warning"
                )
        if hidden:
            t.defaulted.setdefault("ike_proposals", f"ike proposal {n}: {self.v.defaults['ike_proposal']['source']}")
        life = small_int(vals.get("lifetime", str(d["lifetime"])))
        if t.ike_lifetime is None:
            t.ike_lifetime = life
            if "lifetime" not in vals:
                t.defaulted["ike_lifetime"] = f"ike proposal {n}: sa duration default {d['lifetime']}"
        return p

    def all_ike_proposals(self, t: ParsedTunnel, line: int) -> None:
        if self.ike_props:
            for n in sorted(self.ike_props):
                p = self.ike_proposal(n, t)
                if p is not None:
                    t.ike_proposals.append(p)
            return
        d = self.v.defaults["default_ike_proposal"]
        vals = d["values"]
        p = Proposal(
            _canon("ike_encryption", vals["encryption"]),
            _canon("ike_integrity", vals["integrity"]),
            _canon("dh_group", vals["dh"]),
        )
        p.raw = f"{vals['encryption']}-{vals['integrity']}-{vals['dh']}"
        t.ike_proposals.append(p)
        t.ike_lifetime = int(vals["lifetime"])
        t.defaulted["ike_proposals"] = d["source"]
        t.defaulted["ike_lifetime"] = d["source"]
        self.note(
            "DEFAULT",
            f"tunnel {t.name}: no ike proposal configured: the default proposal ({p.raw}, {vals['lifetime']} s; {d['source']})",
            line,
        )

    def key(self, t: ParsedTunnel, token: str, how: str, line: int, where: str) -> None:
        if how == "cipher":
            t.psk_state = "encrypted"
            t.extra["psk_raw"] = token
            self.note("KEY", f"{where}: the key is stored encrypted (cipher): not the key itself", line, "warning")
        elif _PLACEHOLDER.match(token):
            t.psk_state = "masked"
            t.extra["psk_raw"] = token
            self.note("PLACEHOLDER", f"{where}: the key is a placeholder", line, "warning")
            self.note("KEY", f"{where}: the key is a placeholder, not a key", line, "warning")
        else:
            t.psk, t.psk_state = token, "clear"

    def keychain_key(self, t: ParsedTunnel, names: list[str], line: int) -> None:
        """The keychains' pre-shared-key entry holding the peer (longest mask)."""
        best: tuple[int, str, str, int, str] | None = None
        for kname in names:
            kc = self.keychains.get(kname)
            if kc is None:
                self.note("UNRESOLVED", f"tunnel {t.name}: ike keychain {kname} is not defined", line, "error")
                continue
            kc.used = True
            for kid in kc.kids:
                w = kid.words
                lw = [x.lower() for x in w]
                if lw[0] != "pre-shared-key":
                    if lw[0] not in ("description", "match", "priority"):
                        self.ignored(kc, kid, f"ike keychain {kname}")
                    continue
                ki = lw.index("key") if "key" in lw else -1
                if ki < 0 or ki + 1 >= len(w):
                    self.note(
                        "SYNTAX", f"ike keychain {kname}: a pre-shared-key line without its key", kid.line, "warning"
                    )
                    continue
                if lw[ki + 1] in ("simple", "cipher"):
                    how, token = lw[ki + 1], (w[ki + 2] if ki + 2 < len(w) else "")
                else:
                    how, token = "simple", w[ki + 1]
                if not token:
                    self.note(
                        "SYNTAX", f"ike keychain {kname}: a pre-shared-key line without its key", kid.line, "warning"
                    )
                    continue
                if len(lw) > 2 and lw[1] == "address" and ipv4(w[2]) is not None:
                    plen = 32
                    if ki > 3:
                        m = _mask_len(w[3])
                        plen = 32 if m is None else m
                    if t.peer_address is None:
                        match = True
                    else:
                        net = ipaddress.IPv4Network(f"{w[2]}/{plen}", strict=False)
                        match = ipaddress.IPv4Address(t.peer_address) in net
                    if match and (best is None or plen > best[0]):
                        best = (plen, token, how, kid.line, kname)
                elif len(lw) > 2 and lw[1] == "hostname":
                    t.extra.setdefault("psk_hostnames", []).append(w[2])
        if best is None:
            self.note(
                "MISSING", f"tunnel {t.name}: no keychain pre-shared-key entry for peer {t.peer_address}", line, "error"
            )
            t.psk_state = "missing"
            return
        self.key(t, best[1], best[2], best[3], f"ike keychain {best[4]}")

    def ident(self, words: list[str]) -> Ident | None:
        lw = [x.lower() for x in words]
        if len(words) < 2:
            return None
        if lw[0] == "address" and ipv4(words[1]):
            return Ident("address", str(ipv4(words[1])))
        if lw[0] == "fqdn":
            return Ident("fqdn", words[1])
        return Ident("other", " ".join(words))

    # -------------------------------------------------------------- IKE
    def ike_v7(self, t: ParsedTunnel, pname: str | None, line: int) -> None:
        t.ike_version = 1
        if pname is None:
            self.all_ike_proposals(t, line)
            self.keychain_key(t, list(self.keychains), line)
            return
        prof = self.profiles.get(pname)
        if prof is None:
            self.note("UNRESOLVED", f"tunnel {t.name}: ike-profile {pname} is not defined", line, "error")
            t.psk_state = "missing"
            return
        prof.used = True
        kcs: list[str] = []
        numbers: list[int] = []
        mode = None
        for kid in prof.kids:
            w = kid.words
            lw = [x.lower() for x in w]
            if lw[0] == "keychain" and len(w) > 1:
                kcs.append(w[1])
            elif lw[0] == "exchange-mode" and len(w) > 1:
                mode = lw[1]
            elif lw[0] == "local-identity":
                t.local_id = self.ident(w[1:])
            elif lw[:3] == ["match", "remote", "identity"]:
                if t.peer_id is None:
                    t.peer_id = self.ident(w[3:])
            elif lw[0] == "proposal":
                for x in w[1:]:
                    n = small_int(x)
                    if n is not None:
                        numbers.append(n)
            elif lw[0] == "dpd":
                self.dpd(t, lw, kid.line)
            elif lw[0] in ("description", "priority", "match"):
                continue
            elif lw[:2] == ["certificate", "domain"]:
                t.extra["certificate_domain"] = True
            else:
                self.ignored(prof, kid, f"ike profile {pname}")
        self.mode(t, mode, prof.line)
        if numbers:
            for n in numbers:
                p = self.ike_proposal(n, t)
                if p is None:
                    self.note("UNRESOLVED", f"ike profile {pname}: proposal {n} is not defined", prof.line, "error")
                else:
                    t.ike_proposals.append(p)
        else:
            self.all_ike_proposals(t, prof.line)
        if kcs:
            self.keychain_key(t, kcs, prof.line)
        else:
            self.note("MISSING", f"ike profile {pname}: no keychain (pre-shared key)", prof.line, "error")

    def ike_v2(self, t: ParsedTunnel, pname: str, line: int) -> None:
        t.ike_version = 2
        prof = self.v2["profile"].get(pname)
        if prof is None:
            self.note("UNRESOLVED", f"tunnel {t.name}: ikev2-profile {pname} is not defined", line, "error")
            t.psk_state = "missing"
            return
        prof.used = True
        rings: list[str] = []
        for kid in prof.kids:
            w = kid.words
            lw = [x.lower() for x in w]
            if lw[0] == "keyring" and len(w) > 1:
                rings.append(w[1])
            elif lw[:2] == ["identity", "local"]:
                t.local_id = self.ident(w[2:])
            elif lw[:3] == ["match", "remote", "identity"]:
                if t.peer_id is None:
                    t.peer_id = self.ident(w[3:])
            elif lw[:2] == ["sa", "duration"] and len(lw) > 2:
                t.ike_lifetime = small_int(lw[2])
            elif lw[0] == "dpd":
                self.dpd(t, lw, kid.line)
            elif lw[0] == "authentication-method":
                if "pre-share" not in lw:
                    t.auth = "certificate"
            elif lw[0] not in ("description", "priority", "match", "inside-vpn"):
                self.ignored(prof, kid, f"ikev2 profile {pname}")
        # proposals: the ikev2 policies that match this local address (or any), in order
        names: list[str] = []
        for pol in self.v2["policy"].values():
            local = None
            props: list[str] = []
            for kid in pol.kids:
                lw = [x.lower() for x in kid.words]
                if lw[:3] == ["match", "local", "address"] and len(lw) > 3:
                    local = ipv4(kid.words[3])
                elif lw[0] == "proposal":
                    props.extend(kid.words[1:])
            if local is None or t.local_address is None or local == t.local_address:
                pol.used = True
                names.extend(x for x in props if x not in names)
        if not names:
            self.note(
                "MISSING",
                f"tunnel {t.name}: no ikev2 policy names a proposal for this local address (the default "
                "IKEv2 proposal's contents are not in the sources)",
                line,
                "error",
            )
        for n in names:
            obj = self.v2["proposal"].get(n)
            if obj is None:
                self.note("UNRESOLVED", f"ikev2 proposal {n} is not defined", line, "error")
                continue
            obj.used = True
            vals: dict[str, list[str]] = {"encryption": [], "integrity": [], "dh": []}
            for kid in obj.kids:
                lw = [x.lower() for x in kid.words]
                if lw[0] in vals:
                    vals[lw[0]].extend(lw[1:])
                elif lw[0] != "prf":
                    self.ignored(obj, kid, f"ikev2 proposal {n}")
            if not all(vals.values()):
                self.note(
                    "MISSING", f"ikev2 proposal {n}: encryption, integrity and dh are all needed", obj.line, "error"
                )
                continue
            for enc in vals["encryption"]:
                for integ in vals["integrity"]:
                    for dh in vals["dh"]:
                        p = Proposal(
                            lookup(VENDOR, "ike_encryption", enc, 2),
                            lookup(VENDOR, "ike_integrity", integ, 2),
                            _canon("dh_group", dh),
                        )
                        p.raw = f"{enc}-{integ}-{dh}"
                        if None in (p.encryption, p.integrity, p.dh_group):
                            self.note(
                                "UNSUPPORTED",
                                f"ikev2 proposal {n}: {p.raw} holds a value the model does not",
                                obj.line,
                                "warning",
                            )
                        t.ike_proposals.append(p)
        best: tuple[int, str, str, int, str] | None = None
        for rname in rings:
            ring = self.v2["keyring"].get(rname)
            if ring is None:
                self.note("UNRESOLVED", f"ikev2 profile {pname}: keyring {rname} is not defined", prof.line, "error")
                continue
            ring.used = True
            for peer in ring.kids:
                if peer.words[0].lower() != "peer":
                    continue
                plen, key = -1, None
                for kid in peer.children:
                    w = kid.words
                    lw = [x.lower() for x in w]
                    if lw[0] == "address" and len(w) > 1 and ipv4(w[1]):
                        m = (_mask_len(w[2]) or 32) if len(w) > 2 else 32
                        if t.peer_address is None or ipaddress.IPv4Address(t.peer_address) in ipaddress.IPv4Network(
                            f"{w[1]}/{m}", strict=False
                        ):
                            plen = m
                    elif lw[0] == "pre-shared-key":
                        rest = [x for x in lw[1:] if x not in ("local", "remote")]
                        if rest and rest[0] in ("plaintext", "ciphertext") and len(w) >= 2:
                            key = (w[-1], "cipher" if rest[0] == "ciphertext" else "simple", kid.line)
                if plen >= 0 and key is not None and (best is None or plen > best[0]):
                    best = (plen, key[0], key[1], key[2], rname)
        if best is None:
            self.note(
                "MISSING", f"tunnel {t.name}: no ikev2 keyring peer with a key for {t.peer_address}", line, "error"
            )
            t.psk_state = "missing"
        else:
            self.key(t, best[1], best[2], best[3], f"ikev2 keyring {best[4]}")

    def ike_v5(self, t: ParsedTunnel, pname: str, line: int) -> None:
        t.ike_version = 1
        peer = self.peers.get(pname)
        if peer is None:
            self.note("UNRESOLVED", f"tunnel {t.name}: ike-peer {pname} is not defined", line, "error")
            t.psk_state = "missing"
            return
        peer.used = True
        numbers: list[int] = []
        mode = None
        id_type = "ip"
        names: dict[str, str] = {}
        for kid in peer.kids:
            w = kid.words
            lw = [x.lower() for x in w]
            if lw[0] == "pre-shared-key" and len(w) > 1:
                if lw[1] in ("simple", "cipher") and len(w) > 2:
                    self.key(t, w[2], lw[1], kid.line, f"ike peer {pname}")
                else:
                    self.key(t, w[1], "simple", kid.line, f"ike peer {pname}")
            elif lw[0] == "remote-address" and len(w) > 1:
                addrs = [ipv4(x) for x in w[1:] if ipv4(x)]
                if addrs and t.peer_address is None:
                    t.peer_address = addrs[0]
                elif not addrs:
                    self.note(
                        "UNSUPPORTED",
                        f"ike peer {pname}: remote-address {w[1]} is not an IPv4 address",
                        kid.line,
                        "warning",
                    )
            elif lw[0] == "local-address" and len(w) > 1 and ipv4(w[1]):
                t.local_address = ipv4(w[1])
            elif lw[0] == "exchange-mode" and len(w) > 1:
                mode = lw[1]
            elif lw[0] == "id-type" and len(w) > 1:
                id_type = lw[1]
            elif lw[0] in ("local-name", "remote-name") and len(w) > 1:
                names[lw[0]] = w[1]
            elif lw[0] == "proposal":
                numbers.extend(n for n in (small_int(x) for x in w[1:]) if n is not None)
            elif lw[0] == "dpd":
                t.dpd_enabled = True
                t.extra["dpd"] = {"name": w[1] if len(w) > 1 else None}
            elif lw[:2] == ["nat", "traversal"]:
                t.extra["nat_traversal"] = True
            elif lw[0] == "peer":
                continue
            else:
                self.ignored(peer, kid, f"ike peer {pname}")
        if id_type == "name":
            if "local-name" in names:
                t.local_id = Ident("fqdn", names["local-name"])
            if "remote-name" in names:
                t.peer_id = Ident("fqdn", names["remote-name"])
        self.mode(t, mode, peer.line)
        if numbers:
            for n in numbers:
                p = self.ike_proposal(n, t)
                if p is None:
                    self.note("UNRESOLVED", f"ike peer {pname}: proposal {n} is not defined", peer.line, "error")
                else:
                    t.ike_proposals.append(p)
        else:
            self.all_ike_proposals(t, peer.line)
        if t.psk_state == "missing":
            self.note("MISSING", f"ike peer {pname}: no pre-shared-key", peer.line, "error")

    def mode(self, t: ParsedTunnel, mode: str | None, line: int) -> None:
        if mode in ("main", "aggressive"):
            t.mode = mode  # type: ignore[assignment]
        elif mode is None:
            t.mode = "main"
        else:
            self.note("UNSUPPORTED", f"tunnel {t.name}: exchange-mode {mode}", line, "warning")

    def dpd(self, t: ParsedTunnel, lw: list[str], line: int) -> None:
        # dpd interval N [retry M] {on-demand|periodic}
        if len(lw) >= 3 and lw[1] == "interval":
            t.dpd_enabled = True
            retry = small_int(lw[lw.index("retry") + 1]) if "retry" in lw and lw.index("retry") + 1 < len(lw) else None
            t.extra["dpd"] = {
                "interval": small_int(lw[2]),
                "retry": retry,
                "mode": "periodic" if "periodic" in lw else "on-demand",
            }

    # -------------------------------------------------------------- ESP
    def esp(self, t: ParsedTunnel, names: list[str], v5: bool, where: str, line: int) -> None:
        table = self.ipsec_props if v5 else self.tsets
        label = "proposal" if v5 else "transform-set"
        pfs_seen: list[tuple[str | None, int, str]] = []  # each transform set's pfs keyword (V7)
        for name in names:
            obj = table.get(name)
            if obj is None:
                self.note("UNRESOLVED", f"{where}: {label} {name} is not defined", line, "error")
                continue
            obj.used = True
            enc = integ = None
            proto = "esp"
            ts_pfs: tuple[str | None, int] = (None, obj.line)
            for kid in obj.kids:
                w = kid.words
                lw = [x.lower() for x in w]
                if lw[:2] == ["esp", "encryption-algorithm"] and len(w) > 2:
                    enc = " ".join(lw[2:4]) if v5 and len(lw) > 3 else lw[2]
                    if not v5 and len(lw) > 3:
                        self.note(
                            "IGNORED",
                            f"ipsec {label} {name}: with IKEv1 only the first ESP encryption algorithm ({lw[2]}) is used",
                            kid.line,
                        )
                elif lw[:2] == ["esp", "authentication-algorithm"] and len(w) > 2:
                    integ = lw[2]
                    if len(lw) > 3:
                        self.note(
                            "IGNORED",
                            f"ipsec {label} {name}: with IKEv1 only the first ESP authentication algorithm ({lw[2]}) is used",
                            kid.line,
                        )
                elif lw[0] in ("protocol", "transform") and len(w) > 1:
                    proto = lw[1]
                elif lw[0] == "encapsulation-mode" and len(w) > 1:
                    if lw[1] != "tunnel":
                        self.note(
                            "UNSUPPORTED",
                            f"ipsec {label} {name}: encapsulation-mode {lw[1]} (the model holds tunnel mode)",
                            kid.line,
                            "warning",
                        )
                elif lw[0] == "pfs" and len(w) > 1:
                    ts_pfs = (lw[1], kid.line)
                elif lw[0] in ("ah", "description", "esn"):
                    continue
                else:
                    self.ignored(obj, kid, f"ipsec {label} {name}")
            pfs_seen.append((ts_pfs[0], ts_pfs[1], name))
            if proto != "esp":
                self.note(
                    "UNSUPPORTED",
                    f"ipsec {label} {name}: protocol {proto} (the model holds ESP only)",
                    obj.line,
                    "warning",
                )
                if proto == "ah":
                    continue
            if v5:
                d = self.v.defaults["ipsec_proposal_v5"]["values"]
                if enc is None or integ is None:
                    self.note(
                        "DEFAULT",
                        f"ipsec proposal {name}: {'encryption ' + d['encryption'] if enc is None else ''}"
                        f"{' ' if enc is None and integ is None else ''}{'integrity ' + d['integrity'] if integ is None else ''} "
                        f"({self.v.defaults['ipsec_proposal_v5']['source']})",
                        obj.line,
                    )
                    t.defaulted.setdefault("esp_proposals", self.v.defaults["ipsec_proposal_v5"]["source"])
                enc = enc or d["encryption"]
                integ = integ or d["integrity"]
            elif enc is None:
                self.note(
                    "MISSING",
                    f"ipsec transform-set {name}: no esp encryption-algorithm (no default on Comware V7)",
                    obj.line,
                    "error",
                )
                continue
            p = Proposal(_canon("esp_encryption", enc), _canon("esp_integrity", integ) if integ else None)
            p.raw = f"{enc}-{integ or 'none'}"
            if p.encryption is None or (integ and p.integrity is None):
                self.note(
                    "UNSUPPORTED", f"ipsec {label} {name}: {p.raw} is not a value the model holds", obj.line, "warning"
                )
            t.esp_proposals.append(p)
        if pfs_seen:
            first = pfs_seen[0]
            if len({x[0] for x in pfs_seen}) > 1:
                each = ", ".join(f"{n}: {k or 'none'}" for k, _, n in pfs_seen)
                self.note(
                    "UNSUPPORTED",
                    f"{where}: its transform sets differ in PFS ({each}); the model holds one PFS group per "
                    "tunnel: the first transform set's is read",
                    line,
                    "warning",
                )
            if first[0] is not None:
                self.pfs(t, first[0], first[1], f"ipsec {label} {first[2]}")

    def pfs(self, t: ParsedTunnel, kw: str, line: int, where: str) -> None:
        g = _canon("pfs_group", kw)
        if g is None:
            t.pfs_unknown = True
            self.note("UNSUPPORTED", f"{where}: pfs {kw} is not a group the model holds", line, "warning")
        else:
            t.pfs = int(g)

    def lifetimes(self, t: ParsedTunnel, secs: int | None, kb: int | None, line: int) -> None:
        d = self.v.defaults["ipsec_sa_lifetime"]
        if secs is None:
            secs = self.global_seconds
        if secs is None:
            secs = int(d["seconds"])
            t.defaulted["ipsec_lifetime_seconds"] = d["source"]
        if kb is None:
            kb = self.global_kb
        if kb is None:
            kb = int(d["kilobytes"])
            t.defaulted["ipsec_lifetime_kb"] = d["source"]
        t.ipsec_lifetime_seconds, t.ipsec_lifetime_kb = secs, kb
        if "ipsec_lifetime_seconds" in t.defaulted or "ipsec_lifetime_kb" in t.defaulted:
            self.note("DEFAULT", f"tunnel {t.name}: IPsec SA lifetime from the global default ({d['source']})", line)

    def unique(self, name: str, fallback: str) -> str:
        for cand in (name, fallback):
            if cand not in self.names:
                self.names.add(cand)
                return cand
        n = 2
        while f"{fallback}-{n}" in self.names:
            n += 1
        self.names.add(f"{fallback}-{n}")
        return f"{fallback}-{n}"

    def iface_addr(self, iname: str) -> tuple[str | None, int | None]:
        obj = self.ifaces.get(iname)
        if obj is None:
            return None, None
        for kid in obj.kids:
            w = kid.words
            if len(w) >= 4 and w[0].lower() == "ip" and w[1].lower() == "address" and ipv4(w[2]):
                return ipv4(w[2]), _mask_len(w[3])
        return None, None

    # ------------------------------------------------------------ tunnels
    def build(self) -> None:
        applied: dict[str, list[str]] = {}
        shut: set[str] = set()
        for iname, obj in self.ifaces.items():
            for kid in obj.kids:
                lw = [x.lower() for x in kid.words]
                if lw[:3] == ["ipsec", "apply", "policy"] and len(lw) > 3:
                    applied.setdefault(kid.words[3], []).append(iname)
                elif lw[:2] == ["ipsec", "policy"] and len(lw) > 2:
                    applied.setdefault(kid.words[2], []).append(iname)
                elif lw == ["shutdown"]:
                    shut.add(iname)
        # an interface block repeated (a config pasted in pieces) applies a policy once
        applied = {p: list(dict.fromkeys(names)) for p, names in applied.items()}
        for (pname, seq), obj in self.policies.items():
            self.policy_tunnel(pname, seq, obj, applied.get(pname, []), shut)
        for iname, obj in self.ifaces.items():
            heads = [[x.lower() for x in k.words][:3] for k in obj.kids]
            if (
                obj.extra.get("mode") == "ipsec"
                or ["tunnel", "protection", "ipsec"] in heads
                or any(h[:2] == ["tunnel-protocol", "ipsec"] for h in heads)
            ):
                self.tunnel_iface(iname, obj, iname in shut)
        for what, table in (
            ("ike profile", self.profiles),
            ("ike keychain", self.keychains),
            ("ike peer", self.peers),
            ("ipsec transform-set", self.tsets),
            ("ipsec proposal", self.ipsec_props),
            ("ipsec profile", self.ipsec_profiles),
            ("ikev2 profile", self.v2["profile"]),
            ("ikev2 keyring", self.v2["keyring"]),
            ("ikev2 proposal", self.v2["proposal"]),
        ):
            for key, o in table.items():
                if not o.used:
                    self.note("UNUSED", f"{what} {key} is defined but no tunnel uses it", o.line)

    def policy_tunnel(self, pname: str, seq: int, obj: _Obj, ifaces: list[str], shut: set[str]) -> None:
        where = f"ipsec policy {pname} {seq}"
        mode = obj.extra.get("mode")
        if mode == "manual":
            self.note(
                "UNSUPPORTED", f"{where}: a manual policy (static keys, no IKE) is not modelled", obj.line, "warning"
            )
            return
        if obj.extra.get("template"):
            self.note(
                "UNSUPPORTED",
                f"{where}: built on policy template {obj.extra['template']} (responder only, no peer)",
                obj.line,
                "warning",
            )
            return
        tsets: list[str] = []
        props: list[str] = []
        remotes: list[str] = []
        acl = None
        local = None
        refs: dict[str, Any] = {}
        pfs_kw: tuple[str, int] | None = None
        for kid in obj.kids:
            w = kid.words
            lw = [x.lower() for x in w]
            if lw[0] == "transform-set":
                tsets.extend(w[1:])
            elif lw[0] == "proposal":
                props.extend(w[1:])
            elif lw[:2] == ["security", "acl"] and len(w) > 2:
                acl = w[3] if lw[2] == "name" and len(w) > 3 else w[2]
            elif lw[0] == "remote-address" and len(w) > 1:
                a = w[2] if lw[1] == "ipv6" and len(w) > 2 else w[1]
                if ipv4(a):
                    remotes.append(str(ipv4(a)))
                else:
                    self.note(
                        "UNSUPPORTED",
                        f"{where}: remote-address {a} is not an IPv4 address (a host name?)",
                        kid.line,
                        "warning",
                    )
            elif lw[0] == "local-address" and len(w) > 1 and ipv4(w[1]):
                local = ipv4(w[1])
            elif _sa_ref(lw, w, refs):
                continue
            elif lw[0] == "pfs" and len(w) > 1:
                pfs_kw = (lw[1], kid.line)
            elif lw[0] in ("description", "sa", "reverse-route", "qos"):
                continue
            else:
                self.ignored(obj, kid, where)
        ike_profile, ike_peer, ikev2_profile = refs.get("ike-profile"), refs.get("ike-peer"), refs.get("ikev2-profile")
        secs, kb = refs.get("time-based"), refs.get("traffic-based")
        fallback = f"{pname}-{seq}"
        prof_name = ike_profile or ikev2_profile
        ours = prof_name[4:] if prof_name and prof_name.startswith("IKP-") and len(prof_name) > 4 else None
        t = ParsedTunnel(name=self.unique(ours or fallback, fallback), line=obj.line, variant="policy")
        t.extra.update({"ipsec_policy": pname, "seq": seq, "interfaces": ifaces})
        if remotes:
            t.peer_address = remotes[0]
            for b in remotes[1:]:
                t.backup_peers.append(b)
                self.note("BACKUP-PEER", f"{where}: remote-address {b} is a backup peer of {remotes[0]}", obj.line)
        t.local_address = local
        if t.local_address is None:
            for i in ifaces:
                addr, _ = self.iface_addr(i)
                if addr:
                    t.local_address = addr
                    break
        if ike_peer is not None:
            self.ike_v5(t, ike_peer, obj.line)
        elif ikev2_profile is not None:
            self.ike_v2(t, ikev2_profile, obj.line)
        else:
            self.ike_v7(t, ike_profile, obj.line)
        if t.peer_address is None:
            self.note("MISSING", f"{where}: no remote-address (peer)", obj.line, "error")
        if t.local_address is None:
            for i in ifaces:
                addr, _ = self.iface_addr(i)
                if addr:
                    t.local_address = addr
                    break
        if t.local_address is None and t.local_id is not None and t.local_id.type == "address":
            t.local_address = t.local_id.value
        if pfs_kw is not None:
            self.pfs(t, pfs_kw[0], pfs_kw[1], where)
        if tsets:
            self.esp(t, tsets, False, where, obj.line)
        elif props:
            self.esp(t, props, True, where, obj.line)
        else:
            self.note("MISSING", f"{where}: no transform-set (ESP proposal)", obj.line, "error")
        self.lifetimes(t, secs, kb, obj.line)
        if acl is None:
            self.note("MISSING", f"{where}: no security acl (traffic selectors)", obj.line, "error")
        else:
            t.selectors = self.acl_selectors(acl, obj.line, where)
        if not ifaces:
            self.note(
                "UNUSED",
                f"{where}: the policy is applied to no interface (ipsec apply policy {pname})",
                obj.line,
                "warning",
            )
        elif all(i in shut for i in ifaces):
            self.note(
                "INACTIVE", f"{where}: applied only to shut-down interface(s) {', '.join(ifaces)}", obj.line, "warning"
            )
            t.extra["inactive"] = True
        self.finish(t)

    def tunnel_iface(self, iname: str, obj: _Obj, shut: bool) -> None:
        where = f"interface {iname}"
        prof = src = dst = None
        addr: str | None = None
        plen: int | None = None
        addrs: list[str] = []
        for kid in obj.kids:
            w = kid.words
            lw = [x.lower() for x in w]
            if lw[:4] == ["tunnel", "protection", "ipsec", "profile"] and len(w) > 4:
                prof = w[4]
            elif lw[:2] == ["ipsec", "profile"] and len(w) > 2:
                prof = w[2]  # Comware V5: `ipsec profile P` on a `tunnel-protocol ipsec ipv4` interface
            elif lw[:2] == ["tunnel-protocol", "ipsec"]:
                obj.extra["mode"] = "ipsec"
            elif lw[0] == "source" and len(w) > 1:
                src = w[1]
            elif lw[0] == "destination" and len(w) > 1:
                dst = w[1]
            elif lw[:2] == ["ip", "address"] and len(w) >= 4 and ipv4(w[2]):
                ml = _mask_len(w[3])
                if ml is not None:
                    addrs.append(f"{ipv4(w[2])}/{ml}")
                if lw[4:5] != ["sub"]:  # the primary address; `sub` ones are further addresses
                    addr, plen = ipv4(w[2]), ml
        if obj.extra.get("mode") != "ipsec":
            self.note(
                "UNSUPPORTED",
                f"{where}: tunnel protection on a tunnel that is not mode ipsec ({obj.extra.get('mode') or 'gre'})",
                obj.line,
                "warning",
            )
        if prof is None:
            self.note("MISSING", f"{where}: an IPsec tunnel interface without an ipsec profile", obj.line, "error")
            return
        ours = prof[4:] if prof.startswith("IPP-") and len(prof) > 4 else None
        t = ParsedTunnel(name=self.unique(ours or iname, iname), line=obj.line, variant="tunnel")
        t.route_based = True
        t.selectors = [("0.0.0.0/0", "0.0.0.0/0")]
        t.extra["interface"] = iname
        if dst and ipv4(dst):
            t.peer_address = ipv4(dst)
        else:
            self.note("MISSING", f"{where}: no destination address (peer)", obj.line, "error")
        if src:
            t.local_address = ipv4(src) or self.iface_addr(src)[0]
        p = self.ipsec_profiles.get(prof)
        if p is None:
            self.note("UNRESOLVED", f"{where}: ipsec profile {prof} is not defined", obj.line, "error")
        else:
            p.used = True
            pwhere = f"ipsec profile {prof}"
            if p.extra.get("mode") == "manual":
                self.note("UNSUPPORTED", f"{pwhere}: manual keys are not modelled", p.line, "warning")
            tsets: list[str] = []
            refs: dict[str, Any] = {}
            for kid in p.kids:
                w = kid.words
                lw = [x.lower() for x in w]
                if lw[0] in ("transform-set", "proposal"):
                    tsets.extend(w[1:])
                elif _sa_ref(lw, w, refs):
                    continue
                elif lw[0] == "pfs" and len(w) > 1:
                    self.pfs(t, lw[1], kid.line, pwhere)
                elif lw[0] not in ("description", "sa"):
                    self.ignored(p, kid, pwhere)
            ike_profile, ike_peer, ikev2_profile = (
                refs.get("ike-profile"),
                refs.get("ike-peer"),
                refs.get("ikev2-profile"),
            )
            secs, kb = refs.get("time-based"), refs.get("traffic-based")
            if ike_peer is not None:
                self.ike_v5(t, ike_peer, p.line)
            elif ikev2_profile is not None:
                self.ike_v2(t, ikev2_profile, p.line)
            else:
                self.ike_v7(t, ike_profile, p.line)
            if tsets:
                self.esp(t, tsets, ike_peer is not None, pwhere, p.line)
            else:
                self.note("MISSING", f"{pwhere}: no transform-set (ESP proposal)", p.line, "error")
            self.lifetimes(t, secs, kb, p.line)
        if t.local_address is None and t.local_id is not None and t.local_id.type == "address":
            t.local_address = t.local_id.value
        mine = self.routes_via().get(iname.lower(), [])
        t.routes = [net for net, _, _, _ in mine]
        self.note(
            "SELECTORS",
            f"{where}: an IPsec tunnel interface negotiates 0.0.0.0/0 <-> 0.0.0.0/0; traffic is routed into it",
            obj.line,
        )
        if addr is not None:
            t.bgp = self.bgp_for(addr, plen, t)
        t.point_to_point, hc_routes = health_check_pairs(addrs, t.routes, t.bgp.peer_ip if t.bgp else None)
        if hc_routes:  # the host route to the cloud's health-check end is no VPC range
            mine = [r for r in mine if r[0] not in hc_routes]
            t.routes = [net for net, _, _, _ in mine]
        self.route_preference(t, mine, iname)
        if shut:
            self.note("INACTIVE", f"{where}: shutdown", obj.line, "warning")
            t.extra["inactive"] = True
        self.finish(t)

    def route_preference(self, t: ParsedTunnel, mine: list[tuple[str, str, int | None, int]], iname: str) -> None:
        """``route_preference``: the ``preference`` of the static routes into the
        interface (none written: the default of vendor.yaml ``defaults:
        static_route_preference``); different ones: the lowest, AMBIGUOUS."""
        d = self.v.defaults["static_route_preference"]
        lowest_route_preference(
            self.dev,
            t,
            ((p, line, f"ip route-static {net} {iname}") for net, _, p, line in mine),
            (int(d["value"]), str(d["source"])),
            "preferences",
            iname,
        )

    def import_local_preference(self, name: str) -> int | None:
        """The local preference a route-policy sets on every route: its nodes are
        ``permit`` with no ``if-match`` and one ``apply local-preference N``; None otherwise."""
        nodes = self.route_policies.get(name)
        if not nodes:
            return None
        values: set[int | None] = set()
        for n in nodes:
            lw = [x.lower() for x in n.words]
            if "permit" not in lw:
                return None
            got: int | None = None
            for kid in n.children:
                kw = [x.lower() for x in kid.words]
                if kw[:1] == ["if-match"]:
                    return None
                if kw[:2] == ["apply", "local-preference"] and len(kw) == 3:
                    got = small_int(kw[2])
            values.add(got)
        return values.pop() if len(values) == 1 else None

    def bgp_for(self, addr: str, plen: int | None, t: ParsedTunnel) -> ParsedBgp | None:
        if self.bgp is None or plen is None:
            return None
        net = ipaddress.IPv4Network(f"{addr}/{plen}", strict=False)
        peers: dict[str, dict[str, Any]] = {}
        networks: list[str] = []

        def walk(nodes: list[Node]) -> None:
            for kid in nodes:
                w = kid.words
                lw = [x.lower() for x in w]
                if lw[0] == "peer" and len(w) >= 3 and ipv4(w[1]):
                    d = peers.setdefault(str(ipv4(w[1])), {"line": kid.line})
                    if lw[2] == "as-number" and len(w) > 3:
                        d["asn"] = small_int(w[3])
                    elif lw[2] == "route-policy" and len(w) > 4 and lw[4] == "import":
                        d["import_policy"] = w[3]
                    elif lw[2] == "timer" and "keepalive" in lw and "hold" in lw:
                        ki, hi = lw.index("keepalive"), lw.index("hold")
                        d["keepalive"] = small_int(w[ki + 1]) if ki + 1 < len(w) else None
                        d["hold"] = small_int(w[hi + 1]) if hi + 1 < len(w) else None
                elif lw[0] == "network" and len(w) >= 2 and ipv4(w[1]):
                    m = _mask_len(w[2]) if len(w) > 2 else 32
                    if m is not None:
                        networks.append(str(ipaddress.IPv4Network(f"{w[1]}/{m}", strict=False)))
                elif lw[0] == "address-family":
                    walk(kid.children)

        walk(self.bgp.kids)
        for ip, d in peers.items():
            if ipaddress.IPv4Address(ip) in net and ip != addr:
                if d.get("import_policy"):
                    t.extra["bgp_import_policy"] = d["import_policy"]
                return ParsedBgp(
                    local_asn=small_int(self.bgp.name),
                    peer_asn=d.get("asn"),
                    local_ip=addr,
                    peer_ip=ip,
                    prefixlen=plen,
                    hold_time=d.get("hold"),
                    keepalive=d.get("keepalive"),
                    advertise=networks,
                    local_preference=(
                        self.import_local_preference(d["import_policy"]) if d.get("import_policy") else None
                    ),
                    line=d["line"],
                )
        return None

    def finish(self, t: ParsedTunnel) -> None:
        if t.extra.get("certificate_proposals") and len(t.extra["certificate_proposals"]) == len(t.ike_proposals):
            t.auth = "certificate"
        self.dev.tunnels.append(t)


def _globals_flush_left(text: str) -> str:
    """Comware prints global one-line commands one space in, each run right
    after a bare ``#`` separator (`` sysname X``, `` ipsec sa global-duration
    ...``): those lines are top level, not children of the block above."""
    lines = text.split("\n")
    run = False
    changed = False
    for i, line in enumerate(lines):
        if line.rstrip() == "#":
            run = True
        elif line[:1] not in (" ", "") or line.lstrip().startswith("#"):
            run = line.lstrip().startswith("#") and run
        elif run and line[:1] == " " and line[1:2] not in (" ", ""):
            lines[i] = line[1:]
            changed = True
        elif line.strip():
            run = False
    return "\n".join(lines) if changed else text


def parse(text: str, name: str) -> ParsedDevice:
    dev = ParsedDevice(vendor=VENDOR, file=name)
    text, notes = normalize(_globals_flush_left(text), VENDOR)
    for rule, line, sev, msg in notes:
        dev.note(rule, msg, line, sev)
    r = _Reader(dev)
    r.read(tree(text, comment="#"))
    r.build()
    return dev
