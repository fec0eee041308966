"""UnifiedStudioBlueprint: closed names, data-source lookup, regional parameters, roles and its environment grant."""

from __future__ import annotations

import json

import pytest

from smus_constructs.blueprint import BlueprintRoles, RegionalParameters
from smus_constructs.blueprint_names import BlueprintName, parse_blueprint_name
from smus_constructs.errors import PropValidationError
from smus_constructs.grants import GroupPrincipal
from tests.helpers import ACCOUNT, ROLE, all_of, make_blueprint, make_domain, new_stack, only, resolve, synth


def test_blueprint_id_is_looked_up_by_name_in_its_domain() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    blueprint = make_blueprint(stack, domain, BlueprintName.DATA_LAKE)
    doc = synth(stack)
    lookup = only(doc, "aws_datazone_environment_blueprint", kind="data")
    assert lookup["name"] == "DataLake"
    assert lookup["managed"] is True
    assert lookup["domain_id"].startswith("${aws_datazone_domain.")
    config = only(doc, "aws_datazone_environment_blueprint_configuration")
    assert config["environment_blueprint_id"] == resolve(stack, blueprint.blueprint_id)
    assert config["enabled_regions"] == ["eu-west-1"]
    assert config["provisioning_role_arn"] == ROLE
    assert config["manage_access_role_arn"] == ROLE
    assert "timeouts" not in config


def test_regional_parameters_use_the_providers_map_form() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    make_blueprint(
        stack,
        domain,
        "Tooling",
        enabled_regions=["eu-west-1", "eu-central-1"],
        regional_parameters={
            "eu-west-1": RegionalParameters(
                s3_location="s3://bucket/tooling", vpc_id="vpc-0123456789abcdef0", subnet_ids=["subnet-1", "subnet-2"]
            )
        },
        global_parameters={"foo": "bar"},
    )
    config = only(synth(stack), "aws_datazone_environment_blueprint_configuration")
    assert config["enabled_regions"] == ["eu-west-1", "eu-central-1"]
    assert config["regional_parameters"] == {
        "eu-west-1": {
            "S3Location": "s3://bucket/tooling",
            "Subnets": "subnet-1,subnet-2",
            "VpcId": "vpc-0123456789abcdef0",
        }
    }
    assert config["global_parameters"] == {"foo": "bar"}


def test_regional_parameters_for_a_region_not_enabled_are_refused() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    with pytest.raises(
        PropValidationError, match=r"regional_parameters = 'us-east-1'.*enabled regions \['eu-west-1'\]"
    ):
        make_blueprint(stack, domain, "Tooling", regional_parameters={"us-east-1": RegionalParameters()})


def test_unknown_blueprint_name_is_refused_with_the_accepted_names() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    with pytest.raises(
        PropValidationError, match=r"Blueprint-Datalake: name = 'Datalake'.*Tooling, ToolingLite, DataLake"
    ):
        make_blueprint(stack, domain, "Datalake")
    with pytest.raises(ValueError, match="unknown blueprint 'Sagemaker'; accepted: Tooling, ToolingLite"):
        parse_blueprint_name("Sagemaker")


def test_environment_grant_defaults_to_root_unit_projects() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    blueprint = make_blueprint(stack, domain, "DataLake")
    grant = only(synth(stack), "awscc_datazone_policy_grant")
    assert grant["policy_type"] == "CREATE_ENVIRONMENT_FROM_BLUEPRINT"
    assert grant["entity_type"] == "ENVIRONMENT_BLUEPRINT_CONFIGURATION"
    assert grant["entity_identifier"] == f"{ACCOUNT}:" + resolve(stack, blueprint.blueprint_id)
    assert grant["detail"] == {"create_environment_from_blueprint": "{}"}
    assert grant["principal"]["project"]["project_designation"] == "CONTRIBUTOR"
    unit_filter = grant["principal"]["project"]["project_grant_filter"]["domain_unit_filter"]
    assert unit_filter["domain_unit"] == resolve(stack, domain.root_domain_unit_id)
    assert unit_filter["include_child_domain_units"] is True
    assert any("aws_datazone_environment_blueprint_configuration" in d for d in grant["depends_on"])


