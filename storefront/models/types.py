"""Column types that read and write domain values."""
from decimal import Decimal

from sqlalchemy import Numeric
from sqlalchemy.types import TypeDecorator

from pricing import Money
from pricing.errors import CurrencyMismatch


class MoneyColumn(TypeDecorator):
    """An amount of one named currency, stored as NUMERIC(precision, 2) as before.

    Reads give `Money` in the column's currency; writes take `Money` of that currency
    (another currency is refused). A bare int or Decimal is taken as an amount of the
    column's currency, as SQL needs for comparisons (`amount < 0`) and sums' defaults.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, currency: str, precision: int = 10):
        super().__init__(precision=precision, scale=2)
        self.currency = currency

    def process_bind_param(self, value, dialect):
        if value is None or isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return value
        if not isinstance(value, Money):
            raise TypeError(f"a {self.currency} column stores Money, not {type(value).__name__}")
        if value.currency != self.currency:
            raise CurrencyMismatch(f"cannot store {value.currency} in a {self.currency} column")
        return value.amount

    def process_result_value(self, value, dialect):
        return None if value is None else Money(Decimal(value), self.currency)

    @property
    def python_type(self):
        return Money


EUROS = MoneyColumn("EUR")
