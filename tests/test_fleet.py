"""`parse` and `check` over several inputs: a device read from several files
(a config and its secrets file, joined in the order given, findings naming
each part's own file and line) and directories read as a fleet (one result
per file, a summary, the exit code of the worst file).

Configs are written here or rendered from the quick start; vendors are
discovered (vpnconf.catalog.vendors), not named, where a test is not about one
vendor's file layout."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import QUICKSTART

KEY = "123456"  # the quick start's pre-shared key


def run(cmd, *args, **kw):
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, **kw)


def _rendered() -> dict[tuple[str, str], dict[str, str]]:
    """(vendor, variant) -> the files `vpnconf render` writes for the quick
    start's tunnel, for every discovered vendor with a parser and each variant."""
    from vpnconf.catalog import vendors
    from vpnconf.findings import VpnconfError
    from vpnconf.io import require_site
    from vpnconf.parsing import parser_modules
    from vpnconf.renderer import render_files

    site = require_site(QUICKSTART)
    out = {}
    for v in vendors().values():
        if v.id not in parser_modules():
            continue
        for variant in v.variants:
            try:
                out[(v.id, variant)] = render_files(site, site.tunnels[0].name, v.id, variant=variant)
            except VpnconfError:  # a variant the quick start's tunnel cannot use
                continue
    return out


@pytest.fixture(scope="module")
def rendered():
    return _rendered()


def _default(rendered, vid: str) -> str:
    """The text `vpnconf render --vendor VID` prints (the default variant)."""
    from vpnconf.catalog import vendors
    from vpnconf.renderer import join_files

    return join_files(rendered[(vid, vendors()[vid].default_variant)])


# ----------------------------------------------------------- split devices
def test_rendered_split_configs_read_with_their_secrets(vpnconf_bin, tmp_path, rendered):
    """Every discovered variant that writes its key to a file of its own:
    the config alone has no key; read with the secrets file, the key is read,
    redacted by default and shown with --show-secrets."""
    split = {k: files for k, files in rendered.items() if len(files) > 1 and KEY not in next(iter(files.values()))}
    if not split:
        pytest.skip("no discovered vendor variant writes more than one file")
    for (vid, variant), files in split.items():
        d = tmp_path / f"{vid}-{variant}"
        d.mkdir()
        paths = []
        for fname, text in files.items():
            (d / fname).write_text(text)
            paths.append(d / fname)
        apart = d / "apart"  # the config in a folder of its own: nothing beside it to read
        apart.mkdir()
        (apart / paths[0].name).write_text(paths[0].read_text())
        alone = json.loads(run(vpnconf_bin, "parse", apart / paths[0].name, "--format", "json").stdout)
        assert [t["psk_state"] for t in alone["tunnels"]] != ["clear"], (vid, variant)
        # beside its secrets, a config whose vendor reads them there (vendor.yaml companions) is read with them
        beside = json.loads(run(vpnconf_bin, "parse", paths[0], "--format", "json").stdout)
        read_too = [f["file"] for f in beside["findings"] if f["rule"] == "COMPANION"]
        assert (beside["tunnels"][0]["psk_state"] == "clear") == bool(read_too), (vid, variant, read_too)

        r = run(vpnconf_bin, "parse", *paths, "--format", "json")
        assert r.returncode == 0, (vid, variant, r.stderr)
        doc = json.loads(r.stdout)
        assert doc["files"] == [str(p) for p in paths]
        (t,) = doc["tunnels"]
        assert t["psk_state"] == "clear" and t["psk"] == "<redacted>"
        assert doc["site"]["tunnels"][0]["pre_shared_key"] == "<redacted>"
        assert KEY not in r.stdout + r.stderr
        assert all(f["file"] in {str(p) for p in paths} for f in doc["findings"])

        r = run(vpnconf_bin, "parse", *paths, "--format", "json", "--show-secrets")
        doc = json.loads(r.stdout)
        assert doc["tunnels"][0]["psk"] == KEY and doc["site"]["tunnels"][0]["pre_shared_key"] == KEY

        # text: the site on stdout with the key redacted, unless asked
        r = run(vpnconf_bin, "parse", *paths)
        assert r.returncode == 0 and "pre_shared_key: <redacted>" in r.stdout and KEY not in r.stdout + r.stderr
        r = run(vpnconf_bin, "parse", *paths, "--show-secrets")
        assert f"pre_shared_key: '{KEY}'" in r.stdout


IPSEC_CONF = """\
# edge-gw: legacy strongSwan config; the key lives in ipsec.secrets
conn to-cloud
    keyexchange=ikev1
    authby=secret
    left=198.51.100.7
    leftid=198.51.100.7
    leftsubnet=10.20.0.0/16
    right=203.0.113.40
    rightid=203.0.113.40
    rightsubnet=172.16.8.0/24
    ike=aes256-sha256-modp2048!
    esp=aes256-sha256!
    auto=start
"""

