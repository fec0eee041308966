"""Which estate `smus` works on: the nearest folder at or above the current directory that holds a `cdktf.json`.

Config (`config/accounts/`), output (`cdktf.out/`) and reports are read and written relative to that root, never
relative to wherever the `smus` package happens to be installed, so the same environment used from another checkout,
or from `docs/`, works on the estate you are standing in. Without a `cdktf.json` anywhere above, the current
directory is the root (and a missing `config/accounts` is reported as such).

The estate's own code (`config/`, `stacks/`) is not installed into site-packages (those names would collide with
any other project's folders): like `python main.py`, `smus` imports it from the project root, which
:func:`use_project_code` puts first on `sys.path`. The checkout this package was installed from comes last, as a
fallback for a root that holds only account files. Standard library only: it runs before `config` is importable.
"""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT_MARKER = "cdktf.json"
#: The checkout `smus_cli` itself lives in (an editable install's source tree).
INSTALL_CHECKOUT = Path(__file__).resolve().parent.parent


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: the current directory) with a `cdktf.json`; else ``start``."""
    here = (start or Path.cwd()).resolve()
    return next((folder for folder in (here, *here.parents) if (folder / PROJECT_MARKER).is_file()), here)


def use_project_code(root: Path, fallback: Path = INSTALL_CHECKOUT) -> None:
    """Make ``root``'s top-level packages importable ahead of everything else, and ``fallback``'s behind it."""
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    if (fallback / "config" / "__init__.py").is_file() and str(fallback) not in sys.path:
        sys.path.append(str(fallback))


#: Resolved once per process, when `smus_cli` is first imported.
PROJECT_ROOT = find_project_root()
DEFAULT_OUTDIR = PROJECT_ROOT / "cdktf.out"
DEFAULT_REPORT_DIR = PROJECT_ROOT / "reports" / "governance"
