from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from wangge.alerts.models import Alert, AlertRead
from wangge.core.errors import NotFound


def inbox(*, user, unread_only: bool = False, include_resolved: bool = False) -> QuerySet[Alert]:
    """Alerts addressed to the user's role inside their reach, newest first, with ``is_read``."""
    qs = Alert.objects.restrict(user)
    if not user.is_superuser:
        qs = qs.filter(role=user.role)
    qs = qs.annotate(is_read=Exists(AlertRead.objects.filter(alert=OuterRef("pk"), user=user)))
    if unread_only:
        qs = qs.filter(is_read=False)
    if not include_resolved:
        qs = qs.filter(resolved_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def alert_in_inbox(*, user, pk: int) -> Alert:
    try:
        return inbox(user=user, include_resolved=True).get(pk=pk)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该预警，或不在您的管辖范围内") from None
