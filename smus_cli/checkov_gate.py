"""Run checkov over synthesised stacks and fail on any finding not accepted, with a reason, in the reviewed skip file.

checkov lives in its own virtual environment (`.venv-checkov`, made by `make checkov-install`, which `make test`
depends on) because it pins old `packaging` and `python-dateutil` that would clash with the app's. Its
`terraform_json` runner reads no inline `checkov:skip` comments, so suppressions are applied here, to its JSON
report, from `config/checkov-skips.toml`: one entry per check and resource, each with a written reason. An entry
that no longer matches a finding fails the gate too, so the exception list cannot silently outlive its reason.

Usage: ``python -m smus_cli.checkov_gate [cdktf.out]``; exit 0 when clean, 1 on findings, 2 when checkov is missing.
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smus_cli.runtime import PROJECT_ROOT

CHECKOV_VENV = PROJECT_ROOT / ".venv-checkov"
SKIPS_NAME = "checkov-skips.toml"
SKIPS_FILE = PROJECT_ROOT / "config" / SKIPS_NAME
MINIMUM_REASON_LENGTH = 40
INSTALL_HINT = "run `make checkov-install` (or `make test`), which creates .venv-checkov with the pinned checkov"


class CheckovMissingError(RuntimeError):
    """The pinned checkov is not installed where the gate looks for it."""


@dataclass(frozen=True)
class Finding:
    """One failed check on one resource of one stack."""

    check_id: str
    check_name: str
    stack: str
    resource: str

    def __str__(self) -> str:
        return f"{self.stack}: {self.resource}: {self.check_id} {self.check_name}"


@dataclass(frozen=True)
class Skip:
    """An accepted finding: which check, on which stacks and resources (globs), and why."""

    check: str
    stacks: str
    resource: str
    reason: str

    def matches(self, finding: Finding) -> bool:
        return (
            finding.check_id == self.check
            and fnmatch.fnmatchcase(finding.stack, self.stacks)
            and fnmatch.fnmatchcase(finding.resource, self.resource)
        )


@dataclass(frozen=True)
class Scan:
    """checkov's verdict on a folder of stacks: every failed check, and which stacks it looked at."""

    findings: list[Finding]
    passed: int
    scanned_stacks: set[str]


@dataclass
class GateResult:
    unsuppressed: list[Finding] = field(default_factory=list)
    suppressed: list[tuple[Finding, Skip]] = field(default_factory=list)
    unused_skips: list[Skip] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unsuppressed and not self.unused_skips

    def report(self) -> str:
        lines = [f"checkov: {len(self.unsuppressed)} unsuppressed, {len(self.suppressed)} suppressed finding(s)"]
        lines += [f"  FAILED  {finding}" for finding in self.unsuppressed]
        lines += [f"  skipped {finding}\n          reason: {skip.reason}" for finding, skip in self.suppressed]
        lines += [
            f"  UNUSED  skip {skip.check} on {skip.stacks} / {skip.resource}: it matches no finding; remove it"
            for skip in self.unused_skips
        ]
        return "\n".join(lines)


def checkov_binary() -> Path:
    """The checkov of `.venv-checkov` (or `$SMUS_CHECKOV`); raises :class:`CheckovMissingError` naming the fix."""
    binary = Path(os.environ.get("SMUS_CHECKOV", CHECKOV_VENV / "bin" / "checkov"))
    if not binary.is_file():
        raise CheckovMissingError(f"checkov not found at {binary}: {INSTALL_HINT}")
    return binary


def skips_path_for(config_dir: Path) -> Path:
    """`checkov-skips.toml` beside the accounts folder when there is one (an estate's own), else the project's."""
    beside = config_dir.parent / SKIPS_NAME
    return beside if beside.is_file() else SKIPS_FILE


