"""VyOS: `set` commands (``show configuration commands``) and config.boot (curly
braces, ``show configuration``), 1.3 "equuleus" and 1.4+ "sagitta"/"circinus"
syntax alike, into ParsedTunnels (the device's point of view).

Both forms become one tree of words (a `set` line is a path; a curly block
``peer X {`` extends the path of its parent), so the reading of the tree is
the same for both. 1.3 keys a peer by its address and holds the key in the
peer (``authentication pre-shared-secret``); 1.4 names the peer, gives its
``remote-address`` and finds the key in ``vpn ipsec authentication psk NAME``
by the two identities. Both are read wherever they appear. Sources: README.md.
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

VENDOR = Path(__file__).resolve().parent.name

# a CLI prompt before a typed command (vyos@vyos:~$ show ..., vyos@vyos# set ...)
_PROMPT = re.compile(r"^[\w.-]+@[\w.-]+(?::[^\s#$]*)?[#$]\s*")
# one word of a set line: 'single', "double" (backslash escapes), or bare
_WORD = re.compile(r"""'([^']*)('?)|"((?:[^"\\]|\\.)*)("?)|([^\s'"]+)""")
_RELEASE = re.compile(r"Release version:\s*([0-9][0-9A-Za-z.+-]*)")
_PLACEHOLDER = re.compile(r"^(?:<[^<>]*>|\$\{[^{}]*\}|\{\{[^{}]*\}\})$")
# verbs of configuration mode that carry no configuration
_QUIET_VERBS = frozenset(
    {"commit", "save", "configure", "exit", "run", "edit", "top", "up", "compare", "show", "load", "discard", "end"}
)
_DEFAULTS_CACHE: dict[str, Any] = {}
# statements of `vpn ipsec` that hold nothing of a tunnel (interfaces IPsec runs on, logging,
# daemon options) or that are read elsewhere
_IPSEC_KNOWN = frozenset(
    {
        "authentication",
        "esp-group",
        "ike-group",
        "site-to-site",
        "profile",
        "remote-access",
        "interface",
        "ipsec-interfaces",
        "options",
        "log",
        "logging",
        "auto-update",
        "nat-traversal",
        "nat-networks",
        "disable-uniqreqids",
        "charon",
        "allow-access-to-local-interface",
    }
)


class Node:
    """One word of the configuration tree: its children by word, in order."""

    __slots__ = ("children", "line")

    def __init__(self, line: int) -> None:
        self.children: dict[str, Node] = {}
        self.line = line

    def get(self, *path: str) -> Node | None:
        node: Node | None = self
        for p in path:
            node = node.children.get(p) if node is not None else None
        return node

    def add(self, words: list[str], line: int) -> None:
        node = self
        for w in words:
            child = node.children.get(w)
            if child is None:
                child = node.children[w] = Node(line)
            node = child
        node.line = line  # a value set again: its line is the last one

    def remove(self, words: list[str]) -> bool:
        node = self
        for w in words[:-1]:
            nxt = node.children.get(w)
            if nxt is None:
                return False
            node = nxt
        return node.children.pop(words[-1], None) is not None if words else False


def _defaults() -> dict[str, Any]:
    if not _DEFAULTS_CACHE:
        from vpnconf.catalog import vendors

        _DEFAULTS_CACHE.update(vendors()[VENDOR].defaults)
    return _DEFAULTS_CACHE


# ------------------------------------------------------------------ reading the text
def _set_words(line: str, n: int, dev: ParsedDevice) -> list[str]:
    words: list[str] = []
    for m in _WORD.finditer(line):
        if m.group(5) is not None:
            words.append(m.group(5))
        elif m.group(1) is not None:
            if not m.group(2):
                dev.note("SYNTAX", "a quote is left open: the value ends at the line's end", n, "warning")
            words.append(m.group(1))
        else:
            if not m.group(4):
                dev.note("SYNTAX", "a quote is left open: the value ends at the line's end", n, "warning")
            words.append(re.sub(r"\\(.)", r"\1", m.group(3)))
    return words


def _read_set(lines: list[str], dev: ParsedDevice) -> Node:
    root = Node(0)
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#") or line == "[edit]" or line.startswith("[edit "):
            continue
        m = _PROMPT.match(line)
        if m:
            line = line[m.end() :]
            if not line:
                continue
        words = _set_words(line, n, dev)
        if not words:
            continue
        verb, path = words[0], words[1:]
        if verb == "set" and path:
            root.add(path, n)
        elif verb == "delete" and path:
            if not root.remove(path):
                dev.note("SYNTAX", f"'delete {' '.join(path[:4])} ...' removes nothing set before it", n, "info")
        elif verb in ("comment", "rename", "copy"):
            dev.note("IGNORED", f"'{verb}' is not read (no configuration value)", n)
        elif verb in _QUIET_VERBS:
            continue
        else:
            dev.note("SYNTAX", f"not a set/delete command: {' '.join(words[:3])!r}", n, "warning")
    return root


def _read_curly(text: str, dev: ParsedDevice) -> Node:
    from vpnconf.parsing.braces import build

    # '//' lines (the config.boot version footer of 1.3+) are comments braces.build does
    # not know: blanked, so line numbers stay the same
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.lstrip().startswith("//"):
            lines[i] = ""
    tree, notes = build("\n".join(lines), statement_per_line=True)
    for rule, at, severity, message in notes:
        dev.note(rule, message, at, severity)
    root = Node(0)

    stack: list[tuple[Any, list[str]]] = [(tree, [])]  # iterative: deep nesting must not exhaust the stack
    while stack:
        node, path = stack.pop()
        blocks = []
        for child in node.children:
            if child.words:
                root.add([*path, *child.words], child.line)
            if child.block:
                blocks.append((child, [*path, *child.words]))
        stack.extend(reversed(blocks))
    return root


