"""Fuzzing campaign: Schemathesis-generated requests against the production server (`npq-mock serve`,
granian), over the testing API and every API version: how many requests, how many answers of 5xx, how many
responses that break our own documents.

Run: python benchmarks/fuzz.py [--examples 40] [--min-requests 10000] [--seed 1] [--targets testing,v1,v2,v3]
     python benchmarks/fuzz.py --url http://127.0.0.1:8000 --targets v3      (a server already running)

Each run is one `schemathesis run` of a target's document with every phase (examples, coverage, fuzzing,
stateful) in both modes (positive and negative data), seeded, one worker, the checks that judge the server
against the document (no 5xx, documented status, content type and schema). Requests are counted from the
run's HAR report, so the figure is what was sent, not what was planned. `{id}` in paths is a real record of
the served world about half the time (benchmarks/fuzz_hooks.py): without that every record URL is a 404 and
the rules behind it are never reached (the outcome 500 of issue 11 hid there).

The testing API goes first, so whatever it stores is then read back: every page of every list of every
version, validated against that version's document (a value the testing API accepts but the API cannot
render shows up here), with the fault profile off and the settings that change answers (rate limit, v3 epoch,
drift switches) as the documents describe. Then the world is reset and each API version is fuzzed. A
request may take minutes: the coverage phase asks for worlds of the documented maximum size (100,000
applications), which the mock builds while the client waits.

Each target is run with --seed, then --seed + 1, ... until it has sent --min-requests (10,000 by default):
the figure the campaign promises, reached the same way on any machine. The test suite runs short versions
(tests/mockserver/test_fuzz_campaign.py).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
import schemathesis
import yaml

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.campaigns import served  # noqa: E402
from benchmarks.fuzz_hooks import IDS_FILE_ENV, kind_of  # noqa: E402
from npq_lead_provider_kit.resources import TESTING_API_SPEC, openapi_path  # noqa: E402

TOKEN = "ambition-token"
VERSIONS = ("v1", "v2", "v3")
TARGETS = ("testing", *VERSIONS)
PHASES = "examples,coverage,fuzzing,stateful"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# The record lists whose ids the hooks use, read through v3 (it has every kind).
ID_LISTS = {
    "applications": "/api/v3/npq-applications",
    "participants": "/api/v3/participants/npq",
    "declarations": "/api/v3/participant-declarations",
    "statements": "/api/v3/statements",
    "delivery_partners": "/api/v3/delivery-partners",
}


@dataclass
class Figures:
    """What one target's run sent and found."""

    target: str
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: dict[str, list[str]] = field(default_factory=dict)  # failure title -> operations
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, other: Figures) -> None:
        """Count another run of the same target in."""
        self.requests += other.requests
        self.statuses.update(other.statuses)
        for title, operations in other.failures.items():
            self.failures.setdefault(title, []).extend(o for o in operations if o not in self.failures[title])
        self.errors += other.errors
        self.seconds += other.seconds

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    def line(self) -> str:
        found = "; ".join(f"{title}: {', '.join(ops)}" for title, ops in self.failures.items()) or "none"
        return (f"{self.target:<8} {self.requests:>7,} requests in {self.seconds:6.1f} s, "
                f"{self.server_errors} answers of 5xx, failures: {found}"
                + (f", errors: {self.errors}" if self.errors else ""))


def document(target: str) -> Path:
    return openapi_path(TESTING_API_SPEC) if target == "testing" else openapi_path(version=target)


def collect_ids(base: str, headers: dict[str, str], per_list: int = 50) -> dict[str, list[str]]:
    """Ids of records the world has, per kind (first page of each v3 list; participants by their id)."""
    found: dict[str, list[str]] = {}
    for kind, path in ID_LISTS.items():
        response = requests.get(f"{base}{path}", params={"page[per_page]": per_list}, headers=headers,
                                timeout=30)
        data = response.json().get("data", []) if response.ok else []
        found[kind] = [item["id"] for item in data if isinstance(item, dict) and "id" in item]
    return found


