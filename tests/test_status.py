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
        read_status(sample.read_bytes(), vid, "out.bin")


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
            head = f"{sample.name}: {vid} '{command}', {len(result['tunnels'])} tunnel(s)"
            if result["bgp"]:
                head += f", {len(result['bgp'])} BGP session(s)"
            assert lines[0] == head
            for t in result["tunnels"]:
                assert any(f" peer {t['peer']}" in line for line in lines), (sample, t["peer"])
            for b in result["bgp"]:
                who = b.get("neighbor") or b["name"]
                assert any(line.startswith(f"  bgp {who}") for line in lines), (sample, who)
            for f in result["findings"]:
                assert f"  {f['severity']} {f['rule']}: {f['message']}" in lines


# ------------------------------------------------------------------ conventions, on templates of the test's own
# A made-up command ("show widget ...") read through templates written here: the
# behaviour of status.py itself, whatever the vendor folders hold.
WIDGET_SA = r"""# Command: show widget sa
# Detect: ^\s*Widget SA table\s*$
# Phase1-up: state=UP
# Phase2-up: state=INSTALLED
# Skip: ^\s*Total:
# Map: AGE=phase1.uptime_seconds LEFT=phase2.lifetime_remaining_seconds
Value Filldown,Required PEER (\S+)
Value Filldown LOCAL (\S+)
Value Filldown P1_STATE (\S+)
Value Filldown AGE (\S+)
Value P2_LOCAL_TS (\S+)
Value P2_REMOTE_TS (\S+)
Value P2_STATE (\S+)
Value P2_SPI_IN (\S+)
Value P2_SPI_OUT (\S+)
Value LEFT (\S+)

Start
  ^\s*Widget SA table\s*$$
  ^peer -> Continue.Record
  ^peer -> Continue.Clearall
  ^peer\s+${PEER}\s+local\s+${LOCAL}\s+ike\s+${P1_STATE}\s+age\s+${AGE}\s*$$
  ^\s+child\s+${P2_LOCAL_TS}\s+${P2_REMOTE_TS}\s+${P2_STATE}\s+in\s+${P2_SPI_IN}\s+out\s+${P2_SPI_OUT}\s+left\s+${LEFT}\s*$$ -> Record
"""
WIDGET_IKE = r"""# Command: show widget ike
# Detect: ^\s*Widget IKE table\s*$
# Phase1-up: state=UP
# Data: .
Value PEER (\S+)
Value P1_STATE (\S+)

Start
  ^\s*Widget IKE table\s*$$
  ^\s+ike\s+${PEER}\s+${P1_STATE}\s*$$ -> Record
"""
SA_OUT = """Widget SA table
peer 203.0.113.10 local 198.51.100.2 ike UP age 1h2m3s
   child 10.1.0.0/24 172.16.1.0/24 INSTALLED in 0xA1 out 0xB2 left 00:59:00
   child 10.1.1.0/24 172.16.1.0/24 INSTALLED in 0xA3 out 0xB4 left 3000
peer 192.0.2.7 local 198.51.100.2 ike CONNECTING age 0s
Total: 2
"""
IKE_OUT = """Widget IKE table
   ike 203.0.113.10 UP
   ike 192.0.2.7 DOWN
"""


@pytest.fixture
def widget(tmp_path, monkeypatch):
    """The first discovered vendor, its status templates replaced by the widget ones."""
    vid = STATUS_VENDORS[0]
    folder = tmp_path / vid / "status"
    folder.mkdir(parents=True)

    def load(**texts: str) -> None:
        paths = []
        for stem, text in texts.items():
            (folder / f"{stem}.textfsm").write_text(text, encoding="utf-8")
            paths.append(folder / f"{stem}.textfsm")
        tpls = tuple(status_mod._load_template(vid, p) for p in paths)
        monkeypatch.setattr(status_mod, "status_templates", lambda _vid: tpls)

    load(show_widget_sa=WIDGET_SA, show_widget_ike=WIDGET_IKE)
    return vid, load


def tunnels_of(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (t["peer"], t["phase1"] and t["phase1"]["state"], [(e["local_ts"], e["spi_in"]) for e in t["phase2"] or []])
        for t in result["tunnels"]
    ]


def test_widget_output_reads_with_the_schema_names_and_seconds(widget):
    vid, _ = widget
    r = read_status(SA_OUT, vid, "w.txt")
    assert r["command"] == "show widget sa" and [p["command"] for p in r["parts"]] == ["show widget sa"]
    t0, t1 = r["tunnels"]
    assert (t0["peer"], t0["local"], t0["phase1"]["uptime_seconds"], t0["phase1"]["established"]) == (
        "203.0.113.10",
        "198.51.100.2",
        3723,
        True,
    )
    assert "age" not in t0 and "age" not in t0["phase1"]  # mapped, not kept twice
    assert [(e["local_ts"], e["spi_in"], e["spi_out"], e["lifetime_remaining_seconds"]) for e in t0["phase2"]] == [
        ("10.1.0.0/24", "0x000000a1", "0x000000b2", 3540),
        ("10.1.1.0/24", "0x000000a3", "0x000000b4", 3000),
    ]
    assert t1["phase1"]["established"] is False and t1["phase2"] == []
    assert rules(r) == ["status.phase1-down"]


