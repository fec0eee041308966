"""SMUS-005: every `ignore_changes` entry has a recorded reason.

An ignored attribute hides real drift from every future plan. The lifecycle helper writes each reason beside the
block as `lifecycle["//"]["ignore_changes"][<attribute>]`; an entry without one was added by hand and unreviewed.
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc, as_list
from smus_rules.findings import finding, first_or_na
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-005"


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    def each() -> Iterator[Finding]:
        for resource in doc.resources():
            lifecycle = resource.body.get("lifecycle")
            if not isinstance(lifecycle, dict) or "ignore_changes" not in lifecycle:
                continue
            attributes = [str(entry) for entry in as_list(lifecycle.get("ignore_changes"))]
            comment = lifecycle.get("//")
            reasons = comment.get("ignore_changes") if isinstance(comment, dict) else None
            reasons = reasons if isinstance(reasons, dict) else {}
            missing = [
                attribute
                for attribute in attributes
                if not (isinstance(reasons.get(attribute), str) and reasons[attribute].strip())
            ]
            if missing:
                yield finding(
                    ID,
                    context,
                    resource,
                    Status.NON_COMPLIANT,
                    f"ignore_changes without a recorded reason: {', '.join(missing)}",
                    "add the entry through [[ignore_changes]] in the account file (resource, attribute, reason) or "
                    "smus_constructs.lifecycle.apply_lifecycle, which writes the reason beside the block",
                )
            else:
                yield finding(ID, context, resource, Status.COMPLIANT, f"reasons recorded for {', '.join(attributes)}")

    yield from first_or_na(each(), ID, context, "no resource ignores changes")


RULE = Rule(
    id=ID,
    title="Every ignore_changes entry has a recorded reason",
    rationale=__doc__ or "",
    check=check,
)
