"""The deploy order across accounts (issue 14): `smus ci-matrix --by batch` cuts the apply order into runs of one
account's stacks, and every stack's synthesised dependencies are applied before it - checked against cdktn's manifest
of the associated estate (prod shares its domain with prod-ml), never against a list written here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from config.loader import load_estate
from smus_cli.app import app
from smus_cli.apply_order import ApplyBatch, apply_batches, manifest_dependencies, order_issues
from smus_cli.ci_matrix import AccountTarget, build_matrix, ordered_targets, stack_apply_order
from smus_cli.synth import synthesise
from tests.estate import FIXTURE_ACCOUNTS
from tests.test_associations_config import associated_estate

runner = CliRunner()


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the associated estate's config folder, its synthesised manifest.json)."""
    root = tmp_path_factory.mktemp("apply-order")
    config_dir = associated_estate(root)
    synthesise(config_dir, root / "cdktf.out")
    return config_dir, root / "cdktf.out" / "manifest.json"


@pytest.fixture(scope="module")
def batches(estate: tuple[Path, Path]) -> list[ApplyBatch[AccountTarget]]:
    return apply_batches(stack_apply_order(ordered_targets(load_estate(estate[0]))))


def jobs(batches: list[ApplyBatch[AccountTarget]]) -> list[list[str]]:
    return [list(batch.stacks) for batch in batches]


def test_batches_are_runs_of_one_accounts_stacks_with_the_member_between_the_domain_accounts_layers(
    batches: list[ApplyBatch[AccountTarget]],
) -> None:
    assert [(batch.index, batch.target.account, batch.stacks) for batch in batches] == [
        (1, "dev", ("dev-platform", "dev-projects", "dev-ops")),
        (2, "staging", ("staging-platform", "staging-projects", "staging-ops")),
        (3, "prod", ("prod-platform",)),
        (4, "prod-ml", ("prod-ml-platform", "prod-ml-ops")),
        (5, "prod", ("prod-projects", "prod-ops")),
    ]
    # Each batch holds its own account's role and environment: no job applies another account's stack.
    for batch in batches:
        assert all(stack.removesuffix(stack.rsplit("-", 1)[1]) == f"{batch.target.account}-" for stack in batch.stacks)
    assert batches[3].target.role_arn == "arn:aws:iam::444444444444:role/smus-deploy"
    assert batches[3].target.deploy_environment == "prod-ml"


def test_every_stack_a_stack_depends_on_is_applied_in_the_same_or_an_earlier_batch(
    estate: tuple[Path, Path], batches: list[ApplyBatch[AccountTarget]]
) -> None:
    dependencies = manifest_dependencies(estate[1])
    place = {stack: (batch.index, i) for batch in batches for i, stack in enumerate(batch.stacks)}
    assert set(place) <= set(dependencies), "every CI stack is synthesised"
    checked = []
    for stack, at in place.items():
        for dependency in dependencies[stack]:
            if dependency in place:  # bootstrap and guardrails stacks are an administrator's, applied first
                assert place[dependency] < at, (
                    f"{stack} (batch {at[0]}) before {dependency} (batch {place[dependency][0]})"
                )
                checked.append((dependency, stack))
    # Not vacuous: the cross-account dependencies are in the manifest, and each crosses a batch boundary.
    assert ("prod-platform", "prod-ml-platform") in checked and ("prod-ml-platform", "prod-projects") in checked
    assert ("dev-platform", "dev-ops") in checked, "ops reads the platform's domain key alias"
    assert place["prod-platform"][0] < place["prod-ml-platform"][0] < place["prod-projects"][0]
    assert order_issues(jobs(batches), dependencies) == []


def test_a_planted_wrong_order_is_named(estate: tuple[Path, Path], batches: list[ApplyBatch[AccountTarget]]) -> None:
    dependencies = manifest_dependencies(estate[1])
    member_first = jobs(batches)
    member_first[2], member_first[3] = member_first[3], member_first[2]
    assert order_issues(member_first, dependencies) == [
        "prod-ml-platform (job 3) depends on prod-platform, which this order applies in job 4"
    ]
    reversed_dev = jobs(batches)
    reversed_dev[0].reverse()
    assert order_issues(reversed_dev, dependencies) == [
        "dev-ops (job 1) depends on dev-platform, which this order applies later in the same job",
        "dev-projects (job 1) depends on dev-platform, which this order applies later in the same job",
    ]


