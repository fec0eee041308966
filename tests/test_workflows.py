"""The GitHub workflows are code: they parse, call only real `smus` commands and options, get OIDC tokens only where
allowed, and the drift job tells a failed plan (exit 1) from drift (exit 2) - checked by running its own script."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.main import get_command

from smus_cli.app import app
from smus_cli.ci_matrix import CI_LAYERS, MatrixShape
from smus_constructs.ops_metrics import (
    ACCOUNT_DIMENSION,
    DRIFT_JOB_METRICS,
    METRIC_UNITS,
    STACK_DIMENSION,
    STACK_METRICS,
    OpsMetric,
)

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"
#: The waiter of every awscc DataZone resource (../shared/FACTS.md): an apply job must be allowed longer.
AWSCC_WAITER_MINUTES = 120
SMUS_CALL = re.compile(r"(?:^|[\s(\"'])(?:\S*/)?smus(?=\s)")

Workflow = dict[str, Any]


def load(name: str) -> Workflow:
    document: Workflow = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return document


def triggers(workflow: Workflow) -> dict[str, Any]:
    """`on:` - which YAML 1.1 (PyYAML) reads as the boolean True."""
    found = workflow["on"] if "on" in workflow else workflow.get(True)  # type: ignore[call-overload]
    assert isinstance(found, dict), "no 'on:' mapping"
    return found


def all_workflows() -> dict[str, Workflow]:
    return {path.name: load(path.name) for path in sorted(WORKFLOWS.glob("*.yml"))}


@dataclass(frozen=True)
class Step:
    workflow: str
    job: str
    index: int
    body: dict[str, Any]

    @property
    def where(self) -> str:
        return (
            f"{self.workflow}: jobs.{self.job}.steps[{self.index}] ({self.body.get('name') or self.body.get('uses')})"
        )


def steps(workflows: dict[str, Workflow]) -> Iterator[Step]:
    for name, workflow in workflows.items():
        for job_name, job in workflow["jobs"].items():
            for index, step in enumerate(job.get("steps", [])):
                yield Step(name, job_name, index, step)


def step_named(workflow: str, job: str, name: str) -> dict[str, Any]:
    for step in load(workflow)["jobs"][job]["steps"]:
        if step.get("name") == name:
            found: dict[str, Any] = step
            return found
    raise AssertionError(f"{workflow}: jobs.{job} has no step named {name!r}")


def smus_calls(script: str) -> list[list[str]]:
    """Every `smus ...` command line in a run script, as argv after `smus`, with `"${args[@]}"` expanded.

    Tokenised as the shell would (quotes kept together) up to the first operator: `)`, `|`, `;`, `&&` or a redirect.
    """
    joined = script.replace("\\\n", " ")
    array_items = [
        token for match in re.finditer(r"args\+=\(([^)]*)\)", joined) for token in shlex.split(match.group(1))
    ]
    calls = []
    for match in SMUS_CALL.finditer(joined):
        rest = joined[match.end() :].split("\n", 1)[0]
        lexer = shlex.shlex(rest, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        argv: list[str] = []
        for token in lexer:
            if token and set(token) <= set("();<>|&"):
                if token[0] in "<>" and argv and argv[-1].isdigit():
                    argv.pop()  # `2>`: the descriptor belongs to the redirect
                break
            argv.extend(array_items if token == "${args[@]}" else [token])
        calls.append(argv)
    return calls


def test_every_workflow_parses_with_triggers_jobs_and_timeouts() -> None:
    workflows = all_workflows()
    assert {"pull-request.yml", "deploy.yml", "drift.yml"} <= set(workflows), sorted(workflows)
    for name, workflow in workflows.items():
        assert triggers(workflow), f"{name}: no 'on:' triggers"
        assert workflow.get("jobs"), f"{name}: no jobs"
        for job_name, job in workflow["jobs"].items():
            assert isinstance(job.get("timeout-minutes"), int), f"{name}: jobs.{job_name} has no timeout-minutes"


def test_every_smus_call_names_a_real_command_with_real_options() -> None:
    cli = get_command(app)
    commands = cli.commands  # type: ignore[attr-defined]
    seen = set()
    for step in steps(all_workflows()):
        for argv in smus_calls(step.body.get("run", "")):
            assert argv, f"{step.where}: `smus` without a command"
            name, args = argv[0], argv[1:]
            assert name in commands, f"{step.where}: `smus {name}` is not a command; known: {sorted(commands)}"
            try:
                commands[name].make_context(name, list(args))
            except Exception as error:
                raise AssertionError(f"{step.where}: `smus {' '.join(argv)}` does not parse: {error}") from error
            seen.add(name)
    assert {"validate", "synth", "check", "ci-matrix", "guard", "evidence", "plan-override"} <= seen, sorted(seen)


def test_the_extractor_finds_calls_inside_substitutions_and_arrays() -> None:
    script = (
        'echo "m=$(.venv/bin/smus ci-matrix --by account)" >> "$GITHUB_OUTPUT"\n'
        'args+=(--plan-summary "a b.txt")\n'
        '.venv/bin/smus evidence "${args[@]}" \\\n  --strict\n'
        "x=$(.venv/bin/smus ci-matrix --stacks-file f.txt 2> notes.txt)\n"
    )
    assert smus_calls(script) == [
        ["ci-matrix", "--by", "account"],
        ["evidence", "--plan-summary", "a b.txt", "--strict"],
        ["ci-matrix", "--stacks-file", "f.txt"],
    ]


def _permissions(workflow: Workflow, job: dict[str, Any]) -> dict[str, str]:
    permissions = job.get("permissions", workflow.get("permissions")) or {}
    assert isinstance(permissions, dict)
    return permissions


def test_oidc_credentials_only_with_id_token_write_and_a_config_role() -> None:
    workflows = all_workflows()
    oidc_jobs = 0
    for name, workflow in workflows.items():
        assert workflow.get("permissions", {}).get("id-token") != "write", (
            f"{name}: id-token: write at workflow level hands every job a token; grant it per job"
        )
        for job_name, job in workflow["jobs"].items():
            uses_aws = [s for s in job.get("steps", []) if str(s.get("uses", "")).startswith("aws-actions/")]
            if not uses_aws:
                assert _permissions(workflow, job).get("id-token") != "write", f"{name}: jobs.{job_name}"
                continue
            oidc_jobs += 1
            assert _permissions(workflow, job).get("id-token") == "write", f"{name}: jobs.{job_name}"
            # The role comes from config through `smus ci-matrix`, never a copied ARN or a stored secret; only
            # deploy.yml gets the deploy role, every plan elsewhere runs with the read-only plan role, and the metrics
            # (drift) role comes after the plans and applies, in the drift and deploy jobs only: never a pull request.
            roles = [step["with"]["role-to-assume"] for step in uses_aws]
            expected = {
                "deploy.yml": ["${{ matrix.role_arn }}", "${{ matrix.drift_role_arn }}"],
                "pull-request.yml": ["${{ matrix.plan_role_arn }}"],
                "drift.yml": ["${{ matrix.plan_role_arn }}", "${{ matrix.drift_role_arn }}"],
            }[name]
            assert roles == expected, f"{name}: jobs.{job_name}"
            for step in uses_aws:
                assert "aws-access-key-id" not in step["with"], f"{name}: jobs.{job_name} uses long-lived keys"
    assert oidc_jobs == 3


#: What a job that holds cloud credentials may run besides Terraform and the AWS CLI: pinned actions only.
CREDENTIALED_JOB_ACTIONS = (
    "actions/download-artifact",
    "actions/upload-artifact",
    "hashicorp/setup-terraform",
    "aws-actions/configure-aws-credentials",
)


def test_jobs_that_plan_with_credentials_run_no_code_of_the_change_before_the_token() -> None:
    """A pull request controls the repository's Makefile, Pipfile and Python: none of it runs in a job with
    id-token (it could mint a token itself, or leave something behind for the steps that hold credentials)."""
    for name, job_name in (("pull-request.yml", "plan"), ("drift.yml", "drift")):
        job = load(name)["jobs"][job_name]
        uses = [str(step["uses"]).split("@")[0] for step in job["steps"] if "uses" in step]
        assert set(uses) <= set(CREDENTIALED_JOB_ACTIONS), f"{name}: jobs.{job_name} uses {uses}"
        scripts = "\n".join(str(step.get("run", "")) for step in job["steps"])
        runs = "\n".join(line for line in scripts.splitlines() if not line.lstrip().startswith("#"))
        project_code = re.compile(r"(^|[\s;|&(])(make|pip|pipenv|npm|npx|python3?|\S*\.venv/\S*)\s", re.MULTILINE)
        found = [m.group(2) for m in project_code.finditer(runs)]
        assert not found, f"{name}: jobs.{job_name} runs {found} with credentials"
        first_token = next(i for i, s in enumerate(job["steps"]) if str(s.get("uses", "")).startswith("aws-actions/"))
        assert all("run" not in step for step in job["steps"][:first_token]), f"{name}: a script before the token"
    guard = load("pull-request.yml")["jobs"]["guard"]
    assert "permissions" not in guard and "id-token" not in json.dumps(guard)
    assert "make install" in json.dumps(guard)


def test_drift_metrics_are_published_only_with_the_drift_role() -> None:
    job = load("drift.yml")["jobs"]["drift"]
    credentials = [i for i, s in enumerate(job["steps"]) if str(s.get("uses", "")).startswith("aws-actions/")]
    assert len(credentials) == 2
    drift_role = credentials[1]
    assert job["steps"][drift_role]["with"]["role-to-assume"] == "${{ matrix.drift_role_arn }}"
    for index, step in enumerate(job["steps"]):
        if "put-metric-data" in str(step.get("run", "")):
            assert index > drift_role, f"drift.yml: {step.get('name')} publishes before the drift role"


def test_plans_outside_deploy_use_the_plan_role_and_pull_requests_no_environment() -> None:
    for name in ("pull-request.yml", "drift.yml"):
        text = (WORKFLOWS / name).read_text(encoding="utf-8")
        assert "matrix.role_arn" not in text, f"{name} must not hand out the deploy role"
    assert "plan-override" not in (WORKFLOWS / "deploy.yml").read_text(encoding="utf-8")
    plan_job = load("pull-request.yml")["jobs"]["plan"]
    # '' for accounts whose plan role trusts pull_request; a protected account's reviewed plan environment otherwise
    # (never a deploy environment: config refuses a plan subject the deploy role trusts).
    assert plan_job["environment"] == "${{ matrix.plan_environment }}"
    assert load("drift.yml")["jobs"]["drift"]["environment"] == "${{ matrix.drift_environment }}"
    # The stacks' backend and providers are pointed at the plan role before the synth output is handed on.
    for name, job, artifact in (("pull-request.yml", "verify", "synth"), ("drift.yml", "synth", "synth")):
        job_steps = load(name)["jobs"][job]["steps"]
        runs = [str(step.get("run", "")) for step in job_steps]
        override = next(i for i, run in enumerate(runs) if "smus plan-override --outdir cdktf.out" in run)
        synthesise = next(i for i, run in enumerate(runs) if "smus synth --outdir cdktf.out" in run)
        upload = next(
            i
            for i, step in enumerate(job_steps)
            if str(step.get("uses", "")).startswith("actions/upload-artifact") and step["with"]["name"] == artifact
        )
        assert synthesise < override < upload, name


def test_terraform_wrapper_is_off_everywhere() -> None:
    found = 0
    for step in steps(all_workflows()):
        if str(step.body.get("uses", "")).startswith("hashicorp/setup-terraform"):
            found += 1
            assert step.body["with"]["terraform_wrapper"] is False, f"{step.where}: the wrapper masks exit codes"
    assert found == 4  # pull-request verify (validate) and plan, deploy, drift


def test_deploy_waits_longer_than_the_awscc_waiter_behind_the_environment() -> None:
    job = load("deploy.yml")["jobs"]["deploy"]
    assert job["timeout-minutes"] > AWSCC_WAITER_MINUTES
    apply = step_named("deploy.yml", "deploy", "Plan, guard and apply each stack")
    assert apply["timeout-minutes"] > AWSCC_WAITER_MINUTES
    assert job["environment"] == "${{ matrix.deploy_environment }}"
    assert job["strategy"]["max-parallel"] == 1 and job["strategy"]["fail-fast"] is True
    assert load("deploy.yml")["concurrency"]["cancel-in-progress"] is False
    # Only the saved, guarded plan is applied.
    script = apply["run"]
    assert script.index("smus guard") < script.index("apply -input=false -no-color tfplan")
    credentials = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("aws-actions/"))
    assert int(credentials["with"]["role-duration-seconds"]) >= job["timeout-minutes"] * 60


def test_pull_request_plans_run_the_guard_and_keep_a_readable_summary() -> None:
    workflow = load("pull-request.yml")
    plan_job = workflow["jobs"]["plan"]
    names = [step.get("name") for step in plan_job["steps"]]
    assert names.index("Plan") < names.index("Readable summary")
    upload = plan_job["steps"][-1]
    assert upload["uses"].startswith("actions/upload-artifact") and upload["if"] == "always()"
    assert upload["with"]["name"] == "plan-${{ matrix.stack }}"
    assert "-lock=false" in step_named("pull-request.yml", "plan", "Plan")["run"]
    # The guard runs in its own job, on the plan the credentialed job uploaded.
    guard_job = workflow["jobs"]["guard"]
    assert guard_job["needs"] == ["verify", "plan"] and guard_job["strategy"] == plan_job["strategy"]
    download = next(s for s in guard_job["steps"] if str(s.get("uses", "")).startswith("actions/download-artifact"))
    assert download["with"]["name"] == "plan-${{ matrix.stack }}"
    guard = step_named("pull-request.yml", "guard", "Replacement guard")["run"]
    assert 'smus guard "$out/plan.json" --stack "$STACK" --json' in guard and 'exit "$status"' in guard


def published_metrics(workflow: str, job: str) -> dict[str, str]:
    """Every `put-metric-data` of a job: metric name -> the command's options, each checked for namespace, dimensions
    and unit against smus_constructs.ops_metrics."""
    published: dict[str, str] = {}
    for step in load(workflow)["jobs"][job]["steps"]:
        script = step.get("run", "").replace("\\\n", " ")
        for match in re.finditer(r"put-metric-data([^\n]*)", script):
            command = match.group(1)
            name = re.search(r"--metric-name (\S+)", command)
            assert name, command
            metric = OpsMetric(name.group(1))
            published[metric.value] = command
            assert '--namespace "$NAMESPACE"' in command, command
            assert f"--unit {METRIC_UNITS[metric]}" in command, command
            if metric in STACK_METRICS:
                assert f'--dimensions "{ACCOUNT_DIMENSION}=$ACCOUNT,{STACK_DIMENSION}=$stack"' in command, command
            else:
                assert f'--dimensions "{ACCOUNT_DIMENSION}=$ACCOUNT"' in command, command
    return published


def test_drift_runs_on_a_schedule_and_publishes_the_metrics_the_alarms_read() -> None:
    workflow = load("drift.yml")
    assert triggers(workflow)["schedule"], "drift.yml must run on a schedule"
    assert workflow["jobs"]["drift"]["env"]["NAMESPACE"] == "${{ matrix.metric_namespace }}"
    assert set(published_metrics("drift.yml", "drift")) == {
        m.value for m in DRIFT_JOB_METRICS | {OpsMetric.PLAN_FAILED}
    }


def test_the_workflows_publish_every_metric_the_ops_stack_reads_and_no_other() -> None:
    """Deploy: each stack's apply duration and plan result; drift: its own metrics and each stack's plan result;
    pull requests: nothing (a pull request controls its workflow file, so it could hold a baseline at 0)."""
    deploy = published_metrics("deploy.yml", "deploy")
    assert set(deploy) == {OpsMetric.APPLY_DURATION_SECONDS.value, OpsMetric.PLAN_FAILED.value}
    assert set(deploy) | set(published_metrics("drift.yml", "drift")) == {metric.value for metric in OpsMetric}
    assert "put-metric-data" not in (WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8")
    assert "put-log-events" not in (WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8")


def test_deploy_publishes_with_the_metrics_role_after_every_apply_never_with_the_deploy_role() -> None:
    job = load("deploy.yml")["jobs"]["deploy"]
    credentials = [i for i, s in enumerate(job["steps"]) if str(s.get("uses", "")).startswith("aws-actions/")]
    assert len(credentials) == 2
    metrics_role = job["steps"][credentials[1]]
    assert metrics_role["with"]["role-to-assume"] == "${{ matrix.drift_role_arn }}"
    assert metrics_role["if"] == "${{ !cancelled() }}"
    names = [step.get("name") for step in job["steps"]]
    assert names.index("Plan, guard and apply each stack") < credentials[1] < names.index("Publish pipeline signals")
    for index, step in enumerate(job["steps"]):
        if "put-metric-data" in str(step.get("run", "")):
            assert index > credentials[1], f"deploy.yml: {step.get('name')} publishes with the deploy role"
    publish = step_named("deploy.yml", "deploy", "Publish pipeline signals")
    assert publish["if"] == "${{ !cancelled() }}" and publish["env"]["NAMESPACE"] == "${{ matrix.metric_namespace }}"


def test_every_metric_is_a_drift_job_metric_or_a_stack_metric_with_a_unit() -> None:
    assert set(OpsMetric) == DRIFT_JOB_METRICS | STACK_METRICS and not DRIFT_JOB_METRICS & STACK_METRICS
    assert set(METRIC_UNITS) == set(OpsMetric)
    assert METRIC_UNITS[OpsMetric.APPLY_DURATION_SECONDS] == "Seconds"
    assert (OpsMetric.APPLY_DURATION_SECONDS.value, OpsMetric.PLAN_FAILED.value) == (
        "ApplyDurationSeconds",
        "PlanFailed",
    )
    assert (ACCOUNT_DIMENSION, STACK_DIMENSION) == ("Account", "Stack")


#: The `smus ci-matrix --by` shape each workflow's matrix jobs read.
MATRIX_SHAPES: dict[str, MatrixShape] = {"deploy.yml": "batch", "drift.yml": "account", "pull-request.yml": "stack"}


def test_every_matrix_field_a_workflow_reads_is_in_its_ci_matrix_shape() -> None:
    from config.loader import load_estate
    from smus_cli.ci_matrix import build_matrix, ordered_targets
    from tests.estate import FIXTURE_ACCOUNTS

    targets = ordered_targets(load_estate(FIXTURE_ACCOUNTS))
    for name, shape in MATRIX_SHAPES.items():
        text = (WORKFLOWS / name).read_text(encoding="utf-8")
        assert f"smus ci-matrix --by {shape}" in text, name
        read = set(re.findall(r"(?<![\w.])matrix\.(\w+)", text))  # not `steps.matrix.outputs`
        fields = set(build_matrix(targets, shape)["include"][0])
        assert read and read <= fields, f"{name} reads {sorted(read - fields)}, not in `--by {shape}` entries"


def test_ci_layers_are_the_account_stack_layers_except_bootstrap() -> None:
    from stacks.account_stack import Layer

    assert set(CI_LAYERS) == {layer.value for layer in Layer}
    assert CI_LAYERS.index("platform") < CI_LAYERS.index("projects")


# --- the drift job's own scripts, run against stub terraform and aws binaries ---

TERRAFORM_STUB = """#!/bin/bash
dir="${1#-chdir=}"; stack=$(basename "$dir"); command="$2"
echo "$stack $*" >> "$CALLS"
show="SHOWJSON_${stack//-/_}"
if [ "$command" = show ] && [ -n "${!show}" ]; then cat "${!show}"; fi
var="${command^^}_${stack//-/_}"
exit "${!var:-0}"
"""
SMUS_STUB = """#!/bin/bash
echo '{"passed": true}'
"""
AWS_STUB = """#!/bin/bash
python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@" >> "$AWS_CALLS"
case "$1 $2" in
  "datazone list-domains") echo "$DOMAINS_JSON" ;;
  "datazone list-projects") echo "$PROJECTS_JSON" ;;
