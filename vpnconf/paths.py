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


#: further folders of vendor folders (``os.pathsep``-separated), searched after
#: the built-in ones: a user adds a vendor without touching the installation
VENDOR_PATH_ENV = "VPNCONF_VENDOR_PATH"


@cache
def vendor_dirs() -> dict[str, Path]:
    """Every vendor folder by id: ``<root>/<id>/vendor.yaml`` exists, for the
    built-in ``vendors/`` and every folder in ``$VPNCONF_VENDOR_PATH``
    (folders starting with ``_`` or ``.`` are not vendors). The same id in
    two places is refused, naming both."""
    import os

    roots = [data_dir("vendors")]
    roots += [Path(p) for p in os.environ.get(VENDOR_PATH_ENV, "").split(os.pathsep) if p]
    found: dict[str, Path] = {}
    for root in roots:
        if not root.is_dir():
            from .findings import VpnconfError

            raise VpnconfError(f"{VENDOR_PATH_ENV}: {root} is not a folder")
        for d in sorted(root.iterdir()):
            if d.is_dir() and not d.name.startswith(("_", ".")) and (d / "vendor.yaml").is_file():
                if d.name in found:
                    from .findings import VpnconfError

                    raise VpnconfError(f"vendor {d.name} is defined twice: {found[d.name]} and {d}")
                found[d.name] = d
    return found
