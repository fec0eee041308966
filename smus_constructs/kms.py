"""The customer-managed key a Unified Studio domain encrypts its metadata with.

A domain's `kms_key_identifier` is immutable: changing it replaces the domain and deletes every project in it. So the
key is created once, rotated automatically, never scheduled for deletion by Terraform in a protected account, and its
policy names exactly who may use it. The tag `EnableKeyForAmazonDataZone=true` is what lets DataZone use the key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from cdktn_provider_aws.kms_alias import KmsAlias
from cdktn_provider_aws.kms_key import KmsKey
from constructs import Construct

from smus_constructs.iam import DATAZONE_PRINCIPAL, PolicyDocument, Statement, policy_document
from smus_constructs.literals import literal, literal_map

KEY_USE_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"]
# Administration without use, for the account root only (so for the account's IAM administrators). Listed, not
# wildcarded: `kms:Create*` would include kms:CreateGrant, which hands out use of the key to anyone an administrator
# names, and `kms:Put*` would grow with whatever KMS adds under that prefix.
KEY_ADMIN_ACTIONS = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
]
DATAZONE_KEY_TAG = {"EnableKeyForAmazonDataZone": "true"}
#: What a caller of DataZone needs on a domain's customer-managed key, and only through DataZone: "to call other
#: Amazon DataZone APIs ... kms:GenerateDataKey and kms:Decrypt" (DataZone User Guide, AmazonDataZoneFullAccess,
#: policy considerations), plus DescribeKey. A member account's principals call the shared domain's APIs
#: (PutEnvironmentBlueprintConfiguration, AddPolicyGrant) with their own credentials, so the domain's key must let
#: them; MDAA does the same for its associated accounts (`kms:CallerAccount` + `kms:ViaService` datazone).
MEMBER_KEY_USE_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
MEMBER_KEY_STATEMENT_SID = "MemberAccountsUseViaDataZone"


def domain_key_alias_name(domain_name: str) -> str:
    """The alias (without `alias/`) of the key created for a domain: fixed by the domain's name, so another stack can
    find the key by it (the ops stack's key-usage alarm reads it with the `aws_kms_alias` data source) instead of
    having its generated ID copied by hand. Under `alias/smus/`, the only prefix the deploy role manages aliases in."""
    return f"smus/{domain_name}"


#: Set on every key the pipeline creates. KMS refuses CreateKey unless the new policy lets the *caller* call
#: PutKeyPolicy later (the lockout safety check, CreateKey API reference). The caller is the deploy role, which must
#: never be able to rewrite a key policy (PutKeyPolicy with the bypass flag, then DisableKey or ScheduleKeyDeletion,
#: would make the domain unreadable past prevent_destroy and the guard). So the check is bypassed, and the account
#: root keeps every administrative action: the account's administrators can always repair the policy, never the
#: pipeline. A key-policy statement naming the deploy role would be enough to take the key over: a key policy grant
#: needs no IAM permission.
BYPASS_LOCKOUT_CHECK = True


def member_key_statement(*, partition: str, region: str, member_account_ids: Sequence[str]) -> Statement:
    """The statement a domain key needs for the member (associated) accounts its domain is shared with.

    Each member's account root, so the member's own IAM policies decide which of its roles use the key (its deploy
    role's policy names this key), and only for calls made in that member account (`kms:CallerAccount`) through
    DataZone in the domain's region (`kms:ViaService`): never directly, never for another service, never
    administration. The same statement is what the owner of a handed-in key adds (docs/associated-accounts-runbook.md).
    """
    members = sorted(set(member_account_ids))
    return {
        "Sid": MEMBER_KEY_STATEMENT_SID,
        "Effect": "Allow",
        "Principal": {"AWS": [f"arn:{partition}:iam::{member}:root" for member in members]},
        "Action": MEMBER_KEY_USE_ACTIONS,
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "kms:CallerAccount": members,
                "kms:ViaService": f"datazone.{region}.amazonaws.com",
            }
        },
    }


def domain_key_policy(
    *,
    partition: str,
    account_id: str,
    region: str,
    execution_role_arn: str,
    member_account_ids: Sequence[str] = (),
) -> PolicyDocument:
    """Key policy: account administration, and use by DataZone, the domain execution role and the account's callers
    of DataZone (:func:`account_use_statements`) only via DataZone; with member accounts, their use through DataZone
    too (:func:`member_key_statement`)."""
    via_datazone = {"StringEquals": {"kms:ViaService": f"datazone.{region}.amazonaws.com"}}
    members: list[Statement] = (
        [member_key_statement(partition=partition, region=region, member_account_ids=member_account_ids)]
        if member_account_ids
        else []
    )
    return policy_document(
        {
            "Sid": "AccountAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
            "Action": KEY_ADMIN_ACTIONS,
            "Resource": "*",
        },
        {
            "Sid": "DataZoneServiceUse",
            "Effect": "Allow",
            "Principal": {"Service": DATAZONE_PRINCIPAL},
            "Action": [*KEY_USE_ACTIONS, "kms:CreateGrant"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        },
        {
            "Sid": "DomainExecutionRoleUseViaDataZone",
            "Effect": "Allow",
            "Principal": {"AWS": execution_role_arn},
            "Action": KEY_USE_ACTIONS,
            "Resource": "*",
            "Condition": via_datazone,
        },
        {
            "Sid": "DomainExecutionRoleGrantsForAwsResources",
            "Effect": "Allow",
            "Principal": {"AWS": execution_role_arn},
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": {**via_datazone, "Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
        *account_use_statements(partition=partition, account_id=account_id, region=region),
        *members,
    )


ACCOUNT_USE_STATEMENT_SID = "AccountPrincipalsUseViaDataZone"
ACCOUNT_GRANT_STATEMENT_SID = "AccountPrincipalsGrantsViaDataZone"


def account_use_statements(*, partition: str, account_id: str, region: str) -> list[Statement]:
    """Use of the key by the domain account's own callers of DataZone, as their IAM policies allow, through DataZone.

    DataZone uses a domain's customer-managed key with the *caller's* credentials: CreateDomain has it create grants
    (the deploy role's `DomainKeysThroughDataZone`), and "to call other Amazon DataZone APIs" a caller needs
    `kms:GenerateDataKey` and `kms:Decrypt` (DataZone User Guide, AmazonDataZoneFullAccess, policy considerations).
    A key policy whose root statement holds administration only enables no IAM policy for use, so without this the
    deploy role's statement would be dead and the first CreateDomain refused. The root principal delegates to IAM
    (where SCPs and boundaries apply) rather than naming the deploy role, which a key-policy grant would make
    independent of IAM; `kms:CallerAccount` and `kms:ViaService` keep it to this account's calls through DataZone,
    and grants to those DataZone makes for AWS resources (`kms:GrantIsForAWSResource`).
    """
    via_datazone = {
        "StringEquals": {"kms:CallerAccount": account_id, "kms:ViaService": f"datazone.{region}.amazonaws.com"}
    }
    root = {"AWS": f"arn:{partition}:iam::{account_id}:root"}
    return [
        {
            "Sid": ACCOUNT_USE_STATEMENT_SID,
            "Effect": "Allow",
            "Principal": root,
            "Action": MEMBER_KEY_USE_ACTIONS,
            "Resource": "*",
            "Condition": via_datazone,
        },
        {
            "Sid": ACCOUNT_GRANT_STATEMENT_SID,
            "Effect": "Allow",
            "Principal": root,
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": {**via_datazone, "Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
    ]


class DomainKey(Construct):
    """A symmetric CMK with rotation on, an alias, the DataZone tag and a least-privilege key policy."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        alias_name: str,
        partition: str,
        account_id: str,
        region: str,
        execution_role_arn: str,
        member_account_ids: Sequence[str] = (),
        tags: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.resource = KmsKey(
            self,
            "Resource",
            description=literal(f"Unified Studio domain key ({alias_name})"),
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            bypass_policy_lockout_safety_check=BYPASS_LOCKOUT_CHECK,
            policy=json.dumps(
                domain_key_policy(
                    partition=partition,
                    account_id=account_id,
                    region=region,
                    execution_role_arn=execution_role_arn,
                    member_account_ids=member_account_ids,
                ),
                sort_keys=True,
            ),
            tags=literal_map({**(tags or {}), **DATAZONE_KEY_TAG}),
        )
        self.alias = KmsAlias(self, "Alias", name=f"alias/{alias_name}", target_key_id=self.resource.key_id)

    @property
    def key_arn(self) -> str:
        return self.resource.arn
