"""SMUS-002: every domain is encrypted with a customer-managed KMS key.

With no key, or an alias such as `alias/aws/datazone`, the domain's data is under an AWS-managed key whose policy the
account cannot restrict or audit. The key is immutable on the domain, so this must be right before the first apply.
Accepted: a reference to a key created in the same stack (which must then rotate), or a key ARN (`...:key/<id>`) in
the account. Anything else (an alias, a data-source lookup, another account's key) fails.

One exception is reported rather than failed: a domain adopted (an `import` block names it) that keeps the AWS-owned
key it was created with. Its key cannot be changed (a customer-managed key needs a new domain), so in an unprotected
account the finding says so and passes; a protected account fails until governance records the reason as a SMUS-002
suppression.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from smus_rules.doc import StackDoc
from smus_rules.findings import finding, first_or_na
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-002"
DOMAIN_TYPES = ("aws_datazone_domain", "awscc_datazone_domain")
KEY_TYPES = ("aws_kms_key", "awscc_kms_key")
KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:(\d{12}):key/[A-Za-z0-9-]+$")
FIX = (
    "leave domain.kms_key_arn out to have the platform stack create a rotating customer-managed key, or set it to the "
    "ARN (not an alias) of a customer-managed key in this account"
)


ADOPTED_FIX = (
    "record why the protected domain keeps its AWS-owned key as a SMUS-002 suppression of this domain in "
    "config/governance.toml (with the migration ticket), or move the estate to a new domain with a customer-managed key"
)


def imported(doc: StackDoc) -> set[str]:
    """Addresses that an `import` block adopts."""
    blocks = doc.raw.get("import")
    return (
        {str(block["to"]) for block in blocks if isinstance(block, dict) and "to" in block}
        if isinstance(blocks, list)
        else set()
    )


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    adopted = imported(doc)

    def each() -> Iterator[Finding]:
        for domain in doc.resources(*DOMAIN_TYPES):
            value = domain.body.get("kms_key_identifier")
            if value is None and domain.address in adopted:
                if context.protected:
                    yield finding(
                        ID,
                        context,
                        domain,
                        Status.NON_COMPLIANT,
                        "the adopted domain uses an AWS-owned key (kms_key_identifier is immutable): a protected "
                        "account needs governance to record why",
                        ADOPTED_FIX,
                    )
                else:
                    yield finding(
                        ID,
                        context,
                        domain,
                        Status.COMPLIANT,
                        "adopted with its AWS-owned key (immutable on the domain): allowed in an unprotected "
                        "account; a customer-managed key needs a new domain",
                    )
                continue
            key = doc.referenced(value)
            if key is not None and not key.data and key.type in KEY_TYPES:
                rotation = key.body.get("enable_key_rotation")
                if key.type == "aws_kms_key" and rotation is not True:
                    yield finding(
                        ID,
                        context,
                        domain,
                        Status.NON_COMPLIANT,
                        f"the domain's key {key.address} does not rotate (enable_key_rotation = {rotation!r})",
                        "set enable_key_rotation = true on the key (DomainKey does)",
                    )
                else:
                    yield finding(ID, context, domain, Status.COMPLIANT, f"encrypted with {key.address}")
                continue
            match = KEY_ARN.match(value) if isinstance(value, str) else None
            if match is None:
                shown = "not set (an AWS-managed key)" if value is None else f"{value!r}, not a customer-managed key"
                yield finding(ID, context, domain, Status.NON_COMPLIANT, f"kms_key_identifier is {shown}", FIX)
            elif context.account_id is not None and match.group(1) != context.account_id:
                yield finding(
                    ID,
                    context,
                    domain,
                    Status.NON_COMPLIANT,
                    f"kms_key_identifier {value!r} is a key in account {match.group(1)}, not {context.account_id}",
                    FIX,
                )
            else:
                yield finding(ID, context, domain, Status.COMPLIANT, f"encrypted with the given key {value}")

    yield from first_or_na(each(), ID, context, "no DataZone domain in this stack")


RULE = Rule(
    id=ID,
    title="The domain uses a customer-managed KMS key",
    rationale=__doc__ or "",
    check=check,
)