def _is_set_form(lines: list[str]) -> bool:
    sets = braces = 0
    for line in lines:
        s = line.strip()
        if s.endswith("{") or s == "}":
            braces += 1
        else:
            m = _PROMPT.match(s)
            if m:
                s = s[m.end() :]
            if s.startswith(("set ", "delete ")):
                sets += 1
    return sets >= braces


# ------------------------------------------------------------------ tree helpers
@dataclass
class _Ctx:
    dev: ParsedDevice
    root: Node
    legacy: bool
    release: str | None
    used_ike: set[str] = field(default_factory=set)
    used_esp: set[str] = field(default_factory=set)
    used_psk: set[str] = field(default_factory=set)
    groups: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    psk_index: dict[str, list[str]] | None = None
    psk_ids: dict[str, set[str]] = field(default_factory=dict)  # psk name -> its ids
    neighbors: dict[str, Node] | None = None
    #: interface -> (destination, distance written or None, line) of its static routes
    route_distances: dict[str, list[tuple[str, int | None, int]]] = field(default_factory=dict)


def _value(ctx: _Ctx, node: Node | None, key: str) -> tuple[str | None, int | None]:
    """The single value of leaf ``key`` under ``node`` (the last set when several)."""
    if node is None:
        return None, None
    leaf = node.children.get(key)
    if leaf is None:
        return None, None
    if not leaf.children:
        return "", leaf.line  # a valueless leaf
    vals = list(leaf.children.items())
    if len(vals) > 1:
        name, last = max(vals, key=lambda kv: kv[1].line)
        ctx.dev.note(
            "AMBIGUOUS",
            f"{key} has {len(vals)} values ({', '.join(v for v, _ in vals[:4])}): the last set, {name}, is read",
            last.line,
        )
        return name, last.line
    return vals[0][0], vals[0][1].line


def _values(node: Node | None, key: str) -> list[tuple[str, int]]:
    leaf = node.children.get(key) if node is not None else None
    return [] if leaf is None else [(v, n.line) for v, n in leaf.children.items()]


def _ident(value: str | None) -> Ident | None:
    if value is None or value in ("", "%any", "any"):
        return None
    if ipv4(value) is not None:
        return Ident("address", value)
    try:
        ipaddress.IPv6Address(value)
        return Ident("address", value)
    except ValueError:
        pass
    if value.startswith("@"):
        return Ident("fqdn", value[1:]) if value[1:] else None
    if "@" in value or "=" in value:
        return Ident("other", value)
    return Ident("fqdn", value)


def _num_key(k: str) -> tuple[int, str]:
    return (int(k), k) if k.isdigit() and len(k) < 9 else (1 << 30, k)


# ------------------------------------------------------------------ groups
def _proposals(ctx: _Ctx, gname: str, gnode: Node, kind: str, defaulted: dict[str, str]) -> list[Proposal]:
    dev = ctx.dev
    d = _defaults()
    out: list[Proposal] = []
    props = gnode.children.get("proposal")
    if props is None or not props.children:
        dev.note("MISSING", f"{kind}-group {gname} has no proposal", gnode.line, "error")
        return out
    for num, pnode in sorted(props.children.items(), key=lambda kv: _num_key(kv[0])):
        enc, _ = _value(ctx, pnode, "encryption")
        hsh, _ = _value(ctx, pnode, "hash")
        dh: str | None = None
        if enc is None:
            enc = str(d["proposal_encryption"]["value"])
            defaulted[f"{kind}_proposal_{num}_encryption"] = d["proposal_encryption"]["source"]
            dev.note("DEFAULT", f"{kind}-group {gname} proposal {num}: encryption {enc} (default)", pnode.line)
        if hsh is None:
            hsh = str(d["proposal_hash"]["value"])
            defaulted[f"{kind}_proposal_{num}_hash"] = d["proposal_hash"]["source"]
            dev.note("DEFAULT", f"{kind}-group {gname} proposal {num}: hash {hsh} (default)", pnode.line)
        if kind == "ike":
            dh, _ = _value(ctx, pnode, "dh-group")
            if dh is None:
                dh = str(d["proposal_dh_group"]["value"])
                defaulted[f"ike_proposal_{num}_dh_group"] = d["proposal_dh_group"]["source"]
                dev.note("DEFAULT", f"ike-group {gname} proposal {num}: dh-group {dh} (default)", pnode.line)
        table = "ike" if kind == "ike" else "esp"
        c_enc = lookup(VENDOR, f"{table}_encryption", enc)
        c_int = lookup(VENDOR, f"{table}_integrity", hsh)
        c_dh = lookup(VENDOR, "dh_group", dh) if dh is not None else None
        for what, raw, canon in (("encryption", enc, c_enc), ("hash", hsh, c_int), ("dh-group", dh, c_dh)):
            if raw is not None and canon is None:
                dev.note(
                    "UNSUPPORTED",
                    f"{kind}-group {gname} proposal {num}: {what} {raw} is not a value the model holds",
                    pnode.line,
                    "error",
                )
        if _value(ctx, pnode, "prf")[0] is not None:
            dev.note("UNSUPPORTED", f"ike-group {gname} proposal {num}: a separate prf is not carried", pnode.line)
        aead = c_enc in ("aes128gcm", "aes192gcm", "aes256gcm", "chacha20poly1305")
        if aead and kind == "esp":
            dev.note(
                "NOT-CARRIED",
                f"esp-group {gname} proposal {num}: {enc} is an AEAD cipher; hash {hsh} beside it is not carried",
                pnode.line,
            )
            c_int = None
        raw_text = f"{enc}-{hsh}" + (f"-dh{dh}" if dh is not None else "")
        out.append(Proposal(c_enc, c_int, c_dh if isinstance(c_dh, int) else None, raw_text))
    return out


