"""Synthesise the estate all-or-nothing: into a temporary folder, swapped into place only when synth succeeded.

A failed synth (bad config, a construct that refuses a prop) leaves `cdktf.out/` exactly as it was, so nobody reviews
or applies a half-written estate. Config is loaded before cdktn is imported: bad input fails fast. Which folders
synth may replace, the lock and the recovery after a killed run live in `smus_cli.output_folder`.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from config.governance import LoadedGovernance, load_governance_for
from config.loader import DEFAULT_CONFIG_DIR, LoadedAccount, load_estate
from config.organization_models import LoadedOrganization, load_organization_for
from smus_cli import output_folder
from smus_cli.runtime import PROJECT_ROOT, configure_runtime
from smus_rules.errors import RuleFailures


def app_context() -> dict[str, Any]:
    """The `context` block of cdktf.json, so `python main.py` and `cdktn synth` synthesise with the same settings."""
    for root in (Path.cwd(), PROJECT_ROOT):
        path = root / "cdktf.json"
        if path.is_file():
            context: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")).get("context", {})
            return context
    return {"targetVersions": {"terraform": ">=1.10.0"}}


def default_outdir() -> Path:
    """`$CDKTF_OUTDIR` when set and not empty (`npx cdktn synth` sets it), else `cdktf.out`."""
    return output_folder.resolve_outdir(None)


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
    target = output_folder.resolve_outdir(outdir)
    output_folder.check_replaceable(
        target,
        (
            ("the current folder", Path.cwd()),
            ("the repository root", PROJECT_ROOT),
            ("the config folder", config_dir),
        ),
    )
    target = target.resolve()  # a symlinked output folder: replace the folder it points at, keep the link
    with output_folder.exclusive(target, wait_message=f"waiting for another synth into {target} to finish"):
        for line in output_folder.recover(target):  # first: a bad config must not keep a killed run's damage
            print(f"note: {line}", file=sys.stderr)
        loaded = load_estate(config_dir, only=accounts)
        governance = load_governance_for(config_dir, loaded, partial=bool(accounts)) if enforce_rules else None
        # The guardrails stack needs every protected account; a synth of some accounts keeps the earlier one.
        organization = None if accounts else load_organization_for(config_dir, loaded)
        return _synthesise_locked(loaded, governance, target, partial=bool(accounts), organization=organization)


def _synthesise_locked(
    loaded: list[LoadedAccount],
    governance: LoadedGovernance | None,
    target: Path,
    *,
    partial: bool,
    organization: LoadedOrganization | None = None,
) -> list[str]:
    configure_runtime()
    from cdktn import App  # deferred: importing cdktn starts the jsii kernel

    from smus_cli.governance import attach_rule_pack
    from stacks.estate import build_estate

    output_folder.check_replaceable(target, ())  # again, under the lock: a concurrent run may have changed it
    staging: Path | None = None
    held = output_folder.hold_signals()  # a Ctrl-C between mkdtemp and `try` would leak the staging folder
    try:
        try:
            staging = output_folder.make_staging(target)
        finally:
            output_folder.release_signals(held)  # a signal that came meanwhile is raised here, inside the `try`
        app = App(outdir=str(staging), context=app_context(), skip_validation=False)
        estate = build_estate(app, loaded, organization)
        rules = attach_rule_pack(estate, governance) if governance is not None else None
        try:
            app.synth()
        except Exception:
            if rules is not None and rules.failures():
                raise RuleFailures(rules.failures()) from None
            raise
        if rules is not None and rules.failures():  # even when CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS is set
            raise RuleFailures(rules.failures())
        names = [stack.node.id for stack in estate.all()]
        kept = _keep_other_stacks(target, staging, names) if partial else []
        output_folder.write_marker(staging, [*names, *kept])
        for name in kept:
            print(f"note: kept {name} from the earlier synth in {target} (not selected by --account)", file=sys.stderr)
        output_folder.swap_into_place(staging, target)
    except BaseException:
        if staging is not None:
            output_folder.remove_staging(staging)
        raise
    return names


def _keep_other_stacks(target: Path, staging: Path, names: Sequence[str]) -> list[str]:
    """A synth of some accounts keeps the other accounts' stacks of the output it replaces, so nothing disappears.

    The kept stack folders are hard-linked (cheap; the originals are unchanged until the swap) and their manifest
    entries merged; what was kept is recorded in the marker and reported.
    """
    try:
        old = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
        old_stacks: dict[str, Any] = old["stacks"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    manifest_path = staging / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    kept = []
    for name, entry in sorted(old_stacks.items()):
        source = target / "stacks" / name
        if name in names or not isinstance(entry, dict) or not source.is_dir() or source.is_symlink():
            continue
        shutil.copytree(source, staging / "stacks" / name, symlinks=True, copy_function=_link_or_copy)
        manifest["stacks"][name] = entry
        kept.append(name)
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return kept


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
