"""The `[bootstrap]` table of an account file: what the once-per-account bootstrap stack creates besides the bucket.

The bucket and the deploy role are not named here on purpose: they are `[state] bucket` and `[account]
deploy_role_arn`, which the platform and projects stacks already use, so the two can never drift apart.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from smus_constructs.pipeline_rules import (
    ACCEPTED_BUCKET,
    ACCEPTED_OIDC_PROVIDER_ARN,
    ACCEPTED_REPOSITORY,
    ACCEPTED_SUBJECT,
    BUCKET_NAME,
    GITHUB_REPOSITORY,
    GITHUB_SUBJECT,
    OIDC_PROVIDER_ARN,
)
from smus_constructs.service_linked_role_names import ServiceLinkedRoleName


def _repository(value: str) -> str:
    if not GITHUB_REPOSITORY.match(value):
        raise ValueError(f"expected {ACCEPTED_REPOSITORY}")
    return value


def _subject(value: str) -> str:
    if value.startswith("repo:"):
        raise ValueError(
            "expected the part after 'repo:<owner>/<name>:' only (the repository comes from github_repository), "
            f"i.e. {ACCEPTED_SUBJECT}"
        )
    if not GITHUB_SUBJECT.match(value):
        raise ValueError(f"expected {ACCEPTED_SUBJECT}")
    return value


def _oidc_provider_arn(value: str) -> str:
    if not OIDC_PROVIDER_ARN.match(value):
        raise ValueError(f"expected {ACCEPTED_OIDC_PROVIDER_ARN}")
    return value


def _bucket(value: str) -> str:
    if not BUCKET_NAME.match(value):
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


class BootstrapSettings(BaseModel):
    """What CI may deploy from, and what the account needs before the first platform apply."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    #: The GitHub repository whose workflows deploy this account, as 'owner/name'.
    github_repository: Annotated[str, AfterValidator(_repository)]
    #: Where in that repository a deploy may run from: GitHub environments or branches, compared exactly.
    #: Use a GitHub environment with required reviewers for protected accounts, e.g. ["environment:prod"].
    github_subjects: Annotated[list[GithubSubject], Field(min_length=1), AfterValidator(_unique_subjects)]
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
