"""Numbers like a given one: when a number a customer wants back is gone, support offers
the closest free number of the same country and kind — the one sharing the longest
ending (the digits people remember) or the longest beginning (area code and block)."""
from sqlalchemy.orm import Session

from hardware.inventory import in_stock_query
from hardware.models import PhoneNumber


def shared_digits(wanted: str, other: str) -> int:
    """How many digits the two numbers share at their end, or at their start, whichever is more."""
    def common(a: str, b: str) -> int:
        count = 0
        for x, y in zip(a, b):
            if x != y:
                break
            count += 1
        return count

    return max(common(wanted, other), common(wanted[::-1], other[::-1]))


def similar_numbers(session: Session, e164: str, country_code: str, kind: str, limit: int = 5) -> list[PhoneNumber]:
    """Up to `limit` in-stock numbers of this country and kind, most similar first.

    Searches from the longest shared ending and beginning down, one query per length that
    stops at `limit` rows, so the cost depends on how similar the stock is, not on its size.
    """
    found: dict[int, PhoneNumber] = {}
    query = in_stock_query(country_code, kind).where(PhoneNumber.e164 != e164)
    for length in range(len(e164) - 1, 0, -1):
        for pattern in (e164[:length] + "%", "%" + e164[-length:]):
            if len(found) >= limit:
                break
            rows = session.scalars(query.where(PhoneNumber.e164.like(pattern),
                                               PhoneNumber.id.not_in(found.keys() or [0]))
                                   .order_by(PhoneNumber.e164).limit(limit - len(found))).all()
            found.update((number.id, number) for number in rows)
        if len(found) >= limit:
            break
    return sorted(found.values(), key=lambda number: (-shared_digits(e164, number.e164), number.e164))
