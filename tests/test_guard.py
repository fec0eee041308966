"""`smus guard`: a destructive change to a protected resource fails the pipeline; nothing unreadable ever passes."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pytest
from typer.testing import CliRunner

from smus_cli.app import app
from smus_cli.guard import (
    DEFAULT_ALLOW_LIST,
    AllowEntry,
    AllowList,
    Verdict,
    as_json_report,
    evaluate,
    load_allow_list,
)
from smus_cli.plan_model import PlanFormatError, load_plan, parse_plan

PLANS = Path(__file__).parent / "fixtures" / "plans"
DOMAIN = "aws_datazone_domain.Domain_66AC69E0"
KEY = "aws_kms_key.Domain_Key_EFD04CB2"

runner = CliRunner()


def guard(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["guard", *args])
    return result.exit_code, result.output


def guard_json(*args: str) -> tuple[int, dict[str, Any]]:
    """Exit code and the parsed `--json` report (stdout only: errors also go to stderr)."""
    result = runner.invoke(app, ["guard", *args, "--json"])
    report: dict[str, Any] = json.loads(result.stdout)
    return result.exit_code, report


def finding(report: dict[str, Any], address: str) -> dict[str, Any]:
    matches: list[dict[str, Any]] = [item for item in report["findings"] if item["address"] == address]
    assert len(matches) == 1, (
        f"expected one finding for {address}; findings: {[f['address'] for f in report['findings']]}"
    )
    return matches[0]


def plan_text(changes: list[dict[str, Any]], **top: Any) -> str:
    doc = {"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": {}, "resource_changes": changes}
    doc.update(top)
    return json.dumps(doc)


def change(address: str, actions: list[str], **extra: Any) -> dict[str, Any]:
    type_, name = address.split(".", 1)
    item: dict[str, Any] = {"address": address, "mode": "managed", "type": type_, "name": name, "provider_name": "aws"}
    item.update(extra)
    item["change"] = {"actions": actions, "before": {}, "after": None}
    return item


# --- each destructive action kind on a protected type fails, and says why ----------------------------------------


@dataclass(frozen=True)
class Case:
    fixture: str
    address: str
    kind: str
    actions: list[str]
    reason: str | None
    paths: list[str]


DESTRUCTIVE = [
    Case("domain-replace-name", DOMAIN, "replace", ["delete", "create"], "replace_because_cannot_update", ["name"]),
    Case("blueprint-replace-create-before-delete",
         "aws_datazone_environment_blueprint_configuration.Blueprint-Tooling_33C792B1", "replace", ["create", "delete"],
         "replace_because_cannot_update", ["environment_blueprint_id"]),
    Case("project-delete", "awscc_datazone_project.Project-customer-360_EF16AEB2", "delete", ["delete"],
         "delete_because_no_resource_config", []),
    Case("profile-forget", "awscc_datazone_project_profile.Profile-Analytics_D72DFAC0", "forget", ["forget"], None, []),
    Case("domain-create-then-forget", DOMAIN, "forget", ["create", "forget"], "replace_because_cannot_update",
         ["domain_version"]),
]  # fmt: skip


@pytest.mark.parametrize("case", DESTRUCTIVE, ids=[case.fixture for case in DESTRUCTIVE])
def test_destructive_change_to_protected_type_fails_with_address_action_reason_and_path(case: Case) -> None:
    code, report = guard_json(str(PLANS / f"{case.fixture}.json"))
    assert code == 1, f"{case.fixture}: expected exit 1, report: {report}"
    assert report["passed"] is False
    item = finding(report, case.address)
    assert (item["verdict"], item["kind"], item["actions"]) == ("blocked", case.kind, case.actions)
    assert item["action_reason"] == case.reason
    assert item["replace_paths"] == case.paths


def test_table_names_the_blocked_address_the_attribute_that_forced_it_and_the_consequence() -> None:
    code, output = guard(str(PLANS / "domain-replace-name.json"))
    assert code == 1
    assert (
        f"blocked {DOMAIN}: replace (delete, then create) (replace_because_cannot_update), forced by "
        "name. replacing a domain deletes every project" in output
    )
    assert "FAIL: 1 blocked change(s) to protected resources" in output


def test_destructive_change_to_unprotected_type_is_listed_but_does_not_fail() -> None:
    plan = parse_plan(plan_text([change("aws_iam_role.Domain_ServiceRole_223A3BC5", ["delete", "create"])]))
    report = evaluate(plan, AllowList())
    assert report.passed, [f.verdict for f in report.findings]
    assert [(f.change.address, f.verdict) for f in report.findings] == [
        ("aws_iam_role.Domain_ServiceRole_223A3BC5", Verdict.UNPROTECTED)
    ]


def test_state_bucket_deletion_fails() -> None:
    plan = parse_plan(plan_text([change("aws_s3_bucket.StateBucket", ["delete"])]))
    report = evaluate(plan, AllowList())
    assert not report.passed
    assert report.blocked[0].change.address == "aws_s3_bucket.StateBucket"


def test_updates_creates_and_reads_are_not_findings() -> None:
    plan = parse_plan(
        plan_text(
            [
                change(DOMAIN, ["update"]),
                change(KEY, ["create"]),
                change("aws_datazone_environment_blueprint.tooling", ["read"], mode="data"),
            ]
        )
    )
    report = evaluate(plan, AllowList())
    assert report.passed and report.findings == []


# --- a domain's key and version never change, whatever the action ------------------------------------------------

OLD_KEY = "arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
NEW_KEY = "arn:aws:kms:eu-west-1:111111111111:key/5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"


def domain_change(actions: list[str], before: dict[str, Any], after: dict[str, Any], **extra: Any) -> dict[str, Any]:
    item = change(DOMAIN, actions)
    item["change"].update(before=before, after=after, **extra)
    return item


def test_key_change_planned_as_an_update_fails_naming_the_attribute_and_the_address() -> None:
    """The aws provider has no RequiresReplace on kms_key_identifier and its Update never sends it (domain.go)."""
    code, report = guard_json(str(PLANS / "domain-update-kms-key.json"))
    assert code == 1, report
    item = finding(report, DOMAIN)
    assert (item["verdict"], item["kind"], item["actions"]) == ("blocked", "none", ["update"])
    assert item["attributes"] == [
        {"name": "kms_key_identifier", "before": OLD_KEY, "after": NEW_KEY, "after_unknown": False}
    ]
    assert "never reaches AWS" in item["note"]


def test_key_change_sentence_names_address_attribute_and_both_values() -> None:
    code, output = guard(str(PLANS / "domain-update-kms-key.json"))
    text = " ".join(output.split())
    assert code == 1
    assert f"blocked {DOMAIN}: update in place changes kms_key_identifier from '{OLD_KEY}' to '{NEW_KEY}'." in text, (
        text
    )
    assert "1 destructive" not in text and "0 destructive, 1 changing an immutable attribute" in text
    assert "FAIL: 1 blocked change(s) to protected resources" in text


def test_domain_version_change_in_a_create_then_forget_is_named() -> None:
    _, report = guard_json(str(PLANS / "domain-create-then-forget.json"))
    assert finding(report, DOMAIN)["attributes"] == [
        {"name": "domain_version", "before": "V1", "after": "V2", "after_unknown": False}
    ]


@pytest.mark.parametrize(
    ("before", "after", "after_unknown", "expected"),
    [
        (None, NEW_KEY, {}, (None, NEW_KEY, False)),  # an AWS-owned key to a customer-managed one
        (OLD_KEY, None, {}, (OLD_KEY, None, False)),  # the key dropped from the config
        (OLD_KEY, None, {"kms_key_identifier": True}, (OLD_KEY, None, True)),  # a key the same plan creates
    ],
    ids=["aws-owned-to-cmk", "key-removed", "key-known-after-apply"],
)
def test_every_key_change_fails(
    before: str | None, after: str | None, after_unknown: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    plan = parse_plan(
        plan_text(
            [
                domain_change(
                    ["update"],
                    {"kms_key_identifier": before, "domain_version": "V2"},
                    {"kms_key_identifier": after, "domain_version": "V2"},
                    after_unknown=after_unknown,
                )
            ]
        )
    )
    report = evaluate(plan, AllowList())
    assert not report.passed
    [attribute] = report.blocked[0].attributes
    assert (attribute.name, attribute.before, attribute.after, attribute.after_unknown) == (
        "kms_key_identifier",
        *expected,
    )


def test_key_change_inside_an_allowed_replacement_still_fails() -> None:
    """An allow-list entry permits an action on an address; it never waives an immutable attribute."""
    plan = parse_plan(
        plan_text(
            [
                domain_change(
                    ["delete", "create"],
                    {"kms_key_identifier": OLD_KEY, "name": "a"},
                    {"kms_key_identifier": NEW_KEY, "name": "b"},
                    replace_paths=[["name"]],
                )
            ]
        )
    )
    allow = AllowList(allow=[entry(DOMAIN, "replace", date(2099, 1, 1))])
    report = evaluate(plan, allow, today=date(2026, 1, 1), stack="dev-platform")
    assert not report.passed
    assert [a.name for a in report.blocked[0].attributes] == ["kms_key_identifier"]
    assert [e.address for e in report.unused_entries] == [DOMAIN]


def test_domain_update_that_keeps_key_and_version_passes() -> None:
    same = {"kms_key_identifier": OLD_KEY, "domain_version": "V2", "description": "old"}
    plan = parse_plan(plan_text([domain_change(["update"], same, {**same, "description": "new"})]))
    report = evaluate(plan, AllowList())
    assert report.passed and report.findings == []


def test_a_key_attribute_on_another_type_is_not_a_domain_key() -> None:
    item = change("aws_s3_bucket_server_side_encryption_configuration.State", ["update"])
    item["change"].update(before={"kms_key_identifier": OLD_KEY}, after={"kms_key_identifier": NEW_KEY})
    assert evaluate(parse_plan(plan_text([item])), AllowList()).findings == []


# --- domain units: a parent change or a path rename replaces them ---------------------------------------------------

UNITS = "awscc_datazone_domain_unit.Units_"


def test_domain_unit_replaced_by_a_parent_change_or_deleted_by_a_path_rename_fails() -> None:
    """AWS::DataZone::DomainUnit: ParentDomainUnitIdentifier is create-only; the logical ID follows the path."""
    code, report = guard_json(str(PLANS / "domain-unit-changes.json"))
    assert code == 1, report
    moved = finding(report, f"{UNITS}analytics_78CE29E6")
    assert (moved["verdict"], moved["kind"], moved["replace_paths"]) == (
        "blocked",
        "replace",
        ["parent_domain_unit_identifier"],
    )
    assert "owners, its policy grants and the projects placed in it" in moved["note"]
    renamed = finding(report, f"{UNITS}risk_C0A12099")
    assert (renamed["verdict"], renamed["kind"], renamed["action_reason"]) == (
        "blocked",
        "delete",
        "delete_because_no_resource_config",
    )
    assert [f["address"] for f in report["findings"]] == [f"{UNITS}analytics_78CE29E6", f"{UNITS}risk_C0A12099"]


def test_a_domain_unit_whose_name_changes_in_place_passes() -> None:
    """Name and description are updatable (not create-only), so an update is not a finding."""
    item = change(f"{UNITS}analytics_78CE29E6", ["update"])
    item["change"].update(before={"name": "analytics"}, after={"name": "Analytics"})
    assert evaluate(parse_plan(plan_text([item])), AllowList()).findings == []


# --- deposed objects ------------------------------------------------------------------------------------------------

DEPOSED = "1a2b3c4d"


def deposed_plan() -> str:
    """The current domain stays (no-op) while a deposed one, left by a failed create-before-destroy, is destroyed."""
    return plan_text([change(DOMAIN, ["no-op"]), change(DOMAIN, ["delete"], deposed=DEPOSED)])


def test_a_deposed_object_is_named_with_its_key() -> None:
    report = evaluate(parse_plan(deposed_plan()), AllowList())
    [blocked] = report.blocked
    assert blocked.change.deposed == DEPOSED
    assert f"deposed key {DEPOSED}" in blocked.note
    document = as_json_report(report)
    assert [(f["address"], f["deposed"], f["kind"]) for f in document["findings"]] == [(DOMAIN, DEPOSED, "delete")]


def test_the_table_and_the_sentence_say_deposed_object(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(deposed_plan())
    code, output = guard(str(path))
    text = " ".join(output.split())
    assert code == 1
    assert f"blocked {DOMAIN} (deposed object {DEPOSED}): delete. a deposed object" in text, text


def deposed_entry(key: str | None) -> AllowEntry:
    return AllowEntry(
        stack="dev-platform",
        address=DOMAIN,
        action="delete",
        deposed=key,
        reason="CHG-4: the half-built domain of the failed apply",
        expires=date(2099, 1, 1),
    )


def test_an_entry_for_a_deposed_object_allows_that_object_only() -> None:
    current_deleted = parse_plan(plan_text([change(DOMAIN, ["delete"])]))
    deposed_deleted = parse_plan(deposed_plan())
    for_deposed = AllowList(allow=[deposed_entry(DEPOSED)])
    for_current = AllowList(allow=[deposed_entry(None)])
    today = date(2026, 1, 1)
    assert evaluate(deposed_deleted, for_deposed, today=today, stack="dev-platform").passed
    assert evaluate(current_deleted, for_current, today=today, stack="dev-platform").passed
    report = evaluate(current_deleted, for_deposed, today=today, stack="dev-platform")
    assert not report.passed, "an entry for a deposed object let the current domain's deletion through"
    assert [e.deposed for e in report.unused_entries] == [DEPOSED]
    report = evaluate(deposed_deleted, for_current, today=today, stack="dev-platform")
    assert not report.passed, "an entry for the current domain let a deposed object's deletion through"
    other = AllowList(allow=[deposed_entry("99999999")])
    assert not evaluate(deposed_deleted, other, today=today, stack="dev-platform").passed


def test_an_unused_deposed_entry_is_reported_with_its_key(tmp_path: Path) -> None:
    code, output = guard_with_list(
        tmp_path,
        plan_text([change(DOMAIN, ["no-op"])]),
        f'deposed = "{DEPOSED}"\n',
    )
    assert code == 0
    assert f"unused allow-list entry: {DOMAIN} (deposed object {DEPOSED}) delete" in " ".join(output.split())


def test_a_deposed_key_that_is_not_terraforms_is_refused(tmp_path: Path) -> None:
    code, output = guard_with_list(tmp_path, plan_text([]), 'deposed = "old-one"\n')
    assert code == 2
    assert "allow[0].deposed = 'old-one': expected Terraform's deposed key: 8 lowercase hex digits" in " ".join(
        output.split()
    )


def guard_with_list(folder: Path, plan: str, extra: str) -> tuple[int, str]:
    """`smus guard` of ``plan`` with a one-entry allow-list for the domain's deletion, plus ``extra`` TOML lines."""
    plan_path, listing = folder / "plan.json", folder / "allow.toml"
    plan_path.write_text(plan)
    listing.write_text(
        f'[[allow]]\nstack = "dev-platform"\naddress = "{DOMAIN}"\naction = "delete"\n{extra}'
        'reason = "CHG-4: reviewed"\nexpires = 2099-01-01\n'
    )
    return guard(str(plan_path), "--allow-list", str(listing), "--stack", "dev-platform")