def test_environment_creators_can_be_named_explicitly() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    make_blueprint(
        stack,
        domain,
        "DataLake",
        environment_creators=[GroupPrincipal(group_identifier="9a8b7c6d-5e4f-7031-8221-0a1b2c3d4e5f")],
    )
    grant = only(synth(stack), "awscc_datazone_policy_grant")
    assert grant["principal"] == {"group": {"group_identifier": "9a8b7c6d-5e4f-7031-8221-0a1b2c3d4e5f"}}


def test_blueprint_roles_are_created_with_documented_trust_when_not_given() -> None:
    stack = new_stack()
    domain = make_domain(stack, execution_role_arn=ROLE, service_role_arn=ROLE)
    BlueprintRoles(stack, "BlueprintRoles", domain=domain, name_prefix="test")
    roles = {r["name"]: r for r in all_of(synth(stack), "aws_iam_role").values()}
    assert set(roles) == {"test-provisioning", "test-manage-access"}
    provisioning = json.loads(roles["test-provisioning"]["assume_role_policy"])["Statement"][0]
    assert provisioning["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    manage = json.loads(roles["test-manage-access"]["assume_role_policy"])["Statement"][0]
    assert manage["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert manage["Condition"]["ArnEquals"]["aws:SourceArn"].startswith("${aws_datazone_domain.")
    attachments = all_of(synth(stack), "aws_iam_role_policy_attachment").values()
    attached = {(a["role"].split(".")[1], a["policy_arn"]) for a in attachments}
    manage_access = sorted(arn for role, arn in attached if "ManageAccess" in role)
    assert manage_access == [
        # aws-ia's blueprint-bootstrap attaches all three (Lake Formation/SageMaker, Glue, Redshift)
        "arn:aws:iam::aws:policy/AmazonDataZoneSageMakerManageAccessRolePolicy",
        "arn:aws:iam::aws:policy/service-role/AmazonDataZoneGlueManageAccessRolePolicy",
        "arn:aws:iam::aws:policy/service-role/AmazonDataZoneRedshiftManageAccessRolePolicy",
    ]
    assert sorted(arn for role, arn in attached if "Provisioning" in role) == [
        "arn:aws:iam::aws:policy/service-role/SageMakerStudioProjectProvisioningRolePolicy"
    ]
    inline = json.loads(only(synth(stack), "aws_iam_role_policy")["policy"])["Statement"][0]
    assert inline["Action"] == "secretsmanager:GetSecretValue"
    # This account's secrets only (parliament: GetSecretValue takes a secret ARN, so "*" would be wider than needed).
    assert inline["Resource"] == f"arn:aws:secretsmanager:*:{ACCOUNT}:secret:*"
    assert "secretsmanager:ResourceTag/AmazonDataZoneDomain" in inline["Condition"]["StringEquals"]


def test_blueprint_roles_given_emit_no_role() -> None:
    stack = new_stack()
    domain = make_domain(stack, execution_role_arn=ROLE, service_role_arn=ROLE)
    roles = BlueprintRoles(
        stack, "BlueprintRoles", domain=domain, name_prefix="t", provisioning_role_arn=ROLE, manage_access_role_arn=ROLE
    )
    assert (roles.provisioning_role_arn, roles.manage_access_role_arn) == (ROLE, ROLE)
    assert "aws_iam_role" not in synth(stack).get("resource", {})
    with pytest.raises(PropValidationError, match="provisioning_role_arn = 'my-role'"):
        BlueprintRoles(new_stack(), "R", domain=domain, name_prefix="t", provisioning_role_arn="my-role")


def test_a_blueprint_can_send_no_provisioning_or_manage_access_role() -> None:
    """aws-ia sends neither for S3Bucket and S3TableCatalog (the project's execution role provisions them)."""
    stack = new_stack()
    domain = make_domain(stack)
    make_blueprint(stack, domain, "S3Bucket", provisioning_role_arn=None, manage_access_role_arn=None)
    config = only(synth(stack), "aws_datazone_environment_blueprint_configuration")
    assert "provisioning_role_arn" not in config
    assert "manage_access_role_arn" not in config


def test_a_blueprint_can_send_only_a_provisioning_role() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    make_blueprint(stack, domain, "ToolingLite", manage_access_role_arn=None)
    config = only(synth(stack), "aws_datazone_environment_blueprint_configuration")
    assert config["provisioning_role_arn"] == ROLE
    assert "manage_access_role_arn" not in config
