"""Fast synth: make the jsii kernel load the provider bindings lazily. On by default, off with SMUS_EAGER_PROVIDERS=1.

Why: the kernel's `require()` of `@cdktn/provider-aws` and `@cdktn/provider-awscc` loads every one of their thousands
of submodules, about 8-11 s and 1.8 GB per process, before any construct exists. Both packages also ship
`lib/lazy-index.js` with the same export names; the preload beside this file (`jsii-lazy-providers.cjs`, Node's
public `module.registerHooks`, Node 22.15 or later) resolves only those two entries to it: about 2 s, under 400 MB,
byte-identical output. It reaches the kernel through NODE_OPTIONS, because jsii starts Node with a copy of
`os.environ` and the kernel's own child inherits it, so it must be set before the kernel starts, i.e. before the
first `import cdktn` (or `constructs`, or a provider binding).

How a team turns it on: ``import smus_constructs`` before ``cdktn`` does it (see :func:`enable_fast_synth`); or call
``smus_constructs.runtime.enable_fast_synth()`` as the first line of `main.py`. Importing `cdktn` first still works,
only slowly, and this module says so once. On a Node older than 22.15 the preload does nothing (correct, slow).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Mapping, MutableMapping
from pathlib import Path

#: The Node preload, shipped inside the package (package data of the smus-constructs wheel).
LAZY_PROVIDERS_PRELOAD = Path(__file__).resolve().with_name("jsii-lazy-providers.cjs")
#: Set to anything but "" or "0" to load the providers eagerly, e.g. to rule the preload out when chasing a bug.
EAGER_SWITCH = "SMUS_EAGER_PROVIDERS"
#: The file that marks a CDK Terrain project's root (the CLI reads it from there too).
PROJECT_MARKER = "cdktf.json"


class FastSynthTooLateWarning(RuntimeWarning):
    """The jsii kernel was already running when fast synth was asked for: this process loads the providers eagerly."""


def eager_providers_requested(env: Mapping[str, str] = os.environ) -> bool:
    """True when the user switched the lazy-provider preload off (the same rule the preload itself applies)."""
    return env.get(EAGER_SWITCH, "") not in ("", "0")


def with_preload(node_options: str, preload: Path) -> str:
    """``node_options`` plus ``--require <preload>``, unchanged when it is already there (enable twice, add once).

    The path is double-quoted, because Node splits NODE_OPTIONS on spaces unless quoted, and a checkout path may
    contain one.
    """
    quoted = '"' + str(preload).replace("\\", "\\\\").replace('"', '\\"') + '"'
    if quoted in node_options or str(preload) in node_options:
        return node_options
    return f"{node_options} --require {quoted}".strip()


def project_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (default: the current directory) holding a `cdktf.json`, if any."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_MARKER).is_file():
            return folder
    return None


def project_node(start: Path | None = None) -> Path | None:
    """A Node that `npm ci` installed into the project (``node_modules/.bin/node``), looked for in the current
    directory, then in the project root; None when there is none (jsii then uses `node` from PATH)."""
    here = (start or Path.cwd()).resolve()
    for root in dict.fromkeys(folder for folder in (here, project_root(here)) if folder is not None):
        candidate = root / "node_modules" / ".bin" / "node"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def kernel_started() -> bool:
    """True once any jsii assembly is loaded: importing a binding's `_jsii` module starts the Node kernel."""
    return any(name == "jsii._runtime" or name.endswith("._jsii") for name in list(sys.modules))


def enable_fast_synth(env: MutableMapping[str, str] | None = None, *, warn_if_late: bool = True) -> bool:
    """Set up the environment the jsii kernel reads when it starts; return True when the lazy preload is in it.

    Sets ``JSII_NODE`` to the project's Node when it has one (a value the user set wins), ``CHECKPOINT_DISABLE=1``
    (no telemetry call from the CLI), and adds the preload to ``NODE_OPTIONS`` unless ``SMUS_EAGER_PROVIDERS`` is set.
    Idempotent. Call it before the first ``import cdktn``; called later it still sets the environment (for Node
    processes started afterwards) and warns, once, that this process loads the providers eagerly.
    """
    target = os.environ if env is None else env
    node = project_node()
    if node is not None:
        target.setdefault("JSII_NODE", str(node))
    target.setdefault("CHECKPOINT_DISABLE", "1")
    if eager_providers_requested(target):
        return False
    before = target.get("NODE_OPTIONS", "")
    target["NODE_OPTIONS"] = with_preload(before, LAZY_PROVIDERS_PRELOAD)
    if warn_if_late and target["NODE_OPTIONS"] != before and env is None and kernel_started():
        warnings.warn(
            "smus_constructs: the jsii kernel was already running, so this process loads the provider bindings "
            "eagerly (about 8 s, 1.8 GB); import smus_constructs, or call "
            "smus_constructs.runtime.enable_fast_synth(), before importing cdktn",
            FastSynthTooLateWarning,
            stacklevel=2,
        )
    return True
