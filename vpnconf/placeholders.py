"""Placeholders as a value kind of their own (translate of a cloud's sample config).

A cloud's sample config is a template: the peer address is ``<AWS_ENDPOINT_1>``,
``${oracleHeadend1}`` or ``{{ peer_ip }}``, the key ``"<PSK_TUNNEL_1>"``, the
device's address ``x.x.x.x``. The model holds addresses, keys and ASNs, not
names, so translate carries a placeholder through a *sentinel*: before the source
is parsed, every distinct placeholder is replaced by a reserved value of its kind
(one per placeholder, recorded in a :class:`Table`, never silently); the parser and
the model read an ordinary config; after rendering, every sentinel in the output
is replaced by the placeholder again and the output is checked to hold no sentinel
left (one left in a form the replacement does not know, a number or a mask derived
from it, is an error naming the field, not a wrong config).

The sentinels, and why they cannot be taken for real values:

* an **address**: a host of ``198.18.0.0/15`` (RFC 2544: reserved for benchmarking
  networks, never a peer on the internet), as ``198.18.<i>.<j>``; the model takes
  any IPv4 address, so the parsers and the model's rules accept it;
* a **network** (a selector given as a placeholder): ``198.19.<i>.0/24`` of the same
  block; a network is written as ``a/len``, ``a mask`` or ``a wildcard``, and each of
  these forms is put back;
* an **ASN**: ``65536 + i`` (RFC 5398: the 4-byte range reserved for documentation,
  16 values);
* a **key**: ``vpnconf-placeholder-key-<i>`` (a key the model's key rules accept,
  no real key reads that way); it is written back as a quoted text with spaces that
  no device takes as a key (like the renderer's ``PSK_PLACEHOLDER``).

A sentinel that already occurs in the source text is skipped, so a sentinel never
stands for a value the source really had.

The kind is read from the placeholder's name (``..._ASN``, ``..._PSK``/``KEY``/
``SECRET``, ``..._CIDR``/``SUBNET``/``NETWORK``) or from the keyword before it on its
line (``pre-shared-key``, ``remote-as``, ``leftsubnet=`` ...); anything else is an
address (a peer, a local address, an identity): what samples leave open.

``--set NAME=VALUE`` (and ``--values FILE``) fill placeholders: the value is checked
as the kind of the fields the placeholder reached (an address, a key through the
model's key rules, an ASN range) and written into the source in the placeholder's
place, so that the target's config holds it exactly as if the source had.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .findings import VpnconfError

Kind = Literal["address", "network", "asn", "key"]

# <NAME>, ${NAME}, {{ NAME }}, %NAME%, x.x.x.x (a.b.c.d, i.j.k.l): a whole token (not "Tunnel<N>")
_ANGLE = r"<(?P<a>[A-Za-z](?:[A-Za-z0-9_ .:/-]{0,62}[A-Za-z0-9_])?)>"
_OTHER = (
    r"\$\{(?P<b>[A-Za-z_][A-Za-z0-9_.:-]{0,63})\}"
    r"|\{\{\s*(?P<c>[A-Za-z_][A-Za-z0-9_.:\[\]'\" -]{0,63}?)\s*\}\}"
    r"|%(?P<d>[A-Za-z][A-Za-z0-9_]{0,62})%"
    r"|(?P<x>[A-Za-z]\.[A-Za-z]\.[A-Za-z]\.[A-Za-z])"  # x.x.x.x, a.b.c.d: an address spelt in letters
)
_EDGE_L = r"(?<![\w<$%{.])"
_EDGE_R = r"(?![\w>}%.])"
_TOKEN = re.compile(f"{_EDGE_L}(?:{_ANGLE}|{_OTHER}){_EDGE_R}")
#: in an XML text ``<name>`` is markup, not a placeholder
_TOKEN_XML = re.compile(f"{_EDGE_L}(?:{_OTHER}){_EDGE_R}")

_KEY_NAME = re.compile(r"(?i)psk|key|secret|passw|shared")
_ASN_NAME = re.compile(r"(?i)asn|(?:^|[^a-z])as(?:[^a-z]|$)|(?:^|[^a-z])as[_-]?num|(?-i:[a-z]As(?![a-z]))")
_NET_NAME = re.compile(r"(?i)cidr|subnet|network|prefix|range|_net\b|net$")
_KEY_WORD = re.compile(
    r"(?i)(?:pre-?shared-?key|psk|psksecret|secret|ipsec-secret|key|password|pre-shared-secret|authentication-key)"
)
_KEY_ENC = re.compile(r"(?i)(?:0|6|7|ascii-text|simple|plain|plaintext|text|hex|cipher|local|remote|ike)")
_ASN_WORD = re.compile(
    r"(?i)(?:asn|as|remote-as|local-as|peer-as|as-number|autonomous-system|bgp|local-asn|peer-asn|remote-asn|"
    r"bgp-asn|bgp_asn|peer_asn|local_asn)"
)
_NET_WORD = re.compile(
    r"(?i)(?:leftsubnet|rightsubnet|local_ts|remote_ts|subnet|src-subnet|dst-subnet|local-subnet|remote-subnet|"
    r"local-network|remote-network|prefix|destination|dst|src|network)"
)
_WORDS_BEFORE = re.compile(r"([A-Za-z0-9_-]+)[\s\"'=:]*$")


def _kind(name: str, before: str) -> Kind:
    """A placeholder's kind: from its name, else the keyword(s) before it."""
    if _KEY_NAME.search(name):
        return "key"
    if _ASN_NAME.search(name):
        return "asn"
    if _NET_NAME.search(name):
        return "network"
    words = re.findall(r"[A-Za-z0-9_-]+", before)[-2:]
    last = words[-1] if words else ""
    prev = words[-2] if len(words) > 1 else ""
    if _KEY_WORD.fullmatch(last) or (_KEY_ENC.fullmatch(last) and _KEY_WORD.fullmatch(prev)):
        return "key"
    if _ASN_WORD.fullmatch(last):
        return "asn"
    if _NET_WORD.fullmatch(last):
        return "network"
    return "address"


