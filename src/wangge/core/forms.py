"""Form fields of the pages for what ``wangge.core.inputs`` decides once: every date and time a page
form takes goes through these, so a page and the API refuse the same things in the same words."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from wangge.core.inputs import DATE_MESSAGE, TIMESTAMP_MESSAGE, check_day, check_offset_text, check_timestamp


class DateInput(forms.DateInput):
    """The browser's date picker.  It takes only ``YYYY-MM-DD``: Django would write the date in the
    language's first input format (``2026/11/29`` in Chinese), which the picker shows as empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeField(forms.DateTimeField):
    """A time PostgreSQL can store: an offset, if given, within ±15:59, and a year in 1901–2099.

    Django's own field reads any ISO 8601 text before its input formats, offset included, so
    ``2026-01-01T00:00+20:00`` would reach the database (PostgreSQL refuses it) without this.
    """

    def to_python(self, value):
        if isinstance(value, str):
            try:
                check_offset_text(value)
            except ValueError:
                raise ValidationError(TIMESTAMP_MESSAGE, code="invalid") from None
        result = super().to_python(value)
        if result is not None:
            try:
                check_timestamp(result)
            except ValueError:
                raise ValidationError(TIMESTAMP_MESSAGE, code="invalid") from None
        return result


class DateField(forms.DateField):
    """A date in 1901–2099, so that a day before or after it is a date too."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None:
            try:
                check_day(result)
            except ValueError:
                raise ValidationError(DATE_MESSAGE, code="invalid") from None
        return result
