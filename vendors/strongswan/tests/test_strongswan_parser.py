"""strongSwan parser: our own renderer's output read back (both variants), the
real configs of strongSwan's test suite (values established by reading the
files, not by running the parser), and inputs that must not crash it."""

from __future__ import annotations

import copy
import random
import time

import pytest
import yaml

from conftest import IN_CI, QUICKSTART, SHARED
from vpnconf.findings import VpnconfError
from vpnconf.io import site_from_data
from vpnconf.model import Site
from vpnconf.parsing import ParsedDevice, ParsedTunnel, Proposal, parser_module, to_site_data
from vpnconf.renderer import join_files, render_files

sw = parser_module("strongswan")

BASE = yaml.safe_load(QUICKSTART.read_text())
CORPUS = SHARED / "corpus" / "strongswan"
EXCLUDE = {"name", "vpn_gateway", "customer_gateway"}


def errors(dev: ParsedDevice) -> list[str]:
    return [f.text() for f in dev.findings if f.severity == "error"]


def not_info(dev: ParsedDevice) -> list[str]:
    return [f.text() for f in dev.findings if f.severity != "info"]


def rules(dev: ParsedDevice) -> set[str]:
    return {f.rule for f in dev.findings}


def only(dev: ParsedDevice) -> ParsedTunnel:
    assert len(dev.tunnels) == 1, [t.name for t in dev.tunnels]
    return dev.tunnels[0]


def corpus_text(name: str) -> str:
    if not CORPUS.is_dir():
        if IN_CI:
            pytest.fail(f"CI must have the shared corpus at {CORPUS}")
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return (CORPUS / name).read_text()


# ====================================================== round trip (renderer)
def _rich(t: dict, version: int) -> None:
    """IKEv2 (or v1), PFS, FQDN identities, 3 SPD policies with several peers, DPD 45 s."""
    t["ike"].update(
        version=version,
        encryption="aes256",
        integrity="sha256",
        dh_group=14,
        local_id={"type": "fqdn", "value": "vpngw.cloud.example.com"},
        peer_id={"type": "fqdn", "value": "idc-gw.example.com"},
    )
    t["ipsec"].update(encryption="aes256", integrity="sha256", pfs=14, lifetime_seconds=7200, lifetime_kb=4608000)
    t["dpd"] = {"enabled": True, "timeout_seconds": 45, "action": "restart"}
    t["pre_shared_key"] = "N0t-So-Secret!Key"
    t["spd"] = [
        {"local": "192.168.1.0/24", "peers": ["10.0.1.0/24", "10.0.2.0/24"]},
        {"local": "192.168.2.0/24", "peers": ["10.0.3.0/24", "10.0.4.0/25", "172.16.0.0/16"]},
        {"local": "192.168.3.0/26", "peers": ["10.0.5.0/24", "10.0.6.0/24"]},
    ]


def _aggressive(t: dict) -> None:
    t["ike"].update(
        version=1,
        mode="aggressive",
        encryption="aes256",
        integrity="sha1",
        dh_group=2,
        lifetime_seconds=28800,
        peer_id={"type": "fqdn", "value": "branch-7.idc.example.net"},
    )
    t["ipsec"].update(encryption="3des", integrity="md5", pfs=2, lifetime_seconds=1800, lifetime_kb=102400)
    t["pre_shared_key"] = "Aggr3ssive#Key"


def _gcm_v2(t: dict) -> None:
    t["ike"].update(version=2, encryption="aes256gcm", integrity="sha384", dh_group=20, lifetime_seconds=3600)
    t["ipsec"].update(encryption="aes256gcm", integrity="sha1", pfs=19, lifetime_seconds=1200, lifetime_kb=51200)


def _gcm_esp_v1(t: dict) -> None:
    t["ike"].update(version=1, encryption="aes128", integrity="sha256", dh_group=14)
    t["ipsec"].update(encryption="aes256gcm", integrity="sha1", pfs=None)


def _dpd45_v1(t: dict) -> None:
    t["dpd"] = {"enabled": True, "timeout_seconds": 45, "action": "clear"}


CASES = {
    "quickstart": None,
    "ikev2-pfs-fqdn-3spd-dpd45": lambda t: _rich(t, 2),
    "ikev1-pfs-fqdn-3spd-dpd45": lambda t: _rich(t, 1),
    "ikev1-aggressive": _aggressive,
    "ikev2-gcm-ike-and-esp": _gcm_v2,
    "ikev1-aes256gcm-esp": _gcm_esp_v1,
    "ikev1-dpd45-clear": _dpd45_v1,
}


