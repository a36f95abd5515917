"""Certificate authentication between two tunnel ends, checked as strongSwan's
charon checks it (``check --peer``; vpnconf issue #15).

What charon requires, and where it is written (strongSwan's source at commit
3b902ea5, 2026-05-12, and its documentation):

- files: names are relative to swanctl's ``x509/`` and ``x509ca/`` (swanctl.conf(5)
  ``remote.certs``/``cacerts``; docs "swanctl Directory": "All files may be
  either DER or PEM encoded") or ipsec.conf's ``ipsec.d/certs``/``cacerts``.

- identity: the IKE identity must be in the certificate, as its subject DN or
  a subjectAltName, and defaults to the subject DN (swanctl.conf(5)
  ``local.id``); ``remote.id`` may use wildcards such as ``*.strongswan.org``
  or ``C=CH, O=strongSwan, CN=*`` (swanctl.conf(5) ``remote.id``).
- trust: an issuer must carry basicConstraints CA=true and its signature must
  verify (libstrongswan plugins/x509/x509_cert.c ``issued_by``); the
  keyCertSign bit is not consulted ("we use the caBasicConstraint",
  ``parse_keyUsage``), so a CA without it is only a warning here; at most 7
  CAs (credential_manager.c ``MAX_TRUST_PATH_LEN``); every certificate of the
  chain must be within its validity period (credential_manager.c
  ``check_lifetime``); ``remote.cacerts`` (ipsec.conf ``rightca``) restricts
  the CAs the chain may end at; ``remote.certs`` pins the peer's certificate.
- key usage: a keyUsage extension must allow digitalSignature or
  nonRepudiation (RFC 4945; libcharon pubkey_authenticator.c
  ``is_compliant_cert``: "rejecting certificate without digitalSignature or
  nonRepudiation keyUsage flags").
- extendedKeyUsage is parsed into flags (serverAuth, clientAuth,
  ikeIntermediate) that no IKE authenticator of charon consults (only
  charon-nm and TLS do); the documentation names no requirement. Nothing is
  reported for it.
- critical extensions: the x509 plugin discards a certificate with a critical
  extension it does not parse (x509_cert.c ``parse_certificate``:
  "critical '%s' extension not supported"), unless strongswan.conf sets
  ``charon.x509.enforce_critical = no`` (default yes, conf/options/charon.opt).
- ``remote.groups``: "The peer must prove membership to at least one of the
  specified groups. Group membership can be certified by different means, for
  example by appropriate Attribute Certificates or by an AAA backend"
  (swanctl.conf(5)): vpnconf reads neither, so it cannot tell.
- ``remote.cert_policy``: "certificate policy OIDs the peer's certificate must
  have" (swanctl.conf(5)).
"""

from __future__ import annotations

import ipaddress
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from .findings import Finding, VpnconfError
from .identity import DN_NAMES, Dn, kind as _kind, matches as id_matches, parse_dn
from .parsing import CertAuth, Ident, ParsedTunnel

MAX_BYTES = 1 << 20  # a certificate file is far smaller than 1 MiB
MAX_PATH = 7  # CAs above the end-entity certificate (strongSwan MAX_TRUST_PATH_LEN)
#: where strongSwan looks up a name relative to its configuration directory
CERT_DIRS = ("x509", "ipsec.d/certs", "certs")
CA_DIRS = ("x509ca", "ipsec.d/cacerts", "cacerts")
#: extensions strongSwan's x509 plugin parses (x509_cert.c): subjectKeyIdentifier, subjectAltName,
#: basicConstraints, cRLDistributionPoints, authorityKeyIdentifier, authorityInfoAccess, keyUsage,
#: extendedKeyUsage, ipAddrBlocks, nameConstraints, certificatePolicies, policyMappings,
#: policyConstraints, inhibitAnyPolicy and four Netscape ones; any other critical one is rejected
# fmt: off
KNOWN_EXTENSIONS = frozenset({
    "2.5.29.14", "2.5.29.17", "2.5.29.19", "2.5.29.31", "2.5.29.35", "1.3.6.1.5.5.7.1.1", "2.5.29.15",
    "2.5.29.37", "1.3.6.1.5.5.7.1.7", "2.5.29.30", "2.5.29.32", "2.5.29.33", "2.5.29.36", "2.5.29.54",
    "2.16.840.1.113730.1.3", "2.16.840.1.113730.1.4", "2.16.840.1.113730.1.8", "2.16.840.1.113730.1.13",
})


