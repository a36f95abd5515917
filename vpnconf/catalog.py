"""The vendor catalog: ``vendors/<id>/vendor.yaml`` files, discovered, never
listed in code. Each file holds the vendor's catalog entries
(DescribeCustomerGatewayVendors), its keyword tables (canonical value ->
vendor keyword, used forwards by the renderer and backwards by the parsers)
and, per software version range, what the platform supports."""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

from .findings import VpnconfError
from .paths import data_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

KEYWORD_TABLES = ("ike_encryption", "ike_integrity", "dh_group", "esp_encryption", "esp_integrity", "pfs_group")

# Plain classes, not pydantic: `vpnconf vendors` must start fast (see
# benchmarks/run.py startup). Vendor files are checked strictly all the same.


class _Data:
    """A record built from a vendor file's mapping: required and optional keys,
    unknown keys rejected with the file and the key named."""

    REQUIRED: tuple[str, ...] = ()
    OPTIONAL: dict[str, Any] = {}

    def __init__(self, data: dict[str, Any], where: str) -> None:
        if not isinstance(data, dict):
            raise VpnconfError(f"{where}: expected a mapping")
        unknown = set(data) - set(self.REQUIRED) - set(self.OPTIONAL)
        if unknown:
            raise VpnconfError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        missing = [k for k in self.REQUIRED if k not in data]
        if missing:
            raise VpnconfError(f"{where}: missing key(s) {', '.join(missing)}")
        for k in self.REQUIRED:
            setattr(self, k, data[k])
        for k, default in self.OPTIONAL.items():
            v = data.get(k, default)
            setattr(self, k, list(v) if isinstance(v, list) else v)


class AlgorithmSet(_Data):
    REQUIRED = ("ike_encryption", "ike_integrity", "dh_groups", "esp_encryption", "esp_integrity", "pfs_groups")
    ike_encryption: list[str]
    ike_integrity: list[str]
    dh_groups: list[int]
    esp_encryption: list[str]
    esp_integrity: list[str]
    pfs_groups: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.REQUIRED}


class Software(_Data):
    REQUIRED = (
        "platform",
        "range",
        "releases",
        "ike_versions",
        "modes",
        "ike_lifetime_seconds",
        "ipsec_lifetime_seconds",
    )
    OPTIONAL = {
        "identity_types": ["address", "fqdn"],
        "ikev1": None,
        "ikev2": None,
        "ipsec_lifetime_kb": None,
        "max_selector_pairs": None,
        "notes": "",
        # the variants this release has, each with the IKE versions it takes
        # there (None: every variant of the vendor, as the variant says)
        "variants": None,
    }
    platform: str
    range: str
    releases: list[str]
    ike_versions: list[int]
    modes: list[str]
    identity_types: list[str]
    ikev1: AlgorithmSet | None
    ikev2: AlgorithmSet | None
    ike_lifetime_seconds: tuple[int, int]
    ipsec_lifetime_seconds: tuple[int, int]
    ipsec_lifetime_kb: tuple[int, int] | None
    max_selector_pairs: int | None
    notes: str
    variants: dict[str, list[int]] | None

    def __init__(self, data: dict[str, Any], where: str) -> None:
        super().__init__(data, where)
        for ver in (1, 2):
            raw = getattr(self, f"ikev{ver}")
            setattr(self, f"ikev{ver}", None if raw is None else AlgorithmSet(raw, f"{where}.ikev{ver}"))
            if ver in self.ike_versions and getattr(self, f"ikev{ver}") is None:
                raise VpnconfError(f"{where}: IKEv{ver} listed without its ikev{ver} algorithm sets")
        for k in ("ike_lifetime_seconds", "ipsec_lifetime_seconds", "ipsec_lifetime_kb"):
            v = getattr(self, k)
            if v is not None:
                if not (isinstance(v, list | tuple) and len(v) == 2):
                    raise VpnconfError(f"{where}.{k}: expected [min, max]")
                setattr(self, k, (int(v[0]), int(v[1])))
        self.notes = " ".join(str(self.notes).split())

    def matches(self, version: tuple[int, ...]) -> bool:
        return version_in_range(version, self.range)

    def algorithms(self, ike_version: int) -> AlgorithmSet | None:
        return self.ikev1 if ike_version == 1 else self.ikev2

    def variant_ike_versions(self, name: str, variant: Variant) -> list[int]:
        """The IKE versions a variant takes on this release ([] when the
        release does not have the variant)."""
        both = set(self.ike_versions) & set(variant.ike_versions)
        if self.variants is not None:
            both &= set(self.variants.get(name, []))
        return sorted(both)


