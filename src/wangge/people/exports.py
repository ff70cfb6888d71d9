"""The residents export: the list page's residents, with ID numbers and phones masked.

``residents(user=..., params=request.GET)`` is the export's spec (``exports.audited.ExportSpec``): the
page streams it, or the worker writes it when it is too big for one request (``exports`` app).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from wangge.accounts.services import common_prefix
from wangge.core.exports import keyset_chunks, read_ahead, rows_by
from wangge.exports.audited import ExportSpec
from wangge.grid.models import Household
from wangge.people import selectors
from wangge.people.idcard import bulk_maskers
from wangge.people.models import KeyGroupTag, Resident, ResidentTag

# Lazy: the file is written in the language of the request (str() when written).
RESIDENT_EXPORT_HEADERS = [
    _("居民编号"), _("姓名"), _("性别"), _("出生日期"), _("证件类型"), _("证件号码"), _("手机号"), _("与户主关系"),
    _("人口类型"), _("户编码"), _("地址"), _("网格代码"), _("重点人群"),
]


RESIDENT_EXPORT_FIELDS = ("name", "sex", "birth_date", "id_type", "id_number", "phone", "relation",
                          "residence_type", "household_id")


def resident_export_rows(queryset) -> Iterator[tuple]:
    """Rows for ``RESIDENT_EXPORT_HEADERS`` with ID numbers and phones masked, read in keyset chunks.

    ``queryset`` is the scoped, filtered residents (ordered by grid_code, id, as every list is); each
    chunk is one query of tuples, one for the chunk's households and one for its tags.
    """
    sexes, id_types = dict(Resident.Sex.choices), dict(Resident.IdType.choices)
    relations, residence_types = dict(Resident.Relation.choices), dict(Resident.ResidenceType.choices)
    # Labels are lazy translations: resolve each once, not once a row.
    sexes, id_types, relations, residence_types = (
        {k: str(v) for k, v in labels.items()} for labels in (sexes, id_types, relations, residence_types)
    )
    mask_id_number, mask_phone = bulk_maskers()
    tag_names = dict(KeyGroupTag.objects.order_by("sort_order", "code").values_list("pk", "name"))
    tag_order = {pk: i for i, pk in enumerate(tag_names)}
    for chunk, households, tags in read_ahead(lambda: _resident_chunks(queryset)):
        for grid_code, pk, name, sex, birth, id_type, id_number, phone, relation, residence, household in chunk:
            code, address = households[household]
            held = tags.get(pk)
            yield (
                pk, name, sexes.get(sex, sex), birth, id_types.get(id_type, id_type),
                mask_id_number(id_number, id_type), mask_phone(phone), relations.get(relation, relation),
                residence_types.get(residence, residence), code, address, grid_code,
                "、".join(tag_names[t] for t in sorted(held, key=tag_order.__getitem__)) if held else "",
            )


def _resident_chunks(queryset) -> Iterator[tuple[list[tuple], dict, dict]]:
    """The export's reads, a chunk at a time: the residents, their households and their tags."""
    for chunk in keyset_chunks(queryset, RESIDENT_EXPORT_FIELDS):
        households = {pk: (code, address) for pk, code, address in
                      rows_by(Household, "id", list({r[-1] for r in chunk}), ("code", "address"))}
        tags: dict[int, list[int]] = {}
        for resident_id, tag_id in rows_by(ResidentTag, "resident", [r[1] for r in chunk], ("tag",)):
            tags.setdefault(resident_id, []).append(tag_id)
        yield chunk, households, tags


def residents(*, user, params: dict[str, str]) -> ExportSpec:
    filters, _errors = selectors.ResidentFilters.from_query(params)
    qs = selectors.resident_queryset(user=user, filters=filters)
    reach = common_prefix(user)
    return ExportSpec(
        object_type="people.resident", grid_code=filters.within if filters.within.startswith(reach) else reach,
        filters=filters.audit_dump(), filename="居民名单.xlsx", headers=RESIDENT_EXPORT_HEADERS,
        rows=lambda: resident_export_rows(qs), queryset=qs,
    )
