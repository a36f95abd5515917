"""Redundant pairs read back from a device config.

Two route-based tunnels of one device (one customer gateway) to two cloud
endpoints that carry the same networks are a pair: by static routes to the
same destinations, or by a BGP session each. Which one is the primary is what
the device says about their routes (the parsers' ``route_preference``: a
static route's distance, lower wins; ``bgp.local_preference`` on the routes
learnt from each neighbor, higher wins, the vendor's default when not set):
one preferred over the other is active-standby, the primary first; equal is
active-active. Nothing else is guessed: a group of three or more tunnels to the
same networks is named and left unpaired.
"""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from . import ParsedDevice, ParsedTunnel

#: BGP's local preference when a device sets none (RFC 4271 leaves it to the
#: implementation; every vendor vpnconf renders for uses 100)
DEFAULT_LOCAL_PREF = 100


def read_pairs(
    dev: ParsedDevice, carried: list[tuple[ParsedTunnel, dict[str, Any]]]
) -> tuple[list[dict[str, Any]], list[Finding]]:
    """Site ``pairs`` (and what was read) from the carried tunnels: (parsed tunnel, its site data)."""
    groups: dict[tuple[Any, ...], list[tuple[ParsedTunnel, dict[str, Any]]]] = {}
    for t, d in carried:
        if not t.route_based:
            continue
        if t.bgp is not None:
            key: tuple[Any, ...] = (d["customer_gateway"], "bgp")
        elif t.routes:
            key = (d["customer_gateway"], "static", frozenset(t.routes))
        else:
            continue
        groups.setdefault(key, []).append((t, d))
    pairs: list[dict[str, Any]] = []
    notes: list[Finding] = []
    for key, members in groups.items():
        gateways = {d["vpn_gateway"] for _, d in members}
        if len(members) < 2 or len(gateways) < 2:
            continue
        names = ", ".join(d["name"] for _, d in members)
        if len(members) > 2:
            notes.append(_note(dev, f"tunnels {names} carry the same networks: more than two, no pair read"))
            continue
        (ta, da), (tb, db) = members
        if key[1] == "bgp":
            ra = -(ta.bgp.local_preference if ta.bgp and ta.bgp.local_preference is not None else DEFAULT_LOCAL_PREF)
            rb = -(tb.bgp.local_preference if tb.bgp and tb.bgp.local_preference is not None else DEFAULT_LOCAL_PREF)
            how = f"BGP local preference {-ra} vs {-rb}"
        else:
            if ta.route_preference is None or tb.route_preference is None:
                notes.append(_note(dev, f"tunnels {names} route the same networks but their preference is not read"))
                continue
            ra, rb = ta.route_preference, tb.route_preference
            how = f"route preference {ra} vs {rb} (lower wins)"
        first, second = (da, db) if ra <= rb else (db, da)
        mode = "active-active" if ra == rb else "active-standby"
        name = f"pair-{first['name']}"[:60]
        pairs.append({"name": name, "tunnels": [first["name"], second["name"]], "mode": mode})
        role = "both active" if mode == "active-active" else f"{first['name']} primary, {second['name']} backup"
        notes.append(_note(dev, f"pair {name} read back: {role} ({how})"))
    return pairs, notes


def _note(dev: ParsedDevice, message: str) -> Finding:
    return Finding(rule="PAIR", severity="info", message=message, path="pairs", file=dev.file, extra={"field": "pairs"})
