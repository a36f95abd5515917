"""Canonical names: the algorithm, group and mode enums, the one alias table
that maps users' and vendors' spellings onto them, and the syntax of the user
strings that reach device configs (names, FQDNs, keys).

No pydantic here: a parse, a detection or a catalog lookup needs these names
without building the model's classes (``vpnconf.model`` imports them from
here and is where they are validated).
"""

from __future__ import annotations

import re
from enum import Enum, IntEnum, StrEnum
from functools import lru_cache
from typing import Any


class _AliasEnum(StrEnum):
    """A canonical-name enum that also accepts every spelling in ``ALIASES``
    (pydantic calls ``_missing_`` only for values that are not canonical)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            hit = _alias(cls._alias_kind(), _fold(value))
            if hit is not None and hit != value:
                return cls(hit)
        return None

    @classmethod
    def _alias_kind(cls) -> str:
        return _ALIAS_KIND.get(cls.__name__, "")


class Encryption(_AliasEnum):
    des = "des"
    tdes = "3des"
    aes128 = "aes128"
    aes192 = "aes192"
    aes256 = "aes256"
    aes128gcm = "aes128gcm"
    aes192gcm = "aes192gcm"
    aes256gcm = "aes256gcm"
    chacha20poly1305 = "chacha20poly1305"
    sm4 = "sm4"
    null = "null"


#: ciphers that carry their own integrity (no integrity algorithm beside them)
AEAD = frozenset({"aes128gcm", "aes192gcm", "aes256gcm", "chacha20poly1305"})


def is_aead(encryption: object) -> bool:
    return str(getattr(encryption, "value", encryption)) in AEAD


class Integrity(_AliasEnum):
    md5 = "md5"
    sha1 = "sha1"
    sha256 = "sha256"
    sha384 = "sha384"
    sha512 = "sha512"
    sm3 = "sm3"


class DhGroup(IntEnum):
    """IKE DH / PFS group numbers; ``GROUP14``, ``DH-GROUP14``, ``"14"`` are
    accepted (pydantic calls ``_missing_`` only for non-canonical input)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            n = canonical_dh(value)
            if isinstance(n, int) and n in cls._value2member_map_:
                return cls(n)
        return None

    g1 = 1
    g2 = 2
    g5 = 5
    g14 = 14
    g15 = 15
    g16 = 16
    g17 = 17  # modp6144
    g18 = 18  # modp8192
    g19 = 19
    g20 = 20
    g21 = 21
    g22 = 22  # modp1024s160
    g23 = 23  # modp2048s224
    g24 = 24  # modp2048s256
    g31 = 31  # curve25519 (x25519)
    g32 = 32  # curve448 (x448)


class Mode(_AliasEnum):
    main = "main"
    aggressive = "aggressive"


class IdentityType(_AliasEnum):
    address = "address"
    fqdn = "fqdn"


class AuthMethod(_AliasEnum):
    psk = "psk"


class Protocol(_AliasEnum):
    esp = "esp"


class Encapsulation(_AliasEnum):
    tunnel = "tunnel"


class RouteType(_AliasEnum):
    """policy: SPD selectors; static: route-based, routes into the tunnel;
    bgp: route-based, routes learnt over BGP inside the tunnel."""

    policy = "policy"
    static = "static"
    bgp = "bgp"


class DpdAction(_AliasEnum):
    clear = "clear"
    restart = "restart"


class GatewayType(_AliasEnum):
    """A VPN gateway's type, the API's ``Type`` (CreateVpnGateway,
    DescribeVpnGateways) and Terraform's ``type`` on tencentcloud_vpn_gateway:
    ``IPSEC`` (the default) an IPsec gateway in a VPC, ``SSL`` an SSL VPN
    gateway in a VPC, ``CCN`` an IPsec gateway attached to a Cloud Connect
    Network, ``SSL_CCN`` an SSL VPN gateway attached to a CCN.
    Sources: https://cloud.tencent.com/document/api/215/17521 (CreateVpnGateway,
    ``Type``); https://registry.terraform.io/providers/tencentcloudstack/tencentcloud/latest/docs/resources/vpn_gateway
    (``type``, and ``vpc_id`` only for a gateway that is not CCN or SSL_CCN)."""

    ipsec = "ipsec"
    ssl = "ssl"
    ccn = "ccn"
    ssl_ccn = "ssl_ccn"

    @property
    def carries_ipsec(self) -> bool:
        """An IPsec gateway (IPSEC, CCN); an SSL VPN gateway has no IPsec tunnels."""
        return self in (GatewayType.ipsec, GatewayType.ccn)

    @property
    def attached_to_ccn(self) -> bool:
        """Attached to a CCN instead of a VPC (CCN, SSL_CCN): no VpcId."""
        return self in (GatewayType.ccn, GatewayType.ssl_ccn)


