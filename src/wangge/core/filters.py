"""A list's filters, declared once: the API, the page, the selector and the export all take them.

A list declares its filters as one ``Filters`` subclass (a ninja ``Schema``) with typed, bounded
fields (``core.inputs`` types, ``Literal`` choices, ``Within`` for a subtree)::

    class ResidentFilters(Filters):
        q: SearchText = ""
        residence_type: Literal["registered", "permanent", "floating", ""] = ""
        within: Within = ""

* The API takes it as ``filters: Query[ResidentFilters]``: OpenAPI documents every field, and a bad
  value is 422 with the field named (``wangge.api``'s handler; ``core.inputs.coded_error`` for an error
  with its own code).
* A page reads it with ``ResidentFilters.from_query(request.GET)``: the validated filters and the
  field errors in the user's language.  It never raises: a field that fails is left at its default
  (the page shows why) and the others still apply.  A page's filter bar may keep a Django form for
  its widgets and labels only (``FilterForm``); the form never validates anything itself.
* The selector takes the instance (``resident_queryset(user=..., filters=...)``).
* The export reads the same declaration from its parameters and records ``filters.audit_dump()``
  in its audit entry.

A blank value ("", only spaces) is no filter, in the page and the API alike; parameters that are
not fields (``cursor``, ``limit``, a tracking parameter) are ignored by the declaration.  Why not
django-filter: its filtersets build the query themselves, from the model, in the view layer, while
here the selector owns the query (it scopes by reach and uses the indexes it knows); and ninja
documents a pydantic schema in OpenAPI, not a filterset.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Self

from django import forms
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.utils import ErrorDict
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, StringConstraints, ValidationInfo, WithJsonSchema, field_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from wangge.core.codes import DIVISION_CODE_LENGTH, MAX_CODE_LENGTH, significant_prefix
from wangge.core.inputs import CODE_PATTERN, CodeFilter, error_message

# A search box's text: spaces around it dropped, at most 50 characters.
SearchText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]
# A short code chosen from a list kept in the database (a tag, a site): bounded, checked by the selector.
ChoiceCode = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]


def _subtree_prefix(code: str) -> str:
    # A whole division code is cut to the prefix every code under it shares; any other digits are
    # a prefix already.
    if len(code) == DIVISION_CODE_LENGTH:
        try:
            return significant_prefix(code)
        except ValueError:
            raise PydanticCustomError("code_invalid", "代码应为不超过 24 位的数字") from None
    return code


# A subtree to narrow to: a division code (cut to its significant prefix) or any grid code prefix.
Within = Annotated[
    CodeFilter,
    AfterValidator(_subtree_prefix),
    WithJsonSchema({"type": "string", "pattern": CODE_PATTERN, "maxLength": MAX_CODE_LENGTH,
                    "description": "区划或网格代码（或其前缀），数字，最多 24 位：只列其下的记录"}),
]


class Filters(Schema):
    """The filters of one list (see the module's docstring)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    # What a page calls each field in its error messages (translatable); a field not named here is
    # called by its parameter name.
    labels: ClassVar[dict[str, Any]] = {}

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_no_filter(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and not value.strip():
            return cls.model_fields[info.field_name].get_default(call_default_factory=True)
        return value

    @classmethod
    def from_query(cls, query: Mapping[str, Any] | None) -> tuple[Self, dict[str, str]]:
        """The filters in ``query`` (``request.GET``, an export's parameters) and the field errors.

        Never raises: the fields that fail are left at their defaults and the others still apply.
        """
        query = query or {}
        data = {name: query.get(name) for name in cls.model_fields if name in query}
        try:
            return cls.model_validate(data), {}
        except PydanticValidationError as exc:
            errors = {}
            for item in exc.errors():
                name = str(item["loc"][0]) if item.get("loc") else "__all__"
                errors.setdefault(name, error_message(item))
        try:
            return cls.model_validate({k: v for k, v in data.items() if k not in errors}), errors
        except PydanticValidationError:
            return cls(), errors

    @classmethod
    def messages(cls, errors: dict[str, str]) -> list[str]:
        """``from_query``'s errors as a page shows them (``core/_filter_errors.html``): "label：message"."""
        return [f"{cls.labels.get(name, name)}：{message}" for name, message in errors.items()]

    def audit_dump(self) -> dict[str, Any]:
        """The filters as an export's audit entry records them and a link carries them: JSON values,
        without those that say nothing (blank, None, False); a default that narrows (an order list's
        ``view="active"``) is kept."""
        return {k: v for k, v in self.model_dump(mode="json").items()
                if not (v is None or v is False or v == "" or v == [])}


class _FilterFormMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name, bases, attrs):
        cls = super().__new__(mcs, name, bases, attrs)
        declaration = getattr(cls, "declaration", None)
        stray = set(cls.base_fields) - set(declaration.model_fields if declaration else ())
        if stray:
            raise TypeError(f"{name} renders fields its declaration does not have: {sorted(stray)}")
        return cls


class FilterForm(forms.Form, metaclass=_FilterFormMetaclass):
    """A list page's filter bar, for rendering only: widgets and labels for the fields of
    ``declaration``.  It holds the query's values and the declaration's errors; it validates
    nothing (``declaration`` does), so the page and the API can never disagree.

    ``FilterForm.read(request.GET)`` returns the form, its ``filters`` the validated declaration.
    """

    declaration: ClassVar[type[Filters]]
    filters: Filters

    @classmethod
    def read(cls, query: Mapping[str, Any] | None) -> Self:
        filters, errors = cls.declaration.from_query(query)
        form = cls(query or None)
        form.filters = filters
        form._declared_errors = errors
        return form

    def full_clean(self) -> None:
        self._errors = ErrorDict()
        self.cleaned_data = {}
        for name, message in getattr(self, "_declared_errors", {}).items():
            if name in self.fields:
                self.add_error(name, message)
            else:  # a parameter the bar does not show (a link's household_id): named as it was given
                self.add_error(None, f"{name}：{message}")
