"""Field rules for a resident, shared by the form, the API and the importer.

``clean_resident_fields`` takes raw values (codes or their Chinese labels) and returns clean
values plus every problem found, keyed by field, with messages in Chinese.  It is written to
run at import speed: no database access, no exceptions for the common path.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.errors import Conflict
from wangge.core.scoping import user_can_reach
from wangge.people.idcard import (
    LANDLINE_RE,
    MOBILE_RE,
    IdNumberError,
    mask_id_number,
    normalise_id_number,
    parse_id_number,
)
from wangge.people.models import Resident

NAME_MAX = Resident._meta.get_field("name").max_length
NOTE_MAX = Resident._meta.get_field("note").max_length
ID_MAX = Resident._meta.get_field("id_number").max_length


def _choice_lookup(choices) -> dict[str, str]:
    """Accept a choice by its code or its Chinese label."""
    lookup = {}
    for value, label in choices.choices:
        lookup[str(value).lower()] = value
        lookup[str(label)] = value
    return lookup


SEX_LOOKUP = _choice_lookup(Resident.Sex) | {"男性": "M", "女性": "F", "male": "M", "female": "F"}
ID_TYPE_LOOKUP = _choice_lookup(Resident.IdType) | {"身份证": Resident.IdType.RESIDENT_ID}
RELATION_LOOKUP = _choice_lookup(Resident.Relation) | {
    "本人": Resident.Relation.HEAD, "妻": "spouse", "夫": "spouse", "妻子": "spouse", "丈夫": "spouse",
    "子": "child", "女": "child", "儿子": "child", "女儿": "child", "父亲": "parent", "母亲": "parent",
    "孙子": "grandchild", "孙女": "grandchild",
}
RESIDENCE_LOOKUP = _choice_lookup(Resident.ResidenceType) | {
    "户籍人口": "registered", "常住人口": "permanent", "流动人口": "floating",
}


# An ID number is unique city-wide, so registering it twice is refused everywhere; but who holds it,
# and where, is only said to someone whose reach covers the holder.  Anyone else learns only that it
# is registered elsewhere and whom to ask: otherwise any grid worker could look up anyone's address.
ID_NUMBER_REGISTERED_ELSEWHERE = gettext_lazy("该证件号码已在其他辖区登记，请联系上级或该辖区的社区核实")


def duplicate_id_number_refusal(
    *,
    user,
    id_type: str,
    id_number: str,
    holder_pk: int,
    holder_grid_code: str,
    holder_name: str = "",
    household_code: str = "",
    by_name: bool = False,
) -> Conflict:
    """The refusal of an ID number already registered to resident ``holder_pk``, as ``user`` may read it.

    The one place this message is built: the form, the API, the importer (which knows only the
    holder's id, grid and name) and tracing all raise or report what it returns.  ``by_name``: say
    who holds the number by name alone (an import's report is read by people, who know no record ids).
    """
    if not user_can_reach(user, holder_grid_code):
        return Conflict(ID_NUMBER_REGISTERED_ELSEWHERE, code="id_number_registered_elsewhere",
                        errors={"id_number": str(ID_NUMBER_REGISTERED_ELSEWHERE)})
    if by_name and holder_name:
        message = _("证件号码 %(id_number)s 已登记为 %(name)s，请勿重复登记") % {
            "id_number": mask_id_number(id_number, id_type), "name": holder_name}
        return Conflict(message, code="duplicate_id_number",
                        errors={"id_number": _("已登记为 %(name)s") % {"name": holder_name}})
    if holder_name:
        message = _(
            "证件号码 %(id_number)s 已登记：%(name)s（居民编号 %(pk)s，户编码 %(household)s），请勿重复登记"
        ) % {
            "id_number": mask_id_number(id_number, id_type), "name": holder_name, "pk": holder_pk,
            "household": household_code,
        }
    else:
        message = _("证件号码已登记，为居民编号 %(pk)s，请勿重复登记") % {"pk": holder_pk}
    return Conflict(message, code="duplicate_id_number",
                    errors={"id_number": _("已登记为居民编号 %(pk)s") % {"pk": holder_pk}})


@dataclass
class CleanResident:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _text(raw: Any) -> str:
    if raw.__class__ is str:  # the common case, from CSV and forms: checked first for import speed
        return raw.strip()
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        # Spreadsheets hand phone numbers back as floats.
        raw = int(raw)
    return str(raw).strip()


def clean_resident_fields(
    raw: dict[str, Any],
    *,
    tag_lookup: dict[str, int] | None = None,
    partial: bool = False,
    today: dt.date | None = None,
    unstated_relation: bool = False,
) -> CleanResident:
    """Validate the resident fields present in ``raw``.

    With ``partial`` (an update), absent fields are left alone; otherwise name and ID number
    are required.  ``tag_lookup`` maps tag codes and names to ids.  A blank relation means head
    (户主), except with ``unstated_relation`` (the importer): then it is ``None``, for the caller to
    decide once it knows whether the household has a head.
    """
    out = CleanResident()
    v, e = out.values, out.errors

    if "name" in raw or not partial:
        name = _text(raw.get("name"))
        if not name:
            e["name"] = _("姓名不能为空")
        elif len(name) > NAME_MAX:
            e["name"] = _("姓名不能超过%(max)s个字") % {"max": NAME_MAX}
        else:
            v["name"] = name

    id_type = Resident.IdType.RESIDENT_ID
    if "id_type" in raw or not partial:
        raw_type = _text(raw.get("id_type"))
        if raw_type:
            id_type = ID_TYPE_LOOKUP.get(raw_type.lower()) or ID_TYPE_LOOKUP.get(raw_type)
            if id_type is None:
                e["id_type"] = _("证件类型“%(value)s”无效") % {"value": raw_type[:20]}
        if id_type is not None:
            v["id_type"] = id_type

    facts = None
    if "id_number" in raw or not partial:
        number = normalise_id_number(_text(raw.get("id_number")))
        if not number:
            e["id_number"] = _("证件号码不能为空")
        elif len(number) > ID_MAX:
            e["id_number"] = _("证件号码不能超过%(max)s位") % {"max": ID_MAX}
        elif not number.isprintable():
            e["id_number"] = _("证件号码含有不可见的控制字符，请检查")
        elif id_type == Resident.IdType.RESIDENT_ID:
            try:
                facts = parse_id_number(number, today=today)
            except IdNumberError as exc:
                e["id_number"] = str(exc)
            else:
                v["id_number"] = number
        else:
            v["id_number"] = number

    if "sex" in raw or not partial:
        raw_sex = _text(raw.get("sex"))
        sex = (SEX_LOOKUP.get(raw_sex.lower()) or SEX_LOOKUP.get(raw_sex)) if raw_sex else None
        if raw_sex and sex is None:
            e["sex"] = _("性别“%(value)s”无效，应为男或女") % {"value": raw_sex[:10]}
        elif facts and sex and sex != facts.sex:
            e["sex"] = _("性别与身份证号码不符")
        elif sex or facts:
            v["sex"] = sex or facts.sex
        elif not partial and "id_number" not in e:
            # An ID card states the sex; only other documents need it written (a bad ID card
            # number is reported once, under its own column).
            e["sex"] = _("非身份证证件必须填写性别")

    if "birth_date" in raw or not partial:
        raw_birth = raw.get("birth_date")
        birth = None
        if isinstance(raw_birth, dt.datetime):
            birth = raw_birth.date()
        elif isinstance(raw_birth, dt.date):
            birth = raw_birth
        elif _text(raw_birth):
            text = _text(raw_birth).replace("/", "-").replace(".", "-")
            try:
                birth = dt.date.fromisoformat(text[:10])
            except ValueError:
                e["birth_date"] = _("出生日期格式应为 YYYY-MM-DD")
        if birth and facts and birth != facts.birth_date:
            e["birth_date"] = _("出生日期与身份证号码不符")
        elif birth or facts:
            v["birth_date"] = birth or facts.birth_date

    if "phone" in raw or not partial:
        phone = _text(raw.get("phone")).replace(" ", "")
        if phone.startswith("+86"):
            phone = phone[3:]
        if phone and not (MOBILE_RE.match(phone) or LANDLINE_RE.match(phone)):
            e["phone"] = _("手机号应为11位（以1开头）或带区号的固定电话")
        else:
            v["phone"] = phone

    for key, lookup, label, default in (
        ("relation", RELATION_LOOKUP, _("与户主关系"), None if unstated_relation else Resident.Relation.HEAD),
        ("residence_type", RESIDENCE_LOOKUP, _("人口类型"), Resident.ResidenceType.REGISTERED),
    ):
        if key in raw or not partial:
            text = _text(raw.get(key))
            if not text:
                v[key] = default
            else:
                value = lookup.get(text.lower()) or lookup.get(text)
                if value is None:
                    e[key] = _("%(label)s“%(value)s”无效") % {"label": label, "value": text[:20]}
                else:
                    v[key] = value

    if "tags" in raw:
        tags_raw = raw.get("tags")
        if isinstance(tags_raw, str):
            names = [t.strip() for t in tags_raw.replace("，", ",").replace("、", ",").split(",") if t.strip()]
        else:
            names = [str(t).strip() for t in (tags_raw or []) if str(t).strip()]
        lookup = tag_lookup or {}
        unknown = [n for n in names if n not in lookup]
        if unknown:
            e["tags"] = _("未知的重点人群标签：") + "、".join(u[:20] for u in unknown[:5])
        else:
            v["tags"] = sorted({lookup[n] for n in names})

    if "note" in raw:
        note = _text(raw.get("note"))
        if len(note) > NOTE_MAX:
            e["note"] = _("备注不能超过%(max)s个字") % {"max": NOTE_MAX}
        else:
            v["note"] = note

    return out
