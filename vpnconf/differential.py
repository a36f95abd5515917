"""Differential runs: random cloud/IDC parameter pairs, `check --peer`'s
prediction against what two real strongSwan daemons do (the lab is the judge).

    python -m vpnconf.differential --pairs 200 --seed 7
    python -m vpnconf.differential --text --pairs 120 --seed 7   (texts as people write them:
        vpnconf.differential_text)
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
from pathlib import Path
from typing import Any

from .compat import check_peer, cloud_end, establishes, idc_end
from .labnet import bgp_up
from .model import Site

BASE: dict[str, Any] = {
    "profile": "tencent",
    "vpc": {"name": "LabVPC", "region": "ap-guangzhou", "cidr_blocks": ["192.168.0.0/16"]},
    "vpn_gateways": [{"name": "gw", "public_ip": "203.195.147.82", "bandwidth_mbps": 10}],
    "customer_gateways": [{"name": "cgw", "public_ip": "202.108.22.5"}],
    "tunnels": [
        {
            "name": "t",
            "vpn_gateway": "gw",
            "customer_gateway": "cgw",
            "pre_shared_key": "Shared-Key-1",
            "spd": [{"local": "192.168.1.0/24", "peers": ["10.0.1.0/24"]}],
            "ike": {"version": 1, "encryption": "aes128", "integrity": "sha1", "dh_group": 14, "mode": "main"},
            "ipsec": {"encryption": "aes128", "integrity": "sha1", "pfs": "none"},
        }
    ],
}

ENC = ["aes128", "aes256", "3des"]
INTEG = ["sha1", "sha256", "md5"]
DH = [2, 14, 19]
PFS: list[Any] = ["none", 14, 5]


def random_pair(rng: random.Random) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(idc site data, cloud site data, what differs). Each parameter is equal
    on both ends most of the time and different sometimes."""
    common = copy.deepcopy(BASE)
    t = common["tunnels"][0]
    t["ike"].update(
        version=rng.choice([1, 2]),
        encryption=rng.choice(ENC),
        integrity=rng.choice(INTEG),
        dh_group=rng.choice(DH),
        lifetime_seconds=rng.choice([3600, 28800, 86400]),
    )
    t["ipsec"].update(
        encryption=rng.choice(ENC),
        integrity=rng.choice(INTEG),
        pfs=rng.choice(PFS),
        lifetime_seconds=rng.choice([1800, 3600]),
    )
    if t["ike"]["version"] == 1:
        t["ike"]["mode"] = rng.choice(["main", "main", "aggressive"])
    if rng.random() < 0.3:
        t["ike"]["local_id"] = {"type": "fqdn", "value": "cloud.example.com"}
        t["ike"]["peer_id"] = {"type": "fqdn", "value": "idc.example.com"}
    idc, cloud = copy.deepcopy(common), copy.deepcopy(common)
    ci = cloud["tunnels"][0]
    diff: dict[str, Any] = {}

    def maybe(name: str, p: float, apply: Any) -> None:
        if rng.random() < p:
            diff[name] = apply()

    maybe("ike.version", 0.08, lambda: _flip_version(ci))
    maybe("ike.encryption", 0.1, lambda: _other(ci["ike"], "encryption", ENC, rng))
    maybe("ike.integrity", 0.1, lambda: _other(ci["ike"], "integrity", INTEG, rng))
    maybe("ike.dh_group", 0.1, lambda: _other(ci["ike"], "dh_group", DH, rng))
    maybe("ipsec.encryption", 0.1, lambda: _other(ci["ipsec"], "encryption", ENC, rng))
    maybe("ipsec.integrity", 0.1, lambda: _other(ci["ipsec"], "integrity", INTEG, rng))
    maybe("ipsec.pfs", 0.15, lambda: _other(ci["ipsec"], "pfs", PFS, rng))
    if ci["ike"]["version"] == 1 and idc["tunnels"][0]["ike"]["version"] == 1:
        maybe("ike.mode", 0.08, lambda: _other(ci["ike"], "mode", ["main", "aggressive"], rng))
    maybe("pre_shared_key", 0.1, lambda: ci.update(pre_shared_key="Other-Key-2") or "Other-Key-2")
    maybe(
        "peer_id",
        0.08,
        lambda: ci["ike"].update(peer_id={"type": "fqdn", "value": "someone.example.com"}) or "someone.example.com",
    )
    maybe("selectors", 0.12, lambda: _selectors(ci, rng))
    maybe("lifetime", 0.2, lambda: ci["ike"].update(lifetime_seconds=7200) or 7200)
    # the kinds check claims beyond one proposal per phase and a policy-based tunnel
    if rng.random() < 0.3:
        diff["proposals"] = _proposal_lists(idc["tunnels"][0], ci, rng)
    if rng.random() < 0.3:
        diff["routing"] = _routing(idc, cloud, rng)
    return idc, cloud, diff


