"""Synth replaces only a folder it wrote: everything else is refused by name, with every file kept.

`smus synth --outdir .` once deleted the checkout's README, config and .git; `--outdir config` the account files it
had just read; an empty `CDKTF_OUTDIR` the current folder. These run the real CLI, as a user would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from smus_cli.output_folder import MARKER, OutputFolderError, check_replaceable, resolve_outdir
from tests.estate import FIXTURE_ACCOUNTS

REPO = Path(__file__).resolve().parent.parent


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its content: the byte-identical check."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def smus(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture()
def checkout(tmp_path: Path) -> Path:
    """A folder that looks like a user's checkout: a README, a .git, the config."""
    root = tmp_path / "checkout"
    shutil.copytree(FIXTURE_ACCOUNTS.parent, root / "config")
    (root / "README.md").write_text("my notes")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return root


@pytest.mark.parametrize(
    ("outdir", "env"),
    [
        (".", {}),
        ("config", {}),
        ("config/accounts", {}),
        ("..", {}),
        (None, {"CDKTF_OUTDIR": "."}),
        ("config/accounts/out", {}),
    ],
    ids=["current-folder", "config-folder", "accounts-folder", "ancestor", "cdktf-outdir-dot", "inside-config"],
)
def test_synth_refuses_an_outdir_it_did_not_write_and_touches_nothing(
    checkout: Path, outdir: str | None, env: dict[str, str]
) -> None:
    before = tree(checkout.parent)
    args = ["synth", "--config-dir", "config/accounts"] + (["--outdir", outdir] if outdir else [])
    result = smus(*args, cwd=checkout, env=env)
    assert result.returncode == 2, result.stderr
    assert "nothing was touched" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(checkout.parent) == before


def test_synth_refuses_a_folder_holding_other_files_and_names_them(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "thesis.docx").write_text("three years of work")
    with pytest.raises(OutputFolderError, match=r"out: holds files synth did not write \(thesis\.docx\)"):
        check_replaceable(target, ())
    assert (target / "thesis.docx").read_text() == "three years of work"


def test_a_marked_folder_with_an_extra_file_is_refused_too(tmp_path: Path) -> None:
    """The marker vouches for what synth wrote, not for what someone put beside it later."""
    target = tmp_path / "cdktf.out"
    target.mkdir()
    (target / MARKER).write_text("{}")
    (target / "notes.txt").write_text("mine")
    with pytest.raises(OutputFolderError, match=r"notes\.txt"):
        check_replaceable(target, ())


def test_a_file_in_place_of_the_folder_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "cdktf.out"
    target.write_text("not a folder")
    with pytest.raises(OutputFolderError, match="is not a folder"):
        check_replaceable(target, ())


def test_an_unmarked_cdktn_output_of_an_earlier_version_is_replaceable(tmp_path: Path) -> None:
    target = tmp_path / "cdktf.out"
    (target / "stacks" / "dev-ops").mkdir(parents=True)
    (target / "manifest.json").write_text(json.dumps({"stacks": {"dev-ops": {"name": "dev-ops"}}}))
    check_replaceable(target, ())
    (target / "stacks" / "not-in-the-manifest").mkdir()
    with pytest.raises(OutputFolderError):
        check_replaceable(target, ())


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_cdktf_outdir_means_the_default(value: str) -> None:
    assert resolve_outdir(None, {"CDKTF_OUTDIR": value}) == Path.cwd() / "cdktf.out"
    assert resolve_outdir(None, {"CDKTF_OUTDIR": "elsewhere"}) == Path.cwd() / "elsewhere"


def test_synth_writes_its_marker_and_replaces_its_own_output(tmp_path: Path) -> None:
    from smus_cli.synth import synthesise

    outdir = tmp_path / "cdktf.out"
    synthesise(FIXTURE_ACCOUNTS, outdir, accounts=["dev"])
    marker = json.loads((outdir / MARKER).read_text())
    assert marker["written_by"] == "smus synth"
    assert "dev-platform" in marker["stacks"]
    synthesise(FIXTURE_ACCOUNTS, outdir, accounts=["dev"])  # its own output: replaced without a word
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdktf.out"]


def test_synth_of_one_account_keeps_the_other_accounts_stacks(tmp_path: Path) -> None:
    """Issue 18: `synth --account dev` used to wipe staging's and prod's stacks from the output. It keeps them now."""
    from smus_cli.synth import synthesise

    outdir = tmp_path / "cdktf.out"
    synthesise(FIXTURE_ACCOUNTS, outdir)
    prod_before = tree(outdir / "stacks" / "prod-platform")
    synthesise(FIXTURE_ACCOUNTS, outdir, accounts=["dev"])
    manifest = json.loads((outdir / "manifest.json").read_text())
    assert {"dev-platform", "staging-projects", "prod-platform", "prod-ops"} <= set(manifest["stacks"])
    assert tree(outdir / "stacks" / "prod-platform") == prod_before
    assert "prod-platform" in json.loads((outdir / MARKER).read_text())["stacks"]
