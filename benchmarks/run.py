"""Reproducible performance runs. Every figure is a ratio against a baseline
measured in the same run, on the same machine.

    python benchmarks/run.py            # all
    python benchmarks/run.py render     # one of: render startup parse parse-vendors check spd lab failover
                                        # differential
"""

from __future__ import annotations

import copy
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _sites(n: int):
    from vpnconf.model import Site

    base = yaml.safe_load((ROOT / "samples" / "quickstart.yaml").read_text())
    tunnels = []
    for i in range(n):
        t = copy.deepcopy(base["tunnels"][0])
        t["name"] = f"conn{i}"
        t["spd"] = [{"local": f"192.168.{i % 250}.0/24", "peers": [f"10.{i // 250}.{i % 250}.0/24"]}]
        t["pre_shared_key"] = f"Key-{i:06d}-x"
        tunnels.append(t)
    # one site per 1,000 tunnels (the service's limits are not the point here)
    sites = []
    for k in range(0, n, 1000):
        d = copy.deepcopy(base)
        d["tunnels"] = tunnels[k : k + 1000]
        sites.append(Site.model_validate(d))
    return sites


def bench_render(n: int = 5_000) -> None:
    from vpnconf.catalog import vendors
    from vpnconf.renderer import build_context, render_files, resolve_target, template

    sites = _sites(n)
    print(
        f"render: {n} tunnels per vendor (default variant), best of 3; baseline = bare Jinja2 render of the "
        "same templates from pre-built contexts, best of 3 in the same run"
    )
    print(f"  {'vendor':<18} {'tunnels/s':>10} {'bare/s':>10} {'ratio':>6}")
    for v in vendors().values():
        var = v.variants[v.default_variant]
        # pre-build contexts (not timed) for the baseline
        contexts = []
        for site in sites:
            for t in site.tunnels:
                _, sw = resolve_target(site, t, v.id, None, None)
                contexts.append(build_context(site, t, v, sw, v.default_variant))
        templates = [template(v.id, f) for f in var.files.values()]
        for tpl in templates:  # warm
            tpl.render(contexts[0])

        def bare_pass(contexts: list[dict[str, Any]] = contexts, templates: list[Any] = templates) -> None:
            for ctx in contexts:
                for tpl in templates:
                    tpl.render(ctx)

        def full_pass(vid: str = v.id) -> None:
            for site in sites:
                for t in site.tunnels:
                    render_files(site, t, vid)

        # best of 3, the two alternating: one pass of each is at the mercy of the machine's moment
        bare = full = float("inf")
        for _ in range(3):
            bare = min(bare, _best(bare_pass, runs=1))
            full = min(full, _best(full_pass, runs=1))
        print(f"  {v.id:<18} {n / full:>10.0f} {n / bare:>10.0f} {full / bare:>5.2f}x")


#: the environment of every timed process: a user's Python keeps the bytecode it
#: compiles (__pycache__), so a variable that turns that off (PYTHONDONTWRITEBYTECODE,
#: set in some sandboxes and CI images) would time the compiler on every run, not vpnconf
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _warm(cmd: list[str]) -> None:
    """One untimed run, so that the timed ones find the bytecode a user's would."""
    subprocess.run(cmd, capture_output=True, env=USER_ENV)


def _median_wall(cmd: list[str], runs: int = 15) -> float:
    _warm(cmd)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=USER_ENV)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_startup() -> None:
    exe = Path(sys.executable).parent / "vpnconf"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "vpnconf.cli"]
    base = _median_wall([sys.executable, "-c", "pass"])
    print("startup: median wall time of 15 runs; baseline = `python3 -c pass`")
    for args in (["--version"], ["vendors"], ["validate", str(ROOT / "samples" / "quickstart.yaml")]):
        t = _median_wall([*cli, *args])
        print(
            f"  vpnconf {' '.join(args)[:40]:<42} {t * 1000:7.1f} ms  {t / base:5.2f}x  (baseline {base * 1000:.1f} ms)"
        )


