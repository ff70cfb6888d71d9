"""The staff pages: the code colour on the resident's page (404 out of reach, audited once), the
printable paper card, issue and revoke by the roles the permission table names."""

from django.urls import reverse

from wangge.audit.models import AuditEntry
from wangge.codes.models import PaperCode
from wangge.core.testing import login
from wangge.core.testing.factories import make_paper_code, put_in


def test_the_resident_page_links_to_the_code(resident, grid_worker):
    page = login(grid_worker).get(reverse("people:resident_detail", args=[resident.pk])).content.decode()
    assert reverse("codes:resident", args=[resident.pk]) in page


def test_the_code_page_shows_the_colour_and_its_reasons(resident, grid_worker):
    put_in(resident, "confirmed")
    page = login(grid_worker).get(reverse("codes:resident", args=[resident.pk])).content.decode()
    assert 'data-colour="r"' in page and 'data-code="confirmed"' in page


def test_the_code_page_is_audited_once_and_404_out_of_reach(resident, grid_worker, city):
    login(grid_worker).get(reverse("codes:resident", args=[resident.pk]))
    assert AuditEntry.objects.filter(actor=grid_worker, action="view", object_id=str(resident.pk)).count() == 1
    other = city["residents"]["C"]
    assert login(grid_worker).get(reverse("codes:resident", args=[other.pk])).status_code == 404


def test_a_grid_worker_issues_and_prints_a_paper_code(resident, grid_worker):
    client = login(grid_worker)
    response = client.post(reverse("codes:paper_issue", args=[resident.pk]))
    assert response.status_code == 302
    paper = PaperCode.objects.get(resident=resident)
    card = client.get(reverse("codes:paper", args=[resident.pk])).content.decode()
    grouped = "-".join(paper.code[i:i + 4] for i in range(0, 12, 4))
    assert grouped in card and "<svg" in card and resident.name in card


def test_the_card_carries_no_colour_and_no_id_number(resident, grid_worker):
    make_paper_code(resident)
    card = login(grid_worker).get(reverse("codes:paper", args=[resident.pk])).content.decode()
    assert resident.id_number not in card and "code-g" not in card


def test_a_volunteer_sees_the_colour_but_may_not_print_or_issue(resident, volunteer):
    make_paper_code(resident)
    client = login(volunteer)
    page = client.get(reverse("codes:resident", args=[resident.pk])).content.decode()
    assert reverse("codes:paper", args=[resident.pk]) not in page and 'data-testid="paper-issue"' not in page
    assert client.get(reverse("codes:paper", args=[resident.pk])).status_code == 403
    assert client.post(reverse("codes:paper_issue", args=[resident.pk])).status_code == 403


def test_revoking_from_the_page_stops_the_card(resident, grid_worker):
    make_paper_code(resident)
    login(grid_worker).post(reverse("codes:paper_revoke", args=[resident.pk]))
    assert not PaperCode.objects.filter(resident=resident, revoked_at__isnull=True).exists()


def test_the_phone_code_fragment_shows_the_token_as_a_qr_and_refreshes_itself(resident):
    from django.template.loader import render_to_string

    from wangge.codes import services

    code = services.issue_token(resident)
    html = render_to_string("codes/_phone_code.html", {"code": code, "refresh_url": "/me/code/"})
    assert f'data-token="{code.token}"' in html and "<svg" in html
    assert 'hx-trigger="every 240s"' in html and 'data-colour="g"' in html
