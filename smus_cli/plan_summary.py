"""`smus plan-summary PLAN.json`: what a plan changes, as resource addresses and actions - never a value.

The drift job sends each stack's summary to the ops stack's drift log group, where engineers look (the article: the
drift job's output in CloudWatch Logs). A plan's attribute values can hold secrets (a password, a token, a policy
naming what should stay unnamed), and `terraform show -json` prints sensitive values in clear, so the summary is
built from an allow-list of fields - `address`, `change.actions`, `previous_address`, `deposed` - not by removing
what looks secret.

The drift job holds cloud credentials and therefore runs no project code (tests/test_workflows.py), so it applies
the same allow-list with jq: :data:`JQ_FILTER`, which the workflow holds verbatim. tests/test_plan_summary.py runs
both over one plan and requires byte-identical output, so the function here is the specification of what the
workflow sends.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from smus_cli.plan_model import Plan, load_plan

#: Nothing to show: the object stays as it is, or a data source is read.
UNCHANGED = (("no-op",), ("read",))
#: The drift job's summary, one compact JSON array per plan: the same entries, keys and order as :func:`summarise`.
JQ_FILTER = (
    "[.resource_changes[]? "
    '| select((.change.actions != ["no-op"] and .change.actions != ["read"]) or .previous_address != null) '
    "| {address, actions: .change.actions} "
    "+ (if .previous_address != null then {previous_address} else {} end) "
    "+ (if .deposed != null then {deposed} else {} end)]"
)

Entry = dict[str, str | list[str]]


def summarise(plan: Plan) -> list[Entry]:
    """Every resource change that does something, in the plan's order: its address and actions only.

    A `moved` block's no-op still shows (with `previous_address`): it is why such a plan exits 2.
    """
    entries: list[Entry] = []
    for change in plan.resource_changes:
        if change.actions in UNCHANGED and change.previous_address is None:
            continue
        entry: Entry = {"address": change.address, "actions": list(change.actions)}
        if change.previous_address is not None:
            entry["previous_address"] = change.previous_address
        if change.deposed is not None:
            entry["deposed"] = change.deposed
        entries.append(entry)
    return entries


def as_json(entries: Sequence[Entry]) -> str:
    """The summary as jq -c prints :data:`JQ_FILTER`'s result (compact, keys in order, UTF-8 as is)."""
    return json.dumps(list(entries), separators=(",", ":"), ensure_ascii=False)


def as_text(entries: Sequence[Entry]) -> str:
    """One line per change, `<actions>  <address>`, for people; "no changes" when there are none."""
    if not entries:
        return "no changes"
    lines = []
    for entry in entries:
        actions = entry["actions"]
        line = f"{','.join(actions) if isinstance(actions, list) else actions:<14} {entry['address']}"
        if "previous_address" in entry:
            line += f" (moved from {entry['previous_address']})"
        if "deposed" in entry:
            line += f" (deposed object {entry['deposed']})"
        lines.append(line)
    return "\n".join(lines)


def plan_summary(path: Path, *, as_json_output: bool = False) -> str:
    """The summary of the plan file at ``path``; raises plan_model.PlanFormatError for a file that is no plan."""
    entries = summarise(load_plan(path))
    return as_json(entries) if as_json_output else as_text(entries)
