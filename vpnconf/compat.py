"""`vpnconf check`: a device (or a site tunnel) against what a cloud accepts,
and against the other end of the tunnel.

Both ends are described the same way, as a ``ParsedTunnel`` from that end's
point of view (``local`` = that end). A site tunnel becomes the cloud end with
``cloud_end``, or the IDC end with ``idc_end``.

Where implementations differ, the behaviour modelled is written down here and
in tests (tests/test_check.py); every vendor declares each behaviour in the
``behaviour`` table of its vendors/<id>/vendor.yaml (``BEHAVIOURS``):

- PFS, IKEv1: quick mode carries the DH group; a responder whose proposal has
  no DH rejects an offer with one and vice versa (strongSwan). Cisco IOS
  without ``set pfs`` accepts a PFS offer (``accepts_pfs_offer: true``).
- PFS, IKEv2: the first CHILD_SA is keyed from the IKE SA, so a PFS mismatch
  only fails at the first rekey: a warning, not an error.
- Traffic selectors: IKEv1 wants the mirror per pair, but a strongSwan
  responder also accepts a proposal contained in its own selectors and
  narrows a wider one to its own (both seen in the lab:
  ``ikev1_responder_accepts_narrower_ts``, ``ikev1_responder_narrows_wider_ts``);
  other vendors declare what their documentation says; IKEv2 lets
  the responder narrow, so partial overlap is a warning and only disjoint
  selectors fail. ``initiator`` ("a" or "b") says which end starts; unknown,
  the narrower-side case is a warning.
- Lifetimes are not negotiated in IKEv2 and the shorter one rekeys first in
  IKEv1: warnings, naming the side that rekeys first. Cisco IOS as an IKEv1
  responder rejects an ISAKMP proposal with a longer lifetime than its own
  (``ikev1_rejects_longer_lifetime: true``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from .allowed import (
    DH_GROUP,
    IKE_ENCRYPTION,
    IKE_INTEGRITY,
    IKE_LIFETIME,
    IKE_MODE,
    IKE_VERSION,
    IPSEC_ENCRYPTION,
    IPSEC_INTEGRITY,
    IPSEC_LIFETIME,
    IPSEC_LIFETIME_KB,
    LOCAL_ID_TYPE,
    PEER_ID_TYPE,
    PFS_GROUP,
    Field,
    by_profile,
    outside_range,
    outside_set,
)
from .findings import Finding
from .identity import kind as id_kind, matches as id_matches
from .model import IdentityType, Site, Tunnel, is_aead
from .parsing import Ident, ParsedBgp, ParsedDevice, ParsedTunnel, Proposal
from .profiles import Profile, ike_set

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .certs import CertFiles

#: The negotiation behaviours a vendor's vendor.yaml ``behaviour:`` declares,
#: every one of them (the conformance suite checks): true, false, or null when
#: the vendor's documentation does not say (then check says "cannot tell"
#: where that behaviour decides). No vendor's behaviour is a default for another.
BEHAVIOURS: dict[str, str] = {
    "accepts_pfs_offer": "IKEv1: with no PFS configured, it accepts a quick-mode offer that carries a DH group",
    "ikev1_rejects_longer_lifetime": "IKEv1 responder: it rejects an ISAKMP proposal with a longer lifetime than its own",
    "ikev1_responder_accepts_narrower_ts": "IKEv1 responder: it accepts quick-mode selectors contained in its own",
    "ikev1_responder_narrows_wider_ts": "IKEv1 responder: it answers quick-mode selectors wider than its own with "
    "its own (narrowing)",
}


def behaviour(vendor_id: str | None) -> dict[str, Any]:
    """A vendor's declared behaviours (None where undocumented). An end of no
    known vendor (a cloud end) is modelled as the lab's daemon, the judge the
    differential tests check against."""
    from .catalog import lab_vendor, vendors

    v = vendors().get(vendor_id) if vendor_id else lab_vendor()
    declared = (v.behaviour if v is not None else {}) or {}
    return {k: declared.get(k) for k in BEHAVIOURS}


# ------------------------------------------------------------ site -> end
def _ident(i: Any, default_ip: str) -> Ident:
    if i.type is IdentityType.fqdn:
        return Ident("fqdn", i.value)
    return Ident("address", i.value or default_ip)


_ANY = ("0.0.0.0/0", "0.0.0.0/0")


def cloud_end(site: Site, t: Tunnel) -> ParsedTunnel:
    """The cloud's VPN gateway end of a site tunnel (local = VPN gateway):
    every proposal it takes, any/any selectors for a route-based tunnel
    without an SPD, the IDC ranges it routes into the tunnel, its BGP session."""
    vg, cg = site.vpn_gateway(t.vpn_gateway), site.customer_gateway(t.customer_gateway)
    bgp = None
    if t.bgp is not None:
        bgp = ParsedBgp(
            local_asn=vg.bgp_asn,
            peer_asn=cg.bgp_asn,
            local_ip=str(t.bgp.local_ip),
            peer_ip=str(t.bgp.peer_ip),
            prefixlen=t.bgp.tunnel_cidr.prefixlen,
            hold_time=t.bgp.hold_time,
            keepalive=t.bgp.keepalive,
        )
    selectors = [(str(p.local), str(peer)) for p in t.spd for peer in p.peers]
    end = ParsedTunnel(
        name=t.name,
        variant="cloud",
        local_address=str(vg.public_ip),
        peer_address=str(cg.public_ip),
        psk=t.psk(),
        psk_state="clear",
        ike_version=t.ike.version,
        mode=t.ike.mode.value,
        ike_proposals=[Proposal(p.encryption.value, p.integrity.value, int(p.dh_group)) for p in t.ike.offers()],
        ike_lifetime=t.ike.lifetime_seconds,
        local_id=_ident(t.ike.local_id, str(vg.public_ip)),
        peer_id=_ident(t.ike.peer_id, str(cg.public_ip)),
        esp_proposals=[
            Proposal(p.encryption.value, None if is_aead(p.encryption) else p.integrity.value) for p in t.ipsec.offers()
        ],
        pfs=None if t.ipsec.pfs is None else int(t.ipsec.pfs),
        ipsec_lifetime_seconds=t.ipsec.lifetime_seconds,
        ipsec_lifetime_kb=t.ipsec.lifetime_kb,
        selectors=selectors or ([_ANY] if t.route_based else []),
        dpd_enabled=t.dpd.enabled,
        dpd_timeout=t.dpd.timeout_seconds,
        dpd_action=t.dpd.action.value,
        route_based=t.route_based,
        routes=[str(r.destination) for r in t.routes],
        bgp=bgp,
    )
    h = t.health_check
    if h is not None and h.enabled and h.local_ip is not None and h.remote_ip is not None:
        # the cloud's probe address and the IDC's it probes, as a tunnel interface pair (own, peer)
        end.point_to_point = [(str(h.local_ip), str(h.remote_ip))]
    end.extra["networks"] = [str(n) for n in site.vpc.cidr_blocks]
    # each ESP proposal's own PFS group (a list may mix them)
    end.extra["esp_pfs"] = [None if p.pfs is None else int(p.pfs) for p in t.ipsec.offers()]
    return end


def idc_end(site: Site, t: Tunnel) -> ParsedTunnel:
    """The customer gateway's end of a site tunnel, as vpnconf renders it."""
    c = cloud_end(site, t)
    end = _idc_view(c, t)
    end.extra["esp_pfs"] = list(c.extra["esp_pfs"])
    return end


