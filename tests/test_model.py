"""The canonical model: aliases, defaults, syntax of user strings."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from vpnconf.model import DhGroup, Encryption, Identity, IkeOptions, Integrity, IpsecOptions, Site, Tunnel

SPD = [{"local": "192.168.1.0/24", "peers": ["10.0.1.0/24"]}]


def tunnel(**kw):
    base = {"name": "t", "vpn_gateway": "g", "customer_gateway": "c", "pre_shared_key": "s3cret-Key", "spd": SPD}
    base.update(kw)
    return Tunnel.model_validate(base)


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("AES-CBC-128", Encryption.aes128),
        ("3DES-CBC", Encryption.tdes),
        ("DES-CBC", Encryption.des),
        ("AES-CBC-256", Encryption.aes256),
        ("AES128GCM128", Encryption.aes128gcm),
        ("SM4", Encryption.sm4),
        ("aes-256-cbc", Encryption.aes256),
        ("aes", Encryption.aes128),
    ],
)
def test_encryption_aliases(spelling, canonical):
    assert IpsecOptions(encryption=spelling).encryption is canonical


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("SHA", Integrity.sha1),
        ("SHA1", Integrity.sha1),
        ("SHA-256", Integrity.sha256),
        ("MD5", Integrity.md5),
        ("SHA-512", Integrity.sha512),
        ("SM3", Integrity.sm3),
    ],
)
def test_integrity_aliases(spelling, canonical):
    assert IkeOptions(integrity=spelling).integrity is canonical


def test_dh_and_pfs_spellings():
    assert IkeOptions(dh_group="GROUP2").dh_group is DhGroup.g2
    assert IkeOptions(dh_group="DH-GROUP14").dh_group is DhGroup.g14
    assert IpsecOptions(pfs="DH-GROUP5").pfs is DhGroup.g5
    assert IpsecOptions(pfs="NULL").pfs is None
    assert IpsecOptions(pfs="none").model_dump(mode="json")["pfs"] == "none"
    with pytest.raises(ValidationError):
        IkeOptions(dh_group="GROUP3")
    with pytest.raises(ValidationError, match="not a yes/no value"):
        IkeOptions(dh_group=True)


def test_mode_version_identity_spellings():
    ike = IkeOptions(mode="AGGRESSIVE", version="IKEV1", local_id={"type": "ADDRESS"})
    assert ike.mode.value == "aggressive" and ike.version == 1
    assert IkeOptions(version="IKEV2").version == 2
    with pytest.raises(ValidationError, match="aggressive mode exists only in IKEv1"):
        IkeOptions(version=2, mode="aggressive")


def test_output_uses_canonical_names():
    t = tunnel(
        ike={"encryption": "AES-CBC-128", "integrity": "SHA", "dh_group": "GROUP2"},
        ipsec={"pfs": "DH-GROUP2", "encryption": "3DES-CBC"},
    )
    d = t.model_dump(mode="json")
    assert d["ike"]["encryption"] == "aes128" and d["ike"]["integrity"] == "sha1" and d["ike"]["dh_group"] == 2
    assert d["ipsec"]["pfs"] == 2 and d["ipsec"]["encryption"] == "3des"


def test_defaults_follow_the_service():
    t = tunnel()
    assert (
        t.ike.version,
        t.ike.encryption.value,
        t.ike.integrity.value,
        int(t.ike.dh_group),
        t.ike.mode.value,
        t.ike.lifetime_seconds,
    ) == (1, "3des", "sha1", 1, "main", 86400)
    assert (
        t.ipsec.encryption.value,
        t.ipsec.integrity.value,
        t.ipsec.pfs,
        t.ipsec.lifetime_seconds,
        t.ipsec.lifetime_kb,
    ) == ("aes128", "sha1", None, 3600, 1843200)
    assert t.ipsec.protocol == "esp" and t.ipsec.encapsulation == "tunnel"


@pytest.mark.parametrize(
    "key", ["abc def", 'ab"c', "ab'c", "ab\nset x", "ab\\c", "a`b", "", "ab\tc", "é-key", "x" * 129, "ab\x00c"]
)
def test_bad_keys_are_rejected_without_echo(key):
    with pytest.raises(ValidationError) as err:
        tunnel(pre_shared_key=key)
    if len(key) > 3:
        assert key not in str(err.value)


@pytest.mark.parametrize("key", ["123456", "Abc!#$%&()*+,-./:;<=>?@[]^_{|}~", "x" * 128])
def test_good_keys(key):
    assert tunnel(pre_shared_key=key).psk() == key


def test_key_is_secret_in_repr_and_dump():
    t = tunnel(pre_shared_key="TopSecret99")
    assert "TopSecret99" not in repr(t) and "TopSecret99" not in str(t.model_dump(mode="json"))


@pytest.mark.parametrize("fqdn", ["idc.example.com", "a.b", "vpn-1.example.co"])
def test_fqdn_identity_valid(fqdn):
    assert Identity(type="FQDN", value=fqdn).value == fqdn


@pytest.mark.parametrize(
    "fqdn",
    [
        "bad_host.example",
        "-a.example.com",
        "nodot",
        "a.example.com.",
        "a..b",
        "x.123",
        "a;b.com",
        "a b.com",
        "a\n.com",
        "a" * 64 + ".com",
    ],
)
def test_fqdn_identity_invalid(fqdn):
    with pytest.raises(ValidationError):
        Identity(type="fqdn", value=fqdn)


def test_address_identity_checks_value():
    assert Identity(type="address").value is None
    with pytest.raises(ValidationError):
        Identity(type="address", value="not-an-ip")


@pytest.mark.parametrize(
    "name", ["Tom VPN", "a;b", "a\nb", "abc\n", "abc\r", "\nabc", "-lead", "x" * 61, "名字", "a{b}", "a#b", "a!b"]
)
def test_names_reject_metacharacters(name):
    with pytest.raises(ValidationError):
        tunnel(name=name)


def test_models_are_frozen_and_strict():
    t = tunnel()
    with pytest.raises(ValidationError):
        t.name = "x"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="Extra inputs"):
        tunnel(colour="red")


def test_spd_cidr_must_be_a_network_address():
    with pytest.raises(ValidationError, match="host bits"):
        tunnel(spd=[{"local": "192.168.1.1/24", "peers": ["10.0.1.0/24"]}])


def test_site_lookup(quickstart):
    assert isinstance(quickstart, Site)
    assert quickstart.tunnel("TomVPNConn").customer_gateway == "TomVPNUserGw"
    with pytest.raises(KeyError):
        quickstart.tunnel("nope")


def _same(fn, ref, text):
    try:
        want = ref(text)
    except ValueError:
        with pytest.raises(ValueError):
            fn(text)
        return
    assert fn(text) == want


def test_fast_address_parsing_matches_ipaddress():
    """The fast path for dotted quads gives exactly ipaddress's answers."""
    import ipaddress

    from hypothesis import given, settings, strategies as st

    from vpnconf.model import _address, _network

    # non-ASCII digits (Arabic-Indic, fullwidth, superscript): ipaddress refuses them, and so must the fast path
    octet = st.one_of(
        st.integers(0, 300).map(str),
        st.sampled_from(["00", "01", "007", "", "-1", "1e1", " 1", "1\u0660", "\uff11", "\u0663"]),
    )
    quad = st.builds(lambda *o: ".".join(o), octet, octet, octet, octet)
    plen = st.one_of(
        st.integers(-1, 40).map(str), st.sampled_from(["", "08", "+8", "x", "\u0663", "\u00b2", "2\u0664"])
    )

    @settings(max_examples=500, deadline=None)
    @given(q=quad, p=plen)
    def check(q, p):
        _same(_address.__wrapped__, lambda s: ipaddress.IPv4Address(s.strip()), q)
        _same(_network.__wrapped__, lambda s: ipaddress.IPv4Network(s.strip(), strict=True), f"{q}/{p}")

    check()


