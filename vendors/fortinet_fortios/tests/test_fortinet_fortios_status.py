"""FortiOS status layouts beyond the sample (vendors/fortinet_fortios/status/samples,
checked by tests/test_conformance_status.py): the FortiOS 5.x layout of
``diagnose vpn tunnel list``, IPv6 selectors, several commands in one paste, and a row
in a layout no rule knows for each command."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpnconf.status import read_status

SAMPLES = Path(__file__).resolve().parents[1] / "status" / "samples"


def test_fortios_5x_layout():
    text = """list all ipsec tunnel in vd 0
------------------------------------------------------
name=HQ ver=1 serial=1 198.51.100.2:0->203.0.113.10:0 lgwy=static tun=intf mode=auto bound_if=5
proxyid_num=1 child_num=0 refcnt=110 ilast=0 olast=0
stat: rxp=117 txp=201 rxb=17629 txb=9202
dpd: mode=off on=0 idle=5000ms retry=3 count=0 seqno=0
natt: mode=none draft=0 interval=0 remote_port=0
proxyid=HQ-P2 proto=0 sa=1 ref=2 serial=1
src: 0:10.10.0.0/255.255.254.0:0
dst: 0:172.16.0.0/255.255.255.0:0
SA: ref=73 options=0000000e type=00 soft=0 mtu=1446 expire=3303/0B replaywin=1024 seqno=d1a80
life: type=01 bytes=0/0 timeout=3548/3600
dec: spi=9822756d esp=3des key=24 b926cf43d384361bc1b4f67f43c05e94d626a4a6eae470b5
ah=md5 key=16 7885e747cf224b55aaf30012b26b4bc7
enc: spi=de81092c esp=3des key=24 03a53fee5fe142934cdcda753204993f3ae4645a389961dd
ah=md5 key=16 cd2e8d8a2ffdb17209a3741a1de83d21
dec:pkts/bytes=117/9000, enc:pkts/bytes=201/16000
"""
    (t,) = read_status(text, "fortinet_fortios", "fgt5.txt")["tunnels"]
    assert (t["name"], t["peer"], t["local"], t["interface_index"]) == ("HQ", "203.0.113.10", "198.51.100.2", 5)
    (sa,) = t["phase2"]
    assert (sa["local_ts"], sa["remote_ts"]) == ("10.10.0.0/23", "172.16.0.0/24")
    assert (sa["spi_in"], sa["spi_out"], sa["encryption"], sa["integrity"]) == (
        "0x9822756d",
        "0xde81092c",
        "3des",
        "md5",
    )
    assert (sa["packets_in"], sa["bytes_in"], sa["packets_out"], sa["bytes_out"]) == (117, 9000, 201, 16000)


def test_alias_fortigate_reads_as_fortinet_fortios():
    text = (SAMPLES / "diagnose-vpn-tunnel-list.txt").read_text(encoding="utf-8")
    assert read_status(text, "fortigate", "tunnels.txt")["vendor"] == "fortinet_fortios"


# ------------------------------------------------------------------ a row in a layout no rule knows
# Each text is one command's header with a row in a layout the template does not know:
# that line is an error finding status.unread naming file:line (never a silent gap), and
# the rows around it are still read.
UNKNOWN_ROW = {
    "diagnose-vpn-tunnel-list-unknown-row": (
        "diagnose vpn tunnel list",
        11,
        ["203.0.113.10"],
        """FGT-IDC # diagnose vpn tunnel list
list all ipsec tunnel in vd 0
------------------------------------------------------
name=to-tencent-1 ver=1 serial=1 198.51.100.2:0->203.0.113.10:0 tun_id=203.0.113.10 dst_mtu=1500
bound_if=3 lgwy=static/1 tun=intf mode=auto/1 encap=none/552 options[0228]=npu frag-rfc  run_state=0
proxyid_num=1 child_num=0 refcnt=6 ilast=2 olast=2 ad=/0
stat: rxp=2841 txp=3017 rxb=402613 txb=1187520
dpd: mode=on-demand on=1 idle=20000ms retry=3 count=0 seqno=14
natt: mode=none draft=0 interval=0 remote_port=0
proxyid=to-tencent-1-app proto=0 sa=1 ref=2 serial=2 auto-negotiate
  src: 0:10.10.1.0/255.255.255.0:0:0
  dst: 0:172.16.1.0/255.255.255.0:0
  life: type=01 bytes=0/0 timeout=3289/3600
  dec: spi=8d41f2a6 esp=aes key=32 5f1e0c9a7b3d2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5d7b9f1a3c5e7d9b0f
       ah=sha256 key=32 1c3e5a7b9d0f2e4a6c8b0d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c1e3b5d7f9a0c
  enc: spi=4e7b09d3 esp=aes key=32 0a2c4e6b8d1f3a5c7e9b0d2f4a6c8e1b3d5f7a9c0e2b4d6f8a1c3e5b7d9f0a2c
       ah=sha256 key=32 3b5d7f9a1c3e5b7d9f0a2c4e6b8d1f3a5c7e9b0d2f4a6c8e0b1d3f5a7c9e2b4d
  dec:pkts/bytes=2841/238644, enc:pkts/bytes=3017/1001644
