"""API of the alert inbox: the caller's alerts (their role, their reach) and marking one read."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from wangge.alerts import selectors, services
from wangge.core.api import READ_ERRORS, WRITE_ERRORS, page_limit
from wangge.core.inputs import Id, PageSize
from wangge.core.lists import keyset_page

router = Router(tags=["预警"])


class AlertOut(Schema):
    id: int
    kind: str
    kind_name: str
    role: str
    grid_code: str
    title: str
    body: str
    link: str
    object_type: str
    object_id: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None = None
    is_read: bool


class AlertPage(Schema):
    items: list[AlertOut]
    next_cursor: str | None = None


class AlertQuery(selectors.AlertFilters):
    cursor: str = ""  # the next_cursor of the previous page
    limit: PageSize = None


def alert_out(a) -> dict:
    return {"id": a.pk, "kind": a.kind, "kind_name": str(a.get_kind_display()), "role": a.role,
            "grid_code": a.grid_code, "title": a.title, "body": a.body, "link": a.link,
            "object_type": a.object_type, "object_id": a.object_id, "created_at": a.created_at,
            "resolved_at": a.resolved_at, "is_read": bool(a.is_read)}


@router.get("/alerts", response={200: AlertPage, **READ_ERRORS}, summary="预警收件箱（新到旧，游标分页）")
def list_alerts(request: HttpRequest, query: Query[AlertQuery]):
    qs = selectors.inbox(user=request.auth, filters=query).order_by("-id")
    page = keyset_page(qs, cursor=query.cursor, limit=page_limit(query.limit) or 50)
    return {"items": [alert_out(a) for a in page.items], "next_cursor": page.next_cursor}


@router.post("/alerts/{alert_id}/read", response={200: AlertOut, **WRITE_ERRORS}, summary="标为已读")
def read_alert(request: HttpRequest, alert_id: Id):
    alert = selectors.alert_in_inbox(user=request.auth, pk=alert_id)
    services.alert_mark_read(user=request.auth, alert=alert)
    alert.is_read = True
    return alert_out(alert)
