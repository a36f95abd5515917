"""`check`: against cloud profiles and against the peer. The behaviour encoded
where implementations differ is written down here as tests."""

from __future__ import annotations

import copy

import pytest

from vpnconf.catalog import lab_vendor, vendors
from vpnconf.compat import check_against_profile, check_peer, cloud_end, establishes, idc_end
from vpnconf.differential import BASE
from vpnconf.model import Site
from vpnconf.parsing import ParsedDevice, Proposal
from vpnconf.profiles import get_profile, profile_names


def ends(mutate_cloud=None, mutate_both=None):
    d = copy.deepcopy(BASE)
    if mutate_both:
        mutate_both(d["tunnels"][0])
    c = copy.deepcopy(d)
    if mutate_cloud:
        mutate_cloud(c["tunnels"][0])
    si, sc = Site.model_validate(d), Site.model_validate(c)
    return idc_end(si, si.tunnels[0]), cloud_end(sc, sc.tunnels[0])


def rules(findings, severity="error"):
    return {f.rule for f in findings if f.severity == severity}


def test_matching_ends_establish():
    a, b = ends()
    fs = check_peer(a, b)
    assert fs == [] and establishes(fs) == (True, True)


@pytest.mark.parametrize(
    ("mutate", "rule", "verdict"),
    [
        (lambda t: t["ike"].update(dh_group=5), "PEER-IKE-PROPOSAL", (False, False)),
        (lambda t: t["ike"].update(encryption="aes256"), "PEER-IKE-PROPOSAL", (False, False)),
        (lambda t: t["ike"].update(version=2), "PEER-IKE-VERSION", (False, False)),
        (lambda t: t["ike"].update(mode="aggressive"), "PEER-IKE-MODE", (False, False)),
        (lambda t: t.update(pre_shared_key="Different-1"), "PEER-PSK", (False, False)),
        (
            lambda t: t["ike"].update(peer_id={"type": "fqdn", "value": "x.example.com"}),
            "PEER-IDENTITY",
            (False, False),
        ),
        (lambda t: t["ipsec"].update(integrity="sha256"), "PEER-ESP-PROPOSAL", (True, False)),
        (lambda t: t["ipsec"].update(pfs=14), "PEER-PFS", (True, False)),
        (lambda t: t["spd"][0].update(peers=["10.0.9.0/24"]), "PEER-SELECTORS", (True, False)),
    ],
)
def test_each_mismatch_kind(mutate, rule, verdict):
    a, b = ends(mutate)
    fs = check_peer(a, b, initiator="a")
    assert rule in rules(fs)
    assert establishes(fs) == verdict
    f = next(x for x in fs if x.rule == rule)
    assert f.extra["fix"] and "this end" in f.extra and "the peer" in f.extra


def test_psk_values_are_never_shown():
    a, b = ends(lambda t: t.update(pre_shared_key="Different-1"))
    f = next(x for x in check_peer(a, b) if x.rule == "PEER-PSK")
    assert "Different-1" not in str(f.as_dict()) and "Shared-Key-1" not in str(f.as_dict())


def test_ikev2_pfs_mismatch_is_a_rekey_warning():
    a, b = ends(lambda t: t["ipsec"].update(pfs=14), lambda t: t["ike"].update(version=2))
    fs = check_peer(a, b)
    assert rules(fs, "warning") == {"PEER-PFS"} and establishes(fs) == (True, True)


def vendor_with(behaviour: str, value: bool = True) -> str:
    """A vendor whose vendor.yaml ``behaviour:`` says so (vendors named by data, not here)."""
    return next(v.id for v in vendors().values() if v.behaviour.get(behaviour) is value)


def test_a_vendor_that_accepts_a_pfs_offer_without_pfs():
    """A vendor with ``accepts_pfs_offer`` (IOS without `set pfs`) accepts a PFS
    offer; one without it (strongSwan's behaviour) does not."""
    a, b = ends(lambda t: t["ipsec"].update(pfs=14))  # a: IDC without PFS, b: cloud with PFS 14
    assert establishes(check_peer(a, b, a_vendor=vendor_with("accepts_pfs_offer", False)))[1] is False
    fs = check_peer(a, b, a_vendor=vendor_with("accepts_pfs_offer"))
    assert "PEER-PFS" in rules(fs, "warning") and establishes(fs) == (True, True)


