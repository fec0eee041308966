"""Key-usage anomalies: an alarm when the domain key's Decrypt / GenerateDataKey* call rate leaves its baseline.

An unexpected spike in use of the domain key may mean someone is reading domain data they should not (the seed
article's KMS signal). KMS publishes no per-key call metric, so the calls are counted where they already arrive:

* CloudTrail records every KMS call on the key (management events, `readOnly: true`) and hands it to EventBridge's
  default bus. An EventBridge rule (child ``Rule``) matches the key's Decrypt and GenerateDataKey* calls by the key's
  ARN in the record's `resources` (smus_constructs.ops_metrics.key_usage_pattern).
* The rule's state is `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`: in plain `ENABLED` a rule matches everything
  *except* read-only management events delivered through CloudTrail (EventBridge User Guide, "Receiving read-only
  management events from AWS services"; PutRule's State). The state is per rule, so no other rule gets the volume.
* EventBridge counts each rule's matches in `AWS/Events TriggeredRules` (dimension `RuleName`; EventBridge User
  Guide, "Monitoring Amazon EventBridge"). An anomaly-detection alarm (child ``Alarm``) watches that count:
  `ANOMALY_DETECTION_BAND(m1, 3)` and `GreaterThanUpperThreshold` - a baseline CloudWatch learns from the key's own
  history (hourly, daily and weekly cycles), never a fixed number someone guessed.
* The rule has one target (child ``Sink``), a queue of its own that keeps nothing (60 s, SQS's minimum). AWS's
  metric table does not say whether a rule without targets reports TriggeredRules; a target removes the doubt, costs a
  SendMessage per call, and is no alert: nobody reads it, and the alarm is the signal. Not the alert dead-letter
  queue: those messages would look like lost alerts, and a reader of that queue would drown in routine key use.

Why not the alternatives: `AWS/Usage CallCount` (Service KMS) counts the whole account's calls on every key, so a
spike on the domain key hides in everyone else's traffic; a CloudTrail metric filter needs the trail delivering to
CloudWatch Logs in this account, which an organisation trail usually does not.

The key's ARN: a key handed in (`[domain] kms_key_arn`) is a literal; a key the platform stack creates is found by its
alias, fixed by the domain's name (smus_constructs.kms.domain_key_alias_name), with the `aws_kms_alias` data source
(child ``KeyLookup``) at plan time - no generated ID copied by hand, and no read of the platform stack's state. The
price: the ops stack plans only after the platform stack has created the key, which is the order CI applies them in
(smus_cli.ci_matrix.CI_LAYERS). A domain on an AWS-owned key gets no alarm: AWS-owned keys live in an AWS account,
their use is not recorded in this account's CloudTrail, and there is nothing to count (stacks.ops_key_usage).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktn_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktn_provider_aws.cloudwatch_event_target import CloudwatchEventTarget
from cdktn_provider_aws.cloudwatch_metric_alarm import (
    CloudwatchMetricAlarm,
    CloudwatchMetricAlarmMetricQuery,
    CloudwatchMetricAlarmMetricQueryMetric,
)
from cdktn_provider_aws.data_aws_kms_alias import DataAwsKmsAlias
from cdktn_provider_aws.sqs_queue import SqsQueue
from cdktn_provider_aws.sqs_queue_policy import SqsQueuePolicy
from constructs import Construct

from smus_constructs import patterns
from smus_constructs.errors import PropValidationError
from smus_constructs.iam import PolicyDocument
from smus_constructs.observability import RULE_NAME, RUNBOOK, IAlertTopic
from smus_constructs.ops_metrics import (
    EVENTS_NAMESPACE,
    KEY_USAGE_BAND_WIDTH,
    RULE_NAME_DIMENSION,
    TRIGGERED_RULES_METRIC,
    key_usage_pattern,
)
from smus_constructs.queue_policies import events_queue_policy

#: The rule state that lets a rule see read-only management events (KMS Decrypt is one).
ALL_MANAGEMENT_EVENTS_STATE = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
#: Five-minute sums: short enough that a burst of reads shows within minutes, long enough to hold several calls.
PERIOD_SECONDS = 300
#: Two of the last three periods above the band: one odd five minutes (a batch job starting) does not page, a
#: sustained rise does, within ten to fifteen minutes.
EVALUATION_PERIODS = 3
DATAPOINTS_TO_ALARM = 2
#: TriggeredRules has no data point for a period without a match (the metric appears only once the rule matched):
#: missing data is zero calls, which is never above the band.
TREAT_MISSING_DATA = "notBreaching"
#: SQS's minimum retention: the sink keeps nothing (see the module docstring).
SINK_RETENTION_SECONDS = 60


@dataclass(frozen=True, kw_only=True)
class DomainKeyUsageProps:
    """Props of :class:`DomainKeyUsage`. Exactly one of ``key_arn`` and ``key_alias`` names the key."""

    account_id: str
    region: str
    topic: IAlertTopic
    #: The rule, its sink queue and the alarm are named this (`<ops prefix>domain-key-usage`).
    rule_name: str
    #: default: none. The key's ARN as written in config (a key handed in).
    key_arn: str | None = None
    #: default: none. The alias of a key another stack creates (`alias/smus/<domain>`), read at plan time.
    key_alias: str | None = None
    #: default: 3 (ops_metrics.KEY_USAGE_BAND_WIDTH). Standard deviations of the anomaly band.
    band_width: float = KEY_USAGE_BAND_WIDTH


def sink_queue_policy(*, account_id: str, queue_arn: str, rule_arn: str) -> PolicyDocument:
    """Only the key-usage rule may send to its sink (EventBridge's documented SQS target permission); no plain HTTP."""
    return events_queue_policy(
        sid="TheKeyUsageRuleSends", account_id=account_id, queue_arn=queue_arn, source_arn=("ArnEquals", rule_arn)
    )


def anomaly_queries(rule_name: str, band_width: float) -> list[CloudwatchMetricAlarmMetricQuery]:
    """m1: the rule's matches per period; ad1: CloudWatch's expected band around them. Both return data, as an
    anomaly-detection alarm requires (PutMetricAlarm: the band is the threshold, `ThresholdMetricId = ad1`)."""
    return [
        CloudwatchMetricAlarmMetricQuery(
            id="m1",
            label="Domain key Decrypt/GenerateDataKey* calls",
            return_data=True,
            metric=CloudwatchMetricAlarmMetricQueryMetric(
                namespace=EVENTS_NAMESPACE,
                metric_name=TRIGGERED_RULES_METRIC,
                dimensions={RULE_NAME_DIMENSION: rule_name},
                stat="Sum",
                period=PERIOD_SECONDS,
            ),
        ),
        CloudwatchMetricAlarmMetricQuery(
            id="ad1",
            label="Expected calls (anomaly band)",
            return_data=True,
            expression=f"ANOMALY_DETECTION_BAND(m1, {band_width:g})",
        ),
    ]


class DomainKeyUsage(Construct):
    """Rule (child ``Rule``), sink (``Sink``, ``SinkPolicy``, ``SinkTarget``) and anomaly alarm (``Alarm``)."""

    def __init__(self, scope: Construct, id: str, props: DomainKeyUsageProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        patterns.check(patterns.ACCOUNT_ID, props.account_id, path=path, prop="account_id")
        patterns.check(patterns.REGION, props.region, path=path, prop="region")
        if not RULE_NAME.match(props.rule_name):
            raise PropValidationError(path, "rule_name", props.rule_name, "1-64 of letters, digits, '.', '-' or '_'")
        if (props.key_arn is None) == (props.key_alias is None):
            raise PropValidationError(
                path, "key_arn", props.key_arn, "exactly one of key_arn (a key handed in) and key_alias (a created key)"
            )
        if not isinstance(props.band_width, int | float) or not 1 <= props.band_width <= 10:
            raise PropValidationError(path, "band_width", props.band_width, "1 to 10 standard deviations")
        self.lookup: DataAwsKmsAlias | None = None
        if props.key_arn is not None:
            self.key_arn = patterns.check(patterns.KMS_KEY_ARN, props.key_arn, path=path, prop="key_arn")
        else:
            alias = str(props.key_alias)
            if not alias.startswith("alias/") or alias.startswith("alias/aws/") or len(alias) > 256:
                raise PropValidationError(
                    path, "key_alias", alias, "a customer alias such as 'alias/smus/acme-prod' (not 'alias/aws/...')"
                )
            self.lookup = DataAwsKmsAlias(self, "KeyLookup", name=alias)
            self.key_arn = self.lookup.target_key_arn

        partition = patterns.partition_of(props.region)
        rule_arn = f"arn:{partition}:events:{props.region}:{props.account_id}:rule/{props.rule_name}"
        queue_arn = f"arn:{partition}:sqs:{props.region}:{props.account_id}:{props.rule_name}"
        self.event_pattern = key_usage_pattern(self.key_arn)
        self.rule = CloudwatchEventRule(
            self,
            "Rule",
            name=props.rule_name,
            description="Counts Decrypt and GenerateDataKey* calls on the domain key (AWS/Events TriggeredRules)",
            event_pattern=json.dumps(self.event_pattern, sort_keys=True),
            state=ALL_MANAGEMENT_EVENTS_STATE,
        )
        self.sink = SqsQueue(
            self,
            "Sink",
            name=props.rule_name,
            message_retention_seconds=SINK_RETENTION_SECONDS,
            sqs_managed_sse_enabled=True,
        )
        self.sink_policy = SqsQueuePolicy(
            self,
            "SinkPolicy",
            queue_url=self.sink.url,
            policy=json.dumps(
                sink_queue_policy(account_id=props.account_id, queue_arn=queue_arn, rule_arn=rule_arn),
                sort_keys=True,
            ),
        )
        self.sink_target = CloudwatchEventTarget(
            self, "SinkTarget", rule=self.rule.name, target_id="Sink", arn=self.sink.arn
        )
        actions = [props.topic.topic_arn]
        self.alarm = CloudwatchMetricAlarm(
            self,
            "Alarm",
            alarm_name=props.rule_name,
            alarm_description=(
                "Decrypt/GenerateDataKey* calls on the domain key are above their usual band "
                f"({props.band_width:g} standard deviations): someone may be reading domain data at an unusual rate. "
                f"See {RUNBOOK}#domain-key-usage."
            ),
            comparison_operator="GreaterThanUpperThreshold",
            evaluation_periods=EVALUATION_PERIODS,
            datapoints_to_alarm=DATAPOINTS_TO_ALARM,
            threshold_metric_id="ad1",
            treat_missing_data=TREAT_MISSING_DATA,
            metric_query=anomaly_queries(props.rule_name, props.band_width),
            alarm_actions=actions,
            ok_actions=actions,
        )
