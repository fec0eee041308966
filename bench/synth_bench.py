"""Synth cost against its floor: the example estate and generated estates of growing size.

    python bench/synth_bench.py              # floor, example, 1x100, 5x100, 10x100 (several minutes on 2 cores)
    python bench/synth_bench.py --quick      # floor and example only
    python bench/synth_bench.py --sizes 1x20 2x20 --repeat 3

The floor is a process that does nothing but load both provider bindings (what every synth pays before our code
runs). App work is a synth's wall time minus the floor's. Each row is a fresh process; the figures are the median
of --repeat runs, with the whole process tree's peak memory (PSS, sampled) and the largest process's peak RSS.
Growth is reported per 1,000 resources so linearity can be read off the rows. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from estate_gen import write_estate
from fast_synth import PROJECT_ROOT, Sample, environment, measure, synth_command

from config.loader import DEFAULT_CONFIG_DIR

FLOOR = (
    "from smus_cli.runtime import configure_runtime; configure_runtime(); "
    "import cdktn_provider_aws.provider, cdktn_provider_awscc.provider"
)


def resources_in(outdir: Path) -> int:
    return sum(
        len(items)
        for path in (outdir / "stacks").glob("*/cdk.tf.json")
        for items in json.loads(path.read_text()).get("resource", {}).values()
    )


def median(samples: list[Sample]) -> Sample:
    return Sample(
        statistics.median(s.wall_s for s in samples),
        statistics.median(s.tree_peak_mb for s in samples),
        statistics.median(s.largest_peak_mb for s in samples),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", nargs="*", default=["1x100", "5x100", "10x100"], help="ACCOUNTSxPROJECTS")
    parser.add_argument("--quick", action="store_true", help="floor and the example estate only")
    parser.add_argument("--mode", choices=["lazy", "eager"], default="lazy")
    args = parser.parse_args()
    cache = Path.home() / ".cache" / "aws" / "jsii" / "package-cache"
    env = environment(args.mode, cache)
    print(f"mode={args.mode}  repeat={args.repeat}  (median of runs; fresh process each)")
    floor = median([measure([sys.executable, "-c", FLOOR], env) for _ in range(args.repeat)])
    print(
        f"{'estate':<16}{'resources':>10}{'wall s':>9}{'app s':>8}{'app/floor':>10}{'s/1k res':>10}"
        f"{'tree MB':>9}{'max RSS MB':>11}"
    )
    print(
        f"{'floor':<16}{'-':>10}{floor.wall_s:>9.2f}{'-':>8}{'-':>10}{'-':>10}{floor.tree_peak_mb:>9.0f}"
        f"{floor.largest_peak_mb:>11.0f}"
    )
    estates: list[tuple[str, Path]] = [("example", DEFAULT_CONFIG_DIR)]
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        if not args.quick:
            for size in args.sizes:
                accounts, projects = (int(part) for part in size.split("x"))
                config_dir = root / f"estate-{size}"
                write_estate(config_dir, accounts, projects)
                estates.append((size, config_dir))
        for name, config_dir in estates:
            outdir = root / f"out-{name}"
            sample = median([measure(synth_command(config_dir, outdir), env) for _ in range(args.repeat)])
            count = resources_in(outdir)
            app = sample.wall_s - floor.wall_s
            print(
                f"{name:<16}{count:>10}{sample.wall_s:>9.2f}{app:>8.2f}{app / floor.wall_s:>10.2f}"
                f"{1000 * app / max(count, 1):>10.2f}{sample.tree_peak_mb:>9.0f}{sample.largest_peak_mb:>11.0f}"
            )
    print(f"(run from {PROJECT_ROOT}; jsii cache {cache})")


if __name__ == "__main__":
    main()
