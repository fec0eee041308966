"""SMUS-010: no resource policy (key, bucket, trust policy) allows a wildcard principal without a condition.

This is how key policies are treated: `Resource: "*"` in a key policy means "this key" and is how AWS documents
every key policy, so it is not a finding; what matters is *who* the policy lets in. An `Allow` with `Principal: "*"`
(or `{"AWS": "*"}`) and no `Condition` opens the key, bucket or role to every AWS account. `Deny` statements with a
wildcard principal (the state bucket's TLS and account guards) are what hardening looks like and pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc, has_condition, is_allow, statement_label, statements
from smus_rules.findings import finding, first_or_na
from smus_rules.iam_documents import RESOURCE_POLICY_SOURCES, policy_documents, principal_values, unreadable_policy
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-010"


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    def each() -> Iterator[Finding]:
        for policy in policy_documents(doc, RESOURCE_POLICY_SOURCES):
            if policy.document is None:
                yield unreadable_policy(ID, context, policy)
                continue
            problems = [
                f'{statement_label(index, statement)} allows Principal "*" without a Condition'
                for index, statement in enumerate(statements(policy.document))
                if is_allow(statement) and "*" in principal_values(statement) and not has_condition(statement)
            ]
            if problems:
                yield finding(
                    ID,
                    context,
                    policy.resource,
                    Status.NON_COMPLIANT,
                    f"{policy.attribute}: {'; '.join(problems)}",
                    "name the principals (account root, role ARNs, service), or add a Condition such as "
                    "aws:PrincipalAccount / aws:SourceAccount that limits who matches",
                )
            else:
                yield finding(
                    ID, context, policy.resource, Status.COMPLIANT, f"{policy.attribute} names its principals"
                )

    yield from first_or_na(each(), ID, context, "no resource or trust policy in this stack")


RULE = Rule(
    id=ID,
    title="No wildcard principal in key, bucket or trust policies without a condition",
    rationale=__doc__ or "",
    check=check,
    runs_on_plans=True,
)
