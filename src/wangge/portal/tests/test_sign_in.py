"""Signing in with a phone and a one-time code: codes, limits, no enumeration, and the account."""

import datetime as dt
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from wangge.accounts.models import ApiToken, OneTimeCode, Role, User
from wangge.accounts.services import otp_consume, otp_issue
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.errors import RateLimited, ValidationFailed
from wangge.core.testing import Api
from wangge.messaging.models import OutboxMessage
from wangge.portal import services

from .conftest import PARENT_PHONE

STRANGER_PHONE = "13900000000"  # nobody is registered under it


def _actor(ip="10.0.0.1"):
    return Actor(user=None, ip_address=ip)


def _code_sent_to(phone):
    return re.search(r"\d{6}", OutboxMessage.objects.filter(recipient=phone).latest("id").text).group()


# --- the code ---------------------------------------------------------------------------------------


def test_a_code_is_six_random_digits_stored_only_as_a_hash(db):
    code = otp_issue(phone=PARENT_PHONE)
    row = OneTimeCode.objects.get()
    assert re.fullmatch(r"\d{6}", code)
    assert code not in row.code_hash and len(row.code_hash) == 64


def test_the_same_code_for_another_phone_hashes_differently(db):
    otp_issue(phone=PARENT_PHONE)
    first = OneTimeCode.objects.get().code_hash
    from wangge.accounts.services import otp_hash

    assert otp_hash("13911119999", "000000") != otp_hash(PARENT_PHONE, "000000")
    assert first != otp_hash("13911119999", "000000")


def test_a_code_works_once(db):
    code = otp_issue(phone=PARENT_PHONE)
    assert otp_consume(phone=PARENT_PHONE, code=code)
    assert not otp_consume(phone=PARENT_PHONE, code=code)


def test_a_code_expires_after_five_minutes(db):
    code = otp_issue(phone=PARENT_PHONE)
    later = timezone.now() + dt.timedelta(minutes=5, seconds=1)
    assert not otp_consume(phone=PARENT_PHONE, code=code, now=later)


def test_a_code_works_just_before_it_expires(db):
    code = otp_issue(phone=PARENT_PHONE)
    assert otp_consume(phone=PARENT_PHONE, code=code, now=timezone.now() + dt.timedelta(minutes=4, seconds=50))


def test_a_new_code_retires_the_one_before(db):
    old = otp_issue(phone=PARENT_PHONE)
    new = otp_issue(phone=PARENT_PHONE)
    if old != new:
        assert not otp_consume(phone=PARENT_PHONE, code=old)
    assert otp_consume(phone=PARENT_PHONE, code=new)