def site_for(case: str) -> Site:
    d = copy.deepcopy(BASE)
    mutate = CASES[case]
    if mutate:
        mutate(d["tunnels"][0])
    site, findings = site_from_data(d, f"{case}.yaml")
    assert site is not None, [f.text() for f in findings]
    return site


def texts_for(files: dict[str, str]) -> dict[str, str]:
    """The ways a user hands us the rendered files: as `vpnconf render` prints
    them (with '# ==> name <==' headers), or simply pasted one after the other."""
    out = {"joined": join_files(files)}
    if len(files) > 1:
        out["concatenated"] = "\n".join(files.values())
    return out


@pytest.mark.parametrize("variant", ["swanctl", "ipsec-conf"])
@pytest.mark.parametrize("case", list(CASES))
def test_round_trip(case: str, variant: str) -> None:
    site = site_for(case)
    original = site.tunnels[0]
    files = render_files(site, original.name, "strongswan", variant=variant)
    for how, text in texts_for(files).items():
        score, why = sw.detect(text)
        assert score >= 0.9, (how, why)
        dev = sw.parse(text, f"{case}.{variant}")
        assert not_info(dev) == [], (how, not_info(dev))
        t = only(dev)
        assert t.variant == variant
        assert t.psk_state == "clear"
        assert t.psk == original.psk()
        data, losses = to_site_data(dev)
        assert [f.text() for f in losses if f.severity != "info"] == [], how
        parsed = Site.model_validate(data)
        back = parsed.tunnels[0]
        assert back.name == original.name, how
        assert back.model_dump(exclude=EXCLUDE) == original.model_dump(exclude=EXCLUDE), how
        # the gateways carry the addresses the config names
        assert str(parsed.vpn_gateway(back.vpn_gateway).public_ip) == str(site.vpn_gateways[0].public_ip)
        assert str(parsed.customer_gateway(back.customer_gateway).public_ip) == str(site.customer_gateways[0].public_ip)


def test_round_trip_details_rich_ikev2() -> None:
    """What the parsed tunnel holds before the model: device view, canonical values."""
    site = site_for("ikev2-pfs-fqdn-3spd-dpd45")
    files = render_files(site, site.tunnels[0].name, "strongswan", variant="swanctl")
    t = only(sw.parse(join_files(files), "swanctl.conf"))
    assert (t.local_address, t.peer_address) == ("202.108.22.5", "203.195.147.82")
    assert t.ike_version == 2 and t.mode == "main"
    assert t.ike_proposals == [Proposal("aes256", "sha256", 14, "aes256-sha256-modp2048")]
    assert t.esp_proposals == [Proposal("aes256", "sha256", None, "aes256-sha256-modp2048")]
    assert t.pfs == 14
    assert (t.ike_lifetime, t.ipsec_lifetime_seconds, t.ipsec_lifetime_kb) == (86400, 7200, 4608000)
    assert (t.local_id.type, t.local_id.value) == ("fqdn", "idc-gw.example.com")  # type: ignore[union-attr]
    assert (t.peer_id.type, t.peer_id.value) == ("fqdn", "vpngw.cloud.example.com")  # type: ignore[union-attr]
    assert (t.dpd_enabled, t.dpd_timeout, t.dpd_action) == (True, 45, "restart")
    assert t.selectors == [
        ("10.0.1.0/24", "192.168.1.0/24"),
        ("10.0.2.0/24", "192.168.1.0/24"),
        ("10.0.3.0/24", "192.168.2.0/24"),
        ("10.0.4.0/25", "192.168.2.0/24"),
        ("172.16.0.0/16", "192.168.2.0/24"),
        ("10.0.5.0/24", "192.168.3.0/26"),
        ("10.0.6.0/24", "192.168.3.0/26"),
    ]
    assert len(t.extra["children"]) == 7


def test_ipsec_conf_conns_grouped_under_base_name() -> None:
    site = site_for("ikev1-pfs-fqdn-3spd-dpd45")
    files = render_files(site, site.tunnels[0].name, "strongswan", variant="ipsec-conf")
    t = only(sw.parse(join_files(files), "ipsec"))
    assert t.name == "TomVPNConn"
    assert t.extra["conns"] == [f"TomVPNConn-{n}" for n in range(1, 8)]
    assert len(t.selectors) == 7
    assert (t.ike_version, t.dpd_timeout) == (1, 45)


def test_keys_never_in_findings() -> None:
    site = site_for("ikev2-pfs-fqdn-3spd-dpd45")
    extra = {
        "swanctl": (
            "start_action = start",
            "start_action = start\n        updown = /bin/x\n        psk = N0t-So-Secret!Key",
        ),
        "ipsec-conf": ("auto=start", "auto=start\n    mobike=no\n    leftpsk=N0t-So-Secret!Key"),
    }
    for variant, (old, new) in extra.items():
        text = join_files(render_files(site, site.tunnels[0].name, "strongswan", variant=variant))
        text = text.replace(old, new)
        dev = sw.parse(text, "x")
        assert dev.findings
        assert not any("N0t-So-Secret" in f.text() for f in dev.findings)
        assert "N0t-So-Secret" not in repr(dev.tunnels[0].redacted())


