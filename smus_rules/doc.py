"""Read a synthesised stack (`cdk.tf.json`): resources with their construct paths, providers, backend, policies.

Only what the rules need, and every reading is tolerant: a rule sees `None` rather than an exception when a value
is missing or is a Terraform expression it cannot evaluate, and decides what that means for its own check.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]
#: `${aws_kms_key.Key_1234.arn}` or `${data.aws_datazone_environment_blueprint.Lookup_ABCD.id}`.
REFERENCE = re.compile(r"^\$\{(data\.)?([a-z][a-z0-9_]*)\.([^.}\s]+)\.([a-z_]+)\}$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_NANOSECONDS = {"ns": 1, "us": 1_000, "µs": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}


@dataclass(frozen=True)
class Resource:
    """One resource (or data source) of a stack document."""

    type: str
    name: str
    body: JSON
    data: bool = False

    @property
    def address(self) -> str:
        return f"{'data.' if self.data else ''}{self.type}.{self.name}"

    @property
    def path(self) -> str:
        """The construct path cdktn writes into `//`.metadata.path; the address when there is none."""
        path = self.comment("metadata").get("path")
        return path if isinstance(path, str) and path else self.address

    def comment(self, key: str) -> Any:
        """A value of the resource's `//` comment block (`{}` when absent)."""
        block = self.body.get("//")
        value = block.get(key) if isinstance(block, dict) else None
        return value if value is not None else {}


class StackDoc:
    """A parsed `cdk.tf.json` with the lookups rules share."""

    def __init__(self, raw: JSON, name: str | None = None) -> None:
        self.raw = raw
        metadata = raw.get("//", {}).get("metadata", {}) if isinstance(raw.get("//"), dict) else {}
        self.name: str = name or str(metadata.get("stackName") or "stack")

    def resources(self, *types: str) -> list[Resource]:
        """Resources of the given types (all resources when none are given), in address order."""
        found = [
            Resource(rtype, name, body)
            for rtype, items in sorted(self.raw.get("resource", {}).items())
            if not types or rtype in types
            if isinstance(items, dict)
            for name, body in sorted(items.items())
            if isinstance(body, dict)
        ]
        return found

    def resources_with_prefix(self, prefix: str) -> list[Resource]:
        return [resource for resource in self.resources() if resource.type.startswith(prefix)]

    def data_source(self, rtype: str, name: str) -> Resource | None:
        body = self.raw.get("data", {}).get(rtype, {}).get(name)
        return Resource(rtype, name, body, data=True) if isinstance(body, dict) else None

    def resource(self, rtype: str, name: str) -> Resource | None:
        body = self.raw.get("resource", {}).get(rtype, {}).get(name)
        return Resource(rtype, name, body) if isinstance(body, dict) else None

    def referenced(self, value: Any) -> Resource | None:
        """The resource or data source a whole-value reference such as `${aws_kms_key.K.arn}` points to."""
        match = REFERENCE.match(value) if isinstance(value, str) else None
        if match is None:
            return None
        is_data, rtype, name, _attribute = match.groups()
        return self.data_source(rtype, name) if is_data else self.resource(rtype, name)

    def backend(self) -> tuple[str, JSON] | None:
        """(backend type, its settings), or None when the stack declares none (Terraform then uses local state)."""
        backends = self.raw.get("terraform", {}).get("backend", {})
        if not isinstance(backends, dict) or not backends:
            return None
        kind, settings = next(iter(sorted(backends.items())))
        return kind, settings if isinstance(settings, dict) else {}

    def default_tags(self, provider_ref: Any = None) -> dict[str, str]:
        """The aws provider's default_tags for a resource's `provider` (`aws.<alias>`; default: the unaliased one)."""
        alias = provider_ref.split(".", 1)[1] if isinstance(provider_ref, str) and "." in provider_ref else None
        configs = self.raw.get("provider", {}).get("aws", [])
        for config in as_list(configs):
            if isinstance(config, dict) and config.get("alias") == alias:
                tags: dict[str, str] = {}
                for block in as_list(config.get("default_tags")):
                    if isinstance(block, dict) and isinstance(block.get("tags"), dict):
                        tags.update({str(k): v for k, v in block["tags"].items() if isinstance(v, str)})
                return tags
        return {}


def as_list(value: Any) -> list[Any]:
    """IAM and Terraform both allow one value where a list is expected."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_policy(value: Any) -> JSON | None:
    """A policy document from a JSON string (how the constructs write them) or an object; None if unreadable."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        return None
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, dict) else None


def statements(policy: JSON) -> list[JSON]:
    return [statement for statement in as_list(policy.get("Statement")) if isinstance(statement, dict)]


def is_allow(statement: JSON) -> bool:
    return bool(statement.get("Effect", "Allow") == "Allow")


def has_condition(statement: JSON) -> bool:
    condition = statement.get("Condition")
    return isinstance(condition, dict) and bool(condition)


def statement_label(index: int, statement: JSON) -> str:
    sid = statement.get("Sid")
    return f"statement {index} ({sid})" if isinstance(sid, str) and sid else f"statement {index}"


def duration_nanoseconds(text: Any) -> int | None:
    """A Go duration (`90m`, `2h`, `1h30m`, `5400s`) as Terraform providers parse `timeouts`; None if invalid."""
    if not isinstance(text, str) or not text:
        return None
    if text == "0":
        return 0
    position, total = 0, 0.0
    for match in _DURATION_PART.finditer(text):
        if match.start() != position:
            return None
        total += float(match.group(1)) * _NANOSECONDS[match.group(2)]
        position = match.end()
    return int(total) if position == len(text) and position > 0 else None
