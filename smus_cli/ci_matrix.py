"""`smus ci-matrix`: what the GitHub workflows need to know about each account, read from config, never copied.

The deploy and plan role ARNs, the region, the stacks in apply order, the metric namespace and - the subtle part -
which GitHub environment each kind of job must run in. GitHub's OIDC token names the job's environment in its `sub`
claim when the job has one (`repo:<owner>/<name>:environment:<env>`) and the branch otherwise
(`repo:...:ref:refs/heads/main`); a pull-request job without an environment gets `repo:...:pull_request`, which the
deploy role never trusts and the read-only plan role trusts by default. So:

* deploy (deploy role) - the first environment `[bootstrap] github_subjects` trusts (its reviewers approve the
  apply); none when the account trusts only `ref:refs/heads/main` (pushes to main deploy it).
* drift (plan role to plan, drift role to publish the metrics) - `[operations] plan_github_environment` if set, else
  none (both roles trust the drift job's subject either way, see config.pipeline_trust.drift_subject).
* pull request (plan role) - no environment where the plan role trusts `pull_request` (unprotected accounts): no
  approval, and no job of a pull request ever holds a role that can write. A protected account's plan role never
  trusts `pull_request`; its pull-request plans run in the first GitHub environment of `[bootstrap] plan_subjects`,
  whose required reviewers approve each run (`plan_environment`). An account with neither is not planned from pull
  requests.

Three shapes: `--by account` (drift: one job per account), `--by stack` (pull-request plans) and `--by batch`
(deploy: the apply order cut into runs of one account's stacks, smus_cli.apply_order).

Reads config only (no synth, no providers): it runs in a second. With `--manifest`, the order it prints is also
checked against the synthesised stacks' dependencies.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from rich.console import Console

from config.errors import ConfigError, ConfigIssue, printable
from config.loader import LoadedAccount, load_estate
from config.operations_models import DEFAULT_BRANCH
from config.pipeline_trust import (
    drift_role_arn,
    operations_issues,
    plan_role_arn,
    pull_request_plan_environment,
    trusted_environments,
    trusts_branch,
)
from smus_cli.apply_order import apply_batches, manifest_dependencies, order_issues
from smus_cli.input_files import InputFileError, read_text
from smus_cli.terminal import escape
from smus_constructs.ops_metrics import drift_log_group_name
from smus_constructs.pipeline_rules import PLACEHOLDER_KEY_ID

#: The layers CI plans and applies, in apply order (projects read the platform's state). Bootstrap is applied by an
#: administrator with local state. tests/test_workflows.py checks this against stacks.account_stack.Layer.
CI_LAYERS: tuple[str, ...] = ("platform", "projects", "ops")
BOOTSTRAP_LAYER = "bootstrap"


@dataclass(frozen=True)
class AccountTarget:
    """One account as the workflows see it. An empty environment means: the job runs without one."""

    account: str
    account_id: str
    region: str
    #: The deploy role: deploy.yml only.
    role_arn: str
    #: The read-only plan role: pull-request and drift plans.
    plan_role_arn: str
    #: The pipeline-metrics role: the drift and deploy jobs' `put-metric-data` calls and the drift job's plan
    #: summaries (`logs put-log-events`), nothing else.
    drift_role_arn: str
    protected: bool
    deploy_environment: str
    drift_environment: str
    #: Whether pull requests are planned: the plan role trusts `pull_request`, or a reviewed plan environment.
    pull_request_plans: bool
    #: The reviewed GitHub environment pull-request plans run in ('' = none: the plan role trusts `pull_request`).
    plan_environment: str
    metric_namespace: str
    #: The ops stack's log group the drift job writes each stack's plan summary to.
    drift_log_group: str
    domain_name: str
    #: '' when the platform stack creates the domain: the drift job looks it up by name.
    domain_id: str
    #: CI stacks in apply order, space-separated (a shell loop reads it as is).
    stacks: str
    #: A member account: the domain account it joins ('' for a domain account). Its platform stack is applied after
    #: the domain account's platform and before the domain account's projects (see :func:`stack_apply_order`).
    domain_account: str = ""


#: A member account's layers: it has no domain, so no projects stack (its environments are the domain's projects').
MEMBER_CI_LAYERS: tuple[str, ...] = ("platform", "ops")


def ci_stack_names(account_name: str, *, member: bool = False) -> list[str]:
    return [f"{account_name}-{layer}" for layer in (MEMBER_CI_LAYERS if member else CI_LAYERS)]


def account_target(loaded: LoadedAccount, branch: str = DEFAULT_BRANCH) -> AccountTarget:
    """The account's workflow settings; raises ConfigError when no workflow could ever obtain its deploy role."""
    config = loaded.config
    issues = list(operations_issues(loaded.path, config))
    environments = trusted_environments(config)
    on_branch = trusts_branch(config, branch)
    if not environments and not on_branch:
        issues.append(
            ConfigIssue(
                loaded.path,
                "bootstrap.github_subjects",
                list(config.bootstrap.github_subjects),
                f"an 'environment:<name>' subject or 'ref:refs/heads/{branch}': the deploy workflow runs on {branch}",
            )
        )
    if config.state.kms_key_arn.endswith(f"key/{PLACEHOLDER_KEY_ID}"):
        issues.append(
            ConfigIssue(
                loaded.path,
                "state.kms_key_arn",
                config.state.kms_key_arn,
                f"the state key's ARN: apply {loaded.name}-bootstrap (as the break-glass role) and copy its "
                "state_kms_key_arn output here; the placeholder only serves that first apply",
            )
        )
    if issues:
        raise ConfigError(issues)
    deploy = environments[0] if environments else ""
    plan_environment = pull_request_plan_environment(config)
    drift = config.operations.plan_github_environment or ""
    return AccountTarget(
        account=loaded.name,
        account_id=config.account.account_id,
        region=config.account.region,
        role_arn=config.account.deploy_role_arn,
        plan_role_arn=plan_role_arn(config),
        drift_role_arn=drift_role_arn(config),
        protected=config.account.protected,
        deploy_environment=deploy,
        drift_environment=drift,
        pull_request_plans="pull_request" in config.bootstrap.plan_subjects or plan_environment is not None,
        plan_environment=plan_environment or "",
        metric_namespace=config.operations.metric_namespace,
        drift_log_group=drift_log_group_name(loaded.name),
        # A member's domain is its domain account's (the drift job's project count looks it up by name).
        domain_name=config.domain.name if config.domain is not None else _joined_domain_name(loaded),
        domain_id=(config.domain.existing_id or "") if config.domain is not None else "",
        stacks=" ".join(ci_stack_names(loaded.name, member=config.domain is None)),
        domain_account=loaded.links.domain.name if loaded.links.domain is not None else "",
    )


