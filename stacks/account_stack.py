"""What every stack of an account shares: its state object, its providers, and the account's mandatory tags.

One stack per account and layer means one state object per account and layer, so a projects change can never lock
or corrupt the domain's state, and a plan for dev can never touch prod (the providers refuse other accounts).
"""

from __future__ import annotations

from enum import StrEnum

from cdktn import S3Backend, S3BackendAssumeRoleConfig, TerraformDataSource, TerraformResource, TerraformStack
from cdktn_provider_aws.provider import AwsProvider, AwsProviderAssumeRole, AwsProviderDefaultTags
from cdktn_provider_awscc.provider import AwsccProvider, AwsccProviderAssumeRole
from constructs import Construct

from config.loader import LoadedAccount
from smus_constructs.literals import literal_map


class Layer(StrEnum):
    PLATFORM = "platform"
    PROJECTS = "projects"
    OPS = "ops"


def stack_name(account_name: str, layer: Layer) -> str:
    return f"{account_name}-{layer.value}"


def default_tags(loaded: LoadedAccount, stack: str) -> dict[str, str]:
    """The account's tags plus `ManagedBy` and `SmusStack`; the deploy role manages only keys tagged with its stacks."""
    return {**loaded.config.tags, "ManagedBy": "smus-estate", "SmusStack": stack}


def state_key(loaded: LoadedAccount, layer: Layer) -> str:
    """`<prefix>/<account id>/<layer>.tfstate`: distinct per account and layer, and it names the account."""
    config = loaded.config
    return f"{config.state.key_prefix}/{config.account.account_id}/{layer.value}.tfstate"


class AccountStack(TerraformStack):
    """A stack bound to one account: S3 state with native locking, the providers it uses, default tags."""

    def __init__(self, scope: Construct, loaded: LoadedAccount, layer: Layer) -> None:
        super().__init__(scope, stack_name(loaded.name, layer))
        self.loaded = loaded
        self.layer = layer
        config = loaded.config
        account = config.account
        session_name = f"smus-{loaded.name}-{layer.value}"
        S3Backend(
            self,
            bucket=config.state.bucket,
            key=state_key(loaded, layer),
            region=config.state.region,
            encrypt=True,
            kms_key_id=config.state.kms_key_arn,
            use_lockfile=True,
            dynamodb_table=config.state.dynamodb_table,
            assume_role=S3BackendAssumeRoleConfig(role_arn=account.deploy_role_arn, session_name=session_name),
        )
        self.tags = default_tags(loaded, stack_name(loaded.name, layer))
        self._session_name = session_name
        self.aws: AwsProvider | None = None
        self.awscc: AwsccProvider | None = None

    def declare_used_providers(self) -> None:
        """Declare aws and awscc only if this stack's resources or data sources use them; call it last in __init__.

        An unused provider still has to be installed and configured, with credentials, on every plan (the ops
        stacks hold no awscc resource); a used one left undeclared would run without the assumed role and account pin.
        """
        used = {
            element.terraform_resource_type.split("_", 1)[0]
            for element in self.node.find_all()
            if isinstance(element, TerraformResource | TerraformDataSource)
        }
        account = self.loaded.config.account
        if "aws" in used and self.aws is None:
            self.aws = AwsProvider(
                self,
                "aws",
                region=account.region,
                allowed_account_ids=[account.account_id],
                assume_role=[AwsProviderAssumeRole(role_arn=account.deploy_role_arn, session_name=self._session_name)],
                default_tags=[AwsProviderDefaultTags(tags=literal_map(self.tags))],
            )
        if "awscc" in used and self.awscc is None:
            # awscc has no allowed_account_ids; the deploy role it assumes lives in (and only works in) this account.
            self.awscc = AwsccProvider(
                self,
                "awscc",
                region=account.region,
                assume_role=AwsccProviderAssumeRole(role_arn=account.deploy_role_arn, session_name=self._session_name),
            )
