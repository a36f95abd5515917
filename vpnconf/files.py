"""Reading one input file, bounded: the one reader of device configs, status
output and data files. No pydantic and no YAML here, so that ``parse`` does
not load the model's classes to read a config."""

from __future__ import annotations

import os
from pathlib import Path

from .findings import VpnconfError

#: device configs and operational output: the parsers are linear (benchmarks/run.py
#: parse measures 4x the entries); a real 31 MB Junos config must be read
MAX_INPUT_BYTES = 256 * 1024 * 1024


def read_text(path: str | os.PathLike[str], limit: int = MAX_INPUT_BYTES) -> str:
    """A text file's content (at most ``limit`` bytes), or one clear VpnconfError."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise VpnconfError(f"{p}: not a regular file")
        if size > limit:
            raise VpnconfError(f"{p}: file is {size} bytes; the limit is {limit}")
        with p.open("rb") as fh:
            raw = fh.read(limit + 1)  # a file growing after stat() is still bounded
        if len(raw) > limit:
            raise VpnconfError(f"{p}: file is more than {limit} bytes; the limit is {limit}")
    except FileNotFoundError:
        raise VpnconfError(f"{p}: no such file") from None
    except PermissionError:
        raise VpnconfError(f"{p}: permission denied") from None
    except IsADirectoryError:
        raise VpnconfError(f"{p}: is a directory") from None
    if b"\x00" in raw:
        raise VpnconfError(f"{p}: binary data (NUL byte), not a text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise VpnconfError(f"{p}: not UTF-8 text (byte {exc.start})") from None
