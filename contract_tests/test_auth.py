"""Authentication (R-10..R-12) on every operation, and scoping between providers (R-14, R-15)."""

from __future__ import annotations

import pytest

from contract_tests import expect
from contract_tests.capabilities import World, action_body, declaration_body
from contract_tests.client import Client
from contract_tests.records import LISTS, all_records, ids
from contract_tests.settings import run_state

pytestmark = [pytest.mark.quick]
PLACEHOLDER = "7d6c9b1e-58a4-4f6e-9d58-3f4a6b0c2e11"


def _probe(client: Client, method: str, path: str, raw_auth: str) -> object:
    body = (
        {"data": {"type": "x", "attributes": {"course_identifier": "npq-headship"}}}
        if method != "GET"
        else None
    )
    return client.request(method, path.replace("{id}", PLACEHOLDER), body=body, raw_auth=raw_auth)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked `every_operation` run once per (METHOD, path) of the run's document."""
    if metafunc.definition.get_closest_marker("every_operation") is None:
        return
    operations = run_state(metafunc.config).operations()
    metafunc.parametrize(("method", "path"), operations, ids=[f"{m} {p}" for m, p in operations])


@pytest.mark.rule("R-12", "no token: 401 HTTP Token: Access denied", per_case=True)
@pytest.mark.every_operation
def test_r12_missing_token(api: Client, method: str, path: str) -> None:
    expect.denied(_probe(api, method, path, ""), "R-12 missing token")  # type: ignore[arg-type]


@pytest.mark.rule("R-12", "wrong token: 401 HTTP Token: Access denied", per_case=True)
@pytest.mark.every_operation
def test_r12_wrong_token(api: Client, method: str, path: str) -> None:
    for raw in ("Bearer not-a-real-token-4f1d", f"Basic {api.token}"):
        expect.denied(_probe(api, method, path, raw), "R-12 wrong token or scheme")  # type: ignore[arg-type]


@pytest.mark.rule("R-10", "the Token scheme is accepted as well as Bearer", per_case=True)
@pytest.mark.parametrize("scheme", ["Token {t}", 'Token token="{t}"'], ids=["token", "token-token"])
def test_r10_token_scheme(api: Client, scheme: str) -> None:
    for path in (LISTS["applications"][0], LISTS["participants"][0]):
        reply = api.get(path, params={"page[per_page]": 1}, raw_auth=scheme.format(t=api.token))
        expect.ok(reply, f"R-10 Authorization: {scheme.format(t='<token>')} accepted")


@pytest.mark.rule("R-14", "lists never mix providers", per_case=True)
@pytest.mark.parametrize("kind", ["applications", "declarations", "outcomes"])
def test_r14_lists_do_not_mix(world: World, api: Client, other: Client, kind: str) -> None:
    path = LISTS[kind][0]
    ours, theirs = set(ids(all_records(api, path))), set(ids(all_records(other, path)))
    shared = sorted(ours & theirs)
    if kind == "declarations":
        shared = [d for d in shared if not _seen_after_a_transfer(api, other, path, d)]
    shared = shared[:3]
    expect.true(
        not shared,
        f"R-14 {kind} scoped to the provider",
        "no record in both providers' lists",
        f"shared ids {shared}",
    )


def _seen_after_a_transfer(api: Client, other: Client, path: str, declaration_id: str) -> bool:
    """V-51 (v3): a declaration is listed for its creator and for the provider that now owns its application
    (after DfE moved the application). Shown so when its `application_id` (a v3 attribute) belongs to exactly
    one of the two providers: the other is then its creator."""
    reply = api.get(f"{path}/{declaration_id}")
    if reply.status != 200:
        return False
    application = (reply.data or {}).get("attributes", {}).get("application_id")
    if not application:
        return False
    owners = [c for c in (api, other) if c.get(f"{LISTS['applications'][0]}/{application}").status == 200]
    return len(owners) == 1


@pytest.fixture(scope="module")
def our_records(world: World, api: Client) -> dict[str, str]:
    """One record of each kind belonging to our provider (made if possible, else found)."""
    if world.testing_api and not world.read_only:
        pending = world.application()
        person = world.participant()["attributes"]["participant_id"]
        body = declaration_body(person, "completed", declaration_date="2024-05-01T10:00:00Z", has_passed=True)
        decl = expect.ok(api.post(LISTS["declarations"][0], body), "R-104 completed declaration")
        return {"application": pending["id"], "participant": person, "declaration": decl["id"]}
    found: dict[str, str] = {"found": "yes"}
    for kind, key in (
        ("applications", "application"),
        ("participants", "participant"),
        ("declarations", "declaration"),
    ):
        records = expect.ok(api.get(LISTS[kind][0], params={"page[per_page]": 1}), "R-45 list")
        if records:
            found[key] = records[0]["id"]
    return found


