"""SMUS-018: no identity policy allows rewriting who may assume a role (`iam:UpdateAssumeRolePolicy`).

Re-pointing a role's trust at an outside principal hands that principal the role, whatever its boundary: an existing
execution, provisioning or manage-access role becomes anyone's. The pipeline never needs it (a trust change of a
created role is an administrator's apply), so any grant of it - by name, `iam:Update*`, `iam:*`, `*` or a NotAction
that leaves it out - fails.
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc, statement_label, statements
from smus_rules.findings import finding, first_or_na
from smus_rules.iam_actions import grants
from smus_rules.iam_documents import IDENTITY_POLICY_SOURCES, policy_documents, unreadable_policy
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-018"
TRUST_REWRITE = "iam:UpdateAssumeRolePolicy"


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    def each() -> Iterator[Finding]:
        for policy in policy_documents(doc, IDENTITY_POLICY_SOURCES):
            if policy.document is None:
                yield unreadable_policy(ID, context, policy)
                continue
            problems = [
                statement_label(index, statement)
                for index, statement in enumerate(statements(policy.document))
                if grants(statement, TRUST_REWRITE)
            ]
            if problems:
                yield finding(
                    ID,
                    context,
                    policy.resource,
                    Status.NON_COMPLIANT,
                    f"{policy.attribute}: {', '.join(problems)} grants {TRUST_REWRITE}",
                    f"remove {TRUST_REWRITE} (and wildcards covering it); deny it where a wider grant exists",
                )
            else:
                yield finding(ID, context, policy.resource, Status.COMPLIANT, f"{policy.attribute} rewrites no trust")

    yield from first_or_na(each(), ID, context, "no identity policy in this stack")


RULE = Rule(
    id=ID,
    title="No identity policy rewrites a role's trust (iam:UpdateAssumeRolePolicy)",
    rationale=__doc__ or "",
    check=check,
)
