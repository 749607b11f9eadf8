"""Playwright driving Debian's Chromium (installed by scripts/setup.sh) against the live test server."""

import os
import shutil
from pathlib import Path

import pytest

from ..factories import reseed

# Playwright's sync API runs an event loop in this thread; the ORM calls in these tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path():
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Chromium is not installed: run scripts/setup.sh")


@pytest.fixture(autouse=True)
def migration_seed_rows(transactional_db):
    """Every browser test runs on a live server, so transactionally: put back the rows a previous test's flush
    removed (see factories.reseed)."""
    reseed()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def shoot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def login_page(browser, live_server):
    """A new browser context logged in as `user` (through the real login form)."""
    contexts = []

    def open_as(user, viewport=None):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "pass-1234-word")
        page.click("button:has-text('登录')")
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()
