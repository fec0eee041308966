"""Wire the security-owned rule pack into an estate: one RulePackAspect per stack, with that stack's context.

Kept out of stacks/ on purpose: the stacks do not need to know about the governance file, and a product team that
builds its own stacks from smus_constructs attaches `smus_rules.aspect.RulePackAspect` the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from config.governance import LoadedGovernance

if TYPE_CHECKING:
    from smus_rules.aspect import RuleRun
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
    return run
