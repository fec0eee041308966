"""The project execution role a profile can ask for, shaped as AWS documents a Unified Studio project role.

Created per project (never shared, so one project's grants never leak into another's), under `/service-role/`, and
bounded by a permissions boundary. Its shape is the project role of aws-ia's `domain-management-and-bring-your-own-role`
example (the role DataZone and the project's tools run as):

- trust: DataZone and the services project tools run as (SageMaker, Glue, Bedrock, EventBridge Scheduler, Lake
  Formation, MWAA Serverless, Athena, Redshift, EMR Serverless), for `sts:AssumeRole`, `TagSession`, `SetContext` and
  `SetSourceIdentity`, only from this account (`aws:SourceAccount`);
- permissions: the AWS managed `SageMakerStudioUserIAMDefaultExecutionPolicy` (local-account resources, no data
  access), and `iam:PassRole` on itself only, to those services only.

Where the project can use Bedrock blueprints, its only Bedrock grant of its own is `bedrock:InvokeModel*` on the model
IDs the account approved: never `*`. The role is immutable on the project (`project_execution_role`): renaming it
replaces the project.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from constructs import Construct

from smus_constructs import patterns
from smus_constructs.errors import PropValidationError
from smus_constructs.iam import (
    DATAZONE_PRINCIPAL,
    SERVICE_ROLE_PATH,
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
#: AWS's execution policy for IAM roles used with Unified Studio (aws-ia's bring-your-own-role example attaches it).
PROJECT_EXECUTION_POLICY = "SageMakerStudioUserIAMDefaultExecutionPolicy"
#: Who may assume a project role: DataZone, and the services project tools run as.
PROJECT_ROLE_SERVICES = (
    "airflow-serverless.amazonaws.com",
    "athena.amazonaws.com",
    "bedrock.amazonaws.com",
    DATAZONE_PRINCIPAL,
    "emr-serverless.amazonaws.com",
    "glue.amazonaws.com",
    "lakeformation.amazonaws.com",
    "redshift.amazonaws.com",
    "sagemaker.amazonaws.com",
    "scheduler.amazonaws.com",
)
PROJECT_ROLE_TRUST_ACTIONS = ("sts:AssumeRole", "sts:SetContext", "sts:SetSourceIdentity", "sts:TagSession")
#: The services a project role may be passed to (aws-ia's PassRole statement): each runs project work as the role.
PASSED_TO_SERVICES = (
    "airflow-serverless.amazonaws.com",
    "bedrock.amazonaws.com",
    "elasticmapreduce.amazonaws.com",
    "emr-serverless.amazonaws.com",
    "glue.amazonaws.com",
    "lakeformation.amazonaws.com",
    "redshift.amazonaws.com",
    "sagemaker.amazonaws.com",
    "scheduler.amazonaws.com",
)


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
            "Principal": {"Service": list(PROJECT_ROLE_SERVICES)},
            "Action": list(PROJECT_ROLE_TRUST_ACTIONS),
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        }
    )


def pass_own_role_statement(role_arn: str) -> Statement:
    """The project's services may be handed the role itself, and nothing else (no other role, no other service)."""
    return {
        "Sid": "PassOwnRoleToProjectServices",
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": role_arn,
        "Condition": {"StringEquals": {"iam:PassedToService": list(PASSED_TO_SERVICES)}},
    }


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
        name = role_name(name_prefix, project_name)
        # Written out rather than referenced: the role's own ARN is known before it exists, and a literal keeps the
        # policy readable in review and to the rule pack.
        own_arn = f"arn:{partition}:iam::{account_id}:role{SERVICE_ROLE_PATH}{name}"
        inline = {"PassOwnRoleToProjectServices": policy_document(pass_own_role_statement(own_arn))}
        if bedrock_model_ids:
            inline["BedrockApprovedModels"] = policy_document(
                bedrock_invoke_statement(partition, region, account_id, bedrock_model_ids)
            )
        self.role = ServiceRole(
            self,
            "Role",
            RoleSpec(
                name=name,
                description=f"Unified Studio project execution role for {project_name}",
                trust=project_role_trust(account_id),
                managed_policy_arns=[managed_policy_arn(partition, PROJECT_EXECUTION_POLICY)],
                inline_policies=inline,
                permissions_boundary_arn=permissions_boundary_arn or managed_policy_arn(partition, PROJECT_BOUNDARY),
            ),
            tags=tags,
        )

    @property
    def role_arn(self) -> str:
        return self.role.role_arn
