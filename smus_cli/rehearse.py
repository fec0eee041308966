"""`make rehearse`: apply one account's aws-only stacks for real against a local AWS API, then prove the drift job,
the change alert and the guard work on what was applied. A platform team runs it before its first real apply.

Why: nothing in this project had ever been applied. The drift workflow's scripts were only tested with stub
binaries, and the change-alert pattern had never seen a real event. moto's server speaks the AWS APIs the bootstrap
and ops stacks use (IAM with policy validation, STS, KMS, S3, SNS, SQS, CloudWatch, EventBridge, Config), so real
terraform with the real aws provider can create, read back and plan them - every malformed policy, wrong reference
or perpetual diff shows up here first.

How, in one temporary folder (never cdktf.out/ or the repository): synthesise the account once; copy nothing else;
write a `*_override.tf.json` per stack (smus_cli.rehearse_override); start one moto server for the whole run
(smus_cli.moto_server); init every stack into one shared plugin cache; then run the steps below, each printed as
`PASS <step>` or `FAIL <step>` with why, and end with `rehearsal: N passed, M failed` (exit 1 on any failure).

    apply-bootstrap, apply-ops    apply (local state), then `plan -detailed-exitcode` exits 0 (the domain key the
                                  ops stack looks up by alias is created in moto first, standing in for the platform)
    dashboard                     CloudWatch's GetDashboard returns each dashboard's body exactly as synthesised
    drift-clean                   drift.yml's plan step, as the workflow runs it: exit 0, DriftDetected = 0
    drift-detected                an alarm's actions disabled out of band: DriftDetected = 1, heartbeat published,
                                  the summaries in the drift log group (addresses and actions, no value)
    drift-restored                ops re-applied: DriftDetected = 0 again
    drift-error                   the endpoint unreachable: DriftCheckErrors > 0, DriftDetected = 0, the step fails
    alert-pattern-<case>          CloudTrail-shaped events on the bus reach (or not) a test queue on the alert rule
    guard-destructive             a real plan replacing the alert key: `smus guard` fails it, naming the address

What it cannot prove: anything DataZone (moto has no DataZone, and no awscc provider runs here), so the platform and
projects stacks are not applied; and moto's gaps, which the run prints (smus_cli.rehearse_override.MotoGap).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from config.loader import DEFAULT_CONFIG_DIR
from smus_cli.moto_server import MotoStartError, free_port, moto_server
from smus_cli.rehearse_override import MotoGap, rehearsal_override
from smus_constructs.ops_metrics import drift_log_group_name

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VENV = PROJECT_ROOT / ".venv-rehearse"
DEFAULT_MIRROR = Path("/opt/tf-plugins")
DRIFT_WORKFLOW = PROJECT_ROOT / ".github" / "workflows" / "drift.yml"
OVERRIDE_FILE = "smus_rehearsal_override.tf.json"
AWS_PROVIDER = ("registry.terraform.io", "hashicorp", "aws")
#: Event-pattern operators moto's EventBridge matches (moto/events/models.py); any other would silently not match.
MOTO_PATTERN_OPERATORS = frozenset({"exists", "prefix", "suffix", "equals-ignore-case", "numeric", "anything-but"})
APPLY_PARALLELISM = "-parallelism=20"
COMMAND_TIMEOUT = 600
#: The metrics drift.yml publishes (smus_constructs.ops_metrics.OpsMetric; the project count needs DataZone).
DRIFT_METRICS = ("DriftDetected", "DriftCheckErrors", "DriftCheckCompleted")


class RehearsalError(RuntimeError):
    """A step could not run at all (not a failed check): the message says what is missing."""


@dataclass
class Report:
    """The PASS/FAIL lines, in order, with each step's wall time."""

    results: list[tuple[str, bool, str, float]] = field(default_factory=list)

    def record(self, step: str, ok: bool, detail: str, seconds: float) -> None:
        self.results.append((step, ok, detail, seconds))
        verdict = "PASS" if ok else "FAIL"
        print(f"{verdict} {step} ({seconds:.0f} s){': ' + detail if detail else ''}", flush=True)

    @property
    def failed(self) -> int:
        return sum(1 for _, ok, _, _ in self.results if not ok)

    def summary(self) -> str:
        return f"rehearsal: {len(self.results) - self.failed} passed, {self.failed} failed"


