"""vpnconf.certs: certificate authentication between two ends, checked as
strongSwan's charon checks it. Every certificate is made here (a small PKI per
test run, in tmp_path); every rule is tested with both outcomes."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from vpnconf.certs import CertFiles, check_cert_auth, id_matches, load_certs, parse_dn
from vpnconf.findings import VpnconfError
from vpnconf.parsing import CertAuth, Ident, ParsedTunnel

NOW = datetime(2026, 6, 1, tzinfo=UTC)
POLICY = "1.3.6.1.4.1.99999.1.2"


def dn(*parts: tuple[str, str]) -> x509.Name:
    oids = {"C": NameOID.COUNTRY_NAME, "O": NameOID.ORGANIZATION_NAME, "CN": NameOID.COMMON_NAME}
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in parts])


@dataclass
class Issued:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    def write(self, path: Path, der: bool = False) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        enc = serialization.Encoding.DER if der else serialization.Encoding.PEM
        path.write_bytes(self.cert.public_bytes(enc))
        return path


def issue(
    subject: x509.Name,
    issuer: Issued | None = None,
    *,
    ca: bool = False,
    sans: list[x509.GeneralName] | None = None,
    key_usage: dict[str, bool] | None = None,
    extra: tuple[tuple[x509.ExtensionType, bool], ...] = (),
    start: datetime = NOW - timedelta(days=30),
    days: int = 365,
    signer: ec.EllipticCurvePrivateKey | None = None,
    issuer_name: x509.Name | None = None,
) -> Issued:
    """A certificate; ``issuer`` None: self-signed. ``signer`` re-signs it with another key."""
    key = ec.generate_private_key(ec.SECP256R1())
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name or (issuer.cert.subject if issuer else subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
    )
    b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if key_usage is not None:
        flags = dict.fromkeys(
            (
                "digital_signature",
                "content_commitment",
                "key_encipherment",
                "data_encipherment",
                "key_agreement",
                "key_cert_sign",
                "crl_sign",
            ),
            False,
        )
        flags.update(key_usage)
        b = b.add_extension(x509.KeyUsage(**flags, encipher_only=False, decipher_only=False), critical=True)
    for ext, critical in extra:
        b = b.add_extension(ext, critical=critical)
    return Issued(b.sign(signer or (issuer.key if issuer else key), hashes.SHA256()), key)


ORG = (("C", "CH"), ("O", "Org"))


@pytest.fixture(scope="module")
def pki():
    root = issue(dn(*ORG, ("CN", "Root CA")), ca=True, key_usage={"key_cert_sign": True, "crl_sign": True})
    other = issue(dn(*ORG, ("CN", "Other CA")), ca=True, key_usage={"key_cert_sign": True})
    inter = issue(dn(*ORG, ("CN", "Inter CA")), root, ca=True, key_usage={"key_cert_sign": True})
    return {"root": root, "other": other, "inter": inter}


def ee(issuer: Issued, cn: str, **kw) -> Issued:
    """An end-entity certificate C=CH, O=Org, CN=<cn> with the SAN <cn>.example.org."""
    kw.setdefault("sans", [x509.DNSName(f"{cn}.example.org")])
    kw.setdefault("ca", False)
    return issue(dn(*ORG, ("CN", cn)), issuer, **kw)


def end(certs=("a.pem",), *, cacerts=(), peer_id=None, local_id=None, **kw) -> ParsedTunnel:
    t = ParsedTunnel(name="t", auth="certificate", psk_state="certificate")
    t.cert = CertAuth(local_certs=list(certs), cacerts=list(cacerts), **kw)
    t.peer_id, t.local_id = peer_id, local_id
    return t


def fqdn(v: str) -> Ident:
    return Ident("fqdn", v)


def other(v: str) -> Ident:
    return Ident("other", v)


def run(a, b, files, now=NOW):
    return check_cert_auth(a, b, "a", "b", files, now=now)


def errors(fs):
    return [f for f in fs if f.rule == "PEER-CERT" and f.severity == "error"]


def unknowns(fs):
    return [f for f in fs if f.rule == "PEER-CERT-UNKNOWN"]


@pytest.fixture
def pair(tmp_path, pki):
    """Two ends with good certificates from the root CA, given with --cert/--ca."""
    ca = pki["root"].write(tmp_path / "ca.pem")
    ca_ = ee(pki["root"], "a").write(tmp_path / "a.pem")
    cb = ee(pki["root"], "b").write(tmp_path / "b.pem")
    return CertFiles(certs=[ca_, cb], cas=[ca], dirs=[])


def test_no_certificate_end_gives_nothing(pair):
    a, b = ParsedTunnel(name="t"), ParsedTunnel(name="t")
    assert run(a, b, pair) == []
    assert run(a, b, None) == []


def test_good_pair_has_no_findings(pair):
    assert run(end(["a.pem"]), end(["b.pem"]), pair) == []


def test_der_and_pem_both_read(tmp_path, pki):
    ca = pki["root"].write(tmp_path / "ca.der", der=True)
    a = ee(pki["root"], "a").write(tmp_path / "a.der", der=True)
    b = ee(pki["root"], "b").write(tmp_path / "b.pem")
    assert run(end(["a.der"]), end(["b.pem"]), CertFiles([a, b], [ca], [])) == []
    assert len(load_certs(ca)) == 1 and load_certs(ca)[0] == pki["root"].cert


def test_files_missing_cannot_tell(pair):
    fs = run(end(["a.pem"]), end(["b.pem"]), None)
    assert fs and all(f.rule == "PEER-CERT-UNKNOWN" and f.extra["verdict"] == "unknown" for f in fs)
    assert "a's certificate a.pem not given (--cert or next to the config)" in fs[0].message
    fs = run(end(["a.pem"]), end(["server.pem"]), pair)
    assert [f.message.split(":")[0] for f in unknowns(fs)] == [
        "b's certificate server.pem not given (--cert or next to the config)"
    ]
    assert not errors(fs)


def test_explicit_ids_compared_without_the_certificate():
    """The certificate is not given: an explicit local id is still compared with the peer id."""
    fs = run(end(["a.pem"], local_id=fqdn("a.example.org")), end(["b.pem"], peer_id=fqdn("c.example.org")), None)
    (e,) = errors(fs)
    assert e.message == "a sends identity a.example.org but b expects c.example.org"
    fs = run(end(["a.pem"], local_id=fqdn("a.example.org")), end(["b.pem"], peer_id=fqdn("*.example.org")), None)
    assert not errors(fs) and [f.extra["unknown"] for f in fs] == ["a's certificate", "b's certificate"]


def test_names_the_os_refuses_are_not_found(tmp_path):
    (tmp_path / "x509" / "sub").mkdir(parents=True)
    fs = run(end(["bad\0name.pem"]), end(["sub"]), CertFiles([], [], [tmp_path]))
    assert [f.rule for f in fs] == ["PEER-CERT-UNKNOWN", "PEER-CERT-UNKNOWN"]


def test_ca_missing_cannot_tell(pair):
    fs = run(end(["a.pem"]), end(["b.pem"]), CertFiles(pair.certs, [], []))
    assert len(unknowns(fs)) == 2 and not errors(fs)
    assert "C=CH, O=Org, CN=Root CA" in unknowns(fs)[0].message


def test_findings_carry_both_values_and_fix(pair):
    (e,) = run(end(["a.pem"], peer_id=fqdn("x.example.org")), end(["b.pem"]), pair)
    assert (e.rule, e.severity, e.extra["stage"]) == ("PEER-CERT", "error", "ike")
    assert e.extra["b"] == "C=CH, O=Org, CN=b" and e.extra["a"] == "x.example.org"
    assert e.extra["fix"] == "set a's peer id to match b's certificate, or b's local id"


# ------------------------------------------------------------------ identity
def test_local_id_in_san_or_not(pair):
    good = run(end(["a.pem"], local_id=fqdn("a.example.org")), end(["b.pem"]), pair)
    assert good == []
    bad = errors(run(end(["a.pem"], local_id=fqdn("vpn.example.org")), end(["b.pem"]), pair))
    assert len(bad) == 1 and "a's identity vpn.example.org is not in its certificate" in bad[0].message


def test_local_id_as_subject_dn_or_wrong_dn(pair):
    ok = run(end(["a.pem"], local_id=other("C=CH, O=Org, CN=a")), end(["b.pem"]), pair)
    assert ok == []
    bad = errors(run(end(["a.pem"], local_id=other("C=CH, O=Org, CN=z")), end(["b.pem"]), pair))
    assert len(bad) == 1 and "not in its certificate" in bad[0].message


def test_ip_and_email_sans(tmp_path, pki, pair):
    sans = [x509.IPAddress(ipaddress.ip_address("192.0.2.1")), x509.RFC822Name("vpn@example.org")]
    p = ee(pki["root"], "ip", sans=sans).write(tmp_path / "ip.pem")
    files = CertFiles([p, *pair.certs], pair.cas, [])
    for ident in (Ident("address", "192.0.2.1"), other("vpn@example.org")):
        assert run(end(["ip.pem"], local_id=ident), end(["b.pem"]), files) == []
    for ident in (Ident("address", "192.0.2.2"), other("ops@example.org")):
        assert len(errors(run(end(["ip.pem"], local_id=ident), end(["b.pem"]), files))) == 1


def test_key_id_identity(tmp_path, pki, pair):
    p = ee(pki["root"], "k").write(tmp_path / "k.pem")
    keyid = x509.SubjectKeyIdentifier.from_public_key(load_certs(p)[0].public_key()).digest.hex()
    files = CertFiles([p, *pair.certs], pair.cas, [])
    assert run(end(["k.pem"], local_id=other(f"@#{keyid}")), end(["b.pem"]), files) == []
    assert len(errors(run(end(["k.pem"], local_id=other("@#00ff")), end(["b.pem"]), files))) == 1


def test_default_id_is_subject_and_must_match_peer_id(pair):
    ok = run(end(["a.pem"]), end(["b.pem"], peer_id=other("C=CH, O=Org, CN=a")), pair)
    assert ok == []
    (e,) = errors(run(end(["a.pem"]), end(["b.pem"], peer_id=fqdn("a.example.org")), pair))
    assert "a sends identity C=CH, O=Org, CN=a (its certificate's subject, the default)" in e.message


def test_defaulted_local_id_is_replaced_by_subject(pair):
    a = end(["a.pem"], local_id=Ident("address", "198.51.100.1"))
    assert len(errors(run(a, end(["b.pem"]), pair))) == 1
    a.defaulted["local_id"] = "strongSwan default"
    assert run(a, end(["b.pem"]), pair) == []


@pytest.mark.parametrize(
    ("sent", "pattern", "match"),
    [
        (fqdn("a.example.org"), fqdn("*.example.org"), True),
        (fqdn("a.example.net"), fqdn("*.example.org"), False),
        (other("C=CH, O=Org, CN=a"), other("C=CH, O=Org, CN=*"), True),
        (other("C=CH, O=Other, CN=a"), other("C=CH, O=Org, CN=*"), False),
        (other("C=CH, O=Org, CN=a"), other("C=CH, CN=*"), False),
        (other("vpn@example.org"), other("*@example.org"), True),
        (Ident("address", "10.0.0.5"), other("10.0.0.0/24"), True),
        (Ident("address", "10.0.1.5"), other("10.0.0.0/24"), False),
        (fqdn("a.example.org"), other("C=CH, O=Org, CN=a.example.org"), False),
        (other("@@vpn@example.org"), other("*@example.org"), True),
        (other("dns:a.example.org"), fqdn("A.example.org"), True),
        (other("ipv4:10.0.0.5"), Ident("address", "10.0.0.5"), True),
    ],
)
def test_id_matcher(sent, pattern, match):
    assert id_matches(sent, pattern) is match


def test_wildcard_peer_id_in_check(pair):
    a = end(["a.pem"], local_id=fqdn("a.example.org"))
    assert run(a, end(["b.pem"], peer_id=fqdn("*.example.org")), pair) == []
    assert len(errors(run(a, end(["b.pem"], peer_id=fqdn("*.example.net")), pair))) == 1
    assert run(end(["a.pem"]), end(["b.pem"], peer_id=other("C=CH, O=Org, CN=*")), pair) == []


def test_certificate_matched_to_end_by_identity(pair):
    """No file named in the config: the --cert file carrying the end's identity."""
    fs = run(end([], local_id=fqdn("a.example.org")), end([], local_id=fqdn("b.example.org")), pair)
    assert fs == []
    fs = run(end([], local_id=fqdn("c.example.org")), end(["b.pem"]), pair)
    assert [f.rule for f in fs] == ["PEER-CERT-UNKNOWN"]


