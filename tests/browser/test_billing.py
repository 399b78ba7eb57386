"""The billing pages in the browser: filters, a document, and no sideways scrolling on a
phone, a tablet or a desktop."""
import pytest

from sqlalchemy import select

from pricing import Money
from storefront import db
from storefront.models import User
from storefront.services import credits
from tests.storefront.helpers import give_credits

pytestmark = pytest.mark.browser


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_billing_history_filter_and_invoice_fit_every_width(stocked_app, page, live_server, sign_in):
    sign_in(page, "payer@example.com")
    give_credits(stocked_app, "payer@example.com", "50.00")
    with stocked_app.app_context():
        session = db.session()
        user_id = session.scalar(select(User.id).where(User.email == "payer@example.com"))
        with db.transaction(session):
            credits.book(session, user_id, Money.eur("-23.00"), "purchase", "purchase:browser",
                         "+49 30 1234567: 6-month bundle", reference="+49 30 1234567",
                         lines=[("+49 30 1234567: 6-month bundle", Money.eur("23.00"))])
    for width in (360, 768, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server + "/billing")
        assert page.get_by_test_id("balance").inner_text() == "€27.00"
        assert fits(page), f"/billing scrolls sideways at {width} px"
    page.get_by_label("Purchase").check()
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**kind=purchase**")
    assert "Welcome" not in page.get_by_test_id("history").inner_text()
    page.get_by_role("link", name="Invoice").click()
    assert page.get_by_test_id("total").inner_text() == "€23.00"
    for width in (360, 768, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert fits(page), f"the invoice scrolls sideways at {width} px"
    page.goto(live_server + "/account/billing-details")
    page.get_by_label("VAT ID (optional)").fill("DE000")
    page.get_by_role("button", name="Save").click()
    assert "not a valid EU VAT ID" in page.locator(".field-error").first.inner_text() or \
        "not a valid EU VAT ID" in page.content()
