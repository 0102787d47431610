"""Filters (R-36..R-39): exactly the matching records; a change moves a record into `updated_since`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from contract_tests import expect
from contract_tests.capabilities import World, declaration_body
from contract_tests.client import Client
from contract_tests.records import (
    LISTS,
    after_all,
    all_records,
    ids,
    judge_filter,
    parse_ts,
    stamp_at_least,
)

pytestmark = [pytest.mark.quick]


@pytest.mark.rule("R-38", "filter[updated_since] returns exactly the records changed since", per_case=True)
@pytest.mark.parametrize("kind", sorted(LISTS))
def test_r38_since_is_exact(world: World, api: Client, kind: str) -> None:
    path, _, field = LISTS[kind]
    everything = all_records(api, path)
    if not everything:
        pytest.skip(f"no {kind} to filter")
    # Pivot on a real record's own timestamp so the inclusive boundary (>=) is exercised too.
    stamps = sorted({r["attributes"][field] for r in everything}, key=parse_ts)
    pivot = stamps[len(stamps) // 2]
    name = "created_since" if kind == "outcomes" else "updated_since"
    got = all_records(api, path, {f"filter[{name}]": pivot})
    judge_filter(
        api,
        path,
        everything,
        got,
        stamp_at_least(field, pivot),
        f"R-38 filter[{name}] on {kind}",
        f"{field} >= {pivot}",
    )


@pytest.mark.rule(
    "R-37", "filter[updated_since]/[created_since] must be ISO 8601 date-times (400)", per_case=True
)
@pytest.mark.parametrize("kind", sorted(LISTS))
def test_r37_since_invalid(api: Client, kind: str) -> None:
    name = "created_since" if kind == "outcomes" else "updated_since"
    reply = api.get(LISTS[kind][0], params={f"filter[{name}]": "last tuesday"})
    expect.refused(reply, "filter.since_invalid", f"R-37 invalid filter[{name}]", name=name)


@pytest.mark.rule("R-36", "filter[cohort] returns exactly the applications of those cohorts")
def test_r36_cohort(world: World, api: Client) -> None:
    path = LISTS["applications"][0]
    everything = all_records(api, path)
    cohorts = sorted({str(a["attributes"]["cohort"]) for a in everything if a["attributes"].get("cohort")})
    if not cohorts:
        pytest.skip("no applications with a cohort")
    for wanted in ([cohorts[0]], cohorts[-2:]):
        got = all_records(api, path, {"filter[cohort]": ",".join(wanted)})
        judge_filter(
            api,
            path,
            everything,
            got,
            lambda a, wanted=wanted: str(a["attributes"].get("cohort")) in wanted,
            "R-36 filter[cohort]",
            f"cohort in {wanted}",
        )
    got = all_records(api, path, {"filter[cohort]": "abc"})
    expect.equal(got, [], "R-36 unknown cohort gives an empty list", "data for filter[cohort]=abc")


@pytest.mark.rule("R-39", "filter[participant_id] returns exactly that participant's declarations")
def test_r39_participant_id(world: World, api: Client) -> None:
    path = LISTS["declarations"][0]
    everything = all_records(api, path)
    people = sorted({d["attributes"]["participant_id"] for d in everything})
    if not people:
        pytest.skip("no declarations to filter")
    wanted = people[:2]
    got = all_records(api, path, {"filter[participant_id]": ",".join(wanted)})
    judge_filter(
        api,
        path,
        everything,
        got,
        lambda d: d["attributes"]["participant_id"] in wanted,
        "R-39 filter[participant_id]",
        f"participant_id in {wanted}",
    )
    reply = api.get(path, params={"filter[participant_id]": f"{wanted[0]},not-a-uuid"})
    expect.refused(reply, "filter.participant_id_invalid", "R-39 malformed participant_id filter")


def _moved_in(api: Client, kind: str, change: object, since: str, record_id: str) -> None:
    path, _, _ = LISTS[kind]
    got = ids(all_records(api, path, {"filter[updated_since]": since}))
    expect.equal(
        got,
        [record_id],
        f"R-38 a change moves a {kind[:-1]} into filter[updated_since]",
        f"ids updated since {since} after the change",
        change,
    )  # type: ignore[arg-type]


@pytest.mark.writes
@pytest.mark.rule("R-58", "a change moves the record into filter[updated_since]", per_case=True)
@pytest.mark.parametrize("kind", ["applications", "participants", "declarations"])
def test_r58_change_moves_record(world: World, api: Client, kind: str) -> None:
    world.need_testing_api("a record to change")
    person = world.participant()["attributes"]["participant_id"]
    decl = expect.ok(api.post(LISTS["declarations"][0], declaration_body(person)), "R-104 declaration")
    pending = world.application()
    since = after_all(all_records(api, LISTS[kind][0]), "updated_at")
    # Make the change "as of" a second after every record, then ask what changed since then.
    when = {"X-With-Server-Date": since}
    if kind == "declarations":
        change = api.put(f"{LISTS[kind][0]}/{decl['id']}/void", headers=when)
        expect.ok(change, "R-109 void")
        _moved_in(api, kind, change, since, decl["id"])
        return
    change = api.post(f"/api/v1/npq-applications/{pending['id']}/accept", headers=when)
    expect.ok(change, "R-56 accept")
    target = pending["id"] if kind == "applications" else pending["attributes"]["participant_id"]
    _moved_in(api, kind, change, since, target)


def _since_name(kind: str) -> str:
    return "created_since" if kind == "outcomes" else "updated_since"


@pytest.mark.rule(
    "R-37", "since filters: date-only and positive offsets are 400; Z and negative offsets work"
)
@pytest.mark.parametrize("kind", sorted(LISTS))
def test_r37_offsets(api: Client, kind: str) -> None:
    path, _, field = LISTS[kind]
    name = _since_name(kind)
    for bad in ("2024-01-01", "2024-01-01T10:00:00+01:00"):
        reply = api.get(path, params={f"filter[{name}]": bad})
        expect.refused(reply, "filter.since_invalid", f"R-37 filter[{name}]={bad}", name=name)
    everything = all_records(api, path)
    stamps = sorted({r["attributes"][field] for r in everything}, key=parse_ts)
    pivot = parse_ts(stamps[len(stamps) // 2] if stamps else "2024-01-01T10:00:00Z")
    negative = (pivot - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S-01:00")
    got = all_records(api, path, {f"filter[{name}]": negative})
    judge_filter(
        api,
        path,
        everything,
        got,
        stamp_at_least(field, negative),
        f"R-37 negative offset {negative}",
        f"{field} >= it",
    )


@pytest.mark.rule("R-36", "a blank filter value is no filter", per_case=True)
@pytest.mark.parametrize(
    ("kind", "name", "value"),
    [
        ("applications", "cohort", ""),
        ("applications", "cohort", " "),
        ("applications", "updated_since", ""),
        ("participants", "updated_since", ""),
        ("declarations", "updated_since", ""),
        ("declarations", "participant_id", ""),
        ("outcomes", "created_since", ""),
    ],
)
def test_r36_blank_filter(api: Client, kind: str, name: str, value: str) -> None:
    path = LISTS[kind][0]
    everything = all_records(api, path)
    got = all_records(api, path, {f"filter[{name}]": value})
    judge_filter(
        api, path, everything, got, lambda r: True, f"R-36/R-37/R-39 blank filter[{name}]", "any value"
    )
