"""Request and query schemas accept what the real service accepts and refuse what it refuses.

Schemathesis generates positive and negative cases from these schemas, so each assertion below pins one
rule of the behaviour reference (R-nn) that generation depends on.
"""

from __future__ import annotations

import pytest

from npq_lead_provider_kit.resources import API_SPECS

from ._support import VERSIONS, api, errors, inline, operation_parameters, operations, request_body_schema, v1

V1 = "npq-lead-provider-v1.yaml"
PID = "7a8fef46-3c43-42c0-b3d5-1ba5904ba562"
PID2 = "db3a7848-7308-4879-942a-c4a70ced400a"


def _version(path: str) -> str:
    return path.split("/")[2]


def body_schema(path: str, method: str) -> dict:
    version = _version(path)
    return request_body_schema(api(version), API_SPECS[version], path, method)


def query_member(path: str, param: str, member: str) -> dict:
    version = _version(path)
    for p in operation_parameters(api(version), API_SPECS[version], path, "get"):
        if p["name"] == param:
            assert p["style"] == "deepObject" and p.get("explode", True)
            return p["schema"]["properties"][member]
    raise AssertionError(f"{path} has no {param}[{member}]")


def valid(schema: dict, value) -> bool:
    return not errors(schema, value)


def wrap(attributes, type_="anything"):
    return {"data": {"type": type_, "attributes": attributes}}


DECLARATIONS = "/api/v1/participant-declarations"
ATTRS = {
    "participant_id": PID,
    "declaration_date": "2024-10-01T10:00:00Z",
    "course_identifier": "npq-headship",
}


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ({**ATTRS, "declaration_type": "started"}, True),
        ({**ATTRS, "declaration_type": "retained-2"}, True),
        ({**ATTRS, "declaration_type": "completed", "has_passed": True}, True),
        ({**ATTRS, "declaration_type": "completed", "has_passed": "false"}, True),  # R-101 strings
        ({**ATTRS, "declaration_type": "completed"}, False),  # has_passed required
        ({**ATTRS, "declaration_type": "completed", "has_passed": "yes"}, False),
        (
            {
                **ATTRS,
                "course_identifier": "npq-early-headship-coaching-offer",
                "declaration_type": "completed",
            },
            True,
        ),
        (
            {
                **ATTRS,
                "course_identifier": "npq-additional-support-offer",
                "declaration_type": "completed",
                "has_passed": "whatever",
            },
            True,
        ),  # ignored for ASO/EHCO
        ({**ATTRS, "declaration_type": "finished"}, False),
        ({**ATTRS, "declaration_type": "started", "course_identifier": "npq-unknown"}, False),
        ({**ATTRS, "declaration_type": "started", "participant_id": "not-a-uuid"}, False),
        ({**ATTRS, "declaration_type": "started", "delivery_partner_id": PID2, "extra": [1]}, True),
        ({}, False),
    ],
)
def test_declaration_attributes(attributes, expected):
    assert valid(body_schema(DECLARATIONS, "post"), wrap(attributes)) is expected


@pytest.mark.parametrize("type_", ["participant-declaration", "something-else", 7, None, {"x": 1}])
def test_data_type_is_never_constrained(type_):
    # data.type is never read, so no value of it may turn a valid body into a negative case.
    for path, method in [
        (DECLARATIONS, "post"),
        ("/api/v1/participants/npq/{id}/defer", "put"),
        ("/api/v1/npq-applications/{id}/change-funded-place", "put"),
    ]:
        schema = body_schema(path, method)
        good = inline({"$ref": "#/components/schemas/" + schema_name(path, method)})["example"]
        good["data"]["type"] = type_
        assert valid(schema, good), (path, type_)
    without = {"data": {"attributes": {**ATTRS, "declaration_type": "started"}}}
    assert valid(body_schema(DECLARATIONS, "post"), without)


