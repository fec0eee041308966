"""Every stack declares exactly the providers its resources and data sources use: no more, no fewer.

A provider a stack does not use still has to be installed, configured and given credentials (awscc assumes the deploy
role) on every plan, and a provider a stack uses without declaring it would run with no assumed role and no account
pin. Terraform's built-in `terraform` provider (`terraform_data`, `terraform_remote_state`) is never declared.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import StackDoc

BUILT_IN = "terraform"


def provider_of(type_name: str) -> str:
    """`awscc_datazone_project` -> `awscc`: a Terraform type name starts with its provider's local name."""
    return type_name.split("_", 1)[0]


def used_providers(stack: StackDoc) -> set[str]:
    types: set[str] = set(stack.get("resource", {})) | set(stack.get("data", {}))
    return {provider_of(name) for name in types} - {BUILT_IN}


def declared(stack: StackDoc) -> dict[str, set[str]]:
    required: dict[str, Any] = stack.get("terraform", {}).get("required_providers", {})
    return {"provider blocks": set(stack.get("provider", {})), "required_providers": set(required)}


def test_every_stack_declares_exactly_the_providers_it_uses(example_stacks: dict[str, StackDoc]) -> None:
    assert len(example_stacks) == 13  # 3 accounts x 4 layers, and organization-guardrails
    seen = {name: used_providers(stack) for name, stack in example_stacks.items()}
    assert any(used == {"aws"} for used in seen.values()), "expected some aws-only stack (ops, bootstrap)"
    assert any("awscc" in used for used in seen.values()), "expected some stack that uses awscc"
    mismatches = {
        name: {"uses": seen[name], **declared(stack)}
        for name, stack in example_stacks.items()
        if any(found != seen[name] for found in declared(stack).values())
    }
    assert mismatches == {}


def test_ops_stacks_have_no_awscc(example_stacks: dict[str, StackDoc]) -> None:
    ops = {name: stack for name, stack in example_stacks.items() if name.endswith("-ops")}
    assert ops, "no ops stack synthesised"
    assert {name: sorted(declared(stack)["provider blocks"]) for name, stack in ops.items()} == {
        name: ["aws"] for name in ops
    }


@pytest.mark.parametrize(
    ("stack", "expected"),
    [
        ({"resource": {"aws_iam_role": {}}, "data": {"terraform_remote_state": {}}}, {"aws"}),
        ({"resource": {"awscc_datazone_project": {}, "terraform_data": {}}}, {"awscc"}),
        ({}, set()),
    ],
)
def test_used_providers_reads_resource_and_data_types(stack: StackDoc, expected: set[str]) -> None:
    assert used_providers(stack) == expected
