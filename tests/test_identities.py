"""Identity Center principals are IDs: names in config are resolved through the reviewed identity lock.

DataZone needs Identity Store IDs in profiles, memberships, grants and owners; its patterns also accept any text, so
a display name would pass every check and fail at apply. `smus identities` writes the lock from the Identity Store
(saved AWS CLI output, or the API); the loader resolves names through it and refuses what it cannot resolve.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from config.errors import ConfigError
from config.loader import load_account, load_estate
from smus_cli.identities import LiveIdentityStore, run_identities
from tests.estate import FIXTURE_ACCOUNTS

SAVED = Path(__file__).parent / "fixtures" / "identitystore" / "acme"
ANALYTICS_LEADS = "f4e8d4a8-1071-70c1-c2a1-7e7f0e1d2c3b"
PRIYA = "c4d8f4e8-5051-70ef-6c7d-8e9fa0b1c2d3"


def estate(tmp_path: Path, old: str = "", new: str = "", account: str = "dev") -> Path:
    """A copy of the example estate (account files and their locks), with one edit in one account file."""
    config_dir = tmp_path / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS, config_dir)
    if old:
        path = config_dir / f"{account}.toml"
        text = path.read_text()
        assert old in text, old
        path.write_text(text.replace(old, new, 1))
    return config_dir


def problems(config_dir: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_estate(config_dir)
    return str(caught.value)


def run(**arguments: Any) -> tuple[int, str]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=400, highlight=False, soft_wrap=True)
    settings: dict[str, Any] = {
        "from_dir": None,
        "live": False,
        "identity_store_id": None,
        "region": None,
        "profile": None,
        "save_dir": None,
    }
    settings.update(arguments)
    code = run_identities(out=console, err=console, **settings)
    return code, buffer.getvalue()


# --- resolution in the loader ---------------------------------------------------------------------------------


def test_names_resolve_to_the_locked_ids_and_keep_the_name() -> None:
    dev = load_account(FIXTURE_ACCOUNTS / "dev.toml").config
    owner = dev.domain_units[0].owners[0]
    assert (owner.name, owner.id) == ("analytics-leads", ANALYTICS_LEADS)
    priya = dev.projects[0].contributors[1]
    assert (priya.kind, priya.name, priya.id) == ("user", "priya.shah@acme.example", PRIYA)
    assert dev.profiles[0].project_creators[0].id == ANALYTICS_LEADS


def test_without_resolution_the_names_stay_names() -> None:
    dev = load_account(FIXTURE_ACCOUNTS / "dev.toml", resolve=False).config
    assert dev.domain_units[0].owners[0].id is None


def test_a_name_the_lock_does_not_know_names_file_field_name_and_the_refresh_command(tmp_path: Path) -> None:
    text = problems(estate(tmp_path, 'name = "data-stewards"', 'name = "data-stewardz"'))
    assert "dev.toml: grants[0].principal.name = 'data-stewardz': expected a group the identity lock" in text
    assert "identities/dev.toml knows ('analytics-leads'" in text
    assert "smus identities --account dev" in text


def test_a_missing_lock_is_named_with_the_command_that_writes_it(tmp_path: Path) -> None:
    config_dir = estate(tmp_path)
    (config_dir / "identities" / "staging.toml").unlink()
    text = problems(config_dir)
    assert "staging.toml: profiles[0].project_creators[0].name = 'analytics-leads'" in text
    assert "identities/staging.toml, which does not exist: write it with `smus identities --account staging" in text


def test_a_display_name_written_as_an_id_is_refused_with_the_way_to_name_it(tmp_path: Path) -> None:
    text = problems(estate(tmp_path, 'name = "data-stewards"', 'id = "data-stewards"'))
    assert "grants[0].principal" in text
    assert "id 'data-stewards' is not an Identity Center group ID" in text
    assert "write name = 'data-stewards'" in text


def test_a_user_name_written_as_an_id_is_refused(tmp_path: Path) -> None:
    text = problems(estate(tmp_path, 'name = "priya.shah@acme.example"', 'id = "priya.shah@acme.example"'))
    assert "id 'priya.shah@acme.example' is not an Identity Center user ID" in text


def test_an_id_may_be_given_directly(tmp_path: Path) -> None:
    direct = "0a1b2c3d4e-1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"
    config_dir = estate(tmp_path, 'name = "data-stewards"', f'id = "{direct}"')
    dev = next(a for a in load_estate(config_dir) if a.name == "dev")
    assert (dev.config.grants[0].principal.id, dev.config.grants[0].principal.name) == (direct, None)


def test_id_and_name_together_are_refused(tmp_path: Path) -> None:
    text = problems(estate(tmp_path, 'name = "data-stewards"', f'name = "data-stewards", id = "{ANALYTICS_LEADS}"'))
    assert "takes exactly one of 'id' (an ID or ARN) or 'name'" in text


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("evil\\u001b[2J", "contains control characters"),
        ("${TfToken[TOKEN.1]}", "cdktn token syntax ('TfToken[') is not allowed in config"),
        ("%{ if true }x%{ endif }", "which Terraform and cdktn read as templates"),
    ],
)
def test_names_that_would_harm_a_terminal_or_terraform_are_refused(tmp_path: Path, name: str, message: str) -> None:
    assert message in problems(estate(tmp_path, 'name = "data-stewards"', f'name = "{name}"'))


def test_a_malformed_lock_entry_names_the_lock_file_and_entry(tmp_path: Path) -> None:
    config_dir = estate(tmp_path)
    lock = config_dir / "identities" / "dev.toml"
    lock.write_text(lock.read_text().replace(f'"{ANALYTICS_LEADS}"', '"analytics-leads"'))
    text = problems(config_dir)
    assert "identities/dev.toml: groups.analytics-leads = 'analytics-leads': expected an Identity Center ID" in text


def test_an_iam_only_domain_refuses_identity_center_names(tmp_path: Path) -> None:
    config_dir = estate(tmp_path, 'single_sign_on = "IAM_IDENTITY_CENTER"', 'single_sign_on = "DISABLED"')
    text = problems(config_dir)
    assert "projects[0].contributors[1].name = 'priya.shah@acme.example': expected an IAM user or role ARN" in text


# --- `smus identities` --------------------------------------------------------------------------------------


@pytest.mark.parametrize("account", ["dev", "staging", "prod"])
def test_the_example_locks_are_what_the_command_writes_from_the_saved_responses(tmp_path: Path, account: str) -> None:
    config_dir = estate(tmp_path)
    committed = (FIXTURE_ACCOUNTS / "identities" / f"{account}.toml").read_text()
    (config_dir / "identities" / f"{account}.toml").unlink()
    code, printed = run(account_file=config_dir / f"{account}.toml", from_dir=SAVED)
    assert code == 0, printed
    assert (config_dir / "identities" / f"{account}.toml").read_text() == committed
    assert "AWS Control Tower Admins" not in committed, "only names the account file uses are locked"


def test_a_name_the_store_lacks_fails_naming_it_and_writes_nothing(tmp_path: Path) -> None:
    config_dir = estate(tmp_path, 'name = "data-stewards"', 'name = "data-stewardz"')
    lock = config_dir / "identities" / "dev.toml"
    before = lock.read_text()
    code, printed = run(account_file=config_dir / "dev.toml", from_dir=SAVED)
    assert code == 1
    assert "grants[0].principal.name = 'data-stewardz': expected a group of identity store d-93670c4e1a" in printed
    assert lock.read_text() == before


def test_a_changed_id_is_called_out(tmp_path: Path) -> None:
    config_dir = estate(tmp_path)
    lock = config_dir / "identities" / "dev.toml"
    lock.write_text(lock.read_text().replace(ANALYTICS_LEADS, "00000000-0000-7000-8000-000000000000"))
    code, printed = run(account_file=config_dir / "dev.toml", from_dir=SAVED)
    assert code == 0
    assert "changed: group 'analytics-leads' (new ID)" in printed


def test_responses_from_two_identity_stores_are_refused(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    shutil.copytree(SAVED, saved)
    users = json.loads((saved / "list-users.json").read_text())
    users["Users"][0]["IdentityStoreId"] = "d-0000000000"
    (saved / "list-users.json").write_text(json.dumps(users))
    code, printed = run(account_file=FIXTURE_ACCOUNTS / "dev.toml", from_dir=saved)
    assert code == 2
    assert "IdentityStoreId = ['d-0000000000', 'd-93670c4e1a']: expected one identity store" in printed


def test_a_malformed_saved_response_names_the_file_and_item(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    shutil.copytree(SAVED, saved)
    groups = json.loads((saved / "list-groups.json").read_text())
    groups["Groups"][1]["GroupId"] = "data-stewards"
    (saved / "list-groups.json").write_text(json.dumps(groups))
    code, printed = run(account_file=FIXTURE_ACCOUNTS / "dev.toml", from_dir=saved)
    assert code == 2
    assert "list-groups.json: Groups[1].GroupId = 'data-stewards': expected an Identity Center ID" in printed


@pytest.mark.parametrize("live", [True, False], ids=["both", "neither"])
def test_exactly_one_source_is_required(live: bool) -> None:
    code, printed = run(account_file=FIXTURE_ACCOUNTS / "dev.toml", from_dir=SAVED if live else None, live=live)
    assert code == 2 and "expected exactly one of them" in printed


def test_live_mode_without_boto3_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    code, printed = run(account_file=FIXTURE_ACCOUNTS / "dev.toml", live=True, identity_store_id="d-93670c4e1a")
    assert code == 2
    assert "boto3 = (not installed): expected the optional extra: pip install 'smus-estate[live]'" in printed


class NotFoundError(Exception):
    """Shaped like botocore's ClientError for ResourceNotFoundException."""

    def __init__(self) -> None:
        super().__init__("not found")
        self.response = {"Error": {"Code": "ResourceNotFoundException"}}


