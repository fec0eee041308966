"""Generate a large estate for benchmarks: N account files shaped like config/accounts/dev.toml, M projects each.

Why generated and not checked in: the shape follows whatever dev.toml is today, so the benchmark keeps measuring
the real config as it evolves. Every generated file is validated with the project's own loader before it is used.

    python bench/estate_gen.py OUT_DIR [--accounts 10] [--projects 100]

Importable by the scripts beside it (``from estate_gen import write_estate``), as Python puts a script's folder on
sys.path.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from config.loader import DEFAULT_CONFIG_DIR, load_estate  # noqa: E402

TEMPLATE = DEFAULT_CONFIG_DIR / "dev.toml"
BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
FIRST_ACCOUNT_ID = 200000000000


def account_document(template: dict[str, Any], index: int, projects: int) -> dict[str, Any]:
    """The template with its own account name, ID (everywhere it appears), domain name and ``projects`` projects.

    Projects cycle through the template's projects, so every profile, unit and template they use stays valid.
    """
    old_id = str(template["account"]["account_id"])
    new_id = str(FIRST_ACCOUNT_ID + index)
    document: dict[str, Any] = _replace_everywhere(copy.deepcopy(template), old_id, new_id)
    name = f"bench-{index:02d}"
    document["account"]["name"] = name
    document["domain"]["name"] = f"acme-{name}"
    samples = template["projects"]
    document["projects"] = [_renamed(samples[number % len(samples)], number) for number in range(projects)]
    return document


def _renamed(project: dict[str, Any], number: int) -> dict[str, Any]:
    return {**copy.deepcopy(project), "name": f"{project['name']}-{number:03d}"}


def write_estate(out_dir: Path, accounts: int = 10, projects: int = 100, template: Path = TEMPLATE) -> list[Path]:
    """Write ``accounts`` files into ``out_dir`` and check them with the config loader; return their paths."""
    source = tomllib.loads(template.read_text(encoding="utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(accounts):
        path = out_dir / f"bench-{index:02d}.toml"
        path.write_text(to_toml(account_document(source, index, projects)), encoding="utf-8")
        paths.append(path)
    load_estate(out_dir)  # raises ConfigError naming the file and field if the template grew a rule we break
    return paths


def to_toml(document: dict[str, Any]) -> str:
    """TOML for a parsed document: one top-level key per line, nested values inline (all TOML 1.0 allows)."""
    return "".join(f"{_key(key)} = {_value(value)}\n" for key, value in document.items())


def _key(key: str) -> str:
    return key if BARE_KEY.match(key) else json.dumps(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML basic-string escapes
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(key)} = {_value(item)}" for key, item in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML: {value!r}")


def _replace_everywhere(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_replace_everywhere(item, old, new) for item in value]
    if isinstance(value, dict):
        return {key: _replace_everywhere(item, old, new) for key, item in value.items()}
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--projects", type=int, default=100)
    args = parser.parse_args()
    paths = write_estate(args.out_dir, args.accounts, args.projects)
    print(f"wrote {len(paths)} account files with {args.projects} projects each to {args.out_dir}")


if __name__ == "__main__":
    main()
