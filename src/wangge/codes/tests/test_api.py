"""The code endpoints: a resident's code for staff in reach (404 outside, audited), the public
keys, and the paged revocation list (references and colours only)."""

import datetime as dt

from django.utils import timezone

from wangge.audit.models import AuditEntry
from wangge.codes import keys, services
from wangge.codes.models import Revocation
from wangge.core.testing import Api
from wangge.core.testing.factories import put_in


def test_staff_in_reach_get_the_code_with_colour_reasons_and_expiry(resident, grid_worker):
    put_in(resident, "close_contact")
    response = Api(grid_worker).get(f"/residents/{resident.pk}/code")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["colour"], [r["code"] for r in body["reasons"]]) == ("y", ["close_contact"])
    assert body["token"].startswith("WG1.") and body["expires"] > body["issued"]
    assert services.verify_token(body["token"]).colour == "y"


def test_the_reasons_come_in_the_callers_language(resident, grid_worker):
    put_in(resident, "close_contact")
    api = Api(grid_worker)
    body = api.client.get(f"{api.prefix}/residents/{resident.pk}/code", headers={"Accept-Language": "en"}).json()
    assert body["reasons"][0]["text"] == "Close contact"


def test_reading_a_code_is_audited(resident, grid_worker):
    Api(grid_worker).get(f"/residents/{resident.pk}/code")
    assert AuditEntry.objects.filter(actor=grid_worker, action="view", object_id=str(resident.pk),
                                     field="health_code").count() == 1


def test_a_resident_out_of_reach_is_404_and_leaves_no_code(city, grid_worker):
    other = city["residents"]["C"]
    response = Api(grid_worker).get(f"/residents/{other.pk}/code")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert not AuditEntry.objects.filter(object_id=str(other.pk), field="health_code").exists()


def test_the_keys_are_public_jwks_that_a_browser_imports(db):
    from django.test import Client

    body = Client().get("/api/v1/gates/keys").json()
    assert body["format"] == "WG1" and body["token_seconds"] == 300
    [key] = body["keys"]
    assert {k: key[k] for k in ("kty", "crv", "alg", "use")} == {"kty": "EC", "crv": "P-256", "alg": "ES256",
                                                                    "use": "sig"}
    assert len(keys.b64url_decode(key["x"])) == 32 and len(keys.b64url_decode(key["y"])) == 32
    assert "d" not in key  # never the private part


def test_after_a_rotation_both_keys_are_published(resident):
    from django.test import Client

    old = services.issue_token(resident).key_id
    new = keys.rotate().kid
    assert [k["kid"] for k in Client().get("/api/v1/gates/keys").json()["keys"]] == [new, old]


def test_the_revocations_since_a_time_are_paged_and_hold_nothing_personal(resident, grid_worker):
    now = timezone.now()
    Revocation.objects.create(ref="old", colour="y", at=now - dt.timedelta(hours=1))
    for i in range(3):
        Revocation.objects.create(ref=f"r{i}", colour="r", at=now + dt.timedelta(seconds=i))
    api = Api(grid_worker)
    first = api.get("/gates/revocations", since=(now - dt.timedelta(minutes=5)).isoformat(), limit=2).json()
    assert [r["ref"] for r in first["items"]] == ["r0", "r1"]
    assert set(first["items"][0]) == {"ref", "colour", "at", "at_unix"}
    second = api.get("/gates/revocations", since=(now - dt.timedelta(minutes=5)).isoformat(), limit=2,
                     cursor=first["next_cursor"]).json()
    assert [r["ref"] for r in second["items"]] == ["r2"] and second["next_cursor"] is None
    assert len(api.get("/gates/revocations").json()["items"]) == 4


def test_a_bad_since_or_cursor_is_422_with_a_code(db, grid_worker):
    api = Api(grid_worker)
    assert api.get("/gates/revocations", since="yesterday").status_code == 422
    response = api.get("/gates/revocations", cursor="forged")
    assert (response.status_code, response.json()["code"]) == (422, "cursor_invalid")


def test_a_resident_account_may_not_sync_the_revocations(db):
    from wangge.accounts.models import Role
    from wangge.core.testing.factories import make_user

    response = Api(make_user("res", Role.RESIDENT, [])).get("/gates/revocations")
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
