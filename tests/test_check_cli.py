"""`smus check`, synth-time enforcement, and the security-owned governance file, end to end.

The deliberately bad estate (tests/fixtures/bad_estate/) must fail with exactly the expected rule IDs in both
engines; the example estate must be clean.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from config.errors import ConfigError
from config.governance import DEFAULT_GOVERNANCE_PATH, load_governance
from config.loader import load_estate
from smus_cli.app import app
from smus_cli.check import CheckResult, check, run_check
from smus_cli.synth import synthesise
from smus_rules.errors import RuleFailures
from smus_rules.model import Status, Suppression
from tests.estate import FIXTURE_ACCOUNTS, FIXTURE_GOVERNANCE

BAD_ESTATE = Path(__file__).parent / "fixtures" / "bad_estate"
BAD_ACCOUNTS = BAD_ESTATE / "accounts"
EXPECTED_BAD_RULES = {"SMUS-006", "SMUS-007", "SMUS-015"}


@pytest.fixture(scope="module")
def bad_check() -> CheckResult:
    return check(BAD_ACCOUNTS, with_checkov=False)


@pytest.fixture(scope="module")
def example_check() -> CheckResult:
    return check(FIXTURE_ACCOUNTS, with_checkov=False)


def test_example_estate_is_clean_in_both_engines(example_check: CheckResult) -> None:
    assert example_check.failures == [], "\n".join(item.text() for item in example_check.failures)
    assert example_check.rego_denies == 0
    assert example_check.disagreements == []
    assert example_check.ok
    assert {item.rule_id for item in example_check.findings if item.status is Status.COMPLIANT} >= {
        "SMUS-001",
        "SMUS-002",
        "SMUS-003",
        "SMUS-004",
        "SMUS-007",
        "SMUS-015",
    }


def test_bad_estate_fails_exactly_the_expected_rules_in_both_engines(bad_check: CheckResult) -> None:
    python_rules = {item.rule_id for item in bad_check.failures}
    rego_rules = {line.split(" ", 1)[0] for result in bad_check.rego.values() for line in result.deny}
    assert python_rules == EXPECTED_BAD_RULES
    assert rego_rules == EXPECTED_BAD_RULES
    assert bad_check.disagreements == []
    assert not bad_check.ok


def test_bad_estate_failures_say_where_what_and_how_to_fix(bad_check: CheckResult) -> None:
    by_rule = {item.rule_id: item for item in bad_check.failures}
    blueprint = by_rule["SMUS-006"]
    assert blueprint.stack == "vault-platform"
    assert blueprint.path == "vault-platform/Blueprint-EmrOnEks/Resource"
    assert "EmrOnEks is not approved" in blueprint.message and "approved_blueprints" in blueprint.fix
    locked = [item for item in bad_check.failures if item.rule_id == "SMUS-015"]
    assert {item.path for item in locked} == {
        "vault-projects/Profile-Analytics/Resource",
        "vault-projects/Profile-ML_and_GenAI/Resource",
    }
    assert "sagemakerDomainNetworkType = 'VpcOnly'" in locked[0].message
    assert {item.stack for item in bad_check.failures if item.rule_id == "SMUS-007"} == {
        "lab-bootstrap",
        "lab-platform",
        "lab-projects",
        "lab-ops",
    }


def test_suppressions_are_applied_listed_and_checked_for_staleness(bad_check: CheckResult) -> None:
    suppressed = [item for item in bad_check.findings if item.status is Status.SUPPRESSED]
    assert [(item.rule_id, item.path) for item in suppressed] == [
        ("SMUS-006", "lab-platform/Blueprint-PartnerApps/Resource")
    ]
    assert suppressed[0].suppression is not None and "SEC-REV-2025-31" in suppressed[0].suppression.reason
    assert bad_check.rego["lab-platform"].warn == [
        "SMUS-006 lab-platform/Blueprint-PartnerApps/Resource "
        "(aws_datazone_environment_blueprint_configuration.Blueprint-PartnerApps_EC0487E7) suppressed: "
        "Partner apps pilot in the lab account, approved by security (SEC-REV-2025-31)"
    ]
    assert [(s.rule_id, s.path) for s in bad_check.unused_suppressions] == [("SMUS-011", "lab-projects/**/LegacyRole")]


def test_synth_of_the_bad_estate_fails_with_every_finding_and_writes_nothing(tmp_path: Path) -> None:
    outdir = tmp_path / "out"
    with pytest.raises(RuleFailures) as raised:
        synthesise(BAD_ACCOUNTS, outdir)
    assert not outdir.exists()
    assert {item.rule_id for item in raised.value.failures} == EXPECTED_BAD_RULES
    message = str(raised.value)
    assert "SMUS-006 vault-platform/Blueprint-EmrOnEks/Resource" in message
    assert "Fix: remove [blueprints.EmrOnEks]" in message


def test_the_aspect_finds_what_check_finds_on_disk(tmp_path: Path, bad_check: CheckResult) -> None:
    """The Aspect evaluates `stack.to_terraform()` at synth; check evaluates the files. Same findings."""
    with pytest.raises(RuleFailures) as raised:
        synthesise(BAD_ACCOUNTS, tmp_path / "out")
    assert sorted(item.key() for item in raised.value.failures) == sorted(item.key() for item in bad_check.failures)


def test_check_command_prints_the_table_writes_reports_and_exits_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["check", "--config-dir", str(BAD_ACCOUNTS), "--report-dir", str(tmp_path), "--no-checkov"],
        terminal_width=200,
    )
    assert result.exit_code == 1, result.output
    assert "vault-platform/Blueprint-EmrOnEks/Resource" in result.output
    assert "suppressed" in result.output and "SEC-REV-2025-31" in result.output
    assert "FAILED" in result.output
    report = json.loads((tmp_path / "governance-report.json").read_text())
    assert report["ok"] is False
    assert {f["rule"] for f in report["findings"] if f["status"] == "non-compliant"} == EXPECTED_BAD_RULES
    sarif = json.loads((tmp_path / "governance-report.sarif").read_text())
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results if r["level"] == "error"} == EXPECTED_BAD_RULES
    notes = [r for r in results if r["level"] == "note"]
    assert notes[0]["suppressions"][0]["justification"].startswith("Partner apps pilot")
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("lab.toml")
    data = json.loads((tmp_path / "rego-data.json").read_text())
    assert data["smus_governance"]["stacks"]["vault-projects"]["protected"] is True


def test_check_fails_closed_when_checkov_is_missing_and_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    monkeypatch.setenv("SMUS_CHECKOV", str(tmp_path / "no-checkov"))
    out = Console(record=True, width=200)
    code = run_check(FIXTURE_ACCOUNTS, None, ["dev"], tmp_path, (), with_checkov=True, show_all=False, out=out, err=out)
    printed = out.export_text()
    assert code == 1, printed
    assert "checkov:   NOT INSTALLED" in printed and "make checkov-install" in printed, printed
    verdicts = [line.strip() for line in printed.splitlines() if line.strip() in ("PASSED", "FAILED")]
    assert verdicts == ["FAILED"], printed
    report = json.loads((tmp_path / "governance-report.json").read_text())
    assert report["ok"] is False and report["checkov"]["status"] == "not installed"


def test_check_exits_2_on_a_bad_governance_file(tmp_path: Path) -> None:
    governance = tmp_path / "governance.toml"
    governance.write_text('mandatory_tags = ["CostCenter"]\n[approved_blueprints]\ndefault = ["Toolin"]\n')
    result = CliRunner().invoke(
        app,
        ["check", "--config-dir", str(FIXTURE_ACCOUNTS), "--governance", str(governance), "--no-checkov"],
        terminal_width=200,
    )
    assert result.exit_code == 2, result.output
    assert "approved_blueprints.default[0]" in result.output


def write_governance(tmp_path: Path, suppression: str) -> Path:
    path = tmp_path / "governance.toml"
    path.write_text(
        '[approved_blueprints]\ndefault = ["Tooling"]\n\n[[suppressions]]\n' + suppression, encoding="utf-8"
    )
    return path


def test_a_suppression_without_a_reason_is_refused(tmp_path: Path) -> None:
    path = write_governance(tmp_path, 'rule = "SMUS-011"\npath = "dev-projects/Role"\n')
    with pytest.raises(ConfigError) as raised:
        load_governance(path)
    (issue,) = raised.value.issues
    assert issue.field == "suppressions[0].reason"
    assert "a suppression without a reason is refused" in issue.accepted


def test_a_suppression_with_an_empty_or_token_reason_is_refused(tmp_path: Path) -> None:
    path = write_governance(tmp_path, 'rule = "SMUS-011"\npath = "dev-projects/Role"\nreason = "ok"\n')
    with pytest.raises(ConfigError, match="at least 20 characters"):
        load_governance(path)
    with pytest.raises(ValueError, match="one without a reason is refused"):
        Suppression(rule_id="SMUS-011", path="dev-projects/Role", reason="  ")


def test_governance_errors_name_file_field_value_and_what_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "governance.toml"
    path.write_text(
        '[approved_blueprints]\ndefault = ["Tooling"]\n[approved_blueprints.accounts]\nqa = ["Tooling"]\n\n'
        '[[suppressions]]\nrule = "SMUS-999"\npath = "**"\nreason = "a reason that is long enough"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_governance(path, load_estate(FIXTURE_ACCOUNTS))
    text = str(raised.value)
    assert f"{path}: suppressions[0].rule = 'SMUS-999': expected a rule ID of the pack: SMUS-001" in text
    assert "suppressions[0].path = '**'" in text and "naming at least a stack" in text
    with pytest.raises(
        ConfigError, match=r"approved_blueprints\.accounts\.qa = 'qa': expected an account of the estate"
    ):
        path.write_text('[approved_blueprints]\ndefault = ["Tooling"]\n[approved_blueprints.accounts]\nqa = []\n')
        load_governance(path, load_estate(FIXTURE_ACCOUNTS))


def test_the_project_governance_file_is_owned_by_security() -> None:
    codeowners = (Path(__file__).parent.parent / ".github" / "CODEOWNERS").read_text()
    assert "/config/governance.toml @acme/security" in codeowners
    assert DEFAULT_GOVERNANCE_PATH.is_file()
    load_governance(FIXTURE_GOVERNANCE, load_estate(FIXTURE_ACCOUNTS))


def test_synth_records_applied_suppressions_in_the_manifest(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts"
    accounts.mkdir()
    (accounts / "dev.toml").write_text((FIXTURE_ACCOUNTS / "dev.toml").read_text())
    shutil.copytree(FIXTURE_ACCOUNTS / "identities", accounts / "identities")  # the names' identity lock
    (tmp_path / "governance.toml").write_text(
        '[approved_blueprints]\ndefault = ["Tooling", "RedshiftServerless", "MLExperiments", '
        '"AmazonBedrockChatAgent"]\n'
        '[[suppressions]]\nrule = "SMUS-006"\npath = "dev-platform/Blueprint-DataLake"\n'
        'reason = "DataLake review pending until the end of the quarter (SEC-77)"\n'
    )
    synthesise(accounts, tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    notes = [(a["constructPath"], a["message"]) for a in manifest["stacks"]["dev-platform"]["annotations"]]
    assert notes == [
        (
            "dev-platform/Blueprint-DataLake/Resource",
            "SMUS-006 suppressed: DataLake review pending until the end of the quarter (SEC-77)",
        )
    ]


def test_every_file_of_accepted_exceptions_and_guardrails_is_owned_by_security() -> None:
    codeowners = (Path(__file__).parent.parent / ".github" / "CODEOWNERS").read_text()
    owned = {line.split()[0] for line in codeowners.splitlines() if "@acme/security" in line and line.startswith("/")}
    for name in ("governance.toml", "iam-analyser-suppressions.toml", "checkov-skips.toml", "organization.toml"):
        assert (Path(__file__).parent.parent / "config" / name).is_file(), name
        assert f"/config/{name}" in owned, f"/config/{name} has no security code owner"
