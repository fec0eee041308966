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
IDs the account approved: never `*`. An approved cross-region inference profile brings its foundation model only in
the profile's destination regions and only through that profile (`bedrock:InferenceProfileArn`), so Bedrock never
leaves the approved geography. The role is immutable on the project (`project_execution_role`): renaming it replaces
the project.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

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
from smus_constructs.regions import PARTITION_REGIONS
from smus_constructs.role_names import PROJECT_BOUNDARY, SERVICE_ROLE_PATH, project_execution_role_name

# Foundation model IDs ("anthropic.claude-3-5-sonnet-20240620-v1:0") and cross-region inference profile IDs
# ("eu.anthropic.claude-3-7-sonnet-20250219-v1:0").
MODEL_ID = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:[a-z0-9-]+)*$")
BEDROCK_INVOKE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
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


#: Where a cross-region inference profile can route, by its prefix: the regions of its geography (a superset of any
#: one profile's destination regions; AWS lists each profile's on the model's page). A global profile routes to every
#: commercial region, so its foundation model is granted in every region, still only through that profile.
PROFILE_GEOGRAPHIES: dict[str, Callable[[str], bool]] = {
    "us.": lambda region: region.startswith("us-") and not region.startswith("us-gov-"),
    "us-gov.": lambda region: region.startswith("us-gov-"),
    "eu.": lambda region: region.startswith("eu-"),
    "apac.": lambda region: region.startswith("ap-"),
    "jp.": lambda region: region in ("ap-northeast-1", "ap-northeast-3"),
    "au.": lambda region: region in ("ap-southeast-2", "ap-southeast-4"),
    "ca.": lambda region: region.startswith("ca-"),
}
GLOBAL_PREFIX = "global."
INFERENCE_PROFILE_PREFIXES = (*PROFILE_GEOGRAPHIES, GLOBAL_PREFIX)


def profile_prefix(model_id: str) -> str | None:
    """The inference profile prefix of ``model_id`` ("eu."), None for a foundation model ID."""
    # Longest first: "us-gov." before "us.".
    return next((p for p in sorted(INFERENCE_PROFILE_PREFIXES, key=len, reverse=True) if model_id.startswith(p)), None)


def destination_regions(partition: str, prefix: str) -> list[str]:
    """The regions a profile of ``prefix`` may route to, in the partition (``["*"]`` for a global profile)."""
    if prefix == GLOBAL_PREFIX:
        return ["*"]
    return sorted(region for region in PARTITION_REGIONS.get(partition, ()) if PROFILE_GEOGRAPHIES[prefix](region))


def bedrock_model_arns(partition: str, region: str, account_id: str, model_ids: Sequence[str]) -> list[str]:
    """What a project invokes by name: foundation models in its own region, and the approved inference profiles."""
    arns = set()
    for model_id in model_ids:
        if profile_prefix(model_id) is None:
            arns.add(f"arn:{partition}:bedrock:{region}::foundation-model/{model_id}")
        else:
            arns.add(f"arn:{partition}:bedrock:{region}:{account_id}:inference-profile/{model_id}")
    return sorted(arns)


def bedrock_invoke_statements(
    partition: str, region: str, account_id: str, model_ids: Sequence[str]
) -> list[Statement]:
    """Invoke on the approved models, and each profile's foundation model only through that profile.

    A cross-region inference profile needs its foundation model allowed in every region it routes to. Granting that
    model everywhere (`bedrock:*::`) would let a project call it directly in any region, outside the approved
    geography; so it is granted only in the profile's destination regions, and only when the call comes through the
    approved profile (`bedrock:InferenceProfileArn`).
    """
    statements: list[Statement] = [
        {
            "Sid": "InvokeApprovedBedrockModels",
            "Effect": "Allow",
            "Action": BEDROCK_INVOKE_ACTIONS,
            "Resource": bedrock_model_arns(partition, region, account_id, model_ids),
        }
    ]
    for index, model_id in enumerate(sorted(set(model_ids))):
        prefix = profile_prefix(model_id)
        if prefix is None:
            continue
        foundation_model = model_id.removeprefix(prefix)
        statements.append(
            {
                "Sid": f"InvokeThroughApprovedProfile{index}",
                "Effect": "Allow",
                "Action": BEDROCK_INVOKE_ACTIONS,
                "Resource": [
                    f"arn:{partition}:bedrock:{destination}::foundation-model/{foundation_model}"
                    for destination in destination_regions(partition, prefix)
                ],
                "Condition": {
                    "ArnEquals": {
                        "bedrock:InferenceProfileArn": (
                            f"arn:{partition}:bedrock:{region}:{account_id}:inference-profile/{model_id}"
                        )
                    }
                },
            }
        )
    return statements


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


#: Kept under its first name: the project role's name (smus_constructs.role_names has every created role's).
role_name = project_execution_role_name


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
                *bedrock_invoke_statements(partition, region, account_id, bedrock_model_ids)
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
