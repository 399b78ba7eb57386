"""Pricing rules of SPEC §2: pure functions over an immutable catalog; Decimal money.

Imports no Flask, no SQLAlchemy, does no I/O: every page, API answer, charge, hold and
refund takes its numbers from here.
"""
from pricing.catalog import Catalog, Country, LoyaltyPolicy, ReturnFee, VolumeDiscount
from pricing.catalog_document import catalog_to_dict, parse_catalog
from pricing.errors import (
    CatalogError,
    CountryRetired,
    CurrencyMismatch,
    FieldError,
    InvalidMonths,
    InvalidTier,
    PricingError,
    UnknownCountry,
)
from pricing.long_term import (
    bundle_total,
    full_months_held,
    legacy_renewal,
    long_term_bundle,
    long_term_extend,
    loyalty_percent,
    reservation_hold,
)
from pricing.money import Money
from pricing.quote import Quote, QuoteLine
from pricing.returns import return_fee_percent, unused_return_refund
from pricing.short_term import (
    first_renewal,
    prorated_first_month,
    short_term_extend,
    short_term_prepaid,
    subscription_first_charge,
    volume_discount,
)
from pricing.tiers import DEFAULT_TIER, SHORT_TERM_MONTHS, TIERS, check_months, check_tier

__all__ = [
    "Catalog", "CatalogError", "Country", "DEFAULT_TIER", "CountryRetired", "CurrencyMismatch", "FieldError", "InvalidMonths",
    "InvalidTier", "LoyaltyPolicy", "Money", "PricingError", "Quote", "QuoteLine", "ReturnFee",
    "SHORT_TERM_MONTHS", "TIERS", "UnknownCountry", "VolumeDiscount", "bundle_total",
    "catalog_to_dict", "check_months", "check_tier", "first_renewal", "full_months_held", "legacy_renewal",
    "long_term_bundle", "long_term_extend", "loyalty_percent", "parse_catalog",
    "prorated_first_month", "reservation_hold", "return_fee_percent", "short_term_extend", "short_term_prepaid",
    "subscription_first_charge", "unused_return_refund", "volume_discount",
]
