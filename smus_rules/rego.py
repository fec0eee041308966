"""The same rules in Rego (policies/), evaluated in-process with regopy (rego-cpp), plus their `*_test.rego` tests.

The policies are conftest-compatible (`package main`, `deny`/`warn`) and read the governance context from a data
document, which :func:`governance_data` builds and `smus check` writes as `rego-data.json`, so a security team can
run them unchanged: ``conftest test -p policies -d rego-data.json cdktf.out/stacks/*/cdk.tf.json``.

rego-cpp 1.5.2 crashes (SIGSEGV) on `with input as <object>` when a rule calls a builtin on `input`, so the unit
tests override top-level keys instead (`with input.resource as ...`), which OPA and conftest accept the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smus_rules.model import RuleContext, Suppression
from smus_rules.suppressions import SuppressionSet
from smus_rules.taggable import taggable_types

#: Here the policies sit at the repository root (policies/); the smus-rules distribution ships them in the package.
_PACKAGED_POLICIES = Path(__file__).resolve().parent / "policies"
POLICY_DIR = _PACKAGED_POLICIES if _PACKAGED_POLICIES.is_dir() else Path(__file__).resolve().parent.parent / "policies"
_PACKAGE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)
_TEST_RULE = re.compile(r"^(test_\w+)\s+if\b", re.MULTILINE)


class RegoError(RuntimeError):
    """A policy failed to compile or evaluate; the message carries rego-cpp's error."""


@dataclass(frozen=True)
class Violation:
    """One `violation` of one Rego rule."""

    rule_id: str
    stack: str
    address: str
    path: str
    message: str

    def key(self) -> tuple[str, str, str]:
        return (self.stack, self.rule_id, self.address)


@dataclass(frozen=True)
class RegoResult:
    stack: str
    violations: list[Violation]
    #: conftest's view: `deny` (unsuppressed) and `warn` (suppressed) messages of package main.
    deny: list[str]
    warn: list[str]


@dataclass(frozen=True)
class RegoTest:
    package: str
    name: str
    passed: bool


def policy_files(directory: Path = POLICY_DIR, *, tests: bool = False) -> list[Path]:
    """The policies; with ``tests`` also their `*_test.rego` files."""
    files = sorted(directory.rglob("*.rego"))
    return [path for path in files if tests or not path.name.endswith("_test.rego")]


def resource_types(documents: Iterable[Mapping[str, Any]]) -> set[str]:
    """Resource types used by stack documents or plans (to keep the taggable-types map small)."""
    types: set[str] = set()
    for document in documents:
        types.update(document.get("resource", {}))
        root = document.get("planned_values", {}).get("root_module", {})
        for module in [root, *root.get("child_modules", [])]:
            types.update(item.get("type", "") for item in module.get("resources", []))
    return types


def governance_data(
    contexts: Iterable[RuleContext],
    suppressions: Sequence[Suppression] = (),
    *,
    types: Iterable[str] | None = None,
    plan_stack: str | None = None,
) -> dict[str, Any]:
    """The data document the policies read: per-stack context, active suppressions, taggable types.

    ``types`` limits the taggable-types map to the types in use (see :func:`resource_types`): rego-cpp looks keys up
    in a 2,000-key object slowly enough to cost most of a second per estate. Omitted: every taggable type.
    """
    active = SuppressionSet(list(suppressions)).active()
    taggable = sorted(taggable_types() if types is None else taggable_types() & set(types))
    document: dict[str, Any] = {
        "stacks": {context.stack: context.to_data() for context in contexts},
        "suppressions": [
            {"rule_id": s.rule_id, "path": s.path, "reason": s.reason, "expires": s.expires} for s in active
        ],
        "taggable_types": dict.fromkeys(taggable, True),
    }
    if plan_stack is not None:
        document["plan_stack"] = plan_stack
    return {"smus_governance": document}


