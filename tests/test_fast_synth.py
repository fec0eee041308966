"""Safety nets for the lazy-provider preload (smus_constructs/jsii-lazy-providers.cjs, set up by its runtime.py).

The preload makes the jsii kernel load each provider through `lib/lazy-index.js` instead of `lib/index.js`. That is
safe only while (1) both files export the same names and (2) the synthesised output is byte-identical, and it is worth
something only while (3) it is really in effect. Each net has a sibling test that shows it goes red when it should.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import warnings
from pathlib import Path

import pytest

from smus_cli.runtime import (
    EAGER_SWITCH,
    LAZY_PROVIDERS_PRELOAD,
    PROJECT_ROOT,
    configure_runtime,
    eager_providers_requested,
    project_node,
    with_preload,
)
from smus_cli.warmup import PROVIDER_PREFIX, app_modules, cache_entry, load_packages, package_cache_root
from smus_constructs.runtime import FastSynthTooLateWarning, enable_fast_synth, kernel_started
from tests.conftest import EAGER_SYNTH
from tests.eager_synth import EagerSynth

EXPORT_NAMES_PROBE = PROJECT_ROOT / "tools" / "provider-export-names.cjs"
#: Below this the kernel cannot have run an eager provider entry: eager peaks at about 1.8 GB, lazy at about 0.3 GB.
LAZY_PEAK_CEILING_KB = 1024 * 1024
NODE = project_node()
needs_node22 = pytest.mark.skipif(NODE is None, reason="needs the project's Node 22 (npm ci) for module.registerHooks")


def node_env(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}


# (1) Both entries of every installed provider export the same names. ---------------------------------------------


def export_names(entry: Path) -> frozenset[str]:
    """The names ``entry`` exports, computed by Node with its submodules stubbed (see the probe's header)."""
    assert NODE is not None
    result = subprocess.run(
        [str(NODE), str(EXPORT_NAMES_PROBE), str(entry)],
        env=node_env(**{EAGER_SWITCH: "1"}),  # the probe must read the very file it was given
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"export-name probe failed on {entry}:\n{result.stderr}"
    report = json.loads(result.stdout)
    assert not report["copied"], (
        f"{entry} copies names out of submodules {report['copied'][:3]}: its exports can't be listed without "
        "loading them, so this check can't vouch for lazy-index.js; compare them by loading both in full"
    )
    return frozenset(report["names"])


def export_name_diff(lib_dir: Path) -> tuple[set[str], set[str]]:
    """(exported by index.js but not lazy-index.js, the reverse) for one provider's `lib/` folder."""
    eager, lazy = export_names(lib_dir / "index.js"), export_names(lib_dir / "lazy-index.js")
    assert "provider" in eager, f"{lib_dir / 'index.js'}: no `provider` export; is the probe reading the right file?"
    return set(eager - lazy), set(lazy - eager)


@pytest.fixture(scope="module")
def provider_libs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The `lib/` folder of every installed provider: the kernel's unpacked copy, else from the binding's tarball."""
    providers = [module for module in app_modules() if module.startswith(PROVIDER_PREFIX)]
    assert {"cdktn_provider_aws", "cdktn_provider_awscc"} <= set(providers), providers
    root = package_cache_root()
    libs = {}
    for package in load_packages(providers):
        unpacked = cache_entry(root, package) / "lib" if root is not None else None
        if unpacked is not None and (unpacked / "index.js").is_file():
            libs[f"{package.name}@{package.version}"] = unpacked
            continue
        lib = tmp_path_factory.mktemp(package.name.replace("/", "__")) / "lib"
        lib.mkdir()
        with tarfile.open(package.tarball, "r:gz") as tarball:
            for member in tarball:
                if member.name in ("package/lib/index.js", "package/lib/lazy-index.js"):
                    source = tarball.extractfile(member)
                    assert source is not None
                    (lib / Path(member.name).name).write_bytes(source.read())
        libs[f"{package.name}@{package.version}"] = lib
    return libs


@needs_node22
def test_every_provider_lazy_entry_exports_the_same_names(provider_libs: dict[str, Path]) -> None:
    for package, lib in provider_libs.items():
        assert (lib / "lazy-index.js").is_file(), f"{package} ships no lib/lazy-index.js: synth loads it eagerly"
        missing, extra = export_name_diff(lib)
        assert (missing, extra) == (set(), set()), (
            f"{package}: lazy-index.js lacks {sorted(missing)[:10]} and adds {sorted(extra)[:10]}; "
            f"set {EAGER_SWITCH}=1 until the provider is fixed"
        )


@needs_node22
def test_export_check_goes_red_on_a_broken_lazy_entry(provider_libs: dict[str, Path], tmp_path: Path) -> None:
    source = provider_libs[next(name for name in provider_libs if "provider-aws@" in name)]
    lib = tmp_path / "lib"
    lib.mkdir()
    for entry in ("index.js", "lazy-index.js"):
        shutil.copy(source / entry, lib / entry)
    lazy = lib / "lazy-index.js"
    text = lazy.read_text()
    text = re.sub(r"^Object\.defineProperty\(exports, 'datazoneDomain',.*\n", "", text, count=1, flags=re.M)
    lazy.write_text(text + "\nObject.defineProperty(exports, 'notAResource', { get: () => ({}) });\n")

    assert export_name_diff(lib) == ({"datazoneDomain"}, {"notAResource"})


@needs_node22
def test_export_probe_refuses_an_entry_that_copies_names_from_submodules(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text("const m = require('./sub');\nfor (const k in m) exports[k] = m[k];\n")

    with pytest.raises(AssertionError, match="copies names out of submodules"):
        export_names(tmp_path / "index.js")


# (2) Eager and lazy synth of the example estate are byte-identical. ----------------------------------------------


def output_differences(left: Path, right: Path) -> list[str]:
    """Every relative path that is in only one tree or differs in any byte; [] when the trees are identical."""
    files = {side: {p.relative_to(side): p for p in side.rglob("*") if p.is_file()} for side in (left, right)}
    only = sorted(str(path) for path in files[left].keys() ^ files[right].keys())
    changed = [
        str(path)
        for path in sorted(files[left].keys() & files[right].keys())
        if files[left][path].read_bytes() != files[right][path].read_bytes()
    ]
    return only + changed


def test_eager_synth_is_byte_identical_to_the_lazy_one(example_outdir: Path, eager_synth: EagerSynth) -> None:
    """The session synthesised lazily (conftest); a background process synthesised the same estate eagerly."""
    returncode, stdout, stderr = eager_synth.wait()
    eager_out = eager_synth.outdir
    assert returncode == 0, stderr
    peak_kb = int(stdout.split("peak_rss_kb")[-1])
    assert peak_kb > LAZY_PEAK_CEILING_KB, f"eager synth peaked at {peak_kb // 1024} MB: was the preload really off?"
    names = {path.name for path in eager_out.rglob("*") if path.is_file()}
    assert {"manifest.json", "cdk.tf.json"} <= names, f"nothing to compare in {eager_out}: {names}"

    assert output_differences(eager_out, example_outdir) == []


def test_output_comparison_goes_red_on_one_changed_byte(example_outdir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(example_outdir, copy)
    stack = sorted(copy.glob("stacks/*/cdk.tf.json"))[0]
    data = bytearray(stack.read_bytes())
    data[-2:-1] = b" "
    stack.write_bytes(bytes(data))
    (copy / "extra.json").write_text("{}")

    assert output_differences(example_outdir, copy) == ["extra.json", str(stack.relative_to(copy))]


# (3) The preload is in effect in this very test session. ---------------------------------------------------------


def preload_problems(kernel_env: dict[str, str], peak_kb: int) -> list[str]:
    """Why a kernel process did not run with the lazy providers; [] when it did."""
    problems = []
    if str(LAZY_PROVIDERS_PRELOAD) not in kernel_env.get("NODE_OPTIONS", ""):
        problems.append(f"NODE_OPTIONS lacks --require {LAZY_PROVIDERS_PRELOAD}: configure_runtime() not called first?")
    if eager_providers_requested(kernel_env):
        problems.append(f"{EAGER_SWITCH}={kernel_env[EAGER_SWITCH]} switched the preload off")
    if peak_kb >= LAZY_PEAK_CEILING_KB:
        problems.append(f"kernel peaked at {peak_kb // 1024} MB: it loaded a provider eagerly (Node < 22.15?)")
    return problems


def session_kernels(exclude: frozenset[int] = frozenset()) -> dict[int, tuple[dict[str, str], int]]:
    """pid -> (environment, peak RSS in KB) of every jsii kernel below this process, outside the ``exclude`` trees."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            children.setdefault(int(stat.read_text().rsplit(")", 1)[1].split()[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError):
            continue
    kernels, queue = {}, [pid for pid in children.get(os.getpid(), []) if pid not in exclude]
    while queue:
        pid = queue.pop()
        queue.extend(child for child in children.get(pid, []) if child not in exclude)
        proc = Path(f"/proc/{pid}")
        try:
            if not proc.joinpath("cmdline").read_bytes().rstrip(b"\0").endswith(b"lib/program.js"):
                continue
            environ, status = proc.joinpath("environ").read_text(), proc.joinpath("status").read_text()
        except OSError:
            continue  # a short-lived child (e.g. `terraform version`) exited while we looked
        pairs = (item.split("=", 1) for item in environ.split("\0") if "=" in item)
        peak = re.search(r"VmHWM:\s+(\d+) kB", status)
        kernels[pid] = (dict(pairs), int(peak.group(1)) if peak else 0)
    return kernels


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the kernel process from /proc")
@pytest.mark.skipif(eager_providers_requested(), reason=f"{EAGER_SWITCH} is set: eager on purpose")
def test_the_preload_is_in_effect_in_this_session(example_outdir: Path, request: pytest.FixtureRequest) -> None:
    import cdktn_provider_aws  # noqa: F401  both providers are loaded (the example estate used them anyway)
    import cdktn_provider_awscc  # noqa: F401

    background = request.config.stash.get(EAGER_SYNTH, None)  # the eager comparison synth is eager on purpose
    kernels = session_kernels(frozenset({background.process.pid}) if background is not None else frozenset())
    assert kernels, "found no jsii kernel process below this test process"
    for pid, (env, peak_kb) in kernels.items():
        assert preload_problems(env, peak_kb) == [], f"jsii kernel {pid}"


def test_the_in_effect_check_goes_red_without_preload_switch_or_savings() -> None:
    preload = f'--require "{LAZY_PROVIDERS_PRELOAD}"'
    lazy_peak = 300 * 1024

    assert preload_problems({"NODE_OPTIONS": preload}, lazy_peak) == []
    assert len(preload_problems({}, lazy_peak)) == 1
    assert len(preload_problems({"NODE_OPTIONS": preload, EAGER_SWITCH: "1"}, lazy_peak)) == 1
    assert len(preload_problems({"NODE_OPTIONS": preload}, 1800 * 1024)) == 1


# The preload itself, on a fake package tree; the wiring in smus_cli/runtime.py. -----------------------------------


def resolve_with_preload(tmp_path: Path, *, lazy_sibling: bool, entry: str, **env: str) -> str:
    """Which file Node loads for ``entry`` with the preload on, from a copy of it in a folder with a space."""
    package = tmp_path / "node_modules" / "@cdktn" / "provider-fake"
    for relative in ["lib/index.js", "lib/sub/index.js"] + (["lib/lazy-index.js"] if lazy_sibling else []):
        (package / relative).parent.mkdir(parents=True, exist_ok=True)
        (package / relative).write_text(f"exports.which = {json.dumps(relative)};\n")
    (package / "package.json").write_text('{"name": "@cdktn/provider-fake", "main": "lib/index.js"}')
    preload = tmp_path / "tools dir" / LAZY_PROVIDERS_PRELOAD.name
    preload.parent.mkdir()
    shutil.copy(LAZY_PROVIDERS_PRELOAD, preload)
    assert NODE is not None
    result = subprocess.run(
        [str(NODE), "-e", f"process.stdout.write(require({json.dumps(entry)}).which)"],
        cwd=tmp_path,
        env={**node_env(**env), "NODE_OPTIONS": with_preload("", preload)},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@needs_node22
@pytest.mark.parametrize(
    ("lazy_sibling", "entry", "env", "loaded"),
    [
        (True, "@cdktn/provider-fake", {}, "lib/lazy-index.js"),
        (True, "@cdktn/provider-fake/lib/index.js", {}, "lib/lazy-index.js"),
        (False, "@cdktn/provider-fake", {}, "lib/index.js"),
        (True, "@cdktn/provider-fake/lib/sub/index.js", {}, "lib/sub/index.js"),
        (True, "@cdktn/provider-fake", {EAGER_SWITCH: "1"}, "lib/index.js"),
        (True, "@cdktn/provider-fake", {EAGER_SWITCH: "0"}, "lib/lazy-index.js"),
    ],
    ids=["redirects", "redirects-by-path", "keeps-eager-without-lazy", "leaves-submodules", "switch-off", "switch-0"],
)
def test_preload_redirects_only_a_provider_entry_with_a_lazy_sibling(
    tmp_path: Path, lazy_sibling: bool, entry: str, env: dict[str, str], loaded: str
) -> None:
    assert resolve_with_preload(tmp_path, lazy_sibling=lazy_sibling, entry=entry, **env) == loaded


def test_with_preload_appends_once_and_quotes() -> None:
    preload = Path('/a dir/with "quote"/p.cjs')
    once = with_preload("--max-http-header-size=1", preload)

    assert once == '--max-http-header-size=1 --require "/a dir/with \\"quote\\"/p.cjs"'
    assert with_preload(once, preload) == once


def test_configure_runtime_adds_the_preload_unless_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    monkeypatch.setenv(EAGER_SWITCH, "1")
    configure_runtime()
    assert "NODE_OPTIONS" not in os.environ

    monkeypatch.setenv(EAGER_SWITCH, "0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FastSynthTooLateWarning)  # the next test's subject
        configure_runtime()
        configure_runtime()
    assert os.environ["NODE_OPTIONS"] == with_preload("", LAZY_PROVIDERS_PRELOAD)


def test_asking_for_fast_synth_after_the_kernel_started_says_it_is_too_late(monkeypatch: pytest.MonkeyPatch) -> None:
    import cdktn  # noqa: F401  # starts the kernel, if this session had not yet

    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    monkeypatch.delenv(EAGER_SWITCH, raising=False)
    assert kernel_started()
    with pytest.warns(FastSynthTooLateWarning, match="import smus_constructs, or call .*before importing cdktn"):
        assert enable_fast_synth() is True
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert enable_fast_synth() is True  # already set up: nothing changed, nothing to say


def run_probe(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)


def test_importing_the_library_first_switches_fast_synth_on_and_the_switch_keeps_it_off() -> None:
    """What a product team gets from `import smus_constructs` before cdktn: the preload, from inside the package."""
    probe = "import os, smus_constructs; print(os.environ.get('NODE_OPTIONS', ''))"
    env = {key: value for key, value in os.environ.items() if key != "NODE_OPTIONS"}
    lazy = run_probe(probe, {**env, EAGER_SWITCH: "0"})
    assert lazy.returncode == 0, lazy.stderr
    assert str(LAZY_PROVIDERS_PRELOAD) in lazy.stdout
    assert LAZY_PROVIDERS_PRELOAD.parent.name == "smus_constructs" and LAZY_PROVIDERS_PRELOAD.is_file()
    eager = run_probe(probe, {**env, EAGER_SWITCH: "1"})
    assert eager.returncode == 0, eager.stderr
    assert eager.stdout.strip() == ""


def test_warmup_finds_the_cache_folders_the_kernel_unpacked_into(example_outdir: Path) -> None:
    """The warm-up waits on <cache>/<name>/<version>/<digest>; if jsii changes that layout, this goes red first."""
    root = package_cache_root()
    if root is None:
        pytest.skip("jsii package cache disabled")
    for package in load_packages(app_modules()):
        entry = cache_entry(root, package)
        assert entry.is_dir(), f"{package.name}: the kernel did not unpack into {entry}"
