"""Property tests over the account-file schema: whatever a file holds, the loader answers with ConfigError by name.

Each example starts from one of the example account files and damages it: a leaf replaced by a random or hostile
value, a key deleted or added, a list entry duplicated, or the file's bytes corrupted. The loader must accept it or
raise :class:`ConfigError` whose every issue names the file (or its identity lock) - no other exception, ever. A
second property synthesises accepted files: they must synthesise, or be refused with a named error.

The suite runs a bounded, derandomised number of examples (the same every run). `make fuzz` runs many more with
random seeds: `SMUS_FUZZ_EXAMPLES=20000 pipenv run pytest tests/test_config_properties.py`.
"""

from __future__ import annotations

import datetime
import math
import os
import shutil
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.errors import ConfigError
from config.loader import load_account
from smus_cli.toml_writer import toml_key, toml_string
from tests.estate import FIXTURE_ACCOUNTS

FUZZ_EXAMPLES = int(os.environ.get("SMUS_FUZZ_EXAMPLES", "0"))
FUZZING = FUZZ_EXAMPLES > 0
#: Bounded and derandomised in the suite (the same examples every run); many and random under `make fuzz`.
LOADER_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES if FUZZING else 300,
    derandomize=not FUZZING,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

ACCOUNTS = sorted(path.stem for path in FIXTURE_ACCOUNTS.glob("*.toml"))
ORIGINALS = {name: (FIXTURE_ACCOUNTS / f"{name}.toml").read_bytes() for name in ACCOUNTS}

HOSTILE_TEXT = [
    "",
    " ",
    "[/]",
    "[bold]x[/bold]",
    ":fire:",
    "\x1b[2J\x1b[HALL GOOD",
    "\u202eevil",
    "\u200b" * 12,
    '${file("/etc/hostname")}',
    "%{ if true }x%{ endif }",
    "${TfToken[TOKEN.1]}",
    "\uff11" * 12,
    "a" * 300,
    "arn:aws-cn:iam::999999999999:role/x",
    "eu-west-9",
    "aws:reserved",
]
LEAVES = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.lists(st.sampled_from(HOSTILE_TEXT), max_size=3),
    st.dictionaries(st.sampled_from(HOSTILE_TEXT), st.sampled_from(HOSTILE_TEXT), max_size=2),
)


def toml_value(value: Any) -> str:
    """Inline TOML for any value tomllib returns (and the leaves above)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and not math.isfinite(value):
        text = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    elif isinstance(value, int | float):
        text = repr(value)
    elif isinstance(value, datetime.date | datetime.time):
        text = value.isoformat()
    elif isinstance(value, str):
        text = toml_string(value)
    elif isinstance(value, list):
        text = "[" + ", ".join(toml_value(item) for item in value) + "]"
    elif isinstance(value, Mapping):
        text = "{" + ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    else:
        raise TypeError(type(value))
    return text


def toml_document(document: Mapping[str, Any]) -> str:
    return "".join(f"{toml_key(key)} = {toml_value(value)}\n" for key, value in document.items())


def paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in the document (tables, arrays and leaves)."""
    found: list[tuple[Any, ...]] = []
    if isinstance(document, dict):
        for key, value in document.items():
            found.append((*prefix, key))
            found.extend(paths(value, (*prefix, key)))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found.append((*prefix, index))
            found.extend(paths(value, (*prefix, index)))
    return found


