"""The deploy workflow's jobs: the stack apply order cut into batches, and checked against the synthesised manifest.

A GitHub deploy job holds one account's deploy role (its OIDC subject names that account's GitHub environment), so
one job can only apply stacks of one account. One job per account (`--by account`) applies the domain account's
projects before a member's platform has enabled the member's blueprints and grants: a project whose ON_CREATE
environment is in the member then fails on its first deploy. One job per stack would ask for an environment
approval per stack. A batch is the middle way: the apply order (smus_cli.ci_matrix.stack_apply_order) cut into runs
of consecutive stacks of one account, one job each, applied one after the other:

    dev: platform projects ops | staging: ... | prod: platform | prod-ml: platform ops | prod: projects ops

The order is built from config (no synth needed), so it is checked against what cdktn recorded: every stack's
`dependencies` in `manifest.json` (stacks.estate declares them). :func:`order_issues` names each stack applied before
one it depends on; `smus ci-matrix --manifest` refuses such an order, so the deploy workflow cannot run it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from smus_cli.input_files import InputFileError, read_json

#: cdktn's manifest of a large estate is tens of kilobytes.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MANIFEST_ACCEPTED = "cdktn's manifest.json: {'stacks': {<name>: {'dependencies': [<stack name>, ...]}}}"


class Account(Protocol):
    """What a batch needs of an account (smus_cli.ci_matrix.AccountTarget, which imports this module)."""

    @property
    def account(self) -> str: ...


AccountT = TypeVar("AccountT", bound=Account)


@dataclass(frozen=True)
class ApplyBatch(Generic[AccountT]):
    """Consecutive stacks of one account in the apply order: one deploy job, one environment approval."""

    #: 1-based: the job's place in the deploy (job names, artifact names).
    index: int
    target: AccountT
    #: In apply order.
    stacks: tuple[str, ...]


def apply_batches(order: Sequence[tuple[AccountT, str]]) -> list[ApplyBatch[AccountT]]:
    """``order`` (every CI stack with its account, in apply order) cut where the account changes."""
    batches: list[ApplyBatch[AccountT]] = []
    for target, stack in order:
        if batches and batches[-1].target.account == target.account:
            last = batches[-1]
            batches[-1] = ApplyBatch(last.index, last.target, (*last.stacks, stack))
        else:
            batches.append(ApplyBatch(len(batches) + 1, target, (stack,)))
    return batches


def manifest_dependencies(path: Path) -> dict[str, list[str]]:
    """Each synthesised stack's dependencies, from cdktn's `manifest.json`; InputFileError on any other shape."""
    document = read_json(path, accepted=MANIFEST_ACCEPTED, max_bytes=MAX_MANIFEST_BYTES)
    stacks = document.get("stacks") if isinstance(document, dict) else None
    if not isinstance(stacks, dict) or not stacks:
        raise InputFileError(path, "stacks", stacks, MANIFEST_ACCEPTED)
    found: dict[str, list[str]] = {}
    for name, stack in stacks.items():
        dependencies = stack.get("dependencies", []) if isinstance(stack, dict) else None
        if not isinstance(dependencies, list) or not all(isinstance(item, str) for item in dependencies):
            raise InputFileError(path, f"stacks.{name}.dependencies", dependencies, "a list of stack names")
        found[str(name)] = list(dependencies)
    return found


def order_issues(jobs: Sequence[Sequence[str]], dependencies: Mapping[str, Sequence[str]]) -> list[str]:
    """What is wrong with applying ``jobs`` (each a job's stacks, in order; jobs one after another) given the
    synthesised ``dependencies``: a stack the manifest does not hold (it was synthesised from other config), and a
    stack applied before a stack it depends on - in a later job, or later in its own job.

    A dependency that is in no job is not CI's to order (a bootstrap or guardrails stack, which an administrator
    applies first), so it is not an issue.
    """
    place = {stack: (job, position) for job, stacks in enumerate(jobs, 1) for position, stack in enumerate(stacks)}
    issues = [
        f"{stack} (job {job}) is not in the synthesised manifest: synthesise from the same config"
        for stack, (job, _) in place.items()
        if stack not in dependencies
    ]
    for stack, (job, position) in place.items():
        for dependency in dependencies.get(stack, ()):
            if dependency not in place or place[dependency] < (job, position):
                continue
            later, _ = place[dependency]
            where = "later in the same job" if later == job else f"in job {later}"
            issues.append(f"{stack} (job {job}) depends on {dependency}, which this order applies {where}")
    return issues
