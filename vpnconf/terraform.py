"""Terraform HCL for a site's tunnels (``vpnconf export --format terraform``),
for the tencentcloud provider (tencentcloudstack/tencentcloud):

- ``tencentcloud_vpn_gateway``: name, vpc_id (not for a gateway attached to
  a CCN: the provider refuses it there), bandwidth, type (when not the default
  IPSEC), bgp_asn;
- ``tencentcloud_vpn_customer_gateway``: name, public_ip_address, bgp_asn;
- ``tencentcloud_vpn_connection``: every argument the model has a value for
  (IKE, IPsec, SPD as ``security_group_policy`` blocks, DPD, route_type,
  negotiation_type, ``bgp_config``, health check; no vpc_id for a tunnel of a
  CCN gateway, which the provider's documentation says it does not take);
- ``tencentcloud_vpn_gateway_route``: one per static route (the provider's
  vpn_connection has no route argument; routes into a tunnel are VPN gateway
  routes, instance_type VPNCONN);
- ``tencentcloud_route_table_entry``: the VPC route-table entry (next_type VPN,
  next hop the VPN gateway) for each static route's destination, in the route
  table ``var.route_table_id`` (the model holds no route table id). The route's
  description is written here (tencentcloud_vpn_gateway_route has none). A
  gateway attached to a CCN is in no VPC: its routes get no entry (the loss
  report names a description that is then not carried).

The pre-shared key is a sensitive variable (``var.psk_<tunnel>``) unless the
key is asked for. Every string is written through :func:`hcl_string` (quotes,
backslashes, ``${``/``%{`` template openers and control characters escaped), so
no name or description can close the string or inject an expression; block
labels are identifiers derived from the names (:func:`hcl_label`).

``terraform show -json`` of what this creates reads back with ``vpnconf import``
(ids become the gateways' and tunnels' names there).
"""

from __future__ import annotations

import re
from typing import Any

