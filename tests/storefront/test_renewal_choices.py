"""What a holder chooses about the next renewal: the bundle a long-term number renews with
(also leaving a legacy price without paying), and extending or auto-renewing a prepaid
short-term number from credits."""
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from html import unescape

from pricing import full_months_held, long_term_extend, short_term_extend
from storefront import db
from storefront.jobs import run_jobs
from storefront.mail import sent_messages
from storefront.models import Rental
from storefront.services.catalog import current_catalog
from tests.storefront.helpers import api_for, credits_of, give_credits
from tests.storefront.rental_factory import rent

NOW = datetime.now(timezone.utc)


def words(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", unescape(response.get_data(as_text=True))))


def rental(app, rental_id) -> Rental:
    with app.app_context():
        found = db.session().get(Rental, rental_id)
        found.number
        return found


def catalog(app):
    with app.app_context():
        return current_catalog(db.session())


def jobs(app, now=None) -> dict:
    with app.app_context():
        return run_jobs(db.session(), now or datetime.now(timezone.utc))


# Change tier ------------------------------------------------------------------------

def test_a_legacy_number_changes_tier_without_paying_and_renews_as_a_bundle_from_then_on(customers, stocked_app):
    client = customers.signed_in(credits="100.00")
    legacy = rent(stocked_app, "ada@example.com", "DE", legacy=("6.00", 3, "0"), months_ago=13,
                  paid_through=NOW + timedelta(days=10))
    page = words(client.get(f"/numbers/{legacy.id}/renewal"))
    # Before the change: its old renewal beside the bundles, and what changing means.
    assert "still renews at its old price: €18.00 for 3 months" in page
    assert "moves it to bundle pricing for good" in page
    # The 6-month bundle at the renewal on the paid-until day: 13 months held, 2 % loyalty.
    six_then = long_term_extend(catalog(stocked_app), "DE", 6, 13).total
    assert f"€{six_then.amount}" in page

    done = client.post(f"/numbers/{legacy.id}/renewal", data={"tier_months": "6"})
    assert done.status_code == 302
    changed = rental(stocked_app, legacy.id)
    assert changed.pricing_model == "bundle" and changed.tier_months == 6 and changed.legacy_monthly_rate is None
    assert credits_of(stocked_app, "ada@example.com") == "100.00"  # nothing charged at the change

    # The renewal is the 6-month bundle with the loyalty earned by then, not the old price.
    jobs(stocked_app, now=changed.paid_through + timedelta(minutes=1))
    renewed = rental(stocked_app, legacy.id)
    price = long_term_extend(catalog(stocked_app), "DE", 6, 13).total
    assert credits_of(stocked_app, "ada@example.com") == f"{100 - price.amount:.2f}"
    assert (renewed.paid_through.year * 12 + renewed.paid_through.month) - (
        changed.paid_through.year * 12 + changed.paid_through.month) == 6


def test_a_bundle_number_renews_with_the_tier_its_holder_chose(customers, stocked_app):
    client = customers.signed_in(credits="100.00")
    mine = rent(stocked_app, "ada@example.com", "DE", tier_months=12, paid_through=NOW + timedelta(days=3))
    client.post(f"/numbers/{mine.id}/renewal", data={"tier_months": "3"})
    assert rental(stocked_app, mine.id).tier_months == 3
    jobs(stocked_app, now=NOW + timedelta(days=3, minutes=1))
    price = long_term_extend(catalog(stocked_app), "DE", 3, 0).total
    assert credits_of(stocked_app, "ada@example.com") == f"{100 - price.amount:.2f}"


def test_change_tier_refuses_other_tiers_short_term_numbers_and_other_holders(customers, stocked_app):
    client = customers.signed_in()
    mine = rent(stocked_app, "ada@example.com", "DE")
    short = rent(stocked_app, "ada@example.com", "FR", "short", months=2)
    refused = client.post(f"/numbers/{mine.id}/renewal", data={"tier_months": "16"})
    assert refused.status_code == 422 and "3, 6, 9 or 12 months" in words(refused)
    assert rental(stocked_app, mine.id).tier_months == 3
    assert "Only current long-term numbers renew with a bundle" in words(client.get(f"/numbers/{short.id}/renewal"))
    assert client.post(f"/numbers/{short.id}/renewal", data={"tier_months": "3"}).status_code == 409
    other = customers.signed_in("eve@example.com")
    assert other.post(f"/numbers/{mine.id}/renewal", data={"tier_months": "6"}).status_code == 404


def test_the_api_changes_the_renewal_bundle_and_shows_the_next_renewal(stocked_app):
    api = api_for(stocked_app, "api@example.com")
    bought = api.post("/numbers", {"country": "DE", "kind": "long", "tier_months": 3}, key="buy-1").get_json()
    before = api.get(f"/numbers/{bought['id']}").get_json()
    assert before["renewal"]["tier_months"] == 3 and before["renewal"]["auto_renew"] is True
    answer = api.client.put(f"/api/v1/numbers/{bought['id']}/renewal", json={"tier_months": 12},
                            headers=api.headers)
    assert answer.status_code == 200
    renewal = answer.get_json()["renewal"]
    assert renewal["tier_months"] == 12 and renewal["months"] == 12
    assert renewal["estimated_total"] == long_term_extend(catalog(stocked_app), "DE", 12, 3).total.as_string()
    bad = api.client.put(f"/api/v1/numbers/{bought['id']}/renewal", json={"tier_months": 5}, headers=api.headers)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "tier_months"


# Short-term prepaid: extend and renew -------------------------------------------------------

def short_extend_form(client, rental_id: int, months: int) -> dict:
    page = unescape(client.get(f"/numbers/{rental_id}/extend?months={months}").get_data(as_text=True))
    seen = re.search(r'name="seen_total" value="([^"]+)"', page).group(1)
    key = re.search(r'id="key" name="key" type="hidden" value="([^"]+)"', page).group(1)
    return {"months": months, "seen_total": seen, "key": key}


def test_a_short_term_number_is_extended_at_the_short_term_price_without_setup_fee(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    # France has a setup fee: charged at purchase, never on an extend.
    mine = rent(stocked_app, "ada@example.com", "FR", "short", months=1, paid_through=NOW + timedelta(days=2))
    expected = short_term_extend(catalog(stocked_app), "FR", 4)
    page = words(client.get(f"/numbers/{mine.id}/extend?months=4"))
    assert "Volume discount (5 %)" in page and "Setup fee" not in page
    form = short_extend_form(client, mine.id, 4)
    assert form["seen_total"] == expected.total.as_string() == "13.30"  # 4 × 3.50 − 5 %
    assert client.post(f"/numbers/{mine.id}/extend", data=form).status_code == 302
    assert client.post(f"/numbers/{mine.id}/extend", data=form).status_code == 302  # double submit: once
    extended = rental(stocked_app, mine.id)
    assert extended.months == 4
    assert (extended.paid_through - (NOW + timedelta(days=2))).days in range(119, 124)
    assert credits_of(stocked_app, "ada@example.com") == "36.70"


def test_short_term_extend_refuses_13_months_and_subscriptions(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    mine = rent(stocked_app, "ada@example.com", "FR", "short", months=1)
    refused = client.post(f"/numbers/{mine.id}/extend", data={"months": "13", "seen_total": "1.00", "key": "k"})
    assert refused.status_code == 422 and "1 to 12 months" in words(refused)
    monthly = rent(stocked_app, "ada@example.com", "FR", "short", months=1, pricing_model="subscription",
                   subscription_id="sub_x")
    assert "nothing to extend" in words(client.get(f"/numbers/{monthly.id}/extend"))
    assert credits_of(stocked_app, "ada@example.com") == "50.00"


def test_a_short_term_number_with_auto_renew_renews_its_months_from_credits_with_reminders(customers, stocked_app):
    client = customers.signed_in(credits="5.00")
    mine = rent(stocked_app, "ada@example.com", "FR", "short", months=3, paid_through=NOW + timedelta(days=5))
    assert rental(stocked_app, mine.id).auto_renew is False  # off unless the holder turns it on
    client.post(f"/numbers/{mine.id}/auto-renew", data={"on": "1"})
    assert rental(stocked_app, mine.id).auto_renew is True
    price = short_term_extend(catalog(stocked_app), "FR", 3).total  # 3 × 3.50 = 10.50, no setup fee

    # A week before, credits short: the reminder names the amount.
    jobs(stocked_app)
    reminder = [m for m in sent_messages(stocked_app.config["MAIL_DIR"]) if "Top up to keep" in m["Subject"]]
    assert len(reminder) == 1 and f"for {price}" in reminder[0].get_content() and "(3 months)" in reminder[0].get_content()

    give_credits(stocked_app, "ada@example.com", "10.00")
    due = rental(stocked_app, mine.id).paid_through
    done = jobs(stocked_app, now=due + timedelta(minutes=1))
    assert done["numbers renewed"] == 1
    renewed = rental(stocked_app, mine.id)
    assert renewed.status == "active" and (renewed.paid_through - due).days in range(89, 93)
    assert credits_of(stocked_app, "ada@example.com") == f"{15 - price.amount:.2f}"
    assert not jobs(stocked_app, now=due + timedelta(minutes=2))["numbers renewed"]


def test_a_short_term_number_without_auto_renew_still_runs_out(customers, stocked_app):
    customers.signed_in(credits="50.00")
    mine = rent(stocked_app, "ada@example.com", "FR", "short", months=1, paid_through=NOW - timedelta(minutes=5))
    assert jobs(stocked_app)["numbers ended"] == 1
    assert rental(stocked_app, mine.id).status == "ended"
    assert credits_of(stocked_app, "ada@example.com") == "50.00"


def test_the_api_extends_a_short_term_number_by_months(stocked_app):
    api = api_for(stocked_app, "api@example.com")
    bought = api.post("/numbers", {"country": "FR", "kind": "short", "months": 1}, key="buy-1").get_json()
    answer = api.post(f"/numbers/{bought['id']}/extend", {"months": 2}, key="ext-1")
    assert answer.status_code == 200
    assert answer.get_json()["charged"]["total"] == "7.00"
    assert [line["code"] for line in answer.get_json()["charged"]["lines"]] == ["months"]
    missing = api.post(f"/numbers/{bought['id']}/extend", {"tier_months": 3}, key="ext-2")
    assert missing.status_code == 422 and missing.get_json()["errors"][0]["field"] == "months"


# Promises of the seeds that held without a test -----------------------------------------

def test_an_extend_in_a_country_with_a_setup_fee_charges_no_setup_fee(customers, stocked_app):
    client = customers.signed_in(credits="100.00")
    mine = rent(stocked_app, "ada@example.com", "FR", tier_months=3, months_ago=1)
    cat = catalog(stocked_app)
    assert cat.country("FR").setup_fee.amount > 0
    page = words(client.get(f"/numbers/{mine.id}/extend?tier_months=3"))
    assert "Setup fee" not in page
    form_page = unescape(client.get(f"/numbers/{mine.id}/extend?tier_months=3").get_data(as_text=True))
    seen = re.search(r'name="seen_total" value="([^"]+)"', form_page).group(1)
    key = re.search(r'id="key" name="key" type="hidden" value="([^"]+)"', form_page).group(1)
    assert seen == long_term_extend(cat, "FR", 3, 1).total.as_string() == "20.00"  # the bundle alone
    client.post(f"/numbers/{mine.id}/extend", data={"tier_months": 3, "seen_total": seen, "key": key})
    assert credits_of(stocked_app, "ada@example.com") == "80.00"


def test_restoring_a_legacy_number_makes_it_a_bundle_number(customers, stocked_app):
    from storefront.services import rentals as rental_service

    client = customers.signed_in(credits="100.00")
    legacy = rent(stocked_app, "ada@example.com", "DE", legacy=("6.00", 16, "0"), months_ago=20)
    client.post("/numbers/unrent", data={"rental": [legacy.id], "confirmed": "yes"})
    with stocked_app.app_context():
        session = db.session()
        former = session.get(Rental, legacy.id)
        quote = rental_service.reinstate_quote(session, former, 6)
        restored = rental_service.reinstate(session, former, 6, quote.total)
        assert restored.pricing_model == "bundle" and restored.tier_months == 6
        assert restored.legacy_monthly_rate is None and restored.legacy_months is None


def test_a_stored_16_month_legacy_renewal_renews_as_stored_until_the_holder_changes_tier(customers, stocked_app):
    client = customers.signed_in(credits="300.00")
    # 16 months is no bundle any more; this number keeps it, at its stored rate and discount.
    legacy = rent(stocked_app, "ada@example.com", "DE", legacy=("6.00", 16, "5"), months_ago=16,
                  paid_through=NOW - timedelta(minutes=5))
    assert jobs(stocked_app)["numbers renewed"] == 1
    renewed = rental(stocked_app, legacy.id)
    assert credits_of(stocked_app, "ada@example.com") == "208.80"  # 6.00 × 16 × 0.95 = 91.20
    assert renewed.pricing_model == "legacy" and renewed.legacy_months == 16
    months_on = (renewed.paid_through.year * 12 + renewed.paid_through.month) - (
        (NOW - timedelta(minutes=5)).year * 12 + (NOW - timedelta(minutes=5)).month)
    assert months_on == 16

    # The next one too, until the holder picks a bundle; after that, the bundle.
    jobs(stocked_app, now=renewed.paid_through + timedelta(minutes=1))
    assert credits_of(stocked_app, "ada@example.com") == "117.60"
    client.post(f"/numbers/{legacy.id}/renewal", data={"tier_months": "3"})
    changed = rental(stocked_app, legacy.id)
    jobs(stocked_app, now=changed.paid_through + timedelta(minutes=1))
    held = full_months_held(changed.started_at.date(), (changed.paid_through + timedelta(minutes=1)).date())
    price = long_term_extend(catalog(stocked_app), "DE", 3, held).total
    assert credits_of(stocked_app, "ada@example.com") == f"{Decimal('117.60') - price.amount:.2f}"
