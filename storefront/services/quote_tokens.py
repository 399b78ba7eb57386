"""The quote a customer saw, carried to checkout in a signed token (honest checkout).

The token holds what was chosen and the total shown. At checkout the quote is made
again from the catalog in force: if it differs, the customer is shown the new quote
and asked again (QuoteChanged) — never charged a different amount silently.
"""
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import date

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from pricing import Catalog, Money, Quote
from storefront.problems import StorefrontError
from storefront.services.quotes import QuoteRequest, quote_for

TOKEN_SALT = "checkout-quote"
TOKEN_MAX_AGE_SECONDS = 60 * 60


class QuoteExpired(StorefrontError):
    """The token is too old, or not one of ours: the customer starts the choice again."""

    title = "Price no longer valid"


class QuoteChanged(StorefrontError):
    """The price moved since the customer saw it: nothing is charged, the new quote is shown."""

    title = "Price changed"
    slug = "price-changed"

    def __init__(self, seen_total: Money, quote: Quote):
        super().__init__(f"The price changed from {seen_total} to {quote.total} since you saw it. "
                         "Please check the new price and confirm again.", quote=quote)
        self.seen_total = seen_total
        self.quote = quote


def confirm_price(seen_total: Money, quote: Quote) -> Quote:
    """Charge what was shown: the quote, if its total is the one the customer saw; else
    QuoteChanged. Every payment a customer confirms (checkout, extend, reserve) comes here."""
    if quote.total != seen_total:
        raise QuoteChanged(seen_total, quote)
    return quote


@dataclass(frozen=True)
class Checkout:
    """What the customer chose, the total they saw, and the key that makes paying once."""

    request: QuoteRequest
    number_id: int | None
    seen_total: Money
    key: str
    # Long-term only: the customer's choice at checkout (on unless they untick it).
    auto_renew: bool = True
    holder: str | None = None  # the web visitor's hold key: it may take the number it holds

    def query(self, with_number: bool = True) -> dict:
        """The buy wizard's query string for this choice: to show it again."""
        values = {"country": self.request.country, "kind": self.request.kind, "tier_months": self.request.tier_months,
                  "months": self.request.months, "billing": self.request.billing,
                  "number": self.number_id if with_number else None}
        return {key: value for key, value in values.items() if value is not None}


def issue_token(secret_key: str, request: QuoteRequest, quote: Quote, number_id: int | None,
                holder: str | None = None) -> str:
    payload = {
        "holder": holder,
        "request": {**asdict(request), "start": request.start.isoformat() if request.start else None},
        "number_id": number_id,
        "total": quote.total.as_string(),
        "key": secrets.token_urlsafe(16),
    }
    return URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT).dumps(payload)


def read_token(secret_key: str, token: str) -> Checkout:
    serializer = URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT)
    if not isinstance(token, str) or not token:  # a form posted without its checkout token
        raise QuoteExpired("This checkout link is not valid. Please choose your number again.")
    try:
        payload = serializer.loads(token, max_age=TOKEN_MAX_AGE_SECONDS)
    except SignatureExpired as error:
        raise QuoteExpired(
            "This price was shown a while ago. Please check the current price and confirm again."
        ) from error
    except BadSignature as error:
        raise QuoteExpired("This checkout link is not valid. Please choose your number again.") from error
    fields = dict(payload["request"])
    fields["start"] = date.fromisoformat(fields["start"]) if fields.get("start") else None
    return Checkout(QuoteRequest(**fields), payload["number_id"], Money.eur(payload["total"]), payload["key"],
                    holder=payload.get("holder"))


def confirm_quote(catalog: Catalog, checkout: Checkout, today: date) -> Quote:
    """The quote to charge: the one the customer saw, if the catalog still prices it the same
    on the day of paying (a subscription's first month is prorated from that day)."""
    request = replace(checkout.request, start=today) if checkout.request.start else checkout.request
    return confirm_price(checkout.seen_total, quote_for(catalog, request))