def _idc_view(c: ParsedTunnel, t: Tunnel) -> ParsedTunnel:
    return ParsedTunnel(
        name=t.name,
        variant="idc",
        local_address=c.peer_address,
        peer_address=c.local_address,
        psk=c.psk,
        psk_state="clear",
        ike_version=c.ike_version,
        mode=c.mode,
        ike_proposals=list(c.ike_proposals),
        ike_lifetime=c.ike_lifetime,
        local_id=c.peer_id,
        peer_id=c.local_id,
        esp_proposals=list(c.esp_proposals),
        pfs=c.pfs,
        ipsec_lifetime_seconds=c.ipsec_lifetime_seconds,
        ipsec_lifetime_kb=c.ipsec_lifetime_kb,
        selectors=[(r, loc) for loc, r in c.selectors],
        dpd_enabled=c.dpd_enabled,
        dpd_timeout=c.dpd_timeout,
        dpd_action=c.dpd_action,
        route_based=c.route_based,
        point_to_point=[(peer, own) for own, peer in c.point_to_point],
        # the IDC routes the VPC's ranges into the tunnel (or learns them over BGP)
        routes=[] if c.bgp else list(c.extra["networks"]),
        bgp=None
        if c.bgp is None
        else ParsedBgp(
            local_asn=c.bgp.peer_asn,
            peer_asn=c.bgp.local_asn,
            local_ip=c.bgp.peer_ip,
            peer_ip=c.bgp.local_ip,
            prefixlen=c.bgp.prefixlen,
            hold_time=c.bgp.hold_time,
            keepalive=c.bgp.keepalive,
            advertise=[str(n) for n in t.bgp.advertise] if t.bgp else [],
        ),
    )


# --------------------------------------------------------- against a cloud
def _f(rule: str, severity: str, message: str, t: ParsedTunnel, file: str | None, **extra: Any) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,  # type: ignore[arg-type]
        message=f"tunnel {t.name}: {message}",
        file=file,
        line=t.line,
        extra=extra,
    )


def check_against_profile(dev: ParsedDevice, profile: Profile) -> list[Finding]:
    """Every value the device uses that the cloud does not accept. A proposal
    list with at least one acceptable entry gives warnings for the others
    (negotiation can still pick the good one); with none, errors."""
    out: list[Finding] = []
    by = by_profile(profile.name)

    def refuse(rule: str, msg: str | None, t: ParsedTunnel, accepted: object) -> None:
        if msg is not None:
            out.append(_f(rule, "error", msg, t, dev.file, accepted=accepted))

    for t in dev.tunnels:
        versions, types = profile.ike.versions, profile.ike.identity_types
        ver = t.ike_version or versions[0]
        refuse("CLOUD-IKE-VERSION", outside_set(IKE_VERSION, t.ike_version or None, versions, by=by), t, versions)
        if ver == 1:
            refuse("CLOUD-IKE-MODE", outside_set(IKE_MODE, t.mode, profile.ike.modes, by=by), t, profile.ike.modes)
        for fld, i in ((LOCAL_ID_TYPE, t.local_id), (PEER_ID_TYPE, t.peer_id)):
            refuse("CLOUD-IDENTITY", outside_set(fld, None if i is None else i.type, types, by=by), t, types)
        ike_allowed = {
            "encryption": ike_set(profile, ver, "encryption"),
            "integrity": ike_set(profile, ver, "integrity"),
            "DH group": ike_set(profile, ver, "dh_groups"),
        }
        out += _proposals(t, dev.file, "IKE", t.ike_proposals, ike_allowed, by)
        esp_allowed = {"encryption": list(profile.ipsec.encryption), "integrity": list(profile.ipsec.integrity)}
        out += _proposals(t, dev.file, "ESP", t.esp_proposals, esp_allowed, by)
        pfs = "none" if t.pfs is None else t.pfs
        refuse("CLOUD-PFS", outside_set(PFS_GROUP, pfs, profile.ipsec.pfs_groups, by=by), t, profile.ipsec.pfs_groups)
        for fld, value, rng in (
            (IKE_LIFETIME, t.ike_lifetime, profile.ike.lifetime_seconds),
            (IPSEC_LIFETIME, t.ipsec_lifetime_seconds, profile.ipsec.lifetime_seconds),
            (IPSEC_LIFETIME_KB, t.ipsec_lifetime_kb, profile.ipsec.lifetime_kb),
        ):
            refuse("CLOUD-LIFETIME", outside_range(fld, value, rng, by=by), t, list(rng or ()))
        if (
            profile.extra.get("phase2_shorter_than_phase1")
            and t.ike_lifetime
            and t.ipsec_lifetime_seconds
            and t.ipsec_lifetime_seconds >= t.ike_lifetime
        ):
            out.append(
                _f(
                    "CLOUD-LIFETIME-ORDER",
                    "error",
                    f"{profile.name} wants the phase 2 lifetime "
                    f"({t.ipsec_lifetime_seconds}) below the phase 1 lifetime ({t.ike_lifetime})",
                    t,
                    dev.file,
                )
            )
        remotes = {r for _, r in t.selectors}
        locals_ = {loc for loc, _ in t.selectors}
        lim = profile.limits
        if lim.spd_policies_per_tunnel is not None and len(remotes) > lim.spd_policies_per_tunnel:
            out.append(
                _f(
                    "CLOUD-SELECTORS",
                    "error",
                    f"{len(remotes)} cloud-side ranges; {profile.name} allows "
                    f"{lim.spd_policies_per_tunnel} SPD policies per tunnel",
                    t,
                    dev.file,
                )
            )
        if lim.peers_per_spd_policy is not None:
            for r in remotes:
                n = sum(1 for _, rr in t.selectors if rr == r)
                if n > lim.peers_per_spd_policy:
                    out.append(
                        _f(
                            "CLOUD-SELECTORS",
                            "error",
                            f"{n} IDC ranges for cloud range {r}; {profile.name} allows {lim.peers_per_spd_policy}",
                            t,
                            dev.file,
                        )
                    )
        del locals_
        pattern = profile.extra.get("psk_pattern")
        if pattern and t.psk_state == "clear" and t.psk is not None:
            import re

            if not re.fullmatch(pattern, t.psk):
                out.append(
                    _f(
                        "CLOUD-PSK",
                        "error",
                        f"the pre-shared key breaks {profile.name}'s rule: {profile.extra.get('psk_rule', pattern)}",
                        t,
                        dev.file,
                    )
                )
    return out


# (key in the ``accepted`` extra, field, Proposal attribute) per proposal kind
_PROPOSAL_FIELDS: dict[str, tuple[tuple[str, Field, str], ...]] = {
    "IKE": (
        ("encryption", IKE_ENCRYPTION, "encryption"),
        ("integrity", IKE_INTEGRITY, "integrity"),
        ("DH group", DH_GROUP, "dh_group"),
    ),
    "ESP": (("encryption", IPSEC_ENCRYPTION, "encryption"), ("integrity", IPSEC_INTEGRITY, "integrity")),
}