run_tally=0
""",
    ),
    "get-vpn-ipsec-tunnel-summary-unknown-row": (
        "get vpn ipsec tunnel summary",
        3,
        ["203.0.113.10"],
        """FGT-IDC # get vpn ipsec tunnel summary
'to-tencent-1' 203.0.113.10:0  selectors(total,up): 2/2  rx(pkt,err): 2841/0  tx(pkt,err): 3017/0
'to-tencent-3' 203.0.113.30:0  selectors(total,up): 1/1  rx(pkt,err): 5/0  tx(pkt,err): 5/0  ppk(enabled,used): 1/1
""",
    ),
    "diagnose-vpn-ike-gateway-list-unknown-row": (
        "diagnose vpn ike gateway list",
        16,
        ["203.0.113.10"],
        """FGT-IDC # diagnose vpn ike gateway list

vd: root/0
name: to-tencent-1
version: 1
interface: port1 3
addr: 198.51.100.2:500 -> 203.0.113.10:500
created: 1520s ago
IKE SA: created 1/1  established 1/1  time 10/10/10 ms
IPsec SA: created 2/2  established 2/2  time 0/0/0 ms

  id/spi: 12 8f2e1c0a9b3d4e5f/1a2b3c4d5e6f7081
  direction: initiator
  status: established 1520-1520s ago = 10ms
  proposal: aes256-sha256
  lifetime/rekey: 86400/84579/0
  DPD sent/recv: 00000003/00000003
""",
    ),
}


@pytest.mark.parametrize("case", sorted(UNKNOWN_ROW))
def test_a_row_in_an_unknown_layout_is_an_error_at_its_line(case):
    command, line, peers, text = UNKNOWN_ROW[case]
    result = read_status(text, "fortinet_fortios", f"{case}.txt")
    assert result["command"] == command
    unread = [f for f in result["findings"] if f["rule"] == "status.unread"]
    assert [(f["severity"], f["line"]) for f in unread] == [("error", line)]
    shown = text.split("\n")[line - 1].strip()[:60]
    assert f"{case}.txt:{line}: " in unread[0]["message"] and shown in unread[0]["message"]
    assert [t["peer"] for t in result["tunnels"]] == peers


def test_three_commands_pasted_in_one_file_are_read_part_by_part():
    names = ("get-vpn-ipsec-tunnel-summary.txt", "diagnose-vpn-ike-gateway-list.txt", "diagnose-vpn-tunnel-list.txt")
    text = "".join((SAMPLES / n).read_text(encoding="utf-8") for n in names)
    result = read_status(text, "fortinet_fortios", "fgt.txt")
    assert [(p["command"], p["tunnels"]) for p in result["parts"]] == [
        ("get vpn ipsec tunnel summary", 3),
        ("diagnose vpn ike gateway list", 3),
        ("diagnose vpn tunnel list", 2),
    ]
    assert "status.unread" not in [f["rule"] for f in result["findings"]]


def test_ipv6_selectors_and_an_unknown_selector_form():
    text = """name=v6 ver=2 serial=1 198.51.100.2:0->203.0.113.10:0 tun_id=203.0.113.10
proxyid=v6 proto=0 sa=1 ref=2 serial=2
  src: 0:2001:db8:1::/64:0
  dst: 0:2001:db8:2::-2001:db8:2::ff:0
"""
    (t,) = read_status(text, "fortinet_fortios", "v6.txt")["tunnels"]
    assert (t["phase2"][0]["local_ts"], t["phase2"][0]["remote_ts"]) == ("2001:db8:1::/64", "2001:db8:2::/120")
