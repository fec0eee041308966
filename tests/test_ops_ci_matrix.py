"""`smus ci-matrix`: role ARNs, stacks and GitHub environments come from config, and match what each role trusts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from config.errors import ConfigError
from config.loader import LoadedAccount, load_account, load_estate
from config.operations_models import OperationsSettings
from smus_cli.app import app
from smus_cli.ci_matrix import account_target, build_matrix, ordered_targets
from tests.estate import FIXTURE_ACCOUNTS

runner = CliRunner()


def dev(**changes: Any) -> LoadedAccount:
    """dev.toml with [bootstrap] github_subjects and/or [operations] replaced."""
    loaded = load_account(FIXTURE_ACCOUNTS / "dev.toml")
    config = loaded.config
    if "subjects" in changes:
        bootstrap = config.bootstrap.model_copy(update={"github_subjects": changes.pop("subjects")})
        config = config.model_copy(update={"bootstrap": bootstrap})
    if changes:
        config = config.model_copy(update={"operations": OperationsSettings(**changes)})
    return LoadedAccount(loaded.path, config)


def test_roles_regions_and_stacks_come_from_config_in_promotion_order() -> None:
    targets = ordered_targets(load_estate(FIXTURE_ACCOUNTS))
    assert [target.account for target in targets] == ["dev", "staging", "prod"]
    for target in targets:
        loaded = load_account(FIXTURE_ACCOUNTS / f"{target.account}.toml")
        assert target.role_arn == loaded.config.account.deploy_role_arn
        assert target.region == loaded.config.account.region
        assert target.stacks == f"{target.account}-platform {target.account}-projects {target.account}-ops"
        assert target.domain_name == loaded.config.the_domain().name


def test_an_account_trusting_main_deploys_and_checks_drift_without_an_environment() -> None:
    target = account_target(dev())
    assert (target.deploy_environment, target.drift_environment) == ("", "")
    assert target.pull_request_plans is True


def test_pull_requests_and_drift_plan_with_the_plan_role_and_never_in_the_deploy_environment() -> None:
    target = account_target(dev(subjects=["environment:dev"]))
    assert (target.deploy_environment, target.drift_environment) == ("dev", "")
    assert target.role_arn == "arn:aws:iam::111111111111:role/smus-deploy"
    assert target.plan_role_arn == "arn:aws:iam::111111111111:role/smus-plan"


def test_a_plan_environment_is_the_drift_jobs_only() -> None:
    target = account_target(dev(subjects=["environment:dev"], plan_github_environment="dev-plan"))
    assert (target.deploy_environment, target.drift_environment) == ("dev", "dev-plan")
    assert "pr_environment" not in build_matrix([target])["include"][0]


def test_an_account_whose_plan_role_does_not_trust_pull_requests_is_not_planned_from_them() -> None:
    loaded = dev()
    bootstrap = loaded.config.bootstrap.model_copy(update={"plan_subjects": ["ref:refs/heads/main"]})
    target = account_target(LoadedAccount(loaded.path, loaded.config.model_copy(update={"bootstrap": bootstrap})))
    assert target.pull_request_plans is False
    assert build_matrix([target], pull_request=True) == {"include": []}


def test_an_account_no_workflow_could_deploy_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"bootstrap\.github_subjects = \['ref:refs/heads/release'\].*runs on main"):
        account_target(dev(subjects=["ref:refs/heads/release"]))
    with pytest.raises(ConfigError, match=r"operations\.plan_github_environment = 'dev'.*does not trust"):
        account_target(dev(subjects=["environment:dev"], plan_github_environment="dev"))


def test_matrix_by_stack_keeps_only_the_requested_stacks_and_pull_request_plannable_accounts() -> None:
    targets = ordered_targets(load_estate(FIXTURE_ACCOUNTS))
    matrix = build_matrix(targets, "stack", ["dev-ops", "prod-platform", "staging-projects"])
    assert [entry["stack"] for entry in matrix["include"]] == ["dev-ops", "staging-projects", "prod-platform"]
    pull_request = build_matrix(targets, "stack", ["dev-ops", "prod-platform"], pull_request=True)
    assert [entry["stack"] for entry in pull_request["include"]] == ["dev-ops", "prod-platform"]
    prod = pull_request["include"][1]
    assert prod["plan_role_arn"] == "arn:aws:iam::333333333333:role/smus-plan"
    assert prod["role_arn"] == "arn:aws:iam::333333333333:role/smus-deploy", "deploy.yml reads the same matrix"


def test_command_prints_one_line_of_json_for_github_output() -> None:
    result = runner.invoke(app, ["ci-matrix", "--config-dir", str(FIXTURE_ACCOUNTS)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1
    entries = json.loads(result.stdout)["include"]
    assert [entry["account"] for entry in entries] == ["dev", "staging", "prod"]
    assert entries[2]["role_arn"] == "arn:aws:iam::333333333333:role/smus-deploy"


def test_command_reads_changed_stacks_from_a_file_and_explains_what_it_leaves_out(tmp_path: Path) -> None:
    changed = tmp_path / "changed.txt"
    changed.write_text("dev-bootstrap\ndev-platform\nstaging-ops\n")
    result = runner.invoke(
        app,
        [
            "ci-matrix",
            "--config-dir",
            str(FIXTURE_ACCOUNTS),
            "--by",
            "stack",
            "--pull-request",
            "--stacks-file",
            str(changed),
        ],
    )
    assert result.exit_code == 0, result.output
    assert [entry["stack"] for entry in json.loads(result.stdout)["include"]] == ["dev-platform", "staging-ops"]
    assert "dev-bootstrap is applied by an administrator" in result.stderr


def test_command_refuses_an_unknown_stack_and_an_empty_change_is_an_empty_matrix(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ci-matrix", "--config-dir", str(FIXTURE_ACCOUNTS), "--by", "stack", "--stack", "qa-platform"]
    )
    assert result.exit_code == 2 and "not a stack of this estate: qa-platform" in result.stderr
    empty = tmp_path / "none.txt"
    empty.write_text("")
    result = runner.invoke(
        app, ["ci-matrix", "--config-dir", str(FIXTURE_ACCOUNTS), "--by", "stack", "--stacks-file", str(empty)]
    )
    assert result.exit_code == 0 and json.loads(result.stdout) == {"include": []}
    assert runner.invoke(app, ["ci-matrix", "--config-dir", str(FIXTURE_ACCOUNTS), "--by", "region"]).exit_code == 2


def test_a_protected_account_plans_pull_requests_in_its_reviewed_environment_with_the_drift_role_apart() -> None:
    targets = {target.account: target for target in ordered_targets(load_estate(FIXTURE_ACCOUNTS))}
    prod = targets["prod"]
    assert (prod.plan_environment, prod.pull_request_plans) == ("prod-plan", True)
    assert prod.plan_environment != prod.deploy_environment
    assert prod.drift_role_arn == "arn:aws:iam::333333333333:role/smus-drift"
    assert (targets["dev"].plan_environment, targets["staging"].plan_environment) == ("", "")
    entry = build_matrix([prod], "stack", ["prod-ops"], pull_request=True)["include"][0]
    assert (entry["plan_environment"], entry["drift_role_arn"]) == ("prod-plan", prod.drift_role_arn)