def _proposals(
    t: ParsedTunnel, file: str | None, kind: str, props: list[Proposal], allowed: dict[str, list[Any]], by: str
) -> list[Finding]:
    bad: list[tuple[Proposal, list[str]]] = []
    good = 0
    for p in props:
        aead = kind == "ESP" and is_aead(p.encryption or "")
        why = []
        for key, fld, attr in _PROPOSAL_FIELDS[kind]:
            value = getattr(p, attr)
            if value is None:
                if aead and key == "integrity":
                    continue  # AEAD: no separate integrity
                value = p.raw  # no canonical name: refused, named as the device wrote it
            msg = outside_set(fld, value, allowed[key], by=by)
            if msg is not None:
                why.append(msg)
        if why:
            bad.append((p, why))
        else:
            good += 1
    sev = "warning" if good else "error"
    out = []
    for p, why in bad:
        out.append(
            _f(
                f"CLOUD-{kind}-PROPOSAL",
                sev,
                f"{kind} proposal {p.raw or _prop_text(p)}: {'; '.join(why)}"
                + (" (another proposal is acceptable)" if good else ""),
                t,
                file,
                accepted=allowed,
            )
        )
    if not props:
        out.append(_f(f"CLOUD-{kind}-PROPOSAL", "warning", f"no {kind} proposal found", t, file))
    return out


def _prop_text(p: Proposal) -> str:
    return "-".join(str(x) for x in (p.encryption, p.integrity, p.dh_group) if x is not None)


# ----------------------------------------------------------- against peer
@lru_cache(maxsize=65536)
def _network(s: str) -> ipaddress.IPv4Network:
    """A selector's network, parsed once per distinct text (a fleet's pairs repeat them)."""
    return ipaddress.IPv4Network(s, strict=False)


def _nets(pairs: list[tuple[str, str]]) -> list[tuple[ipaddress.IPv4Network, ipaddress.IPv4Network]]:
    return [(_network(a), _network(b)) for a, b in pairs]


def _version(a: ParsedTunnel, b: ParsedTunnel) -> int | None:
    if a.ike_version and b.ike_version:
        return a.ike_version if a.ike_version == b.ike_version else None
    return a.ike_version or b.ike_version or 2


