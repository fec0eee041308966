"""What a domain account's platform stack publishes for its member accounts, and how a member reads it.

A member's stacks need the shared domain's ID and ARN, its root unit and the RAM share's ARN. They read them from the
domain account's platform state object with a `terraform_remote_state` data source that the member's own deploy (or
plan) role reads with, never a role of the domain account: cdktn's automatic cross-stack references would carry the
producer's backend, and so its `assume_role` of the domain account's deploy role, into the member's configuration.
The domain account's bootstrap stack lets exactly these member roles read exactly that object (its bucket and key
policies), nothing else of its state.
"""

from __future__ import annotations

from cdktn import DataTerraformRemoteStateS3, S3BackendAssumeRoleConfig, TerraformOutput
from constructs import Construct

from config.associations import DomainLink

#: Output names in the domain account's platform state, read by its members.
SHARED_DOMAIN_ID = "shared_domain_id"
SHARED_DOMAIN_ARN = "shared_domain_arn"
SHARED_DOMAIN_ROOT_UNIT_ID = "shared_domain_root_unit_id"
SHARED_DOMAIN_SHARE_ARN = "shared_domain_share_arn"


def publish_shared_domain(
    scope: Construct, *, domain_id: str, domain_arn: str, root_domain_unit_id: str, share_arn: str
) -> None:
    """The domain account's outputs for its members (in its platform state)."""
    for name, value in (
        (SHARED_DOMAIN_ID, domain_id),
        (SHARED_DOMAIN_ARN, domain_arn),
        (SHARED_DOMAIN_ROOT_UNIT_ID, root_domain_unit_id),
        (SHARED_DOMAIN_SHARE_ARN, share_arn),
    ):
        TerraformOutput(scope, name, value=value, description="Read by the domain's member accounts' platform stacks")


class SharedDomainState(Construct):
    """The domain account's platform state, read with the member's own role (the deploy role; plan-override swaps in
    the plan role), and only from an account the member's pin allows."""

    def __init__(
        self, scope: Construct, id: str, *, link: DomainLink, role_arn: str, session_name: str, account_id: str
    ) -> None:
        super().__init__(scope, id)
        self.remote = DataTerraformRemoteStateS3(
            self,
            "Resource",
            bucket=link.state_bucket,
            key=link.state_key,
            region=link.state_region,
            assume_role=S3BackendAssumeRoleConfig(role_arn=role_arn, session_name=session_name),
            # The member's own account: its credentials, never the domain account's.
            allowed_account_ids=[account_id],
        )

    @property
    def domain_id(self) -> str:
        return self.remote.get_string(SHARED_DOMAIN_ID)

    @property
    def domain_arn(self) -> str:
        return self.remote.get_string(SHARED_DOMAIN_ARN)

    @property
    def root_domain_unit_id(self) -> str:
        return self.remote.get_string(SHARED_DOMAIN_ROOT_UNIT_ID)

    @property
    def share_arn(self) -> str:
        return self.remote.get_string(SHARED_DOMAIN_SHARE_ARN)
