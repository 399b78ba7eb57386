"""Allocation never gives one number to two buyers, also under concurrency on PostgreSQL."""
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hardware.allocation import allocate
from hardware.errors import OutOfStock
from hardware.lifecycle import HELD, RENTED
from hardware.models import PhoneNumber


def test_allocate_takes_a_number_and_stock_goes_down(session, german_gateway, stock_long_numbers):
    stock_long_numbers(2)
    first = allocate(session, "DE", "long")
    second = allocate(session, "DE", "long", to_state=HELD)
    session.commit()
    assert first.id != second.id
    assert (first.state, second.state) == (RENTED, HELD)
    with pytest.raises(OutOfStock, match="No long-term numbers are left in DE"):
        allocate(session, "DE", "long")


def test_a_chosen_number_taken_meanwhile_says_so(session, german_gateway, stock_long_numbers):
    stock_long_numbers(1)
    number_id = session.scalar(select(PhoneNumber.id))
    allocate(session, "DE", "long", number_id=number_id)
    session.commit()
    with pytest.raises(OutOfStock, match="just taken by someone else"):
        allocate(session, "DE", "long", number_id=number_id)


def test_twenty_buyers_for_the_last_five_numbers(engine, session, german_gateway, stock_long_numbers):
    if engine.dialect.name != "postgresql":
        pytest.skip("the race is run on PostgreSQL, where several processes share the database")
    stock_long_numbers(5)
    start = threading.Barrier(20)
    won, refused, failed = [], [], []

    def buyer():
        with Session(engine) as own_session:
            start.wait()
            try:
                number = allocate(own_session, "DE", "long")
                own_session.commit()
                won.append(number.id)
            except OutOfStock as error:
                own_session.rollback()
                refused.append(error.message)
            except Exception as error:  # noqa: BLE001 - any other failure fails the test below
                failed.append(error)

    threads = [threading.Thread(target=buyer) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failed == []
    assert len(won) == 5 and len(set(won)) == 5
    assert len(refused) == 15 and all("No long-term numbers are left" in m for m in refused)
    rented = session.scalar(select(func.count()).where(PhoneNumber.state == RENTED))
    assert rented == 5