def check_peer(
    a: ParsedTunnel,
    b: ParsedTunnel,
    *,
    a_vendor: str | None = None,
    b_vendor: str | None = None,
    a_name: str = "this end",
    b_name: str = "the peer",
    initiator: str | None = None,
    cert_files: CertFiles | None = None,
) -> list[Finding]:
    """Will ``a`` and ``b`` negotiate? Findings with both values and the fix on
    either side; errors mean the tunnel will not establish. A setting that
    decides a stage but cannot be compared (an encrypted key, an undocumented
    vendor behaviour, an unnamed algorithm, an unresolved ``%dynamic``...) is a
    warning marked ``extra["verdict"] = "unknown"``, ``extra["unknown"]``
    naming what was not checked: ``verdict`` then says "cannot tell", never "yes".
    ``cert_files``: the certificates to check certificate authentication with."""
    out: list[Finding] = []

    def f(rule: str, sev: str, msg: str, av: Any, bv: Any, fix: str, stage: str, unknown: str | None = None) -> None:
        extra: dict[str, Any] = {"stage": stage, a_name: av, b_name: bv, "fix": fix}
        if unknown is not None:
            extra["verdict"], extra["unknown"] = "unknown", unknown
        out.append(Finding(rule=rule, severity=sev, message=msg, extra=extra))  # type: ignore[arg-type]

    # --- phase 1
    ver = _version(a, b)
    if ver is None:
        f(
            "PEER-IKE-VERSION",
            "error",
            f"IKE versions differ: IKEv{a.ike_version} vs IKEv{b.ike_version}",
            a.ike_version,
            b.ike_version,
            f"set both ends to IKEv{b.ike_version} (or IKEv{a.ike_version})",
            "ike",
        )
        return out
    if ver == 1 and a.mode != b.mode:
        f(
            "PEER-IKE-MODE",
            "error",
            f"IKEv1 negotiation modes differ: {a.mode} vs {b.mode}",
            a.mode,
            b.mode,
            f"use {b.mode} mode on {a_name} or {a.mode} on {b_name}",
            "ike",
        )
    common = _common(a.ike_proposals, b.ike_proposals, _ike_key)
    if not common:
        _no_common(a, b, a_name, b_name, "IKE", a.ike_proposals, b.ike_proposals, f)
    elif ver == 1 and a.mode == "aggressive" == b.mode:
        _aggressive_groups(a, b, a_name, b_name, a_vendor, b_vendor, initiator, f)
    _responders(a, b, a_name, b_name, ver, initiator, f)
    certs_ran = False
    if "certificate" in (a.auth, b.auth):
        certs_ran = _cert_auth(a, b, a_name, b_name, cert_files, out, f)
    for sender, receiver, sname, rname in ((a, b, a_name, b_name), (b, a, b_name, a_name)):
        expected = receiver.peer_id
        if expected is None or id_kind(expected)[0] == "any":
            continue  # the receiver takes any identity
        if sender.auth == "certificate" and certs_ran:
            continue  # vpnconf.certs compares the identity with the certificate and the peer id
        sent = _sent_id(sender, receiver)
        if sent is None:
            why = (
                "it is its certificate's subject, which was not checked (give the certificates with --cert)"
                if sender.auth == "certificate"
                else "it is not in its config and its address is not known"
            )
            f(
                "PEER-IDENTITY",
                "warning",
                f"cannot tell whether {sname}'s identity is the one {rname} expects ({_idt(expected)}): {why}",
                None,
                _idt(expected),
                f"set {sname}'s local identity explicitly",
                "ike",
                unknown=f"{sname}'s identity",
            )
            continue
        if not id_matches(sent, expected):
            f(
                "PEER-IDENTITY",
                "error",
                f"{sname} sends identity {sent.type} {sent.value} but {rname} expects {expected.type} {expected.value}",
                _idt(sent),
                _idt(expected),
                f"set {sname}'s local identity or {rname}'s peer identity to match",
                "ike",
            )
    if "unknown" in (a.auth, b.auth):
        who = a_name if a.auth == "unknown" else b_name
        f(
            "PEER-AUTH",
            "warning",
            f"cannot tell whether authentication succeeds: {who}'s authentication method is neither a "
            "pre-shared key nor certificates as check reads them",
            a.auth,
            b.auth,
            "use the same authentication method on both ends",
            "ike",
            unknown=f"{who}'s authentication method",
        )
    elif a.auth != b.auth:
        f(
            "PEER-AUTH",
            "error",
            f"{a_name} authenticates with {_AUTH[a.auth]}, {b_name} with {_AUTH[b.auth]} (AUTHENTICATION_FAILED)",
            a.auth,
            b.auth,
            "use the same authentication method on both ends",
            "ike",
        )
    elif a.auth == "psk":
        ka, kb = _psk_bytes(a), _psk_bytes(b)
        if ka is not None and kb is not None:
            if ka != kb:
                f(
                    "PEER-PSK",
                    "error",
                    "the pre-shared keys differ ("
                    + (
                        "IKEv1 main mode: DECRYPTION_FAILED"
                        if ver == 1 and a.mode == "main"
                        else "AUTHENTICATION_FAILED"
                    )
                    + ")",
                    "<redacted>",
                    "<redacted>",
                    "set the same pre-shared key on both ends",
                    "ike",
                )
        else:
            keys_why = [f"{n}'s is {t.psk_state}" for t, n in ((a, a_name), (b, b_name)) if _psk_bytes(t) is None]
            f(
                "PEER-PSK-UNKNOWN",
                "warning",
                f"cannot tell whether the pre-shared keys match ({', '.join(keys_why)}): they cannot be compared",
                a.psk_state,
                b.psk_state,
                "compare the keys by hand",
                "ike",
                unknown=f"the pre-shared keys ({', '.join(keys_why)})",
            )
    ike_failed = any(x.severity == "error" for x in out)

    # --- phase 2: the protocols both ends offer (AH, ESP; ESP unless AH alone),
    # a CHILD SA of one with a common proposal
    offers = [
        {"AH"} if t.ah_proposals and not t.esp_proposals else {"AH", "ESP"} if t.ah_proposals else {"ESP"}
        for t in (a, b)
    ]
    both = offers[0] & offers[1]
    esp_ok = "ESP" in both and bool(_common(a.esp_proposals, b.esp_proposals, _esp_key))
    ah_ok = "AH" in both and any(
        p.integrity is not None and (p.integrity, p.additional_ke) == (q.integrity, q.additional_ke)
        for p in a.ah_proposals
        for q in b.ah_proposals
    )
    if not both:
        who, rest = (a_name, b_name) if "AH" in offers[0] else (b_name, a_name)
        f(
            "PEER-AH",
            "error",
            f"{who} uses AH only, {rest} ESP only: the CHILD SA's protocols differ (NO_PROPOSAL_CHOSEN)",
            sorted(offers[0]),
            sorted(offers[1]),
            f"use AH on both ends or on neither (ah_proposals on {rest}, or esp_proposals on {who})",
            "child",
        )
    elif ah_ok and not esp_ok:
        _ah(a, b, a_name, b_name, ver, f)  # the CHILD SA is AH: its PFS group is in its proposals
    elif not esp_ok:
        if "ESP" in both:
            _no_common(a, b, a_name, b_name, "ESP", a.esp_proposals, b.esp_proposals, f)
        if "AH" in both:
            _ah(a, b, a_name, b_name, ver, f)
    if not esp_ok:
        pass  # no ESP CHILD SA: its PFS is not compared
    elif a.pfs_unknown or b.pfs_unknown:
        who = a_name if a.pfs_unknown else b_name
        f(
            "PEER-PFS",
            "warning",
            f"cannot tell whether PFS matches: {who} uses PFS with a group check cannot name",
            "unknown" if a.pfs_unknown else a.pfs or "none",
            "unknown" if b.pfs_unknown else b.pfs or "none",
            "use the same named PFS group on both ends",
            "child",
            unknown=f"{who}'s PFS group",
        )
    elif ver == 1 and (len(set(_esp_pfs(a))) > 1 or len(set(_esp_pfs(b))) > 1):
        _pfs_lists(a, b, a_name, b_name, initiator, f)
    elif a.pfs != b.pfs:
        pa, pb = a.pfs or "none", b.pfs or "none"
        if ver == 2:
            f(
                "PEER-PFS",
                "warning",
                f"PFS differs ({pa} vs {pb}): the first CHILD SA comes up (keyed from the IKE "
                "SA) but its rekey will fail",
                pa,
                pb,
                f"set PFS {pb} on {a_name} or {pa} on {b_name}",
                "rekey",
            )
        else:
            tolerant = [
                name
                for end, name, vend in ((a, a_name, a_vendor), (b, b_name, b_vendor))
                if end.pfs is None and behaviour(vend)["accepts_pfs_offer"]
            ]
            undocumented = [
                name
                for end, name, vend in ((a, a_name, a_vendor), (b, b_name, b_vendor))
                if end.pfs is None and behaviour(vend)["accepts_pfs_offer"] is None
            ]
            offered_by_other = tolerant and (a.pfs is None) != (b.pfs is None)
            if not offered_by_other and undocumented:
                f(
                    "PEER-PFS",
                    "warning",
                    f"PFS differs ({pa} vs {pb}): cannot tell whether {undocumented[0]} accepts a PFS offer "
                    "when it has none (its vendor's behaviour is not documented); if not, quick mode fails",
                    pa,
                    pb,
                    f"set PFS {pb} on {a_name} or {pa} on {b_name}",
                    "child",
                    unknown=f"whether {undocumented[0]} accepts a PFS offer without PFS (undocumented)",
                )
            elif offered_by_other:
                f(
                    "PEER-PFS",
                    "warning",
                    f"PFS differs ({pa} vs {pb}); {tolerant[0]} accepts a PFS offer when it "
                    "has none, but fails when it initiates",
                    pa,
                    pb,
                    f"set PFS {pb} on {a_name} or {pa} on {b_name}",
                    "child",
                )
            else:
                f(
                    "PEER-PFS",
                    "error",
                    f"PFS differs ({pa} vs {pb}): IKEv1 quick mode fails (NO_PROPOSAL_CHOSEN)",
                    pa,
                    pb,
                    f"set PFS {pb} on {a_name} or {pa} on {b_name}",
                    "child",
                )
    # traffic selectors: a's (local, remote) must mirror b's (remote, local), %dynamic resolved first
    sel_a, open_a = _resolved_selectors(a, b)
    sel_b, open_b = _resolved_selectors(b, a)
    unread = [n for t, sel, n in ((a, sel_a, a_name), (b, sel_b, b_name)) if not sel and not t.selectors]
    if open_a or open_b or unread:
        sel_why = [f"{a_name}'s {x}" for x in open_a] + [f"{b_name}'s {x}" for x in open_b]
        sel_why += [f"no traffic selector read on {n}" for n in unread]
        f(
            "PEER-SELECTORS",
            "warning",
            "cannot tell whether the traffic selectors match: " + "; ".join(sel_why),
            a.selectors,
            b.selectors,
            "give the selectors as subnets (or the end's own address with local_addrs)",
            "child",
            unknown="the traffic selectors (" + "; ".join(sel_why) + ")",
        )
    an, bn = _nets(sel_a), _nets(sel_b)
    mirror_b = {(r, loc) for loc, r in bn}
    exact = set(an) == mirror_b or bool(open_a or open_b or unread)  # nothing to compare: said above
    if not exact:
        missing = [f"{x}<->{y}" for x, y in an if (x, y) not in mirror_b]
        extra = [f"{y}<->{x}" for x, y in bn if (y, x) not in set(an)]
        if ver == 1:
            a_in_b = all(any(x.subnet_of(r2) and y.subnet_of(l2) for l2, r2 in bn) for x, y in an) and bool(an)
            b_in_a = all(any(r2.subnet_of(x) and l2.subnet_of(y) for x, y in an) for l2, r2 in bn) and bool(bn)
            narrower = "a" if a_in_b else "b" if b_in_a else None
            resp_vendor = b_vendor if narrower == "a" else a_vendor
            accepts = behaviour(resp_vendor)["ikev1_responder_accepts_narrower_ts"]
            if narrower and accepts is None:
                f(
                    "PEER-SELECTORS",
                    "warning",
                    "traffic selectors are not mirrored: cannot tell whether the responder accepts the narrower "
                    "side's selectors (its vendor's behaviour is not documented)",
                    missing,
                    extra,
                    "mirror each selector pair exactly on both ends",
                    "child",
                    unknown="whether the responder accepts narrower selectors (undocumented)",
                )
            elif narrower and accepts:
                who = a_name if narrower == "a" else b_name
                if initiator is None or initiator == narrower:
                    f(
                        "PEER-SELECTORS",
                        "warning",
                        f"traffic selectors are not mirrored: {who}'s are narrower, so "
                        f"the CHILD SA comes up only when {who} initiates",
                        missing,
                        extra,
                        "mirror each selector pair exactly on both ends",
                        "rekey",
                    )
                else:
                    # the wider end initiates: the narrower end, responding, must narrow
                    narrows = behaviour(a_vendor if narrower == "a" else b_vendor).get(
                        "ikev1_responder_narrows_wider_ts"
                    )
                    if narrows:
                        f(
                            "PEER-SELECTORS",
                            "warning",
                            f"traffic selectors are not mirrored: the wider end initiates and {who}, responding, "
                            "narrows them to its own",
                            missing,
                            extra,
                            "mirror each selector pair exactly on both ends",
                            "rekey",
                        )
                    elif narrows is None:
                        f(
                            "PEER-SELECTORS",
                            "warning",
                            f"traffic selectors are not mirrored and the wider end initiates: cannot tell whether "
                            f"{who}, responding, narrows them (its vendor's behaviour is not documented); "
                            "if not, INVALID_ID_INFORMATION",
                            missing,
                            extra,
                            "mirror each selector pair exactly on both ends",
                            "child",
                            unknown=f"whether {who} narrows wider selectors (undocumented)",
                        )
                    else:
                        f(
                            "PEER-SELECTORS",
                            "error",
                            "traffic selectors are not mirrored and the wider end initiates (INVALID_ID_INFORMATION)",
                            missing,
                            extra,
                            "mirror each selector pair exactly on both ends",
                            "child",
                        )
            else:
                f(
                    "PEER-SELECTORS",
                    "error",
                    "traffic selectors are not mirrored (IKEv1 needs the mirror per pair: INVALID_ID_INFORMATION)",
                    missing,
                    extra,
                    "mirror each selector pair exactly on both ends",
                    "child",
                )
        else:
            # the responder narrows to the intersection: each overlapping pair's smaller networks
            inter = sorted(
                {
                    (max(x, r2, key=lambda n: n.prefixlen), max(y, l2, key=lambda n: n.prefixlen))
                    for x, y in an
                    for l2, r2 in bn
                    if x.overlaps(r2) and y.overlaps(l2)
                },
                key=str,
            )
            if inter:
                f(
                    "PEER-SELECTORS",
                    "warning",
                    "traffic selectors differ but overlap: IKEv2 narrows them to the intersection ("
                    + ", ".join(f"{x}<->{y}" for x, y in inter)
                    + f" from {a_name}'s side)",
                    missing,
                    extra,
                    "mirror the selectors exactly to avoid narrowing",
                    "child",
                )
            else:
                f(
                    "PEER-SELECTORS",
                    "error",
                    "traffic selectors do not overlap (TS_UNACCEPTABLE)",
                    missing,
                    extra,
                    "mirror each selector pair on both ends",
                    "child",
                )
    # --- lifetimes (warnings)
    for what, x, y in (
        ("IKE SA lifetime", a.ike_lifetime, b.ike_lifetime),
        ("IPsec SA lifetime", a.ipsec_lifetime_seconds, b.ipsec_lifetime_seconds),
    ):
        if x and y and x != y:
            first = a_name if x < y else b_name
            f(
                "PEER-LIFETIME",
                "warning",
                f"{what} differs ({x} s vs {y} s): {first} rekeys first",
                x,
                y,
                "use the same lifetime on both ends",
                "rekey",
            )
            if what.startswith("IKE") and ver == 1:
                for name, vend, own, other in ((a_name, a_vendor, x, y), (b_name, b_vendor, y, x)):
                    if behaviour(vend)["ikev1_rejects_longer_lifetime"] and other > own:
                        f(
                            "PEER-LIFETIME-RESPONDER",
                            "warning",
                            f"when the other end initiates, {name} rejects its "
                            f"longer ISAKMP lifetime ({other} s > {own} s)",
                            x,
                            y,
                            f"lower the other end's IKE lifetime to {own} s",
                            "ike",
                        )
                    elif behaviour(vend)["ikev1_rejects_longer_lifetime"] is None and other > own:
                        f(
                            "PEER-LIFETIME-RESPONDER",
                            "warning",
                            f"when the other end initiates, cannot tell whether {name} rejects its longer ISAKMP "
                            f"lifetime ({other} s > {own} s; its vendor's behaviour is not documented)",
                            x,
                            y,
                            f"lower the other end's IKE lifetime to {own} s",
                            "ike",
                            unknown=f"whether {name} rejects a longer ISAKMP lifetime (undocumented)",
                        )
    _routing(a, b, a_name, b_name, f)
    _health_check(a, b, a_name, b_name, a_vendor, b_vendor, f)
    if a.dpd_enabled != b.dpd_enabled:
        f(
            "PEER-DPD",
            "info",
            "DPD is on at one end only",
            a.dpd_enabled,
            b.dpd_enabled,
            "enable DPD on both ends",
            "ike",
        )
    del ike_failed
    return out


