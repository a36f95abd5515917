"""Huawei VRP status read with its configuration: the written `display ipsec sa`
sample joined to a policy-based config with the same two selector pairs is up;
with a third pair configured it is half-up; `display ipsec sa brief` with the
device's own address given says which end is the peer."""

from __future__ import annotations

from pathlib import Path

from vpnconf.parsing import parse_text
from vpnconf.status import join_config, read_status

SAMPLES = Path(__file__).resolve().parent.parent / "status" / "samples"
VENDOR = "huawei_vrp"

CONFIG = """\
acl number 3000
 rule 5 permit ip source 10.0.1.0 0.0.0.255 destination 192.168.1.0 0.0.0.255
 rule 10 permit ip source 10.0.2.0 0.0.0.255 destination 192.168.1.0 0.0.0.255
{extra}#
ike proposal 10
 encryption-algorithm aes-256
 authentication-algorithm sha2-256
 dh group14
ike peer cloud
 undo version 2
 pre-shared-key cipher Status-Key-1
 ike-proposal 10
 remote-address 203.0.113.10
ipsec proposal cloud
 esp authentication-algorithm sha2-256
 esp encryption-algorithm aes-256
ipsec policy VPN-WAN 10 isakmp
 security acl 3000
 ike-peer cloud
 proposal cloud
interface GigabitEthernet0/0/1
 ip address 198.51.100.5 255.255.255.0
 ipsec policy VPN-WAN
"""


def _state(extra: str) -> str:
    doc = read_status((SAMPLES / "display-ipsec-sa.txt").read_text(), VENDOR, "sa.txt")
    dev = parse_text(CONFIG.format(extra=extra), "cfg", VENDOR)
    assert len(dev.tunnels) == 1
    tunnels = join_config([doc], [dev])["tunnels"]
    assert len(tunnels) == 1
    return str(tunnels[0]["state"])


def test_ipsec_sa_joined_to_its_config_is_up() -> None:
    assert _state("") == "up"


def test_a_configured_pair_without_sas_is_half_up() -> None:
    assert _state(" rule 15 permit ip source 10.0.3.0 0.0.0.255 destination 192.168.1.0 0.0.0.255\n") == "half-up"


def test_brief_with_the_device_address_names_the_peers() -> None:
    doc = read_status(
        (SAMPLES / "display-ipsec-sa-brief.txt").read_text(), VENDOR, "brief.txt", local_addresses=["198.51.100.5"]
    )
    assert sorted(t["peer"] for t in doc["tunnels"]) == ["203.0.113.10", "203.0.113.20"]
    assert not [f for f in doc["findings"] if f["rule"] == "status.ambiguous-end"]
