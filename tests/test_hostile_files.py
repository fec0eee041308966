"""A corpus of hostile account files and folder layouts, each run through the real `smus validate`.

Every case wants: exit 2, the file named, no traceback, no raw control character on the terminal, and the message
still legible (markup in a value printed as written, not interpreted, and never crashing the printer).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.estate import FIXTURE_ACCOUNTS

REPO = Path(__file__).resolve().parent.parent

Layout = Callable[[Path], str]  # changes the accounts folder; returns the text the message must contain


def replace_in_dev(old: str, new: str, expect: str, account: str = "dev") -> Layout:
    def apply(accounts: Path) -> str:
        path = accounts / f"{account}.toml"
        text = path.read_text()
        assert old in text, old
        path.write_text(text.replace(old, new, 1))
        return expect

    return apply


def replace_in_prod(old: str, new: str, expect: str) -> Layout:
    return replace_in_dev(old, new, expect, account="prod")


def write(name: str, content: bytes | str, expect: str) -> Layout:
    def apply(accounts: Path) -> str:
        path = accounts / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return expect

    return apply


def link(name: str, target: str, expect: str) -> Layout:
    def apply(accounts: Path) -> str:
        (accounts / name).symlink_to(accounts / target)
        return expect

    return apply


def folder(accounts: Path) -> str:
    (accounts / "x.toml").mkdir()
    return "x.toml: (file) = 'a folder'"


def fifo(accounts: Path) -> str:
    os.mkfifo(accounts / "pipe.toml")
    return "pipe.toml: (file) = 'not a regular file"


DEV = (FIXTURE_ACCOUNTS / "dev.toml").read_text()
CASES: dict[str, Layout] = {
    "markup-close-tag": replace_in_dev('Owner = "data-platform"', 'Owner = "[/]"\nOwner2 = 1', "tags.Owner2 = 1"),
    "markup-in-a-bad-value": replace_in_dev('account_id = "111111111111"', 'account_id = "[bold]1[/]"', "[bold]1[/]"),
    "link-markup": replace_in_dev('region = "eu-west-1"', 'region = "[link=http://x]eu[/link]"', "[link=http://x]"),
    "emoji-code": replace_in_dev('account_id = "111111111111"', 'account_id = ":fire:"', "':fire:'"),
    "ansi-in-a-key": replace_in_dev(
        "[tags]\n", '[tags]\n"\\u001b[2J\\u001b[HALL GOOD" = 1\n', "tags.\\x1b[2J\\x1b[HALL GOOD"
    ),
    "bidi-override-in-a-value": replace_in_dev(
        'account_id = "111111111111"', 'account_id = "1111\\u202e1111"', "'1111\\u202e1111'"
    ),
    "date-value": replace_in_dev('account_id = "111111111111"', "account_id = 2024-01-01", "= 2024-01-01:"),
    "bool-value": replace_in_dev('account_id = "111111111111"', "account_id = true", "account_id = true:"),
    "duplicate-key": replace_in_dev(
        'region = "eu-west-1"\nprotected', 'region = "eu-west-1"\nregion = "eu-west-2"\nprotected', "account.region"
    ),
    "latin-1": write("latin.toml", DEV.replace("Business", "Caf\xe9").encode("latin-1"), "latin.toml: (encoding)"),
    "utf-16": write("wide.toml", DEV.encode("utf-16"), "wide.toml: (encoding) = 'UTF-16 text'"),
    "deep-arrays": write("deep.toml", "a = " + "[" * 20_000 + "]" * 20_000, "deep.toml: (syntax)"),
    "nul-byte": write("nul.toml", DEV.replace("Business", "Busi\0ness"), "nul.toml: (syntax)"),
    "dangling-link": link("gone.toml", "missing.toml", "gone.toml: (file) = 'a link to a missing file'"),
    "link-loop": link("loop.toml", "loop.toml", "loop.toml: (file) = 'a link loop'"),
    "folder-named-toml": folder,
    "fifo-named-toml": fifo,
    "full-width-digits": replace_in_dev(
        'account_id = "111111111111"', 'account_id = "' + "\uff11" * 12 + '"', "account.account_id"
    ),
    "region-that-does-not-exist": replace_in_dev(
        '[account]\nname = "dev"\naccount_id = "111111111111"\nregion = "eu-west-1"',
        '[account]\nname = "dev"\naccount_id = "111111111111"\nregion = "eu-west-9"',
        "account.region = 'eu-west-9'",
    ),
    "invisible-reason": replace_in_dev(
        'reason = "Data stewards own the business glossary (data governance policy DG-07)."',
        'reason = "\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b"',
        "grants[0].reason",
    ),
    "aws-tag-prefix": replace_in_dev('Owner = "data-platform"', '"aws:owner" = "x"', "tags.aws:owner"),
    "long-tag-value": replace_in_dev('Owner = "data-platform"', f'Owner = "{"x" * 257}"', "tags.Owner"),
    "long-tag-key": replace_in_dev('Owner = "data-platform"', f'{"k" * 129} = "x"', "tags." + "k" * 129),
    # values each field accepts that AWS rejects
    "execution-role-in-another-account": replace_in_prod(
        'execution_role_arn = "arn:aws:iam::333333333333:',
        'execution_role_arn = "arn:aws:iam::999999999999:',
        "domain.execution_role_arn = 'arn:aws:iam::999999999999:",
    ),
    "boundary-in-another-account": replace_in_prod(
        'permissions_boundary_arn = "arn:aws:iam::333333333333:',
        'permissions_boundary_arn = "arn:aws:iam::999999999999:',
        "domain.permissions_boundary_arn",
    ),
    "provisioning-role-in-another-account": replace_in_prod(
        'provisioning_role_arn = "arn:aws:iam::333333333333:',
        'provisioning_role_arn = "arn:aws:iam::999999999999:',
        "blueprint_roles.provisioning_role_arn",
    ),
    "china-region-with-aws-arns": replace_in_prod(
        'region = "eu-west-1"\nprotected', 'region = "cn-north-1"\nprotected', "an ARN of partition 'aws-cn'"
    ),
    "domain-key-in-another-region": replace_in_prod(
        'kms_key_arn = "arn:aws:kms:eu-west-1:333333333333:key/3c3c',
        'kms_key_arn = "arn:aws:kms:us-east-1:333333333333:key/3c3c',
        "domain.kms_key_arn = 'arn:aws:kms:us-east-1",
    ),
    "non-ascii-project-name": replace_in_dev('name = "customer-360"', 'name = "kundé-360"', "projects[0].name"),
    "unknown-template": replace_in_dev('template = "governed-ml"', 'template = "governed-mll"', "projects[1].template"),
    "template-tag-missing": replace_in_dev(
        'resource_tags = { ModelRiskTier = "high" }', "resource_tags = {}", "projects[1].resource_tags.ModelRiskTier"
    ),
    "drift-in-the-deploy-environment": replace_in_dev(
        "[tags]\n",
        '[operations]\nplan_github_environment = "staging"\n\n[tags]\n',
        "operations.plan_github_environment = 'staging'",
        account="staging",
    ),
    "bad-dynamodb-table": replace_in_dev(
        "[state]\n", '[state]\ndynamodb_table = "no spaces allowed"\n', "state.dynamodb_table"
    ),
    "duplicate-unit-owner": replace_in_dev(
        'owners = [{ name = "risk-platform-owners", kind = "group" }]',
        'owners = [{ name = "risk-platform-owners", kind = "group" },\n'
        '  { kind = "group", name = "risk-platform-owners" }]',
        "domain_units[1].owners[1] = {",
    ),
    "duplicate-project-creator": replace_in_dev(
        'project_creators = [{ kind = "group", name = "analytics-leads" }]',
        'project_creators = [{ kind = "group", name = "analytics-leads" },\n'
        '  { kind = "group", name = "analytics-leads" }]',
        "profiles[0].project_creators[0] names the same one",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_answers_a_hostile_layout_by_name(tmp_path: Path, case: str) -> None:
    accounts = tmp_path / "config" / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS.parent, accounts.parent)
    expect = CASES[case](accounts)
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "validate", "--config-dir", str(accounts)],
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
        env={**os.environ, "COLUMNS": "400"},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    assert not any(ord(char) < 32 and char not in "\n\t" for char in output), repr(output)
    assert "\u202e" not in output and "\u200b" not in output
    assert expect in " ".join(output.split()), output
    assert str(accounts) in output


def test_editor_lock_and_backup_files_are_skipped_and_named(tmp_path: Path) -> None:
    accounts = tmp_path / "config" / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS.parent, accounts.parent)
    (accounts / ".#dev.toml").symlink_to("root@host.1234:1700000000")  # Emacs's lock: a dangling link
    (accounts / ".dev.toml").write_text("half-saved")
    (accounts / "dev.toml~").write_text("a backup")  # not *.toml: never read, nothing to say
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "validate", "--config-dir", str(accounts)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "skipped" in result.stderr and ".#dev.toml" in result.stderr and ".dev.toml" in result.stderr
    assert result.stdout.count("ok  ") == 3 + 1, result.stdout  # the three accounts and organization.toml
