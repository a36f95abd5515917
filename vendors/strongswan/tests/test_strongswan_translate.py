"""translate from strongSwan: what the model cannot hold is named in the loss report."""

from __future__ import annotations

import subprocess

from conftest import QUICKSTART
from vpnconf.io import require_site
from vpnconf.renderer import render


def test_loss_report_names_what_was_not_carried(vpnconf_bin, tmp_path):
    """A strongSwan config with two IKE proposals and an unknown group: the
    extra proposal and the unknown value are reported, never dropped silently."""
    cfg = tmp_path / "two.conf"
    cfg.write_text(
        render(require_site(QUICKSTART), "TomVPNConn", "strongswan").replace(
            "proposals = aes128-sha1-modp2048", "proposals = aes128-sha1-modp2048,aes256-sha256-x25519"
        )
    )
    r = subprocess.run([*vpnconf_bin, "translate", str(cfg), "--to", "cisco_ios"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "further IKE proposals not carried" in r.stderr and "aes256-sha256-x25519" in r.stderr
    assert "crypto isakmp policy" in r.stdout and "group 14" in r.stdout