def _joined_domain_name(loaded: LoadedAccount) -> str:
    return loaded.links.domain.domain_name if loaded.links.domain is not None else ""


def ordered_targets(accounts: Sequence[LoadedAccount], branch: str = DEFAULT_BRANCH) -> list[AccountTarget]:
    """Unprotected accounts first, protected (production) last: a deploy that fails in dev never reaches prod."""
    targets: list[AccountTarget] = []
    issues: list[ConfigIssue] = []
    for loaded in accounts:
        try:
            targets.append(account_target(loaded, branch))
        except ConfigError as error:
            issues.extend(error.issues)
    if issues:
        raise ConfigError(issues)
    # A member right after its domain account, whatever its own protection: the domain account's platform (domain,
    # share) is applied before the member's (accept, roles, blueprints), which the domain's projects need.
    joins = {loaded.name: loaded.links.domain.name for loaded in accounts if loaded.links.domain is not None}
    by_name = {target.account: target for target in targets}

    def order(target: AccountTarget) -> tuple[bool, str, int, str]:
        domain = by_name.get(joins.get(target.account, target.account), target)
        return (domain.protected, domain.account, int(target.account in joins), target.account)

    return sorted(targets, key=order)


MatrixShape = Literal["account", "stack", "batch"]


def _entry(target: AccountTarget, **extra: object) -> dict[str, Any]:
    entry: dict[str, Any] = asdict(target)
    entry.update(extra)
    return entry


def build_matrix(
    targets: Sequence[AccountTarget],
    by: MatrixShape = "account",
    only_stacks: Sequence[str] = (),
    *,
    pull_request: bool = False,
) -> dict[str, list[dict[str, Any]]]:
    """A GitHub Actions matrix (`{"include": [...]}`): one entry per account, per CI stack (optionally only some),
    or per apply batch.

    A batch entry is its account's entry with ``stacks`` narrowed to the batch's, plus ``batch`` (1-based) and
    ``batch_count``. ``pull_request`` keeps only the accounts a pull-request job can obtain credentials for.
    """
    if pull_request:
        targets = [target for target in targets if target.pull_request_plans]
    if by == "account":
        return {"include": [_entry(target) for target in targets]}
    if by == "batch":
        batches = apply_batches(stack_apply_order(targets))
        return {
            "include": [
                _entry(batch.target, stacks=" ".join(batch.stacks), batch=batch.index, batch_count=len(batches))
                for batch in batches
            ]
        }
    wanted = set(only_stacks)
    include = [
        _entry(target, stack=stack) for target, stack in stack_apply_order(targets) if not wanted or stack in wanted
    ]
    return {"include": include}


