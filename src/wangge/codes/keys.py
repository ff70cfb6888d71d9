"""The keys that sign phone codes: ECDSA P-256, generated on first use, kept in the database.

Where the secret lives: ``SigningKey.private_pem``, PKCS#8 PEM encrypted with a password derived
from ``SECRET_KEY`` (so neither the repository nor a database copy alone can sign).  Every web
process and the worker share the one table, so they sign with the same key and publish the same
set.  Changing ``SECRET_KEY`` makes the stored private keys unreadable: the next signature then
generates a new key (old tokens still verify with their public keys until they expire).

Rotation: the newest unretired key signs.  ``rotate()`` (``wangge rotate_code_key``, or
automatically once the key is ``WANGGE_CODE_KEY_DAYS`` old) retires it and makes a new one.  A
retired key stays published and verifies until every token it could have signed has expired
(``retired_at`` + the token lifetime + a minute of grace).

Published form (``GET /api/v1/gates/keys``): a JWK per key, ``{"kid", "kty": "EC", "crv":
"P-256", "x", "y", "alg": "ES256", "use": "sig"}``, which the browser takes as it is with
``crypto.subtle.importKey("jwk", jwk, {name: "ECDSA", namedCurve: "P-256"}, false, ["verify"])``;
each also carries ``spki`` (base64 DER SubjectPublicKeyInfo, for ``importKey("spki", ...)`` or any
other library).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wangge.codes.models import SigningKey

# A retired key verifies this long after the token lifetime (clocks and in-flight requests).
GRACE = dt.timedelta(minutes=1)
# How long a process trusts what it read about a key (whether it is retired) before reading again.
CACHE_SECONDS = 10.0

_lock = threading.Lock()
_private: dict[str, ec.EllipticCurvePrivateKey] = {}
_public: dict[str, tuple[float, ec.EllipticCurvePublicKey | None, dt.datetime | None]] = {}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding (raises ValueError on anything else)."""
    if not isinstance(text, str) or not text or len(text) % 4 == 1:
        raise ValueError("bad base64url")
    if text.strip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"):
        raise ValueError("bad base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WANGGE_CODE_TOKEN_SECONDS)


def _password() -> bytes:
    return hashlib.sha256(b"wangge.codes.signing-key:" + settings.SECRET_KEY.encode()).digest()


def _new_key(now: dt.datetime) -> SigningKey:
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_password()),
    ).decode("ascii")
    spki = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    key = SigningKey.objects.create(kid=b64url(secrets.token_bytes(6)), private_pem=pem,
                                    public_spki=base64.b64encode(spki).decode("ascii"), created_at=now)
    _private[key.kid] = private
    return key


def _load_private(key: SigningKey) -> ec.EllipticCurvePrivateKey | None:
    private = _private.get(key.kid)
    if private is None:
        try:
            loaded = serialization.load_pem_private_key(key.private_pem.encode("ascii"), password=_password())
        except (ValueError, TypeError):
            return None  # SECRET_KEY changed: this key can no longer sign
        if not isinstance(loaded, ec.EllipticCurvePrivateKey):
            return None
        private = _private.setdefault(key.kid, loaded)
    return private


def _verifying_since(now: dt.datetime) -> dt.datetime:
    return now - token_lifetime() - GRACE


def published_keys(now: dt.datetime | None = None) -> list[SigningKey]:
    """The keys gates must hold: the signing one and those retired too recently for their tokens
    to have expired, newest first."""
    now = now or timezone.now()
    return list(SigningKey.objects.filter(Q(retired_at__isnull=True) | Q(retired_at__gt=_verifying_since(now))))


@transaction.atomic
def rotate(now: dt.datetime | None = None) -> SigningKey:
    """Retire the signing key(s) and make a new one; the old ones verify until their tokens expire."""
    now = now or timezone.now()
    list(SigningKey.objects.select_for_update().filter(retired_at__isnull=True))
    SigningKey.objects.filter(retired_at__isnull=True).update(retired_at=now)
    _public.clear()
    return _new_key(now)


