"""Cisco ASA status layouts beyond the samples (vendors/cisco_asa/status/samples, checked
by tests/test_conformance_status.py): ``show crypto ikev1 sa detail`` lines, the IKEv2
part of ``show crypto isakmp sa`` (read by the ikev2 template when pasted without a
prompt; reported unread after a typed ``show crypto isakmp sa``), the failure classes
(no SAs, a row in an unknown layout, a session summary with sessions up) and every
sample as pasted (flush-left, ``--More--``, prompts)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from vpnconf.status import read_status

SAMPLES = Path(__file__).resolve().parents[1] / "status" / "samples"
MORE = " --More-- " + "\b" * 10 + " " * 10 + "\b" * 10


def rules(result: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in result["findings"]]


def finding(result: dict[str, Any], rule: str) -> dict[str, Any]:
    return next(f for f in result["findings"] if f["rule"] == rule)


def test_ikev1_sa_detail_and_isakmp_sa_with_an_ikev2_part():
    text = """IKEv1 SAs:

   Active SA: 1
    Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA during rekey)
Total IKE SA: 1

1   IKE Peer: 203.0.113.10
    Type    : L2L             Role    : responder
    Rekey   : no              State   : AM_ACTIVE
    Encrypt : aes-256         Hash    : SHA
    Auth    : preshared       Lifetime: 86400
    Lifetime Remaining: 85022

IKEv2 SAs:

Session-id:5, Status:UP-ACTIVE, IKE count:1, CHILD count:1

Tunnel-id                 Local                                               Remote     Status         Role
 12345 198.51.100.2/500                                       203.0.113.99/500     READY    INITIATOR
"""
    result = read_status(text, "asa", "asa.txt")
    # the IKEv2 part is another layout: a part of its own, read by its template
    assert [p["command"] for p in result["parts"]] == ["show crypto ikev1 sa", "show crypto ikev2 sa"]
    assert [p["line"] for p in result["parts"]] == [1, 14]
    t, v2 = result["tunnels"]
    assert (v2["peer"], v2["local"], v2["phase1"]["version"], v2["phase1"]["state"]) == (
        "203.0.113.99",
        "198.51.100.2",
        2,
        "READY",
    )
    assert v2["phase1"]["established"] is True and v2["phase2"] == []
    assert "status.unread" not in rules(result)
    p1 = t["phase1"]
    assert (p1["state"], p1["established"], p1["mode"], p1["role"]) == ("AM_ACTIVE", True, "aggressive", "responder")
    assert (p1["encryption"], p1["hash"], p1["auth"]) == ("aes-256", "SHA", "preshared")
    assert (p1["lifetime_seconds"], p1["lifetime_remaining_seconds"]) == (86400, 85022)


ISAKMP_BOTH = """asa-idc# show crypto isakmp sa

IKEv1 SAs:

   Active SA: 1
    Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA during rekey)
Total IKE SA: 1

1   IKE Peer: 203.0.113.10
    Type    : L2L             Role    : responder
    Rekey   : no              State   : MM_ACTIVE

IKEv2 SAs:

Session-id:5, Status:UP-ACTIVE, IKE count:1, CHILD count:1

Tunnel-id                 Local                 Remote     Status         Role
 12345 198.51.100.2/500          203.0.113.99/500     READY    INITIATOR
      Encr: AES-CBC, keysize: 256, Hash: SHA256, DH Grp:14, Auth sign: PSK, Auth verify: PSK
      Life/Active Time: 86400/120 sec
"""


def test_typed_isakmp_sa_with_both_parts_is_never_a_silent_gap():
    """After a typed ``show crypto isakmp sa`` the part is not split (no template is that
    command): one layout is read and the other one's lines are reported unread."""
    result = read_status(ISAKMP_BOTH, "asa", "isakmp.txt")
    assert len(result["tunnels"]) == 1
    unread = finding(result, "status.unread")
    assert unread["severity"] == "error" and "more unread line" in unread["message"]
    assert "status.no-sas" not in rules(result)


