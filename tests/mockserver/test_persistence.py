"""--db: a world file keeps every change across restarts and is never reseeded; no --db: a fresh world."""

from __future__ import annotations

import threading
from pathlib import Path

from mockserver.app import create_app
from mockserver.config import Settings

TOKEN = {"Authorization": "Bearer ambition-token"}


def test_changes_made_through_the_api_survive_a_restart_on_the_same_file(ops_world: Path) -> None:
    client = create_app(Settings(db_path=ops_world)).test_client()
    pending = next(a for a in client.get("/api/v1/npq-applications?page[per_page]=3000", headers=TOKEN).json[
        "data"] if a["attributes"]["status"] == "pending" and a["attributes"]["cohort"] == "2023")
    assert client.post(f"/api/v1/npq-applications/{pending['id']}/accept", headers=TOKEN).status_code == 200
    created = client.post("/__mock__/applications", headers=TOKEN).json["data"]
    client.put("/__mock__/clock", json={"now": "2025-01-02T03:04:05Z"})
    client.put("/__mock__/settings", json={"closed_cohorts": [2021]})
    before = client.get("/api/v1/npq-applications.csv", headers=TOKEN).data

    # A restart: a new app (as a new process would build) on the same file, even with another seed.
    again = create_app(Settings(db_path=ops_world, seed=42)).test_client()
    assert again.get("/api/v1/npq-applications.csv", headers=TOKEN).data == before
    shown = again.get(f"/api/v1/npq-applications/{pending['id']}", headers=TOKEN).json["data"]
    assert shown["attributes"]["status"] == "accepted"
    assert again.get(f"/api/v1/npq-applications/{created['id']}", headers=TOKEN).status_code == 200
    assert again.get("/__mock__/clock").json == {"now": "2025-01-02T03:04:05Z"}
    assert again.get("/__mock__/settings").json["closed_cohorts"] == [2021]
    assert again.get("/__mock__/world").json["seed"] == 1


def test_without_a_file_each_start_gets_a_fresh_temporary_world() -> None:
    first = create_app(Settings(applications=24)).test_client()
    first.post("/__mock__/applications", headers=TOKEN)
    second = create_app(Settings(applications=24)).test_client()
    url = "/api/v1/npq-applications.csv"
    assert len(first.get(url, headers=TOKEN).data) > len(second.get(url, headers=TOKEN).data)


def test_a_process_that_already_read_the_settings_sees_another_ones_change_at_once(ops_world: Path) -> None:
    """Each connection keeps the settings it decoded until the world file changes: the next request after
    another process's change (or its own) must see it. v3's representation follows the v3_epoch setting."""
    first = create_app(Settings(db_path=ops_world)).test_client()
    second = create_app(Settings(db_path=ops_world)).test_client()
    url = "/api/v3/npq-applications?page[per_page]=1"
    today = second.get(url, headers=TOKEN).data  # read with the settings, which second keeps
    first.put("/__mock__/settings", json={"v3_epoch": "2025-08"})
    august = second.get(url, headers=TOKEN).data
    assert august != today and august == first.get(url, headers=TOKEN).data
    second.put("/__mock__/settings", json={"v3_epoch": "head"})
    assert second.get(url, headers=TOKEN).data == today == first.get(url, headers=TOKEN).data


def test_a_temporary_world_goes_when_its_app_goes() -> None:
    """A world the app made for itself (no --db) is removed with the app, side files and all: a test suite
    creating many apps must not fill the temp folder (it had left ~10,000 files behind)."""
    import gc

    from mockserver.world import EXTENSION

    app = create_app(Settings(applications=5))
    path = app.extensions[EXTENSION].settings.db_path
    app.test_client().get("/api/v1/npq-applications", headers=TOKEN)
    side_files = [p for p in path.parent.glob(f"{path.name}*")]
    assert path in side_files and len(side_files) > 1  # the world, its WAL and request journal...
    del app
    gc.collect()
    assert list(path.parent.glob(f"{path.name}*")) == []


def test_an_app_over_a_connection_factory_removes_its_private_counters_folder(ops_world: Path) -> None:
    import gc

    from mockserver.resilience.hooks import EXTENSION
    from mockserver.store.db import connect

    app = create_app(Settings(applications=5), connection_factory=lambda: connect(ops_world))
    folder = app.extensions[EXTENSION].counters.path.parent
    assert folder.exists()
    del app
    gc.collect()
    assert not folder.exists()


