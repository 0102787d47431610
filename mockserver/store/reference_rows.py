"""Write the reference data into its tables, replacing what was there."""

from __future__ import annotations

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
            (c.start_year, int(c.funding_cap), "capped" if c.funding_cap else "full",
             c.registration_start_date.isoformat())
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
