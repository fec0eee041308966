"""SMUS-001: every domain is a V2 (SageMaker Unified Studio) domain.

A V1 domain is classic DataZone: none of the Unified Studio project profiles, blueprints or tooling work in it, and
`domain_version` is immutable, so a wrong value is only fixed by replacing the domain (and losing its projects).
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc
from smus_rules.findings import finding, first_or_na
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-001"
DOMAIN_TYPES = ("aws_datazone_domain", "awscc_datazone_domain")


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    def each() -> Iterator[Finding]:
        for domain in doc.resources(*DOMAIN_TYPES):
            version = domain.body.get("domain_version")
            if version == "V2":
                yield finding(ID, context, domain, Status.COMPLIANT, "domain_version is V2")
            else:
                yield finding(
                    ID,
                    context,
                    domain,
                    Status.NON_COMPLIANT,
                    f"domain_version is {version!r}, not 'V2': this is a DataZone V1 domain, not Unified Studio",
                    'set domain_version = "V2" (UnifiedStudioDomain always does); the attribute is immutable, so '
                    "fix it before the first apply",
                )

    yield from first_or_na(each(), ID, context, "no DataZone domain in this stack")


RULE = Rule(
    id=ID,
    title="The domain is a V2 (Unified Studio) domain",
    rationale=__doc__ or "",
    check=check,
    runs_on_plans=True,
)
