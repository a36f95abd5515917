"""Every parser discovered in vpnconf/parsers/, fed junk: mutated corpus files
and rendered configs (>= 1,000 inputs per parser), binary data, truncation,
the wrong vendor, huge files. No exception may escape; the CLI answers bad
input with one line and exit code 2."""

from __future__ import annotations

import os
import random
import subprocess

import pytest

from conftest import QUICKSTART, SHARED
from vpnconf.io import require_site
from vpnconf.parsing import parse_text, parser_modules
from vpnconf.renderer import render

PARSERS = sorted(parser_modules())
CORPUS = SHARED / "corpus"


def seeds(vendor: str) -> list[str]:
    site = require_site(QUICKSTART)
    from vpnconf.catalog import vendors

    out = [render(site, "TomVPNConn", vendor, variant=var) for var in vendors()[vendor].variants]
    if CORPUS.is_dir():
        for path in sorted(CORPUS.rglob("*")):
            if path.is_file() and path.suffix != ".md":
                out.append(path.read_text(errors="replace"))
    return out


def mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True) or [""]
    op = rng.randrange(8)
    if op == 0:  # drop a line
        del lines[rng.randrange(len(lines))]
    elif op == 1:  # duplicate a line
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
    elif op == 2:  # truncate anywhere
        return text[: rng.randrange(len(text) + 1)]
    elif op == 3:  # swap two lines
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == 4:  # flip bytes
        chars = list(text)
        for _ in range(rng.randint(1, 8)):
            if chars:
                chars[rng.randrange(len(chars))] = chr(
                    rng.choice([0, 9, 10, 13, 34, 39, 59, 123, 125, 35, 33, rng.randrange(32, 0x2FFF)])
                )
        return "".join(chars)
    elif op == 5:  # replace a token by junk
        i = rng.randrange(len(lines))
        words = lines[i].split(" ")
        words[rng.randrange(len(words))] = rng.choice(
            [
                "",
                "999999999999",
                "-1",
                "{",
                "}",
                '"',
                "x" * 300,
                "0.0.0.0/33",
                "300.1.1.1",
                "group",
                "set",
                "end",
                "next",
                "exit",
                ";",
            ]
        )
        lines[i] = " ".join(words)
    elif op == 6:  # shuffle indentation
        i = rng.randrange(len(lines))
        lines[i] = " " * rng.randrange(6) + lines[i].lstrip()
    else:  # splice lines from elsewhere
        i = rng.randrange(len(lines))
        lines[i:i] = lines[rng.randrange(len(lines)) :][:5]
    return "".join(lines)


@pytest.mark.parametrize("vendor", PARSERS)
def test_fuzz_no_exception_escapes(vendor):
    rng = random.Random(f"fuzz-{vendor}")
    pool = seeds(vendor)
    for i in range(1000):
        text = pool[i % len(pool)]
        for _ in range(rng.randint(1, 4)):
            text = mutate(text, rng)
        dev = parse_text(text, f"fuzz-{i}", vendor)  # must not raise
        for f in dev.findings:
            assert f.severity in {"error", "warning", "info"} and isinstance(f.message, str)


@pytest.mark.parametrize("vendor", PARSERS)
@pytest.mark.parametrize(
    "junk",
    [
        "",
        "\n\n\n",
        "\x00\x01\x02\xff" * 100,
        "}}}}{{{{",
        "end\nend\n",
        "exit\n" * 50,
        "a" * 100_000,
        "set " * 10_000,
        "conn\n" * 1000,
    ],
)
def test_junk(vendor, junk):
    parse_text(junk, "junk", vendor)


@pytest.mark.parametrize("vendor", PARSERS)
def test_every_other_vendors_output(vendor):
    """A config of the wrong vendor parses to findings, not an exception."""
    site = require_site(QUICKSTART)
    for other in PARSERS:
        if other != vendor:
            parse_text(render(site, "TomVPNConn", other), "other", vendor)


@pytest.mark.parametrize("vendor", PARSERS)
def test_huge_input(vendor):
    site = require_site(QUICKSTART)
    text = render(site, "TomVPNConn", vendor)
    big = (text + "\n") * (2_000_000 // max(1, len(text)))
    parse_text(big, "big", vendor)


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (b"", "empty file"),
        (b"\x00\x01binary\xff", "binary data"),
        (b"hello world\nnothing here\n", "cannot tell which vendor"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2(vpnconf_bin, tmp_path, content, expect):
    p = tmp_path / "dev.cfg"
    p.write_bytes(content)
    for cmd in (
        ["parse", str(p)],
        ["check", str(p), "--against", "tencent"],
        ["translate", str(p), "--to", sorted(PARSERS)[0]],
    ):
        r = subprocess.run([*vpnconf_bin, *cmd], capture_output=True, text=True)
        assert r.returncode == 2, (cmd, r.stdout, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and expect in r.stderr and "Traceback" not in r.stderr


def test_cli_file_over_the_limit_is_refused_cleanly(vpnconf_bin, tmp_path):
    """A device config over MAX_INPUT_BYTES (256 MiB; a sparse file) is refused
    before it is read, in one line naming the limit."""
    from vpnconf.io import MAX_INPUT_BYTES

    p = tmp_path / "big.cfg"
    with p.open("wb") as fh:
        fh.truncate(MAX_INPUT_BYTES + 1)
    r = subprocess.run([*vpnconf_bin, "parse", str(p)], capture_output=True, text=True)
    assert r.returncode == 2 and "limit" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    os.unlink(p)
