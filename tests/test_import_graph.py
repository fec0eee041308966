"""The project's own modules import each other without circles.

A circle works until someone moves an import: then a module is half-initialised when the other reads it, and the
error names neither. Function-level and TYPE_CHECKING imports count too - they are how circles hide. Only a
package's `__init__` re-exports are left out: the package loads its submodules lazily, and no submodule needs it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

PACKAGES = ("config", "stacks", "smus_constructs", "smus_rules", "smus_cli")
#: Known debt, to pay when the files are next touched. The test fails once a circle is gone and still listed here,
#: so the list only shrinks. Empty since config.pipeline_trust took the whole-file checks out of the table models.
KNOWN_CIRCLES: frozenset[frozenset[str]] = frozenset()


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = PROJECT_ROOT) -> dict[str, set[str]]:
    """Module -> the project modules it imports anywhere in its body (package `__init__` files excluded)."""
    files = {module_name(path, root): path for package in PACKAGES for path in (root / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        if path.name == "__init__.py":
            continue
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                candidates = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            else:
                continue
            targets.update(c for c in candidates if c in files and c != name and files[c].name != "__init__.py")
        graph[name] = targets
    return graph


def circles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    for start, first_successors in graph.items():
        if start in index:
            continue
        work = [(start, iter(sorted(first_successors)))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph.get(successor, ())))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.add(frozenset(component))
    return found


def test_no_import_circles_beyond_the_known_debt() -> None:
    found = circles(import_graph())
    assert found - KNOWN_CIRCLES == set(), "new import circles: " + "; ".join(" <-> ".join(sorted(c)) for c in found)
    assert KNOWN_CIRCLES - found == set(), "a known circle is gone: remove it from KNOWN_CIRCLES"


def test_the_rule_pack_document_model_does_not_import_the_vocabulary() -> None:
    graph = import_graph()
    assert "smus_rules.model" not in graph["smus_rules.doc"]
    assert "smus_rules.doc" in graph["smus_rules.findings"]


def test_the_config_table_models_do_not_import_the_account_model() -> None:
    graph = import_graph()
    for table in ("config.bootstrap_models", "config.operations_models"):
        assert "config.models" not in graph[table]
    assert "config.models" in graph["config.pipeline_trust"]


def test_circles_finds_a_planted_circle_and_ignores_a_chain() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {frozenset({"a", "b", "c"})}
    assert circles({"a": {"b"}, "b": {"c"}, "c": set()}) == set()


def test_import_graph_sees_function_level_imports(tmp_path: Path) -> None:
    package = tmp_path / "stacks"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "one.py").write_text("def f():\n    from stacks.two import g\n")
    (package / "two.py").write_text("from stacks.one import f\n")
    for other in PACKAGES[:1] + PACKAGES[2:]:
        (tmp_path / other).mkdir()
    assert circles(import_graph(tmp_path)) == {frozenset({"stacks.one", "stacks.two"})}
