"""Where the data folders live: inside the installed wheel (vpnconf/vendors,
vpnconf/profiles) or, in a source checkout, beside the package at the top of
the repository. A vendor is one folder, ``vendors/<id>/`` with its
``vendor.yaml``; nothing lists vendors, they are found here."""

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


@cache
def vendor_dirs() -> dict[str, Path]:
    """Every vendor folder by id: ``vendors/<id>/vendor.yaml`` exists (folders
    starting with ``_`` or ``.`` are not vendors)."""
    root = data_dir("vendors")
    return {
        d.name: d
        for d in sorted(root.iterdir())
        if d.is_dir() and not d.name.startswith(("_", ".")) and (d / "vendor.yaml").is_file()
    }
