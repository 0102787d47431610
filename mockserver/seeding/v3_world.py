"""The seeded world's v2/v3 data, so every v3 field has values out of the box (design/testing-api.md):
suffixed cohorts (2026b capped, 2028b zero-funded) with applications, rejection reasons, SENCO answers,
previous names, participant-id changes and a transferred application per provider. Deterministic from the
seed; a handful of small statements."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import date

from mockserver.reference import ReferenceData
from mockserver.seeding.pools import Pools, new_uuid
from mockserver.seeding.timeline import WORLD_NOW, iso, parse_iso
from mockserver.store import dfe_rows, reference_rows, seed_extras

# (start year, suffix, funding, registration start): a second 2026 cohort and a zero-funded one (V-91).
EXTRA_COHORTS = ((2026, "b", "capped", "2026-01-05"), (2028, "b", "zero", "2028-04-03"))
REASONS = ("rejected_by_provider", "registration_expired", None)
SENCO = ("yes", "no_but_i_plan_to_become_one", "no_i_do_not_plan_to_be_a_SENCO")


def add_cohorts(conn: sqlite3.Connection, ref: ReferenceData) -> None:
    """The extra cohorts (for start years the fixtures have), with the schedules of suffix a of the same
    year and every contract."""
    years = {year for year, _suffix in _cohorts(conn)}
    for year, suffix, funding, registration in EXTRA_COHORTS:
        if year not in years:
            continue
        reference_rows.upsert_cohort(conn, year, suffix, funding, registration)
        for s in reference_rows.cohort_schedules(conn, year, "a"):
            reference_rows.upsert_schedule(conn, year, suffix, s["identifier"], s["course_group"],
                                           s["applies_from"], s["applies_to"], s["declaration_types"])
        reference_rows.add_contracts(conn, year, [(p.id, c) for p in ref.lead_providers for c in ref.courses])
    reference_rows.bump_catalog_revision(conn)


def add_v3_world(conn: sqlite3.Connection, ref: ReferenceData, seed: int, pools: Pools) -> None:
    """Everything above but the transfers, in the caller's transaction, after the main population was
    written and indexed; bulk writes that need no trigger (seed._populate makes them afterwards)."""
    rng = random.Random(f"{seed}:v3-world")
    add_cohorts(conn, ref)
    siblings = set(seed_extras.rejected_siblings(conn))  # as a HEAD accept leaves them (VD3)
    seed_extras.set_rejection_reason(conn, [
        (app, reason) for app in seed_extras.rejected_rowids(conn)
        if (reason := rng.choice(REASONS)) is not None and app not in siblings
    ])
    sibling_reason = "other_application_in_this_cohort_accepted"
    seed_extras.set_rejection_reason(conn, [(i, sibling_reason) for i in sorted(siblings)])
    senco = []
    for app in seed_extras.course_application_rowids(conn, "npq-senco"):
        answer = rng.choice(SENCO)
        start = None
        if answer == "yes":
            start = date(rng.randint(2015, 2024), rng.choice((1, 4, 9)), 1).isoformat()
        senco.append((app, answer, start))
    seed_extras.set_senco(conn, senco)
    seed_extras.set_previous_names(conn, [
        (user, json.dumps([pools.full_name(rng)])) for user in seed_extras.every_nth_user(conn, 9, 4)
    ])
    providers = [p.id for p in ref.lead_providers]
    for provider_id in providers:
        for user_id, updated_at in seed_extras.participants_of(conn, provider_id, 2):
            at = iso(min(parse_iso(updated_at), WORLD_NOW))
            dfe_rows.add_id_change(conn, user_id, new_uuid(rng), user_id, at)
    _suffixed_applications(conn, providers)


def add_transfers(conn: sqlite3.Connection, ref: ReferenceData) -> None:
    """A transferred application per provider (to the next one), in the caller's transaction, once the
    triggers exist: the participants and the foreign declarations follow the move by trigger. (Neither
    the moved applications nor their picking touch what add_v3_world reads or writes.)"""
    providers = [p.id for p in ref.lead_providers]
    # picked first, moved after: a transferred application is not picked again by its new provider
    chosen = [seed_extras.declared_application(conn, provider_id) for provider_id in providers]
    for index, moved in enumerate(chosen):
        if moved is not None and len(providers) > 1:
            dfe_rows.transfer_application(conn, moved, providers[(index + 1) % len(providers)],
                                          iso(WORLD_NOW.replace(day=1, month=3)))


def _suffixed_applications(conn: sqlite3.Connection, providers: list[str]) -> None:
    """Per provider, two pending applications move to the extra cohorts: one to 2026b, one to the
    zero-funded 2028b (funded_place false, as such applications are created, V-54). The world keeps its
    size (--applications)."""
    made = {(year, suffix) for year, suffix, _f, _r in EXTRA_COHORTS} & set(_cohorts(conn))
    for provider_id in providers:
        pending = seed_extras.pending_ids(conn, provider_id, 2)
        for app_id, (year, suffix, funding, _r) in zip(pending, EXTRA_COHORTS, strict=False):
            if (year, suffix) in made:
                seed_extras.move_pending(conn, app_id, year, suffix, 0 if funding == "zero" else None)


def _cohorts(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    return [(row[0], row[1]) for row in reference_rows.catalog_rows(conn)[0]]
