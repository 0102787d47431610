"""The v2 and v3 documents are generated: they equal the build output, and they show the reference's fields.

Rebuild after editing openapi/src/*.yaml or openapi/npq-lead-provider-v1.yaml:
    python -m npq_lead_provider_kit.build_openapi
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from npq_lead_provider_kit import build_openapi
from npq_lead_provider_kit.resources import API_SPECS, openapi_dir
from tests.mockserver.v1_shapes import APPLICATION_FIELDS

from ._support import api, inline

SRC = openapi_dir() / "src"


@pytest.mark.parametrize("version", build_openapi.VERSIONS)
def test_committed_document_equals_the_build_output(version):
    committed = (openapi_dir() / build_openapi.output_name(version)).read_text(encoding="utf-8")
    assert committed == build_openapi.render(version), (
        f"{build_openapi.output_name(version)} differs from its sources: "
        "run `python -m npq_lead_provider_kit.build_openapi` (and never edit the generated file by hand)"
    )


def test_check_mode_reports_up_to_date_documents(capsys):
    assert build_openapi.main(["--check"]) == 0


@pytest.mark.parametrize("version", build_openapi.VERSIONS)
def test_published_document_is_self_contained(version):
    text = (openapi_dir() / build_openapi.output_name(version)).read_text(encoding="utf-8")
    doc = yaml.safe_load(text)

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for item in node:
                yield from refs(item)

    assert all(ref.startswith("#/components/") for ref in refs(doc))
    assert (
        "x-order" not in text and "x-append" not in text and "x-omit" not in text and "x-fields" not in text
    )


def test_sources_share_instead_of_copying():
    # v2 takes v1's operations (V-01); v3 extends them. Neither source repeats a v1 schema wholesale.
    v2 = yaml.safe_load((SRC / "v2.yaml").read_text(encoding="utf-8"))
    assert all(set(item) == {"$ref"} for path, item in v2["paths"].items() if "enrolments" not in path)
    for name in ("v2.yaml", "v3.yaml", "common.yaml"):
        text = (SRC / name).read_text(encoding="utf-8")
        assert "npq-early-headship-coaching-offer" not in text, f"{name} repeats the course list"
        assert "quality-of-programme-structure-not-suitable." not in text, (
            f"{name} repeats the withdrawal reasons"
        )


def test_overlay_directives(tmp_path: Path):
    (tmp_path / "base.yaml").write_text(
        yaml.safe_dump(
            {
                "components": {
                    "schemas": {
                        "Thing": {
                            "type": "object",
                            "required": ["a", "b"],
                            "properties": {"a": {"type": "string"}, "b": {"enum": ["x"]}},
                        },
                        "Wrapper": {"properties": {"thing": {"$ref": "#/components/schemas/Thing"}}},
                    }
                }
            }
        )
    )
    (tmp_path / "src.yaml").write_text(
        yaml.safe_dump(
            {
                "openapi": "3.0.3",
                "paths": {},
                "components": {
                    "schemas": {
                        "Thing": {
                            "$ref": "base.yaml#/components/schemas/Thing",
                            "x-order": ["c", "b"],
                            "properties": {"b": {"x-append": {"enum": ["y"]}}, "c": {"type": "integer"}},
                        },
                        "Uses": {"$ref": "base.yaml#/components/schemas/Wrapper"},
                    }
                },
            }
        )
    )
    doc = build_openapi.Builder(tmp_path / "src.yaml").build()
    thing = doc["components"]["schemas"]["Thing"]
    assert list(thing["properties"]) == ["c", "b"]
    assert thing["required"] == ["c", "b"]
    assert thing["properties"]["b"]["enum"] == ["x", "y"]
    # Late binding: the imported Wrapper points at this document's own Thing.
    assert doc["components"]["schemas"]["Uses"]["properties"]["thing"] == {
        "$ref": "#/components/schemas/Thing"
    }


def _attributes(version: str, schema: str) -> list[str]:
    node = inline({"$ref": f"#/components/schemas/{schema}"}, API_SPECS[version])
    return list(node["properties"]["attributes"]["properties"])


def _required(version: str, schema: str) -> list[str]:
    node = inline({"$ref": f"#/components/schemas/{schema}"}, API_SPECS[version])
    return node["properties"]["attributes"]["required"]


V1_APPLICATION = APPLICATION_FIELDS  # the v1 shape, kept once for the tests (tests/mockserver/v1_shapes.py)
V3_APPLICATION = [
    *V1_APPLICATION[:16],
    "reason_for_rejection",
    *V1_APPLICATION[16:18],
    "cohort_suffix",
    *V1_APPLICATION[18:],
    "schedule_identifier",
    "works_as_senco",
    "senco_start_date",
]
# Field orders of §2 of the v2/v3 behaviour reference
# (V-10, V-11, V-13, V-14, V-17, V-18, V-20, V-21, §2.5, §2.6).
ORDERS = {
    ("v2", "Application"): V1_APPLICATION,
    ("v2", "Participant"): ["email", "full_name", "teacher_reference_number", "updated_at", "npq_enrolments"],
    ("v2", "ParticipantDeclaration"): [
        "participant_id",
        "declaration_type",
        "course_identifier",
        "declaration_date",
        "state",
        "has_passed",
        "updated_at",
    ],
    ("v2", "ParticipantOutcome"): [
        "state",
        "completion_date",
        "course_identifier",
        "participant_id",
        "created_at",
    ],
    ("v3", "Application"): V3_APPLICATION,
    ("v3", "Participant"): [
        "full_name",
        "previous_names",
        "teacher_reference_number",
        "updated_at",
        "npq_enrolments",
        "participant_id_changes",
    ],
    ("v3", "ParticipantDeclaration"): [
        "participant_id",
        "declaration_type",
        "course_identifier",
        "declaration_date",
        "state",
        "has_passed",
        "delivery_partner_id",
        "delivery_partner_name",
        "secondary_delivery_partner_id",
        "secondary_delivery_partner_name",
        "statement_id",
        "application_id",
        "clawback_statement_id",
        "uplift_paid",
        "lead_provider_name",
        "ineligible_for_funding_reason",
        "created_at",
        "updated_at",
    ],
    ("v3", "ParticipantOutcome"): [
        "state",
        "completion_date",
        "course_identifier",
        "participant_id",
        "created_at",
        "updated_at",
    ],
    ("v3", "Statement"): [
        "month",
        "year",
        "cohort",
        "cut_off_date",
        "payment_date",
        "paid",
        "created_at",
        "updated_at",
    ],
    ("v3", "DeliveryPartner"): ["name", "cohort", "created_at", "updated_at"],
}
ENROLMENTS = {
    "v2": [
        "course_identifier",
        "schedule_identifier",
        "cohort",
        "npq_application_id",
        "eligible_for_funding",
        "training_status",
        "school_urn",
        "targeted_delivery_funding_eligibility",
        "funded_place",
    ],
    "v3": [
        "email",
        "course_identifier",
        "schedule_identifier",
        "cohort",
        "cohort_suffix",
        "npq_application_id",
        "eligible_for_funding",
        "training_status",
        "school_urn",
        "targeted_delivery_funding_eligibility",
        "withdrawal",
        "deferral",
        "created_at",
        "funded_place",
    ],
}


@pytest.mark.parametrize(("version", "schema"), sorted(ORDERS))
def test_attributes_are_listed_in_the_reference_order_and_always_present(version, schema):
    assert _attributes(version, schema) == ORDERS[(version, schema)]
    assert _required(version, schema) == ORDERS[(version, schema)]


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_enrolment_keys_are_in_the_reference_order(version):
    participant = inline({"$ref": "#/components/schemas/Participant"}, API_SPECS[version])
    item = participant["properties"]["attributes"]["properties"]["npq_enrolments"]["items"]
    assert list(item["properties"]) == ENROLMENTS[version]
    assert item["required"] == ENROLMENTS[version]


def test_every_v3_operation_answers_with_the_ordered_objects():
    # The operations refer to the ordered schemas rather than carrying copies of their own.
    doc = api("v3")
    seen = set()
    for item in doc["paths"].values():
        for op in item.values():
            ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            target = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
            data = target["properties"]["data"]
            seen.add((data.get("items") or data)["$ref"].rsplit("/", 1)[1])
    assert seen == {schema for version, schema in ORDERS if version == "v3"}
