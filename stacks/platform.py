"""The platform layer of one account: the domain, the shared blueprint roles, and every enabled blueprint."""

from __future__ import annotations

from constructs import Construct

from config.loader import LoadedAccount
from smus_constructs.access import DomainPrincipals, DomainUnitSpec, DomainUnitTree
from smus_constructs.blueprint import BlueprintProps, BlueprintRoles, RegionalParameters, UnifiedStudioBlueprint
from smus_constructs.blueprint_names import BlueprintName
from smus_constructs.domain import DomainProps, SingleSignOn, UnifiedStudioDomain
from smus_constructs.grants import DomainUnitProjects
from stacks.account_stack import AccountStack, Layer
from stacks.lifecycle_config import ignore_changes_for
from stacks.principals import member_principal, referenced_users_and_groups


class PlatformStack(AccountStack):
    """Domain and blueprints. Changes here are rare, slow (90m timeouts) and reviewed by the platform team."""

    def __init__(self, scope: Construct, loaded: LoadedAccount) -> None:
        super().__init__(scope, loaded, Layer.PLATFORM)
        config = loaded.config
        account = config.account
        domain = config.domain
        self.domain = UnifiedStudioDomain(
            self,
            "Domain",
            DomainProps(
                name=domain.name,
                description=domain.description,
                account_id=account.account_id,
                region=account.region,
                single_sign_on=SingleSignOn(domain.single_sign_on.value),
                user_assignment=domain.user_assignment,
                kms_key_arn=domain.kms_key_arn,
                execution_role_arn=domain.execution_role_arn,
                service_role_arn=domain.service_role_arn,
                permissions_boundary_arn=domain.permissions_boundary_arn,
                create_timeout=domain.timeouts.create,
                delete_timeout=domain.timeouts.delete,
                prevent_destroy=account.protected,
                ignore_changes=ignore_changes_for(config, "domain"),
                existing_domain_id=domain.existing_id,
                key_policy_manager_arns=[account.deploy_role_arn],
            ),
        )
        self.principals = DomainPrincipals(
            self,
            "Principals",
            domain=self.domain,
            principals=referenced_users_and_groups(config),
            identity_center=domain.single_sign_on.value == "IAM_IDENTITY_CENTER",
        )
        self.units = DomainUnitTree(
            self,
            "Units",
            domain=self.domain,
            units=[
                DomainUnitSpec(
                    path=unit.path,
                    description=unit.description,
                    owners=[member_principal(owner) for owner in unit.owners],
                )
                for unit in config.domain_units
            ],
        )
        self.blueprint_roles = BlueprintRoles(
            self,
            "BlueprintRoles",
            domain=self.domain,
            name_prefix=domain.name,
            provisioning_role_arn=config.blueprint_roles.provisioning_role_arn,
            manage_access_role_arn=config.blueprint_roles.manage_access_role_arn,
            permissions_boundary_arn=domain.permissions_boundary_arn,
        )
        self.blueprints: dict[BlueprintName, UnifiedStudioBlueprint] = {}
        for name, settings in sorted(config.blueprints.items()):
            self.blueprints[name] = UnifiedStudioBlueprint(
                self,
                f"Blueprint-{name.value}",
                BlueprintProps(
                    domain=self.domain,
                    name=name,
                    enabled_regions=settings.regions,
                    regional_parameters={
                        region: RegionalParameters(
                            s3_location=params.s3_location, vpc_id=params.vpc_id, subnet_ids=params.subnet_ids
                        )
                        for region, params in settings.regional_parameters.items()
                    },
                    global_parameters=settings.global_parameters,
                    provisioning_role_arn=self.blueprint_roles.provisioning_role_arn,
                    manage_access_role_arn=self.blueprint_roles.manage_access_role_arn,
                    environment_creators=[
                        DomainUnitProjects(domain_unit_id=self.units.unit_id(unit))
                        for unit in settings.authorized_units
                    ]
                    or None,
                    ignore_changes=ignore_changes_for(config, f"blueprint:{name.value}"),
                    existing_blueprint_id=settings.existing_blueprint_id,
                    depends_on=self.blueprint_roles.dependables,
                ),
            )
