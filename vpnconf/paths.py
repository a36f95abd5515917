"""Where the data folders live: inside the installed wheel (vpnconf/vendors,
vpnconf/templates, vpnconf/profiles) or, in a source checkout, beside the
package at the top of the repository."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"vpnconf data folder {name!r} is missing from the installation")
