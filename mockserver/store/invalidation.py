"""What each stored body (store/rendered.py) is made from, in one place, and the triggers generated from it.

A body is the rendered JSON of one record for one view; it must go as soon as anything it shows changes.
Every write path (the API, the testing API, DfE's moves, seeding) goes through SQLite, so triggers on the
tables the representations read delete the bodies a write affects: no write can forget to. Each entry
below names a table, the kind of body it feeds and which records' bodies a changed row affects (SQL over
the changed row, `{row}` standing for OLD and NEW), or None for every body of the kind (tables that change
rarely: schedules, delivery partners, providers). The list follows the representation functions and the
SELECTs behind them (store/applications.py, participants.py, declarations.py).

The same module keeps `record_generation`, bumped by every write to a world table except the bodies' own:
the paging marks (store/paging.py) hold while it is unchanged, so storing bodies does not forget them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# The kinds of stored bodies: the top bits of a slot (store/rendered.py).
APPLICATIONS, PARTICIPANTS, DECLARATIONS = 1, 2, 3
# The table whose rowid is a body's record, per kind (a participant is a person: users.rowid).
RECORD_TABLES = {APPLICATIONS: "applications", PARTICIPANTS: "users", DECLARATIONS: "declarations"}
KIND_SHIFT, RECORD_SHIFT = 56, 12  # slot = kind << 56 | record rowid << 12 | provider << 4 | view

EVENTS = ("INSERT", "UPDATE", "DELETE")
CHANGED = ("UPDATE", "DELETE")  # a new row of this table has no body yet and changes no other body


@dataclass(frozen=True)
class Feeds:
    """Rows of `table` feed bodies of `kind`: those of the records `records` selects (a column named
    `record`, the record's rowid), or every body of the kind when None."""

    table: str
    kind: int
    records: str | None
    events: tuple[str, ...] = EVENTS
    columns: tuple[str, ...] = ()  # UPDATE OF these columns only (empty: any column)
    one: bool = False  # `records` selects at most one record (by unique keys): a scalar subquery then


# The changed row is itself the record: its bodies are one range of slots, deleted without a query.
ITSELF = "SELECT {row}.rowid AS record"
# The row itself too: after a DELETE it is gone from the query, and its rowid may be reused by a new record.
_APPS_OF_PERSON = f"SELECT rowid AS record FROM applications WHERE user_id = {{row}}.user_id UNION {ITSELF}"
_APPS_OF_USER = "SELECT rowid AS record FROM applications WHERE user_id = {row}.id"
_PERSON_OF = "SELECT rowid AS record FROM users WHERE id = {row}.user_id"
_DECLARATION_OF = "SELECT rowid AS record FROM declarations WHERE id = {row}.declaration_id"

DEPENDENCIES: tuple[Feeds, ...] = (
    # An application shows its row, its person, its schedule, and R-40's "previously funded", which reads
    # the person's other applications: a change to any application of a person redraws all of them.
    Feeds("applications", APPLICATIONS, _APPS_OF_PERSON),
    Feeds("users", APPLICATIONS, _APPS_OF_USER, CHANGED),
    Feeds("schedules", APPLICATIONS, None),
    # A participant (per provider) shows the person, the updated_at of all their applications and id
    # changes, their accepted applications with schedules, and the latest deferral/withdrawal records.
    Feeds("users", PARTICIPANTS, ITSELF, CHANGED),
    Feeds("applications", PARTICIPANTS, _PERSON_OF, one=True),
    Feeds(
        "application_states",
        PARTICIPANTS,
        "SELECT u.rowid AS record FROM applications a JOIN users u ON u.id = a.user_id "
        "WHERE a.id = {row}.application_id",
        one=True,
    ),
    Feeds("participant_id_changes", PARTICIPANTS, _PERSON_OF, one=True),
    Feeds("schedules", PARTICIPANTS, None),
    Feeds("lead_providers", PARTICIPANTS, None, CHANGED, ("id",)),  # the slot holds the provider's rowid
    # A declaration shows its row, its application's course and uplift flag, its latest outcome, its
    # statement items, its delivery partners' names and its provider's name.
    Feeds("declarations", DECLARATIONS, ITSELF, CHANGED),
    Feeds(
        "applications",
        DECLARATIONS,
        "SELECT rowid AS record FROM declarations WHERE application_id = {row}.id",
        CHANGED,
    ),
    Feeds("outcomes", DECLARATIONS, _DECLARATION_OF, one=True),
    Feeds("statement_items", DECLARATIONS, _DECLARATION_OF, one=True),
    Feeds("delivery_partners", DECLARATIONS, None, CHANGED),
    Feeds("lead_providers", DECLARATIONS, None, CHANGED, ("id", "name")),
)

# World tables whose writes leave every list's keys as they were (the bodies themselves, settings, the
# worlds registry, reference data no list reads): no generation bump.
_NO_GENERATION = frozenset(
    {"rendered", "rendered_state", "record_generation", "settings", "worlds", "world_tokens", "courses",
     "contracts"}
)


def kind_range(kind: int) -> tuple[int, int]:
    """The first and last slot of a kind."""
    return kind << KIND_SHIFT, ((kind + 1) << KIND_SHIFT) - 1


def _delete_bodies(feeds: Feeds, event: str) -> str:
    """The trigger body: delete the bodies of the records the changed row affects, before and after.

    Each part of a UNION is a statement of its own, and one record (the row itself, ITSELF, or a `one`
    feed's) a range of slots: a subquery's rows are materialised, twice with the UNION, and these triggers
    ran ~25 us a statement in every write. An UPDATE's OLD row affects the same records as its NEW row
    unless a column the part reads of it changed, so OLD's statements are skipped then (a guard on the row
    alone: SQLite tests it before running the subquery)."""
    if feeds.records is None:
        first, last = kind_range(feeds.kind)
        return f"DELETE FROM rendered WHERE slot BETWEEN {first} AND {last};"
    statements = []
    for row in _rows(event):
        for part in feeds.records.split(" UNION "):
            guard = ""
            if row == "OLD" and event == "UPDATE":
                read = sorted(set(re.findall(r"\{row\}\.(\w+)", part)))
                if not read:  # the same records before and after
                    continue
                guard = "(" + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in read) + ") AND "
            statements.append(f"DELETE FROM rendered WHERE {guard}{_slots(feeds, part, row)};")
    return " ".join(statements)