@dataclass
class Rehearsal:
    """Everything the steps share: folders, tools, the account and the moto endpoint."""

    work: Path
    outdir: Path
    account: str
    account_id: str
    region: str
    namespace: str
    venv: Path
    terraform: str
    smus: Path
    cli_config: Path
    provider_version: str | None
    endpoint: str = ""
    gaps: list[MotoGap] = field(default_factory=list)

    @property
    def stacks(self) -> tuple[str, str]:
        return (f"{self.account}-bootstrap", f"{self.account}-ops")

    def stack_dir(self, stack: str, outdir: Path | None = None) -> Path:
        return (outdir or self.outdir) / "stacks" / stack

    def document(self, stack: str) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.stack_dir(stack) / "cdk.tf.json").read_text(encoding="utf-8"))
        return loaded

    def environment(self, endpoint: str | None = None) -> dict[str, str]:
        """The process environment of terraform, aws and boto3: fake keys, the endpoint, the shared plugin cache."""
        return {
            **os.environ,
            "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "AWS_ACCESS_KEY_ID": "rehearsal",
            "AWS_SECRET_ACCESS_KEY": "rehearsal",
            "AWS_ENDPOINT_URL": endpoint or self.endpoint,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_EC2_METADATA_DISABLED": "true",
            "TF_CLI_CONFIG_FILE": str(self.cli_config),
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
        }

    def run(self, argv: list[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> tuple[int, str]:
        result = subprocess.run(
            argv,
            cwd=cwd or self.work,
            env=dict(env or self.environment()),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        return result.returncode, result.stdout + result.stderr

    def terraform_in(self, directory: Path, *arguments: str) -> tuple[int, str]:
        return self.run([self.terraform, f"-chdir={directory}", *arguments, "-input=false", "-no-color"])

    def aws_helper(self, *arguments: str) -> Any:
        """tools/rehearse_aws.py in .venv-rehearse (boto3 lives there, not in the app's venv)."""
        code, output = self.run(
            [str(self.venv / "bin" / "python"), str(PROJECT_ROOT / "tools" / "rehearse_aws.py"), *arguments]
        )
        if code != 0:
            raise RehearsalError(f"rehearse_aws.py {' '.join(arguments)} failed: {output.strip()[-800:]}")
        return json.loads(output.strip().splitlines()[-1])

    def metrics(self) -> dict[str, list[float]]:
        """Every data point so far of each drift metric. Steps compare counts, not clocks: a step's new points are
        the ones past the count before it ran, whatever moto's timestamps are."""
        values: dict[str, list[float]] = self.aws_helper("metrics", self.namespace, self.account, *DRIFT_METRICS)[
            "values"
        ]
        return values


# --- setup -------------------------------------------------------------------------------------------------------


def mirrored_versions(mirror: Path) -> list[str]:
    """The aws provider versions in a Terraform filesystem mirror (unpacked layout), newest last."""
    folder = mirror.joinpath(*AWS_PROVIDER)
    if not folder.is_dir():
        return []
    versions = [entry.name for entry in folder.iterdir() if entry.is_dir()]
    return sorted(versions, key=lambda v: tuple(int(p) if p.isdigit() else 0 for p in v.split(".")))


def cli_config_text(mirror: Path | None, plugin_cache: Path) -> str:
    """A Terraform CLI configuration: the shared plugin cache, and the filesystem mirror for the aws provider if any.

    One cache for every init of the run: the provider is unpacked once and linked into each stack.
    """
    lines = [f'plugin_cache_dir = "{plugin_cache}"']
    if mirror is not None:
        lines += [
            "provider_installation {",
            "  filesystem_mirror {",
            f'    path    = "{mirror}"',
            f'    include = ["{"/".join(AWS_PROVIDER)}"]',
            "  }",
            "  direct {",
            f'    exclude = ["{"/".join(AWS_PROVIDER)}"]',
            "  }",
            "}",
        ]
    return "\n".join(lines) + "\n"


def pinned_version(stack: Mapping[str, Any]) -> str:
    required = stack.get("terraform", {}).get("required_providers", {}).get("aws", {})
    return str(required.get("version", ""))


def drift_scripts(workflow: Path = DRIFT_WORKFLOW) -> list[tuple[str, str, bool]]:
    """The drift job's plan, metric-publishing and heartbeat `run:` scripts, exactly as the workflow holds them, in
    order, each with whether it runs after a failed step (`if: ${{ !cancelled() }}` or `always()`)."""
    document = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    found: list[tuple[str, str, bool]] = []
    for step in document["jobs"]["drift"]["steps"]:
        script = step.get("run", "")
        condition = str(step.get("if", ""))
        always = "always()" in condition or "!cancelled()" in condition
        if "plan -detailed-exitcode" in script:
            found.append(("plan", script, always))
        elif "DriftDetected" in script and "put-metric-data" in script:
            found.append(("publish", script, always))
        elif "DriftCheckCompleted" in script and "terraform" not in script:
            found.append(("heartbeat", script, always))
    names = [name for name, _, _ in found]
    if "plan" not in names or "heartbeat" not in names:
        raise RehearsalError(f"{workflow}: jobs.drift has no plan step or no heartbeat step")
    return found


def pattern_operators(pattern: Any) -> set[str]:
    """Every content-filter operator (`{"prefix": ...}` etc., and `$or`) an event pattern uses."""
    found: set[str] = set()
    if isinstance(pattern, dict):
        for key, value in pattern.items():
            if key == "$or":
                found.add(key)
            found |= pattern_operators(value)
    elif isinstance(pattern, list):
        for item in pattern:
            if isinstance(item, dict):
                found |= {key for key in item if not key.startswith("$")} if _is_filter(item) else set()
                found |= pattern_operators(item) if not _is_filter(item) else _nested(item)
    return found


def _is_filter(item: Mapping[str, Any]) -> bool:
    return bool(item) and all(not isinstance(value, dict) or key == "anything-but" for key, value in item.items())


def _nested(item: Mapping[str, Any]) -> set[str]:
    """Operators inside `anything-but` (e.g. `{"anything-but": {"prefix": ...}}`), which moto does not match."""
    inner = item.get("anything-but")
    return {f"anything-but/{key}" for key in inner} if isinstance(inner, dict) else set()


# --- steps -------------------------------------------------------------------------------------------------------


def write_override(rehearsal: Rehearsal, stack: str, outdir: Path, endpoint: str, *, max_retries: int = 2) -> None:
    override, gaps = rehearsal_override(
        rehearsal.document(stack),
        endpoint=endpoint,
        state_path=str(rehearsal.work / "state" / f"{stack}.tfstate"),
        provider_version=rehearsal.provider_version,
        max_retries=max_retries,
    )
    (rehearsal.stack_dir(stack, outdir) / OVERRIDE_FILE).write_text(json.dumps(override, indent=2) + "\n")
    if outdir == rehearsal.outdir:
        rehearsal.gaps += gaps


def stand_in_log_buckets(rehearsal: Rehearsal) -> None:
    """The log buckets the stacks send server access logs to (`[bootstrap] access_log_bucket`), created in moto: they
    belong to the organisation, not the estate, and S3 refuses logging into a bucket that does not exist."""
    targets: set[str] = set()
    for stack in rehearsal.stacks:
        resources = rehearsal.document(stack).get("resource", {})
        own = {body.get("bucket") for body in resources.get("aws_s3_bucket", {}).values()}
        for body in resources.get("aws_s3_bucket_logging", {}).values():
            target = body.get("target_bucket")
            if isinstance(target, str) and "${" not in target and target not in own:
                targets.add(target)
    for bucket in sorted(targets):
        rehearsal.aws_helper("stand-in-bucket", bucket)
        print(f"not rehearsed: the account's log bucket {bucket} (not the estate's); created it in moto", flush=True)


def stand_in_domain_keys(rehearsal: Rehearsal) -> None:
    """The keys the ops stack looks up by alias (the domain key the platform stack creates: stacks.ops_key_usage),
    created in moto as that stack's apply would create them: the platform stack needs DataZone, which moto lacks."""
    lookups = rehearsal.document(rehearsal.stacks[1]).get("data", {}).get("aws_kms_alias", {})
    for name, body in sorted(lookups.items()):
        key_arn = rehearsal.aws_helper("stand-in-key", body["name"])["key_arn"]
        print(
            f"not rehearsed: the platform stack (DataZone); created {body['name']} -> {key_arn} in moto for "
            f"data.aws_kms_alias.{name}, as the platform stack's apply would",
            flush=True,
        )


def apply_step(rehearsal: Rehearsal, stack: str) -> tuple[bool, str]:
    directory = rehearsal.stack_dir(stack)
    code, output = rehearsal.terraform_in(directory, "init")
    if code != 0:
        return False, f"terraform init failed:\n{output[-3000:]}"
    code, output = rehearsal.terraform_in(directory, "apply", "-auto-approve", APPLY_PARALLELISM)
    (rehearsal.work / "logs" / f"{stack}.apply.log").write_text(output)
    if code != 0:
        errors = output[output.find("Error:") :] if "Error:" in output else output[-3000:]
        return False, f"terraform apply failed:\n{errors[:4000]}"
    code, output = rehearsal.terraform_in(directory, "plan", "-detailed-exitcode", "-lock=false", APPLY_PARALLELISM)
    if code != 0:
        changes = [line for line in output.splitlines() if line.lstrip().startswith("#")]
        return False, f"plan after apply exited {code} (want 0):\n" + "\n".join(changes or output.splitlines()[-40:])
    added = next((line for line in output.splitlines() if "Apply complete" in line), "")
    return True, f"applied, then plan -detailed-exitcode exited 0 {added}".strip()


def run_drift(rehearsal: Rehearsal, outdir: Path, label: str) -> tuple[int, str]:
    """drift.yml's plan, publish and heartbeat steps, as GitHub runs a `run:` (bash -eo pipefail), like the job.

    The heartbeat runs only when every step before it succeeded; publishing runs whenever the step says it does.
    """
    scripts = drift_scripts()
    folder = rehearsal.work / "drift-runs" / label
    folder.mkdir(parents=True)
    env = {
        **rehearsal.environment(),
        "ACCOUNT": rehearsal.account,
        "NAMESPACE": rehearsal.namespace,
        "STACKS": " ".join(rehearsal.stacks),
        "OUTDIR": str(outdir),
        "GITHUB_STEP_SUMMARY": str(folder / "summary.md"),
        # The drift log group of the ops stack just applied; one stream per run, as GitHub's run ID makes it.
        "LOG_GROUP": drift_log_group_name(rehearsal.account),
        "GITHUB_RUN_ID": label,
        "GITHUB_RUN_ATTEMPT": "1",
    }
    outputs = []
    job = 0
    for name, script, always in scripts:
        if job != 0 and not always:
            continue  # a failed step skips the job's later steps, except those that run always / if not cancelled
        path = folder / f"{name}.sh"
        path.write_text(script)
        code, output = rehearsal.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(path)], cwd=folder, env=env
        )
        outputs.append(output)
        job = job or code
    return job, "\n".join(outputs)


def drift_check(
    rehearsal: Rehearsal, outdir: Path, label: str, *, want_exit: int, want: Mapping[str, float], heartbeat: bool
) -> tuple[bool, str]:
    before = rehearsal.metrics()
    code, output = run_drift(rehearsal, outdir, label)
    after = rehearsal.metrics()
    read = {name: after.get(name, [])[len(before.get(name, [])) :] for name in DRIFT_METRICS}
    problems = []
    if code != want_exit:
        problems.append(f"the step exited {code}, want {want_exit}")
    expected = {**want, "DriftCheckCompleted": 1.0} if heartbeat else dict(want)
    for name, value in expected.items():
        if read[name] != [value]:
            problems.append(f"{name} read back from CloudWatch {read[name]}, want [{value:g}]")
    if not heartbeat and read["DriftCheckCompleted"]:
        problems.append("DriftCheckCompleted published although the check failed")
    shown = ", ".join(f"{name}={values}" for name, values in read.items())
    if problems:
        return False, "; ".join(problems) + f"\n{output.strip()[-3000:]}"
    lines = [line for line in output.splitlines() if ": " in line and ("drift" in line or "plan failed" in line)]
    return True, f"exit {code}, {shown}; " + " | ".join(lines[:4])


def drift_summary_check(rehearsal: Rehearsal, label: str, stack: str, alarm: str) -> tuple[bool, str]:
    """The drift run's summaries reached the drift log group: the stack with drift names the changed alarm's address
    and its action, and no event carries an attribute value (the alarm's name is one: it must not appear)."""
    group = drift_log_group_name(rehearsal.account)
    stream = f"drift/{label}-1"
    messages = rehearsal.aws_helper("log-events", group, stream)["messages"]
    summaries = {summary.get("stack"): summary for summary in (json.loads(message) for message in messages)}
    found = summaries.get(stack)
    if set(summaries) != set(rehearsal.stacks) or found is None:
        return False, f"log group {group} stream {stream}: summaries of {sorted(summaries)}, want {rehearsal.stacks}"
    changes = found.get("changes") or []
    if found.get("result") != "drift" or not any(change.get("actions") == ["update"] for change in changes):
        return False, f"{group}: {stack}'s summary is {found}, want result drift with an update"
    if any(alarm in message for message in messages):
        return False, f"{group}: an event carries the value {alarm!r}; only addresses and actions may be logged"
    addresses = ", ".join(change["address"] for change in changes)
    return True, f"{group} {stream}: {len(messages)} summaries, {stack} drift at {addresses} (no values)"


def unreachable_copy(rehearsal: Rehearsal) -> Path:
    """A copy of the stacks whose providers point at a loopback port nothing listens on."""
    outdir = rehearsal.work / "unreachable"
    dead = f"http://127.0.0.1:{free_port()}"
    for stack in rehearsal.stacks:
        shutil.copytree(rehearsal.stack_dir(stack), rehearsal.stack_dir(stack, outdir), symlinks=True)
        write_override(rehearsal, stack, outdir, dead, max_retries=1)
    return outdir


def alert_cases(rehearsal: Rehearsal, rule_pattern: Mapping[str, Any]) -> dict[str, tuple[dict[str, Any], bool]]:
    """CloudTrail events shaped as AWS documents them (userIdentity per identity type), and whether each must alert."""
    account_id = rehearsal.account_id
    deploy_role = f"arn:aws:iam::{account_id}:role/smus-deploy"
    for stack in rehearsal.stacks:
        for output_name, output in rehearsal.document(stack).get("output", {}).items():
            if output_name == "deploy_role_arn" and isinstance(output.get("value"), str):
                deploy_role = output["value"] if "${" not in output["value"] else deploy_role
    role_name = deploy_role.rsplit("/", 1)[-1]

    def event(identity: dict[str, Any], name: str = "CreateProject") -> dict[str, Any]:
        return {
            "source": "aws.datazone",
            "detail-type": "AWS API Call via CloudTrail",
            "detail": {
                "eventVersion": "1.09",
                "userIdentity": identity,
                "eventTime": "2026-12-03T10:00:00Z",
                "eventSource": "datazone.amazonaws.com",
                "eventName": name,
                "awsRegion": rehearsal.region,
                "sourceIPAddress": "203.0.113.7",
                "eventType": "AwsApiCall",
                "managementEvent": True,
                "recipientAccountId": account_id,
            },
        }

    def assumed(role_arn: str, session: str) -> dict[str, Any]:
        name = role_arn.rsplit("/", 1)[-1]
        return {
            "type": "AssumedRole",
            "principalId": f"AROAEXAMPLEID:{session}",
            "arn": f"arn:aws:sts::{account_id}:assumed-role/{name}/{session}",
            "accountId": account_id,
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": "AROAEXAMPLEID",
                    "arn": role_arn,
                    "accountId": account_id,
                    "userName": name,
                },
                "attributes": {"creationDate": "2026-12-03T09:59:00Z", "mfaAuthenticated": "false"},
            },
        }

    console_role = (
        f"arn:aws:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef"
    )
    datazone: dict[str, tuple[dict[str, Any], bool]] = {
        "console-user": (event(assumed(console_role, "jane@example.com")), True),
        "pipeline-role": (event(assumed(deploy_role, f"smus-{rehearsal.account}-platform")), False),
        "root-user": (
            event(
                {
                    "type": "Root",
                    "principalId": account_id,
                    "arn": f"arn:aws:iam::{account_id}:root",
                    "accountId": account_id,
                }
            ),
            True,
        ),
        "iam-user": (
            event(
                {
                    "type": "IAMUser",
                    "principalId": "AIDAEXAMPLEID",
                    "arn": f"arn:aws:iam::{account_id}:user/ops-admin",
                    "accountId": account_id,
                    "userName": "ops-admin",
                }
            ),
            True,
        ),
        "untag-by-console-user": (event(assumed(console_role, "jane@example.com"), "UntagResource"), True),
        "read-by-console-user": (event(assumed(console_role, "jane@example.com"), "GetProject"), False),
    }
    sources = json.dumps(rule_pattern.get("source", []))
    console = assumed(console_role, "jane@example.com")
    pipeline = assumed(deploy_role, f"smus-{rehearsal.account}-platform")

    def on(service: str, base: dict[str, Any], **detail: Any) -> dict[str, Any]:
        base["source"], base["detail"]["eventSource"] = f"aws.{service}", f"{service}.amazonaws.com"
        base["detail"].update(detail)
        return base

    # Each rule gets the cases of what it is for: a rule that names a principal (the out-of-pipeline rule) the identity
    # cases; a rule for every principal (destructive calls, key and role changes) the pipeline role matching too.
    cases: dict[str, tuple[dict[str, Any], bool]] = {}
    if "aws.datazone" in sources and "userIdentity" in json.dumps(rule_pattern):
        cases = dict(datazone)
    elif "aws.datazone" in sources:
        cases = {
            "destructive-by-pipeline-role": (event(pipeline, "DeleteProject"), True),
            "destructive-by-console-user": (event(console, "DeleteDomain"), True),
            "create-by-console-user": (event(console, "CreateProject"), False),
        }
    if "aws.iam" in sources:
        cases |= {
            "iam-change-to-estate-role": (
                on("iam", event(console, "PutRolePolicy"), requestParameters={"roleName": role_name}),
                True,
            ),
            "iam-change-by-pipeline-role": (
                on("iam", event(pipeline, "UpdateAssumeRolePolicy"), requestParameters={"roleName": role_name}),
                True,
            ),
            "iam-change-to-other-role": (
                on("iam", event(console, "PutRolePolicy"), requestParameters={"roleName": "someone-elses-role"}),
                False,
            ),
        }
    if "aws.kms" in sources:
        cases |= {
            "kms-change-by-console-user": (on("kms", event(console, "ScheduleKeyDeletion")), True),
            "kms-change-by-pipeline-role": (on("kms", event(pipeline, "PutKeyPolicy")), True),
            "kms-use-by-console-user": (on("kms", event(console, "Decrypt")), False),
        }
    return cases


