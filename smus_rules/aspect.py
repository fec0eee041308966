"""The synth-time adapter: the rule pack as a cdktn Aspect, in the style of cdk-nag v2.

Add it to a stack (``Aspects.of(stack).add(RulePackAspect(context))``) and `app.synth()` evaluates every rule over
the stack's resolved Terraform JSON (``stack.to_terraform()``, `//` construct paths included) and puts an error
annotation on each offending construct, which makes `app.synth()` fail with the rule ID, path, problem and fix.
Suppressed findings get an info annotation carrying the reason, so they appear in `manifest.json` too.

cdktn only fails on error annotations in `app.synth()` (not `Testing.synth`), and stops at the first stack that has
any; it also skips them entirely when CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS is set. So a :class:`RuleRun`
records every stack's result as well: the synth driver raises :class:`RuleFailures` from it whatever cdktn did,
after evaluating the stacks cdktn never reached, so one failed synth lists every failure of the estate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jsii
from cdktn import Annotations, Aspects, IAspect, TerraformStack
from constructs import IConstruct

from smus_rules.engine import StackResult, evaluate
from smus_rules.errors import RuleFailures
from smus_rules.model import Finding, Rule, RuleContext, Suppression

__all__ = ["RuleFailures", "RulePackAspect", "RuleRun"]
from smus_rules.registry import RULES
from smus_rules.suppressions import SuppressionSet


def _construct_at(stack: TerraformStack, path: str) -> IConstruct:
    """The deepest construct on ``path`` under ``stack`` (the stack itself for stack-level findings)."""
    node: IConstruct = stack
    for part in path.split("/")[1:]:
        child = node.node.try_find_child(part)
        if child is None:
            break
        node = child
    return node


@jsii.implements(IAspect)
class RulePackAspect:
    """Evaluates the pack once per stack, when the aspect visits the stack node, and annotates offenders."""

    def __init__(
        self,
        context: RuleContext,
        suppressions: SuppressionSet | None = None,
        *,
        rules: Sequence[Rule] = RULES,
        run: RuleRun | None = None,
    ) -> None:
        self.context = context
        self.suppressions = suppressions or SuppressionSet()
        self.rules = rules
        self.run = run
        self.result: StackResult | None = None

    def evaluate(self, stack: TerraformStack) -> StackResult:
        """The stack's result (computed once): all rules over its resolved JSON, suppressions applied."""
        if self.result is None:
            raw: dict[str, Any] = stack.to_terraform()
            self.result = evaluate(raw, self.context, self.suppressions, self.rules)
        return self.result

    def visit(self, node: IConstruct) -> None:
        if not TerraformStack.is_stack(node) or node.node.path != self.context.stack:
            return
        stack: TerraformStack = node  # type: ignore[assignment]
        result = self.evaluate(stack)
        for item in result.failures:
            Annotations.of(_construct_at(stack, item.path)).add_error(item.text())
        for item in result.suppressed:
            reason = item.suppression.reason if item.suppression else ""
            Annotations.of(_construct_at(stack, item.path)).add_info(f"{item.rule_id} suppressed: {reason}")


@dataclass
class RuleRun:
    """The pack attached to the stacks of one app, and every result it produced."""

    suppressions: SuppressionSet = field(default_factory=SuppressionSet)
    rules: Sequence[Rule] = RULES
    attached: list[tuple[TerraformStack, RulePackAspect]] = field(default_factory=list)

    @classmethod
    def with_suppressions(cls, suppressions: Sequence[Suppression]) -> RuleRun:
        return cls(suppressions=SuppressionSet(list(suppressions)))

    def attach(self, stack: TerraformStack, context: RuleContext) -> RulePackAspect:
        aspect = RulePackAspect(context, self.suppressions, rules=self.rules, run=self)
        Aspects.of(stack).add(aspect)
        self.attached.append((stack, aspect))
        return aspect

    def results(self) -> list[StackResult]:
        """Every attached stack's result, evaluating those synth has not reached (it stops at the first failure)."""
        return [aspect.evaluate(stack) for stack, aspect in self.attached]

    def failures(self) -> list[Finding]:
        return [item for result in self.results() for item in result.failures]

    def suppressed(self) -> list[Finding]:
        return [item for result in self.results() for item in result.suppressed]
