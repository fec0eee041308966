"""DataZone policy grants (`awscc_datazone_policy_grant`) with typed principals.

A grant says who may do what to which entity. Principals are small frozen dataclasses so that a typo in a designation
or a missing domain unit is a type error, not an API error at apply.
Known provider bug: hashicorp/terraform-provider-awscc#2859 (a policy grant can error on apply although the grant was
created); re-running apply converges. Pin the provider and watch that issue before upgrading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cdktn import ITerraformDependable
from cdktn_provider_awscc.datazone_policy_grant import (
    DatazonePolicyGrant,
    DatazonePolicyGrantDetail,
    DatazonePolicyGrantDetailCreateProjectFromProjectProfile,
    DatazonePolicyGrantPrincipal,
    DatazonePolicyGrantPrincipalGroup,
    DatazonePolicyGrantPrincipalProject,
    DatazonePolicyGrantPrincipalProjectProjectGrantFilter,
    DatazonePolicyGrantPrincipalProjectProjectGrantFilterDomainUnitFilter,
    DatazonePolicyGrantPrincipalUser,
)
from constructs import Construct


@dataclass(frozen=True, kw_only=True)
class UserPrincipal:
    """One user, by DataZone user identifier (an Identity Center user ID or an IAM ARN)."""

    user_identifier: str


@dataclass(frozen=True, kw_only=True)
class GroupPrincipal:
    """One Identity Center group, by group identifier."""

    group_identifier: str


@dataclass(frozen=True, kw_only=True)
class AllUsers:
    """Every user of the domain. Protected accounts should not use this without a recorded reason."""


@dataclass(frozen=True, kw_only=True)
class DomainUnitProjects:
    """Projects in a domain unit (optionally its children too), acting with the given designation."""

    domain_unit_id: str
    designation: Literal["OWNER", "CONTRIBUTOR"] = "CONTRIBUTOR"
    include_child_domain_units: bool = True


GrantPrincipal = UserPrincipal | GroupPrincipal | AllUsers | DomainUnitProjects


def principal_struct(principal: GrantPrincipal) -> DatazonePolicyGrantPrincipal:
    """The awscc struct for a principal. Always generated struct classes: plain dicts in lists lose keys in jsii."""
    match principal:
        case UserPrincipal(user_identifier=user):
            return DatazonePolicyGrantPrincipal(user=DatazonePolicyGrantPrincipalUser(user_identifier=user))
        case AllUsers():
            return DatazonePolicyGrantPrincipal(user=DatazonePolicyGrantPrincipalUser(all_users_grant_filter="{}"))
        case GroupPrincipal(group_identifier=group):
            return DatazonePolicyGrantPrincipal(group=DatazonePolicyGrantPrincipalGroup(group_identifier=group))
        case DomainUnitProjects():
            return DatazonePolicyGrantPrincipal(
                project=DatazonePolicyGrantPrincipalProject(
                    project_designation=principal.designation,
                    project_grant_filter=DatazonePolicyGrantPrincipalProjectProjectGrantFilter(
                        domain_unit_filter=DatazonePolicyGrantPrincipalProjectProjectGrantFilterDomainUnitFilter(
                            domain_unit=principal.domain_unit_id,
                            include_child_domain_units=principal.include_child_domain_units,
                        )
                    ),
                )
            )
    raise TypeError(f"unsupported grant principal {principal!r}")


def create_environment_from_blueprint_grant(
    scope: Construct,
    id: str,
    *,
    domain_id: str,
    account_id: str,
    blueprint_id: str,
    principal: GrantPrincipal,
    depends_on: list[ITerraformDependable] | None = None,
) -> DatazonePolicyGrant:
    """Let ``principal`` create environments from an enabled blueprint (entity: the blueprint configuration)."""
    return DatazonePolicyGrant(
        scope,
        id,
        domain_identifier=domain_id,
        entity_type="ENVIRONMENT_BLUEPRINT_CONFIGURATION",
        entity_identifier=f"{account_id}:{blueprint_id}",
        policy_type="CREATE_ENVIRONMENT_FROM_BLUEPRINT",
        detail=DatazonePolicyGrantDetail(create_environment_from_blueprint="{}"),
        principal=principal_struct(principal),
        depends_on=depends_on,
    )


def create_project_from_profile_grant(
    scope: Construct,
    id: str,
    *,
    domain_id: str,
    domain_unit_id: str,
    project_profile_id: str,
    principal: GrantPrincipal,
    include_child_domain_units: bool = True,
) -> DatazonePolicyGrant:
    """Let ``principal`` create projects from one profile in a domain unit (entity: the domain unit)."""
    return DatazonePolicyGrant(
        scope,
        id,
        domain_identifier=domain_id,
        entity_type="DOMAIN_UNIT",
        entity_identifier=domain_unit_id,
        policy_type="CREATE_PROJECT_FROM_PROJECT_PROFILE",
        detail=DatazonePolicyGrantDetail(
            create_project_from_project_profile=DatazonePolicyGrantDetailCreateProjectFromProjectProfile(
                project_profiles=[project_profile_id],
                include_child_domain_units=include_child_domain_units,
            )
        ),
        principal=principal_struct(principal),
    )
