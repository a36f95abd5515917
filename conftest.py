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


@pytest.fixture
def quickstart():
    from vpnconf.io import require_site

    return require_site(QUICKSTART)


@pytest.fixture
def vpnconf_bin() -> list[str]:
    """The installed console script beside this interpreter, else the module."""
    exe = Path(sys.executable).parent / "vpnconf"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "vpnconf.cli"]
