"""The layering the project promises: the construct library stands alone, and nothing imports main.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import smus_constructs

ROOT = Path(__file__).resolve().parent.parent
APP_PACKAGES = ("config", "stacks", "smus_cli", "main")


def imported_modules(package: str) -> dict[str, set[str]]:
    """File -> top-level modules it imports (absolute imports only; the packages use no relative ones)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize("package", ["smus_constructs", "smus_rules"])
def test_library_packages_never_import_the_application(package: str) -> None:
    offenders = {file: sorted(names & set(APP_PACKAGES)) for file, names in imported_modules(package).items()}
    assert {file: names for file, names in offenders.items() if names} == {}


def test_nothing_imports_main() -> None:
    for package in ("smus_constructs", "smus_rules", "smus_cli", "stacks", "config", "tests", "bench"):
        for file, names in imported_modules(package).items():
            assert "main" not in names, file


def test_the_scan_would_see_a_forbidden_import(tmp_path: Path) -> None:
    tree = ast.parse("from config.models import AccountConfig\nimport stacks.platform\n")
    names = {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    names |= {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert names & set(APP_PACKAGES) == {"config", "stacks"}


def test_every_public_name_of_the_library_resolves() -> None:
    missing = [name for name in smus_constructs.__all__ if getattr(smus_constructs, name, None) is None]
    assert missing == []
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        smus_constructs.Nope  # noqa: B018


def test_no_distribution_installs_a_generic_top_level_name() -> None:
    """`config` and `stacks` would collide with any repository's own folders: they stay in the checkout."""
    import tomllib

    app = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert app["tool"]["setuptools"]["packages"] == ["smus_cli"]
    for name, package in (("smus-constructs", "smus_constructs"), ("smus-rules", "smus_rules")):
        project = tomllib.loads((ROOT / "distributions" / name / "pyproject.toml").read_text())
        assert project["project"]["name"] == name
        assert project["tool"]["setuptools"]["packages"]["find"]["include"] == [package, f"{package}.*"]


def test_the_library_runtime_needs_nothing_from_the_app() -> None:
    """The preload and its switch moved into the library; the app's runtime module only re-exports them."""
    assert (ROOT / "smus_constructs" / "jsii-lazy-providers.cjs").is_file()
    assert not (ROOT / "tools" / "jsii-lazy-providers.cjs").exists()
    assert imported_modules("smus_constructs")["smus_constructs/runtime.py"] <= {
        "__future__",
        "os",
        "sys",
        "warnings",
        "collections",
        "pathlib",
    }
