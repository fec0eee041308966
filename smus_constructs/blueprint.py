"""One managed blueprint enabled in a domain: `aws_datazone_environment_blueprint_configuration`.

The blueprint ID differs per domain, so it is looked up by name with the managed-blueprint data source rather than
copied by hand. Enabling a blueprint is not enough for projects to use it: the construct also grants
`CREATE_ENVIRONMENT_FROM_BLUEPRINT` to projects in the domain's root unit (or the units you name).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cdktn import ITerraformDependable
from cdktn_provider_aws.data_aws_datazone_environment_blueprint import DataAwsDatazoneEnvironmentBlueprint
from cdktn_provider_aws.datazone_environment_blueprint_configuration import (
    DatazoneEnvironmentBlueprintConfiguration,
)
from constructs import Construct

from smus_constructs import patterns
from smus_constructs.blueprint_names import BlueprintName, parse_blueprint_name
from smus_constructs.domain import IDomain
from smus_constructs.errors import PropValidationError
from smus_constructs.grants import DomainUnitProjects, GrantPolicy, GrantPrincipal, PolicyGrants, principal_key
from smus_constructs.iam import RoleSpec, ServiceRole, datazone_service_trust, managed_policy_arn, policy_document
from smus_constructs.lifecycle import IgnoreChange, apply_lifecycle
from smus_constructs.literals import literal_map
from smus_constructs.role_names import manage_access_role_name, provisioning_role_name


@dataclass(frozen=True, kw_only=True)
class RegionalParameters:
    """Where a blueprint's environments go in one region. Omitted keys are left to the blueprint's defaults."""

    s3_location: str | None = None
    vpc_id: str | None = None
    subnet_ids: Sequence[str] = ()

    def as_map(self) -> dict[str, str]:
        """The provider's map form: `S3Location`, `VpcId` and comma-joined `Subnets`."""
        values = {"S3Location": self.s3_location, "VpcId": self.vpc_id, "Subnets": ",".join(self.subnet_ids) or None}
        return {key: value for key, value in values.items() if value}


class IBlueprint(Protocol):
    """An enabled blueprint as a profile sees it."""

    @property
    def domain(self) -> IDomain: ...
    @property
    def blueprint_name(self) -> BlueprintName: ...
    @property
    def blueprint_id(self) -> str: ...
    @property
    def enabled_regions(self) -> Sequence[str]: ...


@dataclass(frozen=True, kw_only=True)
class BlueprintProps:
    """Props of :class:`UnifiedStudioBlueprint`."""

    domain: IDomain
    name: BlueprintName | str
    #: The role DataZone provisions the blueprint's environments with. None: no role is sent, as aws-ia does for
    #: ToolingLite under the domain management portal (the admin project's execution role provisions) and for
    #: S3Bucket and S3TableCatalog (the project's execution role provisions them).
    provisioning_role_arn: str | None = None
    #: The role DataZone publishes and grants the environments' data with. None: no role is sent (aws-ia sends none
    #: for ToolingLite, S3Bucket and S3TableCatalog).
    manage_access_role_arn: str | None = None
    #: default: the domain's own region only.
    enabled_regions: Sequence[str] = ()
    regional_parameters: Mapping[str, RegionalParameters] = field(default_factory=dict)
    global_parameters: Mapping[str, str] = field(default_factory=dict)
    #: default: projects (contributors) in the domain's root unit and all its children.
    environment_creators: Sequence[GrantPrincipal] | None = None
    ignore_changes: Sequence[IgnoreChange] = ()
    #: What the configuration must wait for, e.g. :attr:`BlueprintRoles.dependables` (roles and their policies).
    depends_on: Sequence[ITerraformDependable] = ()
    #: default: none (the configuration is created). The blueprint ID of an existing configuration to adopt;
    #: needs a domain whose ID is known (adopted or imported).
    existing_blueprint_id: str | None = None
    #: The account the blueprint is enabled in, whose credentials (the stack's provider) write the configuration.
    #: default: the domain's account. A member account enabling it in a shared domain
    #: (smus_constructs.domain_share.SharedDomain) gives its own: the grant's entity is `<account>:<blueprint id>`.
    account_id: str | None = None


