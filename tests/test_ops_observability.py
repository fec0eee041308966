"""smus_constructs.observability: the alert topic and its policies, the drift and quota alarms, the change alert."""

from __future__ import annotations

import json
from typing import Any

import pytest

from smus_constructs.errors import PropValidationError
from smus_constructs.observability import (
    AlertTopic,
    AlertTopicProps,
    DriftAlarms,
    DriftAlarmsProps,
    ImportedAlertTopic,
    OutOfPipelineChangeAlerts,
    OutOfPipelineChangeAlertsProps,
    ProjectQuotaAlarm,
    ProjectQuotaAlarmProps,
    Subscription,
)
from smus_constructs.ops_metrics import OUT_OF_PIPELINE_EVENT_NAMES, OpsMetric, out_of_pipeline_event_pattern
from tests.helpers import ACCOUNT, REGION, all_of, assert_subset, new_stack, only, synth

PIPELINE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ci/smus-deploy"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:ops"


def topic_props(**overrides: Any) -> AlertTopicProps:
    props: dict[str, Any] = {
        "topic_name": "smus-test-alerts",
        "account_id": ACCOUNT,
        "region": REGION,
        "publisher_name_prefix": "smus-test-",
    }
    props.update(overrides)
    return AlertTopicProps(**props)


# --- AlertTopic ---


def test_topic_is_encrypted_with_its_own_rotating_key() -> None:
    stack = new_stack()
    AlertTopic(stack, "Alerts", topic_props())
    doc = synth(stack)
    topic = only(doc, "aws_sns_topic")
    assert topic["name"] == "smus-test-alerts"
    assert topic["kms_master_key_id"].startswith("${aws_kms_key."), topic
    key = only(doc, "aws_kms_key")
    assert key["enable_key_rotation"] is True
    assert only(doc, "aws_kms_alias")["name"] == "alias/smus/smus-test-alerts"


def test_cloudwatch_and_eventbridge_use_the_key_for_this_topic_and_its_queue_only() -> None:
    """Finding 9: scoped by the encryption context SNS and SQS set, never by aws:SourceAccount, which EventBridge's
    KMS calls for SNS may not carry (a refused data key drops the alert)."""
    stack = new_stack()
    AlertTopic(stack, "Alerts", topic_props())
    policy = json.loads(only(synth(stack), "aws_kms_key")["policy"])
    by_sid = {statement["Sid"]: statement for statement in policy["Statement"]}
    publish = by_sid["AlarmsAndRulesPublishToThisTopic"]
    assert publish["Principal"] == {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]}
    assert publish["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:smus-test-alerts"
    queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:smus-test-alerts-dead-letters"
    assert publish["Condition"] == {"StringEquals": {"kms:EncryptionContext:aws:sns:topicArn": topic}}
    dead_letters = by_sid["RulesSendToTheDeadLetterQueue"]
    assert dead_letters["Principal"] == {"Service": "events.amazonaws.com"}
    assert dead_letters["Condition"] == {"StringEquals": {"kms:EncryptionContext:aws:sqs:arn": queue}}
    assert "aws:SourceAccount" not in json.dumps(policy)
    # Administration never includes using the key.
    admin = by_sid["AccountAdministration"]["Action"]
    assert not {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"} & set(admin)
    assert set(by_sid) == {
        "AccountAdministration",
        "AlarmsAndRulesPublishToThisTopic",
        "RulesSendToTheDeadLetterQueue",
    }
    # Named readers decrypt the queue's messages, through SQS's context for this queue only; never the whole account.
    reader = f"arn:aws:iam::{ACCOUNT}:role/smus-break-glass"
    stack = new_stack()
    AlertTopic(stack, "Alerts", topic_props(dead_letter_reader_arns=[reader]))
    readers = {s["Sid"]: s for s in json.loads(only(synth(stack), "aws_kms_key")["policy"])["Statement"]}[
        "ReadersOfTheDeadLetterQueue"
    ]
    assert (readers["Principal"], readers["Action"]) == ({"AWS": [reader]}, "kms:Decrypt")
    assert readers["Condition"]["StringEquals"]["kms:EncryptionContext:aws:sqs:arn"] == queue


def test_the_dead_letter_queue_is_kms_encrypted_and_only_the_prefixed_rules_send_to_it() -> None:
    stack = new_stack()
    AlertTopic(stack, "Alerts", topic_props())
    doc = synth(stack)
    queue = only(doc, "aws_sqs_queue")
    assert queue["name"] == "smus-test-alerts-dead-letters"
    assert queue["kms_master_key_id"].startswith("${aws_kms_key.") and queue["message_retention_seconds"] == 1209600
    policy = json.loads(only(doc, "aws_sqs_queue_policy")["policy"])
    send = policy["Statement"][0]
    assert (send["Principal"], send["Action"]) == ({"Service": "events.amazonaws.com"}, "sqs:SendMessage")
    assert send["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/smus-test-*"},
    }
    assert policy["Statement"][1]["Sid"] == "DenyInsecureTransport"


def test_topic_policy_lets_only_the_prefixed_alarms_and_rules_publish() -> None:
    stack = new_stack()
    AlertTopic(stack, "Alerts", topic_props())
    policy = json.loads(only(synth(stack), "aws_sns_topic_policy")["policy"])
    by_sid = {statement["Sid"]: statement for statement in policy["Statement"]}
    assert by_sid["AlarmsOfThisAccountPublish"] == {
        "Sid": "AlarmsOfThisAccountPublish",
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": f"arn:aws:sns:{REGION}:{ACCOUNT}:smus-test-alerts",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": ACCOUNT},
            "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:smus-test-*"},
        },
    }
    assert_subset(
        by_sid["RulesOfThisAccountPublish"],
        {
            "Principal": {"Service": "events.amazonaws.com"},
            "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/smus-test-*"}},
        },
    )
    assert by_sid["DenyInsecureTransport"]["Effect"] == "Deny"
    assert all("*" not in json.dumps(s["Principal"]) for s in policy["Statement"] if s["Effect"] == "Allow")


