"""`smus plan-override`: point a synthesised stack's backend, providers and remote state at the read-only plan role.

Every CI stack assumes the deploy role itself (stacks/account_stack.py), which a plan job must not hold. Terraform
merges `*_override.tf.json` files over the configuration, so this writes one per CI stack that repeats each
`assume_role` naming the account's deploy role with the plan role instead; the stack's own `cdk.tf.json` (and so the
pull-request change detection, the snapshots and the checks) is left as synthesised. Terraform's merge rules: a
`backend` block and a `terraform_remote_state` `config` argument are replaced whole, so they are repeated whole; a
provider's `assume_role` is replaced on its own.

Run it on the plan jobs' synth output only; deploy.yml never does.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console

from config.errors import ConfigError
from config.loader import load_estate
from smus_cli.ci_matrix import ordered_targets
from smus_cli.input_files import InputFileError, read_json
from smus_cli.terminal import escape

OVERRIDE_FILE = "smus_plan_override.tf.json"


def _swap(assume_role: Any, deploy_role_arn: str, plan_role_arn: str) -> Any | None:
    """``assume_role`` (a block, or a list of blocks) with the deploy role replaced; None when it names another."""
    blocks = assume_role if isinstance(assume_role, list) else [assume_role]
    if not blocks or not all(isinstance(b, dict) and b.get("role_arn") == deploy_role_arn for b in blocks):
        return None
    swapped = [{**block, "role_arn": plan_role_arn} for block in blocks]
    return swapped if isinstance(assume_role, list) else swapped[0]


def plan_override(stack: Mapping[str, Any], deploy_role_arn: str, plan_role_arn: str) -> dict[str, Any]:
    """The override document for one synthesised stack (``cdk.tf.json``); empty when nothing assumes the deploy role."""
    override: dict[str, Any] = {}
    backend = stack.get("terraform", {}).get("backend", {})
    for kind, config in backend.items():
        if isinstance(config, dict) and "assume_role" in config:
            swapped = _swap(config["assume_role"], deploy_role_arn, plan_role_arn)
            if swapped is not None:
                full = {**copy.deepcopy(config), "assume_role": swapped}
                override.setdefault("terraform", {}).setdefault("backend", {})[kind] = full
    for name, blocks in stack.get("provider", {}).items():
        merged = []
        for block in blocks if isinstance(blocks, list) else [blocks]:
            swapped = _swap(block.get("assume_role"), deploy_role_arn, plan_role_arn)
            if swapped is not None:
                entry: dict[str, Any] = {"assume_role": swapped}
                if "alias" in block:
                    entry["alias"] = block["alias"]
                merged.append(entry)
        if merged:
            override.setdefault("provider", {})[name] = merged
    for name, source in stack.get("data", {}).get("terraform_remote_state", {}).items():
        config = source.get("config", {})
        swapped = _swap(config.get("assume_role"), deploy_role_arn, plan_role_arn)
        if swapped is not None:
            remote = override.setdefault("data", {}).setdefault("terraform_remote_state", {})
            remote[name] = {"config": {**copy.deepcopy(config), "assume_role": swapped}}
    return override


def run_plan_override(config_dir: Path, outdir: Path, *, err: Console) -> int:
    """Write the override into every CI stack of ``outdir``; 2 on bad config or a missing stack folder."""
    try:
        targets = ordered_targets(load_estate(config_dir))
    except ConfigError as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        return 2
    for target in targets:
        for stack in target.stacks.split():
            source = outdir / "stacks" / stack / "cdk.tf.json"
            if not source.is_file():
                err.print(f"[bold red]error:[/] {escape(str(source))} not found: synthesise first")
                return 2
            try:
                document = read_json(source, accepted="a stack synthesised by `smus synth`", max_bytes=64 << 20)
            except InputFileError as error:
                err.print(f"[bold red]error:[/] {escape(str(error))}")
                return 2
            if not isinstance(document, dict):
                err.print(f"[bold red]error:[/] {escape(str(source))}: expected a JSON object (a synthesised stack)")
                return 2
            override = plan_override(document, target.role_arn, target.plan_role_arn)
            (source.parent / OVERRIDE_FILE).write_text(json.dumps(override, indent=2, sort_keys=True) + "\n")
            err.print(f"{stack}: plans assume {target.plan_role_arn}", markup=False)
    return 0
