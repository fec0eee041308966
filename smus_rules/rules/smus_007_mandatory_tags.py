"""SMUS-007: the mandatory tags are on every taggable resource.

Cost allocation and data classification reports key on CostCenter, DataClassification and Environment (or the list
in config/governance.toml). For `aws_*` resources the aws provider's `default_tags` count, merged under the
resource's own tags as the provider does; `awscc_*` resources have no default tags, so theirs must carry them.
Whether a type takes tags at all comes from the provider bindings (smus_rules/taggable_types.json).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from smus_rules.doc import Resource, StackDoc, as_list
from smus_rules.findings import finding, first_or_na
from smus_rules.model import Finding, Rule, RuleContext, Status
from smus_rules.taggable import is_taggable

ID = "SMUS-007"


def resource_tags(value: Any) -> dict[str, Any]:
    """Tags as a map, from a map (`aws_*`) or a list of `{key, value}` objects (most `awscc_*` types)."""
    if isinstance(value, dict):
        return dict(value)
    tags: dict[str, Any] = {}
    for item in as_list(value):
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            tags[item["key"]] = item.get("value")
    return tags


def effective_tags(doc: StackDoc, resource: Resource) -> dict[str, Any]:
    own = resource_tags(resource.body.get("tags"))
    if resource.type.startswith("aws_"):
        return {**doc.default_tags(resource.body.get("provider")), **own}
    return own


def check(doc: StackDoc, context: RuleContext) -> Iterator[Finding]:
    def each() -> Iterator[Finding]:
        for resource in doc.resources():
            if not is_taggable(resource.type):
                continue
            tags = effective_tags(doc, resource)
            missing = [
                tag for tag in context.mandatory_tags if not (isinstance(tags.get(tag), str) and tags[tag].strip())
            ]
            if missing:
                source = (
                    "the aws provider's default_tags nor the resource's tags"
                    if resource.type.startswith("aws_")
                    else "the resource's tags (awscc has no default tags)"
                )
                yield finding(
                    ID,
                    context,
                    resource,
                    Status.NON_COMPLIANT,
                    f"missing mandatory tag(s) {', '.join(missing)}: set by neither {source}",
                    "set them in [tags] of the account file (they become the aws provider's default_tags); for "
                    "awscc resources pass them as the resource's tags",
                )
            else:
                yield finding(ID, context, resource, Status.COMPLIANT, "mandatory tags present")

    yield from first_or_na(each(), ID, context, "no taggable resource in this stack")


RULE = Rule(
    id=ID,
    title="Mandatory tags are on every taggable resource",
    rationale=__doc__ or "",
    check=check,
    runs_on_plans=True,
)
