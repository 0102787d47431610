"""The pages: home (`/`), `/healthz`, the interactive docs (`/docs/<slug>`) and the journal (page and API)."""

from __future__ import annotations

import re
import shlex
import sqlite3
from datetime import UTC, datetime
from typing import Any

import orjson
from flask import Blueprint, Response, abort, current_app, render_template, request, send_from_directory

from mockserver.pages import _world, conformance, versions
from mockserver.pages.journal import EXTENSION as JOURNAL
from mockserver.pages.journal import Journal, timestamp
from mockserver.seed import world_info
from mockserver.store import bulk
from mockserver.store.db import get_setting
from mockserver.testing_api.hooks import current_settings

pages = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
                  static_url_path="/pages-static")
journal_api = Blueprint("journal_api", __name__, url_prefix="/__mock__")
MAX_LIMIT = 1000
_STATUS = re.compile(r"^[1-5](?:\d\d|xx)$")


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, content_type="application/json",
                    headers={"Cache-Control": "no-store"})


def _bad_request(detail: str) -> Response:
    return _json({"errors": [{"title": "Bad request", "detail": detail}]}, 400)


def _base_url() -> str:
    return request.host_url.rstrip("/")


def _journal() -> Journal | None:
    """The journal, with this process's queued requests stored (so they are never missing from a read)."""
    book = current_app.extensions.get(JOURNAL)
    if book is not None:
        book.flush()
    return book


# --- home and health ---------------------------------------------------------------------------------
@pages.get("/")
def home() -> str:
    """What this is, the versions served, every provider with its token, the world, clock and settings."""
    conn = _world.connection()
    served = versions.api_versions(current_app)
    docs = {d.slug: d for d in versions.documents()}
    book = _journal()
    return render_template(
        "home.html",
        base_url=_base_url(),
        versions=[{"name": v, "prefix": f"/api/{v}", "doc": docs.get(v)} for v in served],
        documents=list(docs.values()),
        providers=[{"id": i, "name": n, "token": t} for i, n, t in bulk.provider_tokens(conn)],
        world=world_info(conn),
        counts=bulk.world_counts(conn),
        clock=get_setting(conn, "clock"),
        settings=current_settings(conn),
        journal_size=book.size if book else 0,
    )


@pages.get("/healthz")
def healthz() -> Response:
    """200 when the world file answers (for container health checks and CI waits), else 503."""
    try:
        providers = len(bulk.provider_tokens(_world.connection()))
    except sqlite3.Error as exc:
        return _json({"status": "unavailable", "detail": str(exc)}, 503)
    if not providers:
        return _json({"status": "unavailable", "detail": "the world has no lead providers"}, 503)
    return _json({"status": "ok", "versions": versions.api_versions(current_app)})


# --- interactive docs ----------------------------------------------------------------------------------
@pages.get("/docs")
def docs_index() -> Response:
    """The first document's page."""
    first = versions.documents()[0]
    return Response(status=302, headers={"Location": f"/docs/{first.slug}"})


@pages.get("/docs/<slug>")
def docs_page(slug: str) -> str:
    """Swagger UI over one document, "try it out" against this mock, authorised as a chosen provider."""
    document = versions.document(slug)
    if document is None:
        abort(404)
    providers = [{"id": i, "name": n, "token": t} for i, n, t in bulk.provider_tokens(_world.connection())]
    chosen = request.args.get("provider", "")
    if not any(p["id"] == chosen or p["name"] == chosen for p in providers):
        chosen = providers[0]["id"] if providers else ""
    return render_template("docs.html", document=document, documents=versions.documents(),
                           providers=providers, chosen=chosen)


@pages.get("/docs/<slug>/openapi.json")
def docs_document(slug: str) -> Response:
    """The document as JSON, `servers` pointing at this mock, sibling references bundled in."""
    document = versions.document(slug)
    if document is None:
        abort(404)
    return _json(versions.bundled(document.filename, _base_url()))


@pages.get("/docs/assets/<path:filename>")
def docs_asset(filename: str) -> Response:
    """Swagger UI's files, from the swagger-ui-bundle package (no CDN)."""
    from swagger_ui_bundle import swagger_ui_path

    return send_from_directory(str(swagger_ui_path), filename, max_age=3600)


