"""Reading the outbox: a superuser's page on a closed network (the codes are in it)."""

from __future__ import annotations

from django.db.models import QuerySet

from wangge.accounts.permissions import require
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.messaging.models import OutboxMessage


def outbox_queryset(*, actor: Actor) -> QuerySet[OutboxMessage]:
    """The outbox, newest first; opening it is audited (it holds phone numbers and sign-in codes)."""
    require(actor.user, "messaging.outbox.view")
    audit.record(actor=actor, action=AuditAction.VIEW, object_type="messaging.outbox", object_repr="发件箱")
    return OutboxMessage.objects.order_by("-created_at", "-id")
