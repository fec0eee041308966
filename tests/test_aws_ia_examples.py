"""aws-ia's two released examples, written in this project's config, synthesise resource for resource.

The fixtures under tests/fixtures/aws_ia/ translate aws-ia/terraform-aws-sagemaker-unified-studio v0.2.1's
`examples/quick-setup` and `examples/domain-management-and-bring-your-own-role` (with their terraform.tfvars.example
values). The expectations below are read off that module's code: each DataZone resource it creates must have its
counterpart here, with the same identifying values. Where this project deliberately differs, the test says so:

* a customer-managed domain key is created (the examples leave `kms_key_identifier` null: an AWS-owned key; SMUS-002);
* every named user is registered with a user profile (quick-setup adds SSO users as members without one), and an IAM
  role member is a user of type IAM_ROLE (aws-ia sends IAM roles as `group_identifier` without a profile);
* the Tooling bucket also gets bucket-owner-enforced ownership and a TLS-only policy.

Every literal value of every DataZone resource, here and in the example estate, is also held to the
AWS::DataZone::* CloudFormation schema patterns (hashicorp/terraform-provider-awscc schemas), with identities
required to be IDs.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smus_cli.synth import synthesise
from smus_constructs import patterns
from tests.conftest import StackDoc

FIXTURES = Path(__file__).parent / "fixtures" / "aws_ia"
EXAMPLES = {"quick-setup": "quicksetup", "domain-management-and-bring-your-own-role": "byor"}


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, StackDoc]]:
    """Example -> layer -> synthesised stack, each translated estate synthesised once."""
    out: dict[str, dict[str, StackDoc]] = {}
    for example, account in EXAMPLES.items():
        outdir = tmp_path_factory.mktemp(account) / "cdktf.out"
        synthesise(FIXTURES / example / "accounts", outdir)
        out[example] = {
            layer: json.loads((outdir / "stacks" / f"{account}-{layer}" / "cdk.tf.json").read_text())
            for layer in ("platform", "projects")
        }
    return out


def resources(stacks: dict[str, StackDoc], kind: str) -> list[dict[str, Any]]:
    return [body for doc in stacks.values() for body in doc.get("resource", {}).get(kind, {}).values()]


def blueprint_names(stacks: dict[str, StackDoc]) -> Counter[str]:
    lookups = stacks["platform"]["data"]["aws_datazone_environment_blueprint"].values()
    return Counter(lookup["name"] for lookup in lookups)


def environments(profile: dict[str, Any]) -> list[tuple[str, str, Any, dict[str, Any]]]:
    names = profile["//"]["environment_blueprints"]
    return [
        (
            env["name"],
            names[env["name"]],
            env.get("deployment_order"),
            {
                o["name"]: (o.get("value"), o["is_editable"])
                for o in (env.get("configuration_parameters") or {}).get("parameter_overrides", [])
            },
        )
        for env in profile.get("environment_configurations", [])
    ]


# --- examples/quick-setup --------------------------------------------------------------------------------------

QUICK_SETUP_BLUEPRINTS = {
    # root main.tf module "tooling_blueprint", and local.blueprint_configs for sql analytics and generative AI
    "Tooling", "DataLake", "LakehouseCatalog", "RedshiftServerless", "QuickSight",
    *(f"AmazonBedrock{n}" for n in ("ChatAgent", "Evaluation", "Flow", "Function", "Guardrail", "KnowledgeBase")),
    "AmazonBedrockPrompt",
}  # fmt: skip
# needs_regional_parameters = true in local.blueprint_configs, and Tooling (root module)
QUICK_SETUP_NETWORKED = {"Tooling", "DataLake", "LakehouseCatalog", "RedshiftServerless"}


def test_quick_setup_enables_the_same_blueprints_each_with_its_grant(translated: dict[str, Any]) -> None:
    stacks = translated["quick-setup"]
    assert blueprint_names(stacks) == Counter(QUICK_SETUP_BLUEPRINTS)
    configs = resources(stacks, "aws_datazone_environment_blueprint_configuration")
    assert len(configs) == len(QUICK_SETUP_BLUEPRINTS)
    assert all(c["enabled_regions"] == ["us-west-2"] for c in configs)
    networked = {
        c["//"]["metadata"]["path"].split("Blueprint-")[1].split("/")[0]
        for c in configs
        if c.get("regional_parameters")
    }
    assert networked == QUICK_SETUP_NETWORKED
    for config in configs:
        params = config.get("regional_parameters", {}).get("us-west-2")
        if params:
            assert set(params) == {"S3Location", "Subnets", "VpcId"}
    # modules/blueprint: one CREATE_ENVIRONMENT_FROM_BLUEPRINT grant per blueprint, to the root unit's projects
    grants = [
        g
        for g in resources(stacks, "awscc_datazone_policy_grant")
        if g["entity_type"] == "ENVIRONMENT_BLUEPRINT_CONFIGURATION"
    ]
    assert len(grants) == len(QUICK_SETUP_BLUEPRINTS)
    assert {g["principal"]["project"]["project_designation"] for g in grants} == {"CONTRIBUTOR"}


def test_quick_setup_profiles_have_the_same_environment_configurations(translated: dict[str, Any]) -> None:
    profiles = {p["name"]: p for p in resources(translated["quick-setup"], "awscc_datazone_project_profile")}
    assert set(profiles) == {"SQL analytics", "Generative AI application development", "Generative AI model governance"}
    # modules/project-profile: Tooling first (order 0), ON_CREATE (order 1), then ON_DEMAND, each group by name
    assert environments(profiles["SQL analytics"]) == [
        ("Tooling", "Tooling", 0, {}),
        ("Lakehouse Database", "DataLake", 1, {"glueDbName": ("glue_db", True)}),
        (
            "Redshift Serverless",
            "RedshiftServerless",
            1,
            {
                "redshiftDbName": ("dev", True),
                "connectToRMSCatalog": ("true", False),
                "redshiftMaxCapacity": ("512", False),
            },
        ),
        (
            "OnDemand Catalog for RMS",
            "LakehouseCatalog",
            None,
            {"catalogName": ("", True), "catalogDescription": ("RMS catalog", True)},
        ),
        (
            "OnDemand QuickSight",
            "QuickSight",
            None,
            {},
        ),
        (
            "OnDemand Redshift Serverless",
            "RedshiftServerless",
            None,
            {
                "redshiftDbName": ("dev", True),
                "redshiftMaxCapacity": ("512", True),
                "redshiftWorkgroupName": ("redshift-serverless-workgroup", True),
                "redshiftBaseCapacity": ("128", True),
                "connectionName": ("redshift.serverless", True),
                "connectToRMSCatalog": ("false", False),
            },
        ),
    ]
    genai = environments(profiles["Generative AI application development"])
    assert genai[0] == ("Tooling", "Tooling", 0, {})
    assert sorted(e[1] for e in genai[1:]) == sorted(n for n in QUICK_SETUP_BLUEPRINTS if n.startswith("AmazonBedrock"))
    assert all(e[2] is None for e in genai[1:])
    # root main.tf: the model governance profile has no environment configurations
    assert environments(profiles["Generative AI model governance"]) == []
    assert {p["status"] for p in profiles.values()} == {"ENABLED"}


def test_quick_setup_has_one_create_project_grant_for_every_profile(translated: dict[str, Any]) -> None:
    stacks = translated["quick-setup"]
    (grant,) = [
        g
        for g in resources(stacks, "awscc_datazone_policy_grant")
        if g["policy_type"] == "CREATE_PROJECT_FROM_PROJECT_PROFILE"
    ]
    assert grant["principal"] == {"user": {"all_users_grant_filter": "{}"}}
    assert len(grant["detail"]["create_project_from_project_profile"]["project_profiles"]) == 2


def test_quick_setup_projects_members_and_domain(translated: dict[str, Any]) -> None:
    stacks = translated["quick-setup"]
    projects = {p["name"]: p for p in resources(stacks, "awscc_datazone_project")}
    assert set(projects) == {"GenerativeAIModelGovernanceProject", "my-analytics-project-a1b2c3"}
    (membership,) = resources(stacks, "awscc_datazone_project_membership")
    assert (membership["designation"], membership["member"]) == (
        "PROJECT_OWNER",
        {"user_identifier": "a8b9c0d1-e2f3-7041-8526-37a8b9c0d1e2"},  # user@example.com, through the lock
    )
    (domain,) = resources(stacks, "aws_datazone_domain")
    assert (domain["domain_version"], domain["single_sign_on"]) == (
        "V2",
        [{"type": "IAM_IDC", "user_assignment": "AUTOMATIC"}],
    )
    # root main.tf: execution, service, query execution, provisioning and manage-access roles, and the Tooling bucket
    roles = sorted(r["name"] for r in resources(stacks, "aws_iam_role"))
    kinds = ("domain-execution", "domain-service", "query-execution", "provisioning", "manage-access")
    assert roles == sorted(f"my-unified-studio-{kind}" for kind in kinds)
    (bucket,) = resources(stacks, "aws_s3_bucket")
    assert bucket["bucket"] == "smus-tooling-444455556666-us-west-2"
    (tooling,) = [
        c
        for c in resources(stacks, "aws_datazone_environment_blueprint_configuration")
        if "Blueprint-Tooling/" in c["//"]["metadata"]["path"]
    ]
    assert tooling["regional_parameters"]["us-west-2"]["S3Location"] == "s3://smus-tooling-444455556666-us-west-2"
    assert "sagemakerQueryExecutionRoleArn" in tooling["global_parameters"]


# --- examples/domain-management-and-bring-your-own-role -----------------------------------------------------------


def test_byor_enables_tooling_and_the_default_profile_blueprints(translated: dict[str, Any]) -> None:
    stacks = translated["domain-management-and-bring-your-own-role"]
    assert blueprint_names(stacks) == Counter({"Tooling": 1, "ToolingLite": 1, "S3Bucket": 1, "S3TableCatalog": 1})
    grants = [
        g
        for g in resources(stacks, "awscc_datazone_policy_grant")
        if g["entity_type"] == "ENVIRONMENT_BLUEPRINT_CONFIGURATION"
    ]
    assert len(grants) == 4


def test_byor_default_project_profile_and_its_value_less_overrides(translated: dict[str, Any]) -> None:
    stacks = translated["domain-management-and-bring-your-own-role"]
    profiles = {p["name"]: p for p in resources(stacks, "awscc_datazone_project_profile")}
    assert set(profiles) == {"Default Project Profile", "Generative AI model governance"}
    assert environments(profiles["Default Project Profile"]) == [
        ("ToolingLite", "ToolingLite", 0, {"s3BucketLocation": ("", True)}),
        ("S3Bucket", "S3Bucket", None, {"bucketName": (None, True)}),
        ("S3TableCatalog", "S3TableCatalog", None, {"catalogName": ("", True), "databaseName": ("", True)}),
    ]


def test_byor_admin_project_default_project_and_memberships(translated: dict[str, Any]) -> None:
    stacks = translated["domain-management-and-bring-your-own-role"]
    projects = {p["name"]: p for p in resources(stacks, "awscc_datazone_project")}
    assert set(projects) == {"GenerativeAIModelGovernanceProject", "admin-project-777788889999", "my-byor-project"}
    assert projects["admin-project-777788889999"]["project_category"] == "ADMIN"
    assert "project_profile_id" not in projects["admin-project-777788889999"]
    assert "aws_iam_role." in projects["my-byor-project"]["project_execution_role"]  # the created BYOR role
    members = Counter(
        (m["designation"], next(iter(m["member"])), m["project_identifier"].split(".")[1])
        for m in resources(stacks, "awscc_datazone_project_membership")
    )
    admin = next(k for k in {key[2] for key in members} if k.startswith("AdminProject"))
    default = next(k for k in {key[2] for key in members} if k.startswith("Project-my-byor"))
    assert members == Counter(
        {
            ("PROJECT_OWNER", "user_identifier", admin): 3,  # admin@example.com, the IAM role, the IAM user
            ("PROJECT_OWNER", "user_identifier", default): 1,  # owner@example.com
            ("PROJECT_CONTRIBUTOR", "user_identifier", default): 1,  # contributor@example.com
            ("PROJECT_CONTRIBUTOR", "group_identifier", default): 1,  # the group, by ID
        }
    )
    user_types = Counter(u["user_type"] for u in resources(stacks, "awscc_datazone_user_profile"))
    assert user_types == Counter({"SSO_USER": 3, "IAM_USER": 1, "IAM_ROLE": 1})
    (group,) = resources(stacks, "awscc_datazone_group_profile")
    assert group["group_identifier"] == "12345678-1234-1234-1234-123456789012"


# --- literal values against the CloudFormation schemas --------------------------------------------------------

DZ_ID = re.compile(r"^[a-zA-Z0-9_-]{1,36}$")
UNIT_ID = re.compile(r"^[a-z0-9_\-]+$")
PARAMETER_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
PROJECT_ROLE = re.compile(r"^arn:aws[^:]*:iam::\d{12}:role/[\w+=,.@/-]+$")
ENUMS: dict[str, set[str]] = {
    "user_type": {"IAM_USER", "IAM_ROLE", "SSO_USER", "IAM_ROLE_SESSION"},
    "status": {"ASSIGNED", "NOT_ASSIGNED", "ACTIVATED", "DEACTIVATED", "ENABLED", "DISABLED"},
    "designation": {
        "PROJECT_OWNER", "PROJECT_CONTRIBUTOR", "PROJECT_CATALOG_VIEWER", "PROJECT_CATALOG_CONSUMER",
        "PROJECT_CATALOG_STEWARD",
    },
    "project_designation": {"OWNER", "CONTRIBUTOR", "PROJECT_CATALOG_STEWARD"},
    "entity_type": {"DOMAIN_UNIT", "ENVIRONMENT_BLUEPRINT_CONFIGURATION", "ENVIRONMENT_PROFILE", "ASSET_TYPE"},
    "deployment_mode": {"ON_CREATE", "ON_DEMAND"},
    "domain_version": {"V1", "V2"},
    "type": {"IAM_IDC", "DISABLED"},
    "user_assignment": {"AUTOMATIC", "MANUAL"},
}  # fmt: skip
POLICY_TYPES = {
    "CREATE_DOMAIN_UNIT", "OVERRIDE_DOMAIN_UNIT_OWNERS", "ADD_TO_PROJECT_MEMBER_POOL", "OVERRIDE_PROJECT_OWNERS",
    "CREATE_GLOSSARY", "CREATE_FORM_TYPE", "CREATE_ASSET_TYPE", "CREATE_PROJECT", "CREATE_ENVIRONMENT_PROFILE",
    "DELEGATE_CREATE_ENVIRONMENT_PROFILE", "CREATE_ENVIRONMENT", "CREATE_ENVIRONMENT_FROM_BLUEPRINT",
    "CREATE_PROJECT_FROM_PROJECT_PROFILE",
}  # fmt: skip
# attribute name -> (pattern, what the schema says). Identities: IDs only (the schemas' name alternatives are refused).
PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "user_identifier": (patterns.USER_IDENTIFIER, "UserIdentifier, as an ID or IAM ARN"),
    "group_identifier": (patterns.IDENTITY_CENTER_ID, "GroupIdentifier, as an Identity Store ID"),
    "domain_identifier": (patterns.DOMAIN_ID, "DomainIdentifier"),
    "project_identifier": (DZ_ID, "ProjectIdentifier"),
    "project_profile_id": (DZ_ID, "ProjectProfileId"),
    "environment_blueprint_id": (DZ_ID, "EnvironmentBlueprintId"),
    "domain_unit_id": (UNIT_ID, "DomainUnitId"),
    "domain_unit_identifier": (UNIT_ID, "DomainUnitIdentifier"),
    "parent_domain_unit_identifier": (UNIT_ID, "ParentDomainUnitIdentifier"),
    "domain_unit": (UNIT_ID, "DomainUnitFilterForProject.DomainUnit"),
    "project_execution_role": (PROJECT_ROLE, "ProjectExecutionRole"),
    "provisioning_role_arn": (patterns.ROLE_ARN, "ProvisioningRoleArn"),
    "manage_access_role_arn": (patterns.ROLE_ARN, "ManageAccessRoleArn"),
    "domain_execution_role": (patterns.ROLE_ARN, "DomainExecutionRole"),
    "service_role": (patterns.ROLE_ARN, "ServiceRole"),
    "kms_key_identifier": (patterns.KMS_KEY_ARN, "KmsKeyIdentifier"),
    "region_name": (patterns.REGION, "RegionName"),
    "aws_account_id": (patterns.ACCOUNT_ID, "AwsAccountId"),
}


def literal_findings(kind: str, address: str, value: Any, path: str = "") -> Iterator[str]:
    """Every literal (non-reference) value that breaks its schema rule, as '<resource> <path> = <value>: <rule>'."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "//":
                yield from literal_findings(kind, address, item, f"{path}.{key}" if path else key)
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from literal_findings(kind, address, item, f"{path}[{index}]")
        return
    if not isinstance(value, str) or "${" in value:
        return
    leaf = re.sub(r"\[\d+\]$", "", path.rsplit(".", 1)[-1])
    where = f"{kind}.{address} {path} = {value!r}"
    if leaf in PATTERNS and not PATTERNS[leaf][0].match(value):
        yield f"{where}: {PATTERNS[leaf][1]}"
    if leaf in ENUMS and value not in ENUMS[leaf]:
        yield f"{where}: one of {sorted(ENUMS[leaf])}"
    if leaf == "policy_type" and value not in POLICY_TYPES:
        yield f"{where}: a ManagedPolicyType"
    if (
        leaf == "name"
        and kind in ("awscc_datazone_project", "awscc_datazone_project_profile")
        and "parameter_overrides" not in path
    ) and not patterns.RESOURCE_NAME.match(value):
        yield f"{where}: Name ^[\\w -]+$, 1-64"
    if leaf == "name" and "parameter_overrides" in path and not PARAMETER_NAME.match(value):
        yield f"{where}: EnvironmentConfigurationParameter.Name"
    if leaf == "name" and kind == "awscc_datazone_domain_unit" and not re.match(r"^[\w -]{1,128}$", value):
        yield f"{where}: DomainUnit Name"
    if leaf == "description" and len(value) > 2048:
        yield f"{where}: at most 2048 characters"
    if leaf == "enabled_regions" and not patterns.REGION.match(value):
        yield f"{where}: EnabledRegions item"


