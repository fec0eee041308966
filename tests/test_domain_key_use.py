"""The domain account's own callers of DataZone can use a created domain key: key policy and IAM policy agree.

DataZone uses a domain's customer-managed key with the caller's credentials (smus_constructs.kms
`account_use_statements`). A KMS call is allowed only if the key policy allows it, directly or by enabling IAM policies
through the account root. The deploy role's `DomainKeysThroughDataZone` statement is dead unless the key policy lets
the account root do the same actions under the same `kms:ViaService`: before `AccountPrincipalsUseViaDataZone`, the
root statement held administration only, and the first CreateDomain with a created key would have been refused.
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

import pytest

from smus_constructs.kms import ACCOUNT_GRANT_STATEMENT_SID, ACCOUNT_USE_STATEMENT_SID, domain_key_policy
from tests.conftest import StackDoc

Doc = dict[str, Any]
ACCOUNT = "111111111111"
REGION = "eu-west-1"
VIA_DATAZONE = f"datazone.{REGION}.amazonaws.com"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _document(value: Any) -> Doc:
    return json.loads(value) if isinstance(value, str) else dict(value)


def _statement(stack: StackDoc, sid: str) -> Doc:
    for body in stack["resource"].get("aws_iam_role_policy", {}).values():
        for statement in _document(body["policy"])["Statement"]:
            if statement.get("Sid") == sid:
                return dict(statement)
    raise AssertionError(f"no statement {sid}")


def not_enabled_for_root(key_policy: Doc, actions: list[str], *, account: str, via: str) -> list[str]:
    """The actions the key policy does not let the account root (so IAM policies) take through ``via``."""
    root = f"arn:aws:iam::{account}:root"
    missing = []
    for action in actions:
        allowed = False
        for statement in key_policy["Statement"]:
            principals = _as_list(statement.get("Principal", {}).get("AWS", []))
            if statement.get("Effect") != "Allow" or root not in principals:
                continue
            if not any(fnmatchcase(action, granted) for granted in _as_list(statement["Action"])):
                continue
            equals = statement.get("Condition", {}).get("StringEquals", {})
            if equals.get("kms:ViaService", via) == via and equals.get("kms:CallerAccount", account) == account:
                allowed = True
        if not allowed:
            missing.append(action)
    return missing


def test_every_key_action_the_deploy_role_is_given_is_enabled_by_the_created_keys_policy(
    example_stacks: dict[str, StackDoc],
) -> None:
    (key,) = example_stacks["dev-platform"]["resource"]["aws_kms_key"].values()
    deploy = _statement(example_stacks["dev-bootstrap"], "DomainKeysThroughDataZone")
    via = deploy["Condition"]["StringEquals"]["kms:ViaService"]
    assert via == VIA_DATAZONE
    assert not_enabled_for_root(_document(key["policy"]), _as_list(deploy["Action"]), account=ACCOUNT, via=via) == []


def test_the_plan_role_may_decrypt_a_created_domain_key_through_datazone_and_the_key_lets_it(
    example_stacks: dict[str, StackDoc],
) -> None:
    (key,) = example_stacks["dev-platform"]["resource"]["aws_kms_key"].values()
    plan = _statement(example_stacks["dev-bootstrap"], "ReadDomainKeysThroughDataZone")
    assert plan["Action"] == ["kms:Decrypt", "kms:DescribeKey"]
    assert plan["Resource"] == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*"
    assert plan["Condition"] == {"StringEquals": {"kms:ViaService": VIA_DATAZONE}}
    assert not_enabled_for_root(_document(key["policy"]), plan["Action"], account=ACCOUNT, via=VIA_DATAZONE) == []


def test_the_check_finds_the_actions_a_policy_without_the_account_statements_leaves_dead() -> None:
    policy = domain_key_policy(
        partition="aws", account_id=ACCOUNT, region=REGION, execution_role_arn=f"arn:aws:iam::{ACCOUNT}:role/x"
    )
    stripped = {
        "Statement": [
            s for s in policy["Statement"] if s["Sid"] not in {ACCOUNT_USE_STATEMENT_SID, ACCOUNT_GRANT_STATEMENT_SID}
        ]
    }
    actions = ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
    # DescribeKey stays: administration includes it.
    assert not_enabled_for_root(stripped, actions, account=ACCOUNT, via=VIA_DATAZONE) == [
        "kms:CreateGrant",
        "kms:Decrypt",
        "kms:GenerateDataKey",
    ]


@pytest.mark.parametrize("sid", [ACCOUNT_USE_STATEMENT_SID, ACCOUNT_GRANT_STATEMENT_SID])
def test_the_account_statements_hold_to_this_accounts_calls_through_datazone(sid: str) -> None:
    policy = domain_key_policy(
        partition="aws", account_id=ACCOUNT, region=REGION, execution_role_arn=f"arn:aws:iam::{ACCOUNT}:role/x"
    )
    (statement,) = [s for s in policy["Statement"] if s["Sid"] == sid]
    assert statement["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert statement["Condition"]["StringEquals"] == {"kms:CallerAccount": ACCOUNT, "kms:ViaService": VIA_DATAZONE}
    actions = _as_list(statement["Action"])
    assert not any(
        a.startswith(("kms:Put", "kms:Disable", "kms:Schedule", "kms:Encrypt", "kms:ReEncrypt")) for a in actions
    )
    if "kms:CreateGrant" in actions:
        assert actions == ["kms:CreateGrant"]
        assert statement["Condition"]["Bool"] == {"kms:GrantIsForAWSResource": "true"}
