"""Replacement guard: fail a plan that would delete, replace or forget a resource whose loss cannot be undone, or
change an attribute of one that can never change.

Why a separate gate when the domain already carries `prevent_destroy`: `prevent_destroy` only covers protected
accounts and only resources that are still in the configuration. A resource removed from the config (its
lifecycle block goes with it), a changed immutable attribute in a non-protected account, or a `removed` block that
forgets a resource all slip past it. Replacing a domain deletes every project in it (../shared/FACTS.md), so the
pipeline reads the saved plan and stops before `apply`.

Why attributes too, not only actions: the aws provider plans a change of a domain's `kms_key_identifier` as an
in-place *update* (no RequiresReplace in `internal/service/datazone/domain.go`), and its Update never sends the key.
Such a plan looks harmless, applies "successfully", never reaches AWS and shows the same diff forever. So the guard
reads the attribute itself, whatever the action.

Exit codes: 0 pass, 1 a protected resource would be destroyed/replaced/forgotten or an immutable attribute changed,
2 the input could not be read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from rich.console import Console
from rich.table import Table

from config.loader import DEFAULT_CONFIG_DIR
from smus_cli.plan_model import AttributeChange, ChangeKind, Plan, ResourceChange
from smus_cli.reviewed_files import load_reviewed_file
from smus_cli.terminal import escape

#: Terraform names a deposed object by `fmt.Sprintf("%08x", ...)` (internal/addrs, NewDeposedKey).
DEPOSED_KEY = re.compile(r"^[0-9a-f]{8}$")

EXIT_PASS = 0
EXIT_DESTRUCTIVE = 1
EXIT_BAD_INPUT = 2

DEFAULT_ALLOW_LIST = DEFAULT_CONFIG_DIR.parent / "guard-allowlist.toml"

#: Resource types whose deletion loses something that a re-create does not bring back.
PROTECTED_TYPES: dict[str, str] = {
    "aws_datazone_domain": "replacing a domain deletes every project, asset and membership in it",
    "aws_datazone_environment_blueprint_configuration": "projects' environments depend on the enabled blueprint",
    "awscc_datazone_environment_blueprint_configuration": "projects' environments depend on the enabled blueprint",
    "awscc_datazone_project_profile": "projects created from the profile keep pointing at the old one",
    "awscc_datazone_project": "a project's environments, data and memberships go with it",
    # AWS::DataZone::DomainUnit: DomainIdentifier and ParentDomainUnitIdentifier are createOnlyProperties
    # (RequiresReplace in awscc). The logical ID follows the unit's path (access.DomainUnitTree), so a rename or a move
    # deletes the old unit and creates another.
    "awscc_datazone_domain_unit": (
        "a new unit is a new ID: the unit's owners, its policy grants and the projects placed in it stay with the old "
        "one (a parent change or a path rename replaces it)"
    ),
    "aws_kms_key": "data encrypted with the key is unreadable once the key is deleted",
    "aws_s3_bucket": "the state bucket holds every stack's state, and a Tooling bucket the projects' files",
    # Associated accounts (README "Associated accounts"): the domain reaches a workload account only through its RAM
    # share. A replacement is a delete first (none of the four updates its ARNs or principal in place).
    "aws_ram_resource_share": "every associated account loses the domain, and its environments with it",
    "aws_ram_resource_association": "the share stops carrying the domain: every associated account loses it",
    "aws_ram_principal_association": "the account leaves the domain's share: its environments are cut off",
    "aws_ram_resource_share_accepter": "the account leaves the domain's share: its environments are cut off",
}

#: Attributes that never change on an existing object of the type, whatever the plan's action: an update, a
#: replacement, a create-then-forget. A change of one always blocks; an allow-list entry (an action on an address)
#: cannot waive it. To move to a new key or version deliberately, build a new domain at a new address.
IMMUTABLE_ATTRIBUTES: dict[str, dict[str, str]] = {
    "aws_datazone_domain": {
        "kms_key_identifier": (
            "a domain's key cannot change: the aws provider plans it as an in-place update whose Update never sends "
            "the key, so it never reaches AWS and stays a perpetual diff, and a new domain for a new key deletes "
            "every project in the old one. Keep the domain's current key in the config"
        ),
        "domain_version": (
            "a domain's version cannot change: the provider replaces the domain, which deletes every project in it. "
            "Keep V2"
        ),
    },
}

#: Destructive changes that are how these resources normally change, so they never fail the guard.
EXPECTED_TYPES: dict[str, str] = {
    "awscc_datazone_project_membership": "memberships cannot be updated in place; a change is a replacement",
}


class AllowEntry(BaseModel):
    """A reviewed exception: this address may undergo this kind of destructive change until the expiry date."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    #: The stack the plan is of, e.g. `dev-platform`. Logical IDs repeat across accounts (every account's domain is
    #: `aws_datazone_domain.Domain_66AC69E0`), so an entry without its stack would let the change through everywhere.
    stack: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,30}-(bootstrap|platform|projects|ops)$")]
    #: The full resource address as `terraform show -json` prints it, e.g. `aws_datazone_domain.Domain_Resource_0A1B`.
    address: Annotated[str, Field(min_length=1)]
    action: Literal["delete", "replace", "forget"]
    #: Only for a deposed object (`resource_changes[].deposed`, Terraform's 8-hex-digit key, e.g. "1a2b3c4d"): it
    #: shares its address with the current object but is another object in AWS, so an entry for one never lets the
    #: other through. Left out, the entry is for the current object only.
    deposed: str | None = None
    #: Why this is safe, and the change record that approved it. Kept in the guard's output for the audit trail.
    reason: Annotated[str, Field(min_length=10)]
    #: Last day (inclusive) the entry counts. A TOML date: `expires = 2026-03-31`.
    expires: date

    @field_validator("deposed")
    @classmethod
    def _deposed_key(cls, value: str | None) -> str | None:
        if value is not None and not DEPOSED_KEY.match(value):
            raise ValueError("Terraform's deposed key: 8 lowercase hex digits, as the plan prints it, e.g. '1a2b3c4d'")
        return value


