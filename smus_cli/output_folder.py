"""The synth output folder: which folder synth may replace, one synth at a time, and recovery after a killed run.

Synth replaces its output wholesale, so it first proves the folder is its own: empty, missing, or holding only what a
previous synth wrote (its marker file, `manifest.json` and `stacks/`). Anything else - the current folder, the
repository, the config folder, an ancestor of them, a folder with other files in it - is refused before anything is
touched. `--outdir .` once deleted a checkout's README, config and .git; this module is why it cannot again.

The swap is two renames (output -> retired, staging -> output). Signals other than SIGKILL are blocked across them;
a SIGKILL between them is repaired by the next synth, which restores the retired copy before it does anything else.
A flock on the output's parent folder (released by the kernel when its holder dies, so it never goes stale) makes
concurrent synths into one folder take turns, and lets the one holding it treat every leftover as a dead run's.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from smus_cli.project import DEFAULT_OUTDIR

#: Written into every output folder; its presence is what lets a later synth replace the folder.
MARKER = ".smus-synth.json"
#: The only top-level entries a synth writes.
WRITTEN = frozenset({MARKER, "manifest.json", "stacks"})
#: What cdktn wrote before the marker existed (an output folder of an earlier version of this tool).
_CDKTN_OUTPUT = frozenset({"manifest.json", "stacks"})
_SWAP_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


class OutputFolderError(Exception):
    """The output folder is not one synth may replace. Raised before anything on disk is touched."""

    def __init__(self, folder: Path, problem: str, accepted: str) -> None:
        self.folder = folder
        super().__init__(f"--outdir {folder}: {problem}; nothing was touched. Expected {accepted}")


ACCEPTED = "a new or empty folder, or one an earlier `smus synth` wrote (it holds .smus-synth.json)"


def resolve_outdir(outdir: Path | None, env: dict[str, str] | os._Environ[str] = os.environ) -> Path:
    """The folder to write: ``outdir``, else a non-empty `$CDKTF_OUTDIR`, else the project root's `cdktf.out`."""
    if outdir is None:
        outdir = Path(env.get("CDKTF_OUTDIR", "").strip() or DEFAULT_OUTDIR)  # the project root's, from anywhere in it
    if str(outdir).strip() == "":
        raise OutputFolderError(outdir, "an empty path names the current folder", ACCEPTED)
    return Path.cwd() / outdir  # absolute, links not followed (check_replaceable looks at both)


def check_replaceable(target: Path, protected: Sequence[tuple[str, Path]]) -> None:
    """Refuse ``target`` unless synth may replace it; ``protected`` are (label, folder) pairs it must never hold."""
    real = target.resolve()
    for label, given in protected:
        folder = given.resolve()
        if real == folder or real in folder.parents:
            problem = f"is {label}" if real == folder else f"holds {label} ({folder})"
            raise OutputFolderError(target, problem, ACCEPTED)
        if label == "the config folder" and folder in real.parents:
            raise OutputFolderError(target, f"is inside {label} ({folder})", ACCEPTED)
    if not target.exists() and not target.is_symlink():
        return
    if not target.is_dir():
        raise OutputFolderError(target, "is not a folder", ACCEPTED)
    entries = _entries(target)
    if not entries or is_our_output(target, entries):
        return
    others = sorted(entries - WRITTEN) or sorted(entries)
    shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
    raise OutputFolderError(target, f"holds files synth did not write ({shown})", ACCEPTED)


def _entries(folder: Path) -> set[str]:
    try:
        return {entry.name for entry in folder.iterdir()}
    except OSError as error:
        raise OutputFolderError(folder, f"cannot be read ({error.strerror})", ACCEPTED) from None


def is_our_output(folder: Path, entries: set[str] | None = None) -> bool:
    """True for a folder a synth wrote: its marker and nothing else at the top, or an unmarked cdktn output."""
    names = _entries(folder) if entries is None else entries
    if MARKER in names:
        return names <= WRITTEN
    return names == _CDKTN_OUTPUT and _is_cdktn_manifest(folder)