def parent_of(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        document = document[part]
    return document


@st.composite
def damaged_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """(account name, file content) for one damaged example account file."""
    name = draw(st.sampled_from(ACCOUNTS))
    original = ORIGINALS[name]
    kind = draw(st.sampled_from(["replace", "delete", "add", "duplicate", "bytes", "several"]))
    if kind == "bytes":
        data = bytearray(original)
        for _ in range(draw(st.integers(min_value=1, max_value=8))):
            position = draw(st.integers(min_value=0, max_value=len(data) - 1))
            action = draw(st.sampled_from(["flip", "insert", "delete"]))
            if action == "flip":
                data[position] = draw(st.integers(min_value=0, max_value=255))
            elif action == "insert":
                data[position:position] = draw(st.binary(min_size=1, max_size=4))
            else:
                del data[position]
        return name, bytes(data)
    document = tomllib.loads(original.decode())
    for _ in range(draw(st.integers(min_value=2, max_value=5)) if kind == "several" else 1):
        mutate(draw, document, kind if kind != "several" else draw(st.sampled_from(["replace", "delete", "add"])))
    return name, toml_document(document).encode()


def mutate(draw: st.DrawFn, document: dict[str, Any], kind: str) -> None:
    all_paths = paths(document)
    path = draw(st.sampled_from(all_paths))
    parent = parent_of(document, path)
    key = path[-1]
    if kind == "replace":
        parent[key] = draw(LEAVES)
    elif kind == "delete":
        del parent[key]
    elif kind == "add":
        target = parent[key] if isinstance(parent[key], dict) else parent
        if isinstance(target, dict):
            target[draw(st.sampled_from([*HOSTILE_TEXT[2:], "extra", "name"]))] = draw(LEAVES)
        elif isinstance(target, list):
            target.append(draw(LEAVES))
    elif kind == "duplicate":
        lists = [p for p in all_paths if isinstance(parent_of(document, p)[p[-1]], list)]
        if lists:
            chosen = draw(st.sampled_from(lists))
            items = parent_of(document, chosen)[chosen[-1]]
            if items:
                items.append(items[draw(st.integers(min_value=0, max_value=len(items) - 1))])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config folder with the identity locks, where each example writes its one account file."""
    root = tmp_path_factory.mktemp("fuzz") / "config"
    shutil.copytree(FIXTURE_ACCOUNTS.parent, root)
    return root / "accounts"


@LOADER_SETTINGS
@given(example=damaged_files())
def test_the_loader_raises_only_config_errors_that_name_the_file(workspace: Path, example: tuple[str, bytes]) -> None:
    name, content = example
    path = workspace / f"{name}.toml"
    path.write_bytes(content)
    try:
        load_account(path)
    except ConfigError as error:
        assert error.issues, "a ConfigError with no issue"
        for issue in error.issues:
            assert issue.file in (path, workspace / "identities" / f"{name}.toml"), str(issue)
            assert str(path.name) in str(issue) or "identities" in str(issue)
    finally:
        path.write_bytes(ORIGINALS[name])


FREE_TEXT_KEYS = {"description", "reason", "Owner", "CostCenter", "value"}


@st.composite
def free_text_edits(draw: st.DrawFn) -> tuple[str, bytes]:
    """An example file with one free-text field (the kind that validates) set to hostile or random text."""
    name = draw(st.sampled_from(ACCOUNTS))
    document = tomllib.loads(ORIGINALS[name].decode())
    candidates = [p for p in paths(document) if isinstance(p[-1], str) and p[-1] in FREE_TEXT_KEYS]
    path = draw(st.sampled_from(candidates))
    parent_of(document, path)[path[-1]] = draw(st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(min_size=12)))
    return name, toml_document(document).encode()


@settings(
    max_examples=FUZZ_EXAMPLES // 100 if FUZZING else 6,
    derandomize=not FUZZING,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(example=free_text_edits())
def test_an_accepted_file_synthesises_or_is_refused_by_name(workspace: Path, example: tuple[str, bytes]) -> None:
    from smus_cli.synth import synthesise
    from smus_constructs.errors import PropValidationError
    from smus_rules.errors import RuleFailures

    name, content = example
    path = workspace / f"{name}.toml"
    path.write_bytes(content)
    outdir = workspace.parent.parent / "out"
    try:
        try:
            load_account(path)
        except ConfigError:
            return  # refused by name: the first property covers it
        try:
            names = synthesise(workspace, outdir, accounts=[name])
        except (ConfigError, PropValidationError, RuleFailures) as error:
            assert name in str(error), str(error)
        else:
            assert names and all(n.startswith(f"{name}-") for n in names)
    finally:
        path.write_bytes(ORIGINALS[name])
