"""The closed set of service-linked roles Unified Studio project tooling may need, and the service each belongs to.

Kept apart from the construct (service_linked_roles.py) so the config loader can check names without loading cdktn.
The mapping was checked against the role paths in AWS's own managed policy for blueprint provisioning, which names
each role as ``role/aws-service-role/<service>/<role name>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class ServiceLinkedRoleName(StrEnum):
    """A service-linked role, by the name IAM gives it."""

    SAGEMAKER_NOTEBOOKS = "AWSServiceRoleForAmazonSageMakerNotebooks"
    REDSHIFT = "AWSServiceRoleForRedshift"
    EMR_SERVERLESS = "AWSServiceRoleForAmazonEMRServerless"
    MWAA = "AWSServiceRoleForAmazonMWAA"
    EMR_CLEANUP = "AWSServiceRoleForEMRCleanup"
    OPENSEARCH_SERVERLESS = "AWSServiceRoleForAmazonOpenSearchServerless"


#: Role name -> the `aws_service_name` IAM links it to (the path segment after `aws-service-role/`).
SERVICE_PRINCIPALS: Mapping[ServiceLinkedRoleName, str] = {
    ServiceLinkedRoleName.SAGEMAKER_NOTEBOOKS: "sagemaker.amazonaws.com",
    ServiceLinkedRoleName.REDSHIFT: "redshift.amazonaws.com",
    ServiceLinkedRoleName.EMR_SERVERLESS: "ops.emr-serverless.amazonaws.com",
    ServiceLinkedRoleName.MWAA: "airflow.amazonaws.com",
    ServiceLinkedRoleName.EMR_CLEANUP: "elasticmapreduce.amazonaws.com",
    ServiceLinkedRoleName.OPENSEARCH_SERVERLESS: "observability.aoss.amazonaws.com",
}


def service_linked_role_arn(partition: str, account_id: str, name: ServiceLinkedRoleName) -> str:
    """Where IAM puts the role: ``arn:<partition>:iam::<account>:role/aws-service-role/<service>/<name>``."""
    return f"arn:{partition}:iam::{account_id}:role/aws-service-role/{SERVICE_PRINCIPALS[name]}/{name.value}"