def with_real_ids(source: Path, ids: dict[str, list[str]], folder: Path) -> Path:
    """A copy of a document whose record URLs carry, as the `{id}` parameter's example, a record of the
    right kind from the served world. The examples and coverage phases build their cases around examples
    (the hooks only reach the generated phases): so a wrong-typed body member, say, is also sent to a real
    participant's URL, past the 404 every made-up id gets."""
    document = yaml.load(source.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    shared = document.get("components", {}).get("parameters", {}).get("id")
    for path, operations in document.get("paths", {}).items():
        known = ids.get(kind_of(path) or "")
        if not known:
            continue
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            parameters = operation.get("parameters", [])
            for index, parameter in enumerate(parameters):
                if parameter == {"$ref": "#/components/parameters/id"} and shared:
                    parameters[index] = parameter = dict(shared)
                if parameter.get("in") == "path" and parameter.get("name") == "id":
                    parameters[index] = {**parameter, "example": known[0]}
    copy = folder / source.name
    copy.write_text(yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False), encoding="utf-8")
    return copy


def fuzz(target: str, base: str, headers: dict[str, str], *, examples: int, seed: int, ids: Path,
         folder: Path, timeout: float, include: str | None = None, phases: str = PHASES) -> Figures:
    """One seeded `schemathesis run` of a target's document against `base` (only the operations whose path
    matches `include`, a regular expression, when given)."""
    reports = folder / f"reports-{target}-{seed}"
    known = json.loads(ids.read_text(encoding="utf-8"))
    source = with_real_ids(document(target), known, folder) if known else document(target)
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", str(source), "--url", base,
        # The stateful phase follows links between operations: with only some operations included it has
        # none to follow (and says so as an error).
        "--phases", phases if not include else phases.replace(",stateful", ""), "--mode", "all",
        "--max-examples", str(examples),
        "--seed", str(seed), "--workers", "1", "--checks", CHECKS, "--continue-on-failure", "--no-shrink",
        "--request-timeout", "300", "--report", "har,json", "--report-dir", str(reports),
        "--suppress-health-check", "all", "--warnings", "off",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    if include:
        command += ["--include-path-regex", include]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "benchmarks.fuzz_hooks", IDS_FILE_ENV: str(ids),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    started = time.perf_counter()
    figures = Figures(target)
    try:
        subprocess.run(command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        figures.errors.append(f"the run did not end within {timeout:.0f} s")
    figures.seconds = time.perf_counter() - started
    _read_reports(reports, figures)
    return figures


def _read_reports(reports: Path, figures: Figures) -> None:
    har = next(reports.glob("har-*.json"), None)
    report = next(reports.glob("json-*.json"), None)
    if har is None or report is None:
        figures.errors.append(f"no Schemathesis reports in {reports}")
        return
    entries = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]
    figures.requests = len(entries)
    figures.statuses = Counter(entry["response"]["status"] for entry in entries)
    run = json.loads(report.read_text(encoding="utf-8"))
    figures.failures = {failure["title"]: failure["operations"] for failure in run.get("failures", [])}
    figures.errors += [str(error.get("title") or error) for error in run.get("errors", [])]


def read_back(base: str, headers: dict[str, str], max_pages: int = 20) -> Figures:
    """Every page (up to max_pages) of every list of every version, validated against its document."""
    figures = Figures("read-back")
    started = time.perf_counter()
    for version in VERSIONS:
        schema = schemathesis.openapi.from_path(document(version))
        for operation in (result.ok() for result in schema.get_all_operations()):
            if operation.method.upper() != "GET" or "{" in operation.path:
                continue
            for page in range(1, max_pages + 1):
                response = requests.get(f"{base}{operation.path}", params={"page[page]": page},
                                        headers=headers, timeout=30)
                figures.requests += 1
                figures.statuses[response.status_code] += 1
                try:
                    operation.validate_response(response)
                except (AssertionError, BaseExceptionGroup) as found:  # one failure, or a FailureGroup
                    for failure in getattr(found, "exceptions", (found,)):
                        figures.failures.setdefault(getattr(failure, "title", str(failure)), []).append(
                            f"{operation.method.upper()} {operation.path}?page[page]={page}")
                if not _more_pages(response):
                    break
    figures.seconds = time.perf_counter() - started
    return figures


