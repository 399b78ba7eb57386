"""200 customers buy 50 long-term numbers at the same moment (gunicorn -w 4, PostgreSQL)."""
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from sqlalchemy import func, select

from pricing import Money
from storefront import db
from storefront.models import LedgerEntry, Rental
from storefront.services import operations
from storefront.services.accounts import create_user
from storefront.services.credits import adjust_credits, balance
from tests.load.harness import PASSWORD, Browser, iccid, notices

BUYERS = 200
NUMBERS = 50
CREDITS = Decimal("20.00")  # a 3-month bundle in Germany is €16.00
QUERY = "country=DE&kind=long&tier_months=3"


def prepare(app) -> list[int]:
    """200 customers with credits; exactly 50 long-term numbers in stock, all in Germany."""
    from hardware.models import PhoneNumber as Number

    with app.app_context():
        session = db.session()
        operations.add_gateway(session, "load-de", "DE", NUMBERS)
        for slot in range(1, NUMBERS + 1):
            operations.insert_sim(session, "load-de", slot, iccid(slot), f"+4915123457{slot:03d}")
        for index in range(BUYERS):
            email = f"buyer{index}@example.com"
            create_user(session, email, PASSWORD)
            adjust_credits(session, email, str(CREDITS), "Load test credit")
        numbers = session.scalars(select(Number.id).where(Number.kind == "long").order_by(Number.id)).all()
    assert len(numbers) == NUMBERS
    return list(numbers)


def test_200_buyers_50_numbers_no_double_sale_and_every_ledger_balanced(setup_app, start_server):
    numbers = prepare(setup_app)
    server = start_server()
    ready = threading.Barrier(BUYERS, timeout=300)

    def buy(index: int) -> dict:
        browser = Browser(server)
        browser.sign_in(f"buyer{index}@example.com")
        number = numbers[index % NUMBERS]  # four customers want each number
        # Opening the review holds the number for 10 minutes: of the four who want it, one
        # gets the review and the others are sent back to choose ("just chosen by someone else").
        review = browser.get(f"/buy/review?{QUERY}&number={number}")
        assert review.status in (200, 302), review.status
        form = ({"token": Browser.hidden(review, "token"), "csrf_token": Browser.hidden(review, "csrf_token")}
                if review.status == 200 else None)
        ready.wait()  # every review is shown before anyone pays: the race is at checkout
        answer = browser.post("/buy/checkout", form) if form else review
        outcome = {"email": f"buyer{index}@example.com", "number": number, "status": answer.status,
                   "location": answer.location, "answers": browser.answers}
        if answer.status == 302:
            landed = browser.follow(answer)
            outcome["message"] = " ".join(notices(landed))
            outcome["yours"] = "is yours" in landed.text
        return outcome

    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        outcomes = list(pool.map(buy, range(BUYERS)))

    statuses = Counter(status for outcome in outcomes for status in outcome["answers"])
    assert not [status for status in statuses if status >= 500], (statuses, server.log()[-3000:])
    winners = [outcome for outcome in outcomes if "/buy/done/" in outcome["location"]]
    losers = [outcome for outcome in outcomes if "/buy/done/" not in outcome["location"]]
    assert len(winners) == NUMBERS
    assert sorted(outcome["number"] for outcome in winners) == sorted(numbers)
    for loser in losers:
        assert loser["status"] == 302, loser
        assert ("just chosen by someone else" in loser["message"] or "just taken by someone else" in loser["message"]
                or "left in" in loser["message"]), loser
    for winner in winners:
        assert winner["yours"], winner

    with setup_app.app_context():
        session = db.session()
        rentals = session.scalars(select(Rental)).all()
        assert len(rentals) == NUMBERS
        assert len({rental.number_id for rental in rentals}) == NUMBERS
        assert all(rental.number.state == "rented" for rental in rentals)
        paid = {rental.user_id: rental.charged_total for rental in rentals}
        assert len(paid) == NUMBERS  # no customer got two
        for user_id in session.scalars(select(LedgerEntry.user_id).distinct()).all():
            spent = -session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                LedgerEntry.user_id == user_id, LedgerEntry.amount < 0))
            assert spent == paid.get(user_id, Money.zero("EUR"))
            left = balance(session, user_id).amount
            assert left == CREDITS - spent.amount and left >= 0
        winners_ids = {rental.user_id for rental in rentals}
        assert session.scalar(select(func.count()).select_from(LedgerEntry).where(
            LedgerEntry.amount < 0)) == NUMBERS
        assert len(winners_ids) == NUMBERS