esac
"""


@dataclass
class Run:
    code: int
    #: The account-wide metrics (dimension Account only): name -> value.
    metrics: dict[str, float]
    #: The per-stack metrics (dimensions Account and Stack): (name, stack) -> value.
    stack_metrics: dict[tuple[str, str], float]
    aws_calls: list[list[str]]
    terraform_calls: list[str]
    output: str


def run_step(tmp_path: Path, step_name: str, workflow: str = "drift.yml", job: str = "drift", **env: str) -> Run:
    """Run one workflow step as GitHub does (bash -eo pipefail) with stub terraform and aws on PATH."""
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed (GitHub's runners have it)")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (tmp_path / ".venv" / "bin").mkdir(parents=True, exist_ok=True)
    for path, body in (
        (bin_dir / "terraform", TERRAFORM_STUB),
        (bin_dir / "aws", AWS_STUB),
        (tmp_path / ".venv" / "bin" / "smus", SMUS_STUB),
    ):
        path.write_text(body)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    script = tmp_path / "step.sh"
    script.write_text(step_named(workflow, job, step_name)["run"])
    calls, aws_calls, summary = tmp_path / "calls.txt", tmp_path / "aws.jsonl", tmp_path / "summary.md"
    for path in (calls, aws_calls):
        path.write_text("")
    environment = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "CALLS": str(calls),
        "AWS_CALLS": str(aws_calls),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(tmp_path),
        "ACCOUNT": "dev",
        "NAMESPACE": "SMUS/Drift",
        "OUTDIR": "cdktf.out",
        "STACKS": "dev-platform dev-projects dev-ops",
        "LOG_GROUP": "/smus/dev/drift",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_RUN_ATTEMPT": "1",
        **env,
    }
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    aws = [json.loads(line) for line in aws_calls.read_text().splitlines()]
    metrics: dict[str, float] = {}
    stack_metrics: dict[tuple[str, str], float] = {}
    for argv in aws:
        if argv[:2] == ["cloudwatch", "put-metric-data"]:
            name, value = argv[argv.index("--metric-name") + 1], float(argv[argv.index("--value") + 1])
            dimensions = dict(item.split("=", 1) for item in argv[argv.index("--dimensions") + 1].split(","))
            if STACK_DIMENSION in dimensions:
                stack_metrics[(name, dimensions[STACK_DIMENSION])] = value
            else:
                metrics[name] = value
    return Run(
        result.returncode, metrics, stack_metrics, aws, calls.read_text().splitlines(), result.stdout + result.stderr
    )


PLAN_STEP = "Plan every stack (0 no drift, 2 drift, 1 error)"
STACKS = ("dev-platform", "dev-projects", "dev-ops")


PUBLISH_STEP = "Publish drift metrics"


def plan_then_publish(tmp_path: Path, **env: str) -> tuple[Run, Run]:
    """The plan step (plan role: publishes nothing), then the publish step (drift role) over what it left."""
    plan = run_step(tmp_path, PLAN_STEP, **env)
    assert plan.metrics == {} and not plan.aws_calls, "the plan step must not publish with the plan role"
    return plan, run_step(tmp_path, PUBLISH_STEP, **env)


def test_drift_step_no_changes_publishes_zero_drift_and_succeeds(tmp_path: Path) -> None:
    plan, run = plan_then_publish(tmp_path)
    assert plan.code == 0 and run.code == 0, plan.output + run.output
    assert run.metrics == {"DriftDetected": 0, "DriftCheckErrors": 0}
    assert run.stack_metrics == {("PlanFailed", stack): 0 for stack in STACKS}
    plans = [call for call in plan.terraform_calls if " plan " in call]
    assert len(plans) == 3 and all("-detailed-exitcode" in call and "-lock=false" in call for call in plans)


def test_drift_step_exit_2_is_drift_not_an_error(tmp_path: Path) -> None:
    plan, run = plan_then_publish(tmp_path, PLAN_dev_projects="2")
    assert run.code == 0, run.output
    assert run.metrics == {"DriftDetected": 1, "DriftCheckErrors": 0}
    assert run.stack_metrics == {("PlanFailed", stack): 0 for stack in STACKS}, "drift is no plan failure"
    assert "dev-projects: drift" in plan.output


def test_drift_step_exit_1_is_an_error_not_drift_and_fails_the_job(tmp_path: Path) -> None:
    plan, run = plan_then_publish(tmp_path, PLAN_dev_platform="1")
    assert run.code == 1, run.output
    assert run.metrics == {"DriftDetected": 0, "DriftCheckErrors": 1}
    assert run.stack_metrics == {("PlanFailed", stack): float(stack == "dev-platform") for stack in STACKS}
    # The other stacks were still checked: one broken stack does not hide drift in the rest.
    assert sum(" plan " in call for call in plan.terraform_calls) == 3


def test_drift_step_reports_both_drift_and_errors_in_one_run(tmp_path: Path) -> None:
    plan, run = plan_then_publish(tmp_path, PLAN_dev_ops="2", PLAN_dev_platform="1", INIT_dev_projects="1")
    assert run.code == 1, run.output
    assert run.metrics == {"DriftDetected": 1, "DriftCheckErrors": 2}
    # A failed init is a failed plan too: the stack could not be planned.
    assert run.stack_metrics == {("PlanFailed", "dev-platform"): 1, ("PlanFailed", "dev-projects"): 1,
                                 ("PlanFailed", "dev-ops"): 0}  # fmt: skip
    assert not any(call.startswith("dev-projects") and " plan " in call for call in plan.terraform_calls)


def test_publish_without_a_plan_result_counts_every_stack_as_failed(tmp_path: Path) -> None:
    run = run_step(tmp_path, PUBLISH_STEP)
    assert run.code == 1, run.output
    assert run.metrics == {"DriftDetected": 0, "DriftCheckErrors": 3}
    assert run.stack_metrics == {("PlanFailed", stack): 1 for stack in STACKS}
    assert not any(argv[0] == "logs" for argv in run.aws_calls), "no summaries, no log events"


def test_project_count_looks_the_domain_up_by_name_and_publishes_the_count(tmp_path: Path) -> None:
    domains = {
        "items": [
            {"id": "dzd_old", "name": "acme-dev", "status": "DELETED"},
            {"id": "dzd_1", "name": "acme-dev", "status": "AVAILABLE"},
        ]
    }
    run = run_step(
        tmp_path,
        "Count projects",
        DOMAIN_NAME="acme-dev",
        DOMAIN_ID="",
        DOMAINS_JSON=json.dumps(domains),
        PROJECTS_JSON=json.dumps({"items": [{"id": "p1"}, {"id": "p2"}, {"id": "p3"}]}),
    )
    assert run.code == 0, run.output
    assert run.metrics == {}, "counted with the plan role, published with the drift role"
    assert ["datazone", "list-projects", "--domain-identifier", "dzd_1", "--output", "json"] in run.aws_calls
    (tmp_path / "drift" / "result.env").write_text("drift=0\nerrors=0\n")
    published = run_step(tmp_path, PUBLISH_STEP)
    assert published.code == 0, published.output
    assert published.metrics == {"DriftDetected": 0, "DriftCheckErrors": 0, "ProjectCount": 3}


def test_project_count_fails_without_publishing_when_the_domain_is_missing(tmp_path: Path) -> None:
    run = run_step(
        tmp_path,
        "Count projects",
        DOMAIN_NAME="acme-dev",
        DOMAIN_ID="",
        DOMAINS_JSON='{"items": []}',
        PROJECTS_JSON="{}",
    )
    assert run.code == 1, run.output
    assert run.metrics == {} and not (tmp_path / "drift" / "projects.env").exists()


def test_a_member_account_leaves_the_count_to_its_domain_account_and_still_reaches_the_heartbeat(
    tmp_path: Path,
) -> None:
    """prod-ml has no domain of its own (ci-matrix: domain_id '', domain_account 'prod'). The step looked `acme-prod`
    up and listed its projects with the member's plan role, which is no user of that domain: when that fails, the job
    fails and skips its heartbeat (whose alarm treats missing data as breaching); had it worked, it would only have
    repeated the domain account's count."""
    run = run_step(
        tmp_path,
        "Count projects",
        ACCOUNT="prod-ml",
        DOMAIN_NAME="acme-prod",
        DOMAIN_ID="",
        DOMAIN_ACCOUNT="prod",
        DOMAINS_JSON='{"items": []}',
        PROJECTS_JSON="{}",
    )
    assert run.code == 0, run.output
    assert run.aws_calls == [], "no DataZone call with the member's plan role"
    assert "its projects are counted by the prod job" in run.output
    assert not (tmp_path / "drift" / "projects.env").exists()
    (tmp_path / "drift" / "result.env").write_text("drift=0\nerrors=0\n")
    published = run_step(tmp_path, PUBLISH_STEP, ACCOUNT="prod-ml", STACKS="prod-ml-platform prod-ml-ops")
    assert published.code == 0, published.output
    assert published.metrics == {"DriftDetected": 0, "DriftCheckErrors": 0}, "no ProjectCount for a member"
    count = step_named("drift.yml", "drift", "Count projects")
    assert count["env"]["DOMAIN_ACCOUNT"] == "${{ matrix.domain_account }}" and "if" not in count


