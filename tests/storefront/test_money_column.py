"""Money columns read and write Money: amounts to the cent, the currency named, no rebuild."""
from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select
from sqlalchemy.exc import StatementError

from pricing import CurrencyMismatch, Money
from storefront.models.types import EUROS

table = Table("prices", MetaData(), Column("id", Integer, primary_key=True), Column("amount", EUROS))


@pytest.fixture
def connection():
    engine = create_engine("sqlite://")
    table.metadata.create_all(engine)
    with engine.begin() as connection:
        yield connection


def test_money_goes_in_and_comes_back_as_money(connection):
    connection.execute(insert(table).values(id=1, amount=Money.eur("16.00")))
    amount = connection.scalar(select(table.c.amount))
    assert amount == Money.eur("16.00") and amount.as_string() == "16.00" and str(amount) == "€16.00"


def test_another_currency_is_refused(connection):
    with pytest.raises(StatementError) as refused:
        connection.execute(insert(table).values(id=1, amount=Money.of("16.00", "USD")))
    assert isinstance(refused.value.orig, CurrencyMismatch)


def test_sql_compares_with_bare_numbers(connection):
    connection.execute(insert(table), [{"id": 1, "amount": Money.eur("-2.50")}, {"id": 2, "amount": Money.eur("3")}])
    assert connection.scalar(select(table.c.id).where(table.c.amount < 0)) == 1
    assert connection.scalar(select(table.c.amount).where(table.c.amount > Decimal("1"))) == Money.eur("3.00")