def test_subscriptions_are_created_per_endpoint() -> None:
    stack = new_stack()
    AlertTopic(
        stack,
        "Alerts",
        topic_props(
            subscriptions=[
                Subscription(protocol="email", endpoint="oncall@example.com"),
                Subscription(protocol="https", endpoint="https://hooks.example.com/smus"),
            ]
        ),
    )
    subscriptions = sorted(
        (s["protocol"], s["endpoint"]) for s in all_of(synth(stack), "aws_sns_topic_subscription").values()
    )
    assert subscriptions == [("email", "oncall@example.com"), ("https", "https://hooks.example.com/smus")]


@pytest.mark.parametrize(
    ("overrides", "prop", "accepted"),
    [
        ({"topic_name": "has space"}, "topic_name", "letters, digits"),
        ({"publisher_name_prefix": "a*"}, "publisher_name_prefix", "name prefix"),
        ({"subscriptions": [Subscription(protocol="sms", endpoint="+100")]}, r"subscriptions\[0\]\.protocol", "one of"),
        ({"account_id": "12"}, "account_id", "12 digits"),
    ],
)
def test_topic_refuses_bad_props(overrides: dict[str, Any], prop: str, accepted: str) -> None:
    with pytest.raises(PropValidationError, match=rf"test/Alerts: {prop} = .*{accepted}"):
        AlertTopic(new_stack(), "Alerts", topic_props(**overrides))


def test_an_imported_topic_is_checked_for_the_arn_shape() -> None:
    stack = new_stack()
    assert AlertTopic.from_topic_arn(stack, "Org", TOPIC_ARN) == ImportedAlertTopic(TOPIC_ARN)
    with pytest.raises(PropValidationError, match=r"test/Org: topic_arn = 'arn:aws:sqs:.*SNS topic ARN"):
        AlertTopic.from_topic_arn(stack, "Org", f"arn:aws:sqs:{REGION}:{ACCOUNT}:queue")


# --- DriftAlarms ---


def drift_alarms(**overrides: Any) -> dict[str, dict[str, Any]]:
    stack = new_stack()
    props: dict[str, Any] = {
        "account_name": "test",
        "topic": ImportedAlertTopic(TOPIC_ARN),
        "name_prefix": "smus-test-",
    }
    props.update(overrides)
    DriftAlarms(stack, "Drift", DriftAlarmsProps(**props))
    return {alarm["alarm_name"]: alarm for alarm in all_of(synth(stack), "aws_cloudwatch_metric_alarm").values()}


def test_heartbeat_treats_missing_data_as_breaching() -> None:
    heartbeat = drift_alarms(heartbeat_hours=12)["smus-test-drift-heartbeat"]
    assert_subset(
        heartbeat,
        {
            "namespace": "SMUS/Drift",
            "metric_name": OpsMetric.DRIFT_CHECK_COMPLETED.value,
            "dimensions": {"Account": "test"},
            "statistic": "Sum",
            "period": 12 * 3600,
            "comparison_operator": "LessThanThreshold",
            "threshold": 1,
            "treat_missing_data": "breaching",
            "alarm_actions": [TOPIC_ARN],
            "ok_actions": [TOPIC_ARN],
        },
    )


