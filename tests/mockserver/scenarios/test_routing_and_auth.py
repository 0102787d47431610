"""Behaviour reference §1-§2: routes, formats, authentication, scoping and lookup order."""

from __future__ import annotations

import pytest

from .conftest import (
    APP,
    BAD_STRUCTURE,
    DECLARATIONS,
    DENIED,
    NOT_FOUND,
    OUTCOMES,
    PARTICIPANTS,
    UNKNOWN_ID,
    Api,
    bad_request,
    expect,
)

# --- R-02 routing misses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"{APP}/{UNKNOWN_ID}/accept"),
        ("GET", f"{APP}/{UNKNOWN_ID}/reject"),
        ("POST", f"{DECLARATIONS}/{UNKNOWN_ID}/void"),
        ("DELETE", f"{APP}/{UNKNOWN_ID}"),
        ("POST", f"{APP}"),
        ("GET", "/api/v1/unknown-things"),
        ("GET", f"{PARTICIPANTS}/{UNKNOWN_ID}/defer"),
        ("PUT", f"{PARTICIPANTS}/outcomes"),
    ],
)
def test_r02_routing_miss_is_404_before_authentication(api: Api, method: str, path: str) -> None:
    resp = api.as_(None).request(method, path)
    expect(resp, 404, NOT_FOUND)
    assert resp.headers["Content-Type"] == "application/json"


# --- R-03 format only by extension -------------------------------------------------------------------------


def test_r03_accept_text_csv_header_still_gets_json(api: Api) -> None:
    api.make_application(cohort=2023)
    resp = api.get(APP, headers={"Accept": "text/csv"})
    assert resp.headers["Content-Type"] == "application/json"
    assert len(expect(resp, 200)["data"]) == 1


def test_r03_csv_extension_on_the_two_list_routes_gives_csv(api: Api) -> None:
    for path in (f"{APP}.csv", f"{DECLARATIONS}.csv"):
        resp = api.get(path)
        assert resp.status_code == 200
        assert resp.mimetype == "text/csv"


def test_r03_csv_extension_on_a_json_show_action_still_renders_json(api: Api) -> None:
    app = api.make_application(cohort=2023)
    resp = api.get(f"{APP}/{app['id']}.csv")
    assert resp.headers["Content-Type"] == "application/json"
    assert expect(resp, 200)["data"] == app


def test_r03_csv_extension_404_has_empty_non_json_body(api: Api) -> None:
    resp = api.get(f"{APP}/{UNKNOWN_ID}.csv")
    assert resp.status_code == 404
    assert resp.get_data() == b""
    assert resp.mimetype != "application/json"


# --- authentication ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Token ambition-token",
        'Token token="ambition-token"',
        "Bearer ambition-token",
    ],
)
def test_r10_bearer_and_token_scheme_forms_are_accepted(api: Api, header: str) -> None:
    api.make_application(cohort=2023)
    resp = api.as_(None).get(APP, headers={"Authorization": header})
    assert len(expect(resp, 200)["data"]) == 1


@pytest.mark.parametrize(
    "header",
    [
        None,
        "bearer ambition-token",
        "token ambition-token",
        "Basic ambition-token",
        "Bearer not-a-token",
        "ambition-token",
        "Bearer ",
    ],
)
@pytest.mark.parametrize("path", [APP, f"{APP}.csv", f"{DECLARATIONS}.csv", PARTICIPANTS, OUTCOMES])
def test_r12_unauthenticated_is_401_json_even_on_csv_urls(api: Api, header: str | None, path: str) -> None:
    resp = api.as_(None).get(path, headers={"Authorization": header} if header else {})
    expect(resp, 401, DENIED)
    assert resp.headers["Content-Type"] == "application/json"
    assert "WWW-Authenticate" not in resp.headers


def test_r12_authentication_runs_before_lookup_and_body_validation(api: Api) -> None:
    anon = api.as_(None)
    expect(anon.get(f"{APP}/{UNKNOWN_ID}"), 401, DENIED)
    expect(anon.accept(UNKNOWN_ID, body={"data": {}}), 401, DENIED)
    expect(anon.defer(UNKNOWN_ID, body={}), 401, DENIED)
    expect(anon.declare(body={"data": {}}), 401, DENIED)
    expect(anon.outcome(UNKNOWN_ID, body={}), 401, DENIED)
    expect(anon.void(UNKNOWN_ID), 401, DENIED)


# --- scoping -----------------------------------------------------------------------------------


