"""Project classes a config file may name in `template`: the standard project and product teams' subclasses.

A product team registers its subclass here (one line) and reviews it like any other change; config then selects it.
"""

from __future__ import annotations

from smus_constructs.examples.governed_ml_project import GovernedMlProject
from smus_constructs.project import UnifiedStudioProject

PROJECT_TEMPLATES: dict[str, type[UnifiedStudioProject]] = {
    "standard": UnifiedStudioProject,
    "governed-ml": GovernedMlProject,
}
