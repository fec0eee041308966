"""The deploy role can apply the ops layer and run the drift job, and only on the estate's own names."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from smus_constructs.ops_metrics import OPS_ACTIONS_BY_TYPE
from smus_constructs.pipeline_identity import DeployScope, as_actions, deploy_permissions
from tests.conftest import StackDoc

SCOPE = DeployScope(
    partition="aws",
    account_id="111111111111",
    region="eu-west-1",
    self_role_arn="arn:aws:iam::111111111111:role/smus-deploy",
    state_bucket="state-bucket",
    state_prefix="smus/111111111111/",
    state_key_arn="arn:aws:kms:eu-west-1:111111111111:key/0f0f0f0f-0000-4000-8000-0f0f0f0f0f0f",
    role_name_prefix="acme-dev",
    ops_name_prefix="smus-dev-",
)


def statements(scope: DeployScope) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in deploy_permissions(scope)["Statement"]}


def test_ops_statements_are_held_to_the_ops_prefix_and_namespace() -> None:
    found = statements(SCOPE)
    assert found["OpsAlarms"]["Resource"] == "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:smus-dev-*"
    # A dashboard ARN has no region; its actions are not granted on alarms, nor the alarms' on dashboards.
    assert found["OpsDashboard"]["Resource"] == "arn:aws:cloudwatch::111111111111:dashboard/smus-dev-*"
    assert found["OpsDashboard"]["Action"] == [
        "cloudwatch:DeleteDashboards",
        "cloudwatch:GetDashboard",
        "cloudwatch:PutDashboard",
    ]
    assert not [action for action in found["OpsAlarms"]["Action"] if "Dashboard" in action]
    # us-east-1 too: the forwarder of IAM's CloudTrail events lives there (change_alerts).
    assert found["OpsEventRules"]["Resource"] == [
        "arn:aws:events:eu-west-1:111111111111:rule/smus-dev-*",
        "arn:aws:events:us-east-1:111111111111:rule/smus-dev-*",
    ]
    assert found["OpsDeadLetterQueue"]["Resource"] == "arn:aws:sqs:eu-west-1:111111111111:smus-dev-*"
    forwarder = found["PassTheChangeForwarderToEventBridge"]
    assert forwarder["Resource"] == "arn:aws:iam::111111111111:role/service-role/acme-dev-change-forwarder"
    assert forwarder["Condition"] == {"StringEquals": {"iam:PassedToService": "events.amazonaws.com"}}
    assert found["OpsAlertTopic"]["Resource"] == "arn:aws:sns:eu-west-1:111111111111:smus-dev-*"
    assert not any("cloudwatch:PutMetricData" in as_actions(st["Action"]) for st in found.values()), (
        "only the drift role publishes the drift metrics: a deploy role that could would forge the heartbeat"
    )
    assert all(action.startswith("sns:") for action in found["OpsAlertTopic"]["Action"])


def test_config_rules_are_written_only_when_tagged_for_the_estate() -> None:
    """Config rule ARNs end in a generated ID, so no name can scope them: the estate's SmusStack tag does."""
    found = statements(replace(SCOPE, managed_stack_tags=["dev-ops"]))
    rules = "arn:aws:config:eu-west-1:111111111111:config-rule/*"
    tagged = found["OpsConfigRulesTaggedForTheEstate"]
    assert tagged["Resource"] == rules
    assert tagged["Condition"] == {"StringEquals": {"aws:ResourceTag/SmusStack": ["dev-ops"]}}
    assert "config:DeleteConfigRule" in tagged["Action"] and "config:DescribeConfigRules" not in tagged["Action"]
    create = found["CreateOpsConfigRulesTaggedForTheEstate"]
    assert (create["Action"], create["Resource"]) == ("config:PutConfigRule", rules)
    assert create["Condition"] == {"StringEquals": {"aws:RequestTag/SmusStack": ["dev-ops"]}}
    every = [s for s in found.values() if s["Effect"] == "Allow" and "config-rule" in json.dumps(s["Resource"])]
    assert all("Condition" in s for s in every), "no config rule is writable untagged"


def test_actions_aws_takes_only_on_star_are_held_to_the_region() -> None:
    found = statements(SCOPE)
    for sid, actions in (
        (
            "OpsAlertSubscriptions",
            ["sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes", "sns:Unsubscribe"],
        ),
        ("DescribeConfigRules", ["config:DescribeConfigRules"]),
    ):
        assert found[sid]["Action"] == actions
        assert found[sid]["Resource"] == "*"
        assert found[sid]["Condition"] == {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    assert not set(found["OpsAlertTopic"]["Action"]) & {"sns:Unsubscribe", "sns:GetSubscriptionAttributes"}


def test_without_an_ops_layer_there_are_no_ops_permissions() -> None:
    found = statements(replace(SCOPE, ops_name_prefix=None))
    assert not [sid for sid in found if sid.startswith(("Ops", "DriftJob"))]


def test_every_aws_type_of_the_ops_stacks_has_its_actions_listed(example_stacks: dict[str, StackDoc]) -> None:
    types = {
        rtype for name, doc in example_stacks.items() if name.endswith("-ops") for rtype in doc.get("resource", {})
    }
    covered = set(OPS_ACTIONS_BY_TYPE) | {"aws_kms_key", "aws_kms_alias", "terraform_data"}
    assert types, "the example estate should have ops stacks"
    assert types <= covered, f"add deploy-role actions for {sorted(types - covered)}"


def test_the_example_deploy_roles_carry_the_ops_statements(example_stacks: dict[str, StackDoc]) -> None:
    for account in ("dev", "staging", "prod"):
        policies = example_stacks[f"{account}-bootstrap"]["resource"]["aws_iam_role_policy"].values()
        sids = {s["Sid"] for policy in policies for s in json.loads(policy["policy"])["Statement"]}
        assert {"OpsAlarms", "OpsEventRules", "OpsAlertTopic"} <= sids, account
        assert "DriftJobMetricsInItsNamespace" not in sids, account


def test_the_drift_log_group_is_managed_under_the_ops_log_prefix_only() -> None:
    found = statements(replace(SCOPE, ops_log_group_prefix="/smus/dev/"))
    groups = found["OpsLogGroups"]
    assert groups["Resource"] == "arn:aws:logs:eu-west-1:111111111111:log-group:/smus/dev/*"
    assert {"logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:AssociateKmsKey"} <= set(groups["Action"])
    # The deploy role sets the group up; it never writes or reads its events (the drift role writes them).
    assert not {"logs:PutLogEvents", "logs:CreateLogStream", "logs:GetLogEvents"} & set(groups["Action"])
    describe = found["DescribeLogGroups"]
    assert (describe["Action"], describe["Resource"]) == (["logs:DescribeLogGroups"], "*")
    assert describe["Condition"] == {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}


def test_without_an_ops_log_prefix_no_log_group_is_writable() -> None:
    found = statements(SCOPE)
    assert "OpsLogGroups" not in found and "DescribeLogGroups" not in found
    assert not any(action.startswith("logs:") for st in found.values() for action in as_actions(st["Action"]))
