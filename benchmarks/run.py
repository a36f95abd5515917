"""Reproducible performance runs. Every figure is a ratio against a baseline
measured in the same run, on the same machine.

    python benchmarks/run.py            # all
    python benchmarks/run.py render     # one: render | startup | lab
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


BENCHES = {"render": bench_render, "startup": bench_startup, "lab": bench_lab}

if __name__ == "__main__":
    names = sys.argv[1:] or list(BENCHES)
    for name in names:
        BENCHES[name]()
