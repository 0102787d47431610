"""Building blocks for the rule faults of fault_list.py: regressions a release could plausibly ship."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from tests.contract_tests.catalogue import APPS, _attrs, _on
from tests.contract_tests.faults import (
    UUID,
    WSGIApp,
    call,
    edit_json,
    json_response,
    path_is,
    records,
    request_json,
)

PARTS = r"/api/v1/participants/npq"


def on_records(pattern: str, edit: Callable[[dict, dict], None], method: str | None = None) -> Callable:
    """Edit the attributes of every record answered on matching paths."""
    return _attrs(edit, _on(pattern, method))


def has_passed_as_string(rec: dict, attrs: dict) -> None:
    if isinstance(attrs.get("has_passed"), bool):
        attrs["has_passed"] = str(attrs["has_passed"]).lower()


def underscored_state(rec: dict, attrs: dict) -> None:
    if isinstance(attrs.get("state"), str):
        attrs["state"] = attrs["state"].replace("-", "_")


def paid_is_eligible_for_payment(rec: dict, attrs: dict) -> None:
    if attrs.get("state") in ("paid", "awaiting-clawback"):
        attrs["eligible_for_payment"] = True


def stored_eligibility(rec: dict, attrs: dict) -> None:
    """eligible_for_funding not adjusted for previously funded applications."""
    if attrs.get("ineligible_for_funding_reason") == "previously-funded":
        attrs.update(eligible_for_funding=True, ineligible_for_funding_reason=None)


def catchment_as_string(rec: dict, attrs: dict) -> None:
    if isinstance(attrs.get("teacher_catchment"), bool):
        attrs["teacher_catchment"] = "england" if attrs["teacher_catchment"] else "another"


def cohort_as_integer(rec: dict, attrs: dict) -> None:
    if isinstance(attrs.get("cohort"), str) and attrs["cohort"].isdigit():
        attrs["cohort"] = int(attrs["cohort"])


def duplicate_trn_eligible(rec: dict, attrs: dict) -> None:
    if attrs.get("state") == "ineligible":
        attrs.update(state="eligible", eligible_for_payment=True)


def no_cache_control(environ: dict, headers: list) -> list:
    return [(k, v) for k, v in headers if k.lower() != "cache-control"]


def only_bearer(environ: dict) -> dict:
    """The Token scheme (R-10) no longer accepted."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    return dict(environ, HTTP_AUTHORIZATION="Token invalid") if auth.startswith("Token ") else environ


def lenient_since(q: list) -> list:
    """updated_since/created_since parsed leniently: date-only and positive offsets accepted (as UTC)."""
    out = []
    for key, value in q:
        if key in ("filter[updated_since]", "filter[created_since]"):
            value = unquote(value)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                value += "T00:00:00Z"
            value = re.sub(r"[+ ]\d{2}:\d{2}$", "Z", value)
        out.append((key, value))
    return out


def rename_reason(old: str, new: str) -> Callable[[dict], dict]:
    """Rewrite a withdrawal reason in request bodies before the server sees it."""

    def edit(environ: dict) -> dict:
        import io

        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        if f'"{old}"'.encode() in raw:
            raw = raw.replace(f'"{old}"'.encode(), f'"{new}"'.encode())
        return dict(environ, **{"wsgi.input": io.BytesIO(raw), "CONTENT_LENGTH": str(len(raw))})

    return edit


def detail_swap(old: str, new: str) -> Callable[[Any], Any]:
    def edit(payload: Any) -> Any:
        for err in payload.get("errors", []) if isinstance(payload, dict) else []:
            if err.get("detail") == old:
                err["detail"] = new
        return payload

    return edit


def first_message_only(payload: Any) -> Any:
    """One error per attribute: the second message of a missing member is lost."""
    if isinstance(payload, dict) and isinstance(payload.get("errors"), list):
        seen: set[str] = set()
        kept = []
        for err in payload["errors"]:
            if err.get("title") not in seen:
                seen.add(err.get("title"))
                kept.append(err)
        payload["errors"] = kept
    return payload


