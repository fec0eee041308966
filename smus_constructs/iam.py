"""The IAM roles a Unified Studio domain needs, with exactly the trust AWS documents and nothing wider.

Every role is "given or created": pass an ARN and no `aws_iam_role` is emitted (a central IAM team owns it), or
leave it out and the construct creates it under `/service-role/` with the AWS managed policy for that role.
Trust policies follow the SageMaker Unified Studio admin guide (see ../shared/FACTS.md, "IAM as AWS documents it").
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdktn import ITerraformDependable
from cdktn_provider_aws.iam_role import IamRole
from cdktn_provider_aws.iam_role_policy import IamRolePolicy
from cdktn_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from smus_constructs.literals import literal, literal_map
from smus_constructs.role_names import SERVICE_ROLE_PATH

DATAZONE_PRINCIPAL = "datazone.amazonaws.com"

Statement = dict[str, Any]
PolicyDocument = dict[str, Any]


def managed_policy_arn(partition: str, name: str) -> str:
    """ARN of an AWS managed policy, e.g. ``service-role/SageMakerStudioDomainServiceRolePolicy``."""
    return f"arn:{partition}:iam::aws:policy/{name}"


def policy_document(*statements: Statement) -> PolicyDocument:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def domain_execution_trust(account_id: str) -> PolicyDocument:
    """Trust of the domain execution role: DataZone may assume it, tag the session with datazone* keys, set context."""
    return policy_document(
        {
            "Effect": "Allow",
            "Principal": {"Service": DATAZONE_PRINCIPAL},
            "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetContext"],
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ForAllValues:StringLike": {"aws:TagKeys": "datazone*"},
            },
        }
    )


def datazone_service_trust(account_id: str, source_arn: str | None = None) -> PolicyDocument:
    """Trust for the service, provisioning and manage-access roles: DataZone, from this account (and domain)."""
    condition: dict[str, dict[str, str]] = {"StringEquals": {"aws:SourceAccount": account_id}}
    if source_arn is not None:
        condition["ArnEquals"] = {"aws:SourceArn": source_arn}
    return policy_document(
        {
            "Effect": "Allow",
            "Principal": {"Service": DATAZONE_PRINCIPAL},
            "Action": "sts:AssumeRole",
            "Condition": condition,
        }
    )


@dataclass(frozen=True, kw_only=True)
class RoleSpec:
    """What a created role is: its name, trust, managed policies and any inline policy."""

    name: str
    description: str
    trust: PolicyDocument
    managed_policy_arns: Sequence[str]
    inline_policies: Mapping[str, PolicyDocument] | None = None
    permissions_boundary_arn: str | None = None


class ServiceRole(Construct):
    """An IAM role for a DataZone service principal, under `/service-role/`, built from a :class:`RoleSpec`."""

    def __init__(self, scope: Construct, id: str, spec: RoleSpec, *, tags: Mapping[str, str] | None = None) -> None:
        super().__init__(scope, id)
        self.resource = IamRole(
            self,
            "Resource",
            name=spec.name,
            path=SERVICE_ROLE_PATH,
            description=literal(spec.description),
            assume_role_policy=json.dumps(spec.trust, sort_keys=True),
            permissions_boundary=spec.permissions_boundary_arn,
            tags=literal_map(tags) if tags else None,
        )
        #: The role and every policy on it: what a consumer must wait for before DataZone assumes the role.
        self.dependables: list[ITerraformDependable] = [self.resource]
        for index, policy_arn in enumerate(spec.managed_policy_arns):
            self.dependables.append(
                IamRolePolicyAttachment(self, f"Managed{index}", role=self.resource.name, policy_arn=policy_arn)
            )
        for policy_name, document in (spec.inline_policies or {}).items():
            inline = IamRolePolicy(
                self,
                f"Inline-{policy_name}",
                name=policy_name,
                role=self.resource.id,
                policy=json.dumps(document, sort_keys=True),
            )
            self.dependables.append(inline)

    @property
    def role_arn(self) -> str:
        return self.resource.arn

    @property
    def role_name(self) -> str:
        return self.resource.name