# --- the journal: page and API -------------------------------------------------------------------------
@pages.get("/journal")
def journal_page() -> str:
    """Every request the mock answered, live, filterable; one entry opens with bodies and a curl."""
    providers = [{"id": i, "name": n} for i, n, _t in bulk.provider_tokens(_world.connection())]
    book = _journal()
    return render_template("journal.html", providers=providers, journal_size=book.size if book else 0)


def _curl(row: sqlite3.Row, base_url: str) -> str:
    url = base_url + row["path"] + (f"?{row['query']}" if row["query"] else "")
    parts = ["curl", "-sS"]
    if row["method"] != "GET":
        parts += ["-X", row["method"]]
    parts.append(shlex.quote(url))
    if row["authorised"]:
        parts += ["-H", '"Authorization: Bearer $NPQ_TOKEN"']
    if row["server_date"]:
        parts += ["-H", shlex.quote(f"X-With-Server-Date: {row['server_date']}")]
    if row["request_body"]:
        parts += ["-H", shlex.quote(f"Content-Type: {row['request_type'] or 'application/json'}"),
                  "--data-raw", shlex.quote(row["request_body"])]
    return " ".join(parts)


def _entry(row: sqlite3.Row, base_url: str) -> dict[str, Any]:
    return {
        "id": row["id"], "at": row["at"], "method": row["method"], "path": row["path"], "query": row["query"],
        "version": row["version"],
        "provider": {"id": row["provider_id"], "name": row["provider_name"]} if row["provider_id"] else None,
        "authorised": bool(row["authorised"]), "server_date": row["server_date"],
        "status": row["status"], "duration_ms": row["duration_ms"],
        "rules": [code.strip() for code in row["rules"].split(",") if code.strip()],
        "request": {"content_type": row["request_type"], "body": row["request_body"],
                    "truncated": bool(row["request_truncated"])},
        "response": {"content_type": row["response_type"], "body": row["response_body"],
                     "truncated": bool(row["response_truncated"])},
        "conformance": conformance.check(row["version"], row["method"], row["path"], row["query"],
                                         row["request_type"], row["request_body"],
                                         bool(row["request_truncated"])),
        "curl": _curl(row, base_url),
    }


def _off() -> Response:
    return _json({"errors": [{"title": "Journal off",
                              "detail": "the request journal is off (journal_size 0)"}]}, 404)


@journal_api.get("/journal")
def journal_list() -> Response:
    """The latest entries, newest first; filters provider, status, path, since, after_id, limit."""
    book = _journal()
    if book is None:
        return _off()
    args = request.args
    raw_limit = args.get("limit", "100")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        return _bad_request(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    status = args.get("status") or None
    if status is not None and not _STATUS.match(status.lower()):
        return _bad_request("status must be a status code such as 401, or a class such as 4xx")
    since = args.get("since") or None
    if since is not None:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            return _bad_request("since must be an RFC 3339 date-time, e.g. 2025-06-01T12:00:00Z")
        since = timestamp(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    raw_after = args.get("after_id")
    if raw_after is not None and not raw_after.isdigit():
        return _bad_request("after_id must be a whole number")
    rows = book.entries(provider=args.get("provider") or None, status=status.lower() if status else None,
                        path=args.get("path") or None, since=since,
                        after_id=int(raw_after) if raw_after is not None else None, limit=int(raw_limit),
                        world=_world.current_world())
    base = _base_url()
    return _json({"data": [_entry(row, base) for row in rows], "size": book.size})


@journal_api.get("/journal/<entry_id>")
def journal_entry(entry_id: str) -> Response:
    """One entry with its bodies, rule codes, conformance and a curl that replays it."""
    book = _journal()
    if book is None:
        return _off()
    wanted = entry_id.isdigit() and len(entry_id) < 19
    row = book.entry(int(entry_id), _world.current_world()) if wanted else None
    if row is None:
        return _json({"error": "Resource not found"}, 404)
    return _json({"data": _entry(row, _base_url())})


@journal_api.delete("/journal")
def journal_clear() -> Response:
    """Forget every entry."""
    book = _journal()
    if book is None:
        return _off()
    return _json({"deleted": book.clear(_world.current_world())})


@pages.context_processor
def _navigation() -> dict[str, Any]:
    return {"nav_documents": versions.documents()}
