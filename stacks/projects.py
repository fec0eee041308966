"""The projects layer of one account: project profiles and the projects created from them.

It takes the platform stack's domain and blueprint objects; cdktn turns those references into cross-stack outputs
and a `terraform_remote_state` read, so no ID is ever copied by hand between the two states.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cdktn_provider_aws.data_aws_datazone_environment_blueprint import DataAwsDatazoneEnvironmentBlueprint
from constructs import Construct

from config.associations import MemberLink
from config.errors import ConfigError, ConfigIssue
from config.loader import LoadedAccount
from config.models import EnvironmentSettings, MemberSettings
from smus_constructs.access import DomainPrincipals
from smus_constructs.blueprint import IBlueprint
from smus_constructs.blueprint_names import BEDROCK_BLUEPRINTS, BlueprintName
from smus_constructs.domain import IDomain, SingleSignOn
from smus_constructs.grants import GroupPrincipal, PolicyGrant, PolicyGrants, UserPrincipal, principal_key
from smus_constructs.patterns import partition_of
from smus_constructs.policy_types import BLUEPRINT_POLICIES, GrantPolicy
from smus_constructs.project import (
    MemberDesignation,
    MemberKind,
    ProjectMember,
    ProjectProps,
    UnifiedStudioAdminProject,
    UnifiedStudioProject,
)
from smus_constructs.project_profile import (
    DeploymentMode,
    EnvironmentConfig,
    ParameterOverride,
    ProjectProfileProps,
    UnifiedStudioProjectProfile,
)
from smus_constructs.project_role import ProjectExecutionRole
from stacks.account_stack import AccountStack, Layer
from stacks.lifecycle_config import ignore_changes_for
from stacks.platform import PlatformStack
from stacks.principals import grant_principal, resolved_id
from stacks.templates import PROJECT_TEMPLATES


def construct_id(kind: str, name: str) -> str:
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_-]", "_", name)


def member(settings: MemberSettings, designation: MemberDesignation) -> ProjectMember:
    return ProjectMember(
        identifier=resolved_id(settings), kind=MemberKind(settings.kind.upper()), designation=designation
    )


@dataclass(frozen=True, kw_only=True)
class MemberBlueprint:
    """A blueprint a member account enables in this domain, as a profile sees it: the domain's blueprint ID (one per
    domain, whichever account enables it) and the member's regions."""

    domain: IDomain
    blueprint_name: BlueprintName
    blueprint_id: str
    enabled_regions: Sequence[str]


