"""smus_constructs.drift_log: the drift log group, its retention, its own key, and a key policy that lets CloudWatch
Logs use the key for this one log group only; and the ops stacks that create it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from smus_constructs.drift_log import (
    DriftLogGroup,
    DriftLogGroupProps,
    drift_log_key_policy,
    log_group_console_url,
)
from smus_constructs.errors import PropValidationError
from smus_constructs.kms import KEY_ADMIN_ACTIONS
from tests.conftest import StackDoc
from tests.helpers import ACCOUNT, REGION, new_stack, only, synth
from tests.test_estate import ACCOUNTS

GROUP = "/smus/test/drift"
GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}"


def props(**overrides: Any) -> DriftLogGroupProps:
    values: dict[str, Any] = {"log_group_name": GROUP, "account_id": ACCOUNT, "region": REGION, "retention_days": 365}
    values.update(overrides)
    return DriftLogGroupProps(**values)


def test_the_group_keeps_events_for_its_retention_encrypted_with_its_own_rotating_key() -> None:
    stack = new_stack()
    DriftLogGroup(stack, "DriftLog", props(retention_days=731))
    doc = synth(stack)
    group = only(doc, "aws_cloudwatch_log_group")
    key_name = next(iter(doc["resource"]["aws_kms_key"]))
    assert group["name"] == GROUP
    assert group["retention_in_days"] == 731
    assert group["kms_key_id"] == f"${{aws_kms_key.{key_name}.arn}}"
    key = only(doc, "aws_kms_key")
    assert (key["enable_key_rotation"], key["customer_master_key_spec"]) == (True, "SYMMETRIC_DEFAULT")
    assert key["bypass_policy_lockout_safety_check"] is True  # the deploy role creates it and must not manage it
    assert only(doc, "aws_kms_alias")["name"] == "alias/smus/smus-test-drift"


def test_cloudwatch_logs_may_use_the_key_only_under_this_log_group_s_encryption_context() -> None:
    stack = new_stack()
    DriftLogGroup(stack, "DriftLog", props())
    policy = json.loads(only(synth(stack), "aws_kms_key")["policy"])
    admin, logs = policy["Statement"]
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"} and admin["Action"] == KEY_ADMIN_ACTIONS
    assert "kms:Decrypt" not in admin["Action"] and "kms:CreateGrant" not in admin["Action"]
    assert logs["Principal"] == {"Service": f"logs.{REGION}.amazonaws.com"}
    # The ARN CloudWatch Logs binds to the group's data: no trailing ':*', no wildcard, no other group.
    assert logs["Condition"] == {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": GROUP_ARN}}
    assert "kms:CreateGrant" not in logs["Action"] and not any(a.startswith("kms:Put") for a in logs["Action"])
    assert {"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"} <= set(logs["Action"])


def test_the_key_policy_names_no_other_principal_and_no_unconditioned_use() -> None:
    policy = drift_log_key_policy(partition="aws", region=REGION, account_id=ACCOUNT, log_group_arn=GROUP_ARN)
    uses = [s for s in policy["Statement"] if s["Sid"] != "AccountAdministration"]
    assert all("Condition" in statement for statement in uses)
    principals = [statement["Principal"] for statement in policy["Statement"]]
    assert principals == [{"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, {"Service": f"logs.{REGION}.amazonaws.com"}]


@pytest.mark.parametrize("days", [0, 2, 10, 366, 4000, True])
def test_a_retention_cloudwatch_refuses_is_refused_naming_the_accepted_periods(days: int) -> None:
    with pytest.raises(PropValidationError) as raised:
        DriftLogGroup(new_stack(), "DriftLog", props(retention_days=days))
    message = str(raised.value)
    assert "test/DriftLog" in message and "retention_days" in message and "365, 400" in message, message


@pytest.mark.parametrize(("field", "value"), [("log_group_name", "no spaces"), ("log_group_name", ""), ("region", "x")])
def test_bad_names_are_refused(field: str, value: str) -> None:
    with pytest.raises(PropValidationError) as raised:
        DriftLogGroup(new_stack(), "DriftLog", props(**{field: value}))
    assert field in str(raised.value)


def test_the_console_link_escapes_the_path_as_the_console_does() -> None:
    assert log_group_console_url(region="eu-west-1", name="/smus/prod/drift") == (
        "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
        "#logsV2:log-groups/log-group/$252Fsmus$252Fprod$252Fdrift"
    )
    assert log_group_console_url(region="cn-north-1", name="/smus/prod/drift") is None


def test_every_example_ops_stack_has_its_encrypted_drift_log_group_linked_from_the_drift_alarms(
    example_stacks: dict[str, StackDoc],
) -> None:
    for account, account_id in ACCOUNTS.items():
        doc = example_stacks[f"{account}-ops"]
        (group,) = doc["resource"]["aws_cloudwatch_log_group"].values()
        assert group["name"] == f"/smus/{account}/drift"
        assert group["retention_in_days"] == 365  # the default of [operations] drift_log_retention_days
        key_ref = group["kms_key_id"].removeprefix("${").removesuffix(".arn}")
        key = doc["resource"]["aws_kms_key"][key_ref.split(".", 1)[1]]
        (logs,) = [s for s in json.loads(key["policy"])["Statement"] if s["Sid"] != "AccountAdministration"]
        region = next(p for p in doc["provider"]["aws"] if "alias" not in p)["region"]
        arn = f"arn:aws:logs:{region}:{account_id}:log-group:/smus/{account}/drift"
        assert logs["Condition"] == {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": arn}}, account
        alarms = {a["alarm_name"]: a for a in doc["resource"]["aws_cloudwatch_metric_alarm"].values()}
        for name in (f"smus-{account}-drift-detected", f"smus-{account}-drift-check-failed"):
            assert (
                f"log group /smus/{account}/drift (https://{region}.console.aws.amazon.com/"
                in (alarms[name]["alarm_description"])
            ), name
