"""Device inputs for ``parse`` and ``check``: one file, several files read as
one device (a config and its secrets file, joined in the order given), or
directories read as a fleet (every regular file on its own).

Findings of a device read from several files name the file and the line of
the part they are in: the parser sees the joined text, and its line numbers
are mapped back here. Nothing here names a vendor.
"""

from __future__ import annotations

import os
import re
import stat
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Finding, VpnconfError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .parsing import ParsedDevice

MAX_FLEET_FILES = 10_000
NO_TUNNEL = "NO-TUNNEL"


@dataclass
class DeviceInput:
    """The text of one device, read from one or several files."""

    paths: list[str]
    text: str
    starts: list[int] = field(default_factory=list)  # lines before each part in the joined text

    @property
    def name(self) -> str:
        """The name the parser sees (and line-less findings keep): the first file."""
        return self.paths[0]

    @property
    def label(self) -> str:
        """All the files, for messages about the device as a whole."""
        return " + ".join(self.paths)

    def locate(self, line: int) -> tuple[str, int]:
        """(file, line in that file) of a line of the joined text."""
        if len(self.paths) == 1 or line < 1:
            return self.paths[0], line
        i = max(bisect_right(self.starts, line - 1) - 1, 0)
        return self.paths[i], line - self.starts[i]


def read_device(paths: list[str]) -> DeviceInput:
    """Read the files of one device; several are joined in the order given."""
    from .files import MAX_INPUT_BYTES, read_text

    texts, starts, total = [], [], 0
    for p in paths:
        t = read_text(p)
        if len(paths) > 1 and "\r" in t:  # one line ending, so that the parts' lines add up
            t = t.replace("\r\n", "\n").replace("\r", "\n")
        if t and not t.endswith("\n"):
            t += "\n"
        starts.append(total)
        total += t.count("\n")
        texts.append(t)
    text = "".join(texts)
    if len(text) > MAX_INPUT_BYTES:
        raise VpnconfError(f"{' + '.join(paths)}: {len(text)} characters together; the limit is {MAX_INPUT_BYTES}")
    if not text.strip():
        raise VpnconfError(f"{' + '.join(paths)}: {'empty file' if len(paths) == 1 else 'empty files'}")
    return DeviceInput(list(paths), text, starts)


def _vendor_ids() -> set[str]:
    from .catalog import vendors

    return set(vendors())


_LINE_REF = re.compile(r"\bline (\d+)\b")


def relocate_text(text: str, inp: DeviceInput, file: str | None) -> str:
    """ "line N" of the joined text in a message -> the line in its part (and
    the part's file when it is not ``file``)."""
    if len(inp.paths) == 1 or "line " not in text:
        return text

    def sub(m: re.Match[str]) -> str:
        part, line = inp.locate(int(m.group(1)))
        return f"line {line}" if part == file else f"line {line} of {part}"

    return _LINE_REF.sub(sub, text)


def relocate(findings: list[Finding], inp: DeviceInput) -> list[Finding]:
    """Findings on the joined text -> findings naming each part's file and line."""
    if len(inp.paths) == 1:
        return findings
    out = []
    for f in findings:
        if f.file == inp.name:
            file, line = inp.locate(f.line) if f.line is not None else (f.file, None)
            msg = relocate_text(f.message, inp, file)
            f = Finding(f.rule, f.severity, msg, f.path, file, line, f.extra)
        out.append(f)
    return out


def companions(paths: list[str], vendor_id: str) -> list[str]:
    """The files the vendor's daemon reads beside the ones given (vendor.yaml
    ``companions``: strongSwan's strongswan.conf beside swanctl.conf, the
    secrets beside ipsec.conf) that exist, are regular files and were not given."""
    from .catalog import vendors

    rules = vendors()[vendor_id].companions
    given = {os.path.realpath(p) for p in paths}
    out: list[str] = []
    for p in paths:
        for rule in rules:
            if os.path.basename(p) != rule.get("beside"):
                continue
            for rel in rule.get("read", []):
                cand = os.path.normpath(os.path.join(os.path.dirname(p), str(rel)))
                real = os.path.realpath(cand)
                try:
                    regular = stat.S_ISREG(os.stat(cand).st_mode)
                except (OSError, ValueError):
                    regular = False
                if regular and real not in given:
                    given.add(real)
                    out.append(cand)
    return out


def companion_names() -> frozenset[str]:
    """The file names any vendor's daemon reads beside another file
    (``companions``' ``read``), e.g. ipsec.secrets, strongswan.conf."""
    from .catalog import vendors

    return frozenset(
        os.path.basename(str(rel)) for v in vendors().values() for rule in v.companions for rel in rule.get("read", [])
    )


def _vendor_of(text: str, vendor: str | None) -> tuple[str | None, str | None]:
    """(vendor id, why it was detected): the given vendor as named, else the
    detected one; (None, None) when the text cannot be decoded or detected
    (``parse_text`` then says why, as it does for any input)."""
    from .catalog import get_vendor
    from .parsing import detect_vendor
    from .parsing.text import decode

    if vendor is not None:
        return get_vendor(vendor).id, None
    try:
        return detect_vendor(decode(text, "")[0])
    except VpnconfError:
        return None, None


