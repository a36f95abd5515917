"""The canonical tunnel model.

One site file describes one VPC and what hangs off it: VPN gateways, customer
gateways (the IDC devices) and the VPN tunnels joining them. Every other
format (Tencent API JSON, Terraform JSON, device configs) is read into these
classes and written out of them.

Values users paste from the Tencent API, Terraform or vendor CLIs
(``AES-CBC-128``, ``SHA``, ``GROUP2``, ``DH-GROUP2``, ``NULL`` ...) go through
one alias table (``ALIASES``); the model always holds canonical names.

The model checks *shape* (types, spellings, syntax of names, keys and
identities). The service's rules (overlaps, limits, profile value sets) live in
``rules.py`` so that a run can report every problem at once.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    SecretStr,
    StringConstraints,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)

# the names (enums, aliases, string syntax) live in names.py, without pydantic;
# they are re-exported here, where they are validated
from .names import (
    AEAD as AEAD,
    ALIASES as ALIASES,
    NAME_RE as NAME_RE,
    NAME_RULE as NAME_RULE,
    PSK_RE as PSK_RE,
    UNKNOWN_PSK as UNKNOWN_PSK,
    AuthMethod as AuthMethod,
    DhGroup as DhGroup,
    DpdAction as DpdAction,
    Encapsulation as Encapsulation,
    Encryption as Encryption,
    EncryptionField as EncryptionField,
    GatewayType as GatewayType,
    IdentityType as IdentityType,
    Integrity as Integrity,
    IntegrityField as IntegrityField,
    Mode as Mode,
    Protocol as Protocol,
    RouteType as RouteType,
    _fold as _fold,
    _no_bool as _no_bool,
    _pfs_plain as _pfs_plain,
    canonical as canonical,
    canonical_dh as canonical_dh,
    canonical_ike_version as canonical_ike_version,
    canonical_pfs as canonical_pfs,
    check_fqdn as check_fqdn,
    check_name as check_name,
    dotted_quad as dotted_quad,
    is_aead as is_aead,
    quad_prefix as quad_prefix,
)

DhField = Annotated[DhGroup, BeforeValidator(_no_bool), PlainSerializer(int, return_type=int)]
ModeField = Mode

# Checked by pydantic-core's own regex (no Python call per name); io.py turns
# its pattern error into NAME_RULE's words.
ObjName = Annotated[str, StringConstraints(pattern=NAME_RE.pattern)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)


class Identity(_Model):
    """An IKE identity. An ``address`` identity without a value means the
    gateway's public IP."""

    type: IdentityType = IdentityType.address
    value: str | None = None

    @model_validator(mode="after")
    def _value_matches_type(self) -> Identity:
        if self.type is IdentityType.fqdn:
            if not self.value:
                raise ValueError("an fqdn identity needs a value")
            check_fqdn(self.value)
        elif self.value is not None:
            try:
                ipaddress.IPv4Address(self.value)
            except ValueError:
                raise ValueError(f"address identity {self.value!r} is not an IPv4 address") from None
        return self


PfsField = Annotated[DhGroup | None, PlainValidator(_pfs_plain, json_schema_input_type=int | str | None)]


class IkeProposal(_Model):
    encryption: EncryptionField
    integrity: IntegrityField = Integrity.sha1
    dh_group: DhField


class EspProposal(_Model):
    encryption: EncryptionField
    integrity: IntegrityField = Integrity.sha1  # not used with an AEAD cipher
    pfs: PfsField = None

    @field_serializer("pfs")
    def _pfs_out(self, v: DhGroup | None) -> int | str:
        return "none" if v is None else int(v)


def _check_first(v: list[Any], data: dict[str, Any], fields: tuple[str, ...], where: str) -> list[Any]:
    if v:
        for f in fields:
            if f in data and getattr(v[0], f) != data[f]:
                raise ValueError(f"{where}.{f} ({data[f]}) differs from {where}.proposals[0].{f}")
    return v


