"""Tunnel status from operational output (vpnconf.status): every command sample,
the two real IOS outputs of the shared corpus, command detection, odd layouts and
bad input. The expected values were read off each sample by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import IN_CI, ROOT, SHARED
from vpnconf.findings import VpnconfError
from vpnconf.status import format_status, read_status, read_status_file, status_templates

CORPUS = SHARED / "corpus" / "show_outputs"

COMMANDS = {
    "cisco_ios": {"show crypto isakmp sa", "show crypto session detail", "show crypto ipsec sa detail"},
    "cisco_asa": {"show crypto ikev1 sa", "show crypto ipsec sa"},
    "juniper_srx": {"show security ike security-associations", "show security ipsec security-associations"},
    "fortinet_fortios": {"diagnose vpn tunnel list"},
    "strongswan": {"swanctl --list-sas"},
}

# (vendor, sample file, command it is)
SAMPLES = [
    ("cisco_ios", "cisco_ios-show-crypto-isakmp-sa.txt", "show crypto isakmp sa"),
    ("cisco_asa", "cisco_asa-show-crypto-ikev1-sa.txt", "show crypto ikev1 sa"),
    ("cisco_asa", "cisco_asa-show-crypto-ipsec-sa.txt", "show crypto ipsec sa"),
    (
        "juniper_srx",
        "juniper_srx-show-security-ike-security-associations.txt",
        "show security ike security-associations",
    ),
    (
        "juniper_srx",
        "juniper_srx-show-security-ipsec-security-associations.txt",
        "show security ipsec security-associations",
    ),
    ("fortinet_fortios", "fortinet_fortios-diagnose-vpn-tunnel-list.txt", "diagnose vpn tunnel list"),
    ("strongswan", "strongswan-swanctl-list-sas.txt", "swanctl --list-sas"),
]
CORPUS_SAMPLES = [
    ("cisco_ios", "cisco_ios-show-crypto-session-detail.txt", "show crypto session detail"),
    ("cisco_ios", "cisco_ios-show-crypto-ipsec-sa-detail.txt", "show crypto ipsec sa detail"),
]


def sample(name: str) -> str:
    vendor, _, rest = name.partition("-")
    while not (ROOT / "vendors" / vendor / "status" / "samples" / rest).is_file() and "-" in rest:
        more, _, rest = rest.partition("-")
        vendor = f"{vendor}-{more}"
    return (ROOT / "vendors" / vendor / "status" / "samples" / rest).read_text(encoding="utf-8")


def corpus(name: str) -> str:
    """A real output from the shared corpus (read there, never copied)."""
    path = CORPUS / name
    if not path.is_file():
        if IN_CI:
            pytest.fail(f"CI must have the shared corpus: {path} is missing")
        pytest.skip(f"shared corpus not here: {path}")
    return path.read_text(encoding="utf-8")


def read(vendor: str, name: str, **kw: Any) -> dict[str, Any]:
    return read_status(sample(name), vendor, name, **kw)


def by_peer(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    peers = [t["peer"] for t in result["tunnels"]]
    assert len(peers) == len(set(peers)), peers
    return {t["peer"]: t for t in result["tunnels"]}


def rules(result: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in result["findings"]]


# ------------------------------------------------------------------ templates
def test_every_vendor_has_its_status_templates_discovered():
    for vendor, commands in COMMANDS.items():
        tpls = status_templates(vendor)
        assert {t.command for t in tpls} == commands, vendor
        for t in tpls:
            assert t.path.parent.name == "status" and t.path.parent.parent.name == vendor
            assert t.detect is not None, f"{t.path}: no Detect header"


@pytest.mark.parametrize(("vendor", "name", "command"), SAMPLES)
def test_sample_is_detected_as_its_command(vendor, name, command):
    result = read(vendor, name)
    assert result["vendor"] == vendor
    assert result["command"] == command
    assert result["file"] == name
    assert result["tunnels"]
    assert not {"status.ambiguous-command", "status.detected-by-records"} & set(rules(result))
    json.dumps(result)  # JSON-ready


@pytest.mark.parametrize(("vendor", "name", "command"), SAMPLES)
def test_sample_is_read_by_no_other_vendor(vendor, name, command):
    for other in COMMANDS:
        if other == vendor:
            continue
        with pytest.raises(VpnconfError) as exc:
            read_status(sample(name), other, name)
        msg = str(exc.value)
        assert "\n" not in msg and msg.startswith(f"{name}: ")
        assert f"looks like {vendor} '{command}' output" in msg


def test_vendor_aliases_resolve():
    assert read("ios", "cisco_ios-show-crypto-isakmp-sa.txt")["vendor"] == "cisco_ios"
    assert read("srx", "juniper_srx-show-security-ike-security-associations.txt")["vendor"] == "juniper_srx"
    assert read("fortigate", "fortinet_fortios-diagnose-vpn-tunnel-list.txt")["vendor"] == "fortinet_fortios"
    assert read("asa", "cisco_asa-show-crypto-ikev1-sa.txt")["vendor"] == "cisco_asa"


# ------------------------------------------------------------------ Cisco IOS
def test_ios_isakmp_sa():
    result = read("cisco_ios", "cisco_ios-show-crypto-isakmp-sa.txt")
    t = by_peer(result)
    assert set(t) == {"203.0.113.10", "203.0.113.20", "192.0.2.77"}
    # 198.51.100.2 is in every SA: the router; it is dst of the SA 192.0.2.77 initiated
    assert {x["local"] for x in t.values()} == {"198.51.100.2"}
    up = t["203.0.113.10"]["phase1"]
    assert up == {
        "state": "QM_IDLE",
        "established": True,
        "version": 1,
        "conn_id": 1004,
        "status": "ACTIVE",
        "role": "initiator",
    }
    assert t["192.0.2.77"]["phase1"]["role"] == "responder"
    assert t["192.0.2.77"]["phase1"]["established"] is True
    down = t["203.0.113.20"]["phase1"]
    assert (down["state"], down["established"], down["mode"], down["conn_id"]) == ("MM_KEY_EXCH", False, "main", 1005)
    assert all(x["phase2"] is None for x in t.values())  # IKE SAs only
    assert rules(result) == ["status.phase1-down"]
    assert "203.0.113.20" in result["findings"][0]["message"]


ISAKMP_ONE_ROW = """IPv4 Crypto ISAKMP SA
dst             src             state          conn-id status
198.51.100.2    203.0.113.10    QM_IDLE           1001 ACTIVE
"""


def test_ios_isakmp_single_sa_does_not_say_which_end_is_the_router():
    result = read_status(ISAKMP_ONE_ROW, "cisco_ios", "r1.txt")
    (t,) = result["tunnels"]
    assert (t["peer"], t["local"]) == ("198.51.100.2", "203.0.113.10")  # dst taken as the peer ...
    assert "status.ambiguous-end" in rules(result)  # ... and said so
    result = read_status(ISAKMP_ONE_ROW, "cisco_ios", "r1.txt", local_addresses=["198.51.100.2"])
    (t,) = result["tunnels"]
    assert (t["peer"], t["local"], t["phase1"]["role"]) == ("203.0.113.10", "198.51.100.2", "responder")
    assert "status.ambiguous-end" not in rules(result)


def test_ios_isakmp_older_layout_with_slot_and_deleted_sa():
    text = """dst             src             state          conn-id slot status
