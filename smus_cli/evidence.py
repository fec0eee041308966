"""`smus evidence`: one pipeline run's audit evidence, as a folder and a .tar.gz an auditor reads without tools.

What went in (the synth manifest and a digest of every stack), what was checked (the `smus check` report), what was
going to change (the plan summaries), what the replacement guard said, and who and what made it happen (commit,
run, trigger, approval). `index.md` links every file and summarises each account in words: the domain, whether its key
is created or brought, how each role is provided, the blueprints, profiles and projects, its deploy and plan roles,
and each of its CI stacks with the plan summary and guard result this run was given for it (a run may cover only
some of an account's stacks). A member account's domain and share, its roles' trust, its blueprints and grants, and
a domain account's share and its members are read from the synthesised stacks (smus_cli.evidence_members).

An input that was not given, or named a file that does not exist, is listed as "not provided" with the reason, never
dropped: an auditor must be able to tell "no findings" from "not checked". `SHA256SUMS` lets anyone verify that a copy
of the archive is what the run produced. Reads config and files only; it never loads the providers.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rich.console import Console

from config.loader import LoadedAccount
from config.pipeline_trust import plan_role_arn
from smus_cli.ci_matrix import ci_stack_names
from smus_cli.evidence_members import association_evidence, render_association
from smus_cli.input_files import InputFileError, creatable, read_json, read_text
from smus_cli.terminal import escape

NOT_PROVIDED = "not provided"
NOT_RECORDED = "not recorded"
INDEX = "index.md"
RUN_FILE = "run.json"
CHECKSUMS = "SHA256SUMS"


@dataclass(frozen=True)
class RunInfo:
    """Who and what produced the run. Each value says where it came from, so a fallback is never mistaken for fact."""

    commit: str
    commit_source: str
    triggered_by: str
    approved_by: str
    approved_at: str
    run_id: str
    run_url: str
    repository: str
    workflow: str
    ref: str
    event: str
    assembled_at: str


def _git_head(cwd: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, check=False, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    head = result.stdout.strip()
    return head if result.returncode == 0 and head else None


def collect_run_info(
    *,
    env: Mapping[str, str],
    cwd: Path,
    commit: str | None = None,
    triggered_by: str | None = None,
    approved_by: str | None = None,
    approved_at: str | None = None,
    run_id: str | None = None,
    now: datetime | None = None,
) -> RunInfo:
    """Options first, then GitHub's variables (GITHUB_SHA, GITHUB_ACTOR, GITHUB_RUN_ID...), then git, then 'unknown'."""
    if commit:
        sha, source = commit, "--commit"
    elif env.get("GITHUB_SHA"):
        sha, source = env["GITHUB_SHA"], "GITHUB_SHA"
    else:
        head = _git_head(cwd)
        sha, source = (head, "git rev-parse HEAD") if head else ("unknown", "no --commit, GITHUB_SHA or git checkout")
    run = run_id or env.get("GITHUB_RUN_ID", "")
    attempt = env.get("GITHUB_RUN_ATTEMPT", "")
    server, repository = env.get("GITHUB_SERVER_URL", ""), env.get("GITHUB_REPOSITORY", "")
    url = f"{server}/{repository}/actions/runs/{run}" if server and repository and run else ""
    if url and attempt:
        url += f"/attempts/{attempt}"
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return RunInfo(
        commit=sha,
        commit_source=source,
        triggered_by=triggered_by or env.get("GITHUB_TRIGGERING_ACTOR") or env.get("GITHUB_ACTOR") or NOT_RECORDED,
        approved_by=approved_by or NOT_RECORDED,
        approved_at=approved_at or NOT_RECORDED,
        run_id=run or "local",
        run_url=url,
        repository=repository or NOT_RECORDED,
        workflow=env.get("GITHUB_WORKFLOW", "") or NOT_RECORDED,
        ref=env.get("GITHUB_REF", "") or NOT_RECORDED,
        event=env.get("GITHUB_EVENT_NAME", "") or "local run",
        assembled_at=stamp,
    )


@dataclass
class EvidenceItem:
    """One input: copied into the folder, or listed with the reason it is missing."""

    kind: str
    source: str
    relative_path: str | None = None
    sha256: str | None = None
    missing_reason: str | None = None


