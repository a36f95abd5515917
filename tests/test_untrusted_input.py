"""Untrusted input files (SECURITY.md, "Untrusted input files"): site files,
profile files and API/Terraform JSON are read by one bounded loader
(vpnconf/safeload.py). Every refusal is one line naming the file (line and
field where known), exit 2, no traceback, and never the pre-shared key planted
in the input. The alias bomb and deep nesting run under an address-space limit
and a timeout, so a regression fails fast instead of eating the machine."""

from __future__ import annotations

import json
import resource
import subprocess

import pytest
import yaml

from conftest import QUICKSTART, ROOT
from vpnconf.catalog import vendors
from vpnconf.findings import VpnconfError
from vpnconf.safeload import MAX_DEPTH, MAX_INT_DIGITS, MAX_JSON_BYTES, MAX_YAML_BYTES, load_text

SECRET = "XySecret99Key"
QS = QUICKSTART.read_text(encoding="utf-8")
PSK_LINE = 'pre_shared_key: "123456"'
MEMORY_LIMIT = 512 * 1024 * 1024


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(cmd, *args, bounded: bool = False, timeout: float = 120, cwd=None):
    return subprocess.run(
        [*cmd, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit_memory if bounded else None,
        cwd=cwd,
    )


def one_line(r, path, code: int = 2) -> str:
    """The single stderr line of a refused input, checked."""
    out = r.stdout + r.stderr
    assert r.returncode == code, out
    assert "Traceback" not in out and "internal error" not in out, out
    assert SECRET not in out, out
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    if path is not None:
        assert lines[0].startswith(f"vpnconf: {path}"), lines[0]
    return lines[0]


def site(tmp_path, psk_value: str, name: str = "site.yaml", text: str = QS):
    """The quick start with its key line replaced (as written, unquoted unless given quoted)."""
    p = tmp_path / name
    p.write_text(text.replace(PSK_LINE, f"pre_shared_key: {psk_value}"), encoding="utf-8")
    return p


def psk_line_no(p) -> int:
    return next(n for n, line in enumerate(p.read_text().splitlines(), 1) if "pre_shared_key" in line)


def refused(text: str, name: str = "f.yaml") -> str:
    with pytest.raises(VpnconfError) as exc:
        load_text(text, name)
    msg = str(exc.value)
    assert "\n" not in msg and SECRET not in msg and msg.startswith(name), msg
    return msg


# ------------------------------------------------------------ 1. limits
def alias_bomb() -> str:
    """8 nested levels of 10 aliases each: 10**8 values once expanded."""
    lines = [f"pre_shared_key: {SECRET}", "a0: &a0 [" + ", ".join(["x"] * 10) + "]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_refused_in_bounded_memory_and_time(vpnconf_bin, tmp_path):
    p = tmp_path / "bomb.yaml"
    p.write_text(alias_bomb())
    line = one_line(run(vpnconf_bin, "validate", p, bounded=True, timeout=60), p)
    assert "alias" in line and "100000" in line


def test_aliases_nesting_deeper_than_the_limit_refused(tmp_path):
    # each anchor is 60 levels deep and holds an alias to the previous one:
    # few values added, but thousands of levels once expanded
    text = "\n".join(f"a{k}: &a{k} " + "[" * 60 + (f"*a{k - 1}" if k else "x") + "]" * 60 for k in range(3))
    assert "levels deep" in refused(text)


def test_recursive_alias_refused(tmp_path):
    assert "recursive" in refused("a: 1\nb: &b [1, *b]\n")
    assert "recursive" in refused("b: &b {c: {d: *b}}\n")


def test_aliases_within_limits_still_read(vpnconf_bin, tmp_path):
    # shared IKE settings by anchor and a merge key: a site file may use them
    text = QS.replace("    ike: {version: 1,", "    ike: &ike {version: 1,").replace(
        "    dpd: {enabled: false", "    dpd: &dpd {enabled: false"
    )
    data = load_text(text, "s.yaml").data
    assert data["tunnels"][0]["ike"]["dh_group"] == 14
    merged = load_text("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n", "m.yaml").data
    assert merged["use"] == {"x": 1, "y": 3}
    p = tmp_path / "anchors.yaml"
    p.write_text(text)
    assert run(vpnconf_bin, "validate", p).returncode == 0


@pytest.mark.parametrize("kind", ["yaml", "json"])
def test_deep_nesting_refused_in_bounded_memory_and_time(vpnconf_bin, tmp_path, kind):
    p = tmp_path / f"deep.{kind}"
    n = 200_000
    p.write_text(("a: " if kind == "yaml" else "") + "[" * n + "]" * n + "\n")
    line = one_line(run(vpnconf_bin, "validate", p, bounded=True, timeout=60), p)
    assert f"nested more than {MAX_DEPTH} levels" in line and f"{p}:1:" in line


def test_nesting_at_the_limit_is_read():
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert load_text(text, "ok.json").data is not None
    assert load_text("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1), "ok.yaml").data is not None
    assert "levels deep" in refused("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "f.json")
    assert "levels deep" in refused("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH)


@pytest.mark.parametrize("kind", ["yaml", "json"])
def test_huge_integer_refused(vpnconf_bin, tmp_path, kind):
    big = "9" * (MAX_INT_DIGITS + 1)
    if kind == "yaml":
        p = tmp_path / "big.yaml"
        p.write_text(QS.replace("lifetime_seconds: 86400", f"lifetime_seconds: {big}"))
    else:
        p = tmp_path / "big.json"
        p.write_text('{"profile": "tencent",\n "vpc": {"name": "v", "cidr_blocks": [' + big + "]}}\n")
    line = one_line(run(vpnconf_bin, "validate", p), p)
    assert f"more than {MAX_INT_DIGITS} digits" in line
    assert ("tunnels[0].ike.lifetime_seconds" if kind == "yaml" else ":2: vpc.cidr_blocks[0]:") in line
    assert load_text("n: " + "9" * MAX_INT_DIGITS, "ok.yaml").data["n"] > 0


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_json_numbers_refused(number):
    assert "a.b" in refused('{"a": {\n"b": ' + number + "}}", "n.json")


def test_duplicate_yaml_key_names_key_and_both_lines(vpnconf_bin, tmp_path):
    p = site(tmp_path, f'"Abcdefgh{SECRET}"\n    pre_shared_key: "{SECRET}"')
    first = psk_line_no(p)
    line = one_line(run(vpnconf_bin, "validate", p), p)
    assert f"{p}:{first + 1}: tunnels[0]: duplicate key 'pre_shared_key' on lines {first} and {first + 1}" in line


def test_duplicate_json_key_names_key_and_both_lines(vpnconf_bin, tmp_path):
    p = tmp_path / "dup.json"
    p.write_text(
        '{\n  "profile": "tencent",\n  "tunnels": [\n    {"name": "t",\n     "pre_shared_key": "a'
        + SECRET
        + '",\n     "pre_shared_key": "'
        + SECRET
        + '"}\n  ]\n}\n'
    )
    line = one_line(run(vpnconf_bin, "validate", p), p)
    assert f"{p}:6: tunnels[0]: duplicate key 'pre_shared_key' on lines 5 and 6" in line


def test_duplicate_keys_in_profiles_and_api_json_too(tmp_path):
    assert "duplicate key 'DpdTimeout' on lines 2 and 3" in refused(
        '{"VpnConnectionName": "a",\n"DpdTimeout": 30,\n"DpdTimeout": 40}', "api.json"
    )
    assert "duplicate key 'encryption' on lines 2 and 3" in refused("ike:\n  encryption: [a]\n  encryption: [b]\n")


def test_size_limits(vpnconf_bin, tmp_path):
    p = tmp_path / "big.yaml"
    p.write_text(QS + ("# padding\n" * (MAX_YAML_BYTES // 10 + 1)))
    assert "the limit for a YAML file" in one_line(run(vpnconf_bin, "validate", p), p)
    assert "the limit for a JSON file" in refused(" " * MAX_JSON_BYTES + "{}", "big.json")


# -------------------------------------------- 2. YAML errors never echo a value
@pytest.mark.parametrize(
    ("value", "says"),
    [
        (f"!{SECRET}", "YAML tag"),
        (f"!!python/object:{SECRET} {{}}", "YAML tag"),
        (f"!{SECRET}!x abc", "tag"),
        (f"*{SECRET}", "YAML alias"),
        (f"*{SECRET}+x", "alias"),
        (f"&{SECRET}", "YAML anchor"),
        (f"&{SECRET} rest", "YAML anchor"),
        (f"@{SECRET}", "malformed YAML"),
        (f"`{SECRET}", "malformed YAML"),
        (f'"{SECRET}\\q"', "malformed YAML"),
        (f"{SECRET}\x07", "non-printable"),
        (f"{SECRET}: x", "malformed YAML"),
    ],
)
def test_yaml_error_names_file_line_field_never_the_key(vpnconf_bin, tmp_path, value, says):
    p = site(tmp_path, value)
    line = one_line(run(vpnconf_bin, "validate", p), p)
    assert f"{p}:{psk_line_no(p)}:" in line and "pre_shared_key" in line and says in line, line
    assert SECRET[:4] not in line


def test_render_and_import_refuse_the_same_way(vpnconf_bin, tmp_path):
    p = site(tmp_path, f"!{SECRET}")
    assert "YAML tag" in one_line(run(vpnconf_bin, "render", p, "--vendor", sorted(vendors())[0]), p)
    req = tmp_path / "req.json"
    req.write_text(json.dumps(api_request(vpnconf_bin)))
    assert "YAML tag" in one_line(run(vpnconf_bin, "import", req, "--into", p), p)
    assert "YAML tag" in one_line(run(vpnconf_bin, "export", p), p)


# ------------------------------------------------- 3. import of API JSON
def api_request(vpnconf_bin) -> dict:
    r = run(vpnconf_bin, "export", QUICKSTART, "--show-secrets")
    assert r.returncode == 0, r.stderr
    req = json.loads(r.stdout)
    req["PreShareKey"] = SECRET
    return req


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"DpdTimeout": "abc"}, "Response.VpnConnectionSet[0].DpdTimeout: expected a whole number"),
        ({"DpdTimeout": [30]}, "Response.VpnConnectionSet[0].DpdTimeout: expected a whole number"),
        ({"IKEOptionsSpecification": [1, 2]}, "IKEOptionsSpecification: expected a JSON object, found an array"),
        ({"IPSECOptionsSpecification": "x"}, "IPSECOptionsSpecification: expected a JSON object"),
        ({"SecurityPolicyDatabases": {"a": 1}}, "SecurityPolicyDatabases: expected a JSON array, found an object"),
        ({"SecurityPolicyDatabases": [5]}, "SecurityPolicyDatabases[0]: expected a JSON object"),
        ({"VpnConnectionName": {"a": 1}}, "VpnConnectionName: expected a string or number"),
    ],
)
def test_import_wrong_shape_is_one_line_naming_the_field(vpnconf_bin, tmp_path, change, field):
    conn = {**api_request(vpnconf_bin), **change}
    p = tmp_path / "describe.json"
    p.write_text(json.dumps({"Response": {"VpnConnectionSet": [conn]}}, indent=2))
    line = one_line(run(vpnconf_bin, "import", p), p)
    assert field in line, line
    # validate reads the same file as a site (API JSON detected) and names the line too
    line = one_line(run(vpnconf_bin, "validate", p), p)
    assert field in line and line.startswith(f"vpnconf: {p}:"), line


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({"Response": []}, "Response: expected a JSON object, found an array"),
        ({"format_version": "1.0", "values": {"root_module": []}}, "values.root_module: expected a JSON object"),
        (
            {
                "format_version": "1.0",
                "values": {
                    "root_module": {
                        "resources": [
                            {
                                "type": "tencentcloud_vpn_connection",
                                "values": {"dpd_timeout": "x", "pre_share_key": SECRET},
                            }
                        ]
                    }
                },
            },
            "values.root_module.resources[0].values.dpd_timeout: expected a whole number",
        ),
    ],
)
def test_import_wrong_shape_terraform_and_response(vpnconf_bin, tmp_path, doc, field):
    p = tmp_path / "in.json"
    p.write_text(json.dumps(doc, indent=2))
    assert field in one_line(run(vpnconf_bin, "import", p), p)


def test_import_into_a_site_of_the_wrong_shape(vpnconf_bin, tmp_path):
    req = tmp_path / "req.json"
    req.write_text(json.dumps(api_request(vpnconf_bin)))
    base = tmp_path / "base.yaml"
    base.write_text("vpc: {name: a, region: ap-guangzhou, cidr_blocks: [10.0.0.0/8]}\nvpn_gateways: {a: 1}\n")
    line = one_line(run(vpnconf_bin, "import", req, "--into", base), None)
    assert "vpn_gateways: expected a JSON array" in line


# --------------------------------------------------------- 4. profile names
@pytest.mark.parametrize("name", ["../../some/where", "/etc/passwd", "tencent/../aws", "Tencent", "a b", "x" * 65])
def test_site_profile_must_be_a_name(vpnconf_bin, tmp_path, name):
    evil = tmp_path / "some" / "where.yaml"
    evil.parent.mkdir()
    evil.write_text((ROOT / "profiles" / "aws.yaml").read_text())
    p = tmp_path / "site.yaml"
    p.write_text(QS.replace("profile: tencent", f"profile: {json.dumps(name)}"))
    line = one_line(run(vpnconf_bin, "validate", p, cwd=tmp_path), p)
    assert f"{p}:6: profile: not a profile name" in line and "[a-z0-9_-]+" in line and "--profile-file" in line


def test_unknown_profile_name_names_the_file(vpnconf_bin, tmp_path):
    p = tmp_path / "site.yaml"
    p.write_text(QS.replace("profile: tencent", "profile: nosuch"))
    assert "unknown cloud profile 'nosuch'" in one_line(run(vpnconf_bin, "validate", p), p)


@pytest.mark.parametrize("name", ["../x", "../../profiles/aws", "/etc/hosts"])
def test_check_against_must_be_a_name(vpnconf_bin, name):
    device = next((ROOT / "samples" / "mismatch").iterdir())
    line = one_line(run(vpnconf_bin, "check", device, "--against", name), None)
    assert line.startswith("vpnconf: --against: not a profile name")


def test_profile_file_is_given_explicitly(vpnconf_bin, tmp_path):
    prof = tmp_path / "mine.yaml"
    prof.write_text((ROOT / "profiles" / "aws.yaml").read_text())
    r = run(vpnconf_bin, "validate", QUICKSTART, "--profile-file", prof)
    assert r.returncode == 1 and "accepted by profile aws" in r.stdout, r.stdout + r.stderr
    r = run(vpnconf_bin, "render", QUICKSTART, "--vendor", sorted(vendors())[0], "--profile-file", prof)
    assert r.returncode == 1 and "by profile aws" in r.stderr
    device = next((ROOT / "samples" / "mismatch").iterdir())
    r = run(vpnconf_bin, "check", device, "--profile-file", prof)
    assert r.returncode in (0, 1) and "aws" in r.stdout and not r.stderr.strip(), r.stderr
    one_line(run(vpnconf_bin, "check", device, "--profile-file", prof, "--against", "aws"), None)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("name: x\nfoo: 1\n", "not a cloud profile"),
        ("- a\n", "a profile file is a mapping"),
        ("name: !x y\n", "YAML tag"),
        ("ike: {}\nike: {}\n", "duplicate key 'ike'"),
    ],
)
def test_profile_file_errors_are_one_line(vpnconf_bin, tmp_path, content, says):
    prof = tmp_path / "p.yaml"
    prof.write_text(content)
    assert says in one_line(run(vpnconf_bin, "validate", QUICKSTART, "--profile-file", prof), prof)