def _ike_group(ctx: _Ctx, name: str) -> dict[str, Any] | None:
    key = ("ike", name)
    if key in ctx.groups:
        return ctx.groups[key]
    gnode = ctx.root.get("vpn", "ipsec", "ike-group", name)
    if gnode is None:
        return None
    dev, d = ctx.dev, _defaults()
    g: dict[str, Any] = {"defaulted": {}, "line": gnode.line}
    g["proposals"] = _proposals(ctx, name, gnode, "ike", g["defaulted"])
    kx, line = _value(ctx, gnode, "key-exchange")
    g["version"] = {"ikev1": 1, "ikev2": 2}.get(kx or "")
    if kx is None:
        dev.note(
            "DEFAULT",
            f"ike-group {name}: no key-exchange, so both IKEv1 and IKEv2 are accepted (IKEv2 when initiating)",
            gnode.line,
        )
    elif g["version"] is None:
        dev.note("UNSUPPORTED", f"ike-group {name}: key-exchange {kx} is not ikev1 or ikev2", line, "error")
    mode, line = _value(ctx, gnode, "mode")
    if mode is None:
        g["mode"] = d["mode"]["value"]
        if g["version"] != 2:
            g["defaulted"]["mode"] = d["mode"]["source"]
            dev.note("DEFAULT", f"ike-group {name}: IKEv1 mode main (default)", gnode.line)
    elif mode in ("main", "aggressive"):
        g["mode"] = mode
    else:
        g["mode"] = "main"
        dev.note("UNSUPPORTED", f"ike-group {name}: mode {mode} is not main or aggressive", line, "error")
    life, line = _value(ctx, gnode, "lifetime")
    if life is None:
        g["lifetime"] = d["ike_lifetime"]["value"]
        g["defaulted"]["ike_lifetime"] = d["ike_lifetime"]["source"]
        dev.note("DEFAULT", f"ike-group {name}: lifetime {g['lifetime']} s (default)", gnode.line)
    else:
        g["lifetime"] = small_int(life)
        if g["lifetime"] is None:
            dev.note("UNSUPPORTED", f"ike-group {name}: lifetime {life} is not a number of seconds", line, "error")
    dpd = gnode.children.get("dead-peer-detection")
    g["dpd"] = None
    if dpd is not None:
        legacy_default = ctx.legacy or (ctx.release or "").startswith(("1.2", "1.3"))
        act, _ = _value(ctx, dpd, "action")
        if act is None:
            act = str(d["dpd_action"]["1.3" if legacy_default else "1.4"])
            dev.note("DEFAULT", f"ike-group {name}: dead-peer-detection action {act} (default)", dpd.line)
        iv, _ = _value(ctx, dpd, "interval")
        to, _ = _value(ctx, dpd, "timeout")
        if iv is None:
            dev.note("DEFAULT", f"ike-group {name}: dead-peer-detection interval 30 s (default)", dpd.line)
        if to is None:
            dev.note("DEFAULT", f"ike-group {name}: dead-peer-detection timeout 120 s (default)", dpd.line)
        g["dpd"] = {
            "action": act,
            "interval": small_int(iv) if iv is not None else d["dpd_interval"]["value"],
            "timeout": small_int(to) if to is not None else d["dpd_timeout"]["value"],
        }
    known = {"proposal", "key-exchange", "mode", "lifetime", "dead-peer-detection", "close-action", "ikev2-reauth"}
    known |= {"mobike", "disable-mobike"}
    for k, child in gnode.children.items():
        if k not in known:
            dev.note("IGNORED", f"ike-group {name}: {k} is not read", child.line)
    ctx.groups[key] = g
    return g


def _esp_group(ctx: _Ctx, name: str) -> dict[str, Any] | None:
    key = ("esp", name)
    if key in ctx.groups:
        return ctx.groups[key]
    gnode = ctx.root.get("vpn", "ipsec", "esp-group", name)
    if gnode is None:
        return None
    dev, d = ctx.dev, _defaults()
    g: dict[str, Any] = {"defaulted": {}, "line": gnode.line}
    g["proposals"] = _proposals(ctx, name, gnode, "esp", g["defaulted"])
    mode, line = _value(ctx, gnode, "mode")
    g["mode"] = mode or "tunnel"
    g["mode_line"] = line or gnode.line
    pfs, line = _value(ctx, gnode, "pfs")
    if pfs is None:
        pfs = str(d["pfs"]["value"])
        g["defaulted"]["pfs"] = d["pfs"]["source"]
        dev.note("DEFAULT", f"esp-group {name}: pfs enable (default): the IKE group's first DH group", gnode.line)
    g["pfs"] = pfs
    g["pfs_line"] = line or gnode.line
    life, line = _value(ctx, gnode, "lifetime")
    if life is None:
        g["lifetime"] = d["ipsec_lifetime"]["value"]
        g["defaulted"]["ipsec_lifetime_seconds"] = d["ipsec_lifetime"]["source"]
        dev.note("DEFAULT", f"esp-group {name}: lifetime {g['lifetime']} s (default)", gnode.line)
    else:
        g["lifetime"] = small_int(life)
        if g["lifetime"] is None:
            dev.note("UNSUPPORTED", f"esp-group {name}: lifetime {life} is not a number of seconds", line, "error")
    lb, line = _value(ctx, gnode, "life-bytes")
    g["life_kb"] = None
    if lb is not None:
        b = int(lb) if lb.isdigit() and len(lb) < 20 else None
        if b is None:
            dev.note("UNSUPPORTED", f"esp-group {name}: life-bytes {lb} is not a number", line, "error")
        else:
            g["life_kb"] = b // 1024
            if b % 1024:
                dev.note(
                    "NOT-CARRIED",
                    f"esp-group {name}: life-bytes {b} is not a whole number of KB: read as {b // 1024} KB",
                    line,
                )
    if _value(ctx, gnode, "life-packets")[0] is not None:
        dev.note("UNSUPPORTED", f"esp-group {name}: life-packets is not carried (the model has no packet lifetime)")
    known = {"proposal", "mode", "pfs", "lifetime", "life-bytes", "life-packets", "compression", "disable-rekey"}
    for k, child in gnode.children.items():
        if k not in known:
            dev.note("IGNORED", f"esp-group {name}: {k} is not read", child.line)
    ctx.groups[key] = g
    return g


