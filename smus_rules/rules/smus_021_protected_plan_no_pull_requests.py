"""SMUS-021: no role of a protected account trusts GitHub pull requests.

GitHub's OIDC `sub` is `repo:<owner>/<name>:pull_request` for every pull-request job that names no environment, from any
branch and with whatever code the pull request carries. A protected account's plan role reads every state file of the
account, so trusting that subject hands production state to any pull request (issue 12, finding 3). Pull-request plans
of a protected account run in a reviewed GitHub environment instead (`environment:<name>`). A `StringLike` subject with
a wildcard after the repository admits pull requests too.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from smus_rules.doc import StackDoc, as_list, is_allow, statements
from smus_rules.findings import finding, first_or_na, not_applicable
from smus_rules.iam_documents import TRUST_POLICY_SOURCES, policy_documents
from smus_rules.model import Finding, Rule, RuleContext, Status

ID = "SMUS-021"
GITHUB_SUB = "token.actions.githubusercontent.com:sub"


def github_subjects(statement: dict[str, object]) -> list[tuple[str, str]]:
    """(operator, subject) pairs of a trust statement's GitHub `sub` conditions."""
    condition = statement.get("Condition")
    found: list[tuple[str, str]] = []
    if isinstance(condition, dict):
        for operator, block in condition.items():
            if isinstance(block, dict):
                for key, values in block.items():
                    if key.lower() == GITHUB_SUB:
                        found += [(operator, v) for v in as_list(values) if isinstance(v, str)]
    return found


def admits_pull_requests(operator: str, subject: str) -> bool:
    repository = subject.split(":")[1] if subject.count(":") >= 2 else "*"
    if "Like" in operator:
        return fnmatchcase(f"repo:{repository}:pull_request", subject)
    return subject.endswith(":pull_request")


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    if not context.protected:
        yield from not_applicable(ID, context, "the account is not protected")
        return

    def each() -> Iterator[Finding]:
        for trust in policy_documents(doc, TRUST_POLICY_SOURCES):
            if trust.document is None:
                continue
            subjects = [pair for s in statements(trust.document) if is_allow(s) for pair in github_subjects(s)]
            if not subjects:
                continue
            admitted = sorted(subject for operator, subject in subjects if admits_pull_requests(operator, subject))
            if admitted:
                yield finding(
                    ID,
                    context,
                    trust.resource,
                    Status.NON_COMPLIANT,
                    f"a protected account's role trusts GitHub pull requests: {', '.join(admitted)}",
                    "trust a GitHub environment with required reviewers instead ([bootstrap] plan_subjects = "
                    "['environment:<account>-plan']); pull-request plans then run in it, approved per run",
                )
            else:
                yield finding(ID, context, trust.resource, Status.COMPLIANT, "no GitHub pull-request subject trusted")

    yield from first_or_na(each(), ID, context, "no role of this stack trusts GitHub")


RULE = Rule(
    id=ID,
    title="Protected accounts' roles never trust GitHub pull requests",
    rationale=__doc__ or "",
    check=check,
)
