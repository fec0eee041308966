"""Who may obtain which CI role of an account, and the roles' ARNs, derived from a whole account file.

These read several tables at once (`[account]`, `[bootstrap]`, `[operations]`, `[state]`), so they live beside the
models rather than in them: `config.models` composes the table models, and the table modules never import it back.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from config.errors import ConfigIssue
from config.models import AccountConfig
from config.operations_models import DEFAULT_BRANCH
from smus_constructs.pipeline_rules import (
    PULL_REQUEST_SUBJECT,
    default_drift_role_name,
    default_plan_role_name,
    role_arn,
    split_role_arn,
)


def plan_role_arn(config: AccountConfig) -> str:
    """The plan role's ARN: the deploy role's partition, account and path, and `[bootstrap] plan_role_name`."""
    partition, account_id, path, deploy_name = split_role_arn(config.account.deploy_role_arn)
    name = config.bootstrap.plan_role_name or default_plan_role_name(deploy_name)
    return role_arn(partition, account_id, path, name)


def plan_role_subjects(config: AccountConfig, branch: str = DEFAULT_BRANCH) -> list[str]:
    """What the plan role trusts: `[bootstrap] plan_subjects` and the scheduled drift job's subject."""
    return sorted({*config.bootstrap.plan_subjects, drift_subject(config, branch)})


def drift_subject(config: AccountConfig, branch: str = DEFAULT_BRANCH) -> str:
    """The scheduled drift job's OIDC subject: its GitHub environment when one is set, else the default branch."""
    chosen = config.operations.plan_github_environment
    return f"environment:{chosen}" if chosen is not None else f"ref:refs/heads/{branch}"


def drift_role_subjects(config: AccountConfig, branch: str = DEFAULT_BRANCH) -> list[str]:
    """Who may publish into the metric namespace with the drift role: the scheduled drift job and the deploy jobs.

    The deploy job publishes each stack's apply duration and plan result after its applies (deploy.yml). It already
    holds the deploy role, which can change the alarms themselves, so trusting its subjects here adds nothing it could
    not do; every other subject - a pull request above all - stays out: a pull request could otherwise write
    `PlanFailed = 0` or a heartbeat forever and hide real failures. IAM cannot hold a writer to some metric names of a
    namespace (PutMetricData's only condition key is `cloudwatch:namespace`), so who may assume this role is the
    whole of the control.
    """
    return sorted({drift_subject(config, branch), *config.bootstrap.github_subjects})


def drift_role_arn(config: AccountConfig) -> str:
    """The drift-metrics role's ARN: the deploy role's partition, account and path, `[bootstrap] drift_role_name`."""
    partition, account_id, path, deploy_name = split_role_arn(config.account.deploy_role_arn)
    name = config.bootstrap.drift_role_name or default_drift_role_name(deploy_name)
    return role_arn(partition, account_id, path, name)


def pull_request_plan_environment(config: AccountConfig) -> str | None:
    """The GitHub environment pull-request plans of this account run in; None when the plan role trusts
    `pull_request` itself (no environment, no approval) or no plan subject is an environment (no pull-request plans).
    """
    if PULL_REQUEST_SUBJECT in config.bootstrap.plan_subjects:
        return None
    for subject in config.bootstrap.plan_subjects:
        if subject.startswith("environment:"):
            return subject.removeprefix("environment:")
    return None


def pipeline_trust_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """Who may obtain which CI role: pull requests never reach a protected account's roles, and no subject that can
    get plan credentials also gets the deploy role."""
    settings = config.bootstrap
    if config.account.protected and PULL_REQUEST_SUBJECT in settings.plan_subjects:
        yield ConfigIssue(
            path,
            "bootstrap.plan_subjects",
            list(settings.plan_subjects),
            "GitHub environments with required reviewers, e.g. ['environment:prod-plan']: a protected account's "
            "plan role never trusts 'pull_request' (every pull request, with whatever code it carries, would get "
            "credentials that read the account's state)",
        )
    for index, subject in enumerate(settings.plan_subjects):
        if subject in settings.github_subjects:
            yield ConfigIssue(
                path,
                f"bootstrap.plan_subjects[{index}]",
                subject,
                "a subject the deploy role does not trust ([bootstrap] github_subjects): a job that may plan "
                "must not be able to obtain the deploy role",
            )
    names = {
        "[account] deploy_role_arn": config.account.deploy_role_arn,
        "the plan role": plan_role_arn(config),
    }
    break_glass = settings.break_glass_role_arn
    account_id = config.account.account_id
    if f":{account_id}:" not in break_glass:
        yield ConfigIssue(path, "bootstrap.break_glass_role_arn", break_glass, f"a role in this account ({account_id})")
    for what, arn in {**names, "the drift role": drift_role_arn(config)}.items():
        if break_glass == arn:
            yield ConfigIssue(
                path,
                "bootstrap.break_glass_role_arn",
                break_glass,
                f"a role people assume, other than {what}: no CI role may administer the state bucket",
            )
    if config.state.key_prefix == "bootstrap":
        yield ConfigIssue(
            path,
            "state.key_prefix",
            config.state.key_prefix,
            "a prefix other than 'bootstrap': the bootstrap state lives under bootstrap/, where no CI role may reach",
        )
    drift = drift_role_arn(config)
    for what, arn in names.items():
        if drift == arn:
            yield ConfigIssue(
                path,
                "bootstrap.drift_role_name",
                settings.drift_role_name or drift.rsplit("/", 1)[1],
                f"a role name other than {what}'s: the drift role may publish metrics and nothing else",
            )


def trusted_environments(config: AccountConfig) -> list[str]:
    """The GitHub environments the account's deploy role trusts, in the order the account file lists them."""
    return [
        subject.removeprefix("environment:")
        for subject in config.bootstrap.github_subjects
        if subject.startswith("environment:")
    ]


def trusts_branch(config: AccountConfig, branch: str = DEFAULT_BRANCH) -> bool:
    return f"ref:refs/heads/{branch}" in config.bootstrap.github_subjects


def operations_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    """Checks spanning [operations] and [bootstrap]: the drift job's environment is one the deploy role does NOT trust.

    The drift job runs unattended, so its environment has no required reviewers. If the deploy role trusted it, any
    job that may run in that environment would get deploy credentials without a review, and the drift job itself
    could write. The plan and drift roles trust it instead (`plan_role_subjects`, `drift_subject`).
    """
    chosen = config.operations.plan_github_environment
    trusted = trusted_environments(config)
    if chosen is not None and chosen in trusted:
        yield ConfigIssue(
            path,
            "operations.plan_github_environment",
            chosen,
            f"an environment the deploy role does not trust (not one of [bootstrap] github_subjects: "
            f"{', '.join(trusted)}): the unattended drift job must never be able to obtain the deploy role",
        )
    if chosen is not None and f"environment:{chosen}" in config.bootstrap.plan_subjects:
        yield ConfigIssue(
            path,
            "operations.plan_github_environment",
            chosen,
            "an environment pull-request plans do not run in (not one of [bootstrap] plan_subjects): the drift "
            "role trusts the drift job's environment, so a pull request planned there could publish PlanFailed = 0 "
            "or a heartbeat and hide real failures",
        )