def alert_steps(rehearsal: Rehearsal, report: Report) -> None:
    start = time.monotonic()
    ops = rehearsal.document(rehearsal.stacks[1])
    rules = ops.get("resource", {}).get("aws_cloudwatch_event_rule", {})
    if not rules:
        report.record(
            "alert-pattern", False, "the ops stack has no aws_cloudwatch_event_rule", time.monotonic() - start
        )
        return
    used: set[str] = set()
    for body in rules.values():
        if body.get("provider"):
            print(
                f"not rehearsed: event rule {body['name']} is in the region of provider {body['provider']} "
                "(the rehearsal puts events in the stack's own region only)",
                flush=True,
            )
            continue
        pattern = json.loads(body["event_pattern"])
        if "resources" in pattern.get("detail", {}):
            # The key-usage rule (smus_constructs.key_usage) matches the key's ARN in CloudTrail's `resources`, a
            # list of objects; moto flattens only nested objects, so no event could match it there.
            address = next(f"aws_cloudwatch_event_rule.{key}" for key, value in rules.items() if value is body)
            print(
                f"moto gap at {address}: EventBridge matches a field inside an array of objects "
                "(detail.resources[].ARN), moto never does; rehearsal applies and re-plans the rule but puts no "
                "events through it",
                flush=True,
            )
            continue
        unsupported = pattern_operators(pattern) - MOTO_PATTERN_OPERATORS - {"$or"}
        if unsupported:
            report.record(
                f"alert-pattern-{body['name']}",
                False,
                f"moto does not match the operators {sorted(unsupported)} this rule uses: not rehearsed",
                time.monotonic() - start,
            )
            continue
        cases = alert_cases(rehearsal, pattern)
        cases_file = rehearsal.work / f"alert-cases-{body['name']}.json"
        cases_file.write_text(json.dumps({name: event for name, (event, _) in cases.items()}, indent=2))
        answer = rehearsal.aws_helper("alerts", body["name"], str(cases_file))
        matched = answer["matched"]
        for arn in answer["set_aside"]:
            print(
                f"moto gap at {body['name']}: PutEvents cannot deliver to {arn}; "
                "rehearsal set that target aside while its events were put",
                flush=True,
            )
        seconds = time.monotonic() - start
        for name, (_, want) in cases.items():
            step = f"alert-pattern-{name}"
            step = step if step not in used else f"alert-pattern-{body['name']}-{name}"
            used.add(step)
            got = bool(matched.get(name))
            verb = "alerts" if got else "does not alert"
            report.record(
                step,
                got == want,
                f"{body['name']} {verb} (want {'an alert' if want else 'none'})",
                seconds,
            )
            seconds = 0.0


