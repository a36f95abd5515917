"""Rendering, over every vendor discovered from vendors/*.yaml (no vendor is
named here): the algorithm matrix, capability enforcement,
injection safety and output files."""

from __future__ import annotations

import copy
import re
import stat
import subprocess
import sys

import pytest
import yaml

from conftest import QUICKSTART, quickstart_data, rich_tunnel, site_with
from vpnconf.catalog import vendors
from vpnconf.findings import RenderError, VpnconfError
from vpnconf.model import Tunnel
from vpnconf.renderer import build_context, render

VENDORS = vendors()
VARIANTS = [(v.id, var) for v in VENDORS.values() for var in v.variants]
BASE = yaml.safe_load(QUICKSTART.read_text())


def newest(vendor_id):
    return VENDORS[vendor_id].software[-1]


@pytest.mark.parametrize("vendor", list(VENDORS))
def test_every_capability_has_a_keyword(vendor):
    v = VENDORS[vendor]
    for sw in v.software:
        for ver in sw.ike_versions:
            algs = sw.algorithms(ver)
            assert algs is not None, f"{sw.range}: IKEv{ver} listed without its algorithm sets"
            for table, values in (
                ("ike_encryption", algs.ike_encryption),
                ("ike_integrity", algs.ike_integrity),
                ("dh_group", algs.dh_groups),
                ("esp_encryption", algs.esp_encryption),
                ("esp_integrity", algs.esp_integrity),
                ("pfs_group", algs.pfs_groups),
            ):
                for value in values:
                    assert v.keyword(table, value, ver), f"{sw.range} IKEv{ver}: no {table} keyword for {value}"


def _matrix():
    cases = []
    for v in VENDORS.values():
        for variant, var in v.variants.items():
            for sw in v.software:
                for ver in sw.variant_ike_versions(variant, var):
                    algs = sw.algorithms(ver)
                    for field, values in (
                        ("ike.encryption", algs.ike_encryption),
                        ("ike.integrity", algs.ike_integrity),
                        ("ike.dh_group", algs.dh_groups),
                        ("ipsec.encryption", algs.esp_encryption),
                        ("ipsec.integrity", algs.esp_integrity),
                        ("ipsec.pfs", algs.pfs_groups),
                    ):
                        for value in values:
                            cases.append((v.id, variant, sw.releases[-1], ver, field, value))
    return cases


MATRIX = _matrix()


@pytest.mark.parametrize(
    ("vendor", "variant", "software", "ike_version", "field", "value"),
    MATRIX,
    ids=[f"{c[0]}-{c[1]}-{c[2]}-v{c[3]}-{c[4]}-{c[5]}" for c in MATRIX],
)
def test_algorithm_matrix(vendor, variant, software, ike_version, field, value):
    """Every supported value renders, and its vendor keyword is in the output."""
    sw = VENDORS[vendor].software_for(None, None)
    sect, key = field.split(".")
    algs = None
    for s in VENDORS[vendor].software:
        if software in s.releases:
            sw, algs = s, s.algorithms(ike_version)

    def m(d):
        t = d["tunnels"][0]
        t["ike"]["version"] = ike_version

        # start from plain values this release supports, then change one field
        def pick(values, preferred):
            return preferred if preferred in values else values[0]

        t["ike"].update(
            encryption=pick(algs.ike_encryption, "aes128"),
            integrity=pick(algs.ike_integrity, "sha1"),
            dh_group=pick(algs.dh_groups, 14),
        )
        t["ipsec"].update(encryption=pick(algs.esp_encryption, "aes128"), integrity=pick(algs.esp_integrity, "sha1"))
        t[sect][key] = value
        lo, hi = sw.ipsec_lifetime_seconds
        t["ipsec"]["lifetime_seconds"] = max(lo, min(hi, 3600))
        d["profile"] = "tencent"

    d = copy.deepcopy(BASE)
    m(d)
    from vpnconf.model import Site

    site = Site.model_validate(d)  # the vendor matrix goes beyond what the cloud profile accepts
    text = render(site, "TomVPNConn", vendor, variant=variant, software=software)
    table = {
        "ike.encryption": "ike_encryption",
        "ike.integrity": "ike_integrity",
        "ike.dh_group": "dh_group",
        "ipsec.encryption": "esp_encryption",
        "ipsec.integrity": "esp_integrity",
        "ipsec.pfs": "pfs_group",
    }[field]
    kw = VENDORS[vendor].keyword(table, value, ike_version)
    t = site.tunnels[0]
    aead_skip = (table == "esp_integrity" and t.ipsec.encryption.value.endswith("gcm")) or (
        table == "ike_integrity" and t.ike.encryption.value.endswith("gcm")
    )
    if not aead_skip:
        assert kw in text, f"{kw!r} not in output"


