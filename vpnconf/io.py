"""Inputs and outputs: site files (YAML or JSON), Tencent API JSON
(DescribeVpnConnections / CreateVpnConnection, DescribeVpnGateways /
CreateVpnGateway, DescribeCustomerGateways / CreateCustomerGateway,
DescribeVpnGatewayRoutes / CreateVpnGatewayRoutes), Terraform JSON
(``terraform show -json``: tencentcloud_vpn_connection, _vpn_gateway,
_vpn_customer_gateway, _vpn_gateway_route, _route_table_entry), and the export
of tunnels as a CreateVpnConnection request or every Create request (the
bundle). Terraform HCL is written by :mod:`vpnconf.terraform`."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from .files import MAX_INPUT_BYTES as MAX_INPUT_BYTES, read_text as read_text
from .findings import Finding, VpnconfError
from .model import NAME_RULE, GatewayType, Route, Site, Tunnel, canonical
from .profiles import Profile, check_profile_name, get_profile
from .rules import SCHEMA_RULES, check_site
from .safeload import MAX_JSON_BYTES, Document, format_loc, load_text

Loc = tuple[str | int, ...]


# ---------------------------------------------------------------- reading
def parse_path(path: str) -> Loc:
    """'tunnels[0].spd[1].peers' -> ('tunnels', 0, 'spd', 1, 'peers')."""
    out: list[str | int] = []
    for part in path.replace("]", "").split("."):
        if not part:
            continue
        name, *idx = part.split("[")
        if name:
            out.append(name)
        out.extend(int(i) for i in idx)
    return tuple(out)


def line_for(lines: dict[Loc, int], loc: Loc) -> int | None:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def load_data(text: str, name: str) -> Any:
    """YAML or JSON text to data, within the limits of :mod:`vpnconf.safeload`;
    one-line VpnconfError when malformed or refused."""
    return load_text(text, name).data


def read_data(path: str | os.PathLike[str]) -> Document:
    """A site, profile or API/Terraform JSON file, read and loaded within the
    limits of :mod:`vpnconf.safeload` (size, nesting, aliases, numbers,
    duplicate keys)."""
    return load_text(read_text(path, MAX_JSON_BYTES), str(path))


# ----------------------------------------------------------------- regions
_REGION_ID = re.compile(r"^[a-z]{2,4}-[a-z0-9-]+$")


@cache
def region_table() -> dict[str, Any]:
    """``vpnconf/pricing.yaml``: the price per region id and the region names."""
    from importlib import resources

    data: dict[str, Any] = load_text(
        resources.files("vpnconf").joinpath("pricing.yaml").read_text(encoding="utf-8"), "vpnconf/pricing.yaml"
    ).data
    return data


def _fold_region(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s.casefold() if c.isalnum())


@cache
def _region_index() -> dict[str, str]:
    t = region_table()
    idx = {_fold_region(rid): rid for rid in t["regions"]}
    for name, rid in (t.get("region_names") or {}).items():
        idx.setdefault(_fold_region(name), rid)
    return idx


def resolve_region(name: str) -> str | None:
    """The API region id for a region id or name as users write it ("Guangzhou",
    "hong kong", "AP-Guangzhou"), or None when unknown."""
    return _region_index().get(_fold_region(name)) if isinstance(name, str) else None


def known_regions() -> str:
    """Every accepted spelling, for the message about an unknown region."""
    t = region_table()
    names: dict[str, list[str]] = {rid: [] for rid in t["regions"]}
    for name, rid in (t.get("region_names") or {}).items():
        names.setdefault(rid, []).append(name)
    return ", ".join(f"{rid} ({' / '.join(n)})" if n else rid for rid, n in sorted(names.items()))


def unknown_region(name: object) -> str:
    return f"region {name!r} is not a known region (known: {known_regions()})"


def _site_region(data: dict[str, Any]) -> dict[str, Any]:
    """Site data with ``vpc.region`` written as a region name mapped to its id."""
    vpc = data.get("vpc")
    region = vpc.get("region") if isinstance(vpc, dict) else None
    if not isinstance(vpc, dict) or not isinstance(region, str) or _REGION_ID.match(region):
        return data
    rid = resolve_region(region)
    return data if rid is None else {**data, "vpc": {**vpc, "region": rid}}


def _schema_findings(exc: ValidationError, name: str, lines: dict[Loc, int]) -> list[Finding]:
    out = []
    for err in exc.errors(include_url=False, include_input=False):
        loc: Loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # pydantic adds the union/enum member name to some locations: drop what
        # is not a key of the document.
        while loc and isinstance(loc[-1], str) and loc[-1][:1].isupper():
            loc = loc[:-1]
        rid, _ = next(
            (SCHEMA_RULES[p] for p in reversed(loc) if isinstance(p, str) and p in SCHEMA_RULES),
            ("SCHEMA", ""),
        )
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field (not part of the site file format; see `vpnconf schema`)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "string_pattern_mismatch" and rid == "NAME-SYNTAX":
            msg = NAME_RULE
        out.append(
            Finding(rule=rid, severity="error", message=msg, path=format_loc(loc), file=name, line=line_for(lines, loc))
        )
    return out


def _site_profile(site: Site, name: str, lines: dict[Loc, int], given: Profile | None) -> Profile:
    """The profile a site is checked against: the one given (``--profile-file``),
    else the site's ``profile:`` name from the profiles folder. A name that is
    not a profile name (a path, say) is refused, naming the file and line."""
    try:
        check_profile_name(site.profile)
        return given or get_profile(site.profile)
    except VpnconfError as exc:
        line = line_for(lines, ("profile",))
        raise VpnconfError(f"{name}{f':{line}' if line else ''}: profile: {exc}") from None


def site_from_data(
    data: Any, name: str, lines: dict[Loc, int] | None = None, *, profile: Profile | None = None
) -> tuple[Site | None, list[Finding]]:
    """Check site data: (site or None, every finding). ``profile`` replaces the
    site's own ``profile:`` (a profile file given explicitly)."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise VpnconfError(
            f"{name}: a site file is a mapping with vpc, vpn_gateways, "
            f"customer_gateways and tunnels, not {type(data).__name__}"
        )
    data = _site_region(data)
    try:
        site = Site.model_validate(data)
    except ValidationError as exc:
        found = _schema_findings(exc, name, lines)
        region = data["vpc"].get("region") if isinstance(data.get("vpc"), dict) else None
        for f in found:
            if f.path == "vpc.region" and isinstance(region, str):
                f.message = unknown_region(region)
        return None, found
    found = check_site(site, _site_profile(site, name, lines, profile))
    located = [
        Finding(f.rule, f.severity, f.message, f.path, name, line_for(lines, parse_path(f.path)), f.extra)
        for f in found
    ]
    return site, located