_ALIAS_KIND = {
    "AuthMethod": "auth_method",
    "Protocol": "protocol",
    "Encapsulation": "encapsulation",
    "RouteType": "route_type",
    "Encryption": "encryption",
    "Integrity": "integrity",
    "Mode": "mode",
    "IdentityType": "identity",
    "DpdAction": "dpd_action",
    "GatewayType": "gateway_type",
}

# --------------------------------------------------------------------------
# The one alias table. Keys are folded (lower case, '_' and ' ' -> '-').
# It holds the spellings that are no vendor's keyword; every keyword of every
# vendor's keyword tables (vendors/<id>/vendor.yaml) is accepted too, read
# from the data (``_vendor_aliases``), so no vendor keyword is copied here.
# --------------------------------------------------------------------------
ALIASES: dict[str, dict[str, str]] = {
    "encryption": {
        "des": "des",
        "3des": "3des",
        "des3": "3des",
        "tripledes": "3des",
        "aes128": "aes128",
        "aes-128": "aes128",
        "aes128-cbc": "aes128",
        "aes192": "aes192",
        "aes192-cbc": "aes192",
        "aes256": "aes256",
        "aes256-cbc": "aes256",
        "aes128gcm": "aes128gcm",
        "aes128gcm128": "aes128gcm",
        "gcmaes128": "aes128gcm",
        "aes192gcm": "aes192gcm",
        "aes192gcm128": "aes192gcm",
        "gcmaes192": "aes192gcm",
        "aes256gcm": "aes256gcm",
        "aes256gcm128": "aes256gcm",
        "gcmaes256": "aes256gcm",
        "chacha20poly1305": "chacha20poly1305",
        "chacha20-poly1305": "chacha20poly1305",
        "sm4": "sm4",
        "sm4-cbc": "sm4",
        "null": "null",
        "none": "null",
    },
    "integrity": {
        "md5": "md5",
        "hmac-md5": "md5",
        "sha1": "sha1",
        "hmac-sha1": "sha1",
        "sha256": "sha256",
        "sha2-256": "sha256",
        "hmac-sha256": "sha256",
        "sha384": "sha384",
        "sha2-384": "sha384",
        "sha512": "sha512",
        "sha2-512": "sha512",
        "sm3": "sm3",
    },
    "mode": {"main": "main", "aggressive": "aggressive", "aggr": "aggressive"},
    "identity": {"address": "address", "ip": "address", "ipv4": "address", "fqdn": "fqdn"},
    "dpd_action": {"clear": "clear", "restart": "restart"},
    "auth_method": {"psk": "psk", "pre-share": "psk", "pre-shared-key": "psk", "preshared-key": "psk"},
    "protocol": {"esp": "esp"},
    "encapsulation": {"tunnel": "tunnel"},
    "route_type": {"static": "static", "staticroute": "static", "route": "static", "policy": "policy", "bgp": "bgp"},
    "gateway_type": {"ipsec": "ipsec", "ssl": "ssl", "ccn": "ccn", "ssl-ccn": "ssl_ccn"},
}


def _fold(value: str) -> str:
    return value.strip().lower().replace("_", "-").replace(" ", "-")


def canonical(kind: str, value: Any) -> Any:
    """Map a user spelling to the canonical name; unknown spellings pass
    through unchanged so that pydantic reports them against the enum."""
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return _canonical_str(kind, value)
    return value


@lru_cache(maxsize=4096)
def _canonical_str(kind: str, value: str) -> str:
    hit = _alias(kind, _fold(value))
    return value if hit is None else hit


def _alias(kind: str, folded: str) -> str | None:
    hit = ALIASES.get(kind, {}).get(folded)
    if hit is None and kind in _VENDOR_TABLES:
        hit = _vendor_aliases().get(kind, {}).get(folded)
    return hit


#: alias kind -> the vendor keyword tables that spell it
_VENDOR_TABLES = {"encryption": ("ike_encryption", "esp_encryption"), "integrity": ("ike_integrity", "esp_integrity")}


@lru_cache(maxsize=1)
def _vendor_aliases() -> dict[str, dict[str, str]]:
    """Every vendor keyword (folded) -> its canonical value, from the keyword
    tables of every vendor.yaml (per-IKE-version overrides included). A
    keyword two vendors use for different values is left out (ambiguous)."""
    from .catalog import vendors

    found: dict[str, dict[str, set[str]]] = {kind: {} for kind in _VENDOR_TABLES}
    for v in vendors().values():
        tables = [v.keywords, *(v.keywords.get(f"ikev{n}", {}) for n in (1, 2))]
        for kind, names in _VENDOR_TABLES.items():
            for tbl in tables:
                for name in names:
                    for canon, kw in (tbl.get(name) or {}).items():
                        found[kind].setdefault(_fold(str(kw)), set()).add(str(canon))
    return {kind: {k: next(iter(c)) for k, c in m.items() if len(c) == 1} for kind, m in found.items()}


