"""Load the small reviewed TOML files the migration tools read (guard allow-list, intended differences).

They are policy, reviewed in pull requests like the account files, so they fail the same way: every problem is a
:class:`config.errors.ConfigIssue` naming file, field, value and what is accepted, and nothing is silently skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from config.errors import MISSING, ConfigError, ConfigIssue
from config.toml_files import read_toml

Model = TypeVar("Model", bound=BaseModel)


def load_reviewed_file(path: Path, model: type[Model]) -> Model:
    """Parse ``path`` as TOML into ``model``; raises :class:`ConfigError` listing every problem."""
    raw = read_toml(path)
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise ConfigError([_issue(path, model, item) for item in error.errors()]) from None


def _dotted(loc: Iterable[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


def _issue(path: Path, model: type[BaseModel], item: Any) -> ConfigIssue:
    loc = tuple(item["loc"])
    if item["type"] == "missing":
        return ConfigIssue(path, _dotted(loc), MISSING, "a value: this field is required")
    if item["type"] == "extra_forbidden":
        return ConfigIssue(path, _dotted(loc), f"unknown key {loc[-1]!r}", _known_keys(model, loc[:-1]))
    if item["type"].startswith("date"):
        return ConfigIssue(path, _dotted(loc), item.get("input"), "an unquoted TOML date such as 2026-03-31")
    message = str(item["msg"]).removeprefix("Value error, ").removeprefix("expected ").removeprefix("Input should be ")
    return ConfigIssue(path, _dotted(loc), item.get("input"), message)


def _known_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """Field names where an unknown key sat, so a typo's message says what it should have been."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part)
        annotation = field.annotation if field is not None else None
        candidates = (annotation, *getattr(annotation, "__args__", ()))
        current = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
    if current is None:
        return "no such key here"
    return f"one of the known keys: {', '.join(current.model_fields)}"