def test_a_world_file_from_before_the_order_key_and_date_fractions_still_opens(ops_world: Path) -> None:
    """provider_participants without user_seq, declarations without declaration_usec (older files):
    migrated on open; participants list in creation order and declarations keep fractions."""
    import sqlite3

    conn = sqlite3.connect(ops_world)
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'provider_participants_%'")]
    for name in names:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE provider_participants")
    conn.execute("CREATE TABLE provider_participants (lead_provider_id TEXT NOT NULL, user_id TEXT NOT NULL, "
                 "user_created_at TEXT, PRIMARY KEY (lead_provider_id, user_id)) WITHOUT ROWID")
    conn.execute("INSERT INTO provider_participants SELECT DISTINCT a.lead_provider_id, a.user_id, "
                 "u.created_at FROM applications a JOIN users u ON u.id = a.user_id "
                 "WHERE a.status = 'accepted'")
    conn.execute("ALTER TABLE declarations DROP COLUMN declaration_usec")  # before fractions were kept
    conn.commit()
    conn.close()

    client = create_app(Settings(db_path=ops_world)).test_client()
    client.put("/__mock__/clock", json={"now": "2030-01-01T00:00:00Z"})  # after every seeded person
    made = [client.post("/__mock__/applications", headers=TOKEN, json={"data": {"attributes": {
        "cohort": 2023, "course_identifier": "npq-headship", "status": "accepted"}}}).json["data"]
        for _ in range(3)]
    listed = client.get("/api/v1/participants/npq?page[per_page]=3000", headers=TOKEN).json["data"]
    assert [p["id"] for p in listed[-3:]] == [m["attributes"]["participant_id"] for m in made]
    assert len({p["id"] for p in listed}) == len(listed)
    # Declared while the 2023 cohort's output-fee statements were still open (V-71: R-100 by statements).
    declared = client.post("/api/v1/participant-declarations", headers={
        **TOKEN, "X-With-Server-Date": "2024-06-10T00:00:00Z"}, json={"data": {"attributes": {
        "participant_id": made[0]["attributes"]["participant_id"], "declaration_type": "started",
        "declaration_date": "2024-06-03T10:00:00.250Z", "course_identifier": "npq-headship"}}})
    assert declared.status_code == 200, declared.json


def test_a_world_file_from_before_foreign_declarations_gets_them_on_open(ops_world: Path) -> None:
    """v3 lists a transferred application's declarations to its new provider from foreign_declarations
    (VD8, V-51): a file made before that table has it filled from its transfers when it is opened."""
    import sqlite3

    def foreign(conn: sqlite3.Connection) -> list[tuple]:
        return conn.execute("SELECT * FROM foreign_declarations ORDER BY 1, 2, 3").fetchall()

    conn = sqlite3.connect(ops_world)
    seeded = foreign(conn)
    assert seeded  # the default world has a transferred application with declarations per provider
    for name in ("foreign_declarations_on_transfer", "foreign_declarations_clear"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE foreign_declarations")
    conn.commit()
    conn.close()

    create_app(Settings(db_path=ops_world))
    with sqlite3.connect(ops_world) as reopened:
        assert foreign(reopened) == seeded


def test_a_world_file_with_the_retired_provider_indexes_opens_without_them(ops_world: Path) -> None:
    """(lead_provider_id, created_at, id) indexes no query used: a file that has them loses them when it is
    opened, so its writes stop keeping them up to date; its lists are unchanged."""
    import sqlite3

    retired = {"applications_by_provider", "declarations_by_provider", "outcomes_by_provider"}

    def indexes(conn: sqlite3.Connection) -> set[str]:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}

    before = create_app(Settings(db_path=ops_world)).test_client()
    listed = before.get("/api/v3/npq-applications?page[per_page]=3000", headers=TOKEN).data
    conn = sqlite3.connect(ops_world)
    assert not indexes(conn) & retired
    for name, table in (("applications_by_provider", "applications"),
                        ("declarations_by_provider", "declarations"), ("outcomes_by_provider", "outcomes")):
        conn.execute(f"CREATE INDEX {name} ON {table} (lead_provider_id, created_at, id)")
    conn.commit()
    conn.close()

    again = create_app(Settings(db_path=ops_world)).test_client()
    with sqlite3.connect(ops_world) as reopened:
        assert not indexes(reopened) & retired
    assert again.get("/api/v3/npq-applications?page[per_page]=3000", headers=TOKEN).data == listed


def test_a_new_side_file_opened_by_many_connections_at_once_opens_for_all(tmp_path: Path) -> None:
    """Workers open a world's side files (journal, counters) on first need, often at the same moment: the
    switch to WAL can then be refused with "database is locked" without waiting. Before the retry, about
    one trial in a hundred failed (100 trials: most runs caught it); a failure killed a worker at start-up."""
    from mockserver.store.limits import limits_path, Counters  # noqa: I001 - local: only this test needs it

    failures: list[BaseException] = []
    for trial in range(100):
        path = limits_path(tmp_path / f"world-{trial}.sqlite3")
        barrier = threading.Barrier(6)

        def open_it(path: Path = path, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                Counters(path).conn().close()
            except BaseException as error:  # noqa: BLE001 - collected and asserted below
                failures.append(error)

        threads = [threading.Thread(target=open_it) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