def stack_apply_order(targets: Sequence[AccountTarget]) -> list[tuple[AccountTarget, str]]:
    """Every CI stack in the order an estate with associated accounts must be applied in.

    A domain account's platform (domain, RAM share), then each member's platform (accept, roles, blueprints,
    grants) and ops, then the domain account's projects (profiles naming the members, projects whose environments
    are created there) and ops. Accounts without members keep their own order. A member's ops stack reads nothing of
    the domain account's projects, so it goes with the member's platform: one deploy batch, one approval, for both.
    """
    members: dict[str, list[AccountTarget]] = {}
    for target in targets:
        if target.domain_account:
            members.setdefault(target.domain_account, []).append(target)
    known = {target.account for target in targets}
    ordered: list[tuple[AccountTarget, str]] = []
    for target in targets:
        if target.domain_account and target.domain_account in known:
            continue  # placed with its domain account
        stacks = target.stacks.split()
        joined = members.get(target.account, [])
        if not joined:
            ordered += [(target, stack) for stack in stacks]
            continue
        platform = [stack for stack in stacks if stack.endswith("-platform")]
        ordered += [(target, stack) for stack in platform]
        ordered += [(member, stack) for member in joined for stack in member.stacks.split()]
        ordered += [(target, stack) for stack in stacks if stack not in platform]
    return ordered


def split_requested_stacks(
    requested: Sequence[str], targets: Sequence[AccountTarget]
) -> tuple[list[str], list[str], list[str]]:
    """(CI stacks, bootstrap stacks, unknown names) among ``requested``, each in the order given."""
    ci = {stack for target in targets for stack in target.stacks.split()}
    bootstrap = {f"{target.account}-{BOOTSTRAP_LAYER}" for target in targets}
    return (
        [name for name in requested if name in ci],
        [name for name in requested if name in bootstrap],
        [name for name in requested if name not in ci and name not in bootstrap],
    )


def run_ci_matrix(
    config_dir: Path,
    *,
    by: MatrixShape,
    stacks: Sequence[str],
    stacks_file: Path | None,
    branch: str,
    pull_request: bool = False,
    manifest: Path | None = None,
    err: Console,
) -> int:
    """Print the matrix as one line of JSON (for `$GITHUB_OUTPUT`); 2 on bad config, an unknown stack name, or (with
    ``manifest``) an order that applies a stack before one it depends on."""
    try:
        targets = ordered_targets(load_estate(config_dir), branch)
    except ConfigError as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        return 2
    requested = list(stacks)
    if stacks_file is not None:
        try:
            text = read_text(stacks_file, accepted="a text file of stack names", max_bytes=1024 * 1024)
        except InputFileError as error:
            err.print(f"[bold red]error:[/] {escape(str(error))}")
            return 2
        requested += text.split()
    filtered = by == "stack" and (stacks_file is not None or bool(stacks))
    ci, bootstrap, unknown = split_requested_stacks(requested, targets)
    if unknown:
        err.print(f"[bold red]error:[/] not a stack of this estate: {escape(printable(', '.join(unknown)))}")
        return 2
    for name in bootstrap:
        err.print(f"note: {name} is applied by an administrator with local state; CI does not plan it")
    if pull_request:
        wanted = set(ci)
        for target in targets:
            skipped = [s for s in target.stacks.split() if not filtered or s in wanted]
            if not target.pull_request_plans and skipped:
                err.print(
                    f"note: {', '.join(skipped)} not planned: the plan role of account {target.account} does not "
                    "trust pull-request jobs (add 'pull_request' to [bootstrap] plan_subjects, or in a protected "
                    "account an 'environment:<name>' with required reviewers)",
                    markup=False,
                )
    if filtered and not ci:
        print(json.dumps({"include": []}))
        return 0
    matrix = build_matrix(targets, by, ci if filtered else (), pull_request=pull_request)
    if manifest is not None and not _order_follows_manifest(matrix, by, manifest, err):
        return 2
    # print, not rich: the JSON must reach $GITHUB_OUTPUT byte for byte (no markup, emoji or wrapping).
    print(json.dumps(matrix, sort_keys=True))
    return 0


def matrix_jobs(matrix: dict[str, list[dict[str, Any]]], by: MatrixShape) -> list[list[str]]:
    """The stacks each job of ``matrix`` applies or plans, in order (a job per entry; entries one after another)."""
    if by == "stack":
        return [[entry["stack"]] for entry in matrix["include"]]
    return [str(entry["stacks"]).split() for entry in matrix["include"]]


def _order_follows_manifest(
    matrix: dict[str, list[dict[str, Any]]], by: MatrixShape, manifest: Path, err: Console
) -> bool:
    try:
        dependencies = manifest_dependencies(manifest)
    except InputFileError as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        return False
    issues = order_issues(matrix_jobs(matrix, by), dependencies)
    for issue in issues:
        err.print(f"[bold red]error:[/] --by {by}: {escape(printable(issue))}")
    return not issues
