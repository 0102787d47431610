"""The request hooks (gate, faults, R-17) and the `/__mock__/faults` endpoints."""

from __future__ import annotations

import hashlib
import hmac
import shutil
import tempfile
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from flask import Blueprint, Flask, Response, current_app, request

from mockserver import world
from mockserver.config import Settings
from mockserver.errors import RULE_HEADER, ApiError, InvalidAttribute, render_error
from mockserver.resilience.profile import (
    FAULT_HEADER,
    RATE_LIMIT_DEFAULTS,
    Fault,
    parse_header,
    parse_profile,
    parse_rate_switches,
    rules_of,
    strikes,
)
from mockserver.resilience.turns import Turns
from mockserver.store.limits import Counters, limits_path

EXTENSION = "npq_resilience"
ADMIN_HEADER = "X-NPQ-Mock-Admin"
APPLIED_HEADER = "X-NPQ-Mock-Fault-Applied"
clock = time.time  # R-17's windows follow this clock (tests replace it)
sleep = time.sleep

faults_api = Blueprint("faults_api", __name__, url_prefix="/__mock__")


class Resilience:
    """Per app: the settings it was started with and the shared counters file, whose switches and counters
    belong to the current request's world (each world has its own rate limit and fault profile)."""

    def __init__(self, settings: Settings, counters: Counters) -> None:
        self.settings, self.counters = settings, counters
        self.turns = Turns()  # the process's requests take turns (turns.py); a fault's latency gives it up

    @staticmethod
    def _scope() -> str:
        return f"{world.current_world() or ''}/"

    def switches(self, scope: str | None = None) -> dict[str, Any]:
        """The switches of the current request's world (`scope`: of the world whose scope it is)."""
        scope = self._scope() if scope is None else scope
        return {k[len(scope):]: v for k, v in self.counters.switches().items() if k.startswith(scope)}

    def quiet(self, world_id: str | None) -> bool:
        """Neither a fault profile nor R-17 in force in a world (None: the default one): its requests count
        nothing and none is refused here."""
        switches = self.switches(f"{world_id or ''}/")
        return not switches.get("faults") and not switches.get("rate_limit", self.settings.rate_limit)

    def set_switches(self, values: dict[str, Any]) -> None:
        self.counters.set_switches({self._scope() + key: value for key, value in values.items()})

    def bump(self, key: str) -> int:
        return self.counters.bump(self._scope() + key)

    def forget(self, low: str, high: str) -> None:
        self.counters.forget(self._scope() + low, self._scope() + high)


def _state() -> Resilience:
    return current_app.extensions[EXTENSION]


def resilience(app: Flask) -> Resilience:
    """An app's Resilience, outside a request."""
    return app.extensions[EXTENSION]


def _json(body: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status, headers={"Cache-Control": "no-store", **(headers or {})},
                    content_type="application/json")


# --- 1. the testing-API gate --------------------------------------------------------------------------------

def _gate(state: Resilience) -> Response | None:
    settings = state.settings
    if not settings.testing_api:
        return _json({"error": "Resource not found"}, 404, {RULE_HEADER: "route.not_found"})
    token = settings.testing_api_token
    if token:
        sent = request.headers.get(ADMIN_HEADER, "")
        if not hmac.compare_digest(sent.encode("utf-8", "surrogateescape"), token.encode("utf-8")):
            return _refusal(ApiError.of("testing_api.admin_required"))
    return None


# --- 2. faults ----------------------------------------------------------------------------------------------

def _chosen_fault(state: Resilience, switches: dict[str, Any]) -> tuple[Fault | None, str]:
    header = request.headers.get(FAULT_HEADER)
    if header is not None:
        try:
            return parse_header(header), "header"
        except ValueError as error:
            raise _BadFaultHeader(str(error)) from None
    profile = switches.get("faults")
    if not profile:
        return None, ""
    method, path = request.method, request.path
    for index, rule in enumerate(rules_of(profile)):
        if rule.matches(method, path):
            sequence = state.bump(f"fault:{index:03d}")
            hit = strikes(int(profile["seed"]), index, sequence, rule.rate)
            fault = rule.fault if hit else Fault(rule.fault.latency_ms)
            return (fault if fault.latency_ms or hit else None), f"rule {index}"
    return None, ""


class _BadFaultHeader(Exception):
    pass


def _cut(fault: Fault) -> Response:
    """An answer that promises a body and dies after its first bytes: the client sees the connection cut."""

    def body() -> Iterator[bytes]:
        yield b'{"data":'  # and no more: the server closes the connection short of Content-Length

    return Response(body(), 200, headers={"Content-Length": "4096", APPLIED_HEADER: fault.describe()},
                    content_type="application/json", direct_passthrough=True)


