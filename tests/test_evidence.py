"""`smus evidence`: a folder and archive an auditor can read without tools, naming every account, hiding no gap."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from typer.testing import CliRunner

from config.loader import load_estate
from smus_cli.app import app
from smus_cli.evidence import NOT_PROVIDED, account_summary, assemble_evidence, collect_run_info, stack_of
from smus_cli.synth import synthesise
from tests.estate import FIXTURE_ACCOUNTS
from tests.test_associations_config import associated_estate
from tests.test_member_adoption_config import DOMAIN_ID, SHARE, TOOLING_ID, adopting_estate

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


# --- member (associated) accounts: the domain they join, the share, their roles' trust (issue 14) -------------------

DOMAIN_ACCOUNT, MEMBER_ACCOUNT = "333333333333", "444444444444"


@pytest.fixture(scope="module")
def associated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The associated estate (the fixture estate with prod-ml joining prod) and its synth folder."""
    root = tmp_path_factory.mktemp("associated-evidence")
    config_dir = associated_estate(root)
    synthesise(config_dir, root / "cdktf.out")
    return config_dir, root / "cdktf.out"


def evidence_of(config_dir: Path, synth_dir: Path, output: Path, *args: str) -> tuple[int, str, dict[str, Any]]:
    result = runner.invoke(
        app,
        ["evidence", "--config-dir", str(config_dir), "--synth-dir", str(synth_dir), "--output", str(output), *args],
        env=GITHUB_ENV,
    )
    if result.exit_code == 2:
        return result.exit_code, result.stderr, {}
    accounts = json.loads((output / "run.json").read_text())["accounts"]
    return result.exit_code, (output / "index.md").read_text(), {a["account"]: a for a in accounts}


def test_a_members_evidence_names_the_domain_it_joins_and_its_roles_trust(
    associated: tuple[Path, Path], tmp_path: Path
) -> None:
    code, text, accounts = evidence_of(*associated, tmp_path / "run", "--account", "prod-ml")
    assert code == 0, text
    assert "Joins the domain `acme-prod` of prod (333333333333, eu-west-1), shared by RAM" in text
    assert "Same organization: no" in text
    assert "Share accepted: `{prod's platform state output shared_domain_share_arn}` (as expected)" in text
    assert (
        "Role `/service-role/acme-prod-ml-provisioning` (boundary `arn:aws:iam::444444444444:policy/"
        "acme-permissions-boundary`): datazone.amazonaws.com may sts:AssumeRole when "
        "`StringEquals aws:SourceAccount = 333333333333`; DataZone only on behalf of the domain account: yes" in text
    )
    assert (
        "when `ArnEquals aws:SourceArn = {prod's platform state output shared_domain_arn}` and "
        "`StringEquals aws:SourceAccount = 333333333333`" in text
    )
    association = accounts["prod-ml"]["association"]
    assert association["joins"] == {
        "account": "prod",
        "account_id": DOMAIN_ACCOUNT,
        "domain": "acme-prod",
        "region": "eu-west-1",
    }
    (state,) = association["domain_state"]
    assert (state["bucket"], state["key"], state["read_with"]) == (
        "acme-smus-tfstate-333333333333",
        "smus/333333333333/platform.tfstate",
        "arn:aws:iam::444444444444:role/smus-deploy",
    )
    assert state["is_the_domain_accounts_platform_state"] is True
    roles = {role["name"]: role for role in association["roles"]}
    assert set(roles) == {"acme-prod-ml-provisioning", "acme-prod-ml-manage-access"}
    assert all(role["trusted_for_the_domain_account"] for role in roles.values())
    assert roles["acme-prod-ml-provisioning"]["managed_policies"] == [
        "arn:aws:iam::aws:policy/service-role/SageMakerStudioProjectProvisioningRolePolicy"
    ]
    assert accounts["prod-ml"]["deploy_role"] == "arn:aws:iam::444444444444:role/smus-deploy"
    assert accounts["prod-ml"]["plan_role"] == "arn:aws:iam::444444444444:role/smus-plan"
    assert accounts["prod-ml"]["stacks"] == ["prod-ml-platform", "prod-ml-ops"]


def test_a_members_evidence_lists_its_blueprints_in_the_shared_domain_and_their_grants(
    associated: tuple[Path, Path], tmp_path: Path
) -> None:
    code, text, accounts = evidence_of(*associated, tmp_path / "run", "--account", "prod-ml")
    assert code == 0, text
    blueprints = {b["blueprint"]: b for b in accounts["prod-ml"]["association"]["blueprints"]}
    assert set(blueprints) == {"MLExperiments", "Tooling"}
    ml = blueprints["MLExperiments"]
    assert ml["domain"] == "{prod's platform state output shared_domain_id}"
    assert (ml["provisioning_role"], ml["manage_access_role"]) == (
        "{role acme-prod-ml-provisioning}",
        "{role acme-prod-ml-manage-access}",
    )
    assert ml["grants"] == [
        {
            "policy": "CREATE_ENVIRONMENT_FROM_BLUEPRINT",
            "entity": f"{MEMBER_ACCOUNT}:{{MLExperiments blueprint id}}",
            "domain": "{prod's platform state output shared_domain_id}",
            "principal": "projects (CONTRIBUTOR) of unit `{prod's platform state output shared_domain_root_unit_id}`, "
            "child units included",
        }
    ]
    assert "- Blueprint MLExperiments in `{prod's platform state output shared_domain_id}`, regions eu-west-1" in text
    assert "${" not in text  # every Terraform reference is written in words


