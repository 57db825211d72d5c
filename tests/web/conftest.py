"""Browser tests of the web UI: Debian's Chromium driven by Playwright (no browser download),
against daphne and a Celery worker on the test database, with the offline fake LLM.

Screenshots of the main pages go to ``artifacts/screenshots/`` (CI keeps them).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("MOJODEX_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 375, "height": 740}
TIMEOUT_MS = 20_000

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo"


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One headless Chromium per test module (each test gets its own context); per module, so the
    async-safety switch below never outlives the browser tests."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the tests' own ORM calls are plain
    # synchronous code, so Django's async-safety guard would refuse them without this.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    manager = sync_playwright().start()
    browser = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        yield browser
    finally:
        browser.close()
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class BrowserErrors:
    """Uncaught page errors and console errors: a page must never show a stack trace or crash."""

    def __init__(self) -> None:
        self.page_errors: list[str] = []
        self.console: list[str] = []

    def attach(self, page) -> None:  # type: ignore[no-untyped-def]
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


@pytest.fixture
def context(chromium, daphne_server, browser_errors) -> Iterator[object]:
    """A fresh browser profile (empty localStorage) whose relative URLs go to the test server."""
    ctx = chromium.new_context(base_url=daphne_server, viewport=DESKTOP)  # type: ignore[attr-defined]
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=daphne_server)
    try:
        yield ctx
    finally:
        ctx.close()
    assert browser_errors.page_errors == [], browser_errors.page_errors


@pytest.fixture
def page(context, browser_errors, request):  # type: ignore[no-untyped-def]
    """A page of the context; its last state is saved as ``last-<test>.png`` (to see a failure)."""
    page = context.new_page()
    browser_errors.attach(page)
    page.on("console", lambda message: message.type == "error" and browser_errors.console.append(message.text))
    yield page
    with contextlib.suppress(Exception):  # a closed page has nothing to show
        page.screenshot(path=str(SCREENSHOTS / f"last-{request.node.name}.png"), full_page=True)
        events = page.evaluate("window.mojodexSocket ? window.mojodexSocket.log : []")
        (SCREENSHOTS / f"last-{request.node.name}.events.json").write_text(json.dumps(events, indent=1))


@pytest.fixture
def worker_env() -> dict[str, str]:
    """Stream the fake LLM's tokens slowly enough to watch them arrive."""
    return {"MOJODEX_FAKE_LLM_TOKEN_DELAY_MS": "30"}


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    """The demo data of ``manage.py seed_demo`` (demo@example.com / demo, the bundled tasks)."""
    import importlib

    from django.core.management import call_command
    from django.db import connection

    from apps.catalog.models import Platform, TextType
    from apps.llm import fake

    # an earlier transactional test's flush removed the migrations' reference rows: put them back
    reference = importlib.import_module("apps.catalog.migrations.0002_reference_data")
    reference.seed_named_rows(Platform, reference.PLATFORMS, connection)
    reference.seed_named_rows(TextType, reference.TEXT_TYPES, connection)
    fake.clear_script()
    call_command("seed_demo", verbosity=0)
    yield
    fake.clear_script()


UNLABELLED_CONTROLS = """() => [...document.querySelectorAll("input, select, textarea, button, a[href]")]
  .filter((el) => el.offsetParent !== null && el.type !== "hidden")
  .filter((el) => !(
    (el.labels && el.labels.length) || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")
    || ((el.tagName === "BUTTON" || el.tagName === "A") && el.textContent.trim())
  ))
  .map((el) => el.outerHTML.slice(0, 120))"""


def screenshot(page, name: str, *, phone: bool = False) -> Path:  # type: ignore[no-untyped-def]
    """Save ``artifacts/screenshots/<name>.png`` (full page); ``phone`` shoots it at 375 px wide.
    Every visible control of the page must have an accessible name."""
    assert page.evaluate(UNLABELLED_CONTROLS) == [], f"{name}: controls without a label"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if phone:
        size = page.viewport_size
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(150)
        page.screenshot(path=str(path), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size(size)
        assert overflow <= PHONE["width"], f"{name}: the page is {overflow}px wide at phone width"
    else:
        page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto("/app/login/")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/app/")
