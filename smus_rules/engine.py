"""Run the pack over one stack document: every rule, then the suppressions. Pure; used by all three adapters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from smus_rules.doc import StackDoc
from smus_rules.model import Finding, Rule, RuleContext, Status
from smus_rules.registry import RULES
from smus_rules.suppressions import SuppressionSet


@dataclass
class StackResult:
    """Every finding of every rule for one stack, suppressions applied."""

    stack: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def failures(self) -> list[Finding]:
        return [item for item in self.findings if item.status is Status.NON_COMPLIANT]

    @property
    def suppressed(self) -> list[Finding]:
        return [item for item in self.findings if item.status is Status.SUPPRESSED]


def evaluate(
    raw: dict[str, Any],
    context: RuleContext,
    suppressions: SuppressionSet | None = None,
    rules: Sequence[Rule] = RULES,
) -> StackResult:
    """All ``rules`` over the stack document ``raw``; failed findings matched by a suppression become SUPPRESSED."""
    doc = StackDoc(raw, context.stack)
    findings = [item for rule in rules for item in rule.evaluate(doc, context)]
    if suppressions is not None:
        findings = suppressions.apply(findings)
    return StackResult(stack=context.stack, findings=findings)
