"""Crash consistency of the output swap, with real processes and real signals (no mocks).

Each test starts `main.py synth` as a user or the cdktn CLI would, kills it (SIGKILL, SIGTERM, or by killing its
parent), and then checks the two promises: the previous output is intact (byte for byte), and the next synth leaves no
leftovers beside it. The killed runs synthesise a changed config, so a run that wrongly finished would show.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.estate import FIXTURE_ACCOUNTS

REPO = Path(__file__).resolve().parent.parent
MAIN = str(REPO / "main.py")


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def synth_args(config: Path, outdir: Path) -> list[str]:
    return [sys.executable, MAIN, "synth", "--config-dir", str(config), "--outdir", str(outdir), "--account", "dev"]


def start(config: Path, outdir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        synth_args(config, outdir), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def run(config: Path, outdir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(synth_args(config, outdir), cwd=REPO, capture_output=True, text=True, check=False)


def wait_for_staging(outdir: Path, process: subprocess.Popen[str], timeout: float = 60) -> None:
    """Until the run has created its staging folder: it is then building stacks, seconds before any swap."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.name.startswith(f".{outdir.name}.smus-staging-") for p in outdir.parent.iterdir()):
            return
        if process.poll() is not None:
            pytest.fail(f"synth ended before it started building: {process.communicate()}")
        time.sleep(0.02)
    pytest.fail("synth never created its staging folder")


def leftovers(outdir: Path) -> list[str]:
    return sorted(p.name for p in outdir.parent.iterdir() if p.name != outdir.name)