def test_heartbeat_publishes_one_completed_run(tmp_path: Path) -> None:
    run = run_step(tmp_path, "Heartbeat")
    assert run.code == 0, run.output
    assert run.metrics == {"DriftCheckCompleted": 1}
    drift_job = load("drift.yml")["jobs"]["drift"]
    names = [step.get("name") for step in drift_job["steps"]]
    # The heartbeat runs only when every step before it succeeded (no `if:`), so silence means trouble.
    assert names.index("Heartbeat") > names.index(PLAN_STEP) and "if" not in step_named(
        "drift.yml", "drift", "Heartbeat"
    )


# --- terraform validate on every pull request (issue 16 item 7) -----------------------------------------------------

VALIDATE_STEP = "Terraform validate (every synthesised stack)"


def synthesised(tmp_path: Path, *stacks: str) -> None:
    for stack in stacks:
        (tmp_path / "cdktf.out" / "stacks" / stack).mkdir(parents=True)


def test_pull_requests_validate_every_stack_after_a_backend_free_init(tmp_path: Path) -> None:
    synthesised(tmp_path, "dev-ops", "dev-platform", "prod-projects")
    run = run_step(tmp_path, VALIDATE_STEP, workflow="pull-request.yml", job="verify")
    assert run.code == 0, run.output
    for stack in ("dev-ops", "dev-platform", "prod-projects"):
        chdir = f"-chdir=cdktf.out/stacks/{stack}/"
        init = run.terraform_calls.index(f"{stack} {chdir} init -backend=false -input=false -no-color")
        assert run.terraform_calls[init + 1] == f"{stack} {chdir} validate -no-color"
    assert not any(" fmt" in call for call in run.terraform_calls), "the JSON is generated: no fmt -check"
    steps_run = [step.get("name") for step in load("pull-request.yml")["jobs"]["verify"]["steps"]]
    assert steps_run.index("Synthesise") < steps_run.index(VALIDATE_STEP) < steps_run.index("Tests")


