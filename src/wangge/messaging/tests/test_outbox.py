"""The built-in adapter writes to the log and the outbox; only a superuser reads the outbox."""

import pytest
from django.test import override_settings
from django.urls import reverse

from wangge.accounts.models import Role
from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import login
from wangge.core.testing.factories import make_outbox_message, make_user
from wangge.messaging import services
from wangge.messaging.adapters import Adapter
from wangge.messaging.models import OutboxMessage

SENT = []


class RecordingAdapter(Adapter):
    """A province's gateway, as the interface sees it."""

    def send(self, message):
        SENT.append(message)


def test_the_built_in_adapter_writes_the_outbox_and_the_log(db, caplog):
    services.send(recipient="13911112222", text="【网格】您好", purpose="notice")
    message = OutboxMessage.objects.get()
    assert (message.recipient, message.text, message.purpose) == ("13911112222", "【网格】您好", "notice")
    assert "139****2222" in caplog.text and "13911112222" not in caplog.text


@override_settings(WANGGE_MESSAGING_ADAPTER="wangge.messaging.tests.test_outbox.RecordingAdapter")
def test_the_setting_names_the_adapter(db):
    SENT.clear()
    services.send(recipient="13911112222", text="hello", purpose="sign_in")
    assert [(m.recipient, m.text, m.purpose) for m in SENT] == [("13911112222", "hello", "sign_in")]
    assert not OutboxMessage.objects.exists()


def test_a_superuser_reads_the_outbox_and_the_read_is_audited(db):
    admin = make_user("root", Role.COMMAND, [])
    admin.is_superuser = True
    admin.save()
    make_outbox_message(text="【网格】您的登录验证码是 123456")
    response = login(admin).get(reverse("messaging:outbox"))
    assert response.status_code == 200 and "123456" in response.content.decode()
    assert AuditEntry.objects.filter(actor=admin, action=AuditAction.VIEW, object_type="messaging.outbox").exists()


@pytest.mark.parametrize("role", [Role.COMMAND, Role.AUDITOR, Role.RESIDENT])
def test_nobody_else_reads_the_outbox(db, role):
    make_outbox_message(text="【网格】您的登录验证码是 123456")
    response = login(make_user(f"u_{role}", role, [])).get(reverse("messaging:outbox"))
    assert response.status_code == 403 and "123456" not in response.content.decode()
