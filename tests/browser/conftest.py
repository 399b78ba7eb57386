"""Real headless Chromium (Debian's, or CHROMIUM_PATH) driving a live server.

Without a Chromium these tests are skipped, unless REQUIRE_BROWSER=1 (as in CI),
where a missing browser is a failure.
"""
import os
import shutil

import pytest

from tests.browser import pages

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if not path:
        message = "no Chromium found: install Debian's chromium or set CHROMIUM_PATH"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(app, live_server):
    """Create an account with `roles` and sign it in on `page`; returns the e-mail."""
    from storefront import db
    from storefront.services.accounts import create_user

    def sign_in_as(page, email: str, roles=("customer",), password: str = pages.PASSWORD) -> str:
        from storefront.models import STAFF_ROLES
        from tests.storefront.helpers import enrol_two_factor

        with app.app_context():
            create_user(db.session(), email, password, roles)
        if set(roles) & set(STAFF_ROLES):
            enrol_two_factor(app, email)  # staff must have two-factor sign-in
        pages.sign_in(page, live_server, email, password)
        return email

    return sign_in_as