def fill_proposals(data: Any) -> Any:
    """Site data in which a phase gives only ``proposals`` gets its single
    fields from the first proposal (Site does this before validation; the
    phases' validators then check that both agree)."""
    if not isinstance(data, dict) or not isinstance(data.get("tunnels"), list):
        return data
    sets = _validated_sets(data.get("ike_proposal_sets"))
    tunnels = list(data["tunnels"])
    for i, t in enumerate(tunnels):
        if isinstance(t, dict):
            for phase, fields in _PROPOSAL_FIELDS:
                opts = t.get(phase)
                if not isinstance(opts, dict):
                    continue
                ref = opts.get("proposal_set") if phase == "ike" else None
                if isinstance(ref, str) and ref in sets and "proposals" not in opts:
                    # the set's validated proposals themselves: shared, not validated again per tunnel
                    opts = {**opts, "proposals": sets[ref]}
                    t = tunnels[i] = {**t, phase: opts}
                props = opts.get("proposals")
                first = props[0] if isinstance(props, list) and props else None
                if isinstance(first, BaseModel):
                    first = {f: getattr(first, f) for f in fields if hasattr(first, f)}
                if isinstance(first, dict):  # fill what is missing; a disagreement is the model's to report
                    missing = {f: first[f] for f in fields if f in first and f not in opts}
                    if missing:
                        t = tunnels[i] = {**t, phase: {**opts, **missing}}
    _share_phases(tunnels)
    out = {**data, "tunnels": tunnels}
    if sets:
        out["ike_proposal_sets"] = {**data["ike_proposal_sets"], **sets}
    return out


def _frozen(opts: dict[str, Any]) -> tuple[Any, ...]:
    """A hashable stand-in for a phase's plain data: its items, a dict value
    (an identity) or a list (of proposals, each a dict) as tuples of items.
    TypeError for anything deeper (that phase is then validated in place)."""
    out = []
    for k, v in opts.items():
        t = type(v)
        if t is dict:
            v = tuple(v.items())
        elif t is list:
            v = tuple(tuple(x.items()) if type(x) is dict else x for x in v)
        out.append((k, v))
    key = tuple(out)
    hash(key)
    return key


def _share_phases(tunnels: list[Any]) -> None:
    """Each distinct IKE / IPsec options dict of the site validated once: the
    tunnels that give equal ones (a device's tunnels share their policies and
    transform sets) share the one frozen instance. One that does not validate
    stays a dict, for the tunnel's own validation to report with its place."""
    done: dict[Any, IkeOptions | IpsecOptions | None] = {}
    for i, t in enumerate(tunnels):
        if not isinstance(t, dict):
            continue
        for phase, cls in (("ike", IkeOptions), ("ipsec", IpsecOptions)):
            opts = t.get(phase)
            if type(opts) is not dict:
                continue
            try:
                key = (phase, _frozen(opts))
                inst = done.get(key, False)
            except TypeError:  # a value that cannot be a key: validated in place
                continue
            if inst is False:
                try:
                    inst = cls.model_validate(opts)
                except ValidationError:
                    inst = None
                done[key] = inst
            if inst is not None:
                t = tunnels[i] = {**t, phase: inst}


def _validated_sets(raw: Any) -> dict[str, list[IkeProposal]]:
    """The site's IKE proposal sets that validate, each validated once (one that
    does not is left to the field's own validation, which names where)."""
    out: dict[str, list[IkeProposal]] = {}
    if isinstance(raw, dict):
        for name, props in raw.items():
            if isinstance(name, str) and isinstance(props, list) and props:
                try:
                    out[name] = [p if isinstance(p, IkeProposal) else IkeProposal.model_validate(p) for p in props]
                except ValidationError:
                    continue
    return out


_PROPOSAL_FIELDS = (("ike", ("encryption", "integrity", "dh_group")), ("ipsec", ("encryption", "integrity", "pfs")))


