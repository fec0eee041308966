"""Build every account's stacks into one app: bootstrap (once, local state), platform, projects wired to it, ops."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktn import TerraformStack
from constructs import Construct

from config.loader import LoadedAccount
from stacks.bootstrap import BootstrapStack
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

    def all(self) -> list[TerraformStack]:
        return [
            stack
            for stacks in self.accounts.values()
            for stack in (stacks.bootstrap, stacks.platform, stacks.projects, stacks.ops)
        ]

    def deployed_by_ci(self) -> list[PlatformStack | ProjectsStack | OpsStack]:
        """The stacks CI plans and applies with the deploy role; bootstrap stacks are applied by an administrator."""
        return [stack for stacks in self.accounts.values() for stack in (stacks.platform, stacks.projects, stacks.ops)]


def build_estate(app: Construct, accounts: Sequence[LoadedAccount]) -> EstateStacks:
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
    return EstateStacks(accounts=built)
