"""The audit log in words: what kind of record an entry is about, which field, through which
channel, and where to open the record.

An entry stores codes (``people.resident``, ``id_number``, ``web``) so that it can be searched and
never changes meaning; a reader sees the models' own ``verbose_name`` for them (the Chinese term
each model already carries, English in the English interface).  Audit knows no domain app: names
come from Django's app registry, and links are page URL names, resolved at render time.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# Channels an entry comes through (``audit.context.Actor.channel``).
CHANNELS = {
    "web": _("网页"),
    "api": _("接口"),
    "cli": _("命令行"),
    "task": _("后台任务"),
    "link": _("居民申报链接"),
    "admin": _("管理后台"),
}

# Audited things that are not a model (an export of a computed list, the demo city).
OTHER_OBJECT_TYPES = {
    "health.gap_list": _("闭环事项清单"),
    "health.four_category_table": _("四类人员日报"),
    "demo.city": _("演示数据"),
}

# Fields an entry names that are not columns of its model.
OTHER_FIELDS = {
    "epidemic_status": _("疫情状态"),
    "severity": _("病情"),
    "rows": _("行数"),
    "filters": _("筛选条件"),
    "purpose": _("用途"),
    "purpose_note": _("用途说明"),
    "exposures": _("可能暴露人员"),
    "chain": _("传播链"),
}

# Where a record of each type opens: (page URL name, the action that may see it).  A type not
# listed has no page of its own to open.
OBJECT_PAGES = {
    "people.resident": ("people:resident_detail", "people.view"),
    "grid.household": ("grid:household", "people.view"),
    "screening.campaign": ("screening:campaign", "screening.view"),
    "tracing.investigation": ("tracing:investigation_detail", "tracing.view"),
    "quarantine.quarantineorder": ("quarantine:order_detail", "quarantine.view"),
    "quarantine.site": ("quarantine:site_detail", "quarantine.view"),
    "transfer.transferorder": ("transfer:detail", "transfer.view"),
}


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """``people.resident`` -> 居民; a type nobody names stays as it was stored."""
    if object_type in OTHER_OBJECT_TYPES:
        return str(OTHER_OBJECT_TYPES[object_type])
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def field_label(object_type: str, field: str) -> str:
    """``id_number`` of a resident -> 证件号码 (the model field's ``verbose_name``)."""
    if not field:
        return ""
    model = _model(object_type)
    if model is not None:
        try:
            found = model._meta.get_field(field)
        except FieldDoesNotExist:
            pass
        else:
            if getattr(found, "verbose_name", None):
                return str(found.verbose_name)
            if found.related_model is not None:  # a reverse relation: what it holds
                return str(found.related_model._meta.verbose_name_plural)
    return str(OTHER_FIELDS.get(field, field))


def channel_label(channel: str) -> str:
    return str(CHANNELS.get(channel, channel))


def object_url(user, object_type: str, object_id: str) -> str:
    """The record's page, when it has one and ``user``'s role may open it ("" otherwise; a record
    out of reach still answers 404 there, like any other link)."""
    page = OBJECT_PAGES.get(object_type)
    if page is None or not object_id.isdigit() or not user.may(page[1]):
        return ""
    try:
        return reverse(page[0], args=[int(object_id)])
    except NoReverseMatch:
        return ""


def changes_in_words(object_type: str, changes: Any) -> list[tuple[str, str]]:
    """An entry's ``changes`` as (field in words, what changed): ``[old, new]`` as "old → new"."""
    if not isinstance(changes, dict):
        return []
    rows = []
    for key, value in changes.items():
        if isinstance(value, list | tuple) and len(value) == 2:
            text = f"{_blank(value[0])} → {_blank(value[1])}"
        elif isinstance(value, list | tuple):
            text = "、".join(str(v) for v in value)
        elif isinstance(value, dict):
            text = "，".join(f"{field_label(object_type, k)}：{_blank(v)}" for k, v in value.items())
        else:
            text = _blank(value)
        rows.append((field_label(object_type, key), text))
    return rows


def _blank(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def object_type_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every type an entry can be about, grouped by app, in words, for the log's filter."""
    groups = []
    for config in apps.get_app_configs():
        if not config.name.startswith("wangge."):
            continue
        options = [(m._meta.label_lower, str(m._meta.verbose_name)) for m in config.get_models()]
        options += [(code, str(name)) for code, name in OTHER_OBJECT_TYPES.items()
                    if code.split(".")[0] == config.label]
        if options:
            groups.append((str(config.verbose_name), options))
    return groups


def describe(entry, user) -> dict[str, Any]:
    """What the log's row shows for ``entry``, for ``user``."""
    return {
        "object_type_label": object_type_label(entry.object_type),
        "field_label": field_label(entry.object_type, entry.field),
        "channel_label": channel_label(entry.channel),
        "object_url": object_url(user, entry.object_type, entry.object_id),
        "changes": changes_in_words(entry.object_type, _without_purpose(entry)),
    }


def _without_purpose(entry) -> Any:
    # A reveal's purpose is shown in words beside it (``purpose_label``); its code is not repeated.
    if entry.purpose_label and isinstance(entry.changes, dict):
        return {k: v for k, v in entry.changes.items() if k not in ("purpose", "purpose_note")}
    return entry.changes
