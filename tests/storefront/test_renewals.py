"""`jobs run`: long-term renewals from credits (with loyalty; legacy at the stored rate),
reminders when credits are short, expiry into cooling-off; twice in a row does nothing."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from pricing import long_term_extend
from storefront import clock, db
from storefront.jobs import run_jobs
from storefront.mail import sent_messages
from storefront.models import Rental, User
from storefront.services.catalog import current_catalog
from tests.storefront.rental_factory import rent
from tests.storefront.helpers import credits_of

NOW = datetime.now(timezone.utc)


def jobs(app, now=None) -> dict:
    with app.app_context():
        return run_jobs(db.session(), now or clock.now())


def rental(app, rental_id) -> Rental:
    with app.app_context():
        found = db.session().get(Rental, rental_id)
        found.number
        return found


def test_a_due_bundle_renews_its_tier_from_credits_with_loyalty_once(customers, stocked_app):
    customers.signed_in(credits="100.00")
    due = rent(stocked_app, "ada@example.com", "DE", tier_months=12, months_ago=13,
               paid_through=NOW - timedelta(hours=1))
    with stocked_app.app_context():
        price = long_term_extend(current_catalog(db.session()), "DE", 12, 13).total
    first = jobs(stocked_app)
    assert first["numbers renewed"] == 1
    renewed = rental(stocked_app, due.id)
    assert renewed.paid_through.year == (NOW - timedelta(hours=1)).year + 1
    assert credits_of(stocked_app, "ada@example.com") == f"{100 - price.amount:.2f}"
    second = jobs(stocked_app)
    assert not any(second.values()), second
    assert credits_of(stocked_app, "ada@example.com") == f"{100 - price.amount:.2f}"


def test_a_renewal_is_a_standing_order_even_for_an_address_not_confirmed_again(customers, stocked_app):
    # An account whose confirmation is missing (made before confirmation existed, or by an
    # import): its renewals were agreed at purchase; the job renews instead of stopping.
    customers.signed_in(credits="100.00")
    due = rent(stocked_app, "ada@example.com", "DE", tier_months=3, paid_through=NOW - timedelta(hours=1))
    with stocked_app.app_context():
        session = db.session()
        with db.transaction(session):
            session.scalar(select(User).where(User.email == "ada@example.com")).email_verified_at = None
    assert jobs(stocked_app)["numbers renewed"] == 1
    assert rental(stocked_app, due.id).paid_through > NOW + timedelta(days=80)


def test_a_legacy_number_renews_at_its_stored_price_and_stays_legacy(customers, stocked_app):
    customers.signed_in(credits="100.00")
    legacy = rent(stocked_app, "ada@example.com", "DE", legacy=("6.00", 3, "10"), months_ago=20,
                  paid_through=NOW - timedelta(minutes=5))
    jobs(stocked_app)
    assert credits_of(stocked_app, "ada@example.com") == "83.80"  # 6.00 × 3 × 0.90 = 16.20
    assert rental(stocked_app, legacy.id).pricing_model == "legacy"


def test_short_credits_at_renewal_end_the_rental_into_cooling_off(customers, stocked_app):
    customers.signed_in(credits="1.00")
    due = rent(stocked_app, "ada@example.com", "DE", paid_through=NOW - timedelta(hours=1))
    done = jobs(stocked_app)
    assert done["numbers ended"] == 1
    ended = rental(stocked_app, due.id)
    assert ended.status == "ended" and ended.number.state == "cooling_off"
    assert credits_of(stocked_app, "ada@example.com") == "1.00"
    assert not any(jobs(stocked_app).values())


def test_numbers_without_auto_renew_and_short_term_numbers_expire(customers, stocked_app):
    customers.signed_in(credits="100.00")
    no_renew = rent(stocked_app, "ada@example.com", "DE", auto_renew=False, paid_through=NOW - timedelta(hours=1))
    short = rent(stocked_app, "ada@example.com", "FR", "short", months=1, paid_through=NOW - timedelta(hours=1))
    running = rent(stocked_app, "ada@example.com", "FR", "short", months=1, paid_through=NOW + timedelta(days=3))
    assert jobs(stocked_app)["numbers ended"] == 2
    assert rental(stocked_app, no_renew.id).status == "ended"
    assert rental(stocked_app, short.id).number.state == "cooling_off"
    assert rental(stocked_app, running.id).status == "active"
    assert credits_of(stocked_app, "ada@example.com") == "100.00"


def test_a_cancelled_subscription_ends_when_its_paid_month_is_over(customers, stocked_app):
    customers.signed_in()
    subscribed = rent(stocked_app, "ada@example.com", "FR", "short", months=1, pricing_model="subscription",
                      subscription_id="sub_x", paid_through=NOW + timedelta(days=2))
    assert jobs(stocked_app)["numbers ended"] == 0  # Stripe renews it
    with stocked_app.app_context():
        session = db.session()
        session.get(Rental, subscribed.id).ended_at = NOW - timedelta(minutes=1)
        session.commit()
    assert jobs(stocked_app)["numbers ended"] == 1
    assert rental(stocked_app, subscribed.id).number.state == "cooling_off"


def test_reminders_go_out_7_days_and_1_day_before_when_credits_are_short(customers, stocked_app, clock):
    customers.signed_in(credits="2.00")
    soon = rent(stocked_app, "ada@example.com", "DE", paid_through=clock.now() + timedelta(days=5))
    first = jobs(stocked_app)
    assert first["renewal reminders"] == 1
    assert jobs(stocked_app)["renewal reminders"] == 0
    (reminder,) = [m for m in sent_messages(stocked_app.config["MAIL_DIR"]) if "Top up" in m["Subject"]]
    assert reminder["To"] == "ada@example.com" and soon.e164 in reminder["Subject"]
    # A day before, the second reminder.
    clock.advance(days=4, hours=12)
    assert jobs(stocked_app)["renewal reminders"] == 1


def test_no_reminder_when_credits_cover_the_renewal(customers, stocked_app):
    customers.signed_in(credits="100.00")
    rent(stocked_app, "ada@example.com", "DE", paid_through=NOW + timedelta(days=5))
    assert jobs(stocked_app)["renewal reminders"] == 0
    with stocked_app.app_context():
        assert db.session().scalars(select(Rental)).one().status == "active"


def test_a_stored_16_month_renewal_renews_as_stored_until_the_holder_extends(customers, stocked_app, clock):
    """The 16-month tier is sold no more, but a grandfathered number keeps it (SPEC §2 rule 6):
    6.00 × 16 × (1 − 10 %) = 86.40 for 16 more months, twice; after an extend it is a bundle."""
    client = customers.signed_in(credits="300.00")
    legacy = rent(stocked_app, "ada@example.com", "DE", legacy=("6.00", 16, "10"), months_ago=16,
                  paid_through=clock.now() - timedelta(minutes=5))
    first_due = rental(stocked_app, legacy.id).paid_through
    assert jobs(stocked_app)["numbers renewed"] == 1
    after = rental(stocked_app, legacy.id)
    assert credits_of(stocked_app, "ada@example.com") == "213.60"
    assert (after.pricing_model, after.legacy_months) == ("legacy", 16)
    assert (after.paid_through.year * 12 + after.paid_through.month) - (first_due.year * 12 + first_due.month) == 16
    clock.set(after.paid_through + timedelta(minutes=1))
    assert jobs(stocked_app)["numbers renewed"] == 1
    assert credits_of(stocked_app, "ada@example.com") == "127.20"
    # The holder extends with a bundle: from then on it renews as a bundle.
    page = client.get(f"/numbers/{legacy.id}/extend?tier_months=3").get_data(as_text=True)
    import re
    key = re.search(r'id="key" name="key" type="hidden" value="([^"]+)"', page).group(1)
    seen = re.search(r'name="seen_total" value="([^"]+)"', page).group(1)
    assert client.post(f"/numbers/{legacy.id}/extend",
                       data={"tier_months": 3, "seen_total": seen, "key": key}).status_code == 302
    extended = rental(stocked_app, legacy.id)
    assert (extended.pricing_model, extended.tier_months, extended.legacy_months) == ("bundle", 3, None)


def test_a_batch_of_renewals_gets_gap_free_invoices_each_named_in_its_own_mail(customers, stocked_app):
    # The batch's invoices are numbered together at its end (one counter update): still one
    # invoice per renewal, numbers following the earlier documents without a gap, none for
    # the renewal that could not be paid, and each e-mail links its own invoice.
    from storefront.models import BillingDocument, LedgerEntry

    customers.signed_in(credits="40.00")
    due = [rent(stocked_app, "ada@example.com", "DE", legacy=("6.00", 3, "10"), months_ago=20,
                paid_through=NOW - timedelta(minutes=5 + index)) for index in range(3)]
    done = jobs(stocked_app)
    assert (done["numbers renewed"], done["numbers ended"]) == (2, 1)  # 2 × 16.20 of 40.00
    numbers = {r.id: rental(stocked_app, r.id).number.e164 for r in due}
    with stocked_app.app_context():
        session = db.session()
        documents = session.scalars(select(BillingDocument).order_by(BillingDocument.sequence)).all()
        assert [d.sequence for d in documents] == list(range(1, len(documents) + 1))
        renewal_invoices = {d.number: entry.reference for d, entry in session.execute(
            select(BillingDocument, LedgerEntry).join(LedgerEntry, BillingDocument.ledger_entry_id == LedgerEntry.id)
            .where(LedgerEntry.idempotency_key.like("renewal:%")))}
    assert sorted(renewal_invoices.values()) == sorted(numbers[r.id] for r in due[:2])
    mails = [m for m in sent_messages(stocked_app.config["MAIL_DIR"]) if "renewed" in m["Subject"]]
    assert len(mails) == 2
    for mail in mails:
        text = mail.get_body(("plain",)).get_content()
        (number,) = [n for n, e164 in renewal_invoices.items() if e164 in mail["Subject"]]
        assert f"/billing/documents/{number}" in text
