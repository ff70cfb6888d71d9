"""Headless Chromium (Debian's ``chromium``) driven by Playwright's sync API against live_server."""

import contextlib
import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a thread
# with a running loop unless told it is safe.  The test itself is synchronous, so it is.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium_browser):
    """A factory of pages, each in its own browser context (its own cookies): one per user."""
    contexts = []

    def make(**context_options):
        context = chromium_browser.new_context(locale="zh-CN", **context_options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        # Let requests in flight finish first: a page still loading (a fragment, a poll) when the
        # test ends would be served while the test database is flushed, and lock it on SQLite.
        for page in context.pages:
            with contextlib.suppress(Exception):  # a page that never settles is closed anyway
                page.wait_for_load_state("networkidle", timeout=5_000)
        context.close()


@pytest.fixture(autouse=True)
def _empty_the_audit_log_for_the_flush(transactional_db):
    """A transactional test ends by flushing every table.  On SQLite the flush is DELETE, which the
    audit log's append-only trigger refuses (PostgreSQL flushes with TRUNCATE, which a row trigger
    does not see).  Empty the log with the trigger lifted for that one statement, then restore it."""
    yield
    from importlib import import_module

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    trigger = import_module("wangge.audit.migrations.0002_append_only_trigger").SQLITE_FORWARD[1]
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        cursor.execute("DELETE FROM audit_auditentry")
        cursor.execute(trigger)
