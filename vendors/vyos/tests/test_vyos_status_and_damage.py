"""VyOS status joined to a VyOS config, and damaged VyOS texts (the corpus files and the
cases' inputs, mutated the way pastes damage them, in set form and as config.boot) never
make the parser fail (INTERNAL) or print a key."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from conftest import SHARED, paste_damage, site_with
from vpnconf.parsing import parse_text
from vpnconf.renderer import render
from vpnconf.status import join_config, read_status

HERE = Path(__file__).resolve().parent.parent
VENDOR = HERE.name
SAMPLES = HERE / "status" / "samples"


def test_connections_output_gives_the_rendered_tunnel_its_state() -> None:
    """The quick start rendered for 1.4 and `show vpn ipsec connections`: TomVPNConn's one
    selector pair has an established CHILD SA (tunnel-1), so the tunnel is up."""
    dev = parse_text(render(site_with(), "TomVPNConn", VENDOR, variant="policy"), "cfg", VENDOR)
    out = read_status((SAMPLES / "show-vpn-ipsec-connections.txt").read_text(), VENDOR, "conn.txt")
    j = join_config([out], [dev])
    (t,) = j["tunnels"]
    assert (t["name"], t["state"]) == ("TomVPNConn", "up"), t
    assert [u["peer"] for u in j["unmatched"]] == ["203.0.113.10"]


def test_ike_output_alone_leaves_the_child_state_unknown() -> None:
    dev = parse_text(render(site_with(), "TomVPNConn", VENDOR, variant="policy"), "cfg", VENDOR)
    ike = read_status((SAMPLES / "show-vpn-ike-sa.txt").read_text(), VENDOR, "ike.txt")
    (t,) = join_config([ike], [dev])["tunnels"]
    assert t["state"] == "unknown"


def _texts() -> list[tuple[str, str]]:
    out = []
    for case in sorted((HERE / "cases").glob("*.yaml")):
        doc = yaml.safe_load(case.read_text(encoding="utf-8"))
        if "input" in doc:
            out.append((case.name, str(doc["input"])))
        else:
            src = SHARED / "corpus" / doc["corpus"]
            if src.is_file():
                out.append((case.name, src.read_text(encoding="utf-8")))
    return out


KEYS = ["averysecretpsktowardsazure", "VyOS-topsecret", "Tr1cky#Key$1", "Pair-Key-A-2026", "Key-Of-1.3"]


@pytest.mark.parametrize(("name", "text"), _texts(), ids=[n for n, _ in _texts()])
def test_damaged_texts_never_fail_or_leak(name: str, text: str) -> None:
    for seed in range(25):
        rng = random.Random(seed)
        lines = text.split("\n")
        for _ in range(rng.randrange(1, 6)):
            op = rng.randrange(5)
            i = rng.randrange(len(lines))
            damaged = paste_damage(lines, rng, op, i)
            if damaged is not None:
                lines = damaged
            elif op == 4:  # a cut in the middle of a line (a truncated paste)
                lines = [*lines[:i], lines[i][: rng.randrange(len(lines[i]) + 1)]]
        dev = parse_text("\n".join(lines), name, VENDOR)
        assert not [f for f in dev.findings if f.rule == "INTERNAL"], (seed, [f.text() for f in dev.findings])
        for f in dev.findings:
            for key in KEYS:
                assert key not in f.message, (seed, f.text())