class ProjectsStack(AccountStack):
    """Profiles and projects: the layer product teams change most, with state apart from the domain's."""

    def _member(self, loaded: LoadedAccount, env: EnvironmentSettings) -> MemberLink:
        """The member account an environment is deployed to (the loader checked it is one of this domain's)."""
        return next(member for member in loaded.links.members if member.name == env.account)

    def _member_region(self, loaded: LoadedAccount, env: EnvironmentSettings) -> str | None:
        """A member environment's region defaults to the member's (the domain's otherwise, left to the profile)."""
        return self._member(loaded, env).region if env.account else None

    def _blueprint(self, platform: PlatformStack, env: EnvironmentSettings) -> IBlueprint:
        """The domain's own enabled blueprint, or the one the member enables (same ID: one per domain)."""
        if env.account is None:
            return platform.blueprints[env.blueprint]
        member = self._member(platform.loaded, env)
        own = platform.blueprints.get(env.blueprint)
        if own is not None:
            blueprint_id = own.blueprint_id
        else:
            lookup = DataAwsDatazoneEnvironmentBlueprint(
                self,
                f"MemberBlueprint-{env.blueprint.value}",
                domain_id=platform.domain.domain_id,
                name=env.blueprint.value,
                managed=True,
            )
            blueprint_id = lookup.id
        return MemberBlueprint(
            domain=platform.domain,
            blueprint_name=env.blueprint,
            blueprint_id=blueprint_id,
            enabled_regions=member.blueprint_regions[env.blueprint.value],
        )

    def __init__(self, scope: Construct, loaded: LoadedAccount, platform: PlatformStack) -> None:
        super().__init__(scope, loaded, Layer.PROJECTS)
        config = loaded.config
        units = platform.units
        self.profiles: dict[str, UnifiedStudioProjectProfile] = {}
        for profile in config.profiles:
            self.profiles[profile.name] = UnifiedStudioProjectProfile(
                self,
                construct_id("Profile", profile.name),
                ProjectProfileProps(
                    domain=platform.domain,
                    name=profile.name,
                    description=profile.description,
                    environments=[
                        EnvironmentConfig(
                            blueprint=self._blueprint(platform, env),
                            deployment_mode=DeploymentMode(env.mode),
                            name=env.name,
                            description=env.description,
                            region=env.region or self._member_region(loaded, env),
                            account_id=self._member(loaded, env).account_id if env.account else None,
                            parameter_overrides=[
                                ParameterOverride(name=o.name, value=o.value, is_editable=o.editable)
                                for o in env.overrides
                            ],
                        )
                        for env in profile.environments
                    ],
                    project_resource_tags=config.tags,
                    domain_unit_id=units.unit_id(profile.unit),
                    project_creators=[grant_principal(creator, units) for creator in profile.project_creators],
                    ignore_changes=ignore_changes_for(config, f"profile:{profile.name}"),
                    existing_profile_id=profile.existing_id,
                    enabled=profile.status == "ENABLED",
                ),
            )
        self.execution_roles: dict[str, ProjectExecutionRole] = {}
        self.projects: dict[str, UnifiedStudioProject] = {}
        self.admin_project: UnifiedStudioAdminProject | None = None
        for index, project in enumerate(config.projects):
            if project.category == "ADMIN":
                self.admin_project = UnifiedStudioAdminProject(
                    self,
                    construct_id("AdminProject", project.name),
                    domain=platform.domain,
                    name=project.name,
                    description=project.description,
                    members=[member(m, MemberDesignation.OWNER) for m in project.owners]
                    + [member(m, MemberDesignation.CONTRIBUTOR) for m in project.contributors],
                    domain_unit_id=units.unit_id(project.unit) if project.unit != "/root" else None,
                )
                continue
            assert project.profile is not None  # the loader requires a profile of every standard project
            project_class = PROJECT_TEMPLATES.get(project.template)
            if project_class is None:
                raise ConfigError(
                    [
                        ConfigIssue(
                            loaded.path,
                            f"projects[{index}].template",
                            project.template,
                            f"one of {sorted(PROJECT_TEMPLATES)}",
                        )
                    ]
                )
            execution_role_arn = project.execution_role_arn or self._created_execution_role(
                loaded, project.name, project.profile
            )
            created_role = self.execution_roles.get(project.name) if project.execution_role_arn is None else None
            self.projects[project.name] = project_class(
                self,
                construct_id("Project", project.name),
                ProjectProps(
                    profile=self.profiles[project.profile],
                    name=project.name,
                    description=project.description,
                    members=[member(m, MemberDesignation.OWNER) for m in project.owners]
                    + [member(m, MemberDesignation.CONTRIBUTOR) for m in project.contributors],
                    user_parameters=project.user_parameters,
                    resource_tags=project.resource_tags,
                    ignore_changes=ignore_changes_for(config, f"project:{project.name}"),
                    existing_project_id=project.existing_id,
                    domain_unit_id=units.unit_id(project.unit) if project.unit != "/root" else None,
                    execution_role_arn=execution_role_arn,
                    depends_on=created_role.role.dependables if created_role is not None else (),
                ),
            )
        self._register_template_members(platform)
        project_ids = {name: project.project_id for name, project in self.projects.items()}
        admin = next((p for p in config.projects if p.category == "ADMIN"), None)
        if admin is not None and self.admin_project is not None:
            project_ids[admin.name] = self.admin_project.project_id
        # Every grant of the stack goes through one set (the profiles' creator grants already do): DataZone keeps one
        # grant per entity, policy type and principal, so two entries for one scope become one grant.
        grants = PolicyGrants.of(self, platform.domain)
        for unit in config.domain_units:
            for index, principal in enumerate(unit.project_member_pool):
                resolved = grant_principal(principal, units, project_ids)
                grants.grant(
                    construct_id("MemberPool", f"{unit.path}-{principal_key(resolved, index)}"),
                    policy=GrantPolicy.ADD_TO_PROJECT_MEMBER_POOL,
                    entity_id=units.unit_id(unit.path),
                    principal=resolved,
                    include_child_domain_units=principal.include_child_units,
                )
        for index, grant in enumerate(config.grants):
            if grant.blueprint is not None and grant.policy in BLUEPRINT_POLICIES:
                entity_id = f"{config.account.account_id}:{platform.blueprints[grant.blueprint].blueprint_id}"
            else:
                entity_id = units.unit_id(grant.unit)
            grants.grant(
                f"Grant{index}-{grant.policy.value}",
                policy=grant.policy,
                entity_id=entity_id,
                principal=grant_principal(grant.principal, units, project_ids),
                include_child_domain_units=grant.include_child_units,
                project_profile_ids=[self.profiles[name].project_profile_id for name in grant.profiles],
            )
        self.grants: list[PolicyGrant] = grants.grants

    def _created_execution_role(self, loaded: LoadedAccount, project_name: str, profile_name: str) -> str | None:
        """The project's own role when its profile asks for one; Bedrock scoped when the profile has Bedrock."""
        config = loaded.config
        profile = next(p for p in config.profiles if p.name == profile_name)
        if profile.project_execution_role != "create":
            return None
        uses_bedrock = any(env.blueprint in BEDROCK_BLUEPRINTS for env in profile.environments)
        role = ProjectExecutionRole(
            self,
            construct_id("ExecutionRole", project_name),
            name_prefix=config.name_prefix,
            project_name=project_name,
            partition=partition_of(config.account.region),
            region=config.account.region,
            account_id=config.account.account_id,
            bedrock_model_ids=config.bedrock.approved_model_ids if uses_bedrock else (),
            permissions_boundary_arn=config.role_settings.permissions_boundary_arn,
        )
        self.execution_roles[project_name] = role
        return role.role_arn

    def _register_template_members(self, platform: PlatformStack) -> None:
        """Members a project class adds itself (template defaults) are not in the file, so the platform layer did not
        register them; register them here, and make their memberships wait for the profiles."""
        known = {(MemberKind.USER, i) for i in platform.principals.user_profiles} | {
            (MemberKind.GROUP, i) for i in platform.principals.group_profiles
        }
        missing = {
            (member.kind, member.identifier)
            for project in self.projects.values()
            for member in project.members
            if (member.kind, member.identifier) not in known
        }
        if not missing:
            return
        principals = DomainPrincipals(
            self,
            "TemplateMembers",
            domain=platform.domain,
            principals=[
                UserPrincipal(user_identifier=i) if kind is MemberKind.USER else GroupPrincipal(group_identifier=i)
                for kind, i in sorted(missing)
            ],
            identity_center=platform.domain.props.single_sign_on is SingleSignOn.IAM_IDENTITY_CENTER,
        )
        profiles = {
            **{(MemberKind.USER, i): p for i, p in principals.user_profiles.items()},
            **{(MemberKind.GROUP, i): p for i, p in principals.group_profiles.items()},
        }
        for project in self.projects.values():
            for member, membership in zip(project.members, project.memberships, strict=True):
                profile = profiles.get((member.kind, member.identifier))
                if profile is not None:
                    membership.add_override(
                        "depends_on", [f"{profile.terraform_resource_type}.{profile.friendly_unique_id}"]
                    )