def _interpreter(files: Sequence[Path], data: Mapping[str, Any] | None) -> Any:
    from regopy import Interpreter  # type: ignore[import-untyped]  # dev dependency, no type information

    interpreter = Interpreter()
    for path in files:
        try:
            interpreter.add_module(path.name, path.read_text(encoding="utf-8"))
        except Exception as error:  # regopy raises RegoError with the parser's message
            raise RegoError(f"{path}: {_first_lines(str(error))}") from None
    if data is not None:
        interpreter.add_data(dict(data))
    return interpreter


def _first_lines(text: str, count: int = 12) -> str:
    """rego-cpp's errors end in a long AST dump; the first lines say what and where."""
    return "\n".join(text.splitlines()[:count])


def _bindings(interpreter: Any, query: str, *, bundle: Any = None) -> dict[str, Any]:
    """The first result's bindings. regopy's own Output parsing hides evaluation errors, so the raw text is read."""
    from regopy.rego_shared import (  # type: ignore[import-untyped]
        rego_bundle_query,
        rego_free_output,
        rego_output_string,
        rego_query,
    )

    handle = (
        rego_query(interpreter._impl, query) if bundle is None else rego_bundle_query(interpreter._impl, bundle._impl)
    )
    try:
        text = rego_output_string(handle)
    finally:
        rego_free_output(handle)
    if text == "undefined":
        return {}
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        raise RegoError(f"query {query!r} failed:\n{_first_lines(text)}") from None
    first = parsed[0] if isinstance(parsed, list) and parsed else parsed
    bindings: dict[str, Any] = first.get("bindings", {}) if isinstance(first, dict) else {}
    return bindings


_QUERY = "v := data.main.violations; d := data.main.deny; w := data.main.warn"


class RegoPolicies:
    """The policies compiled once (a rego-cpp bundle), evaluated over any number of stack documents or plans."""

    def __init__(self, data: Mapping[str, Any], directory: Path = POLICY_DIR) -> None:
        self.interpreter = _interpreter(policy_files(directory), data)
        try:
            self.bundle = self.interpreter.build(_QUERY)
        except Exception as error:
            raise RegoError(f"policies in {directory} do not compile: {_first_lines(str(error))}") from None

    def evaluate(self, document: Mapping[str, Any], stack: str) -> RegoResult:
        self.interpreter.set_input(dict(document))
        bindings = _bindings(self.interpreter, _QUERY, bundle=self.bundle)
        violations = [
            Violation(
                rule_id=item["rule"],
                stack=stack,
                address=item["address"],
                path=item["path"],
                message=item["msg"],
            )
            for item in bindings.get("v") or []
        ]
        return RegoResult(
            stack=stack,
            violations=sorted(violations, key=lambda v: v.key()),
            deny=sorted(bindings.get("d") or []),
            warn=sorted(bindings.get("w") or []),
        )


def run_tests(directory: Path = POLICY_DIR) -> list[RegoTest]:
    """Every `test_*` rule of every `*_test.rego`, evaluated with the policies; a test passes when it is true.

    All test packages are read in one query: rego-cpp compiles each query anew, so one query per package costs
    about twenty times as much.
    """
    tests: list[tuple[str, list[str]]] = []
    for path in policy_files(directory, tests=True):
        if not path.name.endswith("_test.rego"):
            continue
        text = path.read_text(encoding="utf-8")
        package = _PACKAGE.search(text)
        if package is None:
            raise RegoError(f"{path}: no package")
        tests.append((package.group(1), sorted(set(_TEST_RULE.findall(text)))))
    if not tests:
        return []
    interpreter = _interpreter(policy_files(directory, tests=True), None)
    query = "; ".join(f"t{index} := data.{package}" for index, (package, _names) in enumerate(tests))
    bindings = _bindings(interpreter, query)
    return [
        RegoTest(package, name, (bindings.get(f"t{index}") or {}).get(name) is True)
        for index, (package, names) in enumerate(tests)
        for name in names
    ]


def write_data(path: Path, data: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
