"""Findings (what a rule, a parser or a check reports) and the one error type
for unusable input."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


class VpnconfError(Exception):
    """Unusable input or usage: reported as one line, exit code 2."""

    exit_code = 2


class RenderError(VpnconfError):
    """A tunnel the chosen vendor cannot express: exit code 1."""

    exit_code = 1


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    path: str = ""  # e.g. tunnels[0].spd[1].peers[0]
    file: str | None = None
    line: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def where(self) -> str:
        loc = self.file or ""
        if self.line is not None:
            loc = f"{loc}:{self.line}" if loc else f"line {self.line}"
        return loc

    def text(self) -> str:
        head = self.where()
        parts = [f"{head}:" if head else "", self.severity, self.rule]
        if self.path:
            parts.append(f"{self.path}:")
        else:
            parts[-1] += ":"
        parts.append(self.message)
        return " ".join(p for p in parts if p)

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "file": self.file,
            "line": self.line,
        }
        d.update(self.extra)
        return d


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
