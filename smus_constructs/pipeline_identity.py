"""The identity CI deploys with: a role GitHub Actions assumes through OIDC, allowed only what the estate manages.

No long-lived keys. GitHub mints a short-lived OIDC token per job; the role trusts it only when the audience is STS and
the subject names this repository and one of the configured branches or GitHub environments, compared exactly
(`StringEquals`, never a wildcard). See ../shared/FACTS.md, "State and pipelines".

The providers and the S3 backend of every account stack assume the deploy role again (`assume_role` in their config),
from a session that already *is* the deploy role. AWS treats that as role chaining and, since 2022, refuses a role
re-assuming itself unless its trust says so; so the trust has a second statement for exactly that principal. A chained
session lasts at most an hour and the SDK refreshes it from the web-identity session, which therefore must outlive the
longest apply (awscc waits up to 120 minutes per DataZone resource): hence a four-hour maximum session.

Pull-request and drift plans get a second, read-only role (:class:`GithubPlanRole`, :func:`plan_permissions`): the plan
job points the stacks' `assume_role` at it (``smus plan-override``), so it re-assumes itself exactly like the deploy
role. It changes nothing, but it reads every state file of the account, so a protected account's plan role never
trusts `pull_request` (any pull request, running its own code): its pull-request plans run in a reviewed GitHub
environment instead (smus_constructs.pipeline_rules).

The drift job's metrics are the one thing a plan job would otherwise write, and forging them silences the heartbeat and
clears a real drift alarm. So they go through a third role (:class:`GithubDriftRole`, :func:`drift_permissions`):
trusted by the scheduled drift job's subject and the deploy jobs' (which publish each stack's apply duration and plan
result after their applies), allowed `cloudwatch:PutMetricData` into the metric namespace and the drift log group's
streams, nothing else. No plan role publishes metrics.

Permissions are pure data (:func:`deploy_permissions`), so tests and governance rules read the same document AWS gets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktn_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktn_provider_aws.iam_role import IamRole
from cdktn_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from smus_constructs import patterns
from smus_constructs.association_permissions import (
    DomainShareScope,
    SharedDomainScope,
    domain_share_read_statements,
    domain_share_statements,
    shared_domain_statements,
)
from smus_constructs.errors import PropValidationError
from smus_constructs.iam import DATAZONE_PRINCIPAL, PolicyDocument, Statement, policy_document
from smus_constructs.literals import literal, literal_map
from smus_constructs.ops_metrics import GLOBAL_EVENTS_REGION, OPS_ACTIONS_BY_TYPE
from smus_constructs.pipeline_rules import (
    ACCEPTED_OIDC_PROVIDER_ARN,
    ACCEPTED_PLAN_SUBJECT,
    ACCEPTED_REPOSITORY,
    ACCEPTED_SUBJECT,
    GITHUB_OIDC_HOST,
    GITHUB_OIDC_URL,
    GITHUB_REPOSITORY,
    GITHUB_SUBJECT,
    IAM_PATH,
    IAM_ROLE_NAME,
    OIDC_PROVIDER_ARN,
    PLAN_SUBJECT,
    PULL_REQUEST_SUBJECT,
    STS_AUDIENCE,
    role_arn,
)
from smus_constructs.role_names import SERVICE_ROLE_PATH
from smus_constructs.tooling_bucket_actions import tooling_bucket_actions

#: Four hours: longer than the slowest apply (two awscc waits of up to 120 minutes would not fit in less).
MAX_SESSION_SECONDS = 4 * 3600
#: One hour: a plan job's timeout (the chained session lasts at most an hour anyway).
PLAN_MAX_SESSION_SECONDS = 3600


def check_subject(subject: str, *, path: str, prop: str = "subjects", plan: bool = False) -> str:
    pattern, accepted = (PLAN_SUBJECT, ACCEPTED_PLAN_SUBJECT) if plan else (GITHUB_SUBJECT, ACCEPTED_SUBJECT)
    if not isinstance(subject, str) or not pattern.match(subject):
        raise PropValidationError(path, prop, subject, accepted)
    return subject


def github_deploy_trust(
    *, oidc_provider_arn: str, repository: str, subjects: Sequence[str], self_role_arn: str, account_id: str
) -> PolicyDocument:
    """Trust of the deploy role: GitHub jobs of this repository and these subjects; and the role itself (see module)."""
    partition = self_role_arn.split(":")[1]
    return policy_document(
        {
            "Sid": "GithubActionsOfThisRepository",
            "Effect": "Allow",
            "Principal": {"Federated": oidc_provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    f"{GITHUB_OIDC_HOST}:aud": STS_AUDIENCE,
                    f"{GITHUB_OIDC_HOST}:sub": sorted(f"repo:{repository}:{subject}" for subject in subjects),
                }
            },
        },
        {
            # The account is the principal and the role is named in the condition: a trust policy may not name a
            # role that does not exist yet, and this one is being created by the same request.
            "Sid": "ProvidersReassumeThisRole",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"ArnEquals": {"aws:PrincipalArn": self_role_arn}},
        },
    )


# What the platform and projects stacks manage, by Terraform type: the DataZone actions its provider calls (the aws
# provider's resource code, or the CloudFormation handler behind an awscc resource). A test fails when the example
# estate synthesises a DataZone type that is missing here, so a new construct cannot ship without its permissions.
DATAZONE_ACTIONS_BY_TYPE: Mapping[str, Sequence[str]] = {
    "aws_datazone_domain": [
        "datazone:CreateDomain",
        "datazone:DeleteDomain",
        "datazone:GetDomain",
        "datazone:ListTagsForResource",
        "datazone:TagResource",
        "datazone:UntagResource",
        "datazone:UpdateDomain",
    ],
    "data.aws_datazone_domain": ["datazone:GetDomain", "datazone:ListDomains"],
    "aws_datazone_environment_blueprint_configuration": [
        "datazone:DeleteEnvironmentBlueprintConfiguration",
        "datazone:GetEnvironmentBlueprintConfiguration",
        "datazone:PutEnvironmentBlueprintConfiguration",
    ],
    "data.aws_datazone_environment_blueprint": [
        "datazone:GetEnvironmentBlueprint",
        "datazone:ListEnvironmentBlueprints",
    ],
    "awscc_datazone_domain_unit": [
        "datazone:CreateDomainUnit",
        "datazone:DeleteDomainUnit",
        "datazone:GetDomainUnit",
        "datazone:ListDomainUnitsForParent",
        "datazone:UpdateDomainUnit",
    ],
    "awscc_datazone_owner": ["datazone:AddEntityOwner", "datazone:ListEntityOwners", "datazone:RemoveEntityOwner"],
    "awscc_datazone_user_profile": [
        "datazone:CreateUserProfile",
        "datazone:GetUserProfile",
        "datazone:SearchUserProfiles",
        "datazone:UpdateUserProfile",
    ],
    "awscc_datazone_group_profile": [
        "datazone:CreateGroupProfile",
        "datazone:GetGroupProfile",
        "datazone:SearchGroupProfiles",
        "datazone:UpdateGroupProfile",
    ],
    "awscc_datazone_policy_grant": [
        "datazone:AddPolicyGrant",
        "datazone:ListPolicyGrants",
        "datazone:RemovePolicyGrant",
    ],
    "awscc_datazone_project_profile": [
        "datazone:CreateProjectProfile",
        "datazone:DeleteProjectProfile",
        "datazone:GetProjectProfile",
        "datazone:ListProjectProfiles",
        "datazone:UpdateProjectProfile",
    ],
    "awscc_datazone_project": [
        "datazone:CreateProject",
        "datazone:DeleteProject",
        "datazone:GetProject",
        "datazone:ListProjects",
        "datazone:UpdateProject",
    ],
    "awscc_datazone_project_membership": [
        "datazone:CreateProjectMembership",
        "datazone:DeleteProjectMembership",
        "datazone:ListProjectMemberships",
    ],
}
# The only DataZone actions the Service Authorization Reference gives a resource type (`domain`). Every other action
# here (AddPolicyGrant, CreateDomainUnit, CreateProject, CreateProjectProfile, PutEnvironmentBlueprintConfiguration,
# AddEntityOwner, ...) lists none, so a grant on `domain/*` grants nothing and the first apply is denied: those are
# granted on "*" and held to the account's region (aws:RequestedRegion), the one condition key they all support.
# parliament, which ships AWS's definitions, checks this split in `smus check` and the suite.
DATAZONE_DOMAIN_RESOURCE_ACTIONS = frozenset(
    {
        "datazone:DeleteDomain",
        "datazone:GetDomain",
        "datazone:ListTagsForResource",
        "datazone:TagResource",
        "datazone:UntagResource",
        "datazone:UpdateDomain",
    }
)
_DATAZONE_ACTIONS = {action for actions in DATAZONE_ACTIONS_BY_TYPE.values() for action in actions}
#: Actions on a domain ARN (`domain/*` of this account and region).
DATAZONE_DOMAIN_ACTIONS = sorted(_DATAZONE_ACTIONS & DATAZONE_DOMAIN_RESOURCE_ACTIONS)
#: Actions with no resource type: granted on "*", held to the account's region.
DATAZONE_ACCOUNT_ACTIONS = sorted(_DATAZONE_ACTIONS - DATAZONE_DOMAIN_RESOURCE_ACTIONS)
# Cloud Control API, which every awscc resource goes through; it has no resource-level permissions.
CLOUD_CONTROL_ACTIONS = [
    "cloudformation:CancelResourceRequest",
    "cloudformation:CreateResource",
    "cloudformation:DeleteResource",
    "cloudformation:GetResource",
    "cloudformation:GetResourceRequestStatus",
    "cloudformation:ListResourceRequests",
    "cloudformation:ListResources",
    "cloudformation:UpdateResource",
]
# aws_iam_role, aws_iam_role_policy and aws_iam_role_policy_attachment on the estate's own roles. Reading and the
# role's own lifecycle need no condition; every action that changes what a role may do (ROLE_WRITE_ACTIONS) is granted
# only while the role carries the estate's permissions boundary (`iam:PermissionsBoundary`, which the Service
# Authorization Reference lists for exactly these), so no role the deploy role writes can exceed the boundary.
# Never granted: iam:UpdateAssumeRolePolicy (re-pointing a role's trust at someone else) and
# iam:DeleteRolePermissionsBoundary; both are denied outright.
ROLE_READ_ACTIONS = [
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
    "iam:ListRolePolicies",
    "iam:ListRoleTags",
]
ROLE_LIFECYCLE_ACTIONS = ["iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription"]
ROLE_TAG_ACTIONS = ["iam:TagRole", "iam:UntagRole"]
ROLE_WRITE_ACTIONS = [
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
]
#: Denied to the deploy role on every role: rewriting who may assume a role, and removing a boundary.
ROLE_NEVER_ACTIONS = ["iam:DeleteRolePermissionsBoundary", "iam:UpdateAssumeRolePolicy"]
# aws_kms_key and aws_kms_alias on keys the estate's stacks created (recognised by their SmusStack tag).
# Withheld on purpose: kms:PutKeyPolicy and kms:ScheduleKeyDeletion. Tagging a key on creation needs kms:TagResource
# on every key of the account (AWS cannot scope it to new keys), so the role could put the estate's tag on a key it
# does not own; without these two actions that tag gains it no way to the key's material and no way to destroy it.
# A domain key's policy is written when the key is created; changing or deleting one is an administrator's act.
KEY_MANAGEMENT_ACTIONS = [
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
]
STATE_KEY_USE_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
# The Tooling bucket the platform stack creates when the account hands none in (smus_constructs.tooling_storage):
# its create, refresh, update and (unprotected accounts only) destroy, by exact name. Which actions, and why
# s3:PutBucketPolicy is safe to hold here, is in smus_constructs.tooling_bucket_actions.


@dataclass(frozen=True, kw_only=True)
class DeployScope:
    """Everything the deploy role may touch, by name. Built from config by the bootstrap stack."""

    partition: str
    account_id: str
    region: str
    #: The role's own ARN: it may re-assume itself (see module docstring) and nothing else.
    self_role_arn: str
    state_bucket: str
    #: Key prefix of this account's state objects, ending in '/', e.g. 'smus/111111111111/'.
    state_prefix: str
    state_key_arn: str
    #: default: no DynamoDB lock table (S3 native locking only).
    lock_table_name: str | None = None
    #: Created roles are `/service-role/<prefix>-*` (the domain name is the prefix).
    role_name_prefix: str
    #: Roles created elsewhere that the stacks hand to DataZone (given execution, service, blueprint roles).
    given_role_arns: Sequence[str] = ()
    #: The only managed policies the stacks may attach to the roles they create.
    attachable_policy_arns: Sequence[str] = ()
    #: The permissions boundaries the created roles carry: a role under the prefix is written only while it carries
    #: one. default: none, and with no unbounded_role_names either the role writes nothing (it creates no roles).
    role_boundaries: Sequence[str] = ()
    #: Created roles the account file accepts without a boundary (`domain.no_permissions_boundary_reason`): written
    #: by exact name, never by prefix. default: none.
    unbounded_role_names: Sequence[str] = ()
    #: The tag keys the stacks put on roles; tagging a role with any other key is refused. default: none.
    role_tag_keys: Sequence[str] = ()
    #: A protected account: its domain is never deleted by the pipeline (`datazone:DeleteDomain` denied).
    protected: bool = False
    #: Values of the `SmusStack` default tag of the stacks this role deploys; keys are managed only when so tagged.
    managed_stack_tags: Sequence[str] = ()
    #: default: no ops layer. Set: the alert topic, alarms and event rules named `<prefix>*`, and AWS Config rules.
    ops_name_prefix: str | None = None
    #: default: none (the account hands its Tooling bucket in). Set: the bucket the platform stack creates, by name.
    tooling_bucket: str | None = None
    #: default: the domain is shared with no member. Set (a domain account with members): its RAM share's actions.
    domain_share: DomainShareScope | None = None
    #: default: the account has its own domain. Set (a member account): no domain of its own, only the shared
    #: domain's blueprint actions, the share's acceptance and a read of the domain account's platform state.
    shared_domain: SharedDomainScope | None = None
    #: default: no ops log groups. Set (e.g. '/smus/prod/'): the ops stack's log groups are named `<prefix>*`.
    ops_log_group_prefix: str | None = None


def deploy_permissions(scope: DeployScope) -> PolicyDocument:
    """The deploy role's only policy: state, DataZone, the estate's own roles and keys; nothing account-wide.

    Every statement names its resources; the few AWS actions that only accept "*" carry a condition that holds them to
    the account's region or to the estate's tag.
    """
    p, account, region = scope.partition, scope.account_id, scope.region
    in_region = {"StringEquals": {"aws:RequestedRegion": region}}
    roles = f"arn:{p}:iam::{account}:role{SERVICE_ROLE_PATH}{scope.role_name_prefix}-*"
    keys = f"arn:{p}:kms:{region}:{account}:key/*"
    tagged = sorted(scope.managed_stack_tags)
    statements: list[Statement] = [
        {
            "Sid": "StateBucket",
            "Effect": "Allow",
            "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
            "Resource": f"arn:{p}:s3:::{scope.state_bucket}",
        },
        {
            "Sid": "StateObjectsOfThisAccount",
            "Effect": "Allow",
            "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            "Resource": f"arn:{p}:s3:::{scope.state_bucket}/{scope.state_prefix}*",
        },
        {
            "Sid": "StateKeyThroughS3",
            "Effect": "Allow",
            "Action": STATE_KEY_USE_ACTIONS,
            "Resource": scope.state_key_arn,
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
        },
    ]
    if scope.lock_table_name is not None:
        statements += [
            {
                "Sid": "LockTable",
                "Effect": "Allow",
                "Action": ["dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem"],
                "Resource": f"arn:{p}:dynamodb:{region}:{account}:table/{scope.lock_table_name}",
            },
            {
                "Sid": "StateKeyThroughDynamoDB",
                "Effect": "Allow",
                "Action": [*STATE_KEY_USE_ACTIONS, "kms:DescribeKey"],
                "Resource": scope.state_key_arn,
                "Condition": {"StringEquals": {"kms:ViaService": f"dynamodb.{region}.amazonaws.com"}},
            },
        ]
    domain_actions = [a for a in DATAZONE_DOMAIN_ACTIONS if not (scope.protected and a == "datazone:DeleteDomain")]
    if scope.shared_domain is None:
        statements += [
            {
                "Sid": "DataZoneDomainsOfThisAccount",
                "Effect": "Allow",
                "Action": domain_actions,
                "Resource": f"arn:{p}:datazone:{region}:{account}:domain/*",
            },
            {
                "Sid": "DataZoneActionsWithoutResourceType",
                "Effect": "Allow",
                "Action": DATAZONE_ACCOUNT_ACTIONS,
                "Resource": "*",
                "Condition": in_region,
            },
        ]
    else:
        # A member has no domain: only the shared domain's blueprint actions, its share and its domain's state.
        statements += shared_domain_statements(
            scope.shared_domain, partition=p, account_id=account, region=region, write=True
        )
    if scope.domain_share is not None:
        statements += domain_share_statements(scope.domain_share, partition=p, account_id=account, region=region)
    statements += [
        {
            "Sid": "CloudControlForAwsccResources",
            "Effect": "Allow",
            "Action": CLOUD_CONTROL_ACTIONS,
            "Resource": "*",
            "Condition": in_region,
        },
        *role_statements(scope),
        {
            # CreateKey has no resource type; the key it creates is tagged in the same call (TagResource, below).
            "Sid": "CreateKeysTaggedForTheEstate",
            "Effect": "Allow",
            "Action": "kms:CreateKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestTag/SmusStack": tagged}},
        },
        {
            "Sid": "TagKeysForTheEstate",
            "Effect": "Allow",
            "Action": "kms:TagResource",
            "Resource": keys,
            "Condition": {"StringEquals": {"aws:RequestTag/SmusStack": tagged}},
        },
        {
            "Sid": "ManageKeysTaggedForTheEstate",
            "Effect": "Allow",
            "Action": KEY_MANAGEMENT_ACTIONS,
            "Resource": keys,
            "Condition": {"StringEquals": {"aws:ResourceTag/SmusStack": tagged}},
        },
        {
            "Sid": "EstateKeyAliases",
            "Effect": "Allow",
            "Action": ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"],
            "Resource": f"arn:{p}:kms:{region}:{account}:alias/smus/*",
        },
        {
            "Sid": "ListKeyAliases",
            "Effect": "Allow",
            "Action": "kms:ListAliases",
            "Resource": "*",
            "Condition": in_region,
        },
        {
            # CreateDomain with a customer-managed key: DataZone uses the key with the caller's credentials.
            "Sid": "DomainKeysThroughDataZone",
            "Effect": "Allow",
            "Action": ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
            "Resource": keys,
            "Condition": {"StringEquals": {"kms:ViaService": f"datazone.{region}.amazonaws.com"}},
        },
        {
            "Sid": "ReassumeThisRole",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": scope.self_role_arn,
        },
        {
            # A role the deploy role creates could trust the deploy role by name; same-account trust needs no
            # identity permission, so only an explicit deny stops it becoming a way around this policy.
            "Sid": "NeverAssumeTheRolesItManages",
            "Effect": "Deny",
            "Action": "sts:AssumeRole",
            "Resource": roles,
        },
    ]
    if scope.tooling_bucket is not None:
        statements.append(
            {
                "Sid": "TheToolingBucketItCreates",
                "Effect": "Allow",
                "Action": tooling_bucket_actions(protected=scope.protected),
                "Resource": f"arn:{p}:s3:::{scope.tooling_bucket}",
            }
        )
    if scope.shared_domain is not None:  # a member creates no domain, so no key is used through DataZone
        statements = [statement for statement in statements if statement.get("Sid") != "DomainKeysThroughDataZone"]
    statements += ops_statements(scope)
    statements.append(
        {
            # Explicit, so no policy attached later (or an SCP's absence) can bring these back.
            "Sid": "NeverRewriteTrustNorRemoveABoundary",
            "Effect": "Deny",
            "Action": ROLE_NEVER_ACTIONS,
            "Resource": "*",
        }
    )
    if scope.protected:
        statements.append(
            {
                # prevent_destroy and `smus guard` stop Terraform; this stops the credentials themselves.
                "Sid": "NeverDeleteAProtectedDomain",
                "Effect": "Deny",
                "Action": "datazone:DeleteDomain",
                "Resource": "*",
            }
        )
    return policy_document(*statements)


def role_statements(scope: DeployScope) -> list[Statement]:
    """The estate's own roles: read them, and write them only with the boundary (or by name, when config says why).

    An account that creates no roles gets none of this beyond passing the roles it was given to DataZone.
    """
    p, account = scope.partition, scope.account_id
    roles = f"arn:{p}:iam::{account}:role{SERVICE_ROLE_PATH}{scope.role_name_prefix}-*"
    given = sorted(set(scope.given_role_arns))
    boundaries = sorted(set(scope.role_boundaries))
    unbounded = [
        f"arn:{p}:iam::{account}:role{SERVICE_ROLE_PATH}{name}" for name in sorted(set(scope.unbounded_role_names))
    ]
    attachable = {"ArnEquals": {"iam:PolicyARN": sorted(scope.attachable_policy_arns)}}
    statements: list[Statement] = []
    if boundaries or unbounded:
        statements += [
            {"Sid": "ReadEstateRoles", "Effect": "Allow", "Action": ROLE_READ_ACTIONS, "Resource": roles},
            {"Sid": "EstateRoleLifecycle", "Effect": "Allow", "Action": ROLE_LIFECYCLE_ACTIONS, "Resource": roles},
            {
                # Tags only with the stacks' own keys: a tag another policy trusts (ABAC) cannot be put on a role.
                "Sid": "TagEstateRolesWithTheStacksKeys",
                "Effect": "Allow",
                "Action": ROLE_TAG_ACTIONS,
                "Resource": roles,
                "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": sorted(scope.role_tag_keys)}},
            },
        ]
    if boundaries:
        bounded = {"ArnEquals": {"iam:PermissionsBoundary": boundaries}}
        statements += [
            {
                "Sid": "WriteEstateRolesOnlyWithTheBoundary",
                "Effect": "Allow",
                "Action": sorted(set(ROLE_WRITE_ACTIONS) - {"iam:AttachRolePolicy"}),
                "Resource": roles,
                "Condition": bounded,
            },
            {
                "Sid": "AttachTheEstatesManagedPoliciesOnlyWithTheBoundary",
                "Effect": "Allow",
                "Action": "iam:AttachRolePolicy",
                "Resource": roles,
                "Condition": {"ArnEquals": {**attachable["ArnEquals"], **bounded["ArnEquals"]}},
            },
        ]
    if unbounded:
        statements += [
            {
                # Only because the account file says why (domain.no_permissions_boundary_reason); by exact name.
                "Sid": "WriteTheUnboundedRolesConfigAccepts",
                "Effect": "Allow",
                "Action": ["iam:CreateRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy"],
                "Resource": unbounded,
            },
            {
                "Sid": "AttachTheEstatesManagedPoliciesToTheUnboundedRoles",
                "Effect": "Allow",
                "Action": "iam:AttachRolePolicy",
                "Resource": unbounded,
                "Condition": attachable,
            },
        ]
    passable = ([roles] if boundaries or unbounded else []) + given
    if passable:
        statements.append(
            {
                "Sid": "PassRolesToDataZoneOnly",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": passable,
                "Condition": {"StringEquals": {"iam:PassedToService": DATAZONE_PRINCIPAL}},
            }
        )
    return statements


#: SNS subscription actions the Service Authorization Reference lists with no resource type (only "*").
SNS_SUBSCRIPTION_ACTIONS = frozenset(
    {"sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes", "sns:Unsubscribe"}
)
#: AWS Config actions with no resource type.
CONFIG_ACCOUNT_ACTIONS = frozenset({"config:DescribeConfigRules"})
#: CloudWatch Logs actions with no resource type (Service Authorization Reference; parliament's definitions).
LOGS_ACCOUNT_ACTIONS = frozenset({"logs:DescribeLogGroups"})
#: What the drift job needs of the drift log group: a stream per run, and its events. Nothing that reads, deletes or
#: changes the group's retention or key.
DRIFT_LOG_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"]


def ops_statements(scope: DeployScope) -> list[Statement]:
    """What the ops layer and the scheduled drift job need, each held to the estate's own names, tag or namespace.

    SNS topics, alarms and event rules are named `<prefix>*`. AWS Config rule ARNs end in a generated ID
    (`config-rule/config-rule-ab12cd`), never the name, so rules are held to the estate's `SmusStack` tag instead:
    changed, tagged or deleted only when already tagged for the estate, created only with that tag (PutConfigRule
    takes the tags itself; the Service Authorization Reference lists no dependent TagResource). The few actions AWS
    accepts only on "*" are held to the account's region.
    """
    p, account, region = scope.partition, scope.account_id, scope.region
    in_region = {"StringEquals": {"aws:RequestedRegion": region}}
    statements: list[Statement] = []
    if scope.ops_name_prefix is not None:
        prefix = scope.ops_name_prefix
        tagged = sorted(scope.managed_stack_tags)
        config_rules = f"arn:{p}:config:{region}:{account}:config-rule/*"

        def actions(service: str) -> list[str]:
            return sorted({a for acts in OPS_ACTIONS_BY_TYPE.values() for a in acts if a.startswith(f"{service}:")})

        dashboard_actions = sorted(OPS_ACTIONS_BY_TYPE["aws_cloudwatch_dashboard"])

        statements += [
            {
                "Sid": "OpsAlertTopic",
                "Effect": "Allow",
                "Action": sorted(set(actions("sns")) - SNS_SUBSCRIPTION_ACTIONS),
                "Resource": f"arn:{p}:sns:{region}:{account}:{prefix}*",
            },
            {
                "Sid": "OpsAlertSubscriptions",
                "Effect": "Allow",
                "Action": sorted(set(actions("sns")) & SNS_SUBSCRIPTION_ACTIONS),
                "Resource": "*",
                "Condition": in_region,
            },
            {
                "Sid": "OpsAlarms",
                "Effect": "Allow",
                "Action": sorted(set(actions("cloudwatch")) - set(dashboard_actions)),
                "Resource": f"arn:{p}:cloudwatch:{region}:{account}:alarm:{prefix}*",
            },
            {
                # A dashboard's ARN has no region: CloudWatch dashboards are global to the account.
                "Sid": "OpsDashboard",
                "Effect": "Allow",
                "Action": dashboard_actions,
                "Resource": f"arn:{p}:cloudwatch::{account}:dashboard/{prefix}*",
            },
            {
                # Also in us-east-1: IAM's CloudTrail events reach EventBridge only there (change_alerts).
                "Sid": "OpsEventRules",
                "Effect": "Allow",
                "Action": actions("events"),
                "Resource": sorted(
                    {f"arn:{p}:events:{r}:{account}:rule/{prefix}*" for r in (region, GLOBAL_EVENTS_REGION)}
                ),
            },
            {
                "Sid": "OpsDeadLetterQueue",
                "Effect": "Allow",
                "Action": actions("sqs"),
                "Resource": f"arn:{p}:sqs:{region}:{account}:{prefix}*",
            },
            {
                "Sid": "OpsConfigRulesTaggedForTheEstate",
                "Effect": "Allow",
                "Action": sorted(set(actions("config")) - CONFIG_ACCOUNT_ACTIONS),
                "Resource": config_rules,
                "Condition": {"StringEquals": {"aws:ResourceTag/SmusStack": tagged}},
            },
            {
                "Sid": "CreateOpsConfigRulesTaggedForTheEstate",
                "Effect": "Allow",
                "Action": "config:PutConfigRule",
                "Resource": config_rules,
                "Condition": {"StringEquals": {"aws:RequestTag/SmusStack": tagged}},
            },
            {
                "Sid": "DescribeConfigRules",
                "Effect": "Allow",
                "Action": sorted(set(actions("config")) & CONFIG_ACCOUNT_ACTIONS),
                "Resource": "*",
                "Condition": in_region,
            },
        ]
        if scope.ops_log_group_prefix is not None:
            statements += [
                {
                    # The drift log group (drift_log.DriftLogGroup); its key is an estate-tagged key like any other.
                    "Sid": "OpsLogGroups",
                    "Effect": "Allow",
                    "Action": sorted(set(actions("logs")) - LOGS_ACCOUNT_ACTIONS),
                    "Resource": f"arn:{p}:logs:{region}:{account}:log-group:{scope.ops_log_group_prefix}*",
                },
                {
                    "Sid": "DescribeLogGroups",
                    "Effect": "Allow",
                    "Action": sorted(set(actions("logs")) & LOGS_ACCOUNT_ACTIONS),
                    "Resource": "*",
                    "Condition": in_region,
                },
            ]
        if region != GLOBAL_EVENTS_REGION:
            forwarder = f"arn:{p}:iam::{account}:role{SERVICE_ROLE_PATH}{scope.role_name_prefix}-change-forwarder"
            statements.append(
                {
                    # The rule in us-east-1 forwards IAM events to the home bus through this one role.
                    "Sid": "PassTheChangeForwarderToEventBridge",
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": forwarder,
                    "Condition": {"StringEquals": {"iam:PassedToService": "events.amazonaws.com"}},
                }
            )
    # No cloudwatch:PutMetricData: only the drift role publishes the drift metrics. A deploy role that could would
    # forge the heartbeat and clear a real drift alarm.
    return statements


# Read-only counterparts of the deploy role's actions: what `terraform plan` calls to refresh what the stacks manage.
READ_PREFIXES = ("Describe", "Get", "List", "Search")


def as_actions(value: object) -> list[str]:
    """A statement's Action as a list (IAM accepts one string too)."""
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value] if isinstance(value, list) else []


