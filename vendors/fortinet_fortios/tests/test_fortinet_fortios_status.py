"""FortiOS status layouts beyond the sample (vendors/fortinet_fortios/status/samples,
checked by tests/test_conformance_status.py): the FortiOS 5.x layout of
``diagnose vpn tunnel list``."""

from __future__ import annotations

from pathlib import Path

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
