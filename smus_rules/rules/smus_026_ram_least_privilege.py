"""SMUS-026: RAM grants are least-privilege: a domain account shares only its DataZone domain, by the share's name,
with its own members; a member account only accepts that one share and leaves it.

A RAM share is how a domain reaches another account (issue 14), so a deploy role that may share freely can hand the
domain, or anything else in the account, to any account in the world. Every identity policy of the stack is read,
and every RAM action it allows (spelled out, by wildcard or by NotAction) must be one the account's side of the
association needs, held by its Condition to:

- a domain account (the rule context's `member_account_ids`): `CreateResourceShare` and `AssociateResourceShare`
  to `ram:RequestedResourceType` = `datazone:Domain` and to `ram:Principal` in the members the config lists;
  association, update and delete to `ram:ResourceShareName` `DataZone-<name>...` (the name SageMakerStudioFullAccess
  and AmazonDataZoneCrossAccountAdmin manage; a bare `DataZone-*` is every DataZone share of the account); tagging to
  that name or to an `aws:ResourceTag`;
- a member (the context's `shared_domain_account_id`): `AcceptResourceShareInvitation` to
  `ram:ShareOwnerAccountId` = the domain account and the share's name, `DisassociateResourceShare` (leaving) to
  `ram:Principal` = itself and the share's name. It never creates, associates, updates or deletes a share.

Which side an account is comes from the account files (the loader's links), not from the stack, so a deploy role
that drifted from the config fails rather than defining what is allowed. Reads (Get/List) are not restricted. The
`IfExists` operators count: RAM omits the resource type for a principal association and the principal for a resource
association, and the provider creates a share empty before associating it. Each condition key is one AWS's IAM
definitions list for that action or its resource type (tests/test_rule_ram.py checks against parliament's copy).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from smus_rules.doc import JSON, StackDoc, as_list, statement_label, statements
from smus_rules.findings import finding, first_or_na
from smus_rules.iam_actions import grants
from smus_rules.iam_documents import IDENTITY_POLICY_SOURCES, policy_documents
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-026"
#: RAM's actions below Read/List in AWS's IAM definitions (Write, Tagging, Permissions management).
RAM_WRITE_ACTIONS = (
    "ram:AcceptResourceShareInvitation",
    "ram:AssociateResourceShare",
    "ram:AssociateResourceSharePermission",
    "ram:CreatePermission",
    "ram:CreatePermissionVersion",
    "ram:CreateResourceShare",
    "ram:DeletePermission",
    "ram:DeletePermissionVersion",
    "ram:DeleteResourceShare",
    "ram:DisassociateResourceShare",
    "ram:DisassociateResourceSharePermission",
    "ram:EnableSharingWithAwsOrganization",
    "ram:PromotePermissionCreatedFromPolicy",
    "ram:PromoteResourceShareCreatedFromPolicy",
    "ram:RejectResourceShareInvitation",
    "ram:ReplacePermissionAssociations",
    "ram:SetDefaultPermissionVersion",
    "ram:TagResource",
    "ram:UntagResource",
    "ram:UpdateResourceShare",
)
DOMAIN_RESOURCE_TYPE = "datazone:Domain"
#: `DataZone-` and at least one literal character of the domain's name before any wildcard.
SHARE_NAME = re.compile(r"^DataZone-[^*?]")
EXACT_OPERATORS = ("StringEquals", "StringEqualsIfExists")
PATTERN_OPERATORS = ("StringLike", "StringLikeIfExists")
RESOURCE_TAG_PREFIX = "aws:resourcetag/"


def _literal(value: str) -> bool:
    return "*" not in value and "?" not in value


def held_to(statement: JSON, key: str, accept: Callable[[str], bool], *, pattern: bool = False) -> bool:
    """Whether one condition block holds ``key`` to values that all pass ``accept`` (blocks are ANDed, so one is
    enough). Under StringLike a wildcard makes a value a pattern, accepted only where ``pattern`` says so."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return False
    for operator, block in condition.items():
        if operator not in EXACT_OPERATORS + PATTERN_OPERATORS or not isinstance(block, dict):
            continue
        for name, values in block.items():
            if not isinstance(name, str) or not _key_matches(name, key):
                continue
            items = as_list(values)
            literal_only = operator in PATTERN_OPERATORS and not pattern
            if items and all(
                isinstance(value, str) and accept(value) and (_literal(value) or not literal_only) for value in items
            ):
                return True
    return False


def _key_matches(name: str, key: str) -> bool:
    """Condition keys are case-insensitive; a key ending in `/` stands for any tag key under that prefix."""
    lowered = name.lower()
    return lowered.startswith(key) and len(lowered) > len(key) if key.endswith("/") else lowered == key.lower()


@dataclass(frozen=True)
class Scope:
    """One condition an action must carry: a description for the message, the condition keys that can carry it
    (any one of them), and the test of a statement."""

    describes: str
    keys: tuple[str, ...]
    test: Callable[[JSON, RuleContext], bool]


def _share_name(statement: JSON, _context: RuleContext) -> bool:
    return held_to(statement, "ram:ResourceShareName", lambda v: SHARE_NAME.match(v) is not None, pattern=True)


