"""The template registry `validate` reads (config.templates) says what the project classes check at synth."""

from __future__ import annotations

from config.templates import TEMPLATE_REQUIRED_TAGS
from smus_constructs.examples.governed_ml_project import MODEL_RISK_TIERS
from stacks.templates import PROJECT_TEMPLATES


def test_validate_knows_exactly_the_templates_synth_can_build() -> None:
    assert set(TEMPLATE_REQUIRED_TAGS) == set(PROJECT_TEMPLATES)


def test_the_governed_ml_tag_rule_is_the_class_rule() -> None:
    assert TEMPLATE_REQUIRED_TAGS["governed-ml"] == {"ModelRiskTier": MODEL_RISK_TIERS}