class AllowList(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    allow: list[AllowEntry] = []


def load_allow_list(path: Path | None) -> AllowList:
    """The allow-list at ``path``; with no path, the default file if present (an estate may have none)."""
    if path is None:
        if not DEFAULT_ALLOW_LIST.is_file():
            return AllowList()
        path = DEFAULT_ALLOW_LIST
    return load_reviewed_file(path, AllowList)


class Verdict(StrEnum):
    BLOCKED = "blocked"
    ALLOWED = "allowed"
    EXPECTED = "expected"
    UNPROTECTED = "not protected"


@dataclass(frozen=True)
class Finding:
    """One destructive change in the plan and what the guard made of it."""

    change: ResourceChange
    verdict: Verdict
    note: str
    #: The immutable attributes (IMMUTABLE_ATTRIBUTES) the plan changes on this object.
    attributes: tuple[AttributeChange, ...] = ()


@dataclass(frozen=True)
class GuardReport:
    plan: Plan
    today: date
    findings: list[Finding]
    moved: list[ResourceChange]
    #: Resources the plan adopts with `import` blocks: the migration's evidence that nothing is created anew.
    imported: list[ResourceChange] = field(default_factory=list)
    expired_entries: list[AllowEntry] = field(default_factory=list)
    unused_entries: list[AllowEntry] = field(default_factory=list)

    @property
    def blocked(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.verdict is Verdict.BLOCKED]

    @property
    def destructive(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.change.kind is not ChangeKind.NONE]

    @property
    def immutable_changes(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.attributes]

    @property
    def passed(self) -> bool:
        return not self.blocked

    @property
    def exit_code(self) -> int:
        return EXIT_PASS if self.passed else EXIT_DESTRUCTIVE


def evaluate(plan: Plan, allow_list: AllowList, today: date | None = None, stack: str | None = None) -> GuardReport:
    """Classify every destructive change in ``plan`` (of ``stack``), and every change of an immutable attribute;
    the plan passes when none is blocked.

    Only entries for ``stack`` apply; without a stack no entry does, so an unnamed plan can never be waved through.
    """
    today = today or datetime.now(UTC).date()
    mine = [entry for entry in allow_list.allow if stack is not None and entry.stack == stack]
    live = [entry for entry in mine if entry.expires >= today]
    expired = [entry for entry in mine if entry.expires < today]
    used: set[AllowEntry] = set()
    findings = []
    for change in plan.resource_changes:
        if change.mode != "managed":
            continue
        attributes = immutable_changes(change)
        if change.kind is ChangeKind.NONE and not attributes:
            continue
        findings.append(_judge(change, attributes, live, expired, used))
    return GuardReport(
        plan=plan,
        today=today,
        findings=findings,
        moved=[change for change in plan.resource_changes if change.previous_address is not None],
        imported=[change for change in plan.resource_changes if change.importing_id is not None],
        expired_entries=expired,
        unused_entries=[entry for entry in live if entry not in used],
    )


def immutable_changes(change: ResourceChange) -> tuple[AttributeChange, ...]:
    """The attributes of IMMUTABLE_ATTRIBUTES that ``change`` changes on its existing object."""
    names = IMMUTABLE_ATTRIBUTES.get(change.type, {})
    return tuple(found for name in names if (found := change.attribute_change(name)) is not None)


def _judge(
    change: ResourceChange,
    attributes: tuple[AttributeChange, ...],
    live: Sequence[AllowEntry],
    expired: Sequence[AllowEntry],
    used: set[AllowEntry],
) -> Finding:
    if attributes:  # before any allow-list entry: none can make an immutable attribute change
        reasons = IMMUTABLE_ATTRIBUTES[change.type]
        note = "; ".join(reasons[attribute.name] for attribute in attributes)
        return Finding(change, Verdict.BLOCKED, note + " (no allow-list entry waives this)", attributes)
    if change.type in EXPECTED_TYPES:
        return Finding(change, Verdict.EXPECTED, EXPECTED_TYPES[change.type])
    if change.type not in PROTECTED_TYPES:
        return Finding(change, Verdict.UNPROTECTED, "type not in the protected list")
    for entry in live:
        if _permits(entry, change):
            used.add(entry)
            return Finding(change, Verdict.ALLOWED, f"allow-list (until {entry.expires}): {entry.reason}")
    note = PROTECTED_TYPES[change.type]
    if change.deposed:
        note = (
            f"a deposed object (deposed key {change.deposed}): an older object that a failed create-before-destroy "
            f"replacement left behind, not the current one at this address; {note}"
        )
    lapsed = [e for e in expired if _permits(e, change)]
    if lapsed:
        note += f"; allow-list entry expired on {lapsed[0].expires}"
    return Finding(change, Verdict.BLOCKED, note)


def _permits(entry: AllowEntry, change: ResourceChange) -> bool:
    """Same address, same kind of change, and the same object: current (no key) or the deposed one with this key."""
    return entry.address == change.address and entry.action == change.kind.value and entry.deposed == change.deposed


def _entry_label(entry: AllowEntry) -> str:
    deposed = f" (deposed object {entry.deposed})" if entry.deposed else ""
    return f"{entry.address}{deposed} {entry.action}"


_STYLE = {
    Verdict.BLOCKED: "bold red",
    Verdict.ALLOWED: "yellow",
    Verdict.EXPECTED: "green",
    Verdict.UNPROTECTED: "dim",
}


def render(report: GuardReport, console: Console) -> None:
    """The human view: one row per destructive change, then the allow-list housekeeping, then the verdict."""
    plan = report.plan
    console.print(
        f"plan {escape(plan.source)} (format {plan.format_version}, terraform {plan.terraform_version}): "
        f"{len(plan.resource_changes)} resource changes, {len(report.destructive)} destructive, "
        f"{len(report.immutable_changes)} changing an immutable attribute, "
        f"{len(report.moved)} moved, {len(report.imported)} imported"
    )
    if report.findings:
        # The long "why" sits under the table, not in a column: CI logs are often 80 columns wide.
        table = Table(show_lines=False)
        table.add_column("verdict", no_wrap=True)
        table.add_column("address", overflow="fold")
        table.add_column("action", overflow="fold")
        table.add_column("action_reason", overflow="fold")
        table.add_column("replace_paths", overflow="fold")
        table.add_column("immutable", overflow="fold")
        for finding in report.findings:
            change = finding.change
            table.add_row(
                f"[{_STYLE[finding.verdict]}]{finding.verdict.value}[/]",
                escape(change.display_address),
                change.label,
                change.action_reason or "-",
                escape(", ".join(change.replace_path_strings()) or "-"),
                ", ".join(attribute.name for attribute in finding.attributes) or "-",
            )
        console.print(table)
        for finding in report.findings:
            if finding.verdict is not Verdict.UNPROTECTED:
                console.print(f"  [{_STYLE[finding.verdict]}]{finding.verdict.value}[/] {escape(_sentence(finding))}")
    for entry in report.expired_entries:
        console.print(
            f"[yellow]expired allow-list entry[/] (ignored): {escape(_entry_label(entry))}, expired {entry.expires}"
        )
    for entry in report.unused_entries:
        console.print(f"[dim]unused allow-list entry: {escape(_entry_label(entry))} (until {entry.expires})[/]")
    if report.passed:
        console.print(
            "[bold green]PASS[/]: no protected resource is deleted, replaced or forgotten, and no immutable "
            "attribute changes"
        )
    else:
        console.print(
            f"[bold red]FAIL[/]: {len(report.blocked)} blocked change(s) to protected resources (deleted, replaced, "
            "forgotten, or an immutable attribute changed). Do not apply. Fix the config, or add a reviewed "
            "allow-list entry (none waives an immutable attribute)."
        )


def _sentence(finding: Finding) -> str:
    """One finding as a line that survives any terminal width: CI logs fold tables."""
    change = finding.change
    why = f" ({change.action_reason})" if change.action_reason else ""
    paths = change.replace_path_strings()
    forced = f", forced by {', '.join(paths)}" if paths else ""
    changes = " and".join(
        f" changes {a.name} from {_shown(a.before)} to {'(known after apply)' if a.after_unknown else _shown(a.after)}"
        for a in finding.attributes
    )
    return f"{change.display_address}: {change.label}{why}{forced}{changes}. {finding.note}"


def _shown(value: object) -> str:
    """A planned value as the sentence quotes it: strings in quotes, null as null."""
    return repr(value) if isinstance(value, str) else json.dumps(value)


def as_json_report(report: GuardReport) -> dict[str, Any]:
    """The machine view: the same facts as :func:`render`, stable keys, for CI annotations and evidence files."""
    return {
        "plan": report.plan.source,
        "format_version": report.plan.format_version,
        "terraform_version": report.plan.terraform_version,
        "evaluated_on": report.today.isoformat(),
        "passed": report.passed,
        "exit_code": report.exit_code,
        "findings": [_finding_json(finding) for finding in report.findings],
        "moved": [{"from": change.previous_address, "to": change.address} for change in report.moved],
        "imported": [{"address": change.address, "id": change.importing_id} for change in report.imported],
        "expired_allow_entries": _entries_json(report.expired_entries),
        "unused_allow_entries": _entries_json(report.unused_entries),
    }


def _finding_json(finding: Finding) -> dict[str, Any]:
    change = finding.change
    return {
        "verdict": finding.verdict.value,
        "address": change.address,
        "deposed": change.deposed,
        "type": change.type,
        "kind": change.kind.value,
        "actions": list(change.actions),
        "action_reason": change.action_reason,
        "replace_paths": change.replace_path_strings(),
        "attributes": [
            {"name": a.name, "before": a.before, "after": a.after, "after_unknown": a.after_unknown}
            for a in finding.attributes
        ],
        "note": finding.note,
    }


def _entries_json(entries: Iterable[AllowEntry]) -> list[dict[str, str | None]]:
    return [
        {
            "address": e.address,
            "deposed": e.deposed,
            "action": e.action,
            "reason": e.reason,
            "expires": e.expires.isoformat(),
        }
        for e in entries
    ]


def run_guard(
    plan_path: Path,
    allow_list_path: Path | None,
    *,
    as_json: bool,
    out: Console,
    err: Console,
    stack: str | None = None,
) -> int:
    """The `smus guard` command: read, evaluate, print; returns the exit code. Bad input never passes."""
    from config.errors import ConfigError
    from smus_cli.plan_model import PlanFormatError, load_plan

    try:
        plan = load_plan(plan_path)
        allow_list = load_allow_list(allow_list_path)
    except (PlanFormatError, ConfigError) as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        if as_json:
            _print_json(out, {"passed": False, "exit_code": EXIT_BAD_INPUT, "error": str(error)})
        return EXIT_BAD_INPUT
    report = evaluate(plan, allow_list, stack=stack)
    if as_json:
        _print_json(out, as_json_report(report))
    else:
        render(report, out)
    return report.exit_code


def _print_json(console: Console, document: dict[str, Any]) -> None:
    """Plain JSON (no colour, no wrapping) so `--json > report.json` is a valid evidence file."""
    console.print(json.dumps(document, indent=2), markup=False, highlight=False, soft_wrap=True)
