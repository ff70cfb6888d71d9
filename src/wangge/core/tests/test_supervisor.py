"""The supervisor ``wangge serve`` runs its Huey worker under: restarts, backoff, clean stop."""

import os
import signal
import sys
import time

import pytest

from wangge.core.supervisor import Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def eventually(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def supervise():
    started = []

    def make(command, **options):
        options = {"min_delay": 0.1, "max_delay": 0.8, "poll_seconds": 0.05, "stop_timeout": 2, **options}
        supervisor = Supervisor(command, **options).start()
        started.append(supervisor)
        return supervisor

    yield make
    for supervisor in started:
        supervisor.stop()


def test_a_worker_that_is_killed_is_started_again(supervise):
    said = []
    supervisor = supervise(SLEEPER, say=said.append)
    first = supervisor.pid
    os.kill(first, signal.SIGKILL)
    assert eventually(lambda: supervisor.pid != first and supervisor.process.poll() is None)
    assert supervisor.restarts == 1
    assert any(f"pid {first}" in line and "已退出" in line for line in said)


def test_a_worker_that_keeps_dying_is_restarted_with_growing_delays(supervise):
    supervisor = supervise([sys.executable, "-c", "raise SystemExit(3)"])
    assert eventually(lambda: len(supervisor.delays) >= 5, seconds=20)
    assert supervisor.delays[:5] == [0.1, 0.2, 0.4, 0.8, 0.8]


def test_a_worker_that_ran_a_while_before_dying_is_restarted_at_once(supervise):
    supervisor = supervise(SLEEPER, stable_after=0.3)
    supervisor._delay = 0.8  # as after several quick deaths
    time.sleep(0.5)
    os.kill(supervisor.pid, signal.SIGKILL)
    assert eventually(lambda: supervisor.delays == [0.1])


def test_stop_ends_the_worker_and_restarts_nothing(supervise):
    supervisor = supervise(SLEEPER)
    process = supervisor.process
    supervisor.stop()
    assert process.poll() is not None
    time.sleep(0.3)
    assert supervisor.process is process
    assert supervisor.restarts == 0


def test_stop_kills_a_worker_that_ignores_sigterm(supervise):
    stubborn = [sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                                      "print('ready', flush=True); time.sleep(60)"]
    supervisor = supervise(stubborn, stop_timeout=0.5)
    time.sleep(0.5)
    started = time.monotonic()
    supervisor.stop()
    assert supervisor.process.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 5
