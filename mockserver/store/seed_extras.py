"""SQL of the seeded world's v2/v3 extras (seeding/v3_world.py): picks in a fixed order, small updates."""

from __future__ import annotations

import sqlite3


def rejected_siblings(conn: sqlite3.Connection) -> list[str]:
    """Rejected applications whose person has an accepted one for that course and exact cohort."""
    sql = (
        "SELECT a.id FROM applications a WHERE a.status = 'rejected' "
        "AND EXISTS (SELECT 1 FROM applications o WHERE o.user_id = a.user_id AND o.id <> a.id "
        "AND o.status = 'accepted' "
        "AND o.course_identifier = a.course_identifier AND o.cohort = a.cohort "
        "AND o.cohort_suffix = a.cohort_suffix) ORDER BY a.rowid"
    )
    return [r[0] for r in conn.execute(sql)]


def rejected_ids(conn: sqlite3.Connection) -> list[str]:
    """Every rejected application, in insertion order."""
    sql = "SELECT id FROM applications WHERE status = 'rejected' ORDER BY rowid"
    return [r[0] for r in conn.execute(sql)]


def set_rejection_reason(conn: sqlite3.Connection, rows: list[tuple[str, str]]) -> None:
    """(application id, reason) pairs."""
    sql = "UPDATE applications SET reason_for_rejection = ? WHERE id = ?"
    conn.executemany(sql, [(r, i) for i, r in rows])


def course_application_ids(conn: sqlite3.Connection, course: str) -> list[str]:
    """Applications for one course, in insertion order."""
    sql = "SELECT id FROM applications WHERE course_identifier = ? ORDER BY rowid"
    return [r[0] for r in conn.execute(sql, (course,))]


def set_senco(conn: sqlite3.Connection, rows: list[tuple[str, str, str | None]]) -> None:
    """(application id, answer, start date) triples."""
    conn.executemany(
        "UPDATE applications SET senco_in_role = ?, senco_start_date = ? WHERE id = ?",
        [(answer, start, i) for i, answer, start in rows],
    )


def user_ids(conn: sqlite3.Connection) -> list[str]:
    """Every person, in insertion order."""
    return [r[0] for r in conn.execute("SELECT id FROM users ORDER BY rowid")]


def set_previous_names(conn: sqlite3.Connection, rows: list[tuple[str, str]]) -> None:
    """(user id, previous_names JSON) pairs."""
    conn.executemany("UPDATE users SET previous_names = ? WHERE id = ?", [(names, i) for i, names in rows])


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
    """The provider's first accepted, active application with a declaration of its own (a transfer)."""
    row = conn.execute(
        "SELECT a.id FROM applications a WHERE a.lead_provider_id = ? AND a.status = 'accepted' "
        "AND a.training_status = 'active' "
        "AND EXISTS (SELECT 1 FROM declarations d WHERE d.application_id = a.id) "
        "AND NOT EXISTS (SELECT 1 FROM applications o WHERE o.user_id = a.user_id AND o.id <> a.id) "
        "ORDER BY a.rowid LIMIT 1",
        (provider_id,),
    ).fetchone()
    return None if row is None else row[0]


def pending_ids(conn: sqlite3.Connection, provider_id: str, limit: int) -> list[str]:
    """The provider's first pending applications of the one-a-year cohorts by people with no other
    application, in insertion order."""
    sql = (
        "SELECT a.id FROM applications a WHERE a.lead_provider_id = ? AND a.status = 'pending' "
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
