"""DataZone policy grants (`awscc_datazone_policy_grant`) with typed principals and typed policies.

A grant says who (principal) may do what (policy type) on which entity (a domain unit or a blueprint configuration).
Principals and policies are small frozen types so that a typo in a designation or a policy is caught before synth,
not returned by the API at apply.

Known provider bug: hashicorp/terraform-provider-awscc#2859 (a policy grant can error on apply although the grant was
created); re-running apply converges. Pin the provider and check that issue before upgrading.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from cdktn import ITerraformDependable, TerraformStack
from cdktn_provider_awscc.datazone_policy_grant import (
    DatazonePolicyGrant,
    DatazonePolicyGrantDetail,
    DatazonePolicyGrantDetailAddToProjectMemberPool,
    DatazonePolicyGrantDetailCreateAssetType,
    DatazonePolicyGrantDetailCreateDomainUnit,
    DatazonePolicyGrantDetailCreateEnvironmentProfile,
    DatazonePolicyGrantDetailCreateFormType,
    DatazonePolicyGrantDetailCreateGlossary,
    DatazonePolicyGrantDetailCreateProject,
    DatazonePolicyGrantDetailCreateProjectFromProjectProfile,
    DatazonePolicyGrantDetailOverrideDomainUnitOwners,
    DatazonePolicyGrantDetailOverrideProjectOwners,
    DatazonePolicyGrantPrincipal,
    DatazonePolicyGrantPrincipalDomainUnit,
    DatazonePolicyGrantPrincipalDomainUnitDomainUnitGrantFilter,
    DatazonePolicyGrantPrincipalGroup,
    DatazonePolicyGrantPrincipalProject,
    DatazonePolicyGrantPrincipalProjectProjectGrantFilter,
    DatazonePolicyGrantPrincipalProjectProjectGrantFilterDomainUnitFilter,
    DatazonePolicyGrantPrincipalUser,
)
from constructs import Construct, Node

from smus_constructs import patterns
from smus_constructs.errors import PropValidationError
from smus_constructs.literals import literal
from smus_constructs.policy_types import GrantPolicy

Designation = Literal["OWNER", "CONTRIBUTOR"]
__all__ = [
    "AllUsers",
    "DomainUnitOwners",
    "DomainUnitProjects",
    "GrantPolicy",
    "GrantPrincipal",
    "GroupPrincipal",
    "PolicyGrant",
    "PolicyGrants",
    "ProjectPrincipal",
    "UserPrincipal",
]


@dataclass(frozen=True, kw_only=True)
class UserPrincipal:
    """One user, by DataZone user identifier (an Identity Center user ID or an IAM ARN)."""

    user_identifier: str
    #: default: none. Who the ID is (the Identity Center user name), written beside the user's profile for reviewers.
    display_name: str | None = field(default=None, compare=False)


@dataclass(frozen=True, kw_only=True)
class GroupPrincipal:
    """One Identity Center group, by group identifier."""

    group_identifier: str
    #: default: none. Who the ID is (the group's display name), written beside the group's profile for reviewers.
    display_name: str | None = field(default=None, compare=False)


@dataclass(frozen=True, kw_only=True)
class AllUsers:
    """Every user of the domain. Protected accounts should not use this without a recorded reason."""

    #: default: none. Why every user gets this; written into the synthesised JSON (governance rule SMUS-016).
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class DomainUnitProjects:
    """Projects in a domain unit (optionally its children too), acting with the given designation."""

    domain_unit_id: str
    designation: Designation = "CONTRIBUTOR"
    include_child_domain_units: bool = True


@dataclass(frozen=True, kw_only=True)
class ProjectPrincipal:
    """One project, acting with the given designation (its owners, or its owners and contributors)."""

    project_id: str
    designation: Designation = "CONTRIBUTOR"


@dataclass(frozen=True, kw_only=True)
class DomainUnitOwners:
    """The owners of a domain unit; with ``all_domain_units`` the owners of every unit."""

    domain_unit_id: str
    all_domain_units: bool = False


GrantPrincipal = UserPrincipal | GroupPrincipal | AllUsers | DomainUnitProjects | ProjectPrincipal | DomainUnitOwners


# Policies whose detail is only `include_child_domain_units`, each with the detail it builds.
_UNIT_DETAILS: dict[GrantPolicy, Callable[[bool], DatazonePolicyGrantDetail]] = {
    GrantPolicy.CREATE_DOMAIN_UNIT: lambda c: DatazonePolicyGrantDetail(
        create_domain_unit=DatazonePolicyGrantDetailCreateDomainUnit(include_child_domain_units=c)
    ),
    GrantPolicy.OVERRIDE_DOMAIN_UNIT_OWNERS: lambda c: DatazonePolicyGrantDetail(
        override_domain_unit_owners=DatazonePolicyGrantDetailOverrideDomainUnitOwners(include_child_domain_units=c)
    ),
    GrantPolicy.ADD_TO_PROJECT_MEMBER_POOL: lambda c: DatazonePolicyGrantDetail(
        add_to_project_member_pool=DatazonePolicyGrantDetailAddToProjectMemberPool(include_child_domain_units=c)
    ),
    GrantPolicy.OVERRIDE_PROJECT_OWNERS: lambda c: DatazonePolicyGrantDetail(
        override_project_owners=DatazonePolicyGrantDetailOverrideProjectOwners(include_child_domain_units=c)
    ),
    GrantPolicy.CREATE_GLOSSARY: lambda c: DatazonePolicyGrantDetail(
        create_glossary=DatazonePolicyGrantDetailCreateGlossary(include_child_domain_units=c)
    ),
    GrantPolicy.CREATE_FORM_TYPE: lambda c: DatazonePolicyGrantDetail(
        create_form_type=DatazonePolicyGrantDetailCreateFormType(include_child_domain_units=c)
    ),
    GrantPolicy.CREATE_ASSET_TYPE: lambda c: DatazonePolicyGrantDetail(
        create_asset_type=DatazonePolicyGrantDetailCreateAssetType(include_child_domain_units=c)
    ),
    GrantPolicy.CREATE_PROJECT: lambda c: DatazonePolicyGrantDetail(
        create_project=DatazonePolicyGrantDetailCreateProject(include_child_domain_units=c)
    ),
}


def principal_key(principal: GrantPrincipal, index: int) -> str:
    """A construct ID part that stays put when config lists are reordered (so grants are not replaced needlessly)."""
    match principal:
        case UserPrincipal(user_identifier=user):
            return "User-" + _safe(user)
        case GroupPrincipal(group_identifier=group):
            return "Group-" + _safe(group)
        case AllUsers():
            return "AllUsers"
    return f"{type(principal).__name__}{index}"


def _safe(value: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in value)


def principal_struct(principal: GrantPrincipal) -> DatazonePolicyGrantPrincipal:
    """The awscc struct for a principal. Always generated struct classes: plain dicts in lists lose keys in jsii."""
    match principal:
        case UserPrincipal(user_identifier=user):
            return DatazonePolicyGrantPrincipal(user=DatazonePolicyGrantPrincipalUser(user_identifier=user))
        case AllUsers():
            return DatazonePolicyGrantPrincipal(user=DatazonePolicyGrantPrincipalUser(all_users_grant_filter="{}"))
        case GroupPrincipal(group_identifier=group):
            return DatazonePolicyGrantPrincipal(group=DatazonePolicyGrantPrincipalGroup(group_identifier=group))
        case ProjectPrincipal():
            return DatazonePolicyGrantPrincipal(
                project=DatazonePolicyGrantPrincipalProject(
                    project_designation=principal.designation, project_identifier=principal.project_id
                )
            )
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
        case DomainUnitOwners():
            return DatazonePolicyGrantPrincipal(
                domain_unit=DatazonePolicyGrantPrincipalDomainUnit(
                    domain_unit_designation="OWNER",
                    domain_unit_identifier=principal.domain_unit_id,
                    domain_unit_grant_filter=DatazonePolicyGrantPrincipalDomainUnitDomainUnitGrantFilter(
                        all_domain_units_grant_filter="{}"
                    )
                    if principal.all_domain_units
                    else None,
                )
            )
    raise TypeError(f"unsupported grant principal {principal!r}")


def detail_struct(
    policy: GrantPolicy,
    *,
    include_child_domain_units: bool = True,
    project_profile_ids: Sequence[str] = (),
    domain_unit_id: str | None = None,
) -> DatazonePolicyGrantDetail:
    """The awscc detail struct for a policy; blueprint policies take an empty JSON object."""
    if policy in _UNIT_DETAILS:
        return _UNIT_DETAILS[policy](include_child_domain_units)
    if policy is GrantPolicy.CREATE_PROJECT_FROM_PROJECT_PROFILE:
        return DatazonePolicyGrantDetail(
            create_project_from_project_profile=DatazonePolicyGrantDetailCreateProjectFromProjectProfile(
                project_profiles=list(project_profile_ids), include_child_domain_units=include_child_domain_units
            )
        )
    if policy is GrantPolicy.CREATE_ENVIRONMENT_PROFILE:
        return DatazonePolicyGrantDetail(
            create_environment_profile=DatazonePolicyGrantDetailCreateEnvironmentProfile(domain_unit_id=domain_unit_id)
        )
    if policy is GrantPolicy.CREATE_ENVIRONMENT_FROM_BLUEPRINT:
        return DatazonePolicyGrantDetail(create_environment_from_blueprint="{}")
    return DatazonePolicyGrantDetail(delegate_create_environment_profile="{}")


class PolicyGrant(Construct):
    """One policy grant. ``entity_id`` is a domain unit ID, or `<account>:<blueprint id>` for blueprint policies."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain_id: str,
        policy: GrantPolicy,
        entity_id: str,
        principal: GrantPrincipal,
        include_child_domain_units: bool = True,
        project_profile_ids: Sequence[str] = (),
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        if isinstance(principal, UserPrincipal):
            patterns.check(patterns.USER_IDENTIFIER, principal.user_identifier, path=self.node.path, prop="principal")
        elif isinstance(principal, GroupPrincipal):
            patterns.check(patterns.GROUP_IDENTIFIER, principal.group_identifier, path=self.node.path, prop="principal")
        if policy is GrantPolicy.CREATE_PROJECT_FROM_PROJECT_PROFILE and not project_profile_ids:
            # DataZone accepts the empty list and the grant then allows nothing: refuse it rather than ship it.
            raise PropValidationError(
                self.node.path, "project_profile_ids", list(project_profile_ids), "one or more project profile IDs"
            )
        self.policy = policy
        self.principal = principal
        self.resource = DatazonePolicyGrant(
            self,
            "Resource",
            domain_identifier=domain_id,
            entity_type=policy.entity_type,
            entity_identifier=entity_id,
            policy_type=policy.value,
            detail=detail_struct(
                policy,
                include_child_domain_units=include_child_domain_units,
                project_profile_ids=project_profile_ids,
                domain_unit_id=entity_id if policy is GrantPolicy.CREATE_ENVIRONMENT_PROFILE else None,
            ),
            principal=principal_struct(principal),
            depends_on=list(depends_on) or None,
        )
        if isinstance(principal, AllUsers) and principal.reason:
            # A `//` comment Terraform ignores: reviewers and the governance rules (SMUS-016) read the reason here.
            self.resource.add_override("//.all_users_reason", literal(principal.reason))


