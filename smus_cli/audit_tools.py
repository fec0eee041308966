"""Where the pinned analysers of `.venv-audit` live (parliament, cloudsplaining, zizmor), and how a gate says one is
missing.

They are installed by `make install` / `make test` (target `audit-install`) into their own virtual environment, like
checkov's, so their dependencies never move the app's pins. A gate that needs one and cannot find it fails closed:
:class:`AnalyserMissingError` names the tool, where it was looked for, and the command that installs it.
"""

from __future__ import annotations

import os
from pathlib import Path

from smus_cli.runtime import PROJECT_ROOT

AUDIT_VENV = PROJECT_ROOT / ".venv-audit"
#: `SMUS_AUDIT_VENV` points the gates at another environment with the same pins (CI caches, tests).
VENV_VARIABLE = "SMUS_AUDIT_VENV"
INSTALL_HINT = "run `make test` (or `make audit-install`), which creates .venv-audit from tools/audit-requirements.txt"


class AnalyserMissingError(RuntimeError):
    """A configured analyser is not installed where its gate looks for it."""


def audit_venv() -> Path:
    return Path(os.environ.get(VENV_VARIABLE, AUDIT_VENV))


def audit_python() -> Path:
    """The interpreter of the audit environment (parliament and cloudsplaining are imported there, not here)."""
    python = audit_venv() / "bin" / "python"
    if not python.is_file():
        raise AnalyserMissingError(f"parliament and cloudsplaining not found: no {python}: {INSTALL_HINT}")
    return python


def audit_binary(name: str) -> Path:
    """An executable of the audit environment, e.g. ``zizmor``."""
    binary = audit_venv() / "bin" / name
    if not binary.is_file():
        raise AnalyserMissingError(f"{name} not found at {binary}: {INSTALL_HINT}")
    return binary
