"""One list mechanism: keyset pages over a selector's ordered queryset.

A selector returns the scoped, filtered queryset in a stable order that ends in ``id`` (the
tiebreak that makes the order unique).  The page, the API and the export all take that queryset:
the page and the API through :func:`keyset_page`, the export by streaming the whole of it.  A
headline (how many there are) is an aggregate over the same queryset, never a count of a page.

Keyset pages never count and never skip with OFFSET, so page 10,000 costs what page 1 does, and a
row inserted while someone pages shows up once or not at all, never twice, and pushes nothing out.

A cursor is the ordering key of the row at a page's edge, signed: the client hands it back as
opaque text, and a cursor we did not write (edited, truncated, from another list) is refused with
the code ``cursor_invalid`` rather than decoded into a query.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from wangge.core.errors import ValidationFailed
from wangge.core.inputs import MAX_PAGE_SIZE

# "." keeps a cursor to the characters a URL carries as they are.
_SIGNER = signing.Signer(salt="wangge.core.lists", sep=".")


@dataclass
class Page:
    items: list
    next_cursor: str | None
    has_previous: bool
    prev_cursor: str | None = None


def page_limit(limit: int | None) -> int | None:
    """A client's page size: None (the default) or 1..MAX_PAGE_SIZE, else a coded refusal."""
    if limit is None:
        return None
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed(
            _("每页条数应在 1 到 %(MAX_LIMIT)s 之间") % {"MAX_LIMIT": MAX_PAGE_SIZE},
            code="page_size_out_of_range",
            errors={"limit": _("超出范围")},
        )
    return limit


def page_size_param(text: str | None) -> int | None:
    """A page's ``size`` query parameter (text) as a page size; bad text is the same coded refusal."""
    if not text:
        return None
    try:
        return page_limit(int(text))
    except ValueError:
        return page_limit(0)


def cursor_invalid() -> ValidationFailed:
    return ValidationFailed(
        _("翻页位置无效，请从第一页重新开始"), code="cursor_invalid", errors={"cursor": _("无效")},
    )


def ordering_key(qs: QuerySet) -> list[tuple[str, bool]]:
    """The queryset's ordering as (field, descending) pairs; it must end in the id tiebreak."""
    fields = list(qs.query.order_by)
    if not fields or fields[-1].lstrip("-") not in ("id", "pk"):
        raise ValueError(f"keyset order must end in id: {fields!r}")
    return [(f.lstrip("-"), f.startswith("-")) for f in fields]


def _value_of(obj, field: str):
    for part in field.split("__"):
        obj = getattr(obj, part)
    return obj.pk if hasattr(obj, "_meta") else obj


def _field(qs: QuerySet, path: str):
    """The model field (or, for an annotated rank, the annotation's output field) a key names."""
    if path in qs.query.annotations:
        return qs.query.annotations[path].output_field
    model = qs.model
    for part in path.split("__")[:-1]:
        model = model._meta.get_field(part).related_model
    name = path.split("__")[-1]
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def encode_cursor(direction: str, values: list) -> str:
    return _SIGNER.sign_object([direction, [v.isoformat() if hasattr(v, "isoformat") else v for v in values]])


def decode_cursor(qs: QuerySet, cursor: str) -> tuple[str, list]:
    """(direction, key values) from a cursor we wrote for this ordering; anything else is refused."""
    key = ordering_key(qs)
    try:
        direction, raw = _SIGNER.unsign_object(cursor)
        if direction not in ("after", "before") or len(raw) != len(key):
            raise cursor_invalid()
        values = [_field(qs, f).to_python(v) for (f, _desc), v in zip(key, raw, strict=True)]
    except (signing.BadSignature, ValueError, TypeError, ValidationError, FieldDoesNotExist):
        raise cursor_invalid() from None
    return direction, values


def _beyond(key: list[tuple[str, bool]], values: list, *, forward: bool) -> Q:
    """Rows strictly beyond ``values`` in the key's order (forward) or before them (backward)."""
    terms = []
    for i, (field, desc) in enumerate(key):
        later = "lt" if desc == forward else "gt"
        equal = {f: v for (f, _d), v in zip(key[:i], values[:i], strict=True)}
        terms.append(Q(**equal, **{f"{field}__{later}": values[i]}))
    return reduce(or_, terms)


def _start(key, values, *, forward: bool) -> dict:
    # The plain bound on the first key is what lets the database start the index scan at the
    # cursor; the OR alone is only a filter, and a deep page would walk the index from its start.
    field, desc = key[0]
    return {f"{field}__{'lte' if desc == forward else 'gte'}": values[0]}


def keyset_page(qs: QuerySet, *, cursor: str = "", limit: int | None = None) -> Page:
    """One page of an ordered queryset (order ending in ``id``), after or before ``cursor``."""
    limit = limit or settings.WANGGE_PAGE_SIZE
    key = ordering_key(qs)
    forward, position = True, None
    if cursor:
        direction, position = decode_cursor(qs, cursor)
        forward = direction == "after"
    page_qs = qs
    if position is not None:
        page_qs = qs.filter(**_start(key, position, forward=forward)).filter(
            _beyond(key, position, forward=forward))
    if not forward:
        page_qs = page_qs.reverse()
    rows = list(page_qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not forward:
        rows.reverse()

    def edge(obj, direction):
        return encode_cursor(direction, [_value_of(obj, f) for f, _d in key])

    has_after = more if forward else position is not None
    has_before = position is not None if forward else more
    return Page(
        items=rows,
        next_cursor=edge(rows[-1], "after") if rows and has_after else None,
        has_previous=bool(rows) and has_before,
        prev_cursor=edge(rows[0], "before") if rows and has_before else None,
    )


def walk(qs: QuerySet, *, chunk: int = 2000):
    """Every row of an ordered queryset, fetched a keyset page at a time (for exports and jobs):
    memory stays at one chunk however long the list, and nothing is cut."""
    cursor = ""
    while True:
        page = keyset_page(qs, cursor=cursor, limit=chunk)
        yield from page.items
        if not page.next_cursor:
            return
        cursor = page.next_cursor


def request_page(request, qs: QuerySet, *, limit: int | None = None) -> Page:
    """The page a page view shows for ``?cursor=…&size=…``.

    A person following a stale or edited link gets the first page and a message saying so (the
    API answers the same cursor with the coded 422)."""
    from django.contrib import messages

    try:
        size = page_size_param(request.GET.get("size")) or limit
    except ValidationFailed as exc:
        messages.warning(request, exc.message)
        size = limit
    try:
        return keyset_page(qs, cursor=request.GET.get("cursor", ""), limit=size)
    except ValidationFailed as exc:
        messages.warning(request, exc.message)
        return keyset_page(qs, limit=size)


def pager_urls(request, page: Page, *, path: str | None = None, params: dict[str, str] | None = None) -> dict[str, str]:
    """The links of the one pager partial (``core/_pager.html``), keeping every other parameter;
    ``params`` set ones the page chose itself (a gap list's opening tab), so the next page is of the
    same list."""
    query = request.GET.copy()
    query.pop("cursor", None)
    for name, value in (params or {}).items():
        query[name] = value
    base = path or request.path

    def url(cursor=None):
        q = query.copy()
        if cursor:
            q["cursor"] = cursor
        text = q.urlencode()
        return f"{base}?{text}" if text else base

    return {
        "next_url": url(page.next_cursor) if page.next_cursor else "",
        "prev_url": url(page.prev_cursor) if page.prev_cursor else "",
        "first_url": url() if page.has_previous else "",
    }
