"""Inventory tests run on a plain SQLAlchemy session: `hardware` needs no Flask."""
import itertools

import pytest
from sqlalchemy.orm import Session

from hardware import inventory
from storefront.db import make_engine
from tests.database import empty_every_table
from tests.helpers import with_check_digit


@pytest.fixture
def engine(migrated_database):
    engine = make_engine(migrated_database)
    yield engine
    empty_every_table(engine)
    engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


_serials = itertools.count(1)


@pytest.fixture
def new_iccid():
    """A fresh ICCID with a valid Luhn digit each call."""
    return lambda: with_check_digit(f"894910{next(_serials):012d}")


@pytest.fixture
def german_gateway(session):
    gateway = inventory.add_gateway(session, "fra-1", "DE", slot_count=8)
    session.commit()
    return gateway


@pytest.fixture
def stock_long_numbers(session, new_iccid):
    """Put `count` long-term German numbers on SIMs in gateway fra-1; returns their E.164s."""

    def stock(count: int, gateway_name: str = "fra-1", first_slot: int = 1) -> list[str]:
        numbers = []
        for offset in range(count):
            iccid = new_iccid()
            inventory.insert_sim(session, gateway_name, first_slot + offset, iccid)
            number = inventory.add_number(session, f"+4915123456{700 + first_slot + offset:03d}", "long", "DE", iccid=iccid)
            numbers.append(number.e164)
        session.commit()
        return numbers

    return stock