from .io import (
    TC_ENCRYPTION,
    TC_ESP_INTEGRITY,
    TC_IKE_INTEGRITY,
    TC_ROUTE_TYPE,
    _on_ccn,
    _tc_id,
    ccn_losses,
    pair_losses,
)
from .model import GatewayType, Site, Tunnel

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def hcl_string(value: str) -> str:
    """A quoted HCL string literal holding exactly ``value``."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    text = "".join(out)
    # template sequences: ${ and %{ open an interpolation/directive; $${ and %%{ are literal
    text = text.replace("${", "$${").replace("%{", "%%{")
    return f'"{text}"'


_LABEL_BAD = re.compile(r"[^A-Za-z0-9_-]")


def hcl_label(name: str, used: set[str]) -> str:
    """An HCL identifier (block label usable in references) for a site name,
    unique within ``used``."""
    label = _LABEL_BAD.sub("_", name) or "_"
    if not (label[0].isalpha() or label[0] == "_"):
        label = f"_{label}"
    base, n = label, 2
    while label in used:
        label, n = f"{base}_{n}", n + 1
    used.add(label)
    return label


class _Raw(str):
    """An expression written as is (a reference such as ``var.x``)."""


def _value(v: Any) -> str:
    if isinstance(v, _Raw):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return hcl_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise TypeError(f"no HCL for {type(v).__name__}")


def _body(attrs: list[tuple[str, Any]], indent: str) -> list[str]:
    """Attributes (aligned as ``terraform fmt`` aligns a run of them) and
    nested blocks (a value that is a dict, or a list of dicts)."""
    lines: list[str] = []
    run: list[tuple[str, Any]] = []

    def flush() -> None:
        if run and lines and lines[-1] == f"{indent}}}":
            lines.append("")
        width = max((len(k) for k, _ in run), default=0)
        lines.extend(f"{indent}{k.ljust(width)} = {_value(v)}" for k, v in run)
        run.clear()

    for k, v in attrs:
        blocks = [v] if isinstance(v, dict) else v if isinstance(v, list) and v and isinstance(v[0], dict) else None
        if blocks is None:
            run.append((k, v))
            continue
        flush()
        for b in blocks:
            if lines:
                lines.append("")
            lines.append(f"{indent}{k} {{")
            lines.extend(_body(list(b.items()), indent + "  "))
            lines.append(f"{indent}}}")
    flush()
    return lines


def _block(kind: str, labels: list[str], attrs: list[tuple[str, Any]]) -> str:
    head = " ".join([kind, *(hcl_string(x) for x in labels)])
    return "\n".join([f"{head} {{", *_body(attrs, "  "), "}"]) + "\n"


def site_to_hcl(
    site: Site, tunnels: list[Tunnel], *, show_secrets: bool = False, losses: list[str] | None = None
) -> str:
    """The HCL that creates ``tunnels`` with their gateways and routes. What
    the provider cannot say is appended to ``losses``."""
    losses = [] if losses is None else losses
    used: set[str] = set()
    blocks: list[str] = []
    vg_label = {n: hcl_label(n, used) for n in dict.fromkeys(t.vpn_gateway for t in tunnels)}
    cg_label = {n: hcl_label(n, used) for n in dict.fromkeys(t.customer_gateway for t in tunnels)}
    t_label = {t.name: hcl_label(t.name, used) for t in tunnels}
    # the VPC route table takes the IDC routes of the VPC's gateways; a gateway attached to a
    # CCN is in no VPC (its routes reach the VPCs through the CCN): no entry, no variable
    has_static = any(t.routes and not _on_ccn(site, t.vpn_gateway) for t in tunnels)
    if not show_secrets:
        for t in tunnels:
            blocks.append(
                _block(
                    "variable",
                    [f"psk_{t_label[t.name]}"],
                    [
                        ("description", f"pre-shared key of tunnel {t.name}"),
                        ("type", _Raw("string")),
                        ("sensitive", True),
                    ],
                )
            )
    if has_static:
        blocks.append(
            _block(
                "variable",
                ["route_table_id"],
                [
                    ("description", f"the route table of VPC {site.vpc.name} for the IDC routes"),
                    ("type", _Raw("string")),
                ],
            )
        )
    for name, label in vg_label.items():
        g = site.vpn_gateway(name)
        attrs: list[tuple[str, Any]] = [("name", g.name)]
        if not g.type.attached_to_ccn:
            attrs.append(("vpc_id", site.vpc.name))
        attrs.append(("bandwidth", g.bandwidth_mbps))
        if g.type is not GatewayType.ipsec:
            attrs.append(("type", g.type.value.upper()))
        if g.bgp_asn is not None:
            attrs.append(("bgp_asn", g.bgp_asn))
        blocks.append(_block("resource", ["tencentcloud_vpn_gateway", label], attrs))
    for name, label in cg_label.items():
        c = site.customer_gateway(name)
        attrs = [("name", c.name), ("public_ip_address", str(c.public_ip))]
        if c.bgp_asn is not None:
            attrs.append(("bgp_asn", c.bgp_asn))
        if c.vendor is not None:
            losses.append(f"customer gateway {c.name}: vendor: not an argument of tencentcloud_vpn_customer_gateway")
        blocks.append(_block("resource", ["tencentcloud_vpn_customer_gateway", label], attrs))
    entries: dict[tuple[str, str], tuple[str, str | None]] = {}
    for ti, t in enumerate(site.tunnels):
        if t.name not in t_label:
            continue
        tp, label = f"tunnels[{ti}]", t_label[t.name]
        vgl, cgl = vg_label[t.vpn_gateway], cg_label[t.customer_gateway]
        blocks.append(
            _block(
                "resource",
                ["tencentcloud_vpn_connection", label],
                _connection(site, t, vgl, cgl, label, show_secrets, tp, losses),
            )
        )
        for i, r in enumerate(t.routes):
            blocks.append(
                _block(
                    "resource",
                    ["tencentcloud_vpn_gateway_route", f"{label}_{i}"],
                    [
                        ("vpn_gateway_id", _Raw(f"tencentcloud_vpn_gateway.{vgl}.id")),
                        ("destination_cidr_block", str(r.destination)),
                        ("instance_type", "VPNCONN"),
                        ("instance_id", _Raw(f"tencentcloud_vpn_connection.{label}.id")),
                        ("priority", r.priority),
                        ("status", "ENABLE"),
                    ],
                )
            )
            if _on_ccn(site, t.vpn_gateway):
                if r.description:
                    losses.append(
                        f"{tp}.routes[{i}].description: a CCN gateway's routes have no VPC route entry, "
                        "the one resource that carries a description"
                    )
                continue
            key = (t.vpn_gateway, str(r.destination))
            if key in entries:
                if r.description and r.description != entries[key][1]:
                    losses.append(
                        f"{tp}.routes[{i}].description: one VPC route entry per destination; "
                        f"it carries {entries[key][1]!r} (from {entries[key][0]})"
                    )
                continue
            entries[key] = (f"{tp}.routes[{i}]", r.description)
            attrs = [
                ("route_table_id", _Raw("var.route_table_id")),
                ("destination_cidr_block", str(r.destination)),
                ("next_type", "VPN"),
                ("next_hub", _Raw(f"tencentcloud_vpn_gateway.{vgl}.id")),
            ]
            if r.description:
                attrs.append(("description", r.description))
            blocks.append(_block("resource", ["tencentcloud_route_table_entry", f"{label}_{i}"], attrs))
    losses.extend(pair_losses(site, tunnels, "the provider"))
    losses.extend(ccn_losses(site, tunnels, "the provider"))
    return "\n".join(blocks)


def _connection(
    site: Site, t: Tunnel, vgl: str, cgl: str, label: str, show_secrets: bool, tp: str, losses: list[str]
) -> list[tuple[str, Any]]:
    ike, ipsec = t.ike, t.ipsec
    local, remote = _tc_id(t, "cloud", site), _tc_id(t, "idc", site)
    attrs: list[tuple[str, Any]] = [("name", t.name)]
    if not _on_ccn(site, t.vpn_gateway):
        attrs.append(("vpc_id", site.vpc.name))
    attrs += [
        ("vpn_gateway_id", _Raw(f"tencentcloud_vpn_gateway.{vgl}.id")),
        ("customer_gateway_id", _Raw(f"tencentcloud_vpn_customer_gateway.{cgl}.id")),
        ("pre_share_key", t.psk() if show_secrets else _Raw(f"var.psk_{label}")),
        ("route_type", TC_ROUTE_TYPE[t.route_type.value]),
        ("negotiation_type", t.negotiation_type),
        ("ike_version", f"IKEV{ike.version}"),
        ("ike_proto_encry_algorithm", TC_ENCRYPTION[ike.encryption.value]),
        ("ike_proto_authen_algorithm", TC_IKE_INTEGRITY[ike.integrity.value]),
        ("ike_exchange_mode", ike.mode.value.upper()),
        ("ike_local_identity", local["LocalIdentity"]),
    ]
    if "LocalFqdnName" in local:
        attrs.append(("ike_local_fqdn_name", local["LocalFqdnName"]))
    elif ike.local_id.value is None:
        # the gateway's own address: Tencent assigns it when the gateway is created
        attrs.append(("ike_local_address", _Raw(f"tencentcloud_vpn_gateway.{vgl}.public_ip_address")))
    else:
        attrs.append(("ike_local_address", local["LocalAddress"]))
    attrs.append(("ike_remote_identity", remote["RemoteIdentity"]))
    if "RemoteFqdnName" in remote:
        attrs.append(("ike_remote_fqdn_name", remote["RemoteFqdnName"]))
    elif ike.peer_id.value is None:
        attrs.append(("ike_remote_address", _Raw(f"tencentcloud_vpn_customer_gateway.{cgl}.public_ip_address")))
    else:
        attrs.append(("ike_remote_address", remote["RemoteAddress"]))
    attrs += [
        ("ike_dh_group_name", f"GROUP{int(ike.dh_group)}"),
        ("ike_sa_lifetime_seconds", ike.lifetime_seconds),
        ("ipsec_encrypt_algorithm", TC_ENCRYPTION[ipsec.encryption.value]),
        ("ipsec_integrity_algorithm", TC_ESP_INTEGRITY[ipsec.integrity.value]),
        ("ipsec_pfs_dh_group", "NULL" if ipsec.pfs is None else f"DH-GROUP{int(ipsec.pfs)}"),
        ("ipsec_sa_lifetime_seconds", ipsec.lifetime_seconds),
        ("ipsec_sa_lifetime_traffic", ipsec.lifetime_kb),
        ("dpd_enable", 1 if t.dpd.enabled else 0),
        ("dpd_timeout", t.dpd.timeout_seconds),
        ("dpd_action", t.dpd.action.value),
    ]
    for part, opts in (("ike", ike), ("ipsec", ipsec)):
        if len(opts.proposals) > 1:
            losses.append(f"{tp}.{part}.proposals[1:]: Tencent takes one proposal; the first is exported")
    if t.health_check is not None:
        attrs.append(("enable_health_check", t.health_check.enabled))
        if t.health_check.local_ip is not None:
            attrs.append(("health_check_local_ip", str(t.health_check.local_ip)))
        if t.health_check.remote_ip is not None:
            attrs.append(("health_check_remote_ip", str(t.health_check.remote_ip)))
    for p in t.spd:
        attrs.append(
            (
                "security_group_policy",
                {"local_cidr_block": str(p.local), "remote_cidr_block": [str(x) for x in p.peers]},
            )
        )
    if t.bgp is not None:
        attrs.append(
            (
                "bgp_config",
                {
                    "tunnel_cidr": str(t.bgp.tunnel_cidr),
                    "local_bgp_ip": str(t.bgp.local_ip),
                    "remote_bgp_ip": str(t.bgp.peer_ip),
                },
            )
        )
        if (t.bgp.hold_time, t.bgp.keepalive) != (90, 30):
            losses.append(f"{tp}.bgp.hold_time/keepalive: the provider has no BGP timers")
        if t.bgp.advertise:
            losses.append(
                f"{tp}.bgp.advertise: the IDC announces these over BGP; the provider has no argument for them"
            )
    return attrs
