"""SMUS-027: a bucket policy the pipeline writes only denies.

A platform stack that creates its Tooling bucket writes the bucket's TLS-only policy, so the deploy role holds
`s3:PutBucketPolicy` on that bucket (`smus_constructs/tooling_bucket_actions.py`). parliament and cloudsplaining
rightly flag it: with that action, a change to any stack the deploy role applies could hand the projects' files to
another principal through the bucket policy, and no identity policy of the estate would show it. The analysers'
findings are accepted only on this rule's terms: every bucket policy in a stack the deploy role applies (every stack
but bootstrap) has `Deny` statements only. Deny statements can only narrow who reaches the bucket; access is granted
by identity policies, which the other rules read. The bootstrap stack is exempt: an administrator applies it, and its
state bucket policy is held by SMUS-023. A policy that is not a readable JSON document fails, because the rule cannot
vouch for it. Synth and plan.
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc, is_allow, statement_label, statements
from smus_rules.findings import finding, first_or_na, not_applicable
from smus_rules.iam_documents import Source, policy_documents, unreadable_policy
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-027"
#: Where a bucket policy lives in Terraform JSON: the policy resources of both providers, and the aws provider's
#: inline `policy` on the bucket (deprecated, but still accepted, so it must not be a way around this rule).
BUCKET_POLICY_SOURCES = (
    Source("aws_s3_bucket_policy", "policy"),
    Source("awscc_s3_bucket_policy", "policy_document"),
    Source("aws_s3_bucket", "policy"),
)


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    if context.local_backend_allowed:
        yield from not_applicable(ID, context, "a bootstrap stack: an administrator applies it (SMUS-023)")
        return

    def each() -> Iterator[Finding]:
        for policy in policy_documents(doc, BUCKET_POLICY_SOURCES):
            if policy.raw in (None, ""):
                continue
            if policy.document is None:
                yield unreadable_policy(ID, context, policy)
                continue
            allows = [
                statement_label(index, statement)
                for index, statement in enumerate(statements(policy.document))
                if is_allow(statement)
            ]
            if allows:
                yield finding(
                    ID,
                    context,
                    policy.resource,
                    Status.NON_COMPLIANT,
                    f"{policy.attribute}: {', '.join(allows)} is not a Deny: the deploy role writes this bucket "
                    "policy, so it may only narrow who reaches the bucket",
                    "grant access with an identity policy, or hand the bucket in (the account's Tooling "
                    "s3_location) and keep its policy outside the pipeline",
                )
            else:
                yield finding(ID, context, policy.resource, Status.COMPLIANT, f"{policy.attribute} only denies")

    yield from first_or_na(each(), ID, context, "no bucket policy in this stack")


RULE = Rule(
    id=ID,
    title="Bucket policies the pipeline writes only deny",
    rationale=__doc__ or "",
    check=check,
    runs_on_plans=True,
)
