"""The fault catalogue: each broken server, the suite selection that must catch it, and the failing check."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.contract_tests.faults import (
    UUID,
    WSGIApp,
    call,
    edit_json,
    json_response,
    middleware,
    path_is,
    records,
    request_json,
    with_query,
)

APPS = r"/api/v1/npq-applications"
DECLS = r"/api/v1/participant-declarations"


@dataclass(frozen=True)
class Fault:
    name: str
    wrap: Callable[[WSGIApp], WSGIApp]
    select: str  # pytest -k expression choosing the checks that must catch it
    fails: str  # text the summary's FAIL line must contain
    sandbox: bool = False  # serve it as a real sandbox looks: the testing API (/__mock__/) hidden
    quick: bool = True  # False: the catching check is one --quick leaves out (marked slow)
    version: str = "v1"  # the --api-version the suite runs with against it


def _attrs(edit: Callable[[dict, dict], None], when: Callable[[dict], bool]) -> Callable[[WSGIApp], WSGIApp]:
    """Edit the attributes of every record in matching JSON answers."""

    def transform(app: WSGIApp, environ: dict) -> Any:
        resp = call(app, environ)
        if not when(environ):
            return resp

        def apply(payload: Any) -> Any:
            for rec in records(payload):
                if isinstance(rec.get("attributes"), dict):
                    edit(rec, rec["attributes"])
            return payload

        return edit_json(resp, apply)

    return middleware(transform)


def _on(pattern: str, method: str | None = None) -> Callable[[dict], bool]:
    return lambda env: path_is(env, pattern, method)


def _replace_error(
    pattern: str, method: str, detail_part: str, new: Callable[[WSGIApp, dict], Any]
) -> Callable:
    """When the mock refuses with a 422 containing `detail_part`, answer `new(app, environ)` instead."""

    def transform(app: WSGIApp, environ: dict) -> Any:
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        import io

        fresh = dict(environ, **{"wsgi.input": io.BytesIO(raw)})
        resp = call(app, fresh)
        if (
            path_is(environ, pattern, method)
            and resp[0].startswith("422")
            and detail_part in resp[2].decode()
        ):
            return new(app, dict(environ, **{"wsgi.input": io.BytesIO(raw)}), raw)
        return resp

    return middleware(transform)


def _uuid_in(path: str) -> str:
    found = re.search(UUID, path)
    return found.group(0) if found else ""


def _fake_declaration(app: WSGIApp, environ: dict, raw: bytes) -> Any:
    attrs = json.loads(raw)["data"]["attributes"]
    return json_response(
        "200 OK",
        {
            "data": {
                "id": "5b0b2c4e-3f7e-4c1a-9a55-0d7c1f9e2a10",
                "type": "participant-declaration",
                "attributes": {
                    "participant_id": attrs.get("participant_id"),
                    "declaration_type": attrs.get("declaration_type"),
                    "course_identifier": attrs.get("course_identifier"),
                    "declaration_date": "2023-11-01T10:00:00Z",
                    "state": "submitted",
                    "has_passed": None,
                    "voided": False,
                    "eligible_for_payment": False,
                    "updated_at": "2024-06-01T12:00:00Z",
                },
            }
        },
    )


def _show_instead(kind: str) -> Callable[[WSGIApp, dict, bytes], Any]:
    def new(app: WSGIApp, environ: dict, raw: bytes) -> Any:
        rid = _uuid_in(environ["PATH_INFO"])
        return call(app, request_json("GET", f"/api/v1/{kind}/{rid}", environ))

    return new


def _void_noop(app: WSGIApp, environ: dict) -> Any:
    if not path_is(environ, rf"{DECLS}/{UUID}/void", "PUT"):
        return call(app, environ)
    rid = _uuid_in(environ["PATH_INFO"])
    resp = call(app, request_json("GET", f"{DECLS}/{rid}", environ))

    def fake(payload: Any) -> Any:
        for rec in records(payload):
            rec["attributes"].update(state="voided", voided=True, eligible_for_payment=False)
        return payload

    return edit_json(resp, fake)


def _query(pattern: str, edit: Callable[[list], list]) -> Callable[[WSGIApp], WSGIApp]:
    def transform(app: WSGIApp, environ: dict) -> Any:
        return call(app, with_query(environ, edit) if path_is(environ, pattern) else environ)

    return middleware(transform)


def _drop(name: str) -> Callable[[list], list]:
    return lambda q: [(k, v) for k, v in q if k != name]


def _default_page_50(q: list) -> list:
    return q if any(k == "page[per_page]" for k, _ in q) else q + [("page[per_page]", "50")]


def _cap_at_1000(q: list) -> list:
    """A server whose per_page cap is 1000 instead of R-33's 3000."""
    return [(k, str(min(int(v), 1000)) if k == "page[per_page]" and v.isdigit() else v) for k, v in q]


