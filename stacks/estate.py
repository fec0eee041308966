"""Build every account's stacks into one app: bootstrap (once, local state), platform, projects wired to it, ops;
and, when config/organization.toml exists, the organization's guardrails stack (SCPs, management account)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktn import TerraformStack
from constructs import Construct

from config.loader import LoadedAccount
from config.organization_models import LoadedOrganization
from stacks.bootstrap import BootstrapStack
from stacks.guardrails import GuardrailsStack
from stacks.ops import OpsStack
from stacks.platform import PlatformStack
from stacks.projects import ProjectsStack


@dataclass(frozen=True)
class AccountStacks:
    bootstrap: BootstrapStack
    platform: PlatformStack
    projects: ProjectsStack
    ops: OpsStack


@dataclass(frozen=True)
class EstateStacks:
    accounts: dict[str, AccountStacks]
    #: default: no organization file, no guardrails stack.
    guardrails: GuardrailsStack | None = None

    def all(self) -> list[TerraformStack]:
        stacks: list[TerraformStack] = [
            stack
            for stacks in self.accounts.values()
            for stack in (stacks.bootstrap, stacks.platform, stacks.projects, stacks.ops)
        ]
        return [*stacks, self.guardrails] if self.guardrails is not None else stacks

    def deployed_by_ci(self) -> list[PlatformStack | ProjectsStack | OpsStack]:
        """The stacks CI plans and applies with the deploy role; bootstrap stacks are applied by an administrator."""
        return [stack for stacks in self.accounts.values() for stack in (stacks.platform, stacks.projects, stacks.ops)]


def build_estate(
    app: Construct, accounts: Sequence[LoadedAccount], organization: LoadedOrganization | None = None
) -> EstateStacks:
    built: dict[str, AccountStacks] = {}
    for loaded in accounts:
        bootstrap = BootstrapStack(app, loaded)
        platform = PlatformStack(app, loaded)
        projects = ProjectsStack(app, loaded, platform)
        ops = OpsStack(app, loaded)
        # Last, once the account's stacks are complete: a later stack may add to an earlier one's tree.
        for stack in (platform, projects, ops):
            stack.declare_used_providers()
        built[loaded.name] = AccountStacks(bootstrap=bootstrap, platform=platform, projects=projects, ops=ops)
    # Applied in the management account, not by CI's deploy roles: deployed_by_ci() leaves it out.
    guardrails = GuardrailsStack(app, organization) if organization is not None else None
    return EstateStacks(accounts=built, guardrails=guardrails)