def _fault_answer(fault: Fault) -> Response | None:
    if fault.latency_ms:
        with _state().turns.set_aside():  # the others need not wait for this request's sleep
            sleep(fault.latency_ms / 1000)
    if fault.reset:
        return _cut(fault)
    if fault.status is None:
        return None
    headers = {APPLIED_HEADER: fault.describe()}
    if fault.retry_after is not None:
        headers["Retry-After"] = str(fault.retry_after)
    if fault.status == 500:  # the real service's 500 envelope (behaviour reference 3.2)
        return _json({"error": "Internal server error"}, 500, headers)
    if fault.status == 503:  # a maintenance answer
        return _json({"error": "Service unavailable"}, 503, headers)
    page = f"<html><body><h1>{fault.status}</h1></body></html>"  # what a proxy in front would say
    return Response(page, fault.status, headers=headers, content_type="text/html")


# --- 3. R-17 ------------------------------------------------------------------------------------------------

def _rate_limited(state: Resilience, switches: dict[str, Any]) -> bool:
    if not switches.get("rate_limit", state.settings.rate_limit):
        return False
    header = request.headers.get("Authorization")
    if not header:  # Rack::Attack's discriminator is nil: the request is not counted
        return False
    limit = int(switches.get("rate_limit_requests", RATE_LIMIT_DEFAULTS["rate_limit_requests"]))
    period = int(switches.get("rate_limit_period", RATE_LIMIT_DEFAULTS["rate_limit_period"]))
    window = int(clock() // period)
    # Only a digest of the Authorization value is kept: tokens are never recorded.
    digest = hashlib.sha256(header.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    head = f"rl:{period:06d}:"
    count = state.bump(f"{head}{window:012d}:{digest}")
    if count == 1:
        state.forget(head, f"{head}{window:012d}")  # earlier windows
    return count > limit


def _throttled() -> Response:
    # Rack::Attack's default throttled response: 429, text/plain, "Retry later\n", no Retry-After.
    return Response("Retry later\n", 429, content_type="text/plain", headers={RULE_HEADER: "rate_limit.r17"})


def _before() -> Response | None:
    path = request.path
    state = _state()
    if path == "/__mock__" or path.startswith("/__mock__/"):
        return _gate(state)
    if not path.startswith("/api/"):
        return None
    switches = state.switches()
    try:
        fault, _source = _chosen_fault(state, switches)
    except _BadFaultHeader as error:
        return _refusal(ApiError.of("fault.header_invalid", detail=str(error)))
    if fault is not None:
        answer = _fault_answer(fault)
        if answer is not None:
            return answer
    if _rate_limited(state, switches):
        return _throttled()
    return None


# --- the testing API's part ---------------------------------------------------------------------------------

def current_switches() -> dict[str, Any]:
    """R-17's switches as GET /__mock__/settings shows them."""
    state = _state()
    stored = state.switches()
    return {"rate_limit": bool(stored.get("rate_limit", state.settings.rate_limit)),
            **{k: stored.get(k, v) for k, v in RATE_LIMIT_DEFAULTS.items()}}


def validate_switches(body: dict[str, Any]) -> dict[str, Any]:
    """The R-17 members of a settings body, validated (InvalidAttribute otherwise); store them with
    store_switches once every other member is valid too."""
    return parse_rate_switches(body)


def store_switches(changes: dict[str, Any]) -> None:
    if changes:
        _state().set_switches(changes)
        _state().forget("rl:", "rl;")  # new limits: every window starts again


def _refusal(error: ApiError) -> Response:
    """The catalogue's envelope for a refusal decided before (or outside) the routes' error handler."""
    status, body, headers = render_error(error)
    return Response(body, status, headers={"Cache-Control": "no-store", **headers},
                    content_type="application/json")


def _profile_answer() -> Response:
    return _json({"faults": _state().switches().get("faults")}, 200)


@faults_api.get("/faults")
def get_faults() -> Response:
    """The fault profile in force (null: none)."""
    return _profile_answer()


@faults_api.put("/faults")
def put_faults() -> Response:
    """Replace the fault profile; its sequence numbers start again, so a seeded profile repeats itself."""
    try:
        body = orjson.loads(request.get_data() or b"null")
    except orjson.JSONDecodeError:
        body = None
    if not isinstance(body, dict):
        return _refusal(ApiError.of("request.bad_json_structure"))
    try:
        profile = parse_profile(body)
    except InvalidAttribute as error:
        return _refusal(error)
    state = _state()
    state.set_switches({"faults": profile})
    state.forget("fault:", "fault;")
    return _profile_answer()


@faults_api.delete("/faults")
def delete_faults() -> Response:
    """No faults any more."""
    state = _state()
    state.set_switches({"faults": None})
    state.forget("fault:", "fault;")
    return _profile_answer()


def install(app: Flask) -> Resilience:
    settings: Settings = app.extensions[world.EXTENSION].settings
    # An app over a connection factory (tests) has no world file: its counters go to a private folder.
    path = settings.db_path
    if path is None:
        folder = Path(tempfile.mkdtemp(prefix="npq-mock-limits-"))
        weakref.finalize(app, shutil.rmtree, folder, ignore_errors=True)  # gone with the app, like its world
        path = folder / "world"
    counters = Counters(limits_path(path))
    counters.conn()  # create the file now, in the process that prepared the world
    state = app.extensions[EXTENSION] = Resilience(settings, counters)
    app.before_request(_before)
    app.register_blueprint(faults_api)
    return state