def test_ikev1_selectors_narrower_initiator_works_wider_depends_on_the_responder(monkeypatch):
    a, b = ends(lambda t: t["spd"][0].update(peers=["10.0.0.0/16"]))  # the cloud's IDC range is wider
    assert establishes(check_peer(a, b, initiator="a")) == (True, True)
    # the wider end initiates: a responder that narrows (the lab's daemon, seen in the
    # differential) answers with its own selectors; one that does not fails the CHILD SA
    fs = check_peer(a, b, initiator="b", a_vendor=vendor_with("ikev1_responder_narrows_wider_ts"))
    assert establishes(fs) == (True, True)
    assert any("narrows them to its own" in x.message for x in fs if x.rule == "PEER-SELECTORS")
    undocumented = vendor_with("ikev1_responder_narrows_wider_ts", None)
    fs = check_peer(a, b, initiator="b", a_vendor=undocumented)
    assert any("cannot tell whether" in x.message for x in fs if x.rule == "PEER-SELECTORS")
    from vpnconf import compat

    real = compat.behaviour
    monkeypatch.setattr(
        compat, "behaviour", lambda v: {**real(v), "ikev1_responder_narrows_wider_ts": False} if v == "x" else real(v)
    )
    assert establishes(check_peer(a, b, initiator="b", a_vendor="x")) == (True, False)
    assert "PEER-SELECTORS" in rules(check_peer(a, b), "warning")


def test_ikev1_aggressive_mode_lists_mixing_dh_groups():
    """Aggressive mode sends the KE for the initiator's first group; the responder
    picks by its own order (the lab: "invalid DH public value size")."""
    props = [
        {"encryption": "aes128", "integrity": "sha1", "dh_group": 14},
        {"encryption": "aes256", "integrity": "sha256", "dh_group": 19},
    ]

    def aggr(order):
        def m(t):
            t["ike"] = {k: v for k, v in t["ike"].items() if k not in ("encryption", "integrity", "dh_group")}
            t["ike"].update(version=1, mode="aggressive", proposals=order)

        return m

    a, b = ends(aggr(props), aggr(list(reversed(props))))
    fs = check_peer(a, b, initiator="a")
    assert establishes(fs) == (False, False)
    assert any("aggressive mode" in x.message for x in fs if x.rule == "PEER-IKE-PROPOSAL")
    a, b = ends(aggr(props), aggr(props))  # the same order: the responder picks the KE's group
    assert establishes(check_peer(a, b, initiator="a")) == (True, True)


def test_ikev2_selectors_narrow():
    both = lambda t: t["ike"].update(version=2)  # noqa: E731
    a, b = ends(lambda t: t["spd"][0].update(peers=["10.0.0.0/16"]), both)
    fs = check_peer(a, b)
    assert "PEER-SELECTORS" in rules(fs, "warning") and establishes(fs) == (True, True)
    a, b = ends(lambda t: t["spd"][0].update(peers=["10.9.0.0/16"]), both)
    assert establishes(check_peer(a, b)) == (True, False)


def test_lifetimes_warn_who_rekeys_first_and_a_strict_ikev1_responder():
    a, b = ends(lambda t: t["ike"].update(lifetime_seconds=3600))
    fs = check_peer(a, b, a_name="idc", b_name="cloud")
    f = next(x for x in fs if x.rule == "PEER-LIFETIME")
    assert "cloud rekeys first" in f.message and establishes(fs) == (True, True)
    strict = vendor_with("ikev1_rejects_longer_lifetime")
    fs = check_peer(a, b, a_vendor=strict, a_name="idc", b_name="cloud")
    assert "PEER-LIFETIME-RESPONDER" not in rules(fs, "warning")  # the cloud's is shorter
    a, b = ends(lambda t: t["ike"].update(lifetime_seconds=172800))
    fs = check_peer(a, b, a_vendor=strict, a_name="idc", b_name="cloud")
    assert "PEER-LIFETIME-RESPONDER" in rules(fs, "warning")


def _device(mutate=None):
    a, _ = ends(None, mutate)
    return ParsedDevice(vendor=lab_vendor().id, file="dev.conf", tunnels=[a])