def _cap_refused(app: WSGIApp, environ: dict) -> Any:
    if "per_page%5D=5000" in environ.get("QUERY_STRING", "") or "per_page]=5000" in environ.get(
        "QUERY_STRING", ""
    ):
        return json_response("400 BAD REQUEST", {"errors": [{"title": "Bad request", "detail": "too big"}]})
    return call(app, environ)


def _headers(edit: Callable[[dict, list], list]) -> Callable[[WSGIApp], WSGIApp]:
    def transform(app: WSGIApp, environ: dict) -> Any:
        status, headers, body = call(app, environ)
        return status, edit(environ, headers), body

    return middleware(transform)


def _retype(environ: dict, headers: list, pattern: str, new: str) -> list:
    if not path_is(environ, pattern):
        return headers
    return [(k, new if k.lower() == "content-type" else v) for k, v in headers]


def _env(edit: Callable[[dict], dict]) -> Callable[[WSGIApp], WSGIApp]:
    return middleware(lambda app, environ: call(app, edit(environ)))


def _no_auth_needed(environ: dict) -> dict:
    if environ["PATH_INFO"].startswith("/api/") and not environ.get("HTTP_AUTHORIZATION"):
        # An anonymous request answered as a known provider (in the default world, whatever world the
        # suite's run asked for: that token lives there).
        anonymous = {k: v for k, v in environ.items() if k != "HTTP_X_NPQ_MOCK_WORLD"}
        return dict(anonymous, HTTP_AUTHORIZATION="Bearer ambition-token")
    return environ


def _leak(app: WSGIApp, environ: dict) -> Any:
    resp = call(app, environ)
    if path_is(environ, rf"{APPS}/{UUID}", "GET") and resp[0].startswith("404"):
        return call(app, dict(environ, HTTP_AUTHORIZATION="Bearer ambition-token"))
    return resp


def _past_stamp(environ: dict) -> dict:
    # State changes are stamped in the past, so updated_at never moves forward.
    if re.search(r"/(accept|reject|void)$", environ["PATH_INFO"]):
        return dict(environ, HTTP_X_WITH_SERVER_DATE="2021-01-01T00:00:00Z")
    return environ


def _csv_drop_column(app: WSGIApp, environ: dict) -> Any:
    status, headers, body = call(app, environ)
    if path_is(environ, rf"{APPS}\.csv") and body:
        lines = [line.rsplit(",", 1)[0] for line in body.decode().splitlines()]
        body = ("\n".join(lines) + "\n").encode()
    return status, headers, body


def _crash(app: WSGIApp, environ: dict) -> Any:
    resp = call(app, environ)
    if path_is(environ, rf"/api/v1/participants/npq/{UUID}", "GET") and resp[0].startswith("404"):
        return json_response("500 INTERNAL SERVER ERROR", {"error": "Internal server error"})
    return resp


def _outcomes_hide_voided(app: WSGIApp, environ: dict) -> Any:
    resp = call(app, environ)
    if not path_is(environ, r"/api/v1/participants/npq/.*outcomes", "GET"):
        return resp

    def drop(payload: Any) -> Any:
        payload["data"] = [o for o in payload["data"] if o["attributes"].get("state") != "voided"]
        return payload

    return edit_json(resp, drop)


def _body_edit(edit: Callable[[Any], Any], when: Callable[[dict], bool]) -> Callable[[WSGIApp], WSGIApp]:
    def transform(app: WSGIApp, environ: dict) -> Any:
        resp = call(app, environ)
        return edit_json(resp, edit) if when(environ) else resp

    return middleware(transform)


def _status(pattern: str, method: str, new: str) -> Callable[[WSGIApp], WSGIApp]:
    def transform(app: WSGIApp, environ: dict) -> Any:
        status, headers, body = call(app, environ)
        if path_is(environ, pattern, method) and status.startswith("200"):
            status = new
        return status, headers, body

    return middleware(transform)