# ------------------------------------------------------------------ keys
def _classify_key(t: ParsedTunnel, key: str, line: int | None, where: str, dev: ParsedDevice) -> None:
    t.extra["psk_raw"] = key
    if not key:
        t.psk_state = "missing"
        dev.note("KEY", f"peer {t.name}: the {where} is empty", line, "error")
    elif set(key) == {"*"}:
        t.psk_state = "masked"
        dev.note("KEY", f"peer {t.name}: the {where} is masked (asterisks), not the key", line, "warning")
    elif _PLACEHOLDER.match(key) or " " in key:
        t.psk_state = "masked"
        dev.note("PLACEHOLDER", f"peer {t.name}: the {where} is a placeholder, kept as such", line, "warning")
        dev.note("KEY", f"peer {t.name}: the {where} is a placeholder, not the key", line, "warning")
    else:
        t.psk, t.psk_state = key, "clear"


def _psk_from_blocks(ctx: _Ctx, t: ParsedTunnel, local_ids: list[str], remote_ids: list[str], line: int) -> None:
    """1.4+: the key whose `id` list holds the peer's identities (strongSwan picks the
    shared secret that matches both ends best)."""
    dev = ctx.dev
    psks = ctx.root.get("vpn", "ipsec", "authentication", "psk")
    if psks is None or not psks.children:
        dev.note("MISSING", f"peer {t.name}: no pre-shared key (no pre-shared-secret, no psk block)", line, "error")
        dev.note("KEY", f"peer {t.name}: no pre-shared key in the text", line, "error")
        return
    if ctx.psk_index is None:  # id -> psk names, built once (no scan of every block per peer)
        ctx.psk_index = {}
        for pname, pnode in psks.children.items():
            ids = [v for v, _ in _values(pnode, "id")]
            ctx.psk_ids[pname] = set(ids or [""])
            for i in ids or [""]:  # "": a key without ids matches any peer, after those that name it
                ctx.psk_index.setdefault(i, []).append(pname)
    scores: dict[str, int] = {}
    for i in dict.fromkeys(remote_ids):
        for pname in ctx.psk_index.get(i, []):
            scores[pname] = 2
    local = set(local_ids)  # (the keys naming the peer that also name this end: not every key naming this end)
    for pname in scores:
        if not local.isdisjoint(ctx.psk_ids.get(pname, ())):
            scores[pname] = 3
    if not scores:
        scores = dict.fromkeys(ctx.psk_index.get("", []), 1)
    scored = [(sc, pname, psks.children[pname]) for pname, sc in scores.items()]
    if not scored:
        dev.note(
            "MISSING",
            f"peer {t.name}: no psk block names its identity ({', '.join(remote_ids) or 'none'})",
            line,
            "error",
        )
        dev.note("KEY", f"peer {t.name}: no pre-shared key found for it", line, "error")
        return
    best = max(s for s, _, _ in scored)
    top = [(n, p) for s, n, p in scored if s == best]
    if len(top) > 1:
        dev.note(
            "AMBIGUOUS",
            f"peer {t.name}: psk blocks {', '.join(n for n, _ in top)} all match its identities: no key is read",
            line,
            "warning",
        )
        for n, _ in top:
            ctx.used_psk.add(n)
        return
    pname, pnode = top[0]
    ctx.used_psk.add(pname)
    t.extra["psk_name"] = pname
    if best < 3:
        dev.note(
            "IDENTITY",
            f"peer {t.name}: psk {pname} is chosen by "
            + ("its remote identity only" if best == 2 else "having no id (matches any peer)"),
            pnode.line,
        )
    secret, sline = _value(ctx, pnode, "secret")
    if secret is None:
        dev.note("MISSING", f"psk {pname} has no secret", pnode.line, "error")
        dev.note("KEY", f"peer {t.name}: psk {pname} has no secret", pnode.line, "error")
        return
    _classify_key(t, secret, sline, f"secret of psk {pname}", dev)


# ------------------------------------------------------------------ routing
def _static_routes(ctx: _Ctx) -> dict[str, list[str]]:
    """interface -> destinations of the static interface routes (1.3 interface-route,
    1.4+ route X interface)."""
    out: dict[str, list[str]] = {}
    st = ctx.root.get("protocols", "static")
    if st is None:
        return out
    for kind, via in (("route", "interface"), ("interface-route", "next-hop-interface")):
        routes = st.children.get(kind)
        if routes is None:
            continue
        for dest, rnode in routes.children.items():
            ifs = rnode.children.get(via)
            if ifs is None:
                continue
            for ifname, inode in ifs.children.items():
                if "disable" in inode.children:
                    ctx.dev.note("INACTIVE", f"static route {dest} via {ifname} is disabled: not read", inode.line)
                    continue
                out.setdefault(ifname, []).append(dest)
                dist, _ = _value(ctx, inode, "distance")
                ctx.route_distances.setdefault(ifname, []).append((dest, small_int(dist) if dist else None, inode.line))
    return out


