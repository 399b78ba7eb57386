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
from storefront.services.quotes import QuoteRequest, quote_for

TOKEN_SALT = "checkout-quote"
TOKEN_MAX_AGE_SECONDS = 60 * 60


class QuoteExpired(Exception):
    """The token is too old, or not one of ours: the customer starts the choice again."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class QuoteChanged(Exception):
    def __init__(self, seen_total: Money, quote: Quote):
        self.seen_total = seen_total
        self.quote = quote
        self.message = (
            f"The price changed from {seen_total} to {quote.total} since you saw it. "
            "Please check the new price and confirm again."
        )
        super().__init__(self.message)


@dataclass(frozen=True)
class Checkout:
    """What the customer chose, the total they saw, and the key that makes paying once."""

    request: QuoteRequest
    number_id: int | None
    seen_total: Money
    key: str


def issue_token(secret_key: str, request: QuoteRequest, quote: Quote, number_id: int | None) -> str:
    payload = {
        "request": {**asdict(request), "start": request.start.isoformat() if request.start else None},
        "number_id": number_id,
        "total": quote.total.as_string(),
        "key": secrets.token_urlsafe(16),
    }
    return URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT).dumps(payload)


def read_token(secret_key: str, token: str) -> Checkout:
    serializer = URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT)
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
    return Checkout(QuoteRequest(**fields), payload["number_id"], Money.eur(payload["total"]), payload["key"])


def confirm_quote(catalog: Catalog, checkout: Checkout, today: date) -> Quote:
    """The quote to charge: the one the customer saw, if the catalog still prices it the same
    on the day of paying (a subscription's first month is prorated from that day)."""
    request = replace(checkout.request, start=today) if checkout.request.start else checkout.request
    quote = quote_for(catalog, request)
    if quote.total != checkout.seen_total:
        raise QuoteChanged(checkout.seen_total, quote)
    return quote