class FakeIdentityStore:
    """Answers like boto3's identitystore client (GetGroupId / GetUserId) from the saved responses."""

    def __init__(self) -> None:
        self.groups = {
            g["DisplayName"]: g["GroupId"] for g in json.loads((SAVED / "list-groups.json").read_text())["Groups"]
        }
        self.users = {u["UserName"]: u["UserId"] for u in json.loads((SAVED / "list-users.json").read_text())["Users"]}
        self.calls: list[tuple[str, str]] = []

    def _find(self, table: dict[str, str], path: str, key: str, **request: Any) -> dict[str, Any]:
        attribute = request["AlternateIdentifier"]["UniqueAttribute"]
        assert attribute["AttributePath"] == path and request["IdentityStoreId"] == "d-93670c4e1a"
        self.calls.append((path, attribute["AttributeValue"]))
        if attribute["AttributeValue"] not in table:
            raise NotFoundError
        return {key: table[attribute["AttributeValue"]], "IdentityStoreId": "d-93670c4e1a", "ResponseMetadata": {}}

    def get_group_id(self, **request: Any) -> dict[str, Any]:
        return self._find(self.groups, "displayName", "GroupId", **request)

    def get_user_id(self, **request: Any) -> dict[str, Any]:
        return self._find(self.users, "userName", "UserId", **request)