def signing_key(now: dt.datetime | None = None) -> tuple[str, ec.EllipticCurvePrivateKey]:
    """The key id and private key to sign with now, generated on first use and replaced when it is
    older than ``WANGGE_CODE_KEY_DAYS`` or can no longer be read."""
    now = now or timezone.now()
    key = SigningKey.objects.filter(retired_at__isnull=True).order_by("-created_at", "-id").first()
    max_age = dt.timedelta(days=settings.WANGGE_CODE_KEY_DAYS)
    if key is not None and key.created_at > now - max_age:
        private = _load_private(key)
        if private is not None:
            return key.kid, private
    with transaction.atomic():
        # Another process may have just rotated: take its key rather than retiring it at once.
        fresh = (SigningKey.objects.select_for_update().filter(retired_at__isnull=True, created_at__gt=now - max_age)
                 .order_by("-created_at", "-id").first())
        if fresh is not None and (private := _load_private(fresh)) is not None:
            return fresh.kid, private
        key = rotate(now)
    return key.kid, _private[key.kid]


def public_key(kid: str, now: dt.datetime | None = None) -> ec.EllipticCurvePublicKey | None:
    """The public key that verifies tokens of ``kid`` now, or None when the id is unknown or the key
    was retired so long ago that none of its tokens can still be valid."""
    now = now or timezone.now()
    clock = time.monotonic()
    cached = _public.get(kid)
    if cached is None or clock - cached[0] > CACHE_SECONDS:
        row = SigningKey.objects.filter(kid=kid).values_list("public_spki", "retired_at").first()
        if row is None:
            cached = (clock, None, None)
        else:
            loaded = serialization.load_der_public_key(base64.b64decode(row[0]))
            assert isinstance(loaded, ec.EllipticCurvePublicKey)
            cached = (clock, loaded, row[1])
        with _lock:
            if len(_public) > 1000:  # forged ids must not grow the cache without end
                _public.clear()
            _public[kid] = cached
    _at, key, retired_at = cached
    if key is None or (retired_at is not None and retired_at <= _verifying_since(now)):
        return None
    return key


def sign(private: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    """ECDSA P-256 / SHA-256 as WebCrypto returns and takes it: raw r || s, 32 bytes each."""
    r, s = decode_dss_signature(private.sign(data, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def verify(public: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> bool:
    if len(signature) != 64:
        return False
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public.verify(der, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True)
class PublishedKey:
    kid: str
    x: str
    y: str
    spki: str
    created_at: dt.datetime
    retired_at: dt.datetime | None

    def jwk(self) -> dict:
        return {"kid": self.kid, "kty": "EC", "crv": "P-256", "x": self.x, "y": self.y, "alg": "ES256", "use": "sig"}


def jwks(now: dt.datetime | None = None) -> list[PublishedKey]:
    """The published keys as JWK coordinates and SPKI, newest first (the signing key first).
    Generates the first key if there is none yet, so a gate can be set up before any code is shown."""
    keys = published_keys(now)
    if not any(k.retired_at is None for k in keys):
        signing_key(now)
        keys = published_keys(now)
    out = []
    for key in keys:
        loaded = serialization.load_der_public_key(base64.b64decode(key.public_spki))
        assert isinstance(loaded, ec.EllipticCurvePublicKey)
        numbers = loaded.public_numbers()
        out.append(PublishedKey(kid=key.kid, x=b64url(numbers.x.to_bytes(32, "big")),
                                y=b64url(numbers.y.to_bytes(32, "big")), spki=key.public_spki,
                                created_at=key.created_at, retired_at=key.retired_at))
    return out


def forget_cache() -> None:
    """Drop what this process remembers of keys (tests; after a rotation elsewhere)."""
    _private.clear()
    _public.clear()
