"""`smus` works on the estate you stand in: the nearest `cdktf.json` above the current directory, not the checkout
the environment was installed from (issue: the same environment used from another checkout validated the first)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from smus_cli.project import PROJECT_MARKER, find_project_root
from smus_cli.synth import default_outdir

REPO = Path(__file__).resolve().parent.parent
SMUS = Path(sys.executable).with_name("smus")


def smus(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "CDKTF_OUTDIR")}
    return subprocess.run([str(SMUS), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def other_estate(root: Path) -> Path:
    """Another checkout's estate: a cdktf.json and one account file, renamed so its output can't be ours."""
    accounts = root / "config" / "accounts"
    accounts.mkdir(parents=True)
    shutil.copy(REPO / PROJECT_MARKER, root / PROJECT_MARKER)
    source = REPO / "config" / "accounts"
    for path in [source / "dev.toml", *source.glob("*/dev.toml")]:  # the account file and its locks beside it
        target = accounts / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8").replace("111111111111", "444444444444"))
    (root / "docs").mkdir()
    return root


def test_the_project_root_is_the_nearest_cdktf_json_above(tmp_path: Path) -> None:
    project = other_estate(tmp_path / "estate")
    assert find_project_root(project / "docs") == project
    assert find_project_root(project) == project
    assert find_project_root(tmp_path) == tmp_path.resolve()  # none above: the folder itself


@pytest.mark.parametrize("where", ["root", "docs"])
def test_validate_from_another_checkout_reads_that_checkouts_accounts(tmp_path: Path, where: str) -> None:
    project = other_estate(tmp_path / "estate")
    result = smus("validate", cwd=project if where == "root" else project / "docs")
    assert result.returncode == 0, result.stderr
    assert f"ok  {project / 'config' / 'accounts' / 'dev.toml'}  (444444444444" in result.stdout
    assert str(REPO) not in result.stdout and "staging" not in result.stdout


def test_validate_outside_any_project_names_the_folder_it_looked_in(tmp_path: Path) -> None:
    result = smus("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{tmp_path.resolve() / 'config' / 'accounts'}" in result.stderr
    assert str(REPO) not in result.stderr


def test_synth_output_defaults_to_the_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDKTF_OUTDIR", raising=False)
    assert default_outdir() == find_project_root() / "cdktf.out"
    monkeypatch.setenv("CDKTF_OUTDIR", "/elsewhere/out")
    assert default_outdir() == Path("/elsewhere/out")
