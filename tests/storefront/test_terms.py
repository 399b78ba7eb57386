"""Issue 15: every commitment said before the customer commits — the review page and the
API's buy answer, the confirmation page and e-mail, giving back, and the unused return
after an extend (SPEC §2 rule 8)."""
import re
from datetime import timedelta
from html import unescape

from sqlalchemy import select

from storefront.formatting import when
from storefront import clock as storefront_clock, db
from storefront.mail import sent_messages
from storefront.models import Rental
from storefront.services import outbox
from tests.storefront.helpers import api_for, checkout_token, credits_of, first_number_id, give_credits
from tests.storefront.rental_factory import rent

LONG_6 = "country=DE&kind=long&tier_months=6"


def words(response) -> str:
    """The page's text without tags, spaces collapsed: what a reader sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", unescape(response.get_data(as_text=True)))).replace(" .", ".")


def deliver(app):
    with app.app_context():
        outbox.deliver_due(db.session(), storefront_clock.now() + timedelta(seconds=1))
    return sent_messages(app.config["MAIL_DIR"])


def the_rental(app, rental_id: int) -> Rental:
    with app.app_context():
        found = db.session().get(Rental, rental_id)
        found.number
        return found


# 1. Review and pay ------------------------------------------------------------------------

def test_the_review_page_states_every_commitment_before_paying(customers, stocked_app, clock):
    client = customers.signed_in(credits="50.00")
    number = first_number_id(client, LONG_6)
    today = clock.now()
    review = words(client.get(f"/buy/review?{LONG_6}&number={number}"))
    paid_until = today.replace(month=(today.month + 5) % 12 + 1, year=today.year + (today.month + 5) // 12)
    assert "Due now €23.00 from your credits" in review
    assert f"Starts {when(today)}" in review
    assert f"Paid until {when(paid_until)}" in review
    assert "Credits after paying €27.00" in review
    # Auto-renew: a visible choice, on by default, with what it costs (6 months held: 1 % loyalty) and when.
    assert re.search(r'<input checked id="auto_renew" name="auto_renew" type="checkbox"', client.get(
        f"/buy/review?{LONG_6}&number={number}").get_data(as_text=True))
    assert f"Renew automatically on {when(paid_until)} for €23.00" in review
    assert "1 % loyalty discount" in review and "rounding to whole euros leaves this bundle at €23.00" in review
    # The unused return with this customer's next fee, and what giving back means.
    assert f"until {when(today + timedelta(hours=24), time=True)} and get €23.00 back" in review
    assert "no return fee; the setup fee is kept" in review
    assert "refunds nothing of the paid time" in review and "30 days" in review


def test_the_review_page_names_the_next_return_fee_of_a_customer_who_returned_before(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    earlier = rent(stocked_app, "ada@example.com", "DE", hours_ago=2)
    page = unescape(client.get(f"/numbers/{earlier.id}/return").get_data(as_text=True))
    seen = re.search(r'name="seen_total" value="([^"]+)"', page).group(1)
    client.post(f"/numbers/{earlier.id}/return", data={"seen_total": seen})
    number = first_number_id(client, LONG_6)
    review = words(client.get(f"/buy/review?{LONG_6}&number={number}"))
    assert "get €20.70 back" in review and "your next return fee of 10 % (1 return in the last 90 days)" in review


def test_auto_renew_unticked_at_checkout_is_off(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    number = first_number_id(client, LONG_6)
    token = checkout_token(client, f"{LONG_6}&number={number}")
    done = client.post("/buy/checkout", data={"token": token, "auto_renew_offered": "1"})
    rental_id = int(done.headers["Location"].rsplit("/", 1)[1])
    assert the_rental(stocked_app, rental_id).auto_renew is False
    assert "Automatic renewal is off" in words(client.get(done.headers["Location"]))


def test_the_wizard_shows_the_subscription_price_and_proration_before_sign_in(client, stocked_app):
    option = words(client.get("/buy?country=FR&kind=short"))
    assert re.search(r"Monthly subscription , €[\d.]+ a month", option)
    assert "÷ 30 × the days left, counting today" in option and "charged on the 1st of each month" in option


def test_a_subscription_review_says_today_then_each_first(customers):
    client = customers.signed_in()
    number = first_number_id(client, "country=FR&kind=short&billing=subscription")
    review = words(client.get(f"/buy/review?country=FR&kind=short&billing=subscription&number={number}"))
    assert re.search(r"€[\d.]+ today, then €[\d.]+ on the 1st of each month, starting 1 ", review)


def test_the_api_buy_answer_carries_the_terms(stocked_app, clock):
    api = api_for(stocked_app, "api@example.com", credits="50.00")
    answer = api.post("/numbers", {"country": "DE", "kind": "long", "tier_months": 6, "auto_renew": False})
    assert answer.status_code == 201
    terms = answer.get_json()["terms"]
    assert terms["total_due_now"] == "23.00" and terms["balance_after"] == "27.00"
    assert terms["auto_renew"]["on"] is False and terms["auto_renew"]["estimated_total"] == "23.00"
    assert terms["unused_return"] == {"until": (clock.now() + timedelta(hours=24)).isoformat(), "fee_percent": "0",
                                      "refund": "23.00"}
    assert "30 days" in terms["give_back"]
    assert answer.get_json()["auto_renew"] is False
    bad = api.post("/numbers", {"country": "DE", "kind": "long", "tier_months": 3, "auto_renew": "yes"})
    assert bad.status_code == 422 and "auto_renew" in bad.get_data(as_text=True)


# 2. Confirmation page and e-mail ------------------------------------------------------------

def test_the_confirmation_page_and_email_say_what_renews_and_how_to_return(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    number = first_number_id(client, LONG_6)
    token = checkout_token(client, f"{LONG_6}&number={number}")
    done = client.post("/buy/checkout", data={"token": token})
    rental = the_rental(stocked_app, int(done.headers["Location"].rsplit("/", 1)[1]))
    page = words(client.get(done.headers["Location"]))
    assert f"a long-term number, 6-month bundle, paid until {when(rental.paid_through)}" in page
    assert f"Renews automatically on {when(rental.paid_through)}, the same 6-month bundle for €23.00" in page
    assert "Return it unused" in page and "Go to the number" in page and "Back to the home page" not in page
    (mail,) = [m for m in deliver(stocked_app) if "your terms" in m["Subject"]]
    text = mail.get_content()
    assert f"Paid until: {when(rental.paid_through)}." in text
    assert "What renews: on" in text and "6-month bundle for €23.00" in text
    assert f"until {when(rental.started_at + timedelta(hours=24), time=True)}" in text
    assert f"Go to the number: http://localhost/numbers#number-{rental.id}" in text
    # A double submit sends one e-mail.
    client.post("/buy/checkout", data={"token": token})
    assert len([m for m in deliver(stocked_app) if "your terms" in m["Subject"]]) == 1


# 3. Give back ---------------------------------------------------------------------------------

def test_giving_back_a_returnable_number_offers_the_unused_return_first(customers, stocked_app):
    client = customers.signed_in()
    fresh = rent(stocked_app, "ada@example.com", "DE", hours_ago=2, bundle_paid="16.00")
    page = words(client.get(f"/numbers?rental={fresh.id}"))
    offer, forfeit = page.index("Return it unused and get €16.00 back"), page.index("are forfeited")
    assert offer < forfeit and "refunds nothing" in page


def test_giving_back_states_the_paid_days_and_amount_forfeited(customers, stocked_app, clock):
    client = customers.signed_in()
    old = rent(stocked_app, "ada@example.com", "DE", months_ago=1, tier_months=3, bundle_paid="16.00")
    held = the_rental(stocked_app, old.id)
    days_left = (held.paid_through - clock.now()).days
    paid_days = (held.paid_through - held.started_at).days
    worth = f"{16 * days_left / paid_days:.2f}"
    html = client.get(f"/numbers?rental={old.id}").get_data(as_text=True)
    assert f"{days_left} paid days (until {when(held.paid_through)}) worth €{worth} are forfeited" in words(
        client.get(f"/numbers?rental={old.id}"))
    assert 'class="button danger">Yes, give back 1 number' in html


def test_giving_back_with_nothing_selected_says_so(customers, stocked_app):
    client = customers.signed_in()
    rent(stocked_app, "ada@example.com", "DE")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/numbers").get_data(as_text=True))
    answer = client.post("/numbers/unrent", data={"csrf_token": csrf.group(1) if csrf else ""}, follow_redirects=True)
    assert "Nothing was selected" in words(answer)


def test_the_api_states_the_forfeit_before_and_when_giving_back(stocked_app):
    api = api_for(stocked_app, "api@example.com")
    old = rent(stocked_app, "api@example.com", "DE", months_ago=1)
    shown = api.get(f"/numbers/{old.id}").get_json()["give_back"]
    assert shown["refund"] == "0.00" and shown["days_forfeited"] > 50
    given = api.delete(f"/numbers/{old.id}").get_json()["given_back"]
    assert given["forfeited"] == shown["forfeited"]
    fresh = rent(stocked_app, "api@example.com", "DE", hours_ago=1, bundle_paid="16.00")
    assert api.get(f"/numbers/{fresh.id}").get_json()["give_back"]["instead_return_unused_for"] == "16.00"


# 7. Unused return after an extend (rule 8) -----------------------------------------------------------

def test_purchase_extend_in_the_first_day_then_unused_return_refunds_both_bundles(customers, stocked_app):
    """The whole story on the web: buy 3 months (€16 + setup fee), extend by 6 (€23) the same
    day, return it unused: €39 back, the setup fee kept."""
    client = customers.signed_in(credits="100.00")
    query = "country=DE&kind=long&tier_months=3"
    number = first_number_id(client, query)
    done = client.post("/buy/checkout", data={"token": checkout_token(client, f"{query}&number={number}")})
    rental_id = int(done.headers["Location"].rsplit("/", 1)[1])
    after_purchase = credits_of(stocked_app, "ada@example.com")
    extend_page = unescape(client.get(f"/numbers/{rental_id}/extend?tier_months=6").get_data(as_text=True))
    key = re.search(r'id="key" name="key" type="hidden" value="([^"]+)"', extend_page).group(1)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', extend_page)
    extend = {"tier_months": 6, "seen_total": "23.00", "key": key}
    if csrf:
        extend["csrf_token"] = csrf.group(1)
    assert client.post(f"/numbers/{rental_id}/extend", data=extend).status_code == 302
    page = words(client.get(f"/numbers/{rental_id}/return"))
    assert "Paid for the 3-month bundle €16.00" in page and "Paid to extend by 6 months €23.00" in page
    assert "Return it and refund €39.00" in page
    assert client.post(f"/numbers/{rental_id}/return", data={"seen_total": "39.00"}).status_code == 302
    assert credits_of(stocked_app, "ada@example.com") == f"{float(after_purchase) - 23 + 39:.2f}"
    assert the_rental(stocked_app, rental_id).status == "returned"


def test_the_api_refunds_every_bundle_less_the_fee_after_an_extend(stocked_app):
    api = api_for(stocked_app, "api@example.com", credits="200.00")
    give_credits(stocked_app, "api@example.com", "0.00") if False else None
    earlier = rent(stocked_app, "api@example.com", "DE", hours_ago=5, bundle_paid="16.00")
    assert api.post(f"/numbers/{earlier.id}/return", {}).status_code == 200  # one earlier return: 10 % next
    bought = api.post("/numbers", {"country": "DE", "kind": "long", "tier_months": 3}).get_json()
    api.post(f"/numbers/{bought['id']}/extend", {"tier_months": 12}, key="x1")
    assert api.get(f"/numbers/{bought['id']}").get_json()["unused_return"]["refund"] == "45.00"  # (16 + 34) − 10 %
    answer = api.post(f"/numbers/{bought['id']}/return", {"expected_refund": "45.00"})
    assert answer.status_code == 200 and answer.get_json()["refunded"] == "45.00"
    with stocked_app.app_context():
        assert db.session().scalar(select(Rental.status).where(Rental.id == bought["id"])) == "returned"


# 4. Extend --------------------------------------------------------------------------------------

def test_the_extend_page_shows_the_new_date_both_prices_and_honest_loyalty(customers, stocked_app, clock):
    from storefront.services.purchases import add_months
    client = customers.signed_in(credits="100.00")
    held = rent(stocked_app, "ada@example.com", "DE", months_ago=13, tier_months=12,
                paid_through=clock.now() + timedelta(days=5))
    paid_through = the_rental(stocked_app, held.id).paid_through
    long = words(client.get(f"/numbers/{held.id}/extend?tier_months=12"))
    assert f"Paid until {when(add_months(paid_through, 12))} after this extend" in long
    assert "12-month bundle, list price €34.00 €2.83 You pay €33.00 €2.75" in long
    assert "€34.00 − 2 % = €33.32, rounded to whole euros: €33.00" in long
    # On the 3-month bundle the 2 % (€0.32) disappears in the rounding: said, not hidden.
    short = words(client.get(f"/numbers/{held.id}/extend?tier_months=3"))
    assert "€16.00 − 2 % = €15.68, which rounds back to €16.00. On this bundle the discount is absorbed" in short


def test_a_legacy_extend_shows_the_old_renewal_beside_the_bundle(customers, stocked_app):
    client = customers.signed_in(credits="100.00")
    legacy = rent(stocked_app, "ada@example.com", "DE", legacy=("6.00", 3, "0"), months_ago=1)
    page = words(client.get(f"/numbers/{legacy.id}/extend?tier_months=3"))
    assert "Your old renewal (3 months) €18.00 €6.00" in page and "No loyalty discount yet" in page


# 5. Reclaim by yourself -----------------------------------------------------------------------------

def test_a_customer_reclaims_a_given_back_number_at_the_new_buyers_quote(customers, stocked_app):
    from pricing import long_term_bundle
    from storefront.formatting import phone, when
    from storefront.services.catalog import current_catalog
    client = customers.signed_in(credits="100.00")
    mine = rent(stocked_app, "ada@example.com", "FR")
    client.post("/numbers/unrent", data={"rental": [mine.id], "confirmed": "yes"})
    until = the_rental(stocked_app, mine.id).number.cooling_off_until
    listing = words(client.get("/numbers"))
    assert f"{phone(mine.e164)} : reclaim until {when(until)}" in listing
    with stocked_app.app_context():
        quote = long_term_bundle(current_catalog(db.session()), "FR", 6)
    page = words(client.get(f"/numbers/{mine.id}/reclaim"))
    assert f"6 months: {quote.total}" in page and "setup fee included" in page
    done = client.post(f"/numbers/{mine.id}/reclaim", data={"length": "6", "seen_total": quote.total.as_string()})
    assert done.status_code == 302 and "is yours" in words(client.get(done.headers["Location"]))
    assert credits_of(stocked_app, "ada@example.com") == f"{100 - quote.total.amount:.2f}"
    again = client.post(f"/numbers/{mine.id}/reclaim", data={"length": "6", "seen_total": quote.total.as_string()})
    assert "can no longer be reclaimed" in words(again)
    assert mine.e164 not in words(client.get("/numbers")).split("My numbers")[1].split("Given back recently")[0] \
        or "Given back recently" not in words(client.get("/numbers"))


def test_the_api_shows_reclaim_until_and_reclaims(stocked_app, clock):
    api = api_for(stocked_app, "api@example.com")
    mine = rent(stocked_app, "api@example.com", "DE")
    api.delete(f"/numbers/{mine.id}")
    shown = api.get(f"/numbers/{mine.id}").get_json()
    assert shown["reclaim_until"] == (clock.now() + timedelta(days=30)).isoformat()
    wrong = api.post(f"/numbers/{mine.id}/reclaim", {"tier_months": 3, "expected_total": "1.00"})
    assert wrong.status_code == 409 and credits_of(stocked_app, "api@example.com") == "100.00"
    answer = api.post(f"/numbers/{mine.id}/reclaim", {"tier_months": 3, "expected_total": "16.00"})
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["number"] == mine.e164 and body["charged"]["total"] == "16.00" and body["terms"]["paid_until"]
    assert api.post(f"/numbers/{mine.id}/reclaim", {"tier_months": 3}).status_code == 409
    assert "reclaim_until" not in api.get(f"/numbers/{mine.id}").get_json()  # its number is rented again
