"""Keeps a child process running: ``wangge serve`` uses it for the Huey worker.

A worker that dies (killed, out of memory, a crash in a native library) would otherwise leave every
later import queued for ever and stop the five-minute alert jobs.  The supervisor starts it again,
waiting longer after each quick death (1 s, 2 s, 4 s ... up to a minute) so a worker that cannot
start does not spin, and logs every exit and restart.  ``stop`` ends it cleanly.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import threading
import time
from collections.abc import Callable, Sequence

log = logging.getLogger("wangge.serve")


class Supervisor:
    def __init__(
        self, command: Sequence[str], *, name: str = "后台任务进程", min_delay: float = 1.0, max_delay: float = 60.0,
        stable_after: float = 60.0, poll_seconds: float = 0.5, stop_timeout: float = 10.0,
        say: Callable[[str], None] | None = None,
    ):
        self.command = list(command)
        self.name = name
        self.min_delay, self.max_delay, self.stable_after = min_delay, max_delay, stable_after
        self.poll_seconds, self.stop_timeout = poll_seconds, stop_timeout
        self.say = say or (lambda message: None)
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self.delays: list[float] = []
        self._delay = min_delay
        self._started_at = 0.0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="wangge-supervisor", daemon=True)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> Supervisor:
        self._spawn()
        self._thread.start()
        return self

    def _spawn(self) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            self.process = subprocess.Popen(self.command)
            self._started_at = time.monotonic()
        self._tell(logging.INFO, f"{self.name}已启动（pid {self.process.pid}）")

    def _tell(self, level: int, message: str) -> None:
        log.log(level, message)
        with contextlib.suppress(Exception):  # the console may be gone; the log has it
            self.say(message)

    def _watch(self) -> None:
        while not self._stopping.wait(self.poll_seconds):
            process = self.process
            if process is None or process.poll() is None:
                continue
            lived = time.monotonic() - self._started_at
            self._delay = self.min_delay if lived >= self.stable_after else self._delay
            delay = self._delay
            self._delay = min(self._delay * 2, self.max_delay)
            self.delays.append(delay)
            self._tell(logging.ERROR, f"{self.name}（pid {process.pid}）已退出，退出码 {process.returncode}，"
                                      f"运行 {lived:.0f} 秒；{delay:.0f} 秒后重新启动")
            if self._stopping.wait(delay):
                return
            self.restarts += 1
            self._spawn()

    def stop(self) -> None:
        """Stop watching, then end the process: SIGTERM, and SIGKILL if it has not ended in time."""
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self._tell(logging.WARNING,
                           f"{self.name}（pid {process.pid}）未在 {self.stop_timeout:.0f} 秒内退出，强制结束")
                process.kill()
                process.wait()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=self.poll_seconds * 4 + 1)
