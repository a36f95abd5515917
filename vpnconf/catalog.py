"""The vendor catalog: ``vendors/<vendor>.yaml`` files, discovered, never
listed in code. Each file holds the vendor's catalog entries
(DescribeCustomerGatewayVendors), its keyword tables (canonical value ->
vendor keyword, used forwards by the renderer and backwards by the parsers)
and, per software version range, what the platform supports."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .findings import VpnconfError
from .paths import data_dir

KEYWORD_TABLES = ("ike_encryption", "ike_integrity", "dh_group", "esp_encryption", "esp_integrity", "pfs_group")
CAPABILITY_SETS = KEYWORD_TABLES  # capability lists are keyed like the keyword tables (pfs_group -> pfs_groups)


class _C(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AlgorithmSet(_C):
    ike_encryption: list[str]
    ike_integrity: list[str]
    dh_groups: list[int]
    esp_encryption: list[str]
    esp_integrity: list[str]
    pfs_groups: list[int]


class Software(_C):
    platform: str
    range: str
    releases: list[str]
    ike_versions: list[int]
    modes: list[str]
    identity_types: list[str] = Field(default_factory=lambda: ["address", "fqdn"])
    ikev1: AlgorithmSet | None = None
    ikev2: AlgorithmSet | None = None
    ike_lifetime_seconds: tuple[int, int]
    ipsec_lifetime_seconds: tuple[int, int]
    ipsec_lifetime_kb: tuple[int, int] | None = None
    max_selector_pairs: int | None = None
    notes: str = ""

    def matches(self, version: tuple[int, ...]) -> bool:
        return version_in_range(version, self.range)

    def algorithms(self, ike_version: int) -> AlgorithmSet | None:
        return self.ikev1 if ike_version == 1 else self.ikev2


class Variant(_C):
    # output file name -> template file (in templates/<vendor>/); one entry for
    # most variants, two for strongSwan's ipsec.conf + ipsec.secrets
    files: dict[str, str]
    description: str
    ike_versions: list[int] = Field(default_factory=lambda: [1, 2])


class Platform(_C):
    id: str
    name: str  # catalog Platform string
    aliases: list[str] = Field(default_factory=list)


class Vendor(_C):
    id: str
    name: str
    catalog_vendor: str  # VendorName in DescribeCustomerGatewayVendors
    aliases: list[str] = Field(default_factory=list)
    platforms: list[Platform]
    default_variant: str
    variants: dict[str, Variant]
    keywords: dict[str, Any]
    psk_forbidden: str = ""  # characters a key cannot hold on this vendor's CLI
    name_max: int = 60  # longest object name the vendor accepts
    software: list[Software]
    sources: list[str] = Field(default_factory=list)

    # ---------------------------------------------------------------- lookups
    def keyword(self, table: str, value: object, ike_version: int | None = None) -> str | None:
        """Vendor keyword for a canonical value (per IKE version override first)."""
        key = getattr(value, "value", value)
        if ike_version is not None:
            over = self.keywords.get(f"ikev{ike_version}", {}).get(table)
            if over is not None:
                kw = over.get(key)
                if kw is not None:
                    return str(kw)
        base = self.keywords.get(table, {})
        kw = base.get(key)
        return None if kw is None else str(kw)

    def platform(self, name: str | None) -> Platform:
        if name is None:
            return self.platforms[0]
        f = fold(name)
        for p in self.platforms:
            if f in {fold(p.id), fold(p.name), *map(fold, p.aliases)}:
                return p
        raise VpnconfError(
            f"vendor {self.id} has no platform {name!r}; known: {', '.join(p.id for p in self.platforms)}"
        )

    def software_for(self, platform: str | None, version: str | None) -> Software:
        """The software entry for a version; without a platform, the first
        platform whose ranges hold the version (IOS 15.4 vs IOS-XE 17.12)."""
        if platform is None and version is not None:
            v = parse_version(version)
            for s in self.software:
                if v and s.matches(v):
                    return s
        plat = self.platform(platform)
        entries = [s for s in self.software if s.platform == plat.id]
        if not entries:
            raise VpnconfError(f"vendor {self.id} lists no software for platform {plat.id}")
        if version is None:
            return entries[-1]
        v = parse_version(version)
        if not v:
            raise VpnconfError(f"software version {version!r} has no numeric version")
        for s in entries:
            if s.matches(v):
                return s
        known = "; ".join(s.range for s in entries)
        raise VpnconfError(f"{self.id} {plat.id} software {version} is not in the catalog (known ranges: {known})")

    def variant(self, name: str | None) -> tuple[str, Variant]:
        key = name or self.default_variant
        if key not in self.variants:
            raise VpnconfError(f"vendor {self.id} has no variant {key!r}; known: {', '.join(self.variants)}")
        return key, self.variants[key]


def fold(s: str) -> str:
    return re.sub(r"[\s_-]+", "", s.strip().lower())


def parse_version(text: str) -> tuple[int, ...]:
    """'V15.4(3)M2' -> (15, 4, 3, 2); '17.11.1a' -> (17, 11, 1)."""
    return tuple(int(x) for x in re.findall(r"\d+", text))


_OPS = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
}


def version_in_range(version: tuple[int, ...], spec: str) -> bool:
    for clause in spec.split(","):
        clause = clause.strip()
        if not clause:
            continue
        m = re.match(r"(>=|<=|==|>|<)\s*([\d.]+)$", clause)
        if not m:
            raise VpnconfError(f"bad version range clause {clause!r}")
        bound = parse_version(m.group(2))
        n = max(len(bound), len(version))
        a = version + (0,) * (n - len(version))
        b = bound + (0,) * (n - len(bound))
        if not _OPS[m.group(1)](a, b):
            return False
    return True


@cache
def vendors() -> dict[str, Vendor]:
    """Every vendor file in vendors/, by id."""
    out: dict[str, Vendor] = {}
    for path in sorted(data_dir("vendors").glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        try:
            v = Vendor.model_validate(data)
        except Exception as exc:  # a broken data file is a packaging bug: say which
            raise VpnconfError(f"{path}: invalid vendor file: {str(exc).splitlines()[0]}") from None
        if v.id != path.stem:
            raise VpnconfError(f"{path}: id {v.id!r} differs from the file name")
        out[v.id] = v
    return out


@cache
def _alias_index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for v in vendors().values():
        for a in (v.id, *v.aliases):
            idx[fold(a)] = v.id
    return idx


def get_vendor(name: str, platform: str | None = None) -> Vendor:
    """A vendor by id, alias, or catalog VendorName + Platform ("cisco", "asa")."""
    all_v = vendors()
    f = fold(name)
    if platform is not None:
        fp = fold(platform)
        for v in all_v.values():
            named = fold(v.catalog_vendor) == f or f in map(fold, (v.id, *v.aliases))
            if named and any(fp in {fold(p.id), fold(p.name), *map(fold, p.aliases)} for p in v.platforms):
                return v
    vid = _alias_index().get(f)
    if vid is None:
        raise VpnconfError(f"unknown vendor {name!r}; known: {', '.join(sorted(all_v))}")
    return all_v[vid]


def catalog_entries(vendor: str | None = None, platform: str | None = None) -> list[dict[str, str]]:
    """DescribeCustomerGatewayVendors rows: VendorName, Platform, SoftwareVersion."""
    rows = []
    for v in vendors().values():
        if vendor and get_vendor(vendor).id != v.id:
            continue
        for s in v.software:
            plat = v.platform(s.platform)
            if platform and fold(platform) not in {fold(plat.id), fold(plat.name), *map(fold, plat.aliases)}:
                continue
            for rel in s.releases:
                rows.append(
                    {
                        "VendorName": v.catalog_vendor,
                        "Platform": plat.name,
                        "SoftwareVersion": rel,
                        "_vendor": v.id,
                        "_range": s.range,
                    }
                )
    return rows


def supports(software: Software, capability: str) -> bool:
    """Capability filter: 'dh24', 'dh 24', 'ikev2', 'aggressive', 'sha256', 'aes256gcm', 'pfs14'."""
    c = fold(capability)
    sets = [a for a in (software.ikev1, software.ikev2) if a is not None]
    if m := re.fullmatch(r"(?:dh|group|dhgroup)(\d+)", c):
        return any(int(m.group(1)) in a.dh_groups for a in sets)
    if m := re.fullmatch(r"pfs(\d+)", c):
        return any(int(m.group(1)) in a.pfs_groups for a in sets)
    if m := re.fullmatch(r"ikev?([12])", c):
        return int(m.group(1)) in software.ike_versions
    if c in {"main", "aggressive"}:
        return c in software.modes
    if c in {"fqdn", "address"}:
        return c in software.identity_types
    from .model import canonical

    enc = canonical("encryption", capability)
    integ = canonical("integrity", capability)
    return any(
        enc in a.ike_encryption or enc in a.esp_encryption or integ in a.ike_integrity or integ in a.esp_integrity
        for a in sets
    )