@dataclass
class EvidenceResult:
    folder: Path
    archive: Path
    items: list[EvidenceItem] = field(default_factory=list)

    @property
    def missing(self) -> list[EvidenceItem]:
        return [item for item in self.items if item.relative_path is None]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _Folder:
    """Copies inputs into one subfolder each, never overwriting: two `summary.md` from two stacks both survive."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: list[EvidenceItem] = []

    def add(self, kind: str, subfolder: str, source: Path | None, *, given_as: str | None = None) -> EvidenceItem:
        shown = given_as or (str(source) if source is not None else "")
        if source is None:
            item = EvidenceItem(kind, shown, missing_reason="no file was given")
        elif not source.is_file():
            item = EvidenceItem(kind, shown, missing_reason=f"{source} does not exist")
        else:
            target_dir = self.root / subfolder
            target_dir.mkdir(parents=True, exist_ok=True)
            target = target_dir / source.name
            if target.exists():
                target = target_dir / f"{source.parent.name}-{source.name}"
            counter = 2
            while target.exists():
                target = target_dir / f"{source.stem}-{counter}{source.suffix}"
                counter += 1
            shutil.copyfile(source, target)
            relative = target.relative_to(self.root).as_posix()
            item = EvidenceItem(kind, shown, relative_path=relative, sha256=_sha256(target))
        self.items.append(item)
        return item


def _stack_digests(synth_dir: Path | None) -> list[tuple[str, str]]:
    if synth_dir is None or not (synth_dir / "stacks").is_dir():
        return []
    return [(path.parent.name, _sha256(path)) for path in sorted((synth_dir / "stacks").glob("*/cdk.tf.json"))]


def account_summary(loaded: LoadedAccount, synth_dir: Path | None = None) -> dict[str, Any]:
    """What an auditor asks about an account, in words: where each important thing comes from.

    With ``synth_dir``, a member's association and a domain account's share are read from its synthesised platform
    stack (InputFileError naming the path when the folder has stacks but not that one).
    """
    config = loaded.config
    domain = config.domain

    def mode(arn: str | None) -> str:
        return f"given: {arn}" if arn else "created by the platform stack"

    summary: dict[str, Any] = {
        "account": loaded.name,
        "account_id": config.account.account_id,
        "region": config.account.region,
        "protected": config.account.protected,
        "config_file": loaded.path.name,
        "deploy_role": config.account.deploy_role_arn,
        "plan_role": plan_role_arn(config),
        "stacks": ci_stack_names(loaded.name, member=domain is None),
        "association": association_evidence(loaded, synth_dir),
    }
    blueprint_roles = {
        "blueprint provisioning": mode(config.blueprint_roles.provisioning_role_arn),
        "blueprint manage-access": mode(config.blueprint_roles.manage_access_role_arn),
    }
    if domain is None:
        assert config.association is not None
        return summary | {
            "kind": "member",
            "domain": f"member of {config.association.domain_account}'s domain (shared by RAM)",
            "role_modes": blueprint_roles,
            "blueprints": sorted(name.value for name in config.blueprints),
        }
    return summary | {
        "kind": "domain",
        "domain": domain.name,
        "domain_origin": f"adopted: {domain.existing_id}" if domain.existing_id else "created by the platform stack",
        "single_sign_on": domain.single_sign_on.value,
        "key_mode": f"bring-your-own: {domain.kms_key_arn}" if domain.kms_key_arn else "created (customer-managed)",
        "role_modes": {
            "domain execution": mode(domain.execution_role_arn),
            "domain service": mode(domain.service_role_arn),
            **blueprint_roles,
        },
        "blueprints": sorted(name.value for name in config.blueprints),
        "profiles": [
            {
                "name": profile.name,
                "environments": [
                    env.blueprint.value + (f" in {env.account}" if env.account else "") for env in profile.environments
                ],
            }
            for profile in config.profiles
        ],
        "projects": [{"name": project.name, "profile": project.profile} for project in config.projects],
    }


NOT_IN_RUN = "not in this run's inputs"


def stack_of(path: Path, stacks: Sequence[str]) -> str | None:
    """The stack a plan summary or guard result belongs to: its folder (`run/<stack>/plan.txt`, what deploy.yml
    writes) or its name (`<stack>-plan.txt`); the longest stack name wins (`prod-ml-platform` over `prod-...`)."""
    if path.parent.name in stacks:
        return path.parent.name
    named = [stack for stack in stacks if path.name.startswith((f"{stack}-", f"{stack}.")) or path.stem == stack]
    return max(named, key=len) if named else None


def _guard_verdict(folder: Path, item: EvidenceItem) -> str:
    if item.relative_path is None:
        return f"{NOT_PROVIDED} ({item.missing_reason})"
    try:
        document = json.loads((folder / item.relative_path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return "unreadable"
    if document.get("passed") is True:
        return "passed"
    if document.get("passed") is False:
        return f"BLOCKED: {len(document.get('blocked', []))} change(s)"
    return "no verdict in the file"


def stack_inputs(
    stacks: Sequence[str],
    folder: Path,
    plans: Sequence[tuple[Path, EvidenceItem]],
    guards: Sequence[tuple[Path, EvidenceItem]],
) -> list[dict[str, Any]]:
    """Each of the account's CI stacks with the plan summaries and guard results given for it in this run."""
    return [
        {
            "stack": stack,
            "plan_summaries": [_link(item) for path, item in plans if stack_of(path, stacks) == stack],
            "guard_results": [
                f"{_link(item)}: {_guard_verdict(folder, item)}"
                for path, item in guards
                if stack_of(path, stacks) == stack
            ],
        }
        for stack in stacks
    ]


