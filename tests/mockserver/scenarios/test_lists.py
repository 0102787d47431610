"""Behaviour reference §4: pagination, ordering and filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from .conftest import (
    APP,
    BAD_CREATED_SINCE,
    BAD_PAGE,
    BAD_PARTICIPANT_FILTER,
    BAD_UPDATED_SINCE,
    DECLARATIONS,
    OUTCOMES,
    PARTICIPANTS,
    Api,
    bad_request,
    csv_rows,
    expect,
)


def ids(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]


def _at(i: int) -> str:
    """The i-th second of 2024: distinct created_at values (R-35 names no tie-breaker for applications)."""
    return (datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _apps(api: Api, n: int, cohort: int = 2023) -> list[str]:
    return [made["id"] for made in api.make_applications([{"cohort": cohort, "created_at": _at(i)}
                                                         for i in range(n)])]


# --- pagination --------------------------------------------------------------------------------


def test_r33_page_and_per_page_select_a_slice(api: Api) -> None:
    made = _apps(api, 5)
    assert ids(api.data(APP, query={"page[per_page]": "2", "page[page]": "2"})) == made[2:4]
    assert ids(api.data(APP, query={"page[per_page]": "2", "page[page]": "3"})) == made[4:]


def test_r33_leading_integer_semantics(api: Api) -> None:
    made = _apps(api, 5)
    assert ids(api.data(APP, query={"page[per_page]": "2abc", "page[page]": "2xyz"})) == made[2:4]
    assert api.data(APP, query={"page[per_page]": "1", "page[page]": "10abc"}) == []


@pytest.mark.parametrize(
    "query",
    [
        {"page[page]": "abc"},
        {"page[per_page]": "abc"},
        {"page[page]": "0"},
        {"page[per_page]": "0"},
        {"page[page]": "-1"},
        {"page[per_page]": "-5"},
    ],
)
@pytest.mark.parametrize("path", [APP, PARTICIPANTS, DECLARATIONS, OUTCOMES])
def test_r33_non_positive_page_values_are_400(api: Api, query: dict, path: str) -> None:
    expect(api.get(path, query=query), 400, bad_request(BAD_PAGE))


def test_r33_participant_outcomes_list_is_paginated_too(api: Api) -> None:
    pid, _ = api.make_participant()
    expect(api.get(f"{PARTICIPANTS}/{pid}/outcomes", query={"page[page]": "abc"}), 400, bad_request(BAD_PAGE))


def test_r33_default_per_page_is_100(api: Api) -> None:
    made = _apps(api, 101)
    assert ids(api.data(APP)) == made[:100]
    assert ids(api.data(APP, query={"page[page]": "2"})) == made[100:]


def test_r33_per_page_is_capped_at_3000(api: Api) -> None:
    made = _apps(api, 3001)
    first = api.data(APP, query={"page[per_page]": "5000"})
    assert len(first) == 3000
    assert ids(api.data(APP, query={"page[per_page]": "5000", "page[page]": "2"})) == made[3000:]


def test_r34_page_beyond_the_last_is_empty_and_no_metadata(api: Api) -> None:
    _apps(api, 2)
    assert expect(api.get(APP, query={"page[page]": "2"}), 200) == {"data": []}


def test_r34_non_nested_page_parameter_is_ignored(api: Api) -> None:
    made = _apps(api, 2)
    assert ids(api.data(APP, query={"page": "3", "per_page": "1"})) == made


# --- R-35 ordering -----------------------------------------------------------------------------------------


def test_r35_applications_in_created_at_order_and_sort_ignored(api: Api) -> None:
    late = api.make_application(cohort=2023, created_at="2024-03-01T10:00:00Z")["id"]
    early = api.make_application(cohort=2023, created_at="2024-01-01T10:00:00Z")["id"]
    middle = api.make_application(cohort=2023, created_at="2024-02-01T10:00:00Z")["id"]
    assert ids(api.data(APP)) == [early, middle, late]
    assert ids(api.data(APP, query={"sort": "-created_at"})) == [early, middle, late]
    assert [r[0] for r in csv_rows(api.get(f"{APP}.csv"))[1:]] == [early, middle, late]


def test_r35_participants_once_each_in_user_created_at_order(api: Api) -> None:
    late, _ = api.make_participant(created_at="2024-03-01T10:00:00Z")
    early, _ = api.make_participant(created_at="2024-01-01T10:00:00Z")
    api.make_application(
        participant_id=early,
        course_identifier="npq-leading-teaching",
        cohort=2023,
        status="accepted",
        eligible_for_funding=True,
    )
    assert ids(api.data(PARTICIPANTS)) == [early, late]


def test_r35_participants_created_in_the_same_second_in_creation_order(api: Api) -> None:
    """Ties on the user's created_at go by creation order (the internal key), not by participant UUID."""
    made = [api.make_participant()[0] for _ in range(6)]  # frozen clock: one created_at for all
    assert ids(api.data(PARTICIPANTS)) == made
    assert ids(api.data(PARTICIPANTS, query={"page[per_page]": "4", "page[page]": "2"})) == made[4:]