def test_every_profile_loads():
    assert set(profile_names()) >= {"tencent-classic", "tencent", "aws", "azure", "alibaba", "gcp"}


@pytest.mark.parametrize(
    ("profile", "mutate", "rule"),
    [
        ("tencent-classic", lambda t: t["ike"].update(version=2), "CLOUD-IKE-VERSION"),
        ("aws", lambda t: t["ike"].update(mode="aggressive"), "CLOUD-IKE-MODE"),
        ("aws", lambda t: t["ike"].update(encryption="3des"), "CLOUD-IKE-PROPOSAL"),
        ("aws", lambda t: t["ipsec"].update(lifetime_seconds=7200), "CLOUD-LIFETIME"),
        (
            "aws",
            lambda t: t["ike"].update(lifetime_seconds=1800, version=2) or t["ipsec"].update(lifetime_seconds=1800),
            "CLOUD-LIFETIME-ORDER",
        ),
        ("aws", lambda t: t.update(pre_shared_key="0abc-def"), "CLOUD-PSK"),
        ("gcp", lambda t: t["ipsec"].update(pfs="none"), "CLOUD-PFS"),
        ("gcp", lambda t: t["ike"].update(version=1, dh_group=14), "CLOUD-IKE-PROPOSAL"),
        ("azure", lambda t: t["ike"].update(dh_group=5), "CLOUD-IKE-PROPOSAL"),
        ("alibaba", lambda t: t["ike"].update(integrity="sha256"), "CLOUD-IKE-PROPOSAL"),
        ("tencent-classic", lambda t: t["ipsec"].update(integrity="sha256"), "CLOUD-ESP-PROPOSAL"),
        ("tencent", lambda t: t["ike"].update(lifetime_seconds=30), "CLOUD-LIFETIME"),
    ],
)
def test_against_profiles(profile, mutate, rule):
    fs = check_against_profile(_device(mutate), get_profile(profile))
    assert rule in rules(fs)
    f = next(x for x in fs if x.rule == rule)
    assert "accepted" in f.extra or rule in {"CLOUD-LIFETIME-ORDER", "CLOUD-PSK"}


def test_against_profile_messages_match_validate():
    """CLOUD-* findings word their refusals as the PROFILE-* rules do (vpnconf/allowed.py)."""
    fs = check_against_profile(_device(lambda t: t["ike"].update(version=2)), get_profile("tencent-classic"))
    f = next(x for x in fs if x.rule == "CLOUD-IKE-VERSION")
    assert f.message == "tunnel t: IKE version 2 is not accepted by profile tencent-classic (accepted: 1)"
    fs = check_against_profile(_device(lambda t: t["ipsec"].update(pfs="none")), get_profile("gcp"))
    f = next(x for x in fs if x.rule == "CLOUD-PFS")
    assert f.message.endswith("PFS group none is not accepted by profile gcp (accepted: 2, 5, 14, 15, 16, 19, 20, 21)")
    assert f.extra["accepted"] == [2, 5, 14, 15, 16, 19, 20, 21]


def test_against_profile_clean_and_alternative_proposal():
    assert check_against_profile(_device(), get_profile("tencent")) == []
    dev = _device()
    dev.tunnels[0].ike_proposals.insert(0, Proposal("des", "md5", 1, raw="des-md5-modp768"))
    fs = check_against_profile(dev, get_profile("aws"))
    f = next(x for x in fs if x.rule == "CLOUD-IKE-PROPOSAL")
    assert f.severity == "warning" and "another proposal is acceptable" in f.message


def test_an_undocumented_behaviour_is_cannot_tell_never_another_vendors():
    """A vendor whose vendor.yaml declares a behaviour null (undocumented) gets
    "cannot tell" where that behaviour decides; it never inherits another
    vendor's behaviour (here: IKEv1, PFS offered to an end without PFS)."""
    unknown = next((v.id for v in vendors().values() if v.behaviour.get("accepts_pfs_offer") is None), None)
    if unknown is None:
        pytest.skip("every vendor documents accepts_pfs_offer")
    a, b = ends(lambda t: t["ipsec"].update(pfs=14))  # a: IDC without PFS, b: cloud with PFS 14
    fs = check_peer(a, b, a_vendor=unknown)
    (pfs,) = [x for x in fs if x.rule == "PEER-PFS"]
    assert pfs.severity == "warning" and "cannot tell" in pfs.message


