"""translate from strongSwan: what the model cannot hold is named in the loss report."""

from __future__ import annotations

import json
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
            "proposals = aes128-sha1-modp2048", "proposals = aes128-sha1-modp2048,aes256-sha256-ecp512bp"
        )
    )
    r = subprocess.run([*vpnconf_bin, "translate", str(cfg), "--to", "cisco_ios"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "proposals with values the model does not hold not carried: aes256-sha256-ecp512bp" in r.stderr
    assert "crypto isakmp policy" in r.stdout and "group 14" in r.stdout


def test_a_proposal_list_is_carried_and_the_cloud_rule_names_it(vpnconf_bin, tmp_path):
    """Two IKE proposals the model holds: both reach the model (ike.proposals)
    and a target that writes proposal lists, in order; the cloud takes one per
    phase, so with --against tencent the PROPOSALS rule is an error in the loss report (exit 1);
    a device-to-device translation applies no cloud rule."""
    from vpnconf.parsing import parse_text, to_site_data

    cfg = tmp_path / "two.conf"
    cfg.write_text(
        render(require_site(QUICKSTART), "TomVPNConn", "strongswan").replace(
            "proposals = aes128-sha1-modp2048", "proposals = aes128-sha1-modp2048,aes256-sha256-modp2048"
        )
    )
    data, _ = to_site_data(parse_text(cfg.read_text(), "two.conf", "strongswan"))
    assert [p["encryption"] for p in data["tunnels"][0]["ike"]["proposals"]] == ["aes128", "aes256"]
    r = subprocess.run(
        [*vpnconf_bin, "translate", str(cfg), "--to", "cisco_ios", "--against", "tencent", "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1, r.stderr
    loss = json.loads(r.stderr)["loss_report"]
    assert [(x["rule"], x["severity"]) for x in loss] == [("PROPOSALS", "error")]
    first, second = r.stdout.index("encryption aes\n"), r.stdout.index("encryption aes 256\n")
    assert first < second
