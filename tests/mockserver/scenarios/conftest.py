"""Black-box scenario suite: the mock, driven only over HTTP (v1 API + /__mock__/ testing API).

Only `create_app` and `Settings` are imported from the mock. Every test starts from an empty world
(`POST /__mock__/reset {"empty": true}`), a frozen clock and the default settings.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

AMBITION = "ambition-token"
BEST_PRACTICE = "best-practice-token"
AMBITION_ID = "9e35e998-c63b-4136-89c4-e9e18ddde0ea"
BEST_PRACTICE_ID = "57ba9e86-559f-4ff4-a6d2-4610c7259b67"

# Default frozen "now" for every test (tests that care set their own).
DEFAULT_NOW = "2024-05-01T12:00:00Z"

NOT_FOUND = {"error": "Resource not found"}
DENIED = {"error": "HTTP Token: Access denied"}
BAD_STRUCTURE = "correct json data structure required. See API docs for reference"
BAD_PAGE = "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number"
BAD_UPDATED_SINCE = "The filter '#/updated_since' must be a valid ISO 8601 date"
BAD_CREATED_SINCE = "The filter '#/created_since' must be a valid ISO 8601 date"
BAD_PARTICIPANT_FILTER = "The filter '#/participant_id' must be a comma-delimited list of valid UUIDs"

APP = "/api/v1/npq-applications"
PARTICIPANTS = "/api/v1/participants/npq"
DECLARATIONS = "/api/v1/participant-declarations"
OUTCOMES = "/api/v1/participants/npq/outcomes"

MISSING: Any = object()
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


class Msg:
    """Exact error strings of the behaviour reference."""

    # applications
    FUNDED_PLACE = "Set '#/funded_place' to true or false."
    ALREADY_ACCEPTED = "This NPQ application has already been accepted"
    REJECTED_CANNOT_CHANGE = "Once rejected an application cannot change state"
    OTHER_ACCEPTED = "The participant has already had an application accepted for this course."
    ACCEPT_NOT_ELIGIBLE = (
        "The participant is not eligible for funding, so '#/funded_place' cannot be set to true."
    )
    ALREADY_REJECTED = "This NPQ application has already been rejected"
    ACCEPTED_CANNOT_CHANGE = "Once accepted an application cannot change state"
    CFP_NOT_ACCEPTED = (
        "You must accept the application before attempting to change the '#/funded_place' setting."
    )
    CFP_NOT_ELIGIBLE = "This participant is not eligible for funding. Contact us if you think this is wrong."
    CFP_UNCAPPED = (
        "Leave the '#/funded_place' field blank. It's only needed for participants starting NPQs "
        "from autumn 2024 onwards."
    )
    CFP_DECLARATIONS = (
        "You cannot change the funded place because declarations have been submitted. You will "
        "need to void the existing declarations and resubmit them after changing the funded place."
    )
    # participants
    COURSE_NOT_RECOGNISED = (
        "The entered '#/course_identifier' is not recognised for the given participant. "
        "Check details and try again."
    )
    NO_ACCEPTED_APPLICATION = (
        "Your update cannot be made as an accepted application cannot be found for the "
        "given '#/participant_id' and '#/course_identifier'."
    )
    BAD_REASON = "The property '#/reason' must be a valid reason"
    ALREADY_DEFERRED = "The participant is already deferred"
    ALREADY_WITHDRAWN = "The participant is already withdrawn"
    ALREADY_ACTIVE = "The participant is already active"
    DEFER_NO_DECLARATIONS = "You cannot defer an NPQ participant that has no declarations"
    WITHDRAW_NO_STARTED = (
        "An NPQ participant who has not got a started declaration cannot be withdrawn. "
        "Please contact support for assistance"
    )
    SCHEDULE_MISSING = "The property '#/schedule_identifier' must be present"
    CS_NO_CONTRACT = (
        "You cannot change a participant to this cohort as you do not have a contract for the "
        "cohort and course. Contact the DfE for assistance."
    )
    CS_INVALIDATES = "Changing schedule would invalidate existing declarations. Please void them first."
    CS_SAME_SCHEDULE = "The participant already has the specified schedule"
    CS_WRONG_COURSE = "The selected schedule is not valid for the course"
    CS_COHORT_DECLARATIONS = (
        "You cannot change the '#/cohort' field when there are submitted, eligible, "
        "payable, or paid declarations in the new cohort"
    )
    CS_CAPPED_TO_UNCAPPED = (
        "You cannot change the '#/cohort' field from one with a funding cap to one without a funding cap"
    )
    # declarations
    PID_MISSING = "The property '#/participant_id' must be present"
    PID_NOT_RECOGNISED = (
        "Your update cannot be made as the '#/participant_id' is not recognised. Check "
        "participant details and try again."
    )
    DATE_RFC3339 = "Enter a valid RFC3339 '#/declaration_date'."
    DATE_BEFORE_SCHEDULE = "Enter a '#/declaration_date' that's on or after the schedule start."
    DATE_MISSING = "Enter a '#/declaration_date'."
    TYPE_MISSING = "Enter a '#/declaration_type'."
    TYPE_UNKNOWN = "The entered '#/declaration_type' is not recognised."
    MISSING_SCHEDULE = "The application is missing a schedule."
    TYPE_NOT_IN_SCHEDULE = "The property '#/declaration_type' does not exist for this schedule."
    DECL_NO_CONTRACT = (
        "You cannot submit a declaration for this participant as you do not have a contract for "
        "the cohort and course. Contact the DfE for assistance."
    )
    HAS_PASSED = (
        "Enter 'true' or 'false' in the '#/has_passed' field to indicate whether this participant has "
        "passed or failed their course."
    )
    DUPLICATE = "A declaration has already been submitted that will be, or has been, paid for this event"
    FUTURE_DATE = "The '#/declaration_date' value cannot be a future date. Check the date and try again."
    DELIVERY_PARTNER = "The property '#/delivery_partner_id' must be present"
    ALREADY_VOIDED = "This declaration has already been voided."
    REFUNDED = "The declaration will or has been be refunded."
    MUST_BE_PAID = "The declaration must be paid before it can be clawed back."
    # outcomes
    OUTCOME_COURSE_MISSING = "Enter a '#/course_identifier' value for this participant."
    OUTCOME_STATE = (
        "The attribute '#/state' can only include 'passed' or 'failed' values. If you need to void "
        "an outcome, you will need to void the associated 'completed' declaration."
    )
    OUTCOME_STATE_MISSING = (
        "The '#/state' is missing from your request. Please include a 'passed' or 'failed' "
        "value and try again."
    )
    COMPLETION_MISSING = (
        "The '#/completion_date' is missing from your request. Please include a "
        "completion_date value and try again."
    )
    COMPLETION_FORMAT = "The '#/completion_date' value must be in the following format: 'yyyy-mm-dd'"
    NO_COMPLETED = (
        "The participant has not had a 'completed' declaration submitted for them. Therefore you "
        "cannot update their outcome."
    )
    COMPLETION_FUTURE = "The '#/completion_date' value cannot be a future date. Check the date and try again."

    @staticmethod
    def closed(year: int) -> str:
        return (
            f"You cannot submit or void declarations for the {year} cohort. The funding contract for this "
            "cohort has ended. Get in touch if you need to discuss this with us."
        )

    @staticmethod
    def withdrew(at: str) -> str:
        return (
            f"This participant withdrew from this course on {at}. Enter a '#/declaration_date' that's on or "
            "before the withdrawal date."
        )


def errors(*pairs: tuple[str, str]) -> dict[str, Any]:
    """The exact 400/422 envelope for (title, detail) pairs, in order."""
    return {"errors": [{"title": t, "detail": d} for t, d in pairs]}


def bad_request(detail: str) -> dict[str, Any]:
    return errors(("Bad request", detail))


def body_of(resp: Any) -> Any:
    return json.loads(resp.get_data(as_text=True))


def expect(resp: Any, status: int, body: Any = MISSING) -> Any:
    """Assert status (and the exact JSON body when given); returns the parsed body."""
    text = resp.get_data(as_text=True)
    assert resp.status_code == status, f"{resp.status_code} != {status}: {text[:800]}"
    parsed = json.loads(text) if text else None
    if body is not MISSING:
        assert parsed == body
    return parsed


def expect_errors(resp: Any, status: int, *pairs: tuple[str, str]) -> None:
    expect(resp, status, errors(*pairs))


def attrs(attributes: dict[str, Any]) -> dict[str, Any]:
    """Drop MISSING values (so helpers can omit attributes entirely)."""
    return {k: v for k, v in attributes.items() if v is not MISSING}


def csv_rows(resp: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True))))


class Api:
    """A thin black-box client: one provider's token, helpers for every v1 and testing-API call."""

    def __init__(self, client: Any, token: str | None = AMBITION) -> None:
        self.client = client
        self.token = token

    def as_(self, token: str | None) -> Api:
        return Api(self.client, token)

    # raw HTTP -------------------------------------------------------------------------------------------
    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        h = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        h.update(extra or {})
        return h

    def request(
        self,
        method: str,
        path: str,
        body: Any = MISSING,
        headers: dict[str, str] | None = None,
        query: Any = None,
        raw: str | None = None,
    ) -> Any:
        kwargs: dict[str, Any] = {"headers": self.headers(headers)}
        if query is not None:
            kwargs["query_string"] = query
        if raw is not None:
            kwargs["data"] = raw
            kwargs["content_type"] = "application/json"
        elif body is not MISSING:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        return self.client.open(path, method=method, **kwargs)

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = MISSING, **kw: Any) -> Any:
        return self.request("POST", path, body, **kw)

    def put(self, path: str, body: Any = MISSING, **kw: Any) -> Any:
        return self.request("PUT", path, body, **kw)

    def data(self, path: str, **kw: Any) -> Any:
        """GET and return `data` of a 200."""
        return expect(self.get(path, **kw), 200)["data"]

    # testing API ----------------------------------------------------------------------------------------
    def reset(self) -> None:
        expect(self.client.post("/__mock__/reset", json={"empty": True}), 200)

    def clock(self, now: str | None) -> None:
        expect(self.client.put("/__mock__/clock", json={"now": now}), 200)

    def settings(self, **values: Any) -> dict[str, Any]:
        return expect(self.client.put("/__mock__/settings", json=values), 200)

    def make_application(self, **attributes: Any) -> dict[str, Any]:
        """POST /__mock__/applications as this provider; returns the application document's `data`."""
        resp = self.post("/__mock__/applications", {"data": {"attributes": attributes}})
        return expect(resp, 201)["data"]

    def make_applications(self, many: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """POST /__mock__/applications/batch as this provider; the applications' `data`, in order."""
        resp = self.post("/__mock__/applications/batch", {"data": [{"attributes": a} for a in many]})
        return expect(resp, 201)["data"]

    def make_participant(
        self, course: str = "npq-headship", cohort: int = 2023, **attributes: Any
    ) -> tuple[str, dict[str, Any]]:
        """An accepted application; returns (participant_id, application data)."""
        attributes.setdefault("eligible_for_funding", True)
        app = self.make_application(course_identifier=course, cohort=cohort, status="accepted", **attributes)
        return app["attributes"]["participant_id"], app

    def set_state(self, declaration_id: str, state: str) -> dict[str, Any]:
        resp = self.client.put(f"/__mock__/declarations/{declaration_id}/state", json={"state": state})
        return expect(resp, 200)["data"]

    # applications ---------------------------------------------------------------------------------------
    def accept(self, app_id: str, funded_place: Any = MISSING, body: Any = MISSING, **kw: Any) -> Any:
        if body is MISSING and funded_place is not MISSING:
            body = {"data": {"type": "npq-application-accept", "attributes": {"funded_place": funded_place}}}
        return self.post(f"{APP}/{app_id}/accept", body, **kw)

    def reject(self, app_id: str, body: Any = MISSING, **kw: Any) -> Any:
        return self.post(f"{APP}/{app_id}/reject", body, **kw)

    def change_funded_place(self, app_id: str, funded_place: Any = MISSING, body: Any = MISSING) -> Any:
        if body is MISSING:
            body = {
                "data": {
                    "type": "npq-application-change-funded-place",
                    "attributes": attrs({"funded_place": funded_place}),
                }
            }
        return self.put(f"{APP}/{app_id}/change-funded-place", body)

    def application(self, app_id: str) -> dict[str, Any]:
        return self.data(f"{APP}/{app_id}")

    # participants ---------------------------------------------------------------------------------------
    def _participant_action(self, pid: str, action: str, attributes: dict[str, Any], body: Any) -> Any:
        if body is MISSING:
            body = {"data": {"type": f"npq-participant-{action}", "attributes": attrs(attributes)}}
        return self.put(f"{PARTICIPANTS}/{pid}/{action}", body)

    def defer(
        self, pid: str, course: Any = "npq-headship", reason: Any = "bereavement", body: Any = MISSING
    ) -> Any:
        return self._participant_action(pid, "defer", {"course_identifier": course, "reason": reason}, body)

    def resume(self, pid: str, course: Any = "npq-headship", body: Any = MISSING) -> Any:
        return self._participant_action(pid, "resume", {"course_identifier": course}, body)

    def withdraw(
        self,
        pid: str,
        course: Any = "npq-headship",
        reason: Any = "personal-reason-other",
        body: Any = MISSING,
    ) -> Any:
        return self._participant_action(
            pid, "withdraw", {"course_identifier": course, "reason": reason}, body
        )

    def change_schedule(
        self,
        pid: str,
        course: Any = "npq-headship",
        schedule: Any = MISSING,
        cohort: Any = MISSING,
        body: Any = MISSING,
    ) -> Any:
        return self._participant_action(
            pid,
            "change-schedule",
            {"course_identifier": course, "schedule_identifier": schedule, "cohort": cohort},
            body,
        )

    def participant(self, pid: str) -> dict[str, Any]:
        return self.data(f"{PARTICIPANTS}/{pid}")

    # declarations ---------------------------------------------------------------------------------------
    def declare(
        self,
        pid: Any = MISSING,
        course: Any = "npq-headship",
        declaration_type: Any = "started",
        date: Any = "2023-10-02T10:00:00Z",
        has_passed: Any = MISSING,
        body: Any = MISSING,
        **kw: Any,
    ) -> Any:
        if body is MISSING:
            body = {
                "data": {
                    "type": "participant-declaration",
                    "attributes": attrs(
                        {
                            "participant_id": pid,
                            "declaration_type": declaration_type,
                            "declaration_date": date,
                            "course_identifier": course,
                            "has_passed": has_passed,
                        }
                    ),
                }
            }
        return self.post(DECLARATIONS, body, **kw)

    def declared(self, *args: Any, **kw: Any) -> dict[str, Any]:
        """declare() that must succeed; returns the declaration data."""
        return expect(self.declare(*args, **kw), 200)["data"]

    def void(self, declaration_id: str) -> Any:
        return self.put(f"{DECLARATIONS}/{declaration_id}/void")

    def declaration(self, declaration_id: str) -> dict[str, Any]:
        return self.data(f"{DECLARATIONS}/{declaration_id}")

    # outcomes -------------------------------------------------------------------------------------------
    def outcome(
        self,
        pid: str,
        course: Any = "npq-headship",
        state: Any = "passed",
        completion_date: Any = "2024-04-01",
        body: Any = MISSING,
    ) -> Any:
        if body is MISSING:
            body = {
                "data": {
                    "type": "npq-outcome-confirmation",
                    "attributes": attrs(
                        {"course_identifier": course, "state": state, "completion_date": completion_date}
                    ),
                }
            }
        return self.post(f"{PARTICIPANTS}/{pid}/outcomes", body)


@pytest.fixture(scope="session")
def mock_app() -> Any:
    from mockserver.app import create_app
    from mockserver.config import Settings
    from tests.mockserver.spec_validation import validating

    # Every response of the suite is checked against the OpenAPI documents (../spec_validation.py).
    return validating(create_app(Settings(seed=1)))


@pytest.fixture(scope="session")
def _client(mock_app: Any) -> Any:
    return mock_app.test_client()


@pytest.fixture
def api(_client: Any) -> Iterator[Api]:
    """Ambition's client over an empty world, clock frozen at DEFAULT_NOW, default settings."""
    a = Api(_client)
    a.reset()
    a.clock(DEFAULT_NOW)
    a.settings(delivery_partner_rule=True, closed_cohorts=[])
    yield a


@pytest.fixture
def bpn(api: Api) -> Api:
    """Best Practice Network's client over the same world."""
    return api.as_(BEST_PRACTICE)
