import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from wangge.core.errors import Conflict, NotFound
from wangge.core.views import flash_outcome


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