class IkeOptions(_Model):
    version: Literal[1, 2] = 1
    auth_method: AuthMethod = AuthMethod.psk
    encryption: EncryptionField = Encryption.tdes
    integrity: IntegrityField = Integrity.sha1
    dh_group: DhField = DhGroup.g1
    mode: ModeField = Mode.main
    lifetime_seconds: int = Field(86400, ge=1)
    local_id: Identity = Identity()
    peer_id: Identity = Identity()
    # the IKE proposals offered, in order (the device side may offer several;
    # a cloud profile says how many it takes); empty: the one above
    proposals: list[IkeProposal] = Field(default_factory=list)
    #: the proposals are the site's ``ike_proposal_sets[proposal_set]`` (a
    #: device-wide list, e.g. IOS isakmp policies: held once, not per tunnel).
    #: How the site file stores them, not a value of the tunnel: a dump of a
    #: tunnel leaves it out (``dump_site`` writes it in place of the list)
    proposal_set: ObjName | None = Field(None, exclude=True)

    @field_validator("proposals")
    @classmethod
    def _first_is_the_single(cls, v: list[IkeProposal], info: Any) -> list[IkeProposal]:
        """The single fields are the list's first entry (a site may give only
        the list: Site fills the fields from it, fill_proposals)."""
        return _check_first(v, info.data, ("encryption", "integrity", "dh_group"), "ike")

    def offers(self) -> list[IkeProposal]:
        """Every proposal, in order (at least the single one)."""
        if self.proposals:
            return list(self.proposals)
        # built from validated fields: no second validation (a hot path of render)
        return [
            IkeProposal.model_construct(encryption=self.encryption, integrity=self.integrity, dh_group=self.dh_group)
        ]

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> Any:
        return canonical_ike_version(v)

    @model_validator(mode="after")
    def _ikev2_has_no_modes(self) -> IkeOptions:
        if self.version == 2 and self.mode is Mode.aggressive:
            raise ValueError("aggressive mode exists only in IKEv1 (ike.version is 2)")
        return self


class IpsecOptions(_Model):
    protocol: Protocol = Protocol.esp
    encapsulation: Encapsulation = Encapsulation.tunnel
    encryption: EncryptionField = Encryption.aes128
    integrity: IntegrityField = Integrity.sha1
    pfs: PfsField = None
    lifetime_seconds: int = Field(3600, ge=1)
    lifetime_kb: int = Field(1843200, ge=1)
    proposals: list[EspProposal] = Field(default_factory=list)  # in order; empty: the one above

    @field_validator("proposals")
    @classmethod
    def _first_is_the_single(cls, v: list[EspProposal], info: Any) -> list[EspProposal]:
        return _check_first(v, info.data, ("encryption", "integrity", "pfs"), "ipsec")

    def offers(self) -> list[EspProposal]:
        if self.proposals:
            return list(self.proposals)
        return [EspProposal.model_construct(encryption=self.encryption, integrity=self.integrity, pfs=self.pfs)]

    @field_serializer("pfs")
    def _pfs_out(self, v: DhGroup | None) -> int | str:
        return "none" if v is None else int(v)


class Dpd(_Model):
    enabled: bool = False
    timeout_seconds: int = Field(30, ge=1)
    action: DpdAction = DpdAction.restart


IPv4Net = Annotated[ipaddress.IPv4Network, PlainSerializer(str, return_type=str)]


@lru_cache(maxsize=65536)
def _address(v: str) -> ipaddress.IPv4Address:
    q = dotted_quad(v.strip())
    if q is not None:  # the common case, without ipaddress's string parser
        return ipaddress.IPv4Address(q)
    try:
        return ipaddress.IPv4Address(v.strip())
    except ValueError:
        raise ValueError(f"{v!r} is not an IPv4 address") from None


def _address_plain(v: Any) -> ipaddress.IPv4Address:
    if isinstance(v, ipaddress.IPv4Address):
        return v
    if isinstance(v, str):
        return _address(v)
    raise ValueError("an IPv4 address is a string such as 203.0.113.10")


# Plain validators: one Python call per value instead of ours plus pydantic's.
IPv4Addr = Annotated[
    ipaddress.IPv4Address,
    PlainValidator(_address_plain, json_schema_input_type=str),
    PlainSerializer(str, return_type=str),
]