def bench_lab(runs: int = 7) -> None:
    """`vpnconf lab verify` as a user runs it (the whole process, JSON out): the
    quick start (policy-based) and a route-based BGP tunnel (BIRD on both ends)."""
    import json

    from vpnconf.labnet import preflight, preflight_bgp

    why = preflight() or preflight_bgp()
    if why:
        print(f"lab: skipped ({why})")
        return
    exe = Path(sys.executable).parent / "vpnconf"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "vpnconf.cli"]
    base = _median_wall([sys.executable, "-c", "pass"], runs=5)
    print(f"lab: median wall time of {runs} runs of `vpnconf lab verify ... --format json` (baseline python3 -c pass)")
    for label, args, target in (
        ("quick start (policy)", [str(ROOT / "samples" / "quickstart.yaml"), "--tunnel", "TomVPNConn"], 3.0),
        ("BGP route-based TunA", [str(ROOT / "samples" / "bgp-pair-lab.yaml"), "--tunnel", "TunA"], 10.0),
    ):
        times, stages = [], {}
        for _ in range(runs):
            t0 = time.perf_counter()
            proc = subprocess.run(
                [*cli, "lab", "verify", *args, "--format", "json"], capture_output=True, text=True, env=USER_ENV
            )
            times.append(time.perf_counter() - t0)
            rep = json.loads(proc.stdout)
            assert proc.returncode == 0 and rep["ok"], (rep["reason"], proc.stderr)
            for st in rep["stages"]:
                stages.setdefault(st["stage"], []).append(st["seconds"] or 0.0)
        med = statistics.median(times)
        print(f"  {label:<22} {med:6.2f} s  ({med / base:.0f}x python startup; target < {target:.0f} s)")
        print("    stages (median s): " + ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in stages.items()))


def bench_failover() -> None:
    """One redundant-pair run (samples/bgp-pair-lab.yaml, BGP hold 30 s): the
    failover and restore times the lab measures."""
    import json

    exe = Path(sys.executable).parent / "vpnconf"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "vpnconf.cli"]
    proc = subprocess.run(
        [*cli, "lab", "verify", str(ROOT / "samples" / "bgp-pair-lab.yaml"), "--pair", "IdcPair", "--format", "json"],
        capture_output=True,
        text=True,
    )
    rep = json.loads(proc.stdout)
    fo = rep["failover"]
    print(
        f"failover: pair IdcPair (BGP hold {fo['bgp_hold']}, DPD {fo['dpd']}): {fo['carrier']} link down -> "
        f"traffic through {fo['carrier_after']} in {fo['seconds']} s (bounded by the BGP hold time); link up -> "
        f"CHILD_SA back in {fo['child_restored_seconds']} s, BGP back in {fo['restored_seconds']} s "
        "(BIRD's error wait time, 60 s by default); "
        f"{'ok' if rep['ok'] else 'FAILED: ' + str(rep['reason'])}"
    )


def ios_config(tunnels: int = 4000, lines: int = 100_000) -> str:
    """A generated IOS config: `tunnels` crypto-map peers among filler up to `lines` lines."""
    out = [
        "hostname bench-router",
        "!",
        "crypto isakmp policy 10",
        " encr aes 256",
        " hash sha256",
        " authentication pre-share",
        " group 14",
        " lifetime 28800",
        "!",
        "crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac",
        " mode tunnel",
        "!",
    ]
    for i in range(tunnels):
        a, b = divmod(i, 250)
        out += [
            f"crypto isakmp key Key{i:05d}x address 198.51.{a}.{b + 1}",
            f"ip access-list extended VPN{i}",
            f" permit ip 10.{a}.{b}.0 0.0.0.255 172.16.{b}.0 0.0.0.255",
            "!",
            f"crypto map CMAP {i + 1} ipsec-isakmp",
            f" set peer 198.51.{a}.{b + 1}",
            " set transform-set TS",
            " set pfs group14",
            f" match address VPN{i}",
            "!",
        ]
    out += ["interface GigabitEthernet0/0", " ip address 203.0.113.1 255.255.255.0", " crypto map CMAP", "!"]
    n = 0
    while len(out) < lines - 4:
        out += [
            f"interface GigabitEthernet1/{n}",
            f" description filler port {n}",
            f" ip address 10.200.{n // 250}.{n % 250 + 1} 255.255.255.0",
            " no shutdown",
            "!",
        ]
        n += 1
    return "\n".join(out[:lines]) + "\n"


def ios_policies_config(entries: int) -> str:
    """A generated IOS config of 25 x ``entries`` lines: ``entries`` crypto-map
    entries and ``entries`` isakmp policies (device-wide: every IKEv1 peer is
    offered all of them), the rest filler interfaces."""
    groups = [14, 19, 20, 21, 2, 5]
    lines = ios_config(entries, 25 * entries).split("\n")
    policies = []
    for i in range(entries):
        policies += [
            f"crypto isakmp policy {i + 1}",
            f" encr aes {(128, 192, 256)[i % 3]}",
            f" hash {('sha', 'sha256', 'sha384', 'sha512')[i % 4]}",
            " authentication pre-share",
            f" group {groups[i % 6]}",
            f" lifetime {3600 + i}",
            "!",
        ]
    body = lines[:2] + policies + lines[2:]
    return "\n".join(body[: 25 * entries]) + "\n"