def schema_name(path: str, method: str) -> str:
    ref = v1()["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[1]


NEW_WITHDRAWAL_REASONS = [
    "assessment-requirements-not-met",
    "change-in-career",
    "disengaged-and-unresponsive",
    "non-payment-of-invoice",
]


@pytest.mark.parametrize("version", VERSIONS)
def test_withdrawal_reasons_per_version(version):
    # 17 reasons in v1 and v2 (V-59, §5.2.1); VD11: four more in v3.
    schema = body_schema(f"/api/{version}/participants/npq/{{id}}/withdraw", "put")
    enum = schema["properties"]["data"]["properties"]["attributes"]["properties"]["reason"]["enum"]
    assert len(enum) == (21 if version == "v3" else 17)
    assert (set(NEW_WITHDRAWAL_REASONS) <= set(enum)) is (version == "v3")
    if version == "v3":
        participant = inline({"$ref": "#/components/schemas/Participant"}, API_SPECS[version])
        item = participant["properties"]["attributes"]["properties"]["npq_enrolments"]["items"]
        assert item["properties"]["withdrawal"]["properties"]["reason"]["enum"] == enum


@pytest.mark.parametrize("version", VERSIONS)
def test_withdrawal_reasons_keep_the_trailing_full_stop(version):
    schema = body_schema(f"/api/{version}/participants/npq/{{id}}/withdraw", "put")
    base = {"course_identifier": "npq-headship"}
    assert valid(schema, wrap({**base, "reason": "quality-of-programme-structure-not-suitable."}))
    assert not valid(schema, wrap({**base, "reason": "quality-of-programme-structure-not-suitable"}))
    assert not valid(schema, wrap({**base, "reason": "bereavement"}))
    assert not valid(schema, wrap(base))


def test_deferral_reasons():
    schema = body_schema("/api/v1/participants/npq/{id}/defer", "put")
    enum = schema["properties"]["data"]["properties"]["attributes"]["properties"]["reason"]["enum"]
    assert enum == ["bereavement", "long-term-sickness", "parental-leave", "career-break", "other"]


@pytest.mark.parametrize("action", ["defer", "resume", "withdraw", "change-schedule"])
def test_participant_actions_refuse_missing_or_empty_data(action):
    schema = body_schema(f"/api/v1/participants/npq/{{id}}/{action}", "put")
    for body in ({}, {"data": {}}, {"data": {"attributes": {}}}):
        assert not valid(schema, body), (action, body)


@pytest.mark.parametrize("cohort", [2024, "2024", None, ""])
def test_change_schedule_cohort_may_be_integer_or_string(cohort):
    schema = body_schema("/api/v1/participants/npq/{id}/change-schedule", "put")
    attrs = {
        "schedule_identifier": "npq-leadership-spring",
        "course_identifier": "npq-headship",
        "cohort": cohort,
    }
    assert valid(schema, wrap(attrs))


def test_accept_body_is_optional_but_data_needs_attributes():
    doc = v1()
    op = doc["paths"]["/api/v1/npq-applications/{id}/accept"]["post"]
    assert op["requestBody"].get("required", False) is False
    schema = body_schema("/api/v1/npq-applications/{id}/accept", "post")
    assert valid(schema, {})
    assert valid(schema, wrap({"funded_place": False}))
    assert not valid(schema, {"data": {}})
    assert not valid(schema, {"data": {"type": "x"}})
    assert not valid(schema, wrap({}))


def test_reject_and_void_bodies_are_optional_and_unconstrained():
    doc = v1()
    for path, method in [
        ("/api/v1/npq-applications/{id}/reject", "post"),
        ("/api/v1/participant-declarations/{id}/void", "put"),
    ]:
        assert doc["paths"][path][method]["requestBody"].get("required", False) is False
        schema = body_schema(path, method)
        for anything in ({}, [], "text", 3, None, {"data": {}}):
            assert valid(schema, anything), (path, anything)


def test_change_funded_place_needs_a_boolean():
    schema = body_schema("/api/v1/npq-applications/{id}/change-funded-place", "put")
    assert valid(schema, wrap({"funded_place": True}))
    for bad in ("true", None, 1):
        assert not valid(schema, wrap({"funded_place": bad}))
    assert not valid(schema, wrap({"other": 1}))


def test_outcome_completion_date_needs_only_to_contain_a_date():
    schema = body_schema("/api/v1/participants/npq/{id}/outcomes", "post")
    base = {"course_identifier": "npq-headship", "state": "passed"}
    assert valid(schema, wrap({**base, "completion_date": "2021-05-31"}))
    assert valid(schema, wrap({**base, "completion_date": "2021-05-31T00:00:00+00:00"}))  # R-118 unanchored
    assert not valid(schema, wrap({**base, "completion_date": "31/05/2021"}))
    assert not valid(schema, wrap({**base, "state": "voided", "completion_date": "2021-05-31"}))
    ehco = {**base, "course_identifier": "npq-early-headship-coaching-offer", "completion_date": "2021-05-31"}
    assert not valid(schema, wrap(ehco))


LISTS = [
    ("/api/v1/npq-applications", "updated_since"),
    ("/api/v1/npq-applications.csv", "updated_since"),
    ("/api/v1/participants/npq", "updated_since"),
    ("/api/v1/participant-declarations", "updated_since"),
    ("/api/v1/participant-declarations.csv", "updated_since"),
    ("/api/v1/participants/npq/outcomes", "created_since"),
    ("/api/v2/npq-applications", "updated_since"),
    ("/api/v2/npq-enrolments.csv", "updated_since"),
    ("/api/v2/participants/npq", "updated_since"),
    ("/api/v2/participant-declarations.csv", "updated_since"),
    ("/api/v2/participants/npq/outcomes", "created_since"),
    ("/api/v3/npq-applications", "updated_since"),
    ("/api/v3/participants/npq", "updated_since"),
    ("/api/v3/participant-declarations", "updated_since"),
    ("/api/v3/participants/npq/outcomes", "created_since"),
    ("/api/v3/statements", "updated_since"),
]


@pytest.mark.parametrize(("path", "member"), LISTS)
def test_since_filters_follow_r37(path, member):
    schema = query_member(path, "filter", member)
    for good in ("2021-05-13T11:21:55Z", "2021-05-13T11:21:55.123Z", "2021-05-13T11:21:55-05:00", "", "  "):
        assert valid(schema, good), good
    for bad in ("2021-05-13", "2021-05-13T11:21:55+01:00", "yesterday", "2021-13-13T11:21:55Z"):
        assert not valid(schema, bad), bad


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/participant-declarations",
        "/api/v1/participant-declarations.csv",
        "/api/v2/participant-declarations",
        "/api/v3/participant-declarations",
        "/api/v3/npq-applications",  # V-34
    ],
)
def test_participant_id_filter_takes_a_comma_separated_uuid_list(path):
    schema = query_member(path, "filter", "participant_id")
    for good in (PID, f"{PID},{PID2}", "", PID.upper()):
        assert valid(schema, good), good
    for bad in ("abc", f"{PID},abc", f"{PID}, {PID2}", f"{PID},"):
        assert not valid(schema, bad), bad


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/npq-applications",
        "/api/v2/npq-applications",
        "/api/v3/npq-applications",
        "/api/v3/participant-declarations",  # V-38
        "/api/v3/statements",  # V-39
        "/api/v3/delivery-partners",  # V-40
    ],
)
def test_cohort_filter_accepts_any_string(path):
    schema = query_member(path, "filter", "cohort")
    for anything in ("2023,2024", "abc", "0000", ""):
        assert valid(schema, anything)  # no match is an empty list, not an error