def _share_name_or_tag(statement: JSON, context: RuleContext) -> bool:
    return _share_name(statement, context) or held_to(statement, RESOURCE_TAG_PREFIX, _literal)


def _domain_type(statement: JSON, _context: RuleContext) -> bool:
    return held_to(statement, "ram:RequestedResourceType", lambda v: v == DOMAIN_RESOURCE_TYPE)


def _members(statement: JSON, context: RuleContext) -> bool:
    return held_to(statement, "ram:Principal", lambda v: v in context.member_account_ids)


def _itself(statement: JSON, context: RuleContext) -> bool:
    return held_to(statement, "ram:Principal", lambda v: v == context.account_id)


def _domain_owner(statement: JSON, context: RuleContext) -> bool:
    return held_to(statement, "ram:ShareOwnerAccountId", lambda v: v == context.shared_domain_account_id)


SHARE_NAME_SCOPE = Scope("ram:ResourceShareName DataZone-<domain name>...", ("ram:ResourceShareName",), _share_name)
DOMAIN_TYPE_SCOPE = Scope(
    f"ram:RequestedResourceType = {DOMAIN_RESOURCE_TYPE}", ("ram:RequestedResourceType",), _domain_type
)
MEMBERS_SCOPE = Scope("ram:Principal in the account's members", ("ram:Principal",), _members)
TAG_SCOPE = Scope(
    "ram:ResourceShareName DataZone-<domain name>... or aws:ResourceTag",
    ("ram:ResourceShareName", "aws:ResourceTag/"),
    _share_name_or_tag,
)
#: What a domain account may do with RAM (reads aside), and what each action must be held to.
DOMAIN_SIDE: dict[str, tuple[Scope, ...]] = {
    "ram:CreateResourceShare": (DOMAIN_TYPE_SCOPE, MEMBERS_SCOPE),
    "ram:AssociateResourceShare": (SHARE_NAME_SCOPE, DOMAIN_TYPE_SCOPE, MEMBERS_SCOPE),
    "ram:DisassociateResourceShare": (SHARE_NAME_SCOPE,),
    "ram:UpdateResourceShare": (SHARE_NAME_SCOPE,),
    "ram:DeleteResourceShare": (SHARE_NAME_SCOPE,),
    "ram:TagResource": (TAG_SCOPE,),
    "ram:UntagResource": (TAG_SCOPE,),
}
#: What a member account may do with RAM (reads aside).
MEMBER_SIDE: dict[str, tuple[Scope, ...]] = {
    "ram:AcceptResourceShareInvitation": (
        SHARE_NAME_SCOPE,
        Scope("ram:ShareOwnerAccountId = the domain account", ("ram:ShareOwnerAccountId",), _domain_owner),
    ),
    "ram:DisassociateResourceShare": (
        SHARE_NAME_SCOPE,
        Scope("ram:Principal = this account", ("ram:Principal",), _itself),
    ),
}


def problems_of(document: JSON, context: RuleContext) -> tuple[int, list[str]]:
    """(how many RAM write actions the document allows, what is wrong with them)."""
    member = context.shared_domain_account_id is not None
    side = MEMBER_SIDE if member else DOMAIN_SIDE
    count, problems = 0, []
    for index, statement in enumerate(statements(document)):
        label = statement_label(index, statement)
        for action in RAM_WRITE_ACTIONS:
            if not grants(statement, action):
                continue
            count += 1
            scopes = side.get(action)
            if scopes is None:
                who = "a member account (it only accepts and leaves the shared domain)" if member else "a domain share"
                problems.append(f"{label} allows {action}, which {who} does not need")
                continue
            missing = [scope.describes for scope in scopes if not scope.test(statement, context)]
            if missing:
                problems.append(f"{label} allows {action} without {' and '.join(missing)}")
    return count, problems


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    def each() -> Iterator[Finding]:
        for policy in policy_documents(doc, IDENTITY_POLICY_SOURCES):
            if policy.document is None:
                continue  # SMUS-009 fails a policy it cannot read
            count, problems = problems_of(policy.document, context)
            if problems:
                yield finding(
                    ID,
                    context,
                    policy.resource,
                    Status.NON_COMPLIANT,
                    f"RAM grants are not least-privilege: {'; '.join(problems)}",
                    "grant RAM actions as smus_constructs.association_permissions does: the domain account's "
                    "share actions held to its DataZone-<domain> share, the datazone:Domain type and its members "
                    "(config [domain] associated_accounts); a member's only to accepting and leaving that share",
                )
            elif count:
                yield finding(
                    ID,
                    context,
                    policy.resource,
                    Status.COMPLIANT,
                    f"{count} RAM write grants, each held to the shared domain's side of the association",
                )

    yield from first_or_na(each(), ID, context, "no identity policy allows a RAM write action")


RULE = Rule(
    id=ID,
    title="RAM grants share only the domain, by name, with its members; members only accept and leave",
    rationale=__doc__ or "",
    check=check,
    runs_on_plans=True,
)
