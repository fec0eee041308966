"""SMUS-023: the state bucket names who may read it and who may administer it.

An identity policy alone decides who reads a bucket of the same account, so any principal with `s3:GetObject` and the
key's use (`kms:CreateGrant` was enough) read every state file (issue 12, finding 4). The bucket policy of the stack
that creates the state bucket (the bootstrap stack) therefore denies object reads and writes to every principal but
the named roles, and policy changes to every principal but the named administrators, both by `aws:PrincipalArn`.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from smus_rules.doc import StackDoc, as_list, statements
from smus_rules.findings import finding, first_or_na, not_applicable
from smus_rules.iam_documents import Source, policy_documents
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-023"
NEGATED = {"arnnotequals", "arnnotlike", "stringnotequals", "stringnotlike"}
BUCKET_POLICIES = (Source("aws_s3_bucket_policy", "policy"),)


def _names_principals(statement: dict[str, object]) -> bool:
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return False
    return any(
        operator.lower().removesuffix("ifexists") in NEGATED
        and isinstance(block, dict)
        and any(key.lower() == "aws:principalarn" and as_list(values) for key, values in block.items())
        for operator, block in condition.items()
    )


def _denied_to_all_but_named(document: dict[str, object], action: str) -> bool:
    for statement in statements(document):
        principal = statement.get("Principal")
        everyone = principal == "*" or (isinstance(principal, dict) and "*" in as_list(principal.get("AWS")))
        actions = [a for a in as_list(statement.get("Action")) if isinstance(a, str)]
        if (
            statement.get("Effect") == "Deny"
            and everyone
            and any(fnmatchcase(action.lower(), granted.lower()) for granted in actions)
            and _names_principals(statement)
        ):
            return True
    return False


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    if not context.local_backend_allowed:
        yield from not_applicable(ID, context, "not a bootstrap stack: it creates no state bucket")
        return

    def each() -> Iterator[Finding]:
        for bucket_policy in policy_documents(doc, BUCKET_POLICIES):
            document = bucket_policy.document or {}
            missing = [
                what
                for what, action in (
                    ("object reads", "s3:GetObject"),
                    ("object writes", "s3:PutObject"),
                    ("bucket policy changes", "s3:PutBucketPolicy"),
                )
                if not _denied_to_all_but_named(document, action)
            ]
            if missing:
                yield finding(
                    ID,
                    context,
                    bucket_policy.resource,
                    Status.NON_COMPLIANT,
                    f"the state bucket policy does not name who may do {', '.join(missing)}",
                    "deny them to Principal '*' unless aws:PrincipalArn is one of the state roles "
                    "(StateBucketProps.administrator_role_arns with [bootstrap] break_glass_role_arn)",
                )
            else:
                yield finding(
                    ID, context, bucket_policy.resource, Status.COMPLIANT, "state readers and administrators named"
                )

    yield from first_or_na(each(), ID, context, "no bucket policy in this stack")


RULE = Rule(
    id=ID,
    title="The state bucket names its readers and administrators",
    rationale=__doc__ or "",
    check=check,
)