@pytest.mark.parametrize(
    "prompt",
    ["router#", "R1>", "user@srx> ", "FGT # ", "FGT (root) # ", "[admin@MikroTik] > ", "admin@gw1:~$ ", "<H3C>",
     "[~HUAWEI]", "asa(config)# ", "{primary:node0}\nroot@srx> "],
)  # fmt: skip
def test_prompts_are_dropped_and_keep_the_typed_command(widget, prompt):
    vid, _ = widget
    plain = read_status(SA_OUT, vid, "w.txt")
    r = read_status(f"{prompt}show widget sa\n{SA_OUT}{prompt.splitlines()[-1].strip()}\n", vid, "w.txt")
    assert tunnels_of(r) == tunnels_of(plain)
    assert r["parts"][0]["typed"] == "show widget sa" and rules(r) == rules(plain)


@pytest.mark.parametrize(
    "marker",
    ["--More--", " --More-- ", "---(more)---", "---(more 45%)---", "-- More --",
     " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b", "--More--\r        \r"],
)  # fmt: skip
def test_paging_markers_and_crlf_are_dropped(widget, marker):
    vid, _ = widget
    plain = read_status(SA_OUT, vid, "w.txt")
    lines = SA_OUT.splitlines()
    pasted = "\r\n".join([*lines[:3], marker + lines[3], *lines[4:]]) + "\r\n"
    r = read_status(pasted, vid, "w.txt")
    assert tunnels_of(r) == tunnels_of(plain) and rules(r) == rules(plain)


def test_an_unread_row_is_an_error_naming_file_line_and_text(widget):
    vid, _ = widget
    text = SA_OUT.replace("peer 192.0.2.7", "peer 192.0.2.9 local 198.51.100.2 ike UP uptime 5s\npeer 192.0.2.7")
    r = read_status(text, vid, "w.txt")
    bad = [f for f in r["findings"] if f["rule"] == "status.unread"]
    assert len(bad) == 1 and bad[0]["severity"] == "error" and bad[0]["line"] == 5
    assert (
        "w.txt:5:" in bad[0]["message"] and "'peer 192.0.2.9 local 198.51.100.2 ike UP uptime 5s'" in bad[0]["message"]
    )
    assert "192.0.2.9" not in [t["peer"] for t in r["tunnels"]]


def test_a_recognised_header_with_rows_no_rule_reads_is_never_a_silent_no_sas(widget):
    vid, _ = widget
    r = read_status("Widget SA table\n203.0.113.10 UP 0xa1 0xb2\n", vid, "w.txt")
    assert r["tunnels"] == [] and "status.no-sas" not in rules(r)
    (f,) = [f for f in r["findings"] if f["rule"] == "status.unread"]
    assert f["severity"] == "error" and "w.txt:2:" in f["message"] and "203.0.113.10 UP 0xa1 0xb2" in f["message"]
    empty = read_status("Widget SA table\nTotal: 0\n", vid, "w.txt")
    assert empty["tunnels"] == [] and rules(empty) == ["status.no-sas"]


def test_a_template_without_skip_or_data_is_checked_only_when_it_reads_no_row(widget):
    vid, load = widget
    legacy = WIDGET_SA.replace("# Skip: ^\\s*Total:\n", "")
    load(show_widget_sa=legacy)
    assert not status_mod.status_templates(vid)[0].declares_lines
    r = read_status(SA_OUT + "something else\n", vid, "w.txt")
    assert "status.unread" not in rules(r) and len(r["tunnels"]) == 2
    r = read_status("Widget SA table\n203.0.113.10 UP\n", vid, "w.txt")
    assert [f["severity"] for f in r["findings"] if f["rule"] == "status.unread"] == ["error"]


def test_flush_left_paste_reads_through_indentation_tolerant_rules(widget):
    vid, load = widget
    plain = read_status(SA_OUT, vid, "w.txt")
    flush = "".join(line.lstrip(" ") for line in SA_OUT.splitlines(keepends=True))
    r = read_status(flush, vid, "w.txt")
    assert tunnels_of(r) == tunnels_of(plain)
    assert "status.reindented" in rules(r) and "status.unread" not in rules(r)
    load(show_widget_sa=WIDGET_SA.replace("# Skip:", "# Indent: strict\n# Skip:"))
    strict = read_status(flush, vid, "w.txt")
    assert "status.unread" in rules(strict) and "status.reindented" not in rules(strict)


def test_tolerant_text_relaxes_only_leading_indentation():
    got = status_mod._tolerant_text("Value X (\\S+)\n\nStart\n  ^\\s+a -> B\n  ^  b\n  ^\\s{2,}c\n  ^d\\s+e\n")
    assert got == "Value X (\\S+)\n\nStart\n  ^\\s*a -> B\n  ^\\s*b\n  ^\\s*c\n  ^d\\s+e\n"


def test_several_commands_in_one_file_are_split_at_prompts_and_headers(widget):
    vid, _ = widget
    with_prompts = f"R1#show widget ike\n{IKE_OUT}R1#sh widg sa\n{SA_OUT}R1#\n"
    r = read_status(with_prompts, vid, "w.txt")
    assert [(p["command"], p["line"], p.get("typed"), p["tunnels"]) for p in r["parts"]] == [
        ("show widget ike", 1, "show widget ike", 2),
        ("show widget sa", 5, "sh widg sa", 2),
    ]
    assert r["command"] == "show widget ike + show widget sa" and len(r["tunnels"]) == 4
    assert [f["path"] for f in r["findings"]] == ["tunnels[1].phase1", "tunnels[3].phase1"]  # paths of the whole result
    bare = read_status(IKE_OUT + SA_OUT, vid, "w.txt")
    assert [p["command"] for p in bare["parts"]] == ["show widget ike", "show widget sa"]
    assert bare["tunnels"] == r["tunnels"]


