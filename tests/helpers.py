"""Small helpers shared by the construct tests: a bare stack with both providers, synth to JSON, clear asserts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cdktn import TerraformStack, Testing
from cdktn_provider_aws.provider import AwsProvider
from cdktn_provider_awscc.provider import AwsccProvider

from smus_constructs.blueprint import BlueprintProps, UnifiedStudioBlueprint
from smus_constructs.blueprint_names import BlueprintName
from smus_constructs.domain import DomainProps, UnifiedStudioDomain

ACCOUNT = "123456789012"
REGION = "eu-west-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/Given"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0f0f0f0f-0000-4000-8000-0f0f0f0f0f0f"

Doc = dict[str, Any]


def new_stack(name: str = "test") -> TerraformStack:
    """A stack in its own app, with aws and awscc providers, as a product team's repository would have."""
    stack = TerraformStack(Testing.app(), name)
    AwsProvider(stack, "aws", region=REGION)
    AwsccProvider(stack, "awscc", region=REGION)
    return stack


def synth(stack: TerraformStack) -> Doc:
    """The stack's Terraform JSON as Testing.synth gives it (validations run; `//` metadata dropped)."""
    doc: Doc = json.loads(Testing.synth(stack, run_validations=True))
    return doc


def full_synth(stack: TerraformStack) -> Doc:
    """The stack's cdk.tf.json exactly as written to disk, `//` comments included."""
    outdir = Path(Testing.full_synth(stack))
    doc: Doc = json.loads((outdir / "stacks" / stack.node.id / "cdk.tf.json").read_text())
    return doc


def only(doc: Doc, resource_type: str, *, kind: str = "resource") -> Doc:
    """The single resource of a type; fails listing what is there when there are none or several."""
    items = doc.get(kind, {}).get(resource_type, {})
    assert len(items) == 1, f"expected one {resource_type}, found {sorted(items)}"
    body: Doc = next(iter(items.values()))
    return body


def all_of(doc: Doc, resource_type: str, *, kind: str = "resource") -> dict[str, Doc]:
    items: dict[str, Doc] = doc.get(kind, {}).get(resource_type, {})
    return items


def by_path(doc: Doc, resource_type: str, path_suffix: str) -> Doc:
    """A resource found by the end of its construct path (from the `//` metadata of a full synth)."""
    matches = [
        body
        for body in all_of(doc, resource_type).values()
        if body.get("//", {}).get("metadata", {}).get("path", "").endswith(path_suffix)
    ]
    assert len(matches) == 1, f"expected one {resource_type} at */{path_suffix}, found {len(matches)}"
    return matches[0]


def assert_subset(actual: Any, expected: Any, where: str = "") -> None:
    """Assert every key/value of ``expected`` is in ``actual`` (recursively), naming the first path that differs."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where or '(root)'}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key}: missing; present keys: {sorted(actual)}"
            assert_subset(actual[key], value, f"{where}.{key}")
    else:
        assert actual == expected, f"{where or '(root)'}: expected {expected!r}, got {actual!r}"


def make_domain(stack: TerraformStack, **overrides: Any) -> UnifiedStudioDomain:
    props: dict[str, Any] = {"name": "test-domain", "account_id": ACCOUNT, "region": REGION}
    props.update(overrides)
    return UnifiedStudioDomain(stack, "Domain", DomainProps(**props))


def make_blueprint(
    stack: TerraformStack, domain: UnifiedStudioDomain, name: BlueprintName | str, **overrides: Any
) -> UnifiedStudioBlueprint:
    props: dict[str, Any] = {
        "domain": domain,
        "name": name,
        "provisioning_role_arn": ROLE,
        "manage_access_role_arn": ROLE,
    }
    props.update(overrides)
    return UnifiedStudioBlueprint(stack, f"Blueprint-{name}", BlueprintProps(**props))


def resolve(stack: TerraformStack, value: str) -> str:
    """What a token becomes in Terraform JSON: write it to a probe output, synthesise, read it back."""
    from cdktn import TerraformOutput

    probe = f"probe{len(stack.node.children)}"
    TerraformOutput(stack, probe, value=value)
    resolved: str = synth(stack)["output"][probe]["value"]
    return resolved
