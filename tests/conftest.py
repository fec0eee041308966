"""Session fixtures: the providers load once per test session (about 11 s), never once per test."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smus_cli.runtime import configure_runtime

configure_runtime()  # before anything imports cdktn

from smus_cli.synth import synthesise  # noqa: E402
from tests.eager_synth import TEST_NAME as EAGER_TEST  # noqa: E402
from tests.eager_synth import EagerSynth  # noqa: E402
from tests.eager_synth import start as start_eager_synth  # noqa: E402
from tests.estate import FIXTURE_ACCOUNTS  # noqa: E402

StackDoc = dict[str, Any]


EAGER_SYNTH = pytest.StashKey[EagerSynth]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the eager comparison synth in the background when its test is going to run (see tests/eager_synth.py)."""
    if any(item.name == EAGER_TEST for item in session.items):
        session.config.stash[EAGER_SYNTH] = start_eager_synth()


def pytest_unconfigure(config: pytest.Config) -> None:
    background = config.stash.get(EAGER_SYNTH, None)
    if background is not None:
        background.process.kill()
        background.process.wait()
        shutil.rmtree(background.outdir.parent, ignore_errors=True)


@pytest.fixture()
def eager_synth(request: pytest.FixtureRequest) -> EagerSynth:
    """The background eager synth (started now if the session did not start it)."""
    stash = request.config.stash
    if EAGER_SYNTH not in stash:
        stash[EAGER_SYNTH] = start_eager_synth()
    return stash[EAGER_SYNTH]


@pytest.fixture(scope="session")
def example_outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example estate, synthesised once for the whole session exactly as `main.py synth` does it."""
    outdir = tmp_path_factory.mktemp("example") / "cdktf.out"
    synthesise(FIXTURE_ACCOUNTS, outdir)
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