@pytest.mark.parametrize(
    "text",
    [
        "connections {\n  c {\n  }\n}\nsecrets {\n  ike {\n    secret Leak-0001\n  }\n}\n",
        "connections {\n  c {\n  }\n}\nsecrets {\n  ike {\n    Leak-0001\n  }\n}\n",
        'connections {\n  c {\n  }\n}\nsecrets {\n  ike {\n    secret = "Leak-0001\n',
        'conn c\n  left=1.2.3.4\n@a @b PSK "Leak-0001"\nLeak-0001\n',
        'conn c\n  left=1.2.3.4\n  psk=Leak-0001\n: PSK "Leak-0001\n: RSA key.pem "Leak-0001"\n',
        "conn c\n  left=1.2.3.4\n  leftid=1.2.3.4\n: PSK Leak-0001 trailing\n",
    ],
)
def test_malformed_secrets_never_echoed(text: str) -> None:
    dev = sw.parse(text, "leak")
    assert dev.findings
    assert not any("Leak-0001" in f.text() for f in dev.findings)


def test_detect_leaves_other_vendors_alone() -> None:
    """Other vendors' configs (rendered by us, and the shared corpus) score ~0."""
    from vpnconf.catalog import vendors

    site = site_for("quickstart")
    for vid, vendor in vendors().items():
        if vid == "strongswan":
            continue
        for variant in vendor.variants:
            try:
                text = join_files(render_files(site, "TomVPNConn", vid, variant=variant))
            except VpnconfError:  # that vendor cannot express the quick start: not this test's business
                continue
            assert sw.detect(text)[0] < 0.3, (vid, variant, sw.detect(text))
    root = CORPUS.parent
    if root.is_dir():
        for path in root.rglob("*"):
            if path.is_file() and path.parent.name != "strongswan" and path.name != "README.md":
                assert sw.detect(path.read_text(errors="replace"))[0] < 0.3, path.name


# ================================================================ corpus
X25519_IKE = Proposal("aes128", "sha256", None, "aes128-sha256-x25519")
X25519_ESP = Proposal("aes128gcm", None, None, "aes128gcm128-x25519")

# Read from the files by hand. Lifetimes follow strongSwan's defaults:
#  * reauth_time = 10800 alone: rekey_time 0, over_time 10 % = 1080; IKEv1 proposes
#    reauth + over = 11880 s; IKEv2 replaces the SA at reauth_time = 10800 s.
#  * no IKE times (rw): rekey_time 4h, over_time 1440 -> IKEv1 15840 s.
#  * child rekey_time = 5400 -> life_time 5940; rekey_bytes 500000000 -> life_bytes
#    550000000 = 537109.375 KB -> 537109 (with a finding); default child
#    rekey_time 1h -> 3960 s, rekey_bytes 0 -> no volume limit.
#  * every secret used here is 0s/0x encoded binary: psk_state "encrypted".
NET2NET = dict(
    name="gw-gw",
    variant="swanctl",
    auth="psk",
    psk=None,
    psk_state="encrypted",
    mode="main",
    ike_proposals=[X25519_IKE],
    esp_proposals=[X25519_ESP],
    pfs=None,
    ipsec_lifetime_seconds=5940,
    ipsec_lifetime_kb=537109,
    dpd_enabled=False,
    dpd_timeout=None,
    dpd_action="clear",
)
MOON = dict(
    local_address="192.168.0.1",
    peer_address="192.168.0.2",
    local_id=("fqdn", "moon.strongswan.org"),
    peer_id=("fqdn", "sun.strongswan.org"),
    selectors=[("10.1.0.0/16", "10.2.0.0/16")],
)
SUN = dict(
    local_address="192.168.0.2",
    peer_address="192.168.0.1",
    local_id=("fqdn", "sun.strongswan.org"),
    peer_id=("fqdn", "moon.strongswan.org"),
    selectors=[("10.2.0.0/16", "10.1.0.0/16")],
)

