"""Which IAM roles an account file makes the platform and projects stacks create, and with which boundary.

Predicted from config alone (no cdktn), for two readers: the loader, which refuses a created role without a
permissions boundary unless `domain.no_permissions_boundary_reason` says why, and the bootstrap stack, whose deploy
role may write only these roles (and none at all in an account that creates none). tests/test_deploy_role_iam.py
compares the prediction with every `aws_iam_role` the example estates synthesise.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.models import AccountConfig
from smus_constructs.blueprint_names import BlueprintName
from smus_constructs.regions import partition_of
from smus_constructs.role_names import (
    PROJECT_BOUNDARY,
    QUERY_ROLE_PARAMETER,
    SERVICE_ROLE_PATH,
    domain_execution_role_name,
    domain_service_role_name,
    manage_access_role_name,
    project_execution_role_name,
    provisioning_role_name,
    query_execution_role_name,
)


@dataclass(frozen=True, kw_only=True)
class CreatedRole:
    """A role the stacks create: the config field whose absence creates it, its name, and its boundary (if any)."""

    field: str
    name: str
    permissions_boundary_arn: str | None
    path: str = SERVICE_ROLE_PATH


def created_roles(config: AccountConfig) -> list[CreatedRole]:
    """Every role the account's platform and projects stacks create, in config order."""
    domain = config.domain
    prefix = config.name_prefix
    boundary = config.role_settings.permissions_boundary_arn
    roles: list[CreatedRole] = []

    def add(field: str, name: str, role_boundary: str | None = boundary) -> None:
        roles.append(CreatedRole(field=field, name=name, permissions_boundary_arn=role_boundary))

    if domain is not None and domain.execution_role_arn is None:
        add("domain.execution_role_arn", domain_execution_role_name(prefix))
    if domain is not None and domain.service_role_arn is None:
        add("domain.service_role_arn", domain_service_role_name(prefix))
    if config.blueprint_roles.provisioning_role_arn is None:
        add("blueprint_roles.provisioning_role_arn", provisioning_role_name(prefix))
    if config.blueprint_roles.manage_access_role_arn is None:
        add("blueprint_roles.manage_access_role_arn", manage_access_role_name(prefix))
    tooling = config.blueprints.get(BlueprintName.TOOLING)
    if (
        tooling is not None
        and (tooling.query_execution_role_arn or tooling.global_parameters.get(QUERY_ROLE_PARAMETER)) is None
    ):
        add("blueprints.Tooling.query_execution_role_arn", query_execution_role_name(prefix))
    creating = {profile.name for profile in config.profiles if profile.project_execution_role == "create"}
    project_boundary = boundary or f"arn:{partition_of(config.account.region)}:iam::aws:policy/{PROJECT_BOUNDARY}"
    for index, project in enumerate(config.projects):
        if project.profile in creating and project.execution_role_arn is None and project.category == "STANDARD":
            add(
                f"projects[{index}].execution_role_arn",
                project_execution_role_name(prefix, project.name),
                project_boundary,
            )
    return roles


def role_boundaries(roles: list[CreatedRole]) -> list[str]:
    """The boundaries created roles carry: the deploy role writes a role only while it carries one of them."""
    return sorted({role.permissions_boundary_arn for role in roles if role.permissions_boundary_arn is not None})


def unbounded_role_names(roles: list[CreatedRole]) -> list[str]:
    """Created roles without a boundary (only with `domain.no_permissions_boundary_reason`)."""
    return sorted(role.name for role in roles if role.permissions_boundary_arn is None)
