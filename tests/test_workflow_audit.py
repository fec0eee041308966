"""zizmor over the repository's workflows: it really runs (never skipped), finds nothing, and does fail a bad workflow.

zizmor is installed by `make test` into `.venv-audit`; without it these tests fail, saying how to install it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from smus_cli import workflow_audit
from smus_cli.audit_tools import AnalyserMissingError, audit_binary
from smus_cli.runtime import PROJECT_ROOT

#: `owner/repo@<40 hex> # vX.Y.Z`: a commit SHA, with the release it is for, so a reviewer can check the pin.
PINNED_USES = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
WORKFLOW_FILES = sorted((PROJECT_ROOT / ".github" / "workflows").glob("*.yml"))


@pytest.fixture(scope="session")
def zizmor() -> Path:
    try:
        return audit_binary("zizmor")
    except AnalyserMissingError as error:
        pytest.fail(str(error))


def test_the_workflows_have_no_zizmor_finding(zizmor: Path) -> None:
    findings = workflow_audit.run_zizmor()
    assert findings == [], "\n".join(str(finding) for finding in findings)


def test_a_workflow_with_an_unpinned_action_and_a_persisted_token_fails(zizmor: Path, tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "bad.yml").write_text(
        "name: bad\non: push\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
    )
    audits = {finding.audit for finding in workflow_audit.run_zizmor(workflows)}
    assert {"unpinned-uses", "artipacked"} <= audits, audits
    assert workflow_audit.main([str(workflows)]) == 1


def test_missing_zizmor_fails_closed_with_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SMUS_AUDIT_VENV", str(tmp_path / "nowhere"))
    with pytest.raises(AnalyserMissingError, match=r"make test"):
        workflow_audit.run_zizmor()
    assert workflow_audit.main([]) == 2


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_every_action_is_pinned_by_sha_and_every_checkout_drops_its_token(path: Path) -> None:
    steps = [step for job in yaml.safe_load(path.read_text())["jobs"].values() for step in job.get("steps", [])]
    uses = [step for step in steps if "uses" in step]
    assert uses, f"{path.name}: no action steps found"
    for step in uses:
        assert PINNED_USES.match(step["uses"]), f"{path.name}: {step['uses']} is not pinned to a commit SHA"
        if step["uses"].startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, f"{path.name}: checkout keeps its token"
    for line in path.read_text().splitlines():
        if "uses:" in line and "@" in line:
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), f"{path.name}: name the release: {line.strip()}"
