"""The one error a platform engineer sees for bad config: file, field, value, and what would be accepted.

Everything in a message that came from a file (its name, a key, a value) is shown with control and invisible
characters escaped, so a hostile file cannot clear the screen, hide text or forge a line such as "ALL GOOD" on the
reviewer's terminal; values are shown as TOML writes them (`2024-01-01`, `true`), not as Python reprs them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


def printable(text: str, keep: str = "") -> str:
    """``text`` with every character Python does not call printable (controls, bidi overrides, zero-width, ...)
    written as an escape such as ``\\x1b`` or ``\\u202e``; characters in ``keep`` (a message's own newlines) stay."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() or char in keep else _escape(char) for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else (f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")


def shown(value: object) -> str:
    """A value as the file wrote it: strings quoted with escapes, dates ISO, booleans lowercase, tables and arrays."""
    if isinstance(value, str):
        return repr(value)  # quotes it; escapes controls, invisibles and backslashes
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(shown(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{shown(key)}: {shown(item)}" for key, item in value.items()) + "}"
    return printable(repr(value))


@dataclass(frozen=True)
class ConfigIssue:
    """One problem in one file."""

    file: Path
    field: str
    value: object
    accepted: str

    def __str__(self) -> str:
        value = "(missing)" if self.value is _MISSING else shown(self.value)
        return f"{printable(str(self.file))}: {printable(self.field)} = {value}: expected {printable(self.accepted)}"


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
