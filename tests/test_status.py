"""Tunnel status from operational output (vpnconf.status): the core behaviour, naming no
vendor. Vendors come from discovery (vendors/*/); each vendor's samples and their
expected results are checked by tests/test_conformance_status.py, odd layouts of one
vendor by vendors/<id>/tests/test_<id>_status.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import vpnconf.status as status_mod
from vpnconf.findings import VpnconfError
from vpnconf.paths import vendor_dirs
from vpnconf.status import format_status, read_status, read_status_file, status_templates

STATUS_VENDORS = [vid for vid in vendor_dirs() if status_templates(vid)]


def local_samples(vid: str) -> list[tuple[Path, str]]:
    """(sample .txt, its command) of one vendor, from the .yaml beside each."""
    folder = vendor_dirs()[vid] / "status" / "samples"
    out = []
    for txt in sorted(folder.glob("*.txt")):
        doc = yaml.safe_load(txt.with_suffix(".yaml").read_text(encoding="utf-8"))
        out.append((txt, doc["command"]))
    return out


def any_sample() -> tuple[str, Path]:
    """The first vendor (by discovery order) with a sample in the project."""
    for vid in STATUS_VENDORS:
        if samples := local_samples(vid):
            return vid, samples[0][0]
    pytest.fail("no vendor has a status sample")


def rules(result: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in result["findings"]]


# ------------------------------------------------------------------ templates
def test_status_templates_are_the_textfsm_files_of_each_vendor_folder():
    assert STATUS_VENDORS, "no vendor with status templates discovered"
    for vid, folder in vendor_dirs().items():
        tpls = status_templates(vid)
        assert [t.path for t in tpls] == sorted((folder / "status").glob("*.textfsm")), vid
        commands = [t.command for t in tpls]
        assert len(commands) == len(set(commands)), f"{vid}: one template per command: {commands}"
        for t in tpls:
            assert t.vendor == vid
            assert t.path.parent.name == "status" and t.path.parent.parent.name == vid
            assert t.detect is not None, f"{t.path}: no Detect header"


def test_a_vendor_without_status_templates_is_one_clear_error(monkeypatch):
    vid = STATUS_VENDORS[0]
    monkeypatch.setattr(status_mod, "status_templates", lambda _vid: ())
    with pytest.raises(VpnconfError, match=rf"^vendor {vid} has no status templates"):
        read_status("anything\n", vid, "x.txt")


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty input"),
        ("  \n\t\n", "empty input"),
        ("Building configuration...\ncrypto isakmp policy 10\n encr aes 256\n", "not a {vid} status"),
        ("%Error opening tftp://x (Timed out)\n", "not a {vid} status"),
        ("random words\n1 2 3\n", "not a {vid} status"),
        ("garbage", "not a {vid} status"),
        ("no SAs here\n", "not a {vid} status"),
        ("a\x00b\n", "binary data"),
    ],
)
def test_bad_input_is_one_clear_error_naming_the_file(text, expected):
    for vid in STATUS_VENDORS:
        with pytest.raises(VpnconfError) as exc:
            read_status(text, vid, "device-output.txt")
        msg = str(exc.value)
        assert msg.startswith("device-output.txt: ") and expected.format(vid=vid) in msg, (vid, msg)
        assert "\n" not in msg and "Traceback" not in msg
        assert "looks like" not in msg, (vid, msg)  # no vendor claims junk


def test_bytes_are_not_text():
    vid, sample = any_sample()
    with pytest.raises(VpnconfError, match=r"^out\.bin: expected text, got bytes$"):
        read_status(sample.read_bytes(), vid, "out.bin")  # type: ignore[arg-type]


def test_unknown_vendor_and_missing_file():
    with pytest.raises(VpnconfError, match="unknown vendor"):
        read_status("x", "no-such-vendor", "x.txt")
    with pytest.raises(VpnconfError, match="no such file"):
        read_status_file("/nonexistent/show.txt", STATUS_VENDORS[0])


# ------------------------------------------------------------------ line ends, files
def test_crlf_cr_and_bom_read_like_plain_text(tmp_path):
    vid, sample = any_sample()
    text = sample.read_text(encoding="utf-8")
    plain = read_status(text, vid, "out.txt")
    for variant in (text.replace("\n", "\r\n"), text.replace("\n", "\r"), "\ufeff" + text):
        assert read_status(variant, vid, "out.txt") == plain
    path = tmp_path / "out.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    from_file = read_status_file(str(path), vid)
    assert from_file["file"] == str(path)
    assert (from_file["command"], from_file["tunnels"], rules(from_file)) == (
        plain["command"],
        plain["tunnels"],
        rules(plain),
    )


def test_two_outputs_in_one_file_are_read_part_by_part():
    by_vendor = {vid: local_samples(vid) for vid in STATUS_VENDORS}
    pairs = [(vid, s) for vid, s in by_vendor.items() if len({c for _, c in s}) > 1]
    if not pairs:
        pytest.skip("no vendor has samples of two commands")
    for vid, samples in pairs:
        (a, cmd_a), (b, cmd_b) = next((x, y) for i, x in enumerate(samples) for y in samples[i + 1 :] if x[1] != y[1])
        one_a = read_status(a.read_text(encoding="utf-8"), vid, "a.txt")
        one_b = read_status(b.read_text(encoding="utf-8"), vid, "b.txt")
        text = a.read_text(encoding="utf-8") + b.read_text(encoding="utf-8")
        result = read_status(text, vid, "both.txt")
        assert [p["command"] for p in result["parts"]] == [cmd_a, cmd_b], vid
        assert result["command"] == f"{cmd_a} + {cmd_b}"
        assert result["tunnels"] == one_a["tunnels"] + one_b["tunnels"], vid
        assert [p["tunnels"] for p in result["parts"]] == [len(one_a["tunnels"]), len(one_b["tunnels"])]
        assert "status.ambiguous-command" not in rules(result), vid


# ------------------------------------------------------------------ text report
def test_format_status_report():
    result = {
        "vendor": "some_vendor",
        "command": "show sas",
        "file": "dev.txt",
        "tunnels": [
            {
                "name": "t1",
                "peer": "203.0.113.10",
                "local": "198.51.100.2",
                "phase1": {"state": "UP", "established": True, "version": 2},
                "phase2": [
                    {
                        "local_ts": "10.0.0.0/24",
                        "remote_ts": "172.16.0.0/24",
                        "state": None,
                        "established": True,
                        "spi_in": "0x00000001",
                        "spi_out": "0x00000002",
                        "packets_in": 3,
                        "packets_out": 4,
                        "bytes_in": 100,
                    },
                    {"local_ts": None, "remote_ts": None, "state": None, "established": False},
                ],
            },
            {"peer": "192.0.2.7", "phase1": {"state": None, "established": None, "version": None}, "phase2": None},
            {"peer": "192.0.2.8", "phase1": None, "phase2": []},
        ],
        "findings": [
            {"rule": "status.phase2-down", "severity": "warning", "message": "t1 down", "path": "", "file": "dev.txt"}
        ],
    }
    assert format_status(result) == (
        "dev.txt: some_vendor 'show sas', 3 tunnel(s)\n"
        "  t1 peer 203.0.113.10 local 198.51.100.2  phase1 IKEv2 up (UP)\n"
        "    phase2 up 10.0.0.0/24 === 172.16.0.0/24"
        "  spi in 0x00000001 out 0x00000002; packets in 3 out 4; bytes in 100 out -\n"
        "    phase2 DOWN ? === ?\n"
        "  - peer 192.0.2.7  phase1 ? (state not shown)\n"
        "  - peer 192.0.2.8\n"
        "  warning status.phase2-down: t1 down\n"
    )


def test_format_status_of_every_sample_has_a_line_per_tunnel_and_finding():
    for vid in STATUS_VENDORS:
        for sample, command in local_samples(vid):
            result = read_status(sample.read_text(encoding="utf-8"), vid, sample.name)
            lines = format_status(result).splitlines()
            assert lines[0] == f"{sample.name}: {vid} '{command}', {len(result['tunnels'])} tunnel(s)"
            for t in result["tunnels"]:
                assert any(f" peer {t['peer']}" in line for line in lines), (sample, t["peer"])
            for f in result["findings"]:
                assert f"  {f['severity']} {f['rule']}: {f['message']}" in lines
