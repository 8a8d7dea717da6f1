"""Browser-test support shared by the journeys in tests/: Playwright driving Debian's Chromium
(/usr/bin/chromium; Playwright never downloads a browser), a fresh context per page, and the
sign-in step. Each test module provides a `browser_data` fixture that commits what its
journeys need before the browser starts."""

import os
from pathlib import Path

import pytest
from django.db import connections

from conftest import skip_or_fail

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # chromium_installed reports it: skip, or fail under REQUIRE_SERVICES=1
    sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000  # a page of this app renders in well under a second; fail fast, not after 30 s


@pytest.fixture(scope="module")
def chromium_installed():
    """Checked before anything else, so a missing browser costs no demo data."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install chromium)")
    if sync_playwright is None:
        skip_or_fail("the playwright package is not installed")


@pytest.fixture
def browser(chromium_installed, browser_data):
    """A headless Chromium, started once the test's data (`browser_data`) is committed.

    Function scope on purpose: Playwright's sync API keeps an asyncio loop running in this
    thread, and while it runs, Django (through asgiref) hands this thread a second set of
    database connections, without the serialized test data. Started per test, after the
    database set-up and stopped before its flush, the loop never sees the test database
    machinery; the launch costs about a second."""
    # Django refuses ORM calls from a thread with a running event loop; a test body may still
    # want to look at the database.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                yield chromium
            finally:
                chromium.close()
                connections.close_all()  # only those opened while the loop ran
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (no cookies shared between tests)."""

    def _new_page(**context_options):
        # Indonesian is the product's language; LocaleMiddleware would otherwise follow
        # Chromium's en-US Accept-Language and show the English translation.
        context_options.setdefault("locale", "id-ID")
        context = browser.new_context(base_url=live_server.url, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        return context.new_page()

    return _new_page