def _aggressive_groups(
    a: ParsedTunnel,
    b: ParsedTunnel,
    a_name: str,
    b_name: str,
    a_vendor: str | None,
    b_vendor: str | None,
    initiator: str | None,
    f: Any,
) -> None:
    """IKEv1 aggressive mode sends the KE payload with the proposals, for the
    initiator's first DH group; the responder picks by its own order (seen in
    the lab: strongSwan "invalid DH public value size" when its pick has
    another group), so a list mixing groups can fail though a proposal matches."""
    from .catalog import lab_vendor

    def pick(i: ParsedTunnel, r: ParsedTunnel) -> Proposal | None:
        mine = {(p.encryption, p.integrity, p.dh_group) for p in i.ike_proposals}
        return next((q for q in r.ike_proposals if (q.encryption, q.integrity, q.dh_group) in mine), None)

    for k, i, r, iname, rname, rvendor in (
        ("a", a, b, a_name, b_name, b_vendor),
        ("b", b, a, b_name, a_name, a_vendor),
    ):
        if initiator not in (None, k) or len({p.dh_group for p in i.ike_proposals}) < 2:
            continue
        chosen, ke = pick(i, r), i.ike_proposals[0].dh_group
        if chosen is None or chosen.dh_group == ke:
            continue
        known = rvendor is None or rvendor == lab_vendor().id
        f(
            "PEER-IKE-PROPOSAL",
            "error" if known and initiator is not None else "warning",
            f"IKEv1 aggressive mode: {iname} sends its KE for DH {ke} (its first proposal) but {rname}, "
            f"responding, {'picks' if known else 'may pick'} {_prop_text(chosen)} by its own order: the exchange "
            "fails (INVALID_KE_PAYLOAD or a bad KE value)",
            [_prop_text(p) or p.raw for p in a.ike_proposals],
            [_prop_text(p) or p.raw for p in b.ike_proposals],
            f"put the proposal both ends prefer first on {rname}, or use one DH group in {iname}'s list",
            "ike",
            unknown=None if known else f"which IKE proposal {rname} picks (its order is undocumented)",
        )