def _is_cdktn_manifest(folder: Path) -> bool:
    """An unmarked folder of `manifest.json` and `stacks/` only, where each stack folder is one the manifest lists."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        stacks = manifest["stacks"]
        listed = {stack["name"] for stack in stacks.values()}
        present = {entry.name for entry in (folder / "stacks").iterdir()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return present <= listed


def write_marker(folder: Path, stacks: Iterable[str]) -> None:
    (folder / MARKER).write_text(
        json.dumps({"written_by": "smus synth", "stacks": sorted(stacks)}, indent=2) + "\n", encoding="utf-8"
    )


def _staging_prefix(target: Path) -> str:
    return f".{target.name}.smus-staging-"


def _retired(target: Path) -> Path:
    return target.with_name(f".{target.name}.smus-retired")


# Leftovers of the version before this module: `mkdtemp(prefix=".cdktf.out.")` and `.cdktf.out.retired-<pid>`.
def _legacy(target: Path) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(target.name)}\.(retired-\d+|[a-z0-9_]{{8}})$")


def _ours_to_remove(folder: Path) -> bool:
    """A leftover is removed only when it holds nothing but what synth writes (so a user's folder is never taken)."""
    try:
        names = {entry.name for entry in folder.iterdir()}
    except OSError:
        return False
    return names <= WRITTEN


@contextlib.contextmanager
def exclusive(target: Path, *, wait_message: str) -> Iterator[None]:
    """Hold the lock on ``target``'s parent folder: one synth at a time writes there. Waits for a running one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(wait_message, file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def recover(target: Path) -> list[str]:
    """Repair what a killed run left (call with the lock held): restore a retired output, remove the rest.

    Returns one line per action, for the caller to report.
    """
    done: list[str] = []
    legacy = _legacy(target)
    retired = [_retired(target)] if _retired(target).is_dir() else []
    staging: list[Path] = []
    for entry in target.parent.iterdir():
        if not entry.is_dir() or entry.is_symlink():
            continue
        if entry.name.startswith(_staging_prefix(target)):
            staging.append(entry)
        elif legacy.match(entry.name) and _ours_to_remove(entry):
            (retired if ".retired-" in entry.name else staging).append(entry)
    retired.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    if retired and not target.exists() and not target.is_symlink():
        retired[0].rename(target)
        done.append(f"restored {target} from {retired[0].name} (a synth was killed while swapping)")
        retired = retired[1:]
    for leftover in [*retired, *staging]:
        if leftover.name.startswith(_staging_prefix(target)) or _ours_to_remove(leftover):
            shutil.rmtree(leftover, ignore_errors=True)
            done.append(f"removed {leftover.name} (left by a synth that was killed)")
    return done


def make_staging(target: Path) -> Path:
    """A fresh folder beside ``target`` (same filesystem, so the swap is a rename), readable like the output."""
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(target), dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the output is meant to be read by reviewers and tools
    return staging


def remove_staging(staging: Path) -> None:
    """Remove a failed run's staging folder, now and once more at exit.

    Interrupted mid-call, the jsii kernel (a separate Node process) finishes the call it was making and may create
    files there after this first attempt; it stops for good in jsii's own exit handler. This module registers its
    exit handler on import, before cdktn is imported (which starts the kernel), and exit handlers run last-registered
    first, so the second attempt comes after the kernel has stopped.
    """
    shutil.rmtree(staging, ignore_errors=True)
    _remove_at_exit.add(staging)


_remove_at_exit: set[Path] = set()


@atexit.register
def _remove_leftover_staging(quiet: float = 0.5, patience: float = 10.0) -> None:
    """Remove each failed run's staging folder until it has stayed gone for ``quiet`` seconds.

    jsii's exit handler gives the kernel 5 s to stop and then terminates only its wrapper process; on a loaded
    machine the Node process doing the work can still write for a moment after that.
    """
    deadline = time.monotonic() + patience
    for staging in _remove_at_exit:
        gone_since: float | None = None
        while time.monotonic() < deadline:
            shutil.rmtree(staging, ignore_errors=True)
            if staging.exists():
                gone_since = None
            elif gone_since is None:
                gone_since = time.monotonic()
            elif time.monotonic() - gone_since >= quiet:
                break
            time.sleep(0.05)


def hold_signals() -> set[int | signal.Signals]:
    """Hold off Ctrl-C, SIGTERM and SIGHUP (they stay pending); returns the mask to give :func:`release_signals`."""
    return signal.pthread_sigmask(signal.SIG_BLOCK, _SWAP_SIGNALS)


def release_signals(previous: set[int | signal.Signals]) -> None:
    signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def swap_into_place(staging: Path, target: Path) -> None:
    """Replace ``target`` with ``staging`` by two renames, with Ctrl-C, SIGTERM and SIGHUP held off in between."""
    retired = _retired(target)
    held = hold_signals()
    try:
        if target.exists() or target.is_symlink():
            target.rename(retired)
        staging.rename(target)
    finally:
        release_signals(held)
    shutil.rmtree(retired, ignore_errors=True)