def test_one_job_per_account_is_refused_since_prod_projects_would_precede_the_members_blueprints(
    estate: tuple[Path, Path],
) -> None:
    config_dir, manifest = estate
    per_account = runner.invoke(
        app, ["ci-matrix", "--config-dir", str(config_dir), "--by", "account", "--manifest", str(manifest)]
    )
    assert per_account.exit_code == 2, per_account.output
    assert "prod-projects (job 3) depends on prod-ml-platform, which this order applies in job 4" in per_account.stderr
    by_batch = runner.invoke(
        app, ["ci-matrix", "--config-dir", str(config_dir), "--by", "batch", "--manifest", str(manifest)]
    )
    assert by_batch.exit_code == 0, by_batch.output
    assert [entry["stacks"] for entry in json.loads(by_batch.stdout)["include"]][2:] == [
        "prod-platform",
        "prod-ml-platform prod-ml-ops",
        "prod-projects prod-ops",
    ]


def test_a_batch_entry_is_its_accounts_entry_with_the_batchs_stacks_and_place(estate: tuple[Path, Path]) -> None:
    targets = ordered_targets(load_estate(estate[0]))
    accounts = {entry["account"]: entry for entry in build_matrix(targets, "account")["include"]}
    entries = build_matrix(targets, "batch")["include"]
    assert [(entry["batch"], entry["batch_count"]) for entry in entries] == [(i, 5) for i in range(1, 6)]
    for entry in entries:
        account = accounts[entry["account"]]
        assert set(entry) == set(account) | {"batch", "batch_count"}
        assert {key: value for key, value in entry.items() if key not in ("stacks", "batch", "batch_count")} == {
            key: value for key, value in account.items() if key != "stacks"
        }
        assert set(entry["stacks"].split()) <= set(account["stacks"].split())
    assert entries[3]["domain_account"] == "prod" and entries[3]["drift_role_arn"].startswith("arn:aws:iam::4444")


def test_without_members_each_account_is_one_batch() -> None:
    targets = ordered_targets(load_estate(FIXTURE_ACCOUNTS))
    batches = build_matrix(targets, "batch")["include"]
    assert [(entry["account"], entry["stacks"]) for entry in batches] == [
        (target.account, target.stacks) for target in targets
    ]


def stale(tmp_path: Path, manifest: Path, **changes: Any) -> Path:
    document = json.loads(manifest.read_text())
    for name, body in changes.items():
        if body is None:
            del document["stacks"][name.replace("_", "-")]
        else:
            document["stacks"][name.replace("_", "-")]["dependencies"] = body
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(document))
    return path


def test_a_manifest_from_other_config_or_of_another_shape_is_refused_by_name(
    estate: tuple[Path, Path], tmp_path: Path
) -> None:
    config_dir, manifest = estate
    missing = stale(tmp_path, manifest, prod_ml_ops=None)
    result = runner.invoke(
        app, ["ci-matrix", "--config-dir", str(config_dir), "--by", "batch", "--manifest", str(missing)]
    )
    assert result.exit_code == 2
    assert "prod-ml-ops (job 4) is not in the synthesised manifest: synthesise from the same config" in result.stderr
    planted = stale(tmp_path, manifest, dev_platform=["prod-ops"])
    result = runner.invoke(
        app, ["ci-matrix", "--config-dir", str(config_dir), "--by", "batch", "--manifest", str(planted)]
    )
    assert result.exit_code == 2
    assert "dev-platform (job 1) depends on prod-ops, which this order applies in job 5" in result.stderr
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"stacks": {"dev-ops": {"dependencies": "dev-platform"}}}))
    result = runner.invoke(app, ["ci-matrix", "--config-dir", str(config_dir), "--by", "batch", "--manifest", str(bad)])
    assert result.exit_code == 2
    assert "stacks.dev-ops.dependencies = 'dev-platform': expected a list of stack names" in result.stderr
    bad.write_text("[]")
    result = runner.invoke(app, ["ci-matrix", "--config-dir", str(config_dir), "--by", "batch", "--manifest", str(bad)])
    assert result.exit_code == 2 and "stacks = None: expected cdktn's manifest.json" in result.stderr
    assert runner.invoke(app, ["ci-matrix", "--config-dir", str(config_dir), "--by", "region"]).exit_code == 2


def test_the_deploy_workflow_reads_the_batch_matrix_checked_against_the_manifest() -> None:
    from tests.test_workflows import load, step_named

    synth = step_named("deploy.yml", "synth", "Apply batches, roles and environments from config")["run"]
    assert "smus ci-matrix --by batch --manifest cdktf.out/manifest.json" in synth
    # The status of a refused order is not hidden behind `echo "$(...)"`.
    assert synth.splitlines()[0].startswith("matrix=$(") and 'echo "matrix=$matrix"' in synth
    names = [step.get("name") for step in load("deploy.yml")["jobs"]["synth"]["steps"]]
    assert names.index("Synthesise") < names.index("Apply batches, roles and environments from config")
    job = load("deploy.yml")["jobs"]["deploy"]
    assert "${{ matrix.batch }}" in job["name"] and "${{ matrix.account }}" in job["name"]
    upload = job["steps"][-1]
    assert upload["with"]["name"] == "evidence-${{ matrix.account }}-${{ matrix.batch }}"
