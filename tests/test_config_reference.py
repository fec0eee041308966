"""docs/config-reference.md and config/account.schema.json are generated from the models and must stay in sync."""

from __future__ import annotations

import functools
import json
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

from config.loader import load_estate
from config.models import AccountConfig
from config.reference import (
    REFERENCE_PATH,
    REGENERATE,
    SCHEMA_PATH,
    _models,
    accepted_by,
    field_comments,
    reference_text,
    schema_text,
)
from tests.estate import FIXTURE_ACCOUNTS

ROOT = Path(__file__).resolve().parent.parent


def test_the_config_reference_is_current() -> None:
    assert REFERENCE_PATH.read_text(encoding="utf-8") == reference_text(), (
        f"docs/config-reference.md is stale: a config model changed. Run `{REGENERATE}` and commit the result."
    )


def test_the_account_schema_is_current() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        f"config/account.schema.json is stale: a config model changed. Run `{REGENERATE}` and commit the result."
    )


@pytest.mark.parametrize("model", [_models(AccountConfig)[name] for name in sorted(_models(AccountConfig))], ids=str)
def test_every_key_of_every_table_is_in_the_reference(model: type[BaseModel]) -> None:
    text = reference_text()
    missing = [name for name in model.model_fields if f"- **`{name}`**" not in text]
    assert not missing, f"{model.__name__}: keys missing from the reference: {missing}"


def test_descriptions_and_accepted_values_come_from_the_models() -> None:
    text = reference_text()
    bootstrap = field_comments(_models(AccountConfig)["BootstrapSettings"])
    assert "access_log_bucket" in bootstrap and bootstrap["access_log_bucket"] in text
    assert "Accepted: 12 digits, e.g. '123456789012'." in text
    assert 'Example: `account_id = "123456789012"`' in text
    assert 'one of `"MANUAL"`, `"AUTOMATIC"`; default `"MANUAL"`' in text
    assert "## `[[profiles.environments]]`" in text and "## `[blueprints.<BlueprintName>]`" in text


def test_accepted_values_are_the_validators_own_words() -> None:
    from config.models import AccountSettings

    field = AccountSettings.model_fields["account_id"]
    from typing import Annotated

    assert accepted_by(Annotated[field.annotation, *field.metadata]) == "12 digits, e.g. '123456789012'"
    assert accepted_by(str) is None, "a plain string accepts anything: nothing to quote"


# --- the schema checks real files --------------------------------------------------------------------------------


# An independent validator, as an editor would be, not the pydantic models the schema comes from: the `jsonschema`
# library (a dev dependency in the Pipfile), held to the draft the schema declares.


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_errors(*documents: dict[str, Any]) -> list[list[str]]:
    """Each document's JSON Schema errors (empty: valid), as `path: message`."""
    as_text: list[Any] = json.loads(json.dumps(documents, default=str))  # what an editor sees: dates become text
    return [
        [".".join(map(str, e.absolute_path)) + ": " + e.message for e in _validator().iter_errors(document)]
        for document in as_text
    ]


def account_files() -> list[Path]:
    return sorted(FIXTURE_ACCOUNTS.glob("*.toml")) + sorted((ROOT / "config" / "accounts").glob("*.toml"))


@pytest.mark.parametrize("path", account_files(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_example_account_validates_against_the_schema(path: Path) -> None:
    [errors] = schema_errors(_toml(path))
    assert not errors, f"{path}: {errors}"


@pytest.mark.parametrize("path", account_files(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_example_account_points_an_editor_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#:schema "), f"{path}: first line {first!r}; expected '#:schema <path to the schema>'"
    target = (path.parent / first.removeprefix("#:schema ").strip()).resolve()
    assert target == SCHEMA_PATH.resolve(), f"{path}: #:schema points at {target}, not {SCHEMA_PATH}"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda doc: doc["domain"].update(nmae="x"), "Additional properties are not allowed ('nmae'"),
        (lambda doc: doc["account"].update(account_id="1111"), "does not match"),
        (lambda doc: doc["domain"].update(user_assignment="SOMETIMES"), "is not one of ['MANUAL', 'AUTOMATIC']"),
        (lambda doc: doc["blueprints"].update(Toolin={}), "'Toolin' is not one of"),
        (lambda doc: doc.pop("bootstrap"), "'bootstrap' is a required property"),
        (lambda doc: doc["bootstrap"].update(noncurrent_versions_to_keep=0), "0 is less than the minimum of 1"),
    ],
)
def test_the_schema_rejects_what_the_loader_rejects(edit: Any, message: str) -> None:
    document = _toml(FIXTURE_ACCOUNTS / "dev.toml")
    edit(document)
    [errors] = schema_errors(document)
    assert any(message in error for error in errors), errors


def _toml(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    return document


# --- the README's example ----------------------------------------------------------------------------------------


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1]
    match = re.search(r"```toml\n(.*?)```", section, re.DOTALL)
    assert match, "README.md: the Configuration section has no ```toml example"
    return match.group(1)


def test_the_readme_account_example_validates_and_synthesises(tmp_path: Path) -> None:
    from smus_cli.synth import synthesise

    text = readme_example()
    name = tomllib.loads(text)["account"]["name"]
    accounts = tmp_path / "accounts"
    accounts.mkdir()
    (accounts / f"{name}.toml").write_text(text, encoding="utf-8")
    (accounts / "identities").mkdir()
    shutil.copy(FIXTURE_ACCOUNTS / "identities" / f"{name}.toml", accounts / "identities" / f"{name}.toml")
    shutil.copy(FIXTURE_ACCOUNTS.parent / "governance.toml", tmp_path / "governance.toml")
    [loaded] = load_estate(accounts)
    assert loaded.config.account.protected, "the example is the protected (production) case"
    names = synthesise(accounts, tmp_path / "out")
    assert f"{name}-platform" in names and f"{name}-bootstrap" in names