def adoption_domain_id(domain: IDomain, path: str, prop: str, value: str) -> str:
    """The literal domain ID an import block needs, or a clear error when the domain is created by this plan."""
    if domain.known_domain_id is None:
        raise PropValidationError(path, prop, value, "to be left out unless the domain is adopted or imported too")
    return domain.known_domain_id


class UnifiedStudioBlueprint(Construct):
    """A managed blueprint enabled for a domain, with its environment-creation grant."""

    def __init__(self, scope: Construct, id: str, props: BlueprintProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        try:
            self._name = parse_blueprint_name(props.name)
        except ValueError:
            raise PropValidationError(
                path, "name", props.name, "a managed blueprint name: " + ", ".join(BlueprintName)
            ) from None
        for prop, arn in (
            ("provisioning_role_arn", props.provisioning_role_arn),
            ("manage_access_role_arn", props.manage_access_role_arn),
        ):
            if arn is not None:
                patterns.check(patterns.ROLE_ARN, arn, path=path, prop=prop)
        regions = list(props.enabled_regions) or [props.domain.region]
        for region in regions:
            patterns.check(patterns.REGION, region, path=path, prop="enabled_regions")
        for region in props.regional_parameters:
            if region not in regions:
                raise PropValidationError(path, "regional_parameters", region, f"one of the enabled regions {regions}")
        self._domain = props.domain
        self._regions = regions

        self.lookup = DataAwsDatazoneEnvironmentBlueprint(
            self, "Lookup", domain_id=props.domain.domain_id, name=self._name.value, managed=True
        )
        # One token per attribute: grants are told apart by their entity strings (grants.PolicyGrants).
        self._blueprint_id = self.lookup.id
        account_id = props.domain.account_id
        if props.account_id is not None:
            account_id = patterns.check(patterns.ACCOUNT_ID, props.account_id, path=path, prop="account_id")
        self._account_id = account_id
        self._entity_id = f"{account_id}:{self._blueprint_id}"
        regional = {region: params.as_map() for region, params in sorted(props.regional_parameters.items())}
        self.resource = DatazoneEnvironmentBlueprintConfiguration(
            self,
            "Resource",
            domain_id=props.domain.domain_id,
            environment_blueprint_id=self.lookup.id,
            enabled_regions=regions,
            provisioning_role_arn=props.provisioning_role_arn,
            manage_access_role_arn=props.manage_access_role_arn,
            regional_parameters={region: literal_map(values) for region, values in regional.items() if values} or None,
            global_parameters=literal_map(props.global_parameters) or None,
            depends_on=list(props.depends_on) or None,
        )
        apply_lifecycle(self.resource, ignore_changes=props.ignore_changes)
        if props.existing_blueprint_id is not None:
            patterns.check(patterns.BLUEPRINT_ID, props.existing_blueprint_id, path=path, prop="existing_blueprint_id")
            domain_id = adoption_domain_id(props.domain, path, "existing_blueprint_id", props.existing_blueprint_id)
            # hashicorp/aws imports a blueprint configuration as "<domain id>/<blueprint id>".
            self.resource.import_from(f"{domain_id}/{props.existing_blueprint_id}")

        creators = props.environment_creators
        if creators is None:
            creators = [DomainUnitProjects(domain_unit_id=props.domain.root_domain_unit_id)]
        # Through the stack's grant set: a blueprint authorised twice for one unit is still one grant.
        grant_set = PolicyGrants.of(self, props.domain)
        self.grants = [
            grant_set.grant(
                f"{id}-EnvironmentGrant-{principal_key(principal, index)}",
                policy=GrantPolicy.CREATE_ENVIRONMENT_FROM_BLUEPRINT,
                entity_id=self._entity_id,
                principal=principal,
                depends_on=[self.resource],
            )
            for index, principal in enumerate(creators)
        ]

    @property
    def domain(self) -> IDomain:
        return self._domain

    @property
    def blueprint_name(self) -> BlueprintName:
        return self._name

    @property
    def blueprint_id(self) -> str:
        return self._blueprint_id

    @property
    def enabled_regions(self) -> Sequence[str]:
        return tuple(self._regions)

    @property
    def account_id(self) -> str:
        """The account the blueprint is enabled in (its environments are deployed there)."""
        return self._account_id


class BlueprintRoles(Construct):
    """The provisioning and manage-access roles every blueprint of a domain shares, each given or created.

    Provisioning creates project resources (SageMakerStudioProjectProvisioningRolePolicy); manage-access publishes and
    grants data (AmazonDataZoneSageMakerManageAccessRolePolicy for Lake Formation and the SageMaker catalog, and the
    Glue and Redshift manage-access policies, as aws-ia attaches them), and may read only secrets tagged for this
    domain. A blueprint can still send its own role, or none (:class:`BlueprintProps`).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain: IDomain,
        name_prefix: str,
        provisioning_role_arn: str | None = None,
        manage_access_role_arn: str | None = None,
        permissions_boundary_arn: str | None = None,
        tags: Mapping[str, str] | None = None,
        account_id: str | None = None,
    ) -> None:
        """``account_id``: the account the roles live in. default: the domain's. A member account of a shared
        domain gives its own; the roles' trust still names the domain's account (`aws:SourceAccount`), for whom
        DataZone assumes them."""
        super().__init__(scope, id)
        path = self.node.path
        partition = domain.partition
        home_account = domain.account_id if account_id is None else account_id
        self.provisioning_role: ServiceRole | None = None
        self.manage_access_role: ServiceRole | None = None
        if provisioning_role_arn is not None:
            self.provisioning_role_arn = patterns.check(
                patterns.ROLE_ARN, provisioning_role_arn, path=path, prop="provisioning_role_arn"
            )
        else:
            self.provisioning_role = ServiceRole(
                self,
                "Provisioning",
                RoleSpec(
                    name=provisioning_role_name(name_prefix),
                    description="Unified Studio blueprint provisioning role",
                    trust=datazone_service_trust(domain.account_id),
                    managed_policy_arns=[
                        managed_policy_arn(partition, "service-role/SageMakerStudioProjectProvisioningRolePolicy")
                    ],
                    permissions_boundary_arn=permissions_boundary_arn,
                ),
                tags=tags,
            )
            self.provisioning_role_arn = self.provisioning_role.role_arn
        if manage_access_role_arn is not None:
            self.manage_access_role_arn = patterns.check(
                patterns.ROLE_ARN, manage_access_role_arn, path=path, prop="manage_access_role_arn"
            )
        else:
            self.manage_access_role = ServiceRole(
                self,
                "ManageAccess",
                RoleSpec(
                    name=manage_access_role_name(name_prefix),
                    description="Unified Studio blueprint manage-access role",
                    trust=datazone_service_trust(domain.account_id, source_arn=domain.domain_arn),
                    managed_policy_arns=[
                        managed_policy_arn(partition, "service-role/AmazonDataZoneGlueManageAccessRolePolicy"),
                        managed_policy_arn(partition, "service-role/AmazonDataZoneRedshiftManageAccessRolePolicy"),
                        # Lake Formation and SageMaker catalog grants; aws-ia's blueprint-bootstrap attaches all three.
                        # Last, so the attachments an estate already has keep their addresses.
                        managed_policy_arn(partition, "AmazonDataZoneSageMakerManageAccessRolePolicy"),
                    ],
                    inline_policies={
                        "RedshiftSecretsOfThisDomain": policy_document(
                            {
                                "Sid": "RedshiftSecretsOfThisDomain",
                                "Effect": "Allow",
                                "Action": "secretsmanager:GetSecretValue",
                                # This account's secrets in any region the blueprints provision to; which ones is
                                # the domain tag's job (DataZone tags the secrets it creates for a domain).
                                "Resource": f"arn:{partition}:secretsmanager:*:{home_account}:secret:*",
                                "Condition": {
                                    "StringEquals": {
                                        "secretsmanager:ResourceTag/AmazonDataZoneDomain": domain.domain_id
                                    }
                                },
                            }
                        )
                    },
                    permissions_boundary_arn=permissions_boundary_arn,
                ),
                tags=tags,
            )
            self.manage_access_role_arn = self.manage_access_role.role_arn
        #: Created roles and their policies: blueprint configurations wait for them (empty when all are given).
        self.dependables: list[ITerraformDependable] = [
            d for role in (self.provisioning_role, self.manage_access_role) if role for d in role.dependables
        ]