def parse_device(
    inp: DeviceInput, vendor: str | None, *, allow_empty: bool = True, with_companions: bool = True
) -> ParsedDevice:
    """Parse a device's text; findings name each part's file and line.
    Without a tunnel the device has no VPN: one info NO-TUNNEL finding says
    so. With ``allow_empty`` false (commands that need a tunnel) a device
    without a tunnel and without an error is refused instead. The files the
    vendor's daemon reads beside the given ones (``companions``) are read too
    when they are there: ``inp`` then holds them, and an info finding names each."""
    from .parsing import parse_text

    try:
        # the vendor first (given, or detected on the given files alone: it stays the one
        # detected, and why): its companions are read before the one parse
        vid, why = _vendor_of(inp.text, vendor) if with_companions else (vendor, None)
        extra = companions(inp.paths, vid) if vid is not None and vid in _vendor_ids() else []
        if extra:
            more = read_device([*inp.paths, *extra])
            inp.paths, inp.text, inp.starts = more.paths, more.text, more.starts
        dev = parse_text(inp.text, inp.name, vid)
        if why is not None:
            dev.detected = why
        if extra:
            for c in extra:
                dev.findings.insert(
                    0,
                    Finding(
                        "COMPANION",
                        "info",
                        f"read {c} too: the {dev.vendor} daemon reads it beside {os.path.basename(inp.paths[0])} "
                        "(give the files explicitly to choose)",
                        file=c,
                    ),
                )
    except VpnconfError as exc:
        if str(exc).startswith(inp.paths[0]):
            raise
        err = VpnconfError(f"{inp.label}: {exc}")
        err.exit_code = exc.exit_code
        raise err from None
    if not dev.tunnels:
        if not allow_empty and not any(f.severity == "error" for f in dev.findings):
            raise VpnconfError(f"{inp.label}: no IPsec tunnel found in this {dev.vendor} config")
        # No VPN here is a fact about the device, not a problem with it: the
        # parser's own NO-TUNNEL note (whatever its severity) is reported as info.
        if not any(f.rule == NO_TUNNEL for f in dev.findings):
            dev.findings.append(
                Finding(NO_TUNNEL, "info", f"no IPsec tunnel found in this {dev.vendor} config", file=inp.name)
            )
        dev.findings = [
            Finding(f.rule, "info", f.message, f.path, f.file, f.line, f.extra)
            if f.rule == NO_TUNNEL and f.severity != "info"
            else f
            for f in dev.findings
        ]
    dev.findings = relocate(dev.findings, inp)
    return dev


def tunnel_where(inp: DeviceInput, line: int | None) -> dict[str, object]:
    """The file and line of a tunnel, for output (the file only when the device
    was read from several files, so one file's output keeps its shape)."""
    if line is None or len(inp.paths) == 1:
        return {"line": line}
    file, local = inp.locate(line)
    return {"file": file, "line": local}


def relocate_extra(extra: dict[str, Any], inp: DeviceInput, file: str | None) -> dict[str, Any]:
    """A tunnel's extra notes with their "line N" references relocated."""
    if len(inp.paths) == 1:
        return extra
    return {k: relocate_text(v, inp, file) if isinstance(v, str) else v for k, v in extra.items()}


# ------------------------------------------------------------------ fleets
@dataclass
class Skipped:
    path: str
    reason: str


def fleet_files(dirs: list[str], limit: int = MAX_FLEET_FILES) -> tuple[list[str], list[Skipped]]:
    """Every regular file under the directories, sorted; symbolic links are not
    followed (nor read), other special files are skipped. More than ``limit``
    files is refused."""
    found: dict[str, str] = {}  # real path -> path as found
    skipped: list[Skipped] = []

    def walk_error(exc: OSError) -> None:
        skipped.append(Skipped(str(exc.filename), f"cannot list: {exc.strerror or exc}"))

    for top in dirs:
        for root, subdirs, files in os.walk(top, onerror=walk_error, followlinks=False):
            subdirs.sort()
            for d in subdirs:
                if os.path.islink(os.path.join(root, d)):
                    skipped.append(Skipped(os.path.join(root, d), "symbolic link (not followed)"))
            for name in sorted(files):
                p = os.path.join(root, name)
                try:
                    st = os.lstat(p)
                except OSError as exc:
                    skipped.append(Skipped(p, f"cannot stat: {exc.strerror or exc}"))
                    continue
                if stat.S_ISLNK(st.st_mode):
                    skipped.append(Skipped(p, "symbolic link (not followed)"))
                elif not stat.S_ISREG(st.st_mode):
                    skipped.append(Skipped(p, "not a regular file"))
                else:
                    found.setdefault(os.path.realpath(p), p)
                    if len(found) > limit:
                        raise VpnconfError(
                            f"{top}: more than {limit} files under the directories given (the limit); "
                            "audit fewer at a time"
                        )
    return sorted(found.values()), sorted(skipped, key=lambda s: s.path)


def plan(paths: list[str]) -> tuple[str, list[str]]:
    """("device", files) for files read as one device, ("fleet", directories)."""
    dirs = [p for p in paths if Path(p).is_dir()]
    if not dirs:
        return "device", paths
    if len(dirs) != len(paths):
        files = [p for p in paths if p not in dirs]
        raise VpnconfError(
            f"{files[0]}: a file given with a directory; give either the files of one device "
            "(read together) or directories (a fleet, every file on its own)"
        )
    return "fleet", paths