EXPECTED: dict[str, dict] = {
    "ikev1-net2net-psk-fail-moon.swanctl.conf": {
        **NET2NET,
        **MOON,
        "ike_version": 1,
        "ike_lifetime": 11880,
        "psk_source": "secrets.ike",
    },
    "ikev1-net2net-psk-fail-sun.swanctl.conf": {
        **NET2NET,
        **SUN,
        "ike_version": 1,
        "ike_lifetime": 11880,
        "psk_source": "secrets.ike",
    },
    # five secrets: ike-3 names both moon and sun, so it beats the one-id and wildcard entries
    "ikev1-net2net-psk-moon.swanctl.conf": {
        **NET2NET,
        **MOON,
        "ike_version": 1,
        "ike_lifetime": 11880,
        "psk_source": "secrets.ike-3",
    },
    "ikev1-net2net-psk-sun.swanctl.conf": {
        **NET2NET,
        **SUN,
        "ike_version": 1,
        "ike_lifetime": 11880,
        "psk_source": "secrets.ike-1",
    },
    "ikev2-net2net-psk-moon.swanctl.conf": {
        **NET2NET,
        **MOON,
        "ike_version": 2,
        "ike_lifetime": 10800,
        "psk_source": "secrets.ike-3",
    },
    "ikev2-net2net-psk-sun.swanctl.conf": {
        **NET2NET,
        **SUN,
        "ike_version": 2,
        "ike_lifetime": 10800,
        "psk_source": "secrets.ike-1",
    },
    # road warrior: no remote_addrs (%any), remote_ts dynamic, two client keys (carol, dave)
    "ikev1-rw-psk-aggressive-moon.swanctl.conf": {
        "name": "rw",
        "variant": "swanctl",
        "ike_version": 1,
        "mode": "aggressive",
        "auth": "psk",
        "local_address": "192.168.0.1",
        "peer_address": None,
        "local_id": ("fqdn", "moon.strongswan.org"),
        "peer_id": None,
        "ike_proposals": [X25519_IKE],
        "esp_proposals": [X25519_ESP],
        "pfs": None,
        "ike_lifetime": 15840,
        "ipsec_lifetime_seconds": 3960,
        "ipsec_lifetime_kb": None,
        "selectors": [],
        "psk": None,
        "psk_state": "missing",
        "dpd_enabled": False,
    },
    # %default: ikelifetime=60m keylife=20m authby=secret keyexchange=ikev2; no ike=/esp= (defaults);
    # left/right are the test suite's PH_IP_* placeholders, not addresses
    "ikev2-stroke-net2net-psk-moon.ipsec.conf": {
        "name": "net-net",
        "variant": "ipsec-conf",
        "ike_version": 2,
        "mode": "main",
        "auth": "psk",
        "local_address": None,
        "peer_address": None,
        "local_id": ("fqdn", "moon.strongswan.org"),
        "peer_id": ("fqdn", "sun.strongswan.org"),
        "ike_proposals": [Proposal(raw="default")],
        "esp_proposals": [Proposal(raw="default")],
        "pfs": None,
        "ike_lifetime": 3600,
        "ipsec_lifetime_seconds": 1200,
        "ipsec_lifetime_kb": None,
        "selectors": [("10.1.0.0/16", "10.2.0.0/16")],
        "psk": None,
        "psk_state": "missing",
        "dpd_enabled": False,
        "dpd_action": None,
    },
    "ikev2-stroke-net2net-psk-moon.ipsec.secrets": None,  # secrets only: no tunnel
}


def check(t: ParsedTunnel, want: dict) -> None:
    for key, value in want.items():
        if key == "psk_source":
            assert t.extra.get("psk_source") == value
            continue
        got = getattr(t, key)
        if key in ("local_id", "peer_id"):
            got = None if got is None else (got.type, got.value)
        assert got == value, f"{key}: {got!r} != {value!r}"


def test_corpus_is_covered() -> None:
    corpus_text("ikev2-net2net-psk-moon.swanctl.conf")  # skip / fail when the folder is missing
    assert sorted(p.name for p in CORPUS.iterdir() if p.is_file()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str) -> None:
    text = corpus_text(name)
    assert sw.detect(text)[0] >= 0.6
    dev = sw.parse(text, name)
    assert errors(dev) == []
    want = EXPECTED[name]
    if want is None:
        assert dev.tunnels == []
        assert "PSK" in rules(dev)
        return
    check(only(dev), want)


def test_corpus_findings_name_what_was_not_read() -> None:
    name = "ikev2-net2net-psk-moon.swanctl.conf"
    dev = sw.parse(corpus_text(name), name)
    by_line = {(f.rule, f.line) for f in dev.findings}
    assert ("IGNORED", 20) in by_line  # updown
    assert ("IGNORED", 23) in by_line  # rekey_packets
    assert ("IGNORED", 28) in by_line  # mobike
    assert ("UNKNOWN-VALUE", 30) in by_line  # x25519 in proposals
    assert ("UNKNOWN-VALUE", 24) in by_line  # x25519 in esp_proposals
    assert ("LIFETIME", 22) in by_line  # 550000000 bytes is not whole KB
    assert only(dev).extra["pfs_raw"] == "x25519"
    secrets = ["This is a strong password", "0sv+Nkx", "45a30759", "castle", "Andi"]
    assert not any(s in f.text() for f in dev.findings for s in secrets)


