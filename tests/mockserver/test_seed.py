"""Seeding: the default world shows every state, keeps the rules, is repeatable, and scales."""

from __future__ import annotations

import random
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
import yaml

from mockserver.config import Settings
from mockserver.reference import load_reference
from mockserver.seed import prepare_database, reset_world, seed_world
from mockserver.seeding import builder as builder_module
from mockserver.seeding.builder import WorldBuilder
from mockserver.seeding.pools import _pools_for, pools_for
from mockserver.seeding.timeline import WORLD_NOW, iso
from mockserver.store.bulk import world_counts
from mockserver.store.db import connect, create_schema
from npq_lead_provider_kit.resources import fixtures_dir
from tests.mockserver.core_world import dump

NOW = iso(WORLD_NOW)


@pytest.fixture
def db(ops_world: Path) -> sqlite3.Connection:
    return connect(ops_world)


def rows(db: sqlite3.Connection, sql: str) -> list[tuple]:
    return [tuple(r) for r in db.execute(sql)]


def test_every_provider_has_pending_accepted_and_rejected_applications(db: sqlite3.Connection) -> None:
    found = rows(db, "SELECT lead_provider_id, status, COUNT(*) FROM applications GROUP BY 1, 2")
    providers = {p for p, _, _ in found}
    assert len(providers) == 8
    for provider in providers:
        assert {s for p, s, _ in found if p == provider} == {"pending", "accepted", "rejected"}


def test_every_provider_has_applications_in_each_cohort_2021_to_2025(db: sqlite3.Connection) -> None:
    for (provider,) in rows(db, "SELECT id FROM lead_providers"):
        cohorts = {c for (c,) in rows(db, f"SELECT DISTINCT cohort FROM applications "
                                          f"WHERE lead_provider_id = '{provider}'")}
        assert cohorts == {2021, 2022, 2023, 2024, 2025, 2026, 2028}  # pending 2026b and 2028b (v3 extras)


def test_every_v3_field_has_data(db: sqlite3.Connection) -> None:
    """Suffixed and zero-funded cohorts with applications, rejection reasons, SENCO answers, previous
    names, participant-id changes and transfers (declarations made by another provider)."""
    assert set(rows(db, "SELECT start_year, suffix, funding FROM cohorts WHERE suffix <> 'a'")) == {
        (2026, "b", "capped"), (2028, "b", "zero")}
    providers = len(rows(db, "SELECT id FROM lead_providers"))
    suffixed = ("SELECT cohort, funded_place FROM applications "
                "WHERE cohort_suffix = 'b' AND status = 'pending'")
    assert sorted(rows(db, suffixed)) == [(2026, None)] * providers + [(2028, 0)] * providers
    reasons = {r for (r,) in rows(db, "SELECT DISTINCT reason_for_rejection FROM applications")}
    sibling = "other_application_in_this_cohort_accepted"
    assert {"rejected_by_provider", "registration_expired", sibling} <= reasons
    senco = "SELECT DISTINCT senco_in_role FROM applications WHERE senco_in_role IS NOT NULL"
    assert len(rows(db, senco)) >= 2
    assert rows(db, "SELECT count(*) FROM users WHERE previous_names <> '[]'")[0][0] > 0
    assert rows(db, "SELECT count(*) FROM participant_id_changes")[0][0] == 2 * providers
    moved = rows(db, "SELECT count(DISTINCT a.id) FROM applications a JOIN declarations d "
                     "ON d.application_id = a.id WHERE d.lead_provider_id <> a.lead_provider_id")[0][0]
    assert moved == providers


def test_every_state_is_present(db: sqlite3.Connection) -> None:
    counts = world_counts(db)
    assert set(counts["declarations"]) == {"submitted", "eligible", "payable", "paid", "voided", "ineligible",
                                           "awaiting_clawback", "clawed_back"}
    assert set(counts["outcomes"]) == {"passed", "failed", "voided"}
    assert set(counts["training_status"]) == {"active", "deferred", "withdrawn"}
    assert set(counts["catchments"]) - {"england"}, "someone trains outside England"


