"""The suite's own estate: `tests/fixtures/estate/`, never the user's `config/accounts/`.

A platform team edits `config/` (adds `qa.toml`, changes prod's blueprints) and the suite must still pass, so every
test that needs "the example estate" reads it from here: its accounts and the reviewed files that govern them
(governance, checkov skips, intended differences). Tests of the user's own estate, whatever it holds, live in
`tests/test_user_estate.py` and read `config/` on purpose.
"""

from __future__ import annotations

from pathlib import Path

FIXTURE_ESTATE = Path(__file__).resolve().parent / "fixtures" / "estate"
FIXTURE_ACCOUNTS = FIXTURE_ESTATE / "accounts"
FIXTURE_GOVERNANCE = FIXTURE_ESTATE / "governance.toml"
FIXTURE_CHECKOV_SKIPS = FIXTURE_ESTATE / "checkov-skips.toml"
FIXTURE_INTENDED = FIXTURE_ESTATE / "intended-differences.toml"