@lru_cache(maxsize=65536)
def _network(v: str) -> ipaddress.IPv4Network:
    """Parsed once per distinct string (networks are immutable)."""
    fast = quad_prefix(v.strip())
    if fast is not None:
        q, bits = fast
        if q & ((1 << (32 - bits)) - 1) == 0:  # strict: no host bits
            return ipaddress.IPv4Network((q, bits))
    try:
        return ipaddress.IPv4Network(v.strip(), strict=True)
    except ValueError as exc:
        raise ValueError(f"{v!r} is not an IPv4 CIDR block ({exc})") from None


def _net_plain(v: Any) -> ipaddress.IPv4Network:
    if isinstance(v, ipaddress.IPv4Network):
        return v
    if isinstance(v, str):
        return _network(v)
    raise ValueError("a CIDR block is a string such as 10.0.1.0/24")


StrictNet = Annotated[
    ipaddress.IPv4Network,
    PlainValidator(_net_plain, json_schema_input_type=str),
    PlainSerializer(str, return_type=str),
]


class SpdPolicy(_Model):
    """One SPD policy: a local CIDR (the VPC side, as Tencent sees it) and the
    peer CIDRs (the IDC side) it may talk to."""

    local: StrictNet
    peers: list[StrictNet] = Field(min_length=1)


class Route(_Model):
    """A static route into a route-based tunnel (Tencent CreateVpnConnRoute):
    the cloud sends ``destination`` (an IDC range) through the tunnel; of two
    tunnels with the same destination the one with priority 0 is preferred."""

    destination: StrictNet
    priority: int = 0  # 0 or 100 (rule ROUTE-PRIORITY)
    description: str | None = Field(None, max_length=100, pattern=r"^[A-Za-z0-9 _.,:/()-]*$")


class BgpConfig(_Model):
    """BGP inside a route-based tunnel (Tencent BgpConfig): the tunnel's inside
    /30 in 169.254.0.0/16, the cloud's and the IDC's inside addresses (the
    cloud's point of view: ``local_ip`` is the VPN gateway's end), timers."""

    tunnel_cidr: StrictNet
    local_ip: IPv4Addr
    peer_ip: IPv4Addr
    hold_time: int = Field(90, ge=3, le=65535)
    keepalive: int = Field(30, ge=1, le=21845)
    # the IDC networks the customer gateway announces (rendered on the IDC side;
    # the cloud learns them over BGP, so the API has no field for them)
    advertise: list[StrictNet] = Field(default_factory=list)


class HealthCheck(_Model):
    """The VPN gateway's tunnel health check (NQA probes between two addresses
    in 169.254.128.0/17)."""

    enabled: bool = False
    local_ip: IPv4Addr | None = None
    remote_ip: IPv4Addr | None = None


class TunnelPair(_Model):
    """Two tunnels of one customer gateway to two cloud endpoints: primary and
    backup (by route priority or BGP preference) or both active."""

    name: ObjName
    tunnels: list[ObjName] = Field(min_length=2, max_length=2)
    mode: Literal["active-standby", "active-active"] = "active-standby"


class VendorRef(_Model):
    name: str
    platform: str | None = None
    software: str | None = None

    @field_validator("software", mode="before")
    @classmethod
    def _str(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) else v


class Vpc(_Model):
    name: ObjName
    region: str = Field(pattern=r"^[a-z]{2,4}-[a-z0-9-]+$")
    cidr_blocks: list[StrictNet] = Field(min_length=1)


class VpnGateway(_Model):
    name: ObjName
    public_ip: IPv4Addr
    bandwidth_mbps: int = 5
    bgp_asn: int | None = None  # the cloud side's ASN, for BGP tunnels
    # ipsec | ssl | ccn | ssl_ccn (the API's IPSEC, SSL, CCN, SSL_CCN); rule GATEWAY-TYPE
    type: GatewayType = GatewayType.ipsec


class CustomerGateway(_Model):
    name: ObjName
    public_ip: IPv4Addr
    vendor: VendorRef | None = None
    bgp_asn: int | None = None  # the IDC side's ASN, for BGP tunnels