def test_one_invalid_stack_fails_the_job_naming_it_after_validating_the_rest(tmp_path: Path) -> None:
    synthesised(tmp_path, "dev-ops", "dev-platform", "prod-projects")
    run = run_step(tmp_path, VALIDATE_STEP, workflow="pull-request.yml", job="verify", VALIDATE_dev_platform="1")
    assert run.code == 1
    assert "terraform validate failed for: dev-platform" in run.output
    assert "prod-projects -chdir=cdktf.out/stacks/prod-projects/ validate -no-color" in run.terraform_calls, (
        "the rest too"
    )


def test_a_failed_init_is_a_failure_with_its_log_shown(tmp_path: Path) -> None:
    synthesised(tmp_path, "dev-ops")
    run = run_step(tmp_path, VALIDATE_STEP, workflow="pull-request.yml", job="verify", INIT_dev_ops="1")
    assert run.code == 1 and "failed for: dev-ops" in run.output
    assert not any("validate" in call for call in run.terraform_calls), "no validate without an init"


# --- drift summaries in CloudWatch Logs (issue 16 item 2) -----------------------------------------------------------


def plan_json_with_a_secret(tmp_path: Path) -> Path:
    """What `terraform show -json` prints for a drifted alarm whose description holds a secret."""
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_cloudwatch_metric_alarm.drift",
                "change": {"actions": ["update"], "before": {"alarm_description": "s3cr3t-0f0f"}, "after": {}},
            },
            {"address": "aws_sns_topic.alerts", "change": {"actions": ["no-op"], "before": {"name": "s3cr3t-0f0f"}}},
        ],
        "variables": {"token": {"value": "s3cr3t-0f0f"}},
    }
    path = tmp_path / "show.json"
    path.write_text(json.dumps(plan))
    return path


