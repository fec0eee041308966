"""SMUS-004: in a protected account, the domain and a key created for it carry `prevent_destroy`.

Destroying or replacing the domain deletes every project in it, and losing its key loses the domain. In production
Terraform must refuse any plan that would do either; the lifecycle helper writes the reason beside the flag.
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import Resource, StackDoc
from smus_rules.findings import finding, first_or_na, not_applicable
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-004"
DOMAIN_TYPES = ("aws_datazone_domain", "awscc_datazone_domain")
KEY_TYPES = ("aws_kms_key", "awscc_kms_key")


def _prevents_destroy(resource: Resource) -> bool:
    lifecycle = resource.body.get("lifecycle")
    return isinstance(lifecycle, dict) and lifecycle.get("prevent_destroy") is True


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    if not context.protected:
        yield from not_applicable(ID, context, "the account is not protected")
        return

    def each() -> Iterator[Finding]:
        for domain in doc.resources(*DOMAIN_TYPES):
            guarded = [domain]
            key = doc.referenced(domain.body.get("kms_key_identifier"))
            if key is not None and not key.data and key.type in KEY_TYPES:
                guarded.append(key)
            for resource in guarded:
                what = "domain" if resource is domain else "domain's KMS key"
                if _prevents_destroy(resource):
                    yield finding(ID, context, resource, Status.COMPLIANT, f"the {what} has prevent_destroy")
                else:
                    yield finding(
                        ID,
                        context,
                        resource,
                        Status.NON_COMPLIANT,
                        f"the {what} in a protected account has no lifecycle.prevent_destroy",
                        "pass prevent_destroy=True (DomainProps does it when [account] protected = true)",
                    )

    yield from first_or_na(each(), ID, context, "no DataZone domain in this stack")


RULE = Rule(
    id=ID,
    title="Protected accounts' domains (and their keys) have prevent_destroy",
    rationale=__doc__ or "",
    check=check,
)