def _proposal_lists(it: dict[str, Any], ct: dict[str, Any], rng: random.Random) -> str:
    """Both ends offer lists (1-3 proposals per phase): the same in another
    order, overlapping in one, or disjoint; the single fields are the first."""
    kind = rng.choice(["reordered", "overlap", "disjoint"])
    for phase, make in (("ike", _ike_prop), ("ipsec", _esp_prop)):
        pool = list(dict.fromkeys(tuple(sorted(make(rng).items())) for _ in range(12)))
        rng.shuffle(pool)
        a = [dict(p) for p in pool[: rng.randint(1, 3)]]
        rest = [dict(p) for p in pool[len(a) :]]
        if kind == "reordered":
            b = list(reversed(a))
        elif kind == "overlap":
            b = [*rest[: rng.randint(0, 2)], rng.choice(a)]
            rng.shuffle(b)
        else:
            b = rest[: rng.randint(1, 3)]
        for t, props in ((it, a), (ct, b)):
            t[phase] = {k: v for k, v in t[phase].items() if k not in props[0]} | {"proposals": props}
    return kind


def _ike_prop(rng: random.Random) -> dict[str, Any]:
    return {"encryption": rng.choice(ENC), "integrity": rng.choice(INTEG), "dh_group": rng.choice(DH)}


def _esp_prop(rng: random.Random) -> dict[str, Any]:
    return {"encryption": rng.choice(ENC), "integrity": rng.choice(INTEG), "pfs": rng.choice(PFS)}


BGP = {"tunnel_cidr": "169.254.30.0/30", "local_ip": "169.254.30.1", "peer_ip": "169.254.30.2"}


def _routing(idc: dict[str, Any], cloud: dict[str, Any], rng: random.Random) -> str:
    """Route-based at both ends (static routes, or BGP with ASNs and inside
    addresses that match or not), or route-based at the IDC only."""
    kind = rng.choice(["static", "bgp", "bgp", "bgp-asn", "bgp-inside", "route-vs-policy"])
    for d in (idc, cloud):
        t = d["tunnels"][0]
        if kind == "route-vs-policy" and d is cloud:
            continue  # the cloud stays policy-based with its SPD
        t["spd"] = []
        if kind == "static" or kind == "route-vs-policy":
            t["route_type"] = "static"
            # route-vs-policy: the IDC routes the ranges the cloud's SPD names, so that
            # the lab's IDC host address lies in the selectors the cloud narrows to
            # (kernel-libipsec refuses a CHILD_SA whose local selector holds no address)
            peers = cloud["tunnels"][0]["spd"][0]["peers"] if kind == "route-vs-policy" else ["10.0.1.0/24"]
            t["routes"] = [{"destination": p} for p in peers]
        else:
            t["route_type"] = "bgp"
            t["bgp"] = dict(BGP, advertise=["10.0.1.0/24"])
            d["vpn_gateways"][0]["bgp_asn"] = 64551
            d["customer_gateways"][0]["bgp_asn"] = 65010
    ct = cloud["tunnels"][0]
    if kind == "bgp-asn":
        cloud["vpn_gateways"][0]["bgp_asn"] = 64552  # the IDC expects 64551
    if kind == "bgp-inside":
        ct["bgp"].update(tunnel_cidr="169.254.31.0/30", local_ip="169.254.31.1", peer_ip="169.254.31.2")
    return kind