# ------------------------------------------------------------------ validity
@pytest.mark.parametrize(
    ("start", "days", "word"),
    [(NOW - timedelta(days=400), 365, "expired on"), (NOW + timedelta(days=2), 365, "is not valid before")],
)
def test_validity_period(tmp_path, pki, pair, start, days, word):
    p = ee(pki["root"], "a", start=start, days=days).write(tmp_path / "old.pem")
    files = CertFiles([p, *pair.certs], pair.cas, [])
    (e,) = errors(run(end(["old.pem"]), end(["b.pem"]), files))
    assert word in e.message and "old.pem" in e.message
    then = run(end(["old.pem"]), end(["b.pem"]), files, now=start + timedelta(days=1))
    assert not [f for f in then if "old.pem" in f.message]  # within its period (the CA is then not yet valid)
    assert any("CA certificate ca.pem" in f.message for f in errors(then)) is (word == "expired on")


# --------------------------------------------------------------------- chain
def test_wrong_ca(tmp_path, pki, pair):
    """b trusts only the other CA (swanctl x509ca/ next to its config)."""
    conf = tmp_path / "swanctl"
    pki["other"].write(conf / "x509ca" / "other.pem")
    files = CertFiles(pair.certs, pair.cas, [conf])
    (e,) = errors(run(end(["a.pem"]), end(["b.pem"], cacerts=["other.pem"]), files))
    assert "chains to C=CH, O=Org, CN=Root CA, a CA b does not trust (C=CH, O=Org, CN=Other CA)" in e.message
    pki["root"].write(conf / "x509ca" / "root.pem")
    assert run(end(["a.pem"]), end(["b.pem"], cacerts=["root.pem"]), files) == []


