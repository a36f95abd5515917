"""Juniper SRX status layouts beyond the samples (vendors/juniper_srx/status/samples,
checked by tests/test_conformance_status.py): a chassis cluster's per-node tables, the
older column orders, and both commands' output in one file."""

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


def test_ike_and_ipsec_output_in_one_file_reads_the_one_with_more_rows():
    text = (SAMPLES / "show-security-ike-security-associations.txt").read_text(encoding="utf-8")
    text += (SAMPLES / "show-security-ipsec-security-associations.txt").read_text(encoding="utf-8")
    result = read_status(text, "juniper_srx", "both.txt")
    assert result["command"] == "show security ipsec security-associations"  # 6 rows, not 3
    assert "status.ambiguous-command" in [f["rule"] for f in result["findings"]]


def test_alias_srx_reads_as_juniper_srx():
    text = (SAMPLES / "show-security-ike-security-associations.txt").read_text(encoding="utf-8")
    assert read_status(text, "srx", "ike.txt")["vendor"] == "juniper_srx"