def test_accepted_applications_follow_the_rules(db: sqlite3.Connection) -> None:
    bad = rows(db, """
        SELECT a.id FROM applications a LEFT JOIN schedules s ON s.id = a.schedule_id
        JOIN courses c ON c.identifier = a.course_identifier
        JOIN cohorts k ON k.start_year = a.cohort AND k.suffix = a.cohort_suffix
        WHERE a.status = 'accepted'
              AND (s.id IS NULL OR s.cohort != a.cohort OR s.cohort_suffix != a.cohort_suffix
              OR s.course_group != c.course_group
              OR a.training_status IS NULL OR a.accepted_at IS NULL
              OR (k.funding_cap = 1) != (a.funded_place IS NOT NULL)
              OR (a.funded_place = 1 AND a.eligible_for_funding = 0))""")
    assert bad == []
    # (a zero-funded cohort's applications are made with funded_place false, V-54)
    undecided = rows(db, "SELECT id FROM applications WHERE status != 'accepted' AND (schedule_id IS NOT "
                         "NULL OR training_status IS NOT NULL OR (funded_place IS NOT NULL AND NOT "
                         "(cohort = 2028 AND cohort_suffix = 'b' AND funded_place = 0)))")
    assert undecided == []


def test_one_accepted_application_per_person_course_and_cohort(db: sqlite3.Connection) -> None:
    assert rows(db, "SELECT user_id, course_identifier, cohort FROM applications WHERE status = 'accepted' "
                    "GROUP BY 1, 2, 3 HAVING COUNT(*) > 1") == []


def test_people_who_applied_to_two_providers_have_the_sibling_rejected(db: sqlite3.Connection) -> None:
    pairs = rows(db, """SELECT a.status, b.status FROM applications a JOIN applications b
        ON a.user_id = b.user_id AND a.course_identifier = b.course_identifier AND a.cohort = b.cohort
        AND a.lead_provider_id < b.lead_provider_id""")
    assert len(pairs) >= 16
    decided = [p for p in pairs if "accepted" in p]
    assert decided and all(sorted(p) == ["accepted", "rejected"] for p in decided)
    assert ("pending", "pending") in pairs


def test_two_people_share_a_trn_and_the_later_declaration_is_a_duplicate(db: sqlite3.Connection) -> None:
    shared = rows(db, "SELECT trn FROM users WHERE trn IS NOT NULL GROUP BY trn HAVING COUNT(*) > 1")
    assert shared
    duplicates = rows(db, "SELECT d.id FROM declarations d JOIN declarations o ON o.id = d.superseded_by_id "
                          "WHERE d.state = 'ineligible' AND o.declaration_type = d.declaration_type")
    assert len(duplicates) == len(rows(db, "SELECT id FROM declarations WHERE state = 'ineligible'"))


def test_a_drawn_trn_is_nobody_else_s_and_a_given_one_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """R-53 and R-104 read one TRN as one teacher: two people sharing a random draw would refuse an accept
    or make a declaration ineligible for no reason the world meant (stories share TRNs on purpose)."""
    ref = load_reference()
    b = WorldBuilder(ref, {}, random.Random(1), pools_for(1))
    monkeypatch.setattr(builder_module, "trn", lambda rng: 9999998)  # every draw the same number

    def drawn() -> object:  # the next person with a TRN (about 1 in 14 has none)
        return next(p["trn"] for p in iter(lambda: b.person(0), None) if p["trn"] is not None)

    assert [drawn(), drawn(), drawn()] == ["9999998", "9999999", "1000000"]  # the next free, wrapping
    assert b.person(0, teacher_reference_number="9999998")["trn"] == "9999998"  # given: shared on purpose
    b.person(0, teacher_reference_number="1000001")
    assert drawn() == "1000002"  # given ones are avoided by later draws


def test_only_stories_share_a_trn(db: sqlite3.Connection) -> None:
    shared = rows(db, "SELECT trn, COUNT(*) FROM users WHERE trn IS NOT NULL "
                      "GROUP BY trn HAVING COUNT(*) > 1")
    duplicates = rows(db, "SELECT DISTINCT u.trn FROM declarations d JOIN users u ON u.id = d.user_id "
                          "JOIN declarations o ON o.id = d.superseded_by_id WHERE o.user_id <> d.user_id")
    # (a story's pair can be one person since: a participant-id change merged them)
    assert shared and {trn for trn, _ in shared} <= {trn for (trn,) in duplicates}
    assert all(count == 2 for _, count in shared)