def test_there_are_no_ikev1_sas_is_no_sas():
    for text in ("There are no IKEv1 SAs\n", "asa-idc# show crypto ikev1 sa\n\nThere are no IKEv1 SAs\n"):
        result = read_status(text, "asa", "none.txt")
        assert result["command"] == "show crypto ikev1 sa"
        assert (result["tunnels"], rules(result)) == ([], ["status.no-sas"])
    result = read_status("asa-idc# show crypto ikev2 sa\n\nThere are no IKEv2 SAs\n", "asa", "none.txt")
    assert (result["command"], rules(result)) == ("show crypto ikev2 sa", ["status.no-sas"])
    result = read_status("asa-idc# show crypto ikev2 sa detail\n\nThere are no IKEv2 SAs\n", "asa", "none.txt")
    assert (result["command"], rules(result)) == ("show crypto ikev2 sa detail", ["status.no-sas"])


def test_a_row_in_an_unknown_layout_is_unread_at_its_line():
    # the IKEv1 SAs header, then a row of the older table layout (not read)
    text = """asa-idc# show crypto ikev1 sa

IKEv1 SAs:

   Active SA: 1
    Rekey SA: 0 (A tunnel will report 1 Active and 1 Rekey SA during rekey)
Total IKE SA: 1

1 203.0.113.10    L2L   Init  No   MM_ACTIVE  aes-256 SHA   preshrd 86400
"""
    result = read_status(text, "asa", "odd.txt")
    assert result["tunnels"] == []
    unread = finding(result, "status.unread")
    assert (unread["severity"], unread["line"]) == ("error", 9)
    assert "odd.txt:9:" in unread["message"] and "203.0.113.10" in unread["message"]
    assert "status.no-sas" not in rules(result)


def test_session_summary_with_site_to_site_sessions_up_is_unread_never_no_sas():
    text = (SAMPLES / "show-vpn-sessiondb-summary.txt").read_text(encoding="utf-8")
    up = text.replace("IKEv2 IPsec                :      0 :", "IKEv2 IPsec                :      2 :")
    up = up.replace("Site-to-Site VPN             :      0 :", "Site-to-Site VPN             :      2 :")
    result = read_status(up, "asa", "summary.txt")
    assert result["tunnels"] == []
    unread = finding(result, "status.unread")
    assert unread["line"] == 7 and "Site-to-Site VPN" in unread["message"] and "1 more" in unread["message"]
    assert "status.no-sas" not in rules(result)


def test_dynamic_crypto_map_entry_keeps_its_local_address_flush_left():
    text = (SAMPLES / "show-crypto-ipsec-sa-dynamic.txt").read_text(encoding="utf-8")
    flush = "\n".join(line.lstrip() for line in text.splitlines())
    (t,) = read_status(flush, "asa", "dyn.txt")["tunnels"]
    assert (t["local"], t["crypto_map"], t["phase2"][0]["state"]) == ("198.51.100.2", "outside_dyn_map", "active")


def test_sa_state_decides_an_asa_ipsec_sa():
    text = (SAMPLES / "show-crypto-ipsec-sa-dynamic.txt").read_text(encoding="utf-8")
    down = text.replace("SA State: active", "SA State: inactive")
    result = read_status(down, "asa", "down.txt")
    (e,) = result["tunnels"][0]["phase2"]
    assert (e["state"], e["established"], e["spi_in"]) == (
        "inactive",
        False,
        "0x8e9fa0b1",
    )  # SPIs both ways, still down
    assert "status.phase2-down" in rules(result)


def local_samples() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt"))


@pytest.mark.parametrize("sample", local_samples(), ids=lambda p: p.name)
def test_every_sample_as_pasted_reads_the_same(sample):
    """Flush-left, a --More-- marker with the backspaces that erased it, the prompt
    before (added when the sample has none) and after: the same tunnels, nothing unread."""
    text = sample.read_text(encoding="utf-8")
    plain = read_status(text, "asa", sample.name)
    lines = [line.lstrip() for line in text.splitlines()]
    if not re.match(r"^[\w.-]+[#>]", lines[0]):
        lines.insert(0, f"asa-idc# {plain['command']}")
    mid = len(lines) // 2
    lines[mid] = MORE + lines[mid]
    pasted = read_status("\n".join([*lines, "asa-idc#", ""]), "asa", sample.name)
    assert pasted["tunnels"] == plain["tunnels"]
    assert pasted["command"] == plain["command"]
    assert "status.unread" not in rules(pasted)


def test_paging_marker_in_cr_only_text():
    text = (SAMPLES / "show-crypto-ikev1-sa.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[9] = MORE + lines[9]
    plain = read_status(text, "asa", "cr.txt")
    assert read_status("\r".join(lines), "asa", "cr.txt")["tunnels"] == plain["tunnels"]