_PEAK_WRAPPER = """
import sys
sys.argv = ["vpnconf", *sys.argv[1:]]
from vpnconf.cli import main
try:
    code = main()
finally:
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
    sys.stderr.write(f"VmHWM={hwm} kB\\n")
sys.exit(code)
"""


def bench_parse_command(sizes: tuple[int, ...] = (1000, 4000), runs: int = 3) -> None:
    """`vpnconf parse FILE --format json > out.json` (vendor detected, the whole
    process) on IOS configs of N crypto-map entries and N isakmp policies
    (25 x N lines); baseline: ciscoconfparse 1.9 building its tree of the same
    file in the same run (in-process, best of 2). Peak memory from the
    process's rusage."""
    import json
    import tempfile

    # the command as `vpnconf` runs it, plus its own peak RSS (VmHWM of its memory map) written to
    # stderr at exit: the rusage of a child counts the parent's pages it was forked with
    cli = [sys.executable, "-c", _PEAK_WRAPPER]
    print(
        f"parse command: `vpnconf parse FILE --format json > out.json`, IOS, N crypto-map entries x N isakmp "
        f"policies, median wall of {runs}, peak RSS; baseline ciscoconfparse 1.9 tree of the same file"
    )
    try:
        import logging

        from ciscoconfparse import CiscoConfParse  # benchmark extra only (GPL-3.0-only)

        logging.disable(logging.CRITICAL)
        _quiet_loguru()
    except ImportError:
        CiscoConfParse = None
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            text = ios_policies_config(n)
            path = Path(tmp) / f"ios-{n}.cfg"
            path.write_text(text)
            out = Path(tmp) / "out.json"
            walls, peaks = [], []
            _warm([*cli, "parse", str(path), "--format", "json"])
            for _ in range(runs):
                with out.open("w") as fh:
                    t0 = time.perf_counter()
                    r = subprocess.run(
                        [*cli, "parse", str(path), "--format", "json"],
                        stdout=fh,
                        stderr=subprocess.PIPE,
                        env=USER_ENV,
                    )
                    walls.append(time.perf_counter() - t0)
                assert r.returncode == 0, r.stderr
                peaks.append(int(r.stderr.decode().rsplit("VmHWM=", 1)[1].split()[0]) / 1024)
            doc = json.loads(out.read_text())
            assert len(doc["tunnels"]) == n, len(doc["tunnels"])
            size = out.stat().st_size
            t_ccp = None
            if CiscoConfParse is not None:
                lines = text.splitlines()
                t_ccp = _best(lambda lines=lines: CiscoConfParse(lines, syntax="ios"), runs=2)
            rows[n] = (statistics.median(walls), max(peaks), size, t_ccp)
    first = sizes[0]
    for n, (wall, peak, size, t_ccp) in rows.items():
        ccp = f"ccp {t_ccp:6.2f} s = {t_ccp / wall:5.1f}x slower (target >= 20x)" if t_ccp else "ccp not installed"
        growth = (
            ""
            if n == first
            else f"; {n // first}x entries: time x{wall / rows[first][0]:.2f}, memory x{peak / rows[first][1]:.2f} (target <= 4.5)"
        )
        print(
            f"  N={n:<5} {25 * n:>7} lines  {wall:6.2f} s  {peak:6.0f} MB peak (target < 300)  JSON {size / 1e6:5.1f} MB  {ccp}{growth}"
        )


def _quiet_loguru() -> None:
    """ciscoconfparse 1.9 logs through loguru (not logging) on every tree it builds."""
    try:
        from loguru import logger

        logger.remove()
    except ImportError:
        pass


