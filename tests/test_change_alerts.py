"""Finding 5 (alerts) and 9: destructive DataZone calls, key changes and role changes alert from EVERY principal,
the deploy role included; IAM's events are forwarded from us-east-1; every target has a dead-letter queue and a
FailedInvocations alarm."""

from __future__ import annotations

import json
from typing import Any

import pytest

from smus_constructs.change_alerts import EstateChangeAlerts, EstateChangeAlertsProps
from smus_constructs.errors import PropValidationError
from smus_constructs.ops_metrics import (
    DESTRUCTIVE_DATAZONE_EVENT_NAMES,
    KEY_CHANGE_EVENT_NAMES,
    KEY_USAGE_RULE_SUFFIX,
    ROLE_CHANGE_EVENT_NAMES,
)
from smus_constructs.pipeline_identity import DATAZONE_ACTIONS_BY_TYPE
from tests.conftest import StackDoc
from tests.helpers import ACCOUNT, REGION, all_of, new_stack, synth

ACCOUNTS = {"dev": "111111111111", "staging": "222222222222", "prod": "333333333333"}


def rules_of(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rule["name"]: rule for rule in all_of(doc, "aws_cloudwatch_event_rule").values()}


@pytest.mark.parametrize("account", ACCOUNTS)
def test_destructive_and_key_changes_alert_from_every_principal(
    example_stacks: dict[str, StackDoc], account: str
) -> None:
    rules = rules_of(example_stacks[f"{account}-ops"])
    for name, source, events in (
        ("destructive-datazone-calls", "aws.datazone", DESTRUCTIVE_DATAZONE_EVENT_NAMES),
        ("key-changes", "aws.kms", KEY_CHANGE_EVENT_NAMES),
    ):
        pattern = json.loads(rules[f"smus-{account}-{name}"]["event_pattern"])
        assert pattern["source"] == [source] and pattern["detail"]["eventName"] == list(events)
        # No exclusion of any caller: the deploy role's own calls alert too.
        assert "userIdentity" not in json.dumps(pattern) and "anything-but" not in json.dumps(pattern)
    assert "DeleteDomain" in DESTRUCTIVE_DATAZONE_EVENT_NAMES
    assert {"PutKeyPolicy", "ScheduleKeyDeletion", "DisableKey"} <= set(KEY_CHANGE_EVENT_NAMES)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_role_changes_of_the_estates_roles_are_forwarded_from_us_east_1(
    example_stacks: dict[str, StackDoc], account: str
) -> None:
    doc = example_stacks[f"{account}-ops"]
    rules = rules_of(doc)
    home = json.loads(rules[f"smus-{account}-role-changes"]["event_pattern"])
    forward = rules[f"smus-{account}-role-changes-forward"]
    assert forward["provider"] == "aws.global_events" and "provider" not in rules[f"smus-{account}-role-changes"]
    assert json.loads(forward["event_pattern"]) == home
    names = home["detail"]["requestParameters"]["roleName"]
    assert {"prefix": f"acme-{account}-"} in names
    assert {"smus-deploy", "smus-plan", "smus-drift", "smus-break-glass"} <= {n for n in names if isinstance(n, str)}
    assert {"UpdateAssumeRolePolicy", "PutRolePolicy", "AttachRolePolicy"} <= set(home["detail"]["eventName"])
    (target,) = [t for t in all_of(doc, "aws_cloudwatch_event_target").values() if t["target_id"] == "HomeRegionBus"]
    assert target["arn"] == f"arn:aws:events:eu-west-1:{ACCOUNTS[account]}:event-bus/default"
    (role,) = all_of(doc, "aws_iam_role").values()
    assert role["path"] == "/service-role/" and role["name"] == f"acme-{account}-change-forwarder"
    trust = json.loads(role["assume_role_policy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "events.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNTS[account]}}
    (policy,) = all_of(doc, "aws_iam_role_policy").values()
    assert json.loads(policy["policy"])["Statement"] == [
        {"Sid": "ForwardToTheHomeBus", "Effect": "Allow", "Action": "events:PutEvents", "Resource": target["arn"]}
    ]


@pytest.mark.parametrize("account", ACCOUNTS)
def test_every_alert_target_has_a_dead_letter_queue_and_a_failed_invocations_alarm(
    example_stacks: dict[str, StackDoc], account: str
) -> None:
    doc = example_stacks[f"{account}-ops"]
    alarms = {
        a["dimensions"]["RuleName"]: a
        for a in all_of(doc, "aws_cloudwatch_metric_alarm").values()
        if a.get("namespace") == "AWS/Events"
    }
    for target in all_of(doc, "aws_cloudwatch_event_target").values():
        # Not the forwarder to the home bus, nor the key-usage rule's sink: a counter, not an alert (test_key_usage).
        if target["target_id"] in {"HomeRegionBus", "Sink"}:
            continue
        assert target["dead_letter_config"]["arn"].startswith("${aws_sqs_queue.Alerts_DeadLetters"), target
    home_rules = [
        name
        for name, rule in rules_of(doc).items()
        if "provider" not in rule and not name.endswith(KEY_USAGE_RULE_SUFFIX)
    ]
    assert sorted(alarms) == sorted(home_rules)
    for alarm in alarms.values():
        assert (alarm["metric_name"], alarm["threshold"], alarm["statistic"]) == ("FailedInvocations", 1, "Sum")
        assert alarm["alarm_actions"][0].startswith("${aws_sns_topic.")


def test_every_destructive_datazone_event_is_a_call_the_pipeline_can_make() -> None:
    # CloudTrail's eventName for DataZone is the API operation, the same name as the IAM action.
    actions = {a.split(":", 1)[1] for acts in DATAZONE_ACTIONS_BY_TYPE.values() for a in acts}
    assert set(DESTRUCTIVE_DATAZONE_EVENT_NAMES) <= actions
    assert all(name[0].isupper() for name in (*KEY_CHANGE_EVENT_NAMES, *ROLE_CHANGE_EVENT_NAMES))


def props(**overrides: Any) -> EstateChangeAlertsProps:
    values: dict[str, Any] = {
        "account_id": ACCOUNT,
        "region": REGION,
        "topic_arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:t",
        "dead_letter_queue_arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:t-dead-letters",
        "name_prefix": "smus-t-",
        "role_name_prefixes": ["acme-t-"],
    }
    values.update(overrides)
    return EstateChangeAlertsProps(**values)


def test_outside_us_east_1_a_global_provider_is_required() -> None:
    with pytest.raises(PropValidationError) as error:
        EstateChangeAlerts(new_stack(), "Changes", props())
    assert error.value.prop == "global_provider" and "us-east-1" in error.value.accepted


def test_in_us_east_1_iam_events_are_matched_at_home_without_a_forwarder() -> None:
    stack = new_stack()
    EstateChangeAlerts(
        stack,
        "Changes",
        props(region="us-east-1", topic_arn=f"arn:aws:sns:us-east-1:{ACCOUNT}:t"),
    )
    doc = synth(stack)
    assert sorted(rules_of(doc)) == ["smus-t-destructive-datazone-calls", "smus-t-key-changes", "smus-t-role-changes"]
    assert "aws_iam_role" not in doc["resource"]


def test_empty_role_prefixes_are_refused_by_construct_path() -> None:
    with pytest.raises(PropValidationError) as error:
        EstateChangeAlerts(new_stack(), "Changes", props(role_name_prefixes=[], region="us-east-1"))
    assert error.value.prop == "role_name_prefixes" and error.value.construct_path.endswith("/Changes")
