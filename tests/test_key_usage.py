"""The domain key's usage alarm (smus_constructs.key_usage, stacks.ops_key_usage): the rule's pattern and state, the
anomaly band, where the key's ARN comes from in each key mode, and the props it refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktn import Testing as CdkTesting

from config.loader import LoadedAccount, load_account
from smus_cli.synth import app_context
from smus_constructs.errors import PropValidationError
from smus_constructs.key_usage import (
    ALL_MANAGEMENT_EVENTS_STATE,
    DomainKeyUsage,
    DomainKeyUsageProps,
)
from smus_constructs.kms import domain_key_alias_name
from smus_constructs.observability import ImportedAlertTopic
from smus_constructs.ops_metrics import (
    KEY_USAGE_BAND_WIDTH,
    KEY_USAGE_EVENT_NAMES,
    KEY_USAGE_RULE_SUFFIX,
    key_usage_pattern,
    key_usage_rule_name,
)
from stacks.ops import OpsStack
from stacks.ops_key_usage import AWS_OWNED_KEY_REASON, domain_key_usage
from stacks.ops_names import ops_name_prefix
from tests.estate import FIXTURE_ACCOUNTS
from tests.helpers import ACCOUNT, REGION, new_stack, only, synth

Doc = dict[str, Any]
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/3c3c3c3c-3333-4333-8333-3c3c3c3c3c3c"
OTHER_KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/99999999-9999-4999-8999-999999999999"
TOPIC = ImportedAlertTopic(f"arn:aws:sns:{REGION}:{ACCOUNT}:smus-test-alerts")
RULE = "smus-test-domain-key-usage"


def props(**overrides: Any) -> DomainKeyUsageProps:
    values: dict[str, Any] = {
        "account_id": ACCOUNT,
        "region": REGION,
        "topic": TOPIC,
        "rule_name": RULE,
        "key_arn": KEY_ARN,
    }
    values.update(overrides)
    return DomainKeyUsageProps(**values)


def key_usage_doc(**overrides: Any) -> Doc:
    stack = new_stack()
    DomainKeyUsage(stack, "KeyUsage", props(**overrides))
    return synth(stack)


def cloudtrail_kms_event(name: str, key_arn: str) -> Doc:
    """A KMS call as EventBridge delivers it: the CloudTrail record is the detail (AWS KMS Developer Guide, Decrypt
    log entry: `readOnly: true`, the key in `resources[].ARN`; the keyId request parameter is optional)."""
    return {
        "source": "aws.kms",
        "detail-type": "AWS API Call via CloudTrail",
        "detail": {
            "eventSource": "kms.amazonaws.com",
            "eventName": name,
            "readOnly": True,
            "requestParameters": {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"},
            "resources": [{"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": key_arn}],
            "eventType": "AwsApiCall",
            "managementEvent": True,
        },
    }


def matches(pattern: Any, event: Any) -> bool:
    """The subset of EventBridge matching this pattern uses: exact values, nested objects, and a field inside an
    array of objects matching on any element (how EventBridge reads `resources[].ARN`)."""
    if isinstance(event, list):
        return any(matches(pattern, item) for item in event)
    if isinstance(pattern, dict):
        return isinstance(event, dict) and all(
            key in event and matches(value, event[key]) for key, value in pattern.items()
        )
    assert isinstance(pattern, list), pattern
    return event in pattern


# --- the rule -----------------------------------------------------------------------------------------------------


def test_rule_sees_read_only_management_events_and_matches_the_domain_keys_use() -> None:
    rule = only(key_usage_doc(), "aws_cloudwatch_event_rule")
    assert rule["name"] == RULE
    # Plain ENABLED drops read-only management events delivered through CloudTrail, and Decrypt is one.
    assert rule["state"] == ALL_MANAGEMENT_EVENTS_STATE == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    assert "event_bus_name" not in rule  # the default bus: where AWS services' CloudTrail events arrive
    assert json.loads(rule["event_pattern"]) == {
        "source": ["aws.kms"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": ["kms.amazonaws.com"],
            "eventName": [
                "Decrypt",
                "GenerateDataKey",
                "GenerateDataKeyPair",
                "GenerateDataKeyPairWithoutPlaintext",
                "GenerateDataKeyWithoutPlaintext",
            ],
            "resources": {"ARN": [KEY_ARN]},
        },
    }


@pytest.mark.parametrize("name", KEY_USAGE_EVENT_NAMES)
def test_every_plaintext_call_on_the_domain_key_is_counted(name: str) -> None:
    assert matches(key_usage_pattern(KEY_ARN), cloudtrail_kms_event(name, KEY_ARN))


@pytest.mark.parametrize(
    ("name", "key_arn"),
    [
        ("Decrypt", OTHER_KEY_ARN),  # another key of the account
        ("DescribeKey", KEY_ARN),  # read-only, but no plaintext
        ("Encrypt", KEY_ARN),  # writes ciphertext, reads nothing
        ("ScheduleKeyDeletion", KEY_ARN),  # the change alert's business (smus_constructs.change_alerts)
    ],
)
def test_other_calls_and_other_keys_are_not_counted(name: str, key_arn: str) -> None:
    assert not matches(key_usage_pattern(KEY_ARN), cloudtrail_kms_event(name, key_arn))


def test_the_rule_has_one_target_a_queue_of_its_own_that_keeps_nothing() -> None:
    doc = key_usage_doc()
    target = only(doc, "aws_cloudwatch_event_target")
    queue = only(doc, "aws_sqs_queue")
    assert target["target_id"] == "Sink" and target["arn"].startswith("${aws_sqs_queue.")
    assert "dead_letter_config" not in target  # nothing to lose: the count is taken when the rule matches
    assert (queue["name"], queue["message_retention_seconds"], queue["sqs_managed_sse_enabled"]) == (RULE, 60, True)
    policy = json.loads(only(doc, "aws_sqs_queue_policy")["policy"])
    send, tls = policy["Statement"]
    assert send["Principal"] == {"Service": "events.amazonaws.com"} and send["Action"] == "sqs:SendMessage"
    assert send["Resource"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:{RULE}"
    assert send["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnEquals": {"aws:SourceArn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{RULE}"},
    }
    assert (tls["Effect"], tls["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": "false"}})


# --- the alarm ----------------------------------------------------------------------------------------------------


def test_alarm_compares_the_rules_matches_with_an_anomaly_band_of_three_deviations() -> None:
    alarm = only(key_usage_doc(), "aws_cloudwatch_metric_alarm")
    assert alarm["alarm_name"] == RULE
    assert alarm["comparison_operator"] == "GreaterThanUpperThreshold"
    assert alarm["threshold_metric_id"] == "ad1"
    assert "threshold" not in alarm and "metric_name" not in alarm  # the band is the threshold
    calls, band = sorted(alarm["metric_query"], key=lambda query: query["id"] != "m1")
    assert calls["id"] == "m1" and calls["return_data"] is True
    assert calls["metric"] == {
        "namespace": "AWS/Events",
        "metric_name": "TriggeredRules",
        "dimensions": {"RuleName": RULE},
        "stat": "Sum",
        "period": 300,
    }
    assert band["id"] == "ad1" and band["return_data"] is True
    assert band["expression"] == "ANOMALY_DETECTION_BAND(m1, 3)" and KEY_USAGE_BAND_WIDTH == 3
    assert (alarm["evaluation_periods"], alarm["datapoints_to_alarm"]) == (3, 2)
    # TriggeredRules has no data point for a period without a match: no calls, never above the band.
    assert alarm["treat_missing_data"] == "notBreaching"
    assert alarm["alarm_actions"] == alarm["ok_actions"] == [TOPIC.topic_arn]
    assert "docs/operations.md#domain-key-usage" in alarm["alarm_description"]


def test_band_width_is_a_prop_and_is_written_into_the_expression_and_the_description() -> None:
    alarm = only(key_usage_doc(band_width=4), "aws_cloudwatch_metric_alarm")
    band = next(query for query in alarm["metric_query"] if query["id"] == "ad1")
    assert band["expression"] == "ANOMALY_DETECTION_BAND(m1, 4)"
    assert "(4 standard deviations)" in alarm["alarm_description"]


# --- where the key comes from -------------------------------------------------------------------------------------


def test_a_created_key_is_found_by_its_alias_at_plan_time_not_by_a_copied_id() -> None:
    alias = f"alias/{domain_key_alias_name('acme-dev')}"
    doc = key_usage_doc(key_arn=None, key_alias=alias)
    assert alias == "alias/smus/acme-dev"
    lookup = only(doc, "aws_kms_alias", kind="data")
    assert lookup["name"] == alias
    pattern = json.loads(only(doc, "aws_cloudwatch_event_rule")["event_pattern"])
    (logical_id,) = doc["data"]["aws_kms_alias"]
    assert pattern["detail"]["resources"]["ARN"] == [f"${{data.aws_kms_alias.{logical_id}.target_key_arn}}"]


@pytest.mark.parametrize(
    ("overrides", "prop", "accepted"),
    [
        ({"key_arn": None}, "key_arn", "exactly one of key_arn"),
        ({"key_alias": "alias/smus/x"}, "key_arn", "exactly one of key_arn"),
        ({"key_arn": "arn:aws:kms:eu-west-1:123456789012:alias/smus/x"}, "key_arn", "a KMS key ARN"),
        ({"key_arn": None, "key_alias": "smus/x"}, "key_alias", "a customer alias"),
        ({"key_arn": None, "key_alias": "alias/aws/s3"}, "key_alias", "not 'alias/aws/...'"),
        ({"rule_name": "smus test"}, "rule_name", "1-64 of letters"),
        ({"band_width": 0}, "band_width", "1 to 10 standard deviations"),
    ],
)
def test_bad_props_name_the_prop_and_what_is_accepted(overrides: dict[str, Any], prop: str, accepted: str) -> None:
    with pytest.raises(PropValidationError, match=rf"test/KeyUsage: {prop} = .*{accepted}"):
        key_usage_doc(**overrides)


# --- the ops stack, per key mode ----------------------------------------------------------------------------------


def ops_doc(loaded: LoadedAccount) -> Doc:
    stack = OpsStack(CdkTesting.app(context=app_context()), loaded)
    stack.declare_used_providers()
    doc: Doc = json.loads(CdkTesting.synth(stack, run_validations=True))
    return doc


def dev_with_domain(**domain: Any) -> LoadedAccount:
    loaded = load_account(FIXTURE_ACCOUNTS / "dev.toml")
    assert loaded.config.domain is not None
    settings = loaded.config.domain.model_copy(update=domain)
    return LoadedAccount(loaded.path, loaded.config.model_copy(update={"domain": settings}))


def test_ops_stack_watches_the_key_the_platform_stack_creates_by_its_alias() -> None:
    loaded = dev_with_domain()
    assert loaded.config.domain is not None and loaded.config.domain.kms_key_arn is None
    doc = ops_doc(loaded)
    assert only(doc, "aws_kms_alias", kind="data")["name"] == f"alias/smus/{loaded.config.domain.name}"
    rules = {body["name"]: body for body in doc["resource"]["aws_cloudwatch_event_rule"].values()}
    name = key_usage_rule_name(ops_name_prefix("dev"))
    assert name == f"smus-dev-{KEY_USAGE_RULE_SUFFIX}" == "smus-dev-domain-key-usage"
    assert rules[name]["state"] == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    assert "data.aws_kms_alias." in rules[name]["event_pattern"]


def test_ops_stack_watches_a_handed_in_key_by_its_arn_with_no_lookup() -> None:
    doc = ops_doc(dev_with_domain(kms_key_arn=KEY_ARN.replace(ACCOUNT, "111111111111")))
    assert "aws_kms_alias" not in doc.get("data", {})
    rules = {body["name"]: body for body in doc["resource"]["aws_cloudwatch_event_rule"].values()}
    pattern = json.loads(rules["smus-dev-domain-key-usage"]["event_pattern"])
    assert pattern["detail"]["resources"]["ARN"] == [KEY_ARN.replace(ACCOUNT, "111111111111")]


def test_an_aws_owned_key_gets_no_key_usage_alarm_and_the_reason_says_why() -> None:
    doc = ops_doc(dev_with_domain(aws_owned_key=True, existing_id="dzd_abc123"))
    names = [body["name"] for body in doc["resource"]["aws_cloudwatch_event_rule"].values()]
    alarms = [body["alarm_name"] for body in doc["resource"]["aws_cloudwatch_metric_alarm"].values()]
    assert "smus-dev-domain-key-usage" not in names + alarms
    assert "aws_kms_alias" not in doc.get("data", {})
    assert "not this one's CloudTrail" in AWS_OWNED_KEY_REASON


def test_a_member_account_watches_no_domain_key_it_is_the_domain_accounts() -> None:
    loaded = load_account(FIXTURE_ACCOUNTS / "dev.toml")
    member = loaded.config.model_copy(update={"domain": None})
    stack = OpsStack(CdkTesting.app(context=app_context()), loaded)
    assert domain_key_usage(stack, member, "smus-member-", ImportedAlertTopic(TOPIC.topic_arn)) is None
