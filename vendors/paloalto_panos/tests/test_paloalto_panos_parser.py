"""PAN-OS quirks that are not parse-case data: the lifetime and lifesize units the templates
choose (and refuse), route-based pairs through render -> parse -> model, the XML reader's
bounds on untrusted input (depth, entities), one tree for the three input forms, and a
scale check that the set reader stays linear."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import site_with
from vpnconf.findings import RenderError
from vpnconf.io import require_site
from vpnconf.parsing import parse_text, to_site_data
from vpnconf.renderer import render

HERE = Path(__file__).resolve().parent.parent
VENDOR = HERE.name
ROOT = HERE.parent.parent


def _with(ike_life: int | None = None, esp_life: int | None = None, kb: int | None = None) -> Any:
    def mutate(d: dict[str, Any]) -> None:
        t = d["tunnels"][0]
        if ike_life is not None:
            t["ike"]["lifetime_seconds"] = ike_life
        if esp_life is not None:
            t["ipsec"]["lifetime_seconds"] = esp_life
        if kb is not None:
            t["ipsec"]["lifetime_kb"] = kb

    return site_with(mutate)


@pytest.mark.parametrize(
    ("seconds", "written"),
    [(86400, "days 1"), (28800, "hours 8"), (3660, "minutes 61"), (200, "seconds 200"), (65535, "seconds 65535")],
)
def test_lifetime_is_written_in_the_largest_exact_unit(seconds: int, written: str) -> None:
    text = render(_with(ike_life=seconds), "TomVPNConn", VENDOR)
    assert f"ike-crypto-profiles IKE-TomVPNConn lifetime {written}\n" in text
    (t,) = parse_text(text, "x", VENDOR).tunnels
    assert t.ike_lifetime == seconds


def test_a_lifetime_no_unit_holds_is_refused() -> None:
    with pytest.raises(RenderError, match="cannot be written"):
        render(_with(ike_life=86399), "TomVPNConn", VENDOR)


@pytest.mark.parametrize(
    ("kb", "written"), [(1843200, "mb 1800"), (2097152, "gb 2"), (5120, "mb 5"), (5121, "kb 5121")]
)
def test_lifesize_is_written_in_the_largest_exact_unit(kb: int, written: str) -> None:
    text = render(_with(kb=kb), "TomVPNConn", VENDOR)
    assert f"lifesize {written}\n" in text
    (t,) = parse_text(text, "x", VENDOR).tunnels
    assert t.ipsec_lifetime_kb == kb


def test_a_lifesize_no_unit_holds_is_refused() -> None:
    with pytest.raises(RenderError, match="lifesize kb\\|mb\\|gb\\|tb takes 1-65535"):
        render(_with(kb=100001), "TomVPNConn", VENDOR)


@pytest.mark.parametrize("kind", ["static", "bgp"])
def test_route_based_pairs_come_back(kind: str) -> None:
    site = require_site(ROOT / "samples" / f"{kind}-pair.yaml")
    for t in site.tunnels:
        text = render(site, t.name, VENDOR, variant="route")
        dev = parse_text(text, "x", VENDOR)
        assert not [f.text() for f in dev.findings if f.severity == "error"]
        (p,) = dev.tunnels
        assert p.name == t.name and p.route_based and not p.selectors
        data, _ = to_site_data(dev)
        back = data["tunnels"][0]
        assert back["route_type"] == ("bgp" if kind == "bgp" else "static")
        if kind == "bgp":
            assert t.bgp is not None
            assert back["bgp"]["tunnel_cidr"] == str(t.bgp.tunnel_cidr)
            assert back["bgp"]["local_ip"] == str(t.bgp.local_ip)
        else:
            assert p.routes == [str(n) for n in site.vpc.cidr_blocks]


def test_backup_of_a_static_pair_gets_a_worse_metric() -> None:
    site = require_site(ROOT / "samples" / "static-pair.yaml")
    text = render(site, site.tunnels[1].name, VENDOR, variant="route")
    assert " metric 20\n" in text


def test_xml_nesting_beyond_the_bound_is_refused_without_exception() -> None:
    deep = "<config>" + "<a>" * 200 + "</a>" * 200 + "</config>"
    dev = parse_text(deep, "deep.xml", VENDOR)
    assert [f.rule for f in dev.findings if f.severity == "error"] == ["SYNTAX"]
    assert "levels" in dev.findings[0].message
    assert not any(f.rule == "INTERNAL" for f in dev.findings)


@pytest.mark.parametrize(
    "text",
    [
        '<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><config/>',
        '<config><!ENTITY x "y"></config>',
        "<config><devices><entry name='x'><network><ike>",
        "<config>\x00</config>",
        "<",
    ],
)
def test_hostile_or_broken_xml_gives_findings_never_an_exception(text: str) -> None:
    dev = parse_text(text, "bad.xml", VENDOR)
    assert not any(f.rule == "INTERNAL" for f in dev.findings)
    assert dev.tunnels == []


def _xml_of_set(text: str) -> str:
    """The set commands of a rendered config as the XML a device exports (a tiny
    converter for the test: nested elements, one value per leaf)."""
    from vpnconf.parsing import ParsedDevice, parser_module

    mod = parser_module(VENDOR)
    root = mod._from_set(text, ParsedDevice(vendor=VENDOR, file="x"))
    entries = {
        "ike-crypto-profiles",
        "ipsec-crypto-profiles",
        "gateway",
        "ipsec",
        "proxy-id",
        "units",
        "virtual-router",
        "static-route",
        "rules",
    }

    def emit(name: str, node: Any, parent: str) -> str:
        tag = "entry" if parent in entries else name
        attr = f' name="{name}"' if tag == "entry" else ""
        if len(node.kids) == 1 and not next(iter(node.kids.values())).kids:
            value = next(iter(node.kids)).replace("&", "&amp;").replace("<", "&lt;")
            return f"<{tag}{attr}>{value}</{tag}>"
        if node.kids and all(not k.kids for k in node.kids.values()) and parent not in entries:
            return f"<{tag}{attr}>" + "".join(f"<member>{k}</member>" for k in node.kids) + f"</{tag}>"
        return f"<{tag}{attr}>" + "".join(emit(k, v, name) for k, v in node.kids.items()) + f"</{tag}>"

    net = root.kids["network"]
    body = "".join(emit(k, v, "network") for k, v in net.kids.items())
    return f'<config><devices><entry name="localhost.localdomain"><network>{body}</network></entry></devices></config>'


def test_the_xml_form_reads_like_the_set_form() -> None:
    site = site_with()
    text = render(site, "TomVPNConn", VENDOR)
    a = parse_text(text, "set", VENDOR).tunnels[0]
    b = parse_text(_xml_of_set(text), "xml", VENDOR).tunnels[0]
    for field in (
        "name",
        "peer_address",
        "psk",
        "ike_version",
        "mode",
        "ike_proposals",
        "esp_proposals",
        "pfs",
        "ike_lifetime",
        "ipsec_lifetime_seconds",
        "ipsec_lifetime_kb",
        "selectors",
        "routes",
        "local_id",
    ):
        assert getattr(a, field) == getattr(b, field), field


def test_the_set_reader_is_linear_on_a_large_config() -> None:
    base = render(site_with(), "TomVPNConn", VENDOR)
    lines = [ln for ln in base.splitlines() if ln.startswith("set network")]
    big = "\n".join(ln.replace("TomVPNConn", f"T{i}") for i in range(400) for ln in lines)
    start = time.perf_counter()
    dev = parse_text(big, "big", VENDOR)
    took = time.perf_counter() - start
    assert len(dev.tunnels) == 400
    assert took < 10, took


def test_every_case_of_this_folder_names_its_rule_ids_from_the_vocabulary() -> None:
    from vpnconf.parsing.vocabulary import RULES

    for p in sorted((HERE / "cases").glob("*.yaml")):
        case = yaml.safe_load(p.read_text(encoding="utf-8"))
        for f in case.get("expect", {}).get("findings", []):
            assert f["rule"] in RULES, (p.name, f)


def test_damaged_xml_and_hierarchical_text_never_raise() -> None:
    """Cuts and pasted damage (conftest.paste_damage) over an XML and a hierarchical config:
    findings, never INTERNAL."""
    import random

    from conftest import paste_damage

    xml = (HERE / "cases" / "xml-running-config.yaml").read_text(encoding="utf-8")
    xml_text = str(yaml.safe_load(xml)["input"])
    hier = str(yaml.safe_load((HERE / "cases" / "hierarchical-unclosed.yaml").read_text(encoding="utf-8"))["input"])
    rng = random.Random(7)
    for text in (xml_text, hier):
        for _ in range(150):
            lines = text.splitlines()
            for _ in range(rng.randrange(1, 4)):
                got = paste_damage(lines, rng, rng.randrange(4), rng.randrange(len(lines)))
                lines = got if got is not None else lines
            damaged = "\n".join(lines)
            cut = damaged[: rng.randrange(len(damaged) + 1)]
            for sample in (damaged, cut):
                dev = parse_text(sample, "damaged", VENDOR)
                assert not [f.text() for f in dev.findings if f.rule == "INTERNAL"]


def test_route_are_exists_from_10_2_and_writes_no_bgp() -> None:
    static = require_site(ROOT / "samples" / "static-pair.yaml")
    with pytest.raises(RenderError, match="has no variant route-are"):
        render(static, static.tunnels[0].name, VENDOR, variant="route-are", software="10.1")
    text = render(static, static.tunnels[0].name, VENDOR, variant="route-are", software="10.2")
    assert "set network logical-router default vrf default routing-table ip static-route" in text
    assert "virtual-router" not in text
    (t,) = parse_text(text, "are", VENDOR).tunnels
    assert t.routes == [str(n) for n in static.vpc.cidr_blocks]
    bgp = require_site(ROOT / "samples" / "bgp-pair.yaml")
    with pytest.raises(RenderError, match="BGP"):
        render(bgp, bgp.tunnels[0].name, VENDOR, variant="route-are")
