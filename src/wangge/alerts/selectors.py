from __future__ import annotations

from typing import ClassVar, Literal

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.alerts.models import Alert, AlertKind, AlertRead
from wangge.core.errors import NotFound
from wangge.core.filters import Filters


class AlertFilters(Filters):
    """The inbox's filters: the page, its export and the API (``GET /alerts``)."""

    kind: Literal[("", *AlertKind.values)] = ""
    unread_only: bool = False
    include_resolved: bool = False

    labels: ClassVar = {"kind": gettext_lazy("类型"), "unread_only": gettext_lazy("只看未读"),
                        "include_resolved": gettext_lazy("显示已解除")}


def inbox(*, user, filters: AlertFilters | None = None) -> QuerySet[Alert]:
    """Alerts addressed to the user's role inside their reach, newest first, with ``is_read``."""
    filters = filters or AlertFilters()
    qs = Alert.objects.restrict(user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if not user.is_superuser:
        qs = qs.filter(role=user.role)
    qs = qs.annotate(is_read=Exists(AlertRead.objects.filter(alert=OuterRef("pk"), user=user)))
    if filters.unread_only:
        qs = qs.filter(is_read=False)
    if not filters.include_resolved:
        qs = qs.filter(resolved_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def alert_in_inbox(*, user, pk: int) -> Alert:
    try:
        return inbox(user=user, filters=AlertFilters(include_resolved=True)).get(pk=pk)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该预警，或不在您的管辖范围内")) from None


def inbox_list(*, user, filters: AlertFilters | None = None) -> QuerySet[Alert]:
    """The inbox, unread first, then newest first, ending in id (a keyset order the page pages)."""
    qs = inbox(user=user, filters=filters)
    return qs.order_by("is_read", "-created_at", "-id")


INBOX_EXPORT_HEADERS = [  # lazy: the file is written in the language of the request
    gettext_lazy("预警编号"), gettext_lazy("类型"), gettext_lazy("标题"), gettext_lazy("内容"),
    gettext_lazy("网格代码"), gettext_lazy("产生时间"), gettext_lazy("已读"), gettext_lazy("解除时间"),
]


def inbox_export_rows(*, user, filters: AlertFilters | None = None):
    """Rows for the Excel download of the inbox: the page's alerts in the page's order, without its cap."""
    qs = inbox(user=user, filters=filters).order_by("is_read", "-created_at", "-id")
    for a in qs.iterator(chunk_size=2000):
        yield (
            a.pk, a.get_kind_display(), a.title, a.body, a.grid_code, a.created_at, "是" if a.is_read else "",
            a.resolved_at,
        )


def unread_count(*, user) -> int:
    """Unread open alerts, counted up to 100 (the badge shows "99+")."""
    return inbox(user=user, filters=AlertFilters(unread_only=True)).values("pk")[:100].count()
