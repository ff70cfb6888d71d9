"""Bad input to /api/v1/ is a 422 with a code and a Chinese message, never a server error.

NUL characters, times PostgreSQL cannot store, malformed JSON: each is decided once at the
boundary (``wangge.core.middleware``, ``wangge.core.inputs``), and the OpenAPI document says
what the server enforces.
"""

import datetime as dt
import json

import pytest
from django.test import Client

from wangge.core.inputs import DATE_MESSAGE, TIMESTAMP_MESSAGE
from wangge.core.testing import api_client, login
from wangge.core.testing.factories import make_facility
from wangge.health.models import StatusTransition
from wangge.tracing.models import TrajectoryEntry
from wangge.transfer.models import Admission


def post_raw(user, path: str, body: bytes | str):
    return api_client(user).post(f"/api/v1{path}", body, content_type="application/json")


def post(user, path: str, body: dict):
    return post_raw(user, path, json.dumps(body))


@pytest.fixture
def facility(db):
    return make_facility(capacity=10)


def assert_invalid(response, *fields):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])  # said in Chinese
    for field in fields:
        assert field in body["errors"], body["errors"]
    return body


# --- NUL characters ---------------------------------------------------------------------------
def test_a_nul_in_a_query_parameter_is_422(city, street_officer):
    response = api_client(street_officer).get("/api/v1/residents", {"q": "张\x00"})
    assert_invalid(response, "q")


def test_a_nul_in_the_path_is_422(city, street_officer):
    response = api_client(street_officer).get("/api/v1/areas/4201%0006")
    assert_invalid(response, "path")


def test_an_escaped_nul_in_the_evidence_json_is_422_naming_the_field(city, cdc):
    resident = city["residents"]["A"]
    response = post_raw(cdc, f"/residents/{resident.pk}/status",
                        '{"to_status": "fever", "reason": "发热", "evidence": {"note": "37.8\\u0000"}}')
    assert_invalid(response, "evidence.note")
    assert not StatusTransition.objects.exists()


def test_an_escaped_nul_in_a_json_key_is_422(city, cdc):
    resident = city["residents"]["A"]
    response = post_raw(cdc, f"/residents/{resident.pk}/status",
                        '{"to_status": "fever", "reason": "发热", "evidence": {"a\\u0000": 1}}')
    assert_invalid(response)


def test_a_raw_nul_in_a_json_body_is_422(city, cdc):
    resident = city["residents"]["A"]
    response = post_raw(cdc, f"/residents/{resident.pk}/status", b'{"to_status": "fever", "reason": "a\x00"}')
    assert_invalid(response)


def test_a_lone_surrogate_in_a_json_body_is_422(city, street_officer):
    resident = city["residents"]["A"]
    response = post_raw(street_officer, f"/residents/{resident.pk}", b'{"note": "\\ud800"}')
    assert_invalid(response, "note")


def test_an_escaped_backslash_before_u0000_is_ordinary_text(city, cdc):
    resident = city["residents"]["A"]
    response = post_raw(cdc, f"/residents/{resident.pk}/status",
                        '{"to_status": "fever", "reason": "发热", "evidence": {"note": "C:\\\\u0000"}}')
    assert response.status_code == 200
    assert response.json()["evidence"] == {"note": "C:\\u0000"}


# --- Times ------------------------------------------------------------------------------------
def test_an_offset_of_99_hours_is_422_in_chinese(investigation, cdc):
    response = post(cdc, f"/tracing/investigations/{investigation.pk}/trajectory",
                    {"place": "超市", "start": "2026-01-01T00:00:00+99:00"})
    body = assert_invalid(response, "start")
    assert body["errors"]["start"] == TIMESTAMP_MESSAGE


def test_an_offset_beyond_15_59_is_422_not_stored(investigation, cdc):
    """Python takes +20:00, PostgreSQL does not: it failed as a 500 there and was stored on SQLite."""
    response = post(cdc, f"/tracing/investigations/{investigation.pk}/trajectory",
                    {"place": "超市", "start": "2026-01-01T00:00:00+20:00"})
    assert_invalid(response, "start")
    assert not TrajectoryEntry.objects.exists()


def test_an_offset_of_15_59_is_accepted(investigation, cdc):
    response = post(cdc, f"/tracing/investigations/{investigation.pk}/trajectory",
                    {"place": "超市", "start": "2026-01-01T00:00:00+15:59"})
    assert response.status_code == 201


def test_a_time_without_offset_is_beijing_time(city, street_officer, facility):
    response = post(street_officer, "/admissions", {"resident_id": city["residents"]["A"].pk,
                                                    "facility_id": facility.pk, "admitted_at": "2026-01-01T08:00:00"})
    assert response.status_code == 201, response.content
    admitted = Admission.objects.get().admitted_at
    assert admitted.isoformat() == "2026-01-01T00:00:00+00:00"


def test_a_year_outside_1901_to_2099_is_422(investigation, cdc):
    for text in ("0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"):
        response = post(cdc, f"/tracing/investigations/{investigation.pk}/trajectory", {"place": "超市", "start": text})
        assert_invalid(response, "start")


def test_a_date_must_be_written_as_a_date(city, street_officer):
    api = api_client(street_officer)
    for text in ("0", "2026-01-01T00:00:00", "0001-01-01"):
        body = assert_invalid(api.get("/api/v1/health/four-categories", {"date": text}), "date")
        assert body["errors"]["date"] == DATE_MESSAGE
    assert api.get("/api/v1/health/four-categories", {"date": "2026-01-01"}).status_code == 200


