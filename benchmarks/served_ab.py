"""Served reads and writes of this checkout and another one, alternated: the A/B for a change to how the mock
serves requests (threads, turns, transactions), which in-process figures (bench_writes.py, bench_pages.py)
cannot show: they never see a worker's threads contend.

Run: .venv/bin/python benchmarks/served_ab.py WORLD --repo OTHER_CHECKOUT [--versions v1,v3] [--rounds 2]
     [--seconds 5] [--serve-args "--threads 2"]

WORLD is a world file (`npq-mock seed --db FILE --applications N`); it is never written: each checkout of
each round serves a fresh copy of it, so both start from the same world. The other checkout (e.g.
`git worktree add /tmp/base main`) is served with this interpreter and its own source first on the path.
For each version, each round, each checkout in turn: `npq-mock serve` (2 workers), then wrk (2 threads, 16
connections) on one record and the first page of each list, and on accept, declaration POST and void
(bench_prism.py's requests on records made through the testing API first). Printed per request: req/s of
each round, the server's CPU per answer and the machine's idle share while wrk ran (idle cores under load
point at waiting, not work). These machines are noisy: only the two checkouts' figures side by side mean
anything, and a difference smaller than the spread between rounds is none.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.bench_prism import LISTS, World, Writes, _start_mock, _writable, _wrk  # noqa: E402
from benchmarks.bench_seed import cpu_seconds  # noqa: E402

CONNECTIONS = 16
Figure = tuple[float, float, float]  # req/s, server CPU microseconds per answer, machine idle share


def _idle_and_total() -> tuple[int, int]:
    ticks = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return ticks[3] + ticks[4], sum(ticks)


class Served:
    """One checkout's `npq-mock serve` on a fresh copy of the world."""

    def __init__(self, checkout: Path, world: Path, folder: Path, extra: list[str]) -> None:
        self.copy = folder / "world.sqlite3"
        for side in folder.iterdir():
            side.unlink()
        shutil.copyfile(world, self.copy)
        self.process, self.port, _seconds = _start_mock(self.copy, checkout, extra)

    def load(self, requests: list[tuple[str, str, str]], seconds: float, folder: Path) -> Figure:
        """(req/s, server CPU microseconds per answer, machine idle share) of wrk sending `requests`."""
        cpu, (idle, total) = cpu_seconds(self.process.pid), _idle_and_total()
        rate, _answers = _wrk(self.port, requests, CONNECTIONS, seconds, folder)
        cpu, (idle2, total2) = cpu_seconds(self.process.pid) - cpu, _idle_and_total()
        return rate, cpu / max(rate * seconds, 1) * 1e6, (idle2 - idle) / max(total2 - total, 1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _round(checkout: Path, world: Path, version: str, seconds: float, extra: list[str],
           scratch: Path) -> dict[str, Figure]:
    """Every figure of one checkout for one version, from one server's life."""
    figures: dict[str, Figure] = {}
    served = Served(checkout, world, scratch / "world", extra)
    try:
        shape = World(served.copy)
        for name, path in LISTS.items():
            one = [("GET", f"/api/{version}/{path}/{shape.ids[name]}", "")]
            figures[f"{name}: one record"] = served.load(one, seconds, scratch)
            page = [("GET", f"/api/{version}/{path}?page[per_page]=100&page[page]=1", "")]
            figures[f"{name}: first page of 100"] = served.load(page, seconds, scratch)
        with _writable(served.port, version):
            writes = Writes(served.port, served.copy, version, int(4000 * seconds))
            for name, make in (("accept", writes.accept), ("declaration POST", writes.declare),
                               ("void", writes.void)):
                figures[name] = served.load(make(), seconds, scratch)
    finally:
        served.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("--repo", type=Path, required=True, help="the other checkout")
    parser.add_argument("--versions", default="v1,v3")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--serve-args", default="", help="extra `npq-mock serve` arguments for both")
    args = parser.parse_args()
    checkouts = {"this": REPO, "other": args.repo.resolve()}
    extra = shlex.split(args.serve_args)
    with tempfile.TemporaryDirectory(prefix="npq-served-ab-") as folder:
        scratch = Path(folder)
        (scratch / "world").mkdir()
        for version in args.versions.split(","):
            runs: dict[str, dict[str, list[Figure]]] = defaultdict(lambda: defaultdict(list))
            for _ in range(args.rounds):
                for label, checkout in checkouts.items():
                    figures = _round(checkout, args.world, version, args.seconds, extra, scratch)
                    for name, figure in figures.items():
                        runs[name][label].append(figure)
            print(f"\n{version}: request            this: req/s each round (us CPU/answer, idle)   "
                  "other: same   this/other (medians)")
            for name, by in runs.items():
                cells = {label: ", ".join(f"{r:,.0f} ({c:.0f} us, {i:.0%})" for r, c, i in by[label])
                         for label in checkouts}
                ratio = statistics.median(r for r, _c, _i in by["this"]) / statistics.median(
                    r for r, _c, _i in by["other"])
                print(f"{version}: {name:<31} {cells['this']:<44} {cells['other']:<44} {ratio:.2f}x",
                      flush=True)


if __name__ == "__main__":
    main()