def test_drift_and_failed_checks_are_separate_alarms_that_keep_their_state_between_runs() -> None:
    alarms = drift_alarms(namespace="Acme/Estate")
    drift, failed = alarms["smus-test-drift-detected"], alarms["smus-test-drift-check-failed"]
    assert drift["metric_name"] == OpsMetric.DRIFT_DETECTED.value
    assert failed["metric_name"] == OpsMetric.DRIFT_CHECK_ERRORS.value
    for alarm in (drift, failed):
        assert alarm["namespace"] == "Acme/Estate"
        assert alarm["treat_missing_data"] == "ignore"
        assert alarm["comparison_operator"] == "GreaterThanOrEqualToThreshold" and alarm["threshold"] == 1
        assert "docs/operations.md#" in alarm["alarm_description"]


@pytest.mark.parametrize(
    ("overrides", "prop", "accepted"),
    [
        ({"heartbeat_hours": 0}, "heartbeat_hours", "1 to 24 hours"),
        ({"heartbeat_hours": 48}, "heartbeat_hours", "1 to 24 hours"),
        ({"namespace": "AWS/DataZone"}, "namespace", "not 'AWS/"),
        ({"account_name": "a b"}, "account_name", "short name"),
    ],
)
def test_drift_alarms_refuse_bad_props(overrides: dict[str, Any], prop: str, accepted: str) -> None:
    with pytest.raises(PropValidationError, match=rf"test/Drift: {prop} = .*{accepted}"):
        drift_alarms(**overrides)


# --- ProjectQuotaAlarm ---


def quota_alarm(**overrides: Any) -> dict[str, Any]:
    stack = new_stack()
    props: dict[str, Any] = {
        "account_name": "test",
        "topic": ImportedAlertTopic(TOPIC_ARN),
        "name_prefix": "smus-test-",
        "quota": 100,
    }
    props.update(overrides)
    ProjectQuotaAlarm(stack, "Quota", ProjectQuotaAlarmProps(**props))
    return only(synth(stack), "aws_cloudwatch_metric_alarm")


def test_quota_alarm_fires_at_80_percent_of_the_configured_limit() -> None:
    alarm = quota_alarm()
    assert_subset(
        alarm,
        {
            "alarm_name": "smus-test-project-quota",
            "metric_name": OpsMetric.PROJECT_COUNT.value,
            "dimensions": {"Account": "test"},
            "statistic": "Maximum",
            "comparison_operator": "GreaterThanOrEqualToThreshold",
            "threshold": 80,
            "alarm_actions": [TOPIC_ARN],
        },
    )


def test_quota_threshold_rounds_up_so_the_alarm_is_never_late() -> None:
    assert quota_alarm(quota=101)["threshold"] == 81
    assert quota_alarm(quota=5, threshold_percent=50)["threshold"] == 3


@pytest.mark.parametrize(
    ("overrides", "prop"), [({"quota": 0}, "quota"), ({"threshold_percent": 0}, "threshold_percent")]
)
def test_quota_alarm_refuses_bad_limits(overrides: dict[str, Any], prop: str) -> None:
    with pytest.raises(PropValidationError, match=rf"test/Quota: {prop} = 0"):
        quota_alarm(**overrides)


# --- OutOfPipelineChangeAlerts and its event pattern ---


def matches(pattern: Any, event: Any) -> bool:
    """The subset of EventBridge matching the pattern uses: value lists, anything-but, exists, $or.

    EventBridge compares leaf paths, so a leaf under a missing parent is simply absent (`exists: false` matches).
    """
    if isinstance(pattern, dict):
        if not isinstance(event, dict):
            event = {}
        for key, sub in pattern.items():
            if key == "$or":
                if not any(matches(alternative, event) for alternative in sub):
                    return False
            elif not matches_field(sub, event, key):
                return False
        return True
    raise AssertionError(f"unexpected pattern {pattern!r}")


def matches_field(sub: Any, event: dict[str, Any], key: str) -> bool:
    if isinstance(sub, dict):
        return matches(sub, event.get(key, {}))
    present = key in event
    for condition in sub:
        if isinstance(condition, dict) and "exists" in condition:
            if condition["exists"] == present:
                return True
        elif isinstance(condition, dict) and "anything-but" in condition:
            if present and event[key] not in condition["anything-but"]:
                return True
        elif present and event[key] == condition:
            return True
    return False


def cloudtrail_event(event_name: str, user_identity: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": "aws.datazone",
        "detail-type": "AWS API Call via CloudTrail",
        "account": ACCOUNT,
        "detail": {"eventSource": "datazone.amazonaws.com", "eventName": event_name, "userIdentity": user_identity},
    }


def assumed_role(role_arn: str, session: str) -> dict[str, Any]:
    name = role_arn.rsplit("/", 1)[1]
    return {
        "type": "AssumedRole",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/{session}",
        "sessionContext": {"sessionIssuer": {"type": "Role", "arn": role_arn, "userName": name}},
    }


