"""The platform layer of a member (associated) account: its side of the domain shared with it by RAM.

`<member>-platform`, with its own state object and providers pinned to the member's account, applied with the
member's deploy role after the domain account's platform stack (domain, share) and before the domain account's
projects stack (profiles and projects deploying environments here). In it, as AWS's multi-account example and
aws-ia's cross-account module do it with the member's credentials:

1. the share's acceptance, unless both accounts are in one AWS Organization (`[association] same_organization`),
   imported when it was accepted by hand (`[association] existing_share_arn`);
2. the member's provisioning and manage-access roles, trusted by DataZone on behalf of the *domain* account
   (`aws:SourceAccount` = the domain account; manage-access also `aws:SourceArn` = the shared domain's ARN);
3. the member's Tooling bucket and query role, in the member's account;
4. the member's blueprint configurations, in the shared domain (`domain_id` read from the domain account's state),
   each blueprint's ID looked up through the member's provider, with the member's network;
   adopted ones (`existing_blueprint_id`) imported as `<[association] existing_domain_id>/<blueprint id>`;
5. the CREATE_ENVIRONMENT_FROM_BLUEPRINT grant of each, entity `<member account>:<blueprint id>`, to the shared
   domain's root unit.

The shared domain's attributes are read from the domain account's platform state with the member's own role
(stacks.associations), never copied and never with a role of the domain account.
"""

from __future__ import annotations

from cdktn import ITerraformDependable
from constructs import Construct

from config.errors import ConfigError, ConfigIssue
from config.loader import LoadedAccount
from smus_constructs.blueprint import BlueprintRoles
from smus_constructs.domain_share import DomainShareAccepter, SharedDomain
from stacks.account_stack import Layer
from stacks.associations import SharedDomainState
from stacks.platform import BlueprintLayer


class MemberPlatformStack(BlueprintLayer):
    """A member account's share acceptance, blueprint roles, Tooling bucket, blueprints and their grants."""

    def __init__(self, scope: Construct, loaded: LoadedAccount) -> None:
        link = loaded.links.domain
        if link is None or loaded.config.association is None:
            raise ConfigError(
                [
                    ConfigIssue(
                        loaded.path,
                        "association.domain_account",
                        loaded.config.association.domain_account if loaded.config.association else None,
                        "a domain account loaded with this member (config.loader.load_estate resolves it)",
                    )
                ]
            )
        association = loaded.config.association
        super().__init__(scope, loaded, Layer.PLATFORM)
        config = loaded.config
        account = config.account
        self.domain_state = SharedDomainState(
            self,
            "DomainAccountState",
            link=link,
            role_arn=account.deploy_role_arn,
            session_name=self._session_name,
            account_id=account.account_id,
        )
        self.domain = SharedDomain(
            self,
            "SharedDomain",
            domain_id=self.domain_state.domain_id,
            domain_arn=self.domain_state.domain_arn,
            root_domain_unit_id=self.domain_state.root_domain_unit_id,
            account_id=link.account_id,
            region=link.region,
            known_domain_id=association.existing_domain_id,
        )
        self.accepter: DomainShareAccepter | None = None
        waits: list[ITerraformDependable] = []
        if not association.same_organization:
            # The association must be ASSOCIATED before DataZone takes this account's blueprint calls.
            self.accepter = DomainShareAccepter(
                self,
                "ShareAccepter",
                share_arn=self.domain_state.share_arn,
                owner=link.account_id,
                region=link.region,
                existing_share_arn=association.existing_share_arn,
            )
            waits.append(self.accepter.resource)
        self.blueprint_roles = BlueprintRoles(
            self,
            "BlueprintRoles",
            domain=self.domain,
            name_prefix=config.name_prefix,
            provisioning_role_arn=config.blueprint_roles.provisioning_role_arn,
            manage_access_role_arn=config.blueprint_roles.manage_access_role_arn,
            permissions_boundary_arn=config.role_settings.permissions_boundary_arn,
            account_id=account.account_id,
        )
        self.tooling_storage = self._tooling_storage(loaded, self.domain, account_id=account.account_id)
        self.blueprints = self._enable_blueprints(loaded, self.domain, account_id=account.account_id, depends_on=waits)
        for name, blueprint in self.blueprints.items():
            if config.blueprints[name].existing_blueprint_id is not None:
                # Imported as "<existing_domain_id>/<blueprint id>": the plan fails if the state names another domain.
                self.domain.require_known_id(blueprint.resource)
