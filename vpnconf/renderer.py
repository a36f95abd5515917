"""Render a tunnel into the customer-gateway (IDC) device's configuration.

The site file takes the cloud's point of view (SPD local = VPC, peers = IDC;
``ike.local_id`` = the VPN gateway). The rendered config is for the other
end, so here everything is mirrored once: in the context ``local`` is the IDC
device and ``remote`` the cloud's VPN gateway.

Everything clever (keywords, masks, wildcards, sequence numbers, names,
byte conversions) is prepared here; templates stay plain. Keywords come only
from ``vendors/<id>/vendor.yaml``.
"""

from __future__ import annotations

import base64
import ipaddress
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import __version__
from .allowed import (
    DH_GROUP,
    IKE_ENCRYPTION,
    IKE_INTEGRITY,
    IKE_LIFETIME,
    IKE_MODE,
    IKE_VERSION,
    IPSEC_ENCRYPTION,
    IPSEC_INTEGRITY,
    IPSEC_LIFETIME,
    IPSEC_LIFETIME_KB,
    LOCAL_ID_TYPE,
    PEER_ID_TYPE,
    PFS_GROUP,
    SUPPORTED,
    outside_range,
    outside_set,
)
from .catalog import Software, Vendor, get_vendor
from .findings import RenderError, VpnconfError
from .model import UNKNOWN_PSK, IdentityType, Site, Tunnel, is_aead
from .paths import vendor_dirs


