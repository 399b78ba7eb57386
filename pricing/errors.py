"""Domain errors of the pricing rules, each with a message a customer can read."""
from dataclasses import dataclass


class PricingError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidTier(PricingError):
    """A long-term duration other than the tiers on sale."""


class InvalidMonths(PricingError):
    """A short-term duration outside 1–12 months."""


class UnknownCountry(PricingError):
    def __init__(self, code: str):
        super().__init__(f"We don't sell numbers in '{code}'.")
        self.code = code


class CountryRetired(UnknownCountry):
    """A country taken off sale: nothing new is sold there, its rentals go on."""

    def __init__(self, code: str, name: str):
        super().__init__(code)
        self.message = f"We no longer sell new numbers in {name}. Numbers already rented there keep running."
        self.args = (self.message,)


class CurrencyMismatch(PricingError):
    """Arithmetic between two currencies: refused rather than guessed."""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class CatalogError(PricingError):
    """A catalog document with one or more bad fields; `errors` names each."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{error.field}: {error.message}" for error in errors))
        self.errors = list(errors)