def load_site(path: str | os.PathLike[str], *, profile: Profile | None = None) -> tuple[Site | None, list[Finding]]:
    """Read and check a site file: (site or None, every finding); ``profile``
    replaces the site's own (``--profile-file``).

    Raises VpnconfError for unreadable, malformed or refused files."""
    name = str(path)
    doc = read_data(path)
    data = doc.data
    if isinstance(data, dict) and _looks_foreign(data):
        data = import_foreign(data, name, lines=lambda: doc.lines)
        return site_from_data(data, name, profile=profile)
    return site_from_data(data, name, doc.lines, profile=profile)


def require_site(path: str | os.PathLike[str], *, profile: Profile | None = None) -> Site:
    """A valid site or a VpnconfError naming the first error (for commands
    that need a valid site: render, routes, lab)."""
    site, findings = load_site(path, profile=profile)
    errors = [f for f in findings if f.severity == "error"]
    if site is None or errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more; run `vpnconf validate`)" if len(errors) > 1 else ""
        exc = VpnconfError(first.text() + more)
        exc.exit_code = 1
        raise exc
    return site


# ----------------------------------------------------- atomic safe output
def write_private(path: str | os.PathLike[str], text: str, *, force: bool = False) -> Path:
    """Write ``text`` atomically with mode 0600; refuse to overwrite without force
    (the rules are in :mod:`vpnconf.outfiles`)."""
    from .outfiles import write_private as write

    return write(path, text, force=force)


# ------------------------------------------------------ Tencent API JSON
_TC_IDENTITY = {"ADDRESS": "address", "FQDN": "fqdn"}


class _Src:
    """Where imported JSON comes from, for one-line messages naming the file,
    line and field of a value of the wrong shape (never the value)."""

    def __init__(self, name: str, lines: Callable[[], dict[Loc, int]] | None = None) -> None:
        self.name = name
        self._lines = lines

    def refuse(self, loc: Loc, what: str) -> NoReturn:
        line = line_for(self._lines(), loc) if self._lines else None
        where = f"{self.name}:{line}" if line else self.name
        raise VpnconfError(f"{where}: {format_loc(loc)}: {what}" if loc else f"{where}: {what}")

    def obj(self, value: Any, loc: Loc) -> dict[str, Any]:
        """An object (absent or null: empty)."""
        if value is None or value == "":
            return {}
        if not isinstance(value, dict):
            self.refuse(loc, f"expected a JSON object, found {_json_kind(value)}")
        return value

    def arr(self, value: Any, loc: Loc) -> list[Any]:
        """An array (absent or null: empty)."""
        if value is None or value == "":
            return []
        if not isinstance(value, list):
            self.refuse(loc, f"expected a JSON array, found {_json_kind(value)}")
        return value

    def objs(self, value: Any, loc: Loc) -> list[dict[str, Any]]:
        """An array of objects."""
        return [self.obj(v, (*loc, i)) or {} for i, v in enumerate(self.arr(value, loc))]

    def scalar(self, value: Any, loc: Loc) -> Any:
        if isinstance(value, (dict, list)):
            self.refuse(loc, f"expected a string or number, found {_json_kind(value)}")
        return value

    def whole(self, value: Any, loc: Loc, unit: str) -> int:
        """A whole number given as a number or a string of digits."""
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]{1,18}\s*", value):
            return int(value)
        self.refuse(loc, f"expected a whole number of {unit}, found {_json_kind(value)}")


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string that is not one"
    if value is None:
        return "null"
    return "a number" if isinstance(value, (int, float)) else type(value).__name__


def _tc_identity(ike: dict[str, Any], side: str) -> dict[str, Any]:
    kind = str(ike.get(f"{side}Identity") or "ADDRESS").upper()
    ident: dict[str, Any] = {"type": _TC_IDENTITY.get(kind, kind)}
    value = ike.get(f"{side}FqdnName") if kind == "FQDN" else ike.get(f"{side}Address")
    if value:
        ident["value"] = value
    return ident


_ANY = "0.0.0.0/0"
#: the API's RouteType for each model route type: ``StaticRoute`` is the value
#: DescribeVpnConnections reports for destination routing and the one the
#: Terraform provider treats as route-based (it reads no SPD for it);
#: ``STATIC`` (the API's default) is accepted on import as an alias.
TC_ROUTE_TYPE = {"policy": "Policy", "static": "StaticRoute", "bgp": "Bgp"}


def _is_route_based(route_type: Any) -> bool:
    return isinstance(route_type, str) and canonical("route_type", route_type) in {"static", "bgp"}


def _tc_route(r: dict[str, Any], src: _Src, loc: Loc) -> dict[str, Any]:
    """A CreateVpnConnRoute / VpnGatewayRoute -> route data."""
    for key in ("DestinationCidrBlock", "Description"):
        src.scalar(r.get(key), (*loc, key))
    out: dict[str, Any] = {"destination": r.get("DestinationCidrBlock")}
    if r.get("Priority") not in (None, ""):
        out["priority"] = src.whole(r["Priority"], (*loc, "Priority"), "priority")
    if r.get("Description"):
        out["description"] = r["Description"]
    return out