class Variant(_Data):
    REQUIRED = ("files", "description")
    # serves: the tunnel kinds it writes faithfully, its own kind first: policy
    # (SPD selectors as they are) and/or route (a tunnel interface: any/any, or
    # the SPD as narrowed selectors); bgp: the templates write a BGP session
    # health_check: the templates write the cloud's health-check addresses on the tunnel
    # interface in a form the parser reads back (a point-to-point address pair): true,
    # false, or "without-bgp" (only on a tunnel without a BGP session)
    OPTIONAL = {
        "ike_versions": [1, 2],
        "serves": ["policy"],
        "bgp": False,
        "health_check": False,
        "modes": ["main", "aggressive"],
    }
    # output file name -> template file (in vendors/<id>/templates/); one entry for
    # most variants, two for strongSwan's ipsec.conf + ipsec.secrets
    files: dict[str, str]
    description: str
    ike_versions: list[int]
    serves: list[str]
    bgp: bool
    health_check: bool | str
    modes: list[str]  # the IKEv1 modes the templates can write

    def __init__(self, data: dict[str, Any], where: str) -> None:
        super().__init__(data, where)
        if self.health_check not in (True, False, "without-bgp"):
            raise VpnconfError(f"{where}: health_check is true, false or without-bgp, not {self.health_check!r}")

    def writes_health_check(self, bgp: bool) -> bool:
        """Whether the templates write (readably) the health check of a tunnel
        with (``bgp``) or without a BGP session."""
        return self.health_check is True or (self.health_check == "without-bgp" and not bgp)


class Platform(_Data):
    REQUIRED = ("id", "name")
    OPTIONAL = {"aliases": []}
    id: str
    name: str  # catalog Platform string
    aliases: list[str]


class Vendor(_Data):
    REQUIRED = ("id", "name", "catalog_vendor", "platforms", "default_variant", "variants", "keywords", "software")
    OPTIONAL = {
        "aliases": [],
        "psk_forbidden": "",
        "psk_refuse": [],  # [{re, why}]: keys the device would read as something else
        "name_max": 60,
        "sources": [],
        "behaviour": {},
        "name_forbidden": "",
        # what the shared parsing layer (vpnconf/parsing/) reads; see vendors/README.md
        "secrets": {},  # {keywords: [...], modifiers: [...]}: key-bearing tokens for the redactor
        "detect": {},  # {patterns: [{re, weight, why}], not: [{re, why}], threshold}
        "grammar": {},  # syntax family and its data: abbreviations, block children (re-indentation)
        "defaults": {},  # documented defaults per release, for settings a config leaves out
        "spellings": {},  # second spellings the device prints for one canonical value, per table
        "proposal_sets": {},  # predefined proposal sets (Junos standard/compatible, ...)
        # files the device's daemon reads beside the one given ([{beside: NAME, read: [relative paths]}]):
        # read too when they are there and were not given (vpnconf/sources.py)
        "companions": [],
        "lab": None,
        "proposal_lists": False,  # its templates write every proposal of ike/ipsec.proposals  # {variant, file}: the daemon the lab runs is this vendor's, rendered so
    }
    id: str
    name: str
    catalog_vendor: str  # VendorName in DescribeCustomerGatewayVendors
    aliases: list[str]
    platforms: list[Platform]
    default_variant: str
    variants: dict[str, Variant]
    keywords: dict[str, Any]
    psk_forbidden: str  # characters a key cannot hold on this vendor's CLI
    psk_refuse: list[dict[str, str]]
    name_max: int  # longest object name the vendor accepts
    name_forbidden: str  # characters the model allows in names but this vendor's syntax cannot take
    software: list[Software]
    sources: list[str]
    # where this vendor's negotiation differs from strongSwan's (see compat.py)
    behaviour: dict[str, Any]
    secrets: dict[str, Any]
    detect: dict[str, Any]
    grammar: dict[str, Any]
    defaults: dict[str, Any]
    spellings: dict[str, Any]
    proposal_sets: dict[str, Any]
    companions: list[dict[str, Any]]
    lab: dict[str, str] | None
    proposal_lists: bool

    def __init__(self, data: dict[str, Any], where: str) -> None:
        super().__init__(data, where)
        raw: dict[str, Any] = data
        self.platforms = [Platform(p, f"{where}.platforms[{i}]") for i, p in enumerate(raw["platforms"])]
        self.variants = {k: Variant(v, f"{where}.variants.{k}") for k, v in raw["variants"].items()}
        self.software = [Software(sw, f"{where}.software[{i}]") for i, sw in enumerate(raw["software"])]
        self.keywords = _int_keys(raw["keywords"])
        if self.default_variant not in self.variants:
            raise VpnconfError(f"{where}: default_variant {self.default_variant!r} is not a variant")
        plats = {p.id for p in self.platforms}
        for i, sw in enumerate(self.software):
            if sw.platform not in plats:
                raise VpnconfError(f"{where}.software[{i}]: unknown platform {sw.platform!r}")

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

    def variant(self, name: str | None, kind: str | None = None, *, same_kind: bool = False) -> tuple[str, Variant]:
        """A variant by name; without one, the default, or for a tunnel of
        ``kind`` (policy/route) the first variant that serves it; with
        ``same_kind`` (translate keeps the tunnel's kind) the first variant
        whose own kind (first of ``serves``) it is, if any."""
        if name is None and kind is not None:
            default = self.variants[self.default_variant]
            if same_kind and default.serves[0] != kind:
                name = next((k for k, v in self.variants.items() if v.serves[0] == kind), None)
            if name is None and kind not in default.serves:
                name = next((k for k, v in self.variants.items() if kind in v.serves), None)
        key = name or self.default_variant
        if key not in self.variants:
            raise VpnconfError(f"vendor {self.id} has no variant {key!r}; known: {', '.join(self.variants)}")
        return key, self.variants[key]


