"""Rendered configs pass Libreswan's own parser.

The Debian 12 package (Libreswan 4.10) is unpacked by vendors/libreswan/setup.sh
into $VPNCONF_LIBRESWAN_ROOT (default /opt/vpnconf-libreswan). Its ``addconn
--checkconfig`` loads a config the way the ipsec service does (syntax, keyword
values, ``also=`` expansion: a key set twice through also= is an error there) and
``algparse`` parses each ike=/esp= proposal against the algorithms built into
that package. Releases 4.x are checked (4.10 and 4.7, the one without
ipsec-max-bytes); the 5.x output (keyexchange=ikev1|ikev2) is not, because 4.10
rejects it by design (keyexchange takes only "ike" there).

Outside CI the tests skip when the tools are absent; in CI they fail.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import rich_tunnel, site_with
from vpnconf.io import require_site
from vpnconf.renderer import render_files

ROOT = Path(os.environ.get("VPNCONF_LIBRESWAN_ROOT", "/opt/vpnconf-libreswan"))
BIN = ROOT / "usr" / "libexec" / "ipsec"
SAMPLES = Path(__file__).resolve().parents[3] / "samples"


def _tool(name: str) -> Path:
    path = BIN / name
    if not os.access(path, os.X_OK):
        msg = f"Libreswan's {name} not found at {path}: run vendors/libreswan/setup.sh"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return path


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=60)


def _sites() -> list[Any]:
    def aggressive_v1(d: dict[str, Any]) -> None:
        t = d["tunnels"][0]
        rich_tunnel(t, 1)
        t["ike"]["mode"] = "aggressive"
        t["ike"].pop("proposals", None)
        t["ipsec"].pop("proposals", None)

    return [
        pytest.param(site_with(), "TomVPNConn", id="quickstart"),
        pytest.param(site_with(lambda d: rich_tunnel(d["tunnels"][0], 2)), "TomVPNConn", id="rich-ikev2"),
        pytest.param(site_with(lambda d: rich_tunnel(d["tunnels"][0], 1)), "TomVPNConn", id="rich-ikev1"),
        pytest.param(site_with(aggressive_v1), "TomVPNConn", id="aggressive-ikev1"),
        pytest.param(require_site(SAMPLES / "static-pair.yaml"), "TunA", id="static-pair-primary"),
        pytest.param(require_site(SAMPLES / "static-pair.yaml"), "TunB", id="static-pair-backup"),
    ]


def _variants(site: Any, name: str) -> list[str]:
    t = site.tunnel(name)
    return ["ipsec-interface"] if t.route_based else ["ipsec-conf", "ipsec-interface"]


@pytest.mark.parametrize("release", ["4.10", "4.7", "4.1"])
@pytest.mark.parametrize(("site", "name"), _sites())
def test_addconn_accepts_the_rendered_config(site: Any, name: str, release: str, tmp_path: Path) -> None:
    addconn = _tool("addconn")
    for variant in _variants(site, name):
        files = render_files(site, name, "libreswan", variant=variant, software=release)
        conf = tmp_path / f"{variant}.conf"
        conf.write_text(files["ipsec.conf"])
        r = _run(addconn, "--checkconfig", "--config", conf)
        out = (r.stdout + r.stderr).strip()
        assert r.returncode == 0, f"{variant} {release}: addconn rc={r.returncode}\n{out}\n{files['ipsec.conf']}"
        # warnings (a duplicate key through also=, an obsolete keyword) are printed, not failed
        assert not out, f"{variant} {release}: addconn printed:\n{out}"
        # every conn the template wrote is loaded as written
        conns = re.findall(r"^conn (\S+)", files["ipsec.conf"], re.M)
        rw = _run(_tool("readwriteconf"), "--config", conf)
        assert rw.returncode == 0, rw.stderr
        for c in conns:
            assert re.search(rf"^conn {re.escape(c)}$", rw.stdout, re.M), f"{c} not loaded:\n{rw.stdout}"


@pytest.mark.parametrize(("site", "name"), _sites())
def test_algparse_accepts_every_proposal(site: Any, name: str) -> None:
    algparse = _tool("algparse")
    t = site.tunnel(name)
    text = render_files(site, name, "libreswan", software="4.10")["ipsec.conf"]
    pfs = re.search(r"^\s+pfs=yes$", text, re.M) is not None
    for key in ("ike", "esp"):
        (value,) = re.findall(rf"^\s+{key}=(\S+)$", text, re.M)
        args = [f"-v{t.ike.version}", *(["-pfs"] if pfs else []), f"{key}={value}"]
        r = _run(algparse, *args)
        out = r.stdout + r.stderr
        assert r.returncode == 0 and "ERROR" not in out and "ignoring" not in out, f"algparse {' '.join(args)}:\n{out}"


def test_addconn_rejects_what_the_parser_reports() -> None:
    """The checker can fail: a key set in the base conn and again in the conn
    that includes it, and an unknown keyword, are refused by addconn."""
    addconn = _tool("addconn")
    bad = "conn base\n    authby=secret\n    auto=ignore\n\nconn c\n    also=base\n    left=192.0.2.1\n    right=192.0.2.2\n    bogus=1\n    auto=start\n"
    r = subprocess.run(
        [str(addconn), "--checkconfig", "--config", "/dev/stdin"], input=bad, capture_output=True, text=True, timeout=60
    )
    assert r.returncode != 0 or (r.stdout + r.stderr).strip()
