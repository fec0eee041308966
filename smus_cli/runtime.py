"""The app's runtime set-up: the library's fast synth (:mod:`smus_constructs.runtime`) plus the project's root.

`main.py`, `smus` and the test session call :func:`configure_runtime` before cdktn is imported. The preload itself and
its switch (`SMUS_EAGER_PROVIDERS=1`) live in the construct library, so a product team's synth gets them too.
"""

from __future__ import annotations

from smus_cli.project import PROJECT_ROOT
from smus_constructs.runtime import (
    EAGER_SWITCH,
    LAZY_PROVIDERS_PRELOAD,
    eager_providers_requested,
    enable_fast_synth,
    project_node,
    with_preload,
)

__all__ = [
    "EAGER_SWITCH",
    "LAZY_PROVIDERS_PRELOAD",
    "PROJECT_ROOT",
    "configure_runtime",
    "eager_providers_requested",
    "project_node",
    "with_preload",
]


def configure_runtime() -> None:
    """Set the environment the jsii kernel reads at start (Node 22, lazy providers). Call before `import cdktn`."""
    enable_fast_synth()
