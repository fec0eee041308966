"""Apply suppressions: one rule, on constructs matched by a path glob, with a reason, optionally until a date.

The glob language is deliberately small so that the Rego policies match exactly the same paths with OPA's
`glob.match(pattern, ["/"], path)`: `*` matches within one path segment, `**` across segments, nothing else is
special. A pattern matches a construct and everything below it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from smus_rules.model import Finding, Status, Suppression

#: Characters a suppression path may contain: construct IDs plus the two wildcards.
PATH_GLOB = re.compile(r"^[A-Za-z0-9_.:@ *-]+(/[A-Za-z0-9_.:@ *-]+)*$")


@cache
def _compile(pattern: str) -> re.Pattern[str]:
    parts = []
    for token in re.split(r"(\*\*|\*)", pattern):
        if token == "**":
            parts.append(".*")
        elif token == "*":
            parts.append("[^/]*")
        else:
            parts.append(re.escape(token))
    return re.compile("".join(parts) + "(/.*)?")


def path_matches(pattern: str, path: str) -> bool:
    """True when ``path`` is a construct ``pattern`` matches, or below one."""
    return _compile(pattern).fullmatch(path) is not None


def is_active(suppression: Suppression, today: dt.date) -> bool:
    return suppression.expires is None or dt.date.fromisoformat(suppression.expires) >= today


@dataclass
class SuppressionSet:
    """The suppressions in force for a run, and which of them matched something (the rest are stale)."""

    suppressions: Sequence[Suppression] = ()
    today: dt.date = field(default_factory=dt.date.today)
    used: set[int] = field(default_factory=set)

    def active(self) -> list[Suppression]:
        return [s for s in self.suppressions if is_active(s, self.today)]

    def expired(self) -> list[Suppression]:
        return [s for s in self.suppressions if not is_active(s, self.today)]

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """Failed findings that an active suppression matches come back as SUPPRESSED, carrying it."""
        return [self._apply(item) for item in findings]

    def _apply(self, item: Finding) -> Finding:
        if item.status is not Status.NON_COMPLIANT:
            return item
        for index, suppression in enumerate(self.suppressions):
            if (
                suppression.rule_id == item.rule_id
                and is_active(suppression, self.today)
                and path_matches(suppression.path, item.path)
            ):
                self.used.add(index)
                return item.suppressed_by(suppression)
        return item

    def unused(self) -> list[Suppression]:
        return [s for index, s in enumerate(self.suppressions) if index not in self.used and is_active(s, self.today)]