@dataclass
class CertFiles:
    certs: list[Path] = field(default_factory=list)  # --cert: end-entity certificates of either end
    cas: list[Path] = field(default_factory=list)  # --ca: CA certificates
    dirs: list[Path] = field(default_factory=list)  # where names the configs give are looked up


# ------------------------------------------------------------------ reading
def load_certs(path: Path) -> list[x509.Certificate]:
    """The certificates in one PEM or DER file; a one-line VpnconfError for
    anything else (not a regular file, over 1 MiB, not a certificate)."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise VpnconfError(f"{path}: not a regular file, not a certificate")
        if st.st_size > MAX_BYTES:
            raise VpnconfError(f"{path}: larger than 1 MiB, not a certificate")
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise VpnconfError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise VpnconfError(f"{path}: larger than 1 MiB, not a certificate")
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
        for c in certs:  # extensions are decoded lazily: make a malformed one fail here
            _ = c.extensions, c.subject.rdns, c.issuer.rdns
    except (ValueError, TypeError, x509.DuplicateExtension, x509.UnsupportedGeneralNameType):
        raise VpnconfError(f"{path}: not an X.509 certificate (PEM or DER)") from None
    return certs


@dataclass
class _Cert:
    path: Path
    cert: x509.Certificate

    @property
    def key(self) -> bytes:
        return self.cert.tbs_certificate_bytes + self.cert.signature


class _Store:
    """The certificates given and the ones the configs name, each file read once."""

    def __init__(self, files: CertFiles | None) -> None:
        self.dirs = files.dirs if files else []
        self._read: dict[Path, list[_Cert]] = {}
        self.given = [c for p in (files.certs if files else []) for c in self.read(p)]
        self.cas = [c for p in (files.cas if files else []) for c in self.read(p)]
        self.pool: dict[bytes, _Cert] = {c.key: c for c in self.given + self.cas}

    def read(self, path: Path) -> list[_Cert]:
        if path not in self._read:
            self._read[path] = [_Cert(path, c) for c in load_certs(path)]
        return self._read[path]

    def locate(self, name: str, subdirs: tuple[str, ...]) -> list[_Cert]:
        """The certificates a config's name can stand for: the path (absolute, or
        relative to a config directory, strongSwan's subfolders there or in its
        parent), else a given file of that name; several when different files
        answer (two configs' ``x509/cert.pem``)."""
        p = Path(name)
        rel = Path(p.name) if p.is_absolute() else p  # an absolute path is also looked for by its name
        tries = [p] if p.is_absolute() else []
        tries += [d / s / rel for d in self.dirs for s in ("", *subdirs)]
        tries += [d.parent / s / rel for d in self.dirs for s in subdirs]  # swanctl/conf.d/*.conf
        found = [self.read(t)[0] for t in tries if _exists(t)]
        found = found or [c for c in self.given + self.cas if c.path.name == p.name]
        for c in found:
            self.pool.setdefault(c.key, c)
        return list({c.key: c for c in found}.values())


def _exists(p: Path) -> bool:
    """A file is there (a directory is not; a name the OS refuses is not)."""
    try:
        return p.exists() and not p.is_dir()
    except (OSError, ValueError):
        return False


# ------------------------------------------------------------ names and ids
def _val(a: x509.NameAttribute[Any]) -> str:
    return a.value if isinstance(a.value, str) else a.value.hex()


def cert_dn(name: x509.Name) -> Dn:
    return tuple((a.oid.dotted_string, _val(a).strip().lower()) for rdn in name.rdns for a in rdn)


def dn_text(name: x509.Name) -> str:
    return ", ".join(
        f"{DN_NAMES.get(a.oid.dotted_string, a.oid.dotted_string)}={_val(a)}" for r in name.rdns for a in r
    )


def _sans(c: x509.Certificate) -> list[x509.GeneralName]:
    return list(_ext(c, x509.SubjectAlternativeName) or [])


def _norm(kind: str, v: str) -> str:
    try:
        return str(ipaddress.ip_address(v)) if kind == "ip" else v.lower()
    except ValueError:
        return v


def cert_has_id(c: x509.Certificate, i: Ident) -> bool:
    """Is identity ``i`` in the certificate: its subject DN, or a SAN of its kind?"""
    kind, v = _kind(i)
    if kind == "dn":
        return parse_dn(v) == cert_dn(c.subject)
    if kind == "keyid":  # strongSwan: the subjectKeyIdentifier or the SHA-1 of the public key
        ski = _ext(c, x509.SubjectKeyIdentifier)
        ids = {x509.SubjectKeyIdentifier.from_public_key(c.public_key()).digest.hex(), ski.digest.hex() if ski else ""}
        return v.lower().removeprefix("0x").replace(":", "") in ids
    typ = {"dns": x509.DNSName, "email": x509.RFC822Name, "ip": x509.IPAddress}.get(kind)
    return typ is not None and any(isinstance(s, typ) and _norm(kind, str(s.value)) == _norm(kind, v) for s in _sans(c))


def _san_text(c: x509.Certificate) -> str:
    return ", ".join(str(getattr(s, "value", s)) for s in _sans(c)) or "none"


# ----------------------------------------------------------- certificate facts
def _ext(c: x509.Certificate, cls: type[Any]) -> Any:
    try:
        return c.extensions.get_extension_for_class(cls).value
    except x509.ExtensionNotFound:
        return None


def _is_ca(c: x509.Certificate) -> bool:
    bc = _ext(c, x509.BasicConstraints)
    return bool(bc is not None and bc.ca)


def _validity(c: x509.Certificate) -> tuple[datetime, datetime]:
    if hasattr(c, "not_valid_before_utc"):
        return c.not_valid_before_utc, c.not_valid_after_utc
    return c.not_valid_before.replace(tzinfo=UTC), c.not_valid_after.replace(tzinfo=UTC)  # cryptography < 42


def _self_signed(c: x509.Certificate) -> bool:
    if c.subject != c.issuer:
        return False
    try:
        c.verify_directly_issued_by(c)
        return True
    except (ValueError, TypeError, InvalidSignature):
        return False


# ------------------------------------------------------------------- checking
def check_cert_auth(
    a: ParsedTunnel,
    b: ParsedTunnel,
    a_name: str,
    b_name: str,
    files: CertFiles | None,
    now: datetime | None = None,
) -> list[Finding]:
    """Findings on certificate authentication between ``a`` and ``b``: for each
    end that authenticates with a certificate, that certificate against what
    the other end requires. PEER-CERT errors fail authentication; what cannot
    be checked is a PEER-CERT-UNKNOWN warning (verdict unknown)."""
    if "certificate" not in (a.auth, b.auth):
        return []
    store = _Store(files)
    when = now or datetime.now(UTC)
    out: list[Finding] = []
    for s, v, sn, vn in ((a, b, a_name, b_name), (b, a, b_name, a_name)):
        if s.auth == "certificate":
            _Direction(store, s, v, sn, vn, when, out).run()
    return out


class _Direction:
    """``s`` (the sender) authenticates to ``v`` (the verifier) with its certificate."""

    def __init__(
        self, store: _Store, s: ParsedTunnel, v: ParsedTunnel, sn: str, vn: str, now: datetime, out: list[Finding]
    ) -> None:
        self.store, self.s, self.v, self.sn, self.vn, self.now, self.out = store, s, v, sn, vn, now, out
        self.need = v.cert or CertAuth()

    def emit(self, severity: str, message: str, fix: str, vals: tuple[Any, Any] = (None, None), what: str = "") -> None:
        """A PEER-CERT finding with the sender's and the verifier's values;
        severity "unknown": a PEER-CERT-UNKNOWN warning, ``extra["unknown"]``
        naming ``what`` was not checked."""
        extra: dict[str, Any] = {"stage": "ike", self.sn: vals[0], self.vn: vals[1], "fix": fix}
        rule = "PEER-CERT"
        if severity == "unknown":
            rule, severity = "PEER-CERT-UNKNOWN", "warning"
            extra["verdict"], extra["unknown"] = "unknown", what or message
        self.out.append(Finding(rule=rule, severity=severity, message=message, extra=extra))  # type: ignore[arg-type]

    def own_id(self) -> Ident | None:
        i = self.s.local_id
        return None if i is None or "local_id" in self.s.defaulted else i

    def find_own(self) -> _Cert | None:
        """The sender's certificate: by the names its config gives, else the
        given one carrying its identity; among several, the one with its
        identity, else the one the verifier expects."""
        names, ident, peer = self.s.cert.local_certs if self.s.cert else [], self.own_id(), self.v.peer_id
        found = list({c.key: c for n in names for c in self.store.locate(n, CERT_DIRS)}.values())
        if not found and ident is not None:
            found = [c for c in self.store.given if not _is_ca(c.cert) and cert_has_id(c.cert, ident)]
        if len(found) > 1 and ident is not None:
            found = [c for c in found if cert_has_id(c.cert, ident)] or found
        if len(found) > 1:
            found = [c for c in found if _expected(c.cert, peer)] or found
        if len(found) == 1:
            return found[0]
        named = ", ".join(names) or "(none named in the config)"
        why = "several different files answer" if found else "not given (--cert or next to the config)"
        self.emit(
            "unknown",
            f"{self.sn}'s certificate {named} {why}: its authentication cannot be checked",
            f"pass {self.sn}'s certificate with --cert",
            (", ".join(str(c.path) for c in found) or named, None),
            f"{self.sn}'s certificate",
        )
        return None

    def run(self) -> None:
        need = self.need
        if need.groups:
            self.emit(
                "unknown",
                f"{self.vn} requires {self.sn} to be in group {' or '.join(need.groups)}: membership is proved by "
                "attribute certificates or an AAA backend, which vpnconf does not read",
                f"check that {self.sn} holds an attribute certificate for one of these groups",
                (None, ", ".join(need.groups)),
                f"{self.sn}'s membership in group {' or '.join(need.groups)}",
            )
        own = self.find_own()
        self.identity(own.cert if own else None)
        if own is None:
            return
        self.usage(own.cert, own.path.name)
        pol = _ext(own.cert, x509.CertificatePolicies) or []
        have = sorted({p.policy_identifier.dotted_string for p in pol})
        missing = [o for o in need.cert_policy if o not in have]
        if missing:
            self.emit(
                "error",
                f"{self.vn} requires certificate policy {', '.join(missing)} but {self.sn}'s certificate "
                f"{own.path.name} has {', '.join(have) or 'none'}",
                f"issue {self.sn} a certificate with policy {', '.join(missing)} or drop it from {self.vn}'s cert_policy",
                (have, list(need.cert_policy)),
            )
        if not self.pinned(own):
            self.chain(own)

    def identity(self, c: x509.Certificate | None) -> None:
        """The identity sent (the local id, else the subject) is in the
        certificate and is one the verifier expects; without the certificate,
        only an explicit local id against the expected one."""
        ident, peer = self.own_id(), self.v.peer_id
        if c is not None and ident is not None and not cert_has_id(c, ident):
            self.emit(
                "error",
                f"{self.sn}'s identity {ident.value} is not in its certificate (subject {dn_text(c.subject)}; "
                f"subjectAltName {_san_text(c)})",
                f"set {self.sn}'s local id to the certificate's subject or a subjectAltName, or reissue it",
                (ident.value, None),
            )
            return
        sent = ident or (Ident("other", dn_text(c.subject)) if c is not None else None)
        if sent is not None and peer is not None and not id_matches(sent, peer):
            self.emit(
                "error",
                f"{self.sn} sends identity {sent.value}"
                + ("" if ident else " (its certificate's subject, the default)")
                + f" but {self.vn} expects {peer.value}",
                f"set {self.vn}'s peer id to match {self.sn}'s certificate, or {self.sn}'s local id",
                (sent.value, peer.value),
            )

    def usage(self, c: x509.Certificate, name: str, ca: bool = False) -> None:
        """Validity, critical extensions, key usage."""
        role = "CA certificate" if ca else "certificate"
        start, end = _validity(c)
        if not start <= self.now <= end:
            state, at = ("expired on", end) if self.now > end else ("is not valid before", start)
            self.emit(
                "error",
                f"{self.sn}'s {role} {name} ({dn_text(c.subject)}) {state} {at:%Y-%m-%d %H:%M} UTC",
                f"renew the {role} {name}",
                (f"{start:%Y-%m-%d}..{end:%Y-%m-%d}", f"{self.now:%Y-%m-%d %H:%M}"),
            )
        for e in c.extensions:
            if e.critical and e.oid.dotted_string not in KNOWN_EXTENSIONS:
                self.emit(
                    "error",
                    f"{self.sn}'s {role} {name} has a critical extension {e.oid.dotted_string} that strongSwan's "
                    "x509 plugin does not know: the certificate is discarded",
                    "reissue it without that critical extension (or set charon.x509.enforce_critical = no)",
                    (e.oid.dotted_string, None),
                )
        ku = _ext(c, x509.KeyUsage)
        if ca and ku is not None and not ku.key_cert_sign:
            self.emit(
                "warning",
                f"CA certificate {name} ({dn_text(c.subject)}) has keyUsage without keyCertSign: strongSwan accepts "
                "it (it only reads basicConstraints), RFC 5280 verifiers do not",
                "reissue the CA certificate with keyCertSign",
            )
        if not ca and ku is not None and not (ku.digital_signature or ku.content_commitment):
            self.emit(
                "error",
                f"{self.sn}'s certificate {name} has keyUsage without digitalSignature or nonRepudiation: "
                "charon rejects it (RFC 4945)",
                f"reissue {self.sn}'s certificate with keyUsage digitalSignature",
                ("keyUsage without digitalSignature", None),
            )

    def pinned(self, own: _Cert) -> bool:
        """``remote.certs``: True when the verifier pins certificates (then
        the sender's is trusted as is, or not at all)."""
        names = self.need.remote_certs
        located = {n: self.store.locate(n, CERT_DIRS) for n in names}
        if not names or any(own.key == c.key for cs in located.values() for c in cs):
            return bool(names)
        missing = [n for n, cs in located.items() if not cs]
        vals = (own.path.name, ", ".join(names))
        if missing:
            m = ", ".join(missing)
            self.emit("unknown", f"{self.vn}'s accepted certificate {m} not given", f"pass {m} with --cert", vals, m)
        else:
            self.emit(
                "error",
                f"{self.sn}'s certificate {own.path.name} is not one of those {self.vn} accepts ({', '.join(names)})",
                f"add {self.sn}'s certificate to {self.vn}'s remote certificates",
                vals,
            )
        return True

    def anchors(self) -> tuple[list[_Cert], list[str]]:
        """The CAs the verifier trusts for the sender (its cacerts, else every
        given CA) and the names it gives that cannot be resolved to one CA."""
        if not self.need.cacerts:
            return self.store.cas, []
        found: list[_Cert] = []
        missing: list[str] = []
        pool = list(self.store.pool.values())
        for n in self.need.cacerts:
            if n.strip().lower() == "%same":  # the CA of the verifier's own certificate
                mine = [
                    c for x in (self.v.cert.local_certs if self.v.cert else []) for c in self.store.locate(x, CERT_DIRS)
                ]
                subj = {cert_dn(m.cert.issuer) for m in mine}
                hit = [c for c in pool if cert_dn(c.cert.subject) in subj and _is_ca(c.cert)] if len(subj) == 1 else []
            elif "=" in n and not n.lower().endswith((".pem", ".der", ".crt", ".cer")):  # a DN
                hit = [c for c in pool if cert_dn(c.cert.subject) == parse_dn(n)]
            else:
                hit = self.store.locate(n, CA_DIRS)
                hit = hit if len(hit) == 1 else []  # several different files of that name: which one?
            found += hit
            if not hit:
                missing.append(n)
        return found, missing

    def chain(self, own: _Cert) -> None:
        """From the sender's certificate up through the CAs known to one the
        verifier trusts: CA=true, signature, validity at each step."""
        trusted, missing = self.anchors()
        keys = {t.key for t in trusted}
        if own.key in keys:  # the end-entity certificate itself is a trusted one
            return
        cur, name = own.cert, own.path.name
        for _ in range(MAX_PATH + 1):
            if _self_signed(cur):
                break
            cands = [c for c in self.store.pool.values() if c.cert.subject == cur.issuer and c.cert is not cur]
            if not cands:
                break
            issuer, problem = None, ""
            for cand in cands:
                if not _is_ca(cand.cert):
                    problem = (
                        f"its issuer {cand.path.name} ({dn_text(cand.cert.subject)}) lacks basicConstraints CA=true"
                    )
                    continue
                try:
                    cur.verify_directly_issued_by(cand.cert)
                except InvalidSignature:
                    problem = f"its signature does not verify with the key of {cand.path.name}"
                    continue
                except (ValueError, TypeError):
                    problem = problem or f"its signature algorithm cannot be checked against {cand.path.name}"
                    continue
                issuer = cand
                break
            if issuer is None:
                self.emit(
                    "unknown" if problem.startswith("its signature algorithm") else "error",
                    f"{self.sn}'s certificate {name} is not trusted: {problem}",
                    "issue the certificate from a CA certificate with basicConstraints CA=true and its key",
                    (dn_text(cur.issuer), [t.path.name for t in trusted]),
                    f"the signature on {self.sn}'s certificate {name}",
                )
                return
            self.usage(issuer.cert, issuer.path.name, ca=True)
            if issuer.key in keys:
                return
            cur, name = issuer.cert, issuer.path.name
        else:
            self.emit("error", f"{self.sn}'s certificate chain is longer than {MAX_PATH} CAs", "shorten it")
            return
        top = dn_text(cur.issuer)
        if missing or not trusted or not _self_signed(cur):
            what = f"{self.vn}'s CA {', '.join(missing)}" if missing else f"the CA {top}"
            self.emit(
                "unknown",
                f"{what} not given (--ca or next to the config): {self.sn}'s certificate chain cannot be checked",
                "pass the CA certificates with --ca",
                (top, ", ".join(missing) or None),
                f"{self.sn}'s certificate chain",
            )
            return
        names = [dn_text(t.cert.subject) for t in trusted]
        self.emit(
            "error",
            f"{self.sn}'s certificate {own.path.name} chains to {top}, a CA {self.vn} does not trust ({', '.join(names)})",
            f"issue {self.sn}'s certificate from a CA {self.vn} trusts, or add its CA to {self.vn}'s CAs",
            (top, names),
        )


def _expected(c: x509.Certificate, peer: Ident | None) -> bool:
    """Does the certificate carry an identity matching ``peer`` (its subject or a SAN)?"""
    if peer is None:
        return False
    ids = [Ident("other", dn_text(c.subject))]
    for san in _sans(c):
        if isinstance(san, x509.DNSName | x509.RFC822Name | x509.IPAddress):
            ids.append(Ident("address" if isinstance(san, x509.IPAddress) else "other", str(san.value)))
    return any(id_matches(i, peer) for i in ids)
