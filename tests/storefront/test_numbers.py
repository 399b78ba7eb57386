"""My numbers: the list, unrent (one or several), auto-renew, extend with loyalty and
legacy prices, and the unused return within 24 hours."""
import re

import pytest
from datetime import datetime, timedelta, timezone
from html import unescape

from hardware.inventory import record_message
from storefront import db
from storefront.models import Rental
from storefront.services.catalog import current_catalog
from pricing import long_term_extend, bundle_total
from tests.storefront.helpers import credits_of
from tests.storefront.rental_factory import rent


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def words(response) -> str:
    """The page's text without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text(response)))


def rental(app, rental_id) -> Rental:
    with app.app_context():
        found = db.session().get(Rental, rental_id)
        found.number  # load while the session is open
        return found


def test_my_numbers_lists_every_rental_with_its_terms(customers, stocked_app):
    client = customers.signed_in(credits="10.00")
    rent(stocked_app, "ada@example.com", "DE", "long", tier_months=6)
    rent(stocked_app, "ada@example.com", "DE", "long", legacy=("6.00", 3, "0"), months_ago=13)
    rent(stocked_app, "ada@example.com", "FR", "short", months=2)
    page = text(client.get("/numbers"))
    assert "6-month bundle" in page and "Legacy (old price)" in page and "Short-term prepaid" in page
    assert page.count('name="rental"') == 3


def test_two_numbers_are_given_back_at_once_after_a_confirmation(customers, stocked_app):
    client = customers.signed_in()
    first = rent(stocked_app, "ada@example.com")
    second = rent(stocked_app, "ada@example.com")
    kept = rent(stocked_app, "ada@example.com")
    asked = client.post("/numbers/unrent", data={"rental": [first.id, second.id]})
    confirm = text(client.get(asked.headers["Location"]))
    assert "Give back 2 numbers?" in confirm and first.e164 in confirm and second.e164 in confirm
    assert rental(stocked_app, first.id).status == "active"  # nothing happened yet

    done = client.post("/numbers/unrent", data={"rental": [first.id, second.id], "confirmed": "yes"})
    assert done.status_code == 302
    for given_back in (first, second):
        ended = rental(stocked_app, given_back.id)
        assert ended.status == "ended" and ended.number.state == "cooling_off"
        assert ended.number.cooling_off_until - ended.ended_at == timedelta(days=30)
    assert rental(stocked_app, kept.id).status == "active"


def test_someone_elses_number_cannot_be_given_back(customers, stocked_app):
    customers.signed_in("owner@example.com")
    theirs = rent(stocked_app, "owner@example.com")
    intruder = customers.signed_in("eve@example.com")
    intruder.post("/numbers/unrent", data={"rental": [theirs.id], "confirmed": "yes"})
    assert rental(stocked_app, theirs.id).status == "active"
    assert intruder.get(f"/numbers/{theirs.id}/extend").status_code == 404


def test_auto_renew_is_switched_off_and_on(customers, stocked_app):
    client = customers.signed_in()
    mine = rent(stocked_app, "ada@example.com")
    client.post(f"/numbers/{mine.id}/auto-renew", data={"on": "0"})
    assert rental(stocked_app, mine.id).auto_renew is False
    client.post(f"/numbers/{mine.id}/auto-renew", data={"on": "1"})
    assert rental(stocked_app, mine.id).auto_renew is True


def extend_form(client, rental_id: int, tier: int) -> dict:
    page = text(client.get(f"/numbers/{rental_id}/extend?tier_months={tier}"))
    seen = re.search(r'name="seen_total" value="([^"]+)"', page).group(1)
    key = re.search(r'id="key" name="key" type="hidden" value="([^"]+)"', page).group(1)
    return {"tier_months": tier, "seen_total": seen, "key": key}


def test_extending_a_number_held_13_months_takes_2_percent_off_and_charges_the_quote(customers, stocked_app):
    client = customers.signed_in(credits="100.00")
    held = rent(stocked_app, "ada@example.com", "DE", months_ago=13, paid_through=datetime.now(timezone.utc) + timedelta(days=5))
    with stocked_app.app_context():
        catalog = current_catalog(db.session())
        expected = long_term_extend(catalog, "DE", 12, 13)
        bundle = bundle_total(catalog, "DE", 12)
    page = text(client.get(f"/numbers/{held.id}/extend?tier_months=12"))
    assert "Loyalty discount (2 %)" in page and "2 % off" in page
    assert expected.total < bundle

    form = extend_form(client, held.id, 12)
    assert form["seen_total"] == expected.total.as_string()
    before = rental(stocked_app, held.id).paid_through
    assert client.post(f"/numbers/{held.id}/extend", data=form).status_code == 302
    assert client.post(f"/numbers/{held.id}/extend", data=form).status_code == 302  # double submit
    after = rental(stocked_app, held.id)
    assert (after.paid_through.year * 12 + after.paid_through.month) - (before.year * 12 + before.month) == 12
    assert credits_of(stocked_app, "ada@example.com") == (100 - expected.total.amount).__format__(".2f")


def test_a_legacy_number_shows_both_prices_and_becomes_a_bundle_for_good(customers, stocked_app):
    client = customers.signed_in(credits="100.00")
    legacy = rent(stocked_app, "ada@example.com", "DE", legacy=("6.00", 3, "0"), months_ago=4)
    page = words(client.get(f"/numbers/{legacy.id}/extend"))
    assert "still renews at its old price: €18.00 for 3 months" in page
    client.post(f"/numbers/{legacy.id}/extend", data=extend_form(client, legacy.id, 3))
    extended = rental(stocked_app, legacy.id)
    assert extended.pricing_model == "bundle" and extended.legacy_monthly_rate is None


def test_a_price_seen_before_a_change_is_not_charged_silently(customers, stocked_app):
    client = customers.signed_in(credits="100.00")
    mine = rent(stocked_app, "ada@example.com", "DE")
    form = extend_form(client, mine.id, 3)
    form["seen_total"] = "1.00"
    refused = client.post(f"/numbers/{mine.id}/extend", data=form)
    assert refused.status_code == 409 and "The price changed from €1.00" in text(refused)
    assert credits_of(stocked_app, "ada@example.com") == "100.00"


def test_extending_without_enough_credits_offers_a_top_up(customers, stocked_app):
    client = customers.signed_in(credits="1.00")
    mine = rent(stocked_app, "ada@example.com", "DE")
    assert "Top up" in text(client.get(f"/numbers/{mine.id}/extend?tier_months=12"))


def return_form(client, rental_id):
    page = text(client.get(f"/numbers/{rental_id}/return"))
    match = re.search(r'name="seen_total" value="([^"]+)"', page)
    return page, ({"seen_total": match.group(1)} if match else None)


def test_an_unused_number_is_returned_within_24_hours_for_its_bundle_price(customers, stocked_app):
    client = customers.signed_in()
    fresh = rent(stocked_app, "ada@example.com", "DE", hours_ago=3, bundle_paid="16.00")
    page, form = return_form(client, fresh.id)
    assert form == {"seen_total": "16.00"}
    assert client.post(f"/numbers/{fresh.id}/return", data=form).status_code == 302
    returned = rental(stocked_app, fresh.id)
    assert returned.status == "returned" and returned.number.state == "available"
    assert credits_of(stocked_app, "ada@example.com") == "16.00"
    # The second return within 90 days keeps the 10 % fee.
    again = rent(stocked_app, "ada@example.com", "DE", hours_ago=1, bundle_paid="16.00")
    page, form = return_form(client, again.id)
    assert "Return fee (10 %, 1 earlier return)" in page and form == {"seen_total": "14.40"}


def test_a_return_is_refused_with_the_reason(customers, stocked_app):
    client = customers.signed_in()
    late = rent(stocked_app, "ada@example.com", "DE", hours_ago=25)
    used = rent(stocked_app, "ada@example.com", "DE", hours_ago=1)
    short = rent(stocked_app, "ada@example.com", "FR", "short", months=1, hours_ago=1)
    with stocked_app.app_context():
        record_message(db.session(), used.e164, "received")
        db.session().commit()
    assert "that time has passed" in return_form(client, late.id)[0]
    assert "sent or received messages" in return_form(client, used.id)[0]
    assert "Only long-term numbers" in return_form(client, short.id)[0]
    refused = client.post(f"/numbers/{late.id}/return", data={"seen_total": "16.00"})
    assert refused.status_code == 409
    assert rental(stocked_app, late.id).status == "active"


def test_a_tier_outside_the_bundles_or_a_garbled_amount_charges_nothing(customers, stocked_app):
    client = customers.signed_in(credits="100.00")
    mine = rent(stocked_app, "ada@example.com", "DE")
    five = client.post(f"/numbers/{mine.id}/extend", data={"tier_months": 5, "seen_total": "16.00", "key": "k"})
    assert five.status_code == 422 and "Long-term bundles come in 3, 6, 9 or 12 months" in text(five)
    garbled = client.post(f"/numbers/{mine.id}/extend", data={"tier_months": 3, "seen_total": "abc", "key": "k"})
    assert garbled.status_code == 400 and "Nothing was changed" in text(garbled)
    assert client.post(f"/numbers/{mine.id}/return", data={"seen_total": "abc"}).status_code == 400
    assert credits_of(stocked_app, "ada@example.com") == "100.00"


@pytest.mark.parametrize("tier", ["0", "", "abc", "5"])
def test_extend_refuses_a_tier_of_zero_empty_or_letters_naming_the_tiers_like_the_api(customers, stocked_app, tier):
    client = customers.signed_in(credits="100.00")
    mine = rent(stocked_app, "ada@example.com", "DE")
    refused = client.post(f"/numbers/{mine.id}/extend", data={"tier_months": tier, "seen_total": "16.00", "key": "k"})
    assert refused.status_code == 422 and "Long-term bundles come in 3, 6, 9 or 12 months" in text(refused)
    assert credits_of(stocked_app, "ada@example.com") == "100.00"