def test_the_drift_job_summarises_with_the_cli_s_own_filter() -> None:
    from smus_cli.plan_summary import JQ_FILTER

    plan = step_named("drift.yml", "drift", PLAN_STEP)["run"]
    assert f"jq -c '{JQ_FILTER}'" in plan, "drift.yml must hold smus_cli.plan_summary.JQ_FILTER verbatim"
    assert "-out=drift.tfplan" in plan and "show -json drift.tfplan" in plan
    # The saved plan holds values: it stays in the stack's folder, never in the uploaded drift/ folder.
    assert "drift/drift.tfplan" not in plan and "drift/$stack.tfplan" not in plan
    publish = step_named("drift.yml", "drift", PUBLISH_STEP)
    assert publish["env"]["LOG_GROUP"] == "${{ matrix.drift_log_group }}"


def test_each_stack_s_summary_reaches_the_log_group_with_addresses_and_actions_only(tmp_path: Path) -> None:
    show = plan_json_with_a_secret(tmp_path)
    _, run = plan_then_publish(tmp_path, PLAN_dev_ops="2", PLAN_dev_platform="1", SHOWJSON_dev_ops=str(show))
    assert run.code == 1, run.output  # the failed platform plan fails the job after publishing
    stream = ["logs", "create-log-stream", "--log-group-name", "/smus/dev/drift", "--log-stream-name", "drift/4242-1"]
    assert stream in run.aws_calls
    put = next(argv for argv in run.aws_calls if argv[:2] == ["logs", "put-log-events"])
    assert put[put.index("--log-stream-name") + 1] == "drift/4242-1"
    events = json.loads((tmp_path / "drift" / "log-events.json").read_text())
    assert "s3cr3t" not in json.dumps(events) and "s3cr3t" not in (tmp_path / "drift" / "log-events.json").read_text()
    messages = {message["stack"]: message for message in (json.loads(event["message"]) for event in events)}
    assert set(messages) == set(STACKS)
    assert messages["dev-ops"] == {
        "stack": "dev-ops",
        "result": "drift",
        "plan_exit": 2,
        "plan_failed": 0,
        "changes": [{"address": "aws_cloudwatch_metric_alarm.drift", "actions": ["update"]}],
    }
    assert messages["dev-platform"]["result"] == "plan failed" and messages["dev-platform"]["changes"] is None
    assert all(isinstance(event["timestamp"], int) and event["timestamp"] > 1_700_000_000_000 for event in events)


