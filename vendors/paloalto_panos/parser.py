"""Palo Alto Networks PAN-OS configuration parser: grammar only.

Reads the three forms a PAN-OS configuration is pasted in, into one tree of
words (the XML schema's path: ``network ike gateway GW peer-address ip X``):

* ``set`` commands (configure mode, ``set cli config-output-format set``, or
  what ``vpnconf render`` writes): each line a path of words, ``[ a b ]`` a
  list, ``"..."`` a quoted word; ``delete <path>`` removes a subtree; ``#``
  comment lines;
* the XML running configuration (``<config><devices><entry
  name="localhost.localdomain"><network>...``): ``<entry name="X">`` is the
  word X, ``<member>v</member>`` a list item, text the element's value.
  Untrusted input: a DOCTYPE or ENTITY declaration is refused before the
  parser runs (no entity expansion), depth and element count are bounded,
  malformed XML is a SYNTAX finding with its line;
* the hierarchical ``show`` format (``network { ike { gateway { GW { ... } } } }``)
  through the shared braces builder (``vpnconf.parsing.braces``).

One ParsedTunnel per ``network tunnel ipsec T`` entry (auto-key), with its
IKE gateway (``auto-key ike-gateway G``; further gateways are backup peers),
the gateway's IKE crypto profile and the tunnel's IPsec crypto profile. A
profile's lists are crossed into proposals (encryption x hash x group, in
the written order). Proxy-ids are the selectors; a tunnel without proxy-id
is route-based any/any. Static routes (virtual-router or logical-router)
and a BGP peer whose local address is the tunnel interface give the routes
and the BGP session. Settings left out take the documented defaults of
vendor.yaml ``defaults:`` (DEFAULT findings, ``ParsedTunnel.defaulted``).
No finding formats a key.
"""

from __future__ import annotations

import ipaddress
import re
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

TYPE_CHECKING = False
if TYPE_CHECKING:
    pass

#: the vendor id is the folder's name (vendors/README.md): a copied folder is a new vendor
VENDOR = Path(__file__).resolve().parent.name

#: XML bounds: nesting depth and elements (a running config of a large firewall has
#: some hundred thousand elements; the depth of the schema is below 30)
MAX_DEPTH = 64
MAX_ELEMENTS = 2_000_000

_PLACEHOLDER = re.compile(r"^(?:<[^<>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%[A-Za-z_]+%)$")
_ENCRYPTED = re.compile(r"^-AQ==")
_MASKED = re.compile(r"^\*+$")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|\S+')
#: an unquoted list bracket (a quoted "[" is a word)
_OPEN, _CLOSE = "\x00[", "\x00]"
_PROMPT = re.compile(r"^[\w.-]+@[\w.-]+(?:\([\w.-]+\))?[#>]\s*")


class Node:
    """One word of the configuration tree; ``kids`` in written order."""

    __slots__ = ("kids", "line")

    def __init__(self, line: int) -> None:
        self.kids: dict[str, Node] = {}
        self.line = line

    def child(self, word: str, line: int) -> Node:
        node = self.kids.get(word)
        if node is None:
            node = self.kids[word] = Node(line)
        return node

    def get(self, *path: str) -> Node | None:
        node: Node | None = self
        for p in path:
            node = node.kids.get(p) if node is not None else None
        return node

    def words(self, *path: str) -> list[str]:
        """The values under ``path`` (a list's items, or a leaf's one value)."""
        node = self.get(*path)
        return list(node.kids) if node is not None else []

    def value(self, *path: str) -> str | None:
        """The last value under ``path`` (a later ``set`` replaces a leaf)."""
        w = self.words(*path)
        return w[-1] if w else None

    def line_of(self, *path: str) -> int:
        node = self.get(*path)
        return node.line if node is not None else self.line


# --------------------------------------------------------------- the three forms
def _tokens(line: str) -> tuple[list[str], bool]:
    """Words of one set line, quotes removed; False when a quote is left open."""
    out, ok = [], True
    for m in _TOKEN.finditer(line.replace("\x00", "")):
        tok = m.group(0)
        if tok in ("[", "]"):
            tok = _OPEN if tok == "[" else _CLOSE
        elif tok.startswith('"'):
            if len(tok) < 2 or not tok.endswith('"') or (tok.endswith('\\"') and not tok.endswith('\\\\"')):
                ok = False
                tok = tok[1:]
            else:
                tok = re.sub(r"\\(.)", r"\1", tok[1:-1])
        out.append(tok)
    return out, ok


#: words that take one value (or a ``[ ]`` list) and leave the command at the same
#: level, so that one set line can hold several of them (``local-id type ipaddr id
#: 1.2.3.4``, ``proxy-id P local A remote B protocol any``); deeper than two words only
#: (``network interface tunnel`` and ``set zone Z network ...`` stay paths)
_LEAVES = frozenset(
    [
        "type",
        "id",
        "local",
        "remote",
        "destination",
        "interface",
        "metric",
        "peer-as",
        "enable",
        "interval",
        "retry",
        "exchange-mode",
        "ike-crypto-profile",
        "ipsec-crypto-profile",
        "tunnel-interface",
        "version",
        "key",
        "comment",
        "disabled",
        "anti-replay",
        "copy-tos",
        "priority",
        "router-id",
        "local-as",
        "keep-alive-interval",
        "hold-time",
        "from",
        "to",
        "source",
        "application",
        "service",
        "fqdn",
        "ip",
        "ip-address",
        "ike-gateway",
        "encryption",
        "hash",
        "authentication",
        "dh-group",
        "hours",
        "minutes",
        "seconds",
        "days",
        "kb",
        "mb",
        "gb",
        "tb",
        "address-family-identifier",
        "used-by",
        "protocol",
        "layer3",
        "admin-dist",
    ]
)
#: words after which ``ip``/``protocol``/``interface`` are containers, not one-value leaves
_CONTAINER_NEXT = frozenset(
    [
        "static-route",
        "ikev1",
        "ikev2",
        "version",
        "bgp",
        "redist-profile",
        "ospf",
        "rip",
        "tcp",
        "udp",
        "number",
        "pre-shared-key",
        "certificate",
    ]
)


