from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
SAMPLES = ROOT / "samples"
QUICKSTART = SAMPLES / "quickstart.yaml"
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def lab_unavailable() -> str | None:
    """Why the strongSwan lab cannot run here, or None."""
    from vpnconf.labnet import preflight

    return preflight()


def require_lab() -> None:
    """Skip outside CI when the lab cannot run; in CI a missing prerequisite fails."""
    why = lab_unavailable()
    if why is None:
        return
    if IN_CI:
        pytest.fail(f"CI must run the strongSwan lab tests for real: {why}")
    pytest.skip(f"strongSwan lab unavailable here: {why}")


def quickstart_data() -> dict:
    """The quick start site as plain data (a fresh copy each call)."""
    import yaml

    return yaml.safe_load(QUICKSTART.read_text())


def site_with(mutate=None):
    """The quick start site, changed by ``mutate(data)`` first, validated."""
    from vpnconf.io import site_from_data

    d = quickstart_data()
    if mutate:
        mutate(d)
    site, findings = site_from_data(d, "t.yaml")
    assert site is not None, [f.text() for f in findings]
    return site


def rich_tunnel(t: dict, version: int = 2) -> None:
    """IKEv2 (or v1), PFS, FQDN identities, 3 SPD policies with several peers each, DPD 45 s."""
    t["ike"].update(
        version=version,
        encryption="aes256",
        integrity="sha256",
        dh_group=14,
        local_id={"type": "fqdn", "value": "vpngw.cloud.example.com"},
        peer_id={"type": "fqdn", "value": "idc-gw.example.com"},
    )
    t["ipsec"].update(encryption="aes256", integrity="sha256", pfs=14, lifetime_seconds=7200, lifetime_kb=4608000)
    t["dpd"] = {"enabled": True, "timeout_seconds": 45, "action": "restart"}
    t["pre_shared_key"] = "N0t-So-Secret!Key"
    t["spd"] = [
        {"local": "192.168.1.0/24", "peers": ["10.0.1.0/24", "10.0.2.0/24"]},
        {"local": "192.168.2.0/24", "peers": ["10.0.3.0/24", "10.0.4.0/25", "172.16.0.0/16"]},
        {"local": "192.168.3.0/26", "peers": ["10.0.5.0/24", "10.0.6.0/24"]},
    ]


def paste_damage(lines: list[str], rng, op: int, i: int) -> list[str] | None:
    """What pasting does to a config, for the fuzz tests: op 0 drops line i
    (never the last one left), 1 duplicates a line at i, 2 swaps line i with
    another, 3 loses every indentation. The lines, or None for any other op."""
    if op == 0 and len(lines) > 1:
        del lines[i]
    elif op == 1:
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif op == 2:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == 3:
        lines = [ln.lstrip() for ln in lines]
    else:
        return None
    return lines


@pytest.fixture
def quickstart():
    from vpnconf.io import require_site

    return require_site(QUICKSTART)


@pytest.fixture
def vpnconf_bin() -> list[str]:
    """The installed console script beside this interpreter, else the module."""
    exe = Path(sys.executable).parent / "vpnconf"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "vpnconf.cli"]
