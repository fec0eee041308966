"""The example estate as synthesised: one stack per account and layer, wired across stacks, safe by default."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import StackDoc

ACCOUNTS = {"dev": "111111111111", "staging": "222222222222", "prod": "333333333333"}
NAME = re.compile(r"^[\w -]{1,64}$")


def resources(doc: StackDoc) -> dict[str, dict[str, Any]]:
    return doc.get("resource", {})  # type: ignore[no-any-return]


LAYERS = ("platform", "projects", "ops")
#: The management account's stack (organization.toml), checked in tests/test_guardrails.py; it belongs to no account.
GUARDRAILS = "organization-guardrails"


def account_stacks(example_stacks: dict[str, StackDoc]) -> dict[str, StackDoc]:
    return {name: doc for name, doc in example_stacks.items() if name != GUARDRAILS}


def ci_stacks(example_stacks: dict[str, StackDoc]) -> dict[str, StackDoc]:
    """The stacks CI deploys with the deploy role (S3 state); bootstrap stacks are applied once by an administrator."""
    return {name: doc for name, doc in account_stacks(example_stacks).items() if not name.endswith("-bootstrap")}


def test_one_stack_per_account_and_layer(example_stacks: dict[str, StackDoc]) -> None:
    expected = [f"{a}-{layer}" for a in ACCOUNTS for layer in (*LAYERS, "bootstrap")] + [GUARDRAILS]
    assert sorted(example_stacks) == sorted(expected)


def test_bootstrap_stacks_keep_local_state(example_stacks: dict[str, StackDoc]) -> None:
    for account in ACCOUNTS:
        backend = example_stacks[f"{account}-bootstrap"]["terraform"]["backend"]
        # From cdktf.out/stacks/<stack>/ to <project root>/bootstrap/: outside the folder every synth replaces.
        assert backend == {"local": {"path": f"../../../bootstrap/{account}.tfstate"}}, (account, backend)


def test_every_domain_is_v2_with_service_role_key_and_90m_or_more(example_stacks: dict[str, StackDoc]) -> None:
    for account in ACCOUNTS:
        (domain,) = resources(example_stacks[f"{account}-platform"])["aws_datazone_domain"].values()
        assert domain["domain_version"] == "V2", account
        assert domain["service_role"], account
        assert domain["kms_key_identifier"], account
        assert domain["timeouts"]["create"] in {"90m", "2h"} and domain["timeouts"]["delete"] in {"90m", "2h"}, account


def test_only_prod_domain_is_protected(example_stacks: dict[str, StackDoc]) -> None:
    for account in ACCOUNTS:
        (domain,) = resources(example_stacks[f"{account}-platform"])["aws_datazone_domain"].values()
        protected = domain.get("lifecycle", {}).get("prevent_destroy", False)
        assert protected is (account == "prod"), f"{account}: prevent_destroy={protected}"


def test_no_awscc_resource_has_timeouts(example_stacks: dict[str, StackDoc]) -> None:
    offenders = [
        f"{stack}:{rtype}.{name}"
        for stack, doc in example_stacks.items()
        for rtype, items in resources(doc).items()
        if rtype.startswith("awscc_")
        for name, body in items.items()
        if "timeouts" in body
    ]
    assert offenders == []


def test_every_ignore_changes_entry_has_a_recorded_reason(example_stacks: dict[str, StackDoc]) -> None:
    seen = 0
    for stack, doc in example_stacks.items():
        for rtype, items in resources(doc).items():
            for name, body in items.items():
                lifecycle = body.get("lifecycle", {})
                for attribute in lifecycle.get("ignore_changes", []):
                    seen += 1
                    reason = lifecycle.get("//", {}).get("ignore_changes", {}).get(attribute, "")
                    assert len(reason) >= 10, f"{stack}:{rtype}.{name} ignores {attribute} without a reason"
    assert seen >= 1, "the example estate should demonstrate at least one reasoned ignore_changes"


def test_state_objects_are_distinct_name_the_account_and_lock(example_stacks: dict[str, StackDoc]) -> None:
    keys = []
    for stack, doc in ci_stacks(example_stacks).items():
        backend = doc["terraform"]["backend"]["s3"]
        account = stack.split("-")[0]
        assert ACCOUNTS[account] in backend["key"], (stack, backend["key"])
        assert stack.split("-")[1] in backend["key"], (stack, backend["key"])
        assert backend["use_lockfile"] is True and backend["encrypt"] is True, stack
        assert backend["kms_key_id"].startswith("arn:aws:kms:"), stack
        keys.append((backend["bucket"], backend["key"]))
    assert len(set(keys)) == len(keys) == 3 * len(LAYERS)


def test_providers_are_pinned_to_the_account_with_mandatory_default_tags(example_stacks: dict[str, StackDoc]) -> None:
    for stack, doc in account_stacks(example_stacks).items():
        account_id = ACCOUNTS[stack.split("-")[0]]
        if "aws" not in doc["provider"]:  # only stacks that use a provider declare it (tests/test_providers_used.py)
            assert not any(name.startswith("aws_") for name in doc.get("resource", {})), stack
            assert "awscc" in doc["provider"], stack
            (awscc,) = doc["provider"]["awscc"]
            assert awscc["assume_role"]["role_arn"] == f"arn:aws:iam::{account_id}:role/smus-deploy", stack
            continue
        providers = doc["provider"]["aws"]
        # Ops stacks also have us-east-1's (alias global_events): IAM's CloudTrail events reach EventBridge only there.
        assert len(providers) == (2 if stack.endswith("-ops") else 1), stack
        if stack.endswith("-bootstrap"):
            (aws,) = providers
            assert aws["allowed_account_ids"] == [account_id], stack
            # Applied by an administrator with their own credentials: the deploy role does not exist before it.
            assert "assume_role" not in aws and "awscc" not in doc["provider"], stack
            assert {"CostCenter", "DataClassification", "Environment"} <= set(aws["default_tags"][0]["tags"]), stack
            continue
        for aws in providers:
            assert aws["allowed_account_ids"] == [account_id], stack
            assert aws["assume_role"][0]["role_arn"] == f"arn:aws:iam::{account_id}:role/smus-deploy", stack
            tags = aws["default_tags"][0]["tags"]
            assert {"CostCenter", "DataClassification", "Environment"} <= set(tags), stack
        for awscc in doc["provider"].get("awscc", []):
            assert awscc["assume_role"]["role_arn"] == f"arn:aws:iam::{account_id}:role/smus-deploy", stack


def test_projects_layer_reads_the_platform_layer_through_remote_state(example_stacks: dict[str, StackDoc]) -> None:
    for account, account_id in ACCOUNTS.items():
        projects = example_stacks[f"{account}-projects"]
        remote = projects["data"]["terraform_remote_state"]
        (ref,) = remote.values()
        assert ref["config"]["key"] == f"smus/{account_id}/platform.tfstate"
        for profile in resources(projects)["awscc_datazone_project_profile"].values():
            assert profile["domain_identifier"].startswith("${data.terraform_remote_state."), profile[
                "domain_identifier"
            ]
        outputs = example_stacks[f"{account}-platform"]["output"]
        assert any(name.startswith("cross-stack-output-") for name in outputs)


def test_project_and_profile_names_meet_the_aws_pattern(example_stacks: dict[str, StackDoc]) -> None:
    checked = 0
    for stack, doc in example_stacks.items():
        for rtype in ("awscc_datazone_project", "awscc_datazone_project_profile"):
            for body in resources(doc).get(rtype, {}).values():
                checked += 1
                assert NAME.match(body["name"]), f"{stack}: {rtype} name {body['name']!r}"
    # 3 + 2 + 2 projects, plus the model-governance and admin projects, and 3 profiles (one model governance) each.
    assert checked == (7 + 2 * 3) + 3 * 3


def test_example_estate_uses_the_example_subclass_and_a_bedrock_blueprint(example_stacks: dict[str, StackDoc]) -> None:
    dev = example_stacks["dev-projects"]
    memberships = resources(dev)["awscc_datazone_project_membership"].values()
    assert any(m["member"] == {"group_identifier": "7448b4a8-d0c1-70f2-8a9b-0c1d2e3f4a5b"} for m in memberships)
    lookups = example_stacks["dev-platform"]["data"]["aws_datazone_environment_blueprint"].values()
    names = {lookup["name"] for lookup in lookups}
    assert {"Tooling", "DataLake", "RedshiftServerless"} <= names
    assert any(name.startswith("AmazonBedrock") for name in names)
    assert len(resources(dev)["awscc_datazone_project_profile"]) >= 2
