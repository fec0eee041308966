"""How much the governance rules add to a synth: the rule pack (Python) and the Rego policies, over one estate.

Budget (issue 5): the rule pack plus Rego on the example estate adds under 1 s beyond synth. Measured in one process,
after a warm-up synth that pays the provider load, as the median of --repeat runs:

* synth           - `synthesise(..., enforce_rules=False)`: what synth costs without governance;
* synth + aspect  - `synthesise(...)` as `smus synth` runs it: the Aspect evaluates every stack (to_terraform + pack);
* rule pack       - the pack over the written `cdk.tf.json` files, as `smus check` runs it;
* rego            - compile the policies and evaluate every stack, as `smus check` runs it.

    python bench/check_bench.py [--config-dir DIR | --generated-accounts N] [--repeat 5]

Exit 1 when `rule pack + rego` or the Aspect's overhead exceeds the budget.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from smus_cli.runtime import configure_runtime  # noqa: E402

configure_runtime()  # before anything imports cdktn

from config.governance import load_governance_for  # noqa: E402
from config.loader import DEFAULT_CONFIG_DIR, load_estate  # noqa: E402
from smus_cli.check import stack_contexts  # noqa: E402
from smus_cli.synth import synthesise  # noqa: E402
from smus_rules.engine import evaluate  # noqa: E402
from smus_rules.rego import RegoPolicies, governance_data, resource_types  # noqa: E402
from smus_rules.suppressions import SuppressionSet  # noqa: E402

BUDGET_SECONDS = 1.0


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config-dir", type=Path, default=DEFAULT_CONFIG_DIR)
    parser.add_argument("--generated-accounts", type=int, default=0, help="use bench/estate_gen.py with N accounts")
    parser.add_argument("--projects", type=int, default=20, help="projects per generated account")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="smus-check-bench-"))
    try:
        return run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> int:
    config_dir: Path = args.config_dir
    if args.generated_accounts:
        from bench.estate_gen import write_estate

        config_dir = work / "accounts"
        write_estate(config_dir, args.generated_accounts, args.projects)

    accounts = load_estate(config_dir)
    governance = load_governance_for(config_dir, accounts)
    outdir = work / "out"
    synthesise(config_dir, outdir, enforce_rules=False)  # warm-up: provider load and jsii indexes

    plain, enforced, pack, rego = [], [], [], []
    for _ in range(args.repeat):
        plain.append(timed(lambda: synthesise(config_dir, outdir, enforce_rules=False)))
        enforced.append(timed(lambda: synthesise(config_dir, outdir)))
        documents = {
            path.parent.name: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted((outdir / "stacks").glob("*/cdk.tf.json"))
        }
        contexts, _ = stack_contexts(accounts, governance, list(documents))
        suppressions = SuppressionSet(governance.suppressions)
        pack.append(
            timed(lambda: [evaluate(documents[n], c, suppressions) for n, c in contexts.items()])  # noqa: B023
        )

        def run_rego() -> None:
            data = governance_data(contexts.values(), governance.suppressions, types=resource_types(documents.values()))  # noqa: B023
            policies = RegoPolicies(data)
            for name in contexts:  # noqa: B023
                policies.evaluate(documents[name], name)  # noqa: B023

        rego.append(timed(run_rego))

    resources = sum(len(items) for d in documents.values() for items in d.get("resource", {}).values())
    median = statistics.median
    aspect_overhead = median(enforced) - median(plain)
    check_overhead = median(pack) + median(rego)
    print(f"estate: {config_dir} - {len(accounts)} accounts, {len(documents)} stacks, {resources} resources")
    print(f"runs: {args.repeat} (median)")
    print(f"  synth (rules off)          {median(plain):7.3f} s")
    print(f"  synth + aspect (smus synth){median(enforced):7.3f} s   aspect overhead {aspect_overhead:+.3f} s")
    print(f"  rule pack over files       {median(pack):7.3f} s")
    print(f"  rego (compile + evaluate)  {median(rego):7.3f} s")
    print(f"  rule pack + rego           {check_overhead:7.3f} s   budget {BUDGET_SECONDS:.1f} s")
    within = check_overhead < BUDGET_SECONDS and aspect_overhead < BUDGET_SECONDS
    print("within budget" if within else "OVER BUDGET")
    return 0 if within else 1


if __name__ == "__main__":
    raise SystemExit(main())