# --- Malformed JSON ---------------------------------------------------------------------------
@pytest.mark.parametrize("body", [b"{", b"\xff\xfe", b'{"reason": }', b"not json"])
def test_malformed_json_is_422_invalid(city, cdc, body):
    response = post_raw(cdc, f"/residents/{city['residents']['A'].pk}/status", body)
    assert_invalid(response, "body")


# --- The document says what is enforced -------------------------------------------------------
@pytest.fixture
def openapi(db):
    return Client().get("/api/v1/openapi.json").json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_openapi_declares_the_bounds_of_limit(openapi):
    seen = 0
    for label, operation in operations(openapi):
        for param in operation.get("parameters", []):
            if param["name"] == "limit":
                seen += 1
                schema = param["schema"]
                bounds = [s for s in [schema, *schema.get("anyOf", [])] if "minimum" in s]
                assert bounds, label
                assert bounds[0]["minimum"] == 1 and bounds[0]["maximum"] in (500, 1000), label
    assert seen >= 8


def test_limit_outside_its_bounds_is_422(city, street_officer):
    api = api_client(street_officer)
    assert_invalid(api.get("/api/v1/residents", {"limit": 0}), "limit")
    assert_invalid(api.get("/api/v1/residents", {"limit": 501}), "limit")
    assert_invalid(api.get("/api/v1/health/gaps/unisolated", {"limit": 1001}), "limit")


def _properties(document):
    """Every (where, schema) of a parameter or body property, components included."""
    for label, operation in operations(document):
        for param in operation.get("parameters", []):
            yield f"{label} {param['name']}", param["schema"]
    for name, schema in document["components"]["schemas"].items():
        for prop, sub in schema.get("properties", {}).items():
            yield f"{name}.{prop}", sub


def _variants(schema):
    yield schema
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            yield from _variants(sub)
    if "items" in schema:
        yield from _variants(schema["items"])


def test_every_time_and_date_input_has_the_shared_shape(openapi):
    inputs = {name for name in openapi["components"]["schemas"] if name.endswith(("In", "Query", "Filters"))}
    for where, schema in _properties(openapi):
        if " " not in where and where.split(".")[0] not in inputs:
            continue  # an output shape
        for variant in _variants(schema):
            if variant.get("format") in ("date", "date-time"):
                assert "pattern" in variant, where


def test_every_operation_documents_its_errors_with_the_error_shape(openapi):
    for label, operation in operations(openapi):
        responses = operation["responses"]
        for status in ("404", "422") + (("401",) if operation.get("security") else ()):
            assert status in responses, f"{label} does not document {status}"
            ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorOut"), label


def test_every_integer_input_has_bounds(openapi):
    inputs = {name for name in openapi["components"]["schemas"] if name.endswith(("In", "Query", "Filters"))}
    for where, schema in _properties(openapi):
        if " " not in where and where.split(".")[0] not in inputs:
            continue
        for variant in _variants(schema):
            if variant.get("type") == "integer":
                assert "enum" in variant or ("minimum" in variant and "maximum" in variant), where


def test_an_id_beyond_64_bits_is_422_not_an_overflow(city, street_officer):
    """Found by schemathesis: the number overflowed in the query (SQLite) or was refused by it (PostgreSQL)."""
    api = api_client(street_officer)
    assert_invalid(api.get("/api/v1/households", {"building": 262036188753700028416}), "building")
    assert_invalid(api.get("/api/v1/residents/262036188753700028416"), "resident_id")
    response = post(street_officer, "/residents", {"household_id": 2**64, "name": "张三", "id_number": "x"})
    assert_invalid(response, "household_id")


def test_a_local_time_before_1901_is_422_not_an_lmt_offset(city, street_officer):
    """Found by schemathesis: 1900-01-01T00:00 in Shanghai is LMT, +08:05:43, which no ISO 8601 text carries."""
    from wangge.core.testing.factories import make_quarantine_order as quarantine_order
    from wangge.core.testing.factories import make_quarantine_test as quarantine_test

    order = quarantine_order(city["residents"]["A"], start=dt.date(2026, 1, 1), planned_release=dt.date(2026, 1, 8))
    test = quarantine_test(order, due=dt.date(2026, 1, 2))
    response = post(street_officer, f"/quarantine/tests/{test.pk}/result",
                    {"result": "negative", "sampled_at": "1900-01-01T00:00"})
    assert_invalid(response, "sampled_at")


def _cursor(*parts) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [_cursor("4201\x00", 1), _cursor("420106", 2**70), _cursor("420106", -1)])
def test_a_forged_cursor_is_a_coded_422_not_a_query(city, street_officer, cursor):
    """A cursor is signed: one we did not write (here base64 with a NUL or a huge id inside, which
    passes the middleware and the schema) is refused with its code before it reaches the database."""
    response = api_client(street_officer).get("/api/v1/residents", {"cursor": cursor})
    assert response.status_code == 422
    assert response.json()["code"] == "cursor_invalid"


@pytest.mark.parametrize("cursor", [_cursor("2026-01-01T00:00:00+20:00", 1), _cursor("2026-01-01T00:00:00", 2**70)])
def test_a_forged_audit_log_cursor_starts_from_the_beginning_instead_of_failing(auditor, cursor):
    client = login(auditor)
    assert client.get("/audit/", {"cursor": cursor}).status_code == 200