def test_aggressive_and_fqdn_render_for_every_vendor_that_supports_them():
    def m(d):
        t = d["tunnels"][0]
        t["ike"].update(
            mode="aggressive",
            local_id={"type": "fqdn", "value": "cloud.example.com"},
            peer_id={"type": "fqdn", "value": "idc.example.com"},
        )

    site = site_with(m)
    for v in VENDORS.values():
        for variant, var in v.variants.items():
            if 1 not in var.ike_versions or "aggressive" not in var.modes:
                continue
            sw = next(
                (
                    s
                    for s in reversed(v.software)
                    if "aggressive" in s.modes
                    and "fqdn" in s.identity_types
                    and 1 in s.variant_ike_versions(variant, var)
                ),
                None,
            )
            if sw is None:
                continue
            text = render(site, "TomVPNConn", v.id, variant=variant, software=sw.releases[-1])
            assert "idc.example.com" in text and "cloud.example.com" in text, (v.id, variant)
            assert re.search(r"aggressive", text, re.I), (v.id, variant)


# ------------------------------------------------------- capabilities
def _lacking(kind):
    """(vendor, release, value) where a catalogued release lacks a value the model allows."""
    out = []
    for v in VENDORS.values():
        for sw in v.software:
            if sw.variants == {}:  # a release vpnconf reads but does not render
                continue
            algs = sw.algorithms(1) or sw.algorithms(2)
            if kind == "dh24" and 24 not in algs.dh_groups:
                out.append((v.id, sw.releases[-1], 1 if sw.algorithms(1) else 2))
            if kind == "sm4" and "sm4" not in algs.esp_encryption:
                out.append((v.id, sw.releases[-1], 1 if sw.algorithms(1) else 2))
    return out


@pytest.mark.parametrize(("vendor", "release", "ver"), _lacking("dh24"))
def test_dh24_fails_where_unsupported(vendor, release, ver, vpnconf_bin, tmp_path):
    d = copy.deepcopy(BASE)
    d["tunnels"][0]["ike"].update(dh_group=24, version=ver)
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(d))
    r = subprocess.run(
        [*vpnconf_bin, "render", str(p), "--vendor", vendor, "--software", release], capture_output=True, text=True
    )
    assert r.returncode == 1
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "DH group 24 is not supported" in lines[0] and "supported:" in lines[0]


def test_sm4_fails_everywhere_it_is_unsupported(vpnconf_bin, tmp_path):
    cases = _lacking("sm4")
    assert cases, "some catalogued release must lack SM4"
    d = copy.deepcopy(BASE)
    d["tunnels"][0]["ipsec"]["encryption"] = "SM4"
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(d))
    for vendor, release, _ in cases[:8]:
        r = subprocess.run(
            [*vpnconf_bin, "render", str(p), "--vendor", vendor, "--software", release], capture_output=True, text=True
        )
        assert r.returncode == 1 and "IPsec encryption sm4 is not supported" in r.stderr, (vendor, r.stderr)


def test_ikev2_on_a_release_without_it_fails():
    found = False
    for v in VENDORS.values():
        for sw in v.software:
            if 2 not in sw.ike_versions and sw.variants != {}:  # {}: a release read, never rendered
                found = True
                site = site_with(lambda d: d["tunnels"][0]["ike"].update(version=2))
                with pytest.raises(RenderError, match="IKE version 2 is not supported"):
                    render(site, "TomVPNConn", v.id, software=sw.releases[0])
    assert found


def test_no_silent_substitution_without_software():
    """Without a version the newest release that can do it is chosen and named."""
    site = site_with()
    for v in VENDORS.values():
        text = render(site, "TomVPNConn", v.id)
        assert "vpnconf" in text.splitlines()[0] or "vpnconf" in text[:400]


# ---------------------------------------------------------- injection
SPECIALS = "Ab1!#$%&()*+,-./:;<=>?@[]^_{|}~"


