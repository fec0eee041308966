"""What aws-ia/terraform-aws-sagemaker-unified-studio v0.2.1 does that our config must be able to say.

The admin project of the domain management portal (modules/domain-management-portal), the "Generative AI model
governance" profile and project (root main.tf), profile status and value-less overrides (modules/project-profile,
modules/default-project-profile), and the managed blueprint names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config.errors import ConfigError
from config.loader import load_estate
from smus_constructs.blueprint_names import BlueprintName
from smus_constructs.errors import PropValidationError
from smus_constructs.project import MemberDesignation, MemberKind, ProjectMember, UnifiedStudioAdminProject
from smus_constructs.project_profile import (
    EnvironmentConfig,
    ParameterOverride,
    ProjectProfileProps,
    UnifiedStudioProjectProfile,
)
from tests.conftest import StackDoc
from tests.estate import FIXTURE_ACCOUNTS
from tests.helpers import all_of, make_blueprint, make_domain, new_stack, only, resolve, synth
from tests.test_config_errors import make_config, sub

ADMIN_ROLE = "arn:aws:iam::123456789012:role/DomainAdmin"
SSO_ADMIN = "c4d8f4e8-5051-70ef-6c7d-8e9fa0b1c2d3"


# --- managed blueprint names --------------------------------------------------------------------------------


def test_the_managed_blueprint_names_are_the_current_list() -> None:
    # ../shared/FACTS.md's 22 names, and LakehouseAdmin, which aws-ia v0.2.1's blueprint module names among the
    # blueprints that take no regional parameters (modules/blueprint/variables.tf, regional_parameters).
    assert {name.value for name in BlueprintName} == {
        *("Tooling", "ToolingLite", "DataLake", "LakehouseCatalog", "LakehouseAdmin", "RedshiftServerless"),
        *("EmrServerless", "EmrOnEc2", "EmrOnEks", "MLExperiments", "MLflowApp", "Workflows", "QuickSight"),
        *("PartnerApps", "S3Bucket", "S3TableCatalog"),
        *(f"AmazonBedrock{n}" for n in ("ChatAgent", "Evaluation", "Flow", "Function", "Guardrail")),
        *(f"AmazonBedrock{n}" for n in ("KnowledgeBase", "Prompt")),
    }


# --- profile status and value-less overrides ------------------------------------------------------------------


def profile(
    *, environments: list[EnvironmentConfig] | None = None, env: dict[str, Any] | None = None, **props: Any
) -> StackDoc:
    stack = new_stack()
    domain = make_domain(stack)
    if environments is None:
        environments = [EnvironmentConfig(blueprint=make_blueprint(stack, domain, "Tooling"), **(env or {}))]
    UnifiedStudioProjectProfile(
        stack, "Profile", ProjectProfileProps(domain=domain, name="P", environments=environments, **props)
    )
    return synth(stack)


def test_a_disabled_profile_says_so() -> None:
    assert only(profile(enabled=False), "awscc_datazone_project_profile")["status"] == "DISABLED"


def test_an_override_without_a_value_sends_no_value() -> None:
    doc = profile(env={"parameter_overrides": [ParameterOverride(name="bucketName", value=None, is_editable=True)]})
    (config,) = only(doc, "awscc_datazone_project_profile")["environment_configurations"]
    assert config["configuration_parameters"]["parameter_overrides"] == [{"name": "bucketName", "is_editable": True}]


def test_an_override_name_is_held_to_the_schema_pattern() -> None:
    with pytest.raises(PropValidationError, match=r"parameter_overrides\[\]\.name = 'bucket-name'"):
        profile(env={"parameter_overrides": [ParameterOverride(name="bucket-name", value="x")]})


# --- the Generative AI model governance profile ------------------------------------------------------------------


def test_a_profile_without_environments_is_the_model_governance_profile() -> None:
    body = only(profile(environments=[]), "awscc_datazone_project_profile")
    assert "environment_configurations" not in body
    assert body["status"] == "ENABLED"


# --- the admin project (domain management portal) -------------------------------------------------------------


def test_the_admin_project_has_the_admin_category_no_profile_and_its_members() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    admin = UnifiedStudioAdminProject(
        stack,
        "Admin",
        domain=domain,
        name="admin-project-123456789012",
        members=[
            ProjectMember(identifier=SSO_ADMIN, designation=MemberDesignation.OWNER),
            ProjectMember(identifier=ADMIN_ROLE, designation=MemberDesignation.OWNER),
        ],
    )
    doc = synth(stack)
    body = only(doc, "awscc_datazone_project")
    assert body["project_category"] == "ADMIN"
    assert "project_profile_id" not in body
    assert body["domain_unit_id"] == resolve(stack, domain.root_domain_unit_id)
    members = sorted(m["member"]["user_identifier"] for m in all_of(doc, "awscc_datazone_project_membership").values())
    assert members == [ADMIN_ROLE, SSO_ADMIN]
    assert resolve(stack, admin.project_id).endswith(".project_id}")


def test_an_admin_project_member_must_be_an_id() -> None:
    stack = new_stack()
    with pytest.raises(PropValidationError, match=r"members\[\]\.identifier = 'admin@example.com'"):
        UnifiedStudioAdminProject(
            stack,
            "Admin",
            domain=make_domain(stack),
            name="admin",
            members=[ProjectMember(identifier="admin@example.com", kind=MemberKind.USER)],
        )


def config_problems(tmp_path: Path, *edits: tuple[str, str]) -> str:
    def edit(text: str) -> str:
        for old, new in edits:
            text = sub(old, new)(text)
        return text

    with pytest.raises(ConfigError) as caught:
        load_estate(make_config(tmp_path, edit))
    return str(caught.value)


ADMIN = '\n[[projects]]\nname = "second-admin"\ncategory = "ADMIN"\n'


def test_the_example_estate_has_an_admin_project_with_sso_and_iam_administrators() -> None:
    for loaded in load_estate(FIXTURE_ACCOUNTS):
        (admin,) = [p for p in loaded.config.projects if p.category == "ADMIN"]
        assert admin.profile is None
        assert {
            owner.id.split(":")[2] if owner.id.startswith("arn:") else "sso" for owner in admin.owners if owner.id
        } == {
            "iam",
            "sso",
        }


def test_an_admin_project_is_synthesised_with_its_members(example_stacks: dict[str, StackDoc]) -> None:
    projects = example_stacks["prod-projects"]["resource"]["awscc_datazone_project"]
    (admin,) = [body for body in projects.values() if body.get("project_category") == "ADMIN"]
    assert "project_profile_id" not in admin and admin["name"] == "domain-admin"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('profile = "Analytics"\n', "projects[3].profile = 'Analytics': expected to be left out: an ADMIN project"),
        ('execution_role_arn = "arn:aws:iam::111111111111:role/x"\n', "projects[3].execution_role_arn"),
        ('template = "governed-ml"\n', "projects[3].template = 'governed-ml': expected 'standard'"),
    ],
)
def test_an_admin_project_takes_no_profile_or_role(tmp_path: Path, extra: str, message: str) -> None:
    text = config_problems(tmp_path, ('category = "ADMIN"\n', 'category = "ADMIN"\n' + extra))
    assert message in text


def test_only_one_admin_project_per_domain(tmp_path: Path) -> None:
    config_dir = make_config(tmp_path, lambda t: t + ADMIN)
    with pytest.raises(ConfigError, match=r"projects\[4\]\.category = 'ADMIN': expected one ADMIN project"):
        load_estate(config_dir)


def test_a_standard_project_needs_a_profile(tmp_path: Path) -> None:
    text = config_problems(
        tmp_path,
        ('profile = "Analytics"\nunit = "/root/analytics"\ndescription', 'unit = "/root/analytics"\ndescription'),
    )
    assert "projects[0].profile = (missing): expected a profile" in text


def test_the_admin_project_needs_tooling(tmp_path: Path) -> None:
    config_dir = make_config(
        tmp_path,
        lambda t: t.replace("[blueprints.Tooling]", "[blueprints.ToolingLite]").replace(
            "[blueprints.Tooling.regional", "[blueprints.ToolingLite.regional"
        ),
    )
    with pytest.raises(ConfigError) as caught:
        load_estate(config_dir)
    assert "projects[3].category = 'ADMIN': expected the Tooling blueprint enabled in eu-west-1" in str(caught.value)


def test_config_profile_status_and_value_less_overrides_load(tmp_path: Path) -> None:
    config_dir = make_config(
        tmp_path,
        sub(
            '  { blueprint = "Tooling" },\n  { blueprint = "DataLake" },\n  { blueprint = "RedshiftServerless"',
            '  { blueprint = "Tooling", overrides = [{ name = "s3BucketLocation", editable = true }] },\n'
            '  { blueprint = "DataLake" },\n  { blueprint = "RedshiftServerless"',
        ),
    )
    dev = next(a for a in load_estate(config_dir) if a.name == "dev")
    assert dev.config.profiles[0].environments[0].overrides[0].value is None
    assert dev.config.profiles[0].status == "ENABLED"


def test_a_profile_may_have_no_environments_but_a_non_empty_one_needs_tooling(tmp_path: Path) -> None:
    dev = next(a for a in load_estate(FIXTURE_ACCOUNTS) if a.name == "dev")
    governance = next(p for p in dev.config.profiles if p.name == "Generative AI model governance")
    assert governance.environments == []
    text = config_problems(
        tmp_path,
        (
            '{ blueprint = "Tooling" },\n  { blueprint = "DataLake" },\n  { blueprint = "RedshiftServerless"',
            '{ blueprint = "DataLake" },\n  { blueprint = "RedshiftServerless"',
        ),
    )
    assert "profiles[0].environments" in text and "a list that includes Tooling" in text


def test_the_model_governance_profile_and_project_are_synthesised(example_stacks: dict[str, StackDoc]) -> None:
    resources = example_stacks["dev-projects"]["resource"]
    (profile,) = [
        b for b in resources["awscc_datazone_project_profile"].values() if b["name"] == "Generative AI model governance"
    ]
    assert "environment_configurations" not in profile
    names = {b["name"] for b in resources["awscc_datazone_project"].values()}
    assert "GenerativeAIModelGovernanceProject" in names


# --- Tooling storage -------------------------------------------------------------------------------------------


def tooling_stack(**storage: Any) -> tuple[Any, StackDoc]:
    from smus_constructs.tooling_storage import ToolingStorage

    stack = new_stack()
    domain = make_domain(stack)
    made = ToolingStorage(stack, "ToolingStorage", domain=domain, name_prefix="acme-dev", **storage)
    doc = synth(stack)
    # Only what the storage construct made (the test domain creates its own roles and key).
    mine = {
        kind: {address: body for address, body in bodies.items() if address.startswith("ToolingStorage")}
        for kind, bodies in doc["resource"].items()
    }
    return made, {"resource": {kind: bodies for kind, bodies in mine.items() if bodies}}


def test_tooling_storage_is_created_when_not_given() -> None:
    made, doc = tooling_stack()
    bucket = only(doc, "aws_s3_bucket")
    assert bucket["bucket"] == "smus-tooling-123456789012-eu-west-1"
    assert made.s3_location == "s3://smus-tooling-123456789012-eu-west-1"
    (rule,) = only(doc, "aws_s3_bucket_server_side_encryption_configuration")["rule"]
    assert rule["apply_server_side_encryption_by_default"] == {"sse_algorithm": "aws:kms"}
    block = only(doc, "aws_s3_bucket_public_access_block")
    assert all(
        block[k] is True
        for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )
    assert only(doc, "aws_s3_bucket_ownership_controls")["rule"]["object_ownership"] == "BucketOwnerEnforced"
    role = only(doc, "aws_iam_role")
    assert (role["name"], role["path"]) == ("acme-dev-query-execution", "/service-role/")
    attachment = only(doc, "aws_iam_role_policy_attachment")
    assert attachment["policy_arn"] == "arn:aws:iam::aws:policy/service-role/SageMakerStudioQueryExecutionRolePolicy"


def test_given_tooling_storage_creates_nothing() -> None:
    role = "arn:aws:iam::123456789012:role/service-role/QueryExecution"
    made, doc = tooling_stack(s3_location="s3://given-bucket/tooling", query_execution_role_arn=role)
    assert "aws_s3_bucket" not in doc.get("resource", {}) and "aws_iam_role" not in doc.get("resource", {})
    assert (made.s3_location, made.query_execution_role_arn) == ("s3://given-bucket/tooling", role)


def test_the_tooling_blueprint_uses_the_storage(example_stacks: dict[str, StackDoc]) -> None:
    platform = example_stacks["dev-platform"]["resource"]
    (tooling,) = [
        body
        for body in platform["aws_datazone_environment_blueprint_configuration"].values()
        if "Blueprint-Tooling" in body["//"]["metadata"]["path"]
    ]
    assert tooling["regional_parameters"]["eu-west-1"]["S3Location"] == "s3://acme-smus-dev-projects/tooling"
    assert (
        "aws_iam_role.ToolingStorage_QueryExecution" in tooling["global_parameters"]["sagemakerQueryExecutionRoleArn"]
    )
    assert any("ToolingStorage" in dep for dep in tooling["depends_on"])
