"""Holds: a chosen number is kept for one customer for a while; nobody else can hold,
allocate or count it meanwhile; after the time it is on sale again by itself."""
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hardware.allocation import allocate, hold
from hardware.errors import OutOfStock
from hardware.inventory import search_numbers, stock_by_country
from hardware.models import PhoneNumber

TEN_MINUTES = timedelta(minutes=10)


@pytest.fixture
def now():
    """Allocation reads the real clock, so holds start from the real now."""
    return datetime.now(timezone.utc)


def _ids(session):
    return list(session.scalars(select(PhoneNumber.id).order_by(PhoneNumber.id)))


def test_a_held_number_is_not_sold_or_counted_for_anyone_else(session, german_gateway, stock_long_numbers, now):
    stock_long_numbers(2)
    first, second = _ids(session)
    assert hold(session, first, "ada", now + TEN_MINUTES, now)
    session.commit()
    assert stock_by_country(session, "long", now=now) == {"DE": 1}
    assert not hold(session, first, "bob", now + TEN_MINUTES, now)
    with pytest.raises(OutOfStock):
        allocate(session, "DE", "long", number_id=first)
    assert allocate(session, "DE", "long").id == second  # any number: the free one
    with pytest.raises(OutOfStock):
        allocate(session, "DE", "long")
    assert allocate(session, "DE", "long", number_id=first, holder="ada").id == first
    session.commit()
    taken = session.get(PhoneNumber, first)
    assert (taken.state, taken.held_by, taken.held_until) == ("rented", None, None)


def test_a_hold_ends_by_itself(session, german_gateway, stock_long_numbers, now):
    stock_long_numbers(1)
    [number] = _ids(session)
    assert hold(session, number, "ada", now + TEN_MINUTES, now)
    later = now + TEN_MINUTES
    assert stock_by_country(session, "long", now=later - timedelta(seconds=1)) == {}
    assert stock_by_country(session, "long", now=later) == {"DE": 1}
    assert [n.id for n in search_numbers(session, "DE", "long", now=later)] == [number]
    assert hold(session, number, "bob", later + TEN_MINUTES, later)


def test_search_by_digits_and_keyset_pages(session, german_gateway, stock_long_numbers, now):
    numbers = stock_long_numbers(5)  # +4915123456701 … 705
    assert [n.e164 for n in search_numbers(session, "DE", "long", digits="703", match="ends_with", now=now)] \
        == ["+4915123456703"]
    assert len(search_numbers(session, "DE", "long", digits="5123", now=now)) == 5
    assert search_numbers(session, "DE", "long", digits="5123", match="ends_with", now=now) == []
    first_page = search_numbers(session, "DE", "long", limit=2, now=now)
    assert [n.e164 for n in first_page] == numbers[:3]  # one more than asked: there is a next page
    second_page = search_numbers(session, "DE", "long", limit=2, after=first_page[1].e164, now=now)
    assert [n.e164 for n in second_page] == numbers[2:5]
    session.get(PhoneNumber, _ids(session)[0]).voice = True
    session.flush()
    assert [n.e164 for n in search_numbers(session, "DE", "long", capability="voice", now=now)] == numbers[:1]


def test_two_customers_cannot_hold_the_same_number_at_once(engine, session, german_gateway, stock_long_numbers, now):
    stock_long_numbers(1)
    [number] = _ids(session)
    session.commit()  # (on SQLite, an open transaction of this session would keep the write lock)
    start = threading.Barrier(8)
    won, failed = [], []

    def customer(name):
        with Session(engine) as own_session:
            start.wait()
            try:
                if hold(own_session, number, name, now + TEN_MINUTES, now):
                    won.append(name)
                own_session.commit()
            except Exception as error:  # noqa: BLE001 - any other failure fails the test below
                failed.append(error)

    threads = [threading.Thread(target=customer, args=(f"customer-{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failed == []
    assert len(won) == 1
    session.expire_all()
    assert session.get(PhoneNumber, number).held_by == won[0]
