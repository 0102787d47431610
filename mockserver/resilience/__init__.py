"""Operating the mock in hostile conditions: R-17's rate limit, fault profiles for integrators' retry logic,
who may use the testing API (`--testing-api-token`, `--no-testing-api`), and how long a body may take.

`init_app(app)` is the one call the app factory makes. Every request runs, in this order:

1. the testing-API gate, on `/__mock__/...` only: 404 when the testing API is off; 403 without the
   `X-NPQ-Mock-Admin` header when a token is set;
2. on `/api/...` only: the fault for this request (its `X-NPQ-Mock-Fault` header, else the first matching
   rule of the fault profile): latency, then maybe a 500/502/503/504 or a cut connection;
0. (WSGI middleware, resilience/body.py) a body must arrive within `--body-timeout` seconds (30 by
   default), else 408; then (resilience/turns.py) the request waits for its process's turn to run the app
   (stored reads and Flask), at most 50 ms;
3. on `/api/...` only, when on: R-17, 1000 requests per 5 minutes per `Authorization` value, then
   `429 Retry later` (Rack::Attack's answer, exactly).

The switches and counters live in `<world>.limits.sqlite3` (mockserver/store/limits.py), shared by every
worker process and kept across `POST /__mock__/reset` (they describe the server, not the world).
"""

from __future__ import annotations

from flask import Flask

from mockserver.resilience.body import body_deadline
from mockserver.resilience.hooks import install
from mockserver.resilience.turns import taking_turns

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    """Gate the testing API, inject faults, rate-limit (each off unless asked for); bound body reads; let the
    process's requests take turns. The last two wrap the app's WSGI callable as it is at the call, so every
    layer that must run in the turn (stored reads) is put on it before (app.py)."""
    state = install(app)
    settings = app.extensions["npq_mock"].settings
    turned = taking_turns(app.wsgi_app, state.turns)
    app.wsgi_app = body_deadline(turned, settings.body_timeout, settings.max_body_bytes)  # type: ignore[method-assign]
