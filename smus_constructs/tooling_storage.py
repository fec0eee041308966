"""The Tooling blueprint's storage and query role, created when not given (as aws-ia's root module does).

The Tooling blueprint's regional `S3Location` is where projects keep their files, and its global parameter
`sagemakerQueryExecutionRoleArn` is the role the query editor runs as. aws-ia's module creates both when the caller
gives none: a bucket named for the account and region with public access blocked, and a role trusted by DataZone
with `SageMakerStudioQueryExecutionRolePolicy`. Here the bucket is also KMS-encrypted (SSE-KMS with the account's
AWS managed key for S3, so every project role that may use the bucket can, without a grant on a customer key),
bucket-owner-enforced and TLS-only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from cdktn import ITerraformDependable
from cdktn_provider_aws.s3_bucket import S3Bucket
from cdktn_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktn_provider_aws.s3_bucket_ownership_controls import S3BucketOwnershipControls, S3BucketOwnershipControlsRule
from cdktn_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktn_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktn_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from constructs import Construct

from smus_constructs import patterns
from smus_constructs.bucket_names import tooling_bucket_name
from smus_constructs.domain import IDomain
from smus_constructs.errors import PropValidationError
from smus_constructs.iam import RoleSpec, ServiceRole, datazone_service_trust, managed_policy_arn, policy_document
from smus_constructs.literals import literal_map
from smus_constructs.role_names import query_execution_role_name


class ToolingStorage(Construct):
    """The Tooling bucket and query execution role of a domain: each handed in, or created here."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain: IDomain,
        name_prefix: str,
        s3_location: str | None = None,
        query_execution_role_arn: str | None = None,
        permissions_boundary_arn: str | None = None,
        access_log_bucket: str | None = None,
        tags: Mapping[str, str] | None = None,
        account_id: str | None = None,
    ) -> None:
        """``account_id``: the account the bucket is created in. default: the domain's (a member account of a
        shared domain gives its own); the query role's trust names the domain's account either way."""
        super().__init__(scope, id)
        path = self.node.path
        #: Created resources: the Tooling blueprint configuration waits for them (empty when both are given).
        self.dependables: list[ITerraformDependable] = []
        self.bucket: S3Bucket | None = None
        self.logging: S3BucketLoggingA | None = None
        if s3_location is not None:
            self.s3_location = s3_location
        else:
            name = tooling_bucket_name(domain.account_id if account_id is None else account_id, domain.region)
            self.bucket = S3Bucket(self, "Bucket", bucket=name, tags=literal_map(tags) if tags else None)
            encryption = S3BucketServerSideEncryptionConfigurationA(
                self,
                "Encryption",
                bucket=self.bucket.id,
                rule=[
                    S3BucketServerSideEncryptionConfigurationRuleA(
                        apply_server_side_encryption_by_default=(
                            S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                                sse_algorithm="aws:kms"
                            )
                        ),
                        bucket_key_enabled=True,
                    )
                ],
            )
            public_access = S3BucketPublicAccessBlock(
                self,
                "PublicAccessBlock",
                bucket=self.bucket.id,
                block_public_acls=True,
                block_public_policy=True,
                ignore_public_acls=True,
                restrict_public_buckets=True,
            )
            ownership = S3BucketOwnershipControls(
                self,
                "Ownership",
                bucket=self.bucket.id,
                rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
            )
            arn = f"arn:{domain.partition}:s3:::{name}"
            policy = S3BucketPolicy(
                self,
                "Policy",
                bucket=self.bucket.id,
                policy=json.dumps(
                    policy_document(
                        {
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [arn, f"{arn}/*"],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ),
                    sort_keys=True,
                ),
                # S3 rejects a policy while the public access block is being changed; order the two.
                depends_on=[public_access],
            )
            self.dependables += [self.bucket, encryption, public_access, ownership, policy]
            # Who read or wrote the projects' files (issue 16 item 4): S3 server access logs into the account's log
            # bucket, under the bucket's own name. Left out, the account's trail records S3 data events instead
            # (config.artifact_buckets says which); the ops stack's Config rules check either.
            if access_log_bucket is not None:
                if access_log_bucket == name:
                    raise PropValidationError(
                        path, "access_log_bucket", access_log_bucket, "a bucket other than itself"
                    )
                self.logging = S3BucketLoggingA(
                    self,
                    "AccessLogging",
                    bucket=self.bucket.id,
                    target_bucket=access_log_bucket,
                    target_prefix=f"s3/{name}/",  # as the state bucket logs (state_bucket.py)
                )
            self.s3_location = f"s3://{name}"
        self.query_role: ServiceRole | None = None
        if query_execution_role_arn is not None:
            self.query_execution_role_arn = patterns.check(
                patterns.ROLE_ARN, query_execution_role_arn, path=path, prop="query_execution_role_arn"
            )
        else:
            self.query_role = ServiceRole(
                self,
                "QueryExecution",
                RoleSpec(
                    name=query_execution_role_name(name_prefix),
                    description="Unified Studio query execution role (Tooling blueprint)",
                    trust=datazone_service_trust(domain.account_id),
                    managed_policy_arns=[
                        managed_policy_arn(domain.partition, "service-role/SageMakerStudioQueryExecutionRolePolicy")
                    ],
                    permissions_boundary_arn=permissions_boundary_arn,
                ),
                tags=tags,
            )
            self.dependables += self.query_role.dependables
            self.query_execution_role_arn = self.query_role.role_arn
