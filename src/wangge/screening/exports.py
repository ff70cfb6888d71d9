"""The missing-households export of a campaign: the households of an area not yet covered on a day.

``missing_households(user=..., params={"campaign": id, "within": prefix, "date": iso})`` is the
export's spec (``exports.audited.ExportSpec``), streamed by the page or written by the worker.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from wangge.core.codes import grid_code_of
from wangge.core.exports import keyset_chunks, read_ahead
from wangge.exports.audited import ExportSpec
from wangge.screening import selectors
from wangge.screening.models import Visit

# Lazy: the file is written in the language of the request (str() when written).
MISSING_HEADERS = [_("网格"), _("楼栋"), _("单元"), _("门牌号"), _("地址"), _("户编码"), _("今日情况")]
MISSING_FIELDS = ("unit__building__grid__name", "unit__building__name", "unit__name", "door_number", "address",
                  "attempt")


def missing_export_rows(queryset) -> Iterator[tuple]:
    """Rows for ``MISSING_HEADERS``, read in keyset chunks of (grid_code, code) as tuples."""
    labels = {k: str(v) for k, v in Visit.Outcome.choices}
    not_tried = str(_("未排查"))
    for chunk in read_ahead(lambda: keyset_chunks(queryset, MISSING_FIELDS, keys=("grid_code", "code"))):
        for _grid_code, code, grid, building, unit, door, address, attempt in chunk:
            yield grid, building, unit, door, address, code, labels.get(attempt, not_tried)


def missing_households(*, user, params: dict[str, str]) -> ExportSpec:
    campaign = selectors.campaign_in_reach(user=user, pk=params.get("campaign"))
    filters, _errors = selectors.AreaFilters.from_query(params)
    prefix = selectors.area_in_campaign(user=user, campaign=campaign, within=filters.within)
    date = filters.day()
    qs = selectors.missing_queryset(user=user, campaign=campaign, prefix=prefix, date=date)
    return ExportSpec(
        object_type="screening.visit", grid_code=grid_code_of(prefix),
        filters={"campaign": campaign.pk, "within": prefix, "date": date.isoformat()},
        filename=f"未排查户_{campaign.name}_{date.isoformat()}.xlsx", headers=MISSING_HEADERS,
        rows=lambda: missing_export_rows(qs), queryset=qs,
    )