def _more_pages(response: requests.Response) -> bool:
    if response.status_code != 200 or "json" not in response.headers.get("Content-Type", ""):
        return False
    data = response.json().get("data")
    return isinstance(data, list) and len(data) > 0


# The settings that change what the API answers, at the values our documents describe (the testing API's
# fuzzing switches them at random: v3 at its August 2025 epoch, say, answers the shapes of that time).
DOCUMENTED_SETTINGS = {"rate_limit": False, "v3_epoch": "head", "drift_reject_requires_reason": False,
                       "drift_accept_ignores_withdrawn": False, "drift_outcome_invalid_date_400": False}


def documented_behaviour(base: str) -> None:
    """No fault profile, and the settings our documents describe; the world's records stay as they are."""
    requests.delete(f"{base}/__mock__/faults", timeout=30)
    requests.put(f"{base}/__mock__/settings", json=DOCUMENTED_SETTINGS, timeout=30)


def campaign(base: str, targets: list[str], *, examples: int, seed: int, token: str = TOKEN,
             timeout: float = 3600, include: str | None = None, real_ids: bool = True,
             min_requests: int = 0, phases: str = PHASES) -> list[Figures]:
    """Every target against the server at `base`; the figures of each (and of the read-back). A target is
    run again with the next seed until it has sent `min_requests`. `real_ids` False leaves record URLs as
    generated (to show what the real ids reach)."""
    headers = {"Authorization": f"Bearer {token}"}
    results = []
    with tempfile.TemporaryDirectory(prefix="npq-fuzz-") as temporary:
        folder = Path(temporary)
        ids = folder / "ids.json"
        for target in targets:
            figures, run_seed = Figures(target), seed
            while True:  # one run per seed (seed, seed + 1, ...) until min_requests were sent
                known = collect_ids(base, headers) if real_ids and target != "testing" else {}
                ids.write_text(json.dumps(known), encoding="utf-8")
                run = fuzz(target, base, headers, examples=examples, seed=run_seed, ids=ids, folder=folder,
                           timeout=timeout, include=include, phases=phases)
                figures.add(run)
                if figures.requests >= min_requests or run.requests == 0 or run.errors:
                    break
                run_seed += 1
            results.append(figures)
            print(figures.line(), flush=True)
            if target == "testing":
                documented_behaviour(base)
                checked = read_back(base, headers)
                results.append(checked)
                print(checked.line(), flush=True)
                requests.post(f"{base}/__mock__/reset", json={}, timeout=300)  # the world as seeded
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=40, help="Schemathesis --max-examples per target")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--min-requests", type=int, default=10_000,
                        help="per target: runs again with the next seed until this many were sent")
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--applications", type=int, default=200, help="size of the served world")
    parser.add_argument("--workers", type=int, default=2, help="granian workers of the served mock")
    parser.add_argument("--url", default=None, help="fuzz this running server instead of starting one")
    parser.add_argument("--token", default=TOKEN)
    parser.add_argument("--include", default=None, help="only operations whose path matches this regex")
    args = parser.parse_args(argv)
    targets = [t for t in args.targets.split(",") if t]
    unknown = sorted(set(targets) - set(TARGETS))
    if unknown:
        parser.error(f"unknown targets {unknown}; known: {', '.join(TARGETS)}")
    if args.url:
        results = campaign(args.url.rstrip("/"), targets, examples=args.examples, seed=args.seed,
                           token=args.token, include=args.include, min_requests=args.min_requests)
    else:
        with served(workers=args.workers, applications=args.applications) as server:
            results = campaign(f"http://127.0.0.1:{server.port}", targets, examples=args.examples,
                               seed=args.seed, token=args.token, include=args.include,
                               min_requests=args.min_requests)
    bad = sum(r.server_errors + len(r.failures) + len(r.errors) for r in results)
    total = sum(r.requests for r in results)
    print(f"total: {total:,} requests, {sum(r.server_errors for r in results)} answers of 5xx, "
          f"{bad} findings", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
