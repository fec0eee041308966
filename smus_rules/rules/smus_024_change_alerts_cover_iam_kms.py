"""SMUS-024: change alerts cover IAM and KMS changes, from every principal.

A stack that alerts on DataZone changes (an EventBridge rule on `aws.datazone` CloudTrail events) must also alert on
IAM changes to roles (`UpdateAssumeRolePolicy`, `PutRolePolicy`) and on KMS key changes (`PutKeyPolicy`,
`ScheduleKeyDeletion`), with rules that exclude no caller: the deploy role rewriting a trust or scheduling a key's
deletion is exactly what must be heard (issue 12, finding 5).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from smus_rules.doc import StackDoc, as_list
from smus_rules.findings import finding, not_applicable
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-024"
REQUIRED: dict[str, tuple[str, ...]] = {
    "aws.iam": ("UpdateAssumeRolePolicy", "PutRolePolicy"),
    "aws.kms": ("PutKeyPolicy", "ScheduleKeyDeletion"),
}


def _pattern(body: dict[str, Any]) -> dict[str, Any]:
    raw = body.get("event_pattern")
    try:
        parsed = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    rules = [(rule, _pattern(rule.body)) for rule in doc.resources("aws_cloudwatch_event_rule")]
    datazone = [rule for rule, pattern in rules if "aws.datazone" in as_list(pattern.get("source"))]
    if not datazone:
        yield from not_applicable(ID, context, "no DataZone change alert in this stack")
        return
    covered: dict[str, set[str]] = {source: set() for source in REQUIRED}
    for _, pattern in rules:
        raw_detail = pattern.get("detail")
        detail: dict[str, Any] = raw_detail if isinstance(raw_detail, dict) else {}
        if "userIdentity" in json.dumps(detail):
            continue  # a rule that excludes callers does not count
        for source in as_list(pattern.get("source")):
            if source in covered:
                covered[source] |= {name for name in as_list(detail.get("eventName")) if isinstance(name, str)}
    missing = sorted(
        f"{source} {name}" for source, names in REQUIRED.items() for name in names if name not in covered[source]
    )
    where = sorted(datazone, key=lambda rule: rule.address)[0]
    if missing:
        yield finding(
            ID,
            context,
            where,
            Status.NON_COMPLIANT,
            f"change alerts miss, from every principal: {', '.join(missing)}",
            "add smus_constructs.change_alerts.EstateChangeAlerts (key and role change rules that exclude no caller)",
        )
    else:
        yield finding(ID, context, where, Status.COMPLIANT, "IAM and KMS changes alert from every principal")


RULE = Rule(
    id=ID,
    title="Change alerts cover IAM and KMS changes from every principal",
    rationale=__doc__ or "",
    check=check,
)
