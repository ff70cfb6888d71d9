import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from wangge.core.errors import Conflict, Forbidden, NotFound
from wangge.core.views import flash_outcome, not_found_as_404


@pytest.fixture
def request_with_messages():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_successful_call_returns_its_result_and_says_so(request_with_messages):
    assert flash_outcome(request_with_messages, lambda: 42, success="已保存") == 42
    assert [str(m) for m in get_messages(request_with_messages)] == ["已保存"]


def test_a_refusal_becomes_an_error_message(request_with_messages):
    def refuse():
        raise Conflict("房间已满")

    assert flash_outcome(request_with_messages, refuse, success="已保存") is None
    assert [(m.level_tag, str(m)) for m in get_messages(request_with_messages)] == [("error", "房间已满")]


def test_not_found_passes_through_so_the_page_answers_404(request_with_messages):
    def missing():
        raise NotFound("未找到")

    with pytest.raises(NotFound):
        flash_outcome(request_with_messages, missing, success="已保存")
    assert list(get_messages(request_with_messages)) == []


def test_forbidden_passes_through_so_the_page_answers_403(request_with_messages):
    def refuse_role():
        raise Forbidden("您的角色不能解除隔离")

    with pytest.raises(Forbidden):
        flash_outcome(request_with_messages, refuse_role, success="已保存")
    assert list(get_messages(request_with_messages)) == []


def test_a_page_answers_403_with_the_message_when_a_service_refuses_the_role(request_with_messages, db):
    from django.contrib.auth.models import AnonymousUser

    def refuse_role():
        raise Forbidden("您的角色不能解除隔离")

    @not_found_as_404
    def view(request):
        flash_outcome(request, refuse_role, success="已保存")

    request_with_messages.user = AnonymousUser()
    response = view(request_with_messages)
    assert response.status_code == 403
    assert "您的角色不能解除隔离" in response.content.decode()