@dataclass
class Placeholder:
    """One distinct placeholder of the source (its spelling, kind) and its sentinel."""

    spelling: str  # as the source writes it: "<AWS_ENDPOINT_1>", "${oracleHeadend1}"
    name: str  # what --set names: AWS_ENDPOINT_1, oracleHeadend1, peer_ip, x.x.x.x
    kind: Kind
    sentinel: str
    line: int
    #: model fields the sentinel reached (filled by :func:`locate`)
    fields: list[str] = field(default_factory=list)
    value: str | None = None  # given with --set / --values

    def shown(self) -> str:
        """What the target's config holds in the placeholder's place."""
        if self.kind == "key":
            return f'"{self.spelling} (not a key: vpnconf translate --set {self.name}=KEY)"'
        return self.spelling

    def forms(self) -> list[tuple[str, str]]:
        """(text in the rendered output, replacement), longest first: a network
        as a/len, a/mask, a mask, a wildcard; others as themselves."""
        s = self.shown()
        if self.kind != "network":
            return [(self.sentinel, s)]
        n = ipaddress.IPv4Network(self.sentinel)
        ip = str(n.network_address)
        mask, wild = str(n.netmask), str(n.hostmask)
        return [
            (f"{ip}/{n.prefixlen}", s),
            (f"{ip}/{mask}", s),
            (f"{ip} {mask}", s),
            (f"{ip} {wild}", s),
            (f"{ip} mask {mask}", s),
            (f"{ip}/{wild}", s),
        ]


