"""What the deploy and plan roles may do for a domain shared with member accounts, and nothing more.

Each condition key below is one the Service Authorization Reference lists for that RAM action (parliament, which
ships AWS's IAM definitions, checks every statement in `smus check`):

- ram:CreateResourceShare has no resource type and no `ram:ResourceShareName`; it is held to RAM's DataZone domain
  type (`ram:RequestedResourceType`, IfExists: the provider creates the share empty and associates the domain
  after), to the members (`ram:Principal`, IfExists), to the external-principal setting the config asks for
  (`ram:RequestedAllowsExternalPrincipals`) and to the platform stack's tag (`aws:RequestTag/SmusStack`).
- Associate/Disassociate/Update/DeleteResourceShare and ListResourceSharePermissions act on a `resource-share` and
  support `ram:ResourceShareName`: only `DataZone-<domain name>-*`, the name AWS's DataZone policies expect
  (AmazonDataZoneCrossAccountAdmin), and for associations only the domain type and the members.
- A member accepts an invitation only from the domain account (`ram:ShareOwnerAccountId`) to a share of that name,
  and leaves only that share, only for itself.
- A member reads exactly one object of the domain account's state bucket, the platform state, and decrypts it only
  through S3; the domain account's bucket and key policies name the member's roles for that object alone.
- A member uses the shared domain's customer-managed key only through DataZone (`kms:ViaService`): its DataZone calls
  run with its own credentials, and DataZone needs Decrypt and GenerateDataKey on the domain key for them (DataZone
  User Guide, AmazonDataZoneFullAccess: policy considerations). The key's policy is the gate: it names the member
  accounts (smus_constructs.kms.member_key_statement), nothing else of the domain account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from smus_constructs import patterns
from smus_constructs.domain_share import DOMAIN_RESOURCE_TYPE, DOMAIN_SHARE_NAME_PREFIX
from smus_constructs.iam import Statement
from smus_constructs.kms import MEMBER_KEY_USE_ACTIONS

#: What a member's stacks call in the shared domain (blueprint configurations, their lookup, their grants): the only
#: DataZone actions a member's deploy role gets (its plan role: their reads).
MEMBER_DATAZONE_ACTIONS = (
    "datazone:AddPolicyGrant",
    "datazone:DeleteEnvironmentBlueprintConfiguration",
    "datazone:GetEnvironmentBlueprint",
    "datazone:GetEnvironmentBlueprintConfiguration",
    "datazone:ListEnvironmentBlueprints",
    "datazone:ListPolicyGrants",
    "datazone:PutEnvironmentBlueprintConfiguration",
    "datazone:RemovePolicyGrant",
)
SHARE_READ_ACTIONS = ("ram:GetResourceShareAssociations", "ram:GetResourceShares")
MEMBER_SHARE_READ_ACTIONS = (
    "ram:GetResourceShareAssociations",
    "ram:GetResourceShareInvitations",
    "ram:GetResourceShares",
    "ram:ListResources",
)


@dataclass(frozen=True, kw_only=True)
class DomainShareScope:
    """The domain account shares its domain (named `domain_name`) with these member accounts."""

    domain_name: str
    member_account_ids: Sequence[str]
    #: Whether the share reaches members outside the organization (the config's same_organization, inverted).
    allow_external_principals: bool
    #: The platform stack's `SmusStack` tag, which the share is created with.
    stack_tag: str
    #: default: the platform stack creates the domain, whose ID exists only after apply, so associations are held
    #: to the account's domains in the region. An adopted domain's ID (`[domain] existing_id`): held to that domain
    #: alone, so the deploy role cannot put another domain of the account into the share (threat model item 18).
    domain_id: str | None = None

    def __post_init__(self) -> None:
        if self.domain_id is not None:
            patterns.check(patterns.DOMAIN_ID, self.domain_id, path="DomainShareScope", prop="domain_id")


@dataclass(frozen=True, kw_only=True)
class SharedDomainScope:
    """A member account of a domain owned by ``domain_account_id``."""

    domain_account_id: str
    domain_name: str
    #: The domain account's state bucket, its platform state object's key, and the key that encrypts it.
    state_bucket: str
    state_object_key: str
    state_key_arn: str
    #: Same organization: RAM accepts on its own, so no invitation is accepted or left.
    same_organization: bool
    #: default: the domain uses an AWS-owned key (nothing to grant). The shared domain's customer-managed key: its
    #: ARN when handed in, or `arn:...:kms:<region>:<domain account>:key/*` when the domain account's platform
    #: stack creates it (its ID is known only after apply; that key's policy is the only one naming this member).
    domain_key_resource: str | None = None


def share_name_pattern(domain_name: str) -> str:
    return f"{DOMAIN_SHARE_NAME_PREFIX}{domain_name}-*"


def domain_share_statements(
    scope: DomainShareScope, *, partition: str, account_id: str, region: str
) -> list[Statement]:
    """The domain account's deploy role: create, associate and delete its domain's share, with its members only."""
    shares = f"arn:{partition}:ram:{region}:{account_id}:resource-share/*"
    named = {"StringLike": {"ram:ResourceShareName": share_name_pattern(scope.domain_name)}}
    members = sorted(scope.member_account_ids)
    domains = f"arn:{partition}:datazone:{region}:{account_id}:domain/{scope.domain_id or '*'}"
    return [
        {
            "Sid": "CreateTheDomainShare",
            "Effect": "Allow",
            "Action": "ram:CreateResourceShare",
            "Resource": "*",
            "Condition": {
                "StringEqualsIfExists": {"ram:RequestedResourceType": DOMAIN_RESOURCE_TYPE, "ram:Principal": members},
                "Bool": {
                    "ram:RequestedAllowsExternalPrincipals": "true" if scope.allow_external_principals else "false"
                },
                "StringEquals": {"aws:RequestTag/SmusStack": scope.stack_tag},
            },
        },
        {
            "Sid": "AssociateTheDomainAndItsMembersOnly",
            "Effect": "Allow",
            "Action": ["ram:AssociateResourceShare", "ram:DisassociateResourceShare"],
            "Resource": shares,
            "Condition": {
                **named,
                "StringEqualsIfExists": {"ram:RequestedResourceType": DOMAIN_RESOURCE_TYPE, "ram:Principal": members},
                "ArnLikeIfExists": {"ram:ResourceArn": domains},
            },
        },
        {
            "Sid": "UpdateAndDeleteTheDomainShare",
            "Effect": "Allow",
            "Action": ["ram:DeleteResourceShare", "ram:ListResourceSharePermissions", "ram:UpdateResourceShare"],
            "Resource": shares,
            "Condition": named,
        },
        {
            # TagResource lists no share name; the tag the platform stack writes (default tags) names the stack.
            "Sid": "TagTheDomainShare",
            "Effect": "Allow",
            "Action": ["ram:TagResource", "ram:UntagResource"],
            "Resource": shares,
            "Condition": {"StringEquals": {"aws:ResourceTag/SmusStack": scope.stack_tag}},
        },
        {
            "Sid": "ReadResourceShares",
            "Effect": "Allow",
            "Action": list(SHARE_READ_ACTIONS),
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": region}},
        },
    ]


def domain_share_read_statements(
    scope: DomainShareScope, *, partition: str, account_id: str, region: str
) -> list[Statement]:
    """The domain account's plan role: read the share, its associations and its permissions."""
    shares = f"arn:{partition}:ram:{region}:{account_id}:resource-share/*"
    return [
        {
            "Sid": "ReadTheDomainShare",
            "Effect": "Allow",
            "Action": "ram:ListResourceSharePermissions",
            "Resource": shares,
            "Condition": {"StringLike": {"ram:ResourceShareName": share_name_pattern(scope.domain_name)}},
        },
        {
            "Sid": "ReadResourceShares",
            "Effect": "Allow",
            "Action": list(SHARE_READ_ACTIONS),
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": region}},
        },
    ]


