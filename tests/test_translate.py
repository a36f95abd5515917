"""translate = parse + render, with a loss report, from every vendor with a
parser to every vendor, on the quick start (vendors discovered, not named)."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import QUICKSTART
from vpnconf.catalog import lab_vendor, vendors
from vpnconf.io import require_site
from vpnconf.model import Site
from vpnconf.parsing import parse_text, parser_modules, to_site_data
from vpnconf.renderer import render

SOURCES = sorted(v for v in vendors() if v in parser_modules())
TARGETS = sorted(vendors())


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("source", SOURCES)
def test_translate_quickstart(source, target, vpnconf_bin, tmp_path):
    site = require_site(QUICKSTART)
    src = tmp_path / "src.cfg"
    src.write_text(render(site, "TomVPNConn", source))
    r = subprocess.run(
        [*vpnconf_bin, "translate", str(src), "--vendor", source, "--to", target, "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stderr)["loss_report"]
    # the loss report is exactly what the parse and the mapping into the model lost
    dev = parse_text(src.read_text(), str(src), source)
    _, losses = to_site_data(dev)
    expected = {f.message for f in dev.findings if f.severity != "info" or f.rule == "IGNORED"} | {
        f.message for f in losses
    }
    # a source that cannot hold a value (a release without a volume lifetime) has
    # translate say which default the target then gets: that item, and only it, is more
    no_kb = all(sw.ipsec_lifetime_kb is None for sw in vendors()[source].software)
    got = {x["message"] for x in report}
    if no_kb:
        extra = {m for m in got - expected if "lifetime_kb" in m}
        assert len(extra) <= 1, extra
        got -= extra
    assert got == expected
    assert all(x["severity"] != "error" for x in report)
    # what arrives in the target vendor's syntax is the same tunnel
    if target in parser_modules():
        back = parse_text(r.stdout, "out", target)
        data, _ = to_site_data(back)
        t = Site.model_validate(data).tunnels[0]
        orig = site.tunnels[0]
        skip = {"lifetime_kb"} if no_kb else set()
        assert (
            t.ike.model_dump(exclude={"local_id", "peer_id"}),
            t.ipsec.model_dump(exclude=skip),
            t.spd,
            t.psk(),
        ) == (
            orig.ike.model_dump(exclude={"local_id", "peer_id"}),
            orig.ipsec.model_dump(exclude=skip),
            orig.spd,
            orig.psk(),
        )


def test_translate_refuses_what_the_target_cannot_express(vpnconf_bin, tmp_path):
    src = tmp_path / "dh24.conf"
    site = require_site(QUICKSTART)
    t = site.tunnels[0]
    t24 = t.model_copy(update={"ike": t.ike.model_copy(update={"dh_group": 24})})
    site24 = site.model_copy(update={"tunnels": [t24]})
    src.write_text(render(site24, "TomVPNConn", lab_vendor().id))
    lacking = next(
        v.id
        for v in vendors().values()
        if all(24 not in (s.algorithms(1) or s.algorithms(2)).dh_groups for s in v.software)
    )
    r = subprocess.run([*vpnconf_bin, "translate", str(src), "--to", lacking], capture_output=True, text=True)
    assert r.returncode == 1 and "DH group 24 is not supported" in r.stderr and r.stdout == ""


def _without_lifetimes() -> Site:
    """The quick start with no lifetime given anywhere (the model fills the
    cloud's defaults, which a translation must not invent)."""
    import yaml

    from vpnconf.io import site_from_data

    d = yaml.safe_load(QUICKSTART.read_text())
    for t in d["tunnels"]:
        t["ike"].pop("lifetime_seconds", None)
        t["ipsec"].pop("lifetime_seconds", None)
        t["ipsec"].pop("lifetime_kb", None)
    site, findings = site_from_data(d, "no-lifetimes.yaml")
    assert site is not None, [f.text() for f in findings]
    return site


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("source", SOURCES)
def test_translate_never_writes_a_value_the_source_lacked(source, target, vpnconf_bin, tmp_path):
    """A source config without lifetimes (rendered with only what the tunnel
    data gives): the target gets no lifetime the source did not have (no
    model default such as 1843200 KB), and the loss report names each field;
    the text report lists exactly the items the JSON has."""
    site = _without_lifetimes()
    src = tmp_path / "src.cfg"
    src.write_text(render(site, "TomVPNConn", source, only_given=True))
    assert "1843200" not in src.read_text() and "86400" not in src.read_text()
    cmd = [*vpnconf_bin, "translate", str(src), "--vendor", source, "--to", target]
    r = subprocess.run([*cmd, "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "1843200" not in r.stdout and str(1843200 * 1024) not in r.stdout
    loss = json.loads(r.stderr)["loss_report"]
    fields = {x.get("field") for x in loss if x["rule"] == "DEFAULT"}
    parsed = parse_text(src.read_text(), "src.cfg", source).tunnels[0]
    if parsed.ipsec_lifetime_kb is None or "ipsec_lifetime_kb" in parsed.defaulted:
        assert "ipsec.lifetime_kb" in fields, loss
    t = subprocess.run(cmd, capture_output=True, text=True)
    head, *items = t.stderr.strip().splitlines()
    assert head == f"loss report ({len(loss)} items):" and len(items) == len(loss), t.stderr


@pytest.mark.parametrize("target", TARGETS)
def test_an_unknown_key_is_a_placeholder_no_device_takes(target):
    """A masked or encrypted source key is never rendered as if it were the
    key: the target gets a placeholder with quotes and spaces (no CLI takes it
    as a key), and the target's own parser does not read a key from it."""
    from vpnconf.parsing import Ident, ParsedDevice, ParsedTunnel, Proposal
    from vpnconf.renderer import PSK_PLACEHOLDER

    t = ParsedTunnel(
        name="masked",
        local_address="202.108.22.5",
        peer_address="203.195.147.82",
        psk=None,
        psk_state="masked",
        ike_version=2,
        ike_proposals=[Proposal("aes256", "sha256", 14)],
        esp_proposals=[Proposal("aes256", "sha256")],
        selectors=[("10.0.0.0/24", "192.168.10.0/24")],
        local_id=Ident("address", "202.108.22.5"),
    )
    data, losses = to_site_data(ParsedDevice(vendor="any", file="src.cfg", tunnels=[t]))
    assert any("placeholder the device refuses" in f.message for f in losses)
    site = Site.model_validate(data)
    text = render(site, "masked", target)
    assert PSK_PLACEHOLDER in text and '"' in PSK_PLACEHOLDER and " " in PSK_PLACEHOLDER
    if target in parser_modules():
        back = parse_text(text, "out.cfg", target).tunnels
        assert all(b.psk in (None, "") or " " in b.psk or '"' in b.psk or b.psk_state != "clear" for b in back), back


def test_names_and_keys_the_site_refuses_become_findings_never_an_internal_error():
    """A device's tunnel name that is no site name is made one (and the loss
    says how); a key the service would refuse becomes an error finding and the
    placeholder; the result is always a valid site."""
    from vpnconf.model import UNKNOWN_PSK
    from vpnconf.parsing import ParsedDevice, ParsedTunnel, Proposal

    def tun(name: str, key: str) -> ParsedTunnel:
        return ParsedTunnel(
            name=name,
            local_address="198.51.100.5",
            peer_address="203.0.113.9",
            psk=key,
            psk_state="clear",
            ike_version=2,
            ike_proposals=[Proposal("aes256", "sha256", 14)],
            esp_proposals=[Proposal("aes256", "sha256")],
            selectors=[("10.0.0.0/24", "192.168.1.0/24")],
        )

    dev = ParsedDevice(
        vendor="any", file="d.cfg", tunnels=[tun("to cloud/№1", "has a space"), tun("to cloud/№1", "Ok-Key-1")]
    )
    data, losses = to_site_data(dev)
    site = Site.model_validate(data)
    assert [t.name for t in site.tunnels] == ["to-cloud-1", "to-cloud-1-2"]
    assert site.tunnels[0].psk() == UNKNOWN_PSK and site.tunnels[1].psk() == "Ok-Key-1"
    texts = [f.message for f in losses]
    assert any("is written 'to-cloud-1'" in m for m in texts)
    assert [f.severity for f in losses if "characters the service refuses" in f.message] == ["error"]
    assert not any("has a space" in m for m in texts)


@pytest.mark.parametrize("target", TARGETS)
def test_translate_keeps_the_tunnels_kind(target, vpnconf_bin, tmp_path):
    """A policy-based source goes to the target's policy-based variant (its own
    kind first in ``serves``); asking for a variant of the other kind is
    allowed and the loss report says the kind changed (field route_type)."""
    v = vendors()[target]
    src = tmp_path / "src.cfg"
    src.write_text(render(require_site(QUICKSTART), "TomVPNConn", lab_vendor().id))
    r = subprocess.run(
        [*vpnconf_bin, "translate", str(src), "--to", target, "--format", "json"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    policy = [n for n, var in v.variants.items() if var.serves[0] == "policy"]
    loss = json.loads(r.stderr)["loss_report"]
    if policy:
        assert f"variant {policy[0]}" in r.stdout.splitlines()[0] or f"variant {policy[0]}" in r.stdout
        assert not [x for x in loss if x.get("field") == "route_type"]
    routed = [n for n, var in v.variants.items() if var.serves[0] == "route" and "policy" in var.serves]
    for name in routed[:1]:
        r = subprocess.run(
            [*vpnconf_bin, "translate", str(src), "--to", target, "--variant", name, "--format", "json"],
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0, r.stderr
        (item,) = [x for x in json.loads(r.stderr)["loss_report"] if x.get("field") == "route_type"]
        assert "policy-based" in item["message"] and "asked with --variant" in item["message"]


def test_a_device_to_device_translation_applies_no_cloud_profile_unless_asked(vpnconf_bin, tmp_path):
    """An IPsec lifetime of 120 s is below Tencent's 180: a device-to-device
    translation carries it without the cloud's verdict; --against tencent
    applies the profile's rules and the loss report names the rule."""
    import yaml

    from vpnconf.io import site_from_data

    d = yaml.safe_load(QUICKSTART.read_text())
    d["tunnels"][0]["ipsec"]["lifetime_seconds"] = 120
    site, _ = site_from_data(d, "short.yaml")
    assert site is not None
    src = tmp_path / "src.cfg"
    src.write_text(render(site, "TomVPNConn", lab_vendor().id))
    target = sorted(v for v in vendors() if v != lab_vendor().id)[0]
    r = subprocess.run(
        [*vpnconf_bin, "translate", str(src), "--to", target, "--format", "json"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert not [x for x in json.loads(r.stderr)["loss_report"] if x["rule"].startswith("PROFILE-")]
    r = subprocess.run(
        [*vpnconf_bin, "translate", str(src), "--to", target, "--against", "tencent", "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1
    assert [x["rule"] for x in json.loads(r.stderr)["loss_report"] if x["rule"].startswith("PROFILE-")] == [
        "PROFILE-IPSEC-LIFETIME"
    ]


@pytest.mark.parametrize("target", TARGETS)
def test_translate_names_a_health_check_the_target_does_not_write(target, vpnconf_bin, tmp_path):
    """A route-based source with the cloud's health check: every variant of the
    target whose templates do not write it (``health_check`` false) gets a
    NOT-CARRIED item on field health_check; one that writes it gets none."""
    site = require_site(QUICKSTART.parent / "static-pair.yaml")
    (tun,) = [t for t in site.tunnels if t.health_check is not None and t.health_check.enabled]
    src = tmp_path / "src.cfg"
    src.write_text(render(site, tun.name, lab_vendor().id))
    for name, var in vendors()[target].variants.items():
        r = subprocess.run(
            [*vpnconf_bin, "translate", str(src), "--to", target, "--variant", name, "--format", "json"],
            capture_output=True,
            text=True,
        )
        loss = json.loads(r.stderr)["loss_report"]
        if r.returncode != 0 and any(x["severity"] == "error" for x in loss):
            continue  # the variant refuses the tunnel (named in the report): nothing written
        hc = [x for x in loss if x.get("field") == "health_check"]
        if var.writes_health_check(tun.bgp is not None):
            assert not hc, (name, hc)
        else:
            assert len(hc) == 1 and str(tun.health_check.remote_ip) in hc[0]["message"], (name, loss)
