"""What tells the platform team that the estate and its pipeline have drifted apart: alarms, a change alert, a topic.

* :class:`AlertTopic` - the KMS-encrypted SNS topic every alert goes to. Its key and topic policies let exactly two AWS
  services publish (CloudWatch for alarms, EventBridge for the change alert), and only for this account's own alarms
  and rules (`aws:SourceAccount`, `aws:SourceArn`).
* :class:`DriftAlarms` - drift found, drift check failing, and a heartbeat that treats missing data as breaching: a
  drift job that silently stops running must alert too, or "no drift alarm" would mean nothing.
* :class:`ProjectQuotaAlarm` - the domain's project count at a share (default 80%) of its quota.
* :class:`OutOfPipelineChangeAlerts` - an EventBridge rule on DataZone's CloudTrail management events made by any
  principal other than the pipeline role (the pattern is plain data: smus_constructs.ops_metrics).

The metrics come from the scheduled drift workflow; their names live in smus_constructs.ops_metrics, which the
workflow test reads too. CloudTrail only hands management events to EventBridge where a trail is logging them (an
organisation trail will do); this construct does not create one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cdktn_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktn_provider_aws.cloudwatch_event_target import (
    CloudwatchEventTarget,
    CloudwatchEventTargetDeadLetterConfig,
    CloudwatchEventTargetInputTransformer,
)
from cdktn_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktn_provider_aws.kms_alias import KmsAlias
from cdktn_provider_aws.kms_key import KmsKey
from cdktn_provider_aws.sns_topic import SnsTopic
from cdktn_provider_aws.sns_topic_policy import SnsTopicPolicy
from cdktn_provider_aws.sns_topic_subscription import SnsTopicSubscription
from cdktn_provider_aws.sqs_queue import SqsQueue
from cdktn_provider_aws.sqs_queue_policy import SqsQueuePolicy
from constructs import Construct

from smus_constructs import patterns
from smus_constructs.change_alerts import failed_invocations_alarm
from smus_constructs.errors import PropValidationError
from smus_constructs.iam import PolicyDocument, Statement, policy_document
from smus_constructs.kms import BYPASS_LOCKOUT_CHECK, KEY_ADMIN_ACTIONS
from smus_constructs.literals import literal_map
from smus_constructs.ops_metrics import (
    ACCEPTED_NAMESPACE,
    ACCOUNT_DIMENSION,
    METRIC_NAMESPACE,
    OUT_OF_PIPELINE_EVENT_NAMES,
    OpsMetric,
    out_of_pipeline_event_pattern,
)
from smus_constructs.queue_policies import EVENTS_PRINCIPAL, events_queue_policy

CLOUDWATCH_PRINCIPAL = "cloudwatch.amazonaws.com"
#: What an AWS service needs of the topic's key to publish to an encrypted topic (SNS encrypts with a data key).
PUBLISHER_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"]
#: The encryption context SNS and SQS bind to the data keys of a topic and a queue.
SNS_CONTEXT_KEY = "aws:sns:topicArn"
SQS_CONTEXT_KEY = "aws:sqs:arn"
#: 14 days, SQS's maximum: time to notice a FailedInvocations alarm and read what was lost.
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600
SNS_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
SNS_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")
NAME_PREFIX = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")
ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
EVENT_NAME = re.compile(r"^[A-Z][A-Za-z]{2,100}$")
RULE_NAME = re.compile(r"^[.\-_A-Za-z0-9]{1,64}$")
#: Where an operator reads what an alarm means and what to do; every alarm description points there.
RUNBOOK = "docs/operations.md"
EMAIL_PROTOCOLS = frozenset({"email", "email-json"})
SUBSCRIPTION_PROTOCOLS = frozenset({"email", "email-json", "https", "sqs", "lambda", "firehose"})


class IAlertTopic(Protocol):
    """What an alarm or rule needs of the topic it notifies: its ARN (created here or managed elsewhere)."""

    @property
    def topic_arn(self) -> str: ...


@dataclass(frozen=True)
class ImportedAlertTopic:
    """A topic created elsewhere (e.g. the organisation's incident topic). Its key and policy are not managed here."""

    topic_arn: str


def _check_topic_arn(arn: str, *, path: str, prop: str) -> str:
    if not patterns.is_token(arn) and not SNS_TOPIC_ARN.match(arn):
        raise PropValidationError(
            path, prop, arn, "an SNS topic ARN such as 'arn:aws:sns:eu-west-1:123456789012:alerts'"
        )
    return arn


@dataclass(frozen=True, kw_only=True)
class Subscription:
    """One endpoint of the alert topic. An email endpoint receives nothing until its owner confirms it (SNS rule)."""

    protocol: str
    endpoint: str


@dataclass(frozen=True, kw_only=True)
class AlertTopicProps:
    """Props of :class:`AlertTopic`."""

    topic_name: str
    account_id: str
    region: str
    #: Alarms and rules whose names start with this may publish, e.g. 'smus-dev-'. Nothing else of the account can.
    publisher_name_prefix: str
    #: default: no subscription (subscribe the incident tool out of band, against the topic ARN).
    subscriptions: Sequence[Subscription] = ()
    #: default: none (nobody can read the dead-letter queue's messages). Existing roles that may decrypt them, e.g.
    #: the break-glass role.
    dead_letter_reader_arns: Sequence[str] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


def alert_key_policy(
    *,
    partition: str,
    account_id: str,
    topic_arn: str,
    dead_letter_queue_arn: str | None = None,
    dead_letter_reader_arns: Sequence[str] = (),
) -> PolicyDocument:
    """Key policy of the topic's key: the account administers it; CloudWatch and EventBridge use it for this topic
    only (and EventBridge for the dead-letter queue only).

    The publishers' statement is scoped by the encryption context SNS binds to every data key of the topic
    (`kms:EncryptionContext:aws:sns:topicArn`), not by `aws:SourceAccount`: AWS's own examples for EventBridge and
    CloudWatch publishing to an encrypted topic carry no source condition, and a KMS call EventBridge makes for SNS
    may not carry one, so a condition on it could make KMS refuse the data key and the alert be dropped (finding 9).
    The context is set by SNS itself, so it holds whoever asks. The same for SQS (`aws:sqs:arn`) and the dead-letter
    queue. No person or role can publish to the topic by hand: to test the path end to end, put an alarm into ALARM
    state (`aws cloudwatch set-alarm-state`), which is what a real alert does.
    """
    statements: list[Statement] = [
        {
            "Sid": "AccountAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
            "Action": KEY_ADMIN_ACTIONS,
            "Resource": "*",
        },
        {
            "Sid": "AlarmsAndRulesPublishToThisTopic",
            "Effect": "Allow",
            "Principal": {"Service": [CLOUDWATCH_PRINCIPAL, EVENTS_PRINCIPAL]},
            "Action": PUBLISHER_KEY_ACTIONS,
            "Resource": "*",
            "Condition": {"StringEquals": {f"kms:EncryptionContext:{SNS_CONTEXT_KEY}": topic_arn}},
        },
    ]
    if dead_letter_queue_arn is not None:
        statements += [
            {
                "Sid": "RulesSendToTheDeadLetterQueue",
                "Effect": "Allow",
                "Principal": {"Service": EVENTS_PRINCIPAL},
                "Action": PUBLISHER_KEY_ACTIONS,
                "Resource": "*",
                "Condition": {"StringEquals": {f"kms:EncryptionContext:{SQS_CONTEXT_KEY}": dead_letter_queue_arn}},
            },
        ]
        if dead_letter_reader_arns:
            # Named operators read what could not be delivered; through SQS and for this queue only. Not the whole
            # account: the key policy gives the root administration without use.
            statements.append(
                {
                    "Sid": "ReadersOfTheDeadLetterQueue",
                    "Effect": "Allow",
                    "Principal": {"AWS": sorted(dead_letter_reader_arns)},
                    "Action": "kms:Decrypt",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            f"kms:EncryptionContext:{SQS_CONTEXT_KEY}": dead_letter_queue_arn,
                            "kms:CallerAccount": account_id,
                            "kms:ViaService": f"sqs.{dead_letter_queue_arn.split(':')[3]}.amazonaws.com",
                        }
                    },
                }
            )
    return policy_document(*statements)