def test_corpus_road_warrior_reports_missing_peer_and_ambiguous_key() -> None:
    name = "ikev1-rw-psk-aggressive-moon.swanctl.conf"
    dev = sw.parse(corpus_text(name), name)
    t = only(dev)
    msgs = " | ".join(f.message for f in dev.findings)
    assert "no fixed peer address" in msgs
    assert t.extra["psk_candidates"] == ["secrets.ike-carol", "secrets.ike-dave"]
    data, losses = to_site_data(dev)
    assert data["tunnels"] == []
    assert any("no peer address" in f.message and f.severity == "error" for f in losses)


def test_corpus_stroke_conf_with_its_secrets() -> None:
    conf = corpus_text("ikev2-stroke-net2net-psk-moon.ipsec.conf")
    secrets = corpus_text("ikev2-stroke-net2net-psk-moon.ipsec.secrets")
    for text in (conf + secrets, join_files({"ipsec.conf": conf, "ipsec.secrets": secrets})):
        dev = sw.parse(text, "moon")
        assert errors(dev) == []
        t = only(dev)
        # '@moon @sun : PSK 0s...' (3rd line of ipsec.secrets) names both ids: it wins
        line = text.splitlines().index(secrets.splitlines()[2]) + 1
        assert t.extra["psk_source"] == f"ipsec.secrets line {line}"
        assert (t.psk, t.psk_state) == (None, "encrypted")
        assert t.extra["local_host"] == "PH_IP_MOON" and t.extra["peer_host"] == "PH_IP_SUN"


# ========================================================= value mapping
def conn(body: str, child: str = "", secrets: str = "", version: int = 2) -> str:
    return f"""connections {{
  c {{
    version = {version}
    local_addrs = 198.51.100.1
    remote_addrs = 203.0.113.9
{body}
    local {{
      auth = psk
    }}
    remote {{
      auth = psk
    }}
    children {{
      k {{
        local_ts = 10.0.0.0/24
        remote_ts = 10.9.0.0/16
{child}
      }}
    }}
  }}
}}
secrets {{
{secrets}
}}
"""


@pytest.mark.parametrize(
    ("proposal", "enc", "integ", "dh"),
    [
        ("aes-sha-modp1024", "aes128", "sha1", 2),
        ("aes192-sha2_256-modp1536", "aes192", "sha256", 5),
        ("aes128gcm16-prfsha384-ecp384", "aes128gcm", "sha384", 20),
        ("aes256gcm128-prfsha256-modp2048", "aes256gcm", "sha256", 14),
        ("aes256gcm-prfsha512-ecp521", "aes256gcm", "sha512", 21),
        ("3des-md5-modp768", "3des", "md5", 1),
        ("aes128gcm8-prfsha256-modp2048", None, None, 14),  # 8-byte ICV: no canonical name
        ("aes128ctr-aesxcbc-curve25519", None, None, None),
    ],
)
def test_ike_proposal_keywords(proposal: str, enc: str | None, integ: str | None, dh: int | None) -> None:
    dev = sw.parse(conn(f"    proposals = {proposal}"), "t")
    t = only(dev)
    assert t.ike_proposals == [Proposal(enc, integ, dh, proposal)]
    if None in (enc, integ, dh):
        assert any(f.rule == "UNKNOWN-VALUE" and f.line == 6 for f in dev.findings)


def test_several_proposals_and_default() -> None:
    dev = sw.parse(
        conn(
            "    proposals = aes256-sha256-modp2048, aes128-sha1-modp1024,default",
            "        esp_proposals = aes128gcm16-modp2048,aes256-sha384-ecp256-esn",
        ),
        "t",
    )
    t = only(dev)
    assert [p.raw for p in t.ike_proposals] == ["aes256-sha256-modp2048", "aes128-sha1-modp1024", "default"]
    assert t.ike_proposals[1] == Proposal("aes128", "sha1", 2, "aes128-sha1-modp1024")
    assert t.esp_proposals == [
        Proposal("aes128gcm", None, None, "aes128gcm16-modp2048"),
        Proposal("aes256", "sha384", None, "aes256-sha384-ecp256-esn"),
    ]
    assert t.pfs == 14  # the first ESP proposal's group
    assert "DEFAULT" in rules(dev)


