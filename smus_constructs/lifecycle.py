"""Lifecycle settings that always carry their reason into the synthesised JSON.

An `ignore_changes` entry hides real drift from every future plan, so a reviewer must see why it is there. The reason
is written beside the block as a Terraform JSON comment (`"//"`), which Terraform ignores and a plan artifact keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktn import TerraformResource

from smus_constructs.literals import literal


@dataclass(frozen=True, kw_only=True)
class IgnoreChange:
    """One attribute Terraform must not reconcile, and the reason a reviewer agreed to that."""

    attribute: str
    reason: str

    def __post_init__(self) -> None:
        if not self.attribute.strip():
            raise ValueError("IgnoreChange.attribute must name a resource attribute")
        if not self.reason.strip():
            raise ValueError(
                f"IgnoreChange for {self.attribute!r} needs a reason: say who changes it outside Terraform"
            )


def apply_lifecycle(
    resource: TerraformResource,
    *,
    prevent_destroy: bool = False,
    prevent_destroy_reason: str | None = None,
    ignore_changes: Sequence[IgnoreChange] = (),
) -> None:
    """Set `prevent_destroy` and `ignore_changes` on ``resource``, with a `//` comment holding every reason."""
    reasons: dict[str, object] = {}
    if prevent_destroy:
        resource.add_override("lifecycle.prevent_destroy", True)
        reasons["prevent_destroy"] = (
            literal(prevent_destroy_reason) or "protected account: destroying this deletes live data"
        )
    if ignore_changes:
        resource.add_override("lifecycle.ignore_changes", [change.attribute for change in ignore_changes])
        reasons["ignore_changes"] = {change.attribute: literal(change.reason) for change in ignore_changes}
    if reasons:
        resource.add_override("lifecycle.//", reasons)