def dead_letter_queue_policy(
    *, partition: str, account_id: str, region: str, queue_arn: str, rule_prefix: str
) -> PolicyDocument:
    """This account's rules named ``rule_prefix*`` may send to the queue (EventBridge's documented DLQ permission)."""
    rules = f"arn:{partition}:events:{region}:{account_id}:rule/{rule_prefix}*"
    return events_queue_policy(
        sid="RulesOfThisAccountSendUndelivered",
        account_id=account_id,
        queue_arn=queue_arn,
        source_arn=("ArnLike", rules),
    )


def alert_topic_policy(
    *, partition: str, account_id: str, region: str, topic_arn: str, publisher_name_prefix: str
) -> PolicyDocument:
    """Topic policy: this account's alarms and rules named ``publisher_name_prefix*`` may publish; no plain HTTP.

    The account's IAM principals need no statement: within one account an identity policy alone grants access.
    """
    alarms = f"arn:{partition}:cloudwatch:{region}:{account_id}:alarm:{publisher_name_prefix}*"
    rules = f"arn:{partition}:events:{region}:{account_id}:rule/{publisher_name_prefix}*"
    return policy_document(
        {
            "Sid": "AlarmsOfThisAccountPublish",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDWATCH_PRINCIPAL},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}, "ArnLike": {"aws:SourceArn": alarms}},
        },
        {
            "Sid": "RulesOfThisAccountPublish",
            "Effect": "Allow",
            "Principal": {"Service": EVENTS_PRINCIPAL},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}, "ArnLike": {"aws:SourceArn": rules}},
        },
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )


class AlertTopic(Construct):
    """The account's alert topic (child ``Resource``), encrypted with its own rotating key (child ``Key``)."""

    def __init__(self, scope: Construct, id: str, props: AlertTopicProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        patterns.check(patterns.ACCOUNT_ID, props.account_id, path=path, prop="account_id")
        patterns.check(patterns.REGION, props.region, path=path, prop="region")
        if not SNS_TOPIC_NAME.match(props.topic_name):
            raise PropValidationError(path, "topic_name", props.topic_name, "1-256 of letters, digits, '_' or '-'")
        if not NAME_PREFIX.match(props.publisher_name_prefix):
            raise PropValidationError(
                path, "publisher_name_prefix", props.publisher_name_prefix, "a name prefix such as 'smus-dev-'"
            )
        for index, subscription in enumerate(props.subscriptions):
            if subscription.protocol not in SUBSCRIPTION_PROTOCOLS:
                raise PropValidationError(
                    path,
                    f"subscriptions[{index}].protocol",
                    subscription.protocol,
                    f"one of {', '.join(sorted(SUBSCRIPTION_PROTOCOLS))}",
                )
            if not subscription.endpoint.strip():
                raise PropValidationError(
                    path, f"subscriptions[{index}].endpoint", subscription.endpoint, "an endpoint"
                )

        partition = patterns.partition_of(props.region)
        self.topic_arn_in_config = f"arn:{partition}:sns:{props.region}:{props.account_id}:{props.topic_name}"
        dead_letters = f"{props.topic_name}-dead-letters"
        self.dead_letter_queue_arn_in_config = f"arn:{partition}:sqs:{props.region}:{props.account_id}:{dead_letters}"
        self.key = KmsKey(
            self,
            "Key",
            description=f"Encrypts the alert topic {props.topic_name}",
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            # Created by the deploy role, which must never manage a key policy: see smus_constructs.kms.
            bypass_policy_lockout_safety_check=BYPASS_LOCKOUT_CHECK,
            policy=json.dumps(
                alert_key_policy(
                    partition=partition,
                    account_id=props.account_id,
                    topic_arn=self.topic_arn_in_config,
                    dead_letter_queue_arn=self.dead_letter_queue_arn_in_config,
                    dead_letter_reader_arns=props.dead_letter_reader_arns,
                ),
                sort_keys=True,
            ),
            tags=literal_map(props.tags) or None,
        )
        # Under alias/smus/: the only alias prefix the deploy role may manage (smus_constructs.pipeline_identity).
        self.alias = KmsAlias(self, "KeyAlias", name=f"alias/smus/{props.topic_name}", target_key_id=self.key.key_id)
        self.resource = SnsTopic(
            self,
            "Resource",
            name=props.topic_name,
            kms_master_key_id=self.key.arn,
            tags=literal_map(props.tags) or None,
        )
        self.policy_document = alert_topic_policy(
            partition=partition,
            account_id=props.account_id,
            region=props.region,
            topic_arn=self.topic_arn_in_config,
            publisher_name_prefix=props.publisher_name_prefix,
        )
        self.policy = SnsTopicPolicy(
            self, "Policy", arn=self.resource.arn, policy=json.dumps(self.policy_document, sort_keys=True)
        )
        # What a rule could not deliver to the topic (finding 9): encrypted with the same key, kept 14 days.
        self.dead_letter_queue = SqsQueue(
            self,
            "DeadLetters",
            name=dead_letters,
            kms_master_key_id=self.key.arn,
            message_retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
            tags=literal_map(props.tags) or None,
        )
        self.dead_letter_queue_policy = SqsQueuePolicy(
            self,
            "DeadLettersPolicy",
            queue_url=self.dead_letter_queue.url,
            policy=json.dumps(
                dead_letter_queue_policy(
                    partition=partition,
                    account_id=props.account_id,
                    region=props.region,
                    queue_arn=self.dead_letter_queue_arn_in_config,
                    rule_prefix=props.publisher_name_prefix,
                ),
                sort_keys=True,
            ),
        )
        self.subscriptions = [
            SnsTopicSubscription(
                self,
                f"Subscription{index}",
                topic_arn=self.resource.arn,
                protocol=subscription.protocol,
                endpoint=subscription.endpoint,
            )
            for index, subscription in enumerate(props.subscriptions)
        ]

    @staticmethod
    def from_topic_arn(scope: Construct, id: str, topic_arn: str) -> ImportedAlertTopic:
        """A topic managed elsewhere, checked for the ARN's shape (the construct path names a bad one)."""
        return ImportedAlertTopic(_check_topic_arn(topic_arn, path=f"{scope.node.path}/{id}", prop="topic_arn"))

    @property
    def topic_arn(self) -> str:
        return self.resource.arn

    @property
    def key_arn(self) -> str:
        return self.key.arn

    @property
    def dead_letter_queue_arn(self) -> str:
        return self.dead_letter_queue.arn


def check_metric_props(path: str, namespace: str, account_name: str, name_prefix: str) -> None:
    if not METRIC_NAMESPACE.match(namespace):
        raise PropValidationError(path, "namespace", namespace, ACCEPTED_NAMESPACE)
    if not ACCOUNT_NAME.match(account_name):
        raise PropValidationError(path, "account_name", account_name, "the account's short name, e.g. 'prod'")
    if not NAME_PREFIX.match(name_prefix):
        raise PropValidationError(path, "name_prefix", name_prefix, "an alarm name prefix such as 'smus-prod-'")


@dataclass(frozen=True, kw_only=True)
class DriftAlarmsProps:
    """Props of :class:`DriftAlarms`."""

    #: The account's short name: the value of the metrics' `Account` dimension.
    account_name: str
    topic: IAlertTopic
    #: Alarm names start with this; the topic policy lets alarms so named publish.
    name_prefix: str
    #: default: 'SMUS/Drift'. Must equal what the drift job publishes to.
    namespace: str = "SMUS/Drift"
    #: default: 24. Hours without a completed drift run before the heartbeat alarm fires.
    heartbeat_hours: int = 24
    #: default: none. Where each drift run's plan summaries are (e.g. drift_log.DriftLogGroup.link); the drift and
    #: check-failed alarm descriptions name it, so the alert says where to look.
    drift_log_link: str | None = None


class DriftAlarms(Construct):
    """Three alarms on the drift job's metrics (children ``Drift``, ``CheckFailed``, ``Heartbeat``).

    Drift and failed checks keep their state between runs (`treat_missing_data = "ignore"`): one notification when
    drift appears and one when it is gone, not one per run. Only the heartbeat reads silence as a failure.
    """

    def __init__(self, scope: Construct, id: str, props: DriftAlarmsProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        check_metric_props(path, props.namespace, props.account_name, props.name_prefix)
        if not 1 <= props.heartbeat_hours <= 24:
            # CloudWatch evaluates at most one day for a one-period alarm of this kind.
            raise PropValidationError(path, "heartbeat_hours", props.heartbeat_hours, "1 to 24 hours")
        actions = [props.topic.topic_arn]
        link = props.drift_log_link
        logs = f" or, per stack with its changed addresses, in the log group {link}" if link else ""
        failed_logs = f" Per stack: log group {link}." if link else ""
        dimensions = {ACCOUNT_DIMENSION: props.account_name}
        common = {
            "namespace": props.namespace,
            "dimensions": dimensions,
            "evaluation_periods": 1,
            "alarm_actions": actions,
            "ok_actions": actions,
        }
        # Drift and failed checks alarm on any occurrence in the hour; no data means no run, which the heartbeat covers.
        any_in_the_hour = {
            "statistic": "Maximum",
            "period": 3600,
            "comparison_operator": "GreaterThanOrEqualToThreshold",
            "threshold": 1,
            "treat_missing_data": "ignore",
        }
        self.drift = CloudwatchMetricAlarm(
            self,
            "Drift",
            alarm_name=f"{props.name_prefix}drift-detected",
            alarm_description=(
                f"A stack of account {props.account_name} differs from its configuration (terraform plan exit 2). "
                f"Find the stack in the drift run's summary{logs}; see {RUNBOOK}#drift-detected."
            ),
            metric_name=OpsMetric.DRIFT_DETECTED.value,
            **any_in_the_hour,  # type: ignore[arg-type]
            **common,  # type: ignore[arg-type]
        )
        self.check_failed = CloudwatchMetricAlarm(
            self,
            "CheckFailed",
            alarm_name=f"{props.name_prefix}drift-check-failed",
            alarm_description=(
                f"The drift job could not plan a stack of account {props.account_name} (terraform plan exit 1): "
                f"drift there is unknown.{failed_logs} See {RUNBOOK}#drift-check-failed."
            ),
            metric_name=OpsMetric.DRIFT_CHECK_ERRORS.value,
            **any_in_the_hour,  # type: ignore[arg-type]
            **common,  # type: ignore[arg-type]
        )
        self.heartbeat = CloudwatchMetricAlarm(
            self,
            "Heartbeat",
            alarm_name=f"{props.name_prefix}drift-heartbeat",
            alarm_description=(
                f"No completed drift run for account {props.account_name} in {props.heartbeat_hours} hours: the "
                f"scheduled job stopped, fails, or cannot publish. See {RUNBOOK}#drift-heartbeat."
            ),
            metric_name=OpsMetric.DRIFT_CHECK_COMPLETED.value,
            statistic="Sum",
            period=props.heartbeat_hours * 3600,
            comparison_operator="LessThanThreshold",
            threshold=1,
            # Silence is the failure this alarm exists for.
            treat_missing_data="breaching",
            **common,  # type: ignore[arg-type]
        )


@dataclass(frozen=True, kw_only=True)
class ProjectQuotaAlarmProps:
    """Props of :class:`ProjectQuotaAlarm`."""

    account_name: str
    topic: IAlertTopic
    name_prefix: str
    #: The number of projects the domain may hold.
    quota: int
    #: default: 80. The alarm fires when the count reaches this percentage of ``quota`` (rounded up).
    threshold_percent: int = 80
    namespace: str = "SMUS/Drift"


class ProjectQuotaAlarm(Construct):
    """An alarm (child ``Resource``) before the domain runs out of projects, while there is time to raise the quota."""

    def __init__(self, scope: Construct, id: str, props: ProjectQuotaAlarmProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        check_metric_props(path, props.namespace, props.account_name, props.name_prefix)
        if not isinstance(props.quota, int) or props.quota < 1:
            raise PropValidationError(path, "quota", props.quota, "a whole number of projects, 1 or more")
        if not isinstance(props.threshold_percent, int) or not 1 <= props.threshold_percent <= 100:
            raise PropValidationError(path, "threshold_percent", props.threshold_percent, "1 to 100")
        self.threshold = -(-props.quota * props.threshold_percent // 100)
        actions = [props.topic.topic_arn]
        self.resource = CloudwatchMetricAlarm(
            self,
            "Resource",
            alarm_name=f"{props.name_prefix}project-quota",
            alarm_description=(
                f"Account {props.account_name} holds {self.threshold} or more projects, {props.threshold_percent}% "
                f"of its quota of {props.quota}. See {RUNBOOK}#project-quota."
            ),
            namespace=props.namespace,
            metric_name=OpsMetric.PROJECT_COUNT.value,
            dimensions={ACCOUNT_DIMENSION: props.account_name},
            statistic="Maximum",
            period=3600,
            evaluation_periods=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
            threshold=self.threshold,
            # A missing count is the heartbeat's business; this alarm keeps the last state it knew.
            treat_missing_data="ignore",
            alarm_actions=actions,
            ok_actions=actions,
        )


@dataclass(frozen=True, kw_only=True)
class OutOfPipelineChangeAlertsProps:
    """Props of :class:`OutOfPipelineChangeAlerts`."""

    #: The role CI deploys with (`[account] deploy_role_arn`): its sessions' calls are expected, everyone else's not.
    pipeline_role_arn: str
    topic: IAlertTopic
    #: The rule's name; the topic policy must let rules so named publish.
    rule_name: str
    #: default: ops_metrics.OUT_OF_PIPELINE_EVENT_NAMES.
    event_names: Sequence[str] = OUT_OF_PIPELINE_EVENT_NAMES
    #: default: none. Set: undeliverable alerts go there, and a FailedInvocations alarm (child) watches the rule.
    dead_letter_queue_arn: str | None = None


class OutOfPipelineChangeAlerts(Construct):
    """EventBridge rule (child ``Rule``) and its topic target (child ``Target``) with a one-line readable message."""

    def __init__(self, scope: Construct, id: str, props: OutOfPipelineChangeAlertsProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        if patterns.is_token(props.pipeline_role_arn):
            # The pattern compares a literal: a token would be an unknown at plan time and match nothing.
            raise PropValidationError(
                path, "pipeline_role_arn", props.pipeline_role_arn, "the role ARN as written in config, not a reference"
            )
        patterns.check(patterns.ROLE_ARN, props.pipeline_role_arn, path=path, prop="pipeline_role_arn")
        if isinstance(props.event_names, str) or not props.event_names:
            raise PropValidationError(path, "event_names", props.event_names, "a non-empty list of DataZone API names")
        for name in props.event_names:
            if not EVENT_NAME.match(name):
                raise PropValidationError(path, "event_names", name, "a DataZone API name such as 'CreateProject'")
        if not RULE_NAME.match(props.rule_name):
            raise PropValidationError(path, "rule_name", props.rule_name, "1-64 of letters, digits, '.', '-' or '_'")

        #: The rule's literal name (``rule.name`` is a token): what its `AWS/Events` metrics are dimensioned by.
        self.rule_name = props.rule_name
        self.event_pattern = out_of_pipeline_event_pattern(props.pipeline_role_arn, props.event_names)
        self.rule = CloudwatchEventRule(
            self,
            "Rule",
            name=props.rule_name,
            description="DataZone changes made outside the pipeline (any principal but the deploy role)",
            event_pattern=json.dumps(self.event_pattern, sort_keys=True),
        )
        self.target = CloudwatchEventTarget(
            self,
            "Target",
            rule=self.rule.name,
            target_id="AlertTopic",
            arn=props.topic.topic_arn,
            dead_letter_config=CloudwatchEventTargetDeadLetterConfig(arn=props.dead_letter_queue_arn)
            if props.dead_letter_queue_arn is not None
            else None,
            input_transformer=CloudwatchEventTargetInputTransformer(
                input_paths={
                    "account": "$.account",
                    "region": "$.region",
                    "time": "$.time",
                    "event": "$.detail.eventName",
                    "caller": "$.detail.userIdentity.arn",
                    "issuer": "$.detail.userIdentity.sessionContext.sessionIssuer.arn",
                },
                input_template=json.dumps(
                    "DataZone <event> in <account>/<region> at <time> by <caller> (role <issuer>), outside the "
                    f"pipeline. See {RUNBOOK}#out-of-pipeline-change."
                ),
            ),
        )
        self.failed_invocations: CloudwatchMetricAlarm | None = None
        if props.dead_letter_queue_arn is not None:
            self.failed_invocations = failed_invocations_alarm(
                self, props.rule_name, props.topic.topic_arn, f"{props.rule_name}-failed-invocations"
            )
