"""The untested list's export (应检未检名单), through the one export mechanism: the page streams it,
or the worker writes it when it is too big for one request."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from wangge.core.exports import keyset_chunks, rows_by
from wangge.exports.audited import ExportSpec
from wangge.grid.models import Household, Unit
from wangge.people.idcard import bulk_maskers
from wangge.testing import selectors
from wangge.testing.models import Exemption

UNTESTED_HEADERS = [_("居民编号"), _("姓名"), _("证件号码"), _("手机号"), _("网格代码"), _("楼栋"), _("单元"),
                    _("门牌号"), _("备注")]


def _rows(rnd, queryset) -> Iterator[tuple]:
    """Rows in keyset chunks of tuples; each chunk's households, units and exemptions in one query each."""
    mask_id_number, mask_phone = bulk_maskers()
    bedridden = str(Exemption.Kind.BEDRIDDEN.label)
    fields = ("name", "id_number", "id_type", "phone", "household_id")
    for chunk in keyset_chunks(queryset, fields):
        households = {h[0]: h[1:] for h in rows_by(Household, "id", list({r[6] for r in chunk}),
                                                   ("door_number", "unit_id"))}
        units = {u[0]: u[1:] for u in Unit.objects.filter(pk__in={h[1] for h in households.values()})
                 .values_list("pk", "name", "building__name")}
        exempt = selectors.exemptions_by_resident(rnd, [r[1] for r in chunk])
        for grid_code, pk, name, id_number, id_type, phone, household in chunk:
            door, unit_id = households[household]
            unit, building = units[unit_id]
            note = bedridden if getattr(exempt.get(pk), "kind", "") == Exemption.Kind.BEDRIDDEN else ""
            yield (pk, name, mask_id_number(id_number, id_type), mask_phone(phone), grid_code, building, unit, door,
                   note)


def untested(*, user, params) -> ExportSpec:
    """The export spec of ``untested`` for ``params`` (``round``, ``building``); NotFound outside the reach."""
    rnd = selectors.round_in_reach(user=user, pk=params.get("round"))
    filters, _errors = selectors.UntestedFilters.from_query(params)
    qs = selectors.untested_queryset(user=user, rnd=rnd, filters=filters)
    return ExportSpec(object_type="testing.untested", grid_code=rnd.grid_code,
                      filters={"round": rnd.pk, **filters.audit_dump()}, filename=f"应检未检-{rnd.name}.xlsx",
                      headers=UNTESTED_HEADERS, rows=lambda: _rows(rnd, qs), queryset=qs)
