"""npq-mock: run the stateful NPQ lead provider API v1 mock, or build a world file to serve later."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from mockserver.config import Settings
from mockserver.reference import FixturesError, load_reference

DESCRIPTION = """\
A stateful mock of the DfE NPQ lead provider API v1 (/api/v1/...), for developing and testing an
integration without the real sandbox. It serves a generated world of applications, participants,
declarations and outcomes for the eight lead providers, follows the real service's rules, and adds a
testing API under /__mock__/ (reset, clock, create applications, move declarations to paid, ...).

Every option also reads an environment variable, e.g. NPQ_MOCK_PORT, NPQ_MOCK_SEED, NPQ_MOCK_DB_PATH."""

EPILOG = """\
examples:
  npq-mock serve                          a fresh world on http://127.0.0.1:8000, gone when stopped
  npq-mock serve --port 9000 --seed 7     another port, another (repeatable) world
  npq-mock serve --db world.sqlite3       keep the world (and your changes) across restarts
  npq-mock serve --applications 100000    a big world, for load and pagination tests
  npq-mock seed --db world.sqlite3        build the world file now, serve it later

then, for example:
  curl -H 'Authorization: Bearer ambition-token' http://127.0.0.1:8000/api/v1/npq-applications
  curl http://127.0.0.1:8000/__mock__/lead-providers      (every provider and its token)

tokens: ambition-token, best-practice-token, coe-token, llse-token, niot-token, school-led-token,
        teach-first-token, ucl-token (one per lead provider, from the fixtures)."""


def _world_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, help="world seed: same seed, same data (default 1)")
    parser.add_argument("--db", type=Path, dest="db_path", metavar="PATH",
                        help="world file: reopened if it exists (not reseeded), else created and seeded")
    parser.add_argument("--fixtures", type=Path, dest="fixtures_dir", metavar="DIR",
                        help="your own reference data folder (lead_providers.yaml, cohorts.yaml, ...)")
    parser.add_argument("--applications", type=int, metavar="N",
                        help="generate N applications (default: a 400-application demonstration world)")


def parser() -> argparse.ArgumentParser:
    """The command line, with help a newcomer can follow."""
    root = argparse.ArgumentParser(prog="npq-mock", description=DESCRIPTION, epilog=EPILOG,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = root.add_subparsers(dest="command", metavar="{serve,seed}")
    serve = commands.add_parser("serve", help="seed a world (or reopen --db) and serve it",
                                description="Seed a world (or reopen --db) and serve it with granian.",
                                epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000)")
    serve.add_argument("--workers", type=int, help="worker processes sharing the world file (default 2)")
    serve.add_argument("--journal-size", type=int, metavar="N",
                       help="keep the latest N requests in the request journal (default 1000; 0: off)")
    serve.add_argument("--max-worlds", type=int, metavar="N",
                       help="how many worlds (POST /__mock__/worlds) may exist at once (default 50)")
    serve.add_argument("--rate-limit", action="store_true", default=None,
                       help="R-17: 1000 requests per 5 minutes per token, then 429 (default: off)")
    serve.add_argument("--testing-api-token", metavar="TOKEN",
                       help="the testing API (/__mock__/) then needs the header X-NPQ-Mock-Admin: TOKEN")
    serve.add_argument("--no-testing-api", action="store_false", dest="testing_api", default=None,
                       help="serve no testing API at all (/__mock__/ answers 404), as the real service")
    serve.add_argument("--threads", type=int, metavar="N",
                       help="threads per worker (default 4): how many slow clients a worker outlasts")
    serve.add_argument("--body-timeout", type=int, metavar="S",
                       help="seconds a client has to send a request body, else 408 (default 30; 0: "
                            "none; see mockserver/resilience/body.py)")
    _world_options(serve)
    seed = commands.add_parser("seed", help="build a world file and exit",
                               description="Build a world file (use with serve --db later) and exit.")
    _world_options(seed)
    seed.add_argument("--force", action="store_true", help="replace the world if the file already holds one")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the npq-mock console script."""
    args = parser().parse_args(argv)
    if args.command is None:
        parser().print_help()
        return 0
    options = {k: v for k, v in vars(args).items() if k not in ("command", "force")}
    try:
        settings = Settings.from_env().with_overrides(**options)
        load_reference(settings.fixtures_dir)  # a bad --fixtures folder: one clear line, not a traceback
    except (FixturesError, ValueError) as exc:
        print(f"npq-mock: {exc}", file=sys.stderr)
        return 2
    if args.command == "seed":
        return _seed(settings, force=args.force)
    from mockserver.serve import serve  # imports granian only when serving

    return serve(settings)


def _seed(settings: Settings, *, force: bool) -> int:
    from mockserver.seed import prepare_database, remove_database

    if settings.db_path is None:
        print("npq-mock seed: --db PATH (or NPQ_MOCK_DB_PATH) is required", file=sys.stderr)
        return 2
    if force:
        remove_database(settings.db_path)
    started = time.perf_counter()
    path = prepare_database(settings)
    print(f"world ready in {path} ({time.perf_counter() - started:.1f} s); "
          f"serve it with: npq-mock serve --db {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