#: words followed by an object's name (a gateway named "local" is a name, not the leaf ``local``)
_ENTRY_LISTS = frozenset(
    [
        "gateway",
        "ike-crypto-profiles",
        "ipsec-crypto-profiles",
        "ipsec",
        "proxy-id",
        "static-route",
        "units",
        "peer-group",
        "peer",
        "redist-profile",
        "redist-rules",
        "rules",
        "virtual-router",
        "logical-router",
        "vrf",
    ]
)


def _insert(root: Node, words: list[str], line: int, depth: int = 0) -> str | None:
    """Add one command's words below ``root`` (``depth`` words deep);
    ``[ a b ]`` puts its items side by side. An error message, or None."""
    node = root
    i, n = 0, len(words)
    while i < n:
        w = words[i]
        if w in (_OPEN, _CLOSE):
            return f"a list '{w[1:]}' where a keyword is expected: the rest of the line is not read"
        nxt = words[i + 1] if i + 1 < n else None
        named = i > 0 and words[i - 1] in _ENTRY_LISTS  # an object's name, whatever word it is
        leaf = depth >= 2 and not named and w in _LEAVES and nxt is not None and nxt not in _CONTAINER_NEXT
        if w == "protocol" and nxt not in ("any", "tcp", "udp", "number"):
            leaf = False
        if not leaf:
            node = node.child(w, line)
            depth += 1
            i += 1
            continue
        holder = node.child(w, line)
        if nxt == _OPEN:
            try:
                end = words.index(_CLOSE, i + 2)
            except ValueError:
                for item in words[i + 2 :]:
                    holder.child(item, line)
                return "'[' without ']': the list is read to the end of the line"
            for item in words[i + 2 : end]:
                holder.child(item, line)
            i = end + 1
        else:
            assert nxt is not None
            holder.child(nxt, line)
            i += 2
    return None


def _delete(root: Node, words: list[str]) -> None:
    if not words:
        return
    parent = root.get(*words[:-1])
    if parent is not None:
        parent.kids.pop(words[-1], None)


def _from_set(text: str, dev: ParsedDevice) -> Node:
    root = Node(0)
    for n, raw in enumerate(text.split("\n"), 1):
        line = _PROMPT.sub("", raw.strip(), count=1)
        if not line or line.startswith("#"):
            continue
        words, ok = _tokens(line)
        if not ok:
            dev.note("SYNTAX", "a quote is left open: the value ends at the line's end", n, "warning")
        verb = words[0]
        if verb == "set" and len(words) > 1:
            err = _insert(root, words[1:], n)
            if err:
                dev.note("SYNTAX", err, n, "warning")
        elif verb == "delete" and len(words) > 1:
            _delete(root, [w for w in words[1:] if w not in (_OPEN, _CLOSE)])
        elif verb in ("configure", "commit", "exit", "quit", "top", "up", "save", "validate"):
            continue
        else:
            dev.note("SYNTAX", f"not a set or delete command (starts with {verb[:40]!r}): not read", n, "warning")
    return root


class _XmlRefused(Exception):
    pass


def _from_xml(text: str, dev: ParsedDevice) -> Node | None:
    """The XML running configuration as a tree of words (expat, no DTD)."""
    import xml.parsers.expat

    low = text[:2_000_000].lower() if len(text) > 2_000_000 else text.lower()
    for decl in ("<!doctype", "<!entity"):
        at = low.find(decl)
        if at >= 0:
            dev.note(
                "SYNTAX",
                f"the XML holds a {decl[1:].upper()} declaration: refused (no DTD or entity is read from an "
                "untrusted configuration); nothing was read",
                text.count("\n", 0, at) + 1,
                "error",
            )
            return None
    root = Node(0)
    # frames: (node or None for a <member>, kind, text parts)
    stack: list[tuple[Node | None, list[str]]] = [(root, [])]
    count = 0
    p = xml.parsers.expat.ParserCreate()

    def refuse_dtd(*_: Any) -> None:
        raise _XmlRefused("a DOCTYPE or ENTITY declaration")

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal count
        count += 1
        if len(stack) > MAX_DEPTH or count > MAX_ELEMENTS:
            raise _XmlRefused(f"more than {MAX_DEPTH} levels or {MAX_ELEMENTS} elements")
        line = p.CurrentLineNumber
        parent = stack[-1][0]
        if tag == "member" or parent is None:
            stack.append((None, []))
            return
        word = attrs.get("name", tag) if tag == "entry" else tag
        if tag == "entry" and word in parent.kids:
            dev.note(
                "AMBIGUOUS",
                f"entry {word!r} appears twice in one list (lines {parent.kids[word].line} and {line}): "
                "both are read into one",
                line,
                "warning",
            )
        stack.append((parent.child(word, line), []))

    def end(tag: str) -> None:
        node, parts = stack.pop()
        value = "".join(parts).strip()
        parent = stack[-1][0]
        if node is None:
            if parent is not None and value:
                parent.child(value, p.CurrentLineNumber)
        elif value and not node.kids:
            node.child(value, p.CurrentLineNumber)

    def chars(data: str) -> None:
        parts = stack[-1][1]
        if len(parts) < 4096:
            parts.append(data)

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    p.StartDoctypeDeclHandler = refuse_dtd
    p.EntityDeclHandler = refuse_dtd
    try:
        p.Parse(text, True)
    except _XmlRefused as exc:
        dev.note("SYNTAX", f"the XML is refused: {exc}; what came before is read", p.CurrentLineNumber, "error")
    except xml.parsers.expat.ExpatError as exc:
        msg = xml.parsers.expat.ErrorString(exc.code) if exc.code else "malformed"
        dev.note("SYNTAX", f"malformed XML ({msg}, column {exc.offset}): what came before is read", exc.lineno, "error")
    return root