def _best(fn, runs: int = 3) -> float:
    """Best of ``runs``; each run starts from a collected heap, so that no run pays
    for the cyclic garbage of the one before (the collector stays on while timed,
    as in a process that runs once)."""
    import gc

    times = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_parse() -> None:
    from vpnconf.parsing import parse_into_model

    text = ios_config()
    n_lines = text.count("\n")

    def ours() -> None:
        _, site, _ = parse_into_model(text, "bench.cfg", "cisco_ios")
        assert site is not None and len(site.tunnels) == 4000

    def netutils_tree() -> None:
        from netutils.config.parser import IOSConfigParser

        IOSConfigParser(text).build_config_relationship()

    t_ours = _best(ours, runs=5)
    t_net = _best(netutils_tree, runs=5)
    print(
        f"parse: generated IOS config, {n_lines} lines, 4000 crypto-map tunnels, into the model (best of 5; "
        "ciscoconfparse best of 2)"
    )
    print(f"  vpnconf parse + model   {t_ours:6.3f} s")
    print(f"  netutils bare tree      {t_net:6.3f} s   vpnconf/netutils = {t_ours / t_net:.2f}x (target <= 1.5x)")
    try:
        import logging

        from ciscoconfparse import CiscoConfParse  # benchmark extra only (GPL-3.0-only)

        logging.disable(logging.CRITICAL)
        _quiet_loguru()
        lines = text.splitlines()
        t_ccp = _best(lambda: CiscoConfParse(lines, syntax="ios"), runs=2)
        print(
            f"  ciscoconfparse 1.9 tree {t_ccp:6.3f} s   ciscoconfparse/vpnconf = {t_ccp / t_ours:.1f}x faster "
            "(target >= 20x)"
        )
    except ImportError:
        print("  ciscoconfparse not installed: `pip install -e '.[bench]'` for that baseline")


def vendor_device(vendor_id: str, n: int, variant: str | None = None) -> str:
    """One device config of ``n`` tunnels as the vendor's default variant (or
    ``variant``) writes them (each tunnel rendered from a site of n tunnels, the
    texts joined). A route-based variant gets route-based tunnels with a static
    route each (a tunnel interface and a route into it per tunnel)."""
    from vpnconf.catalog import get_vendor
    from vpnconf.model import Site
    from vpnconf.renderer import join_files, render_files

    v = get_vendor(vendor_id)
    base = yaml.safe_load((ROOT / "samples" / "quickstart.yaml").read_text())
    # one site (map entries and policies are numbered per site); each tunnel to its own VPN gateway
    d = copy.deepcopy(base)
    gw, t0 = d["vpn_gateways"][0], d["tunnels"][0]
    d["vpn_gateways"], d["tunnels"] = [], []
    for i in range(n):
        d["vpn_gateways"].append(dict(gw, name=f"gw{i}", public_ip=f"11.{i // 250}.{i % 250}.1"))
        t = copy.deepcopy(t0)
        t.update(name=f"conn{i}", vpn_gateway=f"gw{i}", pre_shared_key=f"Key-{i:06d}-x")
        t["spd"] = [{"local": f"192.168.{i % 250}.0/24", "peers": [f"10.{i // 250}.{i % 250}.0/24"]}]
        if variant is not None and v.variants[variant].serves[0] == "route":
            t["route_type"] = "static"
            t["routes"] = [{"destination": f"10.{i // 250}.{i % 250}.0/24"}]
        d["tunnels"].append(t)
    site = Site.model_validate(d)
    out = [join_files(render_files(site, t, v.id, variant=variant)) for t in site.tunnels]
    return "\n".join(out)


# netutils' config-tree parser for the vendors it has one for (netutils.config.compliance.parser_map)
NETUTILS_OS = {
    "cisco_ios": "cisco_ios",
    "cisco_asa": "cisco_asa",
    "fortinet_fortios": "fortinet_fortios",
    "juniper_srx": "juniper_junos",
    "paloalto_panos": "paloalto_panos",
    "mikrotik_routeros": "mikrotik_routeros",
    "h3c_comware": "hp_comware",
}