def _flip_version(t: dict[str, Any]) -> int:
    t["ike"]["version"] = 3 - t["ike"]["version"]
    if t["ike"]["version"] == 2:
        t["ike"]["mode"] = "main"
    return int(t["ike"]["version"])


def _other(d: dict[str, Any], key: str, choices: list[Any], rng: random.Random) -> Any:
    d[key] = rng.choice([c for c in choices if c != d[key]])
    return d[key]


def _selectors(t: dict[str, Any], rng: random.Random) -> str:
    kind = rng.choice(["disjoint", "wider"])
    t["spd"] = [{"local": "192.168.1.0/24", "peers": ["10.0.9.0/24" if kind == "disjoint" else "10.0.0.0/16"]}]
    return kind


def run_pair(idc: dict[str, Any], cloud: dict[str, Any]) -> dict[str, Any]:
    from .catalog import lab_vendor
    from .lab import verify

    si, sc = Site.model_validate(idc), Site.model_validate(cloud)
    ti, tc = si.tunnels[0], sc.tunnels[0]
    pred = check_peer(
        idc_end(si, ti),
        cloud_end(sc, tc),
        a_vendor=lab_vendor().id,
        b_vendor=lab_vendor().id,
        a_name="idc",
        b_name="cloud",
        initiator="a",
    )
    ike, child = establishes(pred)
    # BGP (both ends run it): established unless check finds a routing error
    bgp = None
    if ti.bgp is not None and tc.bgp is not None:
        bgp = child and not any(f.severity == "error" and f.extra.get("stage") == "routing" for f in pred)
    rep = verify(si, ti.name, cloud=tc, timeout=8, cloud_site=sc)
    real_child = bool(rep["children"]) and all(c["established"] for c in rep["children"])
    real_bgp = (
        None
        if bgp is None
        else bool(rep["bgp"] and rep["bgp"]["established"] and bgp_up(rep["bgp"]["established"].values()))
    )
    return {
        "predicted": (ike, child, bgp),
        "lab": (bool(rep["ike_established"]), real_child, real_bgp),
        "reason": rep["reason"],
        "findings": [f.rule for f in pred if f.severity == "error"],
    }


def per_kind(rows: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """Agreement per kind of difference (a pair counts for each of its kinds;
    "same" is a pair without any): kind -> (pairs, agreeing)."""
    out: dict[str, tuple[int, int]] = {}
    for r in rows:
        kinds = [f"{k}={v}" if k in ("proposals", "routing") else k for k, v in r["diff"].items()] or ["same"]
        for k in kinds:
            n, ok = out.get(k, (0, 0))
            out[k] = (n + 1, ok + int(r["agree"]))
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--text" in args:
        from .differential_text import main as text_main

        return text_main(args)
    ap = argparse.ArgumentParser(prog="python -m vpnconf.differential")
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--report", type=Path)
    a = ap.parse_args(args)
    rng = random.Random(a.seed)
    agree = 0
    rows = []
    for i in range(a.pairs):
        idc, cloud, diff = random_pair(rng)
        r = run_pair(idc, cloud)
        ok = r["predicted"] == r["lab"]
        agree += ok
        rows.append({"i": i, "diff": diff, **r, "agree": ok})
        if not ok:
            print(
                f"DISAGREE #{i}: diff={diff} predicted={r['predicted']} lab={r['lab']} reason={r['reason']} "
                f"findings={r['findings']}",
                file=sys.stderr,
            )
    print(f"differential: seed {a.seed}, {a.pairs} pairs, agreement {agree}/{a.pairs} = {agree / a.pairs:.1%}")
    for kind, (n, ok) in sorted(per_kind(rows).items()):
        print(f"  {kind:<28} {ok}/{n}")
    if a.report:
        a.report.write_text(json.dumps(rows, indent=1, default=str))
    return 0 if agree == a.pairs else 1


if __name__ == "__main__":
    raise SystemExit(main())