def test_a_failed_init_is_logged_as_such(tmp_path: Path) -> None:
    _, run = plan_then_publish(tmp_path, INIT_dev_projects="1")
    assert run.code == 1 and run.stack_metrics[("PlanFailed", "dev-projects")] == 1, run.output
    events = json.loads((tmp_path / "drift" / "log-events.json").read_text())
    projects = next(json.loads(e["message"]) for e in events if json.loads(e["message"])["stack"] == "dev-projects")
    assert projects == {"stack": "dev-projects", "result": "init failed", "plan_failed": 1, "changes": None}


# --- deploy.yml's pipeline signals -----------------------------------------------------------------------------------

APPLY_STEP = "Plan, guard and apply each stack"
SIGNALS_STEP = "Publish pipeline signals"


def deploy_then_publish(tmp_path: Path, **env: str) -> tuple[Run, Run]:
    apply = run_step(tmp_path, APPLY_STEP, workflow="deploy.yml", job="deploy", **env)
    assert not apply.aws_calls, "the deploy role publishes nothing"
    return apply, run_step(tmp_path, SIGNALS_STEP, workflow="deploy.yml", job="deploy", **env)


def test_deploy_publishes_each_stack_s_apply_duration_and_plan_result(tmp_path: Path) -> None:
    apply, run = deploy_then_publish(tmp_path)
    assert apply.code == 0 and run.code == 0, apply.output + run.output
    assert run.metrics == {}
    assert {key: value for key, value in run.stack_metrics.items() if key[0] == "PlanFailed"} == {
        ("PlanFailed", stack): 0 for stack in STACKS
    }
    durations = {key[1]: value for key, value in run.stack_metrics.items() if key[0] == "ApplyDurationSeconds"}
    assert set(durations) == set(STACKS) and all(0 <= seconds < 60 for seconds in durations.values())
    units = {argv[argv.index("--metric-name") + 1]: argv[argv.index("--unit") + 1] for argv in run.aws_calls}
    assert units == {"PlanFailed": "Count", "ApplyDurationSeconds": "Seconds"}