def dashboard_step(rehearsal: Rehearsal) -> tuple[bool, str]:
    """The applied dashboards read back from CloudWatch equal the synthesised bodies (the README picture's source)."""
    from smus_cli.dashboard_picture import dashboards_of

    ops = rehearsal.stacks[1]
    dashboards = dashboards_of(rehearsal.document(ops))
    if not dashboards:
        return False, f"{ops} has no aws_cloudwatch_dashboard"
    for name, body in dashboards.items():
        stored = rehearsal.aws_helper("dashboard", name)["body"]
        if stored != body:
            return False, f"{name}: GetDashboard returns another body than the synthesised one:\n{stored}"
    widgets = sum(len(body.get("widgets", [])) for body in dashboards.values())
    return True, f"{', '.join(sorted(dashboards))}: GetDashboard returns the synthesised body ({widgets} widgets)"


def guard_step(rehearsal: Rehearsal) -> tuple[bool, str]:
    """A real plan that replaces the alert key (its spec forces replacement), then `smus guard` on its JSON."""
    stack = rehearsal.stacks[1]
    keys = rehearsal.document(stack).get("resource", {}).get("aws_kms_key", {})
    if not keys:
        return False, f"{stack} has no aws_kms_key to replace"
    name = sorted(keys)[0]
    address = f"aws_kms_key.{name}"
    copy_dir = rehearsal.work / "guard" / "stacks" / stack
    shutil.copytree(rehearsal.stack_dir(stack), copy_dir, symlinks=True)
    change = {"resource": {"aws_kms_key": {name: {"customer_master_key_spec": "RSA_2048"}}}}
    (copy_dir / "zz_rehearsal_destructive_override.tf.json").write_text(json.dumps(change, indent=2))
    plan_file = copy_dir / "destructive.tfplan"
    code, output = rehearsal.terraform_in(copy_dir, "plan", "-lock=false", "-refresh=false", f"-out={plan_file}")
    if code != 0:
        return False, f"terraform plan of the changed copy failed:\n{output[-3000:]}"
    code, shown = rehearsal.run([rehearsal.terraform, f"-chdir={copy_dir}", "show", "-json", str(plan_file)])
    if code != 0:
        return False, f"terraform show -json failed:\n{shown[-2000:]}"
    plan_json = copy_dir / "destructive.json"
    plan_json.write_text(shown)
    actions = [
        change["change"]["actions"]
        for change in json.loads(shown).get("resource_changes", [])
        if change["address"] == address
    ]
    code, output = rehearsal.run([str(rehearsal.smus), "guard", str(plan_json), "--stack", stack], cwd=PROJECT_ROOT)
    if code != 1 or address not in output:
        return False, f"smus guard exited {code} (want 1, naming {address}); plan actions {actions}:\n{output[-2000:]}"
    return True, f"the plan {actions} {address}; smus guard exited 1 naming it"


