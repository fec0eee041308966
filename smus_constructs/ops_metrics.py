"""Names the ops layer and the drift workflow must agree on, and the out-of-pipeline event pattern, as plain data.

The alarms (smus_constructs.observability) read metrics that `.github/workflows/drift.yml` publishes with
`aws cloudwatch put-metric-data`. A renamed metric on one side only would leave an alarm watching nothing - and a
heartbeat alarm watching nothing looks exactly like a healthy one until the day it matters - so both sides take the
names from here, and tests/test_workflows.py fails when the workflow spells one differently.

Kept free of cdktn so the config loader and the workflow tests can import it without starting the jsii kernel.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

DEFAULT_NAMESPACE = "SMUS/Drift"
#: CloudWatch namespaces: 1-255 of these characters, and never AWS's own `AWS/` prefix.
METRIC_NAMESPACE = re.compile(r"^(?!AWS/)[A-Za-z0-9 ._/#:-]{1,255}$")
ACCEPTED_NAMESPACE = "a CloudWatch namespace such as 'SMUS/Drift' (1-255 of letters, digits, ' ._/#:-'; not 'AWS/...')"
#: Every metric carries this dimension, valued with the account's short name (`[account] name`).
ACCOUNT_DIMENSION = "Account"
#: The per-stack metrics (:data:`STACK_METRICS`) also carry this one, valued with the stack's name (`prod-platform`).
STACK_DIMENSION = "Stack"


class OpsMetric(StrEnum):
    """The metrics the pipeline publishes into the account's `[operations] metric_namespace`.

    The drift job's own (:data:`DRIFT_JOB_METRICS`): one data point per run, dimension `Account`. The pipeline
    signals (:data:`STACK_METRICS`): one data point per stack and run, dimensions `Account` and `Stack`.
    """

    #: 1 when `terraform plan -detailed-exitcode` exited 2 (a diff) for any stack of the account, else 0.
    DRIFT_DETECTED = "DriftDetected"
    #: The number of stacks whose init or plan failed (plan exit 1): drift is unknown for them.
    DRIFT_CHECK_ERRORS = "DriftCheckErrors"
    #: 1 when a run finished every stack and counted the projects: the heartbeat. Missing means the job stopped.
    DRIFT_CHECK_COMPLETED = "DriftCheckCompleted"
    #: Projects in the account's domain (`aws datazone list-projects`), for the quota alarm.
    PROJECT_COUNT = "ProjectCount"
    #: Seconds one `terraform apply` of a stack took in deploy.yml (unit Seconds). A rise against its baseline means
    #: Cloud Control throttling or a VPC-endpoint problem (the article's first pipeline signal).
    APPLY_DURATION_SECONDS = "ApplyDurationSeconds"
    #: 1 when a trusted plan of a stack (deploy.yml's, the drift job's) failed to plan (exit 1), else 0. Its rate
    #: rising against the baseline means out-of-pipeline changes or a broken provider/role (the second signal).
    PLAN_FAILED = "PlanFailed"


#: Published by the drift job once per run and account, dimension `Account` only.
DRIFT_JOB_METRICS: frozenset[OpsMetric] = frozenset(
    {
        OpsMetric.DRIFT_DETECTED,
        OpsMetric.DRIFT_CHECK_ERRORS,
        OpsMetric.DRIFT_CHECK_COMPLETED,
        OpsMetric.PROJECT_COUNT,
    }
)
#: Published once per stack and run, dimensions `Account` and `Stack`; alarmed on a baseline (anomaly detection).
STACK_METRICS: frozenset[OpsMetric] = frozenset({OpsMetric.APPLY_DURATION_SECONDS, OpsMetric.PLAN_FAILED})
#: The CloudWatch unit each metric is published with (`put-metric-data --unit`); an alarm or a dashboard widget that
#: names another unit reads nothing.
METRIC_UNITS: Mapping[OpsMetric, str] = {
    **dict.fromkeys(DRIFT_JOB_METRICS, "Count"),
    OpsMetric.APPLY_DURATION_SECONDS: "Seconds",
    OpsMetric.PLAN_FAILED: "Count",
}


#: The retention periods CloudWatch Logs accepts (PutRetentionPolicy's `retentionInDays`); any other value is refused.
LOG_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
#: default of `[operations] drift_log_retention_days`: a year of drift history, the span an annual audit asks about;
#: the drift run's own artifact is kept 14 days only.
DEFAULT_DRIFT_LOG_RETENTION_DAYS = 365


def drift_log_group_name(account_name: str) -> str:
    """The ops stack's log group the drift job writes each stack's plan summary to (addresses and actions only)."""
    return f"/smus/{account_name}/drift"


def ops_log_group_prefix(account_name: str) -> str:
    """Every log group of the ops stack starts with this; the deploy role manages log groups under it only."""
    return f"/smus/{account_name}/"


#: CloudTrail management events that change what the pipeline owns. A change made by anyone but the pipeline role is
#: either an emergency fix that must be written back into config or a change the next apply will silently undo.
OUT_OF_PIPELINE_EVENT_NAMES: tuple[str, ...] = (
    "CreateProject",
    "UpdateProject",
    "DeleteProject",
    "CreateProjectProfile",
    "UpdateProjectProfile",
    "DeleteProjectProfile",
    "PutEnvironmentBlueprintConfiguration",
    "DeleteEnvironmentBlueprintConfiguration",
    "UpdateDomain",
    "DeleteDomain",
    # Tags are the one thing no AWS Config rule can check on a DataZone resource (Config records no DataZone type).
    "UntagResource",
)
DATAZONE_EVENT_SOURCE = "datazone.amazonaws.com"
CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail"
#: Where CloudTrail puts the IAM role behind an assumed-role session. `userIdentity.arn` is the *session* ARN
#: (`arn:aws:sts::<account>:assumed-role/<name>/<session>`): it drops the role's path and varies with the session
#: name, so it cannot be compared with a role ARN. `sessionIssuer.arn` is the role's own IAM ARN, path included,
#: and stays the same across the provider's re-assumption of the deploy role (role chaining keeps the issuer).
PIPELINE_ROLE_FIELD: tuple[str, ...] = ("userIdentity", "sessionContext", "sessionIssuer", "arn")


def _nest(path: Sequence[str], leaf: object) -> dict[str, Any]:
    node: Any = leaf
    for key in reversed(path):
        node = {key: node}
    result: dict[str, Any] = node
    return result


def out_of_pipeline_event_pattern(
    pipeline_role_arn: str, event_names: Sequence[str] = OUT_OF_PIPELINE_EVENT_NAMES
) -> dict[str, Any]:
    """EventBridge pattern: the listed DataZone calls, unless the pipeline role's session made them.

    Two alternatives under `$or`, because an `anything-but` only matches a field that is present: the first catches
    any other role's session, the second a caller with no session issuer at all (an IAM user, the root user, an
    Identity Center user in the portal) - which `anything-but` alone would silently let through.
    """
    field = PIPELINE_ROLE_FIELD
    return {
        "source": ["aws.datazone"],
        "detail-type": [CLOUDTRAIL_DETAIL_TYPE],
        "detail": {
            "eventSource": [DATAZONE_EVENT_SOURCE],
            "eventName": list(event_names),
            "$or": [
                _nest(field, [{"anything-but": [pipeline_role_arn]}]),
                _nest(field, [{"exists": False}]),
            ],
        },
    }


# What the deploy role needs to apply the ops stack, by Terraform type, in the shape of
# smus_constructs.pipeline_identity.DATAZONE_ACTIONS_BY_TYPE (the identity issue owns that policy; docs/operations.md).
# The alert key needs nothing new: it is an aws_kms_key tagged with the ops stack's SmusStack value.
OPS_ACTIONS_BY_TYPE: Mapping[str, Sequence[str]] = {
    "aws_sns_topic": [
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:GetTopicAttributes",
        "sns:ListTagsForResource",
        "sns:SetTopicAttributes",
        "sns:TagResource",
        "sns:UntagResource",
    ],
    "aws_sns_topic_policy": ["sns:GetTopicAttributes", "sns:SetTopicAttributes"],
    "aws_sns_topic_subscription": [
        "sns:GetSubscriptionAttributes",
        "sns:SetSubscriptionAttributes",
        "sns:Subscribe",
        "sns:Unsubscribe",
    ],
    "aws_cloudwatch_metric_alarm": [
        "cloudwatch:DeleteAlarms",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:ListTagsForResource",
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
    ],
    # Dashboard ARNs have no region (`arn:aws:cloudwatch::<account>:dashboard/<name>`): pipeline_identity scopes
    # these by name on their own statement, apart from the alarms.
    "aws_cloudwatch_dashboard": ["cloudwatch:DeleteDashboards", "cloudwatch:GetDashboard", "cloudwatch:PutDashboard"],
    "aws_cloudwatch_event_rule": [
        "events:DeleteRule",
        "events:DescribeRule",
        "events:ListTagsForResource",
        "events:PutRule",
        "events:TagResource",
        "events:UntagResource",
    ],
    "aws_cloudwatch_event_target": ["events:ListTargetsByRule", "events:PutTargets", "events:RemoveTargets"],
    # The dead-letter queue of every alert target (observability.AlertTopic).
    "aws_sqs_queue": [
        "sqs:CreateQueue",
        "sqs:DeleteQueue",
        "sqs:GetQueueAttributes",
        "sqs:ListQueueTags",
        "sqs:SetQueueAttributes",
        "sqs:TagQueue",
        "sqs:UntagQueue",
    ],
    "aws_sqs_queue_policy": ["sqs:GetQueueAttributes", "sqs:SetQueueAttributes"],
    # The forwarder of IAM events from us-east-1 (change_alerts.EstateChangeAlerts): a `<domain>-*` role under
    # /service-role/, covered by the deploy role's estate-role statements; PassRole to EventBridge in ops_statements.
    "aws_iam_role": ["iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:TagRole"],
    "aws_iam_role_policy": ["iam:DeleteRolePolicy", "iam:GetRolePolicy", "iam:PutRolePolicy"],
    # The drift log group (drift_log.DriftLogGroup), named under ops_log_group_prefix. DescribeLogGroups has no
    # resource type (only "*"); ListTagsForResource, TagResource and UntagResource are the provider's tagging API.
    "aws_cloudwatch_log_group": [
        "logs:AssociateKmsKey",
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:DeleteRetentionPolicy",
        "logs:DescribeLogGroups",
        "logs:DisassociateKmsKey",
        "logs:ListTagsForResource",
        "logs:PutRetentionPolicy",
        "logs:TagResource",
        "logs:UntagResource",
    ],
    "aws_config_config_rule": [
        "config:DeleteConfigRule",
        "config:DescribeConfigRules",
        "config:ListTagsForResource",
        "config:PutConfigRule",
        "config:TagResource",
        "config:UntagResource",
    ],
}
#: What the scheduled drift job calls besides a plan: the project count and the metrics (namespace-conditioned).
DRIFT_JOB_ACTIONS: tuple[str, ...] = (
    "cloudwatch:PutMetricData",
    "datazone:ListDomains",
    "datazone:ListProjects",
)


#: DataZone calls that destroy or take away what the estate manages, alerted on from EVERY principal, the deploy role
#: included: a deploy role that deletes a domain or a project is exactly the event a reviewer must hear about. Each is
#: a DataZone API operation (CloudTrail's eventName is the operation name) the pipeline's provider calls
#: (smus_constructs.pipeline_identity.DATAZONE_ACTIONS_BY_TYPE; a test keeps the two in step).
DESTRUCTIVE_DATAZONE_EVENT_NAMES: tuple[str, ...] = (
    "DeleteDomain",
    "DeleteDomainUnit",
    "DeleteEnvironmentBlueprintConfiguration",
    "DeleteProject",
    "DeleteProjectMembership",
    "DeleteProjectProfile",
    "RemoveEntityOwner",
    "RemovePolicyGrant",
)
#: KMS calls that change who controls a key or whether it works (CloudTrail eventName = the KMS operation), alerted
#: on from every principal. Not CreateGrant/RetireGrant: AWS services make grants all day, and key policies here give
#: no principal but the account root a grant right outside a service (smus_constructs.kms).
KEY_CHANGE_EVENT_NAMES: tuple[str, ...] = (
    "CancelKeyDeletion",
    "DeleteAlias",
    "DeleteImportedKeyMaterial",
    "DisableKey",
    "DisableKeyRotation",
    "ImportKeyMaterial",
    "PutKeyPolicy",
    "ScheduleKeyDeletion",
    "UpdateAlias",
)
#: IAM calls that change a role's trust, permissions or boundary (CloudTrail eventName = the IAM operation), alerted
#: on from every principal for the estate's roles. IAM is a global service: CloudTrail hands its events to
#: EventBridge in us-east-1 only, so the rule matching them lives there (smus_constructs.change_alerts).
ROLE_CHANGE_EVENT_NAMES: tuple[str, ...] = (
    "AttachRolePolicy",
    "CreateRole",
    "DeleteRole",
    "DeleteRolePermissionsBoundary",
    "DeleteRolePolicy",
    "DetachRolePolicy",
    "PutRolePermissionsBoundary",
    "PutRolePolicy",
    "UpdateAssumeRolePolicy",
    "UpdateRole",
)
KMS_EVENT_SOURCE = "kms.amazonaws.com"
IAM_EVENT_SOURCE = "iam.amazonaws.com"
#: Where AWS delivers the CloudTrail events of global services (IAM) to EventBridge.
GLOBAL_EVENTS_REGION = "us-east-1"


def cloudtrail_pattern(source: str, event_source: str, event_names: Sequence[str], **detail: Any) -> dict[str, Any]:
    """An EventBridge pattern for CloudTrail management events of one service, from any principal."""
    return {
        "source": [source],
        "detail-type": [CLOUDTRAIL_DETAIL_TYPE],
        "detail": {"eventSource": [event_source], "eventName": list(event_names), **detail},
    }


def role_change_pattern(role_name_prefixes: Sequence[str], role_names: Sequence[str]) -> dict[str, Any]:
    """IAM changes to the roles named (exactly, or by prefix: the estate's created roles are `<domain>-*`)."""
    names: list[Any] = [{"prefix": prefix} for prefix in sorted(set(role_name_prefixes))]
    names += sorted(set(role_names))
    return cloudtrail_pattern(
        "aws.iam", IAM_EVENT_SOURCE, ROLE_CHANGE_EVENT_NAMES, requestParameters={"roleName": names}
    )


# --- Key usage (smus_constructs.key_usage) -------------------------------------------------------------------------
#: The key-usage rule and its alarm are named `<ops_name_prefix><this>`, e.g. `smus-prod-domain-key-usage`. The
#: dashboard graphs `AWS/Events TriggeredRules` with `RuleName` = that name, so both sides take the suffix from here.
KEY_USAGE_RULE_SUFFIX = "domain-key-usage"
#: KMS calls that use the domain key to reach plaintext: Decrypt, and the GenerateDataKey family (each returns a data
#: key in plaintext, or one the caller can decrypt later). CloudTrail's eventName is the KMS operation's name.
KEY_USAGE_EVENT_NAMES: tuple[str, ...] = (
    "Decrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
)
#: EventBridge's per-rule metric of matches on the default bus (namespace AWS/Events, dimension RuleName).
EVENTS_NAMESPACE = "AWS/Events"
TRIGGERED_RULES_METRIC = "TriggeredRules"
RULE_NAME_DIMENSION = "RuleName"
#: Width of the key-usage anomaly band, in standard deviations of CloudWatch's model (ANOMALY_DETECTION_BAND's
#: second argument; CloudWatch's default is 2). 3: the calls come from people and jobs with daily and weekly cycles,
#: and a band two deviations wide would page on an ordinary busy morning; an exfiltration is far outside three.
KEY_USAGE_BAND_WIDTH = 3
#: CloudTrail's record of a KMS call lists the key it used in `resources[].ARN` (AWS KMS Developer Guide, "Examples of
#: AWS KMS log entries"); EventBridge matches a field inside an array of objects on any element.
KEY_RESOURCE_FIELD: tuple[str, ...] = ("resources", "ARN")


def key_usage_rule_name(ops_name_prefix: str) -> str:
    return f"{ops_name_prefix}{KEY_USAGE_RULE_SUFFIX}"


def key_usage_pattern(key_arn: str) -> dict[str, Any]:
    """EventBridge pattern: Decrypt and GenerateDataKey* calls on one key, from any principal.

    These are read-only management events (CloudTrail `readOnly: true`): a rule sees them only in the state
    `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` (smus_constructs.key_usage).
    """
    return cloudtrail_pattern(
        "aws.kms", KMS_EVENT_SOURCE, KEY_USAGE_EVENT_NAMES, **_nest(KEY_RESOURCE_FIELD, [key_arn])
    )
