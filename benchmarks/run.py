"""Reproducible performance runs. Every figure is a ratio against a baseline
measured in the same run, on the same machine.

    python benchmarks/run.py            # all
    python benchmarks/run.py render     # one: render | startup | parse | check | spd | lab | differential
"""

from __future__ import annotations

import copy
import statistics
import subprocess
import sys
import time
from pathlib import Path

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


def bench_render(n: int = 10_000) -> None:
    from vpnconf.catalog import vendors
    from vpnconf.renderer import build_context, render_files, resolve_target, template

    sites = _sites(n)
    print(
        f"render: {n} tunnels per vendor (default variant); baseline = bare Jinja2 render of the same "
        "templates from pre-built contexts"
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
        t0 = time.perf_counter()
        for ctx in contexts:
            for tpl in templates:
                tpl.render(ctx)
        bare = time.perf_counter() - t0
        t0 = time.perf_counter()
        for site in sites:
            for t in site.tunnels:
                render_files(site, t, v.id)
        full = time.perf_counter() - t0
        print(f"  {v.id:<18} {n / full:>10.0f} {n / bare:>10.0f} {full / bare:>5.2f}x")


def _median_wall(cmd: list[str], runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
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
    from vpnconf.io import require_site
    from vpnconf.lab import verify
    from vpnconf.labnet import preflight

    why = preflight()
    if why:
        print(f"lab: skipped ({why})")
        return
    site = require_site(ROOT / "samples" / "quickstart.yaml")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        rep = verify(site, "TomVPNConn")
        times.append(time.perf_counter() - t0)
        assert rep["ok"], rep["reason"]
    print(
        f"lab: median time of one `lab verify` of the quick start over {runs} runs: "
        f"{statistics.median(times):.2f} s (target <= 3 s)"
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


def _best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
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
        lines = text.splitlines()
        t_ccp = _best(lambda: CiscoConfParse(lines, syntax="ios"), runs=2)
        print(
            f"  ciscoconfparse 1.9 tree {t_ccp:6.3f} s   ciscoconfparse/vpnconf = {t_ccp / t_ours:.1f}x faster "
            "(target >= 20x)"
        )
    except ImportError:
        print("  ciscoconfparse not installed: `pip install -e '.[bench]'` for that baseline")


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
            for _ in range(runs):
                t0 = time.perf_counter()
                proc = subprocess.run(cmd, capture_output=True, text=True)
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


def bench_differential(pairs: int = 200, seed: int = 7) -> None:
    from vpnconf.differential import main as diff_main
    from vpnconf.labnet import preflight

    if preflight():
        print(f"differential: skipped ({preflight()})")
        return
    diff_main(["--pairs", str(pairs), "--seed", str(seed)])


BENCHES = {
    "render": bench_render,
    "startup": bench_startup,
    "parse": bench_parse,
    "check": bench_check,
    "spd": bench_spd,
    "lab": bench_lab,
    "differential": bench_differential,
}

if __name__ == "__main__":
    names = sys.argv[1:] or list(BENCHES)
    for name in names:
        BENCHES[name]()