def tunnel_from_tencent(conn: dict[str, Any], src: _Src | None = None, loc: Loc = ()) -> dict[str, Any]:
    """One CreateVpnConnection request or VpnConnectionSet item -> tunnel data
    (the cloud's Local* is the VPN gateway, Remote* the customer gateway).
    A value of the wrong shape is one VpnconfError naming ``loc`` and the field."""
    src = src or _Src("API JSON")
    ike = src.obj(conn.get("IKEOptionsSpecification"), (*loc, "IKEOptionsSpecification"))
    ipsec = src.obj(conn.get("IPSECOptionsSpecification"), (*loc, "IPSECOptionsSpecification"))
    spd_key = "SecurityPolicyDatabases" if conn.get("SecurityPolicyDatabases") else "SecurityPolicyDatabaseSet"
    spds = src.objs(conn.get(spd_key), (*loc, spd_key))
    for key in ("VpnConnectionName", "VpnConnectionId", "VpnGatewayId", "CustomerGatewayId", "PreShareKey"):
        src.scalar(conn.get(key), (*loc, key))
    for part, opts in (("IKEOptionsSpecification", ike), ("IPSECOptionsSpecification", ipsec)):
        for key, value in opts.items():
            src.scalar(value, (*loc, part, key))
    for key in ("DpdEnable", "DpdAction", "RouteType", "NegotiationType", "EnableHealthCheck"):
        src.scalar(conn.get(key), (*loc, key))
    for key in ("HealthCheckLocalIp", "HealthCheckRemoteIp"):
        src.scalar(conn.get(key), (*loc, key))
    spd = [
        {
            "local": src.scalar(s.get("LocalCidrBlock"), (*loc, spd_key, i, "LocalCidrBlock")),
            "peers": s.get("RemoteCidrBlock"),
        }
        for i, s in enumerate(spds)
    ]
    route_based = _is_route_based(conn.get("RouteType"))
    if route_based and spd == [{"local": _ANY, "peers": [_ANY]}]:
        spd = []  # any/any: what a route-based tunnel negotiates by default (the model's empty SPD)
    t: dict[str, Any] = {
        "name": conn.get("VpnConnectionName") or conn.get("VpnConnectionId"),
        "vpn_gateway": conn.get("VpnGatewayId"),
        "customer_gateway": conn.get("CustomerGatewayId"),
        "pre_shared_key": conn.get("PreShareKey"),
        "spd": spd,
    }
    ike_out: dict[str, Any] = {}
    for api, dst in (
        ("IKEVersion", "version"),
        ("PropoEncryAlgorithm", "encryption"),
        ("PropoAuthenAlgorithm", "integrity"),
        ("ExchangeMode", "mode"),
        ("DhGroupName", "dh_group"),
        ("IKESaLifetimeSeconds", "lifetime_seconds"),
    ):
        if ike.get(api) not in (None, ""):
            ike_out[dst] = ike[api]
    if ike:
        # The site file takes the cloud's point of view, as the API does:
        # local = the VPN gateway, peer = the customer gateway (IDC).
        ike_out["local_id"] = _tc_identity(ike, "Local")
        ike_out["peer_id"] = _tc_identity(ike, "Remote")
    ipsec_out: dict[str, Any] = {}
    for api, dst in (
        ("EncryptAlgorithm", "encryption"),
        ("IntegrityAlgorith", "integrity"),
        ("IntegrityAlgorithm", "integrity"),
        ("PfsDhGroup", "pfs"),
        ("IPSECSaLifetimeSeconds", "lifetime_seconds"),
        ("IPSECSaLifetimeTraffic", "lifetime_kb"),
    ):
        if ipsec.get(api) not in (None, ""):
            ipsec_out[dst] = ipsec[api]
    if ike_out:
        t["ike"] = ike_out
    if ipsec_out:
        t["ipsec"] = ipsec_out
    dpd: dict[str, Any] = {}
    # DpdEnable is 0/1 (a CreateVpnConnection response shows -1: not set)
    if conn.get("DpdEnable") not in (None, "", -1, "-1"):
        dpd["enabled"] = str(conn["DpdEnable"]) in {"1", "True", "true"}
    if conn.get("DpdTimeout") not in (None, ""):
        dpd["timeout_seconds"] = src.whole(conn["DpdTimeout"], (*loc, "DpdTimeout"), "seconds")
    if conn.get("DpdAction"):
        dpd["action"] = conn["DpdAction"]
    if dpd:
        t["dpd"] = dpd
    if conn.get("RouteType"):
        t["route_type"] = conn["RouteType"]
    if conn.get("NegotiationType"):
        t["negotiation_type"] = conn["NegotiationType"]
    # Route: one CreateVpnConnRoute in the request; a list is taken too
    rval = conn.get("Route")
    rloc = (*loc, "Route")
    rlist = (
        [(src.obj(rval, rloc), rloc)]
        if isinstance(rval, dict)
        else [(r, (*rloc, i)) for i, r in enumerate(src.objs(rval, rloc))]
    )
    routes = [_tc_route(r, src, rl) for r, rl in rlist if r]
    if routes:
        t["routes"] = routes
    bgp = src.obj(conn.get("BgpConfig"), (*loc, "BgpConfig"))
    for key, value in bgp.items():
        src.scalar(value, (*loc, "BgpConfig", key))
    if any(bgp.get(k) not in (None, "") for k in ("TunnelCidr", "LocalBgpIp", "RemoteBgpIp")):
        t["bgp"] = {
            "tunnel_cidr": bgp.get("TunnelCidr"),
            "local_ip": bgp.get("LocalBgpIp"),
            "peer_ip": bgp.get("RemoteBgpIp"),
        }
    if conn.get("EnableHealthCheck") not in (None, ""):
        hc: dict[str, Any] = {"enabled": str(conn["EnableHealthCheck"]).lower() in {"1", "true"}}
        for api, dst in (("HealthCheckLocalIp", "local_ip"), ("HealthCheckRemoteIp", "remote_ip")):
            if conn.get(api):
                hc[dst] = conn[api]
        t["health_check"] = hc
    return {k: v for k, v in t.items() if v is not None}


def _bgp_asns(conn: dict[str, Any], src: _Src, loc: Loc) -> tuple[int | None, int | None]:
    """BgpConfigAndAsn's LocalBgpAsn/RemoteBgpAsn (strings) as numbers."""
    raw = conn.get("BgpConfig")
    bgp: dict[str, Any] = raw if isinstance(raw, dict) else {}
    out: list[int | None] = []
    for key in ("LocalBgpAsn", "RemoteBgpAsn"):
        v = bgp.get(key)
        out.append(None if v in (None, "", 0, "0") else src.whole(v, (*loc, "BgpConfig", key), "ASN"))
    return out[0], out[1]


