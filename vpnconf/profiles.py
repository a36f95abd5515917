"""Cloud profiles: what a cloud's VPN gateway accepts. One YAML file per
profile in ``profiles/``; profiles are discovered from the files."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .findings import VpnconfError
from .paths import data_dir


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


class Profile(_P):
    name: str
    description: str
    ike: IkeSet
    ipsec: IpsecSet
    dpd: DpdSet | None = None
    limits: Limits = Field(default_factory=Limits)
    bandwidths_mbps: list[int] | None = None
    notes: list[str] = Field(default_factory=list)
    # per IKE version narrowing of the ike sets (e.g. GCP's fixed IKEv1 suite)
    ike_by_version: dict[int, dict[str, list[Any]]] = Field(default_factory=dict)
    # Anything a later check needs (key rules, phase-2 < phase-1 lifetime ...)
    extra: dict[str, Any] = Field(default_factory=dict)


@cache
def profile_names() -> list[str]:
    return sorted(p.stem for p in data_dir("profiles").glob("*.yaml"))


@cache
def get_profile(name: str) -> Profile:
    path = data_dir("profiles") / f"{name}.yaml"
    if not path.is_file():
        raise VpnconfError(f"unknown cloud profile {name!r}; known: {', '.join(profile_names())}")
    with path.open(encoding="utf-8") as fh:
        return Profile.model_validate(yaml.safe_load(fh))


def ike_set(profile: Profile, version: int, field: str) -> list[Any]:
    """An IKE value set, narrowed for one IKE version where the profile says so."""
    over = profile.ike_by_version.get(version, {})
    return list(over.get(field, getattr(profile.ike, field)))