def test_outcomes_only_on_completed_leadership_or_specialist_declarations(db: sqlite3.Connection) -> None:
    bad = rows(db, """SELECT o.id FROM outcomes o JOIN declarations d ON d.id = o.declaration_id
        JOIN applications a ON a.id = d.application_id JOIN courses c ON c.identifier = a.course_identifier
        WHERE d.declaration_type != 'completed' OR c.course_group NOT IN ('leadership', 'specialist')
        OR o.completion_date != substr(d.declaration_date, 1, 10) OR o.user_id != d.user_id""")
    assert bad == []
    voided = rows(db, "SELECT d.state FROM outcomes o JOIN declarations d ON d.id = o.declaration_id "
                      "WHERE o.state = 'voided'")
    assert voided and all(s in ("voided", "awaiting_clawback", "clawed_back") for (s,) in voided)


def test_declarations_fit_their_schedule_and_the_past(db: sqlite3.Connection) -> None:
    bad = rows(db, f"""SELECT d.id FROM declarations d JOIN applications a ON a.id = d.application_id
        JOIN schedules s ON s.id = a.schedule_id
        WHERE a.status != 'accepted' OR d.declaration_date < s.applies_from
        OR instr(',' || s.declaration_types || ',', ',' || d.declaration_type || ',') = 0
        OR d.declaration_date > '{NOW}' OR d.created_at > '{NOW}' OR d.updated_at < d.created_at
        OR a.accepted_at > d.declaration_date""")
    assert bad == []
    twice = rows(db, "SELECT application_id, declaration_type FROM declarations WHERE state IN "
                     "('submitted','eligible','payable','paid') GROUP BY 1, 2 HAVING COUNT(*) > 1")
    assert twice == []


def test_deferred_and_withdrawn_people_have_history_and_declarations(db: sqlite3.Connection) -> None:
    paused = rows(db, "SELECT id, training_status FROM applications WHERE training_status IN "
                      "('deferred', 'withdrawn')")
    assert {s for _, s in paused} == {"deferred", "withdrawn"}
    for app_id, status in paused:
        history = rows(db, f"SELECT state, reason, created_at FROM application_states "
                           f"WHERE application_id = '{app_id}' ORDER BY id")
        assert history[0][0] == "active" and history[-1][0] == status and history[-1][1]
        kinds = rows(db, f"SELECT declaration_type, declaration_date FROM declarations "
                         f"WHERE application_id = '{app_id}'")
        assert kinds, "defer and withdraw need a declaration"
        if status == "withdrawn":
            assert ("started" in {k for k, _ in kinds}) and all(d < history[-1][2] for _, d in kinds)


def test_same_seed_same_world_and_another_seed_another(tmp_path: Path, ops_world_template: Path) -> None:
    again = prepare_database(Settings(db_path=tmp_path / "again.sqlite3"))
    other = prepare_database(Settings(db_path=tmp_path / "other.sqlite3", seed=2))
    assert dump(again) == dump(ops_world_template)
    assert dump(other) != dump(ops_world_template)


def test_an_existing_world_file_is_reopened_not_reseeded(ops_world: Path) -> None:
    conn = connect(ops_world)
    conn.execute("UPDATE users SET full_name = 'Kept Across Restarts' WHERE rowid = 1")
    conn.close()
    prepare_database(Settings(db_path=ops_world, seed=99))
    conn = connect(ops_world)
    assert conn.execute("SELECT full_name FROM users WHERE rowid = 1").fetchone()[0] == "Kept Across Restarts"


def test_reset_restores_the_seeded_world_or_an_empty_one(ops_world: Path, ops_world_template: Path) -> None:
    conn = connect(ops_world)
    conn.execute("DELETE FROM declarations")
    reset_world(conn)
    conn.close()
    assert dump(ops_world) == dump(ops_world_template)
    conn = connect(ops_world)
    reset_world(conn, empty=True)
    assert conn.execute("SELECT COUNT(*) FROM applications").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM lead_providers").fetchone()[0] == 8


def test_own_fixtures_folder_shapes_the_world(tmp_path: Path) -> None:
    folder = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir(), folder)
    providers = yaml.safe_load((folder / "lead_providers.yaml").read_text())
    providers["lead_providers"] = providers["lead_providers"][:2]
    (folder / "lead_providers.yaml").write_text(yaml.safe_dump(providers))
    path = prepare_database(Settings(db_path=tmp_path / "w.sqlite3", fixtures_dir=folder, applications=60))
    conn = connect(path)
    assert conn.execute("SELECT COUNT(DISTINCT lead_provider_id) FROM applications").fetchone()[0] == 2
    assert conn.execute("SELECT COUNT(*) FROM applications").fetchone()[0] == 60


