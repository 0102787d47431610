"""SQL behind the testing API's hooks: the lookups and updates that setting up records needs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def user_row(conn: sqlite3.Connection, user_id: str) -> dict | None:
    """A user by id, or None."""
    row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    return dict(row) if row else None


def trn_in_use(conn: sqlite3.Connection, trn: str) -> bool:
    """Whether some person already holds this TRN."""
    return conn.execute("SELECT 1 FROM users WHERE trn = ? LIMIT 1", (trn,)).fetchone() is not None


def accepted_for_course(conn: sqlite3.Connection, user_id: str, cohort: int, courses: Iterable[str]) -> bool:
    """Whether the user already has an accepted application for one of the courses in the cohort (R-53)."""
    courses = list(courses)
    marks = ",".join("?" * len(courses))
    sql = (f"SELECT 1 FROM applications WHERE user_id = ? AND cohort = ? AND status = 'accepted' "  # noqa: S608
           f"AND course_identifier IN ({marks}) LIMIT 1")
    return conn.execute(sql, (user_id, cohort, *courses)).fetchone() is not None


def reject_siblings(conn: sqlite3.Connection, application_id: str, user_id: str, course: str, cohort: int,
                    at: str, suffix: str = "a", *, status: str) -> None:
    """R-57: the person's other pending applications for the same course and exact cohort take `status`
    (the domain's transition of a pending application on another's acceptance)."""
    conn.execute(
        "UPDATE applications SET status = ?, updated_at = max(updated_at, ?) "
        "WHERE user_id = ? AND course_identifier = ? AND cohort = ? AND cohort_suffix = ? AND id != ? "
        "AND status = 'pending'",
        (status, at, user_id, course, cohort, suffix, application_id),
    )


def touch_user(conn: sqlite3.Connection, user_id: str, at: str) -> None:
    """Move a user's significantly-updated time forward (R-58)."""
    conn.execute("UPDATE users SET updated_at = max(updated_at, ?) WHERE id = ?", (at, user_id))


def declaration_row(conn: sqlite3.Connection, declaration_id: str) -> dict | None:
    """A declaration with its application's course, or None."""
    row = conn.execute(
        "SELECT d.*, a.course_identifier FROM declarations d JOIN applications a ON a.id = d.application_id "
        "WHERE d.id = ?", (declaration_id,)).fetchone()
    return dict(row) if row else None


def set_declaration_state(conn: sqlite3.Connection, declaration_id: str, state: str, at: str) -> None:
    """Store a declaration's new state and its updated_at."""
    conn.execute("UPDATE declarations SET state = ?, updated_at = ? WHERE id = ?",
                 (state, at, declaration_id))
