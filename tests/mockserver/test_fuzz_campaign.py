"""The fuzzing campaign (benchmarks/fuzz.py), short and seeded: it finds nothing wrong with the mock, and it
does find a 500 that hides behind a real record's URL (the outcome 500 of issue 11), which it only reaches
because its record URLs name records the world has."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from benchmarks import fuzz
from benchmarks.campaigns import served
from mockserver.app import create_app
from mockserver.config import Settings
from tests.contract_tests.harness import serve

OUTCOMES = r"/participants/npq/\{id\}/outcomes$"


def _outcome_bug(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """The mock as it was before the fix: a 500 where a real participant's outcome names its course with a
    JSON object or array (the domain hashed it) instead of the 422 "course not recognised"."""

    def broken(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] != "POST" or not environ["PATH_INFO"].endswith("/outcomes"):
            return app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        captured: dict[str, Any] = {}
        chunks = b"".join(app(environ, lambda status, headers, *_: captured.update(status=status,
                                                                                     headers=headers)))
        try:
            course = json.loads(body)["data"]["attributes"]["course_identifier"]
        except (ValueError, TypeError, KeyError):
            course = ""
        if captured["status"].startswith("422") and isinstance(course, (dict, list)):
            start_response("500 Internal Server Error", [("Content-Type", "application/json")])
            return [b'{"error":"Internal server error"}']
        start_response(captured["status"], captured["headers"])
        return [chunks]

    return broken


def test_a_short_seeded_campaign_finds_nothing_wrong_with_the_served_mock() -> None:
    # The generated and stateful phases over every v3 operation (the coverage phase, ~1,500 more requests,
    # is the next test's, over the outcome operations; benchmarks/fuzz.py runs every phase everywhere).
    with served(workers=2, applications=40) as server:
        results = fuzz.campaign(f"http://127.0.0.1:{server.port}", ["v3"], examples=3, seed=11,
                                phases="examples,fuzzing,stateful")
    [v3] = results
    assert v3.requests > 100, v3.line()
    assert (v3.server_errors, v3.failures, v3.errors) == (0, {}, []), v3.line()


def test_the_campaign_reaches_a_500_behind_a_real_participants_url(tmp_path: Path) -> None:
    app = _outcome_bug(create_app(Settings(db_path=tmp_path / "world.sqlite3", applications=200, seed=3)))
    with serve(app) as base:
        [with_ids] = fuzz.campaign(base, ["v3"], examples=5, seed=11, include=OUTCOMES)
        [without] = fuzz.campaign(base, ["v3"], examples=5, seed=11, include=OUTCOMES, real_ids=False)
    assert with_ids.server_errors > 0, with_ids.line()
    assert "POST /api/v3/participants/npq/{id}/outcomes" in with_ids.failures.get("Server error", []), \
        with_ids.line()
    # Generated ids alone name no participant: every such request is a 404 and the bug stays hidden.
    assert without.server_errors == 0, without.line()