def load_skips(path: Path = SKIPS_FILE) -> list[Skip]:
    """The reviewed skip file; every entry must name a check, stacks, a resource and a reason of substance."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = sorted(set(raw) - {"skip"})
    if unknown:
        raise ValueError(f"{path}: unknown top-level key(s) {unknown}; expected only [[skip]] entries")
    skips: list[Skip] = []
    for index, entry in enumerate(raw.get("skip", [])):
        where = f"{path}: skip[{index}]"
        extra = sorted(set(entry) - {"check", "stacks", "resource", "reason"})
        if extra:
            raise ValueError(f"{where}: unknown key(s) {extra}; expected check, stacks, resource, reason")
        for key in ("check", "stacks", "resource", "reason"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ValueError(f"{where}.{key} = {entry.get(key)!r}: expected a non-empty string")
        if any(char in entry["check"] for char in "*?[,"):
            raise ValueError(f"{where}.check = {entry['check']!r}: expected one check ID such as 'CKV_AWS_18'")
        if entry["resource"].strip() in {"*", "*.*"}:
            raise ValueError(f"{where}.resource = {entry['resource']!r}: expected a resource, not every resource")
        reason = " ".join(entry["reason"].split())
        if len(reason) < MINIMUM_REASON_LENGTH:
            raise ValueError(
                f"{where}.reason = {reason!r}: expected a reason of at least {MINIMUM_REASON_LENGTH} characters "
                "saying why the finding is accepted"
            )
        skips.append(Skip(check=entry["check"], stacks=entry["stacks"], resource=entry["resource"], reason=reason))
    return skips


def run_checkov(directory: Path) -> Scan:
    """checkov's terraform_json checks over every `*.tf.json` under ``directory``."""
    command = [
        str(checkov_binary()),
        "--directory",
        str(directory),
        "--framework",
        "terraform_json",
        "--output",
        "json",
        "--skip-download",
    ]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=600)
    # checkov exits 1 when checks failed: that is a result, not an error. Anything else without JSON is an error.
    try:
        reports: Any = json.loads(completed.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(
            f"checkov exited {completed.returncode} without a JSON report:\n{completed.stderr[-2000:]}"
        ) from None
    if isinstance(reports, dict):
        reports = [reports] if "results" in reports else []
    findings: list[Finding] = []
    passed = 0
    scanned: set[str] = set()
    for report in reports:
        if report.get("check_type") != "terraform_json":
            continue
        results = report["results"]
        for record in results.get("passed_checks", []):
            scanned.add(_stack_of(record["file_path"]))
            passed += 1
        for record in results.get("failed_checks", []):
            stack = _stack_of(record["file_path"])
            scanned.add(stack)
            findings.append(
                Finding(
                    check_id=record["check_id"],
                    check_name=record["check_name"],
                    stack=stack,
                    resource=_address(directory, record),
                )
            )
    return Scan(findings=sorted(findings, key=str), passed=passed, scanned_stacks=scanned)


def gate(findings: Sequence[Finding], skips: Sequence[Skip]) -> GateResult:
    """Split findings into accepted and not; report skip entries that matched nothing."""
    result = GateResult()
    used: set[int] = set()
    for finding in findings:
        for index, skip in enumerate(skips):
            if skip.matches(finding):
                result.suppressed.append((finding, skip))
                used.add(index)
                break
        else:
            result.unsuppressed.append(finding)
    result.unused_skips = [skip for index, skip in enumerate(skips) if index not in used]
    return result


def _stack_of(file_path: str) -> str:
    """`/stacks/dev-bootstrap/cdk.tf.json` -> `dev-bootstrap` (the folder a stack synthesises into)."""
    return Path(file_path).parent.name


def _address(directory: Path, record: dict[str, Any]) -> str:
    """`<type>.<name>`; checkov's graph checks report `resource.<name>`, so the type is read back from the file."""
    resource: str = record["resource"]
    prefix, _, name = resource.partition(".")
    if prefix != "resource":
        return resource
    path = directory / record["file_path"].lstrip("/")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return resource
    types = [rtype for rtype, items in document.get("resource", {}).items() if name in items]
    return f"{types[0]}.{name}" if len(types) == 1 else resource


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    directory = Path(args[0]) if args else Path("cdktf.out")
    try:
        scan = run_checkov(directory)
    except CheckovMissingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if scan.passed + len(scan.findings) == 0:
        print(f"error: checkov checked nothing under {directory}: synthesise first (`make synth`)", file=sys.stderr)
        return 2
    result = gate(scan.findings, load_skips())
    print(result.report())
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