def test_live_mode_looks_each_name_up_once_and_saves_what_offline_mode_reproduces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = FakeIdentityStore()
    saved = tmp_path / "evidence"
    monkeypatch.setattr(
        LiveIdentityStore,
        "connect",
        classmethod(lambda cls, **kw: cls(client, "d-93670c4e1a", kw["save_dir"])),
    )
    config_dir = estate(tmp_path)
    committed = (config_dir / "identities" / "prod.toml").read_text()
    code, printed = run(account_file=config_dir / "prod.toml", live=True, save_dir=saved)
    assert code == 0, printed
    assert sorted(client.calls) == sorted(set(client.calls)), "each name is looked up once"
    live_lock = (config_dir / "identities" / "prod.toml").read_text()
    assert live_lock.replace(live_lock.splitlines()[3], "") == committed.replace(committed.splitlines()[3], "")
    (config_dir / "identities" / "prod.toml").unlink()
    code, _ = run(account_file=config_dir / "prod.toml", from_dir=saved)
    assert code == 0
    assert (config_dir / "identities" / "prod.toml").read_text() == committed


def test_live_mode_reports_a_missing_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = FakeIdentityStore()
    del client.groups["ml-leads"]
    monkeypatch.setattr(LiveIdentityStore, "connect", classmethod(lambda cls, **kw: cls(client, "d-93670c4e1a")))
    code, printed = run(account_file=estate(tmp_path) / "dev.toml", live=True)
    assert code == 1
    assert (
        "profiles[1].project_creators[0].name = 'ml-leads': expected a group of identity store d-93670c4e1a" in printed
    )
