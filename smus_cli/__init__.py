"""The `smus` command and the synth driver that `main.py` and `cdktf.json` share.

Importing it finds the project root (the nearest `cdktf.json` above the current directory) and makes the estate's
code there importable: see :mod:`smus_cli.project`.
"""

from smus_cli.project import PROJECT_ROOT, use_project_code

use_project_code(PROJECT_ROOT)