# ------------------------------------------------------ 5. arguments
def test_routes_unknown_tunnel(vpnconf_bin):
    line = one_line(run(vpnconf_bin, "routes", QUICKSTART, "--tunnel", "nope"), QUICKSTART)
    assert "no tunnel named 'nope'" in line and "TomVPNConn" in line


@pytest.mark.parametrize("hours", ["nan", "inf", "-inf", "-1", "1e999", "1e13", "abc"])
def test_price_hours_finite_and_not_negative(vpnconf_bin, hours):
    r = run(vpnconf_bin, "price", "--region", "ap-guangzhou", "--bandwidth", "10", f"--hours={hours}")
    assert "--hours" in one_line(r, None) and "nan" not in r.stdout.lower()


@pytest.mark.parametrize("timeout", ["nan", "inf", "0", "-1", "1e300", "abc"])
def test_lab_timeout_finite_and_positive(vpnconf_bin, timeout):
    r = run(vpnconf_bin, "lab", "verify", QUICKSTART, f"--timeout={timeout}")
    assert "--timeout" in one_line(r, None)


# ---------------------------------------------- the loader keeps what worked
def test_json_site_findings_still_carry_lines(vpnconf_bin, tmp_path):
    data = yaml.safe_load(QS)
    data["vpc"]["region"] = "Atlantis"
    p = tmp_path / "site.json"
    p.write_text(json.dumps(data, indent=2))
    r = run(vpnconf_bin, "validate", p, "--format", "json")
    found = json.loads(r.stdout)["findings"]
    region_line = next(n for n, s in enumerate(p.read_text().splitlines(), 1) if '"region"' in s)
    assert any(f["path"] == "vpc.region" and f["line"] == region_line for f in found), found


def test_key_on_a_continuation_line_is_not_named_as_a_field():
    # the key wrapped onto the next line reads as a mapping key there: the
    # message names the enclosing field, not the text of the key
    msg = refused(f"tunnels:\n  - pre_shared_key: a\n      {SECRET}: b\n")
    assert ":3: tunnels[0]:" in msg and "mapping values are not allowed" in msg