def test_a_part_that_is_no_known_command_is_refused_naming_it(widget):
    vid, _ = widget
    text = f"R1#show widget ike\n{IKE_OUT}R1#show clock\n*10:00:00.000 UTC Sun Dec 6 2026\n"
    with pytest.raises(VpnconfError) as exc:
        read_status(text, vid, "w.txt")
    msg = str(exc.value)
    assert msg.startswith("w.txt:5: not a ") and "('show clock')" in msg
    assert "'show widget sa'" in msg and "'show widget ike'" in msg and "\n" not in msg


def test_a_typed_command_with_no_output_is_a_warning(widget):
    vid, _ = widget
    r = read_status(f"R1#show widget sa\nR1#show widget ike\n{IKE_OUT}", vid, "w.txt")
    assert [p["command"] for p in r["parts"]] == ["show widget ike"]
    assert "status.empty-output" in rules(r)


@pytest.mark.parametrize(
    ("directive", "expected"),
    [
        ("# Map: AGE=phase1.age_seconds", "not in the status schema"),
        ("# Map: NOPE=phase1.uptime_seconds", "Map names no Value"),
        ("# Skip: ([", "bad Skip regex"),
        ("# Indent: sideways", "Indent is"),
    ],
)
def test_bad_directives_are_one_clear_error(tmp_path, directive, expected):
    p = tmp_path / "x.textfsm"
    p.write_text(WIDGET_SA.replace("# Command:", f"{directive}\n# Command:"), encoding="utf-8")
    with pytest.raises(VpnconfError, match=expected) as exc:
        status_mod._load_template(STATUS_VENDORS[0], p)
    assert str(exc.value).startswith(str(p)) and "\n" not in str(exc.value)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("3185", 3185), ("3185s", 3185), ("00:12:34", 754), ("2d03h", 183600), ("1w2d", 777600),
     ("3d 04:05:06", 273906), ("1h2m3s", 3723), ("12:34", 45240), ("soon", None)],
)  # fmt: skip
def test_durations(text, seconds):
    assert status_mod._duration(text) == seconds


def test_schema_is_documented_in_the_vendors_readme():
    readme = (Path(status_mod.__file__).resolve().parent.parent / "vendors" / "README.md").read_text(encoding="utf-8")
    for where, fields in status_mod.SCHEMA.items():
        for f in fields:
            assert f"`{f}`" in readme, (where, f)
    bgp_rows = "\n".join(line for line in readme.splitlines() if line.startswith("| bgp |"))
    assert [f for f in status_mod.BGP_SCHEMA if f"`{f}`" not in bgp_rows] == []


# ------------------------------------------------------------------ every vendor's samples, as pasted
def test_every_sample_reads_the_same_with_paging_markers_and_crlf():
    for vid in STATUS_VENDORS:
        for sample, _ in local_samples(vid):
            text = sample.read_text(encoding="utf-8")
            plain = read_status(text, vid, sample.name)
            lines = text.splitlines()
            mid = len(lines) // 2
            pasted = "\r\n".join(
                [
                    *lines[:mid],
                    " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b" + lines[mid],
                    *lines[mid + 1 :],
                ]
            )
            r = read_status(pasted, vid, sample.name)
            assert r["tunnels"] == plain["tunnels"], sample
            assert rules(r) == rules(plain), sample


# ------------------------------------------------------------------ joined to the configuration
def device(*tunnels: tuple[str, str | None, list[tuple[str, str]]]) -> Any:
    from vpnconf.parsing import ParsedDevice, ParsedTunnel

    return ParsedDevice(
        vendor=STATUS_VENDORS[0],
        file="dev.cfg",
        tunnels=[ParsedTunnel(name=n, peer_address=p, selectors=list(s)) for n, p, s in tunnels],
    )


def test_join_config_gives_each_configured_tunnel_its_state_and_proof(widget):
    from vpnconf.status import format_join, join_config

    vid, _ = widget
    sa = read_status(SA_OUT, vid, "sa.txt")
    ike = read_status(IKE_OUT, vid, "ike.txt")
    dev = device(
        ("both", "203.0.113.10", [("10.1.0.0/16", "172.16.1.0/24")]),  # a narrowed SA proves it
        ("half", "203.0.113.10", [("10.1.0.0/24", "172.16.1.0/24"), ("10.9.0.0/24", "172.16.9.0/24")]),
        ("connecting", "192.0.2.7", [("10.2.0.0/24", "172.16.2.0/24")]),
        ("gone", "192.0.2.99", []),
    )
    j = join_config([ike, sa], [dev])
    states = {t["name"]: t["state"] for t in j["tunnels"]}
    assert states == {"both": "up", "half": "half-up", "connecting": "down", "gone": "down"}
    both = j["tunnels"][0]
    assert both["ike"]["sa"] == "ike.txt:tunnels[0].phase1" and both["ike"]["state"] == "UP"
    assert [c["sa"] for c in both["child"]] == ["sa.txt:tunnels[0].phase2[0]"]
    assert j["tunnels"][1]["missing"] == [["10.9.0.0/24", "172.16.9.0/24"]]
    assert j["tunnels"][3]["reason"] == "no SA with this peer"
    assert j["unmatched"] == [] and j["all_up"] is False
    text = format_join(j)
    assert "UP       both peer 203.0.113.10" in text and "no CHILD SA for 10.9.0.0/24 === 172.16.9.0/24" in text
    only = join_config([ike], [device(("x", "203.0.113.10", [("10.1.0.0/24", "172.16.1.0/24")]))])
    assert only["tunnels"][0]["state"] == "unknown"  # IKE up, but no output shows CHILD SAs
    stray = join_config([sa], [device(("x", "198.51.100.200", []))])
    assert [u["peer"] for u in stray["unmatched"]] == ["203.0.113.10", "192.0.2.7"]


