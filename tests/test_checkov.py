"""checkov over the synthesised estate: it really runs, passes with only reasoned suppressions, and fails on bad input.

checkov is installed by `make test` into `.venv-checkov`. These tests are never skipped: without it they fail, saying
how to install it, because a policy gate that silently does not run is worse than none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from smus_cli import checkov_gate
from smus_cli.checkov_gate import CheckovMissingError, Finding, Skip, gate, load_skips, run_checkov
from smus_cli.runtime import PROJECT_ROOT
from tests.conftest import StackDoc
from tests.estate import FIXTURE_CHECKOV_SKIPS

PINNED = next(
    line.split("==", 1)[1].strip()
    for line in (PROJECT_ROOT / "tools" / "checkov-requirements.txt").read_text().splitlines()
    if line.startswith("checkov==")
)
STACKS = {
    *(
        f"{account}-{layer}"
        for account in ("dev", "staging", "prod")
        for layer in ("bootstrap", "platform", "projects", "ops")
    ),
    "organization-guardrails",
}


@pytest.fixture(scope="session")
def checkov_installed() -> Path:
    try:
        return checkov_gate.checkov_binary()
    except CheckovMissingError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def example_scan(checkov_installed: Path, example_outdir: Path) -> checkov_gate.Scan:
    return run_checkov(example_outdir)


def test_checkov_is_the_pinned_version_in_its_own_environment(checkov_installed: Path) -> None:
    assert checkov_installed.is_relative_to(PROJECT_ROOT / ".venv-checkov"), checkov_installed
    version = (checkov_installed.parent.parent / "lib").glob(f"python3*/site-packages/checkov-{PINNED}.dist-info")
    assert list(version), f"expected checkov {PINNED} in {checkov_installed.parent.parent}; run `make test`"


def test_example_estate_has_no_unsuppressed_checkov_failure(
    example_scan: checkov_gate.Scan, example_stacks: dict[str, StackDoc]
) -> None:
    # checkov checks only aws_* resources; a stack with none (prod-projects: every project role is handed in)
    # declares no aws provider and gives checkov nothing to look at.
    with_aws = {name for name, doc in example_stacks.items() if "aws" in doc.get("provider", {})}
    assert with_aws < STACKS and len(with_aws) >= 10, with_aws
    assert example_scan.scanned_stacks == with_aws, "checkov must have looked at every stack with an aws resource"
    assert example_scan.passed > 100, f"checkov ran only {example_scan.passed} passing checks"
    result = gate(example_scan.findings, load_skips(FIXTURE_CHECKOV_SKIPS))
    assert result.ok, result.report()
    assert result.suppressed, "the example estate is expected to need the reviewed suppressions"
    for finding, skip in result.suppressed:
        assert finding.stack.endswith("-bootstrap"), f"{finding} suppressed by {skip}"


def test_a_planted_key_without_rotation_fails_the_gate(
    checkov_installed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cdktn import App, TerraformStack
    from cdktn_provider_aws.provider import AwsProvider

    from smus_constructs.kms import DomainKey
    from tests.helpers import ACCOUNT, REGION, ROLE

    app = App(outdir=str(tmp_path))
    for name, rotation in (("planted", False), ("control", True)):
        stack = TerraformStack(app, name)
        AwsProvider(stack, "aws", region=REGION)
        key = DomainKey(
            stack, "Key", alias_name=name, partition="aws", account_id=ACCOUNT, region=REGION, execution_role_arn=ROLE
        )
        if not rotation:
            key.resource.add_override("enable_key_rotation", False)
    app.synth()

    assert checkov_gate.main([str(tmp_path)]) == 1
    output = capsys.readouterr().out
    failed = [line for line in output.splitlines() if line.strip().startswith("FAILED")]
    assert any("planted: aws_kms_key.Key_" in line and "CKV_AWS_7" in line for line in failed), output
    assert not any("control:" in line for line in failed), output


def test_missing_checkov_fails_with_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SMUS_CHECKOV", str(tmp_path / "nowhere" / "checkov"))
    with pytest.raises(CheckovMissingError, match=r"make test"):
        checkov_gate.checkov_binary()
    assert checkov_gate.main([str(tmp_path)]) == 2


# --- the skip file and the gate -------------------------------------------------------------------------------------


def test_every_reviewed_skip_names_one_check_and_a_reason() -> None:
    skips = load_skips()
    assert skips
    for skip in skips:
        assert skip.check.startswith("CKV") and len(skip.reason) >= checkov_gate.MINIMUM_REASON_LENGTH, skip


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('check = "CKV_AWS_18"\nstacks = "*"\nresource = "aws_s3_bucket.x"\n', r"skip\[0\]\.reason = None"),
        (
            'check = "CKV_AWS_18"\nstacks = "*"\nresource = "aws_s3_bucket.x"\nreason = "not needed"\n',
            "at least 40 characters",
        ),
        ('check = "CKV_AWS_*"\nstacks = "*"\nresource = "aws_s3_bucket.x"\nreason = "' + "r" * 50 + '"\n', "one check"),
        ('check = "CKV_AWS_18"\nstacks = "*"\nresource = "*"\nreason = "' + "r" * 50 + '"\n', "not every resource"),
        ('check = "CKV_AWS_18"\nstack = "*"\nresource = "a.b"\nreason = "' + "r" * 50 + '"\n', "unknown key"),
    ],
)
def test_a_skip_without_a_real_reason_or_target_is_refused(tmp_path: Path, entry: str, message: str) -> None:
    path = tmp_path / "skips.toml"
    path.write_text("[[skip]]\n" + entry)
    with pytest.raises(ValueError, match=message):
        load_skips(path)


def finding(
    check: str = "CKV_AWS_18", stack: str = "dev-bootstrap", resource: str = "aws_s3_bucket.State_1"
) -> Finding:
    return Finding(check_id=check, check_name="a check", stack=stack, resource=resource)


def skip(check: str = "CKV_AWS_18", stacks: str = "*-bootstrap", resource: str = "aws_s3_bucket.State_*") -> Skip:
    return Skip(check=check, stacks=stacks, resource=resource, reason="r" * 40)


def test_gate_suppresses_only_the_named_check_on_matching_stacks_and_resources() -> None:
    result = gate(
        [finding(), finding(check="CKV_AWS_7"), finding(stack="dev-platform"), finding(resource="aws_s3_bucket.Logs")],
        [skip()],
    )
    assert [f for f, _ in result.suppressed] == [finding()]
    assert result.unsuppressed == [
        finding(check="CKV_AWS_7"),
        finding(stack="dev-platform"),
        finding(resource="aws_s3_bucket.Logs"),
    ]
    assert not result.ok and "FAILED  dev-platform: aws_s3_bucket.State_1: CKV_AWS_18" in result.report()


def test_gate_fails_on_a_skip_that_matches_nothing() -> None:
    result = gate([finding()], [skip(), skip(check="CKV_AWS_144")])
    assert result.unsuppressed == [] and result.unused_skips == [skip(check="CKV_AWS_144")]
    assert not result.ok and "UNUSED  skip CKV_AWS_144" in result.report()
