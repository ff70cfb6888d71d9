"""``wangge serve`` really starts: a web server that answers and a background worker beside it."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "wangge"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.fixture
def served(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["WANGGE_VAR_DIR"] = str(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "wangge.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}", process, tmp_path
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=10)


def test_serve_answers_with_the_login_page_and_its_static_files(served):
    base, _, _ = served
    assert wait_for(f"{base}/healthz") == b'{"status": "ok"}'
    login = wait_for(f"{base}/accounts/login/").decode()
    assert "社区网格化疫情防控平台" in login
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', login):
        assert wait_for(base + asset), asset


def test_serve_starts_the_background_worker(served):
    base, process, _ = served
    wait_for(f"{base}/healthz")
    children = subprocess.run(
        ["ps", "-o", "args=", "--ppid", str(process.pid)], capture_output=True, text=True
    ).stdout
    assert "run_huey" in children


def test_no_template_loads_anything_from_another_host():
    # Deployments sit on closed networks: every script, style and image is served by us.
    offenders = []
    for path in SRC.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.name}: {m}" for m in re.findall(r'(?:src|href)="(?:https?:)?//[^"]+"', text)]
    assert offenders == []


def run_huey_children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if "run_huey" in line]


def test_serve_starts_its_worker_again_when_it_dies(served):
    base, process, _ = served
    wait_for(f"{base}/healthz")
    deadline = time.monotonic() + 30
    while not (workers := run_huey_children(process.pid)):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    os.kill(workers[0], 9)
    deadline = time.monotonic() + 30
    while True:
        again = run_huey_children(process.pid)
        if again and again != workers:
            break
        assert time.monotonic() < deadline, "the worker was not started again"
        time.sleep(0.2)
    assert wait_for(f"{base}/healthz") == b'{"status": "ok"}'


def web_processes(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if "run_huey" not in line]


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_serve_with_several_workers_answers_from_several_processes_beside_its_worker(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["WANGGE_VAR_DIR"] = str(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "wangge.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(f"{base}/healthz") == b'{"status": "ok"}'
        assert "社区网格化疫情防控平台" in wait_for(f"{base}/accounts/login/").decode()
        deadline = time.monotonic() + 30
        while len(web_processes(process.pid)) < 2 or not run_huey_children(process.pid):
            assert time.monotonic() < deadline, "two web processes and the worker did not start"
            time.sleep(0.2)
        children = web_processes(process.pid) + run_huey_children(process.pid)
    finally:
        process.terminate()  # the server alone: it stops its web processes and its worker
        process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while alive := [pid for pid in children if running(pid)]:
        assert time.monotonic() < deadline, f"left running: {alive}"
        time.sleep(0.2)
