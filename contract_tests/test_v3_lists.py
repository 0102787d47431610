"""v3 lists: statements (V-72, V-39), delivery partners (V-74, V-75, V-40, V-22), `sort` (V-33), the
participants filters training_status (V-35) and from_participant_id (V-36), applications
filter[participant_id] (V-34), the filter-shape 400 (V-31) and 410 for retired participant ids (V-53;
v1/v2: 404).

Read-only checks find their records through the API: a provider with no statements or no partners on a
real sandbox is a skip, never a failure. Lists read twice are judged so concurrent changes are no alarm.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest

from contract_tests import expect
from contract_tests.capabilities import World, fresh_uuid
from contract_tests.client import Client, Reply
from contract_tests.records import (
    FIELDS,
    PARTICIPANT_ID_CHANGE,
    TIMESTAMP,
    all_records,
    enrolments,
    ids,
    judge_fields,
    judge_filter,
    parse_ts,
    stamp_at_least,
)
from contract_tests.rules import rule

V3 = pytest.mark.versions("v3", reason="a v3 endpoint or filter")
pytestmark = [pytest.mark.quick]
STATEMENTS = "/api/v1/statements"  # sent under the run's prefix (/api/v3)
PARTNERS = "/api/v1/delivery-partners"
APPS = "/api/v1/npq-applications"
PARTS = "/api/v1/participants/npq"
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
DAY = r"^\d{4}-\d{2}-\d{2}$"


def _non_empty(api: Client, path: str, what: str, params: dict[str, Any] | None = None) -> list[dict]:
    records = all_records(api, path, params)
    if not records:
        pytest.skip(f"no {what} visible to this provider: nothing to judge")
    return records


def _collation_key(name: str) -> str:
    """Roughly a database collation's first level: case, accents, spaces and punctuation ignored."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in plain if c.isalnum())


def by_name(names: list[str]) -> bool:
    """In `name` order by the database collation, which the reference leaves open (§7): accepted if
    ordered case-insensitively, or by a collation-like key (glibc/ICU ignore spaces and punctuation)."""
    return any(
        all(key(a) <= key(b) for a, b in zip(names, names[1:], strict=False))
        for key in (str.casefold, _collation_key)
    )


# --- statements (V-72, V-39, §2.5) --------------------------------------------------------------------
@V3
@pytest.mark.rule("V-72", "statements: output-fee statements of ours, shape, payment_date order, show, 404")
def test_v72_statements(api: Client, other_or_none: Client | None) -> None:
    records = _non_empty(api, STATEMENTS, "statements")
    for rec in records:
        expect.equal(rec.get("type"), "statement", "R-22 statement type", "type", None)
        attrs = rec["attributes"]
        judge_fields(attrs, "statements", "v3", "§2.5 statement attributes", None)
        expect.true(
            attrs["month"] in MONTHS
            and isinstance(attrs["year"], str)
            and isinstance(attrs["cohort"], str)
            and isinstance(attrs["paid"], bool)
            and all(
                attrs[k] is None or re.match(DAY, str(attrs[k])) for k in ("cut_off_date", "payment_date")
            )
            and all(TIMESTAMP.match(str(attrs[k])) for k in ("created_at", "updated_at")),
            "§2.5 statement values",
            "month name, year/cohort strings, YYYY-MM-DD dates, paid boolean, RFC 3339 stamps",
            repr(attrs),
        )
    dates = [r["attributes"]["payment_date"] for r in records if r["attributes"]["payment_date"]]
    expect.equal(
        dates, sorted(dates), "V-72 statements in payment_date order", "payment dates in order", None
    )
    reply = api.get(f"{STATEMENTS}/{records[0]['id']}")
    shown = expect.ok(reply, "V-72 show statement")
    expect.equal(shown["id"], records[0]["id"], "V-72 show returns the statement", "id", reply)
    expect.not_found(api.get(f"{STATEMENTS}/{fresh_uuid()}"), "V-72 unknown statement: 404")
    if other_or_none is not None:
        theirs = expect.ok(other_or_none.get(STATEMENTS, params={"page[per_page]": 1}), "V-72 other's list")
        mine = set(ids(records))
        if theirs and theirs[0]["id"] not in mine:
            expect.not_found(
                api.get(f"{STATEMENTS}/{theirs[0]['id']}"), "V-72 another provider's statement: 404"
            )


