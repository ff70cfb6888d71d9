"""Rate limits: a fixed-window counter per (throttle, subject) in Django's cache.

With ``REDIS_URL`` the counters are shared by every process and machine; with the in-memory
cache each process counts for itself, which is still a firm ceiling per process.  Subjects
(client addresses, link ids) are hashed, so the cache holds no personal data.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Throttle:
    name: str
    setting: str  # names a ``(limit, seconds)`` setting, read at each call

    @property
    def limit(self) -> int:
        return getattr(settings, self.setting)[0]

    @property
    def window(self) -> int:
        return getattr(settings, self.setting)[1]

    def _key(self, subject: object) -> str:
        window = self.window
        digest = hashlib.sha256(str(subject).encode()).hexdigest()[:32]
        return f"wangge:throttle:{self.name}:{window}:{int(time.time()) // window}:{digest}"

    def hit(self, subject: object) -> int:
        """Count one event for ``subject``; returns the count in the current window."""
        key = self._key(subject)
        if cache.add(key, 1, timeout=self.window):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.window)
            return 1

    def exhausted(self, subject: object) -> bool:
        """Whether ``subject`` has used up this window's allowance."""
        return (cache.get(self._key(subject)) or 0) >= self.limit
