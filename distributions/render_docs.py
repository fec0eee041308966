"""Render the construct library's API reference with pdoc: ``python -m distributions.render_docs [OUTDIR]``.

Why not plain ``pdoc smus_constructs``: the package exports its names lazily (PEP 562, so config validation never
starts the jsii kernel), and pdoc looks names up in the module's ``__dict__``, not through ``__getattr__``. Resolving
every exported name into the module first lets pdoc document the public API as teams import it, plus the modules
that define it (and `smus_constructs.runtime`, the fast-synth switch).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import pdoc

from smus_constructs.runtime import enable_fast_synth


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    output = Path(args[0] if args else "docs/api")
    enable_fast_synth()
    library = importlib.import_module("smus_constructs")
    for name in library.__all__:
        setattr(library, name, getattr(library, name))
    defining = pkgutil.walk_packages(library.__path__, "smus_constructs.")
    modules = ["smus_constructs", *sorted(info.name for info in defining if not info.ispkg)]
    pdoc.render.configure(docformat="restructuredtext", search=True)
    pdoc.pdoc(*modules, output_directory=output)
    print(f"API reference of {len(modules)} modules in {output}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
