"""SMUS-025: a service control policy can never lock out the pipeline that deploys the estate (or break-glass).

An SCP binds every principal of the accounts it is attached to, the deploy role included; a Deny that forgot the
deploy role stops every apply in production, and only the management account can undo it. So every statement of
every SCP in the stack must be a Deny whose condition exempts each pipeline role (the protected accounts' deploy
roles and their break-glass roles, from the rule context) by `aws:PrincipalArn` with `ArnNotLike`, `ArnNotEquals`,
`StringNotLike` or `StringNotEquals`. Conditions are ANDed, so one exempting operator spares the role whatever else
the statement says. An Allow statement fails too: in an SCP an Allow is an allow-list, which denies everything it
does not name, the pipeline's own actions included.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from smus_rules.doc import StackDoc, parse_policy, statement_label, statements
from smus_rules.findings import finding, first_or_na
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-025"
SCP_TYPE = "SERVICE_CONTROL_POLICY"
#: Operators whose match makes the Deny *not* apply: a principal listed under them is exempt.
LIKE_OPERATORS = ("ArnNotLike", "StringNotLike")
EQUALS_OPERATORS = ("ArnNotEquals", "StringNotEquals")
PRINCIPAL_ARN = "aws:principalarn"


def exempt_values(statement: dict[str, Any]) -> list[tuple[bool, str]]:
    """(is a wildcard pattern, value) for each principal the statement's condition exempts by aws:PrincipalArn."""
    condition = statement.get("Condition")
    found: list[tuple[bool, str]] = []
    if not isinstance(condition, dict):
        return found
    for operator, block in condition.items():
        base = operator.removesuffix("IfExists") if isinstance(operator, str) else ""
        if base not in LIKE_OPERATORS + EQUALS_OPERATORS or not isinstance(block, dict):
            continue
        for key, values in block.items():
            if isinstance(key, str) and key.lower() == PRINCIPAL_ARN:
                items = values if isinstance(values, list) else [values]
                found += [(base in LIKE_OPERATORS, value) for value in items if isinstance(value, str)]
    return found


def exempts(statement: dict[str, Any], role_arn: str) -> bool:
    """Whether the statement's condition spares ``role_arn`` (`*` and `?` are wildcards under the *Like operators)."""
    return any(fnmatchcase(role_arn, value) if like else role_arn == value for like, value in exempt_values(statement))


def problems_of(policy: dict[str, Any], roles: tuple[str, ...]) -> list[str]:
    problems = []
    for index, statement in enumerate(statements(policy)):
        label = statement_label(index, statement)
        if statement.get("Effect") != "Deny":
            problems.append(f"{label} is not a Deny (an SCP Allow is an allow-list that denies all it omits)")
            continue
        missing = [role for role in roles if not exempts(statement, role)]
        if missing:
            problems.append(f"{label} does not exempt {', '.join(missing)} by aws:PrincipalArn")
    return problems


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    def each() -> Iterator[Finding]:
        for policy in doc.resources("aws_organizations_policy"):
            if policy.body.get("type", SCP_TYPE) != SCP_TYPE:
                continue
            parsed = parse_policy(policy.body.get("content"))
            if parsed is None:
                problems = ["content is not a JSON policy document"]
            elif not context.pipeline_role_arns:
                problems = ["the rule context names no pipeline role to check the SCP against"]
            else:
                problems = problems_of(parsed, context.pipeline_role_arns)
            if problems:
                yield finding(
                    ID,
                    context,
                    policy,
                    Status.NON_COMPLIANT,
                    f"the SCP could lock out the pipeline: {'; '.join(problems)}",
                    "make every statement a Deny whose Condition has ArnNotLike aws:PrincipalArn listing every "
                    "protected account's deploy role and break-glass role (smus_constructs.guardrail_policy)",
                )
            else:
                yield finding(
                    ID,
                    context,
                    policy,
                    Status.COMPLIANT,
                    f"every statement is a Deny exempting {len(context.pipeline_role_arns)} pipeline roles",
                )

    yield from first_or_na(each(), ID, context, "no service control policy in this stack")


RULE = Rule(
    id=ID,
    title="Service control policies exempt the deploy and break-glass roles in every statement",
    rationale=__doc__ or "",
    check=check,
)