203.0.113.10    198.51.100.2    QM_IDLE              1    0 ACTIVE
203.0.113.20    198.51.100.2    QM_IDLE              2    0 ACTIVE (deleted)
"""
    t = by_peer(read_status(text, "cisco_ios", "old.txt"))
    assert t["203.0.113.10"]["phase1"]["established"] is True
    assert t["203.0.113.20"]["phase1"]["status"] == "ACTIVE (deleted)"
    assert t["203.0.113.20"]["phase1"]["established"] is False


def test_ios_isakmp_header_without_sas_is_an_empty_status():
    text = "IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n\nIPv6 Crypto ISAKMP SA\n\n"
    result = read_status(text, "cisco_ios", "idle.txt")
    assert result["command"] == "show crypto isakmp sa"
    assert result["tunnels"] == []
    assert rules(result) == ["status.no-sas"]


def test_ios_crypto_session_detail_corpus():
    text = corpus("cisco_ios-show-crypto-session-detail.txt")
    result = read_status(text, "cisco_ios", "session.txt")
    assert result["command"] == "show crypto session detail"
    assert [t["name"] for t in result["tunnels"]] == ["Tunnel1201", "Tunnel1101", "Tunnel2201"]
    t = by_peer(result)

    up = t["192.168.0.1"]
    assert (up["name"], up["local"], up["peer_port"], up["local_port"]) == ("Tunnel1101", "169.0.1.1", 4500, 4500)
    assert (up["session_status"], up["uptime"]) == ("UP-ACTIVE", "7w0d")
    assert up["phase1"] == {
        "state": "Active",
        "established": True,
        "version": 1,
        "remote_id": "SOME_DEVICE1234.1pc.com",
    }
    (flow,) = up["phase2"]
    assert (flow["local_ts"], flow["remote_ts"], flow["protocol"]) == ("169.0.1.1/32", "192.168.0.1/32", 47)
    assert (flow["active_sas"], flow["established"]) == (2, True)
    assert (flow["packets_in"], flow["packets_out"]) == (15344097, 18074395)
    assert (flow["drops_in"], flow["drops_out"]) == (0, 0)

    for peer, name in (("10.161.255.14", "Tunnel1201"), ("10.163.255.14", "Tunnel2201")):
        down = t[peer]
        assert (down["name"], down["local"], down["session_status"]) == (name, "10.175.200.116", "DOWN-NEGOTIATING")
        assert "uptime" not in down  # not carried over from another session
        assert down["phase1"]["state"] == "Inactive" and down["phase1"]["established"] is False
        (flow,) = down["phase2"]
        assert (flow["local_ts"], flow["remote_ts"]) == ("10.175.200.116/32", f"{peer}/32")
        assert (flow["active_sas"], flow["established"], flow["packets_in"], flow["packets_out"]) == (0, False, 0, 0)
    assert rules(result).count("status.phase1-down") == 2
    assert rules(result).count("status.phase2-down") == 2


def test_ios_ipsec_sa_detail_corpus():
    text = corpus("cisco_ios-show-crypto-ipsec-sa-detail.txt")
    result = read_status(text, "cisco_ios", "ipsec.txt")
    assert result["command"] == "show crypto ipsec sa detail"
    t = by_peer(result)
    assert set(t) == {"2.2.2.2", "3.3.3.3"}
    one, two = t["2.2.2.2"], t["3.3.3.3"]
    assert (one["name"], one["local"], one["crypto_map"], one["peer_port"]) == (
        "Tunnel1",
        "1.2.3.4",
        "Tunnel1-head-0",
        4500,
    )
    assert (two["name"], two["local"], two["crypto_map"]) == ("Tunnel2", "1.2.3.4", "Tunnel2-head-0")
    assert one["phase1"] is None  # IPsec SAs only
    (sa,) = one["phase2"]
    assert (sa["local_ts"], sa["remote_ts"], sa["protocol"]) == ("1.2.3.4/32", "2.2.2.2/32", 47)  # GRE over IPsec
    assert (sa["state"], sa["established"]) == ("ACTIVE", True)
    assert (sa["spi_in"], sa["spi_out"]) == ("0xabcd1234", "0x1234abcd")
    assert (sa["packets_in"], sa["packets_out"]) == (4112421, 4981028)
    assert sa["transform"] == "esp-256-aes esp-sha-hmac"
    assert (sa["lifetime_remaining_kb"], sa["lifetime_remaining_seconds"]) == (4332650, 3205)
    assert sa["pfs"] == "N" and "dh_group" not in sa  # "none"
    (sa,) = two["phase2"]
    assert (sa["remote_ts"], sa["spi_in"], sa["spi_out"]) == ("3.3.3.3/32", "0x1234dcba", "0x4321dcba")
    assert (sa["packets_in"], sa["packets_out"], sa["established"]) == (12013064, 13133657, True)
    assert result["findings"] == []


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


def test_ios_ipsec_sa_during_rekey_and_a_pair_without_sas():
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


# ------------------------------------------------------------------ Cisco ASA
def test_asa_ikev1_sa():
    result = read("cisco_asa", "cisco_asa-show-crypto-ikev1-sa.txt")
    t = by_peer(result)
    assert set(t) == {"203.0.113.10", "203.0.113.20"}
    assert t["203.0.113.10"]["phase1"] == {
        "state": "MM_ACTIVE",
        "established": True,
        "version": 1,
        "index": 1,
        "type": "L2L",
        "role": "initiator",
        "rekey": "no",
        "mode": "main",
    }
    p1 = t["203.0.113.20"]["phase1"]
    assert (p1["state"], p1["established"], p1["role"]) == ("MM_WAIT_MSG3", False, "responder")
    assert t["203.0.113.10"]["phase2"] is None
    assert "local" not in t["203.0.113.10"]  # not shown
    assert rules(result) == ["status.phase1-down"]


def test_asa_ikev1_sa_detail_and_isakmp_sa_with_an_ikev2_part():
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
    (t,) = result["tunnels"]  # the IKEv2 part is another layout, not read
    p1 = t["phase1"]
    assert (p1["state"], p1["established"], p1["mode"], p1["role"]) == ("AM_ACTIVE", True, "aggressive", "responder")
    assert (p1["encryption"], p1["hash"], p1["auth"]) == ("aes-256", "SHA", "preshared")
    assert (p1["lifetime_seconds"], p1["lifetime_remaining_seconds"]) == (86400, 85022)


def test_asa_ipsec_sa():
    result = read("cisco_asa", "cisco_asa-show-crypto-ipsec-sa.txt")
    (t,) = result["tunnels"]
    assert (t["name"], t["peer"], t["local"]) == ("outside", "203.0.113.10", "198.51.100.2")
    assert (t["crypto_map"], t["crypto_map_seq"]) == ("outside_map", 10)
    assert t["phase1"] is None
    app, db = t["phase2"]
    assert (app["local_ts"], app["remote_ts"]) == ("10.10.1.0/24", "172.16.1.0/24")
    assert (app["spi_in"], app["spi_out"]) == ("0x5e6f7a8b", "0xc1a2b3d4")
    assert (app["packets_in"], app["packets_out"]) == (1498, 1520)
    assert (app["state"], app["established"]) == (None, True)  # no state printed: SPIs both ways
    assert app["transform"] == "esp-aes-256 esp-sha-hmac no compression"
    assert app["settings"] == "L2L, Tunnel, PFS Group 2, IKEv1"
    assert (app["lifetime_remaining_kb"], app["lifetime_remaining_seconds"]) == (4373850, 3412)
    assert (db["local_ts"], db["remote_ts"]) == ("10.10.2.0/24", "172.16.2.0/24")
    assert (db["spi_in"], db["spi_out"]) == ("0x2d4c6e81", "0x9f1b3a57")
    assert (db["packets_in"], db["packets_out"], db["established"]) == (12, 0, True)
    assert result["findings"] == []


# ------------------------------------------------------------------ Juniper SRX
def test_srx_ike_security_associations():
    result = read("juniper_srx", "juniper_srx-show-security-ike-security-associations.txt")
    t = by_peer(result)
    assert set(t) == {"203.0.113.10", "203.0.113.20", "192.0.2.77"}
    assert t["203.0.113.10"]["phase1"] == {
        "state": "UP",
        "established": True,
        "version": 2,
        "index": 4325831,
        "spi_i": "8f2e1c0a9b3d4e5f",
        "spi_r": "1a2b3c4d5e6f7081",
    }
    main = t["203.0.113.20"]["phase1"]
    assert (main["state"], main["established"], main["version"], main["mode"]) == ("UP", True, 1, "main")
    down = t["192.0.2.77"]["phase1"]
    assert (down["state"], down["established"], down["spi_r"]) == ("DOWN", False, "0000000000000000")
    assert rules(result) == ["status.phase1-down"]


def test_srx_ipsec_security_associations():
    result = read("juniper_srx", "juniper_srx-show-security-ipsec-security-associations.txt")
    t = by_peer(result)
    assert set(t) == {"203.0.113.10", "203.0.113.20"}
    a, b = t["203.0.113.10"]["phase2"]  # two traffic selectors: two tunnel IDs, each < and >
    assert (a["id"], a["spi_in"], a["spi_out"]) == (131073, "0x9a3f5c71", "0xe4b2d690")
    assert (b["id"], b["spi_in"], b["spi_out"]) == (131074, "0x5b07c2e8", "0xd13a6f42")
    assert a["algorithm"] == "ESP:aes-cbc-256/sha256"
    assert (a["lifetime_remaining_seconds"], a["established"]) == (3185, True)
    assert a["local_ts"] is None and a["remote_ts"] is None  # not shown in this form
    assert "lifetime_remaining_kb" not in a  # unlim
    assert t["203.0.113.10"]["peer_port"] == 500 and t["203.0.113.10"]["phase1"] is None
    (c,) = t["203.0.113.20"]["phase2"]
    assert (c["id"], c["spi_in"], c["spi_out"], c["monitor"]) == (131075, "0x2c81f0a7", "0x71d9e3b5", "U")
    assert t["203.0.113.20"]["peer_port"] == 4500
    assert result["findings"] == []


def test_srx_cluster_and_older_column_orders():
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


# ------------------------------------------------------------------ FortiOS
def test_fortios_diagnose_vpn_tunnel_list():
    result = read("fortinet_fortios", "fortinet_fortios-diagnose-vpn-tunnel-list.txt")
    assert [t["name"] for t in result["tunnels"]] == ["to-tencent-1", "to-tencent-2"]
    one, two = result["tunnels"]
    assert (one["peer"], one["local"], one["tun_id"]) == ("203.0.113.10", "198.51.100.2", "203.0.113.10")
    assert "peer_port" not in one  # ":0"
    assert (one["rx_packets"], one["tx_packets"], one["rx_bytes"], one["tx_bytes"]) == (2841, 3017, 402613, 1187520)
    assert one["phase1"] == {"state": None, "established": None, "version": 1}  # not shown by this command
    app, db = one["phase2"]
    assert (app["name"], app["local_ts"], app["remote_ts"]) == ("to-tencent-1-app", "10.10.1.0/24", "172.16.1.0/24")
    assert (app["active_sas"], app["established"]) == (1, True)
    assert (app["spi_in"], app["spi_out"]) == ("0x8d41f2a6", "0x4e7b09d3")
    assert (app["packets_in"], app["bytes_in"], app["packets_out"], app["bytes_out"]) == (2841, 238644, 3017, 1001644)
    assert (app["encryption"], app["integrity"]) == ("aes", "sha256")
    assert (app["lifetime_remaining_seconds"], app["lifetime_seconds"]) == (3289, 3600)
    # a selector printed as a range
    assert (db["local_ts"], db["remote_ts"], db["established"]) == ("10.10.2.0/24", "172.16.2.0/24", True)
    assert (db["spi_in"], db["spi_out"], db["bytes_in"]) == ("0xb2c4e6f8", "0x1a3c5e70", 0)

    assert (two["peer"], two["phase1"]["version"]) == ("203.0.113.20", 2)
    (sel,) = two["phase2"]
    assert (sel["local_ts"], sel["remote_ts"], sel["active_sas"], sel["established"]) == (
        "10.10.3.0/24",
        "172.16.3.0/24",
        0,
        False,
    )
    assert "spi_in" not in sel
    assert rules(result) == ["status.not-shown", "status.phase2-down"]


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


# ------------------------------------------------------------------ strongSwan
def test_strongswan_list_sas_real_output():
    """Captured from two strongSwan 5.9.8 daemons of vpnconf.labnet (one IKEv2 SA
    with two CHILD_SAs, one IKEv1 SA, one IKE_SA still connecting)."""
    result = read("strongswan", "strongswan-swanctl-list-sas.txt")
    assert [t["name"] for t in result["tunnels"]] == ["backup-dc", "legacy-v1", "idc-to-vpc"]
    connecting, v1, v2 = result["tunnels"]
    for t in result["tunnels"]:
        assert (t["peer"], t["local"]) == ("198.18.0.2", "198.18.0.1")

    assert connecting["peer_port"] == 600
    assert connecting["phase1"]["state"] == "CONNECTING" and connecting["phase1"]["established"] is False
    assert connecting["phase2"] == []

    p1 = v2["phase1"]
    assert (p1["state"], p1["established"], p1["version"], p1["unique_id"]) == ("ESTABLISHED", True, 2, 1)
    assert p1["algorithm"] == "AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"
    assert (p1["spi_i"], p1["spi_r"]) == ("a27386c29f7599c2", "192a958f8cbba72f")
    assert (p1["local_id"], p1["remote_id"], v2["peer_port"]) == ("198.18.0.1", "198.18.0.2", 4500)
    app, db = v2["phase2"]
    assert (app["name"], app["state"], app["established"]) == ("app", "INSTALLED", True)
    assert (app["local_ts"], app["remote_ts"]) == ("10.10.1.0/24", "172.16.1.0/24")
    assert (app["spi_in"], app["spi_out"]) == ("0x2a98853e", "0x5ff3b0cd")
    assert (app["bytes_in"], app["packets_in"], app["bytes_out"], app["packets_out"]) == (336, 4, 336, 4)
    assert (app["mode"], app["ipsec_protocol"], app["algorithm"]) == (
        "TUNNEL-in-UDP",
        "ESP",
        "AES_CBC-128/HMAC_SHA1_96",
    )
    assert (app["rekey_in_seconds"], app["lifetime_remaining_seconds"]) == (3253, 3958)
    assert (db["name"], db["local_ts"], db["remote_ts"]) == ("db", "10.10.2.0/24", "172.16.2.0/24")
    assert (db["spi_in"], db["spi_out"], db["bytes_in"], db["packets_out"]) == ("0x3f94a643", "0x345f8890", 0, 0)

    p1 = v1["phase1"]
    assert (p1["state"], p1["established"], p1["version"]) == ("ESTABLISHED", True, 1)
    (mgmt,) = v1["phase2"]
    assert (mgmt["local_ts"], mgmt["remote_ts"]) == ("10.10.9.1/32", "172.16.9.1/32")
    assert (mgmt["spi_in"], mgmt["spi_out"], mgmt["bytes_in"], mgmt["packets_in"]) == (
        "0x5761de7d",
        "0xbe1795ad",
        168,
        2,
    )
    assert mgmt["algorithm"] == "AES_CBC-256/HMAC_SHA2_256_128"
    assert rules(result) == ["status.phase1-down"]


def test_strongswan_several_selectors_and_a_rekeyed_child():
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


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("text", "vendor", "expected"),
    [
        ("", "cisco_ios", "empty input"),
        ("  \n\t\n", "strongswan", "empty input"),
        ("Building configuration...\ncrypto isakmp policy 10\n encr aes 256\n", "cisco_ios", "not a cisco_ios status"),
        ("%Error opening tftp://x (Timed out)\n", "cisco_asa", "not a cisco_asa status"),
        ("random words\n1 2 3\n", "juniper_srx", "not a juniper_srx status"),
        ("garbage", "fortinet_fortios", "not a fortinet_fortios status"),
        ("no SAs here\n", "strongswan", "not a strongswan status"),
        ("a\x00b\n", "cisco_ios", "binary data"),
    ],
)
def test_bad_input_is_one_clear_error_naming_the_file(text, vendor, expected):
    with pytest.raises(VpnconfError) as exc:
        read_status(text, vendor, "device-output.txt")
    msg = str(exc.value)
    assert msg.startswith("device-output.txt: ") and expected in msg
    assert "\n" not in msg and "Traceback" not in msg


def test_wrong_vendor_says_which_vendor_it_looks_like():
    with pytest.raises(
        VpnconfError, match=r"looks like strongswan 'swanctl --list-sas' output \(try --vendor strongswan\)"
    ):
        read_status(sample("strongswan-swanctl-list-sas.txt"), "juniper_srx", "sas.txt")
    # IOS and ASA share the ipsec sa layout: an ASA output is not taken for an empty IOS one
    with pytest.raises(VpnconfError, match=r"looks like cisco_asa 'show crypto ipsec sa'"):
        read_status(sample("cisco_asa-show-crypto-ipsec-sa.txt"), "cisco_ios", "asa.txt")


def test_unknown_vendor_and_missing_file():
    with pytest.raises(VpnconfError, match="unknown vendor"):
        read_status("x", "nokia", "x.txt")
    with pytest.raises(VpnconfError, match="no such file"):
        read_status_file("/nonexistent/show.txt", "cisco_ios")


def test_read_status_file_and_text_report(tmp_path):
    path = tmp_path / "out.txt"
    path.write_bytes(sample("cisco_ios-show-crypto-isakmp-sa.txt").replace("\n", "\r\n").encode())
    result = read_status_file(str(path), "cisco_ios")
    assert result["file"] == str(path) and len(result["tunnels"]) == 3
    report = format_status(result)
    assert "'show crypto isakmp sa', 3 tunnel(s)" in report
    assert "peer 203.0.113.20 local 198.51.100.2  phase1 IKEv1 DOWN (MM_KEY_EXCH)" in report
    assert "warning status.phase1-down" in report


def test_two_outputs_in_one_file_are_flagged():
    text = sample("juniper_srx-show-security-ike-security-associations.txt") + sample(
        "juniper_srx-show-security-ipsec-security-associations.txt"
    )
    result = read_status(text, "juniper_srx", "both.txt")
    assert result["command"] == "show security ipsec security-associations"  # more rows
    assert "status.ambiguous-command" in rules(result)
