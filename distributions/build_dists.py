"""Build the published distributions into dist/: ``python distributions/build_dists.py [--outdir dist] [--wheel-only]``.

The construct library and the rule pack live at the repository root, beside the estate that uses them, but each
is a distribution of its own. A pyproject can only package what lies inside its own folder, so each one is staged:
its `distributions/<name>/` files plus a copy of its package folders go into a temporary folder, which `python -m build`
(PyPA's builder, without isolation: the pinned setuptools of the dev environment) turns into an sdist and a wheel.
The sdist is self-contained, so a wheel built from it matches the one built here.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DISTRIBUTIONS_DIR = REPO / "distributions"
#: distribution -> (repository path, path inside the staged project) to copy.
DISTRIBUTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "smus-constructs": (("smus_constructs", "smus_constructs"), ("CHANGELOG.md", "CHANGELOG.md")),
    "smus-rules": (("smus_rules", "smus_rules"), ("policies", "smus_rules/policies")),
}
_NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*_test.rego", "README.md")


def stage(name: str, into: Path) -> Path:
    """A folder holding everything ``name``'s build needs, and nothing else from the repository."""
    project = into / name
    shutil.copytree(DISTRIBUTIONS_DIR / name, project)
    for source, target in DISTRIBUTIONS[name]:
        origin = REPO / source
        if origin.is_dir():
            shutil.copytree(origin, project / target, ignore=_NOT_SHIPPED)
        else:
            shutil.copy2(origin, project / target)
    return project


def build(name: str, outdir: Path, *, wheel_only: bool = False) -> list[Path]:
    """Build ``name`` into ``outdir``; return the files written. Raises CalledProcessError with the builder's output."""
    outdir.mkdir(parents=True, exist_ok=True)
    before = set(outdir.iterdir())
    with tempfile.TemporaryDirectory(prefix=f"stage-{name}-") as workdir:
        project = stage(name, Path(workdir))
        command = [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(outdir.resolve()), str(project)]
        if wheel_only:
            command.insert(-1, "--wheel")
        subprocess.run(command, check=True, capture_output=True, text=True)
    return sorted(set(outdir.iterdir()) - before)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python distributions/build_dists.py", description=__doc__.splitlines()[0])
    parser.add_argument("--outdir", type=Path, default=REPO / "dist")
    parser.add_argument("--wheel-only", action="store_true")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"default: all of {', '.join(sorted(DISTRIBUTIONS))}")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(DISTRIBUTIONS))
    if unknown:
        parser.error(f"unknown distribution {unknown}: expected some of {sorted(DISTRIBUTIONS)}")
    for name in args.names or sorted(DISTRIBUTIONS):
        try:
            written = build(name, args.outdir, wheel_only=args.wheel_only)
        except subprocess.CalledProcessError as error:
            print(f"build of {name} failed:\n{error.stdout}\n{error.stderr}", file=sys.stderr)
            return 1
        for path in written:
            print(f"built {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