PATTERN = out_of_pipeline_event_pattern(PIPELINE_ROLE)


def test_the_pipeline_roles_own_changes_do_not_alert_whatever_the_session() -> None:
    for session in ("smus-dev-platform", "GitHubActions"):
        event = cloudtrail_event("CreateProject", assumed_role(PIPELINE_ROLE, session))
        assert not matches(PATTERN, event), session


@pytest.mark.parametrize(
    "identity",
    [
        assumed_role(f"arn:aws:iam::{ACCOUNT}:role/Admin", "alice"),
        # The same role name and path in another account is another role.
        assumed_role("arn:aws:iam::999999999999:role/ci/smus-deploy", "mallory"),
        {"type": "IAMUser", "arn": f"arn:aws:iam::{ACCOUNT}:user/bob"},
        {"type": "Root", "arn": f"arn:aws:iam::{ACCOUNT}:root"},
        {"type": "IdentityCenterUser", "userId": "1234"},
    ],
    ids=["other-role", "other-account", "iam-user", "root", "portal-user"],
)
def test_everyone_else_alerts_including_callers_without_a_session_issuer(identity: dict[str, Any]) -> None:
    assert matches(PATTERN, cloudtrail_event("DeleteProject", identity))


def test_only_the_listed_datazone_calls_alert() -> None:
    someone = assumed_role(f"arn:aws:iam::{ACCOUNT}:role/Admin", "alice")
    assert not matches(PATTERN, cloudtrail_event("GetProject", someone))
    for name in ("UpdateDomain", "PutEnvironmentBlueprintConfiguration", "UpdateProjectProfile"):
        assert matches(PATTERN, cloudtrail_event(name, someone)), name
    assert set(OUT_OF_PIPELINE_EVENT_NAMES) >= {
        "CreateProject",
        "DeleteProject",
        "PutEnvironmentBlueprintConfiguration",
        "DeleteEnvironmentBlueprintConfiguration",
        "UpdateDomain",
        "DeleteDomain",
        "CreateProjectProfile",
        "UpdateProjectProfile",
        "DeleteProjectProfile",
    }


def test_rule_sends_a_readable_message_to_the_topic() -> None:
    stack = new_stack()
    OutOfPipelineChangeAlerts(
        stack,
        "Changes",
        OutOfPipelineChangeAlertsProps(
            pipeline_role_arn=PIPELINE_ROLE, topic=ImportedAlertTopic(TOPIC_ARN), rule_name="smus-test-changes"
        ),
    )
    doc = synth(stack)
    rule = only(doc, "aws_cloudwatch_event_rule")
    assert rule["name"] == "smus-test-changes"
    assert json.loads(rule["event_pattern"]) == PATTERN
    target = only(doc, "aws_cloudwatch_event_target")
    assert target["arn"] == TOPIC_ARN
    transformer = target["input_transformer"]
    assert transformer["input_paths"]["issuer"] == "$.detail.userIdentity.sessionContext.sessionIssuer.arn"
    assert json.loads(transformer["input_template"]).startswith("DataZone <event> in <account>/<region>")


@pytest.mark.parametrize(
    ("overrides", "prop", "accepted"),
    [
        ({"pipeline_role_arn": f"arn:aws:iam::{ACCOUNT}:user/ci"}, "pipeline_role_arn", "IAM role ARN"),
        ({"event_names": []}, "event_names", "non-empty list"),
        ({"event_names": ["createProject"]}, "event_names", "DataZone API name"),
        ({"rule_name": "x" * 65}, "rule_name", "1-64"),
    ],
)
def test_change_alerts_refuse_bad_props(overrides: dict[str, Any], prop: str, accepted: str) -> None:
    props: dict[str, Any] = {
        "pipeline_role_arn": PIPELINE_ROLE,
        "topic": ImportedAlertTopic(TOPIC_ARN),
        "rule_name": "smus-test-changes",
    }
    props.update(overrides)
    with pytest.raises(PropValidationError, match=rf"test/Changes: {prop} = .*{accepted}"):
        OutOfPipelineChangeAlerts(new_stack(), "Changes", OutOfPipelineChangeAlertsProps(**props))


def test_change_alerts_refuse_a_role_reference_the_pattern_could_never_match() -> None:
    stack = new_stack()
    topic = AlertTopic(stack, "Alerts", topic_props())
    with pytest.raises(PropValidationError, match=r"pipeline_role_arn = .*not a reference"):
        OutOfPipelineChangeAlerts(
            stack,
            "Changes",
            OutOfPipelineChangeAlertsProps(pipeline_role_arn=topic.key.arn, topic=topic, rule_name="r"),
        )
