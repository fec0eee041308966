"""SMUS-011: every trust in a service principal is limited with `aws:SourceAccount`.

A role that trusts `datazone.amazonaws.com` without `aws:SourceAccount` can be assumed by the DataZone service on
behalf of any account's domain: the confused-deputy problem. AWS's Unified Studio guide puts the condition on every
role it documents.
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc, as_list, is_allow, statement_label, statements
from smus_rules.findings import finding, first_or_na
from smus_rules.iam_documents import TRUST_POLICY_SOURCES, policy_documents
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-011"


def condition_keys(statement: dict[str, object]) -> set[str]:
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return set()
    return {key.lower() for block in condition.values() if isinstance(block, dict) for key in block}


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    def each() -> Iterator[Finding]:
        for policy in policy_documents(doc, TRUST_POLICY_SOURCES):
            if policy.document is None:
                continue  # unreadable trust policies fail SMUS-010
            service_statements = [
                (index, statement)
                for index, statement in enumerate(statements(policy.document))
                if is_allow(statement)
                and isinstance(statement.get("Principal"), dict)
                and as_list(statement["Principal"].get("Service"))
            ]
            if not service_statements:
                continue
            missing = [
                statement_label(index, statement)
                for index, statement in service_statements
                if "aws:sourceaccount" not in condition_keys(statement)
            ]
            if missing:
                yield finding(
                    ID,
                    context,
                    policy.resource,
                    Status.NON_COMPLIANT,
                    f"trust in a service principal without aws:SourceAccount: {', '.join(missing)}",
                    'add "Condition": {"StringEquals": {"aws:SourceAccount": "<this account>"}} '
                    "(smus_constructs.iam.datazone_service_trust does)",
                )
            else:
                yield finding(
                    ID, context, policy.resource, Status.COMPLIANT, "service trust limited by aws:SourceAccount"
                )

    yield from first_or_na(each(), ID, context, "no role trusts a service principal in this stack")


RULE = Rule(
    id=ID,
    title="Service-principal trusts carry aws:SourceAccount",
    rationale=__doc__ or "",
    check=check,
    runs_on_plans=True,
)
