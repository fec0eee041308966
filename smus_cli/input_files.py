"""Reading the files a command is handed (plans, reports, lists, saved API responses), and the folders it writes.

Whatever a path turns out to be - missing, a folder, a pipe, binary, UTF-16, 100,000 levels of JSON, hundreds of
megabytes - the command answers with exit 2 and one line naming the file, what is wrong with it and what it accepts,
never a traceback, a hang or gigabytes of memory.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from config.errors import printable, shown

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
MEGABYTE = 1024 * 1024


class InputFileError(Exception):
    """A file or folder a command was given is not what it needs. Always exit 2."""

    def __init__(self, path: Path, field: str, value: object, accepted: str) -> None:
        self.path = path
        self.field = field
        self.value = value
        self.accepted = accepted
        super().__init__(f"{printable(str(path))}: {field} = {shown(value)}: expected {accepted}")


def read_text(path: Path, *, accepted: str, max_bytes: int) -> str:
    """The UTF-8 text of ``path``; ``accepted`` says what the file should be (for the message)."""
    try:
        status = path.stat()
    except OSError as error:
        raise InputFileError(path, "(file)", error.strerror or type(error).__name__, accepted) from None
    if stat.S_ISDIR(status.st_mode):
        raise InputFileError(path, "(file)", "a folder", accepted)
    if not stat.S_ISREG(status.st_mode):
        raise InputFileError(path, "(file)", "not a regular file (a pipe, socket or device)", accepted)
    if status.st_size > max_bytes:
        raise InputFileError(
            path, "(file)", f"{status.st_size // MEGABYTE} MB", f"{accepted} of at most {_size(max_bytes)}"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputFileError(path, "(file)", error.strerror or type(error).__name__, accepted) from None
    if data.startswith(_UTF16_BOMS):
        raise InputFileError(path, "(encoding)", "UTF-16 text", f"{accepted}, as UTF-8")
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputFileError(
            path,
            "(encoding)",
            f"byte 0x{data[error.start]:02x} at offset {error.start} (binary?)",
            f"{accepted}, as UTF-8",
        ) from None
    if "\x00" in text:
        raise InputFileError(path, "(encoding)", "a NUL byte (binary?)", f"{accepted}, as text")
    return text


def read_json(path: Path, *, accepted: str, max_bytes: int) -> Any:
    """The parsed JSON document of ``path`` (any JSON value; the caller checks its shape)."""
    return parse_json(read_text(path, accepted=accepted, max_bytes=max_bytes), path, accepted=accepted)


def parse_json(text: str, path: Path, *, accepted: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputFileError(
            path, "(syntax)", f"not JSON: {error.msg} at line {error.lineno} column {error.colno}", accepted
        ) from None
    except RecursionError:  # the decoder recurses per level of nesting
        raise InputFileError(path, "(syntax)", "JSON nested too deeply", accepted) from None


def creatable(path: Path, *, what: str) -> Path:
    """``path`` can be created as a folder: nothing on the way to it is a file (nothing is created)."""
    for ancestor in path.parents:
        if ancestor.exists() and not ancestor.is_dir():
            raise InputFileError(path, "(folder)", f"is under a file ({ancestor})", f"a folder for {what}")
    return path


def writable_folder(path: Path, *, what: str) -> Path:
    """``path`` as a folder that exists or can be created: refuses a file there or a file on the way to it."""
    creatable(path, what=what)
    if path.exists() and not path.is_dir():
        raise InputFileError(path, "(folder)", "is a file", f"a folder for {what}")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputFileError(path, "(folder)", error.strerror or type(error).__name__, f"a folder for {what}") from None
    return path


def writable_file(path: Path, *, what: str) -> Path:
    """``path`` as a file that can be written: not a folder, and its folder exists or can be created."""
    if path.is_dir():
        raise InputFileError(path, "(file)", "a folder", f"a file path for {what}")
    writable_folder(path.parent, what=what)
    return path


def _size(max_bytes: int) -> str:
    return f"{max_bytes // MEGABYTE} MB" if max_bytes >= MEGABYTE else f"{max_bytes} bytes"
