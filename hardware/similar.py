"""Numbers like a given one: when a number a customer wants back is gone, support offers
the closest free number of the same country and kind — the one sharing the longest
ending (the digits people remember) or the longest beginning (area code and block)."""
import phonenumbers
from sqlalchemy.orm import Session

from hardware.inventory import in_stock_query
from hardware.models import PhoneNumber


def _national(e164: str) -> str:
    """The digits after the country code (+49 15123456789 → 15123456789): numbers of one
    country all share their country code, so it says nothing about likeness."""
    try:
        return str(phonenumbers.parse(e164).national_number)
    except phonenumbers.NumberParseException:
        return e164.lstrip("+")


def _common_start(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b):
        if x != y:
            break
        count += 1
    return count


def shared_digits(wanted: str, other: str) -> int:
    """How many digits two numbers share at their end, or at the start of their national
    part (area code, block), whichever is more."""
    a, b = _national(wanted), _national(other)
    return max(_common_start(a, b), _common_start(a[::-1], b[::-1]))


def similar_numbers(session: Session, e164: str, country_code: str, kind: str, limit: int = 5) -> list[PhoneNumber]:
    """Up to `limit` in-stock numbers of this country and kind, most similar first.

    Searches from the longest shared ending and beginning down, one query per length that
    stops at `limit` rows, so the cost depends on how similar the stock is, not on its size.
    """
    found: dict[int, PhoneNumber] = {}
    national = _national(e164)
    country_part = e164[:len(e164) - len(national)]  # "+49"
    query = in_stock_query(country_code, kind).where(PhoneNumber.e164 != e164)
    # Longest first: at each length, numbers sharing that many digits at the start or the end.
    for length in range(len(national) - 1, 0, -1):
        for pattern in (country_part + national[:length] + "%", "%" + national[-length:]):
            if len(found) >= limit:
                break
            rows = session.scalars(query.where(PhoneNumber.e164.like(pattern),
                                               PhoneNumber.id.not_in(found.keys() or [0]))
                                   .order_by(PhoneNumber.e164).limit(limit - len(found))).all()
            found.update((number.id, number) for number in rows)
        if len(found) >= limit:
            break
    return sorted(found.values(), key=lambda number: (-shared_digits(e164, number.e164), number.e164))