def bench_parse_vendors(sizes: tuple[int, ...] = (250, 1000), runs: int = 3) -> None:
    """`vpnconf parse FILE --vendor V --format json` as a user runs it (the whole
    process, JSON written to a file), on a device config of N tunnels in each
    vendor's own rendering; baseline = a process that builds netutils' config
    tree of the same file (where netutils has a parser for the vendor)."""
    import json
    import tempfile

    from vpnconf.catalog import vendors

    exe = Path(sys.executable).parent / "vpnconf"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "vpnconf.cli"]
    print(
        f"parse (every vendor): `vpnconf parse FILE --vendor V --format json > out.json`, median wall time of {runs}; "
        "baseline = python process building netutils' config tree of the same file"
    )
    print(
        f"  {'vendor/variant':<28} {'tunnels':>7} {'lines':>7} {'parse':>8} {'netutils':>9} {'ratio':>6} {'growth':>7}"
    )
    # each vendor's default variant, and its first route-based one (a tunnel interface and a
    # route per tunnel: routes read per tunnel are another dimension that must stay linear)
    rows = []
    for v in vendors().values():
        rows.append((v, None, v.id))
        route = next((n for n, var in v.variants.items() if var.serves[0] == "route"), None)
        if route is not None and route != v.default_variant:
            rows.append((v, route, f"{v.id}/{route}"))
    with tempfile.TemporaryDirectory() as tmp:
        for v, variant, label in rows:
            walls: dict[int, float] = {}
            for n in sizes:
                text = vendor_device(v.id, n, variant)
                path = Path(tmp) / f"{label.replace('/', '-')}-{n}.cfg"
                path.write_text(text)
                out = Path(tmp) / "out.json"

                def run(path: Path = path, out: Path = out, vid: str = v.id) -> None:
                    with out.open("w") as fh:
                        subprocess.run(
                            [*cli, "parse", str(path), "--vendor", vid, "--format", "json"], stdout=fh, env=USER_ENV
                        )

                run()  # untimed: the bytecode a user's runs find
                walls[n] = statistics.median(_times(run, runs))
                got = len(json.loads(out.read_text())["tunnels"])
                assert got == n, (v.id, n, got)
                base = None
                if v.id in NETUTILS_OS:
                    code = (
                        "import sys; from netutils.config.compliance import parser_map; "
                        f"parser_map[{NETUTILS_OS[v.id]!r}](open(sys.argv[1]).read()).build_config_relationship()"
                    )

                    def net(path: Path = path, code: str = code) -> None:
                        subprocess.run(
                            [sys.executable, "-c", code, str(path)], check=True, capture_output=True, env=USER_ENV
                        )

                    base = statistics.median(_times(net, runs))
                ratio = f"{walls[n] / base:5.2f}x" if base else "   -  "
                g = walls[n] / walls[sizes[0]]
                # linear: 4x the tunnels at most 4.5x the time (start-up makes small inputs cost more)
                growth = (f"{g:6.2f}" + ("" if g <= 4.5 else "  NOT LINEAR")) if n != sizes[0] else "      "
                print(
                    f"  {label:<28} {n:>7} {text.count(chr(10)):>7} {walls[n]:>7.2f}s "
                    f"{(f'{base:.2f}s' if base else '-'):>9} {ratio} {growth}"
                )
    print(
        f"  growth: time at {sizes[-1]} / time at {sizes[0]} tunnels ({sizes[-1] / sizes[0]:.0f}x the input; "
        "target <= 4.5)"
    )


