"""Juniper SRX status layouts beyond the samples (vendors/juniper_srx/status/samples,
checked by tests/test_conformance_status.py): a chassis cluster's per-node tables, the
older column orders, several commands in one file (read part by part, also typed with the
``sa`` alias), and a row in a layout no rule knows for each command."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpnconf.status import read_status

SAMPLES = Path(__file__).resolve().parents[1] / "status" / "samples"


def test_cluster_and_older_column_orders():
    ike = """node0:
--------------------------------------------------------------------------
Index   Remote Address  State  Initiator cookie  Responder cookie  Mode
1234567 203.0.113.10    UP     8f2e1c0a9b3d4e5f  1a2b3c4d5e6f7081  Main

node1:
--------------------------------------------------------------------------
Index   Remote Address  State  Initiator cookie  Responder cookie  Mode
7654321 203.0.113.10    DOWN   8f2e1c0a9b3d4e5f  0000000000000000  Main
"""
    result = read_status(ike, "juniper_srx", "cluster.txt")
    assert [(t["node"], t["phase1"]["established"]) for t in result["tunnels"]] == [("node0", True), ("node1", False)]
    ipsec = """  Total active tunnels: 1
  ID    Gateway          Port  Algorithm       SPI      Life:sec/kb  Mon vsys
  <131073 203.0.113.10     500   ESP:3des/sha1   0badcafe 3542/ unlim   -   root
  >131073 203.0.113.10     500   ESP:3des/sha1   1234abcd 3542/ unlim   -   root
"""
    (t,) = read_status(ipsec, "juniper_srx", "old.txt")["tunnels"]
    (sa,) = t["phase2"]
    assert (t["peer"], sa["spi_in"], sa["spi_out"], sa["established"]) == (
        "203.0.113.10",
        "0x0badcafe",
        "0x1234abcd",
        True,
    )


def test_ike_and_ipsec_output_in_one_file_is_read_part_by_part():
    text = (SAMPLES / "show-security-ike-security-associations.txt").read_text(encoding="utf-8")
    text += (SAMPLES / "show-security-ipsec-security-associations.txt").read_text(encoding="utf-8")
    result = read_status(text, "juniper_srx", "both.txt")
    assert [p["command"] for p in result["parts"]] == [
        "show security ike security-associations",
        "show security ipsec security-associations",
    ]
    assert [p["tunnels"] for p in result["parts"]] == [3, 2]
    ike, ipsec = result["tunnels"][:3], result["tunnels"][3:]
    assert [t["peer"] for t in ike] == ["203.0.113.10", "203.0.113.20", "192.0.2.77"]
    assert all(t["phase1"] is not None and t["phase2"] is None for t in ike)
    assert [t["peer"] for t in ipsec] == ["203.0.113.10", "203.0.113.20"]
    assert [len(t["phase2"]) for t in ipsec] == [2, 1]
    rules = [f["rule"] for f in result["findings"]]
    assert "status.ambiguous-command" not in rules
    assert "status.unread" not in rules


def test_cluster_separator_lines_are_no_data():
    text = """node0:
--------------------------------------------------------------------------
Index   State  Initiator cookie  Responder cookie  Mode           Remote Address
4325831 UP     8f2e1c0a9b3d4e5f  1a2b3c4d5e6f7081  IKEv2          203.0.113.10
"""
    result = read_status(text, "juniper_srx", "node0.txt")
    assert [f["rule"] for f in result["findings"] if f["severity"] == "error"] == []
    assert result["tunnels"][0]["node"] == "node0"


def test_alias_srx_reads_as_juniper_srx():
    text = (SAMPLES / "show-security-ike-security-associations.txt").read_text(encoding="utf-8")
    assert read_status(text, "srx", "ike.txt")["vendor"] == "juniper_srx"


# ------------------------------------------------------------------ a row in a layout no rule knows
# Each text is one command's header with a row in a layout the template does not know:
# that line is an error finding status.unread naming file:line (never a silent gap), and
# the rows around it are still read.
UNKNOWN_ROW = {
    "show-security-ike-security-associations-unknown-row": (
        "show security ike security-associations",
        4,
        ["203.0.113.10"],
        """root@srx-idc> show security ike security-associations
