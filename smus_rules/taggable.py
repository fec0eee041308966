"""Which resource types take tags, read from the provider bindings and kept in `taggable_types.json`.

A rule cannot ask a provider schema at synth time, and guessing from the JSON (a `tags` key) misses exactly the
resources that forgot their tags. So the list is generated from the cdktn bindings this project pins: an `aws_*`
type is taggable when its resource class has `tags_all` (the provider merges default_tags into it); an `awscc_*`
type when its resource class takes `tags`. Regenerate after a provider bump:

    python -m smus_rules.taggable --write
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from functools import cache
from pathlib import Path

TYPES_FILE = Path(__file__).with_name("taggable_types.json")
_RESOURCE_CLASS = re.compile(r"^class \w+\(\s*_cdktn_\w+\.TerraformResource", re.MULTILINE)
#: The resource class's docstring names the Terraform type; module names do not always match it (s3_control_*).
_TYPE_NAME = re.compile(r"Represents a \{@link \S+ ((?:aws|awscc)_[a-z0-9_]+)\}")
_PACKAGES = {"aws": ("cdktn_provider_aws", "def tags_all(self)"), "awscc": ("cdktn_provider_awscc", "def tags(self)")}


@cache
def taggable_types() -> frozenset[str]:
    types: list[str] = json.loads(TYPES_FILE.read_text(encoding="utf-8"))["types"]
    return frozenset(types)


def is_taggable(resource_type: str) -> bool:
    return resource_type in taggable_types()


def scan_bindings() -> dict[str, list[str]]:
    """Taggable resource types per provider, from the installed binding sources (text only: no jsii kernel)."""
    found: dict[str, list[str]] = {}
    for provider, (package, marker) in _PACKAGES.items():
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise RuntimeError(f"{package} is not installed")
        root = Path(spec.origin).parent
        types = []
        for module in sorted(root.iterdir()):
            init = module / "__init__.py"
            if module.name.startswith(("_", "data_")) or module.name == "provider" or not init.is_file():
                continue
            text = init.read_text(encoding="utf-8")
            start = _RESOURCE_CLASS.search(text)
            if start is None:
                continue
            end = text.find("\nclass ", start.end())
            body = text[start.end() : end if end != -1 else None]
            name = _TYPE_NAME.search(body)
            if marker in body and name is not None:
                types.append(name.group(1))
        found[provider] = types
    return found


def main(argv: list[str]) -> int:
    scanned = scan_bindings()
    types = sorted(t for provider_types in scanned.values() for t in provider_types)
    if argv[1:] == ["--write"]:
        payload = {"generated_by": "python -m smus_rules.taggable --write", "types": types}
        TYPES_FILE.write_text(json.dumps(payload, indent=0) + "\n", encoding="utf-8")
        print(f"wrote {len(types)} taggable types to {TYPES_FILE}")
        return 0
    current = sorted(taggable_types())
    if current != types:
        print(f"{TYPES_FILE} is stale: run python -m smus_rules.taggable --write", file=sys.stderr)
        return 1
    print(f"{len(types)} taggable types, up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
