"""Status conformance: every vendor folder found by discovery (``vendors/<id>/``) with
status templates is checked against its own samples. Nothing here names a vendor.

A sample is ``vendors/<id>/status/samples/<name>.txt`` (the output of one command)
with ``<name>.yaml`` beside it::

    command: <the command>                # as its status template reports it
    expect:                               # the expected read_status result (a subset)
      tunnels: [...]
      findings: [...]

or, for a real output kept in the shared corpus and never copied into the project,
``<name>.corpus.yaml`` with ``corpus: show_outputs/<file>`` (a path under
``../shared/corpus``) and no ``.txt``. Those skip when ``../shared`` is absent and
fail in CI.

``expect`` is matched as a subset: every key given must be there and equal, lists
must have the same length and match item by item, values match with their type
(``true`` is not ``1``). Two markers go inside a mapping: ``_absent: [key, ...]``
(these keys must not be there) and ``_exact: true`` (no keys but the given ones).

Checked for every sample: its command is detected (from a header, one command
only), the result matches ``expect``, the output is read by no other vendor (which
says it looks like this vendor's output), and each alias of the vendor reads it
too. For every vendor: every status template has at least one sample, and every
sample's provenance is in the folder's README.md (or a ``README.<topic>.md`` beside it). The status conventions
(vendors/README.md): every template declares its lines (``# Skip:``/``# Data:``;
xfail for templates written before the convention) and every sample pasted
flush-left reads the same tunnels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import IN_CI, SHARED
from vpnconf.catalog import get_vendor
from vpnconf.findings import VpnconfError
from vpnconf.paths import vendor_dirs
from vpnconf.status import read_status, status_templates

CORPUS = SHARED / "corpus"
_KEYS = {"command", "expect", "corpus"}
_MARKERS = {"_absent", "_exact"}


@dataclass(frozen=True)
class Sample:
    vendor: str
    spec: Path  # the .yaml (or .corpus.yaml)
    text_file: Path | None  # the .txt beside it; None for a corpus-backed sample

    @property
    def name(self) -> str:
        """The file that holds the output, as named in read_status messages."""
        if self.text_file is not None:
            return f"{self.vendor}/{self.text_file.name}"
        return f"{self.vendor}/{self.data().get('corpus')}"

    def data(self) -> dict[str, Any]:
        doc = yaml.safe_load(self.spec.read_text(encoding="utf-8"))
        assert isinstance(doc, dict), f"{self.spec}: not a mapping"
        return doc

    def text(self) -> str:
        if self.text_file is not None:
            return self.text_file.read_text(encoding="utf-8")
        path = CORPUS / str(self.data()["corpus"])
        if not SHARED.is_dir():
            if IN_CI:
                pytest.fail(f"{self.spec}: CI must have the shared corpus ({SHARED}) to read {path}")
            pytest.skip(f"{self.spec.name} reads the shared corpus, not here: {SHARED} is absent")
        assert path.is_file(), f"{self.spec}: corpus file {path} is missing from {SHARED}"
        return path.read_text(encoding="utf-8")


def status_vendors() -> list[str]:
    """Vendors with status templates."""
    return [vid for vid in vendor_dirs() if status_templates(vid)]


def samples_dir(vid: str) -> Path:
    return vendor_dirs()[vid] / "status" / "samples"


def vendor_samples(vid: str) -> list[Sample]:
    folder = samples_dir(vid)
    if not folder.is_dir():
        return []
    out = []
    for spec in sorted(folder.glob("*.yaml")):
        if spec.name.endswith(".corpus.yaml"):
            out.append(Sample(vid, spec, None))
        else:
            out.append(Sample(vid, spec, spec.with_suffix(".txt")))
    return out


ALL_SAMPLES = [s for vid in status_vendors() for s in vendor_samples(vid)]


def sample_id(s: Sample) -> str:
    return f"{s.vendor}/{s.spec.name}"


def match(actual: Any, expected: Any, where: str = "result") -> None:
    """``expected`` is a subset of ``actual`` (see the module doc)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected a mapping, got {actual!r}"
        unknown = {k for k in expected if k.startswith("_")} - _MARKERS
        assert not unknown, f"{where}: unknown marker(s) {sorted(unknown)} (known: {sorted(_MARKERS)})"
        for k in expected.get("_absent", ()):
            assert k not in actual, f"{where}.{k}: expected absent, got {actual[k]!r}"
        keys = [k for k in expected if not k.startswith("_")]
        if expected.get("_exact"):
            extra = sorted(set(actual) - set(keys))
            assert not extra, f"{where}: keys not in the expected (exact) mapping: {extra}"
        for k in keys:
            assert k in actual, f"{where}.{k}: missing (keys: {sorted(actual)})"
            match(actual[k], expected[k], f"{where}.{k}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{where}: {len(actual)} items, expected {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            match(a, e, f"{where}[{i}]")
    else:
        assert actual == expected and type(actual) is type(expected), f"{where}: got {actual!r}, expected {expected!r}"


# ------------------------------------------------------------------ the checks themselves
def test_match_is_a_subset_match_with_markers():
    got = {"a": 1, "b": [{"c": None, "d": "x"}], "e": True}
    match(got, {"a": 1, "b": [{"c": None}]})
    match(got, {"b": [{"_absent": ["z"], "d": "x"}]})
    match(got["b"][0], {"_exact": True, "c": None, "d": "x"})
    for wrong in (
        {"a": 2},
        {"a": "1"},
        {"e": 1},  # a bool is not an int
        {"b": []},  # list lengths differ
        {"b": [{"c": None}, {"c": None}]},
        {"b": [{"_absent": ["d"]}]},
        {"b": [{"_exact": True, "c": None}]},
        {"z": None},  # None must be there, as None
        {"_typo": 1},
    ):
        with pytest.raises(AssertionError):
            match(got, wrong)


# ------------------------------------------------------------------ per vendor
def test_vendors_with_status_templates_are_discovered():
    assert status_vendors(), "no vendor folder with status templates found"
    assert ALL_SAMPLES, "no status samples found"


@pytest.mark.parametrize("vid", status_vendors())
def test_sample_files_pair_up(vid):
    """Every .txt has its .yaml, every .yaml its .txt or a corpus reference; no stray files."""
    folder = samples_dir(vid)
    assert folder.is_dir(), f"{folder} is missing"
    for txt in sorted(folder.glob("*.txt")):
        assert txt.with_suffix(".yaml").is_file(), f"{txt}: no {txt.with_suffix('.yaml').name} with its expected result"
    for s in vendor_samples(vid):
        doc = s.data()
        assert set(doc) <= _KEYS, f"{s.spec}: unknown keys {sorted(set(doc) - _KEYS)}"
        assert isinstance(doc.get("command"), str) and doc["command"], f"{s.spec}: no command"
        assert isinstance(doc.get("expect"), dict), f"{s.spec}: no expect mapping"
        if s.text_file is None:
            assert isinstance(doc.get("corpus"), str), f"{s.spec}: a .corpus.yaml names its corpus file"
            assert not s.spec.with_name(s.spec.name.removesuffix(".corpus.yaml") + ".txt").exists(), (
                f"{s.spec}: a corpus-backed sample is never copied into the project"
            )
        else:
            assert "corpus" not in doc, f"{s.spec}: corpus-backed samples are named <name>.corpus.yaml"
            assert s.text_file.is_file(), f"{s.spec}: its sample {s.text_file.name} is missing"
    others = {p.name for p in folder.iterdir()} - {p.name for p in provenance_files(vid)}
    others -= {p.name for p in folder.glob("*.txt")} | {p.name for p in folder.glob("*.yaml")}
    assert not others, f"{folder}: files that are no sample: {sorted(others)}"


@pytest.mark.parametrize("vid", status_vendors())
def test_every_status_template_has_a_sample(vid):
    """Like ntc-templates: a template without a sample fails."""
    covered = {s.data()["command"] for s in vendor_samples(vid)}
    missing = [t.path.name for t in status_templates(vid) if t.command not in covered]
    assert not missing, f"{vid}: status templates without a sample in {samples_dir(vid)}: {missing}"


def provenance_files(vid: str) -> list[Path]:
    """``README.md`` of a samples folder and any ``README.<topic>.md`` beside it
    (samples added by another change list their provenance in a file of their own)."""
    folder = samples_dir(vid)
    return sorted(p for p in folder.glob("README*.md") if p.name == "README.md" or p.name.count(".") == 2)


@pytest.mark.parametrize("vid", status_vendors())
def test_every_sample_has_its_provenance(vid):
    readme = samples_dir(vid) / "README.md"
    assert readme.is_file(), f"{readme} is missing: say where each sample comes from"
    text = "\n".join(p.read_text(encoding="utf-8") for p in provenance_files(vid))
    for s in vendor_samples(vid):
        shown = s.text_file.name if s.text_file is not None else s.spec.name
        assert f"`{shown}`" in text, f"{readme} (or a README.<topic>.md beside it): no line for {shown}"


# ------------------------------------------------------------------ per sample
@pytest.mark.parametrize("s", ALL_SAMPLES, ids=sample_id)
def test_sample_reads_as_expected(s):
    doc = s.data()
    text = s.text()
    result = read_status(text, s.vendor, s.name)
    assert (result["vendor"], result["file"]) == (s.vendor, s.name)
    assert result["command"] == doc["command"], f"{s.spec}: detected as {result['command']!r}"
    rules = [f["rule"] for f in result["findings"]]
    assert not {"status.ambiguous-command", "status.detected-by-records"} & set(rules), rules
    assert json.loads(json.dumps(result)) == result  # JSON-ready
    match(result, doc["expect"])


@pytest.mark.parametrize("s", ALL_SAMPLES, ids=sample_id)
def test_sample_is_read_by_no_other_vendor(s):
    text = s.text()
    command = s.data()["command"]
    for other in status_vendors():
        if other == s.vendor:
            continue
        with pytest.raises(VpnconfError) as exc:
            read_status(text, other, s.name)
        msg = str(exc.value)
        assert "\n" not in msg and msg.startswith(f"{s.name}: "), msg
        assert f"looks like {s.vendor} '{command}' output (try --vendor {s.vendor})" in msg, f"as {other}: {msg}"


@pytest.mark.parametrize("vid", status_vendors())
def test_vendor_aliases_read_its_samples(vid):
    local = [s for s in vendor_samples(vid) if s.text_file is not None]
    if not local:
        pytest.skip(f"{vid} has only corpus-backed samples")
    text = local[0].text()
    for alias in get_vendor(vid).aliases:
        assert read_status(text, alias, local[0].name)["vendor"] == vid, alias


# ------------------------------------------------------------------ the status conventions (vendors/README.md)
ALL_TEMPLATES = [t for vid in status_vendors() for t in status_templates(vid)]


@pytest.mark.parametrize("tpl", ALL_TEMPLATES, ids=lambda t: f"{t.vendor}/{t.path.name}")
def test_status_template_declares_its_lines(tpl):
    """Every template says which lines carry no data (``# Skip:``) or which do
    (``# Data:``), so that a row it cannot read is an error, never a silent gap.
    Templates written before the convention are marked xfail until converted."""
    if not tpl.declares_lines:
        pytest.xfail(f"{tpl.path}: no '# Skip:' or '# Data:' lines yet (vendors/README.md, status templates)")


def _flush_left(text: str) -> str:
    from vpnconf.status import clean_output

    return "\n".join(line.lstrip() for line in clean_output(text).split("\n"))


@pytest.mark.parametrize("s", ALL_SAMPLES, ids=sample_id)
def test_sample_reads_the_same_pasted_flush_left(s):
    """A paste that lost its indentation gives the same tunnels, through the
    indentation-tolerant rules (unless the template declares ``# Indent: strict``)."""
    text = s.text()
    tpl = next(t for t in status_templates(s.vendor) if t.command == s.data()["command"])
    if tpl.indent == "strict":
        pytest.skip(f"{tpl.path.name} declares '# Indent: strict'")
    plain = read_status(text, s.vendor, s.name)
    flush = read_status(_flush_left(text), s.vendor, s.name)
    same = flush["tunnels"] == plain["tunnels"]
    if not same and not tpl.declares_lines:
        pytest.xfail(f"{tpl.path}: not converted to the status conventions yet; flush-left paste reads differently")
    assert same, f"{tpl.path}: a flush-left paste reads differently (write rules that tell lines apart by words)"
    assert "status.unread" not in [f["rule"] for f in flush["findings"]]
