"""A Unified Studio project (`awscc_datazone_project`) created from a profile, with its members.

Product teams subclass :class:`UnifiedStudioProject` to bake in their own defaults. The hooks, each called once in
the constructor with the props as given, are:

* :meth:`default_members` - members every project of the team has (merged with ``props.members``);
* :meth:`default_resource_tags` - tags added under ``props.resource_tags`` (props win on a clash);
* :meth:`default_user_parameters` - environment parameter values, overridden per key by props;
* :meth:`default_description` - used when ``props.description`` is empty;
* :meth:`validate` - the team's own checks; raise :class:`PropValidationError` to refuse.

`smus_constructs.examples.governed_ml_project` is the pattern to copy.

Project names are stable identifiers: renaming fails in the provider (hashicorp/terraform-provider-awscc#1804) and
updates can lose the domain identifier (#1591), so a name change should be treated as a new project.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from cdktn import Annotations, ITerraformDependable, TerraformResource
from cdktn_provider_awscc.datazone_project import (
    DatazoneProject,
    DatazoneProjectResourceTags,
    DatazoneProjectUserParameters,
    DatazoneProjectUserParametersEnvironmentParameters,
)
from cdktn_provider_awscc.datazone_project_membership import DatazoneProjectMembership, DatazoneProjectMembershipMember
from constructs import Construct

from smus_constructs import patterns
from smus_constructs.blueprint import adoption_domain_id
from smus_constructs.domain import IDomain
from smus_constructs.errors import PropValidationError
from smus_constructs.lifecycle import IgnoreChange, apply_lifecycle
from smus_constructs.literals import literal
from smus_constructs.project_profile import IProjectProfile


class MemberKind(StrEnum):
    """Whether a member is a user or a group: DataZone's membership takes a different identifier field for each."""

    USER = "USER"
    GROUP = "GROUP"


class MemberDesignation(StrEnum):
    """A member's role in a project, as DataZone names it (owners also manage membership)."""

    OWNER = "PROJECT_OWNER"
    CONTRIBUTOR = "PROJECT_CONTRIBUTOR"


@dataclass(frozen=True, kw_only=True)
class ProjectMember:
    """A user or group and the designation it holds in the project."""

    identifier: str
    kind: MemberKind = MemberKind.USER
    designation: MemberDesignation = MemberDesignation.CONTRIBUTOR


@dataclass(frozen=True, kw_only=True)
class ProjectProps:
    """Props of :class:`UnifiedStudioProject`."""

    profile: IProjectProfile
    name: str
    description: str | None = None
    members: Sequence[ProjectMember] = ()
    #: environment configuration name -> {parameter: value}. Names must exist in the profile.
    user_parameters: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: Tags for the project's resources, beside the profile's locked ones.
    resource_tags: Mapping[str, str] = field(default_factory=dict)
    #: default: the profile's domain root unit.
    domain_unit_id: str | None = None
    ignore_changes: Sequence[IgnoreChange] = ()
    #: default: none (the project is created). An existing project's ID to adopt (its domain must be known too).
    existing_project_id: str | None = None
    #: default: none (DataZone's Tooling environment creates the project's roles). Immutable on the project.
    execution_role_arn: str | None = None
    #: What the project must wait for, e.g. a created execution role's :attr:`ServiceRole.dependables` (the role and
    #: its policies): DataZone uses the role as soon as the project exists.
    depends_on: Sequence[ITerraformDependable] = ()


def resolve_members(members: Sequence[ProjectMember]) -> tuple[list[ProjectMember], list[str]]:
    """One entry per principal; where a principal is both owner and contributor, owner wins (and a warning says so)."""
    chosen: dict[tuple[MemberKind, str], ProjectMember] = {}
    warnings_: list[str] = []
    for member in members:
        key = (member.kind, member.identifier)
        existing = chosen.get(key)
        if existing is None:
            chosen[key] = member
        elif existing.designation != member.designation:
            warnings_.append(
                f"{member.kind.value.lower()} {member.identifier!r} is listed as both owner and contributor; owner wins"
            )
            chosen[key] = replace(member, designation=MemberDesignation.OWNER)
    return sorted(chosen.values(), key=lambda m: (m.kind.value, m.identifier)), warnings_


