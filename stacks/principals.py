"""Turn config principals into the construct library's typed principals, resolving unit paths and project names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from config.models import AccountConfig, MemberSettings, PrincipalSettings
from smus_constructs.access import DomainUnitTree, Owner
from smus_constructs.grants import (
    AllUsers,
    DomainUnitOwners,
    DomainUnitProjects,
    GrantPrincipal,
    GroupPrincipal,
    ProjectPrincipal,
    UserPrincipal,
)


def resolved_id(who: MemberSettings | PrincipalSettings) -> str:
    """The ID of a user or group; names were resolved by the config loader (config.identities)."""
    if who.id is None:
        raise ValueError(f"{who.kind} {who.name!r} was not resolved through the identity lock")
    return who.id


def member_principal(member: MemberSettings | PrincipalSettings) -> Owner:
    """A user or group, by ID, with its name kept for the comment beside its profile."""
    if member.kind == "group":
        return GroupPrincipal(group_identifier=resolved_id(member), display_name=member.name)
    return UserPrincipal(user_identifier=resolved_id(member), display_name=member.name)


def grant_principal(
    settings: PrincipalSettings, units: DomainUnitTree, project_ids: Mapping[str, str] | None = None
) -> GrantPrincipal:
    """A typed principal; unit paths and project names were checked by the config loader."""
    match settings.kind:
        case "user" | "group":
            return member_principal(settings)
        case "all_users":
            return AllUsers(reason=settings.reason)
        case "unit_projects":
            assert settings.unit is not None
            return DomainUnitProjects(
                domain_unit_id=units.unit_id(settings.unit),
                designation=settings.designation,
                include_child_domain_units=settings.include_child_units,
            )
        case "unit_owners":
            assert settings.unit is not None
            return DomainUnitOwners(
                domain_unit_id=units.unit_id(settings.unit), all_domain_units=settings.include_child_units
            )
    assert settings.project is not None and project_ids is not None
    return ProjectPrincipal(project_id=project_ids[settings.project], designation=settings.designation)


def referenced_users_and_groups(config: AccountConfig) -> Iterable[Owner]:
    """Every user and group the file names anywhere: each needs a profile in the domain."""
    for unit in config.domain_units:
        yield from (member_principal(owner) for owner in unit.owners)
    for project in config.projects:
        yield from (member_principal(member) for member in [*project.owners, *project.contributors])
    settings: list[PrincipalSettings] = [
        *(creator for profile in config.profiles for creator in profile.project_creators),
        *(principal for unit in config.domain_units for principal in unit.project_member_pool),
        *(grant.principal for grant in config.grants),
    ]
    yield from (member_principal(principal) for principal in settings if principal.kind in ("user", "group"))
