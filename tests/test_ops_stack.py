"""The `<account>-ops` stack of every example account, and the `[operations]` table that configures it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from cdktn import Testing as CdkTesting
from pydantic import ValidationError

from config.errors import ConfigError
from config.loader import LoadedAccount, load_account, load_estate
from config.operations_models import OperationsSettings
from smus_cli.synth import app_context
from smus_constructs.ops_metrics import DRIFT_JOB_METRICS
from stacks.ops import OpsStack
from tests.conftest import StackDoc
from tests.estate import FIXTURE_ACCOUNTS
from tests.test_estate import ACCOUNTS

Doc = dict[str, Any]


def resources(doc: StackDoc, resource_type: str) -> dict[str, Doc]:
    items: dict[str, Doc] = doc.get("resource", {}).get(resource_type, {})
    return items


def test_every_account_has_an_ops_stack_with_its_own_state_object(example_stacks: dict[str, StackDoc]) -> None:
    for account, account_id in ACCOUNTS.items():
        backend = example_stacks[f"{account}-ops"]["terraform"]["backend"]["s3"]
        assert backend["key"] == f"smus/{account_id}/ops.tfstate"
        assert backend["use_lockfile"] is True


def test_alert_topic_is_kms_encrypted_in_every_account(example_stacks: dict[str, StackDoc]) -> None:
    for account in ACCOUNTS:
        doc = example_stacks[f"{account}-ops"]
        (topic,) = resources(doc, "aws_sns_topic").values()
        key_names = list(resources(doc, "aws_kms_key"))
        assert topic["name"] == f"smus-{account}-alerts"
        assert topic["kms_master_key_id"] == f"${{aws_kms_key.{key_names[0]}.arn}}", account


def test_every_account_has_the_drift_heartbeat_and_quota_alarms(example_stacks: dict[str, StackDoc]) -> None:
    for account in ACCOUNTS:
        alarms = {
            a["alarm_name"]: a
            for a in resources(example_stacks[f"{account}-ops"], "aws_cloudwatch_metric_alarm").values()
            # Not the change rules' FailedInvocations alarms (test_change_alerts) nor the anomaly detection alarms on
            # the pipeline signals and the key usage (metric_query; test_pipeline_signals, test_key_usage).
            if "metric_query" not in a and a["namespace"] != "AWS/Events"
        }
        assert set(alarms) == {
            f"smus-{account}-drift-detected",
            f"smus-{account}-drift-check-failed",
            f"smus-{account}-drift-heartbeat",
            f"smus-{account}-project-quota",
        }
        assert {alarm["metric_name"] for alarm in alarms.values()} == {metric.value for metric in DRIFT_JOB_METRICS}
        assert alarms[f"smus-{account}-drift-heartbeat"]["treat_missing_data"] == "breaching"
        assert alarms[f"smus-{account}-project-quota"]["threshold"] == 80
        assert all(alarm["dimensions"] == {"Account": account} for alarm in alarms.values())


def test_change_alert_excludes_exactly_the_accounts_deploy_role(example_stacks: dict[str, StackDoc]) -> None:
    for account, account_id in ACCOUNTS.items():
        (rule,) = [
            rule
            for rule in resources(example_stacks[f"{account}-ops"], "aws_cloudwatch_event_rule").values()
            if rule["name"] == f"smus-{account}-out-of-pipeline-changes"
        ]
        pattern = json.loads(rule["event_pattern"])
        excluded = pattern["detail"]["$or"][0]["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"]
        assert excluded == [{"anything-but": [f"arn:aws:iam::{account_id}:role/smus-deploy"]}], account
        (target,) = [
            target
            for target in resources(example_stacks[f"{account}-ops"], "aws_cloudwatch_event_target").values()
            if "OutOfPipeline" in target["rule"]
        ]
        assert target["arn"].startswith("${aws_sns_topic."), target
        assert target["dead_letter_config"]["arn"].startswith("${aws_sqs_queue."), target


def test_config_rules_cover_the_state_bucket_and_the_tags_without_a_recorder(
    example_stacks: dict[str, StackDoc],
) -> None:
    for account in ACCOUNTS:
        doc = example_stacks[f"{account}-ops"]
        rules = {rule["name"]: rule for rule in resources(doc, "aws_config_config_rule").values()}
        # The artifact buckets' access logging: only prod has a log bucket (tests/test_artifact_logging.py).
        artifact = {f"artifact-logging-acme-smus-{account}-projects"} if account == "prod" else set()
        assert {name.removeprefix(f"smus-{account}-") for name in rules} - artifact == {
            "state-bucket-versioning",
            "state-bucket-tls-only",
            "state-bucket-kms-encryption",
            "state-bucket-not-public",
            "state-bucket-required-tags",
            "state-bucket-data-events",
            "kms-keys-not-scheduled-for-deletion",
            "kms-keys-tagged",
            "resources-tagged",
            "alert-topic-encrypted",
        }
        assert artifact <= {name.removeprefix(f"smus-{account}-") for name in rules}
        assert not resources(doc, "aws_config_configuration_recorder"), "recorder creation is opt-in"


def test_ops_stack_is_deployed_by_the_account_deploy_role(example_stacks: dict[str, StackDoc]) -> None:
    for account, account_id in ACCOUNTS.items():
        # The home region's provider, and us-east-1's (IAM's CloudTrail events reach EventBridge only there).
        providers = example_stacks[f"{account}-ops"]["provider"]["aws"]
        home, global_events = sorted(providers, key=lambda provider: provider.get("alias", ""))
        assert (home.get("alias"), global_events["alias"], global_events["region"]) == (
            None,
            "global_events",
            "us-east-1",
        )
        for aws in (home, global_events):
            assert aws["assume_role"][0]["role_arn"] == f"arn:aws:iam::{account_id}:role/smus-deploy"
            assert aws["default_tags"][0]["tags"]["SmusStack"] == f"{account}-ops"
            assert aws["allowed_account_ids"] == [account_id]


def dev_with(**operations: Any) -> LoadedAccount:
    loaded = load_account(FIXTURE_ACCOUNTS / "dev.toml")
    settings = OperationsSettings(**operations)
    return LoadedAccount(loaded.path, loaded.config.model_copy(update={"operations": settings}))


def ops_doc(loaded: LoadedAccount) -> Doc:
    stack = OpsStack(CdkTesting.app(context=app_context()), loaded)
    stack.declare_used_providers()
    doc: Doc = json.loads(CdkTesting.synth(stack, run_validations=True))
    return doc


def test_operations_settings_reach_the_stack() -> None:
    doc = ops_doc(
        dev_with(
            alert_emails=["oncall@example.com"],
            metric_namespace="Acme/Estate",
            project_quota=50,
            quota_threshold_percent=90,
            heartbeat_hours=12,
            create_config_recorder=True,
            config_delivery_bucket="acme-config-history",
        )
    )
    (subscription,) = resources(doc, "aws_sns_topic_subscription").values()
    assert (subscription["protocol"], subscription["endpoint"]) == ("email", "oncall@example.com")
    alarms = {a["alarm_name"]: a for a in resources(doc, "aws_cloudwatch_metric_alarm").values()}
    namespaces = {alarm.get("namespace") for alarm in alarms.values()} - {None}
    namespaces |= {
        q["metric"]["namespace"] for a in alarms.values() for q in a.get("metric_query", []) if "metric" in q
    }
    assert namespaces == {"Acme/Estate", "AWS/Events"}
    assert alarms["smus-dev-project-quota"]["threshold"] == 45
    assert alarms["smus-dev-drift-heartbeat"]["period"] == 12 * 3600
    assert resources(doc, "aws_config_configuration_recorder")
    for rule in resources(doc, "aws_config_config_rule").values():
        assert rule["depends_on"], rule["name"]


def test_config_rules_can_be_left_to_an_organisation_pack() -> None:
    doc = ops_doc(dev_with(config_rules=False))
    assert not resources(doc, "aws_config_config_rule")
    assert resources(doc, "aws_cloudwatch_metric_alarm")


def test_a_drift_environment_the_deploy_role_trusts_is_a_config_error() -> None:
    """The unattended drift job's environment has no reviewers: the deploy role must never trust it."""
    loaded = dev_with(plan_github_environment="dev")
    bootstrap = loaded.config.bootstrap.model_copy(update={"github_subjects": ["environment:dev"]})
    loaded = LoadedAccount(loaded.path, loaded.config.model_copy(update={"bootstrap": bootstrap}))
    with pytest.raises(ConfigError, match=r"dev\.toml: operations\.plan_github_environment = 'dev'.*does not trust"):
        OpsStack(CdkTesting.app(context=app_context()), loaded)
    OpsStack(CdkTesting.app(context=app_context()), dev_with(plan_github_environment="dev-drift"))  # not trusted: ok


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"create_config_recorder": True}, "config_delivery_bucket with create_config_recorder"),
        ({"config_delivery_bucket": "acme-logs"}, "only with create_config_recorder"),
        ({"metric_namespace": "AWS/DataZone"}, "CloudWatch namespace"),
        ({"alert_emails": ["not-an-address"]}, "email address"),
        ({"quota_threshold_percent": 0}, "greater than or equal to 1"),
        ({"heartbeat_hours": 25}, "less than or equal to 24"),
        ({"plan_github_environment": "prod drift"}, "GitHub environment name"),
    ],
)
def test_operations_settings_refuse_bad_values(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        OperationsSettings(**settings)


def test_defaults_keep_existing_account_files_valid_and_alert_at_80_percent() -> None:
    settings = OperationsSettings()
    assert (settings.project_quota, settings.quota_threshold, settings.metric_namespace) == (100, 80, "SMUS/Drift")
    assert all(loaded.config.operations == settings for loaded in load_estate(FIXTURE_ACCOUNTS))


def test_a_bad_operations_value_names_file_field_value_and_accepted(tmp_path: Path) -> None:
    text = (FIXTURE_ACCOUNTS / "dev.toml").read_text()
    (tmp_path / "dev.toml").write_text(text + '\n[operations]\nmetric_namespace = "AWS/Mine"\n')
    with pytest.raises(
        ConfigError, match=r"dev\.toml: operations\.metric_namespace = 'AWS/Mine': expected .*namespace"
    ):
        load_account(tmp_path / "dev.toml")


def test_every_alert_points_to_a_runbook_section_that_exists(example_stacks: dict[str, StackDoc]) -> None:
    runbook = (Path(__file__).resolve().parent.parent / "docs" / "operations.md").read_text()
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", line[3:].strip().lower()).replace(" ", "-")
        for line in runbook.splitlines()
        if line.startswith("## ")
    }
    doc = example_stacks["dev-ops"]
    texts = [alarm["alarm_description"] for alarm in resources(doc, "aws_cloudwatch_metric_alarm").values()]
    texts += [
        target["input_transformer"]["input_template"]
        for target in resources(doc, "aws_cloudwatch_event_target").values()
        if "input_transformer" in target  # not the forwarder of IAM events to the home region's bus
    ]
    referenced = {anchor for text in texts for anchor in re.findall(r"docs/operations\.md#([a-z0-9-]+)", text)}
    assert len(referenced) == 10  # main's 9 and the key-usage alarm's (test_key_usage)
    assert referenced <= anchors, sorted(referenced - anchors)