@dataclass
class Table:
    """The placeholders of one source and their sentinels (the side table)."""

    by_spelling: dict[str, Placeholder] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.by_spelling)

    def items(self) -> list[Placeholder]:
        return list(self.by_spelling.values())

    def by_name(self, name: str) -> Placeholder | None:
        for p in self.by_spelling.values():
            if name in (p.name, p.spelling):
                return p
        return None

    def sentinel_of(self, value: str) -> Placeholder | None:
        for p in self.by_spelling.values():
            if value == p.sentinel or (p.kind == "asn" and str(value) == p.sentinel):
                return p
        return None

    def unmask(self, text: str) -> str:
        """Every sentinel in ``text`` -> its placeholder (a value given with --set
        was written into the source: it has no sentinel)."""
        for p in self.by_spelling.values():
            for form, repl in p.forms():
                text = _replace_token(text, form, repl)
        return text

    def left(self, text: str) -> list[Placeholder]:
        """The placeholders whose sentinel (or a derived form: the number of an
        address, its first octets) is still in ``text``."""
        out = []
        for p in self.by_spelling.values():
            probes = [p.sentinel]
            if p.kind in ("address", "network"):
                addr = ipaddress.IPv4Network(p.sentinel, strict=False).network_address
                probes += [str(int(addr)), ".".join(str(addr).split(".")[:3]) + "."]
            if any(re.search(rf"(?<![\w.]){re.escape(x)}(?![\w])", text) for x in probes if x):
                out.append(p)
        return out


def _replace_token(text: str, form: str, repl: str) -> str:
    return re.sub(rf"(?<![\w.]){re.escape(form)}(?![\w]|\.\d)", lambda _: repl, text)


def _name(m: re.Match[str]) -> str:
    named = [g for g in m.groupdict().values() if g is not None]
    return named[0].strip() if named else m.group(0)


def _looks_xml(text: str) -> bool:
    return "</" in text and text.lstrip().startswith("<")


def scan(text: str) -> Table:
    """The distinct placeholders of a source text, each with a sentinel of its kind."""
    table = Table()
    token = _TOKEN_XML if _looks_xml(text) else _TOKEN
    counters = {"address": 0, "network": 0, "asn": 0, "key": 0}
    for lineno, line in enumerate(text.splitlines(), 1):
        for m in token.finditer(line):
            spelling = m.group(0)
            if spelling in table.by_spelling or (spelling[0] == "<" and line.strip() == spelling):
                continue  # known, or a CLI prompt alone on its line (<HUAWEI>, <H3C>)
            name = _name(m)
            kind = _kind(name, line[: m.start()])
            table.by_spelling[spelling] = Placeholder(spelling, name, kind, _sentinel(kind, counters, text), lineno)
    return table


def _sentinel(kind: Kind, counters: dict[str, int], text: str) -> str:
    """The next sentinel of the kind that the source text does not hold."""
    while True:
        i = counters[kind] = counters[kind] + 1
        if kind == "address":
            s = f"198.18.{i // 250}.{i % 250 + 1}"
        elif kind == "network":
            s = f"198.19.{i % 256}.0/24"
        elif kind == "asn":
            if i > 16:
                raise VpnconfError("more than 16 ASN placeholders: the documentation ASN range holds 16")
            s = str(65535 + i)
        else:
            s = f"vpnconf-placeholder-key-{i}"
        probe = s.split("/")[0] if kind == "network" else s
        if not re.search(rf"(?<![\w.]){re.escape(probe)}(?![\w])", text):
            return s


def mask(text: str, table: Table) -> str:
    """The source text with every placeholder replaced: by its value where one was
    given, else by its sentinel (line numbers unchanged)."""
    if not table:
        return text
    token = _TOKEN_XML if _looks_xml(text) else _TOKEN

    def sub(m: re.Match[str]) -> str:
        p = table.by_spelling.get(m.group(0))
        if p is None:
            return m.group(0)
        return p.value if p.value is not None else p.sentinel

    return token.sub(sub, text)


# --------------------------------------------------------------- where they went
_FIELD_KIND = {
    "vpn_gateway.public_ip": "address",
    "customer_gateway.public_ip": "address",
    "ike.local_id.value": "identity",
    "ike.peer_id.value": "identity",
    "pre_shared_key": "key",
    "vpn_gateway.bgp_asn": "asn",
    "customer_gateway.bgp_asn": "asn",
}


