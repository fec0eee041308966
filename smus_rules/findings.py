"""Building a rule's answers: one finding about a resource or the stack, or "nothing to look at here".

Kept apart from :mod:`smus_rules.doc` (which parses the stack document) so the document model never imports the
rule vocabulary (:mod:`smus_rules.model`), and the vocabulary can name the document without an import circle.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from smus_rules.doc import Resource
from smus_rules.model import Finding, RuleContext, Status


def finding(
    rule_id: str,
    context: RuleContext,
    where: Resource | None,
    status: Status,
    message: str,
    fix: str = "",
    *,
    path: str | None = None,
    address: str | None = None,
) -> Finding:
    """A finding about ``where`` (or about the stack itself when ``where`` is None)."""
    return Finding(
        rule_id=rule_id,
        status=status,
        stack=context.stack,
        path=path or (where.path if where is not None else context.stack),
        address=address or (where.address if where is not None else context.stack),
        message=message,
        fix=fix,
    )


def not_applicable(rule_id: str, context: RuleContext, message: str) -> Iterator[Finding]:
    """The single answer of a rule that has nothing to look at in this stack."""
    yield finding(rule_id, context, None, Status.NOT_APPLICABLE, message)


def first_or_na(findings: Iterable[Finding], rule_id: str, context: RuleContext, message: str) -> Iterator[Finding]:
    """The findings, or one not-applicable answer when there were none."""
    any_found = False
    for item in findings:
        any_found = True
        yield item
    if not any_found:
        yield from not_applicable(rule_id, context, message)
