"""Hooks: a lower app announces, the apps above it subscribe, and nothing is imported upwards."""

import pytest

from wangge.core.hooks import Hook
from wangge.health.hooks import case_confirmed
from wangge.tracing.services import open_investigation_on_confirmed


def test_receivers_are_called_in_the_order_they_connected_with_the_declared_arguments():
    hook = Hook("test.happened", args=("what",))
    heard = []
    hook.connect(lambda *, what: heard.append(("first", what)))
    hook.connect(lambda *, what: heard.append(("second", what)))
    hook.send(what="it")
    assert heard == [("first", "it"), ("second", "it")]


def test_asking_returns_each_receivers_answer_in_order():
    hook = Hook("test.asked", args=("n",))
    hook.connect(lambda *, n: n + 1)
    hook.connect(lambda *, n: n * 10)
    assert hook.ask(n=2) == [3, 20]
    with pytest.raises(TypeError):
        hook.ask(m=2)


def test_a_hook_refuses_arguments_it_did_not_declare():
    hook = Hook("test.happened", args=("what",))
    with pytest.raises(TypeError):
        hook.send(what="it", extra=1)
    with pytest.raises(TypeError):
        hook.send()


def test_a_receivers_error_reaches_the_sender():
    hook = Hook("test.happened", args=("what",))

    def fails(*, what):
        raise RuntimeError(what)

    hook.connect(fails)
    with pytest.raises(RuntimeError):
        hook.send(what="refused")


def test_connecting_twice_calls_once_and_a_receiver_can_leave():
    hook = Hook("test.happened", args=("what",))
    heard = []

    def listen(*, what):
        heard.append(what)

    hook.connect(listen)
    hook.connect(listen)
    hook.send(what="once")
    hook.disconnect(listen)
    hook.send(what="not heard")
    assert heard == ["once"]


def test_tracing_opens_an_investigation_when_health_confirms_a_case():
    assert open_investigation_on_confirmed in case_confirmed.receivers
