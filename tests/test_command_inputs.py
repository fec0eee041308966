"""Every command answers bad input with exit 2 and one message naming it: never a traceback, a hang or a pass.

Each case runs the real `smus` (main.py) in a subprocess, as CI would. The inputs are the ones that used to give
tracebacks (issue 13, part 7): binary, UTF-16 and 100,000-deep files, folders where files belong, files where
folders belong, wrong-shaped JSON, and a promotion gate asked to compare an account with itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.estate import FIXTURE_ACCOUNTS

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PLAN = FIXTURES / "plans" / "import-adopt.json"
INVENTORY = FIXTURES / "inventory" / "research"

Case = Callable[[Path], tuple[list[str], str]]  # builds inputs under tmp; returns (arguments, text the message names)


def smus(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
        env={**os.environ, "COLUMNS": "400"},
        timeout=120,
    )


def binary(tmp: Path, name: str = "plan.json") -> Path:
    path = tmp / name
    path.write_bytes(bytes(range(256)) * 4)
    return path


def utf16(tmp: Path, source: Path, name: str) -> Path:
    path = tmp / name
    path.write_bytes(source.read_text().encode("utf-16"))
    return path


def deep_json(tmp: Path) -> Path:
    path = tmp / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    return path


def huge(tmp: Path) -> Path:
    path = tmp / "huge.json"
    with path.open("wb") as handle:  # sparse: the size is real, the disk use is not
        handle.truncate(65 * 1024 * 1024)
    return path


def under_a_file(tmp: Path, name: str) -> Path:
    (tmp / "a-file").write_text("x")
    return tmp / "a-file" / name


def inventory_with(tmp: Path, name: str, body: object) -> Path:
    folder = tmp / "responses"
    shutil.copytree(INVENTORY, folder)
    (folder / name).write_text(json.dumps(body))
    return folder


CASES: dict[str, Case] = {
    "guard-binary-plan": lambda t: (["guard", str(binary(t))], "plan.json: (encoding)"),
    "guard-utf16-plan": lambda t: (["guard", str(utf16(t, PLAN, "wide.json"))], "UTF-16"),
    "guard-deep-plan": lambda t: (["guard", str(deep_json(t))], "nested too deeply"),
    "guard-huge-plan": lambda t: (["guard", str(huge(t))], "of at most 64 MB"),
    "guard-folder-as-plan": lambda t: (["guard", str(t)], "(file) = (a folder)"),
    "guard-utf16-allow-list": lambda t: (
        ["guard", str(PLAN), "--allow-list", str(utf16(t, REPO / "config" / "guard-allowlist.toml", "a.toml"))],
        "a.toml: (encoding)",
    ),
    "guard-binary-allow-list": lambda t: (
        ["guard", str(PLAN), "--allow-list", str(binary(t, "allow.toml"))],
        "allow.toml: (encoding)",
    ),
    "diff-envs-same-account": lambda t: (["diff-envs", "dev", "dev"], "expected two different accounts"),
    "diff-envs-latin-1": lambda t: (["diff-envs", "dev", "staging", "--config-dir", str(latin1_estate(t))], "dev.toml"),
    "inventory-output-is-a-folder": lambda t: (
        ["inventory", "--account-name", "research", "--from-dir", str(INVENTORY), "-o", str(t)],
        "(file) = 'a folder'",
    ),
    "inventory-items-not-a-list": lambda t: (
        _inventory(inventory_with(t, "list-projects.json", {"items": 5}), t),
        "list-projects.json: items",
    ),
    "inventory-response-a-list": lambda t: (
        _inventory(inventory_with(t, "get-domain.json", [1, 2]), t),
        "get-domain.json",
    ),
    "inventory-name-a-number": lambda t: (
        _inventory(inventory_with(t, "get-domain.json", {"id": "dzd_x", "name": 5, "arn": 7}), t),
        "get-domain.json",
    ),
    "inventory-binary-response": lambda t: (
        _inventory(_binary_response(t), t),
        "list-projects.json: (encoding)",
    ),
    "evidence-binary-check-report": lambda t: (
        ["evidence", "--check-report", str(binary(t, "report.json")), "-o", str(t / "ev")],
        "report.json: (encoding)",
    ),
    "evidence-guard-result-not-json": lambda t: (
        ["evidence", "--guard-result", str(_text(t, "guard.json", "PASS")), "-o", str(t / "ev")],
        "guard.json: (syntax)",
    ),
    "evidence-output-under-a-file": lambda t: (
        ["evidence", "-o", str(under_a_file(t, "ev"))],
        "is under a file",
    ),
    "check-report-dir-under-a-file": lambda t: (
        ["check", "--report-dir", str(under_a_file(t, "reports")), "--no-checkov"],
        "is under a file",
    ),
    "ci-matrix-missing-stacks-file": lambda t: (
        ["ci-matrix", "--by", "stack", "--stacks-file", str(t / "nope.txt")],
        "nope.txt: (file) = 'No such file or directory'",
    ),
    "ci-matrix-binary-stacks-file": lambda t: (
        ["ci-matrix", "--by", "stack", "--stacks-file", str(binary(t, "stacks.txt"))],
        "stacks.txt: (encoding)",
    ),
}


def latin1_estate(tmp: Path) -> Path:
    accounts = tmp / "config" / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS.parent, accounts.parent)
    dev = accounts / "dev.toml"
    dev.write_bytes(dev.read_text().replace("Business analytics", "Caf\xe9 analytics").encode("latin-1"))
    return accounts


def _inventory(folder: Path, tmp: Path) -> list[str]:
    return ["inventory", "--account-name", "research", "--from-dir", str(folder), "-o", str(tmp / "research.toml")]


def _binary_response(tmp: Path) -> Path:
    folder = inventory_with(tmp, "list-projects.json", {})
    (folder / "list-projects.json").write_bytes(b"\xff\xfe\x00garbage")
    return folder


def _text(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_exit_2_and_named(tmp_path: Path, case: str) -> None:
    args, named = CASES[case](tmp_path)
    result = smus(args, cwd=REPO)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    assert named in " ".join(output.split()), output
    assert not (tmp_path / "ev").exists() and not (tmp_path / "research.toml").exists()


def test_an_unexpected_error_is_one_line_naming_the_command_and_the_traceback_needs_debug(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "import smus_cli.app as app\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('the disk caught fire')\n"
        "app.load_estate = broken\n"
        "app.main(sys.argv[1:])\n"
    )
    plain = subprocess.run(
        [sys.executable, "-c", script, "validate"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert plain.returncode == 2
    assert "Traceback" not in plain.stderr
    assert "smus validate: RuntimeError: the disk caught fire" in plain.stderr
    assert "run with --debug for the traceback" in plain.stderr
    debug = subprocess.run(
        [sys.executable, "-c", script, "--debug", "validate"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert debug.returncode != 0 and "Traceback" in debug.stderr and "the disk caught fire" in debug.stderr


def assert_terminal_safe(output: str) -> None:
    assert "Traceback" not in output
    assert not any(ord(char) < 32 and char not in "\n\t" for char in output), repr(output)


def test_guard_prints_a_hostile_address_as_written(tmp_path: Path) -> None:
    plan = json.loads((FIXTURES / "plans" / "domain-replace-name.json").read_text())
    for change in plan["resource_changes"]:
        change["address"] += "\x1b[2J[/]ALL GOOD[bold]"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    result = smus(["guard", str(path)], cwd=REPO)
    assert result.returncode == 1, result.stderr  # the destructive change still blocks
    assert_terminal_safe(result.stdout + result.stderr)
    assert "\\x1b" in result.stdout and "[/]" in " ".join(result.stdout.split()).replace(" ", "")


def test_diff_envs_prints_hostile_config_values_as_written(tmp_path: Path) -> None:
    accounts = tmp_path / "config" / "accounts"
    shutil.copytree(FIXTURE_ACCOUNTS.parent, accounts.parent)
    dev = accounts / "dev.toml"
    dev.write_text(dev.read_text().replace('Owner = "data-platform"', 'Owner = "\\u001b[2J[/]:fire:"'))
    result = smus(["diff-envs", "dev", "staging", "--config-dir", str(accounts)], cwd=REPO)
    assert result.returncode in (0, 1), result.stderr
    assert_terminal_safe(result.stdout + result.stderr)
