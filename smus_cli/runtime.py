"""Set up the jsii kernel's Node process before cdktn is imported: the project's Node 22 and the lazy-provider preload.

The system Node here is 20, which jsii warns is end-of-life on every start; `npm ci` installs Node 22 into
`node_modules/.bin/node` for the CDK Terrain CLI, and the kernel runs on it too (`JSII_NODE`). A `JSII_NODE` the user
has set always wins.

The kernel's eager `require()` of both provider packages costs about 11 s and 1.8 GB per process; the preload in
`tools/jsii-lazy-providers.cjs` sends it to their `lazy-index.js` instead (about 2 s, under 400 MB, same output). It
reaches the kernel through NODE_OPTIONS because jsii's Python runtime starts Node with a copy of `os.environ` and the
kernel's own child process inherits it. `SMUS_EAGER_PROVIDERS=1` turns it off.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LAZY_PROVIDERS_PRELOAD = PROJECT_ROOT / "tools" / "jsii-lazy-providers.cjs"
#: Set to anything but "" or "0" to load the providers eagerly, e.g. to rule the preload out when chasing a bug.
EAGER_SWITCH = "SMUS_EAGER_PROVIDERS"


def project_node() -> Path | None:
    """The Node binary `npm ci` installed for this checkout, if it did."""
    for root in (Path.cwd(), PROJECT_ROOT):
        candidate = root / "node_modules" / ".bin" / "node"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def eager_providers_requested(env: Mapping[str, str] = os.environ) -> bool:
    """True when the user switched the lazy-provider preload off (same rule as the preload itself applies)."""
    return env.get(EAGER_SWITCH, "") not in ("", "0")


def with_preload(node_options: str, preload: Path) -> str:
    """``node_options`` plus ``--require <preload>``, unchanged when it is already there (configure twice, add once).

    The path is double-quoted, because Node splits NODE_OPTIONS on spaces unless quoted, and a checkout path may
    contain one.
    """
    quoted = '"' + str(preload).replace("\\", "\\\\").replace('"', '\\"') + '"'
    if quoted in node_options or str(preload) in node_options:
        return node_options
    return f"{node_options} --require {quoted}".strip()


def configure_runtime() -> None:
    """Set the environment the jsii kernel reads when it starts. Call before the first `import cdktn`."""
    node = project_node()
    if node is not None:
        os.environ.setdefault("JSII_NODE", str(node))
    os.environ.setdefault("CHECKPOINT_DISABLE", "1")
    if not eager_providers_requested() and LAZY_PROVIDERS_PRELOAD.is_file():
        os.environ["NODE_OPTIONS"] = with_preload(os.environ.get("NODE_OPTIONS", ""), LAZY_PROVIDERS_PRELOAD)
