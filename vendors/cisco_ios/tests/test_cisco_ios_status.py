"""Cisco IOS status layouts beyond the samples (vendors/cisco_ios/status/samples, checked
by tests/test_conformance_status.py): the dst/src columns of ``show crypto isakmp sa``
that do not say which end is the router, the older layout with a slot column, an
empty table, an IPsec SA pair during a rekey, the text report, the failure classes
(a row in an unknown layout, empty IKEv2 outputs), every sample as pasted (flush-left,
``--More--``, prompts) and all of them pasted into one file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from vpnconf.status import format_status, read_status, read_status_file

SAMPLES = Path(__file__).resolve().parents[1] / "status" / "samples"
MORE = " --More-- " + "\b" * 10 + " " * 10 + "\b" * 10


def by_peer(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    peers = [t["peer"] for t in result["tunnels"]]
    assert len(peers) == len(set(peers)), peers
    return {t["peer"]: t for t in result["tunnels"]}


def rules(result: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in result["findings"]]


ISAKMP_ONE_ROW = """IPv4 Crypto ISAKMP SA
dst             src             state          conn-id status
198.51.100.2    203.0.113.10    QM_IDLE           1001 ACTIVE
"""


def test_isakmp_single_sa_does_not_say_which_end_is_the_router():
    result = read_status(ISAKMP_ONE_ROW, "cisco_ios", "r1.txt")
    (t,) = result["tunnels"]
    assert (t["peer"], t["local"]) == ("198.51.100.2", "203.0.113.10")  # dst taken as the peer ...
    assert "status.ambiguous-end" in rules(result)  # ... and said so
    result = read_status(ISAKMP_ONE_ROW, "cisco_ios", "r1.txt", local_addresses=["198.51.100.2"])
    (t,) = result["tunnels"]
    assert (t["peer"], t["local"], t["phase1"]["role"]) == ("203.0.113.10", "198.51.100.2", "responder")
    assert "status.ambiguous-end" not in rules(result)


def test_isakmp_older_layout_with_slot_and_deleted_sa():
    text = """dst             src             state          conn-id slot status
203.0.113.10    198.51.100.2    QM_IDLE              1    0 ACTIVE
203.0.113.20    198.51.100.2    QM_IDLE              2    0 ACTIVE (deleted)
"""
    t = by_peer(read_status(text, "cisco_ios", "old.txt"))
    assert t["203.0.113.10"]["phase1"]["established"] is True
    assert t["203.0.113.20"]["phase1"]["status"] == "ACTIVE (deleted)"
    assert t["203.0.113.20"]["phase1"]["established"] is False


def test_isakmp_header_without_sas_is_an_empty_status():
    text = "IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n\nIPv6 Crypto ISAKMP SA\n\n"
    result = read_status(text, "cisco_ios", "idle.txt")
    assert result["command"] == "show crypto isakmp sa"
    assert result["tunnels"] == []
    assert rules(result) == ["status.no-sas"]


IOS_REKEY = """interface: GigabitEthernet0/0
    Crypto map tag: CMAP, local addr 198.51.100.2

   protected vrf: (none)
   local  ident (addr/mask/prot/port): (10.10.1.0/255.255.255.0/0/0)
   remote ident (addr/mask/prot/port): (172.16.1.0/255.255.255.0/0/0)
   current_peer 203.0.113.10 port 500
     PERMIT, flags={origin_is_acl,}
    #pkts encaps: 10, #pkts encrypt: 10, #pkts digest: 10
    #pkts decaps: 9, #pkts decrypt: 9, #pkts verify: 9
     local crypto endpt.: 198.51.100.2, remote crypto endpt.: 203.0.113.10
     current outbound spi: 0xB0000002(2952790018)
     PFS (Y/N): Y, DH group: group14

     inbound esp sas:
      spi: 0xA0000001(2684354561)
        transform: esp-aes 256 esp-sha256-hmac ,
        in use settings ={Tunnel, }
        Status: ACTIVE(ACTIVE)
      spi: 0xA0000002(2684354562)
        transform: esp-aes 256 esp-sha256-hmac ,
        in use settings ={Tunnel, }
        Status: ACTIVE(ACTIVE)

     inbound ah sas:

     outbound esp sas:
      spi: 0xB0000001(2952790017)
        Status: ACTIVE(ACTIVE)
      spi: 0xB0000002(2952790018)
        Status: ACTIVE(ACTIVE)

   protected vrf: (none)
   local  ident (addr/mask/prot/port): (10.10.2.0/255.255.255.0/6/443)
   remote ident (addr/mask/prot/port): (172.16.2.0/255.255.255.0/6/0)
   current_peer 203.0.113.10 port 500
    #pkts encaps: 0, #pkts encrypt: 0, #pkts digest: 0
    #pkts decaps: 0, #pkts decrypt: 0, #pkts verify: 0
     current outbound spi: 0x0(0)

     inbound esp sas:

     outbound esp sas:
