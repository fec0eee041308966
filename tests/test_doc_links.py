"""The project's documents stand alone: every relative link and every path in backticks that reaches outside the
repository (`../something` from the repository root) is an error, and every relative Markdown link resolves to a file
git knows. A reader of a clone, a wheel's README or the rendered docs has nothing beside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\[[^\]]*\]\(([^)\s#]+)(?:#[^)]*)?\)")
CODE_PATH = re.compile(r"`(\.\./[^`\s]+)`")


def tracked_markdown() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / line for line in listed.stdout.splitlines()]


def outside_references(path: Path, text: str) -> list[str]:
    """Links and backticked paths of `text` (in `path`) that leave the repository or name nothing."""
    problems: list[str] = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
            continue
        resolved = (path.parent / target).resolve()
        if not resolved.is_relative_to(ROOT):
            problems.append(f"{target} (outside the repository)")
        elif not resolved.exists():
            problems.append(f"{target} (no such file)")
    for target in CODE_PATH.findall(text):  # a path in backticks is read from the repository root, as commands are
        if not (ROOT / target).resolve().is_relative_to(ROOT):
            problems.append(f"`{target}` (outside the repository)")
    return problems


@pytest.mark.parametrize("doc", tracked_markdown(), ids=lambda p: str(p.relative_to(ROOT)))
def test_documents_link_only_inside_the_repository(doc: Path) -> None:
    assert outside_references(doc, doc.read_text(encoding="utf-8")) == []


def test_a_link_outside_the_repository_is_found() -> None:
    doc = ROOT / "docs" / "operations.md"
    text = "See `../shared/FACTS.md` and [facts](../../shared/FACTS.md), [gone](missing.md), [ok](operations.md)."
    assert outside_references(doc, text) == [
        "../../shared/FACTS.md (outside the repository)",
        "missing.md (no such file)",
        "`../shared/FACTS.md` (outside the repository)",
    ]
