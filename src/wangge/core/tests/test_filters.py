"""core.filters: a list's filters declared once, read by the page and the API alike."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from django import forms
from django.http import QueryDict
from django.utils import translation
from pydantic import AfterValidator

from wangge.core.filters import FilterForm, Filters, SearchText, Within
from wangge.core.inputs import Day, Id, coded_error
from wangge.core.testing import GRID_A, STREET_1, Api


def _no_shouting(value: str) -> str:
    if value.isupper():
        raise coded_error("shouting", "不要大写", "全是大写")
    return value


class SampleFilters(Filters):
    q: SearchText = ""
    status: Literal["", "open", "closed"] = ""
    within: Within = ""
    since: Day | None = None
    owner_id: Id | None = None


def test_a_valid_query_is_read_with_no_errors():
    filters, errors = SampleFilters.from_query(QueryDict("q=+张+&status=open&since=2026-01-02&owner_id=7"))
    assert errors == {}
    assert (filters.q, filters.status, str(filters.since), filters.owner_id) == ("张", "open", "2026-01-02", 7)


def test_blank_values_are_no_filter():
    filters, errors = SampleFilters.from_query(QueryDict("q=&status=&since=&owner_id=+"))
    assert errors == {}
    assert filters == SampleFilters()


def test_parameters_that_are_not_fields_are_ignored():
    filters, errors = SampleFilters.from_query(QueryDict("cursor=abc&limit=5&utm_source=x&status=closed"))
    assert errors == {}
    assert filters == SampleFilters(status="closed")


def test_a_bad_field_is_reported_and_left_out_while_the_others_apply():
    filters, errors = SampleFilters.from_query(QueryDict("status=lost&q=李&owner_id=0&since=2026-13-01"))
    assert set(errors) == {"status", "owner_id", "since"}
    assert filters == SampleFilters(q="李")


@pytest.mark.parametrize("query, field", [
    ("q=" + "长" * 51, "q"),
    ("within=42x", "within"),
    ("within=" + "1" * 25, "within"),
    ("owner_id=" + str(2**63), "owner_id"),
    ("owner_id=abc", "owner_id"),
    ("since=1900-12-31", "since"),
])
def test_values_out_of_bounds_are_refused_never_raised(query, field):
    filters, errors = SampleFilters.from_query(QueryDict(query))
    assert list(errors) == [field]
    assert filters == SampleFilters()


def test_errors_are_in_the_users_language():
    with translation.override("zh-hans"):
        assert SampleFilters.from_query({"status": "lost"})[1] == {"status": "取值无效"}
    with translation.override("en"):
        assert SampleFilters.from_query({"status": "lost"})[1] == {"status": "Invalid value"}


def test_a_twelve_digit_division_code_is_cut_to_its_subtree():
    assert SampleFilters.from_query({"within": STREET_1})[0].within == "420106001"
    assert SampleFilters.from_query({"within": GRID_A})[0].within == GRID_A


def test_a_coded_error_keeps_its_own_message_on_the_field():
    class Calm(Filters):
        q: Annotated[SearchText, AfterValidator(_no_shouting)] = ""

    assert Calm.from_query({"q": "ABC"})[1] == {"q": "全是大写"}


class Narrowing(Filters):
    view: Literal["active", "all"] = "active"
    flag: bool = False


def test_audit_dump_keeps_a_default_that_narrows_and_drops_what_says_nothing():
    assert Narrowing().audit_dump() == {"view": "active"}
    assert Narrowing(flag=True).audit_dump() == {"view": "active", "flag": True}


def test_audit_dump_records_only_the_filters_set():
    filters, _ = SampleFilters.from_query({"status": "open", "since": "2026-01-02", "cursor": "x"})
    assert filters.audit_dump() == {"status": "open", "since": "2026-01-02"}


def test_the_filters_are_frozen():
    with pytest.raises(Exception):  # noqa: B017  (pydantic's frozen-instance error)
        SampleFilters().q = "x"


class SampleForm(FilterForm):
    declaration = SampleFilters
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), ("open", "开"), ("closed", "关")])
    q = forms.CharField(label="搜索", required=False)


def test_a_filter_form_carries_the_declarations_filters_and_errors():
    form = SampleForm.read(QueryDict("status=lost&q=王"))
    assert form.filters == SampleFilters(q="王")
    assert form.errors == {"status": ["取值无效"]}
    assert form["q"].value() == "王"


def test_a_filter_form_without_a_query_has_no_errors():
    form = SampleForm.read(QueryDict(""))
    assert form.filters == SampleFilters()
    assert not form.errors


def test_a_filter_form_may_only_render_declared_fields():
    with pytest.raises(TypeError, match="owner"):
        class Stray(FilterForm):
            declaration = SampleFilters
            owner = forms.CharField()


@pytest.mark.django_db
def test_the_api_documents_a_declaration_as_query_parameters(city, street_officer):
    schema = Api(street_officer).get("/openapi.json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/residents"]["get"]["parameters"]}
    assert {"q", "tag", "residence_type", "within", "household_id", "cursor", "limit"} <= set(params)
    assert params["within"]["schema"]["maxLength"] == 24
