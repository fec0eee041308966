"""Project execution roles: created per project, bounded, and Bedrock invoke scoped to approved model IDs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from config.errors import ConfigError
from config.loader import load_estate
from smus_constructs.errors import PropValidationError
from smus_constructs.project_role import ProjectExecutionRole, bedrock_invoke_statements, bedrock_model_arns
from tests.conftest import StackDoc
from tests.estate import FIXTURE_ACCOUNTS
from tests.helpers import ACCOUNT, REGION, all_of, new_stack, only, synth


def role_in(**overrides: Any) -> dict[str, Any]:
    stack = new_stack()
    props: dict[str, Any] = {
        "name_prefix": "acme-dev",
        "project_name": "fraud models",
        "partition": "aws",
        "region": REGION,
        "account_id": ACCOUNT,
    }
    props.update(overrides)
    ProjectExecutionRole(stack, "ExecRole", **props)
    return synth(stack)


def bedrock_policy(doc: dict[str, Any]) -> dict[str, Any]:
    (policy,) = [p for p in all_of(doc, "aws_iam_role_policy").values() if p["name"] == "BedrockApprovedModels"]
    return policy


def test_created_role_is_bounded_trusted_by_datazone_and_named_safely() -> None:
    role = only(role_in(), "aws_iam_role")
    assert role["name"] == "acme-dev-fraud-models-exec"
    assert role["path"] == "/service-role/"
    assert role["permissions_boundary"] == "arn:aws:iam::aws:policy/SageMakerStudioProjectUserRolePermissionsBoundary"
    (statement,) = json.loads(role["assume_role_policy"])["Statement"]
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_created_role_has_the_trust_aws_documents_for_a_project_role() -> None:
    """aws-ia's domain-management-and-bring-your-own-role project role: the services project tools run as."""
    (statement,) = json.loads(only(role_in(), "aws_iam_role")["assume_role_policy"])["Statement"]
    assert statement["Principal"] == {
        "Service": [
            "airflow-serverless.amazonaws.com",
            "athena.amazonaws.com",
            "bedrock.amazonaws.com",
            "datazone.amazonaws.com",
            "emr-serverless.amazonaws.com",
            "glue.amazonaws.com",
            "lakeformation.amazonaws.com",
            "redshift.amazonaws.com",
            "sagemaker.amazonaws.com",
            "scheduler.amazonaws.com",
        ]
    }
    assert statement["Action"] == ["sts:AssumeRole", "sts:SetContext", "sts:SetSourceIdentity", "sts:TagSession"]


def test_created_role_carries_the_documented_execution_policy_and_may_pass_only_itself() -> None:
    doc = role_in()
    (attachment,) = all_of(doc, "aws_iam_role_policy_attachment").values()
    assert attachment["policy_arn"] == "arn:aws:iam::aws:policy/SageMakerStudioUserIAMDefaultExecutionPolicy"
    (policy,) = all_of(doc, "aws_iam_role_policy").values()
    assert policy["name"] == "PassOwnRoleToProjectServices"
    (statement,) = json.loads(policy["policy"])["Statement"]
    assert statement["Action"] == "iam:PassRole"
    assert statement["Resource"] == f"arn:aws:iam::{ACCOUNT}:role/service-role/acme-dev-fraud-models-exec"
    passed_to = statement["Condition"]["StringEquals"]["iam:PassedToService"]
    assert "datazone.amazonaws.com" not in passed_to  # DataZone assumes it; no service gets it to pass on further
    assert {"glue.amazonaws.com", "sagemaker.amazonaws.com", "bedrock.amazonaws.com"} <= set(passed_to)


def test_without_bedrock_the_role_has_no_bedrock_permission() -> None:
    policies = [json.loads(p["policy"]) for p in all_of(role_in(), "aws_iam_role_policy").values()]
    assert not [s for p in policies for s in p["Statement"] if "bedrock" in json.dumps(s["Action"])]


def test_bedrock_invoke_is_scoped_to_the_approved_model_ids() -> None:
    doc = role_in(
        bedrock_model_ids=["anthropic.claude-3-5-sonnet-20240620-v1:0", "eu.anthropic.claude-3-7-sonnet-20250219-v1:0"]
    )
    direct, through_profile = json.loads(bedrock_policy(doc)["policy"])["Statement"]
    for statement in (direct, through_profile):
        assert statement["Action"] == ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    profile = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/eu.anthropic.claude-3-7-sonnet-20250219-v1:0"
    assert direct["Resource"] == sorted(
        [f"arn:aws:bedrock:{REGION}::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0", profile]
    )
    assert "Condition" not in direct
    # The profile's foundation model only through that profile, and only in the EU regions it can route to.
    assert through_profile["Condition"] == {"ArnEquals": {"bedrock:InferenceProfileArn": profile}}
    regions = {arn.split(":")[3] for arn in through_profile["Resource"]}
    assert "eu-west-1" in regions and "eu-central-1" in regions
    assert all(region.startswith("eu-") for region in regions), regions
    assert all(
        arn.endswith("::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0")
        for arn in through_profile["Resource"]
    )
    assert not [arn for s in (direct, through_profile) for arn in s["Resource"] if ":bedrock:*:" in arn]


