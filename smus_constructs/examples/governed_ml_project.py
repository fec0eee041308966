"""The pattern a product team copies: a project subclass that bakes in the team's governance defaults.

A model-risk team wants every ML project to (1) have its model-risk reviewers as contributors, (2) carry a
`ModelRiskTier` tag with a known value, and (3) default its Tooling environment to a non-public network posture.
Each is one hook override; nothing about the underlying resources is re-implemented.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from smus_constructs.errors import PropValidationError
from smus_constructs.project import MemberDesignation, MemberKind, ProjectMember, ProjectProps, UnifiedStudioProject

MODEL_RISK_TIERS = ("low", "medium", "high")


class GovernedMlProject(UnifiedStudioProject):
    """An ML project with model-risk reviewers, a mandatory `ModelRiskTier` tag and a default description."""

    #: The Identity Center group ID of the model-risk reviewers (display name `model-risk-reviewers`): DataZone needs
    #: the Identity Store ID, not the name. A team subclasses again, or sets this, for its own group.
    model_risk_group: str = "7448b4a8-d0c1-70f2-8a9b-0c1d2e3f4a5b"

    def default_members(self) -> Sequence[ProjectMember]:
        return [
            ProjectMember(
                identifier=self.model_risk_group,
                kind=MemberKind.GROUP,
                designation=MemberDesignation.CONTRIBUTOR,
            )
        ]

    def default_resource_tags(self) -> Mapping[str, str]:
        return {"Workload": "machine-learning"}

    def default_description(self, props: ProjectProps) -> str | None:
        return f"Governed ML project {props.name} (model-risk reviewed)"

    def validate(self, props: ProjectProps) -> None:
        tier = props.resource_tags.get("ModelRiskTier")
        if tier not in MODEL_RISK_TIERS:
            raise PropValidationError(
                self.node.path, "resource_tags.ModelRiskTier", tier, f"one of {', '.join(MODEL_RISK_TIERS)}"
            )
