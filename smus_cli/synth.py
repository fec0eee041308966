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

from config.loader import DEFAULT_CONFIG_DIR, load_estate
from smus_cli.runtime import PROJECT_ROOT, configure_runtime

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
    config_dir: Path = DEFAULT_CONFIG_DIR, outdir: Path | None = None, accounts: Sequence[str] = ()
) -> list[str]:
    """Validate config, build every stack, synthesise; return the stack names. Raises on any error, output untouched."""
    loaded = load_estate(config_dir, only=accounts)
    configure_runtime()
    from cdktn import App  # deferred: importing cdktn starts the jsii kernel

    from stacks.estate import build_estate

    target = (outdir or default_outdir()).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the output is meant to be read by reviewers and tools
    try:
        app = App(outdir=str(staging), context=app_context(), skip_validation=False)
        estate = build_estate(app, loaded)
        app.synth()
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