Index   State  Initiator cookie  Responder cookie  Mode           Remote Address
4325831 UP     8f2e1c0a9b3d4e5f  1a2b3c4d5e6f7081  IKEv2          203.0.113.10
4325833 UP     5d4c3b2a19081726  0a1b2c3d4e5f6071  IKEv2          203.0.113.30     srg-1
""",
    ),
    "show-security-ipsec-security-associations-unknown-row": (
        "show security ipsec security-associations",
        6,
        ["203.0.113.10"],
        """root@srx-idc> show security ipsec security-associations
  Total active tunnels: 2     Total Ipsec sas: 2
  ID    Algorithm       SPI      Life:sec/kb  Mon lsys Port  Gateway
  <131073 ESP:aes-cbc-256/sha256 9a3f5c71 3185/ unlim - root 500 203.0.113.10
  >131073 ESP:aes-cbc-256/sha256 e4b2d690 3185/ unlim - root 500 203.0.113.10
  <131076 ESP:aes-gcm-256/None 3c4d5e6f 3600/ unlim - root 500 203.0.113.40 st0.4
  >131076 ESP:aes-gcm-256/None 7a8b9c0d 3600/ unlim - root 500 203.0.113.40 st0.4
""",
    ),
    "show-security-ike-security-associations-detail-unknown-row": (
        "show security ike security-associations detail",
        3,
        ["203.0.113.10"],
        """root@srx-idc> show security ike security-associations detail
IKE peer 203.0.113.10, Index 4325831, Gateway Name: gw-tencent-1
  Role: Initiator, State: UP, HA-State: active
  Initiator cookie: 8f2e1c0a9b3d4e5f, Responder cookie: 1a2b3c4d5e6f7081
  Exchange type: IKEv2, Authentication method: Pre-shared-keys
  Local: 198.51.100.2:500, Remote: 203.0.113.10:500
  Lifetime: Expires in 28426 seconds
""",
    ),
    "show-security-ipsec-security-associations-detail-unknown-row": (
        "show security ipsec security-associations detail",
        8,
        ["203.0.113.10"],
        """root@srx-idc> show security ipsec security-associations detail
  ID: 131073 Virtual-system: root, VPN Name: vpn-tencent-1
  Local Gateway: 198.51.100.2, Remote Gateway: 203.0.113.10
  Local Identity: ipv4_subnet(any:0,[0..7]=10.10.1.0/24)
  Remote Identity: ipv4_subnet(any:0,[0..7]=172.16.1.0/24)
  Version: IKEv2
  Port: 500, Nego#: 3, Fail#: 0, Def-Del#: 0 Flag: 0x600a29
  Direction: inbound, SPI: 0x9a3f5c71, AUX-SPI: 0
    Hard lifetime: Expires in 3185 seconds
    Mode: Tunnel(0 0), Type: dynamic, State: installed
  Direction: outbound, SPI: e4b2d690, AUX-SPI: 0
    Hard lifetime: Expires in 3185 seconds
    Mode: Tunnel(0 0), Type: dynamic, State: installed
""",
    ),
}


@pytest.mark.parametrize("case", sorted(UNKNOWN_ROW))
def test_a_row_in_an_unknown_layout_is_an_error_at_its_line(case):
    command, line, peers, text = UNKNOWN_ROW[case]
    result = read_status(text, "juniper_srx", f"{case}.txt")
    assert result["command"] == command
    unread = [f for f in result["findings"] if f["rule"] == "status.unread"]
    assert [(f["severity"], f["line"]) for f in unread] == [("error", line)]
    shown = text.split("\n")[line - 1].strip()[:60]
    assert f"{case}.txt:{line}: " in unread[0]["message"] and shown in unread[0]["message"]
    assert [t["peer"] for t in result["tunnels"]] == peers


def test_brief_and_detail_pasted_together_with_the_sa_alias():
    """``show security ike sa`` is Junos's short form of ``... security-associations``:
    the typed words do not pick the template, the detail header does."""
    parts = []
    for name in (
        "show-security-ike-security-associations-detail.txt",
        "show-security-ipsec-security-associations-detail.txt",
        "show-security-ipsec-security-associations.txt",
    ):
        body = (SAMPLES / name).read_text(encoding="utf-8").split("\n", 1)[1]
        typed = name.removesuffix(".txt").replace("-", " ").replace("security associations", "sa")
        parts.append(f"root@srx-idc> {typed}\n{body}")
    result = read_status("".join(parts), "juniper_srx", "three.txt")
    assert [(p["command"], p["typed"], p["tunnels"]) for p in result["parts"]] == [
        ("show security ike security-associations detail", "show security ike sa detail", 3),
        ("show security ipsec security-associations detail", "show security ipsec sa detail", 2),
        ("show security ipsec security-associations", "show security ipsec sa", 2),
    ]
    rules = [f["rule"] for f in result["findings"]]
    assert not {"status.unread", "status.ambiguous-command", "status.detected-by-records"} & set(rules), rules