def _not_theirs(api: Client, other: Client, records: dict[str, str]) -> dict[str, str]:
    """Found records: a person may be a participant of both providers, and then the other provider rightly
    sees them. Probe with one of our participants the other provider does not list (or none)."""
    if "found" not in records or "participant" not in records:
        return records
    theirs = set(ids(all_records(other, LISTS["participants"][0])))
    ours = all_records(api, LISTS["participants"][0])
    records = {k: v for k, v in records.items() if k != "participant"}
    person = next((p["id"] for p in ours if p["id"] not in theirs), None)
    if person:
        records["participant"] = person
    if "declaration" in records:
        # v3 shows a declaration to its creator and to its application's current provider (V-51): after a
        # DfE transfer both see it. Probe with one of ours the other provider does not list (or none).
        declarations = LISTS["declarations"][0]
        seen = set(ids(all_records(other, declarations)))
        del records["declaration"]
        mine = next((d for d in ids(all_records(api, declarations)) if d not in seen), None)
        if mine:
            records["declaration"] = mine
    return records


def _cross_requests(
    rec: dict[str, str], read_only: bool, version: str = "v1"
) -> list[tuple[str, str, object]]:
    a, p, d = rec.get("application"), rec.get("participant"), rec.get("declaration")
    calls: list[tuple[str, str, object]] = []
    if a:
        calls += [("GET", f"/api/v1/npq-applications/{a}", None)]
        if not read_only:
            fp = {"data": {"type": "x", "attributes": {"funded_place": True}}}
            calls += [
                ("POST", f"/api/v1/npq-applications/{a}/accept", None),
                ("POST", f"/api/v1/npq-applications/{a}/reject", None),
                ("PUT", f"/api/v1/npq-applications/{a}/change-funded-place", fp),
            ]
    if p:
        calls += [
            ("GET", f"/api/v1/participants/npq/{p}", None),
            ("GET", f"/api/v1/participants/npq/{p}/outcomes", None),
        ]
        if not read_only:
            outcome = {
                "data": {
                    "type": "x",
                    "attributes": {
                        "course_identifier": "npq-headship",
                        "state": "passed",
                        "completion_date": "2024-05-01",
                    },
                }
            }
            calls += [
                ("PUT", f"/api/v1/participants/npq/{p}/defer", action_body(reason="other")),
                ("PUT", f"/api/v1/participants/npq/{p}/resume", action_body()),
                ("PUT", f"/api/v1/participants/npq/{p}/withdraw", action_body(reason="other")),
                (
                    "PUT",
                    f"/api/v1/participants/npq/{p}/change-schedule",
                    action_body(schedule_identifier="npq-leadership-spring"),
                ),
                ("POST", f"/api/v1/participants/npq/{p}/outcomes", outcome),
            ]
    if d:
        calls += [("GET", f"/api/v1/participant-declarations/{d}", None)]
        if not read_only:
            calls += [("PUT", f"/api/v1/participant-declarations/{d}/void", None)]
            if version == "v3":  # V-68: the declaration lookup (404) comes before the body
                partner = {"data": {"type": "x", "attributes": {"delivery_partner_id": PLACEHOLDER}}}
                calls += [("PUT", f"/api/v1/participant-declarations/{d}/change-delivery-partner", partner)]
    return calls


@pytest.mark.rule("R-15", "another provider cannot read or change our records (404)")
def test_r15_cross_provider(
    world: World, api: Client, other: Client, our_records: dict[str, str], version: str
) -> None:
    our_records = _not_theirs(api, other, our_records)
    if not set(our_records) - {"found"}:
        pytest.skip("no records of ours to probe")
    decl_url = f"/api/v1/participant-declarations/{our_records.get('declaration')}"
    state_before = (
        expect.ok(api.get(decl_url), "R-108")["attributes"]["state"] if "declaration" in our_records else None
    )
    for method, path, body in _cross_requests(our_records, world.read_only, version):
        expect.not_found(
            other.request(method, path, body=body), f"R-15 {method} of another provider's record"
        )
    if "declaration" in our_records and not world.read_only:
        reply = api.get(decl_url)
        expect.equal(
            expect.ok(reply, "R-108")["attributes"]["state"],
            state_before,
            "R-15 another provider's void changed nothing",
            "state",
            reply,
        )
    if "declaration" in our_records and "participant" in our_records and not world.read_only:
        reply = other.post(LISTS["declarations"][0], declaration_body(our_records["participant"]))
        expect.refused(
            reply,
            "declaration.participant_not_recognised",
            "R-81 no declaring for another provider's participant",
        )
