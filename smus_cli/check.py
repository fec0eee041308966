"""`smus check`: synthesise once, then run the rule pack, the same rules in Rego, and checkov; report all of it.

The synth here does not enforce the rules (it would stop at the first failure); it writes into a temporary folder,
never `cdktf.out/`, so a failing estate is reported in full but never left where someone could apply it.
Exit 0 when everything passes, 1 on any failure (a rule, a Rego `deny`, the two engines disagreeing, checkov or the
IAM analysers (parliament, cloudsplaining: smus_cli/iam_analysers.py) failing or not installed: a gate that did not
run fails closed, naming the command that installs it), and
2 on unusable input (config, governance file, construct props).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from config.governance import LoadedGovernance, load_governance_for
from config.loader import LoadedAccount, load_estate
from config.organization_models import GUARDRAILS_STACK, LoadedOrganization, load_organization_for
from smus_cli.governance import guardrails_context
from smus_cli.input_files import InputFileError, read_json, writable_folder
from smus_cli.plan_model import MAX_PLAN_BYTES
from smus_cli.terminal import escape
from smus_rules.engine import StackResult, evaluate
from smus_rules.model import Finding, RuleContext, Status
from smus_rules.registry import RULES
from smus_rules.report import finding_dict, location, sarif
from smus_rules.suppressions import SuppressionSet

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2
BOOTSTRAP_LAYER = "bootstrap"
#: Tables are printed at least this wide: CI logs do not wrap, and rule titles and paths are long.
TABLE_WIDTH = 160
CHECKOV_NOT_INSTALLED = "not installed"


@dataclass
class CheckovOutcome:
    status: str  # "passed", "failed", "not installed", "skipped", "error"
    detail: str = ""
    failed: list[str] = field(default_factory=list)
    accepted: int = 0
    passed_checks: int = 0

    @property
    def ok(self) -> bool:
        # A configured gate that did not run fails closed: only an explicit --no-checkov skips it.
        return self.status in ("passed", "skipped")


@dataclass
class IamOutcome:
    """parliament and cloudsplaining over every synthesised identity policy, after the reviewed suppressions."""

    status: str  # "passed", "failed", "not installed", "skipped", "error"
    detail: str = ""
    gate: Any = None  # smus_cli.iam_analysers.IamGate when the analysers ran

    @property
    def ok(self) -> bool:
        return self.status in ("passed", "skipped")

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "detail": self.detail, **(self.gate.as_dict() if self.gate else {})}


@dataclass
class CheckResult:
    """Everything one `smus check` found."""

    contexts: dict[str, RuleContext]
    artifacts: dict[str, str]
    python: dict[str, StackResult]
    rego: dict[str, Any]
    plans: dict[str, Any]
    disagreements: list[dict[str, Any]]
    checkov: CheckovOutcome
    unused_suppressions: list[Any]
    expired_suppressions: list[Any]
    timings: dict[str, float]
    #: The data document the Rego policies were evaluated with (written as rego-data.json for conftest).
    rego_data: dict[str, Any] = field(default_factory=dict)
    iam: IamOutcome = field(default_factory=lambda: IamOutcome("skipped", "not run"))

    @property
    def findings(self) -> list[Finding]:
        return [item for result in self.python.values() for item in result.findings]

    @property
    def failures(self) -> list[Finding]:
        return [item for item in self.findings if item.status is Status.NON_COMPLIANT]

    @property
    def rego_denies(self) -> int:
        return sum(len(result.deny) for result in [*self.rego.values(), *self.plans.values()])

    @property
    def ok(self) -> bool:
        return not self.failures and not self.rego_denies and not self.disagreements and self.checkov.ok and self.iam.ok


def stack_contexts(
    accounts: Sequence[LoadedAccount],
    governance: LoadedGovernance,
    stacks: Sequence[str],
    organization: LoadedOrganization | None = None,
) -> tuple[dict[str, RuleContext], dict[str, str]]:
    """Each synthesised stack's rule context and the account file it comes from.

    Stacks are named `<account>-<layer>` (stacks/account_stack.py); the longest account name that prefixes a stack's
    name owns it, so `dev` and `dev-eu` cannot be confused. Only `<account>-bootstrap` may keep local state.
    """
    contexts: dict[str, RuleContext] = {}
    artifacts: dict[str, str] = {}
    by_length = sorted(accounts, key=lambda loaded: len(loaded.name), reverse=True)
    for name in stacks:
        if organization is not None and name == GUARDRAILS_STACK:
            contexts[name] = guardrails_context(organization, governance)
            artifacts[name] = _relative(organization.path)
            continue
        owner = next((loaded for loaded in by_length if name.startswith(f"{loaded.name}-")), None)
        if owner is None:
            continue
        bootstrap = name == f"{owner.name}-{BOOTSTRAP_LAYER}"
        contexts[name] = governance.context_for(owner, name, local_backend_allowed=bootstrap)
        artifacts[name] = _relative(owner.path)
    return contexts, artifacts


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def parse_plan_options(values: Sequence[str]) -> dict[str, Path]:
    """`--plan STACK=FILE` options (FILE is `terraform show -json` output for that stack)."""
    plans: dict[str, Path] = {}
    for value in values:
        stack, sep, file = value.partition("=")
        if not sep or not stack or not file:
            raise ValueError(f"--plan {value!r}: expected STACK=FILE, e.g. prod-platform=plan.json")
        plans[stack] = Path(file)
    return plans


def run_checkov(outdir: Path, enabled: bool, config_dir: Path | None = None) -> CheckovOutcome:
    if not enabled:
        return CheckovOutcome("skipped", "--no-checkov")
    from smus_cli.checkov_gate import SKIPS_FILE, CheckovMissingError, gate, load_skips, skips_path_for
    from smus_cli.checkov_gate import run_checkov as scan

    try:
        result = scan(outdir)
    except CheckovMissingError as error:
        return CheckovOutcome(CHECKOV_NOT_INSTALLED, str(error))
    except (RuntimeError, OSError) as error:
        return CheckovOutcome("error", str(error))
    gated = gate(result.findings, load_skips(skips_path_for(config_dir) if config_dir else SKIPS_FILE))
    failed = [str(item) for item in gated.unsuppressed] + [
        f"unused skip {skip.check} on {skip.stacks} / {skip.resource}" for skip in gated.unused_skips
    ]
    return CheckovOutcome(
        "passed" if gated.ok else "failed",
        failed=failed,
        accepted=len(gated.suppressed),
        passed_checks=result.passed,
    )


def run_iam_analysers(
    documents: dict[str, Any], enabled: bool, config_dir: Path | None = None, *, partial: bool = False
) -> IamOutcome:
    if not enabled:
        return IamOutcome("skipped", "--no-iam-analysers")
    from smus_cli.audit_tools import AnalyserMissingError
    from smus_cli.iam_analysers import SUPPRESSIONS_FILE, IamAnalyserError, run_gate, suppressions_path_for

    try:
        path = suppressions_path_for(config_dir) if config_dir else SUPPRESSIONS_FILE
        gated = run_gate(documents, path, partial=partial)
    except AnalyserMissingError as error:
        return IamOutcome(CHECKOV_NOT_INSTALLED, str(error))
    except (IamAnalyserError, RuntimeError, OSError, subprocess.TimeoutExpired) as error:
        return IamOutcome("error", str(error))
    return IamOutcome("passed" if gated.ok else "failed", gate=gated)


def check(
    config_dir: Path,
    governance_file: Path | None = None,
    accounts: Sequence[str] = (),
    plans: dict[str, Path] | None = None,
    *,
    with_checkov: bool = True,
    with_iam_analysers: bool = True,
    outdir: Path | None = None,
) -> CheckResult:
    """Synthesise without enforcing, then evaluate both engines (and checkov) over the same documents."""
    from smus_cli.synth import synthesise
    from smus_rules.rego import RegoPolicies, governance_data, resource_types

    timings: dict[str, float] = {}
    loaded = load_estate(config_dir, only=accounts)
    governance = load_governance_for(config_dir, loaded, path=governance_file, partial=bool(accounts))
    workdir = Path(tempfile.mkdtemp(prefix="smus-check-"))
    target = outdir or workdir / "cdktf.out"
    try:
        started = time.perf_counter()
        synthesise(config_dir, target, accounts, enforce_rules=False)
        timings["synth"] = time.perf_counter() - started
        documents = {
            path.parent.name: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted((target / "stacks").glob("*/cdk.tf.json"))
        }
        organization = None if accounts else load_organization_for(config_dir, loaded)
        contexts, artifacts = stack_contexts(loaded, governance, list(documents), organization)
        suppressions = SuppressionSet(governance.suppressions)

        started = time.perf_counter()
        python = {name: evaluate(documents[name], context, suppressions) for name, context in contexts.items()}
        timings["rule_pack"] = time.perf_counter() - started

        started = time.perf_counter()
        plan_documents = {stack: json.loads(path.read_text(encoding="utf-8")) for stack, path in (plans or {}).items()}
        data = governance_data(
            contexts.values(),
            governance.suppressions,
            types=resource_types([*documents.values(), *plan_documents.values()]),
        )
        policies = RegoPolicies(data)
        rego = {name: policies.evaluate(documents[name], name) for name in contexts}
        plan_results = {}
        for stack, plan in plan_documents.items():
            plan_policies = RegoPolicies({"smus_governance": {**data["smus_governance"], "plan_stack": stack}})
            plan_results[stack] = plan_policies.evaluate(plan, stack)
        timings["rego"] = time.perf_counter() - started

        disagreements = []
        for name, result in python.items():
            python_keys = {
                item.key() for item in result.findings if item.status in (Status.NON_COMPLIANT, Status.SUPPRESSED)
            }
            rego_keys = {violation.key() for violation in rego[name].violations}
            for stack, rule, address in sorted(python_keys ^ rego_keys):
                disagreements.append(
                    {
                        "stack": stack,
                        "rule": rule,
                        "address": address,
                        "failed_in": "python" if (stack, rule, address) in python_keys else "rego",
                    }
                )

        started = time.perf_counter()
        checkov = run_checkov(target, with_checkov, config_dir)
        timings["checkov"] = time.perf_counter() - started

        started = time.perf_counter()
        iam = run_iam_analysers(documents, with_iam_analysers, config_dir, partial=bool(accounts))
        timings["iam_analysers"] = time.perf_counter() - started
        return CheckResult(
            contexts=contexts,
            artifacts=artifacts,
            python=python,
            rego=rego,
            plans=plan_results,
            disagreements=disagreements,
            checkov=checkov,
            unused_suppressions=suppressions.unused(),
            expired_suppressions=suppressions.expired(),
            timings=timings,
            rego_data=data,
            iam=iam,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _wide(out: Console) -> Console:
    """A console on the same output at least TABLE_WIDTH wide (rich never prints wider than its console)."""
    if out.record or out.width >= TABLE_WIDTH:
        return out
    return Console(file=out.file, width=TABLE_WIDTH, highlight=False, no_color=out.no_color)


def render(result: CheckResult, out: Console, *, show_all: bool = False) -> None:
    """The readable part: per-rule summary, then each failed or suppressed finding (every finding with show_all)."""
    summary = Table(title="Governance rules", show_lines=False)
    for column in ("rule", "title", "compliant", "failed", "suppressed", "n/a", "rego", "engines"):
        summary.add_column(column)
    by_rule: dict[str, Counter[Status]] = {rule.id: Counter() for rule in RULES}
    for item in result.findings:
        by_rule[item.rule_id][item.status] += 1
    rego_counts = Counter(v.rule_id for r in result.rego.values() for v in r.violations)
    disagreeing = {d["rule"] for d in result.disagreements}
    for rule in RULES:
        counts = by_rule[rule.id]
        summary.add_row(
            rule.id,
            escape(rule.title),
            str(counts[Status.COMPLIANT]),
            f"[red]{counts[Status.NON_COMPLIANT]}[/]" if counts[Status.NON_COMPLIANT] else "0",
            str(counts[Status.SUPPRESSED]),
            str(counts[Status.NOT_APPLICABLE]),
            str(rego_counts[rule.id]),
            "[red]disagree[/]" if rule.id in disagreeing else "agree",
        )
    _wide(out).print(summary)

    rows = [item for item in result.findings if show_all or item.status in (Status.NON_COMPLIANT, Status.SUPPRESSED)]
    if rows:
        table = Table(title="Findings")
        for column in ("rule", "resource path", "result", "reason / fix"):
            table.add_column(column, overflow="fold")
        for item in rows:
            if item.status is Status.NON_COMPLIANT:
                shown, why = "[red]FAIL[/]", f"{item.message}. Fix: {item.fix}"
            elif item.status is Status.SUPPRESSED:
                reason = item.suppression.reason if item.suppression else ""
                shown, why = (
                    "[yellow]suppressed[/]",
                    f"{reason} (until {item.suppression.expires})"
                    if (item.suppression and item.suppression.expires)
                    else reason,
                )
            else:
                shown, why = item.status.value, item.message
            table.add_row(item.rule_id, escape(item.path), shown, escape(why))
        _wide(out).print(table)

    for d in result.disagreements:
        out.print(
            f"[red]ENGINES DISAGREE[/] {d['rule']} {escape(d['stack'])} {escape(d['address'])}: "
            f"only {d['failed_in']} reports it"
        )
    for stack, plan in result.plans.items():
        for message in plan.deny:
            out.print(f"[red]FAIL[/] plan of {escape(stack)}: {escape(message)}")
    for suppression in result.unused_suppressions:
        out.print(
            f"[yellow]warning[/] suppression {suppression.rule_id} on {escape(suppression.path)} matches nothing; "
            "remove it from config/governance.toml"
        )
    for suppression in result.expired_suppressions:
        out.print(
            f"[yellow]warning[/] suppression {suppression.rule_id} on {escape(suppression.path)} expired on "
            f"{suppression.expires}; its findings fail again"
        )

    stacks = len(result.python)
    failures = len(result.failures)
    suppressed = sum(1 for item in result.findings if item.status is Status.SUPPRESSED)
    out.print(
        f"rule pack: {stacks} stacks, {len(RULES)} rules, {failures} failed, {suppressed} suppressed "
        f"({result.timings.get('rule_pack', 0) * 1000:.0f} ms)"
    )
    rego_violations = sum(len(r.violations) for r in result.rego.values())
    out.print(
        f"rego:      {rego_violations} violations, {result.rego_denies} deny after suppressions, "
        f"{'engines agree' if not result.disagreements else f'{len(result.disagreements)} disagreements'} "
        f"({result.timings.get('rego', 0) * 1000:.0f} ms)"
    )
    checkov = result.checkov
    if checkov.status == CHECKOV_NOT_INSTALLED:
        out.print(f"checkov:   [red]NOT INSTALLED[/] - the gate did not run: {escape(checkov.detail)}")
    elif checkov.status == "skipped":
        out.print("checkov:   skipped (--no-checkov)")
    elif checkov.status == "error":
        out.print(f"checkov:   [red]error[/] {escape(checkov.detail)}")
    else:
        out.print(
            f"checkov:   {checkov.status} ({checkov.passed_checks} passed, {len(checkov.failed)} failed, "
            f"{checkov.accepted} accepted in config/checkov-skips.toml; {result.timings.get('checkov', 0):.1f} s)"
        )
        for line in checkov.failed:
            out.print(f"  [red]FAIL[/] {escape(line)}")
    _render_iam(result, out)
    out.print("[green]PASSED[/]" if result.ok else "[red]FAILED[/]")


def _render_iam(result: CheckResult, out: Console) -> None:
    iam = result.iam
    seconds = result.timings.get("iam_analysers", 0)
    if iam.status == CHECKOV_NOT_INSTALLED:
        out.print(f"iam:       [red]NOT INSTALLED[/] - the gate did not run: {escape(iam.detail)}")
    elif iam.status == "skipped":
        out.print(f"iam:       skipped ({escape(iam.detail)})")
    elif iam.status == "error":
        out.print(f"iam:       [red]error[/] {escape(iam.detail)}")
    else:
        gate = iam.gate
        counts = ", ".join(
            f"{name} {c['findings']} found, {c['unsuppressed']} unsuppressed" for name, c in gate.counts().items()
        )
        out.print(
            f"iam:       {iam.status} ({gate.policies} identity policies, {gate.roles} roles: {counts}; "
            f"accepted in iam-analyser-suppressions.toml; {seconds:.1f} s)"
        )
        for finding in gate.unsuppressed:
            out.print(f"  [red]FAIL[/] {escape(str(finding))}")
        for suppression in gate.unused:
            out.print(
                f"  [red]FAIL[/] unused suppression {escape(suppression.analyser)} {escape(suppression.issue)} on "
                f"{escape(suppression.stacks)} / {escape(suppression.resource)}: remove it"
            )


def write_reports(result: CheckResult, report_dir: Path) -> list[Path]:
    """`governance-report.json`, `governance-report.sarif` and `rego-data.json` (the data conftest needs)."""
    from smus_rules.rego import write_data

    report_dir.mkdir(parents=True, exist_ok=True)
    document = {
        "ok": result.ok,
        "rules": [{"id": rule.id, "title": rule.title, "runs_on_plans": rule.runs_on_plans} for rule in RULES],
        "findings": [finding_dict(item) for item in result.findings],
        "rego": {
            name: {"violations": [v.__dict__ for v in r.violations], "deny": r.deny, "warn": r.warn}
            for name, r in result.rego.items()
        },
        "plans": {name: {"deny": r.deny, "warn": r.warn} for name, r in result.plans.items()},
        "disagreements": result.disagreements,
        "checkov": result.checkov.__dict__,
        "iam_analysers": result.iam.as_dict(),
        "unused_suppressions": [s.__dict__ for s in result.unused_suppressions],
        "expired_suppressions": [s.__dict__ for s in result.expired_suppressions],
        "timings_seconds": result.timings,
    }
    json_path = report_dir / "governance-report.json"
    json_path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    extra = [
        {
            "ruleId": d["rule"],
            "level": "error",
            "message": {"text": f"{d['rule']}: only the {d['failed_in']} engine reports {d['address']}"},
            "locations": [location(d["stack"], d["stack"], d["address"], result.artifacts)],
        }
        for d in result.disagreements
    ]
    if result.iam.gate is not None:
        extra += [
            {
                "ruleId": f"{finding.analyser}/{finding.issue}",
                "level": "error",
                "message": {"text": str(finding)},
                "locations": [location(finding.stack, finding.resource, finding.address, result.artifacts)],
            }
            for finding in result.iam.gate.unsuppressed
        ]
    sarif_path = report_dir / "governance-report.sarif"
    sarif_path.write_text(
        json.dumps(sarif(RULES, result.findings, result.artifacts, extra_results=extra), indent=2) + "\n",
        encoding="utf-8",
    )
    data_path = report_dir / "rego-data.json"
    write_data(data_path, result.rego_data)
    return [json_path, sarif_path, data_path]


def run_check(
    config_dir: Path,
    governance_file: Path | None,
    accounts: Sequence[str],
    report_dir: Path,
    plan_options: Sequence[str],
    *,
    with_checkov: bool,
    with_iam_analysers: bool = True,
    show_all: bool,
    out: Console,
    err: Console,
) -> int:
    """The command: check, print, write reports; the exit code says passed (0), failed (1) or bad input (2)."""
    from config.errors import ConfigError
    from smus_constructs.errors import PropValidationError

    try:
        writable_folder(report_dir, what="the reports")  # before the minutes of checking, not after
        plans = parse_plan_options(plan_options)
        for plan in plans.values():
            read_json(plan, accepted="`terraform show -json PLANFILE` output", max_bytes=MAX_PLAN_BYTES)
        result = check(
            config_dir,
            governance_file,
            accounts,
            plans,
            with_checkov=with_checkov,
            with_iam_analysers=with_iam_analysers,
        )
    except (ConfigError, PropValidationError, InputFileError, ValueError, OSError) as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        return EXIT_INPUT
    render(result, out, show_all=show_all)
    for path in write_reports(result, report_dir):
        out.print(f"wrote {escape(str(path))}")
    return EXIT_OK if result.ok else EXIT_FAILED
