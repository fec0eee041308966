"""Wire the security-owned rule pack into an estate: one RulePackAspect per stack, with that stack's context.

Kept out of stacks/ on purpose: the stacks do not need to know about the governance file, and a product team that
builds its own stacks from smus_constructs attaches `smus_rules.aspect.RulePackAspect` the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from config.governance import LoadedGovernance
from config.organization_models import GUARDRAILS_STACK, LoadedOrganization

if TYPE_CHECKING:
    from smus_rules.aspect import RuleRun
    from smus_rules.model import RuleContext
    from stacks.estate import EstateStacks


def attach_rule_pack(estate: EstateStacks, governance: LoadedGovernance) -> RuleRun:
    """Attach the pack to every stack of every account; bootstrap stacks may keep local state (SMUS-013)."""
    from cdktn import TerraformStack

    from smus_rules.aspect import RuleRun
    from stacks.bootstrap import BootstrapStack

    run = RuleRun.with_suppressions(governance.suppressions)
    for stacks in estate.accounts.values():
        loaded = stacks.platform.loaded
        # Every layer the account has (bootstrap, platform, projects, ops, and any added later).
        for stack in vars(stacks).values():
            if isinstance(stack, TerraformStack):
                context = governance.context_for(
                    loaded, stack.node.id, local_backend_allowed=isinstance(stack, BootstrapStack)
                )
                run.attach(stack, context)
    if estate.guardrails is not None:  # the management account's SCPs: SMUS-025 checks they spare the pipeline
        run.attach(estate.guardrails, guardrails_context(estate.guardrails.organization, governance))
    return run


def guardrails_context(organization: LoadedOrganization, governance: LoadedGovernance) -> RuleContext:
    """The guardrails stack's context: the management account, and the pipeline roles its SCP must spare.

    The roles come from the protected accounts' files (their deploy roles) and the break-glass roles, not from the
    policy: SMUS-025 compares the policy with what the pipeline is, so a policy that forgot a role fails.
    """
    from smus_rules.model import RuleContext

    return RuleContext(
        stack=GUARDRAILS_STACK,
        account_id=organization.config.organization.account_id,
        protected=True,
        mandatory_tags=tuple(governance.config.mandatory_tags),
        pipeline_role_arns=tuple(organization.pipeline_role_arns),
    )
