"""Reading the JSON body of an API request: each bad field becomes an InvalidRequest
(422 problem+json naming the field)."""
import hashlib
import secrets

from flask import g, request

from pricing import FieldError, Money
from storefront.problems import InvalidRequest
from storefront.services.quotes import LARGEST_WHOLE, whole_number


def body() -> dict:
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than any body of ours
        raise InvalidRequest([FieldError("body", "is nested too deeply")]) from None
    if data is None and request.get_data():
        raise InvalidRequest([FieldError("body", "must be a JSON object")])
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidRequest([FieldError("body", "must be a JSON object")])
    bad = sorted(name for name, value in data.items() if isinstance(value, str) and "\x00" in value)
    if bad:
        raise InvalidRequest([FieldError(name, "must not contain NUL characters") for name in bad])
    return data


def whole(data: dict, field: str, required: bool = False) -> int | None:
    value = data.get(field)
    if value is None and required:
        raise InvalidRequest([FieldError(field, "is required")])
    if isinstance(value, str):  # JSON numbers only: "3" is not a number here
        raise InvalidRequest([FieldError(field, "must be a whole number")])
    return whole_number(value, field)


def money(data: dict, field: str) -> Money | None:
    value = data.get(field)
    if value is None:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        return Money.eur(value)
    except (ValueError, ArithmeticError):
        raise InvalidRequest([FieldError(field, 'must be an amount as a string, like "16.00"')]) from None


def country(data: dict, example: str = "DE") -> str:
    value = data.get("country")
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest([FieldError("country", f"is required (an ISO country code such as {example})")])
    return value.strip().upper()


def own_id(value: int) -> int | None:
    """An id from the URL, or None when it is larger than any id can be."""
    return value if value <= LARGEST_WHOLE else None


def purchase_key() -> str:
    """The purchase's own key: the Idempotency-Key when given (retries find the first result)."""
    given = request.headers.get("Idempotency-Key", "").strip()
    if not given:
        return f"api:{secrets.token_urlsafe(16)}"
    # Scoped by customer; a long key (up to 255 characters) is hashed to fit the key columns.
    return f"api:{g.api_user.id}:{given if len(given) <= 40 else hashlib.sha256(given.encode()).hexdigest()}"


def flag(data: dict, field: str, default: bool) -> bool:
    value = data.get(field, default)
    if not isinstance(value, bool):
        raise InvalidRequest([FieldError(field, "must be true or false")])
    return value
