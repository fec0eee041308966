"""smus_cli.plan_summary and `smus plan-summary`: addresses and actions only, so a secret in a plan never leaves it;
and the drift workflow's jq filter says exactly the same."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from smus_cli.app import app
from smus_cli.plan_model import parse_plan
from smus_cli.plan_summary import JQ_FILTER, Entry, as_json, as_text, summarise

SECRET = "hunter2-Sup3rS3cret-0f0f"


def plan_with_secrets() -> dict[str, Any]:
    """A `terraform show -json` plan whose values carry a secret everywhere a value can sit."""
    secret_after = {"name": "db", "password": SECRET, "tags": {"Owner": SECRET}}
    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "variables": {"db_password": {"value": SECRET}},
        "planned_values": {"root_module": {"resources": [{"address": "aws_db.main", "values": secret_after}]}},
        "resource_drift": [
            {
                "address": "aws_ssm_parameter.token",
                "mode": "managed",
                "type": "aws_ssm_parameter",
                "name": "token",
                "change": {"actions": ["update"], "before": {"value": SECRET}, "after": {"value": "x"}},
            }
        ],
        "resource_changes": [
            {
                "address": "aws_db.main",
                "mode": "managed",
                "type": "aws_db",
                "name": "main",
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": ["update"],
                    "before": {"name": "db", "password": "old"},
                    "after": secret_after,
                    "after_unknown": {},
                    "before_sensitive": {"password": True},
                    "after_sensitive": {"password": True},
                },
            },
            {
                "address": "aws_cloudwatch_metric_alarm.unchanged",
                "mode": "managed",
                "type": "aws_cloudwatch_metric_alarm",
                "name": "unchanged",
                "change": {"actions": ["no-op"], "before": {"alarm_description": SECRET}, "after": {}},
            },
            {
                "address": "data.aws_caller_identity.current",
                "mode": "data",
                "type": "aws_caller_identity",
                "name": "current",
                "change": {"actions": ["read"], "before": None, "after": {"account_id": SECRET}},
            },
            {
                "address": "aws_kms_key.alerts",
                "mode": "managed",
                "type": "aws_kms_key",
                "name": "alerts",
                "action_reason": "replace_because_cannot_update",
                "change": {
                    "actions": ["delete", "create"],
                    "before": {"policy": SECRET},
                    "after": {"policy": SECRET},
                    "replace_paths": [["customer_master_key_spec"]],
                },
            },
            {
                "address": "aws_sns_topic.alerts",
                "previous_address": "aws_sns_topic.old",
                "mode": "managed",
                "type": "aws_sns_topic",
                "name": "alerts",
                "change": {"actions": ["no-op"], "before": {"name": SECRET}, "after": {"name": SECRET}},
            },
            {
                "address": "aws_iam_role.deploy",
                "deposed": "0f1e2d3c",
                "mode": "managed",
                "type": "aws_iam_role",
                "name": "deploy",
                "change": {"actions": ["delete"], "before": {"assume_role_policy": SECRET}, "after": None},
            },
        ],
        "output_changes": {"db_password": {"actions": ["update"], "before": None, "after": SECRET}},
        "configuration": {"root_module": {"variables": {"db_password": {"default": SECRET}}}},
    }


EXPECTED: list[Entry] = [
    {"address": "aws_db.main", "actions": ["update"]},
    {"address": "aws_kms_key.alerts", "actions": ["delete", "create"]},
    {"address": "aws_sns_topic.alerts", "actions": ["no-op"], "previous_address": "aws_sns_topic.old"},
    {"address": "aws_iam_role.deploy", "actions": ["delete"], "deposed": "0f1e2d3c"},
]


@pytest.fixture()
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_with_secrets()), encoding="utf-8")
    return path


def test_the_summary_is_each_change_by_address_and_action_in_plan_order() -> None:
    assert summarise(parse_plan(json.dumps(plan_with_secrets()))) == EXPECTED


def test_a_secret_anywhere_in_the_plan_is_in_neither_the_text_nor_the_json(plan_file: Path) -> None:
    assert SECRET in plan_file.read_text()  # the fixture does carry it
    runner = CliRunner()
    for arguments in ([str(plan_file)], [str(plan_file), "--json"]):
        result = runner.invoke(app, ["plan-summary", *arguments])
        assert result.exit_code == 0, result.output
        assert SECRET not in result.output
        assert "aws_kms_key.alerts" in result.output
    text = as_text(EXPECTED)
    assert "delete,create  aws_kms_key.alerts" in text
    assert "(moved from aws_sns_topic.old)" in text and "(deposed object 0f1e2d3c)" in text


def test_a_plan_without_changes_says_so() -> None:
    plan = {"format_version": "1.2", "planned_values": {}, "resource_changes": []}
    assert as_text(summarise(parse_plan(json.dumps(plan)))) == "no changes"


def test_a_file_that_is_no_plan_exits_2_naming_it(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"format_version": "1.0", "values": {"secret": SECRET}}))
    result = CliRunner().invoke(app, ["plan-summary", str(state)])
    assert result.exit_code == 2
    assert "state.json" in result.output and "planned_values" in result.output and SECRET not in result.output


def test_the_workflow_jq_filter_prints_exactly_what_the_function_does(plan_file: Path) -> None:
    """The drift job runs no project code, so it summarises with jq; both must agree byte for byte."""
    jq = shutil.which("jq")
    assert jq is not None, "jq is not installed (GitHub's runners and this machine image have it)"
    result = subprocess.run([jq, "-c", JQ_FILTER, str(plan_file)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == as_json(EXPECTED)
    assert SECRET not in result.stdout
    empty = subprocess.run([jq, "-c", JQ_FILTER], input="{}", capture_output=True, text=True, check=True)
    assert empty.stdout.strip() == "[]" == as_json([])