def test_a_proposal_list_gives_the_single_fields_and_must_agree_with_them():
    """A phase given only as ``proposals``: the single fields are its first entry;
    given both and different: a schema error naming the field (never silently one)."""
    from vpnconf.io import site_from_data

    d = {
        "vpc": {"name": "v", "region": "ap-guangzhou", "cidr_blocks": ["10.0.0.0/8"]},
        "vpn_gateways": [{"name": "g", "public_ip": "203.0.113.1"}],
        "customer_gateways": [{"name": "c", "public_ip": "198.51.100.1"}],
        "tunnels": [
            {
                "name": "t",
                "vpn_gateway": "g",
                "customer_gateway": "c",
                "pre_shared_key": "Abc-12345",
                "route_type": "static",
                "ike": {
                    "proposals": [
                        {"encryption": "AES-CBC-256", "integrity": "SHA-256", "dh_group": 14},
                        {"encryption": "aes128", "dh_group": 2},
                    ]
                },
            }
        ],
    }
    site, _ = site_from_data(d, "p.yaml")
    ike = site.tunnels[0].ike
    assert (ike.encryption.value, ike.integrity.value, int(ike.dh_group)) == ("aes256", "sha256", 14)
    assert [p.encryption.value for p in ike.offers()] == ["aes256", "aes128"]
    d["tunnels"][0]["ike"]["encryption"] = "aes128"
    site, findings = site_from_data(d, "p.yaml")
    assert site is None and any("differs from ike.proposals[0].encryption" in f.message for f in findings)


