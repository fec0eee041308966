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
# Administration without use: the account can manage (and recover) the key but not decrypt with it.
KEY_ADMIN_ACTIONS = [
    "kms:CancelKeyDeletion",
    "kms:Create*",
    "kms:Delete*",
    "kms:Describe*",
    "kms:Disable*",
    "kms:Enable*",
    "kms:Get*",
    "kms:List*",
    "kms:Put*",
    "kms:Revoke*",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:Update*",
]
DATAZONE_KEY_TAG = {"EnableKeyForAmazonDataZone": "true"}


def key_policy_managers(principal_arns: Sequence[str]) -> list[Statement]:
    """Let the named roles (the pipeline's deploy role) read and rewrite the key policy, and nothing else.

    KMS refuses CreateKey unless the new policy lets the caller call PutKeyPolicy later (the lockout safety check).
    Naming the deploy role here passes that check without giving its IAM policy `kms:PutKeyPolicy` on every key.
    """
    if not principal_arns:
        return []
    return [
        {
            "Sid": "KeyPolicyManagedByThePipeline",
            "Effect": "Allow",
            "Principal": {"AWS": sorted(principal_arns)},
            "Action": ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy"],
            "Resource": "*",
        }
    ]


def domain_key_policy(
    *,
    partition: str,
    account_id: str,
    region: str,
    execution_role_arn: str,
    policy_manager_arns: Sequence[str] = (),
) -> PolicyDocument:
    """Key policy: account administration, and use by DataZone and the domain execution role only via DataZone."""
    via_datazone = {"StringEquals": {"kms:ViaService": f"datazone.{region}.amazonaws.com"}}
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
        *key_policy_managers(policy_manager_arns),
    )


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
        policy_manager_arns: Sequence[str] = (),
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
            policy=json.dumps(
                domain_key_policy(
                    partition=partition,
                    account_id=account_id,
                    region=region,
                    execution_role_arn=execution_role_arn,
                    policy_manager_arns=policy_manager_arns,
                ),
                sort_keys=True,
            ),
            tags=literal_map({**(tags or {}), **DATAZONE_KEY_TAG}),
        )
        self.alias = KmsAlias(self, "Alias", name=f"alias/{alias_name}", target_key_id=self.resource.key_id)

    @property
    def key_arn(self) -> str:
        return self.resource.arn