def test_bad_signature(tmp_path, pki, pair):
    forged = ee(pki["root"], "a", signer=ec.generate_private_key(ec.SECP256R1())).write(tmp_path / "forged.pem")
    files = CertFiles([forged, *pair.certs], pair.cas, [])
    (e,) = errors(run(end(["forged.pem"]), end(["b.pem"]), files))
    assert "signature does not verify with the key of ca.pem" in e.message


def test_ca_without_ca_flag(tmp_path, pki, pair):
    notca = issue(dn(*ORG, ("CN", "Fake CA")), ca=False)
    cert = ee(notca, "a").write(tmp_path / "x.pem")
    files = CertFiles([cert, *pair.certs], [notca.write(tmp_path / "fake.pem"), *pair.cas], [])
    (e,) = errors(run(end(["x.pem"]), end(["b.pem"]), files))
    assert "lacks basicConstraints CA=true" in e.message


def test_intermediate_chain(tmp_path, pki, pair):
    cert = ee(pki["inter"], "a").write(tmp_path / "i.pem")
    inter = pki["inter"].write(tmp_path / "inter.pem")
    files = CertFiles([cert, *pair.certs], [*pair.cas, inter], [])
    b = end(["b.pem"], cacerts=["ca.pem"])
    assert run(end(["i.pem"]), b, files) == []
    fs = run(end(["i.pem"]), b, CertFiles([cert, *pair.certs], pair.cas, []))
    assert not errors(fs) and "CN=Inter CA not given" in unknowns(fs)[0].message


