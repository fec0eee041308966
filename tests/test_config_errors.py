"""Bad config: each case names the file, the field, the bad value and what is accepted, and writes nothing."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from config.errors import ConfigError
from config.loader import load_estate
from smus_cli.synth import synthesise
from smus_rules.errors import RuleFailures
from tests.estate import FIXTURE_ACCOUNTS

REPO = Path(__file__).resolve().parent.parent
Edit = Callable[[str], str]


def sub(old: str, new: str, count: int = 1) -> Edit:
    def edit(text: str) -> str:
        assert old in text, f"fixture text {old!r} not found in dev.toml"
        return text.replace(old, new, count)

    return edit


def make_config(tmp_path: Path, edit: Edit) -> Path:
    """A copy of the example estate with dev.toml edited."""
    config_dir = tmp_path / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS, config_dir)
    dev = config_dir / "dev.toml"
    dev.write_text(edit(dev.read_text()))
    return config_dir


CASES: list[tuple[str, Edit, str, str, str]] = [
    # id, edit, field, value shown, accepted (all regex fragments)
    (
        "account-id-shape",
        sub('account_id = "111111111111"', 'account_id = "1111"'),
        r"account\.account_id",
        "'1111'",
        "12 digits",
    ),
    (
        "missing-account-field",
        sub('account_id = "111111111111"\n', ""),
        r"account\.account_id",
        r"\(missing\)",
        "required",
    ),
    (
        "malformed-role-arn",
        sub('role/smus-deploy"', 'user/smus-deploy"'),
        r"account\.deploy_role_arn",
        "user/smus-deploy",
        "an IAM role ARN",
    ),
    (
        "malformed-kms-arn",
        sub(
            'kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-4111-8111-111111111111"',
            'kms_key_arn = "alias/state"',
        ),
        r"state\.kms_key_arn",
        "'alias/state'",
        "a KMS key ARN",
    ),
    (
        "unknown-blueprint",
        sub("[blueprints.DataLake]", "[blueprints.Datalake]"),
        r"blueprints\.Datalake",
        "'Datalake'",
        "'Tooling'.*'DataLake'",
    ),
    (
        "blueprint-not-enabled",
        sub("[blueprints.RedshiftServerless]\n", ""),
        r"profiles\[0\]\.environments\[2\]\.blueprint",
        "'RedshiftServerless'",
        "a blueprint this account enables",
    ),
    (
        "duplicate-project",
        sub('name = "fraud-models"', 'name = "customer-360"'),
        r"projects\[1\]\.name",
        "'customer-360'",
        "not used earlier",
    ),
    (
        "project-name-pattern",
        sub('name = "customer-360"', 'name = "customer/360"'),
        r"projects\[0\]\.name",
        "'customer/360'",
        r"\^\[\\w -\]\{1,64\}\$",
    ),
    (
        "project-name-too-long",
        sub('name = "customer-360"', f'name = "{"x" * 65}"'),
        r"projects\[0\]\.name",
        "'x{65}'",
        "1-64 characters",
    ),
    (
        "missing-mandatory-tag",
        sub('CostCenter = "CC-4410"\n', ""),
        r"tags\.CostCenter",
        r"\(missing\)",
        "CostCenter, DataClassification, Environment are mandatory",
    ),
    (
        "unknown-key-typo",
        sub('region = "eu-west-1"\nprotected', 'regoin = "eu-west-1"\nprotected'),
        r"account\.regoin",
        "unknown key 'regoin'",
        "known keys: name, account_id, region",
    ),
    (
        "unknown-profile",
        sub('profile = "Analytics"', 'profile = "Analytic"'),
        r"projects\[0\]\.profile",
        "'Analytic'",
        "a profile defined in this file: Analytics, ML and GenAI",
    ),
    (
        "timeout-too-short",
        sub("# kms_key_arn, execution", '[domain.timeouts]\ncreate = "30m"\n# kms_key_arn, execution'),
        r"domain\.timeouts\.create",
        "'30m'",
        "at least 90m",
    ),
    (
        "account-arn-mismatch",
        sub(
            'role_arn = "arn:aws:iam::111111111111:role/smus-deploy"',
            'role_arn = "arn:aws:iam::999999999999:role/smus-deploy"',
        ),
        r"account\.deploy_role_arn",
        "999999999999",
        "an ARN in this account",
    ),
    ("toml-syntax", sub("[account]", "[account"), r"\(syntax\)", "line", "valid TOML"),
    (
        "file-name-mismatch",
        sub('name = "dev"', 'name = "development"'),
        r"account\.name",
        "'development'",
        "the file's name",
    ),
]


@pytest.mark.parametrize(("edit", "field", "value", "accepted"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_config_names_file_field_value_and_accepted(
    tmp_path: Path, edit: Edit, field: str, value: str, accepted: str
) -> None:
    config_dir = make_config(tmp_path, edit)
    with pytest.raises(ConfigError) as caught:
        load_estate(config_dir)
    message = str(caught.value)
    pattern = rf"{re.escape(str(config_dir / 'dev.toml'))}: {field} = .*{value}.*: expected .*{accepted}"
    assert re.search(pattern, message), f"pattern {pattern!r} not in:\n{message}"


def test_every_problem_in_every_file_is_reported_at_once(tmp_path: Path) -> None:
    config_dir = make_config(
        tmp_path,
        lambda text: text.replace('account_id = "111111111111"', 'account_id = "1"').replace("eu-west-1", "Europe", 1),
    )
    staging = config_dir / "staging.toml"
    staging.write_text(staging.read_text().replace('Environment = "staging"\n', ""))
    with pytest.raises(ConfigError) as caught:
        load_estate(config_dir)
    fields = sorted((issue.file.name, issue.field) for issue in caught.value.issues)
    assert fields == [
        ("dev.toml", "account.account_id"),
        ("dev.toml", "account.region"),
        ("staging.toml", "tags.Environment"),
    ]
    assert str(caught.value).startswith("invalid configuration (3 problems):")


def test_the_example_estate_is_valid() -> None:
    assert [a.name for a in load_estate(FIXTURE_ACCOUNTS)] == ["dev", "prod", "staging"]


def test_an_unknown_project_template_is_a_named_error_and_writes_nothing(tmp_path: Path) -> None:
    config_dir = make_config(tmp_path, sub('template = "governed-ml"', 'template = "governed-mll"'))
    outdir = tmp_path / "cdktf.out"
    with pytest.raises(
        ConfigError,
        match=r"dev\.toml: projects\[1\]\.template = 'governed-mll': expected one of \['governed-ml', 'standard'\]",
    ):
        synthesise(config_dir, outdir)
    assert not outdir.exists()
    assert list(tmp_path.glob(".cdktf.out*")) == []


def test_a_failed_synth_leaves_previous_output_untouched(tmp_path: Path) -> None:
    outdir = tmp_path / "cdktf.out"
    outdir.mkdir()
    (outdir / ".smus-synth.json").write_text('{"written_by": "smus synth"}')  # a previous synth's output
    (outdir / "manifest.json").write_text("previous good synth")
    # valid config, then a governance rule fails at synth (SMUS-006): a failure after cdktn has started
    root = tmp_path / "config"
    shutil.copytree(FIXTURE_ACCOUNTS.parent, root)
    governance = root / "governance.toml"
    governance.write_text(governance.read_text().replace("\nprod = [", '\ndev = ["Tooling"]\nprod = [', 1))
    with pytest.raises(RuleFailures, match=r"SMUS-006 dev-platform/Blueprint-DataLake"):
        synthesise(root / "accounts", outdir, accounts=["dev"])
    assert sorted(p.name for p in outdir.iterdir()) == [".smus-synth.json", "manifest.json"]
    assert (outdir / "manifest.json").read_text() == "previous good synth"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdktf.out", "config"]


def test_a_good_synth_replaces_the_whole_output(tmp_path: Path) -> None:
    outdir = tmp_path / "cdktf.out"
    (outdir / "stacks" / "stale-stack").mkdir(parents=True)
    (outdir / "stacks" / "stale-stack" / "cdk.tf.json").write_text("{}")
    (outdir / ".smus-synth.json").write_text('{"written_by": "smus synth"}')
    names = synthesise(FIXTURE_ACCOUNTS, outdir, accounts=["dev"])
    assert names == ["dev-bootstrap", "dev-platform", "dev-projects", "dev-ops"]
    assert sorted(p.name for p in outdir.iterdir()) == [".smus-synth.json", "manifest.json", "stacks"]
    assert sorted(p.name for p in (outdir / "stacks").iterdir()) == sorted(names)


def test_cli_exits_2_with_the_message_and_no_output(tmp_path: Path) -> None:
    config_dir = make_config(tmp_path, sub('account_id = "111111111111"', 'account_id = "1111"'))
    outdir = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "synth", "--config-dir", str(config_dir), "--outdir", str(outdir)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "dev.toml: account.account_id = '1111': expected 12 digits" in " ".join(result.stderr.split())
    assert not outdir.exists()


def test_an_ignore_changes_attribute_the_resource_does_not_have_is_named(tmp_path: Path) -> None:
    config_dir = tmp_path / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS, config_dir)
    prod = config_dir / "prod.toml"
    prod.write_text(prod.read_text().replace('attribute = "domain_execution_role"', 'attribute = "domain_exec_role"'))
    with pytest.raises(ConfigError) as caught:
        load_estate(config_dir)
    (issue,) = caught.value.issues
    assert (issue.field, issue.value) == ("ignore_changes[0].attribute", "domain_exec_role")
    assert "domain_execution_role" in issue.accepted and issue.file == prod
