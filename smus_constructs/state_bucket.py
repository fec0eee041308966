"""The bucket every stack of an account keeps its Terraform state in, with its own key.

State holds every resource ID of the estate and is the one thing Terraform cannot rebuild, so the bucket is versioned,
encrypted with a customer-managed key only the deploy and break-glass roles may use (and only through S3), never
public, owned by the bucket owner alone (no ACLs), and its policy refuses plain HTTP, TLS below 1.2, principals of
other accounts and uploads encrypted with any other key. Old versions are kept long enough to roll a bad apply back,
then expire. Both the bucket and its key carry `prevent_destroy`: losing either loses the estate's state.

`aws:SourceAccount` would not do for "this account only": it is set only when an AWS service acts on a principal's
behalf. `aws:PrincipalAccount` is set for every signed request.

IAM alone cannot say who reads state: any principal of the account whose identity policy allows `s3:GetObject` (and
the key's use) would. So the bucket policy names its readers: object reads and writes are denied to every principal
but the roles given (deploy, plan, break-glass), and changes to the bucket's policy, versioning, lifecycle,
encryption, replication, logging and public access block to every principal but the administrators (the break-glass
role). `aws:PrincipalArn` is the role's own ARN (with its path) for every session of the role, including the
providers' re-assumed sessions.

Recovery is never locked out: S3 lets the root user of the bucket's account call GetBucketPolicy, PutBucketPolicy and
DeleteBucketPolicy whatever the policy says, and in an organisation with centralised root access the management
account can do the same through `sts:AssumeRoot` with the `S3UnlockBucketPolicy` task policy. Root is deliberately
not listed: nobody uses it day to day, and its way back is S3's, not ours.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktn_provider_aws.dynamodb_table import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableServerSideEncryption,
)
from cdktn_provider_aws.kms_alias import KmsAlias
from cdktn_provider_aws.kms_key import KmsKey
from cdktn_provider_aws.s3_bucket import S3Bucket
from cdktn_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
)
from cdktn_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktn_provider_aws.s3_bucket_ownership_controls import S3BucketOwnershipControls, S3BucketOwnershipControlsRule
from cdktn_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktn_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktn_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktn_provider_aws.s3_bucket_versioning import S3BucketVersioningA, S3BucketVersioningVersioningConfiguration
from constructs import Construct

from smus_constructs import patterns
from smus_constructs.errors import PropValidationError
from smus_constructs.iam import PolicyDocument, Statement, policy_document
from smus_constructs.kms import KEY_ADMIN_ACTIONS
from smus_constructs.lifecycle import apply_lifecycle
from smus_constructs.literals import literal, literal_map
from smus_constructs.pipeline_rules import ACCEPTED_BUCKET, BUCKET_NAME, TABLE_NAME

MINIMUM_TLS_VERSION = "1.2"
STATE_KEY_USE_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"]
# S3 native locking (`use_lockfile`) needs no table; the DynamoDB lock table only serves teams still migrating.
LOCK_TABLE_HASH_KEY = "LockID"


#: What touches a state object's content or existence. Denied to every principal but the state's named roles.
STATE_OBJECT_ACTIONS = ["s3:DeleteObject*", "s3:GetObject*", "s3:PutObject*", "s3:RestoreObject"]
#: What changes how the bucket keeps, protects or copies state. Denied to every principal but the administrators.
BUCKET_ADMINISTRATION_ACTIONS = [
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketLogging",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketOwnershipControls",
    "s3:PutBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketVersioning",
    "s3:PutEncryptionConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:PutReplicationConfiguration",
]


@dataclass(frozen=True, kw_only=True)
class CrossAccountReader:
    """Roles of another account that may read one state object: a member account's deploy and plan roles reading
    the domain account's platform state (its shared domain's ID, ARN and RAM share)."""

    account_id: str
    role_arns: Sequence[str]
    #: The one object they read, e.g. `smus/<domain account>/platform.tfstate`.
    object_key: str


def state_bucket_policy(
    *,
    partition: str,
    account_id: str,
    bucket: str,
    key_arn: str,
    state_role_arns: Sequence[str] = (),
    administrator_role_arns: Sequence[str] = (),
    cross_account_readers: Sequence[CrossAccountReader] = (),
) -> PolicyDocument:
    """Deny-only bucket policy: what no one may ever do, and who alone may touch state or administer the bucket.

    With ``administrator_role_arns``, ``state_role_arns`` and the administrators are the only principals that may
    read or write objects, and the administrators the only ones that may change the bucket's own configuration.
    Without administrators neither statement is added (nobody could repair the bucket but the account root).
    """
    resources = [f"arn:{partition}:s3:::{bucket}", f"arn:{partition}:s3:::{bucket}/*"]
    named: list[Statement] = []
    outsiders = sorted({arn for reader in cross_account_readers for arn in reader.role_arns})
    if administrator_role_arns:
        readers = sorted({*state_role_arns, *administrator_role_arns, *outsiders})
        named.append(
            {
                "Sid": "DenyStateObjectsToAllButTheStateRoles",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": STATE_OBJECT_ACTIONS,
                "Resource": resources[1],
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": readers}},
            }
        )
        named.append(
            {
                "Sid": "DenyBucketAdministrationToAllButAdministrators",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": BUCKET_ADMINISTRATION_ACTIONS,
                "Resource": resources[0],
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": sorted(set(administrator_role_arns))}},
            }
        )

    def deny(sid: str, condition: dict[str, dict[str, object]], action: str = "s3:*") -> Statement:
        return {
            "Sid": sid,
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": action,
            "Resource": resources if action == "s3:*" else resources[1],
            "Condition": condition,
        }

    other_accounts: dict[str, dict[str, object]] = {
        "StringNotEquals": {"aws:PrincipalAccount": account_id},
        "Bool": {"aws:PrincipalIsAWSService": "false"},
    }
    if outsiders:
        # The named readers of other accounts are held to their object by the statements below instead.
        other_accounts["ArnNotEquals"] = {"aws:PrincipalArn": outsiders}
    return policy_document(
        deny("DenyInsecureTransport", {"Bool": {"aws:SecureTransport": "false"}}),
        deny("DenyTlsBelow12", {"NumericLessThan": {"s3:TlsVersion": MINIMUM_TLS_VERSION}}),
        # An AWS service acting for itself (not for a principal) has no account; leave it to its own checks.
        deny("DenyPrincipalsOfOtherAccounts", other_accounts),
        deny(
            "DenyOtherEncryption",
            {"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}},
            action="s3:PutObject",
        ),
        deny(
            "DenyOtherKmsKeys",
            {"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption-aws-kms-key-id": key_arn}},
            action="s3:PutObject",
        ),
        *named,
        *_cross_account_statements(partition, bucket, resources, cross_account_readers),
    )


def _cross_account_statements(
    partition: str, bucket: str, resources: list[str], readers: Sequence[CrossAccountReader]
) -> list[Statement]:
    """Each reader of another account: GetObject on its object, and an explicit deny of everything else.

    The principal is the reader's account, narrowed by `aws:PrincipalArn` to its roles: a bucket policy naming a
    role that does not exist yet is refused, and the member's bootstrap may be applied after this one.
    """
    if not readers:
        return []
    outsiders = sorted({arn for reader in readers for arn in reader.role_arns})
    objects = sorted({f"arn:{partition}:s3:::{bucket}/{reader.object_key}" for reader in readers})
    only_them = {"ArnEquals": {"aws:PrincipalArn": outsiders}}
    statements: list[Statement] = [
        {
            "Sid": f"MemberReadsTheSharedDomainState{index}",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{reader.account_id}:root"},
            "Action": "s3:GetObject",
            "Resource": f"arn:{partition}:s3:::{bucket}/{reader.object_key}",
            "Condition": {"ArnEquals": {"aws:PrincipalArn": sorted(reader.role_arns)}},
        }
        for index, reader in enumerate(readers)
    ]
    statements += [
        {
            "Sid": "DenyMembersAllButGetObject",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "NotAction": "s3:GetObject",
            "Resource": resources,
            "Condition": only_them,
        },
        {
            "Sid": "DenyMembersAllButTheSharedDomainState",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "s3:GetObject",
            "NotResource": objects,
            "Condition": only_them,
        },
    ]
    return statements


def state_key_policy(
    *,
    partition: str,
    account_id: str,
    region: str,
    user_role_arns: Sequence[str],
    lock_table: bool = False,
    reader_role_arns: Sequence[str] = (),
    cross_account_readers: Sequence[CrossAccountReader] = (),
    bucket: str | None = None,
) -> PolicyDocument:
    """Key policy: the account administers the key; only the named roles use it, and only through S3 (and DynamoDB).

    Reader roles (the read-only plan role) may only decrypt, and only through the same services.
    """
    services = [f"s3.{region}.amazonaws.com"]
    if lock_table:
        services.append(f"dynamodb.{region}.amazonaws.com")
    statements: list[Statement] = [
        {
            "Sid": "AccountAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
            "Action": KEY_ADMIN_ACTIONS,
            "Resource": "*",
        },
        {
            "Sid": "StateUseThroughStorage",
            "Effect": "Allow",
            "Principal": {"AWS": list(user_role_arns)},
            "Action": STATE_KEY_USE_ACTIONS,
            "Resource": "*",
            "Condition": {
                "StringEquals": {"kms:CallerAccount": account_id, "kms:ViaService": services},
            },
        },
    ]
    if reader_role_arns:
        statements.append(
            {
                "Sid": "StateReadThroughStorage",
                "Effect": "Allow",
                "Principal": {"AWS": list(reader_role_arns)},
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"kms:CallerAccount": account_id, "kms:ViaService": services},
                },
            }
        )
    for index, reader in enumerate(cross_account_readers):
        # Decrypt only, only through S3, only for this bucket (bucket keys: S3's context is the bucket's ARN); the
        # bucket policy holds them to their one object.
        statements.append(
            {
                "Sid": f"MemberDecryptsTheSharedDomainState{index}",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{reader.account_id}:root"},
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {
                    "ArnEquals": {"aws:PrincipalArn": sorted(reader.role_arns)},
                    "StringEquals": {
                        "kms:CallerAccount": reader.account_id,
                        "kms:ViaService": services[0],
                        "kms:EncryptionContext:aws:s3:arn": f"arn:{partition}:s3:::{bucket}",
                    },
                },
            }
        )
    if lock_table:
        # DynamoDB encrypts a table with a customer-managed key through a grant made with the caller's rights.
        statements.append(
            {
                "Sid": "LockTableGrantsThroughDynamoDB",
                "Effect": "Allow",
                "Principal": {"AWS": list(user_role_arns)},
                "Action": "kms:CreateGrant",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"kms:CallerAccount": account_id, "kms:ViaService": services[1]},
                    "Bool": {"kms:GrantIsForAWSResource": "true"},
                },
            }
        )
    return policy_document(*statements)


@dataclass(frozen=True, kw_only=True)
class StateBucketProps:
    """Props of :class:`StateBucket`."""

    bucket_name: str
    account_id: str
    region: str
    #: Roles that read and write state (the deploy role). At least one: a key nobody may use locks the state away.
    user_role_arns: Sequence[str]
    #: default: 90. Days a replaced state version is kept before it expires.
    noncurrent_version_expiration_days: int = 90
    #: default: 10. This many replaced versions are kept however old they are, so a quiet stack can still roll back.
    noncurrent_versions_to_keep: int = 10
    #: default: no server access logs (CloudTrail data events are the audit trail). Set: logs go to this bucket.
    access_log_bucket: str | None = None
    #: default: no DynamoDB lock table. Set: a table of that name, encrypted with the state key, with PITR.
    lock_table_name: str | None = None
    #: default: none. Roles that only read state (the plan role): decrypt through S3 (and DynamoDB), nothing else.
    reader_role_arns: Sequence[str] = ()
    #: default: none. Roles of other accounts that read exactly one object each (member accounts' deploy and plan
    #: roles reading the domain account's platform state); needs administrator_role_arns.
    cross_account_readers: Sequence[CrossAccountReader] = ()
    #: default: none (the bucket policy only denies; IAM decides who reads). Set: the break-glass / administrator
    #: roles. Then only they, the users and the readers may read or write state objects, and only they may change the
    #: bucket's policy, versioning, lifecycle, encryption, replication or logging. Existing roles (ARNs as written):
    #: they also use the state key through S3, and a key policy may only name principals that exist.
    administrator_role_arns: Sequence[str] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


class StateBucket(Construct):
    """Bucket (child ``Resource``), key, alias, versioning, encryption, public access block, ownership, policy,
    lifecycle, and optionally access logging and a DynamoDB lock table."""

    def __init__(self, scope: Construct, id: str, props: StateBucketProps) -> None:
        super().__init__(scope, id)
        path = self.node.path
        patterns.check(patterns.ACCOUNT_ID, props.account_id, path=path, prop="account_id")
        patterns.check(patterns.REGION, props.region, path=path, prop="region")
        for prop, bucket in (("bucket_name", props.bucket_name), ("access_log_bucket", props.access_log_bucket)):
            if bucket is not None and not BUCKET_NAME.match(bucket):
                raise PropValidationError(path, prop, bucket, ACCEPTED_BUCKET)
        if props.access_log_bucket == props.bucket_name:
            raise PropValidationError(path, "access_log_bucket", props.access_log_bucket, "a bucket other than itself")
        if isinstance(props.user_role_arns, str) or not props.user_role_arns:
            raise PropValidationError(path, "user_role_arns", props.user_role_arns, "a non-empty list of role ARNs")
        for arn in props.user_role_arns:
            patterns.check(patterns.ROLE_ARN, arn, path=path, prop="user_role_arns")
        if isinstance(props.reader_role_arns, str):
            raise PropValidationError(path, "reader_role_arns", props.reader_role_arns, "a list of role ARNs")
        for arn in props.reader_role_arns:
            patterns.check(patterns.ROLE_ARN, arn, path=path, prop="reader_role_arns")
        if isinstance(props.administrator_role_arns, str):
            raise PropValidationError(
                path, "administrator_role_arns", props.administrator_role_arns, "a list of role ARNs"
            )
        for arn in props.administrator_role_arns:
            patterns.check(patterns.ROLE_ARN, arn, path=path, prop="administrator_role_arns")
        if not 1 <= props.noncurrent_version_expiration_days <= 3650:
            raise PropValidationError(
                path, "noncurrent_version_expiration_days", props.noncurrent_version_expiration_days, "1 to 3650 days"
            )
        if not 1 <= props.noncurrent_versions_to_keep <= 100:
            raise PropValidationError(
                path, "noncurrent_versions_to_keep", props.noncurrent_versions_to_keep, "1 to 100 versions"
            )
        if props.lock_table_name is not None and not TABLE_NAME.match(props.lock_table_name):
            raise PropValidationError(path, "lock_table_name", props.lock_table_name, "3-255 of A-Z a-z 0-9 _ . -")

        partition = patterns.partition_of(props.region)
        tags = literal_map(props.tags) or None
        self.key_policy = state_key_policy(
            partition=partition,
            account_id=props.account_id,
            region=props.region,
            user_role_arns=[*props.user_role_arns, *props.administrator_role_arns],
            lock_table=props.lock_table_name is not None,
            reader_role_arns=props.reader_role_arns,
            cross_account_readers=props.cross_account_readers,
            bucket=props.bucket_name,
        )
        self.key = KmsKey(
            self,
            "Key",
            description=literal(f"Terraform state of the SageMaker Unified Studio estate ({props.bucket_name})"),
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps(self.key_policy, sort_keys=True),
            tags=tags,
        )
        apply_lifecycle(
            self.key,
            prevent_destroy=True,
            prevent_destroy_reason="every state version of the account is encrypted with this key",
        )
        self.alias = KmsAlias(self, "KeyAlias", name=f"alias/{props.bucket_name}", target_key_id=self.key.key_id)

        self.resource = S3Bucket(self, "Resource", bucket=props.bucket_name, force_destroy=False, tags=tags)
        apply_lifecycle(
            self.resource,
            prevent_destroy=True,
            prevent_destroy_reason="it holds the Terraform state of every stack of the account",
        )
        bucket = self.resource.id
        self.versioning = S3BucketVersioningA(
            self,
            "Versioning",
            bucket=bucket,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        self.encryption = S3BucketServerSideEncryptionConfigurationA(
            self,
            "Encryption",
            bucket=bucket,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=(
                        S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                            sse_algorithm="aws:kms", kms_master_key_id=self.key.arn
                        )
                    ),
                    bucket_key_enabled=True,
                )
            ],
        )
        self.public_access_block = S3BucketPublicAccessBlock(
            self,
            "PublicAccessBlock",
            bucket=bucket,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        self.ownership = S3BucketOwnershipControls(
            self,
            "Ownership",
            bucket=bucket,
            rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
        )
        self.policy_document = state_bucket_policy(
            partition=partition,
            account_id=props.account_id,
            bucket=props.bucket_name,
            key_arn=self.key.arn,
            state_role_arns=[*props.user_role_arns, *props.reader_role_arns],
            administrator_role_arns=props.administrator_role_arns,
            cross_account_readers=props.cross_account_readers,
        )
        self.policy = S3BucketPolicy(
            self,
            "Policy",
            bucket=bucket,
            policy=json.dumps(self.policy_document, sort_keys=True),
            # S3 rejects a policy while the public access block is being changed; order the two.
            depends_on=[self.public_access_block],
        )
        self.lifecycle = S3BucketLifecycleConfiguration(
            self,
            "Lifecycle",
            bucket=bucket,
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id="expire-replaced-state-versions",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=props.noncurrent_version_expiration_days,
                            newer_noncurrent_versions=props.noncurrent_versions_to_keep,
                        )
                    ],
                    # A deleted stack leaves only a delete marker once its versions expire; remove it then.
                    expiration=[S3BucketLifecycleConfigurationRuleExpiration(expired_object_delete_marker=True)],
                    abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)
                    ],
                )
            ],
            # Lifecycle rules on noncurrent versions need versioning to be on first.
            depends_on=[self.versioning],
        )
        self.logging: S3BucketLoggingA | None = None
        if props.access_log_bucket is not None:
            self.logging = S3BucketLoggingA(
                self,
                "AccessLogs",
                bucket=bucket,
                target_bucket=props.access_log_bucket,
                target_prefix=f"s3/{props.bucket_name}/",
            )
        self.lock_table: DynamodbTable | None = None
        if props.lock_table_name is not None:
            self.lock_table = DynamodbTable(
                self,
                "LockTable",
                name=props.lock_table_name,
                billing_mode="PAY_PER_REQUEST",
                hash_key=LOCK_TABLE_HASH_KEY,
                attribute=[DynamodbTableAttribute(name=LOCK_TABLE_HASH_KEY, type="S")],
                server_side_encryption=DynamodbTableServerSideEncryption(enabled=True, kms_key_arn=self.key.arn),
                point_in_time_recovery=DynamodbTablePointInTimeRecovery(enabled=True),
                deletion_protection_enabled=True,
                tags=tags,
            )

    @property
    def bucket_name(self) -> str:
        return self.resource.bucket

    @property
    def bucket_arn(self) -> str:
        return self.resource.arn

    @property
    def key_arn(self) -> str:
        return self.key.arn
