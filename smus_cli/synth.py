"""Synthesise the estate all-or-nothing: into a temporary folder, swapped into place only when synth succeeded.

A failed synth (bad config, a construct that refuses a prop) leaves `cdktf.out/` exactly as it was, so nobody reviews
or applies a half-written estate. Config is loaded before cdktn is imported: bad input fails fast.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from config.governance import load_governance_for
from config.loader import DEFAULT_CONFIG_DIR, load_estate
from smus_cli.runtime import PROJECT_ROOT, configure_runtime
from smus_rules.errors import RuleFailures

DEFAULT_OUTDIR = "cdktf.out"


def app_context() -> dict[str, Any]:
    """The `context` block of cdktf.json, so `python main.py` and `cdktn synth` synthesise with the same settings."""
    for root in (Path.cwd(), PROJECT_ROOT):
        path = root / "cdktf.json"
        if path.is_file():
            context: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")).get("context", {})
            return context
    return {"targetVersions": {"terraform": ">=1.10.0"}}


def default_outdir() -> Path:
    return Path(os.environ.get("CDKTF_OUTDIR", DEFAULT_OUTDIR))


def synthesise(
    config_dir: Path = DEFAULT_CONFIG_DIR,
    outdir: Path | None = None,
    accounts: Sequence[str] = (),
    *,
    enforce_rules: bool = True,
) -> list[str]:
    """Validate config, build every stack, synthesise; return the stack names. Raises on any error, output untouched.

    With ``enforce_rules`` (the default) the governance rule pack runs as an Aspect on every stack, and any
    unsuppressed failure raises :class:`smus_rules.errors.RuleFailures` listing all of them (`smus check` turns it
    off to report instead of stop).
    """
    loaded = load_estate(config_dir, only=accounts)
    governance = load_governance_for(config_dir, loaded, partial=bool(accounts)) if enforce_rules else None
    configure_runtime()
    from cdktn import App  # deferred: importing cdktn starts the jsii kernel

    from smus_cli.governance import attach_rule_pack
    from stacks.estate import build_estate

    target = (outdir or default_outdir()).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the output is meant to be read by reviewers and tools
    try:
        app = App(outdir=str(staging), context=app_context(), skip_validation=False)
        estate = build_estate(app, loaded)
        rules = attach_rule_pack(estate, governance) if governance is not None else None
        try:
            app.synth()
        except Exception:
            if rules is not None and rules.failures():
                raise RuleFailures(rules.failures()) from None
            raise
        if rules is not None and rules.failures():  # even when CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS is set
            raise RuleFailures(rules.failures())
        _swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [stack.node.id for stack in estate.all()]


def _swap_into_place(staging: Path, target: Path) -> None:
    """Replace ``target`` with ``staging`` by two renames, so a reader never sees a mix of old and new stacks."""
    retired = target.with_name(f".{target.name}.retired-{os.getpid()}")
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