IPSEC_SECRETS = """\
# keys for edge-gw
198.51.100.7 203.0.113.40 : PSK "Split-Key-7781"
this line is not an ipsec.secrets entry
"""

SWANCTL_CONF = """\
connections {
    to-cloud {
        version = 2
        local_addrs = 198.51.100.7
        remote_addrs = 203.0.113.40
        proposals = aes256-sha256-modp2048
        local {
            auth = psk
            id = 198.51.100.7
        }
        remote {
            auth = psk
            id = 203.0.113.40
        }
        children {
            net {
                local_ts = 10.20.0.0/16
                remote_ts = 172.16.8.0/24
                esp_proposals = aes256-sha256
            }
        }
    }
}
"""

SWANCTL_SECRETS = """\
# /etc/swanctl/conf.d/secrets.conf
secrets {
    ike-cloud {
        id-1 = 203.0.113.40
        secret = "Split-Key-7781"
    }
}
"""


@pytest.mark.parametrize(
    ("conf", "secrets"),
    [
        (("ipsec.conf", IPSEC_CONF), ("ipsec.secrets", IPSEC_SECRETS)),
        (("swanctl.conf", SWANCTL_CONF), ("secrets.conf", SWANCTL_SECRETS)),
    ],
    ids=["ipsec.conf", "swanctl.conf"],
)
def test_config_and_secrets_files_are_one_device(vpnconf_bin, tmp_path, conf, secrets):
    c, s = tmp_path / conf[0], tmp_path / secrets[0]
    c.write_text(conf[1])
    s.write_text(secrets[1])
    apart = tmp_path / "apart"  # the config alone, with nothing beside it
    apart.mkdir()
    (apart / conf[0]).write_text(conf[1])
    r = run(vpnconf_bin, "parse", apart / conf[0], "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["tunnels"][0]["psk_state"] == "missing"

    for order in ((c, s), (s, c)):  # joined in the order given, either way round
        r = run(vpnconf_bin, "parse", *order, "--format", "json")
        doc = json.loads(r.stdout)
        (t,) = doc["tunnels"]
        assert t["psk_state"] == "clear" and t["psk"] == "<redacted>", order
        assert "Split-Key-7781" not in r.stdout + r.stderr
        # the tunnel is where the config says it is, in the config's own lines
        assert (
            t["file"] == str(c)
            and t["line"] == conf[1].splitlines().index(next(x for x in conf[1].splitlines() if "to-cloud" in x)) + 1
        )
        for f in doc["findings"]:
            assert f["file"] in (str(c), str(s))
        r = run(vpnconf_bin, "parse", *order, "--format", "json", "--show-secrets")
        assert json.loads(r.stdout)["tunnels"][0]["psk"] == "Split-Key-7781"


def test_findings_name_the_part_and_its_own_line(vpnconf_bin, tmp_path):
    c, s = tmp_path / "ipsec.conf", tmp_path / "ipsec.secrets"
    c.write_text(IPSEC_CONF)
    s.write_text(IPSEC_SECRETS)
    bad_line = IPSEC_SECRETS.splitlines().index("this line is not an ipsec.secrets entry") + 1
    vid = json.loads(run(vpnconf_bin, "parse", c, s, "--format", "json").stdout)["vendor"]
    alone = json.loads(run(vpnconf_bin, "parse", s, "--vendor", vid, "--format", "json").stdout)
    (want,) = [(f["rule"], f["severity"]) for f in alone["findings"] if f["line"] == bad_line]

    r = run(vpnconf_bin, "parse", c, s, "--format", "json")
    doc = json.loads(r.stdout)
    hits = [f for f in doc["findings"] if (f["rule"], f["severity"]) == want]
    assert [(f["file"], f["line"]) for f in hits] == [(str(s), bad_line)]
    # text names the same file and line
    r = run(vpnconf_bin, "parse", c, s)
    assert f"{s}:{bad_line}: {want[1]} {want[0]}" in r.stderr


def test_a_missing_or_binary_part_refuses_the_device(vpnconf_bin, tmp_path):
    c = tmp_path / "ipsec.conf"
    c.write_text(IPSEC_CONF)
    b = tmp_path / "ipsec.secrets"
    b.write_bytes(b"\x00\x01\x02")
    for other, expect in ((tmp_path / "nope.secrets", "no such file"), (b, "binary data")):
        r = run(vpnconf_bin, "parse", c, other)
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2 and r.stdout == "" and len(lines) == 1
        assert str(other) in lines[0] and expect in lines[0]


def test_files_and_directories_together_are_refused(vpnconf_bin, tmp_path):
    c = tmp_path / "ipsec.conf"
    c.write_text(IPSEC_CONF)
    d = tmp_path / "fleet"
    d.mkdir()
    r = run(vpnconf_bin, "parse", c, d)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and str(c) in r.stderr


# ------------------------------------------------------------------ fleets
def _fleet_doc(r):
    assert "Traceback" not in r.stderr
    return json.loads(r.stdout)


def test_fleet_of_every_discovered_vendor(vpnconf_bin, tmp_path, rendered):
    """One rendered config per discovered vendor, detected file by file, plus
    a file no vendor recognises: per-file results and the worst exit code."""
    d = tmp_path / "fleet"
    d.mkdir()
    vids = sorted({vid for vid, _ in rendered})
    for vid in vids:
        (d / f"{vid}.conf").write_text(_default(rendered, vid))
    r = run(vpnconf_bin, "parse", d, "--format", "json")
    doc = _fleet_doc(r)
    res = {os.path.basename(x["file"]): x for x in doc["results"]}
    assert sorted(res) == [f"{v}.conf" for v in vids]
    for vid in vids:
        x = res[f"{vid}.conf"]
        assert x["vendor"] == vid and len(x["tunnels"]) == 1, x.get("error")
    worst = max(x["exit_code"] for x in res.values())
    assert r.returncode == worst == doc["summary"]["exit_code"]
    assert doc["summary"]["tunnels"] == len(vids) and doc["summary"]["without_vpn"] == 0

    (d / "notes.txt").write_text("Shopping list\n- eggs\n- flour\n")
    r = run(vpnconf_bin, "parse", d, "--format", "json")
    doc = _fleet_doc(r)
    (x,) = [x for x in doc["results"] if x["file"].endswith("notes.txt")]
    assert x["exit_code"] == 2 and x["error"].startswith(f"{d / 'notes.txt'}: cannot tell which vendor")
    assert r.returncode == 2 and doc["summary"]["unreadable"] == 1


def test_fleet_limits(vpnconf_bin, tmp_path, monkeypatch):
    from vpnconf.findings import VpnconfError
    from vpnconf.sources import fleet_files

    d = tmp_path / "many"
    d.mkdir()
    for i in range(4):
        (d / f"f{i}.cfg").write_text("x\n")
    assert len(fleet_files([str(d)], limit=4)[0]) == 4
    with pytest.raises(VpnconfError, match="more than 3 files"):
        fleet_files([str(d)], limit=3)
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run(vpnconf_bin, "parse", empty)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and str(empty) in r.stderr


def test_fleet_reads_a_companion_with_its_device_once(vpnconf_bin, tmp_path, rendered):
    """A fleet holding a config and the file its daemon reads beside it (the
    rendered split variants: e.g. a secrets file beside its config): the config
    is read with it (key read), the companion is listed as skipped, read with
    that config, and is not a result of its own that cannot be read. A
    companion-named file with no config beside it is still read on its own."""
    split = {k: files for k, files in rendered.items() if len(files) > 1 and KEY not in next(iter(files.values()))}
    found = 0
    for (vid, variant), files in split.items():
        d = tmp_path / f"{vid}-{variant}"
        (d / "etc").mkdir(parents=True)
        paths = []
        for fname, text in files.items():
            (d / "etc" / fname).write_text(text)
            paths.append(d / "etc" / fname)
        beside = json.loads(run(vpnconf_bin, "parse", paths[0], "--format", "json").stdout)
        read_too = [f["file"] for f in beside["findings"] if f["rule"] == "COMPANION"]
        if not read_too:
            continue  # this vendor's daemon does not read the other file beside the config
        found += 1
        lone = d / "spare"
        lone.mkdir()
        (lone / os.path.basename(read_too[0])).write_text(files[os.path.basename(read_too[0])])
        r = run(vpnconf_bin, "parse", d, "--format", "json")
        doc = _fleet_doc(r)
        res = {x["file"]: x for x in doc["results"]}
        (cfg,) = [x for f, x in res.items() if f == str(paths[0])]
        assert cfg["tunnels"][0]["psk_state"] == "clear", (vid, variant)
        skipped = {s["path"]: s["reason"] for s in doc["skipped"]}
        for c in read_too:
            assert c not in res and skipped[c] == f"read with {paths[0]} (its daemon reads this file beside it)"
        spare = str(lone / os.path.basename(read_too[0]))
        assert spare in res and spare not in skipped, (vid, variant)
        assert doc["summary"]["skipped"] == len(read_too)
    if not found:
        pytest.skip("no discovered vendor reads a rendered file beside its config")
