"""Point the jsii kernel at the project's Node 22 before cdktn is imported.

The system Node here is 20, which jsii warns is end-of-life on every start; `npm ci` installs Node 22 into
`node_modules/.bin/node` for the CDK Terrain CLI, and the kernel runs on it too (`JSII_NODE`). A `JSII_NODE` the user
has set always wins.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def project_node() -> Path | None:
    """The Node binary `npm ci` installed for this checkout, if it did."""
    for root in (Path.cwd(), PROJECT_ROOT):
        candidate = root / "node_modules" / ".bin" / "node"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def configure_runtime() -> None:
    """Set the environment the jsii kernel reads when it starts. Call before the first `import cdktn`."""
    node = project_node()
    if node is not None:
        os.environ.setdefault("JSII_NODE", str(node))
    os.environ.setdefault("CHECKPOINT_DISABLE", "1")
