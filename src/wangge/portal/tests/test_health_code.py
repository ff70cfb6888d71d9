"""Each member's health code on 我的: the codes app's signed token, for the people acted for only."""

from django.urls import reverse

from wangge.codes.services import verify_token
from wangge.core.testing import Api, login
from wangge.core.testing.factories import put_in


def test_the_member_page_shows_the_members_code(family, parent_account):
    page = login(parent_account).get(reverse("portal:member", args=[family["child"].pk])).content.decode()
    assert 'data-testid="phone-code"' in page and 'data-colour="g"' in page


def test_a_close_contact_in_the_family_shows_yellow(family, parent_account):
    put_in(family["grandmother"], "close_contact")
    page = login(parent_account).get(reverse("portal:member", args=[family["grandmother"].pk])).content.decode()
    assert 'data-colour="y"' in page


def test_the_code_fragment_refreshes_for_a_member_and_is_404_for_a_neighbour(family, parent_account):
    client = login(parent_account)
    assert client.get(reverse("portal:member_code", args=[family["child"].pk])).status_code == 200
    assert client.get(reverse("portal:member_code", args=[family["neighbour"].pk])).status_code == 404


def test_the_api_gives_a_token_the_gates_verify(family, parent_account):
    response = Api(parent_account).get(f"/me/residents/{family['child'].pk}/code")
    assert response.status_code == 200
    verified = verify_token(response.json()["token"])
    assert verified.colour == "g"


def test_the_api_refuses_a_neighbours_code_with_404(family, parent_account):
    response = Api(parent_account).get(f"/me/residents/{family['neighbour'].pk}/code")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
