"""vpnconf: site-to-site IPsec between an IDC and a cloud VPC, offline, both ways.

The Python API (heavy modules are imported only when used):

    from vpnconf import require_site, render
    site = require_site("samples/quickstart.yaml")
    print(render(site, "TomVPNConn", "<vendor id>"))
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "check_site", "load_site", "render", "render_files", "require_site"]


def __getattr__(name: str) -> Any:
    if name in {"load_site", "require_site"}:
        from . import io

        return getattr(io, name)
    if name in {"render", "render_files"}:
        from . import renderer as _render

        return getattr(_render, name)
    if name == "check_site":
        from .rules import check_site

        return check_site
    raise AttributeError(name)
