"""The bootstrap layer of one account: the state bucket and key, the CI deploy role, and pre-created service roles.

It is applied by a person, as the account's break-glass role (`[bootstrap] break_glass_role_arn`), never by CI: it
creates the bucket and key that the other stacks' state lives in, and the roles they deploy and plan with, so it
cannot start in that bucket. Its first apply keeps state in a local file (`bootstrap/<account>.tfstate`,
git-ignored); afterwards move that state into the bucket it created (`terraform init -migrate-state`, then
`[bootstrap] state_in_bucket = true`), under `bootstrap/<account id>/`, which no CI role can read or write.

Before the first apply `[state] kms_key_arn` cannot name the key (it does not exist yet): write the placeholder
`arn:aws:kms:<region>:<account id>:key/00000000-0000-4000-8000-000000000000`; this stack does not read it, and CI
refuses an account that still has it (`smus ci-matrix`). After the first apply copy the `state_kms_key_arn` output
there: the bucket refuses state uploads encrypted with any other key.

It also creates the read-only plan role pull-request and drift plans run with (`[bootstrap] plan_subjects`; named
`[bootstrap] plan_role_name`, default the deploy role's name with '-plan' for '-deploy', on the same path), and the
drift role the drift and deploy jobs publish the pipeline metrics and drift summaries with (`[bootstrap]
drift_role_name`, default '-drift'), trusted by the drift job's and the deploy jobs' subjects, never a pull request's.

Names are taken from the account file, never repeated in it: the bucket is `[state] bucket`, the role name and path
come from `[account] deploy_role_arn`, and the state prefix is the one the platform and projects stacks write under.
"""

from __future__ import annotations

from dataclasses import replace

from cdktn import LocalBackend, S3Backend, TerraformOutput, TerraformStack
from cdktn_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct
from pydantic import BaseModel

from config.artifact_buckets import artifact_buckets
from config.associations import platform_state_key, shared_domain_key_resource
from config.created_roles import created_roles, role_boundaries, unbounded_role_names
from config.loader import LoadedAccount
from config.pipeline_trust import drift_role_arn, drift_role_subjects, plan_role_arn, plan_role_subjects
from smus_constructs.association_permissions import DomainShareScope, SharedDomainScope
from smus_constructs.drift_log import log_group_arn
from smus_constructs.iam import managed_policy_arn
from smus_constructs.literals import literal, literal_map
from smus_constructs.ops_metrics import drift_log_group_name, ops_log_group_prefix
from smus_constructs.pipeline_identity import (
    DeployScope,
    GithubDeployRole,
    GithubDeployRoleProps,
    GithubDriftRole,
    GithubOidcProvider,
    GithubPlanRole,
    deploy_permissions,
    drift_permissions,
    plan_permissions,
)
from smus_constructs.pipeline_rules import github_oidc_provider_arn, split_role_arn
from smus_constructs.service_linked_roles import ServiceLinkedRoles
from smus_constructs.state_bucket import CrossAccountReader, StateBucket, StateBucketProps
from stacks.account_stack import Layer, default_tags, stack_name
from stacks.ops_names import ops_name_prefix

BOOTSTRAP = "bootstrap"
#: The AWS managed policies the platform stack attaches to the roles it creates (domain.py, blueprint.py,
#: tooling_storage.py); the deploy role may attach these and no other. A test compares this list with what the
#: example estate synthesises.
ESTATE_MANAGED_POLICIES = (
    "AmazonDataZoneSageMakerManageAccessRolePolicy",
    "service-role/AmazonDataZoneGlueManageAccessRolePolicy",
    "service-role/AmazonDataZoneRedshiftManageAccessRolePolicy",
    "service-role/SageMakerStudioDomainExecutionRolePolicy",
    "service-role/SageMakerStudioDomainServiceRolePolicy",
    "service-role/SageMakerStudioProjectProvisioningRolePolicy",
    # The Tooling blueprint's query execution role (tooling_storage.py), created when the account gives none.
    "service-role/SageMakerStudioQueryExecutionRolePolicy",
    # Created project execution roles (project_role.py).
    "SageMakerStudioUserIAMDefaultExecutionPolicy",
)


def bootstrap_stack_name(account_name: str) -> str:
    return f"{account_name}-{BOOTSTRAP}"


def local_state_path(account_name: str) -> str:
    """Where the bootstrap state lives: `<project root>/bootstrap/<account>.tfstate`, outside the output folder.

    Terraform resolves the path from the stack's folder, `cdktf.out/stacks/<stack>/`. Inside it the file would be
    deleted by the next synth, which replaces `cdktf.out/` whole; hence three levels up. (cdktn's own default is an
    absolute path, which would differ on every machine and in every snapshot.)
    """
    return f"../../../bootstrap/{account_name}.tfstate"


def bootstrap_state_key(loaded: LoadedAccount) -> str:
    """Where the bootstrap state lives once migrated into the bucket: outside `<key_prefix>/<account id>/`, the only
    prefix the deploy and plan roles may touch, so only the break-glass role reads it."""
    return f"bootstrap/{loaded.config.account.account_id}/bootstrap.tfstate"


