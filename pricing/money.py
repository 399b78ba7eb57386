"""Money: an immutable amount of one currency; rounding is an explicit, named step."""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pricing.errors import CurrencyMismatch

CENT = Decimal("0.01")
WHOLE = Decimal("1")
SYMBOLS = {"EUR": "€"}


# Amounts have at most this many digits before the point (a trillion euros is none of ours).
LARGEST_DIGITS = 11


def _decimal(value) -> Decimal:
    if isinstance(value, (float, bool)):
        raise TypeError(f"money is never built from {type(value).__name__}: use a string or Decimal")
    if not isinstance(value, Decimal):
        try:
            value = Decimal(value.strip() if isinstance(value, str) else value)
        except (InvalidOperation, TypeError) as error:
            raise ValueError(f"'{value}' is not an amount of money") from error
    # NaN, sNaN, Infinity and absurd sizes (1e999999) are no amount: every sum or
    # comparison with them would fail later, far from where they came in.
    if not value.is_finite() or value.adjusted() > LARGEST_DIGITS or value.adjusted() < -30:
        raise ValueError(f"'{value}' is not an amount of money")
    return value


@dataclass(frozen=True, order=False)
class Money:
    """`Money(amount, currency)`, `Money.of(value, currency)` or `Money.eur(value)`: the
    currency is always said, never assumed."""

    amount: Decimal
    currency: str

    def __post_init__(self):
        object.__setattr__(self, "amount", _decimal(self.amount))

    @classmethod
    def of(cls, value, currency: str) -> "Money":
        return cls(_decimal(value), currency)

    @classmethod
    def eur(cls, value) -> "Money":
        """Euros, from a string or Decimal ("16.00")."""
        return cls(_decimal(value), "EUR")

    parse = of

    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls(Decimal("0"), currency)

    def _same_currency(self, other: "Money") -> "Money":
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")
        return other

    def __add__(self, other: "Money") -> "Money":
        other = self._same_currency(other)
        if other is NotImplemented:
            return other
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        other = self._same_currency(other)
        if other is NotImplemented:
            return other
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.amount, self.currency)

    def __mul__(self, factor) -> "Money":
        if isinstance(factor, (float, bool)) or not isinstance(factor, (int, Decimal)):
            raise TypeError("money is multiplied by an int or a Decimal only")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor) -> "Money":
        if isinstance(divisor, (float, bool)) or not isinstance(divisor, (int, Decimal)):
            raise TypeError("money is divided by an int or a Decimal only")
        return Money(self.amount / divisor, self.currency)

    def __lt__(self, other: "Money") -> bool:
        return self.amount < self._same_currency(other).amount

    def __le__(self, other: "Money") -> bool:
        return self.amount <= self._same_currency(other).amount

    def __gt__(self, other: "Money") -> bool:
        return self.amount > self._same_currency(other).amount

    def __ge__(self, other: "Money") -> bool:
        return self.amount >= self._same_currency(other).amount

    def __eq__(self, other) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.currency == other.currency and self.amount == other.amount

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def rounded_to_cents(self) -> "Money":
        return Money(self.amount.quantize(CENT, rounding=ROUND_HALF_UP), self.currency)

    def rounded_to_whole_euros(self) -> "Money":
        return Money(self.amount.quantize(WHOLE, rounding=ROUND_HALF_UP), self.currency)

    def is_zero(self) -> bool:
        return self.amount == 0

    def as_string(self) -> str:
        """Two decimals, as money travels in JSON: "16.00"."""
        return str(self.amount.quantize(CENT, rounding=ROUND_HALF_UP))

    def __str__(self) -> str:
        symbol = SYMBOLS.get(self.currency, self.currency + " ")
        sign = "−" if self.amount < 0 else ""
        return f"{sign}{symbol}{abs(self.amount).quantize(CENT, rounding=ROUND_HALF_UP)}"
