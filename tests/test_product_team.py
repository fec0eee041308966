"""A product team's repository (examples/product-team/) synthesised with the library wheel alone.

The wheel is built the way `make dist` builds it, unpacked into a folder, and that folder is the only thing from this
repository on the example's path: the interpreter runs isolated (`-I -S`: no current directory, no PYTHONPATH, no
site hooks, so no editable install of the estate), with the environment's site-packages for cdktn and the provider
bindings appended, as a team's own virtualenv would have them. The probe inside it proves that `config`, `stacks`,
`smus_cli` and `smus_rules` cannot be imported and that `smus_constructs` is the wheel's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from typing import Any

import pytest

from distributions.build_dists import build
from smus_constructs import PropValidationError, UnifiedStudioDomain, UnifiedStudioProjectProfile
from smus_constructs.runtime import EAGER_SWITCH, project_node
from tests.helpers import new_stack

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "product-team"
APP_PACKAGES = ("config", "stacks", "smus_cli", "smus_rules", "main")

#: Runs inside the isolated interpreter: fail on any importable app package, then run the team's main.py.
PROBE = """
import importlib.util, json, os, runpy, sys
sys.path[:0] = json.loads(sys.argv[1])
leaked = sorted(name for name in json.loads(sys.argv[2]) if importlib.util.find_spec(name) is not None)
if leaked:
    sys.exit("importable from outside the wheel: " + ", ".join(leaked))
sys.path.insert(0, os.getcwd())  # the team's own modules (fraud_projects), as `python main.py` would see them
runpy.run_path("main.py", run_name="__main__")
import smus_constructs
print(json.dumps({"library": smus_constructs.__file__, "node_options": os.environ.get("NODE_OPTIONS", "")}))
"""


def run_isolated(paths: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("NODE_OPTIONS", "PYTHONPATH", EAGER_SWITCH)}
    node = project_node(REPO)  # the Node 22 the kernel needs for the lazy preload: a tool, not Python code
    if node is not None:
        env["JSII_NODE"] = str(node)
    command = [sys.executable, "-I", "-S", "-c", PROBE, json.dumps([str(p) for p in paths]), json.dumps(APP_PACKAGES)]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The library wheel, built as `make dist` builds it (staged copy, PyPA build, no isolation)."""
    [built] = build("smus-constructs", tmp_path_factory.mktemp("dist"), wheel_only=True)
    return built


@pytest.fixture(scope="module")
def wheel_site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("wheel-site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


@pytest.fixture(scope="module")
def team_synth(wheel_site: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The example, copied out of the repository and synthesised; (its folder, what the probe printed)."""
    team = tmp_path_factory.mktemp("team") / "product-team"
    shutil.copytree(EXAMPLE, team, ignore=shutil.ignore_patterns("cdktf.out", "__pycache__"))
    result = run_isolated([wheel_site, Path(sysconfig.get_paths()["purelib"])], cwd=team)
    assert result.returncode == 0, result.stderr[-3000:]
    return team, json.loads(result.stdout.strip().splitlines()[-1])


def test_the_wheel_holds_only_the_construct_package_its_marker_and_the_preload(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert top == {"smus_constructs", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}, top
    assert {"smus_constructs/py.typed", "smus_constructs/jsii-lazy-providers.cjs"} <= set(names)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    requires = sorted(line.split(": ", 1)[1] for line in metadata.splitlines() if line.startswith("Requires-Dist:"))
    assert [r for r in requires if "extra ==" not in r] == [
        "cdktn-provider-aws<26,>=25.8.1",
        "cdktn-provider-awscc<2,>=1.8",
        "cdktn<0.25,>=0.24",
        "constructs<11,>=10.4",
    ]


def test_the_example_names_only_the_library_as_its_dependency() -> None:
    lines = [line.strip() for line in (EXAMPLE / "requirements.txt").read_text().splitlines()]
    assert [line for line in lines if line and not line.startswith("#")] == ["smus-constructs>=0.1,<0.2"]


def test_the_example_synthesises_its_own_stack_with_the_wheel_alone(
    team_synth: tuple[Path, dict[str, Any]], wheel_site: Path
) -> None:
    team, probe = team_synth
    assert Path(probe["library"]) == wheel_site / "smus_constructs" / "__init__.py", probe
    stack = json.loads((team / "cdktf.out" / "stacks" / "fraud-projects" / "cdk.tf.json").read_text())
    assert stack["terraform"]["backend"]["s3"]["key"] == "smus/111111111111/fraud-projects.tfstate"
    assert stack["terraform"]["backend"]["s3"]["use_lockfile"] is True
    resources = stack["resource"]
    # Adopted, never created: no domain, profile or blueprint resource in the team's stack.
    assert not {"aws_datazone_domain", "awscc_datazone_project_profile"} & set(resources), sorted(resources)
    assert set(stack["data"]) == {"aws_datazone_domain"}
    projects = resources["awscc_datazone_project"]
    assert sorted(body["name"] for body in projects.values()) == ["fraud-chargebacks", "fraud-detection"]
    for body in projects.values():
        assert body["domain_identifier"] == "dzd_platform01"
        assert body["project_profile_id"] == "prof_analytics01"
        assert {"key": "Team", "value": "fraud"} in body["resource_tags"]
        assert body["description"].startswith("Fraud team project fraud-")
    members = resources["awscc_datazone_project_membership"].values()
    assert {body["designation"] for body in members} == {"PROJECT_OWNER"}


def test_the_wheels_preload_is_what_made_the_synth_fast(team_synth: tuple[Path, dict[str, Any]]) -> None:
    _, probe = team_synth
    if project_node(REPO) is None:
        pytest.skip("needs the project's Node 22 (npm ci)")
    preload = str(Path(probe["library"]).with_name("jsii-lazy-providers.cjs"))
    assert preload in probe["node_options"], probe


def test_the_isolation_probe_sees_a_leak(wheel_site: Path, tmp_path: Path) -> None:
    """The same probe with this repository on the path refuses to run: so a pass above means real isolation."""
    (tmp_path / "main.py").write_text("raise SystemExit('main.py must not run when something leaked')\n")
    result = run_isolated([wheel_site, REPO], cwd=tmp_path)
    assert result.returncode != 0
    assert "importable from outside the wheel: config, main, smus_cli, smus_rules, stacks" in result.stderr


# The importers the example relies on. --------------------------------------------------------------------------------


def test_an_imported_profile_checks_its_id_and_names() -> None:
    stack = new_stack()
    domain = UnifiedStudioDomain.from_domain_id(
        stack, "Domain", domain_id="dzd_abc123", account_id="111111111111", region="eu-west-1"
    )
    profile = UnifiedStudioProjectProfile.from_project_profile_id(
        stack, "Profile", domain=domain, project_profile_id="prof_1", environment_names=["Tooling"]
    )
    assert (profile.project_profile_id, profile.profile_name, profile.domain) == ("prof_1", "prof_1", domain)
    assert list(profile.environment_names) == ["Tooling"]
    with pytest.raises(PropValidationError, match=r"Profile2: project_profile_id = 'prof/1'.*1-36 letters"):
        UnifiedStudioProjectProfile.from_project_profile_id(
            stack, "Profile2", domain=domain, project_profile_id="prof/1"
        )
    with pytest.raises(PropValidationError, match=r"environment_names\[0\]"):
        UnifiedStudioProjectProfile.from_project_profile_id(
            stack, "Profile3", domain=domain, project_profile_id="p3", environment_names=["bad$name"]
        )
