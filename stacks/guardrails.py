"""`organization-guardrails`: the estate's SCPs, applied in the organization's management account with its own state.

Synthesised only when `config/organization.toml` exists. The SCP's content comes from the protected accounts' files
(deploy role, plan role, state bucket, domain name); `organization.toml` says where to apply it (management account,
its deploy role and state) and whom to attach it to. CI's per-account deploy roles cannot apply this stack: it is
applied with management-account (or delegated-administrator) credentials, see docs/operations.md.
"""

from __future__ import annotations

from cdktn import S3Backend, S3BackendAssumeRoleConfig, TerraformOutput, TerraformStack
from cdktn_provider_aws.provider import AwsProvider, AwsProviderAssumeRole, AwsProviderDefaultTags
from constructs import Construct

from config.organization_models import GUARDRAILS_STACK, LoadedOrganization, ProtectedAccount
from config.pipeline_trust import plan_role_arn
from smus_constructs.guardrail_policy import GuardrailPolicyProps, ProtectedAccountScope, pipeline_role_arns
from smus_constructs.guardrails import EstateGuardrailPolicy
from smus_constructs.literals import literal_map
from smus_constructs.pipeline_rules import split_role_arn


def account_scope(protected: ProtectedAccount) -> ProtectedAccountScope:
    """What the SCP needs of one protected account, taken from its account file."""
    config = protected.loaded.config
    partition, _, _, _ = split_role_arn(config.account.deploy_role_arn)
    return ProtectedAccountScope(
        account_id=config.account.account_id,
        partition=partition,
        deploy_role_arn=config.account.deploy_role_arn,
        break_glass_role_arn=protected.break_glass_role_arn,
        plan_role_arn=plan_role_arn(config),
        state_bucket=config.state.bucket,
        role_name_prefix=config.name_prefix,
    )


class GuardrailsStack(TerraformStack):
    """S3 state in the management account's bucket, the aws provider pinned to the management account."""

    def __init__(self, scope: Construct, organization: LoadedOrganization) -> None:
        super().__init__(scope, GUARDRAILS_STACK)
        self.organization = organization
        config = organization.config
        management = config.organization
        session_name = f"smus-{GUARDRAILS_STACK}"
        S3Backend(
            self,
            bucket=config.state.bucket,
            key=organization.state_key,
            region=config.state.region,
            encrypt=True,
            kms_key_id=config.state.kms_key_arn,
            use_lockfile=True,
            assume_role=S3BackendAssumeRoleConfig(role_arn=management.deploy_role_arn, session_name=session_name),
        )
        self.tags = {**config.tags, "ManagedBy": "smus-estate", "SmusStack": GUARDRAILS_STACK}
        self.aws = AwsProvider(
            self,
            "aws",
            region=management.region,
            allowed_account_ids=[management.account_id],
            assume_role=[AwsProviderAssumeRole(role_arn=management.deploy_role_arn, session_name=session_name)],
            default_tags=[AwsProviderDefaultTags(tags=literal_map(self.tags))],
        )
        self.accounts = [account_scope(protected) for protected in organization.protected]
        self.policy = EstateGuardrailPolicy(
            self,
            "EstateGuardrails",
            GuardrailPolicyProps(accounts=self.accounts, targets=organization.targets),
        )
        TerraformOutput(self, "guardrail_policy_id", value=self.policy.policy_id)

    @property
    def pipeline_role_arns(self) -> list[str]:
        """The roles every statement must exempt (the lockout rule, SMUS-025, checks them against the policy)."""
        return pipeline_role_arns(self.accounts)