def _times(fn: Any, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def bench_check(n: int = 10_000) -> None:
    import random

    from vpnconf.compat import check_peer, cloud_end, idc_end
    from vpnconf.differential import random_pair

    rng = random.Random(5)
    pairs = []
    from vpnconf.model import Site

    for _ in range(n):
        idc, cloud, _ = random_pair(rng)
        si, sc = Site.model_validate(idc), Site.model_validate(cloud)
        pairs.append((idc_end(si, si.tunnels[0]), cloud_end(sc, sc.tunnels[0])))
    t0 = time.perf_counter()
    for a, b in pairs:
        check_peer(a, b, a_vendor="strongswan", b_vendor="strongswan")
    dt = time.perf_counter() - t0
    print(f"check --peer: {n} random tunnel pairs in {dt:.3f} s = {n / dt:,.0f} pairs/s (target >= 10,000)")


def spd_site(tunnels: int, peers: int, seed: int = 11) -> tuple[dict, list[list[tuple[int, int]]]]:
    """A site of `tunnels` tunnels, each with one SPD policy of `peers` peer
    networks: distinct generated /24s from 10.0.0.0/8 in random order, none
    overlapping the policy's local /24 or the VPC. Returns the site data and
    the same ranges as lists of integer intervals that must not overlap: per
    policy, its local range with its peers, and the VPC blocks with its peers."""
    import ipaddress
    import random

    rng = random.Random(seed)
    base = yaml.safe_load((ROOT / "samples" / "quickstart.yaml").read_text())
    d = copy.deepcopy(base)
    d["vpc"]["cidr_blocks"] = ["192.168.0.0/16", "172.31.0.0/16"]
    d["tunnels"] = []

    def span(cidr: str) -> tuple[int, int]:
        n = ipaddress.IPv4Network(cidr)
        return int(n.network_address), int(n.broadcast_address)

    blocks = [span(b) for b in d["vpc"]["cidr_blocks"]]
    intervals = []
    for i in range(tunnels):
        t = copy.deepcopy(base["tunnels"][0])
        t["name"] = f"conn{i}"
        t["pre_shared_key"] = f"Key-{i:06d}-x"
        local = f"192.168.{i % 256}.0/24"
        nets = [f"10.{x >> 8}.{x & 255}.0/24" for x in rng.sample(range(1 << 16), peers)]
        t["spd"] = [{"local": local, "peers": nets}]
        d["tunnels"].append(t)
        spans = [span(p) for p in nets]
        intervals += [[span(local), *spans], [*blocks, *spans]]
    return d, intervals


def _sweep_overlaps(intervals: list[tuple[int, int]]) -> int:
    """The baseline: sort (start, end) and sweep, counting the ranges that
    overlap an earlier one (pure Python, no model)."""
    hits = 0
    reach = -1
    for start, end in sorted(intervals):
        if start <= reach:
            hits += 1
        if end > reach:
            reach = end
    return hits


def bench_spd(tunnels: int = 100, sizes: tuple[int, ...] = (400, 1600), runs: int = 3) -> None:
    """SPD overlap validation at scale: `vpnconf validate FILE --format json` as
    a user runs it (the whole process, median of `runs`), against a sorted-interval
    sweep over the same intervals in pure Python. The site file is JSON (indented,
    one peer a line): as YAML the x1,600 site is 3.4 MB, which PyYAML's pure-Python
    reader takes seconds to read and the YAML size limit of vpnconf/safeload.py
    may refuse; JSON keeps the figure about the rules."""
    import json
    import tempfile

    exe = Path(sys.executable).parent / "vpnconf"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "vpnconf.cli"]
    print(
        f"spd: `vpnconf validate FILE --format json`, {tunnels} tunnels x N peer /24s (one policy each, "
        f"none overlapping), median wall time of {runs} runs; baseline = sort + sweep over the same integer "
        "intervals in pure Python (no model), median of 5"
    )
    print(f"  {'peers':>6} {'MB':>5} {'lines':>8} {'validate':>10} {'baseline':>10} {'ratio':>8}")
    times: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            data, intervals = spd_site(tunnels, n)
            path = Path(tmp) / f"spd-{tunnels}x{n}.json"
            path.write_text(json.dumps(data, indent=2))
            cmd = [*cli, "validate", str(path), "--format", "json"]
            walls = []
            _warm(cmd)
            for _ in range(runs):
                t0 = time.perf_counter()
                proc = subprocess.run(cmd, capture_output=True, text=True, env=USER_ENV)
                walls.append(time.perf_counter() - t0)
            assert proc.returncode in (0, 1), proc.stderr
            spd = [f for f in json.loads(proc.stdout)["findings"] if f["rule"].startswith("SPD-")]
            assert not spd, spd[:3]  # non-overlapping by construction
            base = []
            for _ in range(5):
                t0 = time.perf_counter()
                hits = sum(_sweep_overlaps(iv) for iv in intervals)
                base.append(time.perf_counter() - t0)
            assert hits == 0
            times[n] = wall = statistics.median(walls)
            bare = statistics.median(base)
            text = path.read_text()
            mb = len(text) / 1e6
            print(
                f"  {n:>6} {mb:>5.1f} {text.count(chr(10)):>8} {wall:>9.3f}s {bare * 1000:>8.1f}ms {wall / bare:>7.0f}x"
            )
    if len(sizes) >= 2:
        lo, hi = sizes[0], sizes[-1]
        growth = times[hi] / times[lo]
        print(
            f"  growth: time at {hi} / time at {lo} = {growth:.2f} for {hi / lo:.0f}x the peers "
            f"(target <= {hi / lo * 1.25:.0f})"
        )


def bench_differential(pairs: int = 300, seed: int = 7) -> None:
    from vpnconf.differential import main as diff_main
    from vpnconf.labnet import preflight

    if preflight():
        print(f"differential: skipped ({preflight()})")
        return
    diff_main(["--pairs", str(pairs), "--seed", str(seed)])


BENCHES = {
    "parse-command": bench_parse_command,
    "render": bench_render,
    "startup": bench_startup,
    "parse": bench_parse,
    "parse-vendors": bench_parse_vendors,
    "check": bench_check,
    "spd": bench_spd,
    "lab": bench_lab,
    "failover": bench_failover,
    "differential": bench_differential,
}

if __name__ == "__main__":
    names = sys.argv[1:] or list(BENCHES)
    for name in names:
        BENCHES[name]()
