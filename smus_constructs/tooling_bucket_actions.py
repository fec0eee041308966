"""The S3 actions the deploy and plan roles need on a Tooling bucket the platform stack creates.

When an account hands in no Tooling `s3_location`, :class:`smus_constructs.tooling_storage.ToolingStorage` creates
the bucket with its encryption, public access block, ownership controls, TLS-only policy and, with a log bucket,
its server access logging. The deploy role applies those resources and the plan role refreshes them. Without these
actions the first apply is refused with AccessDenied, and so is every later refresh.

The lists come from the S3 calls that hashicorp/aws makes for each resource type. They were read from the
provider's code (`internal/service/s3/bucket.go` and the `bucket_*.go` sub-resources). They are also measured:
`tests/test_tooling_bucket_actions.py` applies, refreshes and destroys a ToolingStorage with the real terraform and
the on-disk aws provider against moto. It then checks every S3 call in the provider's debug log against these
lists. Each call is mapped to its IAM action, and the names are not always the same: HeadBucket is `s3:ListBucket`,
and GetBucketEncryption is `s3:GetEncryptionConfiguration`. Each action is checked against the IAM definitions
that parliament ships. The plugin on disk is aws 5.100 while the stacks pin 6.x; a call that a newer provider
makes and the test's table does not map fails that test by name.

Destroying a bucket holds the projects' files. `s3:DeleteBucket` is therefore granted only in an account that is
not protected, as :data:`DELETE_ACTIONS`. A protected account's bucket is removed by an administrator.

`s3:PutBucketPolicy` lets the role write a policy on this one bucket, and a policy it writes could hand the
projects' files to someone else. The identity cannot be narrower without losing the bucket's TLS-only policy, so
parliament and cloudsplaining flag it. Rule SMUS-027 (`smus_rules`) holds what the role may write: every bucket
policy in a stack the deploy role applies only denies. An estate that creates its Tooling bucket accepts the
analysers' findings, on that rule's terms, in its own `iam-analyser-suppressions.toml` beside its accounts folder
(the aws-ia translations under `tests/fixtures/aws_ia/` show the two entries); the project's file does not accept
them, because the example estate hands its buckets in.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Reads of the bucket itself, each a call in the aws provider's `aws_s3_bucket` read (refresh after create, and
#: every plan): HeadBucket and the region lookup, policy, ACL, CORS, website, versioning, acceleration, request
#: payment, logging, lifecycle, replication, encryption, object lock and tags.
BUCKET_READ_ACTIONS: tuple[str, ...] = (
    "s3:GetAccelerateConfiguration",
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketLocation",
    "s3:GetBucketLogging",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketPolicy",
    "s3:GetBucketRequestPayment",
    "s3:GetBucketTagging",
    "s3:GetBucketVersioning",
    "s3:GetBucketWebsite",
    "s3:GetEncryptionConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:ListBucket",
)

#: Each resource type ToolingStorage synthesises, and the actions the provider calls to create, update and read
#: it. A sub-resource is removed by an action of its own: DeleteBucketEncryption is s3:PutEncryptionConfiguration,
#: and likewise for the public access block and ownership controls; DeleteBucketPolicy has its own action.
RESOURCE_ACTIONS: Mapping[str, tuple[str, ...]] = {
    "aws_s3_bucket": ("s3:CreateBucket", "s3:PutBucketTagging", *BUCKET_READ_ACTIONS),
    "aws_s3_bucket_server_side_encryption_configuration": (
        "s3:GetEncryptionConfiguration",
        "s3:PutEncryptionConfiguration",
    ),
    "aws_s3_bucket_public_access_block": ("s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
    "aws_s3_bucket_ownership_controls": ("s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls"),
    "aws_s3_bucket_policy": ("s3:DeleteBucketPolicy", "s3:GetBucketPolicy", "s3:PutBucketPolicy"),
    "aws_s3_bucket_logging": ("s3:GetBucketLogging", "s3:PutBucketLogging"),
}

#: Granted only where the account is not protected. See the module docstring.
DELETE_ACTIONS: tuple[str, ...] = ("s3:DeleteBucket",)


def tooling_bucket_actions(*, protected: bool) -> list[str]:
    """Every action the deploy role needs on a created Tooling bucket, sorted; no delete in a protected account."""
    actions = {action for actions in RESOURCE_ACTIONS.values() for action in actions}
    if not protected:
        actions.update(DELETE_ACTIONS)
    return sorted(actions)