def _responders(
    a: ParsedTunnel, b: ParsedTunnel, a_name: str, b_name: str, ver: int, initiator: str | None, f: Any
) -> None:
    """Ends whose daemon does not answer (a parser's ``extra["never_responds"]``:
    strongSwan's ``charon.initiator_only``) or does not answer IKEv1 aggressive
    mode with a pre-shared key (``extra["answers_aggressive_psk"]`` False: charon
    without ``i_dont_care_about_security_and_use_aggressive_mode_psk``): the
    tunnel comes up only when the other end lets that end initiate."""
    aggr_psk = ver == 1 and a.mode == "aggressive" == b.mode and a.auth == "psk" == b.auth
    mute = {}
    for k, t, name in (("a", a, a_name), ("b", b, b_name)):
        if t.extra.get("never_responds") is True:
            mute[k] = (name, "its daemon only initiates (initiator_only)")
        elif aggr_psk and t.extra.get("answers_aggressive_psk") is False:
            mute[k] = (name, "its daemon does not answer IKEv1 aggressive mode with a pre-shared key")
    if not mute:
        return
    if len(mute) == 2:
        f(
            "PEER-RESPONDER",
            "error",
            f"neither end answers: {mute['a'][0]}: {mute['a'][1]}; {mute['b'][0]}: {mute['b'][1]}",
            mute["a"][1],
            mute["b"][1],
            "let one end respond",
            "ike",
        )
        return
    ((k, (name, why)),) = mute.items()
    other = b_name if k == "a" else a_name
    if initiator == k:
        return
    if initiator is not None:
        f("PEER-RESPONDER", "error", f"{other} initiates but {name} does not answer: {why}",
          *((why, None) if k == "a" else (None, why)), f"let {name} initiate, or let it respond", "ike")  # fmt: skip
    else:
        f("PEER-RESPONDER", "warning", f"the tunnel comes up only when {name} initiates: {why}",
          *((why, None) if k == "a" else (None, why)), f"let {name} respond too", "ike")  # fmt: skip


def _esp_pfs(t: ParsedTunnel) -> list[int | None]:
    """The PFS group of each ESP proposal: its own where the end gives one per
    proposal, else the tunnel's."""
    own = t.extra.get("esp_pfs")
    if isinstance(own, list) and len(own) == len(t.esp_proposals):
        return list(own)
    return [t.pfs] * len(t.esp_proposals)


def _pfs_lists(a: ParsedTunnel, b: ParsedTunnel, a_name: str, b_name: str, initiator: str | None, f: Any) -> None:
    """IKEv1 quick mode with ESP proposals of different PFS groups: one KE
    payload, so the initiator offers only its proposals with its first
    proposal's group; the responder takes one of those with the same
    transform and group (strongSwan: "no acceptable KEY_EXCHANGE_METHOD" for
    the others)."""

    def works(i: ParsedTunnel, r: ParsedTunnel) -> bool:
        gi, gr = _esp_pfs(i), _esp_pfs(r)
        if not gi:
            return False
        offered = [(p, g) for p, g in zip(i.esp_proposals, gi, strict=True) if g == gi[0]]
        return any(
            (p.encryption, p.integrity, g) == (q.encryption, q.integrity, h)
            for p, g in offered
            for q, h in zip(r.esp_proposals, gr, strict=True)
        )

    ends = {"a": (a, b, a_name, b_name), "b": (b, a, b_name, a_name)}
    results = {k: works(i, r) for k, (i, r, _, _) in ends.items() if initiator in (None, k)}
    if all(results.values()):
        return
    first = ", ".join(f"{n} offers PFS {_esp_pfs(i)[0] or 'none'}" for k, (i, _, n, _) in ends.items() if k in results)
    if not any(results.values()):
        f(
            "PEER-PFS",
            "error",
            f"IKEv1 quick mode carries one KE payload: the initiator offers only its ESP proposals with its first "
            f"proposal's PFS group ({first}) and the responder has none of them with that group (NO_PROPOSAL_CHOSEN)",
            [g or "none" for g in _esp_pfs(a)],
            [g or "none" for g in _esp_pfs(b)],
            "put an ESP proposal with the same transform and PFS group first on the initiator",
            "child",
        )
        return
    good = [ends[k][2] for k, ok in results.items() if ok]
    f(
        "PEER-PFS",
        "warning",
        f"IKEv1 quick mode: the ESP proposals agree only when {good[0]} initiates ({first}; one KE payload)",
        [g or "none" for g in _esp_pfs(a)],
        [g or "none" for g in _esp_pfs(b)],
        "put an ESP proposal with the same transform and PFS group first on both ends",
        "child",
    )


def _routing(a: ParsedTunnel, b: ParsedTunnel, a_name: str, b_name: str, f: Any) -> None:
    """Route-based ends: the BGP session over the tunnel (both ends run it,
    ASNs and inside addresses mirrored), or static routes into the tunnel for
    the other end's networks. Stage "routing": the SAs come up either way."""
    if not (a.route_based or b.route_based):
        return
    if a.route_based != b.route_based:
        pol = b_name if a.route_based else a_name
        f(
            "PEER-ROUTE-TYPE",
            "info",
            f"{pol} is policy-based, the other end route-based: the selectors decide (PEER-SELECTORS)",
            a.route_based,
            b.route_based,
            "use the same kind at both ends",
            "routing",
        )
        return
    if (a.bgp is None) != (b.bgp is None):
        lone = a_name if a.bgp else b_name
        f(
            "PEER-BGP",
            "error",
            f"only {lone} runs BGP over the tunnel: no routes are exchanged",
            a.bgp is not None,
            b.bgp is not None,
            "configure the BGP session at both ends (or static routes at both)",
            "routing",
        )
        return
    if a.bgp is not None and b.bgp is not None:
        x, y = a.bgp, b.bgp
        for what, mine, theirs in (
            ("ASN", x.local_asn, y.peer_asn),
            ("ASN", y.local_asn, x.peer_asn),
            ("inside address", x.local_ip, y.peer_ip),
            ("inside address", y.local_ip, x.peer_ip),
        ):
            if mine is not None and theirs is not None and mine != theirs:
                f(
                    "PEER-BGP",
                    "error",
                    f"BGP {what}: one end is {mine}, the other expects {theirs}: the session does not establish",
                    mine,
                    theirs,
                    f"make the {what} the same at both ends",
                    "routing",
                )
        if x.prefixlen and y.prefixlen and x.prefixlen != y.prefixlen:
            f(
                "PEER-BGP",
                "warning",
                f"inside prefix lengths differ (/{x.prefixlen} vs /{y.prefixlen})",
                x.prefixlen,
                y.prefixlen,
                "use the same inside /30 at both ends",
                "routing",
            )
        return
    for end, name, other in ((a, a_name, b), (b, b_name, a)):
        nets = other.extra.get("networks") or []
        if not nets or not end.routes:
            continue
        routed = [ipaddress.IPv4Network(r, strict=False) for r in end.routes]
        uncovered = [n for n in nets if not any(ipaddress.IPv4Network(n).subnet_of(r) for r in routed)]
        if uncovered:
            f(
                "PEER-ROUTES",
                "warning",
                f"{name} routes none of {', '.join(uncovered)} into the tunnel",
                end.routes,
                nets,
                f"add static routes for {', '.join(uncovered)} through the tunnel on {name}",
                "routing",
            )


