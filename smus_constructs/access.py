"""Who may use a domain: domain units with owners, and the user and group profiles DataZone needs registered.

Domain units form a tree under the domain's root unit and are addressed by path (`/root/risk/fraud`). They are
created parent first, because `awscc_datazone_domain_unit` needs its parent's ID. Owners are `awscc_datazone_owner`
entries on the unit. Users and groups referenced anywhere must have a profile in the domain before grants or
memberships name them, so they are registered here (`awscc_datazone_user_profile` / `awscc_datazone_group_profile`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from cdktn_provider_awscc.datazone_domain_unit import DatazoneDomainUnit
from cdktn_provider_awscc.datazone_group_profile import DatazoneGroupProfile
from cdktn_provider_awscc.datazone_owner import (
    DatazoneOwner,
    DatazoneOwnerOwner,
    DatazoneOwnerOwnerGroup,
    DatazoneOwnerOwnerUser,
)
from cdktn_provider_awscc.datazone_user_profile import DatazoneUserProfile
from constructs import Construct

from smus_constructs import patterns
from smus_constructs.domain import IDomain
from smus_constructs.errors import PropValidationError
from smus_constructs.grants import GroupPrincipal, UserPrincipal, principal_key
from smus_constructs.literals import literal

ROOT = "/root"
UNIT_PATH = patterns.UNIT_PATH
USER_IDENTIFIER = patterns.USER_IDENTIFIER
GROUP_IDENTIFIER = patterns.GROUP_IDENTIFIER

Owner = UserPrincipal | GroupPrincipal


def parent_path(path: str) -> str:
    return path.rsplit("/", 1)[0]


@dataclass(frozen=True, kw_only=True)
class DomainUnitSpec:
    """One unit of the tree, by path under `/root`, with its owners."""

    path: str
    description: str | None = None
    owners: Sequence[Owner] = field(default_factory=tuple)


class UnifiedStudioDomainUnit(Construct):
    """A domain unit under a parent unit (default: the domain's root unit), with its owners."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain: IDomain,
        name: str,
        parent: UnifiedStudioDomainUnit | None = None,
        description: str | None = None,
        owners: Sequence[Owner] = (),
    ) -> None:
        super().__init__(scope, id)
        self.domain = domain
        self.unit_path: str = f"{parent.unit_path if parent else ROOT}/{name}"
        self._unit_token: str | None = None
        if not UNIT_PATH.match(self.unit_path) or self.unit_path == ROOT:
            raise PropValidationError(self.node.path, "name", name, "1-64 letters, digits, '_', '-' or spaces")
        self.resource = DatazoneDomainUnit(
            self,
            "Resource",
            domain_identifier=domain.domain_id,
            name=name,
            description=literal(description),
            parent_domain_unit_identifier=parent.domain_unit_id if parent else domain.root_domain_unit_id,
        )
        for owner in owners:
            if isinstance(owner, UserPrincipal):
                patterns.check(USER_IDENTIFIER, owner.user_identifier, path=self.node.path, prop="owners[]")
            else:
                patterns.check(GROUP_IDENTIFIER, owner.group_identifier, path=self.node.path, prop="owners[]")
        self.owners = [
            DatazoneOwner(
                self,
                f"Owner-{principal_key(owner, index)}",
                domain_identifier=domain.domain_id,
                entity_type="DOMAIN_UNIT",
                entity_identifier=self.domain_unit_id,
                owner=_owner_struct(owner),
            )
            for index, owner in enumerate(owners)
        ]

    @property
    def domain_unit_id(self) -> str:
        # One token per attribute: grants are told apart by their entity and principal strings (PolicyGrants).
        if self._unit_token is None:
            self._unit_token = self.resource.domain_unit_id
        return self._unit_token


def _owner_struct(owner: Owner) -> DatazoneOwnerOwner:
    if isinstance(owner, UserPrincipal):
        return DatazoneOwnerOwner(user=DatazoneOwnerOwnerUser(user_identifier=owner.user_identifier))
    return DatazoneOwnerOwner(group=DatazoneOwnerOwnerGroup(group_identifier=owner.group_identifier))