def test_the_domain_accounts_evidence_lists_its_share_and_members(
    associated: tuple[Path, Path], tmp_path: Path
) -> None:
    code, text, accounts = evidence_of(*associated, tmp_path / "run", "--account", "prod")
    assert code == 0, text
    association = accounts["prod"]["association"]
    assert association["members"] == [
        {"account": "prod-ml", "account_id": MEMBER_ACCOUNT, "region": "eu-west-1", "same_organization": False}
    ]
    (share,) = association["shares"]
    assert share == {
        "name": "DataZone-acme-prod-{this account's domain id}",
        "imported": None,
        "permission_arns": ["arn:aws:ram::aws:permission/AWSRAMPermissionsAmazonDatazoneDomainExtendedServiceAccess"],
        "allow_external_principals": True,
        "resources": ["{this account's domain arn}"],
        "principals": [{"principal": MEMBER_ACCOUNT, "member": "prod-ml", "imported": None}],
    }
    assert association["every_member_associated"] is True
    assert association["share_origin"] == "created by the platform stack"
    assert association["environments_in_members"] == [
        {"profile": "ML and GenAI", "blueprint": "MLExperiments", "account": "prod-ml"}
    ]
    assert "- RAM share `DataZone-acme-prod-{this account's domain id}`: permission" in text
    assert "  - principals: 444444444444 (prod-ml)" in text
    assert "ML and GenAI (Tooling, DataLake, MLExperiments in prod-ml, AmazonBedrockChatAgent)" in text


def test_accounts_without_members_have_no_association_evidence(associated: tuple[Path, Path], tmp_path: Path) -> None:
    code, text, accounts = evidence_of(*associated, tmp_path / "run", "--account", "staging")
    assert code == 0, text
    assert accounts["staging"]["association"] is None
    assert "association" not in text


def edited_synth(synth_dir: Path, target: Path, stack: str, old: str, new: str) -> Path:
    shutil.copytree(synth_dir, target)
    path = target / "stacks" / stack / "cdk.tf.json"
    text = path.read_text()
    assert old in text, f"{old!r} not in {stack}"
    path.write_text(text.replace(old, new))
    return target


def test_a_role_trusting_datazone_for_another_account_and_a_missing_accepter_are_called_out(
    associated: tuple[Path, Path], tmp_path: Path
) -> None:
    config_dir, synth_dir = associated
    synth = edited_synth(
        synth_dir,
        tmp_path / "cdktf.out",
        "prod-ml-platform",
        '\\"aws:SourceAccount\\": \\"333333333333\\"',
        '\\"aws:SourceAccount\\": \\"999999999999\\"',
    )
    platform = synth / "stacks" / "prod-ml-platform" / "cdk.tf.json"
    document = json.loads(platform.read_text())
    del document["resource"]["aws_ram_resource_share_accepter"]
    platform.write_text(json.dumps(document))
    code, text, accounts = evidence_of(config_dir, synth, tmp_path / "run", "--account", "prod-ml")
    assert code == 0, text
    association = accounts["prod-ml"]["association"]
    assert [role["trusted_for_the_domain_account"] for role in association["roles"]] == [False, False]
    assert "DataZone only on behalf of the domain account: NO" in text
    assert (association["accepters"], association["accepter_as_expected"]) == ([], False)
    assert "Share accepted: no accepter (NOT AS EXPECTED)" in text


def test_a_share_missing_a_member_is_called_out(associated: tuple[Path, Path], tmp_path: Path) -> None:
    config_dir, synth_dir = associated
    synth = edited_synth(
        synth_dir, tmp_path / "cdktf.out", "prod-platform", '"principal": "444444444444"', '"principal": "999999999999"'
    )
    code, text, accounts = evidence_of(config_dir, synth, tmp_path / "run", "--account", "prod")
    assert code == 0, text
    (share,) = accounts["prod"]["association"]["shares"]
    assert share["principals"] == [
        {"principal": "999999999999", "member": "NOT A MEMBER of this domain", "imported": None}
    ]
    assert "Every member associated with the share, and no one else: NO" in text


def test_a_member_whose_synth_lacks_its_platform_stack_is_refused_naming_the_path(
    associated: tuple[Path, Path], tmp_path: Path
) -> None:
    config_dir, synth_dir = associated
    synth = tmp_path / "cdktf.out"
    shutil.copytree(synth_dir, synth)
    shutil.rmtree(synth / "stacks" / "prod-ml-platform")
    code, stderr, _ = evidence_of(config_dir, synth, tmp_path / "run", "--account", "prod-ml")
    assert code == 2
    missing = synth / "stacks" / "prod-ml-platform" / "cdk.tf.json"
    assert (
        f"{missing}: (file) = 'No such file or directory': expected prod-ml's synthesised platform stack"
        in " ".join(stderr.split())
    )
    assert not (tmp_path / "run").exists()  # refused before anything is written