def test_a_code_is_burnt_after_five_wrong_guesses(db):
    code = otp_issue(phone=PARENT_PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert not otp_consume(phone=PARENT_PHONE, code=wrong)
    assert not otp_consume(phone=PARENT_PHONE, code=code)


def test_a_code_is_bound_to_its_phone(db):
    code = otp_issue(phone=PARENT_PHONE)
    assert not otp_consume(phone="13911119999", code=code)


# --- sending: no enumeration, limits ----------------------------------------------------------------


def test_a_registered_phone_receives_a_code_through_the_outbox(family):
    services.sign_in_code_send(actor=_actor(), phone=PARENT_PHONE)
    message = OutboxMessage.objects.get()
    assert message.recipient == PARENT_PHONE and message.purpose == "sign_in"
    assert re.search(r"\d{6}", message.text)


def test_a_phone_without_a_resident_gets_the_same_answer_and_no_code(family):
    assert services.sign_in_code_send(actor=_actor(), phone=STRANGER_PHONE) is None
    assert not OutboxMessage.objects.exists() and not OneTimeCode.objects.exists()


def test_the_api_answers_the_same_for_a_stranger_and_a_resident(family):
    known = Api().post("/auth/otp", {"phone": PARENT_PHONE})
    unknown = Api().post("/auth/otp", {"phone": STRANGER_PHONE})
    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json()


def test_a_malformed_phone_is_refused_with_a_code(db):
    with pytest.raises(ValidationFailed) as exc:
        services.sign_in_code_send(actor=_actor(), phone="12345")
    assert exc.value.code == "phone_invalid"


def test_a_phone_with_spaces_and_country_code_is_read(family):
    services.sign_in_code_send(actor=_actor(), phone="+86 139 1111 0001")
    assert OutboxMessage.objects.get().recipient == PARENT_PHONE


@override_settings(WANGGE_THROTTLE_OTP_SEND_PHONE=(3, 3600))
def test_sending_is_limited_per_phone(family):
    for n in range(3):
        services.sign_in_code_send(actor=_actor(f"10.0.0.{n}"), phone=PARENT_PHONE)
    with pytest.raises(RateLimited) as exc:
        services.sign_in_code_send(actor=_actor("10.0.0.9"), phone=PARENT_PHONE)
    assert exc.value.code == "otp_rate_limited"


@override_settings(WANGGE_THROTTLE_OTP_SEND_PHONE=(3, 3600))
def test_a_stranger_phone_is_limited_exactly_like_a_registered_one(family):
    for n in range(3):
        services.sign_in_code_send(actor=_actor(f"10.0.1.{n}"), phone=STRANGER_PHONE)
    with pytest.raises(RateLimited):
        services.sign_in_code_send(actor=_actor("10.0.1.9"), phone=STRANGER_PHONE)


@override_settings(WANGGE_THROTTLE_OTP_SEND_ADDRESS=(3, 3600))
def test_sending_is_limited_per_address(family):
    for n in range(3):
        services.sign_in_code_send(actor=_actor(), phone=f"1391111{n:04d}")
    with pytest.raises(RateLimited):
        services.sign_in_code_send(actor=_actor(), phone="13911118888")


@override_settings(WANGGE_THROTTLE_OTP_SEND_ADDRESS=(1, 3600))
def test_the_api_says_429_with_its_code_when_limited(family):
    Api(REMOTE_ADDR="10.9.9.9").post("/auth/otp", {"phone": PARENT_PHONE})
    response = Api(REMOTE_ADDR="10.9.9.9").post("/auth/otp", {"phone": PARENT_PHONE})
    assert response.status_code == 429 and response.json()["code"] == "otp_rate_limited"


# --- verifying ------------------------------------------------------------------------------------


def test_the_first_sign_in_creates_the_resident_account(family):
    services.sign_in_code_send(actor=_actor(), phone=PARENT_PHONE)
    user = services.sign_in_verify(actor=_actor(), phone=PARENT_PHONE, code=_code_sent_to(PARENT_PHONE))
    assert user.role == Role.RESIDENT and user.phone == PARENT_PHONE
    assert PARENT_PHONE not in user.username and not user.has_usable_password()
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="accounts.user",
                                     object_id=str(user.pk)).exists()


def test_a_second_sign_in_finds_the_same_account(family):
    for _ in range(2):
        services.sign_in_code_send(actor=_actor(), phone=PARENT_PHONE)
        services.sign_in_verify(actor=_actor(), phone=PARENT_PHONE, code=_code_sent_to(PARENT_PHONE))
    assert User.objects.filter(role=Role.RESIDENT).count() == 1


def test_a_wrong_code_is_refused_with_a_code_and_audited(family):
    services.sign_in_code_send(actor=_actor(), phone=PARENT_PHONE)
    code = _code_sent_to(PARENT_PHONE)
    with pytest.raises(ValidationFailed) as exc:
        services.sign_in_verify(actor=_actor(), phone=PARENT_PHONE, code="000000" if code != "000000" else "111111")
    assert exc.value.code == "otp_invalid"
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 1
    assert OneTimeCode.objects.get().failed_attempts == 1  # the count is kept though the attempt failed


def test_a_stranger_phone_cannot_sign_in_whatever_the_code(family):
    with pytest.raises(ValidationFailed) as exc:
        services.sign_in_verify(actor=_actor(), phone=STRANGER_PHONE, code="123456")
    assert exc.value.code == "otp_invalid"
    assert not User.objects.filter(role=Role.RESIDENT).exists()


