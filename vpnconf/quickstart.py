"""`make run`: render every tunnel of a site for every vendor and variant
into a folder, and say where each file went."""

from __future__ import annotations

import sys
from pathlib import Path

from .catalog import vendors
from .findings import VpnconfError
from .io import require_site, write_private
from .renderer import render_files


def main(argv: list[str]) -> int:
    site_path = argv[0] if argv else "samples/quickstart.yaml"
    out = argv[1] if len(argv) > 1 else "out"
    try:
        site = require_site(site_path)
        written = []
        for v in vendors().values():
            for variant in v.variants:
                for t in site.tunnels:
                    files = render_files(site, t, v.id, variant=variant)
                    for fname, text in files.items():
                        p = Path(out) / v.id / variant / f"{t.name}.{fname}"
                        write_private(p, text, force=True)
                        written.append(p)
    except VpnconfError as exc:
        sys.stderr.write(f"vpnconf: {exc}\n")
        return exc.exit_code
    for p in written:
        print(f"rendered {p}")
    print(f"{len(written)} files in {out}/ (mode 0600: they hold the pre-shared key)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
