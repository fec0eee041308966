"""Session fixtures: the providers load once per test session (about 11 s), never once per test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smus_cli.runtime import configure_runtime

configure_runtime()  # before anything imports cdktn

from config.loader import DEFAULT_CONFIG_DIR  # noqa: E402
from smus_cli.synth import synthesise  # noqa: E402

StackDoc = dict[str, Any]


@pytest.fixture(scope="session")
def example_outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example estate, synthesised once for the whole session exactly as `main.py synth` does it."""
    outdir = tmp_path_factory.mktemp("example") / "cdktf.out"
    synthesise(DEFAULT_CONFIG_DIR, outdir)
    return outdir


@pytest.fixture(scope="session")
def example_stacks(example_outdir: Path) -> dict[str, StackDoc]:
    """Stack name -> parsed cdk.tf.json of the example estate."""
    return {
        path.parent.name: json.loads(path.read_text())
        for path in sorted((example_outdir / "stacks").glob("*/cdk.tf.json"))
    }


@pytest.fixture()
def fresh_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
