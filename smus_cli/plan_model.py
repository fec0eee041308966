"""A typed, checked reading of `terraform show -json PLANFILE`: only the parts the replacement guard decides on.

The guard must never pass a document it did not understand, so everything here is strict: a file that is not JSON,
is a state rather than a plan, has a format version other than 1.x, or carries an action Terraform does not document
raises :class:`PlanFormatError` naming the file, the field, the value and what was expected.
Format reference: Terraform's "JSON output format" (internal/command/jsonplan); see ../shared/FACTS.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from smus_cli.input_files import InputFileError, read_text

#: Minor versions are additive by Terraform's promise; a new major version may move the fields this reads.
SUPPORTED_FORMAT = re.compile(r"^1\.\d+$")


#: The largest plan the guard reads. One stack's `terraform show -json` is a few MB even for hundreds of resources
#: (this estate's largest is far under 1 MB); a bigger file is refused by name before it is read into memory.
MAX_PLAN_BYTES = 64 * 1024 * 1024


class PlanFormatError(Exception):
    """The input is not a plan the guard can vouch for. Always exit 2: a pass would be a guess."""

    def __init__(self, source: str, field: str, value: object, expected: str) -> None:
        self.source = source
        self.field = field
        self.value = value
        self.expected = expected
        shown = value if isinstance(value, str) and value.startswith("(") else repr(value)
        super().__init__(f"{source}: {field} = {shown}: expected {expected}")


class ChangeKind(StrEnum):
    """What a planned change does to the object that exists today; the unit an allow-list entry permits."""

    NONE = "none"  # no-op, read, create, update: the existing object survives
    DELETE = "delete"
    REPLACE = "replace"
    FORGET = "forget"


@dataclass(frozen=True)
class _ActionShape:
    kind: ChangeKind
    label: str


# Every `change.actions` list the 1.x format can hold. Anything else is refused rather than guessed at.
_ACTIONS: dict[tuple[str, ...], _ActionShape] = {
    ("no-op",): _ActionShape(ChangeKind.NONE, "no-op"),
    ("create",): _ActionShape(ChangeKind.NONE, "create"),
    ("read",): _ActionShape(ChangeKind.NONE, "read"),
    ("update",): _ActionShape(ChangeKind.NONE, "update in place"),
    ("delete",): _ActionShape(ChangeKind.DELETE, "delete"),
    ("delete", "create"): _ActionShape(ChangeKind.REPLACE, "replace (delete, then create)"),
    ("create", "delete"): _ActionShape(ChangeKind.REPLACE, "replace (create, then delete)"),
    ("forget",): _ActionShape(ChangeKind.FORGET, "forget (removed from state, object left unmanaged)"),
    ("create", "forget"): _ActionShape(ChangeKind.FORGET, "replace, old object forgotten (left unmanaged)"),
}
ACCEPTED_ACTIONS = ", ".join(json.dumps(list(actions)) for actions in _ACTIONS)


@dataclass(frozen=True)
class ResourceChange:
    """One entry of `resource_changes`: what Terraform will do to one resource instance, and why."""

    address: str
    previous_address: str | None
    mode: str
    type: str
    name: str
    provider_name: str
    actions: tuple[str, ...]
    action_reason: str | None
    #: Each path is the attribute steps that forced a replacement, e.g. ``("kms_key_identifier",)``.
    replace_paths: tuple[tuple[str | int, ...], ...]
    importing_id: str | None

    @property
    def kind(self) -> ChangeKind:
        return _ACTIONS[self.actions].kind

    @property
    def label(self) -> str:
        return _ACTIONS[self.actions].label

    @property
    def is_move_only(self) -> bool:
        """A `moved` block at work: the address changes, the object does not."""
        return self.previous_address is not None and self.actions == ("no-op",)

    def replace_path_strings(self) -> list[str]:
        """`replace_paths` as Terraform attribute references: ``environment_configurations[0].name``."""
        rendered = []
        for path in self.replace_paths:
            text = ""
            for step in path:
                text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
            rendered.append(text)
        return rendered


@dataclass(frozen=True)
class Plan:
    source: str
    format_version: str
    terraform_version: str
    resource_changes: tuple[ResourceChange, ...]


def load_plan(path: Path) -> Plan:
    """Read and check a plan file; raises :class:`PlanFormatError` for anything the guard cannot vouch for."""
    source = str(path)
    try:
        text = read_text(path, accepted="the output of `terraform show -json PLANFILE`", max_bytes=MAX_PLAN_BYTES)
    except InputFileError as error:
        raise PlanFormatError(source, error.field, f"({error.value})", error.accepted) from None
    return parse_plan(text, source)


def parse_plan(text: str, source: str = "(plan)") -> Plan:
    """Check and type a plan document given as text (``source`` names it in errors)."""
    try:
        doc: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanFormatError(
            source,
            "(syntax)",
            f"(not JSON: {error.msg} at line {error.lineno} column {error.colno})",
            "the output of `terraform show -json PLANFILE`",
        ) from None
    except RecursionError:  # the decoder recurses once per level: 100,000 levels would crash it
        raise PlanFormatError(source, "(syntax)", "(JSON nested too deeply)", "a `terraform show -json` plan") from None
    if not isinstance(doc, dict):
        raise PlanFormatError(source, "(document)", f"(a JSON {type(doc).__name__})", "a JSON object")
    version = doc.get("format_version")
    if version is None:
        raise PlanFormatError(source, "format_version", "(missing)", "a plan format version 1.x")
    if not isinstance(version, str) or not SUPPORTED_FORMAT.match(version):
        raise PlanFormatError(source, "format_version", version, "a plan format version 1.x (e.g. '1.2')")
    if "planned_values" not in doc and "resource_changes" not in doc:
        what = "a state (it has 'values')" if "values" in doc else "not a plan"
        raise PlanFormatError(
            source,
            "planned_values",
            f"(missing: this is {what})",
            "the output of `terraform show -json PLANFILE` for a saved plan, not of a state",
        )
    if doc.get("errored") is True:
        raise PlanFormatError(source, "errored", True, "a plan that completed (Terraform reported errors)")
    raw_changes = doc.get("resource_changes", [])
    if not isinstance(raw_changes, list):
        raise PlanFormatError(source, "resource_changes", f"(a JSON {type(raw_changes).__name__})", "a list")
    changes = tuple(_resource_change(source, index, item) for index, item in enumerate(raw_changes))
    return Plan(
        source=source,
        format_version=version,
        terraform_version=str(doc.get("terraform_version", "(unknown)")),
        resource_changes=changes,
    )


def _text(source: str, where: str, item: dict[str, Any], key: str, *, required: bool = True) -> str | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise PlanFormatError(source, f"{where}.{key}", value if value is not None else "(missing)", "a string")
    return value


def _resource_change(source: str, index: int, item: Any) -> ResourceChange:
    where = f"resource_changes[{index}]"
    if not isinstance(item, dict):
        raise PlanFormatError(source, where, f"(a JSON {type(item).__name__})", "an object")
    address = _text(source, where, item, "address")
    where = f"resource_changes[{index}] ({address})"
    change = item.get("change")
    if not isinstance(change, dict):
        raise PlanFormatError(source, f"{where}.change", change if change is not None else "(missing)", "an object")
    actions = change.get("actions")
    if not isinstance(actions, list) or not all(isinstance(action, str) for action in actions):
        raise PlanFormatError(source, f"{where}.change.actions", actions, "a list of action names")
    if tuple(actions) not in _ACTIONS:
        raise PlanFormatError(source, f"{where}.change.actions", actions, f"one of {ACCEPTED_ACTIONS}")
    raw_paths = change.get("replace_paths") or []
    if not isinstance(raw_paths, list) or not all(isinstance(path, list) for path in raw_paths):
        raise PlanFormatError(source, f"{where}.change.replace_paths", raw_paths, "a list of attribute paths")
    importing = change.get("importing")
    importing_id = importing.get("id") if isinstance(importing, dict) else None
    reason = item.get("action_reason")
    return ResourceChange(
        address=address or "",
        previous_address=_text(source, where, item, "previous_address", required=False),
        mode=_text(source, where, item, "mode") or "",
        type=_text(source, where, item, "type") or "",
        name=_text(source, where, item, "name") or "",
        provider_name=str(item.get("provider_name", "")),
        actions=tuple(actions),
        action_reason=reason if isinstance(reason, str) else None,
        replace_paths=tuple(tuple(step for step in path if isinstance(step, str | int)) for path in raw_paths),
        importing_id=importing_id if isinstance(importing_id, str) else None,
    )
