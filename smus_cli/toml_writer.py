"""A small TOML writer for generated account files: comments where a reviewer must look, and stable layout.

Why not a library: none is installed, and the point of generated config is the comments (immutable values, TODO
placeholders), which general TOML writers do not place. Only what account files use is supported.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence

BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
Scalar = str | bool | int
Value = Scalar | Sequence[Scalar] | Mapping[str, "Value"] | Sequence[Mapping[str, "Value"]]


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    escaped = []
    for char in text:
        if char in {'"', "\\"}:
            escaped.append("\\" + char)
        elif char == "\n":
            escaped.append("\\n")
        elif char == "\t":
            escaped.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def toml_key(key: str) -> str:
    return key if BARE_KEY.match(key) else toml_string(key)


def toml_value(value: Value) -> str:
    """Inline rendering: strings, booleans, integers, arrays and inline tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    return "[" + ", ".join(toml_value(item) for item in value) + "]"


class TomlDocument:
    """Lines of a TOML file, built top to bottom."""

    def __init__(self) -> None:
        self._lines: list[str] = []

    def comment(self, text: str, *, width: int = 116) -> None:
        for paragraph in text.splitlines() or [""]:
            wrapped = textwrap.wrap(paragraph, width=width - 2) or [""]
            self._lines.extend(f"# {line}".rstrip() for line in wrapped)

    def blank(self) -> None:
        if self._lines and self._lines[-1] != "":
            self._lines.append("")

    def table(self, *path: str) -> None:
        self.blank()
        self._lines.append("[" + ".".join(toml_key(part) for part in path) + "]")

    def array_table(self, *path: str) -> None:
        self.blank()
        self._lines.append("[[" + ".".join(toml_key(part) for part in path) + "]]")

    def set(self, key: str, value: Value) -> None:
        self._lines.append(f"{toml_key(key)} = {toml_value(value)}")

    def set_rows(self, key: str, rows: Sequence[Mapping[str, Value]]) -> None:
        """An array of inline tables, one per line, as the hand-written account files lay out environments."""
        if not rows:
            self.set(key, [])
            return
        self._lines.append(f"{toml_key(key)} = [")
        self._lines.extend(f"  {toml_value(row)}," for row in rows)
        self._lines.append("]")

    def text(self) -> str:
        return "\n".join(self._lines).rstrip("\n") + "\n"
