"""The auditor reads why each field was revealed, in words, and filters the log by it."""

import pytest
from django.urls import reverse

from wangge.audit.models import AuditAction
from wangge.audit.selectors import AuditFilters, audit_entry_list
from wangge.core.errors import ValidationFailed
from wangge.core.testing import force_login
from wangge.people import services as people_services

pytestmark = pytest.mark.django_db

LIST = reverse("audit:entry_list")


@pytest.fixture
def reveals(city, grid_worker, actor):
    """Three reveals in grid A, for three purposes; the last one's note is markup."""
    resident = city["residents"]["A"]

    def reveal(purpose, note=""):
        people_services.resident_reveal(actor=actor(grid_worker), resident_id=resident.pk, field="phone",
                                        purpose=purpose, note=note)

    reveal("tracing")
    reveal("nat")
    reveal("other", "<b>复核</b>")
    return resident


def test_the_selector_filters_by_purpose(reveals, auditor):
    entries = audit_entry_list(user=auditor, filters=AuditFilters(purpose="nat"))
    assert [(e.action, e.changes["purpose"]) for e in entries] == [("reveal", "nat")]


def test_the_purpose_filter_finds_refused_attempts_too(city, grid_worker, auditor, actor):
    with pytest.raises(ValidationFailed):
        people_services.resident_reveal(actor=actor(grid_worker), resident_id=city["residents"]["A"].pk,
                                        field="phone", purpose="other")
    entries = audit_entry_list(user=auditor, filters=AuditFilters(purpose="other"))
    assert [e.action for e in entries] == [AuditAction.REVEAL_REFUSED]


def test_the_log_page_filters_by_purpose(client, reveals, auditor):
    response = force_login(client, auditor).get(LIST, {"purpose": "tracing"})
    assert response.status_code == 200
    assert [e.changes["purpose"] for e in response.context["entries"]] == ["tracing"]


def test_the_log_page_shows_the_purpose_in_words(client, reveals, auditor):
    html = force_login(client, auditor).get(LIST, {"action": "reveal"}).content.decode()
    for words in ("流调核实", "核酸登记", "其他"):
        assert f"<strong>{words}</strong>" in html


def test_the_note_is_shown_escaped(client, reveals, auditor):
    html = force_login(client, auditor).get(LIST, {"purpose": "other"}).content.decode()
    assert "&lt;b&gt;复核&lt;/b&gt;" in html
    assert "<b>复核</b>" not in html


def test_the_filter_bar_offers_the_purposes(client, reveals, auditor):
    html = force_login(client, auditor).get(LIST).content.decode()
    assert '<option value="transfer">转运联系</option>' in html


def test_a_bad_purpose_filter_is_a_message_and_left_out(client, reveals, auditor):
    response = force_login(client, auditor).get(LIST, {"purpose": "curiosity", "action": "reveal"})
    assert response.status_code == 200
    assert "purpose" in response.context["form"].errors
    assert len(response.context["entries"]) == 3  # the action still applies, the purpose is left out