"""


def test_ipsec_sa_during_rekey_and_a_pair_without_sas():
    result = read_status(IOS_REKEY, "cisco_ios", "rekey.txt")
    (t,) = result["tunnels"]
    assert (t["name"], t["peer"], t["local"]) == ("GigabitEthernet0/0", "203.0.113.10", "198.51.100.2")
    rekeying, idle = t["phase2"]
    assert (rekeying["local_ts"], rekeying["remote_ts"]) == ("10.10.1.0/24", "172.16.1.0/24")
    assert (rekeying["spi_in"], rekeying["spi_out"], rekeying["established"]) == ("0xa0000001", "0xb0000002", True)
    assert (rekeying["pfs"], rekeying["dh_group"], rekeying["transform"]) == (
        "Y",
        "group14",
        "esp-aes 256 esp-sha256-hmac",
    )
    assert "protocol" not in rekeying
    assert (idle["protocol"], idle["local_port"], idle["local_ts"]) == (6, 443, "10.10.2.0/24")
    assert "remote_port" not in idle
    assert idle["established"] is False and idle["state"] is None  # no SA listed
    assert "spi_out" not in idle and "spi_in" not in idle  # "0x0"
    assert "status.several-sas" in rules(result)
    assert "status.phase2-down" in rules(result)


def test_read_status_file_with_crlf_and_text_report(tmp_path):
    path = tmp_path / "out.txt"
    sample = (SAMPLES / "show-crypto-isakmp-sa.txt").read_text(encoding="utf-8")
    path.write_bytes(sample.replace("\n", "\r\n").encode())
    result = read_status_file(str(path), "cisco_ios")
    assert result["file"] == str(path) and len(result["tunnels"]) == 3
    report = format_status(result)
    assert "'show crypto isakmp sa', 3 tunnel(s)" in report
    assert "peer 203.0.113.20 local 198.51.100.2  phase1 IKEv1 DOWN (MM_KEY_EXCH)" in report
    assert "warning status.phase1-down" in report


def test_alias_ios_reads_as_cisco_ios():
    text = (SAMPLES / "show-crypto-isakmp-sa.txt").read_text(encoding="utf-8")
    assert read_status(text, "ios", "isakmp.txt")["vendor"] == "cisco_ios"


def test_a_row_in_an_unknown_layout_is_unread_at_its_line():
    # the isakmp sa header, then a row with a column the layout does not have
    text = """idc-r1#show crypto isakmp sa
IPv4 Crypto ISAKMP SA
dst             src             state          conn-id status
203.0.113.10    198.51.100.2    QM_IDLE           1004 ACTIVE
203.0.113.20    198.51.100.2    QM_IDLE           1005 ACTIVE  IKEv1-FRAG

IPv6 Crypto ISAKMP SA
"""
    result = read_status(text, "cisco_ios", "odd.txt")
    assert [t["peer"] for t in result["tunnels"]] == ["203.0.113.10"]
    (unread,) = [f for f in result["findings"] if f["rule"] == "status.unread"]
    assert (unread["severity"], unread["line"]) == ("error", 5)
    assert unread["message"].startswith("odd.txt:5: ") and "203.0.113.20" in unread["message"]


def test_isakmp_sa_detail_header_with_an_unknown_row_is_unread_not_no_sas():
    text = """idc-r1#show crypto isakmp sa detail