def _route_preference(ctx: _Ctx, t: ParsedTunnel, ifname: str) -> None:
    """``route_preference``: the ``distance`` of the static routes via the interface (none
    written: vendor.yaml ``defaults.static_route_distance``, DEFAULT); different ones: the
    lowest, AMBIGUOUS."""
    mine = [r for r in ctx.route_distances.get(ifname, []) if _is_v4net(r[0])]
    if not mine:
        return
    d = _defaults()["static_route_distance"]
    lowest_route_preference(
        ctx.dev,
        t,
        ((x, line, f"static route {dest} via {ifname}") for dest, x, line in mine),
        (int(d["value"]), str(d["source"])),
        "distances",
        ifname,
    )


def _route_map_local_preference(ctx: _Ctx, name: str) -> int | None:
    """The local preference a ``policy route-map`` sets on every route: each rule ``action
    permit`` with ``set local-preference N`` (one N) and no ``match``; None otherwise."""
    rules = ctx.root.get("policy", "route-map", name, "rule")
    if rules is None or not rules.children:
        return None
    values: set[int | None] = set()
    for rule in rules.children.values():
        action, _ = _value(ctx, rule, "action")
        if action != "permit" or "match" in rule.children:
            return None
        lp, _ = _value(ctx, rule.get("set"), "local-preference")
        values.add(small_int(lp) if lp else None)
    return values.pop() if len(values) == 1 else None


def _bgp(ctx: _Ctx, t: ParsedTunnel, vti_net: ipaddress.IPv4Interface | None, routes: list[str]) -> None:
    bgp = ctx.root.get("protocols", "bgp")
    if bgp is None:
        return
    asn_s, _ = _value(ctx, bgp, "system-as")
    base = bgp
    if asn_s is None:  # 1.3: protocols bgp <asn> { ... }
        nums = [k for k in bgp.children if k.isdigit()]
        if nums:
            asn_s, base = nums[0], bgp.children[nums[0]]
    neigh = base.children.get("neighbor")
    if neigh is None:
        return
    nets = [ipaddress.IPv4Network(r, strict=False) for r in routes if _is_v4net(r)]
    if vti_net is not None and vti_net.network.prefixlen < 32:
        nets.append(vti_net.network)
    if ctx.neighbors is None:  # address -> node, built once
        ctx.neighbors = {a: n for addr, n in neigh.children.items() if (a := ipv4(addr)) is not None}
    found: list[tuple[str, Node]] = []
    for net in nets:
        if net.prefixlen >= 24:  # a host route or a small inside subnet: look its addresses up
            hits = [(a, ctx.neighbors[a]) for a in map(str, net) if a in ctx.neighbors]
        else:
            hits = [(a, n) for a, n in ctx.neighbors.items() if ipaddress.IPv4Address(a) in net]
        found += [h for h in hits if h not in found]
    if not found:
        return
    if len(found) > 1:
        t.extra["bgp_neighbors"] = [a for a, _ in found]
        ctx.dev.note(
            "AMBIGUOUS",
            f"peer {t.name}: BGP neighbors {', '.join(a for a, _ in found)} are all reached through "
            f"{t.extra.get('vti')}: no session is read as this tunnel's",
            t.line,
            "warning",
        )
        return
    addr, nnode = found[0]
    ras, _ = _value(ctx, nnode, "remote-as")
    if ras is None:
        pg, _ = _value(ctx, nnode, "peer-group")
        if pg is not None:
            ras, _ = _value(ctx, base.get("peer-group", pg), "remote-as")
    hold, _ = _value(ctx, nnode.get("timers"), "holdtime")
    keep, _ = _value(ctx, nnode.get("timers"), "keepalive")
    if hold is None:
        hold, _ = _value(ctx, base.get("timers"), "holdtime")
    if keep is None:
        keep, _ = _value(ctx, base.get("timers"), "keepalive")
    adv = [n for n, _ in _values(base.get("address-family", "ipv4-unicast"), "network") if _is_v4net(n)]
    local_ip = None
    if vti_net is not None and ipaddress.IPv4Address(addr) in vti_net.network:
        local_ip = str(vti_net.ip)
    rmaps = {
        d: v
        for d in ("export", "import")
        if (v := _value(ctx, nnode.get("address-family", "ipv4-unicast", "route-map"), d)[0])
    }
    local_pref = _route_map_local_preference(ctx, rmaps["import"]) if "import" in rmaps else None
    if rmaps:
        t.extra["bgp_route_maps"] = rmaps
        # an import route-map that only sets local-preference is read (bgp.local_preference)
        lost = {d: n for d, n in rmaps.items() if d == "export" or local_pref is None}
        if lost:
            ctx.dev.note(
                "NOT-CARRIED",
                f"BGP neighbor {addr}: route-map {', '.join(f'{d} {n}' for d, n in lost.items())} (an AS-path "
                "prepend or other preferences of a redundant pair) is not carried",
                nnode.line,
            )
    if ras is not None and small_int(ras) is None:
        ctx.dev.note("UNSUPPORTED", f"BGP neighbor {addr}: remote-as {ras} is not a number", nnode.line)
    t.bgp = ParsedBgp(
        local_asn=small_int(asn_s) if asn_s else None,
        peer_asn=small_int(ras) if ras else None,
        local_ip=local_ip,
        peer_ip=addr,
        prefixlen=vti_net.network.prefixlen if local_ip and vti_net is not None else None,
        hold_time=small_int(hold) if hold else None,
        keepalive=small_int(keep) if keep else None,
        advertise=adv,
        local_preference=local_pref,
        line=nnode.line,
    )


def _is_v4net(s: str) -> bool:
    try:
        ipaddress.IPv4Network(s, strict=False)
        return True
    except ValueError:
        return False


