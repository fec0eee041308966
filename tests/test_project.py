"""UnifiedStudioProject: wiring to its profile, members (owner wins), user parameters, tags and subclass hooks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from cdktn import TerraformStack

from smus_constructs.errors import PropValidationError
from smus_constructs.project import (
    MemberDesignation,
    MemberKind,
    ProjectMember,
    ProjectProps,
    UnifiedStudioProject,
)
from smus_constructs.project_profile import EnvironmentConfig, ProjectProfileProps, UnifiedStudioProjectProfile
from tests.helpers import all_of, make_blueprint, make_domain, new_stack, only, resolve, synth


def profile_in(stack: TerraformStack) -> UnifiedStudioProjectProfile:
    domain = make_domain(stack)
    tooling = make_blueprint(stack, domain, "Tooling")
    lake = make_blueprint(stack, domain, "DataLake")
    return UnifiedStudioProjectProfile(
        stack,
        "Profile",
        ProjectProfileProps(
            domain=domain,
            name="Analytics",
            environments=[EnvironmentConfig(blueprint=tooling), EnvironmentConfig(blueprint=lake)],
        ),
    )


def project_in(
    stack: TerraformStack, cls: type[UnifiedStudioProject] = UnifiedStudioProject, **props: Any
) -> UnifiedStudioProject:
    values: dict[str, Any] = {"profile": profile_in(stack), "name": "customer-360"}
    values.update(props)
    return cls(stack, "Project", ProjectProps(**values))


def test_project_takes_domain_and_profile_from_the_profile_object() -> None:
    stack = new_stack()
    project = project_in(stack, description="Joined view")
    body = only(synth(stack), "awscc_datazone_project")
    assert body["name"] == "customer-360"
    assert body["description"] == "Joined view"
    assert body["project_profile_id"] == resolve(stack, project.profile.project_profile_id)
    assert body["domain_identifier"] == resolve(stack, project.profile.domain.domain_id)
    assert resolve(stack, project.project_id).endswith(".project_id}")
    assert "timeouts" not in body


def test_members_become_one_membership_each_with_designation() -> None:
    stack = new_stack()
    project_in(
        stack,
        members=[
            ProjectMember(identifier="b0c1d2e3-f405-7162-8374-95a6b7c8d9e0", designation=MemberDesignation.OWNER),
            ProjectMember(identifier="0a1b2c3d4e-1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b", kind=MemberKind.GROUP),
        ],
    )
    memberships = sorted(
        all_of(synth(stack), "awscc_datazone_project_membership").values(), key=lambda m: m["designation"]
    )
    assert [(m["designation"], m["member"]) for m in memberships] == [
        ("PROJECT_CONTRIBUTOR", {"group_identifier": "0a1b2c3d4e-1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"}),
        ("PROJECT_OWNER", {"user_identifier": "b0c1d2e3-f405-7162-8374-95a6b7c8d9e0"}),
    ]
    assert all(m["project_identifier"].endswith(".project_id}") for m in memberships)


def test_a_principal_listed_as_owner_and_contributor_is_owner_with_a_warning() -> None:
    stack = new_stack()
    with pytest.warns(
        UserWarning, match="'b0c1d2e3-f405-7162-8374-95a6b7c8d9e0' is listed as both owner and contributor; owner wins"
    ):
        project_in(
            stack,
            members=[
                ProjectMember(
                    identifier="b0c1d2e3-f405-7162-8374-95a6b7c8d9e0", designation=MemberDesignation.CONTRIBUTOR
                ),
                ProjectMember(identifier="b0c1d2e3-f405-7162-8374-95a6b7c8d9e0", designation=MemberDesignation.OWNER),
            ],
        )
    memberships = list(all_of(synth(stack), "awscc_datazone_project_membership").values())
    assert [m["designation"] for m in memberships] == ["PROJECT_OWNER"]


def test_user_parameters_and_resource_tags_are_sorted_structs() -> None:
    stack = new_stack()
    project_in(stack, user_parameters={"DataLake": {"b": "2", "a": "1"}}, resource_tags={"Team": "risk", "App": "x"})
    body = only(synth(stack), "awscc_datazone_project")
    assert body["user_parameters"] == [
        {
            "environment_configuration_name": "DataLake",
            "environment_parameters": [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}],
        }
    ]
    assert body["resource_tags"] == [{"key": "App", "value": "x"}, {"key": "Team", "value": "risk"}]


def test_user_parameters_for_an_environment_the_profile_lacks_are_refused() -> None:
    with pytest.raises(PropValidationError, match=r"user_parameters = \['Redshift'\].*\['Tooling', 'DataLake'\]"):
        project_in(new_stack(), user_parameters={"Redshift": {"a": "1"}})


def test_invalid_project_name_is_refused() -> None:
    with pytest.raises(PropValidationError, match=r"test/Project: name = 'a' \* 65|name = 'a{65}'"):
        project_in(new_stack(), name="a" * 65)


class TeamProject(UnifiedStudioProject):
    """A minimal subclass exercising every hook."""

    def default_members(self) -> Sequence[ProjectMember]:
        return [
            ProjectMember(
                identifier="5a6b7c8d9e-0f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b",
                kind=MemberKind.GROUP,
                designation=MemberDesignation.OWNER,
            )
        ]

    def default_resource_tags(self) -> Mapping[str, str]:
        return {"Team": "default-team", "Tier": "gold"}

    def default_user_parameters(self) -> Mapping[str, Mapping[str, str]]:
        return {"DataLake": {"retention": "30", "encryption": "kms"}}

    def default_description(self, props: ProjectProps) -> str | None:
        return f"Team project {props.name}"

    def validate(self, props: ProjectProps) -> None:
        if props.name.startswith("tmp"):
            raise PropValidationError(self.node.path, "name", props.name, "a name not starting with 'tmp'")


def test_subclass_hooks_supply_defaults_that_props_override() -> None:
    stack = new_stack()
    project_in(stack, TeamProject, resource_tags={"Team": "risk"}, user_parameters={"DataLake": {"retention": "90"}})
    doc = synth(stack)
    body = only(doc, "awscc_datazone_project")
    assert body["description"] == "Team project customer-360"
    assert body["resource_tags"] == [{"key": "Team", "value": "risk"}, {"key": "Tier", "value": "gold"}]
    assert body["user_parameters"][0]["environment_parameters"] == [
        {"name": "encryption", "value": "kms"},
        {"name": "retention", "value": "90"},
    ]
    member = only(doc, "awscc_datazone_project_membership")
    assert (member["designation"], member["member"]) == (
        "PROJECT_OWNER",
        {"group_identifier": "5a6b7c8d9e-0f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b"},
    )


def test_subclass_validate_hook_can_refuse() -> None:
    with pytest.raises(PropValidationError, match=r"name = 'tmp-x'.*not starting with 'tmp'"):
        project_in(new_stack(), TeamProject, name="tmp-x")
