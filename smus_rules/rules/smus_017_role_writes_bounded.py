"""SMUS-017: every identity-policy grant that changes what a role may do requires the permissions boundary.

`iam:CreateRole`, `PutRolePolicy`, `AttachRolePolicy`, `DeleteRolePolicy`, `DetachRolePolicy` and
`PutRolePermissionsBoundary` are how a principal makes a role, then itself, admin: create a role with an inline
`"Action": "*"` and a trust naming someone outside, or widen an existing one. The Service Authorization Reference lists
the `iam:PermissionsBoundary` condition key for exactly these actions; required, it caps every role written at the
boundary. The only other accepted form is a grant on exact role ARNs (no wildcard) in a policy whose resource records
why those roles need no boundary: the `//` comment `unbounded_roles_reason`, which the bootstrap stack writes from
`domain.no_permissions_boundary_reason`.
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc, as_list, statement_label, statements
from smus_rules.findings import finding, first_or_na
from smus_rules.iam_actions import condition_keys, granted
from smus_rules.iam_documents import IDENTITY_POLICY_SOURCES, policy_documents, unreadable_policy
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-017"
ROLE_WRITE_ACTIONS = (
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
)
BOUNDARY_KEY = "iam:permissionsboundary"


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    def each() -> Iterator[Finding]:
        for policy in policy_documents(doc, IDENTITY_POLICY_SOURCES):
            if policy.document is None:
                yield unreadable_policy(ID, context, policy)
                continue
            reason = policy.resource.comment("unbounded_roles_reason")
            problems, writes = [], False
            for index, statement in enumerate(statements(policy.document)):
                actions = granted(statement, ROLE_WRITE_ACTIONS)
                if not actions:
                    continue
                writes = True
                if BOUNDARY_KEY in condition_keys(statement):
                    continue
                resources = as_list(statement.get("Resource"))
                exact = bool(resources) and all(isinstance(r, str) and "*" not in r for r in resources)
                if exact and isinstance(reason, str) and reason.strip():
                    continue
                problems.append(f"{statement_label(index, statement)} grants {', '.join(actions)} without the boundary")
            if problems:
                yield finding(
                    ID,
                    context,
                    policy.resource,
                    Status.NON_COMPLIANT,
                    f"{policy.attribute}: {'; '.join(problems)}",
                    "condition every role write on the boundary (ArnEquals iam:PermissionsBoundary), or grant the "
                    "exact roles whose file states domain.no_permissions_boundary_reason",
                )
            elif writes:
                yield finding(
                    ID, context, policy.resource, Status.COMPLIANT, f"{policy.attribute}: role writes bounded"
                )

    yield from first_or_na(each(), ID, context, "no identity policy in this stack writes roles")


RULE = Rule(
    id=ID,
    title="Every role-writing grant requires the permissions boundary",
    rationale=__doc__ or "",
    check=check,
)