# ------------------------------------------------------------------ peers
def _peer(ctx: _Ctx, pname: str, pnode: Node, routes: dict[str, list[str]]) -> ParsedTunnel | None:
    dev = ctx.dev
    desc, _ = _value(ctx, pnode, "description")
    name = pname
    addr_key = ipv4(pname) is not None
    if not re.fullmatch(r"[-_a-zA-Z0-9|@]+", pname) or pname.startswith("@"):
        # a 1.3 peer keyed by address, DNS name or @id: named as a 1.4 peer name can be, by its
        # description if that is one, else as VyOS's own 1.3 -> 1.4 migration renames it
        # (ipsec 9-to-10: 192.0.2.1 -> peer_192-0-2-1, @foo -> peer_foo)
        if desc and re.fullmatch(r"[A-Za-z0-9][-_A-Za-z0-9]{0,59}", desc):
            name = desc
        else:
            name = "peer_" + re.sub(r"[:.]", "-", pname).replace("@", "")
    t = ParsedTunnel(name=name, line=pnode.line, variant="policy")
    t.extra["peer"] = pname
    if "disable" in pnode.children:
        dev.note(
            "INACTIVE", f"peer {pname} is disabled: not read as a tunnel", pnode.children["disable"].line, "warning"
        )
        return None
    # addresses
    remotes = [v for v, _ in _values(pnode, "remote-address")]
    if remotes:
        addrs = [r for r in remotes if ipv4(r) is not None]
        if "any" in remotes:
            dev.note("MISSING", f"peer {pname}: remote-address any (it answers any address)", pnode.line, "warning")
        others = [r for r in remotes if r != "any" and ipv4(r) is None]
        if others:
            dev.note(
                "UNSUPPORTED",
                f"peer {pname}: remote-address {', '.join(others)} is not an IPv4 address (IPv6 or a DNS name)",
                pnode.line,
                "warning",
            )
        if addrs:
            t.peer_address, t.backup_peers = addrs[0], addrs[1:]
            for b in t.backup_peers:
                dev.note(
                    "BACKUP-PEER", f"peer {pname}: remote-address {b} is a further address of this peer", pnode.line
                )
    elif addr_key:
        t.peer_address = ipv4(pname)
    elif pname.startswith("@"):
        dev.note("MISSING", f"peer {pname} is a remote ID with no address (responder only)", pnode.line, "warning")
    elif ":" in pname or "." in pname:  # 1.3 keys peers by address or DNS name (1.4 names have no '.')
        dev.note(
            "UNSUPPORTED",
            f"peer {pname} is an IPv6 address or a DNS name: the model needs the peer's IPv4 address",
            pnode.line,
            "warning",
        )
    else:
        dev.note("MISSING", f"peer {pname}: no remote-address", pnode.line, "error")
    local, lline = _value(ctx, pnode, "local-address")
    if local is not None and ipv4(local) is not None:
        t.local_address = ipv4(local)
    elif local == "any":
        dev.note("MISSING", f"peer {pname}: local-address any (the address toward the peer)", lline, "warning")
    elif "dhcp-interface" in pnode.children:
        dev.note("UNSUPPORTED", f"peer {pname}: the local address comes from DHCP (dhcp-interface)", pnode.line)
    else:
        dev.note("MISSING", f"peer {pname}: no local-address", pnode.line, "warning")
    # authentication and identities
    auth = pnode.children.get("authentication")
    mode, _ = _value(ctx, auth, "mode")
    lid, _ = _value(ctx, auth, "local-id")
    if lid is None:
        lid, _ = _value(ctx, auth, "id")  # 1.3
    rid, _ = _value(ctx, auth, "remote-id")
    t.local_id = _ident(lid) or (_ident(t.local_address) if t.local_address else None)
    t.peer_id = _ident(rid) or (_ident(t.peer_address) if t.peer_address else None)
    for i, v in ((t.local_id, lid), (t.peer_id, rid)):
        if i is not None and i.type == "other":
            dev.note("IDENTITY", f"peer {pname}: identity {v} is neither an address nor an FQDN", pnode.line)
    if mode not in (None, "pre-shared-secret"):
        t.auth, t.psk_state = "certificate", "certificate"
        dev.note(
            "UNSUPPORTED", f"peer {pname}: authentication mode {mode} (the service uses a pre-shared key)", pnode.line
        )
    else:
        pss, sline = _value(ctx, auth, "pre-shared-secret")
        if pss is not None:
            _classify_key(t, pss, sline, "pre-shared-secret", dev)
        else:
            local_ids = [x for x in (lid, t.local_address) if x]
            remote_ids = [x for x in (rid, *([t.peer_address] if t.peer_address else []), *t.backup_peers) if x]
            _psk_from_blocks(ctx, t, local_ids, remote_ids, pnode.line)
    # IKE group
    ike_name, iline = _value(ctx, pnode, "ike-group")
    g = None
    if ike_name is None:
        dev.note("MISSING", f"peer {pname}: no ike-group", pnode.line, "error")
    else:
        ctx.used_ike.add(ike_name)
        g = _ike_group(ctx, ike_name)
        if g is None:
            dev.note("UNRESOLVED", f"peer {pname}: ike-group {ike_name} is not defined", iline, "error")
    if g is not None:
        t.ike_proposals = list(g["proposals"])
        t.ike_version, t.mode, t.ike_lifetime = g["version"], g["mode"], g["lifetime"]
        t.defaulted.update({k: v for k, v in g["defaulted"].items() if not k.startswith("esp_")})
        if g["dpd"] is not None:
            t.dpd_enabled = True
            t.dpd_timeout = g["dpd"]["timeout"]
            t.dpd_action = g["dpd"]["action"]
            t.extra["dpd_interval"] = g["dpd"]["interval"]
    # tunnels (policy) and VTI (route)
    esp_names: list[tuple[str, int]] = []
    default_esp = _value(ctx, pnode, "default-esp-group")
    vti = pnode.children.get("vti")
    tunnels = pnode.children.get("tunnel")
    if tunnels is not None:
        for tnum, tnode in sorted(tunnels.children.items(), key=lambda kv: _num_key(kv[0])):
            if "disable" in tnode.children:
                dev.note("INACTIVE", f"peer {pname} tunnel {tnum} is disabled: not read", tnode.line, "warning")
                continue
            te, tl = _value(ctx, tnode, "esp-group")
            if te is not None:
                esp_names.append((te, tl or tnode.line))
            elif default_esp[0] is not None:
                esp_names.append((default_esp[0], default_esp[1] or pnode.line))
            else:
                dev.note(
                    "MISSING", f"peer {pname} tunnel {tnum}: no esp-group and no default-esp-group", tnode.line, "error"
                )
            lps = [v for v, _ in _values(tnode.get("local"), "prefix")]
            rps = [v for v, _ in _values(tnode.get("remote"), "prefix")]
            for k in ("protocol",):
                if k in tnode.children:
                    dev.note(
                        "UNSUPPORTED",
                        f"peer {pname} tunnel {tnum}: {k} is not carried (the SPD is by prefix)",
                        tnode.line,
                    )
            for side in ("local", "remote"):
                if "port" in (tnode.get(side) or Node(0)).children:
                    dev.note("UNSUPPORTED", f"peer {pname} tunnel {tnum}: {side} port is not carried", tnode.line)
            if not lps or not rps:
                dev.note(
                    "MISSING",
                    f"peer {pname} tunnel {tnum}: no {'local' if not lps else 'remote'} prefix "
                    "(strongSwan then uses the outer address): no selector read",
                    tnode.line,
                    "warning",
                )
                continue
            for lp in lps:
                for rp in rps:
                    if _is_v4net(lp) and _is_v4net(rp):
                        t.selectors.append(
                            (str(ipaddress.IPv4Network(lp, strict=False)), str(ipaddress.IPv4Network(rp, strict=False)))
                        )
                    else:
                        dev.note(
                            "UNSUPPORTED", f"peer {pname} tunnel {tnum}: selector {lp} <-> {rp} is not IPv4", tnode.line
                        )
    if vti is not None:
        bind, bline = _value(ctx, vti, "bind")
        ve, vl = _value(ctx, vti, "esp-group")
        if ve is not None:
            esp_names.append((ve, vl or vti.line))
        elif default_esp[0] is not None:
            esp_names.append((default_esp[0], default_esp[1] or pnode.line))
        else:
            dev.note("MISSING", f"peer {pname} vti: no esp-group and no default-esp-group", vti.line, "error")
        if bind is None:
            dev.note("MISSING", f"peer {pname}: vti without bind", vti.line, "error")
        else:
            t.route_based, t.variant = True, "route"
            t.extra["vti"] = bind
            vnode = ctx.root.get("interfaces", "vti", bind)
            vti_net = None
            if vnode is None:
                dev.note(
                    "UNRESOLVED",
                    f"peer {pname}: vti bind {bind}, but interfaces vti {bind} is not in the text",
                    bline,
                    "warning",
                )
            else:
                if "disable" in vnode.children:
                    dev.note("INACTIVE", f"interfaces vti {bind} is disabled", vnode.line, "warning")
                for a, _ in _values(vnode, "address"):
                    try:
                        vti_net = ipaddress.IPv4Interface(a)
                        break
                    except ValueError:
                        continue
            t.routes = [r for r in routes.get(bind, []) if _is_v4net(r)]
            _bgp(ctx, t, vti_net, t.routes)
            addrs = [a for a, _ in _values(vnode, "address")] if vnode is not None else []
            t.point_to_point, hc_routes = health_check_pairs(addrs, t.routes, t.bgp.peer_ip if t.bgp else None)
            if hc_routes:  # the host route to the cloud's health-check end is no VPC range
                t.routes = [r for r in t.routes if r not in hc_routes]
                ctx.route_distances[bind] = [x for x in ctx.route_distances.get(bind, []) if x[0] not in hc_routes]
            _route_preference(ctx, t, bind)
            if not t.selectors:
                dev.note("SELECTORS", f"peer {pname}: route-based on {bind}: any/any selectors", vti.line)
    if tunnels is None and vti is None:
        dev.note("MISSING", f"peer {pname}: no tunnel and no vti: no traffic is protected", pnode.line, "error")
    # ESP group (one per tunnel in the model)
    distinct = list(dict.fromkeys(n for n, _ in esp_names))
    if len(distinct) > 1:
        dev.note(
            "AMBIGUOUS",
            f"peer {pname}: its tunnels use esp-groups {', '.join(distinct)}; the model holds one: {distinct[0]} is read",
            esp_names[1][1],
            "warning",
        )
    if distinct:
        ctx.used_esp.update(distinct)
        eg = _esp_group(ctx, distinct[0])
        if eg is None:
            dev.note("UNRESOLVED", f"peer {pname}: esp-group {distinct[0]} is not defined", esp_names[0][1], "error")
        else:
            _apply_esp(ctx, t, eg, distinct[0])
    ctype, _ = _value(ctx, pnode, "connection-type")
    t.extra["connection_type"] = ctype or _defaults()["connection_type"]["value"]
    known = {"description", "remote-address", "local-address", "authentication", "ike-group", "default-esp-group"}
    known |= {"tunnel", "vti", "connection-type", "ikev2-reauth", "force-encapsulation", "force-udp-encapsulation"}
    known |= {"dhcp-interface", "replay-window", "disable", "virtual-address"}
    for k, child in pnode.children.items():
        if k not in known:
            dev.note("IGNORED", f"peer {pname}: {k} is not read", child.line)
    return t


