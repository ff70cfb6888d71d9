import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from wangge.accounts.models import Role
from wangge.accounts.services import api_token_issue
from wangge.core.testing.factories import make_user
from wangge.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def tokens(city, grid_worker):
    commander = make_user("cmd_city", Role.COMMAND, ["420100000000"], display_name="市指挥部")
    return [api_token_issue(user=grid_worker), api_token_issue(user=commander)]


@schema.parametrize()
@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api(case, tokens):
    for token in tokens:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
