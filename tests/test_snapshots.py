"""A syrupy snapshot of every synthesised stack of the example estate: the reviewable diff of any change."""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from tests.conftest import StackDoc

STACKS = [
    *(f"{account}-{layer}" for account in ("dev", "staging", "prod") for layer in ("platform", "projects", "ops")),
    "organization-guardrails",  # tests/fixtures/estate/organization.toml
]
# The bootstrap stacks are snapshotted in tests/test_bootstrap.py.


@pytest.fixture()
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("stack", STACKS)
def test_stack_matches_snapshot(
    stack: str, example_stacks: dict[str, StackDoc], json_snapshot: SnapshotAssertion
) -> None:
    assert example_stacks[stack] == json_snapshot
