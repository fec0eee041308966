"""SMUS-012: no `awscc_*` resource has a `timeouts` block.

The awscc provider has no `timeouts` on any resource (its waiter timeout is fixed per type by the CloudFormation
handler). A `timeouts` block synthesises but Terraform rejects it at validate and plan, so it would first fail in
the pipeline, after review (FACTS.md; hashicorp/terraform-provider-awscc#40).
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import StackDoc
from smus_rules.findings import finding, first_or_na
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-012"


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    def each() -> Iterator[Finding]:
        for resource in doc.resources_with_prefix("awscc_"):
            if "timeouts" in resource.body:
                yield finding(
                    ID,
                    context,
                    resource,
                    Status.NON_COMPLIANT,
                    "awscc resources take no timeouts block; Terraform rejects it at plan",
                    "remove timeouts (the awscc waiter is fixed at 120 minutes for DataZone types; let pipelines "
                    "allow more than that per apply)",
                )
            else:
                yield finding(ID, context, resource, Status.COMPLIANT, "no timeouts block")

    yield from first_or_na(each(), ID, context, "no awscc resource in this stack")


RULE = Rule(
    id=ID,
    title="No timeouts on awscc resources",
    rationale=__doc__ or "",
    check=check,
)