def test_r35_declarations_and_outcomes_by_created_at_then_creation(api: Api) -> None:
    """Ties on created_at: "then id" read as the internal, creation-ordered key (not the UUID)."""
    api.clock("2024-05-01T12:00:00Z")
    same_second = []
    for _ in range(4):
        pid, _ = api.make_participant()
        same_second.append(
            api.declared(pid, declaration_type="completed", date="2023-11-01T10:00:00Z", has_passed=True)[
                "id"
            ]
        )
    api.clock("2024-04-30T12:00:00Z")  # the clock may go backwards: later creation, earlier created_at
    pid, _ = api.make_participant()
    earlier = api.declared(pid, declaration_type="completed", date="2023-11-01T10:00:00Z", has_passed=True)[
        "id"
    ]
    assert ids(api.data(DECLARATIONS)) == [earlier, *same_second]
    assert [r[0] for r in csv_rows(api.get(f"{DECLARATIONS}.csv"))[1:]] == [earlier, *same_second]
    outcomes = api.data(OUTCOMES)
    assert outcomes[0]["attributes"]["participant_id"] == pid
    assert [o["attributes"]["created_at"] for o in outcomes] == (
        ["2024-04-30T12:00:00Z"] + ["2024-05-01T12:00:00Z"] * 4
    )


# --- R-36 cohort filter ------------------------------------------------------------------------------------


def test_r36_cohort_filter_takes_a_comma_list(api: Api) -> None:
    a22 = api.make_application(cohort=2022, created_at=_at(1))["id"]
    a23 = api.make_application(cohort=2023, created_at=_at(2))["id"]
    a24 = api.make_application(cohort=2024, created_at=_at(3))["id"]
    assert ids(api.data(APP, query={"filter[cohort]": "2022,2024"})) == [a22, a24]
    assert ids(api.data(APP, query={"filter[cohort]": "2023"})) == [a23]
    assert [r[0] for r in csv_rows(api.get(f"{APP}.csv", query={"filter[cohort]": "2024"}))[1:]] == [a24]


def test_r36_blank_cohort_is_no_filter_and_unknown_values_give_empty_list(api: Api) -> None:
    made = [api.make_application(cohort=c, created_at=_at(c))["id"] for c in (2022, 2023)]
    assert ids(api.data(APP, query={"filter[cohort]": ""})) == made
    assert ids(api.data(APP, query={"filter[cohort]": "  "})) == made
    assert api.data(APP, query={"filter[cohort]": "abc"}) == []
    assert api.data(APP, query={"filter[cohort]": "0000"}) == []


def test_r36_cohort_filter_ignored_on_declarations(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid)["id"]
    assert ids(api.data(DECLARATIONS, query={"filter[cohort]": "2021"})) == [decl]


# --- R-37 updated_since parsing ----------------------------------------------------------------------------


def _two_apps_a_day_apart(api: Api) -> tuple[str, str]:
    api.clock("2024-05-01T10:00:00Z")
    old = api.make_application(cohort=2023)["id"]
    api.clock("2024-05-02T10:00:00Z")
    new = api.make_application(cohort=2023)["id"]
    return old, new