def _health_check(
    a: ParsedTunnel, b: ParsedTunnel, a_name: str, b_name: str, a_vendor: str | None, b_vendor: str | None, f: Any
) -> None:
    """The cloud's health check on route-based ends: an end's pair of
    health-check addresses (its own, the other end's; both in the cloud's
    range) must be held mirrored by the other end, or the probes between them
    go unanswered. The cloud's end probes (a warning when unanswered); a
    device's pair the other end does not mirror is only noted. An end whose
    config's health-check addresses are not read (its variant does not write
    them) cannot tell. Stage "routing": the SAs come up either way."""
    from .parsing import health_check_pair

    if not (a.route_based and b.route_based):
        return

    def pairs(t: ParsedTunnel) -> list[tuple[str, str]]:
        return [pair for own, peer in t.point_to_point if (pair := health_check_pair(own, peer)) is not None]

    for x, xn, y, yn, yv in ((a, a_name, b, b_name, b_vendor), (b, b_name, a, a_name, a_vendor)):
        held = pairs(y)
        for own, peer in pairs(x):
            if (peer, own) in held:
                continue
            fix = f"give {yn}'s tunnel interface {peer} with {own} as the other end"
            if x.variant != "cloud":  # a device's pair: the cloud end's own check (below) says what fails
                if not held and _reads_health_check(y, yv):
                    f(
                        "PEER-HEALTH-CHECK",
                        "info",
                        f"{xn} holds health-check address {own} (other end {peer}); {yn} runs no health check here",
                        own,
                        None,
                        f"enable the health check on {yn}, or drop the addresses on {xn}",
                        "routing",
                    )
                continue
            what = f"{xn}'s health check probes {peer} from {own}"
            unknown = None
            if held:
                why = f"{yn} holds {held[0][0]} (other end {held[0][1]}): the probes go unanswered"
            elif _reads_health_check(y, yv):
                why = f"{yn} does not hold {peer} on its tunnel interface: the probes go unanswered"
            else:
                why = f"whether {yn} holds {peer} is not read from its config"
                unknown = f"whether {yn} answers the health check on {peer}"
            f("PEER-HEALTH-CHECK", "warning", f"{what}; {why}", own, held or None, fix, "routing", unknown=unknown)


def _reads_health_check(t: ParsedTunnel, vendor_id: str | None) -> bool:
    """Whether ``t``'s health-check addresses are known: the ends built from a
    site's tunnel (``cloud_end``, ``idc_end``) always, a device's where its
    variant writes them (``health_check``: the parser reads what the
    templates write)."""
    if t.variant in ("cloud", "idc"):
        return True
    from .catalog import vendors

    v = vendors().get(vendor_id or "")
    var = v.variants.get(t.variant or "") if v is not None else None
    return var is not None and var.writes_health_check(t.bgp is not None)


# ------------------------------------------------------ peer: the pieces
def _ike_key(p: Proposal) -> tuple[Any, ...]:
    return (p.encryption, p.integrity, p.dh_group, p.additional_ke)


def _esp_key(p: Proposal) -> tuple[Any, ...]:
    return (p.encryption, p.integrity, p.additional_ke)


def _common(xs: list[Proposal], ys: list[Proposal], key: Callable[[Proposal], tuple[Any, ...]]) -> list[Proposal]:
    """The proposals of ``xs`` that ``ys`` holds too (only named ones: None never matches)."""
    theirs = {key(q) for q in ys if q.encryption is not None}
    return [p for p in xs if p.encryption is not None and key(p) in theirs]


def _unnamed(p: Proposal, kind: str) -> bool:
    """A proposal with a value the parser could not name (``raw`` holds it)."""
    return p.encryption is None or (kind == "IKE" and p.dh_group is None)


def _no_common(
    a: ParsedTunnel,
    b: ParsedTunnel,
    a_name: str,
    b_name: str,
    kind: str,
    pa: list[Proposal],
    pb: list[Proposal],
    f: Any,
) -> None:
    """No proposal matches by name: an error, unless a list is empty (nothing
    read) or holds a value without a name, which might be the match."""
    stage = "ike" if kind == "IKE" else "child"
    shown = [_prop_text(p) or p.raw for p in pa], [_prop_text(p) or p.raw for p in pb]
    empty = [n for n, ps in ((a_name, pa), (b_name, pb)) if not ps]
    unnamed = [p.raw or "?" for p in pa + pb if _unnamed(p, kind)]
    if empty or unnamed:
        why = (
            f"no {kind} proposal read on {' and '.join(empty)}"
            if empty
            else (f"{', '.join(unnamed)} holds a value check cannot name")
        )
        f(
            f"PEER-{kind}-PROPOSAL",
            "warning",
            f"cannot tell whether a {kind} proposal matches: {why}",
            *shown,
            f"write the {kind} proposals out with named algorithms on both ends",
            stage,
            unknown=f"the {kind} proposals ({why})",
        )
        return
    what = "(encryption, integrity, DH group" if kind == "IKE" else "transform (encryption, integrity"
    f(
        f"PEER-{kind}-PROPOSAL",
        "error",
        f"no common {kind} proposal (NO_PROPOSAL_CHOSEN{' for the CHILD SA' if kind != 'IKE' else ''})",
        *shown,
        f"make one {kind} {'proposal ' if kind == 'IKE' else ''}{what}, additional key exchanges) "
        "identical on both ends",
        stage,
    )


def _ah(a: ParsedTunnel, b: ParsedTunnel, a_name: str, b_name: str, ver: int, f: Any) -> None:
    """Both ends use AH: a common integrity (and additional key exchanges); the
    PFS group (``dh_group``) as for ESP: IKEv1 fails, IKEv2 fails at the rekey."""

    def key(p: Proposal) -> tuple[Any, ...]:
        return (p.integrity, p.additional_ke)

    shown = [_prop_text(p) or p.raw for p in a.ah_proposals], [_prop_text(p) or p.raw for p in b.ah_proposals]
    same = [(p, q) for p in a.ah_proposals for q in b.ah_proposals if p.integrity is not None and key(p) == key(q)]
    if not same:
        unnamed = [p.raw or "?" for p in a.ah_proposals + b.ah_proposals if p.integrity is None]
        if unnamed:
            f(
                "PEER-AH",
                "warning",
                f"cannot tell whether an AH proposal matches: {', '.join(unnamed)} holds a value check cannot name",
                *shown,
                "write the AH proposals out with named algorithms on both ends",
                "child",
                unknown=f"the AH proposals ({', '.join(unnamed)})",
            )
            return
        f(
            "PEER-AH",
            "error",
            "no common AH proposal (NO_PROPOSAL_CHOSEN for the CHILD SA)",
            *shown,
            "make one AH integrity algorithm identical on both ends",
            "child",
        )
        return
    if any(p.dh_group == q.dh_group for p, q in same):
        return
    pa, pb = same[0][0].dh_group or "none", same[0][1].dh_group or "none"
    fix = f"set PFS {pb} on {a_name}'s AH proposal or {pa} on {b_name}'s"
    if ver == 2:
        f(
            "PEER-PFS",
            "warning",
            f"AH PFS differs ({pa} vs {pb}): the first CHILD SA comes up (keyed from the IKE SA) but its rekey will fail",
            pa,
            pb,
            fix,
            "rekey",
        )
    else:
        f(
            "PEER-PFS",
            "error",
            f"AH PFS differs ({pa} vs {pb}): IKEv1 quick mode fails (NO_PROPOSAL_CHOSEN)",
            pa,
            pb,
            fix,
            "child",
        )