def datazone_findings(stacks: dict[str, StackDoc]) -> tuple[int, list[str]]:
    checked, found = 0, []
    for doc in stacks.values():
        for kind, bodies in doc.get("resource", {}).items():
            if "datazone" not in kind:
                continue
            for address, body in bodies.items():
                checked += 1
                found += list(literal_findings(kind, address, body))
                order = [e.get("deployment_order") for e in body.get("environment_configurations", []) or []]
                found += [
                    f"{kind}.{address} deployment_order = {o}: 0-16"
                    for o in order
                    if o is not None and not 0 <= o <= 16
                ]
    return checked, found


def test_every_literal_of_the_example_estate_meets_the_schemas(example_stacks: dict[str, StackDoc]) -> None:
    checked, found = datazone_findings(example_stacks)
    assert checked > 50
    assert found == []


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_every_literal_of_the_translated_examples_meets_the_schemas(example: str, translated: dict[str, Any]) -> None:
    checked, found = datazone_findings(translated[example])
    assert checked > 10
    assert found == []


def test_the_schema_check_can_fail() -> None:
    bad = {
        "p": {
            "resource": {
                "awscc_datazone_group_profile": {"G": {"group_identifier": "analytics-leads", "status": "ASSIGNED"}},
                "awscc_datazone_project_profile": {
                    "P": {
                        "name": "bad/name",
                        "environment_configurations": [
                            {
                                "deployment_order": 17,
                                "configuration_parameters": {"parameter_overrides": [{"name": "a-b"}]},
                            }
                        ],
                    }
                },
            }
        }
    }
    _, found = datazone_findings(bad)
    assert len(found) == 4, found
    assert any("group_identifier = 'analytics-leads'" in f for f in found)
