"""Identity and encryption of the platform layer: exact trust and key policies, given-or-created roles, mixed modes."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import pytest

from smus_constructs.kms import KEY_ADMIN_ACTIONS, domain_key_policy
from tests.conftest import StackDoc
from tests.helpers import ACCOUNT, KEY, REGION, ROLE, all_of, make_domain, new_stack, only, synth

FULL_ACCESS_MARKERS = ("FullAccess", "AdministratorAccess")


def roles_by_suffix(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {role["name"].rsplit("-", 1)[-1]: role for role in all_of(doc, "aws_iam_role").values()}


def test_created_service_role_trust_is_exactly_datazone_from_this_account() -> None:
    stack = new_stack()
    make_domain(stack)
    service = roles_by_suffix(synth(stack))["service"]
    assert json.loads(service["assume_role_policy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "datazone.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
        ],
    }
    assert service["path"] == "/service-role/"


def test_key_policy_is_exact_and_has_no_unconditioned_wildcard_principal() -> None:
    execution = f"arn:aws:iam::{ACCOUNT}:role/service-role/exec"
    policy = domain_key_policy(partition="aws", account_id=ACCOUNT, region=REGION, execution_role_arn=execution)
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert statements["AccountAdministration"]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert statements["AccountAdministration"]["Action"] == KEY_ADMIN_ACTIONS
    assert not {"kms:Decrypt", "kms:Encrypt", "kms:*"} & set(KEY_ADMIN_ACTIONS), "administration must not include use"
    assert statements["DataZoneServiceUse"]["Principal"] == {"Service": "datazone.amazonaws.com"}
    assert statements["DataZoneServiceUse"]["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    via = {"kms:ViaService": f"datazone.{REGION}.amazonaws.com"}
    assert statements["DomainExecutionRoleUseViaDataZone"]["Principal"] == {"AWS": execution}
    assert statements["DomainExecutionRoleUseViaDataZone"]["Condition"] == {"StringEquals": via}
    assert statements["DomainExecutionRoleGrantsForAwsResources"]["Condition"] == {
        "StringEquals": via,
        "Bool": {"kms:GrantIsForAWSResource": "true"},
    }
    for statement in policy["Statement"]:
        principal = statement["Principal"]
        assert principal != "*" and principal.get("AWS") != "*", statement["Sid"]


@pytest.mark.parametrize(
    ("given", "created"),
    [
        ({"execution_role_arn": ROLE}, {"service"}),
        ({"service_role_arn": ROLE}, {"execution"}),
        ({"execution_role_arn": ROLE, "service_role_arn": ROLE}, set()),
        ({}, {"execution", "service"}),
    ],
)
def test_each_role_is_given_or_created_independently(given: dict[str, str], created: set[str]) -> None:
    stack = new_stack()
    make_domain(stack, **given)
    assert set(roles_by_suffix(synth(stack))) == created


def test_permissions_boundary_applies_to_every_created_role() -> None:
    boundary = f"arn:aws:iam::{ACCOUNT}:policy/acme-boundary"
    stack = new_stack()
    make_domain(stack, permissions_boundary_arn=boundary)
    assert {r["permissions_boundary"] for r in all_of(synth(stack), "aws_iam_role").values()} == {boundary}


def test_given_key_means_no_key_is_created_and_the_domain_uses_it() -> None:
    stack = new_stack()
    make_domain(stack, kms_key_arn=KEY)
    doc = synth(stack)
    assert "aws_kms_key" not in doc["resource"]
    assert only(doc, "aws_datazone_domain")["kms_key_identifier"] == KEY


def test_example_estate_attaches_no_full_access_policy(example_stacks: dict[str, StackDoc]) -> None:
    attachments = [
        (name, attachment["policy_arn"])
        for name, doc in example_stacks.items()
        for attachment in all_of(doc, "aws_iam_role_policy_attachment").values()
    ]
    assert len(attachments) >= 8, "dev and staging attach the documented managed policies to their created roles"
    for name, arn in attachments:
        assert not any(marker in arn for marker in FULL_ACCESS_MARKERS), (name, arn)


def test_example_estate_service_trusts_all_carry_source_account(example_stacks: dict[str, StackDoc]) -> None:
    checked = 0
    for name, doc in example_stacks.items():
        for role in all_of(doc, "aws_iam_role").values():
            for statement in json.loads(role["assume_role_policy"])["Statement"]:
                if "Service" in statement.get("Principal", {}):
                    checked += 1
                    assert "aws:SourceAccount" in statement["Condition"]["StringEquals"], (name, role["name"])
    assert checked >= 4


def test_example_prod_brings_its_own_roles_and_key_and_dev_creates_them(example_stacks: dict[str, StackDoc]) -> None:
    prod = example_stacks["prod-platform"]["resource"]
    assert "aws_iam_role" not in prod and "aws_kms_key" not in prod
    dev = example_stacks["dev-platform"]["resource"]
    assert len(dev["aws_kms_key"]) == 1
    assert {r["name"] for r in dev["aws_iam_role"].values()} == {
        "acme-dev-domain-execution",
        "acme-dev-domain-service",
        "acme-dev-provisioning",
        "acme-dev-manage-access",
        "acme-dev-query-execution",
    }


#: Actions that take a key over or destroy it (finding 2 of the security review). Only the account root may hold them.
KEY_TAKEOVER_ACTIONS = ("kms:PutKeyPolicy", "kms:DisableKey", "kms:ScheduleKeyDeletion")


def key_takeover_grants(policy: dict[str, Any], account_id: str) -> list[str]:
    """Every (principal, action) an Allow statement gives to anyone but the account root, of the takeover actions."""
    found = []
    for statement in policy["Statement"]:
        if statement["Effect"] != "Allow":
            continue
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        principals = [
            value
            for values in statement["Principal"].values()
            for value in (values if isinstance(values, list) else [values])
        ]
        for principal in principals:
            if principal == f"arn:aws:iam::{account_id}:root":
                continue
            found += [
                f"{statement['Sid']}: {principal} {action}"
                for action in KEY_TAKEOVER_ACTIONS
                if any(fnmatch.fnmatchcase(action, granted) for granted in actions)
            ]
    return found


def test_created_keys_pass_kmss_lockout_check_without_naming_the_deploy_role() -> None:
    stack = new_stack()
    make_domain(stack)
    key = only(synth(stack), "aws_kms_key")
    # CreateKey's lockout check wants the caller able to PutKeyPolicy later; the deploy role must not be, so the
    # check is bypassed and the account root keeps administration (its administrators can always repair the policy).
    assert key["bypass_policy_lockout_safety_check"] is True
    policy = json.loads(key["policy"])
    assert key_takeover_grants(policy, ACCOUNT) == []
    root = {s["Sid"]: s for s in policy["Statement"]}["AccountAdministration"]
    assert root["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert {"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"} <= set(root["Action"])


def test_key_administration_lists_its_actions_and_hands_out_no_grant() -> None:
    assert all("*" not in action for action in KEY_ADMIN_ACTIONS), KEY_ADMIN_ACTIONS
    assert "kms:CreateGrant" not in KEY_ADMIN_ACTIONS
    assert not {"kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey"} & set(KEY_ADMIN_ACTIONS)


def test_no_example_key_lets_anyone_but_the_account_root_take_it_over(example_stacks: dict[str, StackDoc]) -> None:
    seen = 0
    for name, stack in example_stacks.items():
        for address, key in all_of(stack, "aws_kms_key").items():
            account_id = json.loads(key["policy"])["Statement"][0]["Principal"]["AWS"].split(":")[4]
            assert key_takeover_grants(json.loads(key["policy"]), account_id) == [], f"{name}: {address}"
            seen += 1
    assert seen >= 7, f"expected the state, domain and alert keys of the example estate, saw {seen}"


def test_a_domain_waits_for_its_created_roles_policies_and_not_for_given_roles() -> None:
    stack = new_stack()
    make_domain(stack)
    waits = only(synth(stack), "aws_datazone_domain")["depends_on"]
    assert sum(entry.startswith("aws_iam_role_policy_attachment.") for entry in waits) == 2, waits
    assert sum(entry.startswith("aws_iam_role.") for entry in waits) == 2, waits
    given = new_stack()
    make_domain(given, execution_role_arn=ROLE, service_role_arn=ROLE)
    assert "depends_on" not in only(synth(given), "aws_datazone_domain")


def test_example_blueprint_configurations_wait_for_created_blueprint_roles(example_stacks: dict[str, StackDoc]) -> None:
    dev = all_of(example_stacks["dev-platform"], "aws_datazone_environment_blueprint_configuration").values()
    assert dev
    for config in dev:
        assert any(e.startswith("aws_iam_role_policy_attachment.") for e in config["depends_on"]), config
        assert any(e.startswith("aws_iam_role_policy.") for e in config["depends_on"]), config
    prod = all_of(example_stacks["prod-platform"], "aws_datazone_environment_blueprint_configuration").values()
    assert prod and all("depends_on" not in config for config in prod)