@V3
@pytest.mark.rule("V-39", "statements filter[cohort] and filter[updated_since]", per_case=True)
@pytest.mark.parametrize("name", ["cohort", "updated_since"])
def test_v39_statement_filters(api: Client, name: str) -> None:
    before = _non_empty(api, STATEMENTS, "statements")
    if name == "cohort":
        value = before[len(before) // 2]["attributes"]["cohort"]
        matches = lambda r: r["attributes"].get("cohort") == value  # noqa: E731
    else:
        stamps = sorted(r["attributes"]["updated_at"] for r in before)
        value = stamps[len(stamps) // 2]
        matches = stamp_at_least("updated_at", value)
    got = all_records(api, STATEMENTS, {f"filter[{name}]": value})
    judge_filter(api, STATEMENTS, before, got, matches, f"V-39 statements filter[{name}]", f"{name} {value}")


# --- delivery partners (V-74, V-75, V-40, V-22, §2.6) ---------------------------------------------------
@V3
@pytest.mark.rule("V-74", "delivery partners: shape, cohort ascending unique integers, name order, show, 404")
def test_v74_v75_delivery_partners(api: Client) -> None:
    records = _non_empty(api, PARTNERS, "delivery partners")
    for rec in records:
        expect.equal(rec.get("type"), "delivery-partner", "R-22 delivery partner type", "type", None)
        attrs = rec["attributes"]
        judge_fields(attrs, "delivery-partners", "v3", "§2.6 delivery partner attributes", None)
        cohorts = attrs["cohort"]
        expect.true(
            isinstance(cohorts, list)
            and all(isinstance(c, int) and not isinstance(c, bool) for c in cohorts)
            and cohorts == sorted(set(cohorts))
            and bool(cohorts),
            "V-22 cohort: the years of our partnerships, integers, unique and ascending",
            "a non-empty ascending list of distinct integers",
            f"{cohorts!r} for {rec['id']}",
        )
    names = [r["attributes"]["name"] for r in records]
    expect.true(by_name(names), "V-32 partners by name", "names in ascending order", str(names[:8]))
    reply = api.get(f"{PARTNERS}/{records[0]['id']}")
    expect.equal(
        expect.ok(reply, "V-75 show partner")["attributes"],
        records[0]["attributes"],
        "V-75 show",
        "attributes",
        reply,
    )
    expect.not_found(api.get(f"{PARTNERS}/{fresh_uuid()}"), "V-75 unknown partner: 404")


@V3
@pytest.mark.rule("V-40", "delivery partners filter[cohort]: partners of that year, cohort still lists all")
def test_v40_partner_cohort_filter(api: Client) -> None:
    before = _non_empty(api, PARTNERS, "delivery partners")
    years = sorted({y for r in before for y in r["attributes"]["cohort"]})
    year = years[len(years) // 2]
    got = all_records(api, PARTNERS, {"filter[cohort]": str(year)})
    judge_filter(
        api,
        PARTNERS,
        before,
        got,
        lambda r: year in (r["attributes"].get("cohort") or []),
        "V-40 partners filter[cohort]",
        f"a partnership in {year}",
    )
    then = {r["id"]: r["attributes"]["cohort"] for r in before}
    narrowed = [
        r["id"] for r in got if r["id"] in then and len(r["attributes"]["cohort"]) < len(then[r["id"]])
    ]
    expect.true(
        not narrowed,
        "V-22 the cohort attribute lists every partnership year whatever filter[cohort] was",
        "the same cohort lists as unfiltered",
        f"narrowed for {narrowed[:3]}",
    )


@V3
@pytest.mark.writes
@pytest.mark.rule("V-74", "delivery partners: another provider's partner is neither listed nor shown")
def test_v74_partner_scope(world: World, api: Client, other: Client) -> None:
    theirs = world.delivery_partner([(other.token, 2024)])
    expect.not_found(api.get(f"{PARTNERS}/{theirs['id']}"), "V-75 another provider's partner: 404")
    expect.true(
        theirs["id"] not in ids(all_records(api, PARTNERS)),
        "V-74 partners of other providers are never listed",
        "not in our list",
        "listed",
    )
    expect.ok(other.get(f"{PARTNERS}/{theirs['id']}"), "V-75 the partner's provider sees it")


# --- sort (V-33) -------------------------------------------------------------------------------------
def _stamps(records: list[dict], field: str) -> list[Any]:
    return [parse_ts(r["attributes"][field]) for r in records]


@V3
@pytest.mark.rule("V-33", "sort: -created_at / %2Bcreated_at honoured, unknown keys ignored", per_case=True)
@pytest.mark.parametrize("kind", ["applications", "delivery-partners"])
def test_v33_sort(api: Client, kind: str) -> None:
    path = APPS if kind == "applications" else PARTNERS
    first = _non_empty(api, path, kind, {"sort": "-created_at"})
    if len(first) < 2:
        pytest.skip(f"fewer than two {kind}: no order to judge")

    def ordered(params: dict[str, str], descending: bool, label: str) -> None:
        got = all_records(api, path, params)
        stamps = _stamps(got, "created_at")
        want = sorted(stamps, reverse=descending)
        expect.true(
            stamps == want,
            f"V-33 {label}",
            f"created_at {'descending' if descending else 'ascending'}",
            f"out of order: ids {ids(got)[:5]}...",
        )

    ordered({"sort": "-created_at"}, True, "sort=-created_at")
    ordered({"sort": "+created_at"}, False, "sort=%2Bcreated_at (an encoded +)")
    ordered({"sort": "no_such_column,-created_at"}, True, "unknown sort keys are dropped, the rest applies")
    if kind == "delivery-partners":
        got = [r["attributes"]["name"] for r in all_records(api, path, {"sort": "-name"})]
        expect.true(by_name(got[::-1]), "V-33 sort=-name", "names in descending order", str(got[:8]))
    for junk in ("no_such_column", ""):
        expect.ok(api.get(path, params={"sort": junk}), f"V-33 sort={junk!r} is no error (any order)")


# --- participants filters (V-35, V-36) -----------------------------------------------------------------
@V3
@pytest.mark.rule(
    "V-35", "participants filter[training_status]: only those enrolments; bad value 422", per_case=True
)
@pytest.mark.parametrize("status", ["active", "deferred", "withdrawn"])
def test_v35_training_status(api: Client, status: str) -> None:
    before = all_records(api, PARTS)
    got = all_records(api, PARTS, {"filter[training_status]": status})
    wrong = [
        p["id"]
        for p in got
        if not enrolments(p["attributes"])
        or any(e.get("training_status") != status for e in enrolments(p["attributes"]))
    ]
    expect.true(
        not wrong,
        f"V-35 filter[training_status]={status}",
        f"participants listing only their {status} enrolments",
        f"{len(wrong)} with other enrolments, e.g. {wrong[:3]}",
    )
    judge_filter(
        api,
        PARTS,
        before,
        [dict(p, attributes={"npq_enrolments": enrolments(p["attributes"])}) for p in got],
        lambda p: any(e.get("training_status") == status for e in enrolments(p["attributes"])),
        f"V-35 filter[training_status]={status}",
        f"an enrolment {status}",
    )


@V3
@pytest.mark.rule("V-35", "filter[training_status] other than active/deferred/withdrawn: 422 Unpermitted")
def test_v35_training_status_invalid(api: Client) -> None:
    for bad in ("Active", "paused", "active,deferred"):
        expect.refused(
            api.get(PARTS, params={"filter[training_status]": bad}),
            "filter.training_status_invalid",
            f"V-35 filter[training_status]={bad}",
        )


@V3
@pytest.mark.rule(
    "V-36", "participants filter[from_participant_id]: exact match, only that change; unknown: none"
)
def test_v36_from_participant_id_found(api: Client) -> None:
    empty = expect.ok(api.get(PARTS, params={"filter[from_participant_id]": fresh_uuid()}), "V-36 unknown id")
    expect.equal(empty, [], "V-36 an unknown from_participant_id matches nobody", "records", None)
    changed = next(
        (p for p in all_records(api, PARTS) if p["attributes"].get("participant_id_changes")), None
    )
    if changed is None:
        pytest.skip("no participant of ours has a participant-id change")
    change = changed["attributes"]["participant_id_changes"][-1]
    _judge_from_filter(api, changed["id"], change)
    _judge_retired(api, change["from_participant_id"], changed["id"], "v3")


def _judge_from_filter(api: Client, person: str, change: dict[str, Any]) -> None:
    reply = api.get(PARTS, params={"filter[from_participant_id]": change["from_participant_id"]})
    got = expect.ok(reply, "V-36 filter[from_participant_id]")
    expect.true(person in ids(got), "V-36 the merged participant is listed", person, str(ids(got)), reply)
    for p in got:
        expect.equal(
            [c.get("from_participant_id") for c in p["attributes"].get("participant_id_changes") or []],
            [change["from_participant_id"]],
            "V-36 participant_id_changes lists only the matching change",
            f"changes of {p['id']}",
            reply,
        )


def _judge_retired(api: Client, from_id: str, to_id: str, version: str) -> None:
    """V-53: v3 answers 410 with the change; v1/v2 answer 404 (R-71)."""
    for path in (f"{PARTS}/{from_id}", f"{PARTS}/{from_id}/outcomes"):
        reply = api.get(path)
        if version != "v3":
            expect.not_found(reply, f"V-53 {version}: a retired participant id is 404 (R-71)")
            continue
        row = rule("participant.id_changed")
        expect.status(reply, row.status, "V-53 a retired participant id is 410")
        entries = reply.json().get("errors") if isinstance(reply.json(), dict) else None
        entry = entries[0] if isinstance(entries, list) and entries else {}
        expect.equal(
            (entry.get("title"), entry.get("detail")),
            (row.title, row.message(from_id=from_id, to_id=to_id)),
            "V-53 410 title and detail",
            "(title, detail)",
            reply,
        )
        changes = entry.get("participant_id_changes") or [{}]
        expect.true(
            sorted(changes[0]) == sorted(PARTICIPANT_ID_CHANGE)
            and (changes[0]["from_participant_id"], changes[0]["to_participant_id"]) == (from_id, to_id),
            "V-53 the 410 lists the change",
            f"participant_id_changes [{{from {from_id}, to {to_id}, changed_at}}]",
            repr(entry.get("participant_id_changes")),
            reply,
        )


@pytest.mark.writes
@pytest.mark.rule("V-53", "retired participant id: v3 410 with the change (also its outcomes); v1/v2 404")
def test_v53_retired_id(world: World, api: Client, version: str) -> None:
    old, _ = world.accepted()
    new, _ = world.accepted()
    world.participant_id_change(old, new)
    _judge_retired(api, old, new, version)
    if version == "v3":
        reply = api.get(f"{PARTS}/{new}")
        changes = expect.ok(reply, "R-71 the merged participant")["attributes"]["participant_id_changes"]
        expect.equal(
            [(c.get("from_participant_id"), c.get("to_participant_id")) for c in changes],
            [(old, new)],
            "V-14 participant_id_changes",
            "changes",
            reply,
        )
        _judge_from_filter(api, new, changes[0])


# --- applications filter[participant_id] (V-34) -------------------------------------------------------
@pytest.mark.rule("V-34", "applications filter[participant_id]: v3 filters and validates; v2 ignores it")
def test_v34_applications_participant_id(api: Client, version: str) -> None:
    if version == "v1":
        pytest.skip("v1 applications have no participant_id filter (R-36); see the v1 filter checks")
    if version == "v2":
        reply = api.get(APPS, params={"filter[participant_id]": "not-a-uuid", "page[per_page]": 1})
        expect.ok(reply, "V-34 v2 does not read filter[participant_id] (no 400)")
        return
    before = _non_empty(api, APPS, "applications")
    people = sorted({a["attributes"]["participant_id"] for a in before})
    wanted = {people[0], people[-1]}
    got = all_records(api, APPS, {"filter[participant_id]": ",".join(sorted(wanted))})
    judge_filter(
        api,
        APPS,
        before,
        got,
        lambda a: a["attributes"].get("participant_id") in wanted,
        "V-34 applications filter[participant_id]",
        f"participant_id in {sorted(wanted)}",
    )
    expect.refused(
        api.get(APPS, params={"filter[participant_id]": "not-a-uuid"}),
        "filter.participant_id_invalid",
        "V-34 invalid participant_id filter: 400 (R-39)",
    )


# --- the filter parameter must be an object (V-31) -----------------------------------------------------
@V3
@pytest.mark.rule("V-31", "a non-object filter is a 400 before authentication", per_case=True)
@pytest.mark.parametrize(
    "path", [APPS, PARTS, "/api/v1/participant-declarations", f"{APPS}/{'0' * 8}-0000-4000-8000-{'0' * 12}"]
)
def test_v31_filter_shape(api: Client, path: str) -> None:
    for query in ("filter=abc", "filter=", "filter%5B%5D=x"):
        for auth in (None, ""):
            reply: Reply = api.get(f"{path}?{query}", raw_auth=auth)
            expect.refused(
                reply,
                "filter.not_object",
                f"V-31 ?{query} {'without a token ' if auth == '' else ''}is a 400",
            )


# --- representations (§2) ----------------------------------------------------------------------------
@pytest.mark.rule("§2", "every record of each list has its version's attributes (V-10..V-22)", per_case=True)
@pytest.mark.parametrize(
    "kind", ["applications", "participants", "declarations", "outcomes", "statements", "delivery-partners"]
)
def test_representation_fields(api: Client, version: str, kind: str) -> None:
    if version not in FIELDS[kind]:
        pytest.skip(f"no {kind} in API {version}")
    path = {
        "applications": APPS,
        "participants": PARTS,
        "declarations": "/api/v1/participant-declarations",
        "outcomes": "/api/v1/participants/npq/outcomes",
        "statements": STATEMENTS,
        "delivery-partners": PARTNERS,
    }[kind]
    reply = api.get(path, params={"page[per_page]": 50})
    records = expect.ok(reply, f"R-45 {kind} list")
    if not records:
        pytest.skip(f"no {kind} visible to this provider")
    for rec in records:
        judge_fields(rec["attributes"], kind, version, f"§2 {version} {kind} attributes", reply)