def test_ten_thousand_applications_seed_in_full(tmp_path: Path) -> None:
    # How fast is measured by benchmarks/ (never asserted here: these machines are noisy).
    conn = connect(tmp_path / "big.sqlite3")
    create_schema(conn)
    seed_world(conn, load_reference(), seed=3, applications=10_000)
    assert conn.execute("SELECT COUNT(*) FROM applications").fetchone()[0] == 10_000


# --- Through the API: what a newcomer sees, and byte-identical worlds from one seed -----------------------
TOKENS = ("ambition-token", "best-practice-token", "coe-token", "llse-token", "niot-token",
          "school-led-token", "teach-first-token", "ucl-token")
ALL = "?page[per_page]=3000"
LISTS = (f"/api/v1/npq-applications{ALL}", "/api/v1/npq-applications.csv", f"/api/v1/participants/npq{ALL}",
         f"/api/v1/participant-declarations{ALL}", "/api/v1/participant-declarations.csv",
         f"/api/v1/participants/npq/outcomes{ALL}")


def every_list(path: Path) -> dict[tuple[str, str], bytes]:
    from mockserver.app import create_app

    client = create_app(Settings(db_path=path)).test_client()
    answers = {}
    for token in TOKENS:
        for url in LISTS:
            reply = client.get(url, headers={"Authorization": f"Bearer {token}"})
            assert reply.status_code == 200
            answers[(token, url)] = reply.data
    return answers


def test_two_worlds_from_one_seed_answer_every_list_identically(tmp_path: Path) -> None:
    first = every_list(prepare_database(Settings(db_path=tmp_path / "a.sqlite3")))
    second = every_list(prepare_database(Settings(db_path=tmp_path / "b.sqlite3")))
    other = every_list(prepare_database(Settings(db_path=tmp_path / "c.sqlite3", seed=2)))
    assert first == second
    assert all(first[key] != other[key] for key in first)


def test_the_api_shows_every_state_to_a_newcomer(ops_client: object) -> None:
    def data(token: str, url: str) -> list[dict]:
        reply = ops_client.get(url, headers={"Authorization": f"Bearer {token}"})  # type: ignore[attr-defined]
        return reply.json["data"]

    people: dict[str, set[str]] = {}
    states, outcomes, passed, trns = set(), set(), set(), {}
    for token in TOKENS:
        apps = [a["attributes"] for a in data(token, LISTS[0])]
        assert {a["status"] for a in apps} == {"pending", "accepted", "rejected"}
        assert {a["cohort"] for a in apps} == {"2021", "2022", "2023", "2024", "2025", "2026", "2028"}
        assert any(a["teacher_catchment"] is False and a["teacher_catchment_iso_country_code"] for a in apps)
        assert any(a["ineligible_for_funding_reason"] == "previously-funded" for a in apps)
        assert {a["funded_place"] for a in apps} == {True, False, None}
        assert data(token, LISTS[2]), "every provider has participants"
        for a in apps:
            people.setdefault(a["participant_id"], set()).add(token)
            if a["teacher_reference_number"]:
                trns.setdefault(a["teacher_reference_number"], set()).add(a["participant_id"])
        declarations = [d["attributes"] for d in data(token, LISTS[3])]
        states |= {d["state"] for d in declarations}
        passed |= {d["has_passed"] for d in declarations}
        outcomes |= {o["attributes"]["state"] for o in data(token, LISTS[5])}
    assert states == {"submitted", "eligible", "payable", "paid", "voided", "ineligible", "awaiting-clawback",
                      "clawed-back"}
    assert outcomes == {"passed", "failed", "voided"} and passed == {True, False, None}
    assert sum(len(tokens) > 1 for tokens in people.values()) >= 16, "people who applied to two providers"
    assert any(len(ids) > 1 for ids in trns.values()), "two people share a TRN"


def test_pools_asked_for_at_once_are_built_once() -> None:
    """A worker builds its Faker pools in a start-up thread while a request may ask for them: the request
    waits for that build instead of making a second one."""
    seed = 987_654  # a seed no other test builds pools for in this process
    barrier = threading.Barrier(4)
    found: list[object] = []

    def ask() -> None:
        barrier.wait()
        found.append(pools_for(seed))

    built_before = _pools_for.cache_info().misses
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _pools_for.cache_info().misses == built_before + 1
    assert all(pools is found[0] for pools in found)