def state_prefix(loaded: LoadedAccount) -> str:
    """The prefix every state object of the account lives under (see stacks.account_stack.state_key)."""
    config = loaded.config
    return f"{config.state.key_prefix}/{config.account.account_id}/"


class BootstrapStack(TerraformStack):
    """`<account>-bootstrap`: local state, the aws provider pinned to the account, no role assumed."""

    def __init__(self, scope: Construct, loaded: LoadedAccount) -> None:
        name = bootstrap_stack_name(loaded.name)
        super().__init__(scope, name)
        self.loaded = loaded
        config = loaded.config
        account = config.account
        settings = config.bootstrap

        if settings.state_in_bucket:
            # After `terraform init -migrate-state` (docs/migration-runbook.md): the bucket this stack created, under a
            # key outside every CI role's prefix; applied as the break-glass role, so no assume_role.
            S3Backend(
                self,
                bucket=config.state.bucket,
                key=bootstrap_state_key(loaded),
                region=config.state.region,
                encrypt=True,
                kms_key_id=config.state.kms_key_arn,
                use_lockfile=True,
            )
        else:
            LocalBackend(self, path=local_state_path(loaded.name))
        self.tags = default_tags(loaded, name)
        # No assume_role: the deploy role does not exist until this stack has been applied.
        self.aws = AwsProvider(
            self,
            "aws",
            region=account.region,
            allowed_account_ids=[account.account_id],
            default_tags=[AwsProviderDefaultTags(tags=literal_map(self.tags))],
        )

        partition, _, role_path, role_name = split_role_arn(account.deploy_role_arn)
        self.oidc_provider: GithubOidcProvider | None = None
        if settings.create_oidc_provider:
            self.oidc_provider = GithubOidcProvider(self, "GithubOidcProvider")
            oidc_provider_arn = self.oidc_provider.provider_arn
        else:
            oidc_provider_arn = settings.oidc_provider_arn or github_oidc_provider_arn(partition, account.account_id)

        self.deploy_role = GithubDeployRole(
            self,
            "DeployRole",
            GithubDeployRoleProps(
                account_id=account.account_id,
                region=account.region,
                role_name=role_name,
                path=role_path,
                repository=settings.github_repository,
                subjects=settings.github_subjects,
                oidc_provider_arn=oidc_provider_arn,
                description=f"Deploys the {loaded.name} SageMaker Unified Studio estate from GitHub Actions",
            ),
        )
        plan_arn = plan_role_arn(config)
        _, _, plan_path, plan_name = split_role_arn(plan_arn)
        self.plan_role = GithubPlanRole(
            self,
            "PlanRole",
            GithubDeployRoleProps(
                account_id=account.account_id,
                region=account.region,
                role_name=plan_name,
                path=plan_path,
                repository=settings.github_repository,
                subjects=plan_role_subjects(config),
                oidc_provider_arn=oidc_provider_arn,
                description=f"Plans the {loaded.name} SageMaker Unified Studio estate from GitHub Actions (read-only)",
            ),
            protected=account.protected,
        )
        self.drift_role = self._drift_role(loaded, oidc_provider_arn)
        self.state = StateBucket(
            self,
            "State",
            StateBucketProps(
                bucket_name=config.state.bucket,
                account_id=account.account_id,
                region=account.region,
                # The created role's ARN (a reference, not the config string): KMS refuses a key policy naming a
                # principal that does not exist yet, and the reference orders the role first.
                user_role_arns=[self.deploy_role.role_arn],
                reader_role_arns=[self.plan_role.role_arn],
                # The break-glass role exists already (it applies this stack), so its ARN is the config string.
                administrator_role_arns=[settings.break_glass_role_arn],
                noncurrent_version_expiration_days=settings.noncurrent_version_expiration_days,
                noncurrent_versions_to_keep=settings.noncurrent_versions_to_keep,
                access_log_bucket=settings.access_log_bucket,
                lock_table_name=config.state.dynamodb_table,
                # Member accounts read the platform state object (their shared domain's ID, ARN and share), only it.
                cross_account_readers=[
                    CrossAccountReader(
                        account_id=member.account_id,
                        role_arns=[member.deploy_role_arn, member.plan_role_arn],
                        object_key=platform_state_key(config),
                    )
                    for member in loaded.links.members
                ],
            ),
        )

        given_roles = sorted(
            given_role_arns(config) - {account.deploy_role_arn, plan_arn, settings.break_glass_role_arn}
        )
        # What the platform and projects stacks create decides what the deploy role may write: nothing, when the
        # account brings every role (config/created_roles.py).
        created = created_roles(config)
        self.deploy_scope = DeployScope(
            partition=partition,
            account_id=account.account_id,
            region=account.region,
            self_role_arn=account.deploy_role_arn,
            state_bucket=config.state.bucket,
            state_prefix=state_prefix(loaded),
            state_key_arn=self.state.key_arn,
            lock_table_name=config.state.dynamodb_table,
            role_name_prefix=config.name_prefix,
            given_role_arns=given_roles,
            attachable_policy_arns=[managed_policy_arn(partition, policy) for policy in ESTATE_MANAGED_POLICIES],
            role_boundaries=role_boundaries(created),
            unbounded_role_names=unbounded_role_names(created),
            # Tag keys are config text inside a policy string, which Terraform reads as a template: escaped.
            role_tag_keys=sorted(literal(key) for key in default_tags(loaded, stack_name(loaded.name, Layer.PLATFORM))),
            protected=account.protected,
            managed_stack_tags=[stack_name(loaded.name, layer) for layer in Layer],
            ops_name_prefix=ops_name_prefix(loaded.name),
            tooling_bucket=next((bucket.name for bucket in artifact_buckets(config) if bucket.created), None),
            domain_share=self._domain_share(loaded),
            shared_domain=self._shared_domain(loaded),
            ops_log_group_prefix=ops_log_group_prefix(loaded.name),
        )
        self.deploy_policy = self.deploy_role.add_inline_policy("DeployEstate", deploy_permissions(self.deploy_scope))
        reason = config.role_settings.no_permissions_boundary_reason
        if self.deploy_scope.unbounded_role_names and reason:
            # A `//` comment Terraform ignores: reviewers and SMUS-017 read why these roles are written unbounded.
            self.deploy_policy.add_override("//.unbounded_roles_reason", literal(reason))
        self.plan_scope = replace(self.deploy_scope, self_role_arn=plan_arn)
        self.plan_policy = self.plan_role.add_inline_policy("PlanEstate", plan_permissions(self.plan_scope))

        self.service_linked_roles = ServiceLinkedRoles(self, "ServiceLinkedRoles", names=settings.service_linked_roles)

        TerraformOutput(self, "state_bucket", value=self.state.bucket_name)
        TerraformOutput(
            self,
            "state_kms_key_arn",
            value=self.state.key_arn,
            description="Copy into [state] kms_key_arn of the account file after the first apply",
        )
        TerraformOutput(self, "deploy_role_arn", value=self.deploy_role.role_arn)
        TerraformOutput(self, "plan_role_arn", value=self.plan_role.role_arn)
        TerraformOutput(self, "drift_role_arn", value=self.drift_role.role_arn)

    @staticmethod
    def _domain_share(loaded: LoadedAccount) -> DomainShareScope | None:
        """A domain account with members: its deploy role manages the domain's RAM share with them."""
        members = loaded.links.members
        if not members or loaded.config.domain is None:
            return None
        return DomainShareScope(
            domain_name=loaded.config.domain.name,
            member_account_ids=[member.account_id for member in members],
            allow_external_principals=not all(member.same_organization for member in members),
            stack_tag=stack_name(loaded.name, Layer.PLATFORM),
            domain_id=loaded.config.domain.existing_id,
        )

    @staticmethod
    def _shared_domain(loaded: LoadedAccount) -> SharedDomainScope | None:
        """A member account: its roles accept the share and read the domain account's platform state, only that."""
        link = loaded.links.domain
        if link is None or loaded.config.association is None:
            return None
        return SharedDomainScope(
            domain_account_id=link.account_id,
            domain_name=link.domain_name,
            state_bucket=link.state_bucket,
            state_object_key=link.state_key,
            state_key_arn=link.state_kms_key_arn,
            same_organization=loaded.config.association.same_organization,
            domain_key_resource=shared_domain_key_resource(link),
        )

    def _drift_role(self, loaded: LoadedAccount, oidc_provider_arn: str) -> GithubDriftRole:
        """The pipeline's metrics role: the drift job's and the deploy jobs' subjects (never a pull request's);
        PutMetricData into the namespace, and the drift log group's streams, only."""
        config = loaded.config
        _, _, path, name = split_role_arn(drift_role_arn(config))
        role = GithubDriftRole(
            self,
            "DriftRole",
            GithubDeployRoleProps(
                account_id=config.account.account_id,
                region=config.account.region,
                role_name=name,
                path=path,
                repository=config.bootstrap.github_repository,
                subjects=drift_role_subjects(config),
                oidc_provider_arn=oidc_provider_arn,
                description=f"Publishes the {loaded.name} estate's pipeline metrics and drift summaries from CI",
            ),
        )
        partition = split_role_arn(config.account.deploy_role_arn)[0]
        drift_log = log_group_arn(
            partition=partition,
            region=config.account.region,
            account_id=config.account.account_id,
            name=drift_log_group_name(loaded.name),
        )
        role.add_inline_policy(
            "DriftMetrics",
            drift_permissions(metric_namespace=config.operations.metric_namespace, drift_log_group_arn=drift_log),
        )
        return role


def given_role_arns(model: BaseModel) -> set[str]:
    """Every `*_role_arn` set anywhere in the account file: roles made elsewhere that the stacks hand to DataZone.

    Walked rather than listed, so a role field added to the config later is passable without touching this stack.
    """
    found: set[str] = set()

    def walk(value: object, name: str = "") -> None:
        if isinstance(value, BaseModel):
            for field_name in type(value).model_fields:
                walk(getattr(value, field_name), field_name)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item, name)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, name)
        elif isinstance(value, str) and name.endswith("_role_arn"):
            found.add(value)

    walk(model)
    return found
