"""Benchmark the lazy-provider preload: eager vs lazy, cold vs warm jsii cache, example and large estate.

    python bench/fast_synth.py            # everything (about 10 minutes on 2 cores, most of it the large estate)
    python bench/fast_synth.py --quick    # example estate, warm cache only
    python bench/fast_synth.py --repeat 5 --no-large --no-extras

Each run is a fresh `python main.py synth` process. Wall time, and two memory figures of the whole process tree
(Python, jsii's node launcher, the kernel, and the `terraform version` cdktn runs): the peak of the summed PSS,
sampled from /proc every 100 ms, and the largest single process's peak RSS (exact, from wait4; what
`/usr/bin/time -v` reports as "Maximum resident set size"). Linux only.

Cache states, each in a cache root of its own (JSII_RUNTIME_PACKAGE_CACHE_ROOT) so your cache is never touched:
  cold       empty cache: unpack 1.3 GB, parse every assembly
  unindexed  unpacked, but the lookup indexes missing: what a machine sees when a short run exited before the
             kernel's index worker finished, and why set-up runs `python -m smus_cli.warmup`
  warm       after `python -m smus_cli.warmup`
Timings are noisy on a shared machine: repeat, and read min and median. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from estate_gen import write_estate  # noqa: E402  (beside this script)

from config.loader import DEFAULT_CONFIG_DIR  # noqa: E402
from smus_cli.runtime import EAGER_SWITCH  # noqa: E402

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
SAMPLE_S = 0.1
MODES = {"eager": {EAGER_SWITCH: "1"}, "lazy": {EAGER_SWITCH: "0"}}


@dataclass(frozen=True)
class Sample:
    wall_s: float
    tree_peak_mb: float
    largest_peak_mb: float


def _descendants(root: int) -> list[int]:
    """``root`` and every live process below it, from one scan of /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # exited while we looked
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


def _memory_kb(pid: int) -> int:
    """Proportional set size (PSS): shared pages, such as the two node processes' binary, are not counted twice."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB  # RSS, on kernels without rollup
    except (OSError, IndexError, ValueError):
        return 0


def measure(command: list[str], env: dict[str, str]) -> Sample:
    """Run ``command`` to completion; fail loudly if it fails, so a broken synth never reads as a fast one."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree_peak = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        tree_peak = max(tree_peak, sum(_memory_kb(each) for each in _descendants(process.pid)))
        time.sleep(SAMPLE_S)
    wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}:\n{stderr}")
    return Sample(wall, tree_peak / 1024, usage.ru_maxrss / 1024)


def synth_command(config_dir: Path, outdir: Path) -> list[str]:
    return [sys.executable, "main.py", "synth", "--config-dir", str(config_dir), "--outdir", str(outdir)]


def environment(mode: str, cache_root: Path) -> dict[str, str]:
    return {**os.environ, **MODES[mode], "JSII_RUNTIME_PACKAGE_CACHE_ROOT": str(cache_root), "CHECKPOINT_DISABLE": "1"}


def warm(cache_root: Path) -> None:
    command = [sys.executable, "-m", "smus_cli.warmup"]
    subprocess.run(
        command, cwd=PROJECT_ROOT, env=environment("lazy", cache_root), check=True, stdout=subprocess.DEVNULL
    )


def drop_indexes(cache_root: Path) -> None:
    for path in cache_root.glob("**/.jsii.runtime*"):
        path.unlink()


class Bench:
    """Runs and records; one warm cache root shared by the warm and unindexed runs, a new one per cold run."""

    def __init__(self, work: Path, repeat: int) -> None:
        self.work = work
        self.repeat = repeat
        self.warm_root = work / "cache-warm"
        self.rows: list[tuple[str, str, str, list[Sample]]] = []
        self.outdirs: dict[tuple[str, str], Path] = {}
        warm(self.warm_root)

    def run(self, estate: str, config_dir: Path, mode: str, state: str, repeat: int) -> None:
        samples = []
        if state == "warm":
            warm(self.warm_root)  # an unindexed run before may have left a provider without its index
        for _ in range(repeat):
            outdir = self.work / f"out-{estate}-{mode}"
            root = self._root_for(state)
            samples.append(measure(synth_command(config_dir, outdir), environment(mode, root)))
            if state == "cold":
                shutil.rmtree(root)
            self.outdirs[(estate, mode)] = outdir
        self.rows.append((estate, mode, state, samples))
        print(_format_row(estate, mode, state, samples), flush=True)

    def _root_for(self, state: str) -> Path:
        if state == "cold":
            return Path(tempfile.mkdtemp(prefix="cache-cold-", dir=self.work))
        if state == "unindexed":
            drop_indexes(self.warm_root)
        return self.warm_root

    def identical(self, estate: str) -> str:
        eager, lazy = self.outdirs.get((estate, "eager")), self.outdirs.get((estate, "lazy"))
        if eager is None or lazy is None:
            return "not compared"
        differing = list(_differences(filecmp.dircmp(eager, lazy)))
        return "byte-identical" if not differing else f"DIFFERENT: {differing[:5]}"


def _differences(comparison: filecmp.dircmp[str]) -> Iterator[str]:
    yield from comparison.left_only + comparison.right_only
    _, mismatch, errors = filecmp.cmpfiles(comparison.left, comparison.right, comparison.common_files, shallow=False)
    yield from mismatch + errors
    for sub in comparison.subdirs.values():
        yield from _differences(sub)


def _format_row(estate: str, mode: str, state: str, samples: list[Sample]) -> str:
    walls = [sample.wall_s for sample in samples]
    tree = max(sample.tree_peak_mb for sample in samples)
    largest = max(sample.largest_peak_mb for sample in samples)
    return (
        f"{estate:<8} {mode:<5} {state:<9} n={len(samples)}  wall min {min(walls):6.2f} s  "
        f"median {statistics.median(walls):6.2f} s  tree PSS peak {tree:5.0f} MB  largest RSS peak {largest:5.0f} MB"
    )


def extras(work: Path) -> None:
    """The two other targets: `npx cdktn synth` (warm) and the whole test suite, in the user's own cache."""
    env = {**os.environ, "CHECKPOINT_DISABLE": "1"}
    for mode in ("eager", "lazy"):
        cli = ["npx", "--no-install", "cdktn", "synth", "--output", str(work / f"cli-{mode}")]
        print(_format_row("cdktn", mode, "user", [measure(cli, {**env, **MODES[mode]})]), flush=True)
    suite = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    print(_format_row("pytest", "lazy", "user", [measure(suite, env)]), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per row (example estate)")
    parser.add_argument("--quick", action="store_true", help="example estate, warm only, no extras")
    parser.add_argument("--no-large", action="store_true", help="skip the 10 accounts x 100 projects estate")
    parser.add_argument("--no-extras", action="store_true", help="skip `npx cdktn synth` and the test suite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fast-synth-bench-") as tmp:
        work = Path(tmp)
        bench = Bench(work, args.repeat)
        estates = {"example": DEFAULT_CONFIG_DIR}
        if not (args.quick or args.no_large):
            write_estate(work / "large-config", accounts=10, projects=100)
            estates["10x100"] = work / "large-config"
        states = ("warm",) if args.quick else ("cold", "unindexed", "warm")
        for estate, config_dir in estates.items():
            for mode in MODES:
                for state in states:
                    repeat = args.repeat if (estate == "example" and state == "warm") else 1
                    bench.run(estate, config_dir, mode, state, repeat)
            print(f"{estate}: eager and lazy output {bench.identical(estate)}", flush=True)
        if not (args.quick or args.no_extras):
            extras(work)


if __name__ == "__main__":
    main()