def _brackets(words: list[str]) -> list[str]:
    """Hierarchical lists are written ``[ a b]`` or ``[a b ]``: brackets apart."""
    out: list[str] = []
    for w in words:
        head, tail = w.startswith("["), w.endswith("]")
        core = w[1 if head else 0 : len(w) - 1 if tail and len(w) > 1 else len(w)]
        if head:
            out.append(_OPEN)
        if core and core not in ("[", "]"):
            out.append(core)
        if tail and (len(w) > 1 or not head):
            out.append(_CLOSE)
    return out


def _from_braces(text: str, dev: ParsedDevice) -> Node:
    from vpnconf.parsing.braces import build

    tree, notes = build(text)
    for rule, line, sev, msg in notes:
        dev.note(rule, msg, line, sev)
    root = Node(0)
    todo = [(tree, root, 0)]
    while todo:
        bnode, into, depth = todo.pop()
        for c in bnode.children:
            if c.block:
                node = into
                for w in c.words:
                    node = node.child(w, c.line)
                todo.append((c, node, depth + len(c.words)))
            else:
                err = _insert(into, _brackets(c.words), c.line, depth)
                if err:
                    dev.note("SYNTAX", err, c.line, "warning")
    return root


#: the words on the way from the root to a ``network`` tree: a firewall's
#: ``config devices <entry> network``, the API's ``response result config ...``, and
#: Panorama's ``... devices <entry> template <T> config devices <entry> network``
_WAY = frozenset(["config", "devices", "response", "result", "template", "template-stack"])


def _network(root: Node, dev: ParsedDevice) -> Node | None:
    """The ``network`` tree that holds IKE or IPsec configuration (the first one;
    several, as in a Panorama export with templates, are named)."""
    if "network" in root.kids:
        return root.kids["network"]
    found: list[tuple[str, Node]] = []
    todo: list[tuple[Node, str, int, bool]] = [(root, "", 0, False)]
    while todo:
        node, path, depth, entries = todo.pop(0)
        for word, kid in node.kids.items():
            where = f"{path} {word}".strip()
            if word == "network" and not entries and ("ike" in kid.kids or "tunnel" in kid.kids):
                found.append((where, kid))
            elif depth < 12 and (entries or word in _WAY):
                # below devices/template/template-stack come entry names, then the way goes on
                todo.append((kid, where, depth + 1, word in ("devices", "template", "template-stack")))
    if len(found) > 1:
        dev.note(
            "AMBIGUOUS",
            f"{len(found)} network trees with IKE/IPsec configuration ({', '.join(w for w, _ in found[:5])}): "
            f"the first, {found[0][0]}, is read",
            found[1][1].line,
            "warning",
        )
    return found[0][1] if found else None


# ---------------------------------------------------------------- vendor data
@cache
def _data() -> tuple[dict[str, Any], dict[str, Any]]:
    from vpnconf.catalog import vendors

    v = vendors()[VENDOR]
    return v.defaults, v.spellings


@cache
def _units(kind: str) -> dict[str, tuple[int, int, int]]:
    """unit -> (size in seconds or KB, least count, greatest count): vendor.yaml
    ``grammar.lifetime_units`` / ``grammar.lifesize_units``, which the templates write by."""
    from vpnconf.catalog import vendors

    table = vendors()[VENDOR].grammar[kind]
    return {str(u): (int(x[0]), int(x[1]), int(x[2])) for u, x in table.items()}


def _span(node: Node | None, units: dict[str, tuple[int, int, int]]) -> tuple[int | None, str, str | None]:
    """(value in the base unit or None, as written, a problem or None)."""
    if node is None or not node.kids:
        return None, "", None
    unit = list(node.kids)[-1]
    raw = node.value(unit) or ""
    written = f"{unit} {raw}".strip()
    if unit not in units:
        return None, written, f"unknown unit {unit!r}"
    mult, lo, hi = units[unit]
    n = small_int(raw)
    if n is None or not lo <= n <= hi:
        return None, written, f"{unit} takes {lo}-{hi}"
    return n * mult, written, None


def _enc(table: str, kw: str) -> str | None:
    canon = lookup(VENDOR, table, kw)
    if canon is None:
        canon = _data()[1].get(table, {}).get(kw.lower())
    return None if canon is None else str(canon)


def _group(kw: str) -> int | None:
    g = lookup(VENDOR, "dh_group", kw)
    return int(g) if g is not None else None


class _Profile:
    """An IKE or IPsec crypto profile as read (or the predefined ``default``)."""

    def __init__(self, name: str, line: int, predefined: bool = False) -> None:
        self.name = name
        self.line = line
        self.predefined = predefined
        self.proposals: list[Proposal] = []
        self.lifetime: int | None = None
        self.lifetime_kb: int | None = None
        self.pfs: int | None = None
        self.pfs_unknown = False
        self.pfs_default = False
        self.lifetime_default = False
        self.summary = ""
        self.used = False


#: what each object's reader takes; anything else under the object is IGNORED (named, read past)
_READ = {
    "IKE crypto profile": frozenset(["encryption", "hash", "dh-group", "lifetime"]),
    "IPsec crypto profile": frozenset(["esp", "ah", "dh-group", "lifetime", "lifesize"]),
    "IKE gateway": frozenset(
        ["authentication", "protocol", "local-address", "peer-address", "local-id", "peer-id", "disabled", "comment"]
    ),
    "tunnel": frozenset(
        ["auto-key", "tunnel-interface", "disabled", "comment", "manual-key", "global-protect-satellite"]
    ),
    "auto-key of tunnel": frozenset(["ike-gateway", "ipsec-crypto-profile", "proxy-id"]),
}


