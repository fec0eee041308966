"""The names of the roles the estate creates, as plain functions: the constructs name their roles with them, and the
config loader and the bootstrap stack predict them from an account file without loading cdktn.

The bootstrap stack's deploy role may write exactly these roles (under `/service-role/`), so a construct that named a
role any other way would create one the deploy role cannot manage; a test compares the prediction with synth.
"""

from __future__ import annotations

import re

#: The AWS managed boundary a project role carries when the account names none (FACTS.md, "IAM as AWS documents it").
PROJECT_BOUNDARY = "SageMakerStudioProjectUserRolePermissionsBoundary"


#: Where every created role lives (smus_constructs.iam.ServiceRole).
SERVICE_ROLE_PATH = "/service-role/"
#: The Tooling blueprint's global parameter naming the query execution role.
QUERY_ROLE_PARAMETER = "sagemakerQueryExecutionRoleArn"


def domain_execution_role_name(prefix: str) -> str:
    return f"{prefix}-domain-execution"


def domain_service_role_name(prefix: str) -> str:
    return f"{prefix}-domain-service"


def provisioning_role_name(prefix: str) -> str:
    return f"{prefix}-provisioning"


def manage_access_role_name(prefix: str) -> str:
    return f"{prefix}-manage-access"


def query_execution_role_name(prefix: str) -> str:
    return f"{prefix}-query-execution"


def project_execution_role_name(prefix: str, project_name: str) -> str:
    """An IAM role name (64 characters of [\\w+=,.@-]) from the domain prefix and project name."""
    name = re.sub(r"[^\w+=,.@-]", "-", f"{prefix}-{project_name}-exec")
    return name[:64]
