"""A typed, checked reading of `terraform show -json PLANFILE`: only the parts the replacement guard decides on.

The guard must never pass a document it did not understand, so everything here is strict: a file that is not JSON,
is a state rather than a plan, has a format version other than 1.x, or carries an action Terraform does not document
raises :class:`PlanFormatError` naming the file, the field, the value and what was expected.
Format reference: Terraform's "JSON output format" (internal/command/jsonplan); see ../shared/FACTS.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
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
class AttributeChange:
    """One top-level attribute whose value the plan changes on an object that exists today."""

    name: str
    before: object
    #: ``None`` with ``after_unknown`` set: the value is only known after apply (e.g. a key the same plan creates).
    after: object
    after_unknown: bool


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
    #: Set for a deposed object (left over from a failed create-before-destroy): the instance key Terraform prints as
    #: "deposed object <key>". It shares its address with the current object, which is a different object in AWS.
    deposed: str | None = None
    #: The object as it is (``None`` when it does not exist yet) and as planned (``None`` when it goes away).
    before: Mapping[str, object] | None = field(default=None, compare=False)
    after: Mapping[str, object] | None = field(default=None, compare=False)
    #: ``True`` for an attribute whose planned value is only known after apply; the whole object when a bool.
    after_unknown: Mapping[str, object] | bool = field(default=False, compare=False)

    @property
    def display_address(self) -> str:
        """The address as Terraform's plan text names the object: a deposed one says so, with its key."""
        return f"{self.address} (deposed object {self.deposed})" if self.deposed else self.address

    def attribute_change(self, name: str) -> AttributeChange | None:
        """How the plan changes top-level attribute ``name`` of the existing object; ``None`` when it keeps it.

        Only objects that exist before and after count (update, replace, create-then-forget): a create has nothing to
        change and a delete nothing to change to. An unknown planned value counts as a change, because the guard
        cannot show that it is the same.
        """
        if self.before is None or self.after is None:
            return None
        before = self.before.get(name)
        unknown = self.after_unknown is True or (
            isinstance(self.after_unknown, Mapping) and self.after_unknown.get(name) is True
        )
        after = None if unknown else self.after.get(name)
        if not unknown and before == after:
            return None
        return AttributeChange(name=name, before=before, after=after, after_unknown=unknown)

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
    before = _object_or_null(source, f"{where}.change.before", change.get("before"))
    after = _object_or_null(source, f"{where}.change.after", change.get("after"))
    after_unknown = change.get("after_unknown", False)
    if after_unknown is None:
        after_unknown = False
    if not isinstance(after_unknown, dict | bool):
        raise PlanFormatError(source, f"{where}.change.after_unknown", after_unknown, "an object or a boolean")
    deposed = item.get("deposed")
    if deposed is not None and (not isinstance(deposed, str) or not deposed):
        raise PlanFormatError(source, f"{where}.deposed", deposed, "a deposed object's key (a string)")
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
        deposed=deposed,
        before=before,
        after=after,
        after_unknown=after_unknown,
    )


def _object_or_null(source: str, where: str, value: Any) -> dict[str, object] | None:
    """A resource's ``before`` or ``after``: always an object (or null) for a managed resource."""
    if value is not None and not isinstance(value, dict):
        raise PlanFormatError(source, where, f"(a JSON {type(value).__name__})", "an object or null")
    return value