def test_ca_without_key_cert_sign_is_a_warning(tmp_path, pki, pair):
    weak = issue(dn(*ORG, ("CN", "Weak CA")), ca=True, key_usage={"crl_sign": True})
    cert = ee(weak, "a").write(tmp_path / "w.pem")
    files = CertFiles([cert, *pair.certs], [weak.write(tmp_path / "weak.pem"), *pair.cas], [])
    fs = run(end(["w.pem"]), end(["b.pem"]), files)
    assert not errors(fs) and [f.severity for f in fs] == ["warning"] and "keyCertSign" in fs[0].message
    assert run(end(["a.pem"]), end(["b.pem"]), files) == []


def test_ca_as_dn_string(tmp_path, pki, pair):
    other_ca = pki["other"].write(tmp_path / "other.pem")
    files = CertFiles(pair.certs, [*pair.cas, other_ca], [])
    assert run(end(["a.pem"]), end(["b.pem"], cacerts=['"C=CH, O=Org, CN=Root CA"']), files) == []
    (e,) = errors(run(end(["a.pem"]), end(["b.pem"], cacerts=["C=CH, O=Org, CN=Other CA"]), files))
    assert "does not trust" in e.message
    fs = run(end(["a.pem"]), end(["b.pem"], cacerts=["C=CH, O=Org, CN=Nobody"]), files)
    assert not errors(fs) and "b's CA C=CH, O=Org, CN=Nobody not given" in unknowns(fs)[0].message