def test_a_child_sa_without_selectors_proves_one_pair_only():
    """An output that shows no traffic selectors (e.g. a pluto trafficstatus line)
    proves a one-pair tunnel up, but not which of several pairs it carries."""
    from vpnconf.status import join_config

    up = {"established": True, "state": "UP"}
    doc = {
        "file": "o.txt",
        "command": "c",
        "parts": [{"command": "c", "tunnels": 1, "shows": ["phase1", "phase2"]}],
        "tunnels": [{"peer": "203.0.113.10", "phase1": dict(up), "phase2": [dict(up, local_ts=None)]}],
    }
    one = device(("one", "203.0.113.10", [("10.1.0.0/24", "172.16.1.0/24")]))
    assert join_config([doc], [one])["tunnels"][0]["state"] == "up"
    pairs = [("10.1.0.0/24", "172.16.1.0/24"), ("10.2.0.0/24", "172.16.2.0/24")]
    two = join_config([doc], [device(("two", "203.0.113.10", pairs))])["tunnels"][0]
    assert two["state"] == "unknown" and "shows no traffic selectors" in two["reason"]


def test_status_cli_exit_codes_for_monitoring(widget, tmp_path, monkeypatch, capsys):
    import json

    import vpnconf.parsing as parsing
    from vpnconf.cli import main

    vid, _ = widget
    out = tmp_path / "out.txt"
    out.write_text(f"R1#show widget sa\n{SA_OUT}", encoding="utf-8")
    cfg = tmp_path / "dev.cfg"
    cfg.write_text("config\n", encoding="utf-8")
    seen: list[tuple[str, str | None]] = []

    def fake_parse(text: str, name: str, vendor: str | None = None) -> Any:
        seen.append((name, vendor))
        return device(("t", "203.0.113.10", [("10.1.0.0/24", "172.16.1.0/24")]))

    monkeypatch.setattr(parsing, "parse_text", fake_parse)
    assert main(["status", "--vendor", vid, str(out), "--config", str(cfg), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["all_up"] is True and doc["tunnels"][0]["state"] == "up" and seen == [(str(cfg), vid)]
    assert [u["peer"] for u in doc["unmatched"]] == ["192.0.2.7"]

    monkeypatch.setattr(parsing, "parse_text", lambda *a, **k: device(("t", "192.0.2.7", [])))
    assert main(["status", "--vendor", vid, str(out), "--config", str(cfg)]) == 1
    assert "DOWN     t peer 192.0.2.7" in capsys.readouterr().out

    bad = tmp_path / "bad.txt"
    bad.write_text("Widget SA table\n203.0.113.10 UP\n", encoding="utf-8")
    assert main(["status", "--vendor", vid, str(bad), "--config", str(cfg)]) == 2
    assert main(["status", "--vendor", vid, str(bad)]) == 2
    capsys.readouterr()
    junk = tmp_path / "junk.txt"
    junk.write_text("show clock\n", encoding="utf-8")
    assert main(["status", "--vendor", vid, str(junk), "--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_skip_lines_are_indentation_tolerant_like_the_rules(widget):
    vid, load = widget
    load(show_widget_sa=WIDGET_SA.replace("# Skip: ^\\s*Total:", "# Skip: ^\\s+Total:"))
    indented = SA_OUT.replace("Total: 2", "   Total: 2")
    assert "status.unread" not in rules(read_status(indented, vid, "w.txt"))
    flush = "".join(line.lstrip(" ") for line in indented.splitlines(keepends=True))
    r = read_status(flush, vid, "w.txt")
    assert "status.unread" not in rules(r) and "status.reindented" in rules(r)


# ------------------------------------------------------------- prometheus
def _prom_lines(text: str) -> list[str]:
    import re

    sample = re.compile(r'^[a-z_]+\{(?:[a-z_]+="(?:[^"\\\n]|\\.)*",?)*\} -?[0-9.e+]+$')
    lines = text.strip().splitlines()
    for ln in lines:
        assert ln.startswith(("# HELP ", "# TYPE ")) or sample.match(ln), ln
    return lines


def test_prometheus_textfile_from_a_result_and_a_join():
    from vpnconf.status import format_prometheus

    doc = {
        "file": "out.txt",
        "vendor": "any",
        "findings": [],
        "tunnels": [
            {
                "peer": "203.0.113.9",
                "local": "198.51.100.5",
                "name": 'odd"name\\x',
                "phase1": {"established": True},
                "phase2": [{"established": True}, {"established": False}],
            },
            {"peer": "203.0.113.10", "phase1": {"established": False}},
        ],
        "bgp": [
            {"neighbor": "169.254.10.1", "peer_asn": 64513, "state": "Established", "established": True,
             "prefixes_received": 3},
            {"neighbor": "169.254.11.1", "peer_asn": 64514, "state": "Active", "established": False},
            {"name": "vpn_x", "state": None, "established": None},
        ],
    }  # fmt: skip
    joined = {
        "tunnels": [
            {"name": "a", "peer": "203.0.113.9", "state": "half-up"},
            {"name": "b", "peer": "x", "state": "down"},
        ]
    }
    lines = _prom_lines(format_prometheus([doc], joined))
    text = "\n".join(lines)
    assert 'name="odd\\"name\\\\x"' in text  # label values escaped: no series can be forged
    assert 'vpnconf_ike_sa_up{file="out.txt",vendor="any",peer="203.0.113.10"} 0' in lines
    assert any(ln.startswith("vpnconf_child_sas_up{") and ln.endswith(" 1") for ln in lines)
    assert (
        'vpnconf_bgp_session_established{file="out.txt",vendor="any",neighbor="169.254.10.1",peer_asn="64513"} 1'
        in lines
    )
    assert (
        'vpnconf_bgp_session_established{file="out.txt",vendor="any",neighbor="169.254.11.1",peer_asn="64514"} 0'
        in lines
    )
    assert (
        'vpnconf_bgp_prefixes_received{file="out.txt",vendor="any",neighbor="169.254.10.1",peer_asn="64513"} 3' in lines
    )
    assert len([ln for ln in lines if ln.startswith("vpnconf_bgp_prefixes_received{")]) == 1  # none when not shown
    assert not any('name="vpn_x"' in ln for ln in lines)  # a session whose state is not shown gives no series
    for name in ("vpnconf_bgp_session_established", "vpnconf_bgp_prefixes_received"):
        assert text.count(f"# HELP {name} ") == 1 and text.count(f"# TYPE {name} gauge") == 1
    assert 'vpnconf_tunnel_up{name="a",peer="203.0.113.9"} 0.5' in lines
    assert 'vpnconf_tunnel_up{name="b",peer="x"} 0' in lines
    assert 'vpnconf_status_readable{file="out.txt",vendor="any"} 1' in lines
    assert text.count("# TYPE vpnconf_tunnel_up gauge") == 1


def test_status_format_prometheus_on_every_vendor_sample(vpnconf_bin):
    import subprocess

    from vpnconf.paths import vendor_dirs

    for vid, d in sorted(vendor_dirs().items()):
        for sample in sorted((d / "status" / "samples").glob("*.txt"))[:1]:
            r = subprocess.run(
                [*vpnconf_bin, "status", "--vendor", vid, str(sample), "--format", "prometheus"],
                capture_output=True,
                text=True,
            )
            assert r.returncode in (0, 1), r.stderr
            lines = _prom_lines(r.stdout)
            assert any(ln.startswith("vpnconf_status_readable{") for ln in lines), (vid, r.stdout)


@pytest.mark.parametrize(
    ("raw", "cidr", "port"),
    [
        ("10.10.1.0/0 - 10.10.1.255/65535", "10.10.1.0/24", None),  # IKEv2 range with any port
        ("10.0.0.0/0 - 10.0.255.255/65535", "10.0.0.0/16", None),
        ("10.0.0.5/443 - 10.0.0.5/443", "10.0.0.5/32", "443-443"),
        ("10.0.0.0-10.0.0.255", "10.0.0.0/24", None),
    ],
)
def test_selector_ranges_become_cidrs(raw, cidr, port):
    from vpnconf.status import _ts

    got, _, got_port = _ts(raw)
    assert (got, got_port) == (cidr, port)


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [("2h:10m:22s", 7822), ("1d 4h:21m:44s", 102104), ("3d 04:05:06", 273906), ("1w2d", 777600), ("00:12:34", 754)],
)
def test_durations_as_devices_print_them(raw, seconds):
    from vpnconf.status import _duration

    assert _duration(raw) == seconds


# ------------------------------------------------------------------ BGP sessions (# Kind: bgp)
WIDGET_BGP = r"""# Command: show widget bgp
# Kind: bgp
# Detect: ^\s*Widget BGP table\s*$
# Bgp-up: state=Established
# Map: AGE=bgp.up_down_seconds
# Skip: ^\s*Widget BGP table\s*$
Value Required NEIGHBOR (\S+)
Value PEER_ASN (\d+)
Value AGE (\S+)
Value STATE (\S+(?: \(Admin\))?)

Start
  ^\s*nbr\s+${NEIGHBOR}\s+as\s+${PEER_ASN}\s+age\s+${AGE}\s+${STATE}\s*$$ -> Record
"""
BGP_OUT = """Widget BGP table
nbr 169.254.1.1 as 64513 age 01:02:03 7
nbr 169.254.2.1 as 64514 age never Active
nbr 169.254.3.1 as 64515 age 2d03h Idle (Admin)
"""


def bgp_device(*tunnels: tuple[str, str, list[tuple[str, str]], str | None]) -> Any:
    from vpnconf.parsing import ParsedBgp, ParsedDevice, ParsedTunnel

    return ParsedDevice(
        vendor=STATUS_VENDORS[0],
        file="dev.cfg",
        tunnels=[
            ParsedTunnel(
                name=n,
                peer_address=p,
                selectors=list(s),
                bgp=ParsedBgp(peer_ip=ip, peer_asn=64513) if ip else None,
            )
            for n, p, s, ip in tunnels
        ],
    )


@pytest.fixture
def widget_bgp(widget):
    vid, load = widget
    load(show_widget_sa=WIDGET_SA, show_widget_ike=WIDGET_IKE, show_widget_bgp=WIDGET_BGP)
    return vid, load


def test_a_kind_bgp_template_reads_sessions_not_tunnels(widget_bgp):
    vid, _ = widget_bgp
    r = read_status(BGP_OUT, vid, "b.txt")
    assert r["tunnels"] == [] and r["command"] == "show widget bgp"
    assert r["parts"] == [
        {"command": "show widget bgp", "line": 1, "tunnels": 0, "kind": "bgp", "sessions": 3, "shows": ["bgp"]}
    ]
    assert [(b["neighbor"], b["peer_asn"], b["state"], b["established"]) for b in r["bgp"]] == [
        ("169.254.1.1", 64513, "Established", True),  # a number in the state column: prefixes, Established
        ("169.254.2.1", 64514, "Active", False),
        ("169.254.3.1", 64515, "Idle (Admin)", False),
    ]
    assert r["bgp"][0]["prefixes_received"] == 7 and r["bgp"][0]["up_down_seconds"] == 3723
    assert "up_down_seconds" not in r["bgp"][1] and "prefixes_received" not in r["bgp"][1]  # never up
    assert r["bgp"][2]["up_down_seconds"] == 183600
    assert [(f["rule"], f["path"]) for f in r["findings"]] == [
        ("status.bgp-down", "bgp[1]"),
        ("status.bgp-down", "bgp[2]"),
    ]
    text = format_status(r)
    assert text.startswith("b.txt: " + vid + " 'show widget bgp', 0 tunnel(s), 3 BGP session(s)\n")
    assert "  bgp 169.254.1.1 AS 64513  up (Established) for 3723s, 7 prefixes received\n" in text
    assert "  bgp 169.254.2.1 AS 64514  DOWN (Active)\n" in text


def test_a_bgp_header_without_sessions_and_an_unread_session_line(widget_bgp):
    vid, _ = widget_bgp
    empty = read_status("Widget BGP table\n", vid, "b.txt")
    assert empty["bgp"] == [] and rules(empty) == ["status.no-bgp-sessions"]
    bad = read_status(BGP_OUT + "nbr 169.254.9.1 AS64519 up\n", vid, "b.txt")
    (f,) = [f for f in bad["findings"] if f["rule"] == "status.unread"]
    assert f["severity"] == "error" and "b.txt:5:" in f["message"] and "169.254.9.1" in f["message"]


@pytest.mark.parametrize(
    ("directive", "expected"),
    [("# Kind: ospf", "Kind is 'sa' or 'bgp'"), ("# Clock: hh", "Clock is"), ("# Map: AGE=bgp.uptime", "not in the")],
)
def test_bad_bgp_directives_are_one_clear_error(tmp_path, directive, expected):
    p = tmp_path / "x.textfsm"
    p.write_text(WIDGET_BGP.replace("# Map: AGE=bgp.up_down_seconds", directive), encoding="utf-8")
    with pytest.raises(VpnconfError, match=expected) as exc:
        status_mod._load_template(STATUS_VENDORS[0], p)
    assert str(exc.value).startswith(str(p)) and "\n" not in str(exc.value)


@pytest.mark.parametrize(
    ("text", "clock", "seconds"),
    [("00:05:12", "h:mm", 312), ("52:11", "m:ss", 3131), ("3:05:09", "m:ss", 11109), ("1w1d 17:56:51", "m:ss", 755811),
     ("1d02h", "h:mm", 93600), ("3w2d", "h:mm", 1987200), ("42", "m:ss", 42), ("12:34", "h:mm", 45240)],
)  # fmt: skip
def test_bgp_up_down_durations(text, clock, seconds):
    assert status_mod._bgp_duration(text, clock) == seconds


def test_join_gives_each_bgp_tunnel_its_session_state(widget_bgp):
    from vpnconf.status import format_join, join_config

    vid, _ = widget_bgp
    sa = read_status(SA_OUT, vid, "sa.txt")
    bgp = read_status(BGP_OUT, vid, "bgp.txt")
    sel = [("10.1.0.0/24", "172.16.1.0/24")]
    dev = bgp_device(
        ("est", "203.0.113.10", sel, "169.254.1.1"),  # SA up + BGP Established
        ("act", "203.0.113.10", sel, "169.254.2.1"),  # SA up + BGP Active
        ("gone", "203.0.113.10", sel, "169.254.99.1"),  # SA up, neighbor not listed
        ("plain", "203.0.113.10", sel, None),  # no BGP configured: the SAs alone
        ("down", "192.0.2.7", [("10.2.0.0/24", "172.16.2.0/24")], "169.254.3.1"),
    )
    j = join_config([sa, bgp], [dev])
    by = {t["name"]: t for t in j["tunnels"]}
    assert {n: t["state"] for n, t in by.items()} == {
        "est": "up",
        "act": "half-up",
        "gone": "half-up",
        "plain": "up",
        "down": "down",
    }
    assert by["est"]["bgp"] == {
        "session": "bgp.txt:bgp[0]",
        "command": "show widget bgp",
        "neighbor": "169.254.1.1",
        "peer_asn": 64513,
        "state": "Established",
        "established": True,
        "up_down_seconds": 3723,
        "prefixes_received": 7,
    }
    assert by["est"]["ipsec"] == "up" and by["est"]["reason"].endswith("; BGP Established (neighbor 169.254.1.1)")
    assert by["act"]["reason"] == (
        "IPsec up, BGP Active (neighbor 169.254.2.1); the neighbor's AS is 64514, configured 64513"
    )
    assert by["act"]["ipsec"] == "up" and by["act"]["bgp"]["peer_asn_configured"] == 64513
    assert by["gone"]["bgp"] == {"neighbor": "169.254.99.1", "state": "not listed", "established": False}
    assert by["gone"]["reason"] == "IPsec up, BGP not listed (neighbor 169.254.99.1)"
    assert "bgp" not in by["plain"] and "ipsec" not in by["plain"]
    assert "; BGP Idle (Admin) (neighbor 169.254.3.1)" in by["down"]["reason"]
    assert j["all_up"] is False and j["unmatched_bgp"] == []
    text = format_join(j)
    assert "HALF-UP  act peer 203.0.113.10 (dev.cfg): IPsec up, BGP Active (neighbor 169.254.2.1);" in text
    assert "    bgp   bgp.txt:bgp[0] (show widget bgp) neighbor 169.254.1.1 Established, 7 prefixes" in text
    assert "    bgp   neighbor 169.254.99.1 not listed" in text

    only_up = join_config([sa, bgp], [bgp_device(("est", "203.0.113.10", sel, "169.254.1.1"))])
    assert only_up["all_up"] is True
    assert [u["neighbor"] for u in only_up["unmatched_bgp"]] == ["169.254.2.1", "169.254.3.1"]
    assert "unmatched BGP session bgp.txt:bgp[1] neighbor 169.254.2.1 Active" in format_join(only_up)


def test_ike_sas_and_bgp_sessions_alone_tell_a_route_based_tunnel_up(widget_bgp):
    """show ... ike + show ... bgp (no CHILD SA output): BGP Established over the
    tunnel proves it carries traffic; BGP not Established leaves it half-up."""
    from vpnconf.status import join_config

    vid, _ = widget_bgp
    ike = read_status(IKE_OUT, vid, "ike.txt")
    bgp = read_status(BGP_OUT, vid, "bgp.txt")
    dev = bgp_device(
        ("est", "203.0.113.10", [], "169.254.1.1"),
        ("act", "203.0.113.10", [], "169.254.2.1"),
        ("ike-down", "192.0.2.7", [], "169.254.1.1"),
    )
    by = {t["name"]: t for t in join_config([ike, bgp], [dev])["tunnels"]}
    assert (by["est"]["state"], by["est"]["ipsec"]) == ("up", "unknown")
    assert by["est"]["reason"].startswith("IKE SA established and BGP Established (neighbor 169.254.1.1): its packets")
    assert (by["act"]["state"], by["act"]["ipsec"]) == ("half-up", "unknown")
    assert by["act"]["reason"].startswith("IKE SA established, BGP Active (neighbor 169.254.2.1); no output given")
    assert by["ike-down"]["state"] == "down"  # an SA state other than unknown is not overridden
    no_bgp = join_config([ike], [bgp_device(("est", "203.0.113.10", [], "169.254.1.1"))])
    assert no_bgp["tunnels"][0]["state"] == "unknown"


def test_join_without_bgp_output_keeps_the_sa_state(widget_bgp):
    from vpnconf.status import join_config

    vid, _ = widget_bgp
    sa = read_status(SA_OUT, vid, "sa.txt")
    j = join_config([sa], [bgp_device(("est", "203.0.113.10", [("10.1.0.0/24", "172.16.1.0/24")], "169.254.1.1"))])
    (t,) = j["tunnels"]
    assert t["state"] == "up" and j["all_up"] is True
    assert t["bgp"] == {"neighbor": "169.254.1.1", "state": None, "established": None, "shown": False}
    assert "BGP not shown" in t["reason"]


def test_a_session_without_an_address_joins_by_the_bird_protocol_name():
    from vpnconf.status import join_config

    doc = {
        "file": "p.txt",
        "command": "c",
        "parts": [{"command": "c", "tunnels": 0, "kind": "bgp", "sessions": 1, "shows": ["bgp"]}],
        "tunnels": [],
        "bgp": [{"name": "vpn_tun_a_1", "state": "Active", "established": False}],
    }
    j = join_config([doc], [bgp_device(("tun-a.1", "203.0.113.10", [], "169.254.1.1"))])
    (t,) = j["tunnels"]
    assert t["bgp"]["session"] == "p.txt:bgp[0]" and t["bgp"]["state"] == "Active"
    assert t["state"] == "down" and t["reason"].endswith("; BGP Active (neighbor 169.254.1.1)")


def test_sa_and_bgp_commands_pasted_in_one_file_read_both(widget_bgp):
    vid, _ = widget_bgp
    text = f"R1#show widget sa\n{SA_OUT}R1#show widget bgp\n{BGP_OUT}R1#\n"
    r = read_status(text, vid, "both.txt")
    assert [(p["command"], p["line"], p["tunnels"], p.get("sessions")) for p in r["parts"]] == [
        ("show widget sa", 1, 2, None),
        ("show widget bgp", 8, 0, 3),
    ]
    assert r["command"] == "show widget sa + show widget bgp"
    assert len(r["tunnels"]) == 2 and [b["neighbor"] for b in r["bgp"]] == ["169.254.1.1", "169.254.2.1", "169.254.3.1"]
    assert [f["path"] for f in r["findings"] if f["rule"] == "status.bgp-down"] == ["bgp[1]", "bgp[2]"]
    bare = read_status(SA_OUT + BGP_OUT, vid, "both.txt")  # no prompts: split at the BGP header
    assert bare["tunnels"] == r["tunnels"] and bare["bgp"] == r["bgp"]


def _sa_then_bgp() -> list[tuple[str, tuple[Path, str], tuple[Path, str]]]:
    """(vendor, SA sample, BGP sample) for every SA sample of each vendor that has
    a BGP status template: (sample path, command) each."""
    out = []
    for vid in STATUS_VENDORS:
        kinds = {t.command: t.kind for t in status_templates(vid)}
        samples = local_samples(vid)
        bgp = next(((p, c) for p, c in samples if kinds.get(c) == "bgp"), None)
        if bgp is not None:
            out += [(vid, (p, c), bgp) for p, c in samples if kinds.get(c) == "sa" and "pasted" not in p.name]
    assert len({vid for vid, _, _ in out}) >= 5, "vendors with an SA and a BGP status template"
    return out


def test_every_vendor_paste_of_an_sa_and_a_bgp_command_reads_both():
    """Each vendor's BGP sample after each of its SA samples (as in ``show crypto
    ikev2 sa`` + ``show ip bgp summary``), with prompts: both read."""
    for vid, sa, bgp in _sa_then_bgp():
        _paste_reads_both(vid, sa, bgp)


def test_every_vendor_paste_of_an_sa_and_a_bgp_output_without_prompts_reads_both():
    """The same pastes without any prompt line (copied from a ticket): the parts
    split where the BGP output begins (its ``Begins`` line, else its header)."""
    for vid, sa, bgp in _sa_then_bgp():
        _paste_reads_both(vid, sa, bgp, prompts=False)


def _paste_reads_both(vid: str, sa: tuple[Path, str], bgp: tuple[Path, str], prompts: bool = True) -> None:
    from vpnconf.status import clean_output

    def body(p: Path) -> str:  # the sample without its own prompt lines: the paste gives them
        return "".join(
            line for line in clean_output(p.read_text(encoding="utf-8")).splitlines(keepends=True)
            if not status_mod._PROMPT.match(line.rstrip("\n"))
        )  # fmt: skip

    one_sa = read_status(sa[0].read_text(encoding="utf-8"), vid, "a.txt")
    one_bgp = read_status(bgp[0].read_text(encoding="utf-8"), vid, "b.txt")
    if prompts:
        text = f"gw1# {sa[1]}\n{body(sa[0])}gw1# {bgp[1]}\n{body(bgp[0])}gw1#\n"
    else:
        text = body(sa[0]) + body(bgp[0])
    r = read_status(text, vid, "both.txt")
    assert [p["command"] for p in r["parts"]] == [sa[1], bgp[1]], (vid, sa[0].name, r["findings"])
    assert r["tunnels"] == one_sa["tunnels"] and r["bgp"] == one_bgp["bgp"], (vid, sa[0].name)
    assert "status.unread" not in rules(r), (vid, sa[0].name, r["findings"])


def test_status_cli_bgp_not_established_is_exit_1_and_prometheus_has_the_sessions(
    widget_bgp, tmp_path, monkeypatch, capsys
):
    import json

    import vpnconf.parsing as parsing
    from vpnconf.cli import main

    vid, _ = widget_bgp
    out = tmp_path / "out.txt"
    out.write_text(f"R1#show widget sa\n{SA_OUT}R1#show widget bgp\n{BGP_OUT}", encoding="utf-8")
    cfg = tmp_path / "dev.cfg"
    cfg.write_text("config\n", encoding="utf-8")
    sel = [("10.1.0.0/24", "172.16.1.0/24")]
    monkeypatch.setattr(parsing, "parse_text", lambda *a, **k: bgp_device(("t", "203.0.113.10", sel, "169.254.1.1")))
    assert main(["status", "--vendor", vid, str(out), "--config", str(cfg), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["tunnels"][0]["bgp"]["state"] == "Established" and len(doc["outputs"][0]["bgp"]) == 3
    monkeypatch.setattr(parsing, "parse_text", lambda *a, **k: bgp_device(("t", "203.0.113.10", sel, "169.254.2.1")))
    assert main(["status", "--vendor", vid, str(out), "--config", str(cfg)]) == 1
    assert "HALF-UP  t peer 203.0.113.10 (dev.cfg): IPsec up, BGP Active" in capsys.readouterr().out
    assert main(["status", "--vendor", vid, str(out), "--config", str(cfg), "--format", "prometheus"]) == 1
    lines = _prom_lines(capsys.readouterr().out)
    assert 'vpnconf_tunnel_up{name="t",peer="203.0.113.10"} 0.5' in lines
    assert any(ln.startswith("vpnconf_bgp_session_established{") and 'neighbor="169.254.2.1"' in ln and ln.endswith(" 0")
               for ln in lines)  # fmt: skip
    assert any(ln.startswith("vpnconf_bgp_prefixes_received{") and ln.endswith(" 7") for ln in lines)
    bgp_only = tmp_path / "bgp.txt"
    bgp_only.write_text(BGP_OUT, encoding="utf-8")
    assert main(["status", "--vendor", vid, str(bgp_only)]) == 1  # sessions not Established: status.bgp-down
    capsys.readouterr()
    bgp_only.write_text("Widget BGP table\nnbr 169.254.1.1 as 64513 age 01:02:03 7\n", encoding="utf-8")
    assert main(["status", "--vendor", vid, str(bgp_only)]) == 0
