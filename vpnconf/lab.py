"""`vpnconf lab verify`: prove a tunnel with two real strongSwan daemons.

The *cloud* end plays the VPN gateway, configured from the tunnel as the cloud
sees it (the rendered IDC config, mirrored); the *idc* end runs exactly what
the lab vendor's rendering (``lab:`` in its vendor.yaml) gives the customer gateway. Both keep the
real public IPs as IKE identities while their outer addresses come from
198.18.0.0/15. The engine (namespaces, daemons, clean-up) is `labnet`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import asdict
from typing import Any

from .catalog import lab_vendor
from .findings import VpnconfError
from .labnet import LabEnd, LabResult, LabUnavailable, preflight, run_lab
from .model import Site, Tunnel
from .renderer import Pair, build_context, template

IDC_OUTER = "198.18.0.2"
CLOUD_OUTER = "198.18.0.1"


def _host(cidr: str) -> str:
    """The first usable host of a range, with its prefix ("10.0.1.1/24")."""
    n = ipaddress.IPv4Network(cidr)
    first = n.network_address + (1 if n.num_addresses > 2 else 0)
    return f"{first}/{n.prefixlen}"


def lab_configs(site: Site, t: Tunnel, cloud: Tunnel | None = None) -> tuple[str, str, dict[str, Any]]:
    """(idc swanctl.conf, cloud swanctl.conf, idc context) for the lab.

    ``cloud`` is the tunnel as the cloud has it, when it differs from what the
    IDC device was rendered from (a mismatch to reproduce)."""
    v = lab_vendor()
    spec = v.lab or {}
    sw = v.software_for(None, None)
    var = v.variants[spec["variant"]]
    tpl = template(v.id, var.files[spec["file"]])
    lab = {"local_addrs": IDC_OUTER, "remote_addrs": CLOUD_OUTER, "start": "none"}
    idc_ctx = build_context(site, t, v, sw, spec["variant"], lab)
    cloud_ctx = dict(idc_ctx) if cloud is None else build_context(site, cloud, v, sw, spec["variant"], lab)
    cloud_ctx.update(
        local=cloud_ctx["remote"],
        remote=cloud_ctx["local"],
        local_addrs=CLOUD_OUTER,
        remote_addrs=IDC_OUTER,
        pairs=[Pair(p.n, p.seq, p.remote, p.local) for p in cloud_ctx["pairs"]],
        local_nets=cloud_ctx["remote_nets"],
        remote_nets=cloud_ctx["local_nets"],
    )
    return str(tpl.render(idc_ctx)), str(tpl.render(cloud_ctx)), idc_ctx


def verify(
    site: Site,
    tunnel: str,
    *,
    timeout: float = 20.0,
    keep: bool = False,
    cloud: Tunnel | None = None,
    idc: Tunnel | None = None,
) -> dict[str, Any]:
    """Run the lab for one tunnel; a JSON-ready report. ``idc`` replaces the
    IDC end's parameters (a parsed device config), ``cloud`` the cloud's."""
    why = preflight()
    if why is not None:
        raise VpnconfError(f"lab unavailable: {why}")
    try:
        t = site.tunnel(tunnel)
    except KeyError:
        raise VpnconfError(f"no tunnel named {tunnel!r}") from None
    if idc is not None:
        cloud = cloud or t
        t = idc
    idc_conf, cloud_conf, ctx = lab_configs(site, t, cloud)
    pairs = ctx["pairs"]
    idc_lab = LabEnd("idc", IDC_OUTER, idc_conf, sorted({_host(p.local.cidr) for p in pairs}))
    cloud_end = LabEnd("cloud", CLOUD_OUTER, cloud_conf, sorted({_host(p.remote.cidr) for p in pairs}))
    children = [f"{t.name}-{p.n}" for p in pairs]
    pings = {f"{t.name}-{p.n}": (_host(p.local.cidr).split("/")[0], _host(p.remote.cidr).split("/")[0]) for p in pairs}
    try:
        res: LabResult = run_lab(
            idc_lab, cloud_end, connection=t.name, children=children, pings=pings, timeout=timeout, keep=keep
        )
    except LabUnavailable as exc:
        raise VpnconfError(f"lab unavailable: {exc}") from None
    report = asdict(res)
    report["ok"] = res.ok
    report["tunnel"] = t.name
    report["pairs"] = [{"child": f"{t.name}-{p.n}", "idc": p.local.cidr, "vpc": p.remote.cidr} for p in pairs]
    return report


def summary(report: dict[str, Any]) -> str:
    lines = [
        f"tunnel {report['tunnel']}: {'PASS' if report['ok'] else 'FAIL'}"
        + (f" ({report['reason']})" if report["reason"] else "")
    ]
    lines.append(
        f"  IKE SA: {'established' if report['ike_established'] else 'not established'}"
        + (f", {report['ike_proposal']}" if report["ike_proposal"] else "")
    )
    for c, p in zip(report["children"], report["pairs"], strict=False):
        ping = {True: "ping ok", False: "ping FAILED", None: "no ping"}[c["ping_ok"]]
        lines.append(
            f"  {p['idc']:<18} <-> {p['vpc']:<18} child {'up' if c['established'] else 'DOWN'}"
            f"{', ' + c['esp_proposal'] if c.get('esp_proposal') else ''}, {ping}"
            + (f" ({c['reason']})" if c["reason"] else "")
        )
    t = report["timings"]
    lines.append("  timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in t.items()))
    if not report["ok"] and report["log_excerpt"]:
        lines.append("  daemon log:")
        lines += [f"    {ln}" for ln in report["log_excerpt"][-12:]]
    return "\n".join(lines)


def device_tunnel(device: str, vendor: str | None, site: Site, tunnel: str) -> tuple[Tunnel, list[str]]:
    """The IDC end's tunnel as a device config says it, placed in the cloud
    site (same gateways) so that the lab plays it against the cloud's tunnel.
    Returns the tunnel and notes on what was not carried."""
    from .io import read_text
    from .parsing import parse_text, to_site_data

    try:
        cloud_t = site.tunnel(tunnel)
    except KeyError:
        raise VpnconfError(f"no tunnel named {tunnel!r}") from None
    vg = site.vpn_gateway(cloud_t.vpn_gateway)
    dev = parse_text(read_text(device), device, vendor)
    candidates = [t for t in dev.tunnels if t.peer_address == str(vg.public_ip)] or dev.tunnels
    if not candidates:
        raise VpnconfError(f"{device}: no IPsec tunnel found")
    if len(candidates) > 1:
        raise VpnconfError(f"{device}: {len(candidates)} tunnels point at {vg.public_ip}; keep one")
    dev.tunnels = candidates[:1]
    data, losses = to_site_data(dev)
    # the site's customer gateway replaces whatever the parse found for it
    notes = [
        f.text() for f in dev.findings + losses if f.severity != "info" and "placeholder (192.0.2.1)" not in f.message
    ]
    if not data["tunnels"]:
        raise VpnconfError(f"{device}: the tunnel cannot be carried into the model: {'; '.join(notes)}")
    td = data["tunnels"][0]
    td.update(name=cloud_t.name, vpn_gateway=cloud_t.vpn_gateway, customer_gateway=cloud_t.customer_gateway)
    if dev.tunnels[0].peer_address != str(vg.public_ip):
        notes.append(f"{device}: the device's peer is {dev.tunnels[0].peer_address}, the VPN gateway is {vg.public_ip}")
    # The parsed end takes the IDC's point of view: turn it to the cloud's, as
    # the site file does (to_site_data already did), and keep identities.
    return Tunnel.model_validate(td), notes
