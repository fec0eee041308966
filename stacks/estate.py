"""Build every account's stacks into one app: platform first, then projects wired to it by object."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from constructs import Construct

from config.loader import LoadedAccount
from stacks.platform import PlatformStack
from stacks.projects import ProjectsStack


@dataclass(frozen=True)
class AccountStacks:
    platform: PlatformStack
    projects: ProjectsStack


@dataclass(frozen=True)
class EstateStacks:
    accounts: dict[str, AccountStacks]

    def all(self) -> list[PlatformStack | ProjectsStack]:
        return [stack for pair in self.accounts.values() for stack in (pair.platform, pair.projects)]


def build_estate(app: Construct, accounts: Sequence[LoadedAccount]) -> EstateStacks:
    built: dict[str, AccountStacks] = {}
    for loaded in accounts:
        platform = PlatformStack(app, loaded)
        projects = ProjectsStack(app, loaded, platform)
        built[loaded.name] = AccountStacks(platform=platform, projects=projects)
    return EstateStacks(accounts=built)
