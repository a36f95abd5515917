"""What the Libreswan templates write per release, and what they refuse."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from conftest import rich_tunnel, site_with
from vpnconf.findings import RenderError
from vpnconf.io import require_site
from vpnconf.parsing import parse_text
from vpnconf.renderer import join_files, render_files

SAMPLES = Path(__file__).resolve().parents[3] / "samples"


def _conf(site: Any, name: str = "TomVPNConn", release: str = "5.4", variant: str | None = None) -> str:
    return render_files(site, name, "libreswan", software=release, variant=variant)["ipsec.conf"]


def _v1(d: dict[str, Any]) -> None:
    rich_tunnel(d["tunnels"][0], 1)


def test_ike_version_keyword_per_release() -> None:
    v2 = site_with(lambda d: rich_tunnel(d["tunnels"][0], 2))
    assert "    keyexchange=ikev2\n" in _conf(v2, release="5.0")
    assert "    ikev2=yes\n" in _conf(v2, release="4.10")
    assert "keyexchange" not in _conf(v2, release="4.10")
    v1 = site_with(_v1)
    assert "    keyexchange=ikev1\n" in _conf(v1, release="5.4")
    assert "    ikev2=no\n" in _conf(v1, release="4.2")


def test_ikev1_policy_is_written_where_it_exists() -> None:
    v1 = site_with(_v1)
    assert "config setup\n    # IKEv1 is dropped unless" in _conf(v1, release="5.4")
    assert "    ikev1-policy=accept\n" in _conf(v1, release="4.2")
    assert "ikev1-policy" not in _conf(v1, release="4.1")  # the keyword came in 4.2
    assert "config setup" not in _conf(site_with(lambda d: rich_tunnel(d["tunnels"][0], 2)))


def test_traffic_lifetime_from_4_8_on() -> None:
    site = site_with()
    assert "    ipsec-max-bytes=1887436800\n" in _conf(site, release="4.8")
    old = _conf(site, release="4.7")
    assert "\n    ipsec-max-bytes=" not in old
    assert "# the cloud's traffic lifetime (1843200 KB) cannot be set before Libreswan 4.8" in old


def test_dpd_keywords_per_release() -> None:
    v2 = site_with(lambda d: rich_tunnel(d["tunnels"][0], 2))
    five = _conf(v2, release="5.4")
    assert "    dpddelay=15s\n" in five
    assert "dpdtimeout" not in five and "\n    dpdaction=" not in five  # IKEv2 on 5.x: neither is read
    four = _conf(v2, release="4.10")
    assert "    dpdtimeout=45s\n" in four and "    dpdaction=restart\n" in four
    assert "    dpdtimeout=45s\n" in _conf(site_with(_v1), release="5.4")  # IKEv1 DPD needs it


def test_base_conn_has_no_auto_and_each_pair_conn_has_one() -> None:
    text = _conf(site_with(lambda d: rich_tunnel(d["tunnels"][0], 2)))
    base = text.split("\nconn TomVPNConn-1\n")[0]
    assert "\n    auto=" not in base
    assert len(re.findall(r"^    auto=start$", text, re.M)) == 7


def test_flow_trigger_loads_the_conn_on_demand() -> None:
    site = site_with(lambda d: d["tunnels"][0].update(negotiation_type="flowTrigger"))
    assert "    auto=ondemand\n" in _conf(site)


def test_bgp_is_refused_with_the_reason() -> None:
    site = require_site(SAMPLES / "bgp-pair.yaml")
    with pytest.raises(RenderError) as exc:
        render_files(site, "TunA", "libreswan")
    assert "BGP" in str(exc.value) or "bgp" in str(exc.value)


def test_aggressive_mode_with_two_proposals_is_refused() -> None:
    def two(d: dict[str, Any]) -> None:
        t = d["tunnels"][0]
        t["ike"]["mode"] = "aggressive"
        t["ike"]["proposals"] = [
            {"encryption": "aes128", "integrity": "sha1", "dh_group": 14},
            {"encryption": "aes256", "integrity": "sha256", "dh_group": 14},
        ]

    with pytest.raises(RenderError) as exc:
        _conf(site_with(two))
    assert "aggressive" in str(exc.value)


@pytest.mark.parametrize("group", [1, 2, 24])
def test_dh_groups_libreswan_does_not_build_are_capability_errors(group: int) -> None:
    site = site_with(lambda d: d["tunnels"][0]["ike"].update(dh_group=group))
    with pytest.raises(RenderError) as exc:
        _conf(site)
    assert "DH" in str(exc.value) or "group" in str(exc.value).lower()


def test_route_based_variant_reads_back_with_its_routes() -> None:
    site = require_site(SAMPLES / "static-pair.yaml")
    text = join_files(render_files(site, "TunB", "libreswan"))
    assert "    ipsec-interface=2\n" in text
    assert "ip route replace 192.168.0.0/16 dev ipsec2 metric 100\n" in text
    dev = parse_text(text, "tunb", "libreswan")
    (t,) = dev.tunnels
    assert (t.route_based, t.routes, t.extra["interface"], t.route_preference) == (
        True,
        ["192.168.0.0/16"],
        "ipsec2",
        100,
    )
    assert t.selectors == [("0.0.0.0/0", "0.0.0.0/0")]
    assert not [f for f in dev.findings if f.severity != "info"]


def test_a_key_that_looks_encoded_is_quoted_and_read_back_as_typed() -> None:
    site = site_with(lambda d: d["tunnels"][0].update(pre_shared_key="0sQUJDREVGRw=="))
    secrets = render_files(site, "TomVPNConn", "libreswan")["ipsec.secrets"]
    assert ': PSK "0sQUJDREVGRw=="\n' in secrets
    (t,) = parse_text(join_files(render_files(site, "TomVPNConn", "libreswan")), "k", "libreswan").tunnels
    assert (t.psk, t.psk_state) == ("0sQUJDREVGRw==", "clear")
