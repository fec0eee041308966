"""The fraud team's project class: every project it creates gets the team's owners, tags and naming rule.

The platform team runs the domain and the "Analytics" profile in its own repository; this team only adopts them by
ID (see main.py) and owns its projects. The defaults live in one subclass, so no project can forget them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from smus_constructs import (
    MemberDesignation,
    MemberKind,
    ProjectMember,
    ProjectProps,
    PropValidationError,
    UnifiedStudioProject,
)

#: The team's Identity Center group (an Identity Store group ID, not a display name).
FRAUD_LEADS_GROUP = "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
DATA_CLASSIFICATIONS = ("internal", "confidential")


class FraudTeamProject(UnifiedStudioProject):
    """A fraud-team project: the team leads own it, it carries the team's tags, and its name says whose it is."""

    def default_members(self) -> Sequence[ProjectMember]:
        return [ProjectMember(identifier=FRAUD_LEADS_GROUP, kind=MemberKind.GROUP, designation=MemberDesignation.OWNER)]

    def default_resource_tags(self) -> Mapping[str, str]:
        return {"Team": "fraud", "CostCenter": "CC-7310"}

    def default_description(self, props: ProjectProps) -> str | None:
        return f"Fraud team project {props.name}"

    def validate(self, props: ProjectProps) -> None:
        if not props.name.startswith("fraud-"):
            raise PropValidationError(self.node.path, "name", props.name, "a name starting with 'fraud-'")
        classification = props.resource_tags.get("DataClassification")
        if classification not in DATA_CLASSIFICATIONS:
            raise PropValidationError(
                self.node.path,
                "resource_tags.DataClassification",
                classification,
                f"one of {', '.join(DATA_CLASSIFICATIONS)}",
            )
