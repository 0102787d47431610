"""Write the reference data into its tables, replacing what was there."""

from __future__ import annotations

import hashlib
import sqlite3

from mockserver.reference import ReferenceData
from mockserver.store.db import set_setting


def write_reference(
    conn: sqlite3.Connection, ref: ReferenceData, *, delivery_partner_rule: bool = True
) -> None:
    """Fill providers, cohorts, courses, schedules, contracts and default settings (caller's transaction)."""
    for table in ("contracts", "schedules", "courses", "cohorts", "lead_providers"):
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    conn.executemany(
        "INSERT INTO lead_providers (id, name, token) VALUES (?, ?, ?)",
        [(p.id, p.name, p.token) for p in ref.lead_providers],
    )
    conn.executemany(
        "INSERT INTO cohorts (start_year, funding_cap, funding, registration_start_date) VALUES (?, ?, ?, ?)",
        [
            (
                c.start_year,
                int(c.funding_cap),
                "capped" if c.funding_cap else "full",
                c.registration_start_date.isoformat(),
            )
            for c in ref.cohorts
        ],
    )
    conn.executemany(
        "INSERT INTO courses (identifier, course_group) VALUES (?, ?)", list(ref.course_groups.items())
    )
    conn.executemany(
        "INSERT INTO schedules (cohort, identifier, course_group, applies_from, declaration_types) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (
                c.start_year,
                s.identifier,
                s.course_group,
                s.applies_from(c.start_year).isoformat(),
                ",".join(s.declaration_types),
            )
            for c in ref.cohorts
            for s in ref.schedules_for(c.start_year)
        ],
    )
    conn.executemany(
        "INSERT INTO contracts (lead_provider_id, cohort, course_identifier) VALUES (?, ?, ?)",
        [
            (p.id, c.start_year, course)
            for p in ref.lead_providers
            for c in ref.cohorts
            for course in ref.courses
            if ref.has_contract(c.start_year, course)
        ],
    )
    set_setting(conn, "closed_cohorts", list(ref.closed_cohorts))
    set_setting(conn, "delivery_partner_rule", delivery_partner_rule)
    set_setting(conn, "clock", None)


CATALOG_REVISION_KEY = "catalog_revision"


def bump_catalog_revision(conn: sqlite3.Connection) -> None:
    """Record the revision of the cohort/schedule/contract tables after a change (caller's transaction):
    a digest of their content, so every worker process that cached another content reloads, and a reset
    world is byte-identical to the seeded one (the same content gives the same revision)."""
    digest = hashlib.sha256(repr(catalog_rows(conn)).encode()).hexdigest()[:20]
    set_setting(conn, CATALOG_REVISION_KEY, digest)


def cohort_funding(conn: sqlite3.Connection) -> dict[tuple[int, str], str]:
    """(start year, suffix) -> funding level of every cohort."""
    return {(year, suffix): funding
            for year, suffix, funding in conn.execute("SELECT start_year, suffix, funding FROM cohorts")}


def catalog_rows(conn: sqlite3.Connection) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """(cohorts, schedules, contracts) rows as the catalog needs them."""
    cohorts = conn.execute(
        "SELECT start_year, suffix, funding, registration_start_date FROM cohorts ORDER BY start_year, suffix"
    ).fetchall()
    schedules = conn.execute(
        "SELECT cohort, cohort_suffix, identifier, course_group, applies_from, declaration_types, id "
        "FROM schedules ORDER BY cohort, cohort_suffix, id"
    ).fetchall()
    contracts = conn.execute("SELECT lead_provider_id, cohort, course_identifier FROM contracts").fetchall()
    return [tuple(r) for r in cohorts], [tuple(r) for r in schedules], [tuple(r) for r in contracts]


def upsert_cohort(
    conn: sqlite3.Connection, start_year: int, suffix: str, funding: str, registration_start_date: str
) -> bool:
    """Create or update one cohort; True when it was created."""
    existed = conn.execute(
        "SELECT 1 FROM cohorts WHERE start_year = ? AND suffix = ?", (start_year, suffix)
    ).fetchone()
    conn.execute(
        "INSERT INTO cohorts (start_year, suffix, funding_cap, funding, registration_start_date) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (start_year, suffix) DO UPDATE SET "
        "funding_cap = excluded.funding_cap, "
        "funding = excluded.funding, registration_start_date = excluded.registration_start_date",
        (start_year, suffix, int(funding == "capped"), funding, registration_start_date),
    )
    return existed is None


def cohort_schedules(conn: sqlite3.Connection, start_year: int, suffix: str) -> list[dict]:
    """The schedules of one exact cohort, in creation order."""
    rows = conn.execute(
        "SELECT identifier, course_group, applies_from, applies_to, declaration_types FROM schedules "
        "WHERE cohort = ? AND cohort_suffix = ? ORDER BY id",
        (start_year, suffix),
    ).fetchall()
    return [dict(r) for r in rows]


def latest_cohort_before(conn: sqlite3.Connection, start_year: int) -> tuple[int, str] | None:
    """The latest cohort of the previous start year that has schedules (the template of a new cohort)."""
    row = conn.execute(
        "SELECT cohort, cohort_suffix FROM schedules WHERE cohort < ? "
        "ORDER BY cohort DESC, cohort_suffix DESC LIMIT 1",
        (start_year,),
    ).fetchone()
    return None if row is None else (row[0], row[1])


def upsert_schedule(
    conn: sqlite3.Connection,
    start_year: int,
    suffix: str,
    identifier: str,
    course_group: str,
    applies_from: str,
    applies_to: str | None,
    declaration_types: str,
) -> None:
    """Add a schedule to an exact cohort, or replace its dates (its row id, held by applications, stays)."""
    conn.execute(
        "INSERT INTO schedules (cohort, cohort_suffix, identifier, course_group, applies_from, applies_to, "
        "declaration_types) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cohort, cohort_suffix, identifier) DO "
        "UPDATE SET course_group = excluded.course_group, applies_from = excluded.applies_from, "
        "applies_to = excluded.applies_to, declaration_types = excluded.declaration_types",
        (start_year, suffix, identifier, course_group, applies_from, applies_to, declaration_types),
    )


def add_contracts(conn: sqlite3.Connection, start_year: int, rows: list[tuple[str, str]]) -> None:
    """Contracts (provider, course) for a start year; existing ones stay."""
    conn.executemany(
        "INSERT OR IGNORE INTO contracts (lead_provider_id, cohort, course_identifier) VALUES (?, ?, ?)",
        [(provider, start_year, course) for provider, course in rows],
    )


def remove_contracts(conn: sqlite3.Connection, provider_id: str, start_year: int, course: str) -> int:
    """End one provider's contract for a cohort and course; how many rows went."""
    cursor = conn.execute(
        "DELETE FROM contracts WHERE lead_provider_id = ? AND cohort = ? AND course_identifier = ?",
        (provider_id, start_year, course),
    )
    return cursor.rowcount
