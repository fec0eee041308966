"""SMUS-008: no `*FullAccess` or `AdministratorAccess` managed policy is attached to anything.

AWS's FullAccess policies grant every action of a service on every resource (`AmazonSageMakerFullAccess` is the
classic mistake in Unified Studio setups); AdministratorAccess grants everything. Roles here get the scoped
`service-role/SageMakerStudio*` policies AWS documents instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc, as_list
from smus_rules.findings import finding, first_or_na
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-008"
#: Where a managed policy ARN can be attached: type -> attribute (single ARN or list of ARNs).
ATTACHMENTS = {
    "aws_iam_role_policy_attachment": "policy_arn",
    "aws_iam_user_policy_attachment": "policy_arn",
    "aws_iam_group_policy_attachment": "policy_arn",
    "aws_iam_policy_attachment": "policy_arn",
    "aws_iam_role": "managed_policy_arns",
    "aws_iam_role_policy_attachments_exclusive": "policy_arns",
    "aws_iam_user_policy_attachments_exclusive": "policy_arns",
    "aws_iam_group_policy_attachments_exclusive": "policy_arns",
    "aws_ssoadmin_managed_policy_attachment": "managed_policy_arn",
    "awscc_iam_role": "managed_policy_arns",
    "awscc_iam_user": "managed_policy_arns",
    "awscc_iam_group": "managed_policy_arns",
}


def is_forbidden(policy_arn: str) -> bool:
    name = policy_arn.rsplit("/", 1)[-1]
    return name == "AdministratorAccess" or name.endswith("FullAccess")


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    def each() -> Iterator[Finding]:
        for resource in doc.resources(*ATTACHMENTS):
            attribute = ATTACHMENTS[resource.type]
            if attribute not in resource.body:
                continue
            arns = [arn for arn in as_list(resource.body[attribute]) if isinstance(arn, str)]
            forbidden = [arn for arn in arns if is_forbidden(arn)]
            if forbidden:
                yield finding(
                    ID,
                    context,
                    resource,
                    Status.NON_COMPLIANT,
                    f"{attribute} attaches {', '.join(forbidden)}",
                    "attach the scoped service-role/SageMakerStudio* policy AWS documents for the role, or an "
                    "inline policy listing the actions and resources needed",
                )
            else:
                yield finding(ID, context, resource, Status.COMPLIANT, "no FullAccess/AdministratorAccess policy")

    yield from first_or_na(each(), ID, context, "no managed policy attachment in this stack")


RULE = Rule(
    id=ID,
    title="No *FullAccess or AdministratorAccess attachments",
    rationale=__doc__ or "",
    check=check,
    runs_on_plans=True,
)
