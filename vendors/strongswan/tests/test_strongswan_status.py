"""strongSwan status layouts beyond the sample (vendors/strongswan/status/samples,
checked by tests/test_conformance_status.py): a CHILD_SA with several selectors and a
rekeyed CHILD_SA beside its successor."""

from __future__ import annotations

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
