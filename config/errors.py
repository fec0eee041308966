"""The one error a platform engineer sees for bad config: file, field, value, and what would be accepted."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ConfigIssue:
    """One problem in one file."""

    file: Path
    field: str
    value: object
    accepted: str

    def __str__(self) -> str:
        shown = "(missing)" if self.value is _MISSING else repr(self.value)
        return f"{self.file}: {self.field} = {shown}: expected {self.accepted}"


class _Missing:
    def __repr__(self) -> str:
        return "(missing)"


_MISSING = _Missing()
MISSING: object = _MISSING


class ConfigError(Exception):
    """Every problem found in the config, each naming file, field, value and what is accepted."""

    def __init__(self, issues: list[ConfigIssue]) -> None:
        self.issues = issues
        lines = "\n".join(f"  - {issue}" for issue in issues)
        super().__init__(f"invalid configuration ({len(issues)} problem{'s' if len(issues) != 1 else ''}):\n{lines}")
