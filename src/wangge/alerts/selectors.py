from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from wangge.alerts.models import Alert, AlertRead
from wangge.core.errors import NotFound


def inbox(*, user, unread_only: bool = False, include_resolved: bool = False, kind: str = "") -> QuerySet[Alert]:
    """Alerts addressed to the user's role inside their reach, newest first, with ``is_read``."""
    qs = Alert.objects.restrict(user)
    if kind:
        qs = qs.filter(kind=kind)
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
        raise NotFound(_("未找到该预警，或不在您的管辖范围内")) from None


def inbox_list(*, user, kind: str = "", include_resolved: bool = False) -> QuerySet[Alert]:
    """The inbox, unread first, then newest first, ending in id (a keyset order the page pages)."""
    qs = inbox(user=user, kind=kind, include_resolved=include_resolved)
    return qs.order_by("is_read", "-created_at", "-id")


INBOX_EXPORT_HEADERS = ["预警编号", "类型", "标题", "内容", "网格代码", "产生时间", "已读", "解除时间"]


def inbox_export_rows(*, user, kind: str = "", include_resolved: bool = False):
    """Rows for the Excel download of the inbox: the page's alerts in the page's order, without its cap."""
    qs = inbox(user=user, kind=kind, include_resolved=include_resolved).order_by("is_read", "-created_at", "-id")
    for a in qs.iterator(chunk_size=2000):
        yield (
            a.pk, a.get_kind_display(), a.title, a.body, a.grid_code, a.created_at, "是" if a.is_read else "",
            a.resolved_at,
        )


def unread_count(*, user) -> int:
    """Unread open alerts, counted up to 100 (the badge shows "99+")."""
    return inbox(user=user, unread_only=True).values("pk")[:100].count()
