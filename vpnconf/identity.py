"""IKE identities as strongSwan reads and matches them, for ``check`` (the
identity an end sends against the one the other expects) and for
``vpnconf.certs`` (an identity against a certificate's subject and SANs).

An identity string is typed by its prefix (``email:``, ``fqdn:``, ``dn:``,
``@@``, ``@#`` ...), else by its shape: ``=`` makes a DN, ``@`` an email
address, an address or network an IP, anything else a host name. Only the
expected side is a pattern: ``%any`` (or an empty id) matches anything, a
leading ``*`` in a host name or email address matches any prefix, an RDN value
``*`` matches any value of that RDN (same RDNs, same order), an IP network
matches the addresses in it. Sources: strongSwan identification.c
(``matches_string``/``matches_dn``) and the swanctl.conf ``id`` options.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from .parsing import Ident

# fmt: off
#: DN attribute names as strongSwan writes them -> OID (the first name of an OID is the one shown)
DN_ATTRS = {
    "CN": "2.5.4.3", "C": "2.5.4.6", "L": "2.5.4.7", "ST": "2.5.4.8", "O": "2.5.4.10", "OU": "2.5.4.11",
    "SN": "2.5.4.5", "SERIALNUMBER": "2.5.4.5", "T": "2.5.4.12", "G": "2.5.4.42", "GN": "2.5.4.42",
    "DC": "0.9.2342.19200300.100.1.25", "UID": "0.9.2342.19200300.100.1.1", "E": "1.2.840.113549.1.9.1",
    "EMAIL": "1.2.840.113549.1.9.1", "EMAILADDRESS": "1.2.840.113549.1.9.1",
}
# fmt: on
DN_NAMES = {oid: k for k, oid in reversed(DN_ATTRS.items())}
#: strongSwan's type prefixes of an identity string
PREFIXES = {"email:": "email", "rfc822:": "email", "userfqdn:": "email", "@@": "email", "dns:": "dns", "fqdn:": "dns"}
PREFIXES |= {"asn1dn:": "dn", "dn:": "dn", "ipv4:": "ip", "ipv6:": "ip", "keyid:": "keyid", "@#": "keyid"}
#: identities that stand for any identity
ANY_IDS = frozenset({"", "%any", "%any6", "*", "0.0.0.0", "::"})
Dn = tuple[tuple[str, str], ...]  # (attribute OID, value), in ASN.1 order


def parse_dn(text: str) -> Dn:
    """A DN as strongSwan writes it (``C=CH, O=Org, CN=x`` or ``/C=CH/O=Org``)."""
    text = text.strip().strip("\"'")
    parts = re.split(r"(?<!\\)/", text.lstrip("/")) if text.startswith("/") else re.split(r"(?<!\\),", text)
    out = []
    for part in parts:
        k, sep, v = part.partition("=")
        if not sep:
            continue
        key = k.strip().upper()
        out.append((DN_ATTRS.get(key, key), v.strip().replace("\\,", ",").lower()))
    return tuple(out)


def kind(i: Ident) -> tuple[str, str]:
    """(any | ip | dns | email | dn | keyid, value) of an identity, as strongSwan types it."""
    return _kind(i.type, i.value)


@lru_cache(maxsize=65536)
def _kind(type_: str, value: str) -> tuple[str, str]:
    """``kind`` of (identity type, value), once per distinct pair (a fleet's checks repeat them)."""
    v = value.strip().strip("\"'")
    low = v.lower()
    if low in ANY_IDS:
        return "any", ""
    for prefix, k in PREFIXES.items():
        if low.startswith(prefix):
            return k, v[len(prefix) :].strip()
    if type_ == "address":
        return "ip", v
    if type_ == "fqdn":
        return "dns", v.removeprefix("@")
    if "=" in v:
        return "dn", v
    if "@" in v and not v.startswith("@"):
        return "email", v
    try:
        ipaddress.ip_network(v, strict=False)
        return "ip", v
    except ValueError:
        return "dns", v.removeprefix("@")


def matches(value: Ident, pattern: Ident) -> bool:
    """Does identity ``value`` match the expected identity ``pattern``?"""
    (pk, pv), (vk, vv) = kind(pattern), kind(value)
    if pk == "any":
        return True
    if vk != pk:
        return False
    if vk == "dn":
        a, b = parse_dn(vv), parse_dn(pv)
        return len(a) == len(b) and all(
            x[0] == y[0] and (y[1] == "*" or x[1] == y[1]) for x, y in zip(a, b, strict=True)
        )
    if vk == "ip":
        return _ip_in(vv, pv)
    vv, pv = vv.lower(), pv.lower()  # exact, or "*" at the start for any prefix
    return vv == pv or (pv.startswith("*") and vv.endswith(pv[1:]))


@lru_cache(maxsize=65536)
def _ip_in(address: str, network: str) -> bool:
    """``address`` lies in ``network`` (an address is its own /32); texts that
    are not addresses match only when equal."""
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return address == network
