"""The suite tests its own estate (tests/fixtures/estate/), so a platform team's edits to config/ cannot break it."""

from __future__ import annotations

import re
from pathlib import Path

from config.governance import load_governance
from config.loader import load_estate
from smus_cli.checkov_gate import load_skips
from smus_cli.diff_envs import load_intended
from tests.estate import FIXTURE_ACCOUNTS, FIXTURE_CHECKOV_SKIPS, FIXTURE_GOVERNANCE, FIXTURE_INTENDED

TESTS = Path(__file__).resolve().parent
# The only modules allowed to read the user's estate: the ones that test "whatever is in config/accounts".
USER_ESTATE_TESTS = {"test_user_estate.py", "test_fixture_estate.py"}
USER_ESTATE_REFERENCE = re.compile(r"\bDEFAULT_CONFIG_DIR\b|\bload_estate\(\)")


def test_no_test_reads_the_users_estate_by_accident() -> None:
    offenders = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(TESTS.glob("*.py"))
        if path.name not in USER_ESTATE_TESTS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if USER_ESTATE_REFERENCE.search(line) and not line.lstrip().startswith(("#", '"""'))
    ]
    assert not offenders, (
        "these tests read the user's config/accounts/; use tests.estate.FIXTURE_ACCOUNTS (and pass --config-dir "
        "to CLI calls) so adding qa.toml to config/ cannot break the suite:\n" + "\n".join(offenders)
    )


def test_the_fixture_estate_and_its_reviewed_files_load_together() -> None:
    accounts = load_estate(FIXTURE_ACCOUNTS)
    assert [account.name for account in accounts] == ["dev", "prod", "staging"]
    load_governance(FIXTURE_GOVERNANCE, accounts)
    assert load_skips(FIXTURE_CHECKOV_SKIPS)
    assert load_intended(FIXTURE_INTENDED).difference
