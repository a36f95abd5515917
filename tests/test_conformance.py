"""The conformance suite: every vendor folder (vendors/<id>/, discovered; no
vendor is named here) passes the same checks.

- the folder holds what the contract (vendors/README.md) asks for;
- every variant renders the quick start and a rich tunnel, snapshotted in
  the vendor's own folder (vendors/<id>/snapshots/, syrupy);
- every rendered output is detected as its vendor and as no other;
- every parse case (vendors/<id>/cases/*.yaml: input or corpus file plus the
  expected tunnels and findings, as data) holds;
- findings use the one vocabulary (vpnconf/parsing/vocabulary.py);
- no vendor id appears in central code or central tests.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from conftest import IN_CI, ROOT, SAMPLES, SHARED, rich_tunnel, site_with
from vpnconf.catalog import vendors
from vpnconf.findings import VpnconfError
from vpnconf.parsing import DETECT_THRESHOLD, detect_score, detect_vendor, parse_text, parser_modules
from vpnconf.parsing.vocabulary import RULES
from vpnconf.paths import vendor_dirs
from vpnconf.renderer import render, render_files

VENDORS = vendors()
DIRS = vendor_dirs()
VARIANTS = [(v.id, var) for v in VENDORS.values() for var in v.variants]
CORPUS = SHARED / "corpus"


# ------------------------------------------------------------ snapshots
class _VendorSnapshot(SingleFileSnapshotExtension):
    """One text file per snapshot, in the vendor's folder."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"
    folder: Path

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        return str(cls.folder / test_location.basename)


def vendor_snapshot(snapshot: Any, vendor_id: str) -> Any:
    ext = type(f"Snapshot_{vendor_id}", (_VendorSnapshot,), {"folder": DIRS[vendor_id] / "snapshots"})
    return snapshot.use_extension(ext)


@pytest.mark.parametrize(("vendor", "variant"), VARIANTS)
def test_quickstart_snapshot(vendor: str, variant: str, snapshot: Any) -> None:
    text = render(site_with(), "TomVPNConn", vendor, variant=variant)
    assert text == vendor_snapshot(snapshot, vendor)


@pytest.mark.parametrize(("vendor", "variant"), VARIANTS)
def test_rich_tunnel_snapshot(vendor: str, variant: str, snapshot: Any) -> None:
    sw = VENDORS[vendor].software[-1]
    v = 2 if 2 in sw.ike_versions and 2 in VENDORS[vendor].variants[variant].ike_versions else 1
    site = site_with(lambda d: rich_tunnel(d["tunnels"][0], v))
    text = render(site, "TomVPNConn", vendor, variant=variant, software=sw.releases[-1])
    assert text == vendor_snapshot(snapshot, vendor)
    for pol in site.tunnels[0].spd:
        for peer in pol.peers:
            assert str(peer.network_address) in text


ROUTE_SAMPLES = {"static": SAMPLES / "static-pair.yaml", "bgp": SAMPLES / "bgp-pair.yaml"}
ROUTE_VARIANTS = [
    (v.id, name, kind)
    for v in VENDORS.values()
    for name, var in v.variants.items()
    if "route" in var.serves
    for kind in ("static", "bgp")
    if kind == "static" or var.bgp
]


@pytest.mark.parametrize(("vendor", "variant", "kind"), ROUTE_VARIANTS)
def test_route_based_snapshot(vendor: str, variant: str, kind: str, snapshot: Any) -> None:
    """Every variant that serves route-based tunnels: the backup tunnel of the
    static pair, and (variants that write BGP) the first tunnel of the BGP pair."""
    from vpnconf.io import require_site

    site = require_site(ROUTE_SAMPLES[kind])
    tunnel = site.tunnels[1] if kind == "static" else site.tunnels[0]
    text = render(site, tunnel.name, vendor, variant=variant)
    assert text == vendor_snapshot(snapshot, vendor)
    for n in site.vpc.cidr_blocks:
        assert str(n.network_address) in text