def test_a_failed_plan_publishes_plan_failed_and_stops_before_any_apply(tmp_path: Path) -> None:
    apply, run = deploy_then_publish(tmp_path, PLAN_dev_projects="1")
    assert apply.code == 1
    assert not any(call.startswith("dev-projects") and " apply " in call for call in apply.terraform_calls)
    assert not any(call.startswith("dev-ops") for call in apply.terraform_calls), "the later stacks are not reached"
    assert run.code == 0, run.output
    assert run.stack_metrics == {
        ("PlanFailed", "dev-platform"): 0,
        ("ApplyDurationSeconds", "dev-platform"): run.stack_metrics[("ApplyDurationSeconds", "dev-platform")],
        ("PlanFailed", "dev-projects"): 1,
    }


def test_a_failed_apply_publishes_no_duration(tmp_path: Path) -> None:
    apply, run = deploy_then_publish(tmp_path, APPLY_dev_platform="1")
    assert apply.code == 1
    assert run.stack_metrics == {("PlanFailed", "dev-platform"): 0}


#: STS AssumeRoleWithWebIdentity's RoleSessionName: 2-64 characters of `[\w+=,.@-]` (STS API reference).
SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$", re.ASCII)
#: The widest value each expression in a session name can take: the longest account name config allows
#: (`^[a-z][a-z0-9-]{1,30}$`), a two-digit batch, and a 12-digit run ID (GitHub's are 11 digits in 2026).
WIDEST = {"matrix.account": "a" * 31, "matrix.batch": "99", "github.run_id": "9" * 12}


