"""SMUS-009: no identity-policy statement allows `Action: "*"`, or `Resource: "*"` without a condition.

Identity policies (inline role policies, managed policies) say what a principal may do. `Action: "*"` is
administrator access whatever the condition, so it always fails. `Resource: "*"` is accepted only with a
`Condition` that narrows it, because several actions (`kms:CreateKey`, `datazone:ListDomains`) support no resource
ARN and are scoped by condition keys instead. Policies are JSON strings in Terraform JSON and are parsed here.

Key policies, bucket policies and trust policies are not identity policies: in a key policy `Resource: "*"` means
"this key". They are checked for wildcard principals instead (SMUS-010).
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc, as_list, has_condition, is_allow, statement_label, statements
from smus_rules.findings import finding, first_or_na
from smus_rules.iam_documents import IDENTITY_POLICY_SOURCES, policy_documents, unreadable_policy
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-009"


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    def each() -> Iterator[Finding]:
        for policy in policy_documents(doc, IDENTITY_POLICY_SOURCES):
            if policy.document is None:
                yield unreadable_policy(ID, context, policy)
                continue
            problems = []
            for index, statement in enumerate(statements(policy.document)):
                if not is_allow(statement):
                    continue
                label = statement_label(index, statement)
                if "*" in as_list(statement.get("Action")):
                    problems.append(f'{label} allows Action "*"')
                if "*" in as_list(statement.get("Resource")) and not has_condition(statement):
                    problems.append(f'{label} allows Resource "*" without a Condition')
            if problems:
                yield finding(
                    ID,
                    context,
                    policy.resource,
                    Status.NON_COMPLIANT,
                    f"{policy.attribute}: {'; '.join(problems)}",
                    "list the actions needed, and name resource ARNs (or add a Condition such as "
                    "aws:ResourceTag/... or aws:RequestedRegion where the action supports no resource ARN)",
                )
            else:
                yield finding(ID, context, policy.resource, Status.COMPLIANT, f"{policy.attribute} has no wildcards")

    yield from first_or_na(each(), ID, context, "no identity policy in this stack")


RULE = Rule(
    id=ID,
    title='No identity-policy statement with Action "*" or unconditioned Resource "*"',
    rationale=__doc__ or "",
    check=check,
    runs_on_plans=True,
)
