"""The rule pack (Python): every rule against its compliant and non-compliant fixtures (tests/rule_cases.py)."""

from __future__ import annotations

from collections import Counter

import pytest

from smus_rules.doc import StackDoc
from smus_rules.model import Status
from smus_rules.registry import RULES, RULES_BY_ID
from tests.rule_cases import CASES, Case

IAM_RULES = (
    "SMUS-008",
    "SMUS-009",
    "SMUS-010",
    "SMUS-011",
    "SMUS-014",
    "SMUS-017",
    "SMUS-018",
    "SMUS-019",
    "SMUS-020",
    "SMUS-026",
    "SMUS-027",
)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_fails_exactly_the_expected_resources(case: Case) -> None:
    findings = RULES_BY_ID[case.rule].evaluate(StackDoc(case.doc), case.context())
    failing = {item.address for item in findings if item.status is Status.NON_COMPLIANT}
    assert failing == case.failing, "\n".join(item.text() for item in findings)
    for item in findings:
        assert item.rule_id == case.rule and item.stack == "fixture"
        if item.failed:
            assert case.contains in item.message, f"{case.id}: {case.contains!r} not in {item.message!r}"
            assert item.fix, f"{case.id}: a failed finding must say how to fix it"
            assert item.path.startswith("fixture"), f"{case.id}: the construct path is missing: {item.path}"


def test_every_rule_has_a_compliant_and_a_non_compliant_fixture() -> None:
    passing = {case.rule for case in CASES if not case.failing}
    failing = {case.rule for case in CASES if case.failing}
    ids = {rule.id for rule in RULES}
    assert passing == ids, f"rules without a compliant fixture: {sorted(ids - passing)}"
    assert failing == ids, f"rules without a non-compliant fixture: {sorted(ids - failing)}"


def test_iam_rules_have_at_least_two_different_violations() -> None:
    violations = Counter(case.rule for case in CASES if case.failing)
    for rule in IAM_RULES:
        assert violations[rule] >= 2, f"{rule} has {violations[rule]} non-compliant fixture(s)"


def test_rules_with_nothing_to_check_say_not_applicable() -> None:
    findings = [item for rule in RULES for item in rule.evaluate(StackDoc({"resource": {}}), CASES[0].context())]
    statuses = {item.rule_id: item.status for item in findings}
    # An empty stack with no backend keeps local state: SMUS-013 is the one rule that still has something to say.
    assert statuses.pop("SMUS-013") is Status.NON_COMPLIANT
    assert set(statuses.values()) == {Status.NOT_APPLICABLE}, statuses


def test_protected_only_rules_are_not_applicable_in_unprotected_accounts() -> None:
    for rule_id in ("SMUS-004", "SMUS-015", "SMUS-016", "SMUS-020"):
        case = next(case for case in CASES if case.rule == rule_id and case.name == "unprotected")
        findings = RULES_BY_ID[rule_id].evaluate(StackDoc(case.doc), case.context())
        assert [item.status for item in findings] == [Status.NOT_APPLICABLE], findings
        assert "not protected" in findings[0].message


def test_rule_ids_are_numbered_in_order_and_each_module_documents_why() -> None:
    assert [rule.id for rule in RULES] == [f"SMUS-{n:03d}" for n in range(1, len(RULES) + 1)]
    for rule in RULES:
        assert rule.rationale.startswith(f"{rule.id}:"), f"{rule.id}: the module docstring is the rule's rationale"
