"""Where policy documents live in Terraform JSON, by the kind of policy, so IAM rules read them all the same way.

The constructs write policies as JSON strings (`json.dumps`), which is exactly where checkov stops looking; these
rules parse them. Identity policies (what a principal may do) and resource policies (who may use a resource: key,
bucket and trust policies) are kept apart because `Resource: "*"` means different things in them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from smus_rules.doc import JSON, Resource, StackDoc, as_list, parse_policy
from smus_rules.findings import finding
from smus_rules.model import Finding, RuleContext, Status


@dataclass(frozen=True)
class Source:
    """A policy attribute: ``attribute`` of ``type``, or of each element of the block list ``within``."""

    type: str
    attribute: str
    within: str | None = None


IDENTITY_POLICY_SOURCES = (
    Source("aws_iam_policy", "policy"),
    Source("aws_iam_role_policy", "policy"),
    Source("aws_iam_user_policy", "policy"),
    Source("aws_iam_group_policy", "policy"),
    Source("aws_iam_role", "policy", within="inline_policy"),
    Source("aws_ssoadmin_permission_set_inline_policy", "inline_policy"),
    Source("awscc_iam_managed_policy", "policy_document"),
    Source("awscc_iam_role_policy", "policy_document"),
    Source("awscc_iam_user_policy", "policy_document"),
    Source("awscc_iam_group_policy", "policy_document"),
    Source("awscc_iam_role", "policy_document", within="policies"),
)
TRUST_POLICY_SOURCES = (
    Source("aws_iam_role", "assume_role_policy"),
    Source("awscc_iam_role", "assume_role_policy_document"),
)
#: Resource policies, where `Resource: "*"` means "this key/bucket/queue" and the risk is a wildcard principal.
RESOURCE_POLICY_SOURCES = (
    *TRUST_POLICY_SOURCES,
    Source("aws_kms_key", "policy"),
    Source("aws_kms_key_policy", "policy"),
    Source("awscc_kms_key", "key_policy"),
    Source("aws_s3_bucket_policy", "policy"),
    Source("awscc_s3_bucket_policy", "policy_document"),
    Source("aws_sqs_queue_policy", "policy"),
    Source("aws_sns_topic_policy", "policy"),
    Source("aws_secretsmanager_secret_policy", "policy"),
    Source("aws_ecr_repository_policy", "policy"),
)


@dataclass(frozen=True)
class PolicyDocument:
    """One policy attribute of one resource: where it is, its raw value, and the parsed document (None: unreadable)."""

    resource: Resource
    attribute: str
    raw: Any
    document: JSON | None


def policy_documents(doc: StackDoc, sources: tuple[Source, ...]) -> Iterator[PolicyDocument]:
    """Every policy document found at ``sources``, in address order."""
    by_type: dict[str, list[Source]] = {}
    for source in sources:
        by_type.setdefault(source.type, []).append(source)
    for resource in doc.resources(*by_type):
        for source in by_type[resource.type]:
            if source.within is None:
                if source.attribute in resource.body:
                    raw = resource.body[source.attribute]
                    yield PolicyDocument(resource, source.attribute, raw, parse_policy(raw))
                continue
            for index, block in enumerate(as_list(resource.body.get(source.within))):
                if isinstance(block, dict) and source.attribute in block:
                    raw = block[source.attribute]
                    label = f"{source.within}[{index}].{source.attribute}"
                    yield PolicyDocument(resource, label, raw, parse_policy(raw))


def principal_values(statement: JSON) -> list[str]:
    """Every principal string of a statement: `"*"`, or the values of `{"AWS": ..., "Service": ..., ...}`."""
    principal = statement.get("Principal")
    if isinstance(principal, str):
        return [principal]
    if isinstance(principal, dict):
        return [value for values in principal.values() for value in as_list(values) if isinstance(value, str)]
    return []


def unreadable_policy(rule_id: str, context: RuleContext, policy: PolicyDocument) -> Finding:
    """The finding for a policy that is not a JSON document: a rule cannot vouch for what it cannot read."""
    return finding(
        rule_id,
        context,
        policy.resource,
        Status.NON_COMPLIANT,
        f"{policy.attribute} is not a JSON policy document, so it cannot be checked",
        "write the policy as a JSON document (json.dumps of a dict), as the constructs do",
    )