# ------------------------------------------------------- folder contract
@pytest.mark.parametrize("vendor", sorted(DIRS))
def test_folder_holds_the_contract(vendor: str) -> None:
    d = DIRS[vendor]
    v = VENDORS[vendor]
    for name, var in v.variants.items():
        for tpl in var.files.values():
            assert (d / "templates" / tpl).is_file(), f"{vendor} variant {name}: templates/{tpl} missing"
    assert (d / "README.md").is_file(), f"{vendor}: README.md (sources for every keyword and default) missing"
    from vpnconf.compat import BEHAVIOURS

    undeclared = sorted(set(BEHAVIOURS) - set(v.behaviour))
    assert not undeclared, f"{vendor}: vendor.yaml behaviour does not declare {undeclared} (true, false or null)"
    if (d / "parser.py").is_file():
        cases = sorted((d / "cases").glob("*.yaml"))
        assert cases, f"{vendor}: a parser without parse cases (cases/*.yaml)"
        assert v.secrets.get("keywords"), f"{vendor}: vendor.yaml secrets.keywords (for the redactor) missing"
        src = (d / "parser.py").read_text(encoding="utf-8")
        assert f'"{vendor}"' not in src and f"'{vendor}'" not in src, (
            f"{vendor}: parser.py names its vendor id; take it from the folder (Path(__file__).parent.name)"
        )


# ------------------------------------------------------- cross-detection
def _rendered(vendor: str, variant: str) -> str:
    site = site_with()
    try:
        files = render_files(site, "TomVPNConn", vendor, variant=variant)
    except VpnconfError as exc:  # pragma: no cover - every variant renders the quick start
        pytest.fail(f"{vendor}/{variant} cannot render the quick start: {exc}")
    return "\n".join(files.values())


@pytest.mark.parametrize(("vendor", "variant"), [vv for vv in VARIANTS if vv[0] in parser_modules()])
def test_rendered_output_is_detected_as_its_vendor_only(vendor: str, variant: str) -> None:
    text = _rendered(vendor, variant)
    assert detect_vendor(text)[0] == vendor
    for other in parser_modules():
        if other != vendor:
            score, why = detect_score(other, text)
            assert score < DETECT_THRESHOLD, f"{vendor}/{variant} output scores {score} as {other}: {why}"


# ------------------------------------------------------------ parse cases
def _cases() -> list[Any]:
    out = []
    for vid, d in DIRS.items():
        for p in sorted((d / "cases").glob("*.yaml")):
            out.append(pytest.param(vid, p, id=f"{vid}/{p.stem}"))
    return out