# --- what must pass -------------------------------------------------------------------------------------------------


def test_moved_only_plan_passes_and_lists_the_moves() -> None:
    code, report = guard_json(str(PLANS / "moved-only.json"))
    assert code == 0, report
    assert report["findings"] == []
    assert {"from": "aws_datazone_domain.Domain_Resource_4F2A1B9C", "to": DOMAIN} in report["moved"]
    assert len(report["moved"]) == 3


def test_membership_replacement_is_expected_not_protected() -> None:
    code, report = guard_json(str(PLANS / "membership-replace.json"))
    assert code == 0, report
    item = finding(report, "awscc_datazone_project_membership.Project-customer-360_Group-analytics-leads_6DE9DD27")
    assert item["verdict"] == "expected"
    assert item["replace_paths"] == ["designation"]


def test_adoption_plan_with_imports_passes_and_lists_what_it_imports() -> None:
    code, output = guard(str(PLANS / "import-adopt.json"))
    assert code == 0, output
    assert "3 resource changes, 0 destructive, 0 changing an immutable attribute, 0 moved, 3 imported" in output
    assert "PASS: no protected resource is deleted, replaced or forgotten" in output
    _, report = guard_json(str(PLANS / "import-adopt.json"))
    assert {"address": DOMAIN, "id": "dzd_5qx1b2c3d4e5f6"} in report["imported"]