class DomainUnitTree(Construct):
    """A whole tree of units from specs in any order: validated, then created parent first."""

    def __init__(self, scope: Construct, id: str, *, domain: IDomain, units: Sequence[DomainUnitSpec]) -> None:
        super().__init__(scope, id)
        self.domain = domain
        paths = [spec.path for spec in units]
        for spec in units:
            if not UNIT_PATH.match(spec.path) or spec.path == ROOT:
                raise PropValidationError(
                    self.node.path, "units[].path", spec.path, "a path under /root such as '/root/risk/fraud'"
                )
            parent = parent_path(spec.path)
            if parent != ROOT and parent not in paths:
                raise PropValidationError(
                    self.node.path, "units[].path", spec.path, f"a unit whose parent {parent!r} is declared too"
                )
        duplicates = sorted({p for p in paths if paths.count(p) > 1})
        if duplicates:
            raise PropValidationError(self.node.path, "units[].path", duplicates, "each path declared once")
        self.units: dict[str, UnifiedStudioDomainUnit] = {}
        for spec in sorted(units, key=lambda s: (s.path.count("/"), s.path)):
            parent_unit = self.units.get(parent_path(spec.path))
            self.units[spec.path] = UnifiedStudioDomainUnit(
                self,
                spec.path.removeprefix(ROOT + "/").replace("/", "--").replace(" ", "_"),
                domain=domain,
                name=spec.path.rsplit("/", 1)[1],
                parent=parent_unit,
                description=spec.description,
                owners=spec.owners,
            )

    def unit_id(self, path: str) -> str:
        """The ID of the unit at ``path``; `/root` is the domain's root unit. Unknown paths raise a named error."""
        if path == ROOT:
            return self.domain.root_domain_unit_id
        unit = self.units.get(path)
        if unit is None:
            raise PropValidationError(self.node.path, "path", path, f"/root or one of {sorted(self.units)}")
        return unit.domain_unit_id


class UserType(StrEnum):
    IAM_USER = "IAM_USER"
    IAM_ROLE = "IAM_ROLE"
    SSO_USER = "SSO_USER"


def user_type_of(identifier: str) -> UserType:
    """IAM ARNs are IAM users or roles; anything else is an Identity Center user."""
    if re.match(r"^arn:aws[a-z-]*:iam::\d{12}:role/", identifier):
        return UserType.IAM_ROLE
    if re.match(r"^arn:aws[a-z-]*:iam::\d{12}:user/", identifier):
        return UserType.IAM_USER
    return UserType.SSO_USER


class DomainPrincipals(Construct):
    """User and group profiles for every principal the estate names, registered (ASSIGNED) in the domain.

    With single sign-on disabled (an IAM-based domain) only IAM users and roles exist, so Identity Center users and
    groups are refused rather than left to fail at apply.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain: IDomain,
        principals: Iterable[Owner],
        identity_center: bool = True,
    ) -> None:
        super().__init__(scope, id)
        path = self.node.path
        unique = sorted(set(principals), key=lambda p: (type(p).__name__, principal_key(p, 0)))
        self.user_profiles: dict[str, DatazoneUserProfile] = {}
        self.group_profiles: dict[str, DatazoneGroupProfile] = {}
        for principal in unique:
            if isinstance(principal, UserPrincipal):
                identifier = principal.user_identifier
                patterns.check(USER_IDENTIFIER, identifier, path=path, prop="user")
                user_type = user_type_of(identifier)
                if not identity_center and user_type is UserType.SSO_USER:
                    raise PropValidationError(
                        path, "user", identifier, "an IAM user or role ARN: this domain has single sign-on disabled"
                    )
                self.user_profiles[identifier] = DatazoneUserProfile(
                    self,
                    principal_key(principal, 0),
                    domain_identifier=domain.domain_id,
                    user_identifier=identifier,
                    user_type=user_type.value,
                    status="ASSIGNED",
                )
                _label(self.user_profiles[identifier], principal.display_name)
            else:
                identifier = principal.group_identifier
                patterns.check(GROUP_IDENTIFIER, identifier, path=path, prop="group")
                if not identity_center:
                    raise PropValidationError(
                        path, "group", identifier, "no groups: groups need IAM Identity Center (single sign-on)"
                    )
                self.group_profiles[identifier] = DatazoneGroupProfile(
                    self,
                    principal_key(principal, 0),
                    domain_identifier=domain.domain_id,
                    group_identifier=identifier,
                    status="ASSIGNED",
                )
                _label(self.group_profiles[identifier], principal.display_name)


def _label(profile: DatazoneUserProfile | DatazoneGroupProfile, display_name: str | None) -> None:
    """The name behind an ID, as a `//` comment Terraform ignores: a reviewer of the JSON sees who gets access."""
    if display_name:
        profile.add_override("//.display_name", display_name)