IPv4 Crypto ISAKMP SA

C-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.

1004  198.51.100.2    203.0.113.10           ACTIVE
"""
    result = read_status(text, "cisco_ios", "detail.txt")
    assert result["tunnels"] == []
    assert [(f["rule"], f["line"]) for f in result["findings"]] == [("status.unread", 6)]


@pytest.mark.parametrize("command", ["show crypto ikev2 sa", "show crypto ikev2 sa detail"])
def test_empty_ikev2_output_is_no_sas(command):
    text = f"idc-r1#{command}\n IPv4 Crypto IKEv2  SA\n\n IPv6 Crypto IKEv2  SA\n\n"
    result = read_status(text, "cisco_ios", "ikev2.txt")
    assert (result["command"], result["tunnels"], rules(result)) == (command, [], ["status.no-sas"])


def test_ikev2_sa_and_its_detail_are_told_apart_without_a_prompt():
    pairs = (
        ("show-crypto-ikev2-sa", "show crypto ikev2 sa"),
        ("show-crypto-ikev2-sa-detail", "show crypto ikev2 sa detail"),
    )
    for name, command in pairs:
        lines = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8").splitlines()[1:]
        result = read_status("\n".join(lines), "cisco_ios", f"{name}.txt")
        assert result["command"] == command
        assert not {"status.ambiguous-command", "status.detected-by-records", "status.unread"} & set(rules(result))


def test_session_brief_joined_to_the_config_counts_a_session_as_up():
    from vpnconf.status import join_config

    class Tunnel:
        def __init__(self, name: str, peer: str) -> None:
            self.name, self.peer_address, self.selectors = name, peer, [("10.10.1.0/24", "172.16.1.0/24")]

    class Device:
        file = "r1.cfg"
        tunnels = [Tunnel("cloud", "203.0.113.10"), Tunnel("idle", "203.0.113.20"), Tunnel("down", "203.0.113.30")]

    doc = read_status((SAMPLES / "show-crypto-session-brief.txt").read_text(encoding="utf-8"), "cisco_ios", "brief.txt")
    states = {t["name"]: t["state"] for t in join_config([doc], [Device()])["tunnels"]}
    assert states == {"cloud": "up", "idle": "half-up", "down": "down"}


def local_samples() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt"))


@pytest.mark.parametrize("sample", local_samples(), ids=lambda p: p.name)
def test_every_sample_as_pasted_reads_the_same(sample):
    """Flush-left, a --More-- marker with the backspaces that erased it, the prompt
    before (added when the sample has none) and after: the same tunnels, nothing unread."""
    text = sample.read_text(encoding="utf-8")
    plain = read_status(text, "cisco_ios", sample.name)
    lines = [line.lstrip() for line in text.splitlines()]
    if not re.match(r"^[\w.-]+[#>]", lines[0]):
        lines.insert(0, f"idc-r1#{plain['command']}")
    mid = len(lines) // 2
    lines[mid] = MORE + lines[mid]
    pasted = read_status("\n".join([*lines, "idc-r1#", ""]), "cisco_ios", sample.name)
    assert pasted["tunnels"] == plain["tunnels"]
    assert pasted["command"] == plain["command"]
    assert "status.unread" not in rules(pasted)


def test_every_command_pasted_into_one_file():
    samples = [p for p in local_samples() if not p.stem.endswith("-pasted")]
    texts = [p.read_text(encoding="utf-8") for p in samples]
    singles = [read_status(t, "cisco_ios", p.name) for p, t in zip(samples, texts, strict=True)]
    flush = "\n".join(line.lstrip() for t in texts for line in t.splitlines())
    result = read_status(flush, "cisco_ios", "session.log")
    assert [p["command"] for p in result["parts"]] == [r["command"] for r in singles]
    assert result["tunnels"] == [t for r in singles for t in r["tunnels"]]
    assert "status.unread" not in rules(result)