def _construct_id(member: ProjectMember) -> str:
    return f"{member.kind.value.title()}-" + re.sub(r"[^A-Za-z0-9_-]", "_", member.identifier)


class UnifiedStudioProject(Construct):
    """A project created from a profile object. Subclass it and override the ``default_*`` hooks for team defaults."""

    def __init__(self, scope: Construct, id: str, props: ProjectProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        props = self._with_defaults(props)
        patterns.check(patterns.RESOURCE_NAME, props.name, path=path, prop="name")
        unknown = sorted(set(props.user_parameters) - set(props.profile.environment_names))
        if unknown:
            raise PropValidationError(
                path,
                "user_parameters",
                unknown,
                f"environment names of profile {props.profile.profile_name!r}: {list(props.profile.environment_names)}",
            )
        if props.execution_role_arn is not None:
            patterns.check(patterns.ROLE_ARN, props.execution_role_arn, path=path, prop="execution_role_arn")
        self.validate(props)
        self.props = props
        self._profile = props.profile

        self.resource = DatazoneProject(
            self,
            "Resource",
            domain_identifier=props.profile.domain.domain_id,
            domain_unit_id=props.domain_unit_id,
            name=props.name,
            description=literal(props.description),
            project_profile_id=props.profile.project_profile_id,
            project_execution_role=props.execution_role_arn,
            user_parameters=[
                DatazoneProjectUserParameters(
                    environment_configuration_name=env_name,
                    environment_parameters=[
                        DatazoneProjectUserParametersEnvironmentParameters(name=literal(key), value=literal(value))
                        for key, value in sorted(values.items())
                    ],
                )
                for env_name, values in sorted(props.user_parameters.items())
            ]
            or None,
            resource_tags=[
                DatazoneProjectResourceTags(key=literal(key), value=literal(value))
                for key, value in sorted(props.resource_tags.items())
            ]
            or None,
            depends_on=list(props.depends_on) or None,
        )
        apply_lifecycle(self.resource, ignore_changes=props.ignore_changes)
        if props.existing_project_id is not None:
            patterns.check(
                patterns.BLUEPRINT_ID,
                props.existing_project_id,
                path=path,
                prop="existing_project_id",
                accepted=patterns.RESOURCE_ID_ACCEPTED,
            )
            domain_id = adoption_domain_id(props.profile.domain, path, "existing_project_id", props.existing_project_id)
            # awscc imports by the CloudFormation primary identifier, joined with "|": DomainId|Id.
            self.resource.import_from(f"{domain_id}|{props.existing_project_id}")

        members, notes = resolve_members(props.members)
        for note in notes:
            Annotations.of(self).add_warning(note)
            warnings.warn(f"{path}: {note}", stacklevel=2)
        self.members = members
        self.memberships = [self._membership(props, member) for member in members]

    def _membership(self, props: ProjectProps, member: ProjectMember) -> DatazoneProjectMembership:
        return add_membership(self, domain_id=props.profile.domain.domain_id, project_id=self.project_id, member=member)

    def _with_defaults(self, props: ProjectProps) -> ProjectProps:
        user_parameters: dict[str, dict[str, str]] = {k: dict(v) for k, v in self.default_user_parameters().items()}
        for env_name, values in props.user_parameters.items():
            user_parameters.setdefault(env_name, {}).update(values)
        return replace(
            props,
            description=props.description or self.default_description(props),
            members=[*self.default_members(), *props.members],
            resource_tags={**self.default_resource_tags(), **props.resource_tags},
            user_parameters=user_parameters,
        )

    # --- hooks for product teams -------------------------------------------------------------------------------
    def default_members(self) -> Sequence[ProjectMember]:
        """Members every project of this class has. default: none."""
        return ()

    def default_resource_tags(self) -> Mapping[str, str]:
        """Resource tags every project of this class has. default: none."""
        return {}

    def default_user_parameters(self) -> Mapping[str, Mapping[str, str]]:
        """Environment parameter values every project of this class starts from. default: none."""
        return {}

    def default_description(self, props: ProjectProps) -> str | None:
        """Description used when props give none. default: none."""
        return None

    def validate(self, props: ProjectProps) -> None:
        """Extra checks on the final props; raise :class:`PropValidationError` to refuse. default: none."""

    # --- attributes ----------------------------------------------------------------------------------------------
    @property
    def project_id(self) -> str:
        return self.resource.project_id

    @property
    def profile(self) -> IProjectProfile:
        return self._profile


def add_membership(
    scope: Construct, *, domain_id: str, project_id: str, member: ProjectMember
) -> DatazoneProjectMembership:
    """One membership, replaced (destroy, then create) whenever its designation changes.

    DataZone cannot change a membership's designation in place, and a second membership for the same member
    conflicts with the first, so a `terraform_data` holding the designation triggers a replacement of the same
    address. The replacement guard treats membership replacements as expected, not protected.
    Known provider bug: hashicorp/terraform-provider-awscc#2803 (state read error on `member_identifier` after
    create); re-running plan reads it correctly. Pin the provider and check the issue before upgrading.
    """
    identifier_pattern = patterns.GROUP_IDENTIFIER if member.kind is MemberKind.GROUP else patterns.USER_IDENTIFIER
    patterns.check(identifier_pattern, member.identifier, path=scope.node.path, prop="members[].identifier")
    construct_id = _construct_id(member)
    # A plain `terraform_data` resource rather than cdktn's DataResource class: that class adds a validation that
    # runs `terraform version` in a subprocess once per instance at synth (about 70 ms each, most of a large
    # estate's synth time); the synthesised JSON is the same.
    trigger = TerraformResource(scope, f"{construct_id}-Designation", terraform_resource_type="terraform_data")
    trigger.add_override("triggers_replace", {"designation": member.designation.value})
    membership = DatazoneProjectMembership(
        scope,
        construct_id,
        domain_identifier=domain_id,
        project_identifier=project_id,
        designation=member.designation.value,
        member=DatazoneProjectMembershipMember(
            user_identifier=member.identifier if member.kind is MemberKind.USER else None,
            group_identifier=member.identifier if member.kind is MemberKind.GROUP else None,
        ),
    )
    # Written as an override, not `lifecycle=TerraformResourceLifecycle(replace_triggered_by=...)`: the typed form
    # makes cdktn run `terraform version` once per resource at synth (a binary-version validation), which cost
    # about 70 ms per membership - most of a large estate's synth time. The JSON is the same.
    # A bare address: Terraform's JSON syntax rejects "${...}" in lifecycle lists (cdktn's typed form emits that).
    membership.add_override("lifecycle.replace_triggered_by", [f"terraform_data.{trigger.friendly_unique_id}"])
    membership.add_override(
        "lifecycle.//",
        {"replace_triggered_by": "DataZone cannot update a membership in place: a designation change replaces it"},
    )
    return membership


class UnifiedStudioAdminProject(Construct):
    """The domain's admin project: the domain management portal's singleton project (`project_category = "ADMIN"`).

    It has no profile; its owners administer the domain in the portal (aws-ia's domain-management-portal module),
    and its execution role provisions bring-your-own-role projects. DataZone allows one per domain, and it needs the
    Tooling blueprint enabled in the domain's region (aws-ia checks that with a precondition; the config loader here).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain: IDomain,
        name: str,
        description: str | None = None,
        members: Sequence[ProjectMember] = (),
        domain_unit_id: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        patterns.check(patterns.RESOURCE_NAME, name, path=self.node.path, prop="name")
        self.domain = domain
        self.resource = DatazoneProject(
            self,
            "Resource",
            domain_identifier=domain.domain_id,
            domain_unit_id=domain_unit_id or domain.root_domain_unit_id,
            name=name,
            description=literal(description),
            project_category="ADMIN",
        )
        resolved, notes = resolve_members(members)
        for note in notes:
            Annotations.of(self).add_warning(note)
        self.members = resolved
        self.memberships = [
            add_membership(self, domain_id=domain.domain_id, project_id=self.project_id, member=member)
            for member in resolved
        ]

    @property
    def project_id(self) -> str:
        return self.resource.project_id