def _apply_esp(ctx: _Ctx, t: ParsedTunnel, eg: dict[str, Any], name: str) -> None:
    dev = ctx.dev
    t.esp_proposals = list(eg["proposals"])
    t.ipsec_lifetime_seconds = eg["lifetime"]
    t.ipsec_lifetime_kb = eg["life_kb"]
    t.defaulted.update(eg["defaulted"])
    if eg["mode"] != "tunnel":
        dev.note(
            "UNSUPPORTED",
            f"esp-group {name}: mode {eg['mode']} (the service uses tunnel mode)",
            eg["mode_line"],
            "error",
        )
    pfs = eg["pfs"]
    if pfs == "disable":
        t.pfs = None
    elif pfs == "enable":
        first = t.ike_proposals[0].dh_group if t.ike_proposals else None
        if first is None:
            t.pfs_unknown = True
            dev.note(
                "UNSUPPORTED",
                f"esp-group {name}: pfs enable takes the IKE group's DH group, which is not known",
                eg["pfs_line"],
                "error",
            )
        else:
            t.pfs = first
    else:
        m = re.fullmatch(r"dh-group(\d+)", pfs)
        g = lookup(VENDOR, "pfs_group", pfs)
        if isinstance(g, int):
            t.pfs = g
        else:
            t.pfs_unknown = True
            why = f"group {m.group(1)} is not one the model holds" if m else "not a VyOS pfs value"
            dev.note("UNSUPPORTED", f"esp-group {name}: pfs {pfs}: {why}", eg["pfs_line"], "error")


