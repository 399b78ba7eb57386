"""The Stripe stand-in becomes unreachable in the middle of a run of subscription starts:
nothing is charged without a rental, no rental exists without a charge, and every
customer reads what happened."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import stripe
from sqlalchemy import select

from storefront import create_app, db
from storefront.models import CardPayment, Rental, StripeCustomer
from storefront.services import operations
from storefront.services.accounts import create_user
from tests.load.harness import PASSWORD, SECRET_KEY, Browser, Cuttable, notices
from tests.storefront.helpers import card_token

SUBSCRIBERS = 24
CUT_AFTER_REQUESTS = 30  # each start makes about 6 Stripe calls: this is mid-run


def prepare(app) -> list[int]:
    from hardware.models import PhoneNumber

    with app.app_context():
        session = db.session()
        for index in range(SUBSCRIBERS):
            operations.add_number(session, f"+336123458{index:02d}", "short", "FR")
            create_user(session, f"subscriber{index}@example.com", PASSWORD)
        return list(session.scalars(select(PhoneNumber.id).where(PhoneNumber.kind == "short")
                                    .order_by(PhoneNumber.id)).all())


def test_stripe_gone_mid_purchase_charges_nothing_without_a_rental(setup_app, start_server, localstripe):
    numbers = prepare(setup_app)
    gate = Cuttable(localstripe.port)
    server = start_server(STRIPE_API_BASE=gate.base_url, STRIPE_JS_URL=localstripe.js_url,
                          STRIPE_SECRET_KEY="sk_test_suite", STRIPE_PUBLISHABLE_KEY="pk_test_suite")
    ready = threading.Barrier(SUBSCRIBERS + 1, timeout=300)

    def subscribe(index: int) -> dict:
        browser = Browser(server)
        browser.sign_in(f"subscriber{index}@example.com")
        review = browser.get(f"/buy/review?country=FR&kind=short&billing=subscription&number={numbers[index]}")
        checkout = browser.post("/buy/checkout", {"token": Browser.hidden(review, "token"),
                                                  "csrf_token": Browser.hidden(review, "csrf_token")})
        assert checkout.status == 302 and "/payments/" in checkout.location, checkout.status
        card_page = browser.follow(checkout)
        form = {"card_token": card_token(localstripe), "csrf_token": Browser.hidden(card_page, "csrf_token")}
        ready.wait()
        paid = browser.post(checkout.location.split(server.base)[-1] + "/card", form)
        final = browser.follow(paid) if paid.status == 302 else paid
        return {"email": f"subscriber{index}@example.com", "answers": browser.answers,
                "notices": " ".join(notices(final)), "page": final.text}

    with ThreadPoolExecutor(max_workers=SUBSCRIBERS) as pool:
        futures = [pool.submit(subscribe, index) for index in range(SUBSCRIBERS)]
        ready.wait()
        deadline = time.monotonic() + 60
        while gate.requests < CUT_AFTER_REQUESTS and time.monotonic() < deadline:
            time.sleep(0.005)
        gate.cut()
        outcomes = [future.result() for future in futures]

    assert not [o for o in outcomes if any(status >= 500 for status in o["answers"])], server.log()[-3000:]
    unsure = [o for o in outcomes if "can't tell yet whether it went through" in o["notices"]]
    paid = [o for o in outcomes if o["notices"].startswith("Paid.") and "is yours" in o["notices"]]
    failed = [o for o in outcomes if o["notices"].endswith("Nothing was charged.") and o not in unsure]
    assert len(paid) + len(failed) + len(unsure) == SUBSCRIBERS, "\n".join(o["notices"] for o in outcomes)
    assert paid and (failed or unsure), "the cut should fall in the middle of the run"
    for outcome in failed:
        assert "couldn't reach our card processor" in outcome["notices"], outcome["notices"]

    # While Stripe is away: no rental runs unpaid, and an unconfirmed payment holds its number.
    check(setup_app, localstripe, final=False)
    # Stripe is back: `jobs run` (cron, every minute) asks it about each unconfirmed payment.
    jobs = create_app({"DATABASE_URL": setup_app.config["DATABASE_URL"], "SECRET_KEY": SECRET_KEY,
                       "STRIPE_API_BASE": localstripe.base_url, "STRIPE_SECRET_KEY": "sk_test_suite",
                       "MAIL_DIR": setup_app.config["MAIL_DIR"]})
    result = jobs.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert f"card payments settled: {len(unsure)}" in result.output
    jobs.extensions["database"].engine.dispose()
    check(setup_app, localstripe, final=True)


def check(app, localstripe, final: bool) -> None:
    """Each payment: paid (active rental, charged once), failed (no rental, no charge, no
    live subscription) or, before the jobs ran, unconfirmed (number held, not rented)."""
    from hardware.models import PhoneNumber

    client = stripe.StripeClient("sk_test_suite", base_addresses={"api": localstripe.base_url})
    with app.app_context():
        session = db.session()
        payments = session.scalars(select(CardPayment)).all()
        assert len(payments) == SUBSCRIBERS
        for payment in payments:
            rentals = session.scalars(select(Rental).where(Rental.user_id == payment.user_id)).all()
            customer = session.get(StripeCustomer, payment.user_id)
            charges, subscriptions = [], []
            if customer is not None:
                charges = [charge.amount for charge in client.v1.charges.list(
                    params={"customer": customer.customer_id}).data
                    if charge.status == "succeeded" and not charge.refunded]
                subscriptions = client.v1.subscriptions.list(params={"customer": customer.customer_id}).data
            if payment.status == "succeeded":
                assert [rental.status for rental in rentals] == ["active"]
                assert rentals[0].number.state == "rented"
                assert charges == [int(payment.amount.amount * 100)]
                assert [s.id for s in subscriptions] == [rentals[0].stripe_subscription_id]
            elif payment.status == "unconfirmed" and not final:
                assert [rental.status for rental in rentals] == ["pending_payment"]
                assert rentals[0].number.state == "held"
                assert len(charges) <= 1
            else:
                assert payment.status == "failed", payment.status
                assert (rentals, charges, subscriptions) == ([], [], []), payment.id
        taken = set(session.scalars(select(Rental.number_id)).all())
        states = dict(session.execute(select(PhoneNumber.id, PhoneNumber.state)).all())
        assert all(state == "available" for number, state in states.items() if number not in taken)
