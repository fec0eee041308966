"""The vocabulary of the rule pack: a finding, its status, and the small typed context a rule may consult.

Rules are pure functions of one synthesised stack document (`cdk.tf.json`) and a :class:`RuleContext`, so the same
rule runs at synth time (through the Aspect), over files on disk (`smus check`), and in unit tests over hand-written
fixtures, and it gives the same answer each time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from smus_rules.doc import StackDoc

#: The tags every account must carry unless the security-owned governance file names others.
DEFAULT_MANDATORY_TAGS = ("CostCenter", "DataClassification", "Environment")
#: V2 domain operations have been seen to take longer than the provider's 10-minute default (FACTS.md).
DEFAULT_MINIMUM_TIMEOUT_MINUTES = 90


class Status(StrEnum):
    """What a rule says about one thing it looked at (cdk-nag's three answers, plus suppressed)."""

    COMPLIANT = "compliant"
    NON_COMPLIANT = "non-compliant"
    NOT_APPLICABLE = "not-applicable"
    SUPPRESSED = "suppressed"


@dataclass(frozen=True, kw_only=True)
class LockedParameter:
    """A blueprint parameter a protected account's profiles must lock (`is_editable = false`), optionally to a value."""

    name: str
    value: str | None = None

    def describe(self) -> str:
        return f"{self.name} = {self.value!r}" if self.value is not None else self.name


@dataclass(frozen=True, kw_only=True)
class RuleContext:
    """What a rule may know besides the stack document: who owns the stack and what security requires of it."""

    stack: str
    account_id: str | None = None
    #: Production accounts: prevent_destroy, locked blueprint parameters, no unexplained all-users grants.
    protected: bool = False
    #: True only for bootstrap stacks, which create the state bucket and so cannot keep their state in it.
    local_backend_allowed: bool = False
    #: Managed blueprint names security approved for this account; anything else fails SMUS-006.
    approved_blueprints: frozenset[str] = frozenset()
    mandatory_tags: tuple[str, ...] = DEFAULT_MANDATORY_TAGS
    #: Blueprint name -> parameters a protected account's profiles must lock.
    locked_parameters: Mapping[str, tuple[LockedParameter, ...]] = field(default_factory=dict)
    minimum_timeout_minutes: int = DEFAULT_MINIMUM_TIMEOUT_MINUTES
    #: The guardrails stack only: the roles its SCPs must never deny (each protected account's deploy and
    #: break-glass role). Empty elsewhere.
    pipeline_role_arns: tuple[str, ...] = ()
    #: A domain account: the member accounts it shares its domain with through RAM (SMUS-026 holds the share's
    #: principals to them). Empty: the account shares its domain with no one.
    member_account_ids: tuple[str, ...] = ()
    #: A member account: the account whose shared domain it joins (SMUS-026 lets it only accept that account's
    #: share and leave it). None: not a member.
    shared_domain_account_id: str | None = None

    def to_data(self) -> dict[str, Any]:
        """The same context as the Rego policies read it (`data.smus_governance.stacks[<stack>]`)."""
        return {
            "account_id": self.account_id,
            "protected": self.protected,
            "local_backend_allowed": self.local_backend_allowed,
            "approved_blueprints": sorted(self.approved_blueprints),
            "mandatory_tags": list(self.mandatory_tags),
            "locked_parameters": {
                blueprint: [{"name": p.name, "value": p.value} for p in params]
                for blueprint, params in sorted(self.locked_parameters.items())
            },
            "minimum_timeout_minutes": self.minimum_timeout_minutes,
            "pipeline_role_arns": list(self.pipeline_role_arns),
            "member_account_ids": list(self.member_account_ids),
            "shared_domain_account_id": self.shared_domain_account_id,
        }


@dataclass(frozen=True, kw_only=True)
class Suppression:
    """An accepted finding: one rule, on the constructs whose path matches ``path``, for a written reason.

    ``path`` is a construct path glob: ``*`` matches within one path segment, ``**`` across segments, and a pattern
    also covers everything below the constructs it matches (suppressing a role suppresses its policies' findings).
    """

    rule_id: str
    path: str
    reason: str
    expires: str | None = None  # ISO date; an expired suppression no longer applies

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError(
                f"suppression of {self.rule_id} on {self.path!r} has no reason: a suppression must say why the "
                "finding is accepted, and one without a reason is refused"
            )
        if not self.path.strip():
            raise ValueError(f"suppression of {self.rule_id} needs a construct path (glob)")


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One rule's answer for one thing (a resource, the backend, a provider) in one stack."""

    rule_id: str
    status: Status
    stack: str
    #: The construct path (from the resource's `//` metadata), e.g. `prod-projects/Profile-Analytics/Resource`.
    path: str
    #: The Terraform address, e.g. `awscc_datazone_project_profile.Profile-Analytics_D72DFAC0`.
    address: str
    message: str
    fix: str = ""
    suppression: Suppression | None = None

    @property
    def failed(self) -> bool:
        return self.status is Status.NON_COMPLIANT

    def suppressed_by(self, suppression: Suppression) -> Finding:
        return replace(self, status=Status.SUPPRESSED, suppression=suppression)

    def text(self) -> str:
        """One line for a person: rule, where, what is wrong, how to fix it."""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{self.rule_id} {self.path} ({self.address}): {self.message}{fix}"

    def key(self) -> tuple[str, str, str]:
        """What the two engines must agree on."""
        return (self.stack, self.rule_id, self.address)


Check = Callable[[StackDoc, RuleContext], Iterable[Finding]]


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One rule: an ID such as `SMUS-006`, a title, why it exists, and its check."""

    id: str
    title: str
    rationale: str
    check: Check
    #: The Rego twin also evaluates `terraform show -json` plan output (it needs planned values, e.g. `tags_all`).
    runs_on_plans: bool = False

    def evaluate(self, doc: StackDoc, context: RuleContext) -> list[Finding]:
        return list(self.check(doc, context))
