"""Cloud profiles: what a cloud's VPN gateway accepts. One YAML file per
profile in ``profiles/``; profiles are discovered from the files.

A profile is named (``profile:`` in a site file, ``check --against``) only by
its name, ``[a-z0-9_-]+``, from the profiles folder; a profile file anywhere
else is given explicitly (``--profile-file PATH``, :func:`load_profile_file`),
never through a site file."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .findings import VpnconfError
from .paths import data_dir
from .safeload import MAX_JSON_BYTES, Document, format_loc, load_text

PROFILE_NAME = re.compile(r"[a-z0-9_-]+")
PROFILE_NAME_RULE = (
    "a profile name is lower-case letters, digits, '_' and '-' ([a-z0-9_-]+), "
    "naming a file of the profiles folder; give a profile file with --profile-file PATH"
)


class _P(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IkeSet(_P):
    versions: list[int]
    modes: list[str]
    identity_types: list[str]
    encryption: list[str]
    integrity: list[str]
    dh_groups: list[int]
    lifetime_seconds: tuple[int, int]


class IpsecSet(_P):
    encryption: list[str]
    integrity: list[str]
    pfs_groups: list[int | str]
    lifetime_seconds: tuple[int, int]
    lifetime_kb: tuple[int, int] | None = None


class DpdSet(_P):
    timeout_seconds: tuple[int, int]
    actions: list[str]


class Limits(_P):
    vpn_gateways_per_vpc: int | None = None
    customer_gateways_per_region: int | None = None
    tunnels_per_customer_gateway: int | None = None
    tunnels_per_vpn_gateway: int | None = None
    spd_policies_per_tunnel: int | None = None
    peers_per_spd_policy: int | None = None
    # local-remote SPD mappings (pairs) over all tunnels of one VPN gateway;
    # past it the cloud tells users to go route-based
    spd_mappings_per_vpn_gateway: int | None = None
    proposals_per_phase: int | None = None  # how many IKE/ESP proposals a tunnel may offer


class BgpSet(_P):
    asn: tuple[int, int] = (1, 4294967295)
    reserved_asns: list[int] = Field(default_factory=list)
    inside_range: str = "169.254.0.0/16"  # where a tunnel's inside /30 must lie
    health_check_range: str | None = None  # where health-check addresses must lie


class Profile(_P):
    name: str
    description: str
    ike: IkeSet
    ipsec: IpsecSet
    dpd: DpdSet | None = None
    limits: Limits = Field(default_factory=Limits)
    bgp: BgpSet = Field(default_factory=BgpSet)
    route_priorities: list[int] | None = None  # accepted static route priorities
    bandwidths_mbps: list[int] | None = None
    notes: list[str] = Field(default_factory=list)
    # per IKE version narrowing of the ike sets (e.g. GCP's fixed IKEv1 suite)
    ike_by_version: dict[int, dict[str, list[Any]]] = Field(default_factory=dict)
    # Anything a later check needs (key rules, phase-2 < phase-1 lifetime ...)
    extra: dict[str, Any] = Field(default_factory=dict)


@cache
def profile_names() -> list[str]:
    return sorted(p.stem for p in data_dir("profiles").glob("*.yaml"))


def check_profile_name(name: object) -> str:
    """``name`` when it is a profile name; else one VpnconfError (the value is
    not repeated: it may be a path or anything at all)."""
    if not isinstance(name, str) or len(name) > 64 or not PROFILE_NAME.fullmatch(name):
        raise VpnconfError(f"not a profile name: {PROFILE_NAME_RULE}")
    return name


@cache
def get_profile(name: str) -> Profile:
    """A profile of the profiles folder by name (never a path)."""
    check_profile_name(name)
    path = data_dir("profiles") / f"{name}.yaml"
    if not path.is_file():
        raise VpnconfError(f"unknown cloud profile {name!r}; known: {', '.join(profile_names())}")
    return _profile_from(path)


def load_profile_file(path: str | os.PathLike[str]) -> Profile:
    """A profile file given explicitly (``--profile-file``), read within the
    limits of :mod:`vpnconf.safeload`; one VpnconfError line naming the file,
    line and field when it is not a profile."""
    return _profile_from(Path(path))


def _profile_from(path: Path) -> Profile:
    from .io import read_text

    name = str(path)
    doc = load_text(read_text(path, MAX_JSON_BYTES), name)
    if not isinstance(doc.data, dict):
        raise VpnconfError(f"{name}: a profile file is a mapping (name, description, ike, ipsec ...)")
    try:
        return Profile.model_validate(doc.data)
    except ValidationError as exc:
        raise VpnconfError(_profile_error(exc, name, doc)) from None


def _profile_error(exc: ValidationError, name: str, doc: Document) -> str:
    errors = exc.errors(include_url=False, include_input=False)
    err = errors[0]
    loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
    line = doc.line(loc)
    msg = {"extra_forbidden": "unknown field", "missing": "required field is missing"}.get(
        err["type"], err["msg"].removeprefix("Value error, ")
    )
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{name}{f':{line}' if line else ''}: {format_loc(loc)}: {msg}: not a cloud profile{more}"


def ike_set(profile: Profile, version: int, field: str) -> list[Any]:
    """An IKE value set, narrowed for one IKE version where the profile says so."""
    over = profile.ike_by_version.get(version, {})
    return list(over.get(field, getattr(profile.ike, field)))
