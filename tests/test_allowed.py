"""The one allowed-set/range checker (vpnconf/allowed.py), and the three
callers that use it (validate's PROFILE-* rules, `check --against`, the
renderer's capability errors) agreeing on one out-of-set value."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest
import yaml

from conftest import QUICKSTART
from vpnconf.allowed import (
    ACCEPTED,
    DH_GROUP,
    IKE_LIFETIME,
    IKE_VERSION,
    IPSEC_LIFETIME_KB,
    PFS_GROUP,
    SUPPORTED,
    Field,
    by_profile,
    outside_range,
    outside_set,
)

# ------------------------------------------------------------------ sets


@pytest.mark.parametrize("value", [1, 2, 5, 14])
def test_a_value_in_the_set_passes(value):
    assert outside_set(DH_GROUP, value, [1, 2, 5, 14]) is None


def test_a_value_outside_the_set_is_named_with_what_is_accepted():
    assert outside_set(DH_GROUP, 24, [1, 2, 5, 14], by="by profile p") == (
        "DH group 24 is not accepted by profile p (accepted: 1, 2, 5, 14)"
    )


def test_the_verb_and_the_by_phrase_are_the_callers():
    assert outside_set(DH_GROUP, 24, (14, 19), verb=SUPPORTED, by="with IKEv2") == (
        "DH group 24 is not supported with IKEv2 (supported: 14, 19)"
    )
    assert outside_set(IKE_VERSION, 2, [1], verb=SUPPORTED) == "IKE version 2 is not supported (supported: 1)"


def test_set_membership_is_by_equality_not_by_spelling():
    # the callers pass canonical values; the checker does not fold case or types
    assert outside_set(PFS_GROUP, "none", ["none", 2]) is None
    assert outside_set(PFS_GROUP, "2", ["none", 2]) is not None
    assert outside_set(Field("encryption"), "AES128", ["aes128"]) is not None


def test_an_empty_set_refuses_everything():
    assert outside_set(DH_GROUP, 2, []) == "DH group 2 is not accepted (accepted: )"


def test_none_is_nothing_to_check_for_sets():
    assert outside_set(DH_GROUP, None, [1, 2]) is None  # the value is not set
    assert outside_set(DH_GROUP, 24, None) is None  # no restriction
    # None is never an allowed "value": a caller that means "off" says so ("none")
    assert outside_set(PFS_GROUP, "none", [2, 14]) == "PFS group none is not accepted (accepted: 2, 14)"


def test_a_unit_follows_the_value_and_the_list():
    assert outside_set(Field("bandwidth", "Mbps"), 30, [5, 10]) == (
        "bandwidth 30 Mbps is not accepted (accepted: 5, 10 Mbps)"
    )


# ---------------------------------------------------------------- ranges


@pytest.mark.parametrize(("value", "inside"), [(59, False), (60, True), (3600, True), (86400, True), (86401, False)])
def test_range_bounds_are_inclusive(value, inside):
    assert (outside_range(IKE_LIFETIME, value, (60, 86400)) is None) is inside


def test_a_value_outside_the_range_is_named_with_the_range():
    assert outside_range(IKE_LIFETIME, 59, (60, 86400), by="by profile p") == (
        "IKE SA lifetime 59 s is outside 60-86400 s accepted by profile p"
    )
    assert outside_range(IPSEC_LIFETIME_KB, 1, (2560, 4294967295), verb=SUPPORTED, by="with IKEv1") == (
        "IPsec SA lifetime 1 KB is outside 2560-4294967295 KB supported with IKEv1"
    )


def test_a_range_without_a_by_phrase_ends_at_the_range():
    assert outside_range(IKE_LIFETIME, 59, (60, 86400), verb=SUPPORTED) == "IKE SA lifetime 59 s is outside 60-86400 s"


def test_a_one_value_range():
    assert outside_range(Field("x"), 7, (7, 7)) is None
    assert outside_range(Field("x"), 8, (7, 7)) == "x 8 is outside 7-7"


def test_none_is_nothing_to_check_for_ranges():
    assert outside_range(IKE_LIFETIME, None, (60, 86400)) is None
    assert outside_range(IKE_LIFETIME, 1, None) is None


def test_zero_is_a_value_not_a_missing_one():
    assert outside_range(IKE_LIFETIME, 0, (60, 86400)) is not None
    assert outside_range(IKE_LIFETIME, 0, (0, 86400)) is None


def test_by_profile_and_the_default_verb():
    assert by_profile("aws") == "by profile aws"
    assert ACCEPTED == "accepted"


def test_importing_the_checker_pulls_in_neither_pydantic_nor_yaml():
    code = (
        "import sys; import vpnconf.allowed; "
        "heavy = [m for m in ('pydantic', 'yaml', 'jinja2') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == ""


# ------------------------------------------ the three callers, one verdict
def test_dh24_is_refused_alike_by_a_profile_by_check_against_and_by_a_release(tmp_path, capsys):
    """DH group 24 over IKEv2: refused by profile gcp (validate, PROFILE-DH-GROUP),
    by `check --against gcp` of a device config that proposes it
    (CLOUD-IKE-PROPOSAL) and by a release that lacks it (render); each message
    is the checker's, and the two profile verdicts are word for word the same."""
    from vpnconf.catalog import lab_vendor, vendors
    from vpnconf.cli import main
    from vpnconf.findings import RenderError
    from vpnconf.io import site_from_data
    from vpnconf.profiles import get_profile, ike_set
    from vpnconf.renderer import render, render_files

    d = yaml.safe_load(QUICKSTART.read_text())
    d["tunnels"][0]["ike"].update(version=2, dh_group=24)
    d["profile"] = "gcp"
    site, findings = site_from_data(copy.deepcopy(d), "dh24.yaml")
    assert site is not None
    gcp = get_profile("gcp")
    want = outside_set(DH_GROUP, 24, ike_set(gcp, 2, "dh_groups"), by=by_profile("gcp"))
    assert want == "DH group 24 is not accepted by profile gcp (accepted: 2, 5, 14, 15, 16, 19, 20, 21)"

    # 1. validate: the site's profile refuses it
    (validate,) = [f for f in findings if f.rule == "PROFILE-DH-GROUP"]
    assert validate.severity == "error" and validate.message == want

    # 2. check --against: a device config that proposes only DH 24 (rendered by
    # a release that has it) is refused by the same profile in the same words
    dev = tmp_path / "swanctl.conf"
    dev.write_text("".join(render_files(site, "TomVPNConn", lab_vendor().id).values()))
    assert main(["check", str(dev), "--against", "gcp"]) == 1
    (line,) = [ln for ln in capsys.readouterr().out.splitlines() if "CLOUD-IKE-PROPOSAL" in ln]
    assert line.startswith(f"{dev}:") and " error CLOUD-IKE-PROPOSAL" in line
    assert line.endswith(f": {want}")

    # 3. render: a release without DH 24 refuses it with the same checker
    v, sw = next(
        (v, sw)
        for v in vendors().values()
        for sw in v.software
        if 2 in sw.ike_versions and 24 not in sw.algorithms(2).dh_groups
    )
    with pytest.raises(RenderError) as exc:
        render(site, "TomVPNConn", v.id, platform=sw.platform, software=sw.releases[-1])
    release_says = outside_set(DH_GROUP, 24, sw.algorithms(2).dh_groups, verb=SUPPORTED, by="with IKEv2")
    assert str(exc.value) == f"{v.id} {v.platform(sw.platform).id} {sw.range}: {release_says}"