# ------------------------------------------------------------------ Jinja
@cache
def _env() -> Any:
    import jinja2

    env = jinja2.Environment(
        # "<vendor id>/x.j2" is vendors/<id>/templates/x.j2; "_common/" holds
        # the macros every vendor shares (vpnconf/templates/_common/).
        loader=jinja2.PrefixLoader(
            {
                "_common": jinja2.FileSystemLoader(str(Path(__file__).parent / "templates" / "_common")),
                **{vid: jinja2.FileSystemLoader(str(d / "templates")) for vid, d in vendor_dirs().items()},
            }
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        auto_reload=False,
    )
    env.globals["refuse"] = _refuse  # a template's way to say "this tunnel cannot be written here"
    return env


def _refuse(message: str) -> None:
    raise RenderError(str(message))


@cache
def template(vendor_id: str, name: str) -> Any:
    return _env().get_template(f"{vendor_id}/{name}")


# ---------------------------------------------------------------- context
@dataclass(frozen=True)
class Net:
    cidr: str
    ip: str
    netmask: str
    wildcard: str
    prefixlen: int


@cache
def net(n: ipaddress.IPv4Network) -> Net:
    return Net(str(n), str(n.network_address), str(n.netmask), str(n.hostmask), n.prefixlen)


@dataclass(frozen=True)
class Pair:
    n: int  # 1-based
    seq: int  # 10, 20, ... (crypto map / policy sequence numbers)
    local: Net  # IDC side
    remote: Net  # VPC side


def _identity(ident: Any, default_ip: str) -> dict[str, str]:
    if ident.type is IdentityType.fqdn:
        return {"type": "fqdn", "value": ident.value}
    return {"type": "address", "value": ident.value or default_ip}


def resolve_target(
    site: Site, tunnel: Tunnel, vendor: str | None, platform: str | None, software: str | None
) -> tuple[Vendor, Software]:
    cgw = site.customer_gateway(tunnel.customer_gateway)
    ref = cgw.vendor
    if vendor is None:
        if ref is None:
            raise VpnconfError(f"customer gateway {cgw.name} names no vendor: pass --vendor (see `vpnconf vendors`)")
        v = get_vendor(ref.name, ref.platform)
        platform = platform or ref.platform
        software = software or ref.software
    else:
        v = get_vendor(vendor, platform)
        if ref is not None and software is None and _same_vendor(ref.name, ref.platform, v):
            platform = platform or ref.platform
            software = ref.software
    return v, v.software_for(platform, software)


def _same_vendor(name: str, platform: str | None, v: Vendor) -> bool:
    try:
        return get_vendor(name, platform).id == v.id
    except VpnconfError:
        return False


def _release(vendor: Vendor, sw: Software) -> str:
    """How a capability error names the release: ``<vendor> <platform> <range>``."""
    return f"{vendor.id} {vendor.platform(sw.platform).id} {sw.range}"


def enforce_capabilities(vendor: Vendor, sw: Software, t: Tunnel, variant: str, ike_versions: list[int]) -> None:
    """Fail with one line when the tunnel needs what this version lacks."""
    var = vendor.variants[variant]
    if sw.variants is not None and variant not in sw.variants:
        have = ", ".join(sw.variants) or "none"
        raise RenderError(f"{_release(vendor, sw)}: has no variant {variant} (this release: {have})")
    if msg := outside_set(
        IKE_VERSION,
        t.ike.version,
        sw.variant_ike_versions(variant, var),
        verb=SUPPORTED,
        by=f"by variant {variant} here",
    ):
        raise RenderError(f"{_release(vendor, sw)}: {msg}")
    if t.ike.version == 1 and t.ike.mode.value not in var.modes:
        raise RenderError(
            f"{vendor.id} variant {variant}: IKEv1 {t.ike.mode.value} mode cannot be written here (modes: {', '.join(var.modes)})"
        )
    _enforce(vendor, sw, t, variant, ike_versions)


def _enforce(vendor: Vendor, sw: Software, t: Tunnel, variant: str, ike_versions: list[int]) -> None:
    """Fail with one line when the tunnel needs what this version lacks."""
    v = t.ike.version
    if msg := outside_set(IKE_VERSION, v, sw.ike_versions, verb=SUPPORTED):
        raise RenderError(f"{_release(vendor, sw)}: {msg}")
    if msg := outside_set(IKE_VERSION, v, ike_versions, verb=SUPPORTED, by="by this variant"):
        raise RenderError(f"{vendor.id} variant {variant}: {msg}")
    algs = sw.algorithms(v)
    assert algs is not None
    by = "with IKEv1" if v == 1 else "with IKEv2"
    n_ike, n_esp = len(t.ike.proposals) or 1, len(t.ipsec.proposals) or 1
    if (n_ike > 1 or n_esp > 1) and not vendor.proposal_lists:
        raise RenderError(
            f"{vendor.id}: its templates write one IKE and one ESP proposal; the tunnel offers {n_ike} and {n_esp}"
        )
    for ip in t.ike.offers():
        if msg := (
            outside_set(IKE_ENCRYPTION, ip.encryption.value, algs.ike_encryption, verb=SUPPORTED, by=by)
            or outside_set(IKE_INTEGRITY, ip.integrity.value, algs.ike_integrity, verb=SUPPORTED, by=by)
            or outside_set(DH_GROUP, int(ip.dh_group), algs.dh_groups, verb=SUPPORTED, by=by)
        ):
            raise RenderError(f"{_release(vendor, sw)}: {msg}")
    for ep in t.ipsec.offers():
        pfs = ep.pfs
        if msg := (
            outside_set(IPSEC_ENCRYPTION, ep.encryption.value, algs.esp_encryption, verb=SUPPORTED, by=by)
            or (
                None
                if is_aead(ep.encryption)
                else outside_set(IPSEC_INTEGRITY, ep.integrity.value, algs.esp_integrity, verb=SUPPORTED, by=by)
            )
            or outside_set(PFS_GROUP, None if pfs is None else int(pfs), algs.pfs_groups, verb=SUPPORTED, by=by)
        ):
            raise RenderError(f"{_release(vendor, sw)}: {msg}")
    for ip in t.ike.offers():  # every offer: an AEAD one needs a PRF keyword
        if (
            is_aead(ip.encryption)
            and "ike_prf" in vendor.keywords
            and vendor.keyword("ike_prf", ip.integrity, v) is None
        ):
            prfs = ", ".join(str(k) for k in vendor.keywords["ike_prf"])
            raise RenderError(
                f"{_release(vendor, sw)}: IKE {ip.encryption.value} needs a PRF; integrity "
                f"{ip.integrity.value} has none here (supported with GCM: {prfs})"
            )
    if msg := (
        outside_set(IKE_MODE, t.ike.mode.value, sw.modes, verb=SUPPORTED)
        # the IDC device's own identity is the site's peer_id (the site is the cloud's view)
        or outside_set(LOCAL_ID_TYPE, t.ike.peer_id.type.value, sw.identity_types, verb=SUPPORTED)
        or outside_set(PEER_ID_TYPE, t.ike.local_id.type.value, sw.identity_types, verb=SUPPORTED)
        or outside_range(IKE_LIFETIME, t.ike.lifetime_seconds, sw.ike_lifetime_seconds)
        or outside_range(IPSEC_LIFETIME, t.ipsec.lifetime_seconds, sw.ipsec_lifetime_seconds)
        or outside_range(IPSEC_LIFETIME_KB, t.ipsec.lifetime_kb, sw.ipsec_lifetime_kb)
    ):
        raise RenderError(f"{_release(vendor, sw)}: {msg}")
    pairs = sum(len(p.peers) for p in t.spd)
    if sw.max_selector_pairs is not None and pairs > sw.max_selector_pairs:
        raise RenderError(
            f"{_release(vendor, sw)}: {pairs} selector pairs; this version allows at most {sw.max_selector_pairs}"
        )
    bad = sorted({c for c in t.psk() if c in vendor.psk_forbidden})
    if bad:
        raise RenderError(
            f"{vendor.id}: the pre-shared key holds {' '.join(repr(c) for c in bad)}, "
            f"which this vendor's CLI cannot take in a key"
        )
    for rule in vendor.psk_refuse:
        if re.search(rule["re"], t.psk()):
            raise RenderError(f"{vendor.id}: the pre-shared key cannot be written for this vendor: {rule['why']}")
    bad_name = sorted({c for c in t.name if c in vendor.name_forbidden})
    if bad_name:
        raise RenderError(
            f"{vendor.id}: tunnel name {t.name!r} holds {' '.join(repr(c) for c in bad_name)}, which this vendor's "
            "configuration syntax cannot take in a name: rename the tunnel"
        )
    if len(t.name) > vendor.name_max:
        raise RenderError(
            f"{vendor.id}: tunnel name {t.name!r} is longer than the {vendor.name_max} "
            f"characters this vendor allows for object names"
        )


_UNSAFE = frozenset("\n\r\x00\"'`\\ \t")


#: written where a key was not known (a masked or encrypted source key): quotes
#: and spaces make the line one that no vendor's CLI or daemon accepts as a key
PSK_PLACEHOLDER = '"<PRE-SHARED KEY NOT KNOWN: vpnconf translate --psk-file FILE>"'


def _guard(site: Site, t: Tunnel) -> None:
    """Defence in depth: the model already rejects these characters in every
    user value that reaches a template; refuse to render if one slipped by
    (a tunnel built without validation)."""
    values = [
        t.name,
        t.psk(),
        t.vpn_gateway,
        t.customer_gateway,
        site.vpc.name,
        *(g.name for g in site.vpn_gateways),
        *(g.name for g in site.customer_gateways),
        t.ike.local_id.value or "",
        t.ike.peer_id.value or "",
    ]
    for value in values:
        if _UNSAFE.intersection(value):
            raise RenderError("refusing to render a value with whitespace, quotes or control characters")


def _kw(vendor: Vendor, table: str, value: object, ike_version: int) -> str:
    kw = vendor.keyword(table, value, ike_version)
    if kw is None:  # capability lists and keyword tables disagree: a data bug
        raise RenderError(
            f"{vendor.id}: no keyword for {table} {getattr(value, 'value', value)} "
            f"with IKEv{ike_version} in vendors/{vendor.id}/vendor.yaml"
        )
    return kw


_INDEX: dict[int, tuple[Site, dict[str, int]]] = {}


def _tunnel_index(site: Site) -> dict[str, int]:
    """Tunnel name -> position, computed once per site (the site is kept
    referenced so that its id is not reused)."""
    hit = _INDEX.get(id(site))
    if hit is None or hit[0] is not site:
        if len(_INDEX) > 16:
            _INDEX.clear()
        hit = (site, {x.name: i for i, x in enumerate(site.tunnels)})
        _INDEX[id(site)] = hit
    return hit[1]


def build_context(
    site: Site, t: Tunnel, vendor: Vendor, sw: Software, variant: str, overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    v = t.ike.version
    vpngw = site.vpn_gateway(t.vpn_gateway)
    cgw = site.customer_gateway(t.customer_gateway)
    pairs: list[Pair] = []
    for pol in t.spd:
        for peer in pol.peers:
            pairs.append(Pair(len(pairs) + 1, 10 * (len(pairs) + 1), net(peer), net(pol.local)))
    local_nets = list(dict.fromkeys(p.local for p in pairs))
    remote_nets = list(dict.fromkeys(p.remote for p in pairs))
    bgp = None
    if t.route_based:
        # route-based: without selectors the tunnel is any/any; the IDC routes
        # the VPC's ranges into it and reaches the IDC ranges the cloud routes
        if not remote_nets:
            remote_nets = [net(n) for n in site.vpc.cidr_blocks]
        idc = [r.destination for r in t.routes] + (list(t.bgp.advertise) if t.bgp else [])
        local_nets = local_nets or [net(n) for n in dict.fromkeys(idc)]
        if t.bgp is not None:
            b = t.bgp
            bgp = {
                # the IDC device's view: its own inside address is the site's peer_ip
                "local_ip": str(b.peer_ip),
                "peer_ip": str(b.local_ip),
                "cidr": net(b.tunnel_cidr),
                "local_asn": cgw.bgp_asn,
                "peer_asn": vpngw.bgp_asn,
                "hold_time": b.hold_time,
                "keepalive": b.keepalive,
                "advertise": [net(n) for n in b.advertise],
            }
    pfs = None if t.ipsec.pfs is None else _kw(vendor, "pfs_group", int(t.ipsec.pfs), v)
    ctx: dict[str, Any] = {
        "vendor": vendor,
        "software": sw,
        "variant": variant,
        "version": __version__,
        "name": t.name,
        "tunnel": t,
        # 10, 20, ...: this tunnel's place in the site, for crypto map entries,
        # isakmp policy priorities and tunnel interface numbers
        "map_seq": 10 * (_tunnel_index(site).get(t.name, 0) + 1),
        "site": site,
        "vpc": site.vpc,
        "vpn_gateway": vpngw,
        "customer_gateway": cgw,
        "ike": {
            "version": v,
            "aead": is_aead(t.ike.encryption),
            "aggressive": t.ike.mode.value == "aggressive",
            "mode": t.ike.mode.value,
            "encryption": _kw(vendor, "ike_encryption", t.ike.encryption, v),
            "integrity": _kw(vendor, "ike_integrity", t.ike.integrity, v),
            "dh": _kw(vendor, "dh_group", int(t.ike.dh_group), v),
            "dh_group": int(t.ike.dh_group),
            "lifetime": t.ike.lifetime_seconds,
            "canonical": f"IKEv{v}{' ' + t.ike.mode.value if v == 1 else ''} {t.ike.encryption.value}/"
            f"{t.ike.integrity.value}/DH{int(t.ike.dh_group)} {t.ike.lifetime_seconds}s",
        },
        "esp": {
            "aead": is_aead(t.ipsec.encryption),
            "encryption": _kw(vendor, "esp_encryption", t.ipsec.encryption, v),
            "integrity": _kw(vendor, "esp_integrity", t.ipsec.integrity, v),
            "pfs": pfs,
            "pfs_group": None if t.ipsec.pfs is None else int(t.ipsec.pfs),
            "lifetime": t.ipsec.lifetime_seconds,
            "lifetime_kb": t.ipsec.lifetime_kb,
            "lifetime_bytes": t.ipsec.lifetime_kb * 1024,
            "canonical": f"ESP tunnel {t.ipsec.encryption.value}/{t.ipsec.integrity.value} PFS "
            f"{'none' if t.ipsec.pfs is None else 'DH' + str(int(t.ipsec.pfs))} "
            f"{t.ipsec.lifetime_seconds}s/{t.ipsec.lifetime_kb}KB",
        },
        # The IDC device is "local" in its own config; the cloud is "remote".
        "local": {"address": str(cgw.public_ip), "id": _identity(t.ike.peer_id, str(cgw.public_ip))},
        "remote": {"address": str(vpngw.public_ip), "id": _identity(t.ike.local_id, str(vpngw.public_ip))},
        "psk": PSK_PLACEHOLDER if t.psk() == UNKNOWN_PSK else t.psk(),
        # the same key in the encodings devices read unambiguously (a template
        # picks one where the plain text would be misread, e.g. a leading 0x)
        "psk_hex": t.psk().encode().hex() if t.psk()[:1] == "0" else None,
        "psk_b64": base64.b64encode(t.psk().encode()).decode() if t.psk()[:1] == "0" else None,
        "dpd": {
            "enabled": t.dpd.enabled,
            "timeout": t.dpd.timeout_seconds,
            "action": t.dpd.action.value,
            "interval": max(10, t.dpd.timeout_seconds // 3),
        },
        "pairs": pairs,
        "local_nets": local_nets,
        "remote_nets": remote_nets,
        # policy | static | bgp; route_based: a tunnel interface, routes or BGP
        "route_type": t.route_type.value,
        "route_based": t.route_based,
        "bgp": bgp,
        "health": _health(t),
        "pair": _pair_role(site, t),
        # every proposal, in the vendor's keywords (vendors with proposal_lists write them all)
        # every proposal, in the vendor's keywords (vendors with proposal_lists write them all)
        "ike_offers": [],
        "esp_offers": [],
        # How the IDC end brings the tunnel up: on traffic when the cloud is
        # set to flowTrigger, otherwise at once.
        "start": "trap" if t.negotiation_type == "flowTrigger" else "start",
        # Outer addresses the device binds to; the lab puts its own here.
        "local_addrs": str(cgw.public_ip),
        "remote_addrs": str(vpngw.public_ip),
    }
    if vendor.proposal_lists:
        _offers(ctx, t, vendor, v)
    if overrides:
        ctx.update(overrides)
    return ctx


def _offers(ctx: dict[str, Any], t: Tunnel, vendor: Vendor, v: int) -> None:
    """ike_offers/esp_offers in vendor keywords; a single proposal reuses the
    keywords already looked up for ike/esp."""
    ike, esp = ctx["ike"], ctx["esp"]
    if t.ike.proposals:
        ctx["ike_offers"] = [
            {
                "encryption": _kw(vendor, "ike_encryption", p.encryption, v),
                "integrity": _kw(vendor, "ike_integrity", p.integrity, v),
                "dh": _kw(vendor, "dh_group", int(p.dh_group), v),
                "aead": is_aead(p.encryption),
            }
            for p in t.ike.proposals
        ]
    else:
        ctx["ike_offers"] = [{k: ike[k] for k in ("encryption", "integrity", "dh", "aead")}]
    if t.ipsec.proposals:
        ctx["esp_offers"] = [
            {
                "encryption": _kw(vendor, "esp_encryption", p.encryption, v),
                "integrity": None if is_aead(p.encryption) else _kw(vendor, "esp_integrity", p.integrity, v),
                "pfs": None if p.pfs is None else _kw(vendor, "pfs_group", int(p.pfs), v),
                "aead": is_aead(p.encryption),
            }
            for p in t.ipsec.proposals
        ]
    else:
        ctx["esp_offers"] = [
            {
                "encryption": esp["encryption"],
                "integrity": None if esp["aead"] else esp["integrity"],
                "pfs": esp["pfs"],
                "aead": esp["aead"],
            }
        ]


def _health(t: Tunnel) -> dict[str, Any] | None:
    """The cloud's health check as the IDC device sees it: ``idc`` (its own
    address, which the cloud probes: the site's ``remote_ip``), ``cloud`` (the
    probes' source, ``local_ip``) and ``net``, the smallest network holding both
    as host addresses (neither its network nor its broadcast address), for
    vendors that put the IDC end on the tunnel interface with a mask."""
    h = t.health_check
    if h is None or not h.enabled or h.local_ip is None or h.remote_ip is None:
        return None
    a, b = int(h.remote_ip), int(h.local_ip)
    plen = 30
    while plen > 0:
        host = (1 << (32 - plen)) - 1
        if a & ~host == b & ~host and all(0 < x & host < host for x in (a, b)):
            break
        plen -= 1
    cidr = ipaddress.IPv4Network((a & ~((1 << (32 - plen)) - 1) & 0xFFFFFFFF, plen))
    return {"idc": str(h.remote_ip), "cloud": str(h.local_ip), "net": net(cidr)}


def _pair_role(site: Site, t: Tunnel) -> dict[str, Any] | None:
    """The tunnel's place in a redundant pair: its pair's name and mode, and
    whether it is the primary (first) or the backup (second) tunnel."""
    for p in site.pairs:
        if t.name in p.tunnels:
            i = p.tunnels.index(t.name)
            other = p.tunnels[1 - i]
            role = "active" if p.mode == "active-active" else ("primary" if i == 0 else "backup")
            return {"name": p.name, "mode": p.mode, "role": role, "other": other}
    return None


#: model fields a translation leaves out when its source did not have them
#: (the device then keeps its own default): (options, field, context keys)
UNSET_WHEN_ABSENT = (
    ("ike", "lifetime_seconds", ("ike", ("lifetime",))),
    ("ipsec", "lifetime_seconds", ("esp", ("lifetime",))),
    ("ipsec", "lifetime_kb", ("esp", ("lifetime_kb", "lifetime_bytes"))),
)


def absent_fields(t: Tunnel) -> list[str]:
    """The fields of ``UNSET_WHEN_ABSENT`` that the tunnel's data did not set
    (model defaults filled them): ``["ipsec.lifetime_kb", ...]``."""
    return [f"{opt}.{fld}" for opt, fld, _ in UNSET_WHEN_ABSENT if fld not in getattr(t, opt).model_fields_set]


def _only_given(ctx: dict[str, Any], t: Tunnel) -> None:
    """A translation writes only what its source had: lifetimes the model
    filled with the cloud's defaults become None (templates leave the line
    out, and the device keeps its own default)."""
    for opt, fld, (section, keys) in UNSET_WHEN_ABSENT:
        if fld not in getattr(t, opt).model_fields_set:
            sec = ctx[section] = dict(ctx[section], **dict.fromkeys(keys))
            value = getattr(getattr(t, opt), fld)
            unit = "KB" if fld == "lifetime_kb" else "s"
            sec["canonical"] = sec["canonical"].replace(f"{value}{unit}", f"(device default {unit})")


def render_files(
    site: Site,
    tunnel: Tunnel | str,
    vendor: str | None = None,
    *,
    platform: str | None = None,
    software: str | None = None,
    variant: str | None = None,
    overrides: dict[str, Any] | None = None,
    only_given: bool = False,
    same_kind: bool = False,
) -> dict[str, str]:
    """The IDC device's configuration for one tunnel: output file name -> text.
    With ``only_given`` (translate), lifetimes the tunnel's data did not set
    are left out instead of written with the model's defaults.

    Without a software version (neither given nor on the customer gateway)
    the newest catalogued release that can express the tunnel is used, and
    the output's header names it."""
    t = site.tunnel(tunnel) if isinstance(tunnel, str) else tunnel
    _guard(site, t)
    v, sw = resolve_target(site, t, vendor, platform, software)
    kind = "route" if t.route_based else "policy"
    vname, var = v.variant(variant, kind, same_kind=same_kind)
    if t.route_based and "route" not in var.serves:
        routed = [k for k, x in v.variants.items() if "route" in x.serves]
        raise RenderError(
            f"{v.id}: tunnel {t.name} is route-based (route_type {t.route_type.value}) and variant {vname} is "
            + (
                f"policy-based (route-based: {', '.join(routed)})"
                if routed
                else f"policy-based; {v.name} has no route-based variant"
            )
        )
    if t.route_type.value == "bgp" and not var.bgp:
        raise RenderError(f"{v.id} variant {vname}: its templates do not write BGP yet (route_type bgp)")
    if _software_given(site, t, v, software):
        enforce_capabilities(v, sw, t, vname, var.ike_versions)
    else:
        candidates = [s for s in v.software if s.platform == sw.platform]
        first_error: RenderError | None = None
        for cand in reversed(candidates):
            try:
                enforce_capabilities(v, cand, t, vname, var.ike_versions)
            except RenderError as exc:
                first_error = first_error or exc
                continue
            sw = cand
            break
        else:
            assert first_error is not None
            raise first_error
    ctx = build_context(site, t, v, sw, vname, overrides)
    if only_given:
        _only_given(ctx, t)
    import jinja2

    try:
        return {fname: str(template(v.id, tpl).render(ctx)) for fname, tpl in var.files.items()}
    except jinja2.UndefinedError as exc:  # a template/context disagreement: a bug, said in one line
        raise RenderError(
            f"{v.id} variant {vname}: the template needs a value the tunnel does not give ({exc})"
        ) from None


def not_written(
    site: Site, tunnel: Tunnel | str, vendor: str | None = None, variant: str | None = None, *, same_kind: bool = False
) -> list[tuple[str, str]]:
    """What of the tunnel the variant ``render_files`` picks (with the same
    ``variant`` and ``same_kind``) leaves out of the device's config, or writes
    on an assumption: (model field, one line) each. The cloud's health check
    where the templates write none (or only a comment); the cloud-side routes
    of a static tunnel on a CCN gateway (the VPC's ranges)."""
    t = site.tunnel(tunnel) if isinstance(tunnel, str) else tunnel
    v, _ = resolve_target(site, t, vendor, None, None)
    vname, var = v.variant(variant, "route" if t.route_based else "policy", same_kind=same_kind)
    out = []
    h = t.health_check
    if h is not None and h.enabled and not var.writes_health_check(t.bgp is not None):
        out.append(
            (
                "health_check",
                f"tunnel {t.name}: the cloud's health check ({h.remote_ip} probed from {h.local_ip}) is not "
                f"configured by {v.id} variant {vname}"
                + (" beside a BGP session" if var.health_check == "without-bgp" else ""),
            )
        )
    gw = site.vpn_gateway(t.vpn_gateway)
    if t.route_based and t.bgp is None and not t.spd and gw.type.attached_to_ccn:
        nets = ", ".join(str(n) for n in site.vpc.cidr_blocks)
        out.append(
            (
                "routes",
                f"tunnel {t.name}: VPN gateway {gw.name} is attached to a CCN, whose networks the site does not "
                f"list: the static routes written are the VPC's ({nets}); route the CCN's other networks into "
                "the tunnel too",
            )
        )
    return out


def _software_given(site: Site, t: Tunnel, v: Vendor, software: str | None) -> bool:
    if software is not None:
        return True
    ref = site.customer_gateway(t.customer_gateway).vendor
    return ref is not None and ref.software is not None and _same_vendor(ref.name, ref.platform, v)


def join_files(files: dict[str, str]) -> str:
    """One text for stdout: a single file as it is, several with a header each."""
    if len(files) == 1:
        return next(iter(files.values()))
    return "\n".join(f"# ==> {name} <==\n{text}" for name, text in files.items())


def render(site: Site, tunnel: Tunnel | str, vendor: str | None = None, **kw: Any) -> str:
    """Python API: ``render(site, "TomVPNConn", vendor_id) -> str``."""
    return join_files(render_files(site, tunnel, vendor, **kw))