@pytest.mark.parametrize(("vendor", "variant"), VARIANTS)
def test_key_with_metacharacters_is_quoted_or_rejected(vendor, variant):
    v = VENDORS[vendor]
    plain = render(site_with(), "TomVPNConn", vendor, variant=variant)
    key = "".join(c for c in SPECIALS if c not in v.psk_forbidden)
    site = site_with(lambda d: d["tunnels"][0].update(pre_shared_key=key))
    text = render(site, "TomVPNConn", vendor, variant=variant)
    assert text.count("\n") == plain.count("\n"), "a key changed the number of lines"
    key_lines = [ln for ln in text.splitlines() if key in ln]
    assert key_lines, "the key is written whole on one line"
    if v.psk_forbidden:
        bad = v.psk_forbidden[0]
        site = site_with(lambda d: d["tunnels"][0].update(pre_shared_key="abc" + bad + "def"))
        with pytest.raises(RenderError, match="cannot take in a key"):
            render(site, "TomVPNConn", vendor, variant=variant)


@pytest.mark.parametrize(("vendor", "variant"), VARIANTS)
@pytest.mark.parametrize(
    "evil", ["x\nset system root-authentication plain-text-password", "x\r\nend", 'x" ; rm', "x}\n}", "a b"]
)
def test_values_that_bypass_the_model_are_refused(vendor, variant, evil):
    """Even a tunnel built without validation cannot add a line to the output."""
    site = site_with()
    good = site.tunnels[0]
    bad = Tunnel.model_construct(**{**dict(good), "name": evil})
    bad_site = site.model_copy(update={"tunnels": [bad]})
    with pytest.raises(RenderError, match="refusing to render"):
        render(bad_site, bad, vendor, variant=variant)


def test_model_rejects_injection_in_every_user_string():
    from pydantic import ValidationError

    for mutate in (
        lambda d: d["tunnels"][0].update(name="a\nb"),
        lambda d: d["tunnels"][0].update(pre_shared_key="k\nset x"),
        lambda d: d["tunnels"][0]["ike"].update(peer_id={"type": "fqdn", "value": "a.com\nset x"}),
        lambda d: d["customer_gateways"][0].update(name="gw;x"),
        lambda d: d["vpc"].update(name="v{x}"),
    ):
        d = copy.deepcopy(BASE)
        mutate(d)
        from vpnconf.model import Site

        with pytest.raises(ValidationError):
            Site.model_validate(d)


