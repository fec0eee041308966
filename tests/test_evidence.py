"""`smus evidence`: a folder and archive an auditor can read without tools, naming every account, hiding no gap."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

import pytest
from typer.testing import CliRunner

from config.loader import load_estate
from smus_cli.app import app
from smus_cli.evidence import NOT_PROVIDED, account_summary, assemble_evidence, collect_run_info
from tests.estate import FIXTURE_ACCOUNTS

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "audit-inputs"
CHECK = FIXTURES / "check-report.json"
PLAN = FIXTURES / "dev-platform-plan.txt"
GUARD = FIXTURES / "dev-platform-guard.json"
GITHUB_ENV = {
    "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
    "GITHUB_ACTOR": "alice",
    "GITHUB_RUN_ID": "4242",
    "GITHUB_RUN_ATTEMPT": "1",
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "acme/smus-estate",
    "GITHUB_WORKFLOW": "Deploy",
    "GITHUB_REF": "refs/heads/main",
    "GITHUB_EVENT_NAME": "push",
}
LINK = re.compile(r"\]\(([^)]+)\)")
runner = CliRunner()


def links(index: Path) -> list[str]:
    return [unquote(target) for target in LINK.findall(index.read_text()) if not target.startswith("http")]


def test_evidence_for_the_example_estate_names_every_account_and_links_existing_files(
    example_outdir: Path, tmp_path: Path
) -> None:
    output = tmp_path / "evidence" / "run-4242"
    result = runner.invoke(
        app,
        [
            "evidence",
            "--config-dir",
            str(FIXTURE_ACCOUNTS),
            "--synth-dir",
            str(example_outdir),
            "--check-report",
            str(CHECK),
            "--plan-summary",
            str(PLAN),
            "--guard-result",
            str(GUARD),
            "--approved-by",
            "bob",
            "--approved-at",
            "2025-01-02T03:04:05Z",
            "--output",
            str(output),
            "--strict",
        ],
        env=GITHUB_ENV,
    )
    assert result.exit_code == 0, result.output
    index = output / "index.md"
    text = index.read_text()
    for account, account_id in (("dev", "111111111111"), ("staging", "222222222222"), ("prod", "333333333333")):
        assert f"### {account} ({account_id}, eu-west-1)" in text
    assert "| Commit | `0123456789abcdef0123456789abcdef01234567` (from GITHUB_SHA) |" in text
    assert "| Run | [4242](https://github.com/acme/smus-estate/actions/runs/4242/attempts/1) |" in text
    assert "| Approved by | bob |" in text and "| Triggered by | alice |" in text
    targets = links(index)
    assert {"synth/manifest.json", "check/check-report.json", "plans/dev-platform-plan.txt"} <= set(targets)
    assert "guard/dev-platform-guard.json" in targets
    for target in targets:
        assert (output / target).is_file(), f"index.md links {target}, which is not in the folder"
    assert NOT_PROVIDED not in text
    for stack in ("dev-platform", "dev-projects", "dev-ops", "prod-ops"):
        assert f"| {stack} | `" in text


def test_archive_holds_the_folder_and_every_checksum_verifies(example_outdir: Path, tmp_path: Path) -> None:
    run = collect_run_info(env=GITHUB_ENV, cwd=tmp_path)
    result = assemble_evidence(
        accounts=load_estate(FIXTURE_ACCOUNTS),
        output=tmp_path / "run-4242",
        run=run,
        synth_dir=example_outdir,
        check_reports=[CHECK],
    )
    with tarfile.open(result.archive) as tar:
        names = {member.name for member in tar.getmembers() if member.isfile()}
    on_disk = {f"run-4242/{p.relative_to(result.folder).as_posix()}" for p in result.folder.rglob("*") if p.is_file()}
    assert names == on_disk
    for line in (result.folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((result.folder / name).read_bytes()).hexdigest() == digest, name
    document = json.loads((result.folder / "run.json").read_text())
    assert document["run"]["commit"] == GITHUB_ENV["GITHUB_SHA"]
    assert [account["account"] for account in document["accounts"]] == ["dev", "prod", "staging"]


def test_missing_inputs_are_listed_as_not_provided_with_the_reason(tmp_path: Path) -> None:
    output = tmp_path / "run"
    result = runner.invoke(
        app,
        [
            "evidence",
            "--config-dir",
            str(FIXTURE_ACCOUNTS),
            "--synth-dir",
            str(tmp_path / "no-synth"),
            "--plan-summary",
            str(tmp_path / "gone.txt"),
            "--output",
            str(output),
        ],
        env=GITHUB_ENV,
    )
    assert result.exit_code == 0, result.output
    text = (output / "index.md").read_text()
    assert f"| Synth manifest | {NOT_PROVIDED} ({tmp_path}/no-synth/manifest.json does not exist) |" in text
    assert f"| Check report | {NOT_PROVIDED} (no file was given) |" in text
    assert f"| Plan summary | {NOT_PROVIDED} ({tmp_path}/gone.txt does not exist) |" in text
    assert f"| Guard result | {NOT_PROVIDED} (no file was given) |" in text
    assert f"Synthesised stacks: {NOT_PROVIDED}" in text
    assert "not provided: Check report" in result.stderr
    strict = runner.invoke(
        app,
        ["evidence", "--config-dir", str(FIXTURE_ACCOUNTS), "--output", str(tmp_path / "strict"), "--strict"],
        env=GITHUB_ENV,
    )
    assert strict.exit_code == 1


def test_two_files_with_one_name_are_both_kept(tmp_path: Path) -> None:
    first, second = tmp_path / "dev-platform" / "plan.txt", tmp_path / "dev-ops" / "plan.txt"
    for path in (first, second):
        path.parent.mkdir()
        path.write_text(path.parent.name)
    result = assemble_evidence(
        accounts=[],
        output=tmp_path / "run",
        run=collect_run_info(env=GITHUB_ENV, cwd=tmp_path),
        synth_dir=None,
        plan_summaries=[first, second],
    )
    kept = sorted(item.relative_path or "" for item in result.items if item.kind == "Plan summary")
    assert kept == ["plans/dev-ops-plan.txt", "plans/plan.txt"]
    assert (result.folder / "plans" / "dev-ops-plan.txt").read_text() == "dev-ops"


def test_an_existing_output_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    result = runner.invoke(
        app, ["evidence", "--config-dir", str(FIXTURE_ACCOUNTS), "--output", str(tmp_path / "run")], env=GITHUB_ENV
    )
    assert result.exit_code == 2 and "exists already" in result.stderr


def test_commit_falls_back_to_git_then_to_unknown(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "x"], cwd=repo, check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True).stdout
    run = collect_run_info(env={}, cwd=repo, now=datetime(2025, 1, 2, tzinfo=UTC))
    assert (run.commit, run.commit_source) == (head.strip(), "git rev-parse HEAD")
    assert (run.run_id, run.triggered_by, run.approved_by) == ("local", "not recorded", "not recorded")
    assert run.assembled_at == "2025-01-02T00:00:00Z"
    outside = collect_run_info(env={}, cwd=tmp_path / "nowhere-missing")
    assert outside.commit == "unknown"
    assert collect_run_info(env=GITHUB_ENV, cwd=repo, commit="abc").commit_source == "--commit"


def test_account_summary_says_where_the_key_and_roles_come_from() -> None:
    summaries = {summary["account"]: summary for summary in map(account_summary, load_estate(FIXTURE_ACCOUNTS))}
    assert summaries["dev"]["key_mode"] == "created (customer-managed)"
    assert summaries["prod"]["key_mode"].startswith("bring-your-own: arn:aws:kms:eu-west-1:333333333333:key/")
    assert summaries["prod"]["role_modes"]["domain execution"].startswith("given: arn:aws:iam::333333333333:role/")
    assert set(summaries["dev"]["role_modes"].values()) == {"created by the platform stack"}
    assert "Tooling" in summaries["dev"]["blueprints"]
    assert {project["name"] for project in summaries["dev"]["projects"]} >= {"customer-360", "fraud-models"}
    assert summaries["dev"]["stacks"] == ["dev-platform", "dev-projects", "dev-ops"]


@pytest.mark.parametrize("account", ["dev"])
def test_one_account_only(tmp_path: Path, account: str) -> None:
    result = runner.invoke(
        app,
        ["evidence", "--config-dir", str(FIXTURE_ACCOUNTS), "--account", account, "--output", str(tmp_path / "run")],
        env=GITHUB_ENV,
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "run" / "index.md").read_text()
    assert "### dev (" in text and "### prod (" not in text
