"""SMUS-003: the domain's create and delete timeouts are at least 90 minutes.

Creating or deleting a V2 domain routinely outlasts the aws provider's 10-minute default; a timed-out apply leaves a
domain that exists in AWS but not in state. Only `aws_datazone_domain` has a `timeouts` block (FACTS.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc, duration_nanoseconds
from smus_rules.findings import finding, first_or_na
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-003"


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    minimum = context.minimum_timeout_minutes

    def each() -> Iterator[Finding]:
        for domain in doc.resources("aws_datazone_domain"):
            timeouts = domain.body.get("timeouts")
            timeouts = timeouts if isinstance(timeouts, dict) else {}
            short = []
            for operation in ("create", "delete"):
                value = timeouts.get(operation)
                nanoseconds = duration_nanoseconds(value)
                if nanoseconds is None or nanoseconds < minimum * 60 * 10**9:
                    short.append(f"{operation} = {value!r}" if value is not None else f"{operation} not set (10m)")
            if short:
                yield finding(
                    ID,
                    context,
                    domain,
                    Status.NON_COMPLIANT,
                    f"domain timeouts below {minimum}m: {', '.join(short)}",
                    f"set [domain.timeouts] create and delete to at least '{minimum}m' (e.g. '2h')",
                )
            else:
                yield finding(ID, context, domain, Status.COMPLIANT, f"timeouts are at least {minimum}m")

    yield from first_or_na(each(), ID, context, "no aws_datazone_domain in this stack")


RULE = Rule(
    id=ID,
    title="Domain create/delete timeouts are at least 90m",
    rationale=__doc__ or "",
    check=check,
    runs_on_plans=True,
)
