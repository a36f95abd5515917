"""Libreswan status output that cannot be a conformance sample (those must read
with no unread line): a row that names no peer is an error naming its line,
never a silent gap."""

from __future__ import annotations

from vpnconf.status import read_status


def test_trafficstatus_row_without_a_peer_is_reported_unread() -> None:
    text = (
        "#2: \"tencent-1\", type=ESP, add_time=1765000000, inBytes=84, outBytes=84, maxBytes=2^63B, id='203.0.113.10'\n"
        "#6: \"branch\", type=ESP, add_time=1765000200, inBytes=0, outBytes=0, maxBytes=1800MiB, id='@branch.example.org'\n"
    )
    r = read_status(text, "libreswan", "ts.txt")
    assert r["command"] == "ipsec trafficstatus"
    assert [t["peer"] for t in r["tunnels"]] == ["203.0.113.10"]
    unread = [f for f in r["findings"] if f["rule"] == "status.unread"]
    assert len(unread) == 1 and unread[0]["line"] == 2 and unread[0]["severity"] == "error"
    assert "@branch.example.org" in unread[0]["message"]


def test_showstates_ike_sa_state_carries_to_the_child_sas_after_it() -> None:
    text = (
        '#1: "a-1":500 ESTABLISHED_IKE_SA (established IKE SA); REKEY in 100s; newest; idle;\n'
        '#2: "a-1":500 ESTABLISHED_CHILD_SA (established Child SA); REKEY in 50s; newest; eroute owner; IKE SA #1; idle;\n'
        '#2: "a-1" esp.0000aaaa@203.0.113.1 esp.0000bbbb@192.0.2.1 tun.0@203.0.113.1 tun.0@192.0.2.1 Traffic: ESPin=0B ESPout=0B ESPmax=2^63B\n'
        '#3: "a-2":500 V2_NEW_CHILD_I1 (sent CREATE_CHILD_SA request); RETRANSMIT in 5s; idle;\n'
        '#4: "b":500 STATE_MAIN_I1 (sent Main Mode request); RETRANSMIT in 9s; idle;\n'
    )
    r = read_status(text, "libreswan", "ss.txt")
    assert not [f for f in r["findings"] if f["severity"] == "error"], r["findings"]
    (t,) = r["tunnels"]
    assert (t["name"], t["peer"], t["phase1"]["unique_id"], t["phase1"]["established"]) == (
        "a-1",
        "203.0.113.1",
        1,
        True,
    )
    assert [(p["unique_id"], p["established"]) for p in t["phase2"]] == [(2, True)]