def test_without_a_synth_folder_the_association_is_not_provided_but_the_config_side_is_there(
    associated: tuple[Path, Path], tmp_path: Path
) -> None:
    config_dir, _ = associated
    code, text, accounts = evidence_of(config_dir, tmp_path / "no-synth", tmp_path / "run", "--account", "prod-ml")
    assert code == 0, text
    association = accounts["prod-ml"]["association"]
    assert association["synthesised"].startswith(NOT_PROVIDED)
    assert association["joins"]["account_id"] == DOMAIN_ACCOUNT
    assert "#### prod-ml: association (not provided (no synth folder with a stacks/ directory was given))" in text


def test_a_batch_of_an_accounts_stacks_links_what_was_given_and_names_the_rest(
    associated: tuple[Path, Path], tmp_path: Path
) -> None:
    run = tmp_path / "run-inputs" / "prod-ml-platform"  # as deploy.yml lays them out: run/<stack>/plan.txt
    run.mkdir(parents=True)
    (run / "plan.txt").write_text("No changes.\n")
    (run / "guard.json").write_text(json.dumps({"passed": False, "blocked": [{"address": "x"}], "allowed": []}))
    code, text, accounts = evidence_of(
        *associated,
        tmp_path / "run",
        "--account",
        "prod-ml",
        "--check-report",
        str(CHECK),
        "--plan-summary",
        str(run / "plan.txt"),
        "--guard-result",
        str(run / "guard.json"),
        "--strict",
    )
    assert code == 0, text  # a batch is complete evidence of the stacks it names
    rows = {entry["stack"]: entry for entry in accounts["prod-ml"]["stack_inputs"]}
    assert rows["prod-ml-platform"]["plan_summaries"] == ["[plans/plan.txt](plans/plan.txt)"]
    assert rows["prod-ml-platform"]["guard_results"] == ["[guard/guard.json](guard/guard.json): BLOCKED: 1 change(s)"]
    assert (rows["prod-ml-ops"]["plan_summaries"], rows["prod-ml-ops"]["guard_results"]) == ([], [])
    assert "| prod-ml-ops | not in this run's inputs | not in this run's inputs |" in text


def test_a_file_belongs_to_the_stack_of_its_folder_or_the_longest_stack_its_name_starts_with() -> None:
    stacks = ["prod-platform", "prod-ml-platform", "prod-ml-ops"]
    assert stack_of(Path("run/prod-ml-ops/plan.txt"), stacks) == "prod-ml-ops"
    assert stack_of(Path("prod-ml-platform-plan.txt"), stacks) == "prod-ml-platform"
    assert stack_of(Path("prod-platform.guard.json"), stacks) == "prod-platform"
    assert stack_of(Path("elsewhere/plan.txt"), stacks) is None


def test_a_share_and_association_made_by_hand_are_evidenced_as_adopted_with_their_import_ids(
    tmp_path: Path,
) -> None:
    config_dir = adopting_estate(tmp_path / "estate")
    synthesise(config_dir, tmp_path / "cdktf.out", accounts=["prod", "prod-ml"])
    code, text, accounts = evidence_of(
        config_dir, tmp_path / "cdktf.out", tmp_path / "run", "--account", "prod", "--account", "prod-ml"
    )
    assert code == 0, text
    domain, member = accounts["prod"]["association"], accounts["prod-ml"]["association"]
    assert domain["share_origin"] == f"made by hand, adopted: {SHARE}"
    (share,) = domain["shares"]
    assert share["imported"] == SHARE
    assert share["principals"] == [
        {"principal": MEMBER_ACCOUNT, "member": "prod-ml", "imported": f"{SHARE},{MEMBER_ACCOUNT}"}
    ]
    assert member["share_origin"] == f"made by hand, adopted: {SHARE}"
    assert [accepter["imported"] for accepter in member["accepters"]] == [SHARE]
    tooling = next(b for b in member["blueprints"] if b["blueprint"] == "Tooling")
    assert tooling["imported"] == f"{DOMAIN_ID}/{TOOLING_ID}"
    assert f"- Blueprint Tooling (adopted: import `{DOMAIN_ID}/{TOOLING_ID}`) in" in text


def test_a_member_in_the_domain_accounts_organization_expects_no_accepter(tmp_path: Path) -> None:
    config_dir = associated_estate(tmp_path / "estate")
    member = config_dir / "prod-ml.toml"
    member.write_text(member.read_text().replace("same_organization = false", "same_organization = true", 1))
    code, text, accounts = evidence_of(config_dir, tmp_path / "no-synth", tmp_path / "run", "--account", "prod-ml")
    assert code == 0, text
    association = accounts["prod-ml"]["association"]
    assert association["share_origin"] == "accepted by RAM within the organization"
    assert association["expected_accepter"].startswith("none: both accounts are in one organization")
    assert "Same organization: yes" in text