def _case_text(vendor: str, case: dict[str, Any], path: Path) -> str:
    if "input" in case:
        return str(case["input"])
    names = case["corpus"] if isinstance(case["corpus"], list) else [case["corpus"]]
    texts = []
    for name in names:  # several files: one device, read together in this order
        src = CORPUS / name
        if not src.is_file():
            if IN_CI:
                pytest.fail(f"{path}: corpus file {src} missing: CI must run the corpus cases")
            pytest.skip(f"shared corpus not here ({src})")
        texts.append(src.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


def _proposal(p: Any) -> dict[str, Any]:
    return {
        "encryption": p.encryption,
        "integrity": p.integrity,
        "dh_group": p.dh_group,
        "additional_ke": list(p.additional_ke),
    }


def _subset(actual: Any, expected: Any, where: str) -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected a mapping, got {actual!r}"
        for k, v in expected.items():
            assert k in actual, f"{where}.{k}: not in the result ({sorted(actual)})"
            _subset(actual[k], v, f"{where}.{k}")
    elif isinstance(expected, list):
        assert isinstance(actual, list | tuple), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{where}: {len(actual)} items, expected {len(expected)}: {actual!r}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            _subset(a, e, f"{where}[{i}]")
    else:
        if isinstance(actual, tuple):
            actual = list(actual)
        assert actual == expected, f"{where}: {actual!r}, expected {expected!r}"


def _tunnel_dict(t: Any) -> dict[str, Any]:
    props = ("ike_proposals", "esp_proposals", "ah_proposals")
    d = {k: getattr(t, k) for k in t.__dataclass_fields__ if k not in (*props, "selectors")}
    for k in props:
        d[k] = [_proposal(p) for p in getattr(t, k)]
    d["selectors"] = [list(s) for s in t.selectors]
    for k in ("local_id", "peer_id"):
        i = getattr(t, k)
        d[k] = None if i is None else {"type": i.type, "value": i.value}
    from dataclasses import asdict

    for k in ("bgp", "cert"):
        if getattr(t, k) is not None:
            d[k] = asdict(getattr(t, k))
    return d


@pytest.mark.parametrize(("vendor", "path"), _cases())
def test_parse_case(vendor: str, path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(case) - {"description", "input", "corpus", "detect", "expect"}
    assert not unknown, f"{path}: unknown key(s) {unknown}"
    assert case.get("description"), f"{path}: a case says what it shows (description)"
    text = _case_text(vendor, case, path)
    if case.get("detect", False):
        assert detect_vendor(text)[0] == vendor
    dev = parse_text(text, path.name, vendor)
    expect = case.get("expect") or {}
    if "tunnels" in expect:
        got = [_tunnel_dict(t) for t in dev.tunnels]
        _subset(got, expect["tunnels"], "tunnels")
    if "tunnel_count" in expect:
        assert len(dev.tunnels) == expect["tunnel_count"]
    if "proposal_sets" in expect:  # device-wide proposals, held once (ParsedDevice.proposal_sets)
        from dataclasses import asdict

        sets = {
            n: {**asdict(ps), "proposals": [_proposal(p) for p in ps.proposals]} for n, ps in dev.proposal_sets.items()
        }
        _subset(sets, expect["proposal_sets"], "proposal_sets")
    findings = [f.as_dict() for f in dev.findings]
    for want in expect.get("findings", []):
        want = dict(want)
        contains = want.pop("contains", None)
        count = want.pop("count", None)
        hits = [
            f
            for f in findings
            if all(f.get(k) == v for k, v in want.items()) and (contains is None or contains in f["message"])
        ]
        seen = [(f["rule"], f["line"], f["message"]) for f in findings]
        assert hits, f"no finding {want} (contains {contains!r}); findings: {seen}"
        if count is not None:
            assert len(hits) == count, f"{len(hits)} findings {want}, expected {count}: {seen}"
    for sev_or_rule in expect.get("no_findings", []):
        bad = [f for f in findings if sev_or_rule in (f["severity"], f["rule"])]
        assert not bad, f"unexpected {sev_or_rule} findings: {bad}"
    for secret in expect.get("not_in_messages", []):
        leaked = [f["message"] for f in findings if secret in f["message"]]
        assert not leaked, f"{secret!r} printed in findings: {leaked}"
    assert not dev.unknown_rules(), f"rule ids outside the vocabulary: {dev.unknown_rules()}"
    assert dev.vendor == vendor, "a parser takes its vendor id from its folder, never a literal"


# --------------------------------------------------------- central code
def test_no_vendor_id_in_central_code_or_tests() -> None:
    """Vendors live in their folders: no vendor id in vpnconf/ or in tests/
    (this file discovers them; data under vendors/ may name them)."""
    ids = sorted(DIRS, key=len, reverse=True)
    word = re.compile(r"(?<![\w/.-])(" + "|".join(map(re.escape, ids)) + r")(?![\w/.-])")
    hits = []
    for folder in (ROOT / "vpnconf", ROOT / "tests"):
        for p in sorted(folder.rglob("*")):
            if p.suffix not in {".py", ".j2", ".yaml", ".md", ".txt"} or "__snapshots__" in p.parts:
                continue
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
                m = word.search(line)
                if m:
                    hits.append(f"{p.relative_to(ROOT)}:{n}: {m.group(1)}")
    assert not hits, "vendor ids in central code/tests:\n" + "\n".join(hits[:40]) + f"\n({len(hits)} in all)"


def test_every_rule_id_is_documented_in_the_vendor_contract() -> None:
    text = (ROOT / "vendors" / "README.md").read_text(encoding="utf-8")
    missing = [r for r in RULES if f"`{r}`" not in text]
    assert not missing, f"vendors/README.md does not document {missing}"


# ------------------------------------------------ output grows with the tunnels
def _device_of(vendor: str, n: int) -> str:
    """One device of ``n`` tunnels as the vendor's default variant writes them:
    each tunnel rendered on its own from one site, the texts joined (as a
    config assembled from per-tunnel snippets is)."""
    import copy

    from vpnconf.model import Site
    from vpnconf.renderer import join_files

    d = yaml.safe_load((SAMPLES / "quickstart.yaml").read_text())
    gw, t0 = d["vpn_gateways"][0], d["tunnels"][0]
    d["vpn_gateways"], d["tunnels"] = [], []
    for i in range(n):
        d["vpn_gateways"].append(dict(gw, name=f"gw{i}", public_ip=f"11.0.{i}.1"))
        t = copy.deepcopy(t0)
        t.update(name=f"conn{i}", vpn_gateway=f"gw{i}", pre_shared_key=f"Key-{i:04d}-x")
        t["spd"] = [{"local": f"192.168.{i}.0/24", "peers": [f"10.0.{i}.0/24"]}]
        d["tunnels"].append(t)
    site = Site.model_validate(d)
    return "\n".join(join_files(render_files(site, t, vendor)) for t in site.tunnels)


@pytest.mark.parametrize("vendor", sorted(parser_modules()))
def test_parse_output_per_tunnel_does_not_grow_with_the_tunnels(vendor: str) -> None:
    """The parse output of a device of 40 tunnels holds about 4x that of 10:
    nothing device-wide is copied into every tunnel (an interface listed once
    per repeated block in every tunnel made it tunnels x snippets)."""
    import json

    from vpnconf.parsing import redacted_tunnels

    per = []
    for n in (10, 40):
        dev = parse_text(_device_of(vendor, n), f"{vendor}-{n}.cfg", vendor)
        assert len(dev.tunnels) == n, [f.message for f in dev.findings if f.severity == "error"][:3]
        per.append(len(json.dumps(redacted_tunnels(dev))) / n)
    assert per[1] <= 1.1 * per[0], f"{per[0]:.0f} bytes a tunnel for 10 tunnels, {per[1]:.0f} for 40"


def test_a_parse_builds_no_model(tmp_path: Path) -> None:
    """Parsing (into site data, as `vpnconf parse` does) loads neither pydantic
    nor the model: route-based configs with the cloud's health check included
    (its range is read from the profile file as data)."""
    import subprocess
    import sys

    from vpnconf.io import require_site

    site = require_site(SAMPLES / "static-pair.yaml")
    files = []
    for vid in sorted(parser_modules()):
        for vname, var in vendors()[vid].variants.items():
            t = site.tunnel("TunA") if "route" in var.serves else site.tunnel("TunB")
            try:
                text = render(site, t.name, vid, variant=vname)
            except VpnconfError:
                continue
            p = tmp_path / f"{vid}-{vname}.cfg"
            p.write_text(text)
            files.append((vid, str(p)))
    code = (
        "import sys, json\n"
        "from vpnconf.parsing import parse_text, to_site_data\n"
        "for vid, path in json.loads(sys.argv[1]):\n"
        "    to_site_data(parse_text(open(path).read(), path, vid))\n"
        "print(sorted(m for m in ('pydantic', 'vpnconf.model', 'vpnconf.profiles') if m in sys.modules))\n"
    )
    import json

    r = subprocess.run([sys.executable, "-c", code, json.dumps(files)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]", (r.stdout, len(files))