def participant_before_accept(app: WSGIApp, environ: dict) -> Any:
    """A person with only a pending/rejected application is shown as a participant."""
    resp = call(app, environ)
    found = re.fullmatch(rf"{PARTS}/({UUID})", environ.get("PATH_INFO", ""))
    if environ["REQUEST_METHOD"] != "GET" or not found or not resp[0].startswith("404"):
        return resp
    listed = call(app, dict(request_json("GET", APPS, environ), QUERY_STRING="page%5Bper_page%5D=3000"))
    apps = [a for a in records(json.loads(listed[2])) if a["attributes"]["participant_id"] == found.group(1)]
    if not apps:
        return resp
    a = apps[0]["attributes"]
    attrs = {
        "participant_id": found.group(1),
        "full_name": a["full_name"],
        "email": a["email"],
        "npq_courses": [],
        "funded_places": [],
        "teacher_reference_number": None,
        "updated_at": a["updated_at"],
    }
    return json_response(
        "200 OK", {"data": {"id": found.group(1), "type": "npq-participant", "attributes": attrs}}
    )


def schedule_missing_422(app: WSGIApp, environ: dict) -> Any:
    """R-55's 404 replaced by the service's unreachable 422."""
    resp = call(app, environ)
    found = re.fullmatch(rf"{APPS}/({UUID})/accept", environ.get("PATH_INFO", ""))
    if not found or not resp[0].startswith("404"):
        return resp
    if not call(app, request_json("GET", f"{APPS}/{found.group(1)}", environ))[0].startswith("200"):
        return resp
    return json_response(
        "422 UNPROCESSABLE ENTITY",
        {"errors": [{"title": "schedule", "detail": "Schedule cannot be determined"}]},
    )


def funded_place_echoed(app: WSGIApp, environ: dict) -> Any:
    """Uncapped cohorts store funded_place (R-50): the accept answer echoes the value sent."""
    import io

    raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    resp = call(app, dict(environ, **{"wsgi.input": io.BytesIO(raw)}))
    if not path_is(environ, rf"{APPS}/{UUID}/accept", "POST") or not resp[0].startswith("200") or not raw:
        return resp
    sent = (json.loads(raw).get("data") or {}).get("attributes", {}).get("funded_place")

    def echo(payload: Any) -> Any:
        for rec in records(payload):
            if rec["attributes"].get("funded_place") is None and isinstance(sent, bool):
                rec["attributes"]["funded_place"] = sent
        return payload

    return edit_json(resp, echo)


def siblings_kept(app: WSGIApp, environ: dict, hidden: set[str] | None = None) -> Any:
    """R-57 regression: the same person's same-course same-cohort applications stay pending on accept."""
    hidden = _HIDDEN if hidden is None else hidden
    found = re.fullmatch(rf"{APPS}/({UUID})/accept", environ.get("PATH_INFO", ""))
    siblings: list[str] = []
    if found and environ["REQUEST_METHOD"] == "POST":
        shown = call(app, request_json("GET", f"{APPS}/{found.group(1)}", environ))
        if shown[0].startswith("200"):
            me = json.loads(shown[2])["data"]["attributes"]
            query = f"page%5Bper_page%5D=3000&filter%5Bcohort%5D={me['cohort']}"
            listed = call(app, dict(request_json("GET", APPS, environ), QUERY_STRING=query))
            siblings = [
                a["id"]
                for a in records(json.loads(listed[2]))
                if a["id"] != found.group(1)
                and a["attributes"]["participant_id"] == me["participant_id"]
                and a["attributes"]["course_identifier"] == me["course_identifier"]
                and a["attributes"]["status"] == "pending"
            ]
    resp = call(app, environ)
    if siblings and resp[0].startswith("200"):
        hidden.update(siblings)

    def unreject(payload: Any) -> Any:
        for rec in records(payload):
            if rec.get("id") in hidden and rec["attributes"].get("status") == "rejected":
                rec["attributes"]["status"] = "pending"
        return payload

    return edit_json(resp, unreject) if path_is(environ, rf"{APPS}(/{UUID})?", "GET") else resp


_HIDDEN: set[str] = set()