def _pair_site(mutate=None):
    import yaml

    from conftest import SAMPLES
    from vpnconf.io import site_from_data

    d = yaml.safe_load((SAMPLES / "bgp-pair.yaml").read_text())
    if mutate:
        mutate(d)
    site, findings = site_from_data(d, "bgp-pair.yaml")
    assert site is not None, [f.text() for f in findings]
    return site


def test_route_based_bgp_ends_match_and_any_any_selectors():
    site = _pair_site()
    t = site.tunnels[0]
    a, b = idc_end(site, t), cloud_end(site, t)
    assert b.selectors == [("0.0.0.0/0", "0.0.0.0/0")] and a.route_based and b.bgp and a.bgp
    fs = check_peer(a, b)
    assert not [x for x in fs if x.severity == "error"], [x.text() for x in fs]
    assert establishes(fs) == (True, True)


def test_bgp_mismatches_are_routing_errors_but_the_sas_come_up():
    site = _pair_site()
    other = _pair_site(lambda d: d["customer_gateways"][0].update(bgp_asn=65099))
    a, b = idc_end(other, other.tunnels[0]), cloud_end(site, site.tunnels[0])
    fs = check_peer(a, b)
    bgp = [x for x in fs if x.rule == "PEER-BGP"]
    assert bgp and all(x.severity == "error" and x.extra["stage"] == "routing" for x in bgp)
    assert any("65099" in x.message for x in bgp)
    assert establishes(fs) == (True, True)  # IKE and CHILD SAs are not the routing's business
    a.bgp = None
    fs = check_peer(a, b)
    assert [x.message for x in fs if x.rule == "PEER-BGP"] == [
        "only the peer runs BGP over the tunnel: no routes are exchanged"
    ]


def test_a_proposal_list_meets_one_proposal():
    site = _pair_site(
        lambda d: d["tunnels"][0]["ike"].update(
            proposals=[
                {"encryption": "aes128", "integrity": "sha1", "dh_group": 2},
                {"encryption": "aes256", "integrity": "sha256", "dh_group": 14},
            ],
            encryption="aes128",
            integrity="sha1",
            dh_group=2,
        )
    )
    one = _pair_site()
    fs = check_peer(idc_end(site, site.tunnels[0]), cloud_end(one, one.tunnels[0]))
    assert "PEER-IKE-PROPOSAL" not in rules(fs)  # the second offer is the peer's one
    none = _pair_site(lambda d: d["tunnels"][0]["ike"].update(dh_group=19))
    fs = check_peer(idc_end(site, site.tunnels[0]), cloud_end(none, none.tunnels[0]))
    assert "PEER-IKE-PROPOSAL" in rules(fs, "error")


def test_ikev1_quick_mode_offers_only_the_first_pfs_group():
    """One KE payload in quick mode: the initiator offers only its ESP proposals
    with its first proposal's PFS group (the lab: "received proposals" lists
    only those)."""
    md5_14 = {"encryption": "aes256", "integrity": "md5", "pfs": 14}
    sha1_5 = {"encryption": "aes256", "integrity": "sha1", "pfs": 5}

    def esp(order):
        def m(t):
            t["ipsec"] = {k: v for k, v in t["ipsec"].items() if k not in ("encryption", "integrity", "pfs")}
            t["ipsec"]["proposals"] = order

        return m

    a, b = ends(esp([sha1_5, md5_14]), esp([md5_14, sha1_5]))  # IDC offers md5/14 first
    assert establishes(check_peer(a, b, initiator="a")) == (True, True)
    a, b = ends(esp([sha1_5]), esp([md5_14, sha1_5]))  # the cloud has only the group-5 proposal
    fs = check_peer(a, b, initiator="a")
    assert establishes(fs) == (True, False)
    assert any("one KE payload" in x.message for x in fs if x.rule == "PEER-PFS")
    # when the cloud initiates, it offers sha1/5 first, which the IDC has: works
    assert establishes(check_peer(a, b, initiator="b")) == (True, True)


