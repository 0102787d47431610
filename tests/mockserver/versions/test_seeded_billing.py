"""The default seeded world's delivery partners and statements (V-93, V-95) as v3 shows them."""

from __future__ import annotations

TOKEN = {"Authorization": "Bearer ambition-token"}


def _all(client, path: str) -> list[dict]:
    return client.get(f"{path}?page[per_page]=3000", headers=TOKEN).get_json()["data"]


def test_v93_statements_for_every_cohort_output_fee_only_by_payment_date(ops_client) -> None:
    listed = _all(ops_client, "/api/v3/statements")
    assert {s["attributes"]["cohort"] for s in listed} == {str(y) for y in range(2021, 2030)}
    dates = [s["attributes"]["payment_date"] for s in listed]
    assert dates == sorted(dates)
    of_2025 = [s["attributes"] for s in listed if s["attributes"]["cohort"] == "2025"]
    # Feb 2025 to Jan 2027: output fee in March, June, September, December and the last month (January 2027)
    assert [(s["month"], s["year"]) for s in of_2025] == [
        ("March", "2025"),
        ("June", "2025"),
        ("September", "2025"),
        ("December", "2025"),
        ("March", "2026"),
        ("June", "2026"),
        ("September", "2026"),
        ("December", "2026"),
        ("January", "2027"),
    ]
    assert of_2025[0]["cut_off_date"] == "2025-02-23" and of_2025[0]["payment_date"] == "2025-03-23"


def test_v95_partners_for_every_cohort_and_england_2024_declarations_carry_them(ops_client) -> None:
    partners = _all(ops_client, "/api/v3/delivery-partners")
    assert partners and {y for p in partners for y in p["attributes"]["cohort"]} == set(range(2021, 2030))
    names = [p["attributes"]["name"] for p in partners]
    assert names == sorted(names)
    declarations = _all(ops_client, "/api/v3/participant-declarations")
    recent = [d["attributes"] for d in declarations if d["attributes"]["delivery_partner_id"]]
    assert recent and all(d["delivery_partner_name"] for d in recent)
    billed = [
        d["attributes"] for d in declarations if d["attributes"]["state"] in ("eligible", "payable", "paid")
    ]
    assert billed and all(d["statement_id"] for d in billed)
    refunds = [d["attributes"] for d in declarations if d["attributes"]["state"] == "awaiting-clawback"]
    assert all(d["statement_id"] and d["clawback_statement_id"] for d in refunds)
    assert all(
        d["attributes"]["statement_id"] is None
        for d in declarations
        if d["attributes"]["state"] in ("submitted", "ineligible")
    )
