"""`smus`: the platform team's command. Thin: it parses arguments and calls the modules that do the work."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from config.errors import ConfigError
from config.loader import DEFAULT_CONFIG_DIR, account_files, load_estate
from smus_cli.input_files import InputFileError
from smus_cli.project import DEFAULT_OUTDIR, DEFAULT_REPORT_DIR
from smus_cli.terminal import escape

app = typer.Typer(
    help="SageMaker Unified Studio estate as code (CDK Terrain).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # main() turns an unexpected error into one line (the traceback with --debug)
)
# emoji off: a value such as ':fire:' is printed as written, never as an emoji.
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
out = Console(highlight=False, soft_wrap=True, emoji=False)

ConfigDir = Annotated[
    Path,
    typer.Option("--config-dir", help="Folder of <account>.toml files. default: config/accounts in the project root."),
]
Accounts = Annotated[list[str] | None, typer.Option("--account", "-a", help="Only these accounts (repeatable).")]

EXIT_INPUT = 2


def safe(text: object) -> str:
    """Text from a file or the command line, fit for a Rich console: markup escaped, control characters shown
    (a multi-line message keeps its own line breaks; the values in it are escaped where the message is made)."""
    return escape(text)


def fail_input(error: Exception) -> None:
    """Bad input (config or construct props): the message names file or construct, field, value and what's accepted."""
    err.print(f"[bold red]error:[/] {safe(error)}")
    raise typer.Exit(EXIT_INPUT)


def note_skipped(config_dir: Path) -> None:
    """Say which editor lock and backup files the loader skipped, so nothing is skipped silently."""
    try:
        _files, skipped = account_files(config_dir)
    except ConfigError:
        return
    for path in skipped:
        err.print(f"note: skipped {safe(path)} (an editor's lock or backup file: its name starts with '.' or '#')")


@app.callback()
def root(
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an unexpected error.")] = False,
) -> None:
    """SageMaker Unified Studio estate as code (CDK Terrain)."""


@app.command()
def validate(config_dir: ConfigDir = DEFAULT_CONFIG_DIR, account: Accounts = None) -> None:
    """Check the config files only (types and references), without loading the providers."""
    note_skipped(config_dir)
    try:
        accounts = load_estate(config_dir, only=account or ())
    except ConfigError as error:
        fail_input(error)
    for loaded in accounts:
        config = loaded.config
        out.print(f"ok  {safe(loaded.path)}  ({config.account.account_id}, {len(config.projects)} projects)")
    if not account:  # organization.toml is checked against every protected account, so only with all of them
        from config.organization_models import load_organization_for

        try:
            organization = load_organization_for(config_dir, accounts)
        except ConfigError as error:
            fail_input(error)
        if organization is not None:
            targets = ", ".join(organization.targets)
            count = len(organization.protected)
            accounts_word = "account" if count == 1 else "accounts"
            unreached = ""
            if organization.unreached:
                unreached = f"; no target reaches {', '.join(organization.unreached)}"
            out.print(f"ok  {safe(organization.path)}  (guardrails for {count} {accounts_word}: {targets}{unreached})")


@app.command()
def synth(
    config_dir: ConfigDir = DEFAULT_CONFIG_DIR,
    outdir: Annotated[
        Path | None, typer.Option(help="default: $CDKTF_OUTDIR, else cdktf.out in the project root")
    ] = None,
    account: Accounts = None,
) -> None:
    """Synthesise Terraform JSON for every account and layer, all or nothing."""
    from smus_cli.lifetime import die_with_parent
    from smus_cli.output_folder import OutputFolderError
    from smus_cli.synth import synthesise
    from smus_constructs.errors import PropValidationError
    from smus_rules.errors import RuleFailures

    die_with_parent()  # a synth whose caller is gone has nobody to report to: it must not replace the output later
    note_skipped(config_dir)
    try:
        names = synthesise(config_dir, outdir, account or ())
    except (ConfigError, PropValidationError, OutputFolderError) as error:
        fail_input(error)
    except RuleFailures as error:  # governance rules (smus_rules): a policy failure, exit 1 like `smus check`
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        raise typer.Exit(1) from None
    out.print(f"synthesised {len(names)} stacks: {', '.join(names)}")


