"""npq-contract: run the contract suite against a server and say whether it honours NPQ API v1, v2 or v3."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parent


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="npq-contract",
        description="Check that a server honours the NPQ lead provider API contract (v3, v2 or v1) and its "
        "rules. "
        "Exits 0 exactly when every check passed (skips are listed with their reason). "
        "Unrecognised arguments go to pytest (e.g. -k auth, -x, -q).",
    )
    parser.add_argument(
        "--base-url", default=os.environ.get("NPQ_BASE_URL"), help="server root (env NPQ_BASE_URL)"
    )
    parser.add_argument("--token", default=os.environ.get("NPQ_TOKEN"), help="provider token (env NPQ_TOKEN)")
    parser.add_argument(
        "--other-token",
        default=os.environ.get("NPQ_OTHER_TOKEN"),
        help="another provider's token (env NPQ_OTHER_TOKEN)",
    )
    parser.add_argument(
        "--api-version",
        choices=("v1", "v2", "v3"),
        default=os.environ.get("NPQ_API_VERSION") or "v1",
        help="API version to check: its paths (/api/v3/...), OpenAPI document and rules "
        "(env NPQ_API_VERSION; default v1)",
    )
    parser.add_argument(
        "--spec", help="OpenAPI document to check against (default: the kit's document for --api-version)"
    )
    parser.add_argument("--junit-xml", help="write a JUnit XML report here (for CI)")
    parser.add_argument("--html", metavar="FILE", help="write one self-contained HTML report here")
    parser.add_argument("--read-only", action="store_true", help="run only the checks that change nothing")
    parser.add_argument(
        "--quick", action="store_true", help="a fast smoke run: few generated cases, no stateful"
    )
    parser.add_argument("--max-examples", type=int, help="generated examples per operation")
    parser.add_argument("--seed", type=int, help="seed for generated data (fixed by default)")
    parser.add_argument(
        "--rate-limit-pause", type=float, help="R-17: seconds to pause after a 429, then re-send (default 5)"
    )
    parser.add_argument(
        "--rate-limit-max-wait",
        type=float,
        help="R-17: most seconds one request waits out the rate limit before its check is skipped (330)",
    )
    parser.add_argument(
        "--list-budget", type=float, help="seconds a check may spend reading one whole list (default 120)"
    )
    return parser


def pytest_args(ns: argparse.Namespace, extra: list[str]) -> list[str]:
    """The pytest command line equivalent to these options."""
    args = [
        str(PACKAGE_DIR),
        "-c",
        str(PACKAGE_DIR / "pytest.ini"),
        "--rootdir",
        str(PACKAGE_DIR),
        "-q",
        "--tb=short",
    ]
    args += ["--base-url", ns.base_url, "--token", ns.token, "--api-version", ns.api_version]
    if ns.other_token:
        args += ["--other-token", ns.other_token]
    if ns.spec:
        args += ["--spec", str(Path(ns.spec).resolve())]
    if ns.junit_xml:
        args += ["--junit-xml", str(Path(ns.junit_xml).resolve())]
    if ns.html:
        args += ["--html-report", str(Path(ns.html).resolve())]
    for flag in ("read_only", "quick"):
        if getattr(ns, flag):
            args.append("--" + flag.replace("_", "-"))
    for opt in ("max_examples", "seed", "rate_limit_pause", "rate_limit_max_wait", "list_budget"):
        if getattr(ns, opt) is not None:
            args += ["--" + opt.replace("_", "-"), str(getattr(ns, opt))]
    return args + extra


def main(argv: list[str] | None = None) -> int:
    ns, extra = build_parser().parse_known_args(argv)
    if not ns.base_url or not ns.token:
        build_parser().error("--base-url and --token are required (or set NPQ_BASE_URL and NPQ_TOKEN)")
    return int(pytest.main(pytest_args(ns, extra)))


if __name__ == "__main__":
    sys.exit(main())