def _link(item: EvidenceItem) -> str:
    if item.relative_path is None:
        return f"{NOT_PROVIDED} ({item.missing_reason})"
    return f"[{item.relative_path}]({quote(item.relative_path)})"


def render_index(
    run: RunInfo, items: Sequence[EvidenceItem], stacks: Sequence[tuple[str, str]], accounts: Sequence[dict[str, Any]]
) -> str:
    """index.md: plain Markdown, readable as text, with relative links that work inside the unpacked archive."""
    run_cell = f"[{run.run_id}]({run.run_url})" if run.run_url else run.run_id
    lines = [
        f"# Audit evidence: run {run.run_id}",
        "",
        "Everything below was produced by one pipeline run. Each file's SHA-256 is listed here and in "
        f"[{CHECKSUMS}]({CHECKSUMS}); [{RUN_FILE}]({RUN_FILE}) holds the same facts for tools.",
        "",
        "## The run",
        "",
        "| Fact | Value |",
        "| --- | --- |",
        f"| Repository | {run.repository} |",
        f"| Commit | `{run.commit}` (from {run.commit_source}) |",
        f"| Workflow | {run.workflow} |",
        f"| Event | {run.event} ({run.ref}) |",
        f"| Run | {run_cell} |",
        f"| Triggered by | {run.triggered_by} |",
        f"| Approved by | {run.approved_by} |",
        f"| Approved at | {run.approved_at} |",
        f"| Evidence assembled at | {run.assembled_at} |",
        "",
        "## Evidence files",
        "",
        "| Evidence | File | Given as | SHA-256 |",
        "| --- | --- | --- | --- |",
    ]
    for item in items:
        digest = f"`{item.sha256}`" if item.sha256 else ""
        lines.append(f"| {item.kind} | {_link(item)} | {item.source or '-'} | {digest} |")
    lines += ["", "## Stacks synthesised", ""]
    if stacks:
        lines += ["| Stack | cdk.tf.json SHA-256 |", "| --- | --- |"]
        lines += [f"| {name} | `{digest}` |" for name, digest in stacks]
    else:
        lines.append(f"Synthesised stacks: {NOT_PROVIDED} (no synth folder with a stacks/ directory was given).")
    lines += ["", "## Accounts", ""]
    for account in accounts:
        lines += _account_lines(account)
    return "\n".join(lines)


def _account_lines(account: dict[str, Any]) -> list[str]:
    roles = "; ".join(f"{role}: {how}" for role, how in account["role_modes"].items())
    lines = [
        f"### {account['account']} ({account['account_id']}, {account['region']})",
        "",
        f"- Config file: `config/accounts/{account['config_file']}`"
        f"{' - protected (production)' if account['protected'] else ''}",
    ]
    if account["kind"] == "member":
        lines.append(f"- Domain: {account['domain']}")
    else:
        lines += [
            f"- Domain: {account['domain']} ({account['domain_origin']}; sign-on {account['single_sign_on']})",
            f"- Key mode: {account['key_mode']}",
        ]
    lines += [
        f"- Role modes: {roles}",
        f"- Deploy role: `{account['deploy_role']}`; plan role: `{account['plan_role']}`",
        f"- Blueprints enabled: {', '.join(account['blueprints']) or 'none'}",
    ]
    if account["kind"] == "domain":
        profiles = ", ".join(
            f"{profile['name']} ({', '.join(profile['environments'])})" for profile in account["profiles"]
        )
        projects = ", ".join(f"{project['name']} (profile {project['profile']})" for project in account["projects"])
        lines += [f"- Profiles: {profiles or 'none'}", f"- Projects: {projects or 'none'}"]
    lines += [f"- Stacks deployed by CI: {', '.join(account['stacks'])}", ""]
    if account["association"] is not None:
        lines += render_association(account["account"], account["association"])
    lines += [
        f"#### {account['account']}: stacks in this run",
        "",
        "| Stack | Plan summary | Guard result |",
        "| --- | --- | --- |",
    ]
    for entry in account.get("stack_inputs", []):
        plans = ", ".join(entry["plan_summaries"]) or NOT_IN_RUN
        guards = ", ".join(entry["guard_results"]) or NOT_IN_RUN
        lines.append(f"| {entry['stack']} | {plans} | {guards} |")
    return [*lines, ""]