def test_ca_same_as_own(pair):
    assert run(end(["a.pem"]), end(["b.pem"], cacerts=["%same"]), pair) == []


def test_files_found_in_strongswan_dirs(tmp_path, pki):
    swanctl, etc = tmp_path / "swanctl", tmp_path / "etc"
    ee(pki["root"], "a").write(swanctl / "x509" / "a.pem")
    pki["root"].write(swanctl / "x509ca" / "ca.pem")
    ee(pki["root"], "b").write(etc / "ipsec.d" / "certs" / "b.pem")
    pki["root"].write(etc / "ipsec.d" / "cacerts" / "root.pem")
    files = CertFiles([], [], [swanctl / "conf.d", etc])
    assert run(end(["a.pem"], cacerts=["root.pem"]), end(["b.pem"], cacerts=["ca.pem"]), files) == []
    a = end(["/etc/swanctl/x509/a.pem"], cacerts=["/etc/ipsec.d/cacerts/root.pem"])  # paths of the device
    assert run(a, end(["b.pem"], cacerts=["ca.pem"]), files) == []
    fs = run(end(["x509/nothere.pem"], cacerts=["root.pem"]), end(["b.pem"]), files)
    assert [f.extra["unknown"] for f in fs] == ["a's certificate"]


def test_same_name_in_two_config_dirs(tmp_path, pki):
    """moon/x509/cert.pem and sun/x509/cert.pem: the end's identity, else the
    identity the other end expects, tells them apart; nothing does: cannot tell."""
    moon, sun = tmp_path / "moon", tmp_path / "sun"
    ee(pki["root"], "a").write(moon / "x509" / "cert.pem")
    ee(pki["root"], "b").write(sun / "x509" / "cert.pem")
    for d in (moon, sun):
        pki["root"].write(d / "x509ca" / "ca.pem")  # the same CA on both: no ambiguity
    files = CertFiles([], [], [moon, sun])

    def two(**kw):
        a_kw, b_kw = kw.get("a", {}), kw.get("b", {})
        return run(end(["cert.pem"], cacerts=["ca.pem"], **a_kw), end(["cert.pem"], cacerts=["ca.pem"], **b_kw), files)

    assert two(a={"local_id": fqdn("a.example.org")}, b={"local_id": fqdn("b.example.org")}) == []
    assert two(a={"peer_id": other("C=CH, O=Org, CN=b")}, b={"peer_id": other("C=CH, O=Org, CN=a")}) == []
    fs = two()
    assert not errors(fs) and {f.extra["unknown"] for f in fs} == {"a's certificate", "b's certificate"}
    assert "several different files answer" in fs[0].message
    pki["other"].write(sun / "x509ca" / "ca.pem")  # now two different CAs named ca.pem
    fs = two(a={"local_id": fqdn("a.example.org")}, b={"local_id": fqdn("b.example.org")})
    assert not errors(fs) and len(unknowns(fs)) == 2 and "b's CA ca.pem not given" in unknowns(fs)[0].message


def test_pinned_peer_certificate(tmp_path, pki, pair):
    c = ee(pki["root"], "c").write(tmp_path / "c.pem")
    files = CertFiles([*pair.certs, c], pair.cas, [])
    assert run(end(["a.pem"]), end(["b.pem"], remote_certs=["a.pem"]), files) == []
    (e,) = errors(run(end(["a.pem"]), end(["b.pem"], remote_certs=["c.pem"]), files))
    assert "not one of those b accepts" in e.message