@app.command()
def guard(
    plan: Annotated[Path, typer.Argument(help="`terraform show -json PLANFILE` output.")],
    allow_list: Annotated[
        Path | None, typer.Option("--allow-list", help="Reviewed exceptions. default: config/guard-allowlist.toml")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the machine-readable report instead.")] = False,
    stack: Annotated[
        str | None, typer.Option("--stack", help="The stack the plan is of; only its allow-list entries apply.")
    ] = None,
) -> None:
    """Fail (exit 1) when the plan deletes, replaces or forgets a protected resource; exit 2 on unreadable input."""
    from smus_cli.guard import run_guard

    raise typer.Exit(run_guard(plan, allow_list, as_json=as_json, out=out, err=err, stack=stack))


@app.command("plan-summary")
def plan_summary(
    plan: Annotated[Path, typer.Argument(help="`terraform show -json PLANFILE` output.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="One compact JSON array, as the drift job sends it to CloudWatch Logs.")
    ] = False,
) -> None:
    """Print what PLAN changes: resource addresses and actions, never an attribute value. Exit 2 on unreadable input."""
    from smus_cli.plan_model import PlanFormatError
    from smus_cli.plan_summary import plan_summary as summary_of

    try:
        text = summary_of(plan, as_json_output=as_json)
    except PlanFormatError as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        raise typer.Exit(2) from None
    out.print(text, markup=False, highlight=False, soft_wrap=True)


@app.command("diff-envs")
def diff_envs(
    a: Annotated[str, typer.Argument(help="An account name, e.g. staging.")],
    b: Annotated[str, typer.Argument(help="Another account name, e.g. prod.")],
    config_dir: ConfigDir = DEFAULT_CONFIG_DIR,
    intended: Annotated[
        Path | None,
        typer.Option("--intended", help="Declared differences. default: config/intended-differences.toml"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the machine-readable report instead.")] = False,
) -> None:
    """Structural differences between two accounts; exit 1 when one is not declared as intended (promotion gate)."""
    from smus_cli.diff_envs import run_diff

    raise typer.Exit(run_diff(a, b, config_dir, intended, as_json=as_json, out=out, err=err))


@app.command()
def inventory(
    account_name: Annotated[str, typer.Option("--account-name", help="The account's short name, e.g. research.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the account file.")],
    from_dir: Annotated[
        Path | None, typer.Option("--from-dir", help="Folder of saved `aws datazone` JSON responses.")
    ] = None,
    live: Annotated[bool, typer.Option("--live", help="Read the DataZone API (needs the 'live' extra).")] = False,
    region: Annotated[str | None, typer.Option(help="AWS region (--live).")] = None,
    profile: Annotated[str | None, typer.Option(help="AWS CLI profile (--live).")] = None,
    domain_id: Annotated[
        str | None, typer.Option("--domain-id", help="Domain to read (--live). default: the account's only V2 domain")
    ] = None,
    save_responses: Annotated[
        Path | None, typer.Option("--save-responses", help="Keep what --live read, as --from-dir files.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output file.")] = False,
    member_of: Annotated[
        str | None,
        typer.Option(
            "--member-of",
            help="Inventory a member account of this domain account's (shared) domain, with the member's responses.",
        ),
    ] = None,
    config_dir: ConfigDir = DEFAULT_CONFIG_DIR,
) -> None:
    """Write an account file from an existing domain, carrying its IDs and flagging every immutable value; with
    --member-of, a member account's file from the domain shared with it (validated with the estate in --config-dir)."""
    from smus_cli.inventory import run_inventory

    if member_of is not None:
        from smus_cli.inventory_member import run_member_inventory

        raise typer.Exit(
            run_member_inventory(
                member_of=member_of,
                config_dir=config_dir,
                from_dir=from_dir,
                live=live,
                region=region,
                profile=profile,
                domain_id=domain_id,
                save_dir=save_responses,
                account_name=account_name,
                output=output,
                force=force,
                out=out,
                err=err,
            )
        )
    raise typer.Exit(
        run_inventory(
            from_dir=from_dir,
            live=live,
            region=region,
            profile=profile,
            domain_id=domain_id,
            save_dir=save_responses,
            account_name=account_name,
            output=output,
            force=force,
            out=out,
            err=err,
        )
    )


@app.command()
def identities(
    account: Annotated[str, typer.Option("--account", "-a", help="The account whose names to look up, e.g. dev.")],
    config_dir: ConfigDir = DEFAULT_CONFIG_DIR,
    from_dir: Annotated[
        Path | None,
        typer.Option("--from-dir", help="Folder of saved `aws identitystore list-groups` / `list-users` JSON."),
    ] = None,
    live: Annotated[bool, typer.Option("--live", help="Read the Identity Store API (needs the 'live' extra).")] = False,
    identity_store_id: Annotated[
        str | None,
        typer.Option("--identity-store-id", help="default: the one in the saved responses, or (--live) the only one"),
    ] = None,
    region: Annotated[str | None, typer.Option(help="AWS region of the Identity Center instance (--live).")] = None,
    profile: Annotated[str | None, typer.Option(help="AWS CLI profile (--live).")] = None,
    save_responses: Annotated[
        Path | None, typer.Option("--save-responses", help="Keep what --live found, as --from-dir files.")
    ] = None,
) -> None:
    """Write config/accounts/identities/<account>.toml: the Identity Center IDs of the names the account file uses."""
    from smus_cli.identities import run_identities

    raise typer.Exit(
        run_identities(
            account_file=config_dir / f"{account}.toml",
            from_dir=from_dir,
            live=live,
            identity_store_id=identity_store_id,
            region=region,
            profile=profile,
            save_dir=save_responses,
            out=out,
            err=err,
        )
    )


@app.command("ci-matrix")
def ci_matrix(
    config_dir: ConfigDir = DEFAULT_CONFIG_DIR,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="One matrix entry per 'account', per CI 'stack', or per 'batch' (the apply order cut into runs of "
            "one account's stacks: the deploy jobs).",
        ),
    ] = "account",
    stack: Annotated[
        list[str] | None, typer.Option("--stack", help="With --by stack: only these stacks (repeatable).")
    ] = None,
    stacks_file: Annotated[
        Path | None, typer.Option("--stacks-file", help="With --by stack: only the stacks named in this file.")
    ] = None,
    branch: Annotated[str, typer.Option(help="The branch the deploy and drift workflows run on.")] = "main",
    pull_request: Annotated[
        bool, typer.Option("--pull-request", help="Only accounts a pull-request job can get credentials for.")
    ] = False,
    manifest: Annotated[
        Path | None,
        typer.Option(
            "--manifest",
            help="cdktn's manifest.json: refuse (exit 2) an order that runs a stack before one it depends on.",
        ),
    ] = None,
) -> None:
    """Print the GitHub Actions matrix (role ARN, region, environments, stacks) for every account, from config."""
    from smus_cli.ci_matrix import MatrixShape, run_ci_matrix

    shapes: dict[str, MatrixShape] = {"account": "account", "stack": "stack", "batch": "batch"}
    if by not in shapes:
        fail_input(ValueError(f"--by = {by!r}: expected 'account', 'stack' or 'batch'"))
    raise typer.Exit(
        run_ci_matrix(
            config_dir,
            by=shapes[by],
            stacks=stack or (),
            stacks_file=stacks_file,
            branch=branch,
            pull_request=pull_request,
            manifest=manifest,
            err=err,
        )
    )


@app.command("plan-override")
def plan_override(
    config_dir: ConfigDir = DEFAULT_CONFIG_DIR,
    outdir: Annotated[Path, typer.Option("--outdir", help="The synth output folder.")] = DEFAULT_OUTDIR,
) -> None:
    """Make every CI stack in OUTDIR plan with its account's read-only plan role (writes an override file each)."""
    from smus_cli.plan_override import run_plan_override

    raise typer.Exit(run_plan_override(config_dir, outdir, err=err))


@app.command()
def evidence(
    config_dir: ConfigDir = DEFAULT_CONFIG_DIR,
    account: Accounts = None,
    synth_dir: Annotated[
        Path, typer.Option("--synth-dir", help="The synthesised estate (manifest.json).")
    ] = DEFAULT_OUTDIR,
    check_report: Annotated[
        list[Path] | None, typer.Option("--check-report", help="`smus check` report (repeatable: JSON, SARIF).")
    ] = None,
    plan_summary: Annotated[
        list[Path] | None, typer.Option("--plan-summary", help="A stack's plan summary (repeatable).")
    ] = None,
    guard_result: Annotated[
        list[Path] | None, typer.Option("--guard-result", help="A stack's `smus guard --json` output (repeatable).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Folder to create. default: evidence/run-<run id>")
    ] = None,
    commit: Annotated[str | None, typer.Option(help="default: $GITHUB_SHA, then `git rev-parse HEAD`.")] = None,
    triggered_by: Annotated[
        str | None, typer.Option("--triggered-by", help="default: $GITHUB_TRIGGERING_ACTOR, then $GITHUB_ACTOR.")
    ] = None,
    approved_by: Annotated[
        str | None, typer.Option("--approved-by", help="Who approved the deployment (environment reviewers).")
    ] = None,
    approved_at: Annotated[str | None, typer.Option("--approved-at", help="When it was approved (UTC).")] = None,
    run_id: Annotated[str | None, typer.Option("--run-id", help="default: $GITHUB_RUN_ID.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any evidence is not provided.")] = False,
) -> None:
    """Assemble one run's audit evidence: a folder with index.md, and the same as a .tar.gz."""
    import os

    from smus_cli.evidence import collect_run_info, run_evidence

    try:
        accounts = load_estate(config_dir, only=account or ())
    except ConfigError as error:
        fail_input(error)
    run = collect_run_info(
        env=os.environ,
        cwd=Path.cwd(),
        commit=commit,
        triggered_by=triggered_by,
        approved_by=approved_by,
        approved_at=approved_at,
        run_id=run_id,
    )
    raise typer.Exit(
        run_evidence(
            accounts=accounts,
            synth_dir=synth_dir,
            check_reports=check_report or [],
            plan_summaries=plan_summary or [],
            guard_results=guard_result or [],
            output=output,
            run=run,
            strict=strict,
            out=out,
            err=err,
        )
    )


@app.command()
def check(
    config_dir: ConfigDir = DEFAULT_CONFIG_DIR,
    account: Accounts = None,
    governance: Annotated[
        Path | None, typer.Option(help="Security's governance file. default: governance.toml beside --config-dir")
    ] = None,
    report_dir: Annotated[Path, typer.Option(help="Where the JSON, SARIF and rego-data.json go.")] = DEFAULT_REPORT_DIR,
    plan: Annotated[
        list[str] | None, typer.Option(help="STACK=FILE: also run the Rego rules over `terraform show -json` output.")
    ] = None,
    checkov: Annotated[bool, typer.Option(help="Run checkov from .venv-checkov when installed.")] = True,
    iam_analysers: Annotated[
        bool, typer.Option(help="Run parliament and cloudsplaining from .venv-audit over every identity policy.")
    ] = True,
    show_all: Annotated[bool, typer.Option("--all", help="List compliant findings too.")] = False,
) -> None:
    """Synthesise once; run the rule pack, Rego, checkov and the IAM analysers; exit 1 on a failure, 2 on bad input."""
    from smus_cli.check import run_check

    raise typer.Exit(
        run_check(
            config_dir,
            governance,
            account or (),
            report_dir,
            plan or (),
            with_checkov=checkov,
            with_iam_analysers=iam_analysers,
            show_all=show_all,
            out=out,
            err=err,
        )
    )


@app.command("new-account")
def new_account(
    name: Annotated[str, typer.Argument(help="The new account's short name, e.g. qa (also its file name).")],
    account_id: Annotated[
        str, typer.Option("--account-id", prompt="AWS account ID (12 digits)", help="The new account's ID.")
    ],
    template: Annotated[
        str | None, typer.Option("--from", help="The account file to copy. default: dev, else the first account")
    ] = None,
    region: Annotated[str | None, typer.Option(help="default: the template's region.")] = None,
    config_dir: ConfigDir = DEFAULT_CONFIG_DIR,
) -> None:
    """Add an account: copy an account file with the new name and ID, validate, and list the reviewed files."""
    from smus_cli.new_account import run_new_account

    raise typer.Exit(run_new_account(config_dir, name, account_id, template=template, region=region, out=out, err=err))


@app.command("config-reference")
def config_reference(
    check_only: Annotated[
        bool, typer.Option("--check", help="Only report whether the files are current (exit 1 when stale).")
    ] = False,
) -> None:
    """Regenerate docs/config-reference.md and config/account.schema.json from the config models."""
    from config.reference import REFERENCE_PATH, SCHEMA_PATH, reference_text, schema_text, write

    if check_only:
        stale = [
            path
            for path, text in ((REFERENCE_PATH, reference_text()), (SCHEMA_PATH, schema_text()))
            if not path.is_file() or path.read_text(encoding="utf-8") != text
        ]
        for path in stale:
            err.print(f"stale: {path} (run `make docs-config`)")
        raise typer.Exit(1 if stale else 0)
    for path in write():
        out.print(f"wrote {path}")


def main(argv: list[str] | None = None) -> None:
    """Run one command. Every way it ends is an exit code and a few lines, never a traceback (unless ``--debug``):
    0 done, 1 a gate failed, 2 bad input or an unexpected error, 128 + the signal when interrupted (Ctrl-C, SIGTERM,
    SIGHUP).
    """
    from smus_cli import lifetime

    lifetime.end_like_ctrl_c()
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args[: args.index("--") if "--" in args else len(args)]
    if debug:
        args.remove("--debug")
    try:
        typer.main.get_command(app).main(args=args, prog_name="smus")
    except SystemExit:
        if lifetime.received:
            name = signal.Signals(lifetime.received[0]).name
            err.print(f"interrupted ({name}): stopped cleanly, nothing half-written")
            raise SystemExit(128 + lifetime.received[0]) from None
        raise
    except (ConfigError, InputFileError) as error:  # bad input a command did not catch itself: exit 2, by name
        if debug:
            raise
        err.print(f"[bold red]error:[/] {safe(error)}")
        raise SystemExit(EXIT_INPUT) from None
    except Exception as error:  # the one top-level handler: one line, the traceback on request
        if debug:
            raise
        what = " ".join(safe(arg) for arg in args) or "(no arguments)"
        err.print(
            f"[bold red]error:[/] smus {what}: {safe(type(error).__name__)}: {safe(error)}\n"
            "run with --debug for the traceback"
        )
        raise SystemExit(EXIT_INPUT) from None


if __name__ == "__main__":
    main()
