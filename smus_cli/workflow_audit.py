"""zizmor over `.github/workflows`: the pipelines hold the deploy credentials, so they are audited like code.

zizmor (the GitHub Actions security linter) runs offline (`--offline`: no GitHub API, so no online-only audits) with
the `auditor` persona, the strictest, which also reports what the regular persona only counts as suppressed. The
gate passes only with zero findings: every action pinned to a commit SHA, no checkout persisting its token, no
template injection, every permission explained. A finding that must be accepted goes in `.github/zizmor.yml` with a
comment saying why (zizmor's own ignore mechanism), so it is reviewed where the workflows are.

Usage: ``python -m smus_cli.workflow_audit [.github/workflows]``; exit 0 clean, 1 on findings, 2 when zizmor is missing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smus_cli.audit_tools import AnalyserMissingError, audit_binary
from smus_cli.runtime import PROJECT_ROOT

WORKFLOWS = PROJECT_ROOT / ".github" / "workflows"
CONFIG = PROJECT_ROOT / ".github" / "zizmor.yml"


@dataclass(frozen=True)
class WorkflowFinding:
    """One zizmor finding: the audit, where, and what it says."""

    audit: str
    severity: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.audit} ({self.severity}): {self.message}"


def _location(finding: dict[str, Any]) -> str:
    for place in finding.get("locations", []):
        symbolic = place.get("symbolic", {})
        key = symbolic.get("key", {})
        local = key.get("Local", {}) if isinstance(key, dict) else {}
        given = local.get("given_path") or local.get("verbatim_path")
        concrete = place.get("concrete", {}).get("location", {}).get("start_point", {})
        if given:
            return f"{given}:{concrete.get('row', 0) + 1}"
    return "?"


def run_zizmor(directory: Path = WORKFLOWS) -> list[WorkflowFinding]:
    """Every finding zizmor reports over ``directory`` (raises :class:`AnalyserMissingError` without zizmor)."""
    command = [str(audit_binary("zizmor")), "--offline", "--persona", "auditor", "--format", "json", "--no-progress"]
    if CONFIG.is_file():
        command += ["--config", str(CONFIG)]
    completed = subprocess.run([*command, str(directory)], capture_output=True, text=True, check=False, timeout=300)
    try:
        raw: Any = json.loads(completed.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(
            f"zizmor exited {completed.returncode} without a JSON report:\n{completed.stderr[-2000:]}"
        ) from None
    if not isinstance(raw, list):
        raise RuntimeError(f"zizmor printed {type(raw).__name__}, expected a list of findings")
    return [
        WorkflowFinding(
            audit=str(item.get("ident", "?")),
            severity=str(item.get("determinations", {}).get("severity", "?")),
            location=_location(item),
            message=str(item.get("desc", "")),
        )
        for item in raw
        # zizmor lists what `.github/zizmor.yml` ignores as well, marked; those are accepted, with the file's reason.
        if isinstance(item, dict) and not item.get("ignored", False)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    directory = Path(args[0]) if args else WORKFLOWS
    try:
        findings = run_zizmor(directory)
    except AnalyserMissingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"zizmor: {len(findings)} finding(s) in {directory}")
    for finding in findings:
        print(f"  FAILED  {finding}")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
