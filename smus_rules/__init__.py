"""Governance as code: the SMUS rule pack that runs at synth, its Rego twin, and the reports of `smus check`.

* :mod:`smus_rules.rules` - one rule per module (SMUS-001 ...), each a pure function of a synthesised stack document
  and a small :class:`RuleContext`, answering compliant, non-compliant or not applicable;
* :mod:`smus_rules.aspect` - the synth-time adapter: a cdktn Aspect in the style of cdk-nag v2 (imports cdktn);
* :mod:`smus_rules.suppressions` - per construct path and rule, always with a reason;
* :mod:`smus_rules.rego` - the same rules in Rego (policies/), evaluated in-process with regopy;
* :mod:`smus_rules.report` - JSON and SARIF reports.

Nothing here imports config/ or stacks/: the estate application builds a RuleContext from its config, and a product
team can attach the pack to its own stacks with its own context.
"""

from smus_rules.engine import StackResult, evaluate
from smus_rules.errors import RuleFailures
from smus_rules.model import Finding, LockedParameter, Rule, RuleContext, Status, Suppression
from smus_rules.registry import RULES, RULES_BY_ID

__all__ = [
    "RULES",
    "RULES_BY_ID",
    "Finding",
    "LockedParameter",
    "Rule",
    "RuleContext",
    "RuleFailures",
    "StackResult",
    "Status",
    "Suppression",
    "evaluate",
]