def locate(site: dict[str, Any], table: Table) -> dict[str, list[tuple[str, Placeholder]]]:
    """For each tunnel of the site data: (model field, placeholder) for every
    sentinel it holds (its gateways' fields named ``vpn_gateway.*`` /
    ``customer_gateway.*``); each placeholder's ``fields`` filled."""
    if not table:
        return {}
    vgs = {g["name"]: g for g in site.get("vpn_gateways", [])}
    cgs = {g["name"]: g for g in site.get("customer_gateways", [])}
    out: dict[str, list[tuple[str, Placeholder]]] = {}
    for tun in site.get("tunnels", []):
        found: list[tuple[str, Placeholder]] = []
        _walk({k: v for k, v in tun.items() if k not in ("vpn_gateway", "customer_gateway")}, "", table, found)
        for key, gws in (("vpn_gateway", vgs), ("customer_gateway", cgs)):
            gw = gws.get(tun.get(key, ""))
            if gw is not None:
                _walk({k: v for k, v in gw.items() if k != "name"}, key, table, found)
        for f, p in found:
            if f not in p.fields:
                p.fields.append(f)
        out[tun["name"]] = found
    return out


def _walk(obj: Any, path: str, table: Table, found: list[tuple[str, Placeholder]]) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            _walk(v, f"{path}.{k}" if path else str(k), table, found)
    elif isinstance(obj, list):
        for v in obj:
            _walk(v, path, table, found)
    elif isinstance(obj, (str, int)) and not isinstance(obj, bool):
        s = str(obj)
        for p in table.by_spelling.values():
            if s == p.sentinel or (p.kind != "key" and s.split("/")[0] == p.sentinel.split("/")[0]):
                found.append((path, p))


# ---------------------------------------------------------------------- --set
def given_values(pairs: list[str], values_file: str | None) -> dict[str, tuple[str, str]]:
    """``--values FILE`` then ``--set NAME=VALUE`` (later wins): name -> (value, where)."""
    out: dict[str, tuple[str, str]] = {}
    if values_file is not None:
        from .io import read_text
        from .safeload import load_text

        data = load_text(read_text(values_file), values_file).data
        if not isinstance(data, dict):
            raise VpnconfError(f"{values_file}: a mapping of placeholder name to value is expected")
        for k, v in data.items():
            if isinstance(v, bool) or not isinstance(v, (str, int)):
                raise VpnconfError(f"{values_file}: {k}: the value is not a string or a number")
            out[str(k)] = (str(v), f"{values_file}: {k}")
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq or not name:
            raise VpnconfError(f"--set {name or pair}: expected NAME=VALUE")
        out[name.strip()] = (value, f"--set {name.strip()}")
    return out


def fill(table: Table, values: dict[str, tuple[str, str]]) -> list[str]:
    """Each given value onto its placeholder, checked as the kind of the fields it
    reached; the keys given (for the redactor). An unknown name is an error naming it."""
    from .names import PSK_RE, check_fqdn

    keys: list[str] = []
    for name, (value, where) in values.items():
        p = table.by_name(name)
        if p is None:
            known = ", ".join(sorted(x.name for x in table.items())) or "none"
            raise VpnconfError(f"{where}: no placeholder {name!r} in the source (placeholders: {known})")
        value = value.strip()
        kinds = {_FIELD_KIND.get(f, p.kind) for f in p.fields} or {p.kind}
        if p.kind == "key" or "key" in kinds:
            if not PSK_RE.fullmatch(value):
                raise VpnconfError(
                    f"{where}: the key is not 1-128 printable characters without spaces, quotes or backslash"
                )
            keys.append(value)
        elif p.kind == "asn" or "asn" in kinds:
            if not value.isdigit() or not 1 <= int(value) <= 4294967294:
                raise VpnconfError(f"{where}: {value!r} is not an ASN (1-4294967294)")
        elif p.kind == "network":
            try:
                value = str(ipaddress.IPv4Network(value, strict=True))
            except ValueError:
                raise VpnconfError(f"{where}: {value!r} is not an IPv4 network (a.b.c.d/len)") from None
        else:
            try:
                value = str(ipaddress.IPv4Address(value))
            except ValueError:
                if kinds != {"identity"}:
                    raise VpnconfError(
                        f"{where}: {value!r} is not an IPv4 address ({', '.join(p.fields) or p.kind})"
                    ) from None
                try:
                    check_fqdn(value)
                except ValueError as exc:
                    raise VpnconfError(f"{where}: {value!r} {exc}") from None
        p.value = value
    return keys