@pytest.mark.parametrize(
    "value",
    [
        "2024-05-02T10:00:00Z",
        "2024-05-02T09:00:00-01:00",
        "2024-05-02T10:00:00",
        "2024-05-02T10:00:00.000Z",
        "2024-05-02t10:00:00z",
        " 2024-05-02T10:00:00Z ",
        "2024-05-02T09:00:00-01",
    ],
)
def test_r37_updated_since_accepted_forms(api: Api, value: str) -> None:
    _, new = _two_apps_a_day_apart(api)
    assert ids(api.data(APP, query={"filter[updated_since]": value})) == [new]


def test_r37_updated_since_blank_is_no_filter(api: Api) -> None:
    made = _two_apps_a_day_apart(api)
    assert ids(api.data(APP, query={"filter[updated_since]": ""})) == list(made)


@pytest.mark.parametrize(
    "value", ["2024-05-02T11:00:00+01:00", "2024-05-02", "yesterday", "2024-05-02 10:00:00"]
)
@pytest.mark.parametrize("path", [APP, f"{APP}.csv", PARTICIPANTS, DECLARATIONS, f"{DECLARATIONS}.csv"])
def test_r37_updated_since_rejected_forms(api: Api, value: str, path: str) -> None:
    """`+01:00` (sent as %2B) becomes a space on the second decoding and is rejected."""
    expect(api.get(path, query={"filter[updated_since]": value}), 400, bad_request(BAD_UPDATED_SINCE))


def test_r37_literal_plus_in_url_is_rejected(api: Api) -> None:
    resp = api.get(f"{APP}?filter[updated_since]=2024-05-02T11:00:00+01:00")
    expect(resp, 400, bad_request(BAD_UPDATED_SINCE))


def test_r37_double_encoded_plus_offset_works(api: Api) -> None:
    _, new = _two_apps_a_day_apart(api)
    resp = api.get(f"{APP}?filter[updated_since]=2024-05-02T11:00:00%252B01:00")
    assert ids(expect(resp, 200)["data"]) == [new]


def test_r37_created_since_on_outcomes(api: Api) -> None:
    expect(
        api.get(OUTCOMES, query={"filter[created_since]": "2024-05-02"}), 400, bad_request(BAD_CREATED_SINCE)
    )
    expect(
        api.get(OUTCOMES, query={"filter[created_since]": "2024-05-02T10:00:00+01:00"}),
        400,
        bad_request(BAD_CREATED_SINCE),
    )
    api.clock("2024-05-01T10:00:00Z")
    p1, _ = api.make_participant()
    api.declared(p1, declaration_type="completed", date="2023-11-01T10:00:00Z", has_passed=True)
    api.clock("2024-05-02T10:00:00Z")
    p2, _ = api.make_participant()
    api.declared(p2, declaration_type="completed", date="2023-11-01T10:00:00Z", has_passed=True)
    found = api.data(OUTCOMES, query={"filter[created_since]": "2024-05-02T10:00:00Z"})
    assert [o["attributes"]["participant_id"] for o in found] == [p2]
    assert len(api.data(OUTCOMES, query={"filter[created_since]": ""})) == 2
    # updated_since is not read on outcomes
    assert len(api.data(OUTCOMES, query={"filter[updated_since]": "garbage"})) == 2


# --- R-38 updated_since semantics --------------------------------------------------------------------------


def test_r38_updated_since_is_inclusive(api: Api) -> None:
    old, new = _two_apps_a_day_apart(api)
    assert ids(api.data(APP, query={"filter[updated_since]": "2024-05-02T10:00:00Z"})) == [new]
    assert ids(api.data(APP, query={"filter[updated_since]": "2024-05-02T10:00:01Z"})) == []
    assert ids(api.data(APP, query={"filter[updated_since]": "2024-05-01T10:00:00Z"})) == [old, new]


def test_r38_accept_touches_the_user_so_other_applications_move(api: Api) -> None:
    api.clock("2024-05-01T10:00:00Z")
    a = api.make_application(cohort=2023, course_identifier="npq-headship")
    pid = a["attributes"]["participant_id"]
    b = api.make_application(participant_id=pid, cohort=2023, course_identifier="npq-leading-teaching")
    untouched = api.make_application(cohort=2023)["id"]
    api.clock("2024-05-03T10:00:00Z")
    expect(api.accept(a["id"]), 200)
    since = {"filter[updated_since]": "2024-05-03T10:00:00Z"}
    assert sorted(ids(api.data(APP, query=since))) == sorted([a["id"], b["id"]])
    assert api.application(b["id"])["attributes"]["updated_at"] == "2024-05-03T10:00:00Z"
    assert untouched not in [r[0] for r in csv_rows(api.get(f"{APP}.csv", query=since))[1:]]