def _slots(feeds: Feeds, records: str, row: str) -> str:
    """SQL true of the slots of the bodies of feeds.kind of the records `records` selects of `row`: a
    range of slots for one record (the row itself, or a scalar subquery's: NULL, none, when it has no
    row), else the records' ranges joined (their slots materialised, as a DELETE reads its own table)."""
    base, width = feeds.kind << KIND_SHIFT, (1 << RECORD_SHIFT) - 1
    if records == ITSELF or feeds.one:
        record = f"{row}.rowid" if records == ITSELF else "(" + records.format(row=row) + ")"
        first = f"{base} + ({record} << {RECORD_SHIFT})"
        return f"slot BETWEEN {first} AND {first} + {width}"
    return (
        "slot IN (SELECT r.slot FROM (" + records.format(row=row) + ") x JOIN rendered r ON "
        f"r.slot BETWEEN {base} + (x.record << {RECORD_SHIFT}) "
        f"AND {base} + (x.record << {RECORD_SHIFT}) + {width})"
    )


def _rows(event: str) -> tuple[str, ...]:
    return {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}[event]


def trigger_statements(tables: list[str]) -> Iterator[tuple[str, str]]:
    """(name, CREATE TRIGGER ...) of every generated trigger, given the world's table names."""
    for feeds in DEPENDENCIES:
        for event in feeds.events:
            name = f"rendered_{feeds.kind}_{feeds.table}_{event.lower()}"
            columns = f" OF {', '.join(feeds.columns)}" if feeds.columns and event == "UPDATE" else ""
            body = _delete_bodies(feeds, event)
            yield name, f"CREATE TRIGGER {name} AFTER {event}{columns} ON {feeds.table} BEGIN {body} END"
    for table in tables:
        if table in _NO_GENERATION:
            continue
        for event in EVENTS:
            name = f"record_generation_{table}_{event.lower()}"
            bump = "UPDATE record_generation SET n = n + 1;"
            yield name, f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {bump} END"
    # The bytes the bodies take, for the bound on their disk (rendered_state.budget).
    yield "rendered_added", (
        "CREATE TRIGGER rendered_added AFTER INSERT ON rendered BEGIN "
        "UPDATE rendered_state SET used = used + length(NEW.body); END"
    )
    yield "rendered_removed", (
        "CREATE TRIGGER rendered_removed AFTER DELETE ON rendered BEGIN "
        "UPDATE rendered_state SET used = used - length(OLD.body); END"
    )
