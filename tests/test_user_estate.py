"""Checks that hold for *any* valid estate in `config/`, and adding an account with `smus new-account`.

Every other test reads the fixture estate (tests/estate.py). These read whatever a platform team keeps in
`config/accounts/` - three accounts or thirty - and assert only what must hold for all of them: the files validate,
the estate synthesises and passes `smus check` (rule pack, Rego and checkov), and one more account copied from an
existing one with a new name and ID passes the same, without editing any reviewed file by hand.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from config.governance import load_governance, load_governance_for
from config.loader import DEFAULT_CONFIG_DIR, load_estate
from config.organization_models import load_organization_for
from smus_cli.app import app
from tests.estate import FIXTURE_ACCOUNTS

USER_CONFIG = DEFAULT_CONFIG_DIR.parent
REVIEWED_FILES = ("governance.toml", "checkov-skips.toml", "intended-differences.toml", "guard-allowlist.toml")
runner = CliRunner()


def copy_config(source: Path, target: Path) -> Path:
    """A copy of an estate's accounts and reviewed files; returns the accounts folder."""
    shutil.copytree(source / "accounts", target / "accounts")
    for name in REVIEWED_FILES:
        if (source / name).is_file():
            shutil.copy(source / name, target / name)
    return target / "accounts"


def unused_account_id(accounts: Path) -> str:
    taken = {tomllib.loads(path.read_text())["account"]["account_id"] for path in accounts.glob("*.toml")}
    return next(candidate for n in range(9, 0, -1) if (candidate := str(n) * 12) not in taken)


def test_the_users_accounts_and_governance_validate() -> None:
    accounts = load_estate(DEFAULT_CONFIG_DIR)
    assert accounts, "config/accounts/ holds at least one account file"
    load_governance_for(DEFAULT_CONFIG_DIR, accounts)
    organization = load_organization_for(DEFAULT_CONFIG_DIR, accounts)  # optional: the guardrails' organization.toml
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok  ") == len(accounts) + (organization is not None)


def test_a_new_account_copied_with_a_new_name_and_id_passes_validate_synth_and_check(tmp_path: Path) -> None:
    accounts = copy_config(USER_CONFIG, tmp_path / "config")
    account_id = unused_account_id(accounts)
    created = runner.invoke(app, ["new-account", "newcomer", "--account-id", account_id, "--config-dir", str(accounts)])
    assert created.exit_code == 0, created.output
    assert (accounts / "newcomer.toml").is_file()

    validated = runner.invoke(app, ["validate", "--config-dir", str(accounts)])
    assert validated.exit_code == 0, validated.output
    assert f"newcomer.toml  ({account_id}," in validated.output

    checked = runner.invoke(
        app,
        ["check", "--config-dir", str(accounts), "--report-dir", str(tmp_path / "reports")],
        terminal_width=200,
    )
    assert checked.exit_code == 0, checked.output
    assert "checkov:   passed" in checked.output, checked.output
    for layer in ("bootstrap", "platform", "projects", "ops"):
        assert f"newcomer-{layer}" in (tmp_path / "reports" / "governance-report.json").read_text()


# --- smus new-account, on the fixture estate (known content) ------------------------------------------------------


@pytest.fixture()
def estate(tmp_path: Path) -> Path:
    return copy_config(FIXTURE_ACCOUNTS.parent, tmp_path)


def test_new_account_rewrites_the_templates_id_and_name_and_keeps_its_structure(estate: Path) -> None:
    result = runner.invoke(app, ["new-account", "qa", "--account-id", "444444444444", "--config-dir", str(estate)])
    assert result.exit_code == 0, result.output
    text = (estate / "qa.toml").read_text()
    assert text.splitlines()[0] == (estate / "dev.toml").read_text().splitlines()[0], "the editor's schema line"
    assert "111111111111" not in text
    new, dev = tomllib.loads(text), tomllib.loads((estate / "dev.toml").read_text())
    assert new["account"] == {**dev["account"], "name": "qa", "account_id": "444444444444",
                              "deploy_role_arn": "arn:aws:iam::444444444444:role/smus-deploy"}  # fmt: skip
    assert new["domain"]["name"] == "acme-qa" and new["tags"]["Environment"] == "qa"
    assert [p["name"] for p in new["projects"]] == [p["name"] for p in dev["projects"]]
    assert "# Development account." in text, "comments are kept"
    output = result.output
    assert f"{estate / 'qa.toml'} (new, copied from dev.toml)" in output
    assert "checkov-skips.toml: names dev only, review for qa: CKV_AWS_18 on dev-bootstrap" in output
    assert "intended-differences.toml: covers it by pattern" in output
    assert "[state] kms_key_arn" in output


def test_a_protected_copy_inherits_the_templates_blueprint_approval(estate: Path) -> None:
    result = runner.invoke(
        app, ["new-account", "prod-eu", "--from", "prod", "--account-id", "555555555555", "--config-dir", str(estate)]
    )
    assert result.exit_code == 0, result.output
    governance = estate.parent / "governance.toml"
    approved = tomllib.loads(governance.read_text())["approved_blueprints"]["accounts"]
    assert approved["prod-eu"] == approved["prod"]
    assert f"{governance} (approved_blueprints.accounts.prod-eu copied from prod: security reviews it)" in result.output
    load_governance(governance, load_estate(estate))


def test_new_account_prompts_for_what_flags_leave_out(estate: Path) -> None:
    result = runner.invoke(app, ["new-account", "qa", "--config-dir", str(estate)], input="444444444444\n")
    assert result.exit_code == 0, result.output
    assert "AWS account ID (12 digits)" in result.output
    assert tomllib.loads((estate / "qa.toml").read_text())["account"]["account_id"] == "444444444444"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["QA", "--account-id", "444444444444"], "account.name = 'QA': expected a short lowercase name"),
        (["qa", "--account-id", "4444"], "account.account_id = '4444': expected 12 digits"),
        (["staging", "--account-id", "444444444444"], "staging.toml: (file) = 'exists'"),
        (
            ["qa", "--account-id", "222222222222"],
            "staging.toml: account.account_id = '222222222222': expected an account not already described by qa.toml",
        ),
        (["qa", "--account-id", "444444444444", "--from", "test"], "--from = 'test': expected one of the accounts"),
        (["qa", "--account-id", "444444444444", "--region", "mars-1"], "account.region = 'mars-1'"),
    ],
)
def test_new_account_refuses_bad_input_and_writes_nothing(estate: Path, args: list[str], message: str) -> None:
    before = sorted(path.name for path in estate.parent.rglob("*"))
    governance = (estate.parent / "governance.toml").read_text()
    result = runner.invoke(app, ["new-account", *args, "--config-dir", str(estate)], terminal_width=200)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert sorted(path.name for path in estate.parent.rglob("*")) == before
    assert (estate.parent / "governance.toml").read_text() == governance
