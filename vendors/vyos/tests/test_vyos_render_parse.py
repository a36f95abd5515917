"""VyOS render -> parse, for both syntaxes (the conformance round trip only renders the newest
release, 1.4+): a policy tunnel, a static route-based pair and a BGP tunnel rendered for 1.3
and for 1.4 come back as the same tunnel, except what a release cannot hold (1.3 has no
esp-group life-bytes). Also what the templates must refuse or write so that no device takes
it: a placeholder key, a name VyOS cannot hold, ESP proposals that differ in PFS."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import rich_tunnel, site_with
from vpnconf.findings import RenderError
from vpnconf.io import require_site
from vpnconf.model import Site
from vpnconf.parsing import parse_text, to_site_data
from vpnconf.renderer import PSK_PLACEHOLDER, render

HERE = Path(__file__).resolve().parent.parent
VENDOR = HERE.name
SAMPLES = HERE.parent.parent / "samples"


def _back(site: Site, tunnel: str, variant: str, release: str) -> tuple[Any, Any, str]:
    text = render(site, tunnel, VENDOR, variant=variant, software=release)
    dev = parse_text(text, "rt", VENDOR)
    assert not [f.text() for f in dev.findings if f.severity != "info"], text
    data, losses = to_site_data(dev)
    assert not [f.text() for f in losses if f.severity == "error"]
    (back,) = Site.model_validate(data).tunnels
    return back, dev, text


@pytest.mark.parametrize("release", ["1.3", "1.4", "1.5"])
def test_policy_tunnel_comes_back_on_each_syntax(release: str) -> None:
    site = site_with(lambda d: rich_tunnel(d["tunnels"][0], 2))
    t = site.tunnels[0]
    back, dev, text = _back(site, t.name, "policy", release)
    if release == "1.3":
        assert "site-to-site peer 203.195.147.82 " in text and "authentication pre-shared-secret" in text
        assert "set vpn ipsec esp-group ESP-TomVPNConn life-bytes" not in text
        assert "ipsec-interfaces interface" in text
    else:
        assert "authentication psk TomVPNConn secret" in text and "remote-address '203.195.147.82'" in text
    skip = {"vpn_gateway", "customer_gateway"} | ({"ipsec"} if release == "1.3" else set())
    got, want = back.model_dump(mode="json", exclude=skip), t.model_dump(mode="json", exclude=skip)
    got["pre_shared_key"], want["pre_shared_key"] = back.psk(), t.psk()
    assert got == want
    if release == "1.3":  # everything of ipsec but the volume lifetime, which 1.3 cannot hold
        assert back.ipsec.model_dump(exclude={"lifetime_kb"}) == t.ipsec.model_dump(exclude={"lifetime_kb"})
        assert dev.tunnels[0].ipsec_lifetime_kb is None


@pytest.mark.parametrize("release", ["1.3", "1.4"])
def test_static_backup_tunnel_routes_through_its_vti(release: str) -> None:
    site = require_site(SAMPLES / "static-pair.yaml")
    back, dev, text = _back(site, site.tunnels[1].name, "route", release)
    route = (
        "interface-route 192.168.0.0/16 next-hop-interface vti2"
        if release == "1.3"
        else "route 192.168.0.0/16 interface vti2"
    )
    assert f"set protocols static {route} distance '10'" in text
    (t,) = dev.tunnels
    assert (t.route_based, t.routes, t.selectors, t.extra["vti"]) == (True, ["192.168.0.0/16"], [], "vti2")
    assert back.route_type.value == "static"


@pytest.mark.parametrize("release", ["1.3", "1.4"])
def test_bgp_session_comes_back_in_the_clouds_view(release: str) -> None:
    site = require_site(SAMPLES / "bgp-pair.yaml")
    t = site.tunnels[0]
    back, dev, text = _back(site, t.name, "route", release)
    assert ("set protocols bgp system-as" in text) == (release != "1.3")
    assert (f"set protocols bgp {dev.tunnels[0].bgp.local_asn} neighbor" in text) == (release == "1.3")  # type: ignore[union-attr]
    assert back.route_type.value == "bgp" and back.bgp is not None and t.bgp is not None
    assert back.bgp.model_dump(exclude={"advertise"}) == t.bgp.model_dump(exclude={"advertise"})


def test_an_unknown_key_is_written_so_that_the_shell_refuses_the_line() -> None:
    site = site_with()
    for release in ("1.3", "1.4"):
        text = render(
            site, "TomVPNConn", VENDOR, variant="policy", software=release, overrides={"psk": PSK_PLACEHOLDER}
        )
        (line,) = [x for x in text.splitlines() if PSK_PLACEHOLDER in x]
        assert line.startswith("set ") and line.endswith(f"{PSK_PLACEHOLDER} <"), line
        (t,) = parse_text(text, "p", VENDOR).tunnels
        assert t.psk_state == "masked" and t.psk is None


def test_names_and_pfs_lists_vyos_cannot_hold_are_refused() -> None:
    dotted = site_with(lambda d: d["tunnels"][0].update(name="to.cloud"))
    with pytest.raises(RenderError, match="cannot take in a name"):
        render(dotted, "to.cloud", VENDOR, variant="policy")

    def mixed(d: dict[str, Any]) -> None:
        d["tunnels"][0]["ipsec"].update(encryption="aes256", integrity="sha256", pfs=14)
        d["tunnels"][0]["ipsec"]["proposals"] = [
            {"encryption": "aes256", "integrity": "sha256", "pfs": 14},
            {"encryption": "aes128", "integrity": "sha1", "pfs": "none"},
        ]

    with pytest.raises(RenderError, match="one pfs setting per esp-group"):
        render(site_with(mixed), "TomVPNConn", VENDOR, variant="policy")


def test_rendered_lines_are_set_commands_or_comments() -> None:
    for variant in ("policy", "route"):
        for release in ("1.3", "1.5"):
            text = render(site_with(), "TomVPNConn", VENDOR, variant=variant, software=release)
            bad = [x for x in text.splitlines() if x and not x.startswith(("set ", "#"))]
            assert not bad, bad
            # every value is quoted or a bare keyword/number/prefix: nothing can add a word
            for x in text.splitlines():
                if x.startswith("set "):
                    assert re.fullmatch(r"set( ('[^'\n]*'|[A-Za-z0-9_./:-]+))+", x), x


def test_parse_time_grows_linearly() -> None:
    """A config of many peers (set form and config.boot) is read in time linear in its size."""

    def text(n: int) -> str:
        out = []
        for i in range(n):
            p = f"set vpn ipsec site-to-site peer p{i}"
            out += [
                f"set vpn ipsec authentication psk p{i} id '10.{i // 250}.{i % 250}.1'",
                f"set vpn ipsec authentication psk p{i} secret 'k{i}-secret'",
                f"{p} remote-address '10.{i // 250}.{i % 250}.1'",
                f"{p} local-address '192.0.2.1'",
                f"{p} ike-group 'I'",
                f"{p} default-esp-group 'E'",
                f"{p} tunnel 1 local prefix '172.16.0.0/24'",
                f"{p} tunnel 1 remote prefix '10.{i // 250}.{i % 250}.0/24'",
            ]
        out += ["set vpn ipsec ike-group I proposal 1 encryption aes256", "set vpn ipsec esp-group E pfs disable"]
        return "\n".join(out)

    def timed(n: int) -> float:
        t0 = time.perf_counter()
        dev = parse_text(text(n), "big", VENDOR)
        assert len(dev.tunnels) == n
        return time.perf_counter() - t0

    small, big = timed(300), timed(3000)
    assert big < small * 10 * 3 + 0.5, (small, big)


def test_corpus_case_files_name_every_tunnel() -> None:
    """The corpus cases list every peer of their file (a peer missing from a case is a peer
    the parser dropped)."""
    corpus = HERE.parent.parent.parent / "shared" / "corpus"
    for case in sorted((HERE / "cases").glob("corpus-*.yaml")):
        doc = yaml.safe_load(case.read_text(encoding="utf-8"))
        src = corpus / doc["corpus"]
        if not src.is_file():
            pytest.skip(f"shared corpus not here ({src})")
        raw = src.read_text(encoding="utf-8")
        peers = set(re.findall(r"site-to-site peer (\S+) ", raw)) | set(re.findall(r"^\s+peer (\S+) \{", raw, re.M))
        assert len(doc["expect"]["tunnels"]) == len(peers), case.name


@pytest.mark.parametrize("release", ["1.3", "1.4"])
def test_backup_bgp_tunnel_prepends_and_lowers_local_preference(release: str) -> None:
    """The backup tunnel of an active-standby BGP pair: an export route-map prepends the
    device's AS twice, an import route-map sets local-preference 50; read back, the session is
    the same, the import route-map is bgp.local_preference and the export one a NOT-CARRIED info."""
    from vpnconf.io import site_from_data

    data = yaml.safe_load((SAMPLES / "bgp-pair.yaml").read_text(encoding="utf-8"))
    data["pairs"][0]["mode"] = "active-standby"
    data["tunnels"][1].setdefault("bgp", {})["advertise"] = ["10.1.0.0/16"]
    site, findings = site_from_data(data, "pair.yaml")
    assert site is not None, [f.text() for f in findings]
    backup = site.tunnels[1]
    back, dev, text = _back(site, backup.name, "route", release)
    asn = dev.tunnels[0].bgp.local_asn  # type: ignore[union-attr]
    prepend = "set as-path-prepend" if release == "1.3" else "set as-path prepend"
    assert f"set policy route-map VPN-OUT-{backup.name} rule 10 {prepend} '{asn} {asn}'" in text
    assert f"set policy route-map VPN-IN-{backup.name} rule 10 set local-preference '50'" in text
    (t,) = dev.tunnels
    assert t.extra["bgp_route_maps"] == {"export": f"VPN-OUT-{backup.name}", "import": f"VPN-IN-{backup.name}"}
    assert t.bgp is not None and t.bgp.advertise == ["10.1.0.0/16"]
    assert any(f.rule == "NOT-CARRIED" and "route-map export" in f.message for f in dev.findings)
    assert not any(f.rule == "NOT-CARRIED" and "route-map import" in f.message for f in dev.findings)
    assert t.bgp.local_preference == 50
    assert back.bgp is not None and backup.bgp is not None
    assert back.bgp.model_dump() == backup.bgp.model_dump()
