"""Terraform itself parses every synthesised stack: the JSON forms cdktn emits are not all ones Terraform accepts.

`terraform init` reads and checks the whole configuration before it looks for providers. With an empty
`-plugin-dir` it never touches the network, so a stack whose only error is "Failed to query available provider
packages" parsed cleanly; anything else (an invalid `lifecycle` expression, a bad block) is a real defect.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PROVIDER_STAGE = "Failed to query available provider packages"
TERRAFORM = shutil.which("terraform")


def configuration_errors(stack_dir: Path, work: Path) -> list[str]:
    """Error headings other than the provider lookup, from an offline `terraform init` of a copy of the stack."""
    assert TERRAFORM is not None, "terraform is not on PATH; this machine image ships it (see README)"
    copy = work / stack_dir.name
    copy.mkdir(parents=True)
    shutil.copy(stack_dir / "cdk.tf.json", copy / "cdk.tf.json")
    plugins = work / "no-plugins"
    plugins.mkdir(exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key != "TF_CLI_CONFIG_FILE"}
    result = subprocess.run(
        [TERRAFORM, "init", "-backend=false", "-input=false", "-no-color", f"-plugin-dir={plugins}"],
        cwd=copy,
        env={**env, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    headings = re.findall(r"^Error: (.+)$", result.stdout + result.stderr, flags=re.MULTILINE)
    errors = sorted({h for h in headings if h != PROVIDER_STAGE and not h.startswith("Terraform encountered problems")})
    if not errors:  # parsed: then init must have got as far as looking for providers, or the check proved nothing
        assert PROVIDER_STAGE in headings, f"{stack_dir.name}: init never reached the provider stage:\n{result.stderr}"
    return errors


def test_every_stack_of_the_example_estate_parses(example_outdir: Path, tmp_path: Path) -> None:
    stacks = sorted((example_outdir / "stacks").iterdir())
    assert len(stacks) == 13  # 3 accounts x 4 layers, and organization-guardrails
    assert {stack.name: configuration_errors(stack, tmp_path) for stack in stacks} == {s.name: [] for s in stacks}


@pytest.mark.parametrize(
    "lifecycle",
    [{"replace_triggered_by": ["${terraform_data.trigger}"]}, {"ignore_changes": ["${name}"]}],
)
def test_the_check_catches_an_interpolated_lifecycle_reference(tmp_path: Path, lifecycle: dict[str, list[str]]) -> None:
    import json

    stack = tmp_path / "stacks" / "broken"
    stack.mkdir(parents=True)
    document = {
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "6.69.1"}}},
        "resource": {
            "terraform_data": {"trigger": {"input": "x"}},
            "aws_sns_topic": {"topic": {"name": "t", "lifecycle": lifecycle}},
        },
    }
    (stack / "cdk.tf.json").write_text(json.dumps(document))
    assert "Invalid expression" in configuration_errors(stack, tmp_path / "work")