_DH_RE = re.compile(r"^(?:dh-?)?(?:group-?|modp-?|g)?(\d+)$")


def canonical_dh(value: Any) -> Any:
    """``14``, ``"14"``, ``GROUP14``, ``DH-GROUP14``, ``group14`` -> 14."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        m = _DH_RE.match(_fold(value))
        if m:
            return int(m.group(1))
    return value


def canonical_pfs(value: Any) -> Any:
    """PFS: ``none``/``NULL``/``disabled``/false -> None, else a DH group."""
    if value is None or value is False:
        return None
    if isinstance(value, str) and _fold(value) in {"none", "null", "disable", "disabled", "off", "no"}:
        return None
    return canonical_dh(value)


def canonical_ike_version(value: Any) -> Any:
    if isinstance(value, str):
        v = _fold(value).removeprefix("ike").removeprefix("v")
        if v in {"1", "2"}:
            return int(v)
    return value


EncryptionField = Encryption
IntegrityField = Integrity


def _pfs_plain(v: Any) -> DhGroup | None:
    """PFS: none (``NULL``, ``disabled`` ...) or a DH group in any spelling."""
    if v is None or v == "none":  # the common cases first: one Python call each
        return None
    if type(v) is int and v in DhGroup._value2member_map_:
        return DhGroup(v)
    if isinstance(v, bool):
        raise ValueError("PFS is 'none' or a DH group number, not a yes/no value")
    g = canonical_pfs(v)
    if g is None:
        return None
    if isinstance(g, int) and g in DhGroup._value2member_map_:
        return DhGroup(g)
    raise ValueError(f"PFS {v!r} is not 'none' or one of the DH groups {', '.join(str(int(x)) for x in DhGroup)}")


def _no_bool(v: Any) -> Any:
    if isinstance(v, bool):  # YAML `yes`/`no` is not a group number
        raise ValueError("a DH group is a number such as 14, not a yes/no value")
    return v


# --------------------------------------------------------------------------
# Syntax of user-supplied strings that end up inside device configs.
# --------------------------------------------------------------------------
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")
FQDN_LABEL_RE = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
#: the site key of a tunnel whose key a parsed source did not give in clear
#: (masked, encrypted, missing): the renderer writes an unmistakable placeholder
UNKNOWN_PSK = "REPLACE-ME-unknown-key"

# Printable ASCII without whitespace, quotes, backslash or backtick: such a key
# can be written inside every vendor's quoting without escapes.
PSK_RE = re.compile(r"^[!#-&(-\[\]-_a-~]{1,128}$")


def check_name(value: str) -> str:
    if not NAME_RE.fullmatch(value):
        raise ValueError("must be 1-60 characters of letters, digits, '_', '.', '-' and start with a letter or digit")
    return value


def check_fqdn(value: str) -> str:
    if len(value) > 253 or not value or value.endswith("."):
        raise ValueError("is not a valid host name (1-253 characters, no trailing dot)")
    labels = value.split(".")
    if len(labels) < 2 or not all(FQDN_LABEL_RE.fullmatch(lbl) for lbl in labels):
        raise ValueError("is not a valid host name: labels of letters, digits and '-', separated by dots")
    if labels[-1].isdigit():
        raise ValueError("is not a valid host name: the last label is numeric")
    return value


# Checked by pydantic-core's own regex (no Python call per name); io.py turns


NAME_RULE = "must be 1-60 characters of letters, digits, '_', '.', '-' and start with a letter or digit"


# --------------------------------------------------------------------------
# Dotted quads without ipaddress's string parser (the hot path of a large
# parse and of validating its site): ASCII digits only, no leading zeros, as
# ipaddress takes them; anything else is left to ipaddress and its errors.
# --------------------------------------------------------------------------
_OCTET = r"(0|[1-9][0-9]{0,2})"
_DOTTED = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")


def dotted_quad(text: str) -> int | None:
    """A plain dotted quad as an integer, or None (then ipaddress decides)."""
    m = _DOTTED.fullmatch(text)
    if m is None:
        return None
    a, b, c, d = (int(x) for x in m.groups())
    if a > 255 or b > 255 or c > 255 or d > 255:
        return None
    return (a << 24) | (b << 16) | (c << 8) | d


def quad_prefix(text: str) -> tuple[int, int] | None:
    """``A.B.C.D/N`` as (address as an integer, prefix length), or None (then
    ipaddress decides): a plain dotted quad and 1-2 ASCII digits up to 32."""
    addr, slash, plen = text.partition("/")
    if not slash or not (plen.isascii() and plen.isdigit()) or len(plen) > 2 or int(plen) > 32:
        return None
    q = dotted_quad(addr)
    return None if q is None else (q, int(plen))
