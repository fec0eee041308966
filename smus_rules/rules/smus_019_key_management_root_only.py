"""SMUS-019: no key policy gives a non-root principal PutKeyPolicy, DisableKey or ScheduleKeyDeletion.

A key-policy grant needs no IAM permission. A non-root principal with `kms:PutKeyPolicy` can rewrite the policy (with
`BypassPolicyLockoutSafetyCheck`) and lock everyone else out, then `DisableKey` or `ScheduleKeyDeletion` makes the
domain or the state unreadable, past `prevent_destroy` and `smus guard`. The root principal keeps administration
(delegated to IAM, where SCPs apply); any other principal, wildcard or service with these actions fails.
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc, statement_label, statements
from smus_rules.findings import finding, first_or_na
from smus_rules.iam_actions import ROOT_PRINCIPAL, granted
from smus_rules.iam_documents import Source, policy_documents, principal_values, unreadable_policy
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-019"
KEY_POLICY_SOURCES = (
    Source("aws_kms_key", "policy"),
    Source("aws_kms_key_policy", "policy"),
    Source("awscc_kms_key", "key_policy"),
)
KEY_TAKEOVER_ACTIONS = ("kms:DisableKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion")


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    def each() -> Iterator[Finding]:
        for policy in policy_documents(doc, KEY_POLICY_SOURCES):
            if policy.document is None:
                yield unreadable_policy(ID, context, policy)
                continue
            problems = []
            for index, statement in enumerate(statements(policy.document)):
                actions = granted(statement, KEY_TAKEOVER_ACTIONS)
                others = [p for p in principal_values(statement) if not ROOT_PRINCIPAL.match(p)]
                if "NotPrincipal" in statement:
                    others.append("NotPrincipal")
                if actions and others:
                    problems.append(
                        f"{statement_label(index, statement)} gives {', '.join(others)} {', '.join(actions)}"
                    )
            if problems:
                yield finding(
                    ID,
                    context,
                    policy.resource,
                    Status.NON_COMPLIANT,
                    f"{policy.attribute}: {'; '.join(problems)}",
                    "keep key administration with the account root (arn:<partition>:iam::<account>:root) and list "
                    "other principals' actions without PutKeyPolicy, DisableKey or ScheduleKeyDeletion",
                )
            else:
                yield finding(ID, context, policy.resource, Status.COMPLIANT, f"{policy.attribute}: root administers")

    yield from first_or_na(each(), ID, context, "no key policy in this stack")


RULE = Rule(
    id=ID,
    title="Only the account root may put a key policy, disable a key or schedule its deletion",
    rationale=__doc__ or "",
    check=check,
    runs_on_plans=True,
)
