"""A redundant pair rendered for a vendor and read back from the two tunnels'
configs (one device) is the same pair: the same two tunnels, the primary
first, the same mode. Every vendor variant that serves route-based tunnels is
tried (discovered from the catalog); both sample pairs (static routes, active-
standby; BGP, active-active) and the BGP pair made active-standby."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from vpnconf.catalog import vendors
from vpnconf.findings import RenderError
from vpnconf.model import Site
from vpnconf.parsing import parse_text, parser_ids, to_site_data
from vpnconf.renderer import join_files, render_files

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _sites() -> dict[str, Site]:
    static = yaml.safe_load((SAMPLES / "static-pair.yaml").read_text())
    bgp = yaml.safe_load((SAMPLES / "bgp-pair.yaml").read_text())
    standby = copy.deepcopy(bgp)
    standby["pairs"][0]["mode"] = "active-standby"
    return {
        "static-standby": Site.model_validate(static),
        "bgp-active": Site.model_validate(bgp),
        "bgp-standby": Site.model_validate(standby),
    }


CASES = [
    (v.id, name)
    for v in vendors().values()
    if v.id in parser_ids()
    for name, var in v.variants.items()
    if "route" in var.serves
]


@pytest.mark.parametrize(("vendor", "variant"), CASES)
@pytest.mark.parametrize("kind", ["static-standby", "bgp-active", "bgp-standby"])
def test_a_rendered_pair_reads_back_as_the_same_pair(vendor: str, variant: str, kind: str) -> None:
    site = _sites()[kind]
    texts = []
    try:
        for t in site.tunnels:
            texts.append(join_files(render_files(site, t, vendor, variant=variant)))
    except RenderError as exc:  # the variant cannot express this pair (BGP on a static-only variant): said why
        assert "bgp" in str(exc).lower() or "BGP" in str(exc), exc
        return
    dev = parse_text("\n".join(texts), f"{vendor}-{variant}-{kind}.cfg", vendor)
    data, losses = to_site_data(dev)
    want = site.pairs[0]
    got = data.get("pairs")
    notes = [f.message for f in losses if f.rule == "PAIR"]
    assert got, f"no pair read back; {notes}; tunnels {[t['name'] for t in data['tunnels']]}"
    (pair,) = got
    assert pair["mode"] == want.mode, notes
    by_gw = {t["name"]: t["vpn_gateway"] for t in data["tunnels"]}
    want_gw = {t.name: str(site.vpn_gateway(t.vpn_gateway).public_ip) for t in site.tunnels}
    # the same tunnels, primary first, named by the cloud endpoint each goes to
    assert [by_gw[n].removeprefix("gw-") for n in pair["tunnels"]] == [want_gw[n] for n in want.tunnels]
