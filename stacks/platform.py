"""The platform layer of one account: the domain, the shared blueprint roles, and every enabled blueprint."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Literal

from cdktn import ITerraformDependable
from constructs import Construct

from config.loader import LoadedAccount
from config.models import BlueprintSettings
from config.networks import placements
from smus_constructs.access import DomainPrincipals, DomainUnitSpec, DomainUnitTree
from smus_constructs.blueprint import BlueprintProps, BlueprintRoles, RegionalParameters, UnifiedStudioBlueprint
from smus_constructs.blueprint_names import VPC_BLUEPRINTS, BlueprintName
from smus_constructs.domain import DomainProps, IDomain, SingleSignOn, UnifiedStudioDomain
from smus_constructs.domain_share import DomainShare, ShareMember
from smus_constructs.grants import DomainUnitProjects
from smus_constructs.role_names import QUERY_ROLE_PARAMETER
from smus_constructs.tooling_storage import ToolingStorage
from stacks.account_stack import AccountStack, Layer
from stacks.associations import publish_shared_domain
from stacks.lifecycle_config import ignore_changes_for
from stacks.principals import member_principal, referenced_users_and_groups


class BlueprintLayer(AccountStack):
    """What a platform stack of any account has: the blueprint roles, the Tooling bucket and the enabled blueprints.

    A domain account enables them in its own domain (:class:`PlatformStack`); a member account in the domain shared
    with it (stacks.member_platform.MemberPlatformStack), with its own roles, network and account ID.
    """

    blueprint_roles: BlueprintRoles
    tooling_storage: ToolingStorage | None

    def _enable_blueprints(
        self,
        loaded: LoadedAccount,
        domain: IDomain,
        *,
        unit_id: Callable[[str], str] | None = None,
        ignore_changes: bool = False,
        account_id: str | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> dict[BlueprintName, UnifiedStudioBlueprint]:
        config = loaded.config
        account = config.account
        blueprints: dict[BlueprintName, UnifiedStudioBlueprint] = {}
        for name, settings in sorted(config.blueprints.items()):
            regional = {
                region: RegionalParameters(
                    s3_location=placed.s3_location, vpc_id=placed.vpc_id, subnet_ids=placed.subnet_ids
                )
                for region, placed in placements(config, name).items()
            }
            global_parameters = dict(settings.global_parameters)
            waits = [*self.blueprint_roles.dependables, *depends_on]
            storage = self.tooling_storage
            here = regional.get(account.region)
            if storage is not None and name in VPC_BLUEPRINTS and here is not None and here.s3_location is None:
                # The account's region defaults to the Tooling bucket, as aws-ia's quick-setup shares it.
                regional[account.region] = replace(here, s3_location=storage.s3_location)
                if storage.bucket is not None:
                    waits.append(storage.bucket)
            if name is BlueprintName.TOOLING and storage is not None:
                regional[account.region] = replace(
                    regional.get(account.region, RegionalParameters()), s3_location=storage.s3_location
                )
                global_parameters[QUERY_ROLE_PARAMETER] = storage.query_execution_role_arn
                waits += storage.dependables
            creators = (
                [DomainUnitProjects(domain_unit_id=unit_id(unit)) for unit in settings.authorized_units]
                if unit_id is not None
                else []
            )
            blueprints[name] = UnifiedStudioBlueprint(
                self,
                f"Blueprint-{name.value}",
                BlueprintProps(
                    domain=domain,
                    name=name,
                    enabled_regions=settings.regions,
                    regional_parameters=regional,
                    global_parameters=global_parameters,
                    provisioning_role_arn=self._role(settings, "provisioning"),
                    manage_access_role_arn=self._role(settings, "manage_access"),
                    environment_creators=creators or None,
                    ignore_changes=ignore_changes_for(config, f"blueprint:{name.value}") if ignore_changes else (),
                    existing_blueprint_id=settings.existing_blueprint_id,
                    depends_on=waits,
                    account_id=account_id,
                ),
            )
        return blueprints

    def _role(self, settings: BlueprintSettings, role: Literal["provisioning", "manage_access"]) -> str | None:
        """The role a blueprint sends: none if it omits it, else its own, else the account's shared one."""
        if role in settings.without_roles:
            return None
        if role == "provisioning":
            return settings.provisioning_role_arn or self.blueprint_roles.provisioning_role_arn
        return settings.manage_access_role_arn or self.blueprint_roles.manage_access_role_arn

    def _tooling_storage(
        self, loaded: LoadedAccount, domain: IDomain, account_id: str | None = None
    ) -> ToolingStorage | None:
        """The Tooling bucket and query role, each created unless the Tooling blueprint's settings name one."""
        config = loaded.config
        tooling = config.blueprints.get(BlueprintName.TOOLING)
        if tooling is None:
            return None
        here = placements(config, BlueprintName.TOOLING).get(config.account.region)
        return ToolingStorage(
            self,
            "ToolingStorage",
            domain=domain,
            name_prefix=config.name_prefix,
            s3_location=here.s3_location if here is not None else None,
            query_execution_role_arn=tooling.query_execution_role_arn
            or tooling.global_parameters.get(QUERY_ROLE_PARAMETER),
            permissions_boundary_arn=config.role_settings.permissions_boundary_arn,
            access_log_bucket=config.bootstrap.access_log_bucket,
            account_id=account_id,
        )


class PlatformStack(BlueprintLayer):
    """Domain and blueprints. Changes here are rare, slow (90m timeouts) and reviewed by the platform team."""

    def __init__(self, scope: Construct, loaded: LoadedAccount) -> None:
        super().__init__(scope, loaded, Layer.PLATFORM)
        config = loaded.config
        account = config.account
        domain = config.the_domain()
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
                aws_owned_key=domain.aws_owned_key,
                execution_role_arn=domain.execution_role_arn,
                service_role_arn=domain.service_role_arn,
                permissions_boundary_arn=domain.permissions_boundary_arn,
                create_timeout=domain.timeouts.create,
                delete_timeout=domain.timeouts.delete,
                prevent_destroy=account.protected,
                ignore_changes=ignore_changes_for(config, "domain"),
                existing_domain_id=domain.existing_id,
                member_account_ids=[member.account_id for member in loaded.links.members],
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
        self.tooling_storage = self._tooling_storage(loaded, self.domain)
        self.blueprints = self._enable_blueprints(loaded, self.domain, unit_id=self.units.unit_id, ignore_changes=True)
        self.share = self._share(loaded)

    def _share(self, loaded: LoadedAccount) -> DomainShare | None:
        """The domain's RAM share with the member accounts ([domain] associated_accounts), and what they read."""
        members = loaded.links.members
        if not members:
            return None
        share = DomainShare(
            self,
            "DomainShare",
            domain=self.domain,
            domain_name=loaded.config.the_domain().name,
            members=[
                ShareMember(
                    name=member.name,
                    account_id=member.account_id,
                    same_organization=member.same_organization,
                    associated=member.existing_share_arn is not None,
                )
                for member in members
            ],
            existing_share_arn=loaded.config.the_domain().existing_share_arn,
        )
        publish_shared_domain(
            self,
            domain_id=self.domain.domain_id,
            domain_arn=self.domain.domain_arn,
            root_domain_unit_id=self.domain.root_domain_unit_id,
            share_arn=share.share_arn,
        )
        return share