# --- allow-list -----------------------------------------------------------------------------------------------------


def test_live_entry_allows_its_address_and_expired_entry_is_ignored_and_reported() -> None:
    code, report = guard_json(
        str(PLANS / "allow-list-case.json"),
        "--allow-list",
        str(PLANS / "allow-list-mixed.toml"),
        "--stack",
        "dev-platform",
    )
    assert code == 1, "the domain's entry has expired, so its replacement must still fail"
    assert finding(report, KEY)["verdict"] == "allowed"
    assert "CHG-3107" in finding(report, KEY)["note"]
    assert finding(report, DOMAIN)["verdict"] == "blocked"
    assert "expired on 2024-01-31" in finding(report, DOMAIN)["note"]
    assert [(e["address"], e["expires"]) for e in report["expired_allow_entries"]] == [(DOMAIN, "2024-01-31")]


def test_expired_entry_is_reported_in_the_table_output() -> None:
    _, output = guard(
        str(PLANS / "allow-list-case.json"),
        "--allow-list",
        str(PLANS / "allow-list-mixed.toml"),
        "--stack",
        "dev-platform",
    )
    assert f"expired allow-list entry (ignored): {DOMAIN} replace, expired 2024-01-31" in output


def entry(address: str, action: Literal["delete", "replace", "forget"], expires: date) -> AllowEntry:
    return AllowEntry(
        stack="dev-platform", address=address, action=action, reason="CHG-1: reviewed and safe", expires=expires
    )


