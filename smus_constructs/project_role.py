"""The project execution role a profile can ask for, with Bedrock access scoped to approved models.

Created per project (never shared, so one project's grants never leak into another's), under `/service-role/`,
trusted only by DataZone from this account, and bounded by a permissions boundary. Where the project can use Bedrock
blueprints, its only Bedrock permission is `bedrock:InvokeModel*` on the model IDs the account approved: never `*`.
The role is immutable on the project (`project_execution_role`): renaming it replaces the project.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from constructs import Construct

from smus_constructs import patterns
from smus_constructs.errors import PropValidationError
from smus_constructs.iam import (
    DATAZONE_PRINCIPAL,
    PolicyDocument,
    RoleSpec,
    ServiceRole,
    Statement,
    managed_policy_arn,
    policy_document,
)

# Foundation model IDs ("anthropic.claude-3-5-sonnet-20240620-v1:0") and cross-region inference profile IDs
# ("eu.anthropic.claude-3-7-sonnet-20250219-v1:0").
MODEL_ID = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:[a-z0-9-]+)*$")
INFERENCE_PROFILE_PREFIXES = ("us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca.")
BEDROCK_INVOKE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
PROJECT_BOUNDARY = "SageMakerStudioProjectUserRolePermissionsBoundary"


def bedrock_model_arns(partition: str, region: str, account_id: str, model_ids: Sequence[str]) -> list[str]:
    """ARNs for approved models. An inference profile also needs its foundation model in every region it routes to."""
    arns: set[str] = set()
    for model_id in model_ids:
        prefix = next((p for p in INFERENCE_PROFILE_PREFIXES if model_id.startswith(p)), None)
        if prefix is None:
            arns.add(f"arn:{partition}:bedrock:{region}::foundation-model/{model_id}")
        else:
            arns.add(f"arn:{partition}:bedrock:{region}:{account_id}:inference-profile/{model_id}")
            arns.add(f"arn:{partition}:bedrock:*::foundation-model/{model_id.removeprefix(prefix)}")
    return sorted(arns)


def bedrock_invoke_statement(partition: str, region: str, account_id: str, model_ids: Sequence[str]) -> Statement:
    return {
        "Sid": "InvokeApprovedBedrockModels",
        "Effect": "Allow",
        "Action": BEDROCK_INVOKE_ACTIONS,
        "Resource": bedrock_model_arns(partition, region, account_id, model_ids),
    }


def project_role_trust(account_id: str) -> PolicyDocument:
    return policy_document(
        {
            "Effect": "Allow",
            "Principal": {"Service": DATAZONE_PRINCIPAL},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        }
    )


def role_name(prefix: str, project_name: str) -> str:
    """An IAM role name (64 characters of [\\w+=,.@-]) from the domain prefix and project name."""
    name = re.sub(r"[^\w+=,.@-]", "-", f"{prefix}-{project_name}-exec")
    return name[:64]


class ProjectExecutionRole(Construct):
    """A project's own execution role. ``bedrock_model_ids`` non-empty adds the scoped invoke statement."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name_prefix: str,
        project_name: str,
        partition: str,
        region: str,
        account_id: str,
        bedrock_model_ids: Sequence[str] = (),
        permissions_boundary_arn: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(scope, id)
        for model_id in bedrock_model_ids:
            if not MODEL_ID.match(model_id):
                raise PropValidationError(
                    self.node.path,
                    "bedrock_model_ids",
                    model_id,
                    "a Bedrock model or inference profile ID such as 'anthropic.claude-3-5-sonnet-20240620-v1:0'",
                )
        if permissions_boundary_arn is not None:
            patterns.check(
                patterns.POLICY_ARN, permissions_boundary_arn, path=self.node.path, prop="permissions_boundary_arn"
            )
        inline = (
            {
                "BedrockApprovedModels": policy_document(
                    bedrock_invoke_statement(partition, region, account_id, bedrock_model_ids)
                )
            }
            if bedrock_model_ids
            else None
        )
        self.role = ServiceRole(
            self,
            "Role",
            RoleSpec(
                name=role_name(name_prefix, project_name),
                description=f"Unified Studio project execution role for {project_name}",
                trust=project_role_trust(account_id),
                managed_policy_arns=[],
                inline_policies=inline,
                permissions_boundary_arn=permissions_boundary_arn or managed_policy_arn(partition, PROJECT_BOUNDARY),
            ),
            tags=tags,
        )

    @property
    def role_arn(self) -> str:
        return self.role.role_arn