# --- the run -----------------------------------------------------------------------------------------------------


def timed(report: Report, step: str, action: Callable[[], tuple[bool, str]]) -> bool:
    start = time.monotonic()
    try:
        ok, detail = action()
    except (RehearsalError, subprocess.TimeoutExpired, OSError, ValueError, KeyError) as error:
        ok, detail = False, f"{type(error).__name__}: {error}"
    report.record(step, ok, detail, time.monotonic() - start)
    return ok


def prepare(args: argparse.Namespace, work: Path) -> Rehearsal:
    """Find the tools, synthesise the account once into ``work``, and choose the provider."""
    from config.loader import load_estate
    from smus_cli.ci_matrix import ordered_targets

    terraform = shutil.which("terraform")
    if terraform is None:
        raise RehearsalError("terraform not found on PATH (the rehearsal applies with real terraform, 1.10 or later)")
    venv = Path(args.venv)
    for tool in ("moto_server", "aws", "python"):
        if not (venv / "bin" / tool).exists():
            raise RehearsalError(f"{venv / 'bin' / tool} not found: `make rehearse-install` makes {venv}")
    smus = Path(sys.executable).parent / "smus"
    targets = {target.account: target for target in ordered_targets(load_estate(Path(args.config)))}
    account = args.account or next(iter(targets))
    if account not in targets:
        raise RehearsalError(f"--account {account!r}: not an account of {args.config} (accounts: {', '.join(targets)})")
    target = targets[account]
    outdir = work / "cdktf.out"
    code, output = subprocess_output(
        [str(smus), "synth", "--config-dir", str(args.config), "--outdir", str(outdir), "--account", account]
    )
    if code != 0:
        raise RehearsalError(f"smus synth failed:\n{output[-3000:]}")
    mirror_arg = (
        args.provider_mirror if args.provider_mirror is not None else os.environ.get("SMUS_REHEARSE_PROVIDER_MIRROR")
    )
    mirror = Path(mirror_arg) if mirror_arg else DEFAULT_MIRROR
    versions = mirrored_versions(mirror)
    pinned = pinned_version(json.loads((outdir / "stacks" / f"{account}-bootstrap" / "cdk.tf.json").read_text()))
    provider_version: str | None = None
    if versions and pinned not in versions:
        provider_version = versions[-1]
        print(
            f"relaxed the aws provider pin {pinned} -> {provider_version} in the rehearsal's override only: "
            f"the only aws provider available is the filesystem mirror {mirror}",
            flush=True,
        )
    elif not versions:
        print(f"no aws provider mirror at {mirror}: terraform init installs the pinned {pinned} from the registry")
    cache = work / "plugin-cache"
    cache.mkdir()
    cli_config = work / "terraform.rc"
    cli_config.write_text(cli_config_text(mirror if versions else None, cache))
    for folder in ("state", "logs"):
        (work / folder).mkdir()
    return Rehearsal(
        work=work,
        outdir=outdir,
        account=account,
        account_id=target.account_id,
        region=target.region,
        namespace=target.metric_namespace,
        venv=venv,
        terraform=terraform,
        smus=smus,
        cli_config=cli_config,
        provider_version=provider_version,
    )