def test_entry_counts_through_its_expiry_day_and_not_after() -> None:
    plan = load_plan(PLANS / "project-delete.json")
    address = "awscc_datazone_project.Project-customer-360_EF16AEB2"
    allow = AllowList(allow=[entry(address, "delete", date(2026, 3, 31))])
    assert evaluate(plan, allow, today=date(2026, 3, 31), stack="dev-platform").passed
    late = evaluate(plan, allow, today=date(2026, 4, 1), stack="dev-platform")
    assert not late.passed
    assert [e.address for e in late.expired_entries] == [address]


def test_entry_for_another_action_does_not_allow() -> None:
    plan = load_plan(PLANS / "domain-replace-name.json")
    report = evaluate(
        plan, AllowList(allow=[entry(DOMAIN, "delete", date(2099, 1, 1))]), today=date(2026, 1, 1), stack="dev-platform"
    )
    assert not report.passed, "an entry for 'delete' must not permit a replacement"
    assert [e.action for e in report.unused_entries] == ["delete"]


def test_allow_list_with_mistakes_exits_2_naming_every_field() -> None:
    code, output = guard(str(PLANS / "moved-only.json"), "--allow-list", str(PLANS / "allow-list-bad.toml"))
    assert code == 2
    assert "allow-list-bad.toml: allow[0].action = 'recreate': expected 'delete', 'replace' or 'forget'" in output
    assert "allow[0].reason = (missing)" in output
    assert "allow[0].expires = 'next friday': expected an unquoted TOML date" in output


