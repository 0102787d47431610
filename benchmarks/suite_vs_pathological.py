"""The contract suite's wall-clock time against the mock and against each misbehaving server
(tests/contract_tests/pathological.py), on the same subset of checks (every list paged through, formats),
with the request timeout and response cap the self-tests use. Prints one line per server.

    python benchmarks/suite_vs_pathological.py [--timeout 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from contract_tests import client as suite_client  # noqa: E402
from tests.contract_tests import pathological  # noqa: E402
from tests.contract_tests.harness import fault_server, mock_app, run_suite  # noqa: E402

SUBSET = ("--quick", "-k", "test_lists or test_format")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=2.0, help="the suite's request timeout (s)")
    args = parser.parse_args()
    suite_client.TIMEOUT = args.timeout
    suite_client.MAX_RESPONSE_BYTES = 1024 * 1024
    pathological.RELEASE.clear()
    with fault_server() as server:
        started = time.perf_counter()
        run = run_suite(server.mount("mock", mock_app()), *SUBSET)
        baseline = time.perf_counter() - started
        print(f"{'mock':20} exit {run.returncode}  {baseline:6.1f} s", flush=True)
        for pathology in pathological.PATHOLOGIES:
            started = time.perf_counter()
            run = run_suite(server.mount(pathology.name, pathology.wrap(mock_app())), *SUBSET)
            seconds = time.perf_counter() - started
            fails = sum(1 for line in run.output.splitlines() if line.startswith("FAIL"))
            ratio = seconds / baseline
            print(f"{pathology.name:20} exit {run.returncode}  {seconds:6.1f} s  ({ratio:.1f}x the mock; "
                  f"{fails} FAIL lines)", flush=True)
        pathological.RELEASE.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