@pytest.fixture(scope="module")
def estates(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example config, and a copy whose dev domain description differs (what the killed runs synthesise)."""
    root = tmp_path_factory.mktemp("estates")
    original = root / "original" / "accounts"
    changed = root / "changed" / "accounts"
    for folder in (original, changed):
        shutil.copytree(FIXTURE_ACCOUNTS.parent, folder.parent, dirs_exist_ok=True)
    dev = changed / "dev.toml"
    text = dev.read_text()
    old = 'description = "Unified Studio for analytics and ML development"'
    assert old in text
    dev.write_text(text.replace(old, 'description = "changed by a later synth"'))
    return original, changed


@pytest.fixture(scope="module")
def changed_tree(tmp_path_factory: pytest.TempPathFactory, estates: tuple[Path, Path]) -> dict[str, bytes]:
    """What a finished synth of the changed config writes (the output does not depend on where it is written)."""
    outdir = tmp_path_factory.mktemp("changed") / "cdktf.out"
    result = run(estates[1], outdir)
    assert result.returncode == 0, result.stderr
    return tree(outdir)


@pytest.fixture()
def previous(tmp_path: Path, estates: tuple[Path, Path]) -> Iterator[tuple[Path, dict[str, bytes]]]:
    """An output folder holding a good synth of the original config, alone in its parent."""
    outdir = tmp_path / "parent" / "cdktf.out"
    outdir.parent.mkdir()
    result = run(estates[0], outdir)
    assert result.returncode == 0, result.stderr
    yield outdir, tree(outdir)


def test_sigterm_mid_synth_stops_cleanly_and_keeps_the_previous_output(
    previous: tuple[Path, dict[str, bytes]], estates: tuple[Path, Path]
) -> None:
    outdir, before = previous
    process = start(estates[1], outdir)
    wait_for_staging(outdir, process)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "interrupted (SIGTERM)" in stderr and "Traceback" not in stderr
    assert tree(outdir) == before
    assert leftovers(outdir) == []  # the staging folder was removed on the way out, like Ctrl-C


def test_sighup_is_handled_like_ctrl_c_too(previous: tuple[Path, dict[str, bytes]], estates: tuple[Path, Path]) -> None:
    outdir, before = previous
    process = start(estates[1], outdir)
    wait_for_staging(outdir, process)
    process.send_signal(signal.SIGHUP)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGHUP, stderr
    assert tree(outdir) == before and leftovers(outdir) == []


def test_sigkill_at_random_moments_never_loses_the_output_and_the_next_synth_cleans_up(
    previous: tuple[Path, dict[str, bytes]], estates: tuple[Path, Path], changed_tree: dict[str, bytes]
) -> None:
    outdir, before = previous
    assert changed_tree != before
    started = time.monotonic()
    assert run(estates[0], outdir).returncode == 0
    duration = time.monotonic() - started
    rng = random.Random(13)  # derandomised: the same moments every run
    for _ in range(4):
        current = tree(outdir)
        target, config = (changed_tree, estates[1]) if current == before else (before, estates[0])
        process = start(config, outdir)
        time.sleep(rng.uniform(0.1, 1.1) * duration)
        process.kill()
        process.communicate()
        assert tree(outdir) in (current, target), "a SIGKILL left a mix of two synths, or no output"
    final = run(estates[0], outdir)
    assert final.returncode == 0, final.stderr
    assert tree(outdir) == before
    assert leftovers(outdir) == []


def test_sigkill_between_the_two_renames_is_repaired_by_the_next_run(
    previous: tuple[Path, dict[str, bytes]], estates: tuple[Path, Path]
) -> None:
    """The one moment with no output folder: the old one is retired, the new one not yet renamed into place.

    A real synth process is killed exactly there (its second rename sends it SIGKILL); then a real synth of a
    broken config runs - recovery comes before the config is read, so even that restores the output.
    """
    outdir, before = previous
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "calls = []\n"
        "real = Path.rename\n"
        "def rename(self, target):\n"
        "    calls.append(self)\n"
        "    if len(calls) == 2:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "    return real(self, target)\n"
        "Path.rename = rename\n"
        "from smus_cli.synth import synthesise\n"
        f"synthesise(Path({str(estates[1])!r}), Path({str(outdir)!r}), ['dev'])\n"
    )
    killed = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not outdir.exists(), "the kill did not land between the renames"
    broken = outdir.parent / "broken" / "accounts"
    shutil.copytree(estates[0].parent, broken.parent)
    (broken / "dev.toml").write_text("not = [valid")
    result = run(broken, outdir)
    assert result.returncode == 2
    assert "restored" in result.stderr
    assert tree(outdir) == before
    shutil.rmtree(broken.parent)
    final = run(estates[0], outdir)
    assert final.returncode == 0, final.stderr
    assert leftovers(outdir) == []


def test_two_synths_into_one_folder_take_turns(
    previous: tuple[Path, dict[str, bytes]], estates: tuple[Path, Path], changed_tree: dict[str, bytes]
) -> None:
    outdir, before = previous
    first, second = start(estates[1], outdir), start(estates[0], outdir)
    results = [process.communicate(timeout=120) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], results
    assert tree(outdir) in (before, changed_tree)  # whole, from one of the two
    assert "Traceback" not in results[0][1] + results[1][1]
    assert leftovers(outdir) == []


def test_the_synth_dies_with_the_process_that_started_it(
    previous: tuple[Path, dict[str, bytes]], estates: tuple[Path, Path]
) -> None:
    """Like `npx cdktn synth`: a parent runs the synth through `/bin/sh -c` and is SIGKILLed; the synth must not go
    on and replace the output after the caller has seen a failure."""
    outdir, before = previous
    command = " ".join(f"'{arg}'" for arg in synth_args(estates[1], outdir))
    parent = subprocess.Popen(
        [sys.executable, "-c", f"import subprocess; subprocess.run(['/bin/sh', '-c', {command!r}])"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    wait_for_staging(outdir, parent)
    synth_pids = [pid for pid in _pids_with(str(outdir)) if pid != parent.pid]
    assert synth_pids, "the synth process was not found"
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(pid) for pid in synth_pids):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in synth_pids), "the synth outlived its parent"
    time.sleep(1)
    assert tree(outdir) == before
    assert leftovers(outdir) == []


def _pids_with(text: str) -> list[int]:
    """PIDs of processes whose command line contains ``text`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if text in cmdline and "main.py" in cmdline and "/bin/sh" not in cmdline:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
