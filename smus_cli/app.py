"""`smus`: the platform team's command. Thin: it parses arguments and calls the modules that do the work."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from config.errors import ConfigError
from config.loader import DEFAULT_CONFIG_DIR, load_estate

app = typer.Typer(help="SageMaker Unified Studio estate as code (CDK Terrain).", no_args_is_help=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

ConfigDir = Annotated[Path, typer.Option("--config-dir", help="Folder of <account>.toml files.")]
Accounts = Annotated[list[str] | None, typer.Option("--account", "-a", help="Only these accounts (repeatable).")]

EXIT_INPUT = 2


def fail_input(error: Exception) -> None:
    """Bad input (config or construct props): the message names file or construct, field, value and what's accepted."""
    err.print(f"[bold red]error:[/] {error}")
    raise typer.Exit(EXIT_INPUT)


@app.command()
def validate(config_dir: ConfigDir = DEFAULT_CONFIG_DIR, account: Accounts = None) -> None:
    """Check the config files only (types and references), without loading the providers."""
    try:
        accounts = load_estate(config_dir, only=account or ())
    except ConfigError as error:
        fail_input(error)
    for loaded in accounts:
        out.print(f"ok  {loaded.path}  ({loaded.config.account.account_id}, {len(loaded.config.projects)} projects)")


@app.command()
def synth(
    config_dir: ConfigDir = DEFAULT_CONFIG_DIR,
    outdir: Annotated[Path | None, typer.Option(help="Output folder. default: $CDKTF_OUTDIR or cdktf.out")] = None,
    account: Accounts = None,
) -> None:
    """Synthesise Terraform JSON for every account and layer, all or nothing."""
    from smus_cli.synth import synthesise
    from smus_constructs.errors import PropValidationError

    try:
        names = synthesise(config_dir, outdir, account or ())
    except (ConfigError, PropValidationError) as error:
        fail_input(error)
    out.print(f"synthesised {len(names)} stacks: {', '.join(names)}")


def main() -> None:
    app(prog_name="smus")


if __name__ == "__main__":
    main()
