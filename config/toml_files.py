"""Reading a TOML file that may be anything: every way it can fail is a :class:`ConfigError` naming the file.

A config folder holds what editors and people leave in it: dangling lock links (`.#dev.toml`), link loops, folders
named `x.toml`, unreadable files, Latin-1 or UTF-16 text, a file of 20,000 nested arrays (the standard parser
recurses), duplicate keys (the parser says "Cannot overwrite a value" without the key). Each becomes one line that
says which file, what is wrong, and what is accepted.
"""

from __future__ import annotations

import errno
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from config.errors import ConfigError, ConfigIssue

#: Far above any real account file (the largest example is about 10 kB), far below what would hurt.
MAX_BYTES = 1_000_000
#: Deep enough for any real file; shallow enough that the recursive parser never reaches Python's recursion limit.
MAX_NESTING = 100

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; raises ConfigError for a file that cannot be read, decoded or parsed."""
    try:
        status = path.stat()  # follows links: a dangling link or a loop fails here
    except FileNotFoundError:
        kind = "a link to a missing file" if path.is_symlink() else "no such file"
        raise _error(path, "(file)", kind, "a TOML file (an editor's lock link? those are named '.#...')") from None
    except OSError as error:
        problem = "a link loop" if error.errno == errno.ELOOP else error.strerror or type(error).__name__
        raise _error(path, "(file)", problem, "a readable TOML file") from None
    if stat.S_ISDIR(status.st_mode):
        raise _error(path, "(file)", "a folder", "a TOML file (rename the folder: '.toml' names account files)")
    if not stat.S_ISREG(status.st_mode):  # a FIFO would block the read forever
        raise _error(path, "(file)", "not a regular file (a pipe, socket or device)", "a TOML file")
    if status.st_size > MAX_BYTES:
        raise _error(path, "(file)", f"{status.st_size} bytes", f"at most {MAX_BYTES} bytes")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _error(path, "(file)", error.strerror or type(error).__name__, "a readable TOML file") from None
    if len(data) > MAX_BYTES:  # it grew since stat
        raise _error(path, "(file)", f"{len(data)} bytes", f"at most {MAX_BYTES} bytes")
    text = _decode(path, data)
    depth = _nesting(text)
    if depth > MAX_NESTING:
        raise _error(path, "(syntax)", f"arrays or tables nested {depth} deep", f"at most {MAX_NESTING} levels")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        duplicate = _duplicate_key(text) if _is_duplicate(str(error)) else None
        if duplicate is not None:
            key, line = duplicate
            raise _error(path, key, f"defined twice (line {line})", "each key once per table") from None
        raise _error(path, "(syntax)", str(error), "valid TOML") from None
    except RecursionError:  # _nesting is a scan, not a parse: this stays as the backstop
        raise _error(path, "(syntax)", "nested too deeply", f"at most {MAX_NESTING} levels") from None


def _error(path: Path, field: str, value: object, accepted: str) -> ConfigError:
    return ConfigError([ConfigIssue(path, field, value, accepted)])


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(_UTF16_BOMS):
        raise _error(path, "(encoding)", "UTF-16 text", "UTF-8 text (TOML files are UTF-8)")
    try:
        return data.removeprefix(_UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _error(
            path,
            "(encoding)",
            f"byte 0x{data[error.start]:02x} on line {line} (Latin-1 or another encoding?)",
            "UTF-8 text (TOML files are UTF-8)",
        ) from None


def _nesting(text: str) -> int:
    """The deepest run of `[`/`{` opened but not closed, outside strings and comments (an upper bound is enough)."""
    depth = deepest = 0
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            newline = text.find("\n", index)
            index = len(text) if newline < 0 else newline
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
        index += 1
    return deepest


def _is_duplicate(message: str) -> bool:
    return message.startswith(("Cannot overwrite a value", "Cannot declare", "Duplicate inline table key"))


_HEADER = re.compile(r"^\s*\[(\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")


def _duplicate_key(text: str) -> tuple[str, int] | None:
    """The first key defined twice in one table, as a dotted path, and its second line (None if not found).

    A line scanner, used only after the parser has already said there is a duplicate: it is allowed to miss (then the
    parser's own message is shown), never to invent one.
    """
    table = ""
    seen: dict[str, int] = {}
    tables: set[str] = set()
    array_index: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            name = _normal(header.group(2))
            if header.group(1):
                array_index[name] = array_index.get(name, -1) + 1
                table = f"{name}[{array_index[name]}]"
            else:
                if name in tables or name in seen:
                    return name, number
                tables.add(name)
                table = name
            continue
        key = _KEY.match(line)
        if key:
            full = f"{table}.{_normal(key.group(1))}" if table else _normal(key.group(1))
            if full in seen or full in tables:
                return full, number
            seen[full] = number
    return None


def _normal(dotted: str) -> str:
    return ".".join(
        part.strip().strip("\"'") for part in re.split(r"\.(?=(?:[^\"']*[\"'][^\"']*[\"'])*[^\"']*$)", dotted)
    )
