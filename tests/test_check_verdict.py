"""`check --peer`'s three-valued verdict (issue #15): yes only when every
setting that decides a stage was compared, no on an error, cannot tell naming
what was not compared; keys by bytes, identity wildcards, %dynamic selectors,
AH, additional key exchanges, certificates. Small ParsedTunnel pairs first,
then the CLI on swanctl.conf files written here."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from vpnconf import compat
from vpnconf.catalog import lab_vendor
from vpnconf.compat import check_peer, establishes, verdict
from vpnconf.parsing import Ident, ParsedTunnel, Proposal

A_IP, B_IP = "198.51.100.1", "203.0.113.9"
KEY = "Shared-Key-1"


def pair(**both: Any) -> tuple[ParsedTunnel, ParsedTunnel]:
    """Two ends that agree on everything (IKEv2, one proposal each, mirrored
    selectors, the same clear key); ``both`` set on each."""

    def end(local: str, peer: str, sel: tuple[str, str]) -> ParsedTunnel:
        t = ParsedTunnel(
            name="t",
            local_address=local,
            peer_address=peer,
            psk=KEY,
            psk_state="clear",
            ike_version=2,
            ike_proposals=[Proposal("aes256", "sha256", 14)],
            local_id=Ident("address", local),
            peer_id=Ident("address", peer),
            esp_proposals=[Proposal("aes256", "sha256")],
            selectors=[sel],
        )
        for k, v in both.items():
            setattr(t, k, v)
        return t

    return end(A_IP, B_IP, ("10.1.0.0/24", "10.2.0.0/24")), end(B_IP, A_IP, ("10.2.0.0/24", "10.1.0.0/24"))


def judge(a: ParsedTunnel, b: ParsedTunnel, **kw: Any) -> tuple[str, str, dict[str, Any]]:
    fs = check_peer(a, b, a_name="a", b_name="b", **kw)
    v = verdict(fs, a, b, "a", "b")
    return v["ike"].value, v["child"].value, {"findings": fs, "verdict": v}


def rules(r: dict[str, Any], severity: str = "error") -> set[str]:
    return {f.rule for f in r["findings"] if f.severity == severity}


# ------------------------------------------------------------- the values
def test_matching_ends_say_yes_with_nothing_unknown():
    ike, child, r = judge(*pair())
    assert (ike, child) == ("yes", "yes") and r["findings"] == []
    assert r["verdict"]["ike"].as_dict() == {"value": "yes", "unknown": [], "defaults": []}


def test_an_error_says_no_and_the_child_follows_the_ike_sa():
    a, b = pair()
    b.ike_proposals = [Proposal("aes128", "sha1", 2)]
    assert judge(a, b)[:2] == ("no", "no")
    a, b = pair()
    b.esp_proposals = [Proposal("aes128", "sha1")]
    assert judge(a, b)[:2] == ("yes", "no")


def test_cannot_tell_names_what_was_not_compared():
    a, b = pair()
    b.psk, b.psk_state = None, "encrypted"
    ike, child, r = judge(a, b)
    assert (ike, child) == ("cannot tell", "cannot tell")
    (f,) = [x for x in r["findings"] if x.rule == "PEER-PSK-UNKNOWN"]
    assert f.severity == "warning" and f.extra["verdict"] == "unknown" and f.extra["stage"] == "ike"
    assert r["verdict"]["ike"].unknown == ["the pre-shared keys (b's is encrypted)"]
    assert "whether the IKE SA comes up" in r["verdict"]["child"].unknown
    assert establishes(r["findings"]) == (True, True)  # the booleans: cannot tell is not a failure


def test_a_child_error_is_no_even_when_the_ike_sa_is_cannot_tell():
    a, b = pair()
    b.psk, b.psk_state = None, "masked"
    b.esp_proposals = [Proposal("aes128", "sha1")]
    assert judge(a, b)[:2] == ("cannot tell", "no")


def _undocumented(monkeypatch: pytest.MonkeyPatch) -> str:
    real = compat.behaviour
    monkeypatch.setattr(compat, "behaviour", lambda v: dict.fromkeys(real(None)) if v == "x" else real(v))
    return "x"


def _no_certs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "vpnconf.certs", None)  # the module is not there: ImportError


def _set(**kw: Any) -> Any:
    def m(a: ParsedTunnel, b: ParsedTunnel, mp: pytest.MonkeyPatch) -> dict[str, Any]:
        for k, v in kw.items():
            setattr(b, k, v)
        return {}

    return m


def _ikev1_pfs_undocumented(a: ParsedTunnel, b: ParsedTunnel, mp: pytest.MonkeyPatch) -> dict[str, Any]:
    a.ike_version = b.ike_version = 1
    b.pfs = 14
    return {"a_vendor": _undocumented(mp)}


def _ikev1_ts_undocumented(a: ParsedTunnel, b: ParsedTunnel, mp: pytest.MonkeyPatch) -> dict[str, Any]:
    a.ike_version = b.ike_version = 1
    b.selectors = [("10.2.0.0/24", "10.1.0.0/16")]  # b's are wider: a is narrower
    return {"b_vendor": _undocumented(mp)}


def _certificates_without_the_module(a: ParsedTunnel, b: ParsedTunnel, mp: pytest.MonkeyPatch) -> dict[str, Any]:
    _no_certs(mp)
    a.auth = b.auth = "certificate"
    a.psk_state = b.psk_state = "certificate"
    a.psk = b.psk = None
    return {}


def _identity_from_the_certificate(a: ParsedTunnel, b: ParsedTunnel, mp: pytest.MonkeyPatch) -> dict[str, Any]:
    _no_certs(mp)
    a.auth = b.auth = "certificate"
    a.local_id = None  # the subject of a's certificate
    b.peer_id = Ident("other", "CN=a.example.org, O=Org")
    return {}


def _ah_unnamed(a: ParsedTunnel, b: ParsedTunnel, mp: pytest.MonkeyPatch) -> dict[str, Any]:
    a.ah_proposals, b.ah_proposals = [Proposal(integrity="sha256")], [Proposal(raw="streebog")]
    a.esp_proposals = b.esp_proposals = []  # AH alone on both ends
    return {}


UNCOMPARED = {
    "masked key": ("ike", _set(psk=None, psk_state="masked")),
    "encrypted key": ("ike", _set(psk=None, psk_state="encrypted")),
    "missing key": ("ike", _set(psk=None, psk_state="missing")),
    "binary key not hex": ("ike", _set(psk="0xzz", psk_state="binary")),
    "unknown authentication": ("ike", _set(auth="unknown")),
    "unnamed IKE encryption": ("ike", _set(ike_proposals=[Proposal(None, "sha256", 14, raw="kuznyechik-sha256")])),
    "unnamed IKE group": ("ike", _set(ike_proposals=[Proposal("aes256", "sha256", None, raw="aes256-sha256-x9")])),
    "no IKE proposal read": ("ike", _set(ike_proposals=[])),
    "certificates, no module": ("ike", _certificates_without_the_module),
    "identity from a certificate": ("ike", _identity_from_the_certificate),
    "unnamed ESP encryption": ("child", _set(esp_proposals=[Proposal(None, "sha256", raw="kuznyechik-sha256")])),
    "no ESP proposal read": ("child", _set(esp_proposals=[])),
    "unknown PFS group": ("child", _set(pfs_unknown=True)),
    "no selector read": ("child", _set(selectors=[])),
    "%dynamic unresolved": ("child", _set(selectors=[("%dynamic", "10.1.0.0/24")], local_address=None)),
    "unnamed AH integrity": ("child", _ah_unnamed),
    "IKEv1 PFS offer, undocumented": ("child", _ikev1_pfs_undocumented),
    "IKEv1 narrower selectors, undocumented": ("child", _ikev1_ts_undocumented),
}


@pytest.mark.parametrize("case", list(UNCOMPARED))
def test_yes_never_when_a_deciding_setting_was_not_compared(case, monkeypatch):
    stage, mutate = UNCOMPARED[case]
    a, b = pair()
    if case == "%dynamic unresolved":
        a.peer_address = None  # b names no address a could take as its own
    kw = mutate(a, b, monkeypatch)
    ike, child, r = judge(a, b, **kw)
    assert "yes" not in ((ike, child) if stage == "ike" else (child,)), [x.text() for x in r["findings"]]
    st = r["verdict"][stage]
    assert st.value == "cannot tell" and st.unknown, [x.text() for x in r["findings"]]
    marked = [x for x in r["findings"] if x.extra.get("verdict") == "unknown"]
    assert marked and all(x.severity == "warning" and x.extra["stage"] == stage for x in marked)


def test_an_unnamed_proposal_is_not_unknown_when_another_matches():
    a, b = pair()
    b.ike_proposals.insert(0, Proposal(None, "sha256", 14, raw="kuznyechik-sha256"))
    assert judge(a, b)[:2] == ("yes", "yes")


def test_the_defaults_that_decided_a_stage_are_listed():
    a, b = pair()
    a.defaulted["ike_proposals"] = "the vendor's default proposals (vendor.yaml defaults)"
    a.defaulted["ike_lifetime"] = "not a deciding setting"
    b.defaulted["esp_proposals"] = "b's default ESP proposals"
    b.local_id = None  # a key: b sends its address, the IKE default
    _, _, r = judge(a, b)
    ike, child = r["verdict"]["ike"], r["verdict"]["child"]
    assert ike.value == "yes" and ike.defaults == [
        "a: ike_proposals (the vendor's default proposals (vendor.yaml defaults))",
        "b: local_id (none configured: its address, the IKE default)",
    ]
    assert child.defaults == ["b: esp_proposals (b's default ESP proposals)"]


def test_an_undocumented_behaviour_found_by_the_old_paths_is_marked(monkeypatch):
    """IKEv1 aggressive mode with a responder of unknown order: "may pick"."""
    a, b = pair(ike_version=1, mode="aggressive")
    a.ike_proposals = [Proposal("aes128", "sha1", 14), Proposal("aes256", "sha256", 19)]
    b.ike_proposals = list(reversed(a.ike_proposals))
    ike, _, r = judge(a, b, b_vendor=_undocumented(monkeypatch), initiator="a")
    assert ike == "cannot tell" and any("its order is undocumented" in u for u in r["verdict"]["ike"].unknown)


# ------------------------------------------------------------------- keys
def test_keys_compare_by_bytes_binary_and_clear():
    a, b = pair()
    b.psk, b.psk_state = "0x" + KEY.encode().hex(), "binary"
    assert judge(a, b)[:2] == ("yes", "yes")
    a.psk, a.psk_state = "0x" + KEY.encode().hex(), "binary"
    assert judge(a, b)[:2] == ("yes", "yes")
    a.psk = "0x00ff10fe"
    ike, _, r = judge(a, b)
    assert ike == "no" and "PEER-PSK" in rules(r)
    b.psk, b.psk_state = KEY, "clear"
    ike, _, r = judge(a, b)
    assert ike == "no" and "PEER-PSK" in rules(r)
    shown = json.dumps([x.as_dict() for x in r["findings"]])
    assert KEY not in shown and "00ff10fe" not in shown and KEY.encode().hex() not in shown


def test_psk_against_certificates_fails():
    a, b = pair()
    b.auth, b.psk, b.psk_state = "certificate", None, "certificate"
    ike, _, r = judge(a, b)
    assert ike == "no" and "PEER-AUTH" in rules(r)


# ------------------------------------------------------------- identities
@pytest.mark.parametrize(
    ("sent", "expected", "match"),
    [
        (Ident("fqdn", "gw.example.org"), Ident("other", "%any"), True),
        (Ident("other", "CN=x"), Ident("other", "%any"), True),
        (Ident("fqdn", "gw.example.org"), Ident("other", "*.example.org"), True),
        (Ident("fqdn", "gw.sub.example.org"), Ident("other", "*.example.org"), True),
        (Ident("fqdn", "gw.example.com"), Ident("other", "*.example.org"), False),
        (Ident("fqdn", "example.org"), Ident("other", "*.example.org"), False),
        (Ident("other", "alice@example.org"), Ident("other", "*@example.org"), True),
        (Ident("other", "alice@example.com"), Ident("other", "*@example.org"), False),
        (Ident("fqdn", "example.org"), Ident("other", "*@example.org"), False),  # an FQDN is not an email
        (Ident("other", "CN=gw1, O=Org"), Ident("other", "CN=*, O=Org"), True),
        (Ident("other", "cn=GW1,o=org"), Ident("other", "CN=*, O=Org"), True),
        (Ident("other", "CN=gw1, O=Other"), Ident("other", "CN=*, O=Org"), False),
        (Ident("other", "O=Org, CN=gw1"), Ident("other", "CN=*, O=Org"), False),  # another order
        (Ident("other", "CN=gw1, O=Org, C=DE"), Ident("other", "CN=*, O=Org"), False),  # another RDN count
        (Ident("other", "CN=gw1, O=Org"), Ident("other", "CN=gw1,O=Org"), True),
        (Ident("other", "*.example.org"), Ident("fqdn", "gw.example.org"), False),  # the sent id is no pattern
        (Ident("address", "192.0.2.1"), Ident("fqdn", "gw.example.org"), False),
    ],
)
def test_identity_wildcards(sent, expected, match):
    a, b = pair()
    a.local_id, b.peer_id = sent, expected
    ike, _, r = judge(a, b)
    assert ike == ("yes" if match else "no"), [x.text() for x in r["findings"]]
    assert ("PEER-IDENTITY" in rules(r)) is not match


# --------------------------------------------------------------- %dynamic
def test_dynamic_selectors_resolve_to_the_ends_own_address():
    a, b = pair()
    a.selectors = [("%dynamic", "10.2.0.0/24")]
    b.selectors = [("10.2.0.0/24", f"{A_IP}/32")]
    assert judge(a, b)[:2] == ("yes", "yes")
    a.local_address = None  # then the address b names as its peer
    assert judge(a, b)[:2] == ("yes", "yes")
    b.selectors = [("%dynamic", "%dynamic")]  # b's own and a's (the other end's) address
    a.selectors = [(f"{A_IP}/32", f"{B_IP}/32")]
    assert judge(a, b)[:2] == ("yes", "yes")


def test_dynamic_selectors_unresolved_name_the_selector():
    a, b = pair()
    a.local_address, b.peer_address = None, "vpn.example.org"  # not a single address
    a.selectors = [("%dynamic", "10.2.0.0/24")]
    _, child, r = judge(a, b)
    assert child == "cannot tell"
    assert any("%dynamic" in u for u in r["verdict"]["child"].unknown)


def test_ikev2_narrows_to_the_intersection():
    a, b = pair()
    a.selectors = [("10.1.0.0/16", "10.2.0.0/24")]
    b.selectors = [("10.2.0.0/24", "10.1.1.0/24")]
    _, child, r = judge(a, b)
    assert child == "yes"
    (f,) = [x for x in r["findings"] if x.rule == "PEER-SELECTORS"]
    assert f.severity == "warning" and "10.1.1.0/24<->10.2.0.0/24" in f.message
    b.selectors = [("10.2.0.0/24", "10.9.0.0/24")]
    assert judge(a, b)[1] == "no"


# --------------------------------------------------------------------- AH
def test_ah_on_one_end_and_esp_only_on_the_other_fails():
    a, b = pair()
    a.ah_proposals, a.esp_proposals = [Proposal(integrity="sha256")], []  # AH alone
    ike, child, r = judge(a, b)
    assert (ike, child) == ("yes", "no") and "PEER-AH" in rules(r)
    f = next(x for x in r["findings"] if x.rule == "PEER-AH")
    assert "NO_PROPOSAL_CHOSEN" in f.message and f.extra["stage"] == "child"
    a.esp_proposals = list(b.esp_proposals)  # AH and ESP: the ESP proposal meets b's
    assert judge(a, b)[:2] == ("yes", "yes")


def test_ah_proposals_compare_like_esp():
    a, b = pair(esp_proposals=[])
    a.ah_proposals = [Proposal(integrity="sha256", dh_group=14)]
    b.ah_proposals = [Proposal(integrity="sha1"), Proposal(integrity="sha256", dh_group=14)]
    assert judge(a, b)[:2] == ("yes", "yes")
    b.ah_proposals = [Proposal(integrity="sha1")]
    _, child, r = judge(a, b)
    assert child == "no" and "PEER-AH" in rules(r)
    b.ah_proposals = [Proposal(integrity="sha256", dh_group=19)]  # PFS differs
    _, child, r = judge(a, b)
    assert child == "yes" and "PEER-PFS" in rules(r, "warning")  # IKEv2: the rekey fails
    a.ike_version = b.ike_version = 1
    _, child, r = judge(a, b)
    assert child == "no" and "PEER-PFS" in rules(r)


# ------------------------------------------------- additional key exchanges
def test_additional_key_exchanges_are_part_of_a_proposal():
    a, b = pair()
    a.ike_proposals = [Proposal("aes256", "sha256", 14, additional_ke=("ke1_mlkem768",))]
    ike, _, r = judge(a, b)
    assert ike == "no" and "PEER-IKE-PROPOSAL" in rules(r)
    b.ike_proposals = [Proposal("aes256", "sha256", 14, additional_ke=("ke1_mlkem768",))]
    assert judge(a, b)[0] == "yes"
    a.esp_proposals = [Proposal("aes256", "sha256", additional_ke=("ke1_mlkem768",))]
    _, child, r = judge(a, b)
    assert child == "no" and "PEER-ESP-PROPOSAL" in rules(r)


# ----------------------------------------------------------- certificates
def test_certificates_call_the_certificate_check(monkeypatch):
    import types

    from vpnconf.findings import Finding

    seen: list[Any] = []

    def check_cert_auth(a, b, a_name, b_name, files):
        seen.append((a_name, b_name, files))
        return [Finding("PEER-CERT", "error", "b's certificate is expired", extra={"stage": "ike"})]

    monkeypatch.setitem(sys.modules, "vpnconf.certs", types.SimpleNamespace(check_cert_auth=check_cert_auth))
    a, b = pair(auth="certificate", psk=None, psk_state="certificate")
    ike, child, _ = judge(a, b, cert_files="files")
    assert seen == [("a", "b", "files")] and (ike, child) == ("no", "no")
    a, b = pair()
    judge(a, b)
    assert len(seen) == 1  # neither end uses certificates: not called


# -------------------------------------------------------------------- CLI
def swanctl(
    local: str | None,
    remote: str | None,
    *,
    local_ts: str,
    remote_ts: str,
    secret: str | None = KEY,
    local_id: str | None = None,
    remote_id: str | None = None,
    esp: str = "esp_proposals = aes256-sha256-modp2048",
) -> str:
    """A swanctl.conf of one IKEv2 connection (an address left out when None)."""
    addrs = "".join(f"    {k} = {v}\n" for k, v in (("local_addrs", local), ("remote_addrs", remote)) if v is not None)
    lid = f"      id = {local_id}\n" if local_id else ""
    rid = f"      id = {remote_id}\n" if remote_id else ""
    ids = [x for x in (local_id or local, remote_id or remote) if x and "*" not in x]
    secrets = ""
    if secret is not None:  # 0x (hex) and 0s (base64) are encodings, unquoted; text quoted
        value = secret if secret[:2] in ("0x", "0s") else f'"{secret}"'
        owners = "".join(f"    id-{n} = {x}\n" for n, x in enumerate(ids, 1))
        secrets = f"secrets {{\n  ike-1 {{\n{owners}    secret = {value}\n  }}\n}}\n"
    return (
        "connections {\n  gw {\n    version = 2\n"
        + addrs
        + "    proposals = aes256-sha256-modp2048\n"
        + f"    local {{\n      auth = psk\n{lid}    }}\n"
        + f"    remote {{\n      auth = psk\n{rid}    }}\n"
        + "    children {\n      net {\n"
        + f"        local_ts = {local_ts}\n        remote_ts = {remote_ts}\n        {esp}\n"
        + "      }\n    }\n  }\n}\n"
        + secrets
    )


MOON = dict(local="198.51.100.1", remote="203.0.113.9", local_ts="10.1.0.0/16", remote_ts="10.2.0.0/16")
SUN = dict(local="203.0.113.9", remote="198.51.100.1", local_ts="10.2.0.0/16", remote_ts="10.1.0.0/16")


def run_check(vpnconf_bin, tmp_path, moon: str, sun: str, *args: str) -> tuple[int, dict[str, Any], str]:
    (tmp_path / "moon.conf").write_text(moon)
    (tmp_path / "sun.conf").write_text(sun)
    base = [*vpnconf_bin, "check", str(tmp_path / "moon.conf"), "--peer", str(tmp_path / "sun.conf")]
    vid = lab_vendor().id  # the lab's daemon reads these swanctl.conf texts (no vendor id in central tests)
    base += ["--vendor", vid, "--peer-vendor", vid, *args]
    j = subprocess.run([*base, "--format", "json"], capture_output=True, text=True)
    t = subprocess.run(base, capture_output=True, text=True)
    assert j.returncode == t.returncode, (j.stderr, t.stderr)
    return j.returncode, json.loads(j.stdout), t.stdout + t.stderr


def test_cli_yes_exit_0(vpnconf_bin, tmp_path):
    code, doc, text = run_check(vpnconf_bin, tmp_path, swanctl(**MOON), swanctl(**SUN))
    assert code == 0, text
    assert doc["verdict"]["ike"]["value"] == "yes" and doc["verdict"]["child"]["value"] == "yes"
    assert doc["ike_sa_establishes"] is True and doc["child_sa_establishes"] is True
    assert "IKE SA establishes: yes; CHILD SA establishes: yes" in text and "cannot tell" not in text


def test_cli_different_keys_no_exit_1(vpnconf_bin, tmp_path):
    code, doc, text = run_check(vpnconf_bin, tmp_path, swanctl(**MOON), swanctl(**SUN, secret="Other-Key-2"))
    assert code == 1
    assert doc["verdict"]["ike"]["value"] == "no" and doc["ike_sa_establishes"] is False
    assert "PEER-PSK" in {f["rule"] for f in doc["findings"]}
    assert "IKE SA establishes: no; CHILD SA establishes: no" in text
    assert KEY not in text + json.dumps(doc) and "Other-Key-2" not in text + json.dumps(doc)


def test_cli_a_missing_key_is_cannot_tell_exit_3(vpnconf_bin, tmp_path):
    code, doc, text = run_check(vpnconf_bin, tmp_path, swanctl(**MOON), swanctl(**SUN, secret=None))
    assert code == 3, text
    assert doc["verdict"]["ike"] == {
        "value": "cannot tell",
        "unknown": ["the pre-shared keys (peer's is missing)"],
        # no strongswan.conf given beside either config: the daemon's defaults decided too
        "defaults": [
            f"{end}: daemon_options (no strongswan.conf given: charon's defaults (initiator_only no, ...))"
            for end in ("device", "peer")
        ],
    }
    assert doc["ike_sa_establishes"] is None and doc["child_sa_establishes"] is None
    assert "IKE SA establishes: cannot tell; CHILD SA establishes: cannot tell" in text
    assert "IKE SA: cannot tell: not checked: the pre-shared keys (peer's is missing)" in text


def test_cli_encoded_keys_compare_by_bytes(vpnconf_bin, tmp_path):
    """strongSwan 0x (hex) and 0s (base64) secrets: printable ones are text,
    others binary; equal bytes match whatever the encoding."""
    import base64

    moon = swanctl(**MOON)
    for secret, code in (
        ("0x" + KEY.encode().hex(), 0),  # the same text, hex-encoded
        ("0s" + base64.b64encode(KEY.encode()).decode(), 0),
        ("0x" + b"Shared-Key-2".hex(), 1),
    ):
        got, doc, text = run_check(vpnconf_bin, tmp_path, moon, swanctl(**SUN, secret=secret))
        assert got == code, (secret, text)
    binary = "0x00ff10fe9a"
    moon = swanctl(**MOON, secret=binary)
    got, doc, text = run_check(
        vpnconf_bin,
        tmp_path,
        moon,
        swanctl(**SUN, secret="0s" + base64.b64encode(bytes.fromhex("00ff10fe9a")).decode()),
    )
    assert got == 0 and doc["verdict"]["ike"]["value"] == "yes", text
    got, doc, text = run_check(vpnconf_bin, tmp_path, moon, swanctl(**SUN, secret="0x00ff10fe9b"))
    assert got == 1 and "PEER-PSK" in {f["rule"] for f in doc["findings"]}, text
    got, doc, text = run_check(vpnconf_bin, tmp_path, moon, swanctl(**SUN))  # binary against clear text
    assert got == 1 and "PEER-PSK" in {f["rule"] for f in doc["findings"]}, text
    assert "00ff10fe" not in text + json.dumps(doc) and KEY not in text + json.dumps(doc)


@pytest.mark.parametrize(("local_id", "code"), [("gw.example.org", 0), ("gw.example.com", 1)])
def test_cli_identity_wildcard(vpnconf_bin, tmp_path, local_id, code):
    moon = swanctl(**MOON, local_id=local_id)
    sun = swanctl(**SUN, remote_id="*.example.org")
    got, doc, text = run_check(vpnconf_bin, tmp_path, moon, sun)
    assert got == code, text
    assert ("PEER-IDENTITY" in {f["rule"] for f in doc["findings"] if f["severity"] == "error"}) is (code == 1)


def test_cli_dynamic_selector_without_any_address_is_cannot_tell(vpnconf_bin, tmp_path):
    moon = swanctl(None, None, local_ts="dynamic", remote_ts="10.2.0.0/16")
    sun = swanctl(**{**SUN, "remote": None, "remote_ts": "dynamic"})
    code, doc, text = run_check(vpnconf_bin, tmp_path, moon, sun)
    assert code == 3, text
    assert doc["verdict"]["child"]["value"] == "cannot tell" and "CHILD SA: cannot tell" in text
    (unknown,) = doc["verdict"]["child"]["unknown"]
    assert "device's local selector %dynamic" in unknown and "peer's remote selector %dynamic" in unknown


def test_cli_dynamic_selector_resolved_from_the_peers_address(vpnconf_bin, tmp_path):
    """moon gives no address of its own: its dynamic local_ts is the address sun
    names as its peer (sun's remote_addrs), which sun's remote_ts holds."""
    moon = swanctl(None, "203.0.113.9", local_ts="dynamic", remote_ts="10.2.0.0/16")
    sun = swanctl(**{**SUN, "remote_ts": "198.51.100.1/32"})
    code, doc, text = run_check(vpnconf_bin, tmp_path, moon, sun)
    assert code == 0, text
    assert doc["verdict"]["child"]["value"] == "yes"
    sun = swanctl(**{**SUN, "remote_ts": "198.51.100.7/32"})  # another host: the selectors do not meet
    code, doc, text = run_check(vpnconf_bin, tmp_path, moon, sun)
    assert code == 1 and doc["verdict"]["child"]["value"] == "no", text


def test_cli_ah_against_esp_exit_1(vpnconf_bin, tmp_path):
    moon = swanctl(**MOON, esp="ah_proposals = sha256-modp2048")
    code, doc, text = run_check(vpnconf_bin, tmp_path, moon, swanctl(**SUN))
    assert code == 1, text
    assert doc["verdict"]["ike"]["value"] == "yes" and doc["verdict"]["child"]["value"] == "no"
    assert "PEER-AH" in {f["rule"] for f in doc["findings"]}


def test_cli_help_documents_the_exit_codes(vpnconf_bin):
    r = subprocess.run([*vpnconf_bin, "check", "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    assert "3 no error but cannot tell" in r.stdout and "--cert PATH" in r.stdout and "--ca PATH" in r.stdout


def test_an_undocumented_lifetime_rule_is_cannot_tell(monkeypatch):
    """IKEv1: a responder that may reject a longer ISAKMP lifetime (undocumented)."""
    a, b = pair(ike_version=1)
    a.ike_lifetime, b.ike_lifetime = 3600, 28800
    assert judge(a, b)[0] == "yes"  # both of the lab's vendor: documented, it accepts
    ike, _, r = judge(a, b, a_vendor=_undocumented(monkeypatch))
    assert ike == "cannot tell" and any("ISAKMP lifetime" in u for u in r["verdict"]["ike"].unknown)


def test_certificates_without_files_are_never_yes():
    """The real certificate check, no certificate given: the identities and
    the chains cannot be checked."""
    a, b = pair(auth="certificate", psk=None, psk_state="certificate")
    a.local_id = None  # a's certificate subject
    b.peer_id = Ident("other", "CN=*, O=Org")
    ike, child, r = judge(a, b)
    assert (ike, child) == ("cannot tell", "cannot tell"), [x.text() for x in r["findings"]]
    assert r["verdict"]["ike"].unknown


# ------------------------------------------------ daemon options read beside the config
def _site_dirs(tmp_path, moon_opts: str | None, sun_opts: str | None):
    """Each end in its own /etc-like folder: swanctl/swanctl.conf and, when given,
    a strongswan.conf beside the swanctl folder (where charon reads it)."""
    paths = []
    for name, ends, opts in (("moon", MOON, moon_opts), ("sun", SUN, sun_opts)):
        d = tmp_path / name / "swanctl"
        d.mkdir(parents=True)
        (d / "swanctl.conf").write_text(swanctl(**ends))
        if opts is not None:
            (tmp_path / name / "strongswan.conf").write_text("charon {\n" + opts + "}\n")
        paths.append(d / "swanctl.conf")
    return paths


def _check_paths(vpnconf_bin, moon, sun, *args):
    vid = lab_vendor().id
    base = [*vpnconf_bin, "check", str(moon), "--peer", str(sun), "--vendor", vid, "--peer-vendor", vid, *args]
    r = subprocess.run([*base, "--format", "json"], capture_output=True, text=True)
    return r.returncode, json.loads(r.stdout) if r.stdout else {}, r.stderr


def _rules(doc):
    return {f["rule"]: f for f in doc.get("findings", [])}


def test_strongswan_conf_beside_the_config_is_read_and_initiator_only_decides(vpnconf_bin, tmp_path):
    moon, sun = _site_dirs(tmp_path, "  initiator_only = yes\n", "  initiator_only = yes\n")
    code, doc, err = _check_paths(vpnconf_bin, moon, sun)
    assert code == 1, err
    assert "neither end answers" in _rules(doc)["PEER-RESPONDER"]["message"]
    assert doc["files"] == [str(moon), str(tmp_path / "moon" / "strongswan.conf")]


def test_parse_names_the_file_read_beside_the_config(vpnconf_bin, tmp_path):
    moon, _ = _site_dirs(tmp_path, "  initiator_only = yes\n", None)
    r = subprocess.run([*vpnconf_bin, "parse", str(moon), "--format", "json"], capture_output=True, text=True)
    doc = json.loads(r.stdout)
    (note,) = [f for f in doc["findings"] if f["rule"] == "COMPANION"]
    assert note["severity"] == "info" and note["file"] == str(tmp_path / "moon" / "strongswan.conf")
    assert doc["tunnels"][0]["extra"]["daemon_options"] == {"charon.initiator_only": True}
    assert doc["detected"]  # why the vendor was detected survives reading the companion
    # given explicitly, nothing is added
    r = subprocess.run(
        [*vpnconf_bin, "parse", str(moon), str(tmp_path / "moon" / "strongswan.conf"), "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert not [f for f in json.loads(r.stdout)["findings"] if f["rule"] == "COMPANION"]


def test_one_initiator_only_end_comes_up_only_when_it_initiates(vpnconf_bin, tmp_path):
    moon, sun = _site_dirs(tmp_path, "  initiator_only = yes\n", "  install_routes = no\n")
    code, doc, _ = _check_paths(vpnconf_bin, moon, sun)
    f = _rules(doc)["PEER-RESPONDER"]
    assert code == 0 and f["severity"] == "warning" and "only when" in f["message"]


def test_no_strongswan_conf_no_responder_claim(vpnconf_bin, tmp_path):
    moon, sun = _site_dirs(tmp_path, None, None)
    code, doc, err = _check_paths(vpnconf_bin, moon, sun)
    assert code == 0, err
    assert "PEER-RESPONDER" not in _rules(doc)
    assert "files" not in doc  # one file read: nothing beside it


def test_responders_from_parsed_ends():
    a, b = pair()
    a.extra["never_responds"] = True
    ike, _, r = judge(a, b, initiator="b")
    assert ike == "no" and "PEER-RESPONDER" in rules(r)
    ike, _, r = judge(a, b, initiator="a")
    assert ike == "yes" and "PEER-RESPONDER" not in rules(r, "warning")
    ike, _, r = judge(a, b)  # who initiates not said: a warning, not a verdict
    assert ike == "yes" and "PEER-RESPONDER" in rules(r, "warning")
    # IKEv1 aggressive mode with a key: a responder that does not answer it
    a, b = pair(ike_version=1, mode="aggressive")
    b.extra["answers_aggressive_psk"] = False
    assert judge(a, b, initiator="a")[0] == "no"
    assert judge(a, b, initiator="b")[0] == "yes"
    b.extra["answers_aggressive_psk"] = True
    assert judge(a, b, initiator="a")[0] == "yes"


def test_fleet_exit_is_the_worst_with_cannot_tell_below_no(vpnconf_bin, tmp_path):
    """A folder of configs checked against one peer: one file comes up, one
    cannot tell (its key is missing), one will not (another key). The exit code
    is the worst: 1 (will not) outranks 3 (cannot tell), which outranks 0."""
    vid = lab_vendor().id
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    (tmp_path / "sun.conf").write_text(swanctl(**SUN))
    (fleet / "a-ok.conf").write_text(swanctl(**MOON))
    (fleet / "b-no-key.conf").write_text(swanctl(**MOON, secret=None))

    def run(*extra_files: tuple[str, str]) -> tuple[int, dict[str, Any]]:
        for name, text in extra_files:
            (fleet / name).write_text(text)
        r = subprocess.run(
            [*vpnconf_bin, "check", str(fleet), "--peer", str(tmp_path / "sun.conf"), "--vendor", vid,
             "--peer-vendor", vid, "--format", "json"],
            capture_output=True, text=True,
        )  # fmt: skip
        return r.returncode, json.loads(r.stdout)

    code, doc = run()
    assert code == 3 and sorted(r["exit_code"] for r in doc["results"]) == [0, 3]
    code, doc = run(("c-other-key.conf", swanctl(**MOON, secret="Another-Key-2")))
    assert code == 1 and sorted(r["exit_code"] for r in doc["results"]) == [0, 1, 3]