PAGED = [
    f"/api/{version}/{path}"
    for version in VERSIONS
    for path in (
        "npq-applications",
        "participants/npq",
        "participant-declarations",
        "participants/npq/outcomes",
        "participants/npq/{id}/outcomes",
    )
] + ["/api/v3/statements", "/api/v3/delivery-partners"]  # V-30


@pytest.mark.parametrize("path", PAGED)
def test_pagination_has_no_maximum(path):
    page = query_member(path, "page", "page")
    per_page = query_member(path, "page", "per_page")
    assert page["type"] == per_page["type"] == "integer"
    assert page["minimum"] == per_page["minimum"] == 1
    assert per_page["default"] == 100
    assert "maximum" not in per_page and "maximum" not in page  # > 3000 is capped, not refused
    assert valid(per_page, 5000)
    assert not valid(page, 0)


# ---- v3 only ----------------------------------------------------------------------------------------------


def test_v3_training_status_filter_is_an_enum_and_from_participant_id_any_string():
    status = query_member("/api/v3/participants/npq", "filter", "training_status")
    for good in ("active", "deferred", "withdrawn", ""):
        assert valid(status, good), good
    for bad in ("Active", "paused"):
        assert not valid(status, bad), bad  # V-35: 422
    anything = query_member("/api/v3/participants/npq", "filter", "from_participant_id")
    assert valid(anything, "not-a-uuid")  # V-36: not validated