# ------------------------------------------------------------------ entry point
def parse(text: str, name: str) -> ParsedDevice:
    dev = ParsedDevice(vendor=VENDOR, file=name)
    lines = text.split("\n")
    release = None
    for line in lines:
        if "Release version" in line:
            m = _RELEASE.search(line)
            if m:
                release = m.group(1)
    root = _read_set(lines, dev) if _is_set_form(lines) else _read_curly(text, dev)
    ipsec = root.get("vpn", "ipsec")
    if ipsec is None:
        if root.get("site-to-site") is not None or root.get("ike-group") is not None:
            dev.note(
                "MISSING",
                "the text starts below 'vpn ipsec' (show vpn ipsec in configuration mode?): read as that level",
                None,
                "warning",
            )
            wrapped = Node(0)
            wrapped.children["vpn"] = Node(0)
            wrapped.children["vpn"].children["ipsec"] = root
            for k in ("interfaces", "protocols"):
                if k in root.children:
                    wrapped.children[k] = root.children[k]
            root, ipsec = wrapped, root
        else:
            return dev
    legacy = "ipsec-interfaces" in ipsec.children or any(
        "pre-shared-secret" in (p.get("authentication") or Node(0)).children
        for p in (ipsec.get("site-to-site", "peer") or Node(0)).children.values()
    )
    if release is not None and re.match(r"1\.[0-2]\b", release):
        dev.note(
            "UNSUPPORTED",
            f"release {release} is older than the catalogued releases (1.3+): read with the 1.3 syntax and defaults",
        )
    ctx = _Ctx(dev=dev, root=root, legacy=legacy, release=release)
    for k, child in ipsec.children.items():
        if k in ("include-ipsec-conf", "include-ipsec-secrets"):  # 1.3: files outside the config
            dev.note(
                "INCLUDE",
                f"vpn ipsec {k} {next(iter(child.children), '')}: a file outside this config, not followed "
                "(its connections and keys are not read)",
                child.line,
                "warning",
            )
        elif k not in _IPSEC_KNOWN:
            dev.note("IGNORED", f"vpn ipsec {k} is not read", child.line)
    routes = _static_routes(ctx)
    peers = ipsec.get("site-to-site", "peer")
    for pname, pnode in peers.children.items() if peers is not None else []:
        t = _peer(ctx, pname, pnode, routes)
        if t is not None:
            dev.tunnels.append(t)
    _profiles(ctx, ipsec)
    if "remote-access" in ipsec.children:
        dev.note(
            "UNSUPPORTED",
            "remote-access connections are not site-to-site tunnels: not read",
            ipsec.children["remote-access"].line,
        )
    for kind, used in (("ike-group", ctx.used_ike), ("esp-group", ctx.used_esp)):
        for gname, gnode in (ipsec.children.get(kind) or Node(0)).children.items():
            if gname not in used:
                dev.note("UNUSED", f"{kind} {gname} is defined but no peer uses it", gnode.line)
    for pname, pnode in (ipsec.get("authentication", "psk") or Node(0)).children.items():
        if pname not in ctx.used_psk:
            dev.note("UNUSED", f"psk {pname} matches no peer's identities", pnode.line)
    return dev


def _profiles(ctx: _Ctx, ipsec: Node) -> None:
    """DMVPN profiles (`vpn ipsec profile NAME bind tunnel tunX`): IPsec for GRE/NHRP
    spokes, not a site-to-site tunnel of the model: said, not dropped silently."""
    profs = ipsec.children.get("profile")
    if profs is None:
        return
    nhrp = ctx.root.get("protocols", "nhrp", "tunnel")
    for pname, pnode in profs.children.items():
        ike, _ = _value(ctx, pnode, "ike-group")
        esp, _ = _value(ctx, pnode, "esp-group")
        if ike:
            ctx.used_ike.add(ike)
        if esp:
            ctx.used_esp.add(esp)
        binds = [v for v, _ in _values(pnode.get("bind"), "tunnel")]
        nbma = []
        for b in binds:
            for mapping in ((nhrp.get(b, "map") if nhrp is not None else None) or Node(0)).children.values():
                nbma += [v for v, _ in _values(mapping, "nbma-address")]
        ctx.dev.note(
            "UNSUPPORTED",
            f"profile {pname} (DMVPN: IPsec over GRE {', '.join(binds) or 'no tunnel'}"
            + (f", NHRP peers {', '.join(nbma)}" if nbma else "")
            + f", ike-group {ike}, esp-group {esp}) is not a site-to-site tunnel: not read into the model",
            pnode.line,
            "warning",
        )