def _gateways_from_ike(
    conn_ike: dict[str, Any], vpngw: str, cgw: str
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    local = conn_ike.get("LocalAddress")
    remote = conn_ike.get("RemoteAddress")
    return (
        {"name": vpngw, "public_ip": local} if local else None,
        {"name": cgw, "public_ip": remote} if remote else None,
    )


#: Terraform attributes of tencentcloud_vpn_connection that hold objects or arrays
_TF_NESTED = {"security_group_policy", "bgp_config", "health_check_config", "tags"}


def tunnel_from_terraform(values: dict[str, Any], src: _Src | None = None, loc: Loc = ()) -> dict[str, Any]:
    """A ``tencentcloud_vpn_connection`` resource's values -> the API's
    connection fields (a value of the wrong shape: one VpnconfError naming the
    Terraform field)."""
    src = src or _Src("Terraform JSON")
    for key, value in values.items():
        if key not in _TF_NESTED:
            src.scalar(value, (*loc, key))
    for i, pol in enumerate(src.objs(values.get("security_group_policy"), (*loc, "security_group_policy"))):
        src.scalar(pol.get("local_cidr_block"), (*loc, "security_group_policy", i, "local_cidr_block"))
    if values.get("dpd_timeout") not in (None, ""):
        src.whole(values["dpd_timeout"], (*loc, "dpd_timeout"), "seconds")
    bgps = src.objs(values.get("bgp_config"), (*loc, "bgp_config"))
    src.obj(values.get("tags"), (*loc, "tags"))
    conn: dict[str, Any] = {
        "VpnConnectionId": values.get("id"),
        "VpnConnectionName": values.get("name"),
        "VpcId": values.get("vpc_id"),
        "VpnGatewayId": values.get("vpn_gateway_id"),
        "CustomerGatewayId": values.get("customer_gateway_id"),
        "PreShareKey": values.get("pre_share_key"),
        "SecurityPolicyDatabases": [
            {"LocalCidrBlock": p.get("local_cidr_block"), "RemoteCidrBlock": p.get("remote_cidr_block")}
            for p in values.get("security_group_policy") or []
        ],
        "IKEOptionsSpecification": {
            "IKEVersion": values.get("ike_version"),
            "PropoEncryAlgorithm": values.get("ike_proto_encry_algorithm"),
            "PropoAuthenAlgorithm": values.get("ike_proto_authen_algorithm"),
            "ExchangeMode": values.get("ike_exchange_mode"),
            "LocalIdentity": values.get("ike_local_identity"),
            "RemoteIdentity": values.get("ike_remote_identity"),
            "LocalAddress": values.get("ike_local_address"),
            "RemoteAddress": values.get("ike_remote_address"),
            "LocalFqdnName": values.get("ike_local_fqdn_name"),
            "RemoteFqdnName": values.get("ike_remote_fqdn_name"),
            "DhGroupName": values.get("ike_dh_group_name"),
            "IKESaLifetimeSeconds": values.get("ike_sa_lifetime_seconds"),
        },
        "IPSECOptionsSpecification": {
            "EncryptAlgorithm": values.get("ipsec_encrypt_algorithm"),
            "IntegrityAlgorith": values.get("ipsec_integrity_algorithm"),
            "PfsDhGroup": values.get("ipsec_pfs_dh_group"),
            "IPSECSaLifetimeSeconds": values.get("ipsec_sa_lifetime_seconds"),
            "IPSECSaLifetimeTraffic": values.get("ipsec_sa_lifetime_traffic"),
        },
        "DpdEnable": values.get("dpd_enable"),
        "DpdTimeout": values.get("dpd_timeout"),
        "DpdAction": values.get("dpd_action"),
        "RouteType": values.get("route_type"),
        "NegotiationType": values.get("negotiation_type"),
        "EnableHealthCheck": values.get("enable_health_check"),
        "HealthCheckLocalIp": values.get("health_check_local_ip"),
        "HealthCheckRemoteIp": values.get("health_check_remote_ip"),
    }
    probes = src.objs(values.get("health_check_config"), (*loc, "health_check_config"))
    if probes and any(v not in (None, "", 0) for v in probes[0].values()):
        conn["HealthCheckConfig"] = probes[0]  # named as not imported (the model has no probe settings)
    if bgps:
        b = bgps[0]
        conn["BgpConfig"] = {
            "TunnelCidr": b.get("tunnel_cidr"),
            "LocalBgpIp": b.get("local_bgp_ip"),
            "RemoteBgpIp": b.get("remote_bgp_ip"),
        }
    return conn


def _terraform_resources(data: dict[str, Any], src: _Src) -> Iterator[tuple[dict[str, Any], Loc]]:
    """Every resource of ``terraform show -json`` output with its path."""

    def walk(module: dict[str, Any], loc: Loc) -> Iterator[tuple[dict[str, Any], Loc]]:
        for i, r in enumerate(src.objs(module.get("resources"), (*loc, "resources"))):
            yield r, (*loc, "resources", i)
        for i, child in enumerate(src.objs(module.get("child_modules"), (*loc, "child_modules"))):
            yield from walk(child, (*loc, "child_modules", i))

    key = "values" if data.get("values") else "planned_values"
    values = src.obj(data.get(key), (key,))
    yield from walk(src.obj(values.get("root_module"), (key, "root_module")), (key, "root_module"))


#: top-level keys of the documents import reads: API responses and requests,
#: an export bundle, Terraform JSON
_FOREIGN_KEYS = (
    "Response",
    "VpnConnectionSet",
    "IKEOptionsSpecification",
    "SecurityPolicyDatabases",
    "CreateVpnConnection",
    "VpnGatewaySet",
    "CustomerGatewaySet",
    "format_version",
    "values",
)


def _looks_foreign(data: dict[str, Any]) -> bool:
    return any(k in data for k in _FOREIGN_KEYS)


class _Parts:
    """What the imported documents say, gathered before the site is built:
    connections (API-shaped, with where they came from), gateways by the
    key connections use for them (API id, else name), gateway routes by the
    connection they lead into, VPC route-table descriptions."""

    def __init__(self) -> None:
        self.conns: list[tuple[dict[str, Any], _Src, Loc]] = []
        self.vpngws: dict[str, dict[str, Any]] = {}
        self.cgws: dict[str, dict[str, Any]] = {}
        self.gw_routes: list[tuple[str, dict[str, Any], _Src, Loc]] = []
        self.descriptions: dict[tuple[str, str], str] = {}
        self.vpc: str | None = None
        self.notes: list[str] = []

    def gateway(self, table: dict[str, dict[str, Any]], key: Any, **fields: Any) -> None:
        if not isinstance(key, str) or not key:
            return
        g = table.setdefault(key, {"name": key})
        for k, v in fields.items():
            if v not in (None, "") and k not in g:
                g[k] = v


def _asn(value: Any, src: _Src, loc: Loc) -> int | None:
    """A gateway's BgpAsn (0 or absent: none)."""
    if value in (None, "", 0, "0"):
        return None
    return src.whole(value, loc, "ASN")


def _collect_api_gateways(resp: dict[str, Any], src: _Src, loc: Loc, parts: _Parts) -> None:
    for i, g in enumerate(src.objs(resp.get("VpnGatewaySet"), (*loc, "VpnGatewaySet"))):
        gl = (*loc, "VpnGatewaySet", i)
        _api_vpngw(g, src, gl, parts)
    for i, g in enumerate(src.objs(resp.get("CustomerGatewaySet"), (*loc, "CustomerGatewaySet"))):
        _api_cgw(g, src, (*loc, "CustomerGatewaySet", i), parts)


def _gateway_type(value: Any, src: _Src, loc: Loc) -> str | None:
    """A VPN gateway's ``Type`` (API) or ``type`` (Terraform): IPSEC, SSL, CCN
    or SSL_CCN -> the model's name (absent or empty: none, the model's
    default ipsec)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return GatewayType(value).value
        except ValueError:
            pass
    src.refuse(loc, f"expected a VPN gateway type (IPSEC, SSL, CCN or SSL_CCN), found {_json_kind(value)}")


def _api_vpngw(g: dict[str, Any], src: _Src, loc: Loc, parts: _Parts) -> None:
    """A DescribeVpnGateways item or a CreateVpnGateway request."""
    for key in ("VpnGatewayId", "VpnGatewayName", "PublicIpAddress", "VpcId", "Type"):
        src.scalar(g.get(key), (*loc, key))
    bw = g.get("InternetMaxBandwidthOut")
    parts.gateway(
        parts.vpngws,
        g.get("VpnGatewayId") or g.get("VpnGatewayName"),
        public_ip=g.get("PublicIpAddress"),
        bandwidth_mbps=None if bw in (None, "") else src.whole(bw, (*loc, "InternetMaxBandwidthOut"), "Mbps"),
        bgp_asn=_asn(g.get("BgpAsn"), src, (*loc, "BgpAsn")),
        type=_gateway_type(g.get("Type"), src, (*loc, "Type")),
    )
    if g.get("VpcId") and not parts.vpc:
        parts.vpc = g["VpcId"]


def _api_cgw(g: dict[str, Any], src: _Src, loc: Loc, parts: _Parts) -> None:
    """A DescribeCustomerGateways item or a CreateCustomerGateway request."""
    for key in ("CustomerGatewayId", "CustomerGatewayName", "IpAddress"):
        src.scalar(g.get(key), (*loc, key))
    parts.gateway(
        parts.cgws,
        g.get("CustomerGatewayId") or g.get("CustomerGatewayName"),
        public_ip=g.get("IpAddress"),
        bgp_asn=_asn(g.get("BgpAsn"), src, (*loc, "BgpAsn")),
    )


def _api_gw_routes(routes: Any, src: _Src, loc: Loc, parts: _Parts) -> None:
    """VpnGatewayRoute items (DescribeVpnGatewayRoutes, CreateVpnGatewayRoutes):
    the static ones into a VPN connection are the tunnel's routes."""
    for i, r in enumerate(src.objs(routes, loc)):
        rl = (*loc, i)
        for key in ("InstanceType", "InstanceId", "Type", "Status"):
            src.scalar(r.get(key), (*rl, key))
        if str(r.get("InstanceType") or "VPNCONN").upper() != "VPNCONN":
            continue
        if str(r.get("Type") or "Static").lower() != "static":
            continue  # VPC, CCN and BGP routes are learnt, not configured
        parts.gw_routes.append((str(r.get("InstanceId") or ""), r, src, rl))


def _collect_api(data: dict[str, Any], src: _Src, parts: _Parts) -> None:
    resp_loc: Loc = ("Response",) if "Response" in data else ()
    resp = src.obj(data.get("Response"), resp_loc) if resp_loc else data
    found = False
    if "CreateVpnConnection" in resp or "CreateVpnGateway" in resp:  # vpnconf's export bundle
        for i, g in enumerate(src.objs(resp.get("CreateVpnGateway"), ("CreateVpnGateway",))):
            _api_vpngw(g, src, ("CreateVpnGateway", i), parts)
        for i, g in enumerate(src.objs(resp.get("CreateCustomerGateway"), ("CreateCustomerGateway",))):
            _api_cgw(g, src, ("CreateCustomerGateway", i), parts)
        for i, c in enumerate(src.objs(resp.get("CreateVpnConnection"), ("CreateVpnConnection",))):
            parts.conns.append((c, src, ("CreateVpnConnection", i)))
        for i, req in enumerate(src.objs(resp.get("CreateVpnGatewayRoutes"), ("CreateVpnGatewayRoutes",))):
            _api_gw_routes(req.get("Routes"), src, ("CreateVpnGatewayRoutes", i, "Routes"), parts)
        return
    if resp.get("VpnGatewaySet") is not None or resp.get("CustomerGatewaySet") is not None:
        _collect_api_gateways(resp, src, resp_loc, parts)
        found = True
    for key, fn in (("VpnGateway", _api_vpngw), ("CustomerGateway", _api_cgw)):  # Create* responses
        if isinstance(resp.get(key), dict):
            fn(resp[key], src, (*resp_loc, key), parts)
            found = True
    if "Routes" in resp:  # DescribeVpnGatewayRoutes, CreateVpnGatewayRoutes request
        _api_gw_routes(resp.get("Routes"), src, (*resp_loc, "Routes"), parts)
        found = True
    if "VpnConnectionSet" in resp:
        set_loc = (*resp_loc, "VpnConnectionSet")
        for i, c in enumerate(src.objs(resp.get("VpnConnectionSet"), set_loc)):
            parts.conns.append((c, src, (*set_loc, i)))
        return
    if isinstance(resp.get("VpnConnection"), dict):  # a CreateVpnConnection response
        parts.conns.append((resp["VpnConnection"], src, (*resp_loc, "VpnConnection")))
        return
    if found:
        return
    if "PreShareKey" not in resp and ("CustomerGatewayName" in resp or "IpAddress" in resp):
        _api_cgw(resp, src, resp_loc, parts)  # a CreateCustomerGateway request
    elif "PreShareKey" not in resp and ("VpnGatewayName" in resp or "InternetMaxBandwidthOut" in resp):
        _api_vpngw(resp, src, resp_loc, parts)  # a CreateVpnGateway request
    else:
        parts.conns.append((resp, src, resp_loc))  # a CreateVpnConnection request


def _collect_terraform(data: dict[str, Any], src: _Src, parts: _Parts) -> None:
    for r, rloc in _terraform_resources(data, src):
        kind = r.get("type")
        vloc = (*rloc, "values")
        if kind not in _TF_TYPES:
            continue
        v = src.obj(r.get("values"), vloc)
        if kind == "tencentcloud_vpn_connection":
            parts.conns.append((tunnel_from_terraform(v, src, vloc), src, vloc))
            continue
        for field, value in v.items():
            if field != "tags":
                src.scalar(value, (*vloc, field))
        key = v.get("id") or v.get("name")
        if kind == "tencentcloud_vpn_gateway":
            bw = v.get("bandwidth")
            parts.gateway(
                parts.vpngws,
                key,
                public_ip=v.get("public_ip_address"),
                bandwidth_mbps=None if bw in (None, "") else src.whole(bw, (*vloc, "bandwidth"), "Mbps"),
                bgp_asn=_asn(v.get("bgp_asn"), src, (*vloc, "bgp_asn")),
                type=_gateway_type(v.get("type"), src, (*vloc, "type")),
            )
            if v.get("vpc_id") and not parts.vpc:
                parts.vpc = v["vpc_id"]
        elif kind == "tencentcloud_vpn_customer_gateway":
            parts.gateway(
                parts.cgws,
                key,
                public_ip=v.get("public_ip_address"),
                bgp_asn=_asn(v.get("bgp_asn"), src, (*vloc, "bgp_asn")),
            )
        elif kind == "tencentcloud_vpn_gateway_route":
            route = {
                "DestinationCidrBlock": v.get("destination_cidr_block"),
                "InstanceType": v.get("instance_type"),
                "InstanceId": v.get("instance_id"),
                "Priority": v.get("priority"),
                "Status": v.get("status"),
                "Type": v.get("type"),
            }
            _api_gw_routes([route], src, vloc, parts)
        elif kind == "tencentcloud_route_table_entry" and str(v.get("next_type") or "").upper() == "VPN":
            dest, hub, desc = v.get("destination_cidr_block"), v.get("next_hub"), v.get("description")
            if isinstance(dest, str) and isinstance(hub, str) and isinstance(desc, str) and desc:
                parts.descriptions.setdefault((hub, dest), desc)


_TF_TYPES = {
    "tencentcloud_vpn_connection",
    "tencentcloud_vpn_gateway",
    "tencentcloud_vpn_customer_gateway",
    "tencentcloud_vpn_gateway_route",
    "tencentcloud_route_table_entry",
}


def import_foreign(
    data: dict[str, Any],
    name: str,
    base: dict[str, Any] | None = None,
    *,
    lines: Callable[[], dict[Loc, int]] | None = None,
    base_name: str = "the --into site file",
    base_lines: Callable[[], dict[Loc, int]] | None = None,
) -> dict[str, Any]:
    """Tencent API JSON or ``terraform show -json`` output -> site data
    (one document; :func:`import_documents` reads several)."""
    site, _notes = import_documents([(data, name, lines)], base, base_name=base_name, base_lines=base_lines)
    return site


def import_documents(
    docs: Sequence[tuple[dict[str, Any], str, Callable[[], dict[Loc, int]] | None]],
    base: dict[str, Any] | None = None,
    *,
    base_name: str = "the --into site file",
    base_lines: Callable[[], dict[Loc, int]] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Tencent API JSON and ``terraform show -json`` documents -> (site data,
    notes on what was left out).

    Each document is one of: DescribeVpnConnections (or a CreateVpnConnection
    request or response), DescribeVpnGateways / CreateVpnGateway,
    DescribeCustomerGateways / CreateCustomerGateway, DescribeVpnGatewayRoutes /
    CreateVpnGatewayRoutes, vpnconf's export bundle (``export --format
    bundle``), or Terraform JSON with tencentcloud_vpn_connection,
    tencentcloud_vpn_gateway, tencentcloud_vpn_customer_gateway,
    tencentcloud_vpn_gateway_route and tencentcloud_route_table_entry
    resources. Gateways come from the base site when given, else from the
    gateway documents, else from the IKE Local/RemoteAddress fields; their
    BGP ASNs from the gateways, else from a connection's BgpConfig. The VPC
    comes from the base site, else a placeholder built from the SPD local
    ranges. A value of the wrong shape (a list where an object belongs, a
    DpdTimeout that is not a number ...) is one VpnconfError naming the file,
    line (when known) and field."""
    parts = _Parts()
    for data, name, lines in docs:
        src = _Src(name, lines)
        if "format_version" in data or "values" in data:
            before = len(parts.conns)
            _collect_terraform(data, src, parts)
            if len(docs) == 1 and len(parts.conns) == before:
                raise VpnconfError(f"{name}: no tencentcloud_vpn_connection resource in the Terraform JSON")
        else:
            _collect_api(data, src, parts)
    if not parts.conns:
        names = ", ".join(n for _, n, _ in docs)
        raise VpnconfError(f"{names}: no VPN connection (tunnel) in the imported JSON")
    site: dict[str, Any] = dict(base) if base else {}
    bsrc = _Src(base_name, base_lines)
    site.setdefault("profile", "tencent")
    vpngws = {g.get("name"): g for g in bsrc.objs(site.get("vpn_gateways"), ("vpn_gateways",))}
    cgws = {g.get("name"): g for g in bsrc.objs(site.get("customer_gateways"), ("customer_gateways",))}
    tunnels = list(bsrc.arr(site.get("tunnels"), ("tunnels",)))
    locals_: list[str] = []
    by_conn: dict[str, dict[str, Any]] = {}
    gw_of: dict[int, str] = {}
    imported: list[dict[str, Any]] = []
    for conn, src, loc in parts.conns:
        t = tunnel_from_tencent(conn, src, loc)
        ike = conn.get("IKEOptionsSpecification") or {}
        vg_key, cg_key = t.get("vpn_gateway", ""), t.get("customer_gateway", "")
        vg, cg = _gateways_from_ike(ike, vg_key, cg_key)
        local_asn, remote_asn = _bgp_asns(conn, src, loc)
        parts.gateway(parts.vpngws, vg_key, public_ip=(vg or {}).get("public_ip"), bgp_asn=local_asn)
        parts.gateway(parts.cgws, cg_key, public_ip=(cg or {}).get("public_ip"), bgp_asn=remote_asn)
        tunnels.append(t)
        imported.append(t)
        gw_of[id(t)] = str(vg_key)
        for key in (conn.get("VpnConnectionId"), conn.get("VpnConnectionName")):
            if isinstance(key, str) and key:
                by_conn.setdefault(key, t)
        locals_.extend(s["local"] for s in t.get("spd", []) if isinstance(s.get("local"), str) and s["local"])
        if conn.get("VpcId") and not parts.vpc:
            parts.vpc = conn["VpcId"]
        if isinstance(conn.get("HealthCheckConfig"), dict) and any(conn["HealthCheckConfig"].values()):
            parts.notes.append(
                f"{src.name}: {format_loc((*loc, 'HealthCheckConfig'))}: probe settings are not in the site model"
            )
    for inst, r, src, rl in parts.gw_routes:
        into = by_conn.get(inst)
        if into is None:
            parts.notes.append(
                f"{src.name}: {format_loc(rl)}: route into {inst!r}, not an imported connection: left out"
            )
            continue
        route = _tc_route(r, src, rl)
        have = into.setdefault("routes", [])
        if any(
            x.get("destination") == route["destination"] and x.get("priority", 0) == route.get("priority", 0)
            for x in have
        ):
            continue  # the connection's own Route, listed again by the gateway
        if str(r.get("Status") or "ENABLE").upper() == "DISABLE":
            parts.notes.append(
                f"{src.name}: {format_loc(rl)}: disabled route imported as a route (the model has no status)"
            )
        have.append(route)
    for t in imported:
        for route in t.get("routes") or []:
            desc = parts.descriptions.get((gw_of.get(id(t), ""), str(route.get("destination"))))
            if desc and not route.get("description"):
                route["description"] = desc
    for key, g in parts.vpngws.items():
        if key not in vpngws:
            vpngws[key] = {**g, "bandwidth_mbps": g.get("bandwidth_mbps", 5)}
    for key, g in parts.cgws.items():
        if key not in cgws:
            cgws[key] = g
    site["vpn_gateways"] = list(vpngws.values())
    site["customer_gateways"] = list(cgws.values())
    site["tunnels"] = tunnels
    if "vpc" not in site:
        site["vpc"] = {
            "name": parts.vpc or "imported-vpc",
            "region": "ap-guangzhou",
            "cidr_blocks": locals_ or ["10.0.0.0/8"],
        }
    return site, parts.notes


# ------------------------------------------------------------------ export
def _tc_id(t: Tunnel, ident_side: str, site: Site) -> dict[str, Any]:
    ident = t.ike.peer_id if ident_side == "idc" else t.ike.local_id
    prefix = "Remote" if ident_side == "idc" else "Local"
    if ident.type.value == "fqdn":
        return {f"{prefix}Identity": "FQDN", f"{prefix}FqdnName": ident.value}
    addr = ident.value or str(
        site.customer_gateway(t.customer_gateway).public_ip
        if ident_side == "idc"
        else site.vpn_gateway(t.vpn_gateway).public_ip
    )
    return {f"{prefix}Identity": "ADDRESS", f"{prefix}Address": addr}


TC_ENCRYPTION = {
    "des": "DES-CBC",
    "3des": "3DES-CBC",
    "aes128": "AES-CBC-128",
    "aes192": "AES-CBC-192",
    "aes256": "AES-CBC-256",
    "sm4": "SM4",
    "null": "NULL",
    "aes128gcm": "AES128GCM128",
    "aes192gcm": "AES192GCM128",
    "aes256gcm": "AES256GCM128",
}
TC_IKE_INTEGRITY = {
    "md5": "MD5",
    "sha1": "SHA",
    "sha256": "SHA-256",
    "sha384": "SHA-384",
    "sha512": "SHA-512",
    "sm3": "SM3",
}
TC_ESP_INTEGRITY = {**TC_IKE_INTEGRITY, "sha1": "SHA1"}


def tunnel_to_tencent(
    site: Site, t: Tunnel, *, show_secrets: bool = False, losses: list[str] | None = None
) -> dict[str, Any]:
    """The CreateVpnConnection request for a tunnel (key redacted unless asked).
    What the request cannot say is appended to ``losses`` (one line each):
    proposals beyond the first, BGP timers, routes beyond the first (they
    go to CreateVpnGatewayRoutes, see :func:`site_to_tencent`)."""
    losses = [] if losses is None else losses
    ti = next((i for i, x in enumerate(site.tunnels) if x is t), 0)
    tp = f"tunnels[{ti}]"
    ike = {
        "PropoEncryAlgorithm": TC_ENCRYPTION[t.ike.encryption.value],
        "PropoAuthenAlgorithm": TC_IKE_INTEGRITY[t.ike.integrity.value],
        "ExchangeMode": t.ike.mode.value.upper(),
        **_tc_id(t, "cloud", site),
        **_tc_id(t, "idc", site),
        "DhGroupName": f"GROUP{int(t.ike.dh_group)}",
        "IKESaLifetimeSeconds": t.ike.lifetime_seconds,
        "IKEVersion": f"IKEV{t.ike.version}",
    }
    ipsec = {
        "EncryptAlgorithm": TC_ENCRYPTION[t.ipsec.encryption.value],
        "IntegrityAlgorith": TC_ESP_INTEGRITY[t.ipsec.integrity.value],
        "IPSECSaLifetimeSeconds": t.ipsec.lifetime_seconds,
        "PfsDhGroup": "NULL" if t.ipsec.pfs is None else f"DH-GROUP{int(t.ipsec.pfs)}",
        "IPSECSaLifetimeTraffic": t.ipsec.lifetime_kb,
    }
    for part, opts in (("ike", t.ike), ("ipsec", t.ipsec)):
        if len(opts.proposals) > 1:
            losses.append(f"{tp}.{part}.proposals[1:]: Tencent takes one proposal; the first is exported")
    req: dict[str, Any] = {
        "VpcId": "" if _on_ccn(site, t.vpn_gateway) else site.vpc.name,
        "VpnGatewayId": t.vpn_gateway,
        "CustomerGatewayId": t.customer_gateway,
        "VpnConnectionName": t.name,
        "PreShareKey": t.psk() if show_secrets else "<redacted>",
    }
    if t.spd or not t.route_based:  # route-based without SPD: any/any, the API's default
        req["SecurityPolicyDatabases"] = [
            {"LocalCidrBlock": str(p.local), "RemoteCidrBlock": [str(x) for x in p.peers]} for p in t.spd
        ]
    req.update(
        {
            "IKEOptionsSpecification": ike,
            "IPSECOptionsSpecification": ipsec,
            "DpdEnable": 1 if t.dpd.enabled else 0,
            "DpdTimeout": str(t.dpd.timeout_seconds),
            "DpdAction": t.dpd.action.value,
            "RouteType": TC_ROUTE_TYPE[t.route_type.value],
            "NegotiationType": t.negotiation_type,
        }
    )
    if t.routes:
        req["Route"] = _tc_route_out(t.routes[0])
        if len(t.routes) > 1:
            losses.append(
                f"{tp}.routes[1:]: CreateVpnConnection takes one Route; the others are CreateVpnGatewayRoutes "
                "(export --format bundle)"
            )
    if t.bgp is not None:
        req["BgpConfig"] = {
            "TunnelCidr": str(t.bgp.tunnel_cidr),
            "LocalBgpIp": str(t.bgp.local_ip),
            "RemoteBgpIp": str(t.bgp.peer_ip),
        }
        if (t.bgp.hold_time, t.bgp.keepalive) != (90, 30):
            losses.append(f"{tp}.bgp.hold_time/keepalive: the API has no BGP timers (Tencent's own apply)")
        if t.bgp.advertise:
            losses.append(f"{tp}.bgp.advertise: the IDC announces these over BGP; the API has no field for them")
    if t.health_check is not None:
        req["EnableHealthCheck"] = t.health_check.enabled
        if t.health_check.local_ip is not None:
            req["HealthCheckLocalIp"] = str(t.health_check.local_ip)
        if t.health_check.remote_ip is not None:
            req["HealthCheckRemoteIp"] = str(t.health_check.remote_ip)
    return req


def _on_ccn(site: Site, gateway: str) -> bool:
    """The named VPN gateway is attached to a CCN (type ccn or ssl_ccn): its
    requests carry an empty VpcId, as the Terraform provider sends them."""
    return any(g.name == gateway and g.type.attached_to_ccn for g in site.vpn_gateways)


def _tc_route_out(r: Route) -> dict[str, Any]:
    out: dict[str, Any] = {"DestinationCidrBlock": str(r.destination), "Priority": r.priority}
    if r.description:
        out["Description"] = r.description
    return out


def site_to_tencent(
    site: Site, tunnels: list[Tunnel], *, show_secrets: bool = False, losses: list[str] | None = None
) -> dict[str, Any]:
    """Every request that builds ``tunnels`` from nothing, in call order:
    CreateVpnGateway, CreateCustomerGateway, CreateVpnConnection and
    CreateVpnGatewayRoutes (the routes after each tunnel's first). Gateway
    and connection ids are the site's names (the API assigns the real ids:
    replace them in call order). ``vpnconf import`` reads this bundle back."""
    losses = [] if losses is None else losses
    vgs = list(dict.fromkeys(t.vpn_gateway for t in tunnels))
    cgs = list(dict.fromkeys(t.customer_gateway for t in tunnels))
    out: dict[str, Any] = {"CreateVpnGateway": [], "CreateCustomerGateway": [], "CreateVpnConnection": []}
    for name in vgs:
        g = site.vpn_gateway(name)
        req: dict[str, Any] = {
            "VpcId": "" if g.type.attached_to_ccn else site.vpc.name,
            "VpnGatewayName": g.name,
            "InternetMaxBandwidthOut": g.bandwidth_mbps,
            "Type": g.type.value.upper(),
        }
        if g.bgp_asn is not None:
            req["BgpAsn"] = g.bgp_asn
        out["CreateVpnGateway"].append(req)
    for name in cgs:
        c = site.customer_gateway(name)
        req = {"CustomerGatewayName": c.name, "IpAddress": str(c.public_ip)}
        if c.bgp_asn is not None:
            req["BgpAsn"] = c.bgp_asn
        out["CreateCustomerGateway"].append(req)
        if c.vendor is not None:
            losses.append(f"customer gateway {c.name}: vendor: not part of the API's customer gateway")
    routes: dict[str, list[dict[str, Any]]] = {}
    for t in tunnels:
        mine: list[str] = []
        out["CreateVpnConnection"].append(tunnel_to_tencent(site, t, show_secrets=show_secrets, losses=mine))
        losses.extend(x for x in mine if "routes[1:]" not in x)
        for r in t.routes[1:]:
            routes.setdefault(t.vpn_gateway, []).append(
                {**_tc_route_out(r), "InstanceType": "VPNCONN", "InstanceId": t.name, "Status": "ENABLE"}
            )
    if routes:
        out["CreateVpnGatewayRoutes"] = [{"VpnGatewayId": gw, "Routes": rs} for gw, rs in routes.items()]
    losses.extend(pair_losses(site, tunnels, "the API"))
    losses.extend(ccn_losses(site, tunnels, "the API"))
    return out


def ccn_losses(site: Site, tunnels: list[Tunnel], where: str) -> list[str]:
    """When every exported tunnel ends at a gateway attached to a CCN, nothing
    exported names the site's VPC (its VpcId / vpc_id stays out)."""
    if tunnels and all(_on_ccn(site, t.vpn_gateway) for t in tunnels):
        return [f"vpc ({site.vpc.name}): the VPN gateways are attached to a CCN; {where} names no VPC for them"]
    return []


def pair_losses(site: Site, tunnels: list[Tunnel], where: str) -> list[str]:
    """Tunnel pairs among ``tunnels``: no cloud object holds them (route
    priorities and BGP say which tunnel is preferred)."""
    names = {t.name for t in tunnels}
    return [
        f"pairs[{i}] ({p.name}, {p.mode}): {where} has no tunnel pair; the route priorities or BGP carry the preference"
        for i, p in enumerate(site.pairs)
        if names & set(p.tunnels)
    ]


def site_schema() -> dict[str, Any]:
    return Site.model_json_schema()