def _reads(actions: Sequence[str]) -> list[str]:
    return sorted({action for action in actions if action.split(":", 1)[1].startswith(READ_PREFIXES)})


PLAN_DATAZONE_DOMAIN_ACTIONS = _reads(DATAZONE_DOMAIN_ACTIONS)
PLAN_DATAZONE_ACCOUNT_ACTIONS = _reads(DATAZONE_ACCOUNT_ACTIONS)
PLAN_CLOUD_CONTROL_ACTIONS = ["cloudformation:GetResource", "cloudformation:ListResources"]
PLAN_ROLE_ACTIONS = [
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "iam:ListRoleTags",
]
PLAN_KEY_ACTIONS = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]


def plan_permissions(scope: DeployScope) -> PolicyDocument:
    """The plan role's only policy: read this account's state and what the stacks manage; change nothing.

    ``scope.self_role_arn`` is the *plan* role's ARN here. No state lock is taken: pull-request and drift plans run
    with `-lock=false` (a plan must never make a deploy wait), so there is no `.tflock` write either. It writes no
    metric either: the drift job publishes with :func:`drift_permissions`' role, which no pull request can obtain.
    """
    p, account, region = scope.partition, scope.account_id, scope.region
    in_region = {"StringEquals": {"aws:RequestedRegion": region}}
    roles = f"arn:{p}:iam::{account}:role{SERVICE_ROLE_PATH}{scope.role_name_prefix}-*"
    statements: list[Statement] = [
        {
            "Sid": "StateBucket",
            "Effect": "Allow",
            "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
            "Resource": f"arn:{p}:s3:::{scope.state_bucket}",
        },
        {
            "Sid": "ReadStateObjectsOfThisAccount",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:{p}:s3:::{scope.state_bucket}/{scope.state_prefix}*",
        },
        {
            "Sid": "DecryptStateThroughS3",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": scope.state_key_arn,
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
        },
    ]
    if scope.lock_table_name is not None:
        # With a lock table the backend reads the state's digest item even when no lock is taken.
        statements += [
            {
                "Sid": "ReadLockTable",
                "Effect": "Allow",
                "Action": ["dynamodb:DescribeTable", "dynamodb:GetItem"],
                "Resource": f"arn:{p}:dynamodb:{region}:{account}:table/{scope.lock_table_name}",
            },
            {
                "Sid": "DecryptLockTableThroughDynamoDB",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": scope.state_key_arn,
                "Condition": {"StringEquals": {"kms:ViaService": f"dynamodb.{region}.amazonaws.com"}},
            },
        ]
    if scope.shared_domain is None:
        statements += [
            {
                "Sid": "ReadDataZoneDomainsOfThisAccount",
                "Effect": "Allow",
                "Action": PLAN_DATAZONE_DOMAIN_ACTIONS,
                "Resource": f"arn:{p}:datazone:{region}:{account}:domain/*",
            },
            {
                "Sid": "ReadDataZoneActionsWithoutResourceType",
                "Effect": "Allow",
                "Action": PLAN_DATAZONE_ACCOUNT_ACTIONS,
                "Resource": "*",
                "Condition": in_region,
            },
            {
                # DataZone reads a domain's customer-managed key with the caller's credentials: a plan's reads of
                # a CMK domain need Decrypt on it (DataZone User Guide, AmazonDataZoneFullAccess, considerations).
                "Sid": "ReadDomainKeysThroughDataZone",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": f"arn:{p}:kms:{region}:{account}:key/*",
                "Condition": {"StringEquals": {"kms:ViaService": f"datazone.{region}.amazonaws.com"}},
            },
        ]
    else:
        statements += shared_domain_statements(
            scope.shared_domain, partition=p, account_id=account, region=region, write=False
        )
    if scope.domain_share is not None:
        statements += domain_share_read_statements(scope.domain_share, partition=p, account_id=account, region=region)
    statements += [
        {
            "Sid": "ReadThroughCloudControl",
            "Effect": "Allow",
            "Action": PLAN_CLOUD_CONTROL_ACTIONS,
            "Resource": "*",
            "Condition": in_region,
        },
        {
            "Sid": "ReadEstateRoles",
            "Effect": "Allow",
            "Action": PLAN_ROLE_ACTIONS,
            "Resource": roles,
        },
        {
            "Sid": "ReadKeysTaggedForTheEstate",
            "Effect": "Allow",
            "Action": PLAN_KEY_ACTIONS,
            "Resource": f"arn:{p}:kms:{region}:{account}:key/*",
            "Condition": {"StringEquals": {"aws:ResourceTag/SmusStack": sorted(scope.managed_stack_tags)}},
        },
        {
            "Sid": "ListKeyAliases",
            "Effect": "Allow",
            "Action": "kms:ListAliases",
            "Resource": "*",
            "Condition": in_region,
        },
        {
            "Sid": "ReassumeThisRole",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": scope.self_role_arn,
        },
    ]
    if scope.tooling_bucket is not None:
        statements.append(
            {
                "Sid": "ReadTheToolingBucket",
                "Effect": "Allow",
                "Action": _reads(tooling_bucket_actions(protected=True)),
                "Resource": f"arn:{p}:s3:::{scope.tooling_bucket}",
            }
        )
    for statement in ops_statements(scope):
        actions = statement["Action"]
        # Never the drift metrics: the plan role publishes nothing (the drift role does, drift_permissions).
        if _reads(as_actions(actions)):
            statements.append({**statement, "Sid": f"Read{statement['Sid']}", "Action": _reads(as_actions(actions))})
    return policy_document(*statements)


def drift_permissions(*, metric_namespace: str, drift_log_group_arn: str | None = None) -> PolicyDocument:
    """The drift role's only policy: publish metrics into the estate's namespace, and (given the drift log group's
    ARN) write plan summaries into that one group; nothing else.

    PutMetricData has no resource type (only "*"); `cloudwatch:namespace` is the only condition key CloudWatch offers
    for it (Service Authorization Reference; parliament's definitions), so the role cannot write into any other
    namespace (an alarm of another team, or AWS's own) - and, within the namespace, nothing can hold it to one metric
    name. CreateLogStream and PutLogEvents act on log streams (`log-group:<name>:log-stream:<stream>`), so the grant
    names the group's streams and no other group's.
    """
    statements: list[Statement] = [
        {
            "Sid": "DriftMetricsInTheirNamespaceOnly",
            "Effect": "Allow",
            "Action": "cloudwatch:PutMetricData",
            "Resource": "*",
            "Condition": {"StringEquals": {"cloudwatch:namespace": metric_namespace}},
        }
    ]
    if drift_log_group_arn is not None:
        statements.append(
            {
                "Sid": "PlanSummariesIntoTheDriftLogGroupOnly",
                "Effect": "Allow",
                "Action": DRIFT_LOG_ACTIONS,
                "Resource": f"{drift_log_group_arn}:log-stream:*",
            }
        )
    return policy_document(*statements)


def github_oidc_trust(*, oidc_provider_arn: str, repository: str, subjects: Sequence[str]) -> PolicyDocument:
    """GitHub jobs of this repository and these subjects only, compared exactly; no other principal at all."""
    return policy_document(
        {
            "Sid": "GithubActionsOfThisRepository",
            "Effect": "Allow",
            "Principal": {"Federated": oidc_provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    f"{GITHUB_OIDC_HOST}:aud": STS_AUDIENCE,
                    f"{GITHUB_OIDC_HOST}:sub": sorted(f"repo:{repository}:{subject}" for subject in subjects),
                }
            },
        }
    )


class GithubOidcProvider(Construct):
    """The account's IAM OIDC provider for GitHub Actions (`aws_iam_openid_connect_provider`, child ``Resource``).

    Opt-in: an account has at most one provider per URL and many organisations created it already; then pass its ARN
    (``pipeline_rules.github_oidc_provider_arn``) to :class:`GithubDeployRole` instead. No thumbprint is given: IAM
    trusts GitHub's certificate authority itself for this provider.
    """

    def __init__(self, scope: Construct, id: str, *, tags: Mapping[str, str] | None = None) -> None:
        super().__init__(scope, id)
        self.resource = IamOpenidConnectProvider(
            self,
            "Resource",
            url=GITHUB_OIDC_URL,
            client_id_list=[STS_AUDIENCE],
            tags=literal_map(tags) if tags else None,
        )

    @property
    def provider_arn(self) -> str:
        return self.resource.arn


@dataclass(frozen=True, kw_only=True)
class GithubDeployRoleProps:
    """Props of :class:`GithubDeployRole`."""

    account_id: str
    region: str
    role_name: str
    #: GitHub repository as 'owner/name'.
    repository: str
    #: Branches, tags or GitHub environments allowed to deploy, e.g. ['environment:prod'].
    subjects: Sequence[str]
    #: The account's GitHub OIDC provider, created (:class:`GithubOidcProvider`) or existing.
    oidc_provider_arn: str
    #: default: '/'.
    path: str = "/"
    description: str = "CI deploy role, assumed by GitHub Actions through OIDC"
    tags: Mapping[str, str] = field(default_factory=dict)


def check_role_props(path: str, props: GithubDeployRoleProps, *, plan: bool) -> None:
    """The checks every GitHub OIDC role's props pass (deploy, plan, drift): one place, so no role skips one.

    ``plan`` admits the plan role's extra subjects (`pull_request`); the deploy and drift roles never take them.
    """
    patterns.check(patterns.ACCOUNT_ID, props.account_id, path=path, prop="account_id")
    patterns.check(patterns.REGION, props.region, path=path, prop="region")
    if not IAM_ROLE_NAME.match(props.role_name):
        raise PropValidationError(path, "role_name", props.role_name, "1-64 of letters, digits and '+=,.@_-'")
    if not IAM_PATH.match(props.path):
        raise PropValidationError(path, "path", props.path, "'/' or a path such as '/ci/'")
    if not isinstance(props.repository, str) or not GITHUB_REPOSITORY.match(props.repository):
        raise PropValidationError(path, "repository", props.repository, ACCEPTED_REPOSITORY)
    if isinstance(props.subjects, str) or not props.subjects:
        accepted = ACCEPTED_PLAN_SUBJECT if plan else ACCEPTED_SUBJECT
        raise PropValidationError(path, "subjects", props.subjects, f"a non-empty list of {accepted}")
    for subject in props.subjects:
        check_subject(subject, path=path, plan=plan)
    if not patterns.is_token(props.oidc_provider_arn) and not OIDC_PROVIDER_ARN.match(props.oidc_provider_arn):
        raise PropValidationError(path, "oidc_provider_arn", props.oidc_provider_arn, ACCEPTED_OIDC_PROVIDER_ARN)


class GithubDeployRole(Construct):
    """The CI deploy role (child ``Resource``); its permissions are added as inline policies."""

    #: Whether `pull_request` may be a subject (only for a role that can change nothing).
    plan_subjects: bool = False
    max_session_seconds: int = MAX_SESSION_SECONDS

    def __init__(self, scope: Construct, id: str, props: GithubDeployRoleProps) -> None:
        super().__init__(scope, id)
        check_role_props(self.node.path, props, plan=self.plan_subjects)

        partition = patterns.partition_of(props.region)
        self.role_arn_in_config = role_arn(partition, props.account_id, props.path, props.role_name)
        self.trust = github_deploy_trust(
            oidc_provider_arn=props.oidc_provider_arn,
            repository=props.repository,
            subjects=props.subjects,
            self_role_arn=self.role_arn_in_config,
            account_id=props.account_id,
        )
        self.resource = IamRole(
            self,
            "Resource",
            name=props.role_name,
            path=props.path,
            description=literal(props.description),
            assume_role_policy=json.dumps(self.trust, sort_keys=True),
            max_session_duration=self.max_session_seconds,
            tags=literal_map(props.tags) or None,
        )

    def add_inline_policy(self, name: str, document: PolicyDocument) -> IamRolePolicy:
        """Attach ``document`` as the inline policy ``name`` (child ``Policy-<name>``)."""
        return IamRolePolicy(
            self,
            f"Policy-{name}",
            name=name,
            role=self.resource.id,
            policy=json.dumps(document, sort_keys=True),
        )

    @property
    def role_arn(self) -> str:
        return self.resource.arn

    @property
    def role_name(self) -> str:
        return self.resource.name


class GithubPlanRole(GithubDeployRole):
    """The read-only CI plan role (child ``Resource``): same trust shape, `pull_request` allowed, one-hour sessions.

    Give it :func:`plan_permissions` and nothing else. ``protected=True`` (a production account) refuses the
    `pull_request` subject: every pull request would get credentials that read the account's state.
    """

    plan_subjects = True
    max_session_seconds = PLAN_MAX_SESSION_SECONDS

    def __init__(self, scope: Construct, id: str, props: GithubDeployRoleProps, *, protected: bool = False) -> None:
        if protected and not isinstance(props.subjects, str) and PULL_REQUEST_SUBJECT in props.subjects:
            raise PropValidationError(
                f"{scope.node.path}/{id}",
                "subjects",
                list(props.subjects),
                "GitHub environments with required reviewers (e.g. ['environment:prod-plan']): a protected account's "
                "plan role never trusts 'pull_request'",
            )
        super().__init__(scope, id, props)


class GithubDriftRole(Construct):
    """The pipeline-metrics role (child ``Resource``): trusted by the drift job's and the deploy jobs' subjects (the
    estate passes config.pipeline_trust.drift_role_subjects), one-hour sessions.

    Give it :func:`drift_permissions` and nothing else. `pull_request` is refused as a subject, whatever the account:
    a pull request that could publish metrics could silence the heartbeat, clear a drift alarm or hold the
    plan-failure baseline at zero. Its trust has
    no second statement: nothing re-assumes it (the drift job calls CloudWatch directly, not through Terraform).
    """

    def __init__(self, scope: Construct, id: str, props: GithubDeployRoleProps) -> None:
        super().__init__(scope, id)
        check_role_props(self.node.path, props, plan=False)
        self.trust = github_oidc_trust(
            oidc_provider_arn=props.oidc_provider_arn, repository=props.repository, subjects=props.subjects
        )
        self.resource = IamRole(
            self,
            "Resource",
            name=props.role_name,
            path=props.path,
            description=literal(props.description),
            assume_role_policy=json.dumps(self.trust, sort_keys=True),
            max_session_duration=PLAN_MAX_SESSION_SECONDS,
            tags=literal_map(props.tags) or None,
        )

    def add_inline_policy(self, name: str, document: PolicyDocument) -> IamRolePolicy:
        """Attach ``document`` as the inline policy ``name`` (child ``Policy-<name>``)."""
        return IamRolePolicy(
            self, f"Policy-{name}", name=name, role=self.resource.id, policy=json.dumps(document, sort_keys=True)
        )

    @property
    def role_arn(self) -> str:
        return self.resource.arn