def test_missing_proposals_are_defaults() -> None:
    dev = sw.parse(conn(""), "t")
    t = only(dev)
    assert t.ike_proposals == [Proposal(raw="default")] and t.esp_proposals == [Proposal(raw="default")]
    assert sum(f.rule == "DEFAULT" for f in dev.findings) == 2


@pytest.mark.parametrize(
    ("body", "version", "lifetime"),
    [
        ("    rekey_time = 2h", 2, 7200),
        ("    reauth_time = 1d\n    over_time = 0", 1, 86400),
        ("    reauth_time = 3000m", 1, 180000 + 18000),
        ("    rekey_time = 90m", 1, 5400 + 540),
        ("    rekey_time = 3600\n    reauth_time = 7200", 1, 7200 + 720),
        ("", 2, 14400),
        ("", 1, 14400 + 1440),
        ("    rekey_time = 0\n    reauth_time = 0", 2, None),
    ],
)
def test_ike_lifetimes(body: str, version: int, lifetime: int | None) -> None:
    t = only(sw.parse(conn(body, version=version), "t"))
    assert t.ike_lifetime == lifetime


@pytest.mark.parametrize(
    ("child", "seconds", "kb", "finding"),
    [
        ("        life_time = 2h\n        life_bytes = 1024000", 7200, 1000, False),
        ("        rekey_time = 1000s", 1100, None, False),
        ("        rekey_bytes = 1000000", 3960, 1074, True),  # 1100000 bytes
        ("        life_bytes = 4G", 3960, 4 * 1024 * 1024, False),
        ("        life_bytes = 1500", 3960, 1, True),
    ],
)
def test_child_lifetimes(child: str, seconds: int, kb: int | None, finding: bool) -> None:
    dev = sw.parse(conn("", child), "t")
    t = only(dev)
    assert (t.ipsec_lifetime_seconds, t.ipsec_lifetime_kb) == (seconds, kb)
    assert ("LIFETIME" in rules(dev)) is finding


@pytest.mark.parametrize(
    ("body", "version", "enabled", "timeout"),
    [
        ("    dpd_delay = 10s\n    dpd_timeout = 60s", 1, True, 60),
        ("    dpd_delay = 10s", 1, True, 30),
        ("    dpd_delay = 20s\n    dpd_timeout = 100s", 2, True, 60),  # IKEv2 ignores dpd_timeout
        ("    dpd_delay = 0s", 2, False, None),
        ("", 1, False, None),
    ],
)
def test_dpd(body: str, version: int, enabled: bool, timeout: int | None) -> None:
    t = only(sw.parse(conn(body, "        dpd_action = trap", version=version), "t"))
    assert (t.dpd_enabled, t.dpd_timeout, t.dpd_action) == (enabled, timeout, "trap")


@pytest.mark.parametrize(
    ("value", "ident"),
    [
        ("192.0.2.7", ("address", "192.0.2.7")),
        ("vpn.example.com", ("fqdn", "vpn.example.com")),
        ("fqdn:vpn.example.com", ("fqdn", "vpn.example.com")),
        ("@vpn.example.com", ("fqdn", "vpn.example.com")),
        ("ipv4:192.0.2.7", ("address", "192.0.2.7")),
        ("user@example.com", ("other", "user@example.com")),
        ('"C=CH, O=strongSwan, CN=moon"', ("other", "C=CH, O=strongSwan, CN=moon")),
        ("%any", None),
    ],
)
def test_identities(value: str, ident: tuple[str, str] | None) -> None:
    text = conn("").replace(
        "      auth = psk\n    }\n    children", f"      auth = psk\n      id = {value}\n    }}\n    children"
    )
    t = only(sw.parse(text, "t"))
    got = None if t.peer_id is None else (t.peer_id.type, t.peer_id.value)
    assert got == ident
    assert (t.local_id.type, t.local_id.value) == ("address", "198.51.100.1")  # type: ignore[union-attr]


def test_addresses_any_and_host_names() -> None:
    text = (
        conn("")
        .replace("remote_addrs = 203.0.113.9", "remote_addrs = %any")
        .replace("local_addrs = 198.51.100.1", "local_addrs = gw.example.com, 198.51.100.1")
    )
    dev = sw.parse(text, "t")
    t = only(dev)
    assert (t.local_address, t.peer_address) == (None, None)
    assert t.extra["local_host"] == "gw.example.com"
    assert t.selectors == [("10.0.0.0/24", "10.9.0.0/16")]
    assert {f.line for f in dev.findings if f.rule == "ADDRESS"} == {4, 5}  # local_addrs, remote_addrs


def test_certificate_auth() -> None:
    text = conn("").replace("auth = psk", "auth = pubkey")
    dev = sw.parse(text, "t")
    t = only(dev)
    assert (t.auth, t.psk_state, t.psk) == ("certificate", "certificate", None)
    assert "AUTH" in rules(dev)


