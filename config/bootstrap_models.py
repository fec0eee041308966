"""The `[bootstrap]` table of an account file: what the once-per-account bootstrap stack creates besides the bucket.

The bucket and the deploy role are not named here on purpose: they are `[state] bucket` and `[account]
deploy_role_arn`, which the platform and projects stacks already use, so the two can never drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

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
    ROLE_ARN_PARTS,
)
from smus_constructs.service_linked_role_names import ServiceLinkedRoleName


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
    #: default: no server access logs. Set: the organisation's log bucket receives them for the state bucket and the
    #: Tooling bucket the platform stack creates, and the ops stack checks that the domain's artifact buckets log
    #: there (S3_BUCKET_LOGGING_ENABLED). A protected account needs it, or [domain] s3_data_events_trail (a member
    #: account: [association] s3_data_events_trail).
    access_log_bucket: Annotated[str, AfterValidator(_bucket)] | None = None

    @model_validator(mode="after")
    def _one_source_of_the_provider(self) -> BootstrapSettings:
        if self.create_oidc_provider and self.oidc_provider_arn is not None:
            raise ValueError(
                "expected either create_oidc_provider = true or oidc_provider_arn, not both: "
                "the account can have only one GitHub OIDC provider"
            )
        return self