def subprocess_output(argv: list[str]) -> tuple[int, str]:
    result = subprocess.run(
        argv, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False
    )
    return result.returncode, result.stdout + result.stderr


def steps(rehearsal: Rehearsal, report: Report) -> None:
    """The steps in order; each later one needs the applies, so a failed apply ends the run there."""
    bootstrap, ops = rehearsal.stacks
    for stack in rehearsal.stacks:
        write_override(rehearsal, stack, rehearsal.outdir, rehearsal.endpoint)
    for gap in rehearsal.gaps:
        print(gap.line(), flush=True)
    stand_in_log_buckets(rehearsal)
    if not timed(report, "apply-bootstrap", lambda: apply_step(rehearsal, bootstrap)):
        return
    stand_in_domain_keys(rehearsal)
    if not timed(report, "apply-ops", lambda: apply_step(rehearsal, ops)):
        return
    timed(report, "dashboard", lambda: dashboard_step(rehearsal))
    timed(
        report,
        "drift-clean",
        lambda: drift_check(
            rehearsal,
            rehearsal.outdir,
            "clean",
            want_exit=0,
            want={"DriftDetected": 0, "DriftCheckErrors": 0},
            heartbeat=True,
        ),
    )
    alarms = rehearsal.document(ops).get("resource", {}).get("aws_cloudwatch_metric_alarm", {})
    alarm = sorted(body["alarm_name"] for body in alarms.values())[0] if alarms else ""

    def detected() -> tuple[bool, str]:
        if not alarm:
            return False, f"{ops} has no alarm to change out of band"
        rehearsal.aws_helper("disable-alarm-actions", alarm)
        ok, detail = drift_check(
            rehearsal,
            rehearsal.outdir,
            "detected",
            want_exit=0,
            want={"DriftDetected": 1, "DriftCheckErrors": 0},
            heartbeat=True,
        )
        if not ok:
            return ok, f"actions of alarm {alarm} disabled with boto3; {detail}"
        logged, why = drift_summary_check(rehearsal, "detected", ops, alarm)
        return logged, f"actions of alarm {alarm} disabled with boto3; {detail}; {why}"

    timed(report, "drift-detected", detected)

    def restored() -> tuple[bool, str]:
        code, output = rehearsal.terraform_in(rehearsal.stack_dir(ops), "apply", "-auto-approve", APPLY_PARALLELISM)
        if code != 0:
            return False, f"re-apply of {ops} failed:\n{output[-3000:]}"
        ok, detail = drift_check(
            rehearsal,
            rehearsal.outdir,
            "restored",
            want_exit=0,
            want={"DriftDetected": 0, "DriftCheckErrors": 0},
            heartbeat=True,
        )
        return ok, f"{ops} re-applied; {detail}"

    timed(report, "drift-restored", restored)
    timed(
        report,
        "drift-error",
        lambda: drift_check(
            rehearsal,
            unreachable_copy(rehearsal),
            "error",
            want_exit=1,
            want={"DriftDetected": 0, "DriftCheckErrors": float(len(rehearsal.stacks))},
            heartbeat=False,
        ),
    )
    try:
        alert_steps(rehearsal, report)
    except RehearsalError as error:
        report.record("alert-pattern", False, str(error), 0.0)
    timed(report, "guard-destructive", lambda: guard_step(rehearsal))


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m smus_cli.rehearse", description=__doc__.split("\n\n")[0])
    parser.add_argument("--account", help="the example account to rehearse (default: the first in the config)")
    parser.add_argument(
        "--config", default=str(DEFAULT_CONFIG_DIR), help="the account files (default: config/accounts)"
    )
    parser.add_argument("--venv", default=str(DEFAULT_VENV), help="the venv with moto, awscli and boto3")
    parser.add_argument("--provider-mirror", help=f"a Terraform filesystem mirror (default: {DEFAULT_MIRROR})")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    args = parser.parse_args(argv)
    # SIGTERM (a CI timeout, `kill`) must unwind like Ctrl-C, so the finally blocks stop moto and remove the folder.
    signal.signal(signal.SIGTERM, _terminated)
    report = Report()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="smus-rehearse-"))
    try:
        try:
            rehearsal = prepare(args, work)
            print(f"rehearsing {rehearsal.account} ({rehearsal.account_id}, {rehearsal.region}) in {work}", flush=True)
            with moto_server(
                rehearsal.venv / "bin" / "moto_server", rehearsal.account_id, work / "moto.log"
            ) as endpoint:
                rehearsal.endpoint = endpoint
                print(f"moto server on {endpoint}", flush=True)
                steps(rehearsal, report)
        except (RehearsalError, MotoStartError) as error:
            report.record("setup", False, str(error), time.monotonic() - started)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"wall time {time.monotonic() - started:.0f} s")
    print(report.summary())
    return 1 if report.failed or not report.results else 0


if __name__ == "__main__":
    sys.exit(main())