# ---------------------------------------------------------------- extensions
def test_key_usage(tmp_path, pki, pair):
    enc = ee(pki["root"], "a", key_usage={"key_encipherment": True}).write(tmp_path / "enc.pem")
    nr = ee(pki["root"], "a", key_usage={"content_commitment": True}).write(tmp_path / "nr.pem")
    ds = ee(pki["root"], "a", key_usage={"digital_signature": True}).write(tmp_path / "ds.pem")
    files = CertFiles([enc, nr, ds, *pair.certs], pair.cas, [])
    (e,) = errors(run(end(["enc.pem"]), end(["b.pem"]), files))
    assert "keyUsage without digitalSignature" in e.message
    assert run(end(["nr.pem"]), end(["b.pem"]), files) == []
    assert run(end(["ds.pem"]), end(["b.pem"]), files) == []


@pytest.mark.parametrize("critical", [True, False])
def test_unknown_critical_extension(tmp_path, pki, pair, critical):
    ext = x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.99999.7"), b"\x05\x00")
    p = ee(pki["root"], "a", extra=((ext, critical),)).write(tmp_path / "crit.pem")
    fs = run(end(["crit.pem"]), end(["b.pem"]), CertFiles([p, *pair.certs], pair.cas, []))
    if critical:
        (e,) = errors(fs)
        assert "critical extension 1.3.6.1.4.1.99999.7" in e.message
    else:
        assert fs == []


def test_known_critical_extension_is_accepted(tmp_path, pki, pair):
    eku = x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH])
    p = ee(pki["root"], "a", extra=((eku, True),)).write(tmp_path / "eku.pem")
    assert run(end(["eku.pem"]), end(["b.pem"]), CertFiles([p, *pair.certs], pair.cas, [])) == []


def test_cert_policy(tmp_path, pki, pair):
    pol = x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(POLICY), None)])
    p = ee(pki["root"], "a", extra=((pol, False),)).write(tmp_path / "pol.pem")
    files = CertFiles([p, *pair.certs], pair.cas, [])
    assert run(end(["pol.pem"]), end(["b.pem"], cert_policy=[POLICY]), files) == []
    (e,) = errors(run(end(["a.pem"]), end(["b.pem"], cert_policy=[POLICY]), files))
    assert f"b requires certificate policy {POLICY} but a's certificate a.pem has none" in e.message


def test_groups_cannot_tell(pair):
    fs = run(end(["a.pem"]), end(["b.pem"], groups=["sales"]), pair)
    assert len(fs) == 1 and fs[0].rule == "PEER-CERT-UNKNOWN" and fs[0].severity == "warning"
    assert "group sales" in fs[0].message and "attribute certificates" in fs[0].message
    assert fs[0].extra["b"] == "sales" and fs[0].extra["verdict"] == "unknown"
    assert fs[0].extra["unknown"] == "a's membership in group sales"


# ----------------------------------------------------------------- bad input
def test_garbage_file_is_a_one_line_error(tmp_path, pair):
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"\x00\x01 not a certificate")
    pem = tmp_path / "key.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    for p in (junk, pem):
        with pytest.raises(VpnconfError) as exc:
            run(end(["a.pem"]), end(["b.pem"]), CertFiles([p], [], []))
        assert str(exc.value) == f"{p}: not an X.509 certificate (PEM or DER)"


def test_garbage_named_by_config(tmp_path, pair):
    conf = tmp_path / "swanctl"
    (conf / "x509").mkdir(parents=True)
    (conf / "x509" / "a.pem").write_text("hello\n")
    with pytest.raises(VpnconfError, match=r"^\S+/swanctl/x509/a\.pem: not an X\.509 certificate"):
        run(end(["a.pem"]), end(["b.pem"]), CertFiles([], pair.cas, [conf]))


def test_huge_file_and_device(tmp_path):
    huge = tmp_path / "huge.der"
    with huge.open("wb") as fh:
        fh.truncate((1 << 20) + 1)
    with pytest.raises(VpnconfError, match="larger than 1 MiB"):
        load_certs(huge)
    dev = tmp_path / "dev.pem"
    os.symlink("/dev/zero", dev)
    with pytest.raises(VpnconfError, match=r"dev\.pem: not a regular file"):
        load_certs(dev)
    with pytest.raises(VpnconfError, match="cannot be read"):
        load_certs(tmp_path / "absent.pem")


def test_parse_dn_forms():
    assert parse_dn("C=CH, O=Org, CN=a") == parse_dn("/C=CH/O=Org/CN=a") == parse_dn('"c=ch,o=org,cn=A"')
