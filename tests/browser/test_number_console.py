"""A number's page in the browser: a message the gateway reports appears without a reload
(with its code to copy), a sent message turns delivered when the gateway says so, a
forward reaches a local receiver, and the page fits a phone without sideways scrolling."""
import pytest

from storefront import db
from storefront.models import Rental
from storefront.models.messages import Message
from storefront.services import messages as message_service
from storefront.services import outbox
from storefront.formatting import phone
from tests.browser.pages import open_my_numbers
from tests.storefront.messaging import Receiver, receive
from tests.storefront.rental_factory import rent

pytestmark = pytest.mark.browser


def open_number_page(page, live_server, e164: str) -> None:
    open_my_numbers(page, live_server)
    page.get_by_role("link", name=phone(e164)).click()
    page.get_by_role("heading", name=e164).wait_for()


def test_a_reported_message_appears_on_the_open_page_without_a_reload(stocked_app, page, live_server, sign_in):
    sign_in(page, "ada@example.com")
    rented = rent(stocked_app, "ada@example.com")
    open_number_page(page, live_server, rented.e164)
    page.get_by_test_id("no-messages").wait_for()
    page.evaluate("window.stayedOnThisPage = true")

    receive(stocked_app, rented.id, "Your ACME code is 482913", sender="ACME")
    page.get_by_text("Your ACME code is 482913").wait_for(timeout=10_000)
    assert page.evaluate("window.stayedOnThisPage") is True  # no reload happened
    assert page.get_by_test_id("code").inner_text() == "482913"
    assert page.get_by_role("button", name="Copy code").is_visible()


def test_a_sent_message_shows_delivered_once_the_gateway_reports_it(stocked_app, page, live_server, sign_in):
    sign_in(page, "ada@example.com")
    rented = rent(stocked_app, "ada@example.com")
    open_number_page(page, live_server, rented.e164)
    page.get_by_label("To", exact=True).fill("+49 151 23456789")
    page.get_by_label("Message", exact=True).fill("Привет")
    page.get_by_test_id("counter").filter(has_text="UCS-2").wait_for()
    page.get_by_role("button", name="Send").click()
    page.get_by_text("is queued").wait_for()
    assert page.get_by_test_id("message-status").inner_text() == "queued"
    page.evaluate("window.stayedOnThisPage = true")

    with stocked_app.app_context():
        session = db.session()
        message = session.query(Message).filter_by(rental_id=rented.id).one()
        gateway = session.get(Rental, rented.id).number.gateway
        message_service.mark_sent(session, gateway, message.id)
        message_service.mark_delivered(session, gateway, message.id)
    page.get_by_test_id("message-status").filter(has_text="delivered").wait_for(timeout=10_000)
    assert page.evaluate("window.stayedOnThisPage") is True


def test_a_forward_reaches_a_local_receiver(stocked_app, page, live_server, sign_in, clock):
    receiver = Receiver()
    try:
        sign_in(page, "ada@example.com")
        rented = rent(stocked_app, "ada@example.com")
        open_number_page(page, live_server, rented.e164)
        page.get_by_label("Webhook address (HTTPS)").fill(receiver.url)
        page.get_by_role("button", name="Save forwarding").click()
        page.get_by_text("Forwarding is saved.").wait_for()
        secret = page.get_by_test_id("signing-secret").inner_text()
        page.get_by_role("button", name="Send a test").click()
        page.get_by_text("A test message is on its way").wait_for()
        receive(stocked_app, rented.id, "Forward me", sender="ACME")
        with stocked_app.app_context():
            outbox.deliver_due(db.session(), clock.now())
        events = receiver.events(secret)
        assert sorted(event["type"] for event in events) == ["forwarding.test", "message.received"]
        page.reload()
        assert page.get_by_test_id("deliveries").locator("tbody tr").count() == 2
        assert page.get_by_test_id("deliveries").get_by_text("delivered").count() == 2
    finally:
        receiver.stop()


@pytest.mark.parametrize("width", [360, 768, 1280])
def test_the_page_fits_without_sideways_scrolling(stocked_app, page, live_server, sign_in, width):
    sign_in(page, "ada@example.com")
    rented = rent(stocked_app, "ada@example.com")
    receive(stocked_app, rented.id, "A long message " * 30 + "https://example.com/" + "x" * 80, sender="ACME")
    page.set_viewport_size({"width": width, "height": 900})
    open_number_page(page, live_server, rented.e164)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
