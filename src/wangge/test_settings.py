"""Settings for the test suite: the real settings, with the task queue run inline."""

from wangge.settings import *  # noqa: F403

HUEY = {**HUEY, "immediate": True}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast fixtures; never in production
# Tests reuse ids across rolled-back transactions: a remembered shift must not outlive its test.
WANGGE_GATE_ACCESS_SECONDS = 0.0
