"""Service control policies that keep production estates changeable only by their pipeline (and break-glass).

The estate's own controls (the deploy role's narrow policy, the state bucket's policy, key policies) cannot stop an
account administrator: IAM lets an administrator change all of them. An SCP, attached from the organization's
management account, binds every principal of the member account, administrators included; service-linked roles are
the only exception AWS makes. So the guardrails here deny, to every principal but the account's deploy role and its
break-glass role:

- changes to the domain's governance (domain, blueprint configurations, project profiles, domain units, policy
  grants, owners, sharing policy): the things the pipeline manages and the portal must not change in production;
- changes to the estate's roles (`/service-role/<domain name>-*`, the deploy and plan roles), to keys tagged
  `ManagedBy = smus-estate`, and to the state bucket and its objects;
- leaving the organization, which would drop every SCP at once.

SCP grammar (AWS Organizations, "SCP syntax"): no Principal element, so the exemption is a condition on
`aws:PrincipalArn` (the role's ARN, path included, for a role session) with `ArnNotLike`. Wildcards in Action only at
the end. Every character counts against the 5,120-character limit, so the document is written without whitespace and
its size is checked here, before synth. Most DataZone actions accept only `Resource: "*"` (Service Authorization
Reference), and a Deny naming a domain ARN would not match their requests; the DataZone statement therefore names
`*` and is scoped to the protected accounts by `aws:PrincipalAccount`, which matters when the policy is attached to
an OU that holds other accounts too.

What is deliberately not denied: project, environment, asset, subscription and membership writes. Portal users act
through the domain execution role; denying those would stop the portal's own work (project creators create
projects, owners add members). `kms:CreateGrant` stays open too: DataZone creates grants on the domain key through
the domain execution role.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from smus_constructs.role_names import SERVICE_ROLE_PATH

#: AWS Organizations' maximum size of a service control policy document, in characters (whitespace included).
SCP_MAX_CHARACTERS = 5120
#: The tag every resource of the estate's stacks carries (stacks/account_stack.py default_tags).
MANAGED_BY_TAG = ("ManagedBy", "smus-estate")
#: An SCP target: an account ID or an organizational unit ID (the Organizations API's patterns).
TARGET_ID = re.compile(r"^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$", re.ASCII)
ACCEPTED_TARGET = "a 12-digit account ID or an organizational unit ID such as 'ou-ab12-cd34ef56'"

# Each list is checked against AWS's IAM definitions (parliament's iam_definition.json) in tests/test_guardrails.py.
#: The domain's governance: what the platform and projects stacks manage and the portal must not change in production.
DATAZONE_GOVERNANCE_ACTIONS = (
    "datazone:AddEntityOwner",
    "datazone:AddPolicyGrant",
    "datazone:CreateDomain",
    "datazone:CreateDomainUnit",
    "datazone:CreateEnvironmentBlueprint",
    "datazone:CreateProjectProfile",
    "datazone:DeleteDomain",
    "datazone:DeleteDomainSharingPolicy",
    "datazone:DeleteDomainUnit",
    "datazone:DeleteEnvironmentBlueprint",
    "datazone:DeleteEnvironmentBlueprintConfiguration",
    "datazone:DeleteProjectProfile",
    "datazone:PutDomainSharingPolicy",
    "datazone:PutEnvironmentBlueprintConfiguration",
    "datazone:RemoveEntityOwner",
    "datazone:RemovePolicyGrant",
    "datazone:UpdateDomain",
    "datazone:UpdateDomainUnit",
    "datazone:UpdateEnvironmentBlueprint",
    "datazone:UpdateProjectProfile",
)
#: Everything that changes a role's trust, permissions, boundary, tags or existence (CreateRole: no squatting a name).
ROLE_CHANGE_ACTIONS = (
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
)
#: Key administration that could destroy or take over a key (the alias actions authorise on the key too).
KEY_CHANGE_ACTIONS = (
    "kms:DeleteAlias",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)
#: The state bucket's configuration and its objects: who may rewrite or delete state, versions or the bucket.
STATE_BUCKET_ACTIONS = (
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutBucketAcl",
    "s3:PutBucketLogging",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketOwnershipControls",
    "s3:PutBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketVersioning",
    "s3:PutEncryptionConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:PutReplicationConfiguration",
)
LEAVE_ORGANIZATION_ACTIONS = ("organizations:LeaveOrganization",)

#: Sid -> why. Written into the policy resource's `//` comment, because IAM policy JSON has no comment syntax.
STATEMENT_REASONS = {
    "OnlyPipelineChangesDomainGovernance": (
        "Article risk 3: production domains change only through the reviewed pipeline. Resource '*' because most "
        "DataZone actions have no resource type; aws:PrincipalAccount keeps it to the protected accounts."
    ),
    "OnlyPipelineChangesEstateRoles": (
        "The estate's roles decide who can reach domain data; a changed trust or policy outside the pipeline is "
        "an unreviewed privilege change. DataZone's own estate roles stay exempt: it fulfils subscriptions with them."
    ),
    "OnlyPipelineChangesEstateKeys": (
        "Disabling, deleting or re-policying the domain or state key makes domain data or state unreadable."
    ),
    "OnlyPipelineChangesStateBucket": (
        "Whoever rewrites state or the bucket's policy decides what the next apply does."
    ),
    "NoLeavingTheOrganization": "An account that leaves the organization drops every SCP at once.",
}


@dataclass(frozen=True, kw_only=True)
class ProtectedAccountScope:
    """One protected account: who may change it (deploy and break-glass roles) and what the estate owns in it."""

    account_id: str
    partition: str = "aws"
    deploy_role_arn: str
    break_glass_role_arn: str
    #: default: no plan role is protected. Set: it is one of the estate's roles nobody else may change.
    plan_role_arn: str | None = None
    state_bucket: str
    #: Created roles are `/service-role/<prefix>-*` (the domain name is the prefix).
    role_name_prefix: str


@dataclass(frozen=True, kw_only=True)
class GuardrailPolicyProps:
    name: str = "smus-estate-guardrails"
    description: str = "SageMaker Unified Studio estate: only the pipeline and break-glass change production"
    accounts: Sequence[ProtectedAccountScope]
    #: Account IDs or OU IDs the policy is attached to.
    targets: Sequence[str]
    tags: dict[str, str] = field(default_factory=dict)


def pipeline_role_arns(accounts: Sequence[ProtectedAccountScope]) -> list[str]:
    """The principals every statement exempts: each protected account's deploy and break-glass role."""
    return sorted({arn for a in accounts for arn in (a.deploy_role_arn, a.break_glass_role_arn)})