def test_r38_participants_updated_by_another_providers_application(api: Api, bpn: Api) -> None:
    api.clock("2024-05-01T10:00:00Z")
    p1, _ = api.make_participant(created_at="2024-04-01T10:00:00Z")
    p2, _ = api.make_participant(created_at="2024-04-02T10:00:00Z")
    api.clock("2024-05-03T10:00:00Z")
    bpn.make_application(participant_id=p1, cohort=2023, course_identifier="npq-senior-leadership")
    since = {"filter[updated_since]": "2024-05-03T10:00:00Z"}
    assert ids(api.data(PARTICIPANTS, query=since)) == [p1]
    assert ids(api.data(PARTICIPANTS, query={"filter[updated_since]": "2024-04-01T00:00:00Z"})) == [p1, p2]


def test_r38_participants_ignore_other_filters(api: Api) -> None:
    pid, _ = api.make_participant()
    query = {
        "filter[training_status]": "withdrawn",
        "filter[from_participant_id]": "x",
        "filter[cohort]": "1999",
    }
    assert ids(api.data(PARTICIPANTS, query=query)) == [pid]


def test_r38_declarations_updated_since_follows_void(api: Api) -> None:
    api.clock("2024-05-01T10:00:00Z")
    pid, _ = api.make_participant()
    first = api.declared(pid)["id"]
    second = api.declared(pid, declaration_type="retained-1", date="2023-12-01T10:00:00Z")["id"]
    api.clock("2024-05-02T10:00:00Z")
    expect(api.void(first), 200)
    since = {"filter[updated_since]": "2024-05-02T10:00:00Z"}
    assert ids(api.data(DECLARATIONS, query=since)) == [first]
    assert [r[0] for r in csv_rows(api.get(f"{DECLARATIONS}.csv", query=since))[1:]] == [first]
    assert second in ids(api.data(DECLARATIONS))


# --- R-39 participant_id filter ----------------------------------------------------------------------------


def test_r39_participant_id_filter_takes_a_list(api: Api) -> None:
    p1, _ = api.make_participant()
    p2, _ = api.make_participant()
    p3, _ = api.make_participant()
    d1, d2, d3 = (api.declared(p)["id"] for p in (p1, p2, p3))
    assert ids(api.data(DECLARATIONS, query={"filter[participant_id]": f"{p1},{p3}"})) == [d1, d3]
    assert ids(api.data(DECLARATIONS, query={"filter[participant_id]": p2})) == [d2]
    assert ids(api.data(DECLARATIONS, query={"filter[participant_id]": ""})) == [d1, d2, d3]
    rows = csv_rows(api.get(f"{DECLARATIONS}.csv", query={"filter[participant_id]": p2}))
    assert [r[0] for r in rows[1:]] == [d2]


@pytest.mark.parametrize("path", [DECLARATIONS, f"{DECLARATIONS}.csv"])
def test_r39_bad_participant_id_element_is_400(api: Api, path: str) -> None:
    p1, _ = api.make_participant()
    for value in (f"{p1},not-a-uuid", "abc", f"{p1[:-1]}"):
        expect(
            api.get(path, query={"filter[participant_id]": value}), 400, bad_request(BAD_PARTICIPANT_FILTER)
        )


def test_r39_non_string_participant_id_filter_is_400(api: Api) -> None:
    resp = api.get(f"{DECLARATIONS}?filter[participant_id][x]=")
    expect(resp, 400, bad_request(BAD_PARTICIPANT_FILTER))


def test_r39_participant_id_filter_ignored_on_applications(api: Api) -> None:
    made = api.make_application(cohort=2023)["id"]
    assert ids(api.data(APP, query={"filter[participant_id]": "not-a-uuid"})) == [made]
