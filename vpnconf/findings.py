"""Findings (what a rule, a parser or a check reports) and the one error type
for unusable input. Kept free of heavy imports: the CLI loads it at start-up."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal

    Severity = Literal["error", "warning", "info"]


class VpnconfError(Exception):
    """Unusable input or usage: reported as one line, exit code 2."""

    exit_code = 2


class RenderError(VpnconfError):
    """A tunnel the chosen vendor cannot express: exit code 1."""

    exit_code = 1


class Finding:
    """One problem or observation: rule id, severity, message, and where
    (path into the site file, file name, line)."""

    __slots__ = ("extra", "file", "line", "message", "path", "rule", "severity")

    def __init__(
        self,
        rule: str,
        severity: Severity,
        message: str,
        path: str = "",
        file: str | None = None,
        line: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.rule = rule
        self.severity: Severity = severity
        self.message = message
        self.path = path
        self.file = file
        self.line = line
        self.extra: dict[str, Any] = extra or {}

    def _key(self) -> tuple[object, ...]:
        return (self.rule, self.severity, self.message, self.path, self.file, self.line)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Finding) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Finding({self.text()!r})"

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
