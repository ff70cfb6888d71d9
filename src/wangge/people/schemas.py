"""Shapes of residents in the API.  Identifiers leave only masked; ``/reveal`` is the one way out.

Input fields are kept as loose strings on purpose: the shared rules in ``people.validation``
check them (codes or Chinese labels) and say what is wrong in Chinese, exactly as for the form
and the importer.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from wangge.audit.models import REVEAL_NOTE_MAX_LENGTH, RevealPurpose
from wangge.core.inputs import Id
from wangge.grid.schemas import HouseholdOut


class ResidentOut(Schema):
    id: int
    name: str
    sex: str  # M / F
    birth_date: dt.date | None = None
    id_type: str
    id_number_masked: str
    phone_masked: str
    relation: str
    residence_type: str
    household_id: int
    grid_code: str
    tags: list[str]  # key-group tag codes


class ResidentPage(Schema):
    items: list[ResidentOut]
    next_cursor: str | None = None


class MoveOut(Schema):
    id: int
    resident_id: int
    from_household_id: int
    to_household_id: int
    from_relation: str
    to_relation: str
    reason: str
    moved_at: dt.datetime


class ResidentDetailOut(ResidentOut):
    note: str
    household: HouseholdOut
    created_at: dt.datetime
    updated_at: dt.datetime
    moves: list[MoveOut]


class HouseholdDetailOut(HouseholdOut):
    members: list[ResidentOut]


class RevealIn(Schema):
    field: Literal["id_number", "phone"]
    # Checked by the service, not here, so a reveal without a proper purpose is refused with its own
    # code and recorded as a refused reveal, exactly as on the page.
    purpose: str = Field(
        "", max_length=32, json_schema_extra={"enum": list(RevealPurpose.values)},
        description="用途（必填）：tracing 流调核实、transfer 转运联系、nat 核酸登记、other 其他（须填 note）",
    )
    note: str = Field(
        "", max_length=200, description=f"用途说明，不超过 {REVEAL_NOTE_MAX_LENGTH} 字；用途为 other 时必填",
    )


class RevealOut(Schema):
    field: str
    value: str


class ResidentFieldsIn(Schema):
    name: str | None = Field(None, description="姓名")
    sex: str | None = Field(None, description="性别：M/F 或 男/女；身份证号码可推出时可省略")
    birth_date: str | None = Field(None, description="出生日期 YYYY-MM-DD；身份证号码可推出时可省略")
    id_type: str | None = Field(None, description="证件类型代码（resident_id、passport…）或中文名称")
    id_number: str | None = Field(None, description="证件号码；居民身份证按 GB 11643 校验")
    phone: str | None = Field(None, description="手机号或带区号的固定电话")
    relation: str | None = Field(None, description="与户主关系代码（head、spouse…）或中文名称")
    residence_type: str | None = Field(None, description="人口类型：registered/permanent/floating 或 户籍/常住/流动")
    tags: list[str] | None = Field(None, description="重点人群标签代码或名称")
    note: str | None = Field(None, description="备注")


class ResidentCreateIn(ResidentFieldsIn):
    household_id: Id
    name: str = Field(..., description="姓名")
    id_number: str = Field(..., description="证件号码；居民身份证按 GB 11643 校验")


class ResidentMoveIn(Schema):
    to_household_id: Id
    relation: str = Field("", description="在新户中与户主的关系；空则不变")
    reason: str = Field("", max_length=200, description="迁移原因")