def _set_site(quickstart_data: dict, n: int, **ike_extra) -> dict:
    data = copy.deepcopy(quickstart_data)
    base = data["tunnels"][0]
    data["tunnels"] = [
        {**copy.deepcopy(base), "name": f"T{i}", "spd": [{"local": f"10.{i}.0.0/24", "peers": [f"172.16.{i}.0/24"]}]}
        for i in range(n)
    ]
    for t in data["tunnels"]:
        t["ike"] = {"version": 1, "proposal_set": "device", **ike_extra}
    data["ike_proposal_sets"] = {
        "device": [
            {"encryption": "aes256", "integrity": "sha256", "dh_group": 14},
            {"encryption": "aes128", "integrity": "sha1", "dh_group": 19},
        ]
    }
    return data


@pytest.fixture
def quickstart_data():
    import yaml

    from conftest import QUICKSTART

    return yaml.safe_load(open(QUICKSTART))


def test_a_proposal_set_is_held_once_and_named_by_its_tunnels(quickstart_data):
    """Device-wide proposals (IOS isakmp policies): the site holds the list once,
    each tunnel names it, and the tunnels share the validated proposals."""
    from vpnconf.model import dump_site

    site = Site.model_validate(_set_site(quickstart_data, 3))
    first = site.tunnels[0].ike
    assert [(p.encryption.value, p.dh_group.value) for p in first.proposals] == [("aes256", 14), ("aes128", 19)]
    assert first.encryption is Encryption.aes256 and first.dh_group is DhGroup.g14  # the single fields: the first
    assert all(t.ike.proposals[0] is site.ike_proposal_sets["device"][0] for t in site.tunnels)
    out = dump_site(site)
    assert all(t["ike"]["proposal_set"] == "device" and "proposals" not in t["ike"] for t in out["tunnels"])
    assert len(out["ike_proposal_sets"]["device"]) == 2
    again = Site.model_validate(out | {"tunnels": [dict(t, pre_shared_key="Key-1") for t in out["tunnels"]]})
    assert dump_site(again) == out
    # a tunnel's own dump carries its proposals (proposal_set is how the file stores them)
    assert "proposal_set" not in site.tunnels[0].model_dump()["ike"]


def test_a_proposal_set_that_is_not_there_or_invalid_is_named(quickstart_data):
    data = _set_site(quickstart_data, 2)
    data["tunnels"][1]["ike"]["proposal_set"] = "nowhere"
    with pytest.raises(ValidationError, match=r"tunnel T1: ike\.proposal_set 'nowhere' names no entry"):
        Site.model_validate(data)
    bad = _set_site(quickstart_data, 2)
    bad["ike_proposal_sets"]["device"][1]["dh_group"] = 99
    with pytest.raises(ValidationError) as exc:
        Site.model_validate(bad)
    assert any(e["loc"][:3] == ("ike_proposal_sets", "device", 1) for e in exc.value.errors())
    both = _set_site(quickstart_data, 1)
    both["tunnels"][0]["ike"]["proposals"] = [{"encryption": "3des", "integrity": "md5", "dh_group": 2}]
    with pytest.raises(ValidationError, match=r"ike\.proposals differ from ike_proposal_sets\.device"):
        Site.model_validate(both)


def test_equal_phase_options_are_validated_once_and_shared():
    """Tunnels that give equal IKE or IPsec options (a device's tunnels share
    their policies and transform sets) hold one frozen instance; options that do
    not validate are still reported at their own tunnel's place."""
    from conftest import quickstart_data

    data = quickstart_data()
    first = data["tunnels"][0]
    data["tunnels"] = [
        {**first, "name": f"T{i}", "spd": first["spd"], "ike": copy.deepcopy(first["ike"])} for i in range(3)
    ]
    site = Site.model_validate(data)
    a, b, c = site.tunnels
    assert a.ike is b.ike is c.ike and a.ipsec is b.ipsec is c.ipsec
    data["tunnels"][2]["ike"]["dh_group"] = 13  # no such group
    with pytest.raises(ValidationError) as exc:
        Site.model_validate(data)
    (err,) = exc.value.errors()
    assert err["loc"][:4] == ("tunnels", 2, "ike", "dh_group")
    data["tunnels"][2]["ike"]["dh_group"] = first["ike"].get("dh_group", 2)
    data["tunnels"][2]["ike"]["lifetime_seconds"] = 3600  # differs: its own instance
    site = Site.model_validate(data)
    assert site.tunnels[2].ike is not site.tunnels[0].ike and site.tunnels[2].ike.lifetime_seconds == 3600
