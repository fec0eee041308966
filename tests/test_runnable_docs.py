"""The shell blocks the docs mark runnable work offline, as written: a doc that lies about a command fails the suite.

Mark a block by putting `<!-- runnable -->` on the line directly above its ```bash fence. Each marked block runs
with `bash -euo pipefail` in a scratch copy of the repository (the files git knows, with `.venv`, `node_modules` and
`.venv-checkov` linked in), blocks of one file in order and in the same copy, as a reader following the page would.
No AWS credentials are set, so a marked block must not need AWS: mark only what works on a fresh clone after the
README's two commands.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARKER = "<!-- runnable -->"
DOCS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
LINKED = (".venv", "node_modules", ".venv-checkov")
TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    code: str

    def __str__(self) -> str:
        return f"{_shown(self.path)}:{self.line}"


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def runnable_blocks(path: Path) -> list[Block]:
    """The marked blocks of one Markdown file; a marker that is not right above a ```bash fence is an error."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = []
    for index, line in enumerate(lines):
        if line.strip() != MARKER:
            continue
        fence = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if fence not in ("```bash", "```sh"):
            raise AssertionError(f"{_shown(path)}:{index + 1}: {MARKER} must be right above a ```bash fence")
        end = next((i for i in range(index + 2, len(lines)) if lines[i].strip() == "```"), None)
        if end is None:
            raise AssertionError(f"{_shown(path)}:{index + 2}: the ```bash block is never closed")
        blocks.append(Block(path, index + 3, "\n".join(lines[index + 2 : end]) + "\n"))
    return blocks


def test_markers_sit_above_bash_blocks_and_some_exist() -> None:
    found = [block for doc in DOCS for block in runnable_blocks(doc)]
    assert found, f"no {MARKER} blocks in README.md or docs/: the commands the docs give are then never run"


def test_a_stray_marker_is_refused(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(f"{MARKER}\n\n```bash\necho hi\n```\n")
    with pytest.raises(AssertionError, match="must be right above a ```bash fence"):
        runnable_blocks(doc)


def scratch_copy(target: Path) -> Path:
    """The repository's files (tracked and new, not ignored) copied to ``target``, with the installed tools linked."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            destination = target / name.decode()
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    for tool in LINKED:
        if (ROOT / tool).exists():
            (target / tool).symlink_to(ROOT / tool)
    return target


def environment(copy: Path) -> dict[str, str]:
    """No AWS credentials; the copy's own code first (the venv's editable install points at this checkout)."""
    keep = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "PYTEST", "CDKTF_"))}
    return {
        **keep,
        "PYTHONPATH": str(copy),
        "PIPENV_VENV_IN_PROJECT": "1",
        "PIPENV_IGNORE_VIRTUALENVS": "1",
        "PIPENV_VERBOSITY": "-1",
        "CHECKPOINT_DISABLE": "1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }


@pytest.mark.parametrize("doc", [doc for doc in DOCS if runnable_blocks(doc)], ids=lambda p: p.name)
def test_runnable_blocks_run(doc: Path, tmp_path: Path) -> None:
    copy = scratch_copy(tmp_path / "repo")
    env = environment(copy)
    for block in runnable_blocks(doc):
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block.code],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        assert result.returncode == 0, (
            f"{block}: the runnable block exited {result.returncode}. Fix the doc or the code.\n"
            f"--- block ---\n{block.code}--- stdout (end) ---\n{result.stdout[-3000:]}\n"
            f"--- stderr (end) ---\n{result.stderr[-3000:]}"
        )
        assert not re.search(r"Traceback \(most recent call last\)", result.stderr), f"{block}: {result.stderr}"
