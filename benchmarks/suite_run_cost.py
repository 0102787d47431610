"""What one in-process run of the contract suite costs before and around its checks, as the self-tests run
it (tests/contract_tests/harness.py): ~90 such runs make up much of `make test`. Prints the CPU seconds and
wall seconds of each kind of run, the median and range over --runs repetitions in one process (the first,
which imports and seeds, is left out).

    python benchmarks/suite_run_cost.py [--runs 5]

Kinds: one business rule selected with -k (most fault self-tests), the same for v3, and a --read-only
--quick run (every read-only check, a few generated cases per operation).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.contract_tests.harness import mock_app, run_suite, serve  # noqa: E402

KINDS = {
    "v1 -k test_r51 (one rule)": ("--quick", "-k", "test_r51"),
    "v3 -k test_r51 (one rule)": ("--quick", "--api-version", "v3", "-k", "test_r51"),
    "v1 --read-only --quick": ("--read-only", "--quick"),
}


def _measure(base_url: str, args: tuple[str, ...]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    run = run_suite(base_url, *args)
    if run.returncode != 0:
        raise SystemExit(f"the run failed ({' '.join(args)}):\n{run.summary()}")
    return time.process_time() - cpu, time.perf_counter() - wall


def _figures(values: list[float]) -> str:
    return f"{statistics.median(values):5.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each kind")
    args = parser.parse_args()
    with serve(mock_app()) as base_url:
        for name, kind in KINDS.items():
            _measure(base_url, kind)  # warm: imports, the suite's first schema, the world's caches
            measured = [_measure(base_url, kind) for _ in range(args.runs)]
            cpu, wall = [m[0] for m in measured], [m[1] for m in measured]
            print(f"{name:28} CPU s {_figures(cpu)}   wall s {_figures(wall)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
