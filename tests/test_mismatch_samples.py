"""samples/mismatch/: IDC device configs that do not match the quick start's
cloud side. `check` predicts each failure; the lab confirms it with the
daemon's own reason."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import QUICKSTART, SAMPLES, require_lab
from vpnconf.catalog import lab_vendor
from vpnconf.parsing import parser_modules

CASES = {
    # sample: (check rule, IKE SA up?, CHILD SA up?, daemon reasons)
    "dh-group": ("PEER-IKE-PROPOSAL", False, False, {"NO_PROPOSAL_CHOSEN"}),
    "key": ("PEER-PSK", False, False, {"DECRYPTION_FAILED", "AUTHENTICATION_FAILED"}),
    "selectors": ("PEER-SELECTORS", True, False, {"INVALID_ID_INFORMATION", "TS_UNACCEPTABLE"}),
    "pfs": ("PEER-PFS", True, False, {"NO_PROPOSAL_CHOSEN"}),
    "ike-version": ("PEER-IKE-VERSION", False, False, {"NO_PROPOSAL_CHOSEN"}),
    "mode": ("PEER-IKE-MODE", False, False, {"AUTHENTICATION_FAILED"}),
    "identity": ("PEER-IDENTITY", False, False, {"IKE_FAILED", "AUTHENTICATION_FAILED", "INVALID_ID_INFORMATION"}),
    "esp": ("PEER-ESP-PROPOSAL", True, False, {"NO_PROPOSAL_CHOSEN"}),
}
# a mismatch that only warns: the tunnel comes up, one side rekeys first
WARNINGS = {"lifetime": "PEER-LIFETIME"}


def sample(name):
    return SAMPLES / "mismatch" / f"{name}.swanctl.conf"


@pytest.mark.parametrize("name", list(CASES))
def test_check_predicts_the_failure(name, vpnconf_bin):
    rule, ike, child, _ = CASES[name]
    r = subprocess.run(
        [
            *vpnconf_bin,
            "check",
            str(sample(name)),
            "--peer",
            str(QUICKSTART),
            "--tunnel",
            "TomVPNConn",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    assert rule in {f["rule"] for f in doc["findings"] if f["severity"] == "error"}
    assert (doc["ike_sa_establishes"], doc["child_sa_establishes"]) == (ike, child)


@pytest.mark.parametrize("name", list(WARNINGS))
def test_check_warns(name, vpnconf_bin):
    r = subprocess.run(
        [
            *vpnconf_bin,
            "check",
            str(sample(name)),
            "--peer",
            str(QUICKSTART),
            "--tunnel",
            "TomVPNConn",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [f["rule"] for f in doc["findings"]] == [WARNINGS[name]]
    assert doc["ike_sa_establishes"] and doc["child_sa_establishes"]


@pytest.mark.lab
@pytest.mark.parametrize("name", list(WARNINGS))
def test_lab_confirms_warnings_establish(name, vpnconf_bin):
    require_lab()
    r = subprocess.run(
        [*vpnconf_bin, "lab", "verify", str(sample(name)), "--against", str(QUICKSTART), "--tunnel", "TomVPNConn"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_rendered_quickstart_checks_clean(vpnconf_bin, tmp_path):
    cfg = tmp_path / "idc.conf"
    cfg.write_text(
        subprocess.run(
            [*vpnconf_bin, "render", str(QUICKSTART), "--vendor", lab_vendor().id],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    r = subprocess.run(
        [*vpnconf_bin, "check", str(cfg), "--peer", str(QUICKSTART), "--tunnel", "TomVPNConn"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "IKE SA establishes: yes; CHILD SA establishes: yes" in r.stdout


@pytest.mark.lab
@pytest.mark.parametrize("name", list(CASES))
def test_lab_confirms_with_the_daemon_reason(name, vpnconf_bin):
    require_lab()
    _, ike, child, reasons = CASES[name]
    r = subprocess.run(
        [
            *vpnconf_bin,
            "lab",
            "verify",
            str(sample(name)),
            "--against",
            str(QUICKSTART),
            "--tunnel",
            "TomVPNConn",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1, r.stderr
    rep = json.loads(r.stdout)
    got = {rep["reason"], *(c["reason"] for c in rep["children"])}
    assert got & reasons, got
    assert rep["ike_established"] is ike
    assert all(c["established"] is child for c in rep["children"])


@pytest.mark.lab
@pytest.mark.parametrize("vendor", [v for v in sorted(parser_modules()) if v != lab_vendor().id])
def test_lab_plays_a_device_config_of_another_vendor(vpnconf_bin, tmp_path, vendor):
    """Every other vendor's config, parsed, is played by the lab's daemon against the cloud end."""
    require_lab()
    cfg = tmp_path / "device.cfg"
    cfg.write_text(
        subprocess.run(
            [*vpnconf_bin, "render", str(QUICKSTART), "--vendor", vendor],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    r = subprocess.run(
        [
            *vpnconf_bin,
            "lab",
            "verify",
            str(cfg),
            "--vendor",
            vendor,
            "--against",
            str(QUICKSTART),
            "--tunnel",
            "TomVPNConn",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    rep = json.loads(r.stdout)
    assert rep["ok"] and all(c["ping_ok"] for c in rep["children"])
