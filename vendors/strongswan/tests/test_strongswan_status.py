"""strongSwan status layouts beyond the sample (vendors/strongswan/status/samples,
checked by tests/test_conformance_status.py): a CHILD_SA with several selectors and a
rekeyed CHILD_SA beside its successor; the stroke outputs (``ipsec status``/``statusall``)
told apart and pasted together with swanctl's; a row in a layout no rule knows for each command."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpnconf.status import read_status


def test_several_selectors_and_a_rekeyed_child():
    text = """vpc: #4, ESTABLISHED, IKEv2, 1111111111111111_i 2222222222222222_r*
  local  'idc.example.com' @ 192.0.2.1[4500]
  remote '203.0.113.10' @ 203.0.113.10[4500]
  AES_GCM_16-256/PRF_HMAC_SHA2_384/ECP_384
  established 100s ago, reauth in 28000s
  net: #7, reqid 1, REKEYED, TUNNEL, ESP:AES_GCM_16-256
    installed 3500s ago
    in  c0000001,   1000 bytes,    10 packets
    out c0000002,   2000 bytes,    20 packets
    local  10.1.0.0/24 10.2.0.0/24
    remote 172.16.0.0/16
  net: #8, reqid 1, INSTALLED, TUNNEL, ESP:AES_GCM_16-256
    installed 5s ago, rekeying in 3000s, expires in 3595s
    in  c0000003,      0 bytes,     0 packets
    out c0000004,     84 bytes,     1 packets,     2s ago
    local  10.1.0.0/24 10.2.0.0/24
    remote 172.16.0.0/16
"""
    (t,) = read_status(text, "strongswan", "rekey.txt")["tunnels"]
    assert (t["local"], t["phase1"]["local_id"], t["phase1"]["rekey_in_seconds"]) == (
        "192.0.2.1",
        "idc.example.com",
        28000,
    )
    old, new = t["phase2"]
    assert (old["unique_id"], old["state"], old["established"]) == (7, "REKEYED", False)
    assert (new["unique_id"], new["state"], new["established"]) == (8, "INSTALLED", True)
    assert new["local_ts"] == "10.1.0.0/24 10.2.0.0/24"
    assert (new["spi_out"], new["bytes_out"], new["packets_out"]) == ("0xc0000004", 84, 1)


# ------------------------------------------------------------------ a row in a layout no rule knows
# Each text is one command's header with a row in a layout the template does not know:
# that line is an error finding status.unread naming file:line (never a silent gap), and
# the rows around it are still read.
UNKNOWN_ROW = {
    "swanctl-list-sas-unknown-row": (
        "swanctl --list-sas",
        9,
        ["203.0.113.10"],
        """root@idc-gw:~# swanctl --list-sas
idc-to-vpc: #1, ESTABLISHED, IKEv2, a27386c29f7599c2_i* 192a958f8cbba72f_r
  local  '192.0.2.1' @ 192.0.2.1[4500]
  remote '203.0.113.10' @ 203.0.113.10[4500]
  AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048
  established 12s ago, rekeying in 13637s
  app: #1, reqid 1, INSTALLED, TUNNEL-in-UDP, ESP:AES_CBC-128/HMAC_SHA1_96
    installed 12s ago, rekeying in 3253s, expires in 3958s
    in  2a98853e (if_id 0x2a),    336 bytes,     4 packets,     2s ago
    out 5ff3b0cd,    336 bytes,     4 packets,     2s ago
    local  10.10.1.0/24
    remote 172.16.1.0/24
""",
    ),
    "ipsec-statusall-unknown-row": (
        "ipsec statusall",
        14,
        ["203.0.113.10"],
        """root@idc-gw:~# ipsec statusall
Status of IKE charon daemon (strongSwan 5.9.8, Linux 6.1.0-13-amd64, x86_64):
  uptime: 47 minutes, since Dec 06 14:58:12 2026
Listening IP addresses:
  192.0.2.1
Connections:
  to-vpc-app:  192.0.2.1...203.0.113.10  IKEv2