@pytest.mark.parametrize(
    ("profile", "inside", "outside"),
    [
        ("us.amazon.nova-pro-v1:0", "us-east-2", "us-gov-west-1"),
        ("apac.amazon.nova-pro-v1:0", "ap-southeast-1", "eu-west-1"),
        ("jp.anthropic.claude-sonnet-4-5-20250929-v1:0", "ap-northeast-3", "ap-southeast-1"),
        ("au.anthropic.claude-sonnet-4-5-20250929-v1:0", "ap-southeast-4", "ap-northeast-1"),
        ("ca.amazon.nova-lite-v1:0", "ca-west-1", "us-east-1"),
    ],
)
def test_a_profiles_foundation_model_stays_in_the_profiles_geography(profile: str, inside: str, outside: str) -> None:
    (_, through_profile) = bedrock_invoke_statements("aws", "us-east-1", ACCOUNT, [profile])
    regions = {arn.split(":")[3] for arn in through_profile["Resource"]}
    assert inside in regions and outside not in regions, regions


def test_a_global_profile_is_still_tied_to_the_profile() -> None:
    (_, through_profile) = bedrock_invoke_statements("aws", REGION, ACCOUNT, ["global.amazon.nova-2-lite-v1:0"])
    assert through_profile["Resource"] == ["arn:aws:bedrock:*::foundation-model/amazon.nova-2-lite-v1:0"]
    assert through_profile["Condition"]["ArnEquals"]["bedrock:InferenceProfileArn"].endswith(
        ":inference-profile/global.amazon.nova-2-lite-v1:0"
    )


@pytest.mark.parametrize("model_id", ["*", "anthropic.*", "Claude 3"])
def test_wildcard_or_malformed_model_ids_are_refused(model_id: str) -> None:
    with pytest.raises(PropValidationError, match=r"bedrock_model_ids = .*a Bedrock model or inference profile ID"):
        role_in(bedrock_model_ids=[model_id])


def test_model_arns_follow_the_partition() -> None:
    assert bedrock_model_arns("aws-us-gov", "us-gov-west-1", ACCOUNT, ["amazon.titan-embed-text-v2:0"]) == [
        "arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/amazon.titan-embed-text-v2:0"
    ]


def test_bedrock_blueprints_without_approved_models_is_a_config_error(tmp_path: Path) -> None:
    config_dir = tmp_path / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS, config_dir)
    dev = config_dir / "dev.toml"
    text = dev.read_text()
    start = text.index("[bedrock]")
    dev.write_text(text[:start] + text[text.index("\n\n", start) :])
    with pytest.raises(
        ConfigError,
        match=r"bedrock\.approved_model_ids = \[\]: expected one or more approved model IDs.*AmazonBedrockChatAgent",
    ):
        load_estate(config_dir)


def test_example_estate_creates_scoped_roles_and_honours_bring_your_own(example_stacks: dict[str, StackDoc]) -> None:
    dev = example_stacks["dev-projects"]
    roles = {r["name"]: r for r in all_of(dev, "aws_iam_role").values()}
    assert list(roles) == ["acme-dev-fraud-models-exec"]
    resources = [r for s in json.loads(bedrock_policy(dev)["policy"])["Statement"] for r in s["Resource"]]
    assert all("foundation-model/" in r or "inference-profile/" in r for r in resources), resources
    projects = {p["name"]: p for p in all_of(dev, "awscc_datazone_project").values()}
    assert projects["fraud-models"]["project_execution_role"].startswith("${aws_iam_role.")
    assert "project_execution_role" not in projects["customer-360"]
    prod_projects = {p["name"]: p for p in all_of(example_stacks["prod-projects"], "awscc_datazone_project").values()}
    assert prod_projects["fraud-models"]["project_execution_role"] == (
        "arn:aws:iam::333333333333:role/service-role/fraud-models-execution"
    )
    assert "aws_iam_role" not in example_stacks["prod-projects"]["resource"]


def test_a_project_waits_for_its_created_roles_policies(example_stacks: dict[str, StackDoc]) -> None:
    """aws-ia waits after creating the project role (time_sleep); DataZone needs the role and its policies in place."""
    dev = example_stacks["dev-projects"]
    (project,) = [p for p in all_of(dev, "awscc_datazone_project").values() if p["name"] == "fraud-models"]
    waits = set(project.get("depends_on", []))
    role_parts = {
        f"{kind}.{name}"
        for kind in ("aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment")
        for name in all_of(dev, kind)
        if name.startswith("ExecutionRole-fraud-models")
    }
    assert len(role_parts) == 4  # the role, its managed policy, its PassRole and Bedrock inline policies
    assert role_parts <= waits, sorted(role_parts - waits)
