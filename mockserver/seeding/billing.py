"""Seeded billing: delivery partners with partnerships for every provider and cohort, the statements of
V-93 for every provider and cohort, and the statement items and delivery partners of seeded declarations.

Everything comes from its own generator (seed-keyed), so the people and records of a seed do not change.
"""

from __future__ import annotations

import bisect
import random
from datetime import timedelta

from mockserver.domain.statements import seeded_series
from mockserver.reference import ReferenceData
from mockserver.seeding.builder import Row, Rows
from mockserver.seeding.draws import pick
from mockserver.seeding.pools import new_uuid
from mockserver.seeding.timeline import DAY, WORLD_NOW, WORLD_NOW_SECONDS, iso, midnight, stamp
from mockserver.seeding.training import is_fundable

PLACES = (
    "Aldbury", "Barnfield", "Castlegate", "Dunmore", "Eastwick", "Fairhaven", "Greenhill", "Harbourside",
    "Ironbridge", "Kingsmead", "Longford", "Millbrook", "Northgate", "Oakwood", "Pennington", "Queensway",
    "Riverside", "Southfields", "Thornbury", "Upton", "Valleyview", "Westbrook", "Yardley", "Ashcombe",
)
KINDS = ("Teaching School Hub", "Learning Partnership", "Education Trust", "Leadership Alliance")
PARTNERS_PER_PROVIDER_AND_COHORT = 4
BILLABLE = ("eligible", "payable", "paid")
REFUND = ("awaiting_clawback", "clawed_back")
_NO_SERIES: tuple[list[str], list[str]] = ([], [])  # read only


class Billing:
    """The billing rows of one seeded world, and the annotation of each batch of declarations."""

    def __init__(self, ref: ReferenceData, seed: int) -> None:
        rng = self.rng = random.Random(f"{seed}:billing")
        created = iso(WORLD_NOW - timedelta(days=3 * 365))
        names = [f"{place} {kind}" for place in PLACES for kind in KINDS]
        rng.shuffle(names)
        self.partners: list[Row] = [
            {"id": new_uuid(rng), "name": name, "created_at": created, "updated_at": created}
            for name in sorted(names[: len(PLACES)])
        ]
        self.partnerships: list[Row] = []
        self.partnered: dict[tuple[str, int], list[str]] = {}
        self.statements: list[Row] = []
        self.series: dict[tuple[str, int], tuple[list[str], list[str]]] = {}  # deadlines, ids (output fee)
        for provider in ref.lead_providers:
            for cohort in ref.cohorts:
                year, suffix = cohort.start_year, getattr(cohort, "suffix", "a")
                chosen = rng.sample(self.partners, PARTNERS_PER_PROVIDER_AND_COHORT)
                self.partnered[(provider.id, year)] = [p["id"] for p in chosen]
                self.partnerships.extend(
                    {"delivery_partner_id": p["id"], "lead_provider_id": provider.id, "cohort": year,
                     "cohort_suffix": suffix, "created_at": created} for p in chosen)
                deadlines: list[str] = []
                ids: list[str] = []
                made = min(midnight(cohort.registration_start_date) - 90 * DAY, WORLD_NOW_SECONDS)
                for planned in seeded_series(cohort.registration_start_date):
                    # Seeded statements stay open: the world is used at any frozen "now", and need
                    # an open output-fee statement after it (V-71). DfE's runs are the testing API's (V-73).
                    state, moved = "open", made
                    row = {
                        "id": new_uuid(rng), "lead_provider_id": provider.id, "cohort": year,
                        "cohort_suffix": suffix, "year": planned.year, "month": planned.month,
                        "deadline_date": planned.deadline_date.isoformat(),
                        "payment_date": planned.payment_date.isoformat(),
                        "output_fee": int(planned.output_fee),
                        "state": state, "created_at": stamp(made), "updated_at": stamp(max(made, moved)),
                    }
                    self.statements.append(row)
                    if planned.output_fee:
                        deadlines.append(row["deadline_date"])
                        ids.append(str(row["id"]))
                self.series[(provider.id, year)] = (deadlines, ids)

    def _statement(self, provider: str, cohort: int, at: str) -> str | None:
        """The output-fee statement whose deadline is the first on or after `at` (the last one after the
        series ends)."""
        deadlines, ids = self.series.get((provider, cohort), _NO_SERIES)
        if not ids:
            return None
        return ids[min(bisect.bisect_left(deadlines, at[:10]), len(ids) - 1)]

    def annotate(self, rows: Rows) -> list[tuple]:
        """Give the batch's England 2024+ declarations partnered delivery partners; return their statement
        items as tuples in the store's ITEM_COLUMNS order (statement_id, declaration_id, state, created_at,
        updated_at), as the bulk writer takes them."""
        apps = {a["id"]: a for a in rows.applications}
        items: list[tuple] = []
        rng = self.rng
        for decl in rows.declarations:  # made by training.declare: delivery partners None, values typed
            app = apps.get(decl["application_id"])
            cohort = decl["cohort"]
            if app is not None and app["teacher_catchment"] == "england" and cohort >= 2024:  # type: ignore[operator]
                options = self.partnered.get((decl["lead_provider_id"], cohort), [])  # type: ignore[arg-type]
                if options:
                    first = pick(rng, options)
                    decl["delivery_partner_id"] = first
                    if rng.random() < 0.2:
                        decl["secondary_delivery_partner_id"] = pick(rng, [o for o in options if o != first])
            self._add_items(items, decl, app)
        return items

    def _add_items(self, items: list[tuple], decl: Row, app: Row | None) -> None:
        state, created, updated = decl["state"], str(decl["created_at"]), str(decl["updated_at"])
        provider, cohort = str(decl["lead_provider_id"]), int(decl["cohort"])  # type: ignore[call-overload]
        billing = self._statement(provider, cohort, created)
        if billing is None:
            return
        if state in BILLABLE or state == "ineligible":
            items.append((billing, decl["id"], state, created, updated))
        elif state in REFUND:
            items.append((billing, decl["id"], "paid", created, updated))
            refund = self._statement(provider, cohort, updated)
            if refund is not None:
                items.append((refund, decl["id"], state, updated, updated))
        elif state == "voided" and app is not None and is_fundable(app):
            items.append((billing, decl["id"], "voided", created, updated))