@override_settings(WANGGE_THROTTLE_OTP_VERIFY_PHONE=(3, 3600))
def test_wrong_codes_are_limited_per_phone_even_the_right_one_after(family):
    services.sign_in_code_send(actor=_actor(), phone=PARENT_PHONE)
    code = _code_sent_to(PARENT_PHONE)
    for n in range(3):
        with pytest.raises(ValidationFailed):
            services.sign_in_verify(actor=_actor(f"10.0.2.{n}"), phone=PARENT_PHONE, code="abcdef")
    with pytest.raises(RateLimited):
        services.sign_in_verify(actor=_actor("10.0.2.9"), phone=PARENT_PHONE, code=code)


@override_settings(WANGGE_THROTTLE_OTP_VERIFY_ADDRESS=(3, 3600))
def test_wrong_codes_are_limited_per_address_across_phones(family):
    for n in range(3):
        with pytest.raises(ValidationFailed):
            services.sign_in_verify(actor=_actor(), phone=f"1391111{n:04d}", code="123456")
    with pytest.raises(RateLimited):
        services.sign_in_verify(actor=_actor(), phone="13911118888", code="123456")


def test_the_api_exchanges_a_code_for_a_bearer_token_that_expires(family):
    Api().post("/auth/otp", {"phone": PARENT_PHONE})
    response = Api().post("/auth/otp/verify", {"phone": PARENT_PHONE, "code": _code_sent_to(PARENT_PHONE)})
    assert response.status_code == 200
    token = response.json()["token"]
    stored = ApiToken.objects.get(user__phone=PARENT_PHONE)
    assert stored.expires_at is not None and stored.expires_at > timezone.now() + dt.timedelta(days=29)
    me = Client().get("/api/v1/me/household", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["households"]


def test_the_api_refuses_a_wrong_code_in_english_when_asked(family):
    response = Api(HTTP_ACCEPT_LANGUAGE="en").post("/auth/otp/verify", {"phone": PARENT_PHONE, "code": "123456"})
    assert response.status_code == 422 and response.json()["code"] == "otp_invalid"


# --- the pages ------------------------------------------------------------------------------------


def test_signing_in_on_the_page_lands_on_my_page(family):
    client = Client()
    response = client.post(reverse("portal:sign_in"), {"phone": PARENT_PHONE})
    assert response.status_code == 200 and 'name="code"' in response.content.decode()
    response = client.post(reverse("portal:sign_in"), {"action": "verify", "phone": PARENT_PHONE,
                                                       "code": _code_sent_to(PARENT_PHONE)})
    assert response.status_code == 302 and response["Location"] == reverse("portal:me")
    assert "李小明" in client.get(reverse("portal:me")).content.decode()


def test_a_stranger_sees_the_same_code_form(family):
    known = Client().post(reverse("portal:sign_in"), {"phone": PARENT_PHONE}).content.decode()
    unknown = Client().post(reverse("portal:sign_in"), {"phone": STRANGER_PHONE}).content.decode()
    strip = lambda text: re.sub(r"csrfmiddlewaretoken\" value=\"[^\"]+\"|1391111000\d|13900000000|" # noqa: E731
                                r"X-CSRFToken\": \"[^\"]+\"|139\*\*\*\*\d{4}", "", text)
    assert strip(known) == strip(unknown)


def test_a_wrong_code_on_the_page_is_422_with_the_message(family):
    response = Client().post(reverse("portal:sign_in"), {"action": "verify", "phone": PARENT_PHONE, "code": "1"})
    assert response.status_code == 422 and "验证码错误或已失效" in response.content.decode()


def test_a_resident_is_sent_from_the_home_page_to_my_page(parent_account):
    from wangge.core.testing import login

    response = login(parent_account).get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:me")


@pytest.mark.parametrize("page", ["people:resident_list", "alerts:inbox", "screening:my_today", "core:overview"])
def test_staff_pages_refuse_a_resident_with_the_403_page(parent_account, page):
    from wangge.core.testing import login

    response = login(parent_account).get(reverse(page))
    assert response.status_code == 403
    assert 'data-testid="error-403"' in response.content.decode()


def test_anonymous_visitors_of_my_page_are_sent_to_the_phone_sign_in(db):
    response = Client().get(reverse("portal:me"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:sign_in"))