# ------------------------------------------------ the cloud's health check, peer
def test_health_check_the_idc_end_does_not_hold_is_unanswered_probes():
    """The cloud probes its health-check address pair; an IDC end that holds
    the mirrored pair is silent, one that holds none or another pair gets a
    routing-stage warning naming the addresses; the SAs are not its business."""
    site = _pair_site()
    t = site.tunnels[0]
    assert t.health_check is not None and t.health_check.enabled
    a, b = idc_end(site, t), cloud_end(site, t)
    assert a.point_to_point == [("169.254.128.2", "169.254.128.1")]
    assert b.point_to_point == [("169.254.128.1", "169.254.128.2")]
    assert "PEER-HEALTH-CHECK" not in rules(check_peer(a, b), "warning")
    a.point_to_point = []
    (hc,) = [x for x in check_peer(a, b) if x.rule == "PEER-HEALTH-CHECK"]
    assert hc.severity == "warning" and hc.extra["stage"] == "routing"
    assert hc.message == (
        "the peer's health check probes 169.254.128.2 from 169.254.128.1; this end does not hold "
        "169.254.128.2 on its tunnel interface: the probes go unanswered"
    )
    a.point_to_point = [("169.254.128.6", "169.254.128.5")]
    (hc,) = [x for x in check_peer(a, b) if x.rule == "PEER-HEALTH-CHECK"]
    assert "this end holds 169.254.128.6 (other end 169.254.128.5)" in hc.message
    assert establishes(check_peer(a, b)) == (True, True)


def test_a_device_health_check_pair_the_cloud_does_not_probe_is_a_note():
    site = _pair_site(lambda d: d["tunnels"][0].pop("health_check"))
    a, b = idc_end(site, site.tunnels[0]), cloud_end(site, site.tunnels[0])
    a.point_to_point = [("169.254.128.2", "169.254.128.1")]
    (hc,) = [x for x in check_peer(a, b) if x.rule == "PEER-HEALTH-CHECK"]
    assert hc.severity == "info" and "this end holds health-check address 169.254.128.2" in hc.message


@pytest.mark.parametrize(
    "vendor", sorted(v for v in vendors() if any("route" in x.serves for x in vendors()[v].variants.values()))
)
def test_check_peer_reads_the_health_check_of_every_route_variant(vendor, vpnconf_bin, tmp_path):
    """`check --peer SITE` of each route variant's rendered config: rendered
    from the cloud's own tunnel it holds the health check (no finding where
    the variant writes it, cannot tell where it does not); rendered from the
    tunnel without it, the cloud's probes go unanswered (a warning), or
    cannot tell where the variant's addresses are not read."""
    import json
    import subprocess

    import yaml

    from conftest import SAMPLES
    from vpnconf.parsing import parser_modules
    from vpnconf.renderer import join_files, render_files

    if vendor not in parser_modules():
        pytest.skip(f"{vendor} has no parser")
    data = yaml.safe_load((SAMPLES / "static-pair.yaml").read_text())
    site = Site.model_validate(data)
    data["tunnels"][0].pop("health_check")
    bare = Site.model_validate(data)
    for vname, var in vendors()[vendor].variants.items():
        if var.serves[0] != "route":
            continue
        for src, holds in ((site, True), (bare, False)):
            cfg = tmp_path / f"{vname}-{holds}.cfg"
            cfg.write_text(join_files(render_files(src, "TunA", vendor, variant=vname)))
            peer = ["--peer", str(SAMPLES / "static-pair.yaml"), "--tunnel", "TunA"]
            r = subprocess.run(
                [*vpnconf_bin, "check", str(cfg), "--vendor", vendor, *peer, "--format", "json"],
                capture_output=True,
                text=True,
            )
            assert r.returncode in (0, 3), (vname, r.stderr)
            doc = json.loads(r.stdout)
            hc = [x for x in doc["findings"] if x["rule"] == "PEER-HEALTH-CHECK"]
            if not var.writes_health_check(False):
                assert [x.get("verdict") for x in hc] == ["unknown"], (vname, holds, hc)
            elif holds:
                assert hc == [], (vname, hc)
            else:
                assert [x["severity"] for x in hc] == ["warning"] and "go unanswered" in hc[0]["message"], (vname, hc)