def session_names() -> list[tuple[str, str]]:
    return [
        (step.where, str(step.body["with"]["role-session-name"]))
        for step in steps(all_workflows())
        if "role-session-name" in step.body.get("with", {})
    ]


def widest(template: str) -> str:
    def value(match: re.Match[str]) -> str:
        return WIDEST[match.group(1)]

    return re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", value, template)


def test_every_role_session_name_fits_sts_at_its_widest() -> None:
    """A session name over 64 characters fails configure-aws-credentials before anything is planned or applied."""
    names = session_names()
    assert len(names) >= 5, names
    for where, template in names:
        assert SESSION_NAME.fullmatch(widest(template)), f"{where}: {template!r} can be {widest(template)!r}"


def test_widest_is_able_to_fail_on_a_long_session_name() -> None:
    long_template = "smus-deploy-metrics-${{ matrix.account }}-b${{ matrix.batch }}-${{ github.run_id }}"
    assert not SESSION_NAME.fullmatch(widest(long_template))


def test_deploy_sessions_name_their_batch() -> None:
    """prod deploys in two batches of one run: CloudTrail tells them apart only by the session name."""
    deploy = [template for where, template in session_names() if where.startswith("deploy.yml")]
    assert deploy and all("matrix.batch" in template and "matrix.account" in template for template in deploy), deploy
