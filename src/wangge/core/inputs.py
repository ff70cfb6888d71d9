"""What the boundary accepts, decided once for the API, the pages and the forms.

* Text never carries a NUL character: PostgreSQL refuses it in text (SQLite would store it), so
  ``wangge.core.middleware.RejectNulMiddleware`` turns such a request away before any view runs.
* A time is one PostgreSQL can store and Python can shift: its UTC offset is at most ±15:59
  (PostgreSQL's limit; Python's is ±23:59), a time without an offset is local time, and the year
  lies in 1901–2099, so adding or subtracting days never overflows.  The API's input schemas use
  ``Timestamp`` and ``Day``; the page forms use ``wangge.core.forms``.
* Lists page at most ``MAX_PAGE_SIZE`` rows; a code filter is digits, at most 24 of them; an id is
  a positive 64-bit integer.
* A body temperature is read by ``parse_temperature`` (the one rule, stated there) wherever it is
  typed: the pages, the public links, the services and the API schemas (``Temperature``).

Each rule raises a pydantic error with its own type, which ``wangge.api`` says again in Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from wangge.core.codes import MAX_CODE_LENGTH

NUL = "\x00"
MAX_OFFSET = dt.timedelta(hours=15, minutes=59)
# 1901: before it, local time in Shanghai is LMT (+08:05:43), an offset no ISO 8601 text can carry.
EARLIEST = dt.date(1901, 1, 1)
LATEST = dt.date(2099, 12, 31)
MAX_PAGE_SIZE = 500

# The documented shapes.  Digits are spelled [0-9]: in a regular expression \d is any Unicode digit.
_DATE = r"(190[1-9]|19[1-9][0-9]|20[0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
_OFFSET = r"(Z|[+-](0[0-9]|1[0-5]):[0-5][0-9])"
DATE_PATTERN = f"^{_DATE}$"
TIMESTAMP_PATTERN = f"^{_DATE}T{_TIME}{_OFFSET}?$"
CODE_PATTERN = f"^[0-9]{{0,{MAX_CODE_LENGTH}}}$"

# What is read: any ISO 8601 offset, so that one out of range is named as such, not as "malformed".
_OFFSET_IN_TEXT = re.compile(r"[T ][0-9:.]+([+-])([0-9]{2}):?([0-9]{2})$")

TIMESTAMP_MESSAGE = gettext_lazy("时间应为 YYYY-MM-DDTHH:MM[:SS][±HH:MM]，年份在 1901–2099 之间，时区偏移不超过 ±15:59")
DATE_MESSAGE = gettext_lazy("日期应为 YYYY-MM-DD，年份在 1901–2099 之间")


def check_offset_text(text: str) -> None:
    """Refuse an offset beyond ±15:59 before anything tries to build a time zone from it."""
    match = _OFFSET_IN_TEXT.search(text.strip())
    if match and dt.timedelta(hours=int(match[2]), minutes=int(match[3])) > MAX_OFFSET:
        raise ValueError(str(TIMESTAMP_MESSAGE))


def check_timestamp(value: dt.datetime) -> dt.datetime:
    """An aware time within range; a naive one is taken as local time.  Raises ValueError."""
    if timezone.is_naive(value):
        if not EARLIEST <= value.date() <= LATEST:
            raise ValueError(str(TIMESTAMP_MESSAGE))
        value = timezone.make_aware(value)
    offset = value.utcoffset()
    if offset is None or abs(offset) > MAX_OFFSET or not EARLIEST <= value.date() <= LATEST:
        raise ValueError(str(TIMESTAMP_MESSAGE))
    # Kept in UTC from here on, as it is stored: local time before 1901 is Shanghai's mean solar
    # time (+08:05:43), an offset in seconds that RFC 3339 answers cannot carry.
    return value.astimezone(dt.UTC)


def check_day(value: dt.date) -> dt.date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(str(DATE_MESSAGE))
    return value


def _timestamp_text(value):
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("timestamp_invalid", str(TIMESTAMP_MESSAGE))
    try:
        check_offset_text(value)
    except ValueError:
        raise PydanticCustomError("timestamp_invalid", str(TIMESTAMP_MESSAGE)) from None
    return value.strip()


def _timestamp_value(value: dt.datetime) -> dt.datetime:
    try:
        return check_timestamp(value)
    except ValueError:
        raise PydanticCustomError("timestamp_invalid", str(TIMESTAMP_MESSAGE)) from None


def _day_text(value):
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not re.fullmatch(DATE_PATTERN, value.strip()):
        # Pydantic would also take 0 (1970-01-01) or a whole timestamp for a date.
        raise PydanticCustomError("date_invalid", str(DATE_MESSAGE))
    return value.strip()


def _day_value(value: dt.date) -> dt.date:
    try:
        return check_day(value)
    except ValueError:
        raise PydanticCustomError("date_invalid", str(DATE_MESSAGE)) from None


def _code_value(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(CODE_PATTERN, value):
        raise PydanticCustomError("code_invalid", "代码应为不超过 24 位的数字")
    return value


Timestamp = Annotated[
    dt.datetime,
    BeforeValidator(_timestamp_text),
    AfterValidator(_timestamp_value),
    WithJsonSchema({
        "type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN,
        "description": "ISO 8601 时间；不带时区偏移按北京时间；偏移不超过 ±15:59；年份 1901–2099",
    }),
]
Day = Annotated[
    dt.date,
    BeforeValidator(_day_text),
    AfterValidator(_day_value),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN,
                    "description": "日期 YYYY-MM-DD，年份 1901–2099"}),
]
# A division or grid code, or a prefix of one: digits only (an empty filter means "everything").
CodeFilter = Annotated[
    str,
    AfterValidator(_code_value),
    WithJsonSchema({"type": "string", "pattern": CODE_PATTERN, "maxLength": MAX_CODE_LENGTH,
                    "description": "区划或网格代码（或其前缀），数字，最多 24 位"}),
]
# A record's number: the database's ids are 64-bit (BigAutoField); a larger number is not an id at
# all, and would overflow in the query (SQLite) or be refused by it (PostgreSQL).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PageSize = Annotated[int | None, Field(ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，1–{MAX_PAGE_SIZE}")]


# --- Body temperature ----------------------------------------------------------------------------

TEMPERATURE_MIN = Decimal("34.0")
TEMPERATURE_MAX = Decimal("43.0")
# Digits, then at most one decimal digit after a point, a comma or a full-width comma (a phone's
# Chinese keyboard types "，"); spelled [0-9] so that no other script's digits slip in.
_TEMPERATURE_TEXT = re.compile(r"([0-9]{1,2})(?:[.,，]([0-9]))?")
# Three digits and no separator, 340 to 429: a thermometer's reading typed without its point
# ("365" is 36.5 ℃, "372" is 37.2 ℃), as a phone's number pad invites. Anything else of three
# digits ("100", "999", "430") is not a temperature anybody meant, so it stays invalid.
_TEMPERATURE_WITHOUT_POINT = re.compile(r"(3[4-9]|4[0-2])([0-9])")


class TemperatureInvalid(ValueError):
    """A typed temperature the rule refuses; ``code`` says which part of the rule."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def parse_temperature(value: Any) -> Decimal | None:
    """The one rule for a body temperature typed anywhere (page, public link, service, API).

    * Blank (None or only spaces) is None: whether a temperature is required is the caller's rule.
    * Accepted: a whole number or one decimal digit after ``.``, ``,`` or ``，`` (full-width comma),
      spaces around it ignored: "36.5", "36,5", "36，5", "37"; and a JSON number with the same
      text (36.5, 37); three digits without a separator from 340 to 429 carry one decimal
      ("365" is 36.5, "372" is 37.2).
    * Refused with ``temperature_invalid``: anything else, including two decimal digits ("36.55"
      is not rounded: a thermometer shows one), a sign, an exponent, other scripts' digits, a
      boolean.
    * Refused with ``temperature_out_of_range``: below 34.0 ℃ or above 43.0 ℃ (both included),
      outside what a living person's thermometer reads.

    Returns a ``Decimal`` with exactly one decimal place; raises ``TemperatureInvalid``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise TemperatureInvalid("temperature_invalid", gettext("体温应为数字，最多一位小数，如 36.5"))
    text = str(value).strip()
    match = _TEMPERATURE_TEXT.fullmatch(text) or _TEMPERATURE_WITHOUT_POINT.fullmatch(text)
    if match is None:
        raise TemperatureInvalid("temperature_invalid", gettext("体温应为数字，最多一位小数，如 36.5"))
    number = Decimal(f"{match[1]}.{match[2] or 0}")
    if not TEMPERATURE_MIN <= number <= TEMPERATURE_MAX:
        raise TemperatureInvalid(
            "temperature_out_of_range",
            gettext("体温应在 %(low)s 至 %(high)s ℃ 之间") % {"low": TEMPERATURE_MIN, "high": TEMPERATURE_MAX},
        )
    return number


def _temperature_value(value):
    try:
        number = parse_temperature(value)
    except TemperatureInvalid as exc:
        raise PydanticCustomError(exc.code, exc.message) from None
    if number is None:
        raise PydanticCustomError("temperature_invalid", gettext("体温应为数字，最多一位小数，如 36.5"))
    return number


# A body temperature in an API schema: the same rule as everywhere (``parse_temperature``).
Temperature = Annotated[
    Decimal,
    BeforeValidator(_temperature_value),
    WithJsonSchema({
        "anyOf": [{"type": "string", "pattern": r"^\s*[0-9]{1,2}([.,，][0-9])?\s*$"}, {"type": "number"}],
        "minimum": float(TEMPERATURE_MIN), "maximum": float(TEMPERATURE_MAX),
        "description": "体温 ℃，34.0–43.0，最多一位小数；小数点可写作 . , 或 ，",
    }),
]


# --- Validation messages -------------------------------------------------------------------------

# Pydantic's messages are English; the common ones are said again in Chinese (API and pages alike).
VALIDATION_MESSAGES = {
    "missing": gettext_lazy("必填"),
    "int_parsing": gettext_lazy("应为整数"),
    "int_type": gettext_lazy("应为整数"),
    "string_type": gettext_lazy("应为文本"),
    "list_type": gettext_lazy("应为列表"),
    "bool_parsing": gettext_lazy("应为是或否"),
    "bool_type": gettext_lazy("应为是或否"),
    "date_from_datetime_parsing": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "date_parsing": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "date_type": gettext_lazy("日期格式应为 YYYY-MM-DD"),
    "literal_error": gettext_lazy("取值无效"),
    "enum": gettext_lazy("取值无效"),
    "string_too_long": gettext_lazy("内容过长"),
    "string_too_short": gettext_lazy("内容过短"),
    "greater_than_equal": gettext_lazy("数值过小"),
    "less_than_equal": gettext_lazy("数值过大"),
    "json_invalid": gettext_lazy("请求体不是有效的 JSON"),
    "model_attributes_type": gettext_lazy("请求体应为 JSON 对象"),
    "dict_type": gettext_lazy("请求体应为 JSON 对象"),
    "extra_forbidden": gettext_lazy("不支持的字段"),
    "datetime_parsing": TIMESTAMP_MESSAGE,
    "datetime_from_date_parsing": TIMESTAMP_MESSAGE,
    "datetime_type": TIMESTAMP_MESSAGE,
    "timestamp_invalid": TIMESTAMP_MESSAGE,
    "date_invalid": DATE_MESSAGE,
    "code_invalid": gettext_lazy("代码无效"),
    "string_pattern_mismatch": gettext_lazy("格式无效"),
    "decimal_parsing": gettext_lazy("应为数字"),
    "decimal_type": gettext_lazy("应为数字"),
    "float_parsing": gettext_lazy("应为数字"),
    "float_type": gettext_lazy("应为数字"),
    "finite_number": gettext_lazy("应为有限的数字"),
    "int_from_float": gettext_lazy("应为整数"),
    "greater_than": gettext_lazy("数值过小"),
    "less_than": gettext_lazy("数值过大"),
}
# Rules of ``wangge.core.inputs`` whose own (translated) message says exactly what is wrong.
OWN_MESSAGE = {"temperature_invalid", "temperature_out_of_range"}
# The context key of an error that carries its own code (``coded_error``).
CODED_MESSAGE = "coded_message"


def coded_error(code: str, message: str, field_message: str = "") -> PydanticCustomError:
    """A validation error with its own stable code: the API answers 422 with ``code`` and ``message``
    (not the generic ``invalid``); the field itself reads ``field_message`` (default "取值无效")."""
    return PydanticCustomError(code, field_message or gettext("取值无效"), {CODED_MESSAGE: str(message)})


def error_message(item: dict) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) in the user's language."""
    kind = item.get("type", "")
    if kind in OWN_MESSAGE or CODED_MESSAGE in (item.get("ctx") or {}):
        return str(item.get("msg", ""))
    return str(VALIDATION_MESSAGES.get(kind, gettext_lazy("取值无效")))