class Tunnel(_Model):
    name: ObjName
    vpn_gateway: ObjName
    customer_gateway: ObjName
    pre_shared_key: SecretStr
    # policy-based: the SPD (rule SPD-REQUIRED); route-based: empty = any/any
    # selectors, or narrowed selectors the tunnel negotiates
    spd: list[SpdPolicy] = Field(default_factory=list)
    ike: IkeOptions = IkeOptions()
    ipsec: IpsecOptions = IpsecOptions()
    dpd: Dpd = Dpd()
    route_type: RouteType = RouteType.policy
    negotiation_type: Literal["active", "passive", "flowTrigger"] = "active"
    routes: list[Route] = Field(default_factory=list)  # route_type static
    bgp: BgpConfig | None = None  # route_type bgp
    health_check: HealthCheck | None = None

    @property
    def route_based(self) -> bool:
        return self.route_type is not RouteType.policy

    @field_validator("pre_shared_key", mode="before")
    @classmethod
    def _psk(cls, v: Any) -> Any:
        raw = v.get_secret_value() if isinstance(v, SecretStr) else v
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str):
            raise ValueError("must be a string")
        if not PSK_RE.fullmatch(raw):
            # Never echo the key itself.
            raise ValueError(
                "must be 1-128 printable ASCII characters without whitespace, newline, "
                "quotes, backslash, backtick or control characters"
            )
        return raw

    def psk(self) -> str:
        return self.pre_shared_key.get_secret_value()


class Site(_Model):
    profile: str = "tencent"
    vpc: Vpc
    vpn_gateways: list[VpnGateway] = Field(default_factory=list)
    customer_gateways: list[CustomerGateway] = Field(default_factory=list)
    tunnels: list[Tunnel] = Field(default_factory=list)
    pairs: list[TunnelPair] = Field(default_factory=list)
    #: device-wide IKE proposal lists, by name; a tunnel's ``ike.proposal_set`` names one
    ike_proposal_sets: dict[ObjName, list[IkeProposal]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _fill_proposals(cls, data: Any) -> Any:
        """A phase given only as ``proposals`` takes its single fields from the
        first (once per site; the phases' own validators check agreement)."""
        return fill_proposals(data)

    @model_validator(mode="after")
    def _proposal_sets_named(self) -> Site:
        for t in self.tunnels:
            ref = t.ike.proposal_set
            if ref is None:
                continue
            if ref not in self.ike_proposal_sets:
                raise ValueError(f"tunnel {t.name}: ike.proposal_set {ref!r} names no entry of ike_proposal_sets")
            if t.ike.proposals != self.ike_proposal_sets[ref]:
                raise ValueError(f"tunnel {t.name}: ike.proposals differ from ike_proposal_sets.{ref} it names")
        return self

    def vpn_gateway(self, name: str) -> VpnGateway:
        for g in self.vpn_gateways:
            if g.name == name:
                return g
        raise KeyError(name)

    def customer_gateway(self, name: str) -> CustomerGateway:
        for g in self.customer_gateways:
            if g.name == name:
                return g
        raise KeyError(name)

    def tunnel(self, name: str) -> Tunnel:
        for t in self.tunnels:
            if t.name == name:
                return t
        raise KeyError(name)


def dump_site(site: Site, *, show_secrets: bool = False) -> dict[str, Any]:
    """The site as plain data (canonical names), keys redacted unless asked; a
    tunnel whose IKE proposals are a named set names it (the set is written once)."""
    refs = {i: {"ike": {"proposals"}} for i, t in enumerate(site.tunnels) if t.ike.proposal_set}
    data: dict[str, Any] = site.model_dump(mode="json", exclude={"tunnels": refs} if refs else None)
    if not site.ike_proposal_sets:
        del data["ike_proposal_sets"]
    for i in refs:
        data["tunnels"][i]["ike"]["proposal_set"] = site.tunnels[i].ike.proposal_set
    for t, raw in zip(data["tunnels"], site.tunnels, strict=True):
        t["pre_shared_key"] = raw.psk() if show_secrets else "<redacted>"
    return data