@cache
def fold(s: str) -> str:
    return re.sub(r"[\s_-]+", "", s.strip().lower())


@cache
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


@cache
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


def _int_keys(obj: Any) -> Any:
    """JSON turns the YAML's integer keys (DH groups) into strings: undo that."""
    if isinstance(obj, dict):
        return {(int(k) if isinstance(k, str) and k.isdigit() else k): _int_keys(v) for k, v in obj.items()}
    return obj


def _cache_path(folder: Path, stamp: str) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vpnconf"
    import hashlib

    return base / f"catalog-{hashlib.sha256((str(folder) + stamp).encode()).hexdigest()[:16]}.json"


def _load_raw(folder: Path) -> dict[str, Any]:
    """The vendor files as data. Parsed YAML is cached as JSON, keyed on the
    files' names, sizes and modification times, so start-up skips PyYAML."""
    from .paths import vendor_dirs

    files = [d / "vendor.yaml" for d in vendor_dirs().values()]
    stamp = ";".join(f"{p}:{st.st_size}:{st.st_mtime_ns}" for p in files for st in (p.stat(),))
    cache_file = _cache_path(folder, stamp)
    try:
        with cache_file.open(encoding="utf-8") as fh:
            cached: dict[str, Any] = json.load(fh)
        return cached
    except (OSError, ValueError):
        pass
    from .safeload import MAX_YAML_BYTES, load_text

    raw: dict[str, Any] = {}
    for p in files:  # bounded like every input: a vendor folder may come from $VPNCONF_VENDOR_PATH
        if p.stat().st_size > MAX_YAML_BYTES:
            raise VpnconfError(f"{p}: larger than {MAX_YAML_BYTES // 1024} KiB")
        raw[str(p)] = load_text(p.read_text(encoding="utf-8"), str(p)).data
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(raw), encoding="utf-8")
        os.replace(tmp, cache_file)
    except OSError:
        pass  # a read-only home: no cache, still correct
    return raw


@cache
def vendors() -> dict[str, Vendor]:
    """Every vendor file in vendors/, by id."""
    out: dict[str, Vendor] = {}
    for path, data in _load_raw(data_dir("vendors")).items():
        v = Vendor(data, path)
        if v.id != Path(path).parent.name:
            raise VpnconfError(f"{path}: id {v.id!r} differs from the folder name")
        out[v.id] = v
    return out


@cache
def _alias_index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for v in vendors().values():
        for a in (v.id, *v.aliases):
            idx[fold(a)] = v.id
    return idx


@cache
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
    from .names import canonical

    enc = canonical("encryption", capability)
    integ = canonical("integrity", capability)
    return any(
        enc in a.ike_encryption or enc in a.esp_encryption or integ in a.ike_integrity or integ in a.esp_integrity
        for a in sets
    )


@cache
def lab_vendor() -> Vendor:
    """The vendor whose daemon the lab runs (``lab:`` in its vendor.yaml):
    exactly one vendor says so."""
    labs = [v for v in vendors().values() if v.lab]
    if len(labs) != 1:
        raise VpnconfError(f"the lab needs exactly one vendor with a 'lab:' entry; found {len(labs)}")
    return labs[0]
