"""The ``vpnconf`` command: thin over the API.

Exit codes: 0 ok, 1 findings of error severity (or a tunnel the vendor cannot
express), 2 unreadable input or usage. Heavy modules (jinja2, netutils,
textfsm) are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .findings import VpnconfError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .findings import Severity

EXAMPLES = {
    "validate": "vpnconf validate samples/quickstart.yaml",
    "render": "vpnconf render samples/quickstart.yaml --tunnel TomVPNConn --vendor srx --variant policy",
    "vendors": "vpnconf vendors --vendor cisco --supports dh24 --format json",
    "schema": "vpnconf schema > site.schema.json",
    "routes": "vpnconf routes samples/quickstart.yaml --tunnel TomVPNConn",
    "price": "vpnconf price --region ap-guangzhou --bandwidth 10 --hours 720",
    "import": "vpnconf import describe-vpn-connections.json --into site.yaml -o merged.yaml",
    "export": "vpnconf export samples/quickstart.yaml --tunnel TomVPNConn",
    "lab": "sudo vpnconf lab verify samples/quickstart.yaml --tunnel TomVPNConn",
    "parse": "vpnconf parse router.cfg --format json",
    "check": "vpnconf check router.cfg --peer samples/quickstart.yaml --tunnel TomVPNConn",
    "translate": "vpnconf translate router.cfg --to fortigate --variant policy",
    "status": "vpnconf status --vendor ios show-crypto-session-detail.txt --config router.cfg",
}


DEVICE_HELP = (
    "one device config; several files are one device read together in the order given "
    "(e.g. ipsec.conf ipsec.secrets); directories are a fleet: every regular file under them "
    "on its own, with a summary (symbolic links are not followed)"
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"vpnconf: usage error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(2)


def json_text(obj: Any) -> str:
    """JSON laid out for people and written at C speed: the top-level object and
    its objects one member per line, lists of objects (tunnels, findings) one
    entry per line, each entry on its line (json's C encoder works only without
    ``indent``; indenting everything is 6x slower on a large parse)."""
    out: list[str] = []
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode

    def enc(o: Any, depth: int, pad: str) -> None:
        inner = pad + "  "
        if isinstance(o, dict) and o and depth <= 1:
            out.append("{\n")
            for i, (k, v) in enumerate(o.items()):
                out.append(f"{inner}{dumps(str(k))}: ")
                enc(v, depth + 1, inner)
                out.append(",\n" if i < len(o) - 1 else "\n")
            out.append(pad + "}")
        elif isinstance(o, list) and o and depth <= 2 and isinstance(o[0], dict | list):
            out.append("[\n")
            for i, v in enumerate(o):
                out.append(inner)
                enc(v, depth + 1, inner)
                out.append(",\n" if i < len(o) - 1 else "\n")
            out.append(pad + "]")
        else:
            out.append(dumps(o))

    enc(obj, 0, "")
    return "".join(out) + "\n"


def _emit(obj: Any, fmt: str, text: str) -> None:
    if fmt == "json":
        sys.stdout.write(json_text(obj))
    else:
        sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")


# ------------------------------------------------- argument validation
def _finite(kind: str, *, low: float, low_ok: bool, high: float = 1e12) -> Callable[[str], float]:
    """An argparse type: a finite number above ``low`` (or equal when ``low_ok``),
    at most ``high``."""
    import math

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < low or (value == low and not low_ok) or value > high:
            raise argparse.ArgumentTypeError(
                f"must be a finite number of {kind}, {'0 or more' if low_ok else 'above 0'}, at most {high:g}"
            )
        return value

    return parse


def _profile_file(a: argparse.Namespace) -> Any:
    """The profile given with ``--profile-file PATH``, or None."""
    if not getattr(a, "profile_file", None):
        return None
    from .profiles import load_profile_file

    return load_profile_file(a.profile_file)


PROFILE_FILE_HELP = (
    "a cloud profile file, given explicitly (replaces the site's `profile:`, which names a profile "
    "of the profiles folder and is never a path)"
)


# ------------------------------------------------------------- commands
def cmd_validate(a: argparse.Namespace) -> int:
    from .findings import has_errors
    from .io import load_site

    site, findings = load_site(a.site, profile=_profile_file(a))
    ok = site is not None and not has_errors(findings)
    if a.format == "json":
        _emit({"file": a.site, "valid": ok, "findings": [f.as_dict() for f in findings]}, "json", "")
    else:
        for f in findings:
            sys.stdout.write(f.text() + "\n")
        n_err = sum(f.severity == "error" for f in findings)
        n_warn = sum(f.severity == "warning" for f in findings)
        sys.stdout.write(f"{a.site}: {'valid' if ok else 'invalid'} ({n_err} errors, {n_warn} warnings)\n")
    return 0 if ok else 1


def _vendor_rows(a: argparse.Namespace) -> list[tuple[Any, Any, str]]:
    from .catalog import get_vendor, supports, vendors

    rows = []
    wanted = get_vendor(a.vendor).id if a.vendor else None
    for v in vendors().values():
        if wanted and v.id != wanted:
            continue
        for s in v.software:
            plat = v.platform(s.platform)
            if a.platform and a.platform.lower() not in {plat.id, plat.name, *plat.aliases}:
                continue
            if any(not supports(s, c) for c in a.supports or []):
                continue
            for rel in s.releases:
                rows.append((v, s, rel))
    return rows


def cmd_vendors(a: argparse.Namespace) -> int:
    rows = _vendor_rows(a)
    if a.format == "json":
        out: list[dict[str, Any]] = []
        for v, s, rel in rows:
            item: dict[str, Any] = {
                "VendorName": v.catalog_vendor,
                "Platform": v.platform(s.platform).name,
                "SoftwareVersion": rel,
            }
            if a.details:
                item["Details"] = _details(v, s)
            out.append(item)
        _emit({"CustomerGatewayVendorSet": out}, "json", "")
        return 0
    lines = [f"{'VENDOR ID':<18} {'VendorName':<11} {'Platform':<10} {'Software':<9} IKE   modes"]
    for v, s, rel in rows:
        lines.append(
            f"{v.id:<18} {v.catalog_vendor:<11} {v.platform(s.platform).name:<10} {rel:<9} "
            f"{'/'.join(f'v{x}' for x in s.ike_versions):<5} {'/'.join(s.modes)}"
        )
        if a.details:
            for k, val in _details(v, s).items():
                lines.append(f"    {k}: {val}")
    if len(lines) == 1:
        lines.append("(no vendor matches these filters)")
    _emit(None, "text", "\n".join(lines))
    return 0


def _details(v: Any, s: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "range": s.range,
        "variants": list(v.variants),
        "ike_versions": s.ike_versions,
        "modes": s.modes,
        "identity_types": s.identity_types,
    }
    for ver in (1, 2):
        algs = s.algorithms(ver)
        if algs is not None:
            d[f"ikev{ver}"] = algs.as_dict()
    d["ike_lifetime_seconds"] = list(s.ike_lifetime_seconds)
    d["ipsec_lifetime_seconds"] = list(s.ipsec_lifetime_seconds)
    if s.ipsec_lifetime_kb:
        d["ipsec_lifetime_kb"] = list(s.ipsec_lifetime_kb)
    if s.notes:
        d["notes"] = s.notes
    return d


def cmd_schema(a: argparse.Namespace) -> int:
    from .io import site_schema

    _emit(site_schema(), "json", "")
    return 0


def cmd_render(a: argparse.Namespace) -> int:
    from .io import require_site
    from .renderer import join_files, not_written, render_files

    site = require_site(a.site, profile=_profile_file(a))
    if a.all:
        if not a.output:
            raise VpnconfError("--all writes one file per tunnel: give -o DIR (or -o - for stdout)")
        names = [t.name for t in site.tunnels]
    else:
        if not a.tunnel:
            if len(site.tunnels) != 1:
                raise VpnconfError(
                    f"{a.site}: name the tunnel with --tunnel (one of: {', '.join(t.name for t in site.tunnels)})"
                )
            a.tunnel = site.tunnels[0].name
        try:
            site.tunnel(a.tunnel)
        except KeyError:
            raise VpnconfError(
                f"{a.site}: no tunnel named {a.tunnel!r} (known: {', '.join(t.name for t in site.tunnels)})"
            ) from None
        names = [a.tunnel]
    # Render everything first: nothing is written unless all of it renders.
    outputs: list[tuple[str, dict[str, str]]] = []
    for n in names:
        files = render_files(site, n, a.vendor, platform=a.platform, software=a.software, variant=a.variant)
        outputs.append((n, files))
    for n in names:  # what the config leaves out, said once (the config runs all the same)
        for _, line in not_written(site, n, a.vendor, a.variant):
            sys.stderr.write(f"vpnconf: warning: {line}\n")
    if not a.output or a.output == "-":
        for _, files in outputs:
            sys.stdout.write(join_files(files))
        return 0
    out = Path(a.output)
    to_dir = a.all or out.is_dir() or a.output.endswith("/") or any(len(f) > 1 for _, f in outputs)
    targets: list[tuple[Path, str]] = []
    for n, files in outputs:
        for fname, text in files.items():
            if to_dir:
                stem = fname if len(names) == 1 and len(files) > 1 else f"{n}.{fname}"
                targets.append((out / stem, text))
            else:
                targets.append((out, text))
    from .outfiles import write_files

    write_files(targets, force=a.force, report=lambda p: sys.stderr.write(f"wrote {p} (mode 0600)\n"))
    return 0


def cmd_routes(a: argparse.Namespace) -> int:
    from .io import require_site

    site = require_site(a.site)
    names = [t.name for t in site.tunnels]
    if a.tunnel and a.tunnel not in names:
        raise VpnconfError(f"{a.site}: no tunnel named {a.tunnel!r} (known: {', '.join(names)})")
    tunnels = [site.tunnel(a.tunnel)] if a.tunnel else site.tunnels
    cloud, idc = [], []
    for t in tunnels:
        gw = site.vpn_gateway(t.vpn_gateway)
        for pol in t.spd:
            for peer in pol.peers:
                cloud.append(
                    {"DestinationCidrBlock": str(peer), "GatewayType": "VPN", "GatewayId": gw.name, "Tunnel": t.name}
                )
        for pol in t.spd:
            idc.append({"destination": str(pol.local), "via": f"tunnel {t.name} to {gw.public_ip}", "tunnel": t.name})
    idc = list({(r["destination"], r["tunnel"]): r for r in idc}.values())
    cloud = list({(r["DestinationCidrBlock"], r["GatewayId"]): r for r in cloud}.values())
    text = ["Cloud side (VPC route table, next hop type VPN gateway):"]
    text += [f"  {r['DestinationCidrBlock']:<18} -> VPN gateway {r['GatewayId']} ({r['Tunnel']})" for r in cloud]
    text += ["IDC side (static routes on the customer gateway):"]
    text += [f"  {r['destination']:<18} -> {r['via']}" for r in idc]
    _emit({"cloud": cloud, "idc": idc}, a.format, "\n".join(text))
    return 0


def cmd_price(a: argparse.Namespace) -> int:
    from .io import known_regions, region_table, resolve_region

    table = region_table()
    rid = resolve_region(a.region)
    if rid is None:
        raise VpnconfError(f"--region {a.region!r} is not in the price table (known: {known_regions()})")
    region = table["regions"][rid]
    if a.bandwidth not in region:
        from .profiles import get_profile

        tiers = get_profile("tencent").bandwidths_mbps or []
        priced = ", ".join(map(str, sorted(region)))
        raise VpnconfError(
            f"bandwidth {a.bandwidth} Mbps has no price in the offline table (priced tiers: {priced} Mbps; "
            "the billing page gives one flat fee for them, the console prices the higher tiers)"
            if a.bandwidth in tiers
            else f"bandwidth {a.bandwidth} Mbps is not a tier (tiers: {', '.join(map(str, tiers))} Mbps)"
        )
    if a.hours < 0:
        raise VpnconfError("--hours must be 0 or more")
    hourly = float(region[a.bandwidth])
    total = round(hourly * a.hours, 4)
    obj = {
        "Region": rid,
        "BandwidthMbps": a.bandwidth,
        "Hours": a.hours,
        "Currency": table["currency"],
        "HourlyPrice": hourly,
        "TotalPrice": total,
        "Note": "gateway fee only; traffic is billed per GB",
    }
    _emit(
        obj,
        a.format,
        f"{rid} {a.bandwidth} Mbps: {hourly} {table['currency']}/hour x {a.hours} h = "
        f"{total} {table['currency']} (gateway fee only; traffic billed per GB)",
    )
    return 0


def cmd_import(a: argparse.Namespace) -> int:
    import yaml

    from .findings import has_errors
    from .io import import_documents, read_data, site_from_data
    from .model import dump_site

    if a.output and a.output != "-":
        from .outfiles import check_target

        check_target(a.output, force=a.force)  # refused before any finding is printed
    docs: list[tuple[dict[str, Any], str, Callable[[], dict[Any, int]] | None]] = []
    for path in a.file:
        doc = read_data(path)
        if not isinstance(doc.data, dict):
            raise VpnconfError(f"{path}: expected a JSON object")
        docs.append((doc.data, path, doc.line_table))  # a wrong value's message names its line
    if a.into:  # a wrong value in the base names its file and line too
        into = read_data(a.into)
        if not isinstance(into.data, dict):
            raise VpnconfError(f"{a.into}: expected a site (a mapping of vpc, gateways, tunnels)")
        merged, notes = import_documents(docs, into.data, base_name=a.into, base_lines=into.line_table)
    else:
        merged, notes = import_documents(docs)
    site, findings = site_from_data(merged, ", ".join(a.file))
    for note in notes:
        sys.stderr.write(f"note: {note}\n")
    for f in findings:
        sys.stderr.write(f.text() + "\n")
    if site is None or has_errors(findings):
        return 1
    out = dump_site(site, show_secrets=True)
    text = json.dumps(out, indent=2) if a.format == "json" else yaml.safe_dump(out, sort_keys=False)
    if a.output and a.output != "-":
        from .outfiles import write_private

        write_private(a.output, text, force=a.force)
        sys.stderr.write(f"wrote {a.output} (mode 0600)\n")
    else:
        if not a.show_secrets:
            out = dump_site(site, show_secrets=False)
            text = json.dumps(out, indent=2) if a.format == "json" else yaml.safe_dump(out, sort_keys=False)
        sys.stdout.write(text)
    return 0


def cmd_export(a: argparse.Namespace) -> int:
    from .io import require_site, site_to_tencent, tunnel_to_tencent

    site = require_site(a.site)
    names = [a.tunnel] if a.tunnel else [t.name for t in site.tunnels]
    tunnels = []
    for n in names:
        try:
            tunnels.append(site.tunnel(n))
        except KeyError:
            raise VpnconfError(f"{a.site}: no tunnel named {n!r}") from None
    losses: list[str] = []
    if a.format == "terraform":
        from .terraform import site_to_hcl

        sys.stdout.write(site_to_hcl(site, tunnels, show_secrets=a.show_secrets, losses=losses))
    elif a.format == "bundle":
        _emit(site_to_tencent(site, tunnels, show_secrets=a.show_secrets, losses=losses), "json", "")
    else:
        reqs = [tunnel_to_tencent(site, t, show_secrets=a.show_secrets, losses=losses) for t in tunnels]
        _emit(reqs[0] if len(reqs) == 1 else reqs, "json", "")
    for loss in losses:
        sys.stderr.write(f"not exported: {loss}\n")
    return 0


def _parse_device(path: str, vendor: str | None) -> Any:
    """One device config that must hold a tunnel (translate, a peer device)."""
    from .sources import parse_device, read_device

    return parse_device(read_device([path]), vendor, allow_empty=False)


class _Result:
    """One device's outcome: the JSON document, its findings, tunnel count,
    text lines for a fleet report and the exit code."""

    def __init__(self, doc: dict[str, Any], findings: list[Any], tunnels: int, lines: list[str], code: int) -> None:
        self.doc, self.findings, self.tunnels, self.lines, self.code = doc, findings, tunnels, lines, code


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _head(path: str, dev: Any) -> str:
    names = [t.name for t in dev.tunnels]
    what = f"{_n(len(names), 'tunnel')} ({', '.join(names)})" if names else "no IPsec tunnel"
    return f"{path}: {dev.vendor}{f' (detected: {dev.detected})' if dev.detected else ''}, {what}"


def _parse_result(inp: Any, a: argparse.Namespace) -> _Result:
    from .parsing import redacted_tunnels, to_site_data
    from .sources import parse_device, relocate, relocate_extra, tunnel_where

    dev = parse_device(inp, a.vendor)
    site, losses = to_site_data(dev)
    if not a.show_secrets:
        from .parsing import scrub

        for t in site["tunnels"]:
            t["pre_shared_key"] = "<redacted>"
        site = scrub(site, dev.redactor, copy=False)
    found = dev.findings + relocate(losses, inp)
    tunnels = redacted_tunnels(dev, a.show_secrets)
    for t, d in zip(dev.tunnels, tunnels, strict=True):
        d.update(tunnel_where(inp, t.line))
        d["extra"] = relocate_extra(d["extra"], inp, d.get("file"))
    doc: dict[str, Any] = {"vendor": dev.vendor, "detected": dev.detected, "site": site}
    if dev.proposal_sets:  # device-wide proposals, once; tunnels name them (ike_proposal_set)
        from dataclasses import asdict

        from .parsing import scrub

        doc["proposal_sets"] = {
            name: {**scrub(asdict(ps), dev.redactor), **tunnel_where(inp, ps.line)}
            for name, ps in dev.proposal_sets.items()
        }
    doc["tunnels"] = tunnels
    doc["findings"] = [f.as_dict() for f in found]
    if len(inp.paths) > 1:
        doc["files"] = inp.paths
    lines = [_head(inp.label, dev)] + ["  " + f.text() for f in found]
    code = 1 if any(f.severity == "error" for f in found) else 0
    return _Result(doc, found, len(dev.tunnels), lines, code)


def cmd_parse(a: argparse.Namespace) -> int:
    from .sources import plan, read_device

    mode, paths = plan(a.device)
    if mode == "fleet":
        return _fleet(a, paths, lambda inp: _parse_result(inp, a))
    inp = read_device(paths)
    r = _parse_result(inp, a)
    if a.format == "json":
        _emit(r.doc, "json", "")
    else:
        if r.doc["detected"]:
            sys.stderr.write(f"{inp.label}: detected {r.doc['vendor']} ({r.doc['detected']})\n")
        import yaml

        sys.stdout.write(yaml.safe_dump(r.doc["site"], sort_keys=False))
        for f in r.findings:
            sys.stderr.write(f.text() + "\n")
    return r.code


#: how bad an exit code is, for the worst of a fleet (3, "cannot tell", is below 1)
_SEVERITY_OF_EXIT = {0: 0, 3: 1, 1: 2, 2: 3}


def _fleet(a: argparse.Namespace, dirs: list[str], one: Callable[[Any], _Result]) -> int:
    """Every regular file under the directories on its own: one result per file
    and a summary; the exit code is the worst of the files'. A file a device's
    daemon reads beside another one of the fleet (its ``companions``: the
    ipsec.secrets beside an ipsec.conf) is read with that one, once: it is
    listed as skipped, read with it, instead of failing on its own."""
    import os

    from .sources import Skipped, companion_names, fleet_files, read_device

    files, skipped = fleet_files(dirs)
    if not files:
        raise VpnconfError(f"{dirs[0]}: no regular file to read under {' '.join(dirs)}")
    results: list[dict[str, Any]] = []
    by_sev = {"error": 0, "warning": 0, "info": 0}
    n_tunnels = n_novpn = n_bad = 0
    text = a.format != "json"
    # possible companions go last: by then the device that reads them has been read
    maybe = companion_names()
    read_with: dict[str, str] = {}  # real path of a companion read -> the device's file
    for path in sorted(files, key=lambda f: os.path.basename(f) in maybe):  # (stable: in order otherwise)
        device = read_with.get(os.path.realpath(path))
        if device is not None:
            skipped.append(Skipped(path, f"read with {device} (its daemon reads this file beside it)"))
            continue
        try:
            inp = read_device([path])
            r = one(inp)
            for extra in inp.paths[1:]:
                read_with[os.path.realpath(extra)] = path
        except VpnconfError as exc:
            err, code = str(exc), exc.exit_code
        except Exception as exc:  # a failure on one file does not end the audit
            first = str(exc).splitlines()[0] if str(exc) else ""
            err, code = f"{path}: internal error: {type(exc).__name__}: {first} (please report this)", 2
        else:
            results.append({"file": path, "exit_code": r.code, **r.doc})
            n_tunnels += r.tunnels
            n_novpn += r.tunnels == 0
            for f in r.findings:
                by_sev[f.severity] = by_sev.get(f.severity, 0) + 1
            if text:
                sys.stdout.write("\n".join(r.lines) + "\n")
            continue
        n_bad += 1
        results.append({"file": path, "exit_code": code, "error": err})
        if text:
            sys.stdout.write(f"{path}: unreadable: {err.removeprefix(path + ': ')}\n")
    # the worst: unreadable (2), will not establish / errors (1), cannot tell (3), fine (0)
    worst: int = max((int(r["exit_code"]) for r in results), key=lambda c: _SEVERITY_OF_EXIT.get(c, c))
    summary = {
        "files": len(files),
        "tunnels": n_tunnels,
        "findings": by_sev,
        "without_vpn": n_novpn,
        "unreadable": n_bad,
        "skipped": len(skipped),
        "exit_code": worst,
    }
    if not text:
        _emit(
            {
                "directories": dirs,
                "results": results,
                "skipped": [{"path": s.path, "reason": s.reason} for s in skipped],
                "summary": summary,
            },
            "json",
            "",
        )
        return worst
    for s in skipped:
        sys.stdout.write(f"{s.path}: skipped: {s.reason}\n")
    sys.stdout.write(
        f"summary: {_n(len(files), 'file')}, {_n(n_tunnels, 'tunnel')}; findings: {_n(by_sev['error'], 'error')}, "
        f"{_n(by_sev['warning'], 'warning')}, {by_sev['info']} info; {n_novpn} without VPN, {n_bad} unreadable"
        f"{f', {len(skipped)} skipped' if skipped else ''}; exit {worst}\n"
    )
    return worst


def _peer_tunnel(dev: Any, want_peer: str | None, name: str | None) -> Any:
    tunnels = dev.tunnels
    if name:
        tunnels = [t for t in tunnels if t.name == name] or tunnels
    if want_peer:
        tunnels = [t for t in tunnels if t.peer_address == want_peer] or tunnels
    if len(tunnels) != 1:
        raise VpnconfError(
            f"{dev.file}: {len(dev.tunnels)} tunnels; name one with --device-tunnel "
            f"({', '.join(t.name for t in dev.tunnels)})"
        )
    return tunnels[0]


def _check_peer_end(a: argparse.Namespace) -> tuple[Any, str | None]:
    """The other end for ``check --peer``: a site's tunnel (the cloud end) or a device's."""
    from .compat import cloud_end
    from .io import load_data, read_text
    from .safeload import MAX_JSON_BYTES

    data = None
    try:
        data = load_data(read_text(a.peer, MAX_JSON_BYTES), a.peer)
    except VpnconfError:
        data = None
    if isinstance(data, dict) and "tunnels" in data:
        from .io import require_site

        site = require_site(a.peer)
        names = [t.name for t in site.tunnels]
        tname = a.tunnel or (names[0] if len(names) == 1 else None)
        if tname is None or tname not in names:
            raise VpnconfError(f"{a.peer}: name the tunnel with --tunnel (one of: {', '.join(names)})")
        return cloud_end(site, site.tunnel(tname)), None
    pdev = _parse_device(a.peer, a.peer_vendor)
    return _peer_tunnel(pdev, None, a.tunnel), pdev.vendor


def _check_result(inp: Any, a: argparse.Namespace, profile: Any, peer: tuple[Any, str | None] | None) -> _Result:
    import importlib
    from pathlib import Path

    from .compat import check_against_profile, check_peer, verdict
    from .findings import Finding
    from .sources import NO_TUNNEL, parse_device, relocate

    def cert_files() -> Any:
        """--cert/--ca, and the config files' directories where the names
        the configs give are looked up; None while vpnconf.certs is absent."""
        try:
            files = importlib.import_module(".certs", __package__).CertFiles
        except (ImportError, AttributeError):
            return None
        given = [*inp.paths, *([a.peer] if a.peer else [])]
        dirs = list(dict.fromkeys(Path(p).resolve().parent for p in given))
        return files(certs=[Path(p) for p in a.cert or []], cas=[Path(p) for p in a.ca or []], dirs=dirs)

    dev = parse_device(inp, a.vendor)
    findings: list[Any] = [f for f in dev.findings if f.severity == "error" or f.rule == NO_TUNNEL]
    stages: dict[str, Any] = {}
    doc_verdict: dict[str, Any] = {}
    if profile is not None:
        findings += relocate(check_against_profile(dev, profile), inp)
    if peer is not None:
        other, other_vendor = peer
        if dev.tunnels:
            mine = _peer_tunnel(dev, other.local_address, a.device_tunnel)
            pf = check_peer(
                mine,
                other,
                a_vendor=dev.vendor,
                b_vendor=other_vendor,
                a_name="device",
                b_name="peer",
                cert_files=cert_files(),
            )
            stages = verdict(pf, mine, other, "device", "peer")
        else:
            pf = [
                Finding(
                    "PEER-NO-TUNNEL",
                    "error",
                    f"the device has no IPsec tunnel to meet the peer's tunnel {other.name}",
                    file=inp.name,
                    extra={"stage": "ike", "fix": "configure the tunnel on the device"},
                )
            ]
            stages = verdict(pf)
        for st in stages.values():  # what the verdict names passes the device's redactor
            st.unknown = [dev.redactor(x) for x in st.unknown]
            st.defaults = [dev.redactor(x) for x in st.defaults]
        tri = {"yes": True, "no": False, "cannot tell": None}
        doc_verdict = {
            "ike_sa_establishes": tri[stages["ike"].value],
            "child_sa_establishes": tri[stages["child"].value],
            "verdict": {k: v.as_dict() for k, v in stages.items()},
        }
        findings += relocate(pf, inp)
    errors = [f for f in findings if f.severity == "error"]
    doc: dict[str, Any] = {
        "device": inp.name,
        "vendor": dev.vendor,
        **doc_verdict,
        "findings": [f.as_dict() for f in findings],
    }
    if len(inp.paths) > 1:
        doc["files"] = inp.paths
    lines = [_head(inp.label, dev)]
    for f in findings:
        fix = f.extra.get("fix")
        lines.append("  " + f.text() + (f" [fix: {fix}]" if fix else ""))
    if stages:
        lines.append(f"  IKE SA establishes: {stages['ike'].value}; CHILD SA establishes: {stages['child'].value}")
        for label, st in (("IKE SA", stages["ike"]), ("CHILD SA", stages["child"])):
            if st.unknown:
                lines.append(f"  {label}: cannot tell: not checked: {'; '.join(st.unknown)}")
            if st.defaults:
                lines.append(f"  {label}: decided by defaults: {'; '.join(st.defaults)}")
    unknown = any(st.value == "cannot tell" for st in stages.values())
    code = 1 if errors else 3 if unknown else 0
    return _Result(doc, findings, len(dev.tunnels), lines, code)


def cmd_check(a: argparse.Namespace) -> int:
    from .sources import plan, read_device

    if not a.against and not a.peer and not a.profile_file:
        raise VpnconfError("check needs --against PROFILE, --profile-file PATH or --peer SITE|DEVICE")
    if a.against and a.profile_file:
        raise VpnconfError("check takes --against PROFILE or --profile-file PATH, not both")
    mode, paths = plan(a.device)
    profile = _profile_file(a)
    if a.against:
        from .profiles import get_profile

        try:
            profile = get_profile(a.against)
        except VpnconfError as exc:
            raise VpnconfError(f"--against: {exc}") from None
    peer = _check_peer_end(a) if a.peer else None
    if mode == "fleet":
        return _fleet(a, paths, lambda inp: _check_result(inp, a, profile, peer))
    r = _check_result(read_device(paths), a, profile, peer)
    if a.format == "json":
        _emit(r.doc, "json", "")
    else:
        for line in r.lines[1:]:
            sys.stdout.write(line[2:] + "\n")
        errors = sum(f.severity == "error" for f in r.findings)
        sys.stdout.write(f"{errors} errors, {len(r.findings) - errors} warnings/notes\n")
    return r.code


def cmd_translate(a: argparse.Namespace) -> int:
    """Parse a device config and render it for another vendor: read the source
    (placeholders through sentinels), build the site (no cloud's rules unless
    --against), render each tunnel for the target, and report every loss by field."""
    from .catalog import get_vendor

    dev, data, report, table = _translate_source(a)
    site = _translate_site(a, dev, data, report)
    target = get_vendor(a.to)
    if not target.proposal_lists:  # the target's templates write one proposal per phase: keep the first
        site = _first_proposals_only(site, target, a.device, report)
    texts = [out for t in site.tunnels if (out := _translate_tunnel(a, site, t, target, table, report)) is not None]
    sys.stdout.write("\n".join(texts))
    loss = _write_loss_report(a, dev, table, report)
    return 1 if any(x["severity"] == "error" for x in loss) or not texts else 0


def _translate_source(a: argparse.Namespace) -> tuple[Any, dict[str, Any], list[Any], Any]:
    """translate: the source parsed into site data, with its findings and the
    placeholder table. Placeholders (<AWS_ENDPOINT_1>, ${oracleHeadend1},
    x.x.x.x) are carried through sentinels, or filled with --set / --values
    (vpnconf.placeholders)."""
    from .findings import Finding
    from .parsing import to_site_data
    from .placeholders import fill, given_values, mask, scan
    from .sources import parse_device, read_device

    inp = read_device([a.device])
    source_text = inp.text
    table = scan(source_text)
    given = given_values(a.set or [], a.values)
    if given and not table:
        raise VpnconfError(f"{next(iter(given.values()))[1]}: the source holds no placeholder")
    filled: list[str] = []
    if given:  # first where each placeholder goes: its value is checked as that field's kind
        inp.text = mask(source_text, table)
        to_site_data(parse_device(inp, a.vendor, allow_empty=False), table)
        filled = fill(table, given)
    inp.text = mask(source_text, table)
    dev = parse_device(inp, a.vendor, allow_empty=False)
    for k in filled:
        dev.redactor.add(k)
    data, losses = to_site_data(dev, table)
    for f in (*dev.findings, *losses):
        f.message = table.unmask(f.message)
    key = _given_psk(a.psk_file)
    if key is not None:
        from .model import UNKNOWN_PSK

        dev.redactor.add(key)
        for tun in data["tunnels"]:
            if tun["pre_shared_key"] == UNKNOWN_PSK:
                tun["pre_shared_key"] = key
                losses.append(
                    Finding("KEY", "info", f"tunnel {tun['name']}: the pre-shared key is the one given", file=a.device)
                )
    report = [f for f in dev.findings if f.severity != "info" or f.rule == "IGNORED"] + losses
    if not data["tunnels"]:
        for f in report:
            sys.stderr.write(f.text() + "\n")
        raise VpnconfError(f"{a.device}: no tunnel could be carried into the model")
    return dev, data, report, table


def _translate_site(a: argparse.Namespace, dev: Any, data: dict[str, Any], report: list[Any]) -> Any:
    """translate: the site the parsed data makes; a device-to-device translation
    applies no cloud's rules unless --against asks (the schema's always)."""
    from .io import site_from_data
    from .profiles import get_profile
    from .rules import SCHEMA_RULES

    profile = get_profile(a.against) if a.against else None
    built, rule_findings = site_from_data(data, a.device, profile=profile)
    schema = {"SCHEMA", *(rid for rid, _ in SCHEMA_RULES.values())}
    report += [f for f in rule_findings if f.severity == "error" and (a.against or f.rule in schema)]
    if built is None:  # a value the model refuses: named, never an internal error
        for f in report:
            sys.stderr.write(dev.redactor(f.text()) + "\n")
        raise VpnconfError(f"{a.device}: the parsed tunnels do not make a valid site (see the findings above)")
    return built


def _first_proposals_only(site: Any, target: Any, device: str, report: list[Any]) -> Any:
    """translate: each phase's first proposal only, for a target whose templates
    write one; the others named in the report."""
    from .findings import Finding

    kept = []
    for t in site.tunnels:
        for phase, opts in (("ike", t.ike), ("ipsec", t.ipsec)):
            if len(opts.proposals) > 1:
                report.append(
                    Finding(
                        "NOT-CARRIED",
                        "warning",
                        f"tunnel {t.name}: {len(opts.proposals) - 1} further {phase} proposal(s) not written: "
                        f"the {target.name} templates write one (the first)",
                        file=device,
                        extra={"field": f"{phase}.proposals"},
                    )
                )
                t = t.model_copy(update={phase: opts.model_copy(update={"proposals": []})})
        kept.append(t)
    return site.model_copy(update={"tunnels": kept})


def _lost(report: list[Any], severity: Severity, message: str, fld: str, device: str) -> None:
    """translate: one item of the loss report, naming the model field it concerns."""
    from .findings import Finding

    report.append(Finding("NOT-CARRIED", severity, message, fld, file=device, extra={"field": fld}))


def _translate_tunnel(
    a: argparse.Namespace, site: Any, t: Any, target: Any, table: Any, report: list[Any]
) -> str | None:
    """translate: one tunnel rendered for the target (None when refused: named in
    the report), its placeholders put back, and what changed or was left out."""
    from .findings import Finding, RenderError
    from .renderer import absent_fields, join_files, not_written, render_files

    try:
        files = render_files(site, t, a.to, variant=a.variant, software=a.software, only_given=True, same_kind=True)
    except RenderError as exc:  # what this target cannot express: this tunnel only
        _lost(report, "error", f"tunnel {t.name}: {table.unmask(str(exc))}", _refused_field(str(exc)), a.device)
        return None
    out = join_files(files)
    lost_id = _local_identity_lost(site, t, files, target)
    if lost_id:
        _lost(report, "warning", table.unmask(lost_id), "ike.peer_id", a.device)
    if table:
        out = table.unmask(out)
        left = table.left(out)
        if left:  # a sentinel in a form that is not put back: refused, never a wrong value
            for p in left:
                _lost(
                    report,
                    "error",
                    f"tunnel {t.name}: placeholder {p.spelling} is written by {target.name} in a derived form "
                    f"that cannot be put back ({', '.join(p.fields) or p.kind}): give it with --set {p.name}=VALUE",
                    p.fields[0] if p.fields else "placeholders",
                    a.device,
                )
            return None
        out = _needs_values(out, table)
    kind = "route" if t.route_based else "policy"
    vname, var = target.variant(a.variant, kind, same_kind=True)
    if var.serves[0] != kind:
        report.append(
            Finding(
                "NOT-CARRIED",
                "warning",
                f"tunnel {t.name}: the source is {kind}-based; variant {vname} is {var.serves[0]}-based "
                + ("(asked with --variant)" if a.variant else f"({target.name} has no {kind}-based variant)"),
                file=a.device,
                extra={"field": "route_type"},
            )
        )
    for fld, line in not_written(site, t, a.to, a.variant, same_kind=True):
        _lost(report, "warning", line, fld, a.device)
    # never a value the source did not have: what it lacks is left to the target's own default
    for fld in absent_fields(t):
        report.append(
            Finding(
                "DEFAULT",
                "info",
                f"tunnel {t.name}: {fld} is not in the source: not written, the {target.name} default applies",
                file=a.device,
                extra={"field": fld},
            )
        )
    return out


def _write_loss_report(a: argparse.Namespace, dev: Any, table: Any, report: list[Any]) -> list[dict[str, Any]]:
    """translate: the loss report on stderr (text or JSON, every message through
    the device's redactor; JSON also lists the placeholders the output holds)."""
    loss = [f.as_dict() for f in report]
    for item in loss:
        item["message"] = dev.redactor(item["message"])
    if a.format == "json":
        doc: dict[str, Any] = {"loss_report": loss}
        if table:  # what the output needs before a device takes it
            doc["placeholders"] = [
                {
                    "name": p.name,
                    "placeholder": p.spelling,
                    "kind": p.kind,
                    "fields": p.fields,
                    "filled": p.value is not None,
                }
                for p in table.items()
                if p.fields
            ]
        sys.stderr.write(json.dumps(doc, indent=2) + "\n")
    else:
        sys.stderr.write(f"loss report ({len(loss)} items):\n")
        for f in report:
            sys.stderr.write("  " + dev.redactor(f.text()) + "\n")
        if not report:
            sys.stderr.write("  nothing lost\n")
    return loss


#: translate: the model field a target's refusal concerns, by the words of the
#: refusal (capability checks name the field: vpnconf.allowed); first match wins
_REFUSED_FIELDS = (
    ("IKE version", "ike.version"),
    ("IKE encryption", "ike.encryption"),
    ("IKE integrity", "ike.integrity"),
    ("DH group", "ike.dh_group"),
    ("IPsec encryption", "ipsec.encryption"),
    ("IPsec integrity", "ipsec.integrity"),
    ("PFS", "ipsec.pfs"),
    ("bgp_asn", "bgp_asn"),
    ("BGP", "route_type"),
    ("route-based", "route_type"),
    ("policy-based", "route_type"),
    ("IKE offers", "ike.proposals"),
    ("IKE proposal", "ike.proposals"),
    ("ESP offer", "ipsec.proposals"),
    ("ESP proposal", "ipsec.proposals"),
    ("lifetime", "ipsec.lifetime_seconds"),
    ("aggressive", "ike.mode"),
    ("identity", "ike.local_id"),
    ("selector", "spd"),
    ("ACL", "spd"),
    ("name", "name"),
)


def _refused_field(message: str) -> str:
    """translate: the model field a render refusal names (``tunnel``: the tunnel as a whole)."""
    low = message.lower()
    return next((fld for words, fld in _REFUSED_FIELDS if words.lower() in low), "tunnel")


def _local_identity_lost(site: Any, t: Any, files: dict[str, str], target: Any) -> str | None:
    """translate: a local identity that is not the device's own address (behind
    NAT: strongSwan leftid=<public> with left=<private>) must be the local
    identity of the target's output, read back with the target's parser; the
    message when it is not (None when it is, or when there is nothing to keep)."""
    from .parsing import parse_text

    ident = t.ike.peer_id  # the cloud's view: the peer is the device
    cg_ip = str(site.customer_gateway(t.customer_gateway).public_ip)
    if ident.value is None or ident.value == cg_ip:
        return None
    got: set[str] = set()
    for text in files.values():
        try:
            back = parse_text(text, "output", target.id)
        except VpnconfError:
            continue
        got.update(x.local_id.value for x in back.tunnels if x.local_id is not None)
    if ident.value in got:
        return None
    return (
        f"tunnel {t.name}: the local identity {ident.type.value} {ident.value} (not the device's address {cg_ip}: "
        f"behind NAT) is not the local identity of the {target.name} output: the device would send "
        + (f"{', '.join(sorted(got))}" if got else "its interface address")
        + "; set it by hand or use an FQDN identity"
    )


def _needs_values(text: str, table: Any) -> str:
    """translate: an output that holds placeholders says so on its first line, in
    the comment leader its own first line uses (none: the loss report says it)."""
    import re

    held = [p for p in table.items() if p.value is None and p.shown() in text]
    if not held:
        return text
    m = re.match(r"[ \t]*(!|#+|;+|//|/\*|--)", text)
    if m is None:
        return text
    close = " */" if m.group(1) == "/*" else ""
    names = ", ".join(f"{p.spelling}" for p in held)
    return f"{m.group(1)} NEEDS VALUES: {names} (placeholders: vpnconf translate --set NAME=VALUE){close}\n{text}"


def _given_psk(path: str | None) -> str | None:
    """The key from --psk-file (its first line) or $VPNCONF_PSK, checked like a
    site key; never echoed in an error."""
    import os

    from .model import PSK_RE

    if path is not None:
        try:
            with open(path, encoding="utf-8") as fh:
                key = fh.readline(1025).rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise VpnconfError(f"{path}: cannot read the key file ({type(exc).__name__})") from None
        where = path
    elif os.environ.get("VPNCONF_PSK"):
        key, where = os.environ["VPNCONF_PSK"], "$VPNCONF_PSK"
    else:
        return None
    if not PSK_RE.fullmatch(key):
        raise VpnconfError(f"{where}: the key is not 1-128 printable characters without spaces, quotes or backslash")
    return key


def cmd_status(a: argparse.Namespace) -> int:
    """Exit 0: all shown (or, with --config, all configured) tunnels up; 1: some down
    or half-up; 2: unreadable (an error, or a line of the output no rule reads)."""
    from .status import format_join, format_prometheus, format_status, join_config, read_status_file

    devices: list[Any] = []
    if a.config:
        from .io import read_text
        from .parsing import parse_text

        devices = [parse_text(read_text(path), path, a.config_vendor or a.vendor) for path in a.config]
    # the configs' own addresses tell which end of a dst/src SA row is this device
    own = {t.local_address for d in devices for t in d.tunnels if t.local_address}
    docs = [read_status_file(path, a.vendor, local_addresses=own) for path in a.output]
    unreadable = any(f.get("severity") == "error" for d in docs for f in d["findings"])
    text = "".join(format_status(d) for d in docs)
    if not a.config:
        if a.format == "prometheus":
            sys.stdout.write(format_prometheus(docs))
        else:
            _emit(docs[0] if len(docs) == 1 else {"outputs": docs}, a.format, text)
        if unreadable:
            return 2
        down = any(str(f.get("rule", "")).endswith("-down") for d in docs for f in d["findings"])
        return 1 if down else 0
    joined = join_config(docs, devices)
    if a.format == "prometheus":
        sys.stdout.write(format_prometheus(docs, joined))
    else:
        _emit({"outputs": docs, **joined}, a.format, text + format_join(joined))
    if unreadable:
        return 2
    return 0 if joined["all_up"] else 1


def cmd_lab(a: argparse.Namespace) -> int:
    from .io import require_site
    from .lab import summary, verify

    site_path = a.against or a.site
    site = require_site(site_path)
    if a.pair:
        from .lab import verify_pair

        if a.against or a.tunnel:
            raise VpnconfError("--pair runs both tunnels of the pair: no --tunnel or --against with it")
        report = verify_pair(
            site, a.pair, timeout=a.timeout, failover_bound=a.failover_bound, restore_bound=a.restore_bound, keep=a.keep
        )
        _emit(report, a.format, summary(report))
        return 0 if report["ok"] else 1
    tunnel = a.tunnel or (site.tunnels[0].name if len(site.tunnels) == 1 else None)
    if tunnel is None:
        raise VpnconfError(f"{site_path}: name the tunnel with --tunnel")
    idc = None
    notes: list[str] = []
    if a.against:  # a.site is a device config of any vendor, played by strongSwan
        from .lab import device_tunnel

        idc, notes = device_tunnel(a.site, a.vendor, site, tunnel)
    report = verify(site, tunnel, timeout=a.timeout, keep=a.keep, idc=idc)
    report["notes"] = notes
    for n in notes:
        sys.stderr.write(f"note: {n}\n")
    _emit(report, a.format, summary(report))
    return 0 if report["ok"] else 1


# --------------------------------------------------------------- parser
class _Skipped:
    """Stands in for the subcommands a run does not use: their arguments are
    not built (argparse's add_argument is most of the start-up time)."""

    _actions: list[Any] = []

    def add_argument(self, *args: Any, **kw: Any) -> _Skipped:
        return self

    def set_defaults(self, **kw: Any) -> None:
        return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``only``, the subcommand ``only`` in full
    and the others listed by name (a command runs without building the rest)."""
    p = _Parser(
        prog="vpnconf",
        description="Site-to-site IPsec between an IDC and a cloud VPC: validate, render, catalog (offline).",
    )
    p.add_argument("--version", action="version", version=f"vpnconf {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, help_: str) -> Any:
        if only is not None and name != only:
            sub.add_parser(name, help=help_)  # named in the usage, not built
            return _Skipped()
        sp = sub.add_parser(name, help=help_, description=help_, epilog=f"example: {EXAMPLES[name]}")
        sp.add_argument("--format", choices=["text", "json"], default="text")
        return sp

    sp = add("validate", "check a site file against every rule of the service")
    sp.add_argument("site")
    sp.add_argument("--profile-file", metavar="PATH", help=PROFILE_FILE_HELP)
    sp.set_defaults(fn=cmd_validate)

    sp = add("render", "render a tunnel into the customer gateway's device config")
    sp.add_argument("site")
    sp.add_argument("--tunnel")
    sp.add_argument("--all", action="store_true", help="every tunnel, one file each (needs -o DIR)")
    sp.add_argument("--vendor", help="vendor id or alias (default: the customer gateway's)")
    sp.add_argument("--platform")
    sp.add_argument("--software", help="software version, e.g. 15.4, 17.12, 9.16, 21.4, 7.2, 5.9")
    sp.add_argument("--variant")
    sp.add_argument("--profile-file", metavar="PATH", help=PROFILE_FILE_HELP)
    sp.add_argument(
        "-o", "--output", help="file or directory (regular files only, written 0600; new folders 0700), - for stdout"
    )
    sp.add_argument("--force", action="store_true", help="overwrite existing regular files")
    sp.set_defaults(fn=cmd_render)

    sp = add("vendors", "the customer gateway vendor catalog (DescribeCustomerGatewayVendors)")
    sp.add_argument("--vendor")
    sp.add_argument("--platform")
    sp.add_argument(
        "--supports",
        action="append",
        metavar="CAP",
        help="capability filter, repeatable: dh24, ikev2, aggressive, sha256, aes256gcm, pfs14 ...",
    )
    sp.add_argument("--details", action="store_true", help="add the supported sets")
    sp.set_defaults(fn=cmd_vendors)

    sp = add("schema", "print the JSON Schema of the site file")
    sp.set_defaults(fn=cmd_schema)

    sp = add("routes", "route entries for the cloud route table and the IDC side")
    sp.add_argument("site")
    sp.add_argument("--tunnel")
    sp.set_defaults(fn=cmd_routes)

    sp = add("price", "VPN gateway cost from the price table (InquiryVpnPrice, offline)")
    sp.add_argument(
        "--region", required=True, help='region id or name, any case: ap-guangzhou, Guangzhou, "hong kong", Virginia'
    )
    sp.add_argument(
        "--bandwidth", type=int, required=True, help="Mbps: 5, 10, 20, 50 or 100 (the tiers the offline table prices)"
    )
    sp.add_argument("--hours", type=_finite("hours", low=0, low_ok=True), default=1.0)
    sp.set_defaults(fn=cmd_price)

    sp = add("import", "read Tencent API JSON or `terraform show -json` output into a site file")
    sp.add_argument(
        "file",
        nargs="+",
        help="DescribeVpnConnections / CreateVpnConnection, DescribeVpnGateways, DescribeCustomerGateways, "
        "DescribeVpnGatewayRoutes JSON, an `export --format bundle`, or `terraform show -json`; several are read together",
    )
    sp.add_argument("--into", help="site file holding the VPC and gateways to merge into")
    sp.add_argument("-o", "--output", help="site file to write (regular file, 0600, keys included), - for stdout")
    sp.add_argument("--force", action="store_true", help="overwrite an existing regular file")
    sp.add_argument("--show-secrets", action="store_true")
    sp.set_defaults(fn=cmd_import)

    help_ = "print a tunnel as the CreateVpnConnection request JSON, every request (bundle) or Terraform HCL"
    sp = sub.add_parser("export", help=help_, description=help_, epilog=f"example: {EXAMPLES['export']}")
    sp.add_argument(
        "--format",
        choices=["json", "text", "api", "bundle", "terraform"],
        default="api",
        help="api (also json, text): CreateVpnConnection request(s); bundle: CreateVpnGateway, "
        "CreateCustomerGateway, CreateVpnConnection and CreateVpnGatewayRoutes requests; terraform: HCL",
    )
    sp.add_argument("site")
    sp.add_argument("--tunnel")
    sp.add_argument(
        "--show-secrets", action="store_true", help="write the pre-shared key (HCL: inline, not a variable)"
    )
    sp.set_defaults(fn=cmd_export)
    sp = add("parse", "read a device config back into the model (a site fragment) with findings")
    sp.add_argument("device", nargs="+", metavar="FILE|DIR", help=DEVICE_HELP)
    sp.add_argument("--vendor", help="vendor id or alias (detected when omitted)")
    sp.add_argument("--show-secrets", action="store_true")
    sp.set_defaults(fn=cmd_parse)

    sp = add("check", "check a device config against a cloud profile or against the other end")
    sp.add_argument("device", nargs="+", metavar="FILE|DIR", help=DEVICE_HELP)
    sp.add_argument("--vendor")
    sp.add_argument(
        "--against", metavar="PROFILE", help="a profile name: tencent-classic, tencent, aws, azure, alibaba, gcp"
    )
    sp.add_argument("--profile-file", metavar="PATH", help="check against this cloud profile file (not with --against)")
    sp.add_argument("--peer", metavar="SITE|DEVICE")
    sp.add_argument("--peer-vendor")
    sp.add_argument("--tunnel", help="the tunnel of the peer site (or peer device)")
    sp.add_argument("--device-tunnel", help="the tunnel of the device, when it has several")
    sp.add_argument(
        "--cert",
        metavar="PATH",
        action="append",
        help="an end-entity certificate (PEM or DER) of either end, for certificate authentication (repeatable)",
    )
    sp.add_argument("--ca", metavar="PATH", action="append", help="a CA certificate (repeatable)")
    if isinstance(sp, argparse.ArgumentParser):
        sp.formatter_class = argparse.RawDescriptionHelpFormatter
        sp.epilog = (
            f"{sp.epilog}\n\n"
            "with --peer, each of the IKE SA and the CHILD SA gets a verdict: yes (every setting that decides it\n"
            "was compared), no, or cannot tell (naming what was not compared: an encrypted key, a certificate not\n"
            "given, an undocumented vendor behaviour, an unresolved %dynamic selector...); the vendor defaults\n"
            "that decided a verdict are listed.\n\n"
            "exit codes: 0 it establishes (no error), 1 an error (it will not establish, or the profile refuses\n"
            "a value), 2 unreadable input, 3 no error but cannot tell whether it establishes"
        )
    sp.set_defaults(fn=cmd_check)

    sp = add("translate", "parse a device config and render it for another vendor, with a loss report")
    sp.add_argument("device")
    sp.add_argument("--vendor")
    sp.add_argument("--to", required=True)
    sp.add_argument("--variant")
    sp.add_argument("--software")
    sp.add_argument(
        "--against",
        metavar="PROFILE",
        help="also apply a cloud profile's rules (a device-to-device translation applies none)",
    )
    sp.add_argument(
        "--psk-file",
        help="the pre-shared key (first line of FILE) for tunnels whose key the source masks or encrypts "
        "(else $VPNCONF_PSK; else a placeholder the device refuses)",
    )
    sp.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="fill a placeholder of the source (<NAME>, ${NAME}, {{ NAME }}, x.x.x.x) with a value, checked as "
        "the field's kind (an address, a key, an ASN); repeatable",
    )
    sp.add_argument("--values", metavar="FILE", help="placeholder values: a YAML mapping of NAME: VALUE")
    sp.set_defaults(fn=cmd_translate)

    sp = add("status", "read operational output (show crypto ..., swanctl --list-sas ...) into tunnel status")
    sp.add_argument("output", nargs="+", help="files of command output (several commands in one file are fine)")
    sp.add_argument("--vendor", required=True)
    sp.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="DEVICE_CONFIG",
        help="the device's config: join the SAs to its tunnels (up, down, half-up); "
        "exit 0 all up, 1 some not, 2 unreadable",
    )
    sp.add_argument("--config-vendor", help="the config's vendor when it is not --vendor")
    for act in sp._actions:  # status also writes a node_exporter textfile
        if act.dest == "format":
            act.choices = ["text", "json", "prometheus"]
            act.help = "text, json, or prometheus (a node_exporter textfile: tunnel up, BGP established, prefixes)"
    sp.set_defaults(fn=cmd_status)

    sp = add("lab", "prove a tunnel with two real strongSwan daemons in network namespaces (root)")
    sp.add_argument("action", choices=["verify"])
    sp.add_argument("site", help="a site file, or a device config with --against SITE")
    sp.add_argument("--vendor", help="the device config's vendor (detected when omitted)")
    sp.add_argument("--against", metavar="SITE", help="play the device config against this site's tunnel")
    sp.add_argument("--tunnel")
    sp.add_argument("--timeout", type=_finite("seconds", low=0, low_ok=False, high=86400), default=20.0)
    sp.add_argument("--keep", action="store_true", help="keep configs and logs in /tmp/vpnlab-<tag>.kept")
    sp.add_argument(
        "--pair",
        metavar="PAIR",
        help="run a redundant pair of route-based tunnels: both up, then the carrying tunnel's link goes down "
        "(failover time), then back (restore time)",
    )
    sp.add_argument(
        "--failover-bound",
        type=_finite("seconds", low=0, low_ok=False, high=3600),
        default=60.0,
        help="seconds to wait for traffic through the other tunnel (--pair; default 60)",
    )
    sp.add_argument(
        "--restore-bound",
        type=_finite("seconds", low=0, low_ok=False, high=3600),
        default=90.0,
        help="seconds to wait for the failed tunnel and its BGP session to return (--pair; default 90)",
    )
    sp.set_defaults(fn=cmd_lab)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # the subcommand is the first word that is not an option; build only it
    first = next((x for x in args if not x.startswith("-")), None)
    parser = build_parser(first if first in EXAMPLES else None)
    a = parser.parse_args(args)
    if not getattr(a, "fn", None):
        parser.print_help()
        return 2
    # a command reads its inputs, builds its result and exits: the many small
    # objects of a large parse live until the end and hold few cycles, so the
    # cyclic collector runs rarely (about 15% of `parse` of 100,000 lines)
    gc.set_threshold(200_000, 20, 100)
    try:
        return int(a.fn(a))
    except VpnconfError as exc:
        sys.stderr.write(f"vpnconf: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("vpnconf: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # never a traceback for the user; say what broke
        sys.stderr.write(
            f"vpnconf: internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            " (please report this with the input)\n"
        )
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