def test_r15_other_providers_application_is_404_everywhere(api: Api, bpn: Api) -> None:
    other = bpn.make_application(cohort=2023, course_identifier="npq-headship")["id"]
    expect(api.get(f"{APP}/{other}"), 404, NOT_FOUND)
    expect(api.accept(other), 404, NOT_FOUND)
    expect(api.reject(other), 404, NOT_FOUND)
    expect(api.change_funded_place(other, True), 404, NOT_FOUND)
    assert api.data(APP) == []
    # still pending for its owner
    assert bpn.application(other)["attributes"]["status"] == "pending"


def test_r15_other_providers_participant_and_declaration_are_404_everywhere(api: Api, bpn: Api) -> None:
    pid, _ = bpn.make_participant()
    decl = bpn.declared(pid)
    bpn.declared(pid, declaration_type="completed", date="2023-11-01T10:00:00Z", has_passed=True)
    expect(api.get(f"{PARTICIPANTS}/{pid}"), 404, NOT_FOUND)
    expect(api.defer(pid), 404, NOT_FOUND)
    expect(api.resume(pid), 404, NOT_FOUND)
    expect(api.withdraw(pid), 404, NOT_FOUND)
    expect(api.change_schedule(pid, schedule="npq-leadership-spring"), 404, NOT_FOUND)
    expect(api.get(f"{PARTICIPANTS}/{pid}/outcomes"), 404, NOT_FOUND)
    expect(api.outcome(pid), 404, NOT_FOUND)
    expect(api.get(f"{DECLARATIONS}/{decl['id']}"), 404, NOT_FOUND)
    expect(api.void(decl["id"]), 404, NOT_FOUND)
    assert api.data(PARTICIPANTS) == []
    assert api.data(DECLARATIONS) == []
    assert api.data(OUTCOMES) == []
    assert bpn.declaration(decl["id"])["attributes"]["state"] == "eligible"


def test_r14_participant_with_only_pending_or_rejected_applications_is_invisible(api: Api) -> None:
    pending = api.make_application(cohort=2023, status="pending")
    pid = pending["attributes"]["participant_id"]
    api.make_application(
        participant_id=pid, cohort=2023, course_identifier="npq-leading-teaching", status="rejected"
    )
    assert len(api.data(APP)) == 2
    expect(api.get(f"{PARTICIPANTS}/{pid}"), 404, NOT_FOUND)
    expect(api.defer(pid), 404, NOT_FOUND)
    assert api.data(PARTICIPANTS) == []


def test_r14_participant_accepted_by_another_provider_only_is_invisible(api: Api, bpn: Api) -> None:
    pid, _ = bpn.make_participant()
    api.make_application(participant_id=pid, cohort=2023, course_identifier="npq-senior-leadership")
    expect(api.get(f"{PARTICIPANTS}/{pid}"), 404, NOT_FOUND)


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "123", UNKNOWN_ID])
def test_r15_unknown_and_non_uuid_ids_are_404(api: Api, bad_id: str) -> None:
    for path in (
        f"{APP}/{bad_id}",
        f"{PARTICIPANTS}/{bad_id}",
        f"{DECLARATIONS}/{bad_id}",
        f"{PARTICIPANTS}/{bad_id}/outcomes",
    ):
        expect(api.get(path), 404, NOT_FOUND)


def test_r01_outcomes_collection_route_is_not_a_participant_id(api: Api) -> None:
    assert expect(api.get(OUTCOMES), 200) == {"data": []}


# --- R-16 body before lookup (participants, outcomes) / lookup before body (applications) ------------------


@pytest.mark.parametrize("action", ["defer", "resume", "withdraw", "change-schedule"])
def test_r16_participant_action_with_invalid_body_on_unknown_id_is_400(api: Api, action: str) -> None:
    resp = api.put(f"{PARTICIPANTS}/{UNKNOWN_ID}/{action}", {"data": {}})
    expect(resp, 400, bad_request(BAD_STRUCTURE))


def test_r16_outcome_with_invalid_body_on_unknown_id_is_400(api: Api) -> None:
    expect(api.outcome(UNKNOWN_ID, body={"data": {"attributes": {}}}), 400, bad_request(BAD_STRUCTURE))


def test_r16_application_action_with_bad_body_on_unknown_id_is_404(api: Api) -> None:
    expect(api.accept(UNKNOWN_ID, body={"data": {}}), 404, NOT_FOUND)
    expect(api.change_funded_place(UNKNOWN_ID, body={"data": {}}), 404, NOT_FOUND)


def test_r16_application_action_with_bad_body_on_known_id_is_400(api: Api) -> None:
    app = api.make_application(cohort=2024)
    expect(api.accept(app["id"], body={"data": {}}), 400, bad_request(BAD_STRUCTURE))
    expect(api.accept(app["id"], body={"data": {"type": "x"}}), 400, bad_request(BAD_STRUCTURE))
    expect(
        api.change_funded_place(app["id"], body={"data": {"attributes": {}}}), 400, bad_request(BAD_STRUCTURE)
    )