_AUTH = {"psk": "a pre-shared key", "certificate": "certificates", "unknown": "an unknown method"}


def _psk_bytes(t: ParsedTunnel) -> bytes | None:
    """The key as bytes where it can be compared: clear text (UTF-8) or binary
    (``0x`` + hex); None when masked, encrypted, missing."""
    if t.psk is None:
        return None
    if t.psk_state == "clear":
        return t.psk.encode()
    if t.psk_state == "binary" and t.psk[:2].lower() == "0x":
        try:
            return bytes.fromhex(t.psk[2:])
        except ValueError:
            return None
    return None


def _cert_auth(
    a: ParsedTunnel, b: ParsedTunnel, a_name: str, b_name: str, files: Any, out: list[Finding], f: Any
) -> bool:
    """Certificate authentication, checked by ``vpnconf.certs``: its findings
    join ``out`` and it decides the identities of the ends that authenticate
    with certificates (True); without the module, "cannot tell" (False)."""
    import importlib

    try:
        check = importlib.import_module(".certs", __package__).check_cert_auth
    except (ImportError, AttributeError):
        f(
            "PEER-CERT",
            "warning",
            "cannot tell: certificate authentication not checked",
            a.auth,
            b.auth,
            "check the certificates by hand",
            "ike",
            unknown="certificate authentication",
        )
        return False
    found: list[Finding] = check(a, b, a_name, b_name, files)
    out.extend(found)
    return True


@lru_cache(maxsize=65536)
def _single_ip(s: str | None) -> str | None:
    try:
        return str(ipaddress.IPv4Address(s)) if s else None
    except ValueError:
        return None


def _own_address(t: ParsedTunnel, other: ParsedTunnel) -> str | None:
    """An end's own address: its local address, else the address the other end
    names as its peer, when a single IPv4 address."""
    return _single_ip(t.local_address) or _single_ip(other.peer_address)


def _sent_id(sender: ParsedTunnel, receiver: ParsedTunnel) -> Ident | None:
    """The identity ``sender`` sends: its configured one, else (pre-shared key)
    its address, the IKE default; None when neither is known or it comes from
    a certificate."""
    if sender.auth == "certificate" and (sender.local_id is None or "local_id" in sender.defaulted):
        return None  # the certificate's subject (or a subjectAltName): the certificate check's business
    if sender.local_id is not None:
        return sender.local_id
    own = _own_address(sender, receiver)
    return Ident("address", own) if own else None


def _resolved_selectors(t: ParsedTunnel, other: ParsedTunnel) -> tuple[list[tuple[str, str]], list[str]]:
    """``t``'s selectors with ``%dynamic`` resolved (local: ``t``'s own address,
    remote: the other end's), any/any for a route-based end without any, and
    what could not be resolved."""
    if not t.selectors:
        return ([_ANY] if t.route_based else []), []
    own, theirs = _own_address(t, other), _own_address(other, t)
    out, open_ = [], []
    for local, remote in t.selectors:
        pair = []
        for sel, addr, side in ((local, own, "local"), (remote, theirs, "remote")):
            if sel.strip().lower() == "%dynamic":
                if addr is None:
                    open_.append(f"{side} selector %dynamic (its address is not known)")
                    break
                sel = f"{addr}/32"
            pair.append(sel)
        else:
            out.append((pair[0], pair[1]))
    return out, list(dict.fromkeys(open_))


def _idt(i: Ident) -> str:
    return f"{i.type} {i.value}"


# ------------------------------------------------------------ the verdict
#: the settings each stage compares (``ParsedTunnel`` fields; ``defaulted`` keys)
STAGE_FIELDS: dict[str, tuple[str, ...]] = {
    "ike": ("ike_version", "mode", "ike_proposals", "local_id", "peer_id", "auth", "psk", "cert", "daemon_options"),
    "child": ("esp_proposals", "ah_proposals", "pfs", "selectors"),
}

Value = Literal["yes", "no", "cannot tell"]


@dataclass
class StageVerdict:
    """One stage's verdict: ``yes`` only when every setting that decides it was
    compared; ``unknown`` names what was not; ``defaults`` the vendor defaults
    (not read from a config) that decided it."""

    value: Value
    unknown: list[str] = field(default_factory=list)
    defaults: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "unknown": list(self.unknown), "defaults": list(self.defaults)}


def _defaults(stage: str, ends: list[tuple[ParsedTunnel, str, ParsedTunnel]]) -> list[str]:
    out = []
    for t, name, other in ends:
        for fld in STAGE_FIELDS[stage]:
            if fld in t.defaulted:
                out.append(f"{name}: {fld} ({t.defaulted[fld]})")
        if stage == "ike" and t.local_id is None and t.auth == "psk" and _own_address(t, other):
            out.append(f"{name}: local_id (none configured: its address, the IKE default)")
    return out


def verdict(
    findings: list[Finding],
    a: ParsedTunnel | None = None,
    b: ParsedTunnel | None = None,
    a_name: str = "this end",
    b_name: str = "the peer",
) -> dict[str, StageVerdict]:
    """The IKE and CHILD SA verdicts of ``check_peer``'s findings: ``no`` on an
    error of the stage (the CHILD SA also when the IKE SA fails), else ``cannot
    tell`` when a finding of the stage is marked unknown (the CHILD SA also
    when the IKE SA's is), else ``yes``. With the ends, the defaults listed."""

    def of(stage: str) -> tuple[bool, list[str]]:
        mine = [x for x in findings if x.extra.get("stage") == stage]
        unknown = [str(x.extra.get("unknown") or x.message) for x in mine if x.extra.get("verdict") == "unknown"]
        return any(x.severity == "error" for x in mine), list(dict.fromkeys(unknown))

    ends = [(a, a_name, b), (b, b_name, a)] if a is not None and b is not None else []
    ike_no, ike_unknown = of("ike")
    child_no, child_unknown = of("child")
    ike_v: Value = "no" if ike_no else "cannot tell" if ike_unknown else "yes"
    if child_no or ike_v == "no":
        child_v: Value = "no"
    elif child_unknown or ike_v == "cannot tell":
        child_v = "cannot tell"
        if ike_v == "cannot tell":
            child_unknown.append("whether the IKE SA comes up")
    else:
        child_v = "yes"
    return {
        "ike": StageVerdict(ike_v, ike_unknown if ike_v == "cannot tell" else [], _defaults("ike", ends)),
        "child": StageVerdict(child_v, child_unknown if child_v == "cannot tell" else [], _defaults("child", ends)),
    }


def establishes(findings: list[Finding]) -> tuple[bool, bool]:
    """(IKE SA establishes, CHILD SA establishes) as booleans for the
    differential and the lab, which compare predicted failures with the
    daemon's: "cannot tell" is not a predicted failure, so it maps to True
    (as before the three-valued verdict, when such findings were warnings)."""
    v = verdict(findings)
    return v["ike"].value != "no", v["child"].value != "no"
