"""Build every account's stacks into one app: bootstrap (once, local state), platform, projects wired to it, ops;
and, when config/organization.toml exists, the organization's guardrails stack (SCPs, management account).

A member (associated) account gets bootstrap, its member platform stack and ops: no projects stack, since its
environments are the domain account's projects'. Across accounts the apply order is: the domain account's platform
(domain, RAM share), each member's platform (accept, roles, blueprints, grants), the domain account's projects
(profiles naming the members, projects), then ops; the stacks record it as dependencies (cdktn's manifest), and
`smus ci-matrix --manifest` refuses a deploy order that breaks one (smus_cli.apply_order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktn import TerraformStack
from constructs import Construct

from config.loader import LoadedAccount
from config.organization_models import LoadedOrganization
from stacks.bootstrap import BootstrapStack
from stacks.guardrails import GuardrailsStack
from stacks.member_platform import MemberPlatformStack
from stacks.ops import OpsStack
from stacks.platform import PlatformStack
from stacks.projects import ProjectsStack


@dataclass(frozen=True)
class AccountStacks:
    bootstrap: BootstrapStack
    platform: PlatformStack | MemberPlatformStack
    #: None in a member account (its environments belong to the domain account's projects).
    projects: ProjectsStack | None
    ops: OpsStack

    def layers(self) -> list[TerraformStack]:
        """The account's stacks in apply order (bootstrap first)."""
        stacks: list[TerraformStack | None] = [self.bootstrap, self.platform, self.projects, self.ops]
        return [stack for stack in stacks if stack is not None]


@dataclass(frozen=True)
class EstateStacks:
    accounts: dict[str, AccountStacks]
    #: default: no organization file, no guardrails stack.
    guardrails: GuardrailsStack | None = None

    def all(self) -> list[TerraformStack]:
        stacks = [stack for stacks in self.accounts.values() for stack in stacks.layers()]
        return [*stacks, self.guardrails] if self.guardrails is not None else stacks

    def deployed_by_ci(self) -> list[PlatformStack | MemberPlatformStack | ProjectsStack | OpsStack]:
        """The stacks CI plans and applies with the deploy role; bootstrap stacks are applied by an administrator."""
        return [
            stack
            for stacks in self.accounts.values()
            for stack in (stacks.platform, stacks.projects, stacks.ops)
            if stack is not None
        ]


def build_estate(
    app: Construct, accounts: Sequence[LoadedAccount], organization: LoadedOrganization | None = None
) -> EstateStacks:
    built: dict[str, AccountStacks] = {}
    for loaded in accounts:
        bootstrap = BootstrapStack(app, loaded)
        platform: PlatformStack | MemberPlatformStack
        projects: ProjectsStack | None = None
        if loaded.config.domain is None:
            platform = MemberPlatformStack(app, loaded)
        else:
            platform = PlatformStack(app, loaded)
            projects = ProjectsStack(app, loaded, platform)
        ops = OpsStack(app, loaded)
        if ops.key_usage is not None and ops.key_usage.lookup is not None:
            # The key-usage rule finds the domain key the platform creates by its alias, at plan time
            # (smus_constructs.key_usage): the ops stack plans only once the platform is applied.
            ops.add_dependency(platform)
        # Last, once the account's stacks are complete: a later stack may add to an earlier one's tree.
        for stack in (platform, projects, ops):
            if stack is not None:
                stack.declare_used_providers()
        built[loaded.name] = AccountStacks(bootstrap=bootstrap, platform=platform, projects=projects, ops=ops)
    _order_across_accounts(built)
    # Applied in the management account, not by CI's deploy roles: deployed_by_ci() leaves it out.
    guardrails = GuardrailsStack(app, organization) if organization is not None else None
    return EstateStacks(accounts=built, guardrails=guardrails)


def _order_across_accounts(built: dict[str, AccountStacks]) -> None:
    """Domain platform -> member platform -> domain projects, for every member built with its domain."""
    for stacks in built.values():
        link = stacks.platform.loaded.links.domain
        domain = built.get(link.name) if link is not None else None
        if domain is None:
            continue
        stacks.platform.add_dependency(domain.platform)
        if domain.projects is not None:
            domain.projects.add_dependency(stacks.platform)
