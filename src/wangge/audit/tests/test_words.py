"""The audit log says what its codes mean: object types, fields and channels in words, a link to
the record where the reader may open it, and a filter of types in words."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from wangge.audit import words
from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing import force_login, login
from wangge.people import services as people_services

pytestmark = pytest.mark.django_db

LIST = reverse("audit:entry_list")


@pytest.fixture
def reveal(city, grid_worker, actor):
    people_services.resident_reveal(actor=actor(grid_worker), resident_id=city["residents"]["A"].pk,
                                    field="id_number", purpose="tracing")
    return AuditEntry.objects.get(action=AuditAction.REVEAL)


@pytest.mark.parametrize("code, label", [
    ("people.resident", "居民"), ("quarantine.quarantineorder", "隔离令"), ("health.gap_list", "闭环事项清单"),
    ("nobody.knows", "nobody.knows"),
])
def test_an_object_type_is_named_by_its_model(code, label):
    with translation.override("zh-hans"):
        assert words.object_type_label(code) == label


@pytest.mark.parametrize("code, field, label", [
    ("people.resident", "id_number", "证件号码"), ("people.resident", "phone", "手机号"),
    ("people.resident", "epidemic_status", "疫情状态"), ("tracing.investigation", "contacts", "接触者"),
])
def test_a_field_is_named_by_its_verbose_name(code, field, label):
    with translation.override("zh-hans"):
        assert words.field_label(code, field) == label


@pytest.mark.parametrize("channel, label", [
    ("web", "网页"), ("api", "接口"), ("cli", "命令行"), ("link", "居民申报链接"),
])
def test_a_channel_is_named(channel, label):
    with translation.override("zh-hans"):
        assert words.channel_label(channel) == label


def test_the_log_shows_words_not_codes_and_links_the_record(client, reveal, auditor, city):
    html = force_login(client, auditor).get(LIST, {"action": "reveal"}).content.decode()
    resident = city["residents"]["A"]
    assert f'href="{reverse("people:resident_detail", args=[resident.pk])}" data-testid="object-link"' in html
    row = html[html.index('data-testid="audit-table"'):]
    assert "people.resident #" not in row and ">id_number<" not in row and ">web<" not in row
    assert "证件号码" in row and "网页" in row and "<small>居民</small>" in row


def test_no_link_to_a_record_the_reader_may_not_open(reveal, auditor, volunteer):
    entry = AuditEntry.objects.get(pk=reveal.pk)
    assert words.object_url(auditor, entry.object_type, entry.object_id)
    assert words.object_url(volunteer, "audit.auditentry", "1") == ""  # no page of its own


def test_the_object_type_filter_is_a_select_of_words(client, reveal, auditor):
    response = force_login(client, auditor).get(LIST, {"object_type": "people.resident"})
    html = response.content.decode()
    assert '<select name="object_type"' in html
    assert '<option value="people.resident" selected>居民</option>' in html
    assert [e.pk for e in response.context["entries"]] == [reveal.pk]


def test_changes_are_shown_field_by_field_in_words():
    with translation.override("zh-hans"):
        assert words.changes_in_words("people.resident", {"phone": ["13800000000", ""], "rows": 3}) == [
            ("手机号", "13800000000 → —"), ("行数", "3")]


def test_a_reveals_purpose_is_not_repeated_as_a_code_among_the_changes(reveal, auditor):
    assert words.describe(reveal, auditor)["changes"] == []


def test_the_log_filters_app_groups_are_english_in_english(auditor):
    client = login(auditor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(LIST).content.decode()
    groups = re.findall(r'<optgroup label="([^"]*)"', html)
    assert "Quarantine" in groups and "Tracing and contacts" in groups
    assert [g for g in groups if re.search(r"[\u4e00-\u9fff]", g)] == []