def test_selectors_v2_expand_v1_first_pair() -> None:
    child = "        local_ts = 10.0.0.0/24, 10.0.1.0/24\n        remote_ts = 10.9.0.0/16,10.8.0.0/16"
    v2 = only(
        sw.parse(
            conn("", child, version=2).replace("        local_ts = 10.0.0.0/24\n        remote_ts = 10.9.0.0/16\n", ""),
            "t",
        )
    )
    assert v2.selectors == [
        ("10.0.0.0/24", "10.9.0.0/16"),
        ("10.0.0.0/24", "10.8.0.0/16"),
        ("10.0.1.0/24", "10.9.0.0/16"),
        ("10.0.1.0/24", "10.8.0.0/16"),
    ]
    dev = sw.parse(
        conn("", child, version=1).replace("        local_ts = 10.0.0.0/24\n        remote_ts = 10.9.0.0/16\n", ""), "t"
    )
    assert only(dev).selectors == [("10.0.0.0/24", "10.9.0.0/16")]
    assert any(f.rule == "SELECTOR" and "only the first pair" in f.message for f in dev.findings)


def test_secrets_matching_and_decoding() -> None:
    secrets = """  ike-wild {
    secret = wildcard-key
  }
  ike-other {
    id = 192.0.2.99
    secret = other-key
  }
  ike-mine {
    id-a = 198.51.100.1
    id-b = 203.0.113.9
    secret = 0x4d792d4b6579
  }"""
    dev = sw.parse(conn("", secrets=secrets), "t")
    t = only(dev)
    assert (t.psk, t.psk_state, t.extra["psk_source"]) == ("My-Key", "clear", "secrets.ike-mine")
    assert not any("My-Key" in f.text() or "4d792d" in f.text() for f in dev.findings)
    # only the wildcard left: it applies
    t = only(sw.parse(conn("", secrets='  ike-w {\n    secret = "a b#c"\n  }'), "t"))
    assert (t.psk, t.psk_state) == ("a b#c", "clear")


def test_single_quotes_are_not_quotes_in_swanctl() -> None:
    dev = sw.parse(conn("", secrets="  ike {\n    secret = 'abc'\n  }"), "t")
    t = only(dev)
    assert t.psk == "'abc'"  # strongSwan's settings parser keeps them (double quotes only)
    assert any(f.rule == "PSK" and "single quote" in f.message for f in dev.findings)


def test_ignored_lines_have_line_numbers() -> None:
    dev = sw.parse(
        conn("    mobike = no\n    encap = yes", "        updown = /bin/true\n        hostaccess = yes"), "t"
    )
    ignored = {f.line for f in dev.findings if f.rule == "IGNORED"}
    assert ignored == {6, 7, 18, 19}


def test_include_is_reported() -> None:
    dev = sw.parse(conn("") + "include conf.d/*.conf\n", "t")
    assert any(f.rule == "INCLUDE" and f.severity == "warning" for f in dev.findings)


def test_ipsec_conf_inheritance_and_defaults() -> None:
    text = """config setup
    charondebug="ike 1"

conn %default
    keyexchange=ikev1
    authby=secret
    ikelifetime=8h
    dpdaction=restart
    dpddelay=20s

conn base
    left=198.51.100.1
    right=203.0.113.9
    rightid=@peer.example.com
    ike=aes256-sha256-modp2048
    esp=aes256-sha256-modp2048!
    auto=ignore

conn a
    also=base
    leftsubnet=10.0.0.0/24
    rightsubnet=10.9.0.0/16
    auto=start

conn b
    also=base
    leftsubnet=10.0.1.0/24
    rightsubnet=10.9.0.0/16
    auto=route

conn odd
    also=base
    esp=3des-md5!
    leftsubnet=10.0.2.0/24
    rightsubnet=10.9.0.0/16
    auto=add

198.51.100.1 @peer.example.com : PSK 'it"s'
"""
    dev = sw.parse(text, "ipsec.conf")
    assert errors(dev) == []
    by_name = {t.name: t for t in dev.tunnels}
    assert sorted(by_name) == ["base", "odd"]
    t = by_name["base"]
    assert t.extra["conns"] == ["a", "b"]
    assert t.selectors == [("10.0.0.0/24", "10.9.0.0/16"), ("10.0.1.0/24", "10.9.0.0/16")]
    assert (t.ike_version, t.ike_lifetime, t.ipsec_lifetime_seconds) == (1, 28800, 3600)
    assert (t.dpd_enabled, t.dpd_timeout, t.dpd_action) == (True, 150, "restart")
    assert t.local_id is not None and (t.local_id.type, t.local_id.value) == ("address", "198.51.100.1")
    assert t.peer_id is not None and (t.peer_id.type, t.peer_id.value) == ("fqdn", "peer.example.com")
    assert t.pfs == 14 and (t.psk, t.psk_state) == ('it"s', "clear")
    assert by_name["odd"].esp_proposals == [Proposal("3des", "md5", None, "3des-md5")]
    msgs = [(f.rule, f.line) for f in dev.findings]
    assert ("DEFAULT", 15) in msgs  # ike= without '!'
    assert ("IGNORED", 2) in msgs  # config setup


