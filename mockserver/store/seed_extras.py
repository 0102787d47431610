"""SQL of the seeded world's v2/v3 extras (seeding/v3_world.py): picks in a fixed order, small updates."""

from __future__ import annotations

import sqlite3


def rejected_siblings(conn: sqlite3.Connection) -> list[int]:
    """Rejected applications (rowids) whose person has an accepted one for that course and exact cohort."""
    sql = (
        "SELECT a.rowid FROM applications a WHERE a.status = 'rejected' "
        "AND EXISTS (SELECT 1 FROM applications o WHERE o.user_id = a.user_id AND o.id <> a.id "
        "AND o.status = 'accepted' "
        "AND o.course_identifier = a.course_identifier AND o.cohort = a.cohort "
        "AND o.cohort_suffix = a.cohort_suffix) ORDER BY a.rowid"
    )
    return [r[0] for r in conn.execute(sql)]


def rejected_rowids(conn: sqlite3.Connection) -> list[int]:
    """Every rejected application (rowids), in insertion order."""
    sql = "SELECT rowid FROM applications WHERE status = 'rejected' ORDER BY rowid"
    return [r[0] for r in conn.execute(sql)]


# The bulk updates below go by rowid, not id: a million-application world is updated through its table's
# own b-tree, in order, rather than by a lookup in the id index for each row.
def set_rejection_reason(conn: sqlite3.Connection, rows: list[tuple[int, str]]) -> None:
    """(application rowid, reason) pairs."""
    sql = "UPDATE applications SET reason_for_rejection = ? WHERE rowid = ?"
    conn.executemany(sql, [(r, i) for i, r in rows])


def course_application_rowids(conn: sqlite3.Connection, course: str) -> list[int]:
    """Applications for one course (rowids), in insertion order."""
    sql = "SELECT rowid FROM applications WHERE course_identifier = ? ORDER BY rowid"
    return [r[0] for r in conn.execute(sql, (course,))]


def set_senco(conn: sqlite3.Connection, rows: list[tuple[int, str, str | None]]) -> None:
    """(application rowid, answer, start date) triples."""
    conn.executemany(
        "UPDATE applications SET senco_in_role = ?, senco_start_date = ? WHERE rowid = ?",
        [(answer, start, i) for i, answer, start in rows],
    )


def every_nth_user(conn: sqlite3.Connection, n: int, first: int) -> list[int]:
    """The rowids of the people at places first, first + n, first + 2n, ... (from 0) in insertion order,
    picked by SQLite: a million people are not fetched to keep a ninth of them."""
    sql = (
        "SELECT rowid FROM (SELECT rowid, row_number() OVER (ORDER BY rowid) - 1 AS place FROM users) "
        "WHERE place >= ? AND (place - ?) % ? = 0 ORDER BY rowid"
    )
    return [r[0] for r in conn.execute(sql, (first, first, n))]


def set_previous_names(conn: sqlite3.Connection, rows: list[tuple[int, str]]) -> None:
    """(user rowid, previous_names JSON) pairs."""
    conn.executemany("UPDATE users SET previous_names = ? WHERE rowid = ?", [(names, i) for i, names in rows])


def participants_of(conn: sqlite3.Connection, provider_id: str, limit: int) -> list[tuple[str, str]]:
    """The provider's first participants (id, significantly-updated time), in list order."""
    return [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT u.id, u.updated_at FROM provider_participants pp JOIN users u ON u.id = pp.user_id "
            "WHERE pp.lead_provider_id = ? ORDER BY pp.user_created_at, pp.user_seq LIMIT ?",
            (provider_id, limit),
        )
    ]


def declared_application(conn: sqlite3.Connection, provider_id: str) -> str | None:
    """The provider's first accepted, active application with a declaration of its own (a transfer).

    `+a.lead_provider_id` keeps SQLite off the provider's index: it would read and sort every application
    of the provider (a second at a million), where the table in rowid order finds the first in a few rows.
    """
    row = conn.execute(
        "SELECT a.id FROM applications a WHERE +a.lead_provider_id = ? AND a.status = 'accepted' "
        "AND a.training_status = 'active' "
        "AND EXISTS (SELECT 1 FROM declarations d WHERE d.application_id = a.id) "
        "AND NOT EXISTS (SELECT 1 FROM applications o WHERE o.user_id = a.user_id AND o.id <> a.id) "
        "ORDER BY a.rowid LIMIT 1",
        (provider_id,),
    ).fetchone()
    return None if row is None else row[0]


def pending_ids(conn: sqlite3.Connection, provider_id: str, limit: int) -> list[str]:
    """The provider's first pending applications of the one-a-year cohorts by people with no other
    application, in insertion order (the table read in rowid order, as in declared_application)."""
    sql = (
        "SELECT a.id FROM applications a WHERE +a.lead_provider_id = ? AND a.status = 'pending' "
        "AND a.cohort_suffix = 'a' AND NOT EXISTS (SELECT 1 FROM applications o WHERE o.user_id = a.user_id "
        "AND o.id <> a.id) ORDER BY a.rowid LIMIT ?"
    )
    return [r[0] for r in conn.execute(sql, (provider_id, limit))]


def move_pending(
    conn: sqlite3.Connection, app_id: str, year: int, suffix: str, funded_place: int | None
) -> None:
    """A pending application belongs to another cohort."""
    conn.execute(
        "UPDATE applications SET cohort = ?, cohort_suffix = ?, funded_place = ? WHERE id = ?",
        (year, suffix, funded_place, app_id),
    )
