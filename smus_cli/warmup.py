"""Fill the jsii package cache, lookup indexes included, once after install: `python -m smus_cli.warmup`.

Why: the jsii kernel unpacks each assembly into a per-user package cache, then builds a per-package lookup index in
a worker thread so later processes skip parsing the assembly (155 MB for the two providers). A short process can exit
before that worker finishes, and from then on every run re-parses it: 5 s and 1.4 GB each time. This command loads
every assembly the app uses and keeps the kernel alive until each index is on disk, or fails saying which is missing.

It loads the assemblies and does not synthesise, so a work-in-progress config can't break `make install`.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import pkgutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from smus_cli.runtime import configure_runtime

#: Assemblies the app loads; every installed `cdktn_provider_*` binding is added (a new provider needs no edit here).
CORE_MODULES = ("constructs", "cdktn")
PROVIDER_PREFIX = "cdktn_provider_"
#: The index format the pinned jsii runtime (1.142) writes; its manifest is written last, so it marks a whole index.
RUNTIME_INDEX_VERSION = 1
MANIFEST = f".jsii.runtime.v{RUNTIME_INDEX_VERSION}.json"
DEFAULT_TIMEOUT_S = 300.0
POLL_S = 0.5


@dataclass(frozen=True)
class JsiiPackage:
    """One npm package inside a Python binding: what the kernel was asked to load."""

    name: str
    version: str
    tarball: Path


def package_cache_root() -> Path | None:
    """Where the kernel keeps unpacked packages, or None when the cache is switched off.

    Mirrors the kernel's own rule: JSII_RUNTIME_PACKAGE_CACHE_ROOT if set, else a per-user folder (not XDG-aware).
    """
    if os.environ.get("JSII_RUNTIME_PACKAGE_CACHE", "enabled").lower() != "enabled":
        return None
    if os.environ.get("JSII_RUNTIME_PACKAGE_CACHE_ROOT"):
        return Path(os.environ["JSII_RUNTIME_PACKAGE_CACHE_ROOT"])
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "com.amazonaws.jsii" / "package-cache"
    if sys.platform == "win32":
        return (
            Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "AWS" / "jsii" / "package-cache"
        )
    return Path.home() / ".cache" / "aws" / "jsii" / "package-cache"


def cache_entry(root: Path, package: JsiiPackage) -> Path:
    """The folder the kernel unpacks ``package`` into: <root>/<name>/<version>/<digest>.

    The digest is the kernel's (@jsii/kernel tar-cache): SHA-256 of the tarball, then NUL + name, NUL + version.
    """
    digest = hashlib.sha256()
    with package.tarball.open("rb") as tarball:
        for chunk in iter(lambda: tarball.read(1 << 20), b""):
            digest.update(chunk)
    for part in (package.name, package.version):
        digest.update(b"\0" + part.encode())
    return root / package.name / package.version / digest.hexdigest()


def app_modules() -> list[str]:
    """The Python bindings whose assemblies a synth loads: the engine plus every installed provider."""
    providers = sorted(info.name for info in pkgutil.iter_modules() if info.name.startswith(PROVIDER_PREFIX))
    return [*CORE_MODULES, *providers]


def load_packages(modules: list[str]) -> list[JsiiPackage]:
    """Import each binding's `_jsii` module, which makes the kernel load (and index) its assembly."""
    packages = []
    for module in modules:
        bindings = importlib.import_module(f"{module}._jsii")
        assembly = bindings.__jsii_assembly__
        tarball = Path(str(bindings.__file__)).with_name(assembly.filename)
        packages.append(JsiiPackage(name=assembly.name, version=assembly.version, tarball=tarball))
    return packages


def wait_for_indexes(entries: dict[str, Path], timeout_s: float) -> list[str]:
    """Poll until every entry has its index manifest; return the problems left when ``timeout_s`` ran out."""
    unpacked_elsewhere = [_problem(name, entry) for name, entry in entries.items() if not entry.is_dir()]
    if unpacked_elsewhere:
        return unpacked_elsewhere  # waiting won't help
    deadline = time.monotonic() + timeout_s
    while True:
        problems = [_problem(name, entry) for name, entry in entries.items() if not (entry / MANIFEST).is_file()]
        if not problems or time.monotonic() >= deadline:
            return problems
        time.sleep(POLL_S)


def _problem(name: str, entry: Path) -> str:
    if not entry.is_dir():
        return f"{name}: the kernel did not unpack into {entry} (has jsii changed its cache layout?)"
    others = sorted(path.name for path in entry.glob(".jsii.runtime.v*.json"))
    hint = f"; found {others}: update RUNTIME_INDEX_VERSION in {__name__}" if others else ""
    return f"{name}: no {MANIFEST} in {entry}{hint}"


def warm_up(timeout_s: float = DEFAULT_TIMEOUT_S) -> int:
    """Load every assembly and wait for its index. Returns a process exit code: 0 ready, 1 not."""
    configure_runtime()
    root = package_cache_root()
    started = time.monotonic()
    packages = load_packages(app_modules())
    if root is None:
        print("jsii package cache is disabled (JSII_RUNTIME_PACKAGE_CACHE): nothing to warm; every run parses in full")
        return 0
    entries = {f"{package.name}@{package.version}": cache_entry(root, package) for package in packages}
    problems = wait_for_indexes(entries, timeout_s)
    for problem in problems:
        print(f"warm-up: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"jsii cache ready in {time.monotonic() - started:.1f} s: {root}")
    for name, entry in entries.items():
        print(f"  {name}: {entry.name[:12]}… indexed")
    return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m smus_cli.warmup", description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds to wait for the indexes")
    sys.exit(warm_up(parser.parse_args(argv).timeout))


if __name__ == "__main__":
    main()