def test_named_allow_list_that_does_not_exist_exits_2() -> None:
    code, output = guard(str(PLANS / "moved-only.json"), "--allow-list", str(PLANS / "no-such-list.toml"))
    assert code == 2
    assert "no-such-list.toml" in output


def test_shipped_allow_list_parses_and_permits_nothing() -> None:
    assert DEFAULT_ALLOW_LIST.is_file()
    assert load_allow_list(None).allow == []


# --- bad input is never a pass --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("not-json.txt", "(syntax) = (not JSON: Expecting value at line 2 column 1)"),
        ("wrong-format-version.json", "format_version = '2.0': expected a plan format version 1.x"),
        ("missing-format-version.json", "format_version = (missing): expected a plan format version 1.x"),
        ("state-not-plan.json", "planned_values = (missing: this is a state (it has 'values'))"),
        ("no-such-plan.json", "(file) = (No such file or directory)"),
    ],
)
def test_unreadable_input_exits_2_with_file_field_and_value(fixture: str, expected: str) -> None:
    code, output = guard(str(PLANS / fixture))
    assert code == 2, output
    assert f"{fixture}: {expected}" in output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[]", "(document) = (a JSON list): expected a JSON object"),
        (plan_text([], format_version=1.2), "format_version = 1.2: expected a plan format version 1.x"),
        (plan_text([], errored=True), "errored = True: expected a plan that completed"),
        (plan_text([change(DOMAIN, ["destroy"])]), f"resource_changes[0] ({DOMAIN}).change.actions = ['destroy']"),
        (plan_text([change(DOMAIN, [])]), "change.actions = []: expected one of"),
        (plan_text([{"change": {"actions": ["delete"]}}]), "resource_changes[0].address = (missing)"),
        (plan_text([]).replace('"resource_changes": []', '"resource_changes": {}'), "resource_changes = (a JSON dict)"),
        (
            plan_text([change(DOMAIN, ["delete"], deposed=7)]),
            f"({DOMAIN}).deposed = 7: expected a deposed object's key",
        ),
        (
            plan_text([change(DOMAIN, ["update"])]).replace('"before": {}', '"before": "V2"'),
            f"({DOMAIN}).change.before = (a JSON str): expected an object or null",
        ),
        (
            plan_text([change(DOMAIN, ["update"])]).replace('"after": null', '"after": [1]'),
            f"({DOMAIN}).change.after = (a JSON list): expected an object or null",
        ),
        (
            plan_text([change(DOMAIN, ["update"])]).replace('"after": null', '"after": {}, "after_unknown": 1'),
            f"({DOMAIN}).change.after_unknown = 1: expected an object or a boolean",
        ),
    ],
)
def test_malformed_plan_document_is_refused(text: str, expected: str) -> None:
    with pytest.raises(PlanFormatError) as caught:
        parse_plan(text, "plan.json")
    assert expected in str(caught.value)