# ============================================================ bad input
def _assert_survives(text: str, name: str) -> ParsedDevice:
    score, why = sw.detect(text)
    assert 0.0 <= score <= 1.0 and isinstance(why, str)
    dev = sw.parse(text, name)
    assert isinstance(dev, ParsedDevice)
    return dev


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\n" * 1000])
def test_empty(text: str) -> None:
    dev = _assert_survives(text, "empty")
    assert dev.tunnels == [] and errors(dev)


def test_binary_junk() -> None:
    rnd = random.Random(7)
    for n in range(20):
        data = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 4000)))
        dev = _assert_survives(data.decode("latin-1"), f"junk{n}")
        assert dev.findings
    dev = sw.parse(b"\x00\xff connections { c { \x00 } }", "bytes")  # type: ignore[arg-type]
    assert isinstance(dev, ParsedDevice)


def test_junk_with_strongswan_tokens() -> None:
    rnd = random.Random(11)
    pieces = [
        "connections",
        "{",
        "}",
        "=",
        '"',
        "children",
        "conn x\n",
        "  left=",
        "#",
        "\n",
        " : PSK ",
        "secrets",
        "local_ts",
        "10.0.0.0/8",
        "also=x",
        "include",
        "'",
        ":",
        ",",
        "\\",
        "%default",
        "ike-1",
        "0x",
        "0sA==",
    ]
    for n in range(300):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 80)))
        _assert_survives(text, f"tokens{n}")


def test_truncated_corpus_files() -> None:
    if not CORPUS.is_dir():
        corpus_text("x")
    for path in sorted(CORPUS.iterdir()):
        text = path.read_text()
        for cut in (len(text) // 2, len(text) // 3, len(text) - 2):
            dev = _assert_survives(text[:cut], path.name)
            assert dev.findings, (path.name, cut)
        if path.name.endswith(".swanctl.conf"):
            dev = sw.parse(text[: len(text) // 2], path.name)
            assert any(f.rule == "SYNTAX" and f.severity == "error" and f.line for f in dev.findings)


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("connections {\n  c {\n    remote_addrs = 1.2.3.4\n", True),  # truncated
        ("connections {\n  c {\n  }\n}\n}\n}\n", True),  # extra '}'
        ("connections {\n  c { children { x { local_ts = 10.0.0.0/8 } }\n}\n", True),
        ("}\nconnections {\n", True),
        ('connections {\n  c {\n    remote_addrs = "1.2.3.4\n  }\n}\n', True),  # unterminated string
        ("connections {\n  c {\n    foo bar baz\n    = 3\n    { }\n  }\n}\n", True),
        ("connections\n{\n c\n {\n remote_addrs = 1.2.3.4\n }\n}\n", False),  # '{' on the next line is valid
    ],
)
def test_unbalanced_and_malformed(text: str, bad: bool) -> None:
    dev = _assert_survives(text, "bad")
    if bad:
        assert any(f.rule == "SYNTAX" and f.severity == "error" and f.line for f in dev.findings)
    else:
        assert errors(dev) == []
        assert only(dev).peer_address == "1.2.3.4"


def test_huge_files() -> None:
    base = (CORPUS / "ikev1-net2net-psk-moon.swanctl.conf").read_text() if CORPUS.is_dir() else conn("")
    # 5 MB of distinct connections (and secrets) ...
    parts, size, n = [], 0, 0
    while size < 5_000_000:
        p = base.replace("gw-gw", f"gw-{n}").replace(" c {", f" c{n} {{").replace("ike", f"ike{n}")
        parts.append(p)
        size += len(p)
        n += 1
    start = time.monotonic()
    dev = _assert_survives("\n".join(parts), "huge")
    assert time.monotonic() - start < 60
    assert len(dev.tunnels) == n
    assert errors(dev) == []
    # ... 5 MB of junk, and 5 MB of nesting
    rnd = random.Random(3)
    junk = rnd.randbytes(5_000_000).decode("latin-1")
    assert _assert_survives(junk, "junk").findings
    assert errors(_assert_survives("connections {\n" + "a {" * 1_000_000, "deep"))
