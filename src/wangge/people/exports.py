"""Residents as export rows: ID numbers and phones masked (an export is a list, and lists are masked)."""

from __future__ import annotations

from collections.abc import Iterator

from wangge.people.models import ResidentTag

RESIDENT_EXPORT_HEADERS = [
    "居民编号", "姓名", "性别", "出生日期", "证件类型", "证件号码", "手机号", "与户主关系", "人口类型",
    "户编码", "地址", "网格代码", "重点人群",
]


def resident_export_rows(queryset) -> Iterator[tuple]:
    """Rows for ``RESIDENT_EXPORT_HEADERS`` with ID numbers and phones masked, streamed in chunks."""
    qs = queryset.select_related("household")
    batch: list = []

    def emit(residents):
        tags: dict[int, list[str]] = {}
        links = ResidentTag.objects.filter(resident_id__in=[r.pk for r in residents]).select_related("tag")
        for link in links.order_by("tag__sort_order"):
            tags.setdefault(link.resident_id, []).append(link.tag.name)
        for r in residents:
            yield (
                r.pk, r.name, r.get_sex_display(), r.birth_date, r.get_id_type_display(), r.id_number_masked,
                r.phone_masked, r.get_relation_display(), r.get_residence_type_display(), r.household.code,
                r.household.address, r.grid_code, "、".join(tags.get(r.pk, [])),
            )

    for resident in qs.iterator(chunk_size=2000):
        batch.append(resident)
        if len(batch) >= 2000:
            yield from emit(batch)
            batch = []
    if batch:
        yield from emit(batch)