def test_any_1x_format_version_is_accepted() -> None:
    assert parse_plan(plan_text([], format_version="1.0")).format_version == "1.0"
    assert parse_plan(plan_text([], format_version="1.17")).format_version == "1.17"


def test_bad_input_with_json_flag_prints_a_failed_report() -> None:
    code, report = guard_json(str(PLANS / "wrong-format-version.json"))
    assert code == 2
    assert report["passed"] is False and report["exit_code"] == 2
    assert "format_version = '2.0'" in report["error"]


def test_migration_tools_do_not_load_cdktn() -> None:
    """They run in CI before anything heavy: importing cdktn would cost 11 s and 1.8 GB (../shared/FACTS.md)."""
    probe = (
        "import sys, smus_cli.app, smus_cli.guard, smus_cli.diff_envs, smus_cli.inventory;"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in {'cdktn', 'cdktn_provider_aws', "
        "'cdktn_provider_awscc', 'jsii', 'boto3'});"
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"heavy modules imported: {result.stdout}{result.stderr}"


def test_an_entry_applies_to_its_own_stack_only() -> None:
    plan = load_plan(PLANS / "project-delete.json")
    address = "awscc_datazone_project.Project-customer-360_EF16AEB2"
    allow = AllowList(allow=[entry(address, "delete", date(2099, 1, 1))])
    assert evaluate(plan, allow, today=date(2026, 1, 1), stack="dev-platform").passed
    for other in ("prod-platform", None):
        report = evaluate(plan, allow, today=date(2026, 1, 1), stack=other)
        assert not report.passed, f"an entry for dev-platform must not allow the same address in {other}"
        assert report.unused_entries == []


def test_an_entry_without_a_stack_is_refused(tmp_path: Path) -> None:
    listing = tmp_path / "allow.toml"
    listing.write_text(
        '[[allow]]\naddress = "aws_kms_key.K"\naction = "delete"\nreason = "CHG-1: reviewed"\nexpires = 2099-01-01\n'
    )
    code, output = guard(str(PLANS / "moved-only.json"), "--allow-list", str(listing))
    assert code == 2
    assert "allow[0].stack" in " ".join(output.split())
