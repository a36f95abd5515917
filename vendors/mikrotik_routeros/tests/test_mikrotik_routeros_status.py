"""RouterOS status: what the samples cannot state. The policy print proves each
configured selector pair (up / half-up joined to the rendered quick start), the
installed-sa print needs the router's own addresses to tell its end, and
pasted sessions (prompts at a menu, flush left) read like the samples."""

from __future__ import annotations

from pathlib import Path

from conftest import site_with
from vpnconf.parsing import parse_text
from vpnconf.renderer import render
from vpnconf.status import join_config, read_status

VENDOR = "mikrotik_routeros"
SAMPLES = Path(__file__).resolve().parents[1] / "status" / "samples"


def _sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def _two_pairs() -> str:
    def m(d):  # type: ignore[no-untyped-def]
        d["tunnels"][0]["spd"] = [{"local": "192.168.1.0/24", "peers": ["10.0.1.0/24", "10.0.2.0/24"]}]

    return render(site_with(m), "TomVPNConn", VENDOR)


def test_policy_print_proves_each_selector_pair() -> None:
    dev = parse_text(_two_pairs(), "cfg.rsc", VENDOR)
    docs = [
        read_status(_sample("active-peers.txt"), VENDOR, "ap.txt"),
        read_status(_sample("policy-print.txt"), VENDOR, "pp.txt"),
    ]
    joined = join_config(docs, [dev])
    (t,) = joined["tunnels"]
    # 10.0.2.0/24 has no phase 2 in the sample: the IKE SA is up, one pair is not
    assert t["state"] == "half-up", t
    one = parse_text(render(site_with(), "TomVPNConn", VENDOR), "one.rsc", VENDOR)
    (t,) = join_config(docs, [one])["tunnels"]
    assert t["state"] == "up", t


def test_installed_sa_ends_are_told_by_the_routers_own_address() -> None:
    r = read_status(_sample("installed-sa.txt"), VENDOR, "sa.txt", local_addresses=["202.108.22.5"])
    assert {t["peer"] for t in r["tunnels"]} == {"203.195.147.82", "198.51.100.77"}
    assert not [f for f in r["findings"] if f["rule"] == "status.ambiguous-end"]
    cloud = next(t for t in r["tunnels"] if t["peer"] == "203.195.147.82")
    assert sorted(p["spi"] for p in cloud["phase2"]) == ["0x0222DAE8", "0x05173CDF"]


def test_a_session_typed_in_the_menu_reads_like_the_sample() -> None:
    text = _sample("active-peers.txt").replace(
        "[admin@MikroTik] > /ip ipsec active-peers print", "[admin@MikroTik] /ip ipsec> active-peers print"
    )
    flush = "\n".join(line.lstrip() for line in text.splitlines())
    want = [t["peer"] for t in read_status(_sample("active-peers.txt"), VENDOR, "a.txt")["tunnels"]]
    for variant in (text, flush):
        r = read_status(variant, VENDOR, "b.txt")
        assert [t["peer"] for t in r["tunnels"]] == want
        assert not [f for f in r["findings"] if f["severity"] == "error"]
