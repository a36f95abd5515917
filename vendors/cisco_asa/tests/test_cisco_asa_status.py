"""Cisco ASA status layouts beyond the samples (vendors/cisco_asa/status/samples, checked
by tests/test_conformance_status.py): ``show crypto ikev1 sa detail`` lines, and the
IKEv2 part of ``show crypto isakmp sa`` (another layout, not read)."""

from __future__ import annotations

from vpnconf.status import read_status


def test_ikev1_sa_detail_and_isakmp_sa_with_an_ikev2_part():
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
