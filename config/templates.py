"""The project templates a config file may name, and the resource tags each requires, as plain data.

`stacks/templates.py` maps each name to its project class; the classes check their own props when built, which is
at synth, after the providers have loaded. This copy lets `smus validate` refuse an unknown template or a missing
required tag in well under a second, naming file and field; `tests/test_templates.py` keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from config.errors import MISSING, ConfigIssue
from config.models import AccountConfig

#: Template name -> resource tag -> the values it accepts.
TEMPLATE_REQUIRED_TAGS: dict[str, dict[str, tuple[str, ...]]] = {
    "standard": {},
    "governed-ml": {"ModelRiskTier": ("low", "medium", "high")},
}


def template_issues(path: Path, config: AccountConfig) -> Iterable[ConfigIssue]:
    for index, project in enumerate(config.projects):
        required = TEMPLATE_REQUIRED_TAGS.get(project.template)
        if required is None:
            yield ConfigIssue(
                path, f"projects[{index}].template", project.template, f"one of {sorted(TEMPLATE_REQUIRED_TAGS)}"
            )
            continue
        for tag, accepted in required.items():
            value = project.resource_tags.get(tag)
            if value not in accepted:
                yield ConfigIssue(
                    path,
                    f"projects[{index}].resource_tags.{tag}",
                    MISSING if value is None else value,
                    f"one of {', '.join(accepted)}: the {project.template!r} template requires it",
                )
