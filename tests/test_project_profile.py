"""UnifiedStudioProjectProfile: composition from blueprint objects, the ordering rules, overrides and checks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from smus_constructs.blueprint_names import BlueprintName
from smus_constructs.domain import DomainProps, UnifiedStudioDomain
from smus_constructs.errors import PropValidationError
from smus_constructs.grants import AllUsers, GroupPrincipal
from smus_constructs.project_profile import (
    DeploymentMode,
    EnvironmentConfig,
    ParameterOverride,
    ProjectProfileProps,
    UnifiedStudioProjectProfile,
)
from tests.helpers import ACCOUNT, Doc, make_blueprint, make_domain, new_stack, only, resolve, synth


def build(
    environments_spec: list[tuple[str, DeploymentMode]], **overrides: Any
) -> tuple[UnifiedStudioProjectProfile, Doc]:
    """A profile over freshly enabled blueprints, and its stack's JSON."""
    stack = new_stack()
    domain = make_domain(stack)
    blueprints = {name: make_blueprint(stack, domain, name) for name, _ in environments_spec}
    props: dict[str, Any] = {
        "domain": domain,
        "name": "Analytics",
        "environments": [EnvironmentConfig(blueprint=blueprints[n], deployment_mode=m) for n, m in environments_spec],
    }
    props.update(overrides)
    profile = UnifiedStudioProjectProfile(stack, "Profile", ProjectProfileProps(**props))
    return profile, synth(stack)


def test_tooling_first_then_on_create_then_on_demand() -> None:
    _, doc = build(
        [
            ("RedshiftServerless", DeploymentMode.ON_DEMAND),
            ("MLExperiments", DeploymentMode.ON_CREATE),
            ("AmazonBedrockChatAgent", DeploymentMode.ON_DEMAND),
            ("Tooling", DeploymentMode.ON_CREATE),
            ("DataLake", DeploymentMode.ON_CREATE),
        ]
    )
    configs = only(doc, "awscc_datazone_project_profile")["environment_configurations"]
    assert [(c["name"], c.get("deployment_order"), c["deployment_mode"]) for c in configs] == [
        ("Tooling", 0, "ON_CREATE"),
        ("DataLake", 1, "ON_CREATE"),
        ("MLExperiments", 1, "ON_CREATE"),
        ("AmazonBedrockChatAgent", None, "ON_DEMAND"),
        ("RedshiftServerless", None, "ON_DEMAND"),
    ]
    assert all(c["aws_account"] == {"aws_account_id": ACCOUNT} for c in configs)
    assert all(c["aws_region"] == {"region_name": "eu-west-1"} for c in configs)


def test_overrides_are_null_never_an_empty_list() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    tooling = make_blueprint(stack, domain, "Tooling")
    lake = make_blueprint(stack, domain, "DataLake")
    UnifiedStudioProjectProfile(
        stack,
        "Profile",
        ProjectProfileProps(
            domain=domain,
            name="Locked",
            environments=[
                EnvironmentConfig(blueprint=tooling),
                EnvironmentConfig(
                    blueprint=lake, parameter_overrides=[ParameterOverride(name="retentionDays", value="400")]
                ),
            ],
        ),
    )
    configs = only(synth(stack), "awscc_datazone_project_profile")["environment_configurations"]
    assert "configuration_parameters" not in configs[0]
    assert configs[1]["configuration_parameters"] == {
        "parameter_overrides": [{"is_editable": False, "name": "retentionDays", "value": "400"}]
    }


def test_profile_wires_domain_blueprint_ids_and_exposes_its_id() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    tooling = make_blueprint(stack, domain, "Tooling")
    profile = UnifiedStudioProjectProfile(
        stack,
        "Profile",
        ProjectProfileProps(domain=domain, name="P", environments=[EnvironmentConfig(blueprint=tooling)]),
    )
    body = only(synth(stack), "awscc_datazone_project_profile")
    assert body["domain_identifier"] == resolve(stack, domain.domain_id)
    assert body["domain_unit_identifier"] == resolve(stack, domain.root_domain_unit_id)
    assert body["environment_configurations"][0]["environment_blueprint_id"] == resolve(stack, tooling.blueprint_id)
    assert resolve(stack, profile.project_profile_id).endswith(".project_profile_id}")
    assert "timeouts" not in body
    assert profile.environment_names == ("Tooling",)


def test_a_profile_without_tooling_is_refused() -> None:
    with pytest.raises(PropValidationError, match=r"environments = \['DataLake'\].*Tooling"):
        build([("DataLake", DeploymentMode.ON_CREATE)])


def test_a_blueprint_not_enabled_in_the_profile_region_is_refused() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    tooling = make_blueprint(stack, domain, "Tooling")
    with pytest.raises(PropValidationError, match=r"environments\[Tooling\].region = 'us-east-1'.*\['eu-west-1'\]"):
        UnifiedStudioProjectProfile(
            stack,
            "Profile",
            ProjectProfileProps(
                domain=domain, name="P", environments=[EnvironmentConfig(blueprint=tooling, region="us-east-1")]
            ),
        )


def test_a_blueprint_of_another_domain_is_refused() -> None:
    stack = new_stack()
    domain = make_domain(stack)
    other = UnifiedStudioDomain(stack, "Other", DomainProps(name="other", account_id=ACCOUNT, region="eu-west-1"))
    foreign_tooling = make_blueprint(stack, other, BlueprintName.TOOLING)
    with pytest.raises(PropValidationError, match=r"blueprint = 'Tooling'.*this profile's own domain"):
        UnifiedStudioProjectProfile(
            stack,
            "Profile",
            ProjectProfileProps(domain=domain, name="P", environments=[EnvironmentConfig(blueprint=foreign_tooling)]),
        )


def test_invalid_profile_name_is_refused() -> None:
    with pytest.raises(PropValidationError, match=r"name = 'ML/GenAI'"):
        build([("Tooling", DeploymentMode.ON_CREATE)], name="ML/GenAI")


def test_project_creators_get_a_create_project_grant_on_the_unit() -> None:
    _, doc = build(
        [("Tooling", DeploymentMode.ON_CREATE)],
        project_creators=[GroupPrincipal(group_identifier="f4e8d4a8-1071-70c1-c2a1-7e7f0e1d2c3b"), AllUsers()],
    )
    grants = [
        g
        for g in doc["resource"]["awscc_datazone_policy_grant"].values()
        if g["policy_type"] == "CREATE_PROJECT_FROM_PROJECT_PROFILE"
    ]
    principals = {json.dumps(g["principal"], sort_keys=True) for g in grants}
    assert principals == {
        json.dumps({"group": {"group_identifier": "f4e8d4a8-1071-70c1-c2a1-7e7f0e1d2c3b"}}),
        json.dumps({"user": {"all_users_grant_filter": "{}"}}),
    }
    detail = grants[0]["detail"]["create_project_from_project_profile"]
    assert detail["include_child_domain_units"] is True
    assert detail["project_profiles"][0].endswith(".project_profile_id}")
    assert grants[0]["entity_type"] == "DOMAIN_UNIT"


def test_no_project_creators_means_no_grant() -> None:
    _, doc = build([("Tooling", DeploymentMode.ON_CREATE)])
    grants = doc["resource"]["awscc_datazone_policy_grant"].values()
    assert [g["policy_type"] for g in grants] == ["CREATE_ENVIRONMENT_FROM_BLUEPRINT"]
