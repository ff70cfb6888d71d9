"""Raising and resolving alerts.  Idempotent by ``dedupe_key``, so jobs can run any number of times."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from wangge.alerts.models import Alert, AlertRead


def alert_raise(
    *,
    kind: str,
    role: str,
    grid_code: str,
    title: str,
    dedupe_key: str,
    body: str = "",
    link: str = "",
    object_type: str = "",
    object_id: str = "",
) -> tuple[Alert, bool]:
    """The alert for ``dedupe_key``, created if it did not exist yet; returns (alert, created)."""
    existing = Alert.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=kind,
                role=role,
                grid_code=grid_code,
                title=title[:200],
                body=body[:1000],
                link=link[:300],
                object_type=object_type,
                object_id=str(object_id),
                dedupe_key=dedupe_key[:200],
            )
    except IntegrityError:
        # Another worker raised it at the same moment.
        return Alert.objects.get(dedupe_key=dedupe_key), False
    return alert, True


def alert_resolve(*, dedupe_key: str) -> bool:
    """Mark the alert for ``dedupe_key`` resolved (the condition is gone); True if one was open."""
    return bool(
        Alert.objects.filter(dedupe_key=dedupe_key, resolved_at__isnull=True).update(resolved_at=timezone.now())
    )


def alert_mark_read(*, user, alert: Alert) -> None:
    AlertRead.objects.get_or_create(alert=alert, user=user)


@transaction.atomic
def alert_mark_all_read(*, user, alerts) -> int:
    """Mark every alert of ``alerts`` (an inbox queryset: the user's own, as filtered) read at once;
    returns how many were unread."""
    unread = list(alerts.filter(is_read=False).values_list("pk", flat=True))
    AlertRead.objects.bulk_create([AlertRead(alert_id=pk, user=user) for pk in unread], ignore_conflicts=True,
                                  batch_size=1000)
    return len(unread)


def alert_resolve_for(*, kind: str, object_type: str, object_id) -> int:
    """Resolve every open alert of ``kind`` about one record (the order was released, the test done).

    Services call this when they remove the condition, so the inbox clears at once rather than at
    the next run of the job that raised it.
    """
    return Alert.objects.filter(
        kind=kind, object_type=object_type, object_id=str(object_id), resolved_at__isnull=True
    ).update(resolved_at=timezone.now())


def alert_resolve_except(*, kind: str, keep: Iterable[str], prefix: str = "") -> None:
    """Resolve open alerts of ``kind`` (whose key starts with ``prefix``) not in ``keep``: a deadline
    job's condition no longer holds for them."""
    keep = set(keep)
    qs = Alert.objects.filter(kind=kind, resolved_at__isnull=True)
    if prefix:
        qs = qs.filter(dedupe_key__startswith=prefix)
    for key in list(qs.values_list("dedupe_key", flat=True)):
        if key not in keep:
            alert_resolve(dedupe_key=key)
