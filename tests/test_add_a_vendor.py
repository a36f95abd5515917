"""Adding a vendor is adding one folder: a copy of an existing vendor folder
under a new id, in a folder named by $VPNCONF_VENDOR_PATH (no file of the
installation touched), is listed by the catalog, renders, parses its own
output, reads its status samples and passes the conformance suite."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import QUICKSTART, ROOT
from vpnconf.paths import VENDOR_PATH_ENV, vendor_dirs

NEW = "acme_ipsec"


@pytest.fixture(scope="module")
def new_vendor(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the first vendor folder with a parser, renamed to ``acme_ipsec``
    (its id, name, aliases and catalog name changed; its detection made its own)."""
    src = next(d for _, d in sorted(vendor_dirs().items()) if (d / "parser.py").is_file() and (d / "status").is_dir())
    root = tmp_path_factory.mktemp("my-vendors")
    dst = root / NEW
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("snapshots", "__pycache__", "tests"))
    text = (dst / "vendor.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data.update(id=NEW, name="ACME IPsec", catalog_vendor="acme", aliases=["acme"])
    data.pop("lab", None)  # the lab's daemon stays the original's
    # the copy's templates start with a marker, and detection looks for it
    for variant in data["variants"].values():
        for name in variant["files"].values():
            tpl = dst / "templates" / name
            tpl.write_text("# acme-ipsec\n" + tpl.read_text(encoding="utf-8"), encoding="utf-8")
    data["detect"] = {"patterns": [{"re": r"^# acme-ipsec$", "weight": 1.0, "why": "acme marker"}]}
    for case in (dst / "cases").glob("*.yaml"):  # the original's texts are not detected as the copy
        c = yaml.safe_load(case.read_text(encoding="utf-8"))
        c.pop("detect", None)
        case.write_text(yaml.safe_dump(c, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (dst / "vendor.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return root


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, VENDOR_PATH_ENV: str(root), "XDG_CACHE_HOME": str(root.parent / "cache")}


def run(cmd: list[str], root: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, env=_env(root), cwd=ROOT, **kw)  # type: ignore[call-overload]


def test_the_catalog_lists_it(new_vendor: Path, vpnconf_bin: list[str]) -> None:
    r = run([*vpnconf_bin, "vendors", "--vendor", "acme", "--format", "json"], new_vendor)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["CustomerGatewayVendorSet"]
    assert rows and {row["VendorName"] for row in rows} == {"acme"}


def test_it_renders_and_parses_its_own_output(new_vendor: Path, vpnconf_bin: list[str], tmp_path: Path) -> None:
    r = run([*vpnconf_bin, "render", str(QUICKSTART), "--vendor", "acme"], new_vendor)
    assert r.returncode == 0, r.stderr
    cfg = tmp_path / "acme.conf"
    cfg.write_text(r.stdout)
    r = run([*vpnconf_bin, "parse", str(cfg), "--vendor", "acme", "--format", "json"], new_vendor)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["vendor"] == NEW and len(doc["tunnels"]) == 1


def test_its_status_samples_are_read(new_vendor: Path, vpnconf_bin: list[str]) -> None:
    sample = sorted((new_vendor / NEW / "status" / "samples").glob("*.txt"))[0]
    r = run([*vpnconf_bin, "status", "--vendor", "acme", str(sample), "--format", "json"], new_vendor)
    assert r.returncode in (0, 1), r.stderr
    assert json.loads(r.stdout)["vendor"] == NEW


def test_the_conformance_suite_runs_over_it(new_vendor: Path) -> None:
    """The same suite as every vendor's (snapshots written on the first run,
    compared on the second); cross-detection is left out: the copy's output
    is, by construction, also the original's."""
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_conformance.py"]
    sel = ["-k", f"{NEW} and not detected"]
    first = run([*cmd, *sel, "--snapshot-update"], new_vendor, timeout=600)
    assert first.returncode == 0, first.stdout[-3000:]
    again = run([*cmd, *sel], new_vendor, timeout=600)
    assert again.returncode == 0, again.stdout[-3000:]
    ran = re.search(r"(\d+) passed", again.stdout)
    assert ran and int(ran.group(1)) >= 3, again.stdout[-500:]
    assert list((new_vendor / NEW / "snapshots").rglob("*.txt"))
