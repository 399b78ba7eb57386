"""Choosing a number: search the numbers on sale, and hold the chosen one for ten minutes
while the customer signs up and pays, so it cannot vanish between choosing and paying.

The holder is an opaque key: a random one kept in the visitor's (signed) session cookie on
the web, so it survives signing up or in. Every purchase path allocates through
`hardware.allocation.allocate`, which skips numbers held for someone else; stock counts
leave held numbers out. A hold ends by itself: past `held_until` it counts for nothing,
so no job has to release it.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from hardware import lifecycle
from hardware.allocation import hold as claim_hold
from hardware.allocation import release_holds
from hardware.inventory import CAPABILITIES, CONTAINS, ENDS_WITH, MATCHES, search_numbers
from hardware.models import PhoneNumber
from pricing import FieldError
from storefront import clock
from storefront.db import transaction
from storefront.problems import InvalidRequest, StorefrontError

HOLD_TIME = timedelta(minutes=10)
PAGE_SIZE = 10
MAX_PAGE_SIZE = 50

__all__ = ["CONTAINS", "ENDS_WITH", "HOLD_TIME", "HoldExpired", "NumberTaken", "NumberSearch", "hold_number",
           "find_numbers", "parse_search"]


class NumberTaken(StorefrontError):
    """Someone else holds or has bought the number: the customer picks another."""

    title = "Number taken"


class HoldExpired(StorefrontError):
    """The customer's ten minutes ran out before paying."""

    title = "Hold ended"


@dataclass(frozen=True)
class NumberSearch:
    """What the customer asked for: digits the number contains or ends with, a capability,
    and the keyset cursor (the last number of the previous page)."""

    digits: str = ""
    match: str = CONTAINS
    capability: str | None = None
    after: str | None = None
    limit: int = PAGE_SIZE

    def query(self, **changes) -> dict:
        values = {"digits": self.digits or None, "match": self.match if self.digits else None,
                  "capability": self.capability, "after": self.after.lstrip("+") if self.after else None,
                  "limit": self.limit if self.limit != PAGE_SIZE else None}
        values.update(changes)
        return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class NumberPage:
    numbers: list[PhoneNumber]
    next_after: str | None


def parse_search(args, strict: bool = False) -> NumberSearch:
    """Read a search from query parameters. Anything but digits in `digits` is dropped
    (people type spaces, dashes and "+"); `strict` (the API) refuses unknown values
    instead of ignoring them."""
    errors = []
    raw = str(args.get("digits") or "")
    digits = "".join(ch for ch in raw if ch in "0123456789")[:15]
    if strict and raw and not digits:
        errors.append(FieldError("digits", "digits must contain at least one digit"))
    match = args.get("match") or CONTAINS
    if match not in MATCHES:
        if strict:
            errors.append(FieldError("match", "match is 'contains' or 'ends_with'"))
        match = CONTAINS
    capability = args.get("capability") or None
    if capability not in (None, *CAPABILITIES):
        if strict:
            errors.append(FieldError("capability", "capability is 'sms' or 'voice'"))
        capability = None
    # The cursor is the last number of the previous page, digits only (URL-safe); a "+"
    # in front, or the space an unencoded "+" becomes, is accepted too.
    after = str(args.get("after") or args.get("cursor") or "").strip().lstrip("+") or None
    if after is not None and (len(after) > 15 or not after.isdigit()):
        if strict:
            errors.append(FieldError("cursor", "cursor is the `next_cursor` of the previous page"))
        after = None
    after = f"+{after}" if after else None
    limit = PAGE_SIZE
    if args.get("limit") not in (None, ""):
        try:
            limit = int(args.get("limit"))
        except (TypeError, ValueError):
            limit = -1
        if not 1 <= limit <= MAX_PAGE_SIZE:
            if strict:
                errors.append(FieldError("limit", f"limit is 1 to {MAX_PAGE_SIZE}"))
            limit = PAGE_SIZE
    if errors:
        raise InvalidRequest(errors)
    return NumberSearch(digits, match, capability, after, limit)


def find_numbers(session: Session, country_code: str, kind: str, search: NumberSearch,
                 holder: str | None = None, now: datetime | None = None) -> NumberPage:
    """One page of numbers on sale (the `holder`'s own held number included)."""
    rows = search_numbers(session, country_code, kind, digits=search.digits, match=search.match,
                          capability=search.capability, after=search.after, limit=search.limit,
                          now=now or clock.now(), holder=holder)
    page = rows[:search.limit]
    return NumberPage(page, page[-1].e164.lstrip("+") if len(rows) > search.limit else None)


def hold_number(session: Session, number: PhoneNumber, holder: str, now: datetime | None = None,
                renew_expired: bool = True) -> datetime:
    """Hold `number` for `holder` for HOLD_TIME (letting go of any other number it held);
    a running hold keeps its end. Returns the end.

    Raises NumberTaken if it is sold or someone else holds it, and — with
    `renew_expired=False`, at review and checkout — HoldExpired if the holder's own ten
    minutes have run out (the customer is told, and chooses again).
    """
    now = now or clock.now()
    session.refresh(number)
    if number.held_by == holder and number.held_until is not None:
        if number.held_until > now and number.state == lifecycle.AVAILABLE:
            return number.held_until
        if not renew_expired:
            raise HoldExpired(f"We held {number.e164} for you for {int(HOLD_TIME.total_seconds() // 60)} minutes; "
                              "that time ran out before payment, so it went back on sale. "
                              "Please choose a number again.")
    until = now + HOLD_TIME
    with transaction(session):
        taken = not claim_hold(session, number.id, holder, until, now)
        if not taken:
            release_holds(session, holder, keep=number.id)
    session.refresh(number)
    if taken:
        raise NumberTaken(f"{number.e164} was just chosen by someone else. Please pick another one.")
    return until


def minutes_left(until: datetime, now: datetime | None = None) -> int:
    seconds = (until - (now or clock.now())).total_seconds()
    return max(int(-(-seconds // 60)), 0)
