"""What every page shares: one way to write dates and phone numbers, the navigation by role
(a grouped staff menu without the shop's items), where each role lands after signing in,
and form fields that are only marked invalid when they are."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from storefront.formatting import phone, phone_country, when
from tests.storefront.helpers import page as page_text

PASSWORD = "correct horse battery"


def test_one_date_format_with_an_optional_utc_time():
    assert when(date(2026, 1, 9)) == "9 Jan 2026"
    assert when(datetime(2026, 12, 3, 14, 5, tzinfo=timezone.utc)) == "3 Dec 2026"
    assert when(datetime(2026, 12, 3, 14, 5, tzinfo=timezone.utc), time=True) == "3 Dec 2026, 14:05 UTC"
    assert when(datetime(2026, 12, 3, 15, 5, tzinfo=timezone(timedelta(hours=1))), time=True) == "3 Dec 2026, 14:05 UTC"
    assert when(None) == ""


@pytest.mark.parametrize("e164, shown, country", [
    ("+4915123456789", "+49 1512 3456789", "Germany"),
    ("+46701234567", "+46 70 123 45 67", "Sweden"),
    ("+43664123101", "+43 664 123101", "Austria"),
    ("+447700900123", "+44 7700 900123", "United Kingdom"),
])
def test_numbers_in_international_format_with_their_country(e164, shown, country):
    assert phone(e164) == shown
    assert phone_country(e164) == country


@pytest.mark.parametrize("garbled", ["", None, "not a number", "+1", "12345"])
def test_anything_that_is_not_a_number_is_shown_as_it_is(garbled):
    assert phone(garbled) == (garbled or "")
    assert phone_country(garbled) == ""


def _sign_in(app, email, roles):
    from storefront import db
    from storefront.services.accounts import create_user

    from storefront.models.accounts import STAFF_ROLES
    from tests.storefront.helpers import enrol_two_factor, sign_in

    with app.app_context():
        create_user(db.session(), email, PASSWORD, roles)
    if set(roles) & set(STAFF_ROLES):
        enrol_two_factor(app, email)  # staff sign in with a second factor
    client = app.test_client()
    return client, sign_in(client, email, PASSWORD)


@pytest.mark.parametrize("roles, lands_on", [
    (("marketing",), "/staff/copy"),
    (("admin",), "/staff/catalog"),
    (("operations",), "/staff/operations"),
    (("support",), "/staff/support"),
    (("customer",), "/"),
])
def test_each_role_lands_on_its_own_page_after_signing_in(app, roles, lands_on):
    client, response = _sign_in(app, f"{roles[0]}@example.com", roles)
    assert response.status_code == 302 and response.headers["Location"] == lands_on
    assert client.get(lands_on).status_code == 200


def test_a_next_page_still_wins_over_the_staff_page(app):
    from storefront import db
    from storefront.services.accounts import create_user

    with app.app_context():
        create_user(db.session(), "ops@example.com", PASSWORD, ("operations",))
    response = app.test_client().post("/login?next=/faq", data={"email": "ops@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/faq"


def _nav(html: str) -> str:
    return re.search(r'<nav aria-label="Main" class="nav-wide">(.*?)</nav>', html, re.S).group(1)


def test_staff_get_a_grouped_staff_menu_without_the_shop_items(app):
    admin, _ = _sign_in(app, "admin@example.com", ("admin",))
    nav = _nav(page_text(admin.get("/staff/catalog")))
    assert "Pricing" in nav and "Content" in nav and "/staff/catalog/history" in nav and "/staff/copy" in nav
    assert "My numbers" not in nav and "Buy a number" not in nav and "Credits" not in nav
    support, _ = _sign_in(app, "help@example.com", ("support",))
    nav = _nav(page_text(support.get("/staff/support")))
    assert "Service" in nav and "/staff/support" in nav and "/staff/catalog" not in nav and "My numbers" not in nav


def test_customers_get_the_shop_and_their_account_and_a_menu_that_needs_no_javascript(app):
    customer, _ = _sign_in(app, "ada@example.com", ("customer",))
    html = page_text(customer.get("/"))
    nav = _nav(html)
    assert "Buy a number" in nav and "My numbers" in nav and "/staff/" not in nav
    menu = re.search(r'<details class="nav-menu">\s*<summary>Menu</summary>(.*?)</details>', html, re.S).group(1)
    assert "My numbers" in menu and "Sign out" in menu


def test_untouched_fields_are_not_marked_invalid_and_wrong_ones_are(client):
    html = page_text(client.get("/login"))
    assert "None" not in html and "aria-invalid" not in html
    html = page_text(client.post("/signup", data={"email": "not-an-email", "password": "x", "confirm": "y"}))
    assert 'aria-invalid="true"' in html and re.search(r'aria-describedby="[\w-]*-error"', html)
    assert 'aria-describedby="None"' not in html and 'aria-invalid="None"' not in html