def _ignored(kind: str, name: str, node: Node, dev: ParsedDevice) -> None:
    for key, child in node.kids.items():
        if key not in _READ[kind]:
            dev.note("IGNORED", f"{kind} {name}: '{key}' is read past (not part of the model)", child.line)


def _ike_profile(name: str, node: Node, dev: ParsedDevice, predefined: bool = False) -> _Profile:
    prof = _Profile(name, node.line, predefined)
    _ignored("IKE crypto profile", name, node, dev)
    encs, hashes, groups = node.words("encryption"), node.words("hash"), node.words("dh-group")
    for what, items, table in (("encryption", encs, "ike_encryption"), ("hash", hashes, "ike_integrity")):
        for kw in items:
            if _enc(table, kw) is None:
                dev.note(
                    "UNSUPPORTED",
                    f"IKE crypto profile {name}: {what} {kw} has no canonical name",
                    node.line_of(what, kw),
                    "warning",
                )
    for kw in groups:
        if _group(kw) is None:
            dev.note(
                "UNSUPPORTED",
                f"IKE crypto profile {name}: dh-group {kw} is not one the model holds",
                node.line_of("dh-group", kw),
                "warning",
            )
    for what, items in (("encryption", encs), ("hash", hashes), ("dh-group", groups)):
        if not items:
            dev.note("MISSING", f"IKE crypto profile {name}: no {what}", node.line, "warning")
    for e in encs:
        for h in hashes:
            for g in groups:
                prof.proposals.append(
                    Proposal(_enc("ike_encryption", e), _enc("ike_integrity", h), _group(g), f"{e}/{h}/{g}")
                )
    secs, written, problem = _span(node.get("lifetime"), _units("lifetime_units"))
    if problem:
        dev.note(
            "UNSUPPORTED",
            f"IKE crypto profile {name}: lifetime {written}: {problem}; the lifetime stays unknown",
            node.line_of("lifetime"),
            "warning",
        )
    elif secs is None:
        d = _data()[0]["ike_lifetime"]
        secs = int(d["value"])
        prof.lifetime_default = True
        written = f"not set: {secs} s by default"
    prof.lifetime = secs
    prof.summary = (
        f"encryption {' '.join(encs) or '-'}; hash {' '.join(hashes) or '-'}; dh-group {' '.join(groups) or '-'}; "
        f"lifetime {written or '-'}"
    )
    return prof


def _ipsec_profile(name: str, node: Node, dev: ParsedDevice, predefined: bool = False) -> _Profile:
    prof = _Profile(name, node.line, predefined)
    _ignored("IPsec crypto profile", name, node, dev)
    if node.get("ah") is not None:
        dev.note(
            "UNSUPPORTED", f"IPsec crypto profile {name}: AH (the model holds ESP only)", node.line_of("ah"), "error"
        )
    encs, auths = node.words("esp", "encryption"), node.words("esp", "authentication")
    for kw in encs:
        if _enc("esp_encryption", kw) is None:
            dev.note(
                "UNSUPPORTED",
                f"IPsec crypto profile {name}: esp encryption {kw} has no canonical name",
                node.line_of("esp", "encryption", kw),
                "warning",
            )
    for kw in auths:
        if kw != "none" and _enc("esp_integrity", kw) is None:
            dev.note(
                "UNSUPPORTED",
                f"IPsec crypto profile {name}: esp authentication {kw} has no canonical name",
                node.line_of("esp", "authentication", kw),
                "warning",
            )
    if node.get("ah") is None:
        for what, items in (("esp encryption", encs), ("esp authentication", auths)):
            if not items:
                dev.note("MISSING", f"IPsec crypto profile {name}: no {what}", node.line, "warning")
    for e in encs:
        for a in auths:
            integ = None if a == "none" else _enc("esp_integrity", a)
            prof.proposals.append(Proposal(_enc("esp_encryption", e), integ, None, f"{e}/{a}"))
    dh = node.value("dh-group")
    if dh is None:
        dh = str(_data()[0]["ipsec_dh_group"]["value"])
        prof.pfs_default = True
    if dh == "no-pfs":
        prof.pfs = None
    else:
        prof.pfs = _group(dh)
        if prof.pfs is None:
            prof.pfs_unknown = True
            dev.note(
                "UNSUPPORTED",
                f"IPsec crypto profile {name}: dh-group {dh} is not one the model holds",
                node.line_of("dh-group"),
                "error",
            )
    secs, written, problem = _span(node.get("lifetime"), _units("lifetime_units"))
    if problem:
        dev.note(
            "UNSUPPORTED",
            f"IPsec crypto profile {name}: lifetime {written}: {problem}; the lifetime stays unknown",
            node.line_of("lifetime"),
            "warning",
        )
    elif secs is None:
        secs = int(_data()[0]["ipsec_lifetime"]["value"])
        prof.lifetime_default = True
        written = f"not set: {secs} s by default"
    prof.lifetime = secs
    kb, size, problem = _span(node.get("lifesize"), _units("lifesize_units"))
    if problem:
        dev.note(
            "UNSUPPORTED",
            f"IPsec crypto profile {name}: lifesize {size}: {problem}; the traffic lifetime stays unknown",
            node.line_of("lifesize"),
            "warning",
        )
    prof.lifetime_kb = kb
    prof.summary = (
        f"esp encryption {' '.join(encs) or '-'}; authentication {' '.join(auths) or '-'}; "
        f"dh-group {dh}{' (default)' if prof.pfs_default else ''}; lifetime {written or '-'}"
        + (f"; lifesize {size}" if size else "")
    )
    return prof


