"""The example subclass product teams copy: GovernedMlProject."""

from __future__ import annotations

import pytest

from smus_constructs.errors import PropValidationError
from smus_constructs.examples.governed_ml_project import GovernedMlProject
from smus_constructs.project import ProjectProps
from tests.helpers import new_stack, only, synth
from tests.test_project import profile_in


def test_adds_reviewers_workload_tag_and_description() -> None:
    stack = new_stack()
    GovernedMlProject(
        stack,
        "Project",
        ProjectProps(profile=profile_in(stack), name="fraud-models", resource_tags={"ModelRiskTier": "high"}),
    )
    doc = synth(stack)
    body = only(doc, "awscc_datazone_project")
    assert body["description"] == "Governed ML project fraud-models (model-risk reviewed)"
    assert {"key": "Workload", "value": "machine-learning"} in body["resource_tags"]
    assert {"key": "ModelRiskTier", "value": "high"} in body["resource_tags"]
    member = only(doc, "awscc_datazone_project_membership")
    assert member["member"] == {"group_identifier": "7448b4a8-d0c1-70f2-8a9b-0c1d2e3f4a5b"}
    assert member["designation"] == "PROJECT_CONTRIBUTOR"


@pytest.mark.parametrize("tags", [{}, {"ModelRiskTier": "extreme"}])
def test_refuses_a_missing_or_unknown_model_risk_tier(tags: dict[str, str]) -> None:
    stack = new_stack()
    with pytest.raises(PropValidationError, match=r"resource_tags.ModelRiskTier = .*one of low, medium, high"):
        GovernedMlProject(
            stack, "Project", ProjectProps(profile=profile_in(stack), name="fraud-models", resource_tags=tags)
        )
