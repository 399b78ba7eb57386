"""The catalog as the rules read it: immutable types, built and validated once from its JSON
document by `pricing.catalog_document` (SPEC §6)."""
from dataclasses import dataclass
from collections.abc import Mapping
from decimal import Decimal

from pricing.errors import CountryRetired, UnknownCountry
from pricing.money import Money

CURRENCY = "EUR"


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    short_term_monthly: Money
    long_term_unit: Money
    setup_fee: Money
    # A retired country sells nothing new; numbers already rented there go on as before.
    retired: bool = False


@dataclass(frozen=True)
class VolumeDiscount:
    min_months: int
    percent: Decimal


@dataclass(frozen=True)
class LoyaltyPolicy:
    step_months: int
    percent_per_step: Decimal
    max_percent: Decimal


@dataclass(frozen=True)
class ReturnFee:
    prior_returns: int
    percent: Decimal


@dataclass(frozen=True, eq=False)
class Catalog:
    currency: str
    bundle_factors: Mapping[int, Decimal]
    volume_discounts: tuple[VolumeDiscount, ...]
    loyalty: LoyaltyPolicy
    return_fees: tuple[ReturnFee, ...]
    countries: tuple[Country, ...]

    def country(self, code: str) -> Country:
        wanted = (code or "").upper()
        for country in self.countries:
            if country.code == wanted:
                return country
        raise UnknownCountry(code)

    @property
    def countries_on_sale(self) -> tuple[Country, ...]:
        return tuple(country for country in self.countries if not country.retired)

    def country_on_sale(self, code: str) -> Country:
        """The country for a new sale (a purchase, a reservation); a retired one is refused."""
        country = self.country(code)
        if country.retired:
            raise CountryRetired(country.code, country.name)
        return country
