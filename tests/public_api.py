"""The construct library's public API as data, and the snapshot of it the tests hold the library to.

Public means: every name in ``smus_constructs.__all__`` and in ``smus_constructs.runtime``, and, for classes, the
public attributes defined by the library itself (methods, properties, dataclass fields, enum members; what a class
inherits from cdktn or constructs is theirs, not ours). Names only: a snapshot of signatures would churn with every
new optional prop, which is not a breaking change.

``python -m tests.public_api --update`` (or ``make api-snapshot``) rewrites ``tests/public_api.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import inspect
import json
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

SNAPSHOT = Path(__file__).with_name("public_api.json")
CHANGELOG = Path(__file__).resolve().parent.parent / "CHANGELOG.md"
LIBRARY = "smus_constructs"
REFRESH = "make api-snapshot"

PublicApi = dict[str, list[str]]


def _own_members(cls: type) -> list[str]:
    """Public attributes ``cls`` gets from the library's own classes (its MRO inside smus_constructs)."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if not klass.__module__.startswith(LIBRARY):
            continue
        names |= set(vars(klass)) | set(getattr(klass, "__annotations__", {}))
        if dataclasses.is_dataclass(klass):
            names |= {field.name for field in dataclasses.fields(klass)}
    if issubclass(cls, enum.Enum):
        names |= set(cls.__members__)
    return sorted(name for name in names if not name.startswith("_"))


def _module_api(prefix: str, module: ModuleType, names: Iterable[str]) -> PublicApi:
    api: PublicApi = {}
    for name in names:
        value = getattr(module, name)
        api[f"{prefix}{name}"] = _own_members(value) if inspect.isclass(value) else []
    return api


def _defined_in(module: ModuleType, name: str, value: object) -> bool:
    """A public name the module defines itself (not one it imported, such as `Path` or `annotations`)."""
    if name.startswith("_") or name == "annotations" or inspect.ismodule(value):
        return False
    if inspect.isclass(value) or inspect.isfunction(value):
        return value.__module__ == module.__name__
    return not callable(value)


def current_api() -> PublicApi:
    """The library's public API as it is now: qualified name -> its public members."""
    import smus_constructs
    from smus_constructs import runtime

    runtime_names = [name for name, value in vars(runtime).items() if _defined_in(runtime, name, value)]
    return {
        **_module_api("", smus_constructs, smus_constructs.__all__),
        **_module_api("runtime.", runtime, runtime_names),
    }


def flatten(api: Mapping[str, Iterable[str]]) -> set[str]:
    """Every public name, members as ``Class.member``."""
    return set(api) | {f"{name}.{member}" for name, members in api.items() for member in members}


def removed_without_entry(snapshot: PublicApi, current: PublicApi, changelog: str) -> list[str]:
    """Names in the snapshot that are gone now and that the changelog never mentions (as `Name` or `Class.member`)."""
    mentioned = set(re.findall(r"`([^`]+)`", changelog))
    words = set(re.findall(r"[\w.]+", changelog))
    gone = sorted(flatten(snapshot) - flatten(current))
    return [name for name in gone if name not in mentioned and name not in words]


def load_snapshot(path: Path = SNAPSHOT) -> PublicApi:
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    return {str(name): [str(member) for member in members] for name, members in data.items()}


def write_snapshot(api: PublicApi, path: Path = SNAPSHOT) -> None:
    path.write_text(json.dumps(dict(sorted(api.items())), indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.public_api", description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help=f"rewrite {SNAPSHOT.name}")
    args = parser.parse_args(argv)
    api = current_api()
    if not args.update:
        json.dump(api, sys.stdout, indent=1)
        return 0
    old = load_snapshot() if SNAPSHOT.is_file() else {}
    missing = removed_without_entry(old, api, CHANGELOG.read_text(encoding="utf-8"))
    write_snapshot(api)
    added, gone = sorted(flatten(api) - flatten(old)), sorted(flatten(old) - flatten(api))
    print(f"wrote {SNAPSHOT}: {len(added)} added, {len(gone)} removed")
    for name in missing:
        print(f"  removed without a CHANGELOG.md entry: {name} (the test fails until it has one)")
    return 0


if __name__ == "__main__":
    from smus_cli.runtime import configure_runtime

    configure_runtime()
    sys.exit(main())