def _predefined(kind: str, dev: ParsedDevice) -> _Profile:
    """The predefined profile ``default`` (vendor.yaml defaults.profiles)."""
    d = _data()[0]["profiles"][kind]
    node = Node(0)
    if kind == "ike":
        for k in ("encryption", "hash", "dh-group"):
            for w in d[k]:
                node.child(k, 0).child(w, 0)
        node.child("lifetime", 0).child(d["lifetime"][0], 0).child(d["lifetime"][1], 0)
        return _ike_profile("default", node, dev, predefined=True)
    esp = node.child("esp", 0)
    for k in ("encryption", "authentication"):
        for w in d[k]:
            esp.child(k, 0).child(w, 0)
    node.child("dh-group", 0).child(d["dh-group"][0], 0)
    node.child("lifetime", 0).child(d["lifetime"][0], 0).child(d["lifetime"][1], 0)
    return _ipsec_profile("default", node, dev, predefined=True)


# ------------------------------------------------------------------ the reading
def _cidr(s: str) -> tuple[str | None, bool]:
    """A proxy-id or route prefix as a CIDR; True when it had no prefix length."""
    try:
        net = ipaddress.IPv4Network(s, strict=False)
    except ValueError:
        return None, False
    return str(net), "/" not in s


def _disabled(node: Node) -> bool:
    return node.value("disabled") == "yes"


def _key(t: ParsedTunnel, gw_name: str, gw: Node, dev: ParsedDevice) -> None:
    node = gw.get("authentication", "pre-shared-key", "key")
    if gw.get("authentication", "certificate") is not None:
        t.auth = "certificate"
        t.psk_state = "certificate"
        dev.note("MISSING", f"IKE gateway {gw_name}: certificate authentication, no pre-shared key", gw.line, "warning")
        return
    if node is None or not node.kids:
        dev.note("MISSING", f"IKE gateway {gw_name}: no pre-shared key", gw.line, "warning")
        return
    key = list(node.kids)[-1]
    line = node.line
    t.extra["psk_raw"] = key
    if _ENCRYPTED.match(key):
        t.psk_state = "encrypted"
        dev.note(
            "KEY",
            f"IKE gateway {gw_name}: the pre-shared key is stored encrypted by the device, not the key itself",
            line,
            "warning",
        )
    elif _MASKED.match(key):
        t.psk_state = "masked"
        dev.note("KEY", f"IKE gateway {gw_name}: the pre-shared key is masked", line, "warning")
    elif _PLACEHOLDER.match(key):
        t.psk_state = "masked"
        dev.note("KEY", f"IKE gateway {gw_name}: the pre-shared key is a placeholder, not the key", line, "warning")
    else:
        t.psk, t.psk_state = key, "clear"


def _ident(t: ParsedTunnel, which: str, gw_name: str, gw: Node, dev: ParsedDevice) -> None:
    node = gw.get(which)
    if node is None:
        return
    typ, val = node.value("type"), node.value("id")
    if val is None:
        dev.note("MISSING", f"IKE gateway {gw_name}: {which} without an id", node.line, "warning")
        return
    if typ == "ipaddr" and ipv4(val):
        ident = Ident("address", ipv4(val) or val)
    elif typ == "fqdn":
        ident = Ident("fqdn", val)
    else:
        ident = Ident("other", f"{typ}:{val}")
        dev.note(
            "IDENTITY",
            f"IKE gateway {gw_name}: {which} type {typ} is neither an address nor an FQDN",
            node.line,
            "warning",
        )
    if _PLACEHOLDER.match(val):
        dev.note("PLACEHOLDER", f"IKE gateway {gw_name}: {which} is a placeholder ({val})", node.line, "warning")
    setattr(t, "local_id" if which == "local-id" else "peer_id", ident)


def _default(t: ParsedTunnel, dev: ParsedDevice, field: str, key: str, what: str, line: int) -> None:
    src = str(_data()[0][key]["source"])
    t.defaulted[field] = src
    dev.note("DEFAULT", f"tunnel {t.name}: {what} ({src})", line)


