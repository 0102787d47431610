"""Side by side with Stoplight Prism on one machine, in one run: the same wrk load on both, and the ratios.

Run: .venv/bin/python benchmarks/bench_prism.py [--applications 100000] [--seconds 10] [--prism DIR]

Prism is not a dependency: it is installed with npm into a temporary folder (or --prism DIR) when asked, and
serves DfE's published v3 document statically (`prism mock -v silent`). The mock serves a world of
--applications from `--db`. wrk (apt-get install wrk) drives both: 2 threads, 16 connections. Loopback only.
Prints req/s per request on both, the ratios (mock / Prism), the last page against the first, and RSS.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.bench_mock import seed_seconds, start_server, wrk_load  # noqa: E402
from mockserver.store.db import connect  # noqa: E402

TOKEN = "ambition-token"
DFE_V3 = REPO.parent / "shared" / "reference" / "upstream-npq-v3-swagger.yaml"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prism(folder: Path | None) -> Path:
    """The prism executable: in --prism DIR, or installed now into a temporary folder with npm."""
    if folder is not None and (folder / "node_modules" / ".bin" / "prism").exists():
        return folder / "node_modules" / ".bin" / "prism"
    target = Path(tempfile.mkdtemp(prefix="npq-prism-"))
    subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "@stoplight/prism-cli@5"],
                   cwd=target, check=True, timeout=600)
    return target / "node_modules" / ".bin" / "prism"


def _serve_prism(prism: Path, spec: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    process = subprocess.Popen([str(prism), "mock", "-p", str(port), "-v", "silent", str(spec)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v3/npq-applications",
                                             headers={"Authorization": f"Bearer {TOKEN}"})
            with urllib.request.urlopen(request, timeout=2):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("Prism did not answer within 60 s")


def _rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, MiB (from /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            todo.extend(int(c) for c in children)
        except (OSError, StopIteration):
            continue
    return total / 1024


def _mock_urls(world: Path) -> dict[str, str]:
    conn = connect(world)
    provider = conn.execute("SELECT id FROM lead_providers WHERE token = ?", (TOKEN,)).fetchone()[0]
    count, app_id = conn.execute(
        "SELECT COUNT(*), MAX(id) FROM applications WHERE lead_provider_id = ?", (provider,)).fetchone()
    conn.close()
    last = max(1, count // 100)
    return {
        "one application": f"/api/v3/npq-applications/{app_id}",
        "a page of 100 (first)": "/api/v3/npq-applications?page[per_page]=100&page[page]=1",
        f"a page of 100 (last, {last})": f"/api/v3/npq-applications?page[per_page]=100&page[page]={last}",
        "a page of 100 declarations": "/api/v3/participant-declarations?page[per_page]=100",
    }


PRISM_URLS = {
    "one application": "/api/v3/npq-applications/00000000-0000-4000-8000-000000000000",
    "a list (its example)": "/api/v3/npq-applications",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--prism", type=Path, default=None, help="a folder where prism is installed")
    parser.add_argument("--spec", type=Path, default=DFE_V3, help="the document Prism serves")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="npq-vs-prism-") as folder:
        world, seeded = seed_seconds(Path(folder), args.applications)
        print(f"seeded {args.applications:,} applications in {seeded:.1f} s", flush=True)
        prism_process, prism_port = _serve_prism(_prism(args.prism), args.spec)
        mock_process, mock_port, startup = start_server(world)
        print(f"mock: first answer {startup:.2f} s after start", flush=True)
        try:
            prism = {name: wrk_load(prism_port, url, args.connections, args.seconds)
                     for name, url in PRISM_URLS.items()}
            mock = {name: wrk_load(mock_port, url, args.connections, args.seconds)
                    for name, url in _mock_urls(world).items()}
            for name, rate in prism.items():
                print(f"prism  {name:<32} {rate:8.0f} req/s", flush=True)
            for name, rate in mock.items():
                peer = prism["one application" if name == "one application" else "a list (its example)"]
                print(f"mock   {name:<32} {rate:8.0f} req/s   {rate / peer:5.2f}x Prism", flush=True)
            first, last = (v for k, v in mock.items() if k.startswith("a page of 100 ("))
            print(f"mock   last page / first page: {first / last:.2f}x slower", flush=True)
            print(f"RSS after the load: Prism {_rss_mib(prism_process.pid):.0f} MiB, "
                  f"mock {_rss_mib(mock_process.pid):.0f} MiB (all processes)", flush=True)
        finally:
            for process in (prism_process, mock_process):
                process.terminate()
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