def assemble_evidence(
    *,
    accounts: Sequence[LoadedAccount],
    output: Path,
    run: RunInfo,
    synth_dir: Path | None,
    check_reports: Sequence[Path] = (),
    plan_summaries: Sequence[Path] = (),
    guard_results: Sequence[Path] = (),
) -> EvidenceResult:
    """Write ``output``/ and ``output``.tar.gz. ``output`` must not exist yet: evidence of two runs never mixes."""
    if output.exists():
        raise FileExistsError(f"{output} exists already: evidence of one run goes in a folder of its own")
    summaries = [account_summary(loaded, synth_dir) for loaded in accounts]  # reads stacks: may refuse, before mkdir
    output.mkdir(parents=True)
    folder = _Folder(output)
    manifest = synth_dir / "manifest.json" if synth_dir is not None else None
    folder.add("Synth manifest", "synth", manifest)
    given: dict[str, list[tuple[Path, EvidenceItem]]] = {}
    for kinds, subfolder, paths in (
        ("Check report", "check", check_reports),
        ("Plan summary", "plans", plan_summaries),
        ("Guard result", "guard", guard_results),
    ):
        if not paths:
            folder.add(kinds, subfolder, None)
        given[kinds] = [(path, folder.add(kinds, subfolder, path)) for path in paths]
    for summary in summaries:
        summary["stack_inputs"] = stack_inputs(summary["stacks"], output, given["Plan summary"], given["Guard result"])

    stacks = _stack_digests(synth_dir)
    (output / INDEX).write_text(render_index(run, folder.items, stacks, summaries) + "\n", encoding="utf-8")
    document = {
        "run": asdict(run),
        "evidence": [asdict(item) for item in folder.items],
        "stacks": [{"stack": name, "sha256": digest} for name, digest in stacks],
        "accounts": summaries,
    }
    (output / RUN_FILE).write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    files = sorted(path for path in output.rglob("*") if path.is_file())
    (output / CHECKSUMS).write_text(
        "".join(f"{_sha256(path)}  {path.relative_to(output).as_posix()}\n" for path in files), encoding="utf-8"
    )

    archive = output.with_name(output.name + ".tar.gz")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(output, arcname=output.name)
    return EvidenceResult(folder=output, archive=archive, items=folder.items)


#: Reports, summaries and guard results are kilobytes to a few megabytes.
MAX_INPUT_BYTES = 64 * 1024 * 1024


def check_inputs(
    check_reports: Sequence[Path], plan_summaries: Sequence[Path], guard_results: Sequence[Path], output: Path
) -> None:
    """Refuse, before anything is written, evidence that is not what it claims: an auditor would trust it.

    A check report or guard result must be a JSON object (SARIF is JSON too); a plan summary must be text. A file
    that does not exist is not an error here: it is listed as not provided (and fails --strict).
    """
    for paths, accepted, json_object in (
        (check_reports, "a `smus check` report (JSON or SARIF)", True),
        (guard_results, "`smus guard --json` output", True),
        (plan_summaries, "a plan summary (text)", False),
    ):
        for path in paths:
            if not path.exists() and not path.is_symlink():
                continue
            if json_object:
                document = read_json(path, accepted=accepted, max_bytes=MAX_INPUT_BYTES)
                if not isinstance(document, dict):
                    raise InputFileError(path, "(document)", f"a JSON {type(document).__name__}", accepted)
            else:
                read_text(path, accepted=accepted, max_bytes=MAX_INPUT_BYTES)
    creatable(output, what="the evidence folder")


def default_output(run: RunInfo, base: Path = Path("evidence")) -> Path:
    stamp = run.assembled_at.replace(":", "").replace("-", "")
    return base / (f"run-{run.run_id}" if run.run_id != "local" else f"local-{stamp}")


def run_evidence(
    *,
    accounts: Sequence[LoadedAccount],
    synth_dir: Path | None,
    check_reports: Sequence[Path],
    plan_summaries: Sequence[Path],
    guard_results: Sequence[Path],
    output: Path | None,
    run: RunInfo,
    strict: bool,
    out: Console,
    err: Console,
) -> int:
    """Assemble, then say where it went and what is missing. 1 with --strict when something is; 2 on bad input."""
    target = output or default_output(run)
    try:
        check_inputs(check_reports, plan_summaries, guard_results, target)
    except InputFileError as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        return 2
    try:
        result = assemble_evidence(
            accounts=accounts,
            output=target,
            run=run,
            synth_dir=synth_dir,
            check_reports=check_reports,
            plan_summaries=plan_summaries,
            guard_results=guard_results,
        )
    except (FileExistsError, InputFileError) as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        return 2
    out.print(f"evidence: {result.folder}/{INDEX}")
    out.print(f"archive:  {result.archive}")
    for item in result.missing:
        err.print(f"[yellow]not provided:[/] {item.kind} ({item.missing_reason})")
    return 1 if strict and result.missing else 0