def _gateway(t: ParsedTunnel, gw_name: str, gw: Node, dev: ParsedDevice) -> str:
    """Fill the tunnel from its IKE gateway; the IKE crypto profile's name."""
    _ignored("IKE gateway", gw_name, gw, dev)
    if _disabled(gw):
        dev.note("INACTIVE", f"IKE gateway {gw_name} is disabled", gw.line_of("disabled"), "warning")
    peer = gw.value("peer-address", "ip")
    if peer is not None:
        if ipv4(peer):
            t.peer_address = ipv4(peer)
        elif _PLACEHOLDER.match(peer):
            dev.note(
                "PLACEHOLDER",
                f"IKE gateway {gw_name}: peer-address ip is a placeholder ({peer})",
                gw.line_of("peer-address"),
                "warning",
            )
        else:
            dev.note(
                "UNSUPPORTED",
                f"IKE gateway {gw_name}: peer-address ip {peer} is not an IPv4 address "
                "(an address object name is not resolved)",
                gw.line_of("peer-address"),
                "warning",
            )
    elif gw.get("peer-address", "dynamic") is not None:
        dev.note(
            "UNSUPPORTED", f"IKE gateway {gw_name}: a dynamic peer (no address)", gw.line_of("peer-address"), "warning"
        )
    elif gw.get("peer-address", "fqdn") is not None:
        dev.note(
            "UNSUPPORTED",
            f"IKE gateway {gw_name}: peer-address fqdn {gw.value('peer-address', 'fqdn')}",
            gw.line_of("peer-address"),
            "warning",
        )
    else:
        dev.note("MISSING", f"IKE gateway {gw_name}: no peer-address", gw.line, "error")
    local = gw.value("local-address", "ip")
    if local is not None:
        t.local_address = ipv4(local.split("/")[0])
    if_name = gw.value("local-address", "interface")
    if if_name:
        t.extra["interface"] = if_name
    _key(t, gw_name, gw, dev)
    _ident(t, "local-id", gw_name, gw, dev)
    _ident(t, "peer-id", gw_name, gw, dev)
    version = gw.value("protocol", "version")
    if version is None:
        t.ike_version = 1
        _default(t, dev, "ike_version", "ike_version", "IKE version not set: ikev1", gw.line)
    elif version in ("ikev1", "ikev2"):
        t.ike_version = int(version[-1])
    elif version == "ikev2-preferred":
        t.ike_version = None
        dev.note(
            "AMBIGUOUS",
            f"IKE gateway {gw_name}: version ikev2-preferred (IKEv2 first, IKEv1 accepted): both versions read",
            gw.line_of("protocol", "version"),
        )
    else:
        dev.note("UNSUPPORTED", f"IKE gateway {gw_name}: protocol version {version}", gw.line_of("protocol"), "error")
    ver = "ikev2" if t.ike_version == 2 else "ikev1"
    mode = gw.value("protocol", "ikev1", "exchange-mode")
    if t.ike_version != 2:
        if mode in ("main", "aggressive"):
            t.mode = mode  # type: ignore[assignment]
        elif mode is None or mode == "auto":
            t.mode = "main"
            if mode is None:
                t.defaulted["mode"] = str(_data()[0]["exchange_mode"]["source"])
            dev.note(
                "DEFAULT" if mode is None else "AMBIGUOUS",
                f"tunnel {t.name}: IKEv1 exchange-mode {'not set: ' if mode is None else ''}auto (main mode as "
                "initiator, main or aggressive as responder): read as main",
                gw.line_of("protocol"),
            )
        else:
            dev.note("UNSUPPORTED", f"IKE gateway {gw_name}: exchange-mode {mode}", gw.line_of("protocol"), "warning")
    dpd = gw.get("protocol", ver, "dpd")
    if dpd is not None and dpd.value("enable") == "yes":
        t.dpd_enabled = True
        interval = small_int(dpd.value("interval") or "")
        if interval is None:
            interval = int(_data()[0]["dpd_interval"]["value"])
            t.defaulted["dpd_interval"] = str(_data()[0]["dpd_interval"]["source"])
        retry = small_int(dpd.value("retry") or "") if ver == "ikev1" else None
        if ver == "ikev1" and retry is None:
            retry = int(_data()[0]["dpd_retry"]["value"])
            t.defaulted["dpd_retry"] = str(_data()[0]["dpd_retry"]["source"])
        t.dpd_timeout = interval * retry if retry else None
        t.extra["dpd_interval"] = interval
    profile = gw.value("protocol", ver, "ike-crypto-profile")
    if profile is None:
        profile = str(_data()[0]["ike_crypto_profile"]["value"])
        _default(
            t,
            dev,
            "ike_crypto_profile",
            "ike_crypto_profile",
            f"IKE crypto profile not set on gateway {gw_name}: '{profile}'",
            gw.line,
        )
    return profile


def _apply_ike(t: ParsedTunnel, prof: _Profile, dev: ParsedDevice) -> None:
    prof.used = True
    t.ike_proposals = list(prof.proposals)
    t.ike_lifetime = prof.lifetime
    if prof.lifetime_default:
        _default(t, dev, "ike_lifetime", "ike_lifetime", f"IKE crypto profile {prof.name} sets no lifetime", prof.line)
    if prof.predefined:  # the factory profile: its values are the device's defaults, not read
        t.defaulted["ike_proposals"] = t.defaulted["ike_lifetime"] = str(_data()[0]["profiles"]["source"])


def _apply_ipsec(t: ParsedTunnel, prof: _Profile, dev: ParsedDevice) -> None:
    prof.used = True
    t.esp_proposals = list(prof.proposals)
    t.pfs, t.pfs_unknown = prof.pfs, prof.pfs_unknown
    if prof.pfs_default:
        _default(
            t, dev, "pfs", "ipsec_dh_group", f"IPsec crypto profile {prof.name} sets no dh-group: PFS group2", prof.line
        )
    t.ipsec_lifetime_seconds = prof.lifetime
    if prof.lifetime_default:
        _default(
            t,
            dev,
            "ipsec_lifetime_seconds",
            "ipsec_lifetime",
            f"IPsec crypto profile {prof.name} sets no lifetime",
            prof.line,
        )
    t.ipsec_lifetime_kb = prof.lifetime_kb
    if prof.predefined:
        src = str(_data()[0]["profiles"]["source"])
        for fld in ("esp_proposals", "pfs", "ipsec_lifetime_seconds"):
            t.defaulted[fld] = src


def _profile(
    kind: str, name: str, table: dict[str, _Profile], t: ParsedTunnel, dev: ParsedDevice, line: int
) -> _Profile | None:
    prof = table.get(name)
    if prof is None and name == "default":
        prof = table["default"] = _predefined(kind, dev)
        dev.note(
            "DEFAULT",
            f"tunnel {t.name}: the predefined {kind.upper() if kind == 'ike' else 'IPsec'} crypto "
            f"profile 'default' is not in the text: its factory values are read ({prof.summary})",
            line,
        )
    if prof is None:
        dev.note(
            "UNRESOLVED",
            f"tunnel {t.name}: {kind.upper() if kind == 'ike' else 'IPsec'} crypto profile {name} is not defined",
            line,
            "error",
        )
    return prof


def _routes(net: Node) -> list[tuple[str, str, int, Node]]:
    """(destination, interface, line, route) of every static route."""
    out: list[tuple[str, str, int, Node]] = []
    tables = [
        vr.get("routing-table", "ip", "static-route") for vr in (net.get("virtual-router") or Node(0)).kids.values()
    ]
    for lr in (net.get("logical-router") or Node(0)).kids.values():
        for vrf in (lr.get("vrf") or Node(0)).kids.values():
            tables.append(vrf.get("routing-table", "ip", "static-route"))
    for tbl in tables:
        for route in tbl.kids.values() if tbl is not None else []:
            dest, iface = route.value("destination"), route.value("interface")
            if dest and iface:
                out.append((dest, iface, route.line, route))
    return out


