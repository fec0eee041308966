"""SMUS-020: in a protected account no identity policy allows `datazone:DeleteDomain`.

`prevent_destroy` and `smus guard` stop Terraform from deleting a protected domain, but not the credentials Terraform
runs with: a deploy role holding `datazone:DeleteDomain` can call it directly, and deleting the domain deletes every
project in it. Any grant of it - by name, `datazone:Delete*`, `datazone:*`, `*` or a NotAction - fails in a protected
account; the deploy role there also denies it explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc, statement_label, statements
from smus_rules.findings import finding, first_or_na, not_applicable
from smus_rules.iam_actions import grants
from smus_rules.iam_documents import IDENTITY_POLICY_SOURCES, policy_documents, unreadable_policy
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-020"
DELETE_DOMAIN = "datazone:DeleteDomain"


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    if not context.protected:
        yield from not_applicable(ID, context, "the account is not protected")
        return

    def each() -> Iterator[Finding]:
        for policy in policy_documents(doc, IDENTITY_POLICY_SOURCES):
            if policy.document is None:
                yield unreadable_policy(ID, context, policy)
                continue
            problems = [
                statement_label(index, statement)
                for index, statement in enumerate(statements(policy.document))
                if grants(statement, DELETE_DOMAIN)
            ]
            if problems:
                yield finding(
                    ID,
                    context,
                    policy.resource,
                    Status.NON_COMPLIANT,
                    f"{policy.attribute}: {', '.join(problems)} grants {DELETE_DOMAIN} in a protected account",
                    f"remove {DELETE_DOMAIN} (and wildcards covering it); deleting a protected domain is an "
                    "administrator's act outside the pipeline",
                )
            else:
                yield finding(ID, context, policy.resource, Status.COMPLIANT, f"{policy.attribute} deletes no domain")

    yield from first_or_na(each(), ID, context, "no identity policy in this stack")


RULE = Rule(
    id=ID,
    title="No identity policy in a protected account deletes the domain",
    rationale=__doc__ or "",
    check=check,
    runs_on_plans=True,
)