Security Associations (1 up, 0 connecting):
  to-vpc-app[3]: ESTABLISHED 5 minutes ago, 192.0.2.1[192.0.2.1]...203.0.113.10[203.0.113.10]
  to-vpc-app[3]: IKEv2 SPIs: 9d3f2a1b4c5e6f70_i* 1a2b3c4d5e6f7081_r, rekeying in 2 hours
  to-vpc-app{5}:  INSTALLED, TUNNEL, reqid 1, ESP SPIs: c1a2b3c4_i d5e6f708_o
  to-vpc-app{5}:  AES_CBC_128/HMAC_SHA2_256_128, 5040 bytes_i (60 pkts, 3s ago), 6720 bytes_o (80 pkts, 1s ago), rekeying in 46 minutes
  to-vpc-app{5}:   10.10.1.0/24 === 172.16.1.0/24
"legacy-v1" #2: STATE_MAIN_I4 (ISAKMP SA established); EVENT_SA_REPLACE in 2863s; newest ISAKMP; idle
""",
    ),
    "ipsec-status-unknown-row": (
        "ipsec status",
        6,
        ["203.0.113.10"],
        """root@idc-gw:~# ipsec status
Security Associations (1 up, 0 connecting):
  to-vpc-app[3]: ESTABLISHED 5 minutes ago, 192.0.2.1[192.0.2.1]...203.0.113.10[203.0.113.10]
  to-vpc-app{5}:  INSTALLED, TUNNEL, reqid 1, ESP SPIs: c1a2b3c4_i d5e6f708_o
  to-vpc-app{5}:   10.10.1.0/24 === 172.16.1.0/24
000 "legacy-v1": 10.10.9.0/24===192.0.2.1...203.0.113.20===172.16.9.0/24; erouted; eroute owner: #4
""",
    ),
}


@pytest.mark.parametrize("case", sorted(UNKNOWN_ROW))
def test_a_row_in_an_unknown_layout_is_an_error_at_its_line(case):
    command, line, peers, text = UNKNOWN_ROW[case]
    result = read_status(text, "strongswan", f"{case}.txt")
    assert result["command"] == command
    unread = [f for f in result["findings"] if f["rule"] == "status.unread"]
    assert [(f["severity"], f["line"]) for f in unread] == [("error", line)]
    shown = text.split("\n")[line - 1].strip()[:60]
    assert f"{case}.txt:{line}: " in unread[0]["message"] and shown in unread[0]["message"]
    assert [t["peer"] for t in result["tunnels"]] == peers


SAMPLES = Path(__file__).resolve().parents[1] / "status" / "samples"


def _output(name: str) -> str:
    """A sample without its prompt line: what was pasted without the command."""
    return (SAMPLES / name).read_text(encoding="utf-8").split("\n", 1)[1]


def test_ipsec_status_and_statusall_tell_each_other_apart_without_a_typed_command():
    """The brief form has no header of its own; its Detect and the statusall template's
    daemon header keep the two apart (no ambiguous-command warning either way)."""
    for name, command in (("ipsec-status.txt", "ipsec status"), ("ipsec-statusall.txt", "ipsec statusall")):
        result = read_status(_output(name), "strongswan", name)
        assert result["command"] == command
        rules = [f["rule"] for f in result["findings"]]
        assert not {"status.ambiguous-command", "status.detected-by-records", "status.unread"} & set(rules), rules


def test_stroke_and_swanctl_outputs_pasted_one_after_another_are_read_part_by_part():
    text = "".join((SAMPLES / n).read_text(encoding="utf-8") for n in ("ipsec-status.txt", "ipsec-statusall.txt"))
    text += "root@idc-gw:~# swanctl --list-sas\n" + (SAMPLES / "swanctl-list-sas.txt").read_text(encoding="utf-8")
    result = read_status(text, "strongswan", "all.txt")
    assert [(p["command"], p["tunnels"]) for p in result["parts"]] == [
        ("ipsec status", 3),
        ("ipsec statusall", 3),
        ("swanctl --list-sas", 3),
    ]
    assert "status.unread" not in [f["rule"] for f in result["findings"]]


def test_routed_and_shunted_connections_are_no_sas():
    text = """Shunted Connections:
      bypass:  10.10.0.0/16 === 10.10.0.0/16 PASS
Routed Connections:
     on-load{4}:  ROUTED, TUNNEL, reqid 4
     on-load{4}:   10.10.4.0/24 === 172.16.4.0/24
Security Associations (0 up, 0 connecting):
  none
"""
    result = read_status(text, "strongswan", "idle.txt")
    assert (result["command"], result["tunnels"]) == ("ipsec status", [])
    assert [f["rule"] for f in result["findings"]] == ["status.no-sas"]