# --------------------------------------------------------------- files
def test_render_writes_0600_and_refuses_overwrite(vpnconf_bin, tmp_path):
    out = tmp_path / "cfg.txt"
    cmd = [*vpnconf_bin, "render", str(QUICKSTART), "--tunnel", "TomVPNConn", "-o", str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    first = out.read_text()
    out.write_text("keep me")
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 2 and "exists; use --force" in r.stderr and out.read_text() == "keep me"
    r = subprocess.run([*cmd, "--force"], capture_output=True, text=True)
    assert r.returncode == 0 and out.read_text() == first
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["cfg.txt"], "no temp files left"


def test_render_all_to_dir_and_no_half_written_output(vpnconf_bin, tmp_path):
    d = copy.deepcopy(BASE)
    second = copy.deepcopy(d["tunnels"][0])
    second.update(name="Second", spd=[{"local": "192.168.9.0/24", "peers": ["10.9.0.0/24"]}])
    second["ike"]["dh_group"] = 24
    d["tunnels"].append(second)
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(d))
    outdir = tmp_path / "out"
    # a release lacking DH 24 for the second tunnel: nothing at all is written
    lacking = _lacking("dh24")[0]
    r = subprocess.run(
        [*vpnconf_bin, "render", str(p), "--all", "--vendor", lacking[0], "--software", lacking[1], "-o", str(outdir)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1 and not outdir.exists()
    capable = next(v.id for v in VENDORS.values() if 24 in v.software[-1].algorithms(1).dh_groups)
    r = subprocess.run(
        [*vpnconf_bin, "render", str(p), "--all", "--vendor", capable, "-o", str(outdir)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    names = sorted(x.name for x in outdir.iterdir())
    assert (
        len(names) >= 2
        and any(n.startswith("TomVPNConn") for n in names)
        and any(n.startswith("Second") for n in names)
    )


@pytest.mark.parametrize(("vendor", "variant"), VARIANTS)
def test_cli_render_each_vendor_variant(vendor, variant, vpnconf_bin):
    r = subprocess.run(
        [*vpnconf_bin, "render", str(QUICKSTART), "--vendor", vendor, "--variant", variant],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout == render(site_with(), "TomVPNConn", vendor, variant=variant)


def test_context_masks_and_sequence():
    site = site_with(lambda d: rich_tunnel(d["tunnels"][0]))
    v = next(iter(VENDORS.values()))
    ctx = build_context(site, site.tunnels[0], v, v.software[-1], v.default_variant)
    pairs = ctx["pairs"]
    assert [p.seq for p in pairs] == [10 * i for i in range(1, len(pairs) + 1)]
    p = next(p for p in pairs if p.local.cidr == "10.0.4.0/25")
    assert (p.local.netmask, p.local.wildcard, p.remote.cidr) == ("255.255.255.128", "0.0.0.127", "192.168.2.0/24")
    assert ctx["esp"]["lifetime_bytes"] == 4608000 * 1024
    assert ctx["local"]["id"] == {"type": "fqdn", "value": "idc-gw.example.com"}
    assert ctx["remote"]["address"] == "203.195.147.82"


def test_render_api_is_importable_from_package():
    import vpnconf

    assert callable(vpnconf.render) and callable(vpnconf.require_site)
    assert sys.modules.get("vpnconf.renderer") is not None


# ------------------------------------------- the cloud's health check, device side
@pytest.mark.parametrize(
    ("idc", "cloud", "net"),
    [
        ("169.254.128.2", "169.254.128.1", "169.254.128.0/30"),
        # Tencent's default pair is not in one /30: the /29 holds both as hosts
        ("169.254.128.2", "169.254.128.5", "169.254.128.0/29"),
        # .4 is the network address of its /30: the next wider network
        ("169.254.128.4", "169.254.128.5", "169.254.128.0/29"),
        ("169.254.128.7", "169.254.128.8", "169.254.128.0/28"),
    ],
)
def test_health_check_context_net_holds_both_ends_as_hosts(idc: str, cloud: str, net: str) -> None:
    from vpnconf.renderer import _health

    t = _tunnel_with(health_check={"enabled": True, "local_ip": cloud, "remote_ip": idc})
    h = _health(t)
    assert h is not None and (h["idc"], h["cloud"], h["net"].cidr) == (idc, cloud, net)


def test_health_check_context_absent_unless_enabled_with_both_ends() -> None:
    from vpnconf.renderer import _health

    assert _health(_tunnel_with()) is None
    assert _health(_tunnel_with(health_check={"enabled": True, "local_ip": "169.254.128.1"})) is None
    off = {"enabled": False, "local_ip": "169.254.128.1", "remote_ip": "169.254.128.2"}
    assert _health(_tunnel_with(health_check=off)) is None


def _tunnel_with(**fields: object) -> Tunnel:
    t = quickstart_data()["tunnels"][0]
    return Tunnel.model_validate({**t, **fields})


def test_a_variant_says_when_it_writes_the_health_check() -> None:
    from vpnconf.catalog import Variant

    base = {"files": {"config.txt": "x.j2"}, "description": "d"}
    assert Variant(base, "v").writes_health_check(False) is False
    assert Variant({**base, "health_check": True}, "v").writes_health_check(True) is True
    partial = Variant({**base, "health_check": "without-bgp"}, "v")
    assert (partial.writes_health_check(False), partial.writes_health_check(True)) == (True, False)
    with pytest.raises(VpnconfError, match=r"vendors/x/vendor.yaml variants.v: health_check is true, false or without"):
        Variant({**base, "health_check": "sometimes"}, "vendors/x/vendor.yaml variants.v")


@pytest.mark.parametrize("vendor", sorted(vendors()))
def test_render_says_when_a_health_check_is_not_configured(vendor, vpnconf_bin, tmp_path) -> None:
    """A BGP tunnel and a static one with the cloud's health check, rendered by
    every route-based variant: `render` warns on stderr, naming the tunnel,
    exactly where the variant does not configure it (health_check false, or
    without-bgp beside BGP); the config is written all the same."""
    from vpnconf.io import require_site

    for sample, name in (("bgp-pair.yaml", "TunA"), ("static-pair.yaml", "TunA")):
        site = require_site(QUICKSTART.parent / sample)
        t = site.tunnel(name)
        assert t.health_check is not None and t.health_check.enabled
        for vname, var in vendors()[vendor].variants.items():
            if "route" not in var.serves or (t.bgp is not None and not var.bgp):
                continue
            out = tmp_path / f"{sample}-{vname}.txt"
            args = ["render", str(QUICKSTART.parent / sample), "--tunnel", name, "--vendor", vendor]
            r = subprocess.run(
                [*vpnconf_bin, *args, "--variant", vname, "-o", str(out)],
                capture_output=True,
                text=True,
            )
            assert r.returncode == 0 and out.exists(), r.stderr
            warned = [ln for ln in r.stderr.splitlines() if "health check" in ln]
            if var.writes_health_check(t.bgp is not None):
                assert not warned, (vname, warned)
            else:
                assert len(warned) == 1 and f"tunnel {name}:" in warned[0], (vname, r.stderr)
