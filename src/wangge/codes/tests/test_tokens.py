"""Phone codes: a signed token verifies; a forged, re-keyed, expired or malformed one is refused
with its code; keys are generated on first use, encrypted at rest and rotated."""

import base64
import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import override_settings
from django.utils import timezone

from wangge.codes import keys, services
from wangge.codes.models import HealthCode, SigningKey
from wangge.core.errors import ValidationFailed
from wangge.core.testing.factories import put_in


def _refused(token, **kw) -> str:
    with pytest.raises(ValidationFailed) as refused:
        services.verify_token(token, **kw)
    return refused.value.code


def _parts(token):
    prefix, payload, signature = token.split(".")
    return prefix, json.loads(keys.b64url_decode(payload)), signature


def _with_payload(token, **changes):
    prefix, payload, signature = _parts(token)
    payload.update(changes)
    body = keys.b64url(json.dumps(payload, separators=(",", ":")).encode())
    return f"{prefix}.{body}.{signature}"


def test_an_issued_token_verifies_with_the_residents_reference_and_colour(resident):
    issued = services.issue_token(resident)
    verified = services.verify_token(issued.token)
    ref = HealthCode.objects.get(resident=resident).ref
    assert (verified.ref, verified.colour, verified.key_id) == (ref, "g", issued.key_id)
    assert verified.expires - verified.issued == dt.timedelta(seconds=300)


def test_the_token_is_in_the_agreed_format_and_carries_no_id_number(resident):
    token = services.issue_token(resident).token
    prefix, payload, signature = _parts(token)
    assert prefix == "WG1" and sorted(payload) == ["c", "e", "i", "k", "r"]
    assert len(keys.b64url_decode(signature)) == 64  # raw r || s, as WebCrypto takes it
    assert resident.id_number not in token and str(resident.pk) != payload["r"]
    assert "=" not in token


def test_the_token_carries_the_colour_now(resident):
    put_in(resident, "close_contact")
    assert _parts(services.issue_token(resident).token)[1]["c"] == "y"


@override_settings(WANGGE_CODE_TOKEN_SECONDS=60)
def test_the_lifetime_is_a_setting(resident):
    issued = services.issue_token(resident)
    assert issued.expires - issued.issued == dt.timedelta(seconds=60)


def test_a_token_whose_colour_was_changed_is_forged(resident):
    token = services.issue_token(resident).token
    assert _refused(_with_payload(token, c="g" if _parts(token)[1]["c"] != "g" else "r")) == "code_forged"


def test_a_token_with_a_longer_expiry_is_refused(resident):
    token = services.issue_token(resident).token
    assert _refused(_with_payload(token, e=_parts(token)[1]["e"] + 60)) == "code_forged"
    assert _refused(_with_payload(token, e=_parts(token)[1]["e"] + 86400)) == "code_malformed"


def test_a_token_signed_by_another_key_under_a_published_id_is_forged(resident):
    token = services.issue_token(resident).token
    prefix, payload, _sig = token.split(".")
    other = ec.generate_private_key(ec.SECP256R1())
    forged = f"{prefix}.{payload}.{keys.b64url(keys.sign(other, f'{prefix}.{payload}'.encode()))}"
    assert _refused(forged) == "code_forged"


def test_a_token_naming_an_unknown_key_is_refused(resident):
    token = services.issue_token(resident).token
    assert _refused(_with_payload(token, k="nosuchkey")) == "code_unknown_key"


def test_an_expired_token_is_refused(resident):
    issued = services.issue_token(resident)
    assert _refused(issued.token, now=issued.expires) == "code_expired"
    assert services.verify_token(issued.token, now=issued.expires - dt.timedelta(seconds=1))


@pytest.mark.parametrize("token", [
    "", "WG1", "WG1..", "WG2.e30.AAAA", "WG1.e30.AAAA", "WG1.!!!!.AAAA", "WG1.bnVsbA.AAAA", "x" * 600,
    "WG1." + keys.b64url(b'{"k":"a","r":"b","c":"q","i":1,"e":2}') + ".AAAA",
    "WG1." + keys.b64url(b'{"k":"a","r":"b","c":"g","i":true,"e":2}') + ".AAAA",
    "WG1." + keys.b64url(b"\xff\xfe") + ".AAAA",
])
def test_a_malformed_token_is_refused_as_malformed(db, token):
    assert _refused(token) == "code_malformed"


def test_a_token_issued_in_the_future_is_refused(resident):
    later = timezone.now() + dt.timedelta(minutes=10)
    token = services.issue_token(resident, now=later).token
    assert _refused(token) == "code_malformed"


def test_the_key_is_made_on_first_use_and_kept_encrypted_in_the_database(resident):
    assert not SigningKey.objects.exists()
    services.issue_token(resident)
    key = SigningKey.objects.get()
    assert "ENCRYPTED PRIVATE KEY" in key.private_pem
    services.issue_token(resident)
    assert SigningKey.objects.count() == 1


def test_the_published_jwk_verifies_a_token_as_a_browser_would(resident):
    issued = services.issue_token(resident)
    [jwk] = [k.jwk() for k in keys.jwks()]
    assert (jwk["kid"], jwk["kty"], jwk["crv"], jwk["alg"]) == (issued.key_id, "EC", "P-256", "ES256")
    public = ec.EllipticCurvePublicNumbers(
        int.from_bytes(keys.b64url_decode(jwk["x"]), "big"), int.from_bytes(keys.b64url_decode(jwk["y"]), "big"),
        ec.SECP256R1()).public_key()
    prefix, payload, signature = issued.token.split(".")
    assert keys.verify(public, keys.b64url_decode(signature), f"{prefix}.{payload}".encode())
    spki = keys.jwks()[0].spki
    assert base64.b64decode(spki)[:2] == b"\x30\x59"  # DER SubjectPublicKeyInfo of a P-256 key


def test_after_a_rotation_old_tokens_verify_until_they_expire_and_new_ones_use_the_new_key(resident):
    old = services.issue_token(resident)
    new_key = keys.rotate()
    new = services.issue_token(resident)
    assert new.key_id == new_key.kid != old.key_id
    assert services.verify_token(old.token).key_id == old.key_id
    assert [k.kid for k in keys.jwks()] == [new_key.kid, old.key_id]
    long_after = timezone.now() + keys.token_lifetime() + keys.GRACE + dt.timedelta(seconds=1)
    assert [k.kid for k in keys.jwks(long_after)] == [new_key.kid]
    keys.forget_cache()
    assert _refused(old.token, now=long_after) == "code_unknown_key"


def test_an_old_key_is_replaced_on_its_own(resident):
    first = services.issue_token(resident).key_id
    with override_settings(WANGGE_CODE_KEY_DAYS=1):
        later = timezone.now() + dt.timedelta(days=2)
        assert services.issue_token(resident, now=later).key_id != first
    assert SigningKey.objects.get(kid=first).retired_at is not None


def test_a_key_unreadable_under_a_new_secret_is_replaced(resident):
    first = services.issue_token(resident).key_id
    keys.forget_cache()
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        assert services.issue_token(resident).key_id != first


def test_the_rotation_command_makes_a_new_signing_key(resident):
    from io import StringIO

    from django.core.management import call_command

    old = services.issue_token(resident).key_id
    out = StringIO()
    call_command("rotate_code_key", stdout=out)
    new = SigningKey.objects.get(retired_at__isnull=True).kid
    assert new != old and new in out.getvalue() and old in out.getvalue()
    assert services.issue_token(resident).key_id == new
