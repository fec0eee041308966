"""The `[operations]` table of an account file: who hears about drift and out-of-pipeline changes, and the limits.

Everything has a default, so an account file without the table gets the whole ops layer (alarms, the change alert,
the AWS Config rules) with alerts delivered to the topic only. Subscribing people is one line here; subscribing a
chat tool or pager is usually done out of band against the topic the `<account>-ops` stack outputs.

Kept free of cdktn: the loader validates this in well under a second, and `smus ci-matrix` reads it without synth.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from smus_constructs.ops_metrics import (
    ACCEPTED_NAMESPACE,
    DEFAULT_DRIFT_LOG_RETENTION_DAYS,
    DEFAULT_NAMESPACE,
    LOG_RETENTION_DAYS,
    METRIC_NAMESPACE,
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", re.ASCII)
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", re.ASCII)
GITHUB_ENVIRONMENT = re.compile(r"^[A-Za-z0-9_.-]{1,255}$", re.ASCII)
#: The branch the main and scheduled workflows run on; a `ref:` subject for it lets them deploy without an environment.
DEFAULT_BRANCH = "main"


def _matches(pattern: re.Pattern[str], accepted: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"expected {accepted}")
        return value

    return AfterValidator(check)


Email = Annotated[str, _matches(EMAIL, "an email address such as 'platform-oncall@example.com'")]
Namespace = Annotated[str, _matches(METRIC_NAMESPACE, ACCEPTED_NAMESPACE)]
BucketName = Annotated[str, _matches(BUCKET, "an S3 bucket name (3-63 lowercase letters, digits, '.', '-')")]
GithubEnvironment = Annotated[str, _matches(GITHUB_ENVIRONMENT, "a GitHub environment name such as 'prod-drift'")]


def _retention(days: int) -> int:
    if days not in LOG_RETENTION_DAYS:
        raise ValueError(
            f"expected one of the periods CloudWatch Logs accepts: {', '.join(map(str, LOG_RETENTION_DAYS))}"
        )
    return days


RetentionDays = Annotated[int, AfterValidator(_retention)]


class AlertSubscription(BaseModel):
    """A non-email endpoint of the alert topic, e.g. an HTTPS webhook or an SQS queue of the incident tool."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    protocol: Literal["https", "sqs", "lambda", "email-json", "firehose"]
    endpoint: Annotated[str, Field(min_length=1)]


class OperationsSettings(BaseModel):
    """What the `<account>-ops` stack creates and what the drift workflow reports against."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    #: default: none. Each address gets an email subscription, which its owner must confirm once (SNS rule).
    alert_emails: list[Email] = []
    #: default: none. Other endpoints of the alert topic.
    alert_subscriptions: list[AlertSubscription] = []
    #: default: 'SMUS/Drift'. Where the drift job publishes; the alarms read the same namespace.
    metric_namespace: Namespace = DEFAULT_NAMESPACE
    #: default: 100. The number of projects this domain may hold (the DataZone service quota, or a lower budget).
    project_quota: Annotated[int, Field(ge=1, le=100_000)] = 100
    #: default: 80. The quota alarm fires when the project count reaches this share of `project_quota`.
    quota_threshold_percent: Annotated[int, Field(ge=1, le=100)] = 80
    #: default: 24. Hours without a completed drift run before the heartbeat alarm fires (the job runs every 6 hours).
    heartbeat_hours: Annotated[int, Field(ge=1, le=24)] = 24
    #: default: 365. Days the drift log group (`/smus/<account>/drift`) keeps each run's plan summaries; one of the
    #: periods CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
    #: 2192, 2557, 2922, 3288, 3653).
    drift_log_retention_days: RetentionDays = DEFAULT_DRIFT_LOG_RETENTION_DAYS
    #: default: none (the drift job runs on refs/heads/main). The GitHub environment the scheduled drift job runs in,
    #: with the read-only plan role and the drift role, which trust it. It must not be one of [bootstrap]
    #: github_subjects: an unattended job's environment has no reviewers, so the deploy role never trusts it.
    plan_github_environment: GithubEnvironment | None = None
    #: default: true. The AWS Config rules (state bucket, mandatory tags). Turn off where an organisation
    #: conformance pack already deploys the same rules into the account.
    config_rules: bool = True
    #: default: false - the organisation already records this account with AWS Config (rules need a recorder).
    create_config_recorder: bool = False
    #: Where a recorder created here delivers configuration history. Needed with create_config_recorder only.
    config_delivery_bucket: BucketName | None = None

    @model_validator(mode="after")
    def _recorder_needs_a_bucket(self) -> OperationsSettings:
        if self.create_config_recorder and self.config_delivery_bucket is None:
            raise ValueError(
                "expected config_delivery_bucket with create_config_recorder = true: "
                "a configuration recorder cannot start without a delivery channel"
            )
        if self.config_delivery_bucket is not None and not self.create_config_recorder:
            raise ValueError("expected config_delivery_bucket only with create_config_recorder = true")
        return self

    @property
    def quota_threshold(self) -> int:
        """The project count that fires the quota alarm: the configured share of the quota, rounded up."""
        return -(-self.project_quota * self.quota_threshold_percent // 100)
