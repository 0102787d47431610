"""Building a world file fast without changing it: the generator's shortcuts draw and print exactly what the
library calls they replace, a producer process makes the same world, and a failed build leaves nothing."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mockserver.reference import load_reference
from mockserver.seed import build_world_file, seed_world
from mockserver.seeding.pools import new_uuid
from mockserver.seeding.timeline import after, between, iso, seconds, stamp, stamp_seconds
from mockserver.store import bulk
from mockserver.store.db import connect, create_schema
from tests.mockserver.core_world import dump


def test_new_uuid_is_the_text_of_a_version_4_uuid_from_the_same_draw() -> None:
    ours, theirs = random.Random(5), random.Random(5)
    for _ in range(2000):
        assert new_uuid(ours) == str(uuid.UUID(int=theirs.getrandbits(128), version=4))
    for bits in (0, 2**128 - 1, 0xF000 << 64, 0xC000 << 48):
        mine = random.Random()
        mine.getrandbits = lambda _k, value=bits: value  # type: ignore[method-assign]
        assert new_uuid(mine) == str(uuid.UUID(int=bits, version=4))


def test_after_and_between_draw_what_randint_draws() -> None:
    ours, theirs = random.Random(9), random.Random(9)
    start = seconds(datetime(2023, 9, 1, tzinfo=UTC))
    for low, high in ((0, 0), (0, 4), (1, 20), (20, 45), (480, 560), (0.5, 0.75)):
        for _ in range(300):
            expected = start + theirs.randint(int(low * 86400), int(high * 86400))
            assert after(ours, start, low, high) == expected
    for span in (0, 1, 59, 170 * 86400):
        for _ in range(300):
            expected = start + theirs.randint(0, span) if span else start
            assert between(ours, start, start + span) == expected
    assert ours.random() == theirs.random()  # still in step


def test_stamp_is_iso_of_the_same_moment_and_reads_back() -> None:
    rng = random.Random(3)
    moments = [datetime(1900, 1, 1, tzinfo=UTC), datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC),
               datetime(2026, 4, 1, tzinfo=UTC), datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    moments += [start + timedelta(seconds=rng.randint(0, 10**9)) for _ in range(500)]
    for moment in moments:
        assert stamp(seconds(moment)) == iso(moment)
        assert stamp_seconds(iso(moment)) == seconds(moment)
    assert seconds(datetime(2024, 3, 1, 12, 0, 0, 999_999, tzinfo=UTC)) == seconds(
        datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC))  # the fraction goes, as iso drops it


def test_a_producer_process_and_an_open_file_make_the_same_world_as_a_new_file(tmp_path: Path) -> None:
    ref = load_reference()
    build_world_file(tmp_path / "here.sqlite3", ref, seed=4, applications=900)
    build_world_file(tmp_path / "producer.sqlite3", ref, seed=4, applications=900, producer_from=1)
    conn = connect(tmp_path / "reset.sqlite3")
    create_schema(conn)
    seed_world(conn, ref, seed=4, applications=900)  # how a reset writes: every index kept as rows go in
    conn.close()
    here = dump(tmp_path / "here.sqlite3")
    assert any(line.startswith('INSERT INTO "declarations"') for line in here)
    assert dump(tmp_path / "producer.sqlite3") == here
    assert dump(tmp_path / "reset.sqlite3") == here


def test_an_interrupted_build_leaves_no_world_behind(tmp_path: Path) -> None:
    target = tmp_path / "world.sqlite3"

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_world_file(target, load_reference(), seed=1, applications=6000, progress=stop)
    assert list(tmp_path.iterdir()) == []


def test_the_application_count_is_exact_after_creates_and_resets(tmp_path: Path) -> None:
    from mockserver.seed import reset_world
    from mockserver.store.bulk import application_count

    conn = connect(tmp_path / "w.sqlite3")
    create_schema(conn)
    seed_world(conn, load_reference(), seed=2, applications=120)
    reset_world(conn, seed=3)
    conn.execute("INSERT INTO applications (id, user_id, lead_provider_id, course_identifier, status, "
                 "eligible_for_funding, created_at, updated_at) SELECT 'extra', user_id, lead_provider_id, "
                 "course_identifier, 'pending', 1, created_at, updated_at FROM applications LIMIT 1")
    assert application_count(conn) == conn.execute("SELECT COUNT(*) FROM applications").fetchone()[0] == 121
    reset_world(conn, empty=True)
    assert application_count(conn) == 0


def test_progress_moves_through_every_phase_and_ends_each_complete(tmp_path: Path) -> None:
    from mockserver.seed import EXTRAS_PHASE, INDEXES_PHASE, SAVING_PHASE
    from mockserver.seeding.plan import APPLICATIONS_PHASE

    told: list[tuple[int, int, str, str]] = []

    def record(done: int, total: int, phase: str = APPLICATIONS_PHASE, detail: str = "") -> None:
        told.append((done, total, phase, detail))

    build_world_file(tmp_path / "w.sqlite3", load_reference(), seed=1, applications=6000, progress=record)
    phases = [phase for _done, _total, phase, _detail in told]
    assert list(dict.fromkeys(phases)) == [APPLICATIONS_PHASE, INDEXES_PHASE, EXTRAS_PHASE, SAVING_PHASE]
    for phase in dict.fromkeys(phases):
        steps = [(done, total) for done, total, shown, _detail in told if shown == phase]
        assert steps[-1][0] == steps[-1][1]
        assert [done for done, _total in steps] == sorted(done for done, _total in steps)
    indexes = [detail for _done, _total, phase, detail in told if phase == INDEXES_PHASE and detail]
    assert "declarations_page" in indexes and len(indexes) == len(set(indexes)) > 20


def test_pick_draws_what_choice_draws() -> None:
    from mockserver.seeding.draws import pick

    ours, theirs = random.Random(11), random.Random(11)
    for size in (1, 2, 3, 4, 5, 7, 8, 9, 300):
        items = list(range(size))
        for _ in range(300):
            assert pick(ours, items) == theirs.choice(items)
    assert ours.random() == theirs.random()  # still in step
    with pytest.raises(IndexError):
        pick(ours, [])


def test_a_batch_referring_to_an_earlier_one_gets_the_rows_the_joins_give(tmp_path: Path) -> None:
    columns = bulk.TUPLE_COLUMNS

    when = "2024-05-01T00:00:00Z"

    def row(table: str, **values: object) -> tuple:
        if table == "applications":
            values.update(course_identifier="c", status="accepted", eligible_for_funding=1, created_at=when,
                          updated_at=when, targeted_delivery_funding_eligibility=0, lead_mentor=0,
                          cohort_suffix="a")
        return tuple(values.get(c) for c in columns[table])

    conn = bulk.open_new_world(tmp_path / "w.sqlite3")
    conn.execute("BEGIN")
    bulk.insert_batch(conn, {
        "users": [row("users", id="u1", full_name="A B", email="a@b", trn_verified=0, created_at=when,
                      updated_at=when, previous_names="[]")],
        "applications": [row("applications", id="a1", user_id="u1", lead_provider_id="p")]})
    # the person and the declared application of this batch are in the one before: the joins find them
    bulk.insert_batch(conn, {
        "applications": [row("applications", id="a2", user_id="u1", lead_provider_id="q")],
        "declarations": [row("declarations", id="d1", application_id="a1", user_id="u1",
                             lead_provider_id="q", cohort=2024, declaration_type="started",
                             declaration_date=when, state="submitted", created_at=when, updated_at=when)]})
    assert sorted(map(tuple, conn.execute("SELECT * FROM provider_participants"))) == [
        ("p", "u1", when, 1), ("q", "u1", when, 1)]
    assert list(map(tuple, conn.execute("SELECT * FROM foreign_declarations"))) == [("p", when, 1)]
    conn.execute("ROLLBACK")
    conn.close()


def test_indexes_are_sorted_in_small_runs_by_helper_threads_and_the_connection_gets_its_settings_back(
        tmp_path: Path) -> None:
    conn = bulk.open_new_world(tmp_path / "w.sqlite3")

    def settings() -> tuple[int, int]:
        return (conn.execute("PRAGMA cache_size").fetchone()[0], conn.execute("PRAGMA threads").fetchone()[0])

    before = settings()
    during = []
    conn.execute("BEGIN")
    bulk.index_world(conn, lambda _made, _of, _name: during.append(settings()))
    conn.execute("COMMIT")
    assert len(during) > 20
    assert set(during) == {(-bulk.INDEX_SORT_KIB, bulk.index_sort_threads())}
    assert bulk.index_sort_threads() >= 1
    assert settings() == before == (-bulk.BUILD_CACHE_KIB, 0)
    conn.close()
