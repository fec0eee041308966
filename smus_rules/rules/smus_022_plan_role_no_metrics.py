"""SMUS-022: no plan role publishes metrics.

A plan role is a role trusted by GitHub whose policies read state objects and write none (`s3:GetObject` without
`s3:PutObject`): what pull-request and drift plans run with. If it may `cloudwatch:PutMetricData`, a job holding it can
publish a heartbeat and `DriftDetected = 0`, silencing the heartbeat alarm and clearing a real drift alarm (issue 12,
finding 3). The drift metrics go through a drift role that reads no state and no pull request can assume.
"""

from __future__ import annotations

from collections.abc import Iterator

from smus_rules.doc import REFERENCE, Resource, StackDoc, as_list, is_allow, statements
from smus_rules.findings import finding, first_or_na
from smus_rules.iam_documents import IDENTITY_POLICY_SOURCES, TRUST_POLICY_SOURCES, policy_documents
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-022"
GITHUB_PROVIDER = "token.actions.githubusercontent.com"


def _owner(resource: Resource) -> str:
    """The role a policy belongs to: the role itself, or the role an aws_iam_role_policy references."""
    if resource.type != "aws_iam_role_policy":
        return resource.address
    match = REFERENCE.match(str(resource.body.get("role", "")))
    return f"{match.group(2)}.{match.group(3)}" if match else str(resource.body.get("role"))


def _allows(document: dict[str, object], action: str) -> bool:
    service = action.split(":", 1)[0]
    for statement in statements(document):
        if is_allow(statement):
            for granted in as_list(statement.get("Action")):
                if isinstance(granted, str) and granted.lower() in {action.lower(), f"{service}:*", "*"}:
                    return True
    return False


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    github_roles = {
        trust.resource.address: trust.resource
        for trust in policy_documents(doc, TRUST_POLICY_SOURCES)
        if trust.document is not None and GITHUB_PROVIDER in str(trust.raw)
    }
    actions: dict[str, set[str]] = {address: set() for address in github_roles}
    for policy in policy_documents(doc, IDENTITY_POLICY_SOURCES):
        owner = _owner(policy.resource)
        if owner in actions and policy.document is not None:
            for action in ("s3:GetObject", "s3:PutObject", "cloudwatch:PutMetricData"):
                if _allows(policy.document, action):
                    actions[owner].add(action)

    def each() -> Iterator[Finding]:
        for address, role in sorted(github_roles.items()):
            granted = actions[address]
            if "s3:GetObject" not in granted or "s3:PutObject" in granted:
                continue  # not a plan role: the deploy role writes state, the drift role reads none
            if "cloudwatch:PutMetricData" in granted:
                yield finding(
                    ID,
                    context,
                    role,
                    Status.NON_COMPLIANT,
                    "a plan role (reads state, writes none) may cloudwatch:PutMetricData: a plan job could forge the "
                    "drift heartbeat and clear a drift alarm",
                    "publish the drift metrics with the drift role (pipeline_identity.GithubDriftRole, "
                    "drift_permissions) and remove PutMetricData from the plan role",
                )
            else:
                yield finding(ID, context, role, Status.COMPLIANT, "plan role publishes no metrics")

    yield from first_or_na(each(), ID, context, "no plan role in this stack")


RULE = Rule(
    id=ID,
    title="No plan role publishes metrics",
    rationale=__doc__ or "",
    check=check,
)