class _GrantDomain(Protocol):
    """What a grant set needs of a domain (smus_constructs.domain.IDomain has it)."""

    @property
    def node(self) -> Node: ...
    @property
    def domain_id(self) -> str: ...


@dataclass
class _Merged:
    """One grant of a :class:`PolicyGrants` set and what was merged into it."""

    grant: PolicyGrant
    hint: str
    include_child_domain_units: bool
    project_profile_ids: list[str] = field(default_factory=list)


class PolicyGrants(Construct):
    """Policy grants of one domain, at most one per (entity, policy type, principal).

    DataZone treats a grant as its entity, policy type and principal: a second `awscc_datazone_policy_grant` with the
    same three replaces the first one's content and then fails with `AlreadyExists` (aws-ia's module, README "Known
    Issues"). So every grant of a stack goes through one set: a CREATE_PROJECT_FROM_PROJECT_PROFILE grant on a scope
    already granted gains the new profiles; any other grant on such a scope must ask for the same detail.

    Keys are the entity and principal strings as given. A token (a unit or blueprint ID known only to Terraform) is
    the same scope only when it is the same token string, so the constructs hand out one token per attribute.
    """

    def __init__(self, scope: Construct, id: str, *, domain_id: str) -> None:
        super().__init__(scope, id)
        self.domain_id = domain_id
        self._by_scope: dict[tuple[str, str, str], _Merged] = {}
        self._hints: set[str] = set()

    @staticmethod
    def of(scope: Construct, domain: _GrantDomain) -> PolicyGrants:
        """The set of ``scope``'s stack for ``domain``, created on first use, so separate constructs share it."""
        stack = TerraformStack.of(scope)
        name = f"Grants-{_safe(domain.node.id)}"
        found = stack.node.try_find_child(name)
        if isinstance(found, PolicyGrants):
            return found
        return PolicyGrants(stack, name, domain_id=domain.domain_id)

    @property
    def grants(self) -> list[PolicyGrant]:
        return [merged.grant for merged in self._by_scope.values()]

    def grant(
        self,
        hint: str,
        *,
        policy: GrantPolicy,
        entity_id: str,
        principal: GrantPrincipal,
        include_child_domain_units: bool = True,
        project_profile_ids: Sequence[str] = (),
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> PolicyGrant:
        """The grant for this scope: created, or the existing one widened by ``project_profile_ids``.

        ``hint`` names the grant's construct (the first caller's wins); keep it stable, a new name replaces the grant.
        """
        scope = (policy.value, entity_id, principal_scope(principal))
        merged = self._by_scope.get(scope)
        if merged is None:
            construct_id = _safe(hint)
            suffix = 2
            while construct_id in self._hints:
                construct_id, suffix = f"{_safe(hint)}-{suffix}", suffix + 1
            self._hints.add(construct_id)
            grant = PolicyGrant(
                self,
                construct_id,
                domain_id=self.domain_id,
                policy=policy,
                entity_id=entity_id,
                principal=principal,
                include_child_domain_units=include_child_domain_units,
                project_profile_ids=project_profile_ids,
                depends_on=depends_on,
            )
            self._by_scope[scope] = _Merged(grant, hint, include_child_domain_units, list(project_profile_ids))
            return grant
        if merged.include_child_domain_units != include_child_domain_units:
            raise PropValidationError(
                f"{self.node.path}/{hint}",
                "include_child_domain_units",
                include_child_domain_units,
                f"{merged.include_child_domain_units}, as grant {merged.hint!r} on the same entity, policy type and "
                "principal says (DataZone keeps one grant per scope)",
            )
        if isinstance(principal, AllUsers) and principal.reason and not _reason_of(merged.grant):
            merged.grant.resource.add_override("//.all_users_reason", literal(principal.reason))
        added = [profile for profile in project_profile_ids if profile not in merged.project_profile_ids]
        if added:
            merged.project_profile_ids.extend(added)
            merged.grant.resource.put_detail(
                create_project_from_project_profile=DatazonePolicyGrantDetailCreateProjectFromProjectProfile(
                    project_profiles=list(merged.project_profile_ids),
                    include_child_domain_units=include_child_domain_units,
                )
            )
        for dependable in depends_on:
            merged.grant.resource.depends_on = [*(merged.grant.resource.depends_on or []), dependable.fqn]
        return merged.grant


def _reason_of(grant: PolicyGrant) -> bool:
    return isinstance(grant.principal, AllUsers) and bool(grant.principal.reason)


def principal_scope(principal: GrantPrincipal) -> str:
    """The principal as DataZone compares it: its kind and every identifying value (not the recorded reason)."""
    match principal:
        case UserPrincipal(user_identifier=user):
            return f"user:{user}"
        case GroupPrincipal(group_identifier=group):
            return f"group:{group}"
        case AllUsers():
            return "all-users"
        case DomainUnitProjects():
            children = principal.include_child_domain_units
            return f"unit-projects:{principal.domain_unit_id}:{principal.designation}:{children}"
        case ProjectPrincipal():
            return f"project:{principal.project_id}:{principal.designation}"
        case DomainUnitOwners():
            return f"unit-owners:{principal.domain_unit_id}:{principal.all_domain_units}"
    raise TypeError(f"unsupported grant principal {principal!r}")