def shared_domain_statements(
    scope: SharedDomainScope, *, partition: str, account_id: str, region: str, write: bool
) -> list[Statement]:
    """A member's deploy role (``write``) or plan role: the domain account's state object, the share, DataZone."""
    in_region = {"StringEquals": {"aws:RequestedRegion": region}}
    statements: list[Statement] = [
        {
            "Sid": "ReadTheDomainAccountsPlatformState",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:{partition}:s3:::{scope.state_bucket}/{scope.state_object_key}",
        },
        {
            "Sid": "DecryptTheDomainAccountsStateThroughS3",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": scope.state_key_arn,
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
        },
        {
            "Sid": "ReadTheDomainShare",
            "Effect": "Allow",
            "Action": list(MEMBER_SHARE_READ_ACTIONS),
            "Resource": "*",
            "Condition": in_region,
        },
        {
            "Sid": "BlueprintsInTheSharedDomain",
            "Effect": "Allow",
            "Action": list(MEMBER_DATAZONE_ACTIONS)
            if write
            else [action for action in MEMBER_DATAZONE_ACTIONS if action.split(":")[1].startswith(("Get", "List"))],
            "Resource": "*",
            "Condition": in_region,
        },
    ]
    if scope.domain_key_resource is not None:
        statements.append(
            {
                "Sid": "UseTheSharedDomainKeyThroughDataZone",
                "Effect": "Allow",
                "Action": list(MEMBER_KEY_USE_ACTIONS) if write else ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": scope.domain_key_resource,
                "Condition": {"StringEquals": {"kms:ViaService": f"datazone.{region}.amazonaws.com"}},
            }
        )
    if write and not scope.same_organization:
        owner = scope.domain_account_id
        named = {"ram:ResourceShareName": share_name_pattern(scope.domain_name)}
        statements += [
            {
                "Sid": "AcceptTheDomainShareOnly",
                "Effect": "Allow",
                "Action": "ram:AcceptResourceShareInvitation",
                "Resource": f"arn:{partition}:ram:{region}:{owner}:resource-share-invitation/*",
                "Condition": {"StringEquals": {"ram:ShareOwnerAccountId": owner}, "StringLike": named},
            },
            {
                # Destroying the acceptance leaves the share: this account only, this share only.
                "Sid": "LeaveTheDomainShareOnly",
                "Effect": "Allow",
                "Action": "ram:DisassociateResourceShare",
                "Resource": f"arn:{partition}:ram:{region}:{owner}:resource-share/*",
                "Condition": {"StringLike": named, "StringEquals": {"ram:Principal": account_id}},
            },
        ]
    return statements
