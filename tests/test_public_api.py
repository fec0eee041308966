"""The library's promises to product teams: no public name vanishes unrecorded, and every public thing says why.

The snapshot (tests/public_api.json) changes whenever a construct gains or loses a public name. After a deliberate
change run `make api-snapshot`; a removal or rename also needs its name in CHANGELOG.md.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Iterator
from typing import Any

import pytest

import smus_constructs
from tests.public_api import CHANGELOG, REFRESH, SNAPSHOT, current_api, flatten, load_snapshot, removed_without_entry


def test_no_public_name_disappeared_without_a_changelog_entry() -> None:
    missing = removed_without_entry(load_snapshot(), current_api(), CHANGELOG.read_text(encoding="utf-8"))
    assert missing == [], (
        f"public names removed from smus_constructs without a CHANGELOG.md entry: {missing}. A removal breaks "
        f"product teams: record each under 'Removed' or 'Changed' (and bump the version), then run `{REFRESH}`"
    )


def test_the_snapshot_is_current() -> None:
    snapshot, current = flatten(load_snapshot()), flatten(current_api())
    added, removed = sorted(current - snapshot), sorted(snapshot - current)
    assert (added, removed) == ([], []), (
        f"{SNAPSHOT.name} is out of date (added {added}, removed {removed}): run `{REFRESH}` and list the change "
        "in CHANGELOG.md"
    )


def test_a_removal_without_an_entry_is_caught() -> None:
    snapshot = {"UnifiedStudioDomain": ["from_domain_id", "domain_id"], "GoneProps": []}
    current = {"UnifiedStudioDomain": ["domain_id"]}
    assert removed_without_entry(snapshot, current, "## [0.2.0]\n### Added\n- `Other`\n") == [
        "GoneProps",
        "UnifiedStudioDomain.from_domain_id",
    ]
    recorded = "### Removed\n- `GoneProps`: use `OtherProps`.\n- `UnifiedStudioDomain.from_domain_id`\n"
    assert removed_without_entry(snapshot, current, recorded) == []


def test_the_snapshot_sees_members_the_library_defines_and_not_inherited_ones() -> None:
    api = current_api()
    assert "from_domain_id" in api["UnifiedStudioDomain"]
    assert "domain_id" in api["UnifiedStudioDomain"]
    assert "node" not in api["UnifiedStudioDomain"]  # constructs.Construct's, not ours
    assert "TOOLING" in api["BlueprintName"]
    assert "runtime.enable_fast_synth" in api


# Docstrings: every public construct, props class, importer and function of the library. ---------------------------


def _generated_doc(cls: type) -> bool:
    """dataclasses write `Name(field: type, ...)` into a class without a docstring: that is not documentation."""
    return dataclasses.is_dataclass(cls) and (cls.__doc__ or "").startswith(f"{cls.__name__}(")


def missing_docstrings(namespace: dict[str, Any]) -> Iterator[str]:
    for name, value in sorted(namespace.items()):
        if inspect.isclass(value):
            own = value.__dict__.get("__doc__")
            if not (own or "").strip() or _generated_doc(value):
                yield name
            for attr, member in sorted(vars(value).items()):
                function = getattr(member, "__func__", member)
                if attr.startswith("from_") and not (inspect.getdoc(function) or "").strip():
                    yield f"{name}.{attr}"
        elif inspect.isfunction(value) and not (value.__doc__ or "").strip():
            yield name


def library_namespace() -> dict[str, Any]:
    from smus_constructs import runtime

    names = {name: getattr(smus_constructs, name) for name in smus_constructs.__all__}
    names |= {f"runtime.{name}": getattr(runtime, name) for name in ("enable_fast_synth", "FastSynthTooLateWarning")}
    return names


def test_every_public_construct_props_class_and_importer_has_a_docstring() -> None:
    namespace = library_namespace()
    assert {"UnifiedStudioDomain", "ProjectProps", "runtime.enable_fast_synth"} <= set(namespace)
    assert list(missing_docstrings(namespace)) == [], "document why each exists (pdoc renders it: `make docs`)"


@pytest.mark.parametrize("kind", ["class", "dataclass", "importer", "function"])
def test_a_missing_docstring_is_caught(kind: str) -> None:
    @dataclasses.dataclass(frozen=True)
    class UndocumentedProps:
        name: str

    class Documented:
        """Documented."""

        @classmethod
        def from_thing_id(cls, thing_id: str) -> Documented:
            return cls()

    class Undocumented:
        pass

    def undocumented() -> None:
        pass

    cases: dict[str, tuple[str, object]] = {
        "class": ("Undocumented", Undocumented),
        "dataclass": ("UndocumentedProps", UndocumentedProps),
        "importer": ("Documented.from_thing_id", Documented),
        "function": ("undocumented", undocumented),
    }
    expected, value = cases[kind]
    assert list(missing_docstrings({expected.split(".")[0]: value})) == [expected]