@pytest.mark.parametrize(
    "path", ["/api/v3/npq-applications", "/api/v3/participants/npq", "/api/v3/delivery-partners"]
)
def test_v3_sort_accepts_the_real_grammar(path):
    # V-33: any string is accepted; unknown keys are dropped, never refused.
    params = operation_parameters(api("v3"), API_SPECS["v3"], path, "get")
    sort = next(p for p in params if p["name"] == "sort")
    assert sort["in"] == "query" and "enum" not in sort["schema"]
    for value in ("created_at", "-updated_at", "+name", "%2Bcreated_at", "updated_at,-created_at", "foo", ""):
        assert valid(sort["schema"], value), value


def test_only_v3_lists_have_sort():
    for version in ("v1", "v2"):
        for path, method, _ in operations(api(version)):
            names = {p["name"] for p in operation_parameters(api(version), API_SPECS[version], path, method)}
            assert "sort" not in names, path


def test_v3_accept_reads_funded_place_and_schedule_identifier():
    schema = body_schema("/api/v3/npq-applications/{id}/accept", "post")
    assert valid(schema, {})
    assert valid(schema, wrap({"funded_place": False, "schedule_identifier": "npq-leadership-autumn"}))
    assert valid(schema, wrap({"schedule_identifier": None}))
    assert valid(schema, wrap({"schedule_identifier": ""}))  # V-54: blank = automatic
    assert not valid(schema, wrap({"schedule_identifier": "npq-leadership-winter"}))
    assert not valid(schema, {"data": {}})


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, True),
        ({"delivery_partner_id": PID2}, True),
        ({"delivery_partner_id": PID2, "secondary_delivery_partner_id": None}, True),
        ({"delivery_partner_id": None, "secondary_delivery_partner_id": PID}, True),  # V-64 e: 422, not shape
        ({"delivery_partner_id": "not-a-uuid"}, False),  # V-64 step 13
    ],
)
def test_v3_declaration_takes_delivery_partners(extra, expected):
    body = wrap({**ATTRS, "declaration_type": "started", **extra})
    assert valid(body_schema("/api/v3/participant-declarations", "post"), body) is expected
    # V-63: v2 drops the keys, so anything goes there.
    assert valid(body_schema("/api/v2/participant-declarations", "post"), body)


def test_v3_change_delivery_partner_body():
    schema = body_schema("/api/v3/participant-declarations/{id}/change-delivery-partner", "put")
    assert valid(schema, wrap({"delivery_partner_id": PID}))
    assert valid(schema, wrap({"delivery_partner_id": PID, "secondary_delivery_partner_id": PID2}))
    for removal in (None, ""):  # V-68: both remove the secondary partner
        assert valid(schema, wrap({"delivery_partner_id": PID, "secondary_delivery_partner_id": removal}))
    assert not valid(schema, {"data": {}})
    assert not valid(schema, wrap({"secondary_delivery_partner_id": PID2}))
