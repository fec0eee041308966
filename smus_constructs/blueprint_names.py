"""The closed set of managed blueprint names a Unified Studio domain offers.

Free strings would let a typo ("Datalake") reach `apply`, where it fails after minutes with an unhelpful API error.
The list is the managed set from ../shared/FACTS.md plus `LakehouseAdmin`, which aws-ia's module (v0.2.1,
modules/blueprint/variables.tf) names among the blueprints without regional parameters; extend it here when AWS
adds a blueprint (`aws datazone list-environment-blueprints --managed` lists a domain's).
"""

from __future__ import annotations

from enum import StrEnum


class BlueprintName(StrEnum):
    """A managed environment blueprint, by the name the `aws_datazone_environment_blueprint` data source takes."""

    TOOLING = "Tooling"
    TOOLING_LITE = "ToolingLite"
    DATA_LAKE = "DataLake"
    LAKEHOUSE_CATALOG = "LakehouseCatalog"
    LAKEHOUSE_ADMIN = "LakehouseAdmin"
    REDSHIFT_SERVERLESS = "RedshiftServerless"
    EMR_SERVERLESS = "EmrServerless"
    EMR_ON_EC2 = "EmrOnEc2"
    EMR_ON_EKS = "EmrOnEks"
    ML_EXPERIMENTS = "MLExperiments"
    MLFLOW_APP = "MLflowApp"
    WORKFLOWS = "Workflows"
    QUICKSIGHT = "QuickSight"
    PARTNER_APPS = "PartnerApps"
    S3_BUCKET = "S3Bucket"
    S3_TABLE_CATALOG = "S3TableCatalog"
    BEDROCK_CHAT_AGENT = "AmazonBedrockChatAgent"
    BEDROCK_EVALUATION = "AmazonBedrockEvaluation"
    BEDROCK_FLOW = "AmazonBedrockFlow"
    BEDROCK_FUNCTION = "AmazonBedrockFunction"
    BEDROCK_GUARDRAIL = "AmazonBedrockGuardrail"
    BEDROCK_KNOWLEDGE_BASE = "AmazonBedrockKnowledgeBase"
    BEDROCK_PROMPT = "AmazonBedrockPrompt"


BEDROCK_BLUEPRINTS = frozenset(name for name in BlueprintName if name.value.startswith("AmazonBedrock"))

# Tooling (or ToolingLite) provisions the project's own roles and space; a profile without one cannot create projects.
TOOLING_BLUEPRINTS = frozenset({BlueprintName.TOOLING, BlueprintName.TOOLING_LITE})

# Blueprints whose environments provision into a VPC: each needs S3Location, VpcId and Subnets in every region it is
# enabled in (the regional parameters aws-ia's quick-setup gives them; Bedrock, QuickSight and the S3 blueprints
# take none).
VPC_BLUEPRINTS = frozenset(
    {
        BlueprintName.TOOLING,
        BlueprintName.DATA_LAKE,
        BlueprintName.LAKEHOUSE_CATALOG,
        BlueprintName.REDSHIFT_SERVERLESS,
        BlueprintName.EMR_SERVERLESS,
        BlueprintName.EMR_ON_EC2,
        BlueprintName.ML_EXPERIMENTS,
        BlueprintName.WORKFLOWS,
    }
)


def accepted_names() -> str:
    """The accepted names, comma-separated, for error messages."""
    return ", ".join(name.value for name in BlueprintName)


def parse_blueprint_name(value: str | BlueprintName) -> BlueprintName:
    """Turn a name into a :class:`BlueprintName`, or raise a ``ValueError`` listing every accepted name."""
    if isinstance(value, BlueprintName):
        return value
    try:
        return BlueprintName(value)
    except ValueError:
        raise ValueError(f"unknown blueprint {value!r}; accepted: {accepted_names()}") from None
