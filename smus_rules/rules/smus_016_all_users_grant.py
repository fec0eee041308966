"""SMUS-016: a protected account grants nothing to all users unless config states why.

`principal.user.all_users_grant_filter` makes a policy grant apply to every user of the domain, now and later. In a
protected account that needs a recorded reason ([[grants]] / project_creators `reason`); the grant construct writes it
into the synthesised JSON as the resource's `//` comment `all_users_reason`, where this rule and auditors read it.
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc
from smus_rules.findings import finding, first_or_na, not_applicable
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-016"


def is_all_users(body: dict[str, object]) -> bool:
    principal = body.get("principal")
    user = principal.get("user") if isinstance(principal, dict) else None
    return isinstance(user, dict) and user.get("all_users_grant_filter") is not None


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    if not context.protected:
        yield from not_applicable(ID, context, "the account is not protected")
        return

    def each() -> Iterator[Finding]:
        for grant in doc.resources("awscc_datazone_policy_grant"):
            if not is_all_users(grant.body):
                continue
            reason = grant.comment("all_users_reason")
            if isinstance(reason, str) and reason.strip():
                yield finding(ID, context, grant, Status.COMPLIANT, f"all-users grant with reason: {reason}")
            else:
                yield finding(
                    ID,
                    context,
                    grant,
                    Status.NON_COMPLIANT,
                    "grants to all users of a protected account's domain without a recorded reason",
                    "grant to a group or a domain unit's projects instead, or give the all_users principal a reason "
                    "in the account file (PolicyGrant writes it as the all_users_reason comment)",
                )

    yield from first_or_na(each(), ID, context, "no all-users grant in this stack")


RULE = Rule(
    id=ID,
    title="No all-users grant in protected accounts without a stated reason",
    rationale=__doc__ or "",
    check=check,
)
