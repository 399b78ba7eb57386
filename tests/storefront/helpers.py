"""Helpers the storefront tests share: reading pages, the wizard's hidden fields, Stripe
tokens and signed webhooks, balances, API clients. Fixtures live in conftest.py."""
import hashlib
import hmac
import json
import re
import time
import urllib.parse
import urllib.request
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from html import unescape

from sqlalchemy import select

from storefront import db
from storefront.cli import DEMO_CATALOG
from storefront.models import User
from storefront.services import credits, payments
from storefront.services.api_tokens import create_token
from storefront.services.catalog import current_catalog
from storefront.services.credits import adjust_credits
from storefront.services.quotes import QuoteRequest, price_row, quote_for
from tests.helpers import WEBHOOK_SECRET

# Pages and the buying wizard

def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def first_number_id(client, query: str) -> str:
    html = page(client.get(f"/buy?{query}"))
    return re.search(r'name="number" value="(\d+)"', html).group(1)


def checkout_token(client, query: str) -> str:
    html = page(client.get(f"/buy/review?{query}"))
    return re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)


# Prices as the demo catalog sets them

FRANCE = next(c for c in json.loads(DEMO_CATALOG.read_text())["countries"] if c["code"] == "FR")


def expected_first_charge(country: dict, day: date) -> Decimal:
    """The setup fee + monthly fee / 30 × days left (purchase day included, at most 30)."""
    next_month = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    days_left = min((next_month - day).days, 30)
    prorated = Decimal(country["short_term_monthly"]) * days_left / 30
    return Decimal(country["setup_fee"]) + prorated.quantize(Decimal("0.01"), ROUND_HALF_UP)


def germany_bundle(app, tier: int) -> str:
    with app.app_context():
        quote = quote_for(current_catalog(db.session()), QuoteRequest("DE", "long", tier_months=tier))
        return str(price_row(quote).price)


# Credits and card payments

def give_credits(app, email: str, amount: str) -> None:
    with app.app_context():
        adjust_credits(db.session(), email, amount, "Test credit")


def credits_of(app, email: str) -> str:
    with app.app_context():
        session = db.session()
        return credits.balance(session, session.scalar(select(User.id).where(User.email == email))).as_string()


def balance(app, user) -> str:
    with app.app_context():
        return credits.balance(db.session(), user.id).as_string()


def started_top_up(app, user, amount="25.00", token=None, localstripe=None):
    with app.app_context():
        session = db.session()
        payment = payments.start_top_up(session, user, payments.parse_top_up_amount(amount))
        charge = payments.pay_top_up(session, user, payment, token) if token else None
        return payment.id, payment.payment_intent_id, charge


def card_token(localstripe, number="4242424242424242") -> str:
    """What Stripe.js does in the browser: exchange card details for a token."""
    body = urllib.parse.urlencode({"card[number]": number, "card[exp_month]": "12", "card[exp_year]": "2030",
                                   "card[cvc]": "123", "key": "pk_test_suite"}).encode()
    with urllib.request.urlopen(f"{localstripe.base_url}/v1/tokens", data=body) as answer:
        return json.load(answer)["id"]


def post_event(client, event_type: str, obj: dict, event_id: str = "evt_1", secret: str = WEBHOOK_SECRET):
    """An event signed exactly as Stripe signs its webhooks."""
    timestamp = int(time.time())
    body = json.dumps({"id": event_id, "object": "event", "type": event_type, "created": timestamp,
                       "data": {"object": obj}}).encode()
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return client.post("/payments/webhook", data=body, content_type="application/json",
                       headers={"Stripe-Signature": f"t={timestamp},v1={signature}"})


# The User API

class Api:
    def __init__(self, client, token: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path):
        return self.client.get("/api/v1" + path, headers=self.headers)

    def post(self, path, body=None, key=None):
        headers = dict(self.headers, **({"Idempotency-Key": key} if key else {}))
        return self.client.post("/api/v1" + path, json=body, headers=headers)

    def delete(self, path):
        return self.client.delete("/api/v1" + path, headers=self.headers)


def api_for(app, email: str, credits: str | None = "100.00") -> Api:
    from storefront.services.accounts import create_user

    with app.app_context():
        session = db.session()
        user = create_user(session, email, "correct horse battery")
        if credits:
            adjust_credits(session, email, credits, "Test credit")
        _, token = create_token(session, user, "script")
    return Api(app.test_client(), token)


# Signing in, with the second factor when the account has one (every staff account)

PASSWORD = "correct horse battery"
TEST_TOTP_SECRET = "TESTSTAFFTWOFACTORKEYAAAAAAAAAAA"


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    """The code an authenticator app shows now (the storefront's clock: tests may travel)."""
    import pyotp

    from storefront import clock

    return pyotp.TOTP(secret).at(clock.now())


def enrol_two_factor(app, email: str, secret: str = TEST_TOTP_SECRET) -> None:
    """Turn two-factor sign-in on for an account, as its owner would on the security page."""
    with app.app_context():
        session = db.session()
        user = session.scalar(select(User).where(User.email == email))
        user.totp_secret = secret
        session.commit()


def sign_in(client, email: str, password: str = PASSWORD, secret: str = TEST_TOTP_SECRET, next: str | None = None):
    """Sign in through the pages; answers the code page when the account has two-factor on.
    Returns the last answer (a 302 when signed in)."""
    answer = client.post("/login", data={"email": email, "password": password},
                         query_string={"next": next} if next else None)
    if answer.status_code == 302 and answer.headers["Location"].endswith("/login/code"):
        answer = client.post("/login/code", data={"code": totp_code(secret)})
    return answer


def staff_client(app, email: str, roles, password: str = PASSWORD):
    """A test client signed in as a new staff member (two-factor set up, as staff must)."""
    from storefront.services.accounts import create_user

    with app.app_context():
        create_user(db.session(), email, password, roles)
    enrol_two_factor(app, email)
    client = app.test_client()
    sign_in(client, email, password)
    return client
