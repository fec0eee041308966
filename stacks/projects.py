"""The projects layer of one account: project profiles and the projects created from them.

It takes the platform stack's domain and blueprint objects; cdktn turns those references into cross-stack outputs
and a `terraform_remote_state` read, so no ID is ever copied by hand between the two states.
"""

from __future__ import annotations

import re

from constructs import Construct

from config.errors import ConfigError, ConfigIssue
from config.loader import LoadedAccount
from config.models import MemberSettings, ProjectCreator
from smus_constructs.grants import AllUsers, GrantPrincipal, GroupPrincipal, UserPrincipal
from smus_constructs.project import MemberDesignation, MemberKind, ProjectMember, ProjectProps, UnifiedStudioProject
from smus_constructs.project_profile import (
    DeploymentMode,
    EnvironmentConfig,
    ParameterOverride,
    ProjectProfileProps,
    UnifiedStudioProjectProfile,
)
from stacks.account_stack import AccountStack, Layer
from stacks.lifecycle_config import ignore_changes_for
from stacks.platform import PlatformStack
from stacks.templates import PROJECT_TEMPLATES


def construct_id(kind: str, name: str) -> str:
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_-]", "_", name)


def creator_principal(creator: ProjectCreator) -> GrantPrincipal:
    if creator.kind == "all_users":
        return AllUsers()
    assert creator.id is not None  # the model requires it for users and groups
    return (
        UserPrincipal(user_identifier=creator.id)
        if creator.kind == "user"
        else GroupPrincipal(group_identifier=creator.id)
    )


def member(settings: MemberSettings, designation: MemberDesignation) -> ProjectMember:
    return ProjectMember(identifier=settings.id, kind=MemberKind(settings.kind.upper()), designation=designation)


class ProjectsStack(AccountStack):
    """Profiles and projects: the layer product teams change most, with state apart from the domain's."""

    def __init__(self, scope: Construct, loaded: LoadedAccount, platform: PlatformStack) -> None:
        super().__init__(scope, loaded, Layer.PROJECTS)
        config = loaded.config
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
                            blueprint=platform.blueprints[env.blueprint],
                            deployment_mode=DeploymentMode(env.mode),
                            name=env.name,
                            description=env.description,
                            region=env.region,
                            parameter_overrides=[
                                ParameterOverride(name=o.name, value=o.value, is_editable=o.editable)
                                for o in env.overrides
                            ],
                        )
                        for env in profile.environments
                    ],
                    project_resource_tags=config.tags,
                    project_creators=[creator_principal(creator) for creator in profile.project_creators],
                    ignore_changes=ignore_changes_for(config, f"profile:{profile.name}"),
                    existing_profile_id=profile.existing_id,
                ),
            )
        self.projects: dict[str, UnifiedStudioProject] = {}
        for index, project in enumerate(config.projects):
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
                ),
            )