def _route_preference(t: ParsedTunnel, mine: list[tuple[int, Node]], tif: str, dev: ParsedDevice) -> None:
    """``route_preference``: the ``metric`` of the static routes into the tunnel interface
    (what ranks routes of one admin distance, and what a pair's backup raises); none written:
    vendor.yaml ``defaults.static_route_metric`` (DEFAULT); different ones: the lowest,
    AMBIGUOUS. An ``admin-dist`` (it ranks first) is not in the field: NOT-CARRIED."""
    if not mine:
        return
    d = _data()[0]["static_route_metric"]
    lowest_route_preference(
        dev,
        t,
        ((small_int(rt.value("metric") or ""), ln, f"static route into {tif}") for ln, rt in mine),
        (int(d["value"]), str(d["source"])),
        "metrics",
        tif,
    )
    dists = sorted({x for _, rt in mine if (x := rt.value("admin-dist"))})
    if dists:
        dev.note(
            "NOT-CARRIED",
            f"tunnel {t.name}: static route admin-dist {', '.join(dists)} ranks before the metric; "
            "route_preference holds the metric only",
            mine[0][0],
        )


def _import_local_preference(bgp: Node, group: str) -> int | None:
    """The local preference the BGP import rules used by ``group`` set (``action allow update
    local-preference N``, one N, rules without a match); None otherwise."""
    values: set[int | None] = set()
    for rule in (bgp.get("policy", "import", "rules") or Node(0)).kids.values():
        if group not in rule.words("used-by") or rule.value("enable") == "no":
            continue
        if rule.get("match") is not None:
            return None
        values.add(small_int(rule.value("action", "allow", "update", "local-preference") or ""))
    return values.pop() if len(values) == 1 else None


def _bgp(net: Node, tif: str, dev: ParsedDevice) -> ParsedBgp | None:
    """The BGP peer whose local address is ``tif`` (legacy virtual routers)."""
    for vr in (net.get("virtual-router") or Node(0)).kids.values():
        bgp = vr.get("protocol", "bgp")
        if bgp is None:
            continue
        for pg_name, pg in (bgp.get("peer-group") or Node(0)).kids.items():
            for peer_name, peer in (pg.get("peer") or Node(0)).kids.items():
                if peer.value("local-address", "interface") != tif:
                    continue
                b = ParsedBgp(line=peer.line)
                b.local_asn = small_int(bgp.value("local-as") or "")
                b.peer_asn = small_int(peer.value("peer-as") or "")
                local = peer.value("local-address", "ip") or ""
                b.local_ip = ipv4(local.split("/")[0])
                if "/" in local:
                    b.prefixlen = small_int(local.split("/")[1])
                b.peer_ip = ipv4(peer.value("peer-address", "ip") or "")
                b.keepalive = small_int(peer.value("connection-options", "keep-alive-interval") or "")
                b.hold_time = small_int(peer.value("connection-options", "hold-time") or "")
                b.local_preference = _import_local_preference(bgp, pg_name)
                if bgp.value("enable") == "no" or peer.value("enable") == "no":
                    dev.note("INACTIVE", f"BGP peer {peer_name} on {tif} is disabled", peer.line, "warning")
                profiles = vr.get("protocol", "redist-profile") or Node(0)
                for rule_name, rule in (bgp.get("redist-rules") or Node(0)).kids.items():
                    if rule.value("enable") == "no":
                        continue
                    prof = profiles.get(rule_name)
                    if prof is not None:
                        b.advertise += [d for d in prof.words("filter", "destination") if _cidr(d)[0]]
                    elif _cidr(rule_name)[0]:
                        b.advertise.append(rule_name)
                return b
    return None


