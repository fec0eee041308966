"""Every trust policy, key policy and bucket policy the example estate synthesises, read as parsed JSON.

checkov reads policies written as JSON strings only in part (it misses wildcard principals inside them, see
../shared/FACTS.md), so the rules that matter are asserted here on the documents themselves, for every stack.
Each rule is a function returning the problems it finds, tested on a bad document as well as on the estate.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import StackDoc

ACCOUNTS = {"dev": "111111111111", "staging": "222222222222", "prod": "333333333333"}
GITHUB = "token.actions.githubusercontent.com"
Doc = dict[str, Any]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def principals(statement: Doc) -> list[tuple[str, str]]:
    principal = statement.get("Principal", {})
    if principal == "*":
        return [("*", "*")]
    return [(kind, value) for kind, values in principal.items() for value in as_list(values)]


def documents(stacks: dict[str, StackDoc], rtype: str, key: str) -> Iterator[tuple[str, str, Doc]]:
    for stack, doc in stacks.items():
        for name, body in doc.get("resource", {}).get(rtype, {}).items():
            document: Doc = json.loads(body[key])
            yield stack, f"{rtype}.{name}", document


def trust_problems(document: Doc, account_id: str) -> list[str]:
    """A trust admits a named principal only, and a service or federation only under the documented conditions."""
    problems = [] if document.get("Version") == "2012-10-17" else ["Version is not 2012-10-17"]
    for index, statement in enumerate(document["Statement"]):
        if statement["Effect"] != "Allow":
            continue
        condition = statement.get("Condition", {})
        for kind, value in principals(statement):
            where = f"Statement[{index}] {kind}={value}"
            if value == "*" or kind == "*":
                problems.append(f"{where}: anyone may assume the role")
            elif kind == "Service" and condition.get("StringEquals", {}).get("aws:SourceAccount") != account_id:
                problems.append(f"{where}: no StringEquals aws:SourceAccount = {account_id}")
            elif kind == "Federated" and GITHUB in value:
                equals = condition.get("StringEquals", {})
                if equals.get(f"{GITHUB}:aud") != "sts.amazonaws.com":
                    problems.append(f"{where}: audience not pinned to sts.amazonaws.com")
                subjects = as_list(equals.get(f"{GITHUB}:sub", []))
                if not subjects or any("*" in s or not s.startswith("repo:") for s in subjects):
                    problems.append(f"{where}: subject not pinned exactly: {subjects}")
            elif kind == "AWS" and value.endswith(":root") and not condition:
                problems.append(f"{where}: the whole account without a condition")
    return problems


KEY_USE = {"kms:*", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"}


def key_policy_problems(document: Doc, account_id: str) -> list[str]:
    """Administration by the account without use; use only by named principals, through a named service."""
    problems = [] if document.get("Version") == "2012-10-17" else ["Version is not 2012-10-17"]
    for index, statement in enumerate(document["Statement"]):
        if statement["Effect"] != "Allow":
            continue
        condition = json.dumps(statement.get("Condition", {}))
        actions = set(as_list(statement["Action"]))
        for kind, value in principals(statement):
            where = f"Statement[{index}] {kind}={value}"
            if value == "*" or kind == "*":
                problems.append(f"{where}: anyone may use the key")
            elif kind == "Service" and account_id not in condition:
                problems.append(f"{where}: a service without aws:SourceAccount / kms:CallerAccount")
            elif kind == "AWS" and value.endswith(":root"):
                # The account's IAM policies may decide who uses the key only for its calls through one service
                # (DataZone uses the key with the caller's credentials): kms:CallerAccount and kms:ViaService.
                through_a_service = "kms:ViaService" in condition and "kms:CallerAccount" in condition
                if actions & (KEY_USE | {"kms:GenerateDataKey"}) and not through_a_service:
                    problems.append(f"{where}: the whole account may use the key, not only administer it")
            elif kind == "AWS" and actions & (KEY_USE | {"kms:CreateGrant"}) and "kms:ViaService" not in condition:
                problems.append(f"{where}: a role may use the key outside the service it is for")
    return problems


def test_every_trust_policy_in_the_estate_is_pinned(example_stacks: dict[str, StackDoc]) -> None:
    seen = 0
    for stack, address, document in documents(example_stacks, "aws_iam_role", "assume_role_policy"):
        seen += 1
        assert trust_problems(document, ACCOUNTS[stack.split("-")[0]]) == [], f"{stack}: {address}"
    assert seen >= 10


def test_every_key_policy_in_the_estate_separates_administration_from_use(example_stacks: dict[str, StackDoc]) -> None:
    seen = 0
    for stack, address, document in documents(example_stacks, "aws_kms_key", "policy"):
        seen += 1
        assert key_policy_problems(document, ACCOUNTS[stack.split("-")[0]]) == [], f"{stack}: {address}"
        (key,) = [body for name, body in example_stacks[stack]["resource"]["aws_kms_key"].items() if name in address]
        assert key["enable_key_rotation"] is True, f"{stack}: {address}"
    assert seen >= 5  # a state key per account, a domain key where the platform creates one


def test_every_bucket_policy_in_the_estate_only_denies(example_stacks: dict[str, StackDoc]) -> None:
    found = list(documents(example_stacks, "aws_s3_bucket_policy", "policy"))
    assert {stack for stack, _, _ in found} == {f"{account}-bootstrap" for account in ACCOUNTS}
    for stack, address, document in found:
        assert {statement["Effect"] for statement in document["Statement"]} == {"Deny"}, f"{stack}: {address}"


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        ({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}, "anyone may assume"),
        ({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}, "anyone may assume"),
        ({"Effect": "Allow", "Principal": {"Service": "datazone.amazonaws.com"}, "Action": "sts:AssumeRole"}, "Source"),
        (
            {
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::1:oidc-provider/{GITHUB}"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringLike": {f"{GITHUB}:sub": "repo:acme/*"}},
            },
            "audience not pinned",
        ),
        (
            {
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::1:oidc-provider/{GITHUB}"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com", f"{GITHUB}:sub": "repo:a/*"}},
            },
            "subject not pinned",
        ),
        ({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "sts:AssumeRole"}, "whole account"),
    ],
)
def test_trust_rule_catches_an_open_trust(statement: Doc, problem: str) -> None:
    found = trust_problems({"Version": "2012-10-17", "Statement": [statement]}, "111111111111")
    assert any(problem in line for line in found), found


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        ({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt"}, "anyone may use"),
        ({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "kms:*"}, "whole account"),
        (
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::1:root"},
                "Action": "kms:GenerateDataKey",
                "Condition": {"StringEquals": {"kms:ViaService": "datazone.eu-west-1.amazonaws.com"}},
            },
            "whole account",
        ),
        ({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:role/r"}, "Action": "kms:Decrypt"}, "outside"),
        ({"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "kms:Decrypt"}, "a service"),
    ],
)
def test_key_policy_rule_catches_an_open_key(statement: Doc, problem: str) -> None:
    found = key_policy_problems({"Version": "2012-10-17", "Statement": [statement]}, "111111111111")
    assert any(problem in line for line in found), found
