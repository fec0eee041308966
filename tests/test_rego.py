"""The Rego policies (policies/): their own `*_test.rego` unit tests, and agreement with the rule pack.

Both engines evaluate the same fixtures (tests/rule_cases.py) and must fail exactly the same addresses, rule by
rule; tests/test_check_cli.py checks the same over the example and the deliberately bad estate.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from smus_rules.model import Suppression
from smus_rules.registry import RULES
from smus_rules.rego import POLICY_DIR, RegoPolicies, governance_data, policy_files, resource_types, run_tests
from tests.rule_cases import CASES, Case

pytest.importorskip("regopy")


def _named(case: Case) -> dict[str, object]:
    doc = copy.deepcopy(case.doc)
    doc["//"]["metadata"]["stackName"] = case.id
    return doc


@pytest.fixture(scope="module")
def policies() -> RegoPolicies:
    docs = [_named(case) for case in CASES]
    return RegoPolicies(governance_data([case.context(case.id) for case in CASES], types=resource_types(docs)))


def test_every_rego_unit_test_passes() -> None:
    results = run_tests()
    assert len(results) >= 2 * len(RULES), f"expected a passing and a failing test per rule, found {len(results)}"
    failed = [f"{test.package}.{test.name}" for test in results if not test.passed]
    assert not failed, f"failing Rego tests: {failed}"


def test_every_rule_has_a_rego_policy_and_a_rego_test_file() -> None:
    names = {path.name for path in POLICY_DIR.rglob("*.rego")}
    for rule in RULES:
        stem = rule.id.lower().replace("-", "_")
        assert any(n.startswith(stem) and not n.endswith("_test.rego") for n in names), f"no policy for {rule.id}"
        assert any(n.startswith(stem) and n.endswith("_test.rego") for n in names), f"no *_test.rego for {rule.id}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rego_fails_exactly_what_the_rule_pack_fails(case: Case, policies: RegoPolicies) -> None:
    result = policies.evaluate(_named(case), case.id)
    failing = {v.address for v in result.violations if v.rule_id == case.rule}
    assert failing == case.failing, f"{case.id}: rego fails {sorted(failing)}; messages: {result.violations}"
    for violation in result.violations:
        if violation.rule_id == case.rule:
            assert violation.path.startswith(("fixture", case.id)), violation


def test_deny_names_rule_path_address_and_problem(policies: RegoPolicies) -> None:
    case = next(case for case in CASES if case.id == "SMUS-006-not-approved")
    result = policies.evaluate(_named(case), case.id)
    assert result.deny == [
        "SMUS-006 fixture/Blueprint-PartnerApps/Resource "
        "(aws_datazone_environment_blueprint_configuration.PartnerApps): "
        "blueprint PartnerApps is not approved for this account"
    ]


def test_suppressions_move_a_violation_from_deny_to_warn_with_its_reason() -> None:
    case = next(case for case in CASES if case.id == "SMUS-006-not-approved")
    reason = "Partner apps pilot approved by security (SEC-42)"
    suppression = Suppression(rule_id="SMUS-006", path="fixture/Blueprint-*", reason=reason)
    policies = RegoPolicies(governance_data([case.context(case.id)], [suppression], types=resource_types([case.doc])))
    result = policies.evaluate(_named(case), case.id)
    assert result.deny == []
    assert result.warn == [
        "SMUS-006 fixture/Blueprint-PartnerApps/Resource "
        f"(aws_datazone_environment_blueprint_configuration.PartnerApps) suppressed: {reason}"
    ]


def test_expired_suppressions_are_not_passed_to_rego() -> None:
    expired = Suppression(
        rule_id="SMUS-006", path="fixture", reason="temporary exception (SEC-1)", expires="2020-01-01"
    )
    assert governance_data([], [expired])["smus_governance"]["suppressions"] == []


def test_plan_output_is_checked_by_the_rules_that_need_planned_values() -> None:
    """`terraform show -json`: tags_all carries the provider's default tags; policies are resolved JSON strings."""
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_iam_role.R",
                        "mode": "managed",
                        "type": "aws_iam_role",
                        "name": "R",
                        "values": {
                            "assume_role_policy": json.dumps(
                                {"Statement": [{"Effect": "Allow", "Principal": {"Service": "datazone.amazonaws.com"}}]}
                            ),
                            "tags": {},
                            "tags_all": {"CostCenter": "CC-1", "DataClassification": "internal", "Environment": "dev"},
                        },
                    },
                    {
                        "address": "aws_iam_role_policy.P",
                        "mode": "managed",
                        "type": "aws_iam_role_policy",
                        "name": "P",
                        "values": {
                            "policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
                        },
                    },
                    {
                        "address": "aws_kms_key.K",
                        "mode": "managed",
                        "type": "aws_kms_key",
                        "name": "K",
                        "values": {"tags_all": {"CostCenter": "CC-1"}},
                    },
                ]
            }
        },
    }
    data = governance_data([], types=resource_types([plan]), plan_stack="dev-platform")
    result = RegoPolicies(data).evaluate(plan, "dev-platform")
    assert sorted((v.rule_id, v.address) for v in result.violations) == [
        ("SMUS-007", "aws_kms_key.K"),
        ("SMUS-009", "aws_iam_role_policy.P"),
        ("SMUS-011", "aws_iam_role.R"),
        ("SMUS-014", "aws_iam_role_policy.P"),
        ("SMUS-018", "aws_iam_role_policy.P"),  # Action "*" includes iam:UpdateAssumeRolePolicy
        ("SMUS-026", "aws_iam_role_policy.P"),  # and every RAM action, none held to a domain share
    ]


def test_policies_compile_without_the_test_files() -> None:
    """conftest loads every .rego under policies/; the policies alone must compile too."""
    RegoPolicies(governance_data([]))
    assert all(not path.name.endswith("_test.rego") for path in policy_files())
    assert Path(POLICY_DIR / "main.rego").is_file()


def test_the_rego_test_runner_reports_a_failing_test(tmp_path: Path) -> None:
    (tmp_path / "always_test.rego").write_text(
        "package smus.tests.runner\n\nimport rego.v1\n\ntest_true if true\n\ntest_false if false\n"
    )
    results = {test.name: test.passed for test in run_tests(tmp_path)}
    assert results == {"test_true": True, "test_false": False}
