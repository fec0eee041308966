"""The `[bootstrap]` table of an account file: what the once-per-account bootstrap stack creates besides the bucket.

The bucket and the deploy role are not named here on purpose: they are `[state] bucket` and `[account]
deploy_role_arn`, which the platform and projects stacks already use, so the two can never drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from config.errors import ConfigIssue
from config.operations_models import DEFAULT_BRANCH
from smus_constructs.pipeline_rules import (
    ACCEPTED_BUCKET,
    ACCEPTED_OIDC_PROVIDER_ARN,
    ACCEPTED_PLAN_SUBJECT,
    ACCEPTED_REPOSITORY,
    ACCEPTED_SUBJECT,
    BUCKET_NAME,
    GITHUB_REPOSITORY,
    GITHUB_SUBJECT,
    IAM_ROLE_NAME,
    OIDC_PROVIDER_ARN,
    PLAN_SUBJECT,
    PULL_REQUEST_SUBJECT,
    ROLE_ARN_PARTS,
    default_drift_role_name,
    default_plan_role_name,
    role_arn,
    split_role_arn,
)
from smus_constructs.service_linked_role_names import ServiceLinkedRoleName

if TYPE_CHECKING:
    from config.models import AccountConfig


def _repository(value: str) -> str:
    if not GITHUB_REPOSITORY.fullmatch(value):
        raise ValueError(f"expected {ACCEPTED_REPOSITORY}")
    return value


def _subject_check(pattern: re.Pattern[str], accepted: str) -> Callable[[str], str]:
    """A validator for the part of an OIDC `sub` after `repo:<owner>/<name>:`, against one role's accepted forms."""

    def check(value: str) -> str:
        if value.startswith("repo:"):
            raise ValueError(
                "expected the part after 'repo:<owner>/<name>:' only (the repository comes from github_repository), "
                f"i.e. {accepted}"
            )
        if not pattern.fullmatch(value):
            raise ValueError(f"expected {accepted}")
        return value

    return check


_subject = _subject_check(GITHUB_SUBJECT, ACCEPTED_SUBJECT)
_plan_subject = _subject_check(PLAN_SUBJECT, ACCEPTED_PLAN_SUBJECT)


def _role_name(value: str) -> str:
    if not IAM_ROLE_NAME.fullmatch(value):
        raise ValueError("expected an IAM role name: 1-64 of letters, digits and '+=,.@_-', e.g. 'smus-plan'")
    return value


def _role_arn(value: str) -> str:
    if not ROLE_ARN_PARTS.fullmatch(value):
        raise ValueError(
            "expected an IAM role ARN such as 'arn:aws:iam::123456789012:role/smus-break-glass' "
            "(a role, not a user or an assumed-role session)"
        )
    return value


def _oidc_provider_arn(value: str) -> str:
    if not OIDC_PROVIDER_ARN.fullmatch(value):
        raise ValueError(f"expected {ACCEPTED_OIDC_PROVIDER_ARN}")
    return value


def _bucket(value: str) -> str:
    if not BUCKET_NAME.fullmatch(value):
        raise ValueError(f"expected {ACCEPTED_BUCKET}")
    return value


def _unique(values: list[ServiceLinkedRoleName]) -> list[ServiceLinkedRoleName]:
    duplicates = sorted({value.value for value in values if values.count(value) > 1})
    if duplicates:
        raise ValueError(f"expected each service-linked role once; listed more than once: {', '.join(duplicates)}")
    return values


def _unique_subjects(values: list[str]) -> list[str]:
    duplicates = sorted({value for value in values if values.count(value) > 1})
    if duplicates:
        raise ValueError(f"expected each subject once; listed more than once: {', '.join(duplicates)}")
    return values


GithubSubject = Annotated[str, AfterValidator(_subject)]
PlanSubject = Annotated[str, AfterValidator(_plan_subject)]


