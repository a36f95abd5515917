"""Juniper SRX status layouts beyond the samples (vendors/juniper_srx/status/samples,
checked by tests/test_conformance_status.py): a chassis cluster's per-node tables, the
older column orders, and both commands' output in one file (read part by part)."""

from __future__ import annotations

from pathlib import Path

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
