"""A project profile (`awscc_datazone_project_profile`): the blueprints a new project gets, in a fixed order.

The awscc provider matches `environment_configurations` to the API's computed values by list position, and DataZone
returns them grouped by deployment order. So the order here is not cosmetic: Tooling first (deployment order 0), then
the other ON_CREATE entries, then ON_DEMAND, each group by name. An empty `parameter_overrides` list causes a
perpetual diff, so it is sent as null. (See ../shared/FACTS.md and aws-ia/terraform-aws-sagemaker-unified-studio.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from cdktn_provider_awscc.datazone_project_profile import (
    DatazoneProjectProfile,
    DatazoneProjectProfileEnvironmentConfigurations,
    DatazoneProjectProfileEnvironmentConfigurationsAwsAccount,
    DatazoneProjectProfileEnvironmentConfigurationsAwsRegion,
    DatazoneProjectProfileEnvironmentConfigurationsConfigurationParameters,
    DatazoneProjectProfileEnvironmentConfigurationsConfigurationParametersParameterOverrides,
    DatazoneProjectProfileProjectResourceTags,
)
from constructs import Construct

from smus_constructs import patterns
from smus_constructs.blueprint import IBlueprint, adoption_domain_id
from smus_constructs.blueprint_names import TOOLING_BLUEPRINTS
from smus_constructs.domain import IDomain
from smus_constructs.errors import PropValidationError
from smus_constructs.grants import GrantPolicy, GrantPrincipal, PolicyGrants, principal_key
from smus_constructs.lifecycle import IgnoreChange, apply_lifecycle
from smus_constructs.literals import literal

# AWS::DataZone::ProjectProfile EnvironmentConfigurationParameter Name.
PARAMETER_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
PARAMETER_NAME_OK = "a parameter name of letters, digits and '_', not starting with a digit (^[a-zA-Z_][a-zA-Z0-9_]*$)"


class DeploymentMode(StrEnum):
    """ON_CREATE environments are deployed with the project; ON_DEMAND ones when a member asks."""

    ON_CREATE = "ON_CREATE"
    ON_DEMAND = "ON_DEMAND"


@dataclass(frozen=True, kw_only=True)
class ParameterOverride:
    """A blueprint parameter value; `is_editable=False` locks it so project creators cannot change it.

    ``value=None`` sends no value: the parameter is only marked editable (or locked) at the blueprint's default, as
    aws-ia's default-project-profile does for S3Bucket's `bucketName`.
    """

    name: str
    value: str | None
    is_editable: bool = False


@dataclass(frozen=True, kw_only=True)
class EnvironmentConfig:
    """One blueprint inside a profile."""

    blueprint: IBlueprint
    deployment_mode: DeploymentMode = DeploymentMode.ON_CREATE
    #: default: the blueprint's name.
    name: str | None = None
    description: str | None = None
    #: default: the domain's region. Must be one of the blueprint's enabled regions.
    region: str | None = None
    #: The account the environment is deployed to: a member account (associated with the domain through RAM) that
    #: enables the blueprint in that region. default: the domain's account.
    account_id: str | None = None
    parameter_overrides: Sequence[ParameterOverride] = ()

    @property
    def configuration_name(self) -> str:
        return self.name or self.blueprint.blueprint_name.value


class IProjectProfile(Protocol):
    """A profile as a project sees it."""

    @property
    def domain(self) -> IDomain: ...
    @property
    def project_profile_id(self) -> str: ...
    @property
    def profile_name(self) -> str: ...
    @property
    def environment_names(self) -> Sequence[str]: ...


@dataclass(frozen=True, kw_only=True)
class ProjectProfileProps:
    """Props of :class:`UnifiedStudioProjectProfile`."""

    domain: IDomain
    name: str
    environments: Sequence[EnvironmentConfig]
    description: str | None = None
    #: default: the domain's root unit.
    domain_unit_id: str | None = None
    #: Tags every project of this profile carries on its resources; values are locked for project creators.
    project_resource_tags: Mapping[str, str] = field(default_factory=dict)
    #: default: True, so a product team may add its own tags beside the locked ones.
    allow_custom_project_resource_tags: bool = True
    #: Who may create projects from this profile. default: nobody but domain owners (no grant is made).
    project_creators: Sequence[GrantPrincipal] = ()
    enabled: bool = True
    ignore_changes: Sequence[IgnoreChange] = ()
    #: default: none (the profile is created). An existing profile's ID to adopt (its domain must be known too).
    existing_profile_id: str | None = None


def ordered_environments(environments: Sequence[EnvironmentConfig]) -> list[EnvironmentConfig]:
    """Tooling first, then the other ON_CREATE entries, then ON_DEMAND; by configuration name inside each group."""

    def rank(env: EnvironmentConfig) -> tuple[int, str]:
        if env.blueprint.blueprint_name in TOOLING_BLUEPRINTS:
            return (0, env.configuration_name)
        return (1 if env.deployment_mode is DeploymentMode.ON_CREATE else 2, env.configuration_name)

    return sorted(environments, key=rank)


def deployment_order(env: EnvironmentConfig) -> int | None:
    """0 for Tooling, 1 for other ON_CREATE entries, none for ON_DEMAND (DataZone deploys those on request)."""
    if env.blueprint.blueprint_name in TOOLING_BLUEPRINTS:
        return 0
    return 1 if env.deployment_mode is DeploymentMode.ON_CREATE else None


class UnifiedStudioProjectProfile(Construct):
    """A project profile composed from blueprint objects enabled in the same domain."""

    @staticmethod
    def from_project_profile_id(
        scope: Construct,
        id: str,
        *,
        domain: IDomain,
        project_profile_id: str,
        name: str | None = None,
        environment_names: Sequence[str] = (),
    ) -> ImportedProjectProfile:
        """A profile another team manages (the platform team's), by ID: projects use it, nothing is created.

        ``environment_names`` are its environment configurations' names, which a project's `user_parameters` may
        name (default: none, so a project sets no user parameters); ``name`` is shown in errors (default: the ID).
        """
        return ImportedProjectProfile(
            scope,
            id,
            domain=domain,
            project_profile_id=project_profile_id,
            name=name,
            environment_names=environment_names,
        )

    def __init__(self, scope: Construct, id: str, props: ProjectProfileProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        patterns.check(patterns.RESOURCE_NAME, props.name, path=path, prop="name")
        self._domain = props.domain
        self._name = props.name
        self._profile_token: str | None = None
        self._check_environments(path, props)
        ordered = ordered_environments(props.environments)
        self._environment_names = tuple(env.configuration_name for env in ordered)

        self.resource = DatazoneProjectProfile(
            self,
            "Resource",
            domain_identifier=props.domain.domain_id,
            domain_unit_identifier=props.domain_unit_id or props.domain.root_domain_unit_id,
            name=props.name,
            description=literal(props.description),
            status="ENABLED" if props.enabled else "DISABLED",
            environment_configurations=[self._configuration(env) for env in ordered] or None,
            project_resource_tags=[
                DatazoneProjectProfileProjectResourceTags(
                    key=literal(key), value=literal(value), is_value_editable=False
                )
                for key, value in sorted(props.project_resource_tags.items())
            ]
            or None,
            allow_custom_project_resource_tags=props.allow_custom_project_resource_tags,
        )
        apply_lifecycle(self.resource, ignore_changes=props.ignore_changes)
        # Which managed blueprint each configuration uses, as a `//` comment: the blueprint ID is usually a cross-stack
        # reference, and governance rules (smus_rules SMUS-015) need the name to know which parameters to require.
        self.resource.add_override(
            "//.environment_blueprints", {env.configuration_name: env.blueprint.blueprint_name.value for env in ordered}
        )
        if props.existing_profile_id is not None:
            patterns.check(
                patterns.BLUEPRINT_ID,
                props.existing_profile_id,
                path=path,
                prop="existing_profile_id",
                accepted=patterns.RESOURCE_ID_ACCEPTED,
            )
            domain_id = adoption_domain_id(props.domain, path, "existing_profile_id", props.existing_profile_id)
            # awscc imports by the CloudFormation primary identifier, joined with "|": DomainIdentifier|Identifier.
            self.resource.import_from(f"{domain_id}|{props.existing_profile_id}")
        unit_id = props.domain_unit_id or props.domain.root_domain_unit_id
        # Through the stack's grant set: profiles that share a creator and a unit share one grant listing them all.
        grant_set = PolicyGrants.of(self, props.domain)
        self.grants = [
            grant_set.grant(
                f"CreateProjectGrant-{principal_key(principal, index)}",
                policy=GrantPolicy.CREATE_PROJECT_FROM_PROJECT_PROFILE,
                entity_id=unit_id,
                principal=principal,
                project_profile_ids=[self.project_profile_id],
            )
            for index, principal in enumerate(props.project_creators)
        ]

    def _check_environments(self, path: str, props: ProjectProfileProps) -> None:
        names = [env.configuration_name for env in props.environments]
        # No environments at all is the "Generative AI model governance" profile aws-ia creates beside the domain:
        # its project governs Bedrock models and deploys nothing. Any other profile needs Tooling (or ToolingLite).
        if names and not any(env.blueprint.blueprint_name in TOOLING_BLUEPRINTS for env in props.environments):
            raise PropValidationError(
                path, "environments", names, "a list that includes the Tooling (or ToolingLite) blueprint"
            )
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise PropValidationError(path, "environments", duplicates, "unique environment configuration names")
        for env in props.environments:
            patterns.check(patterns.RESOURCE_NAME, env.configuration_name, path=path, prop="environments[].name")
            if env.account_id is not None:
                patterns.check(patterns.ACCOUNT_ID, env.account_id, path=path, prop="environments[].account_id")
            for override in env.parameter_overrides:
                patterns.check(
                    PARAMETER_NAME,
                    override.name,
                    path=path,
                    prop="parameter_overrides[].name",
                    accepted=PARAMETER_NAME_OK,
                )
            if env.blueprint.domain is not props.domain:
                raise PropValidationError(
                    path,
                    f"environments[{env.configuration_name}].blueprint",
                    env.blueprint.blueprint_name.value,
                    "a blueprint enabled in this profile's own domain",
                )
            region = env.region or props.domain.region
            if region not in env.blueprint.enabled_regions:
                raise PropValidationError(
                    path,
                    f"environments[{env.configuration_name}].region",
                    region,
                    f"a region the {env.blueprint.blueprint_name.value} blueprint is enabled in: "
                    f"{list(env.blueprint.enabled_regions)}",
                )

    def _configuration(self, env: EnvironmentConfig) -> DatazoneProjectProfileEnvironmentConfigurations:
        overrides = [
            DatazoneProjectProfileEnvironmentConfigurationsConfigurationParametersParameterOverrides(
                name=literal(override.name), value=literal(override.value), is_editable=override.is_editable
            )
            for override in env.parameter_overrides
        ]
        return DatazoneProjectProfileEnvironmentConfigurations(
            name=env.configuration_name,
            description=literal(env.description or f"{env.configuration_name} environment"),
            environment_blueprint_id=env.blueprint.blueprint_id,
            deployment_mode=env.deployment_mode.value,
            deployment_order=deployment_order(env),
            aws_account=DatazoneProjectProfileEnvironmentConfigurationsAwsAccount(
                aws_account_id=env.account_id or self._domain.account_id
            ),
            aws_region=DatazoneProjectProfileEnvironmentConfigurationsAwsRegion(
                region_name=env.region or self._domain.region
            ),
            # null, never []: an empty overrides list is a perpetual diff in awscc, so no overrides means no block.
            configuration_parameters=DatazoneProjectProfileEnvironmentConfigurationsConfigurationParameters(
                parameter_overrides=overrides
            )
            if overrides
            else None,
        )

    @property
    def domain(self) -> IDomain:
        return self._domain

    @property
    def project_profile_id(self) -> str:
        # One token per attribute, so a grant that lists this profile twice lists it once (grants.PolicyGrants).
        if self._profile_token is None:
            self._profile_token = self.resource.project_profile_id
        return self._profile_token

    @property
    def profile_name(self) -> str:
        return self._name

    @property
    def environment_names(self) -> Sequence[str]:
        return self._environment_names


class ImportedProjectProfile(Construct):
    """A reference to a project profile managed elsewhere. Creates nothing; its ID and names are checked here."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain: IDomain,
        project_profile_id: str,
        name: str | None = None,
        environment_names: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, id)
        path = self.node.path
        self._domain = domain
        # AWS::DataZone::ProjectProfile schema: Identifier ^[a-zA-Z0-9_-]{1,36}$, Name ^[\w -]+$ (1-64).
        self._profile_id = patterns.check(
            patterns.BLUEPRINT_ID,
            project_profile_id,
            path=path,
            prop="project_profile_id",
            accepted=patterns.RESOURCE_ID_ACCEPTED,
        )
        self._name = patterns.check(patterns.RESOURCE_NAME, name or project_profile_id, path=path, prop="name")
        for index, env_name in enumerate(environment_names):
            patterns.check(patterns.RESOURCE_NAME, env_name, path=path, prop=f"environment_names[{index}]")
        self._environment_names = tuple(environment_names)

    @property
    def domain(self) -> IDomain:
        return self._domain

    @property
    def project_profile_id(self) -> str:
        return self._profile_id

    @property
    def profile_name(self) -> str:
        return self._name

    @property
    def environment_names(self) -> Sequence[str]:
        return self._environment_names