class BootstrapSettings(BaseModel):
    """What CI may deploy from, and what the account needs before the first platform apply."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    #: The break-glass / administrator role of this account: the role a person assumes (through the organisation's
    #: identity provider, with MFA) to apply this bootstrap stack and for emergencies. The state bucket's policy lets
    #: only it (besides the account root, which S3 always lets rewrite a bucket policy) change the bucket's policy,
    #: versioning, lifecycle, encryption, replication or logging; it is the one person-held role that may read and
    #: write state objects, and it may use the state key through S3. Not a CI role (deploy, plan or drift).
    break_glass_role_arn: Annotated[str, AfterValidator(_role_arn)]
    #: default: false - the bootstrap stack's own state is a local file (`bootstrap/<account>.tfstate`). Set true once
    #: it has been migrated into the bucket it created (`terraform init -migrate-state`, docs/migration-runbook.md):
    #: the stack then keeps it at `bootstrap/<account id>/bootstrap.tfstate`, outside every CI role's state prefix,
    #: so only the break-glass role can read it.
    state_in_bucket: bool = False
    #: The GitHub repository whose workflows deploy this account, as 'owner/name'.
    github_repository: Annotated[str, AfterValidator(_repository)]
    #: Where in that repository a deploy may run from: GitHub environments or branches, compared exactly.
    #: Use a GitHub environment with required reviewers for protected accounts, e.g. ["environment:prod"].
    github_subjects: Annotated[list[GithubSubject], Field(min_length=1), AfterValidator(_unique_subjects)]
    #: default: ["pull_request"]. Where in that repository a *plan* may run from, with the read-only plan role: any
    #: pull-request job, GitHub environments or branches, compared exactly. The scheduled drift job's own subject
    #: (`environment:<[operations] plan_github_environment>`, else `ref:refs/heads/main`) is trusted as well.
    #: A protected account may not trust "pull_request": list a GitHub environment with required reviewers instead,
    #: e.g. ["environment:prod-plan"]; pull-request plans of the account then run in it, approved per run. None of
    #: these may be a subject the deploy role trusts (`github_subjects`).
    plan_subjects: Annotated[list[PlanSubject], Field(min_length=1), AfterValidator(_unique_subjects)] = [
        "pull_request"
    ]
    #: default: the deploy role's name with '-deploy' replaced by '-plan' ('smus-deploy' -> 'smus-plan'), on the
    #: deploy role's path. The read-only role pull-request and drift plans run with.
    plan_role_name: Annotated[str, AfterValidator(_role_name)] | None = None
    #: default: the deploy role's name with '-deploy' replaced by '-drift' ('smus-deploy' -> 'smus-drift'), on the
    #: deploy role's path. The role the scheduled drift job publishes its metrics with: trusted only by the drift
    #: job's subject, allowed only cloudwatch:PutMetricData into `[operations] metric_namespace`.
    drift_role_name: Annotated[str, AfterValidator(_role_name)] | None = None
    #: default: false - the account already has a GitHub OIDC provider (there can be only one per URL).
    create_oidc_provider: bool = False
    #: default: the provider's standard ARN in this account. Only with create_oidc_provider = false.
    oidc_provider_arn: Annotated[str, AfterValidator(_oidc_provider_arn)] | None = None
    #: default: none. Pre-created when an SCP denies iam:CreateServiceLinkedRole to project tooling.
    service_linked_roles: Annotated[list[ServiceLinkedRoleName], AfterValidator(_unique)] = []
    #: default: 90. Days a replaced state version is kept.
    noncurrent_version_expiration_days: Annotated[int, Field(ge=1, le=3650)] = 90
    #: default: 10. Replaced state versions kept regardless of age.
    noncurrent_versions_to_keep: Annotated[int, Field(ge=1, le=100)] = 10
    #: default: no server access logs for the state bucket. Set: the organisation's log bucket receives them.
    access_log_bucket: Annotated[str, AfterValidator(_bucket)] | None = None

    @model_validator(mode="after")
    def _one_source_of_the_provider(self) -> BootstrapSettings:
        if self.create_oidc_provider and self.oidc_provider_arn is not None:
            raise ValueError(
                "expected either create_oidc_provider = true or oidc_provider_arn, not both: "
                "the account can have only one GitHub OIDC provider"
            )
        return self


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
