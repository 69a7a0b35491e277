"""Browser tests: Playwright drives Debian's chromium (no browser is downloaded)."""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.management.commands.bootstrap import FIXTURES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(
        reason="chromium is not installed (apt-get install chromium); .ci/run installs it"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while the browser is
    # open; the ORM calls the tests make (fixtures, flushes) are still plain synchronous calls,
    # which Django must be told to allow.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def log_in(django_user_model):
    """Return what logs a page into the admin of a live site as a new superuser."""

    def log_in(page, site):
        django_user_model.objects.create_superuser("bientap", password="mat-khau-thu-2")
        page.goto(site.url + reverse("admin:login"))
        page.fill("#id_username", "bientap")
        page.fill("#id_password", "mat-khau-thu-2")
        page.locator("input[type=submit]").click()
        page.wait_for_url(re.compile("/admin/$"))

    return log_in


@pytest.fixture
def demo_site(transactional_db, live_server):
    call_command("loaddata", FIXTURES / "reference.json", FIXTURES / "demo.json", verbosity=0)
    return live_server


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