def guardrail_policy_document(accounts: Sequence[ProtectedAccountScope]) -> dict[str, Any]:
    """The SCP: five Deny statements, each exempting the pipeline roles by `ArnNotLike aws:PrincipalArn`."""
    exempt = {"ArnNotLike": {"aws:PrincipalArn": pipeline_role_arns(accounts)}}
    account_ids = sorted({a.account_id for a in accounts})
    created = sorted(
        {f"arn:{a.partition}:iam::{a.account_id}:role{SERVICE_ROLE_PATH}{a.role_name_prefix}-*" for a in accounts}
    )
    pipeline_roles = {arn for a in accounts for arn in (a.deploy_role_arn, a.plan_role_arn) if arn is not None}
    roles = sorted({*created, *pipeline_roles})
    buckets = sorted(
        {
            arn
            for a in accounts
            for arn in (f"arn:{a.partition}:s3:::{a.state_bucket}", f"arn:{a.partition}:s3:::{a.state_bucket}/*")
        }
    )
    key, value = MANAGED_BY_TAG
    statements: list[dict[str, Any]] = [
        {
            # Risk 3 of the article: no direct change to a production domain's configuration.
            "Sid": "OnlyPipelineChangesDomainGovernance",
            "Effect": "Deny",
            "Action": list(DATAZONE_GOVERNANCE_ACTIONS),
            "Resource": "*",
            "Condition": {**exempt, "StringEquals": {"aws:PrincipalAccount": account_ids}},
        },
        {
            # The roles the stacks create and the pipeline's own roles: trust and permissions change only by review.
            # The estate's DataZone roles are exempt here too (only datazone.amazonaws.com can assume them): DataZone
            # fulfils subscriptions through the manage-access role, which may put policies on project roles.
            "Sid": "OnlyPipelineChangesEstateRoles",
            "Effect": "Deny",
            "Action": list(ROLE_CHANGE_ACTIONS),
            "Resource": roles,
            "Condition": {"ArnNotLike": {"aws:PrincipalArn": sorted([*pipeline_role_arns(accounts), *created])}},
        },
        {
            # Keys are found by the tag every estate stack writes: the domain key and the state key.
            "Sid": "OnlyPipelineChangesEstateKeys",
            "Effect": "Deny",
            "Action": list(KEY_CHANGE_ACTIONS),
            "Resource": "*",
            "Condition": {**exempt, "StringEquals": {f"aws:ResourceTag/{key}": value}},
        },
        {
            # State decides what the next apply does; the bucket's own policy says the same (state_bucket.py).
            "Sid": "OnlyPipelineChangesStateBucket",
            "Effect": "Deny",
            "Action": list(STATE_BUCKET_ACTIONS),
            "Resource": buckets,
            "Condition": exempt,
        },
        {
            # Leaving drops every SCP at once. Exempt like the rest so the lockout check holds for every statement;
            # the deploy role's own policy never grants it, so in effect only break-glass could.
            "Sid": "NoLeavingTheOrganization",
            "Effect": "Deny",
            "Action": list(LEAVE_ORGANIZATION_ACTIONS),
            "Resource": "*",
            "Condition": exempt,
        },
    ]
    return {"Version": "2012-10-17", "Statement": statements}


def policy_text(document: dict[str, Any]) -> str:
    """The document as AWS stores it, without whitespace: every character counts against the size limit."""
    return json.dumps(document, separators=(",", ":"))