def parse(text: str, name: str) -> ParsedDevice:
    dev = ParsedDevice(vendor=VENDOR, file=name)
    head = text.lstrip()[:1]
    if head == "<":
        root = _from_xml(text, dev)
        if root is None:
            return dev
    elif re.search(r"^[ \t]*(?:[\w.-]+@[\w.()-]+[#>][ \t]*)?(?:set|delete)[ \t]", text[:200_000], re.M):
        root = _from_set(text, dev)
    else:
        root = _from_braces(text, dev)
    net = _network(root, dev)
    if net is None:
        return dev
    ike_profiles = {
        n: _ike_profile(n, node, dev)
        for n, node in (net.get("ike", "crypto-profiles", "ike-crypto-profiles") or Node(0)).kids.items()
    }
    ipsec_profiles = {
        n: _ipsec_profile(n, node, dev)
        for n, node in (net.get("ike", "crypto-profiles", "ipsec-crypto-profiles") or Node(0)).kids.items()
    }
    gateways = (net.get("ike", "gateway") or Node(0)).kids
    used_gw: set[str] = set()
    routes = _routes(net)
    routes_into: dict[
        str, list[tuple[str, str, int, Node]]
    ] = {}  # by interface: each tunnel reads its own (not all of them)
    for route in routes:
        routes_into.setdefault(route[1], []).append(route)
    tunnels = (net.get("tunnel", "ipsec") or Node(0)).kids
    for tname, tn in tunnels.items():
        t = ParsedTunnel(name=tname, line=tn.line, variant="route")
        if _disabled(tn):
            dev.note("INACTIVE", f"tunnel {tname} is disabled", tn.line_of("disabled"), "warning")
            t.extra["disabled"] = True
        _ignored("tunnel", tname, tn, dev)
        auto = tn.get("auto-key")
        if auto is not None:
            _ignored("auto-key of tunnel", tname, auto, dev)
        if auto is None:
            what = (
                "manual-key"
                if tn.get("manual-key") is not None
                else ("global-protect-satellite" if tn.get("global-protect-satellite") is not None else "no auto-key")
            )
            dev.note("UNSUPPORTED", f"tunnel {tname}: {what} (only auto-key IKE tunnels are read)", tn.line, "warning")
            continue
        dev.tunnels.append(t)
        gws = auto.words("ike-gateway")
        if tname.startswith("TUN-") and gws and gws[0] == "GW-" + tname[4:]:
            t.name = tname[4:]  # vpnconf's own names: TUN-<name> with GW-<name>
        if not gws:
            dev.note("MISSING", f"tunnel {tname}: no auto-key ike-gateway", tn.line, "error")
        primary_read = False
        for gw_name in gws:
            gw = gateways.get(gw_name)
            used_gw.add(gw_name)
            if gw is None:
                dev.note(
                    "UNRESOLVED",
                    f"tunnel {tname}: IKE gateway {gw_name} is not defined",
                    auto.line_of("ike-gateway", gw_name),
                    "error",
                )
                continue
            if not primary_read:  # the first defined gateway; the others are backup peers
                primary_read = True
                prof_name = _gateway(t, gw_name, gw, dev)
                prof = _profile("ike", prof_name, ike_profiles, t, dev, gw.line)
                if prof is not None:
                    _apply_ike(t, prof, dev)
            else:
                peer = ipv4(gw.value("peer-address", "ip") or "")
                if peer:
                    t.backup_peers.append(peer)
                dev.note(
                    "BACKUP-PEER",
                    f"tunnel {tname}: a further IKE gateway {gw_name} ({peer or 'no address'})",
                    auto.line_of("ike-gateway", gw_name),
                )
        pname = auto.value("ipsec-crypto-profile")
        if pname is None:
            pname = str(_data()[0]["ipsec_crypto_profile"]["value"])
            _default(
                t,
                dev,
                "ipsec_crypto_profile",
                "ipsec_crypto_profile",
                f"IPsec crypto profile not set: '{pname}'",
                auto.line,
            )
        prof = _profile("ipsec", pname, ipsec_profiles, t, dev, auto.line_of("ipsec-crypto-profile"))
        if prof is not None:
            _apply_ipsec(t, prof, dev)
        for pid_name, pid in (auto.get("proxy-id") or Node(0)).kids.items():
            sel: list[str] = []
            for side in ("local", "remote"):
                raw = pid.value(side)
                cidr, bare = _cidr(raw or "")
                if raw is None:
                    dev.note("MISSING", f"tunnel {tname}: proxy-id {pid_name} has no {side}", pid.line, "error")
                elif cidr is None:
                    dev.note(
                        "UNSUPPORTED",
                        f"tunnel {tname}: proxy-id {pid_name} {side} {raw} is not an IPv4 prefix",
                        pid.line_of(side),
                        "error",
                    )
                else:
                    if bare:
                        dev.note(
                            "SELECTORS",
                            f"tunnel {tname}: proxy-id {pid_name} {side} {raw} has no prefix length: "
                            f"read as the host {cidr}",
                            pid.line_of(side),
                            "warning",
                        )
                    sel.append(cidr)
            proto = pid.get("protocol")
            if proto is not None and "any" not in proto.kids:
                dev.note(
                    "SELECTORS",
                    f"tunnel {tname}: proxy-id {pid_name} narrows the protocol "
                    f"({' '.join(proto.kids)}): the model's selectors are any protocol",
                    proto.line,
                    "warning",
                )
            if len(sel) == 2:
                t.selectors.append((sel[0], sel[1]))
        tif = tn.value("tunnel-interface")
        if tif is None:
            dev.note("MISSING", f"tunnel {tname}: no tunnel-interface", tn.line, "error")
        else:
            t.extra["tunnel_interface"] = tif
            mine = routes_into.get(tif, [])
            t.routes = [r for d, _, _, _ in mine if (r := _cidr(d)[0])]
            t.bgp = _bgp(net, tif, dev)
            unit = net.get("interface", "tunnel", "units", tif)
            t.point_to_point, hc_routes = health_check_pairs(
                unit.words("ip") if unit is not None else [], t.routes, t.bgp.peer_ip if t.bgp else None
            )
            if hc_routes:  # the host route to the cloud's health-check end is no VPC range
                mine = [m for m in mine if _cidr(m[0])[0] not in hc_routes]
                t.routes = [r for r in t.routes if r not in hc_routes]
            _route_preference(t, [(ln, rt) for d, _, ln, rt in mine if _cidr(d)[0]], tif, dev)
            if t.bgp is not None and unit is not None:
                # the session's own address, else the tunnel interface's (local-address ip is optional)
                for ip in unit.words("ip"):
                    addr, _, plen = ip.partition("/")
                    if t.bgp.local_ip is None and ipv4(addr) and plen:
                        t.bgp.local_ip = ipv4(addr)
                    if ipv4(addr) == t.bgp.local_ip and t.bgp.prefixlen is None and plen:
                        t.bgp.prefixlen = small_int(plen)
        if not t.selectors:
            t.route_based = True
            dev.note(
                "SELECTORS",
                f"tunnel {tname}: no proxy-id: route-based, negotiated as 0.0.0.0/0 <-> 0.0.0.0/0 "
                f"(any/any) on {tif or 'its tunnel interface'}",
                tn.line,
            )
        elif t.bgp is not None:
            t.route_based = True
    for gname, gw in gateways.items():
        if gname not in used_gw:
            if _disabled(gw):
                dev.note("INACTIVE", f"IKE gateway {gname} is disabled", gw.line_of("disabled"), "info")
            dev.note(
                "UNUSED",
                f"IKE gateway {gname} (peer {gw.value('peer-address', 'ip') or '-'}) is used by no tunnel",
                gw.line,
            )
    for kind, table in (("IKE", ike_profiles), ("IPsec", ipsec_profiles)):
        for prof in table.values():
            if not prof.used and not prof.predefined:
                dev.note(
                    "UNUSED", f"{kind} crypto profile {prof.name} ({prof.summary}) is used by no tunnel", prof.line
                )
    return dev
