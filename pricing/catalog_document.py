"""The catalog's JSON document (SPEC §6): `parse_catalog` validates one, naming every bad
field, and builds the immutable `Catalog`; `catalog_to_dict` writes it back."""
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from pricing.catalog import CURRENCY, Catalog, Country, LoyaltyPolicy, ReturnFee, VolumeDiscount
from pricing.errors import CatalogError, FieldError
from pricing.long_term import bundle_amount
from pricing.money import Money
from pricing.tiers import SHORT_TERM_MONTHS, TIERS


class _Reader:
    """Reads a catalog document, collecting every problem instead of stopping at the first."""

    def __init__(self):
        self.errors: list[FieldError] = []

    def error(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def section(self, data, key, kind, field=None):
        field = field or key
        if not isinstance(data, dict) or key not in data:
            self.error(field, "is missing")
            return None
        value = data[key]
        if not isinstance(value, kind):
            self.error(field, f"must be a {'list' if kind is list else 'mapping'}")
            return None
        return value

    def decimal(self, data: dict, key: str, field: str, what: str) -> Decimal | None:
        if key not in data:
            self.error(field, "is missing")
            return None
        raw = data[key]
        if isinstance(raw, (bool, float)) or not isinstance(raw, (str, int)):
            self.error(field, f"must be {what} written as a string, not {raw!r}")
            return None
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            self.error(field, f"must be {what}, not '{raw}'")
            return None
        if not value.is_finite() or value.adjusted() > 6:
            self.error(field, f"must be {what} below a million, not '{str(raw)[:40]}'")
            return None
        return value

    def money(self, data: dict, key: str, field: str) -> Money | None:
        value = self.decimal(data, key, field, "an amount of money")
        if value is None:
            return None
        if value < 0 or value.as_tuple().exponent < -2:
            self.error(field, f"must be an amount of money of zero or more with at most two decimals, not '{data[key]}'")
            return None
        return Money(value, CURRENCY)

    def price(self, data: dict, key: str, field: str) -> Money | None:
        """A price customers pay: above zero (a free number would be given away)."""
        value = self.money(data, key, field)
        if value is not None and value.is_zero():
            self.error(field, "must be a price above zero")
            return None
        return value

    def discount(self, data: dict, key: str, field: str) -> Decimal | None:
        """A discount: from 0 up to, not including, 100 % (a number is never free)."""
        value = self.percent(data, key, field)
        if value is not None and value >= 100:
            self.error(field, f"must be a discount below 100 percent, not '{data[key]}'")
            return None
        return value

    def percent(self, data: dict, key: str, field: str) -> Decimal | None:
        value = self.decimal(data, key, field, "a percent")
        if value is not None and not 0 <= value <= 100:
            self.error(field, f"must be a percent from 0 to 100, not '{data[key]}'")
            return None
        return value

    def whole(self, data: dict, key: str, field: str, minimum: int, maximum: int | None = None) -> int | None:
        if key not in data:
            self.error(field, "is missing")
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum or (
            maximum is not None and value > maximum
        ):
            upper = f" to {maximum}" if maximum is not None else " or more"
            self.error(field, f"must be a whole number from {minimum}{upper}, not {value!r}")
            return None
        return value


def _allowed_tiers() -> str:
    return ", ".join(str(tier) for tier in TIERS)


def _bundle_factors(reader: _Reader, data) -> dict[int, Decimal] | None:
    raw = reader.section(data, "bundle_factors", dict)
    if raw is None:
        return None
    factors: dict[int, Decimal] = {}
    for key in raw:
        if str(key) not in {str(tier) for tier in TIERS}:
            reader.error(f"bundle_factors.{key}", f"'{key}' is not a tier: tiers are {_allowed_tiers()} months")
    for tier in TIERS:
        field = f"bundle_factors.{tier}"
        if str(tier) not in raw:
            reader.error(field, f"the {tier}-month tier is missing (tiers are {_allowed_tiers()})")
            continue
        factor = reader.decimal(raw, str(tier), field, "a factor")
        if factor is not None and factor <= 0:
            reader.error(field, f"must be a factor above zero, not '{raw[str(tier)]}'")
        elif factor is not None:
            factors[tier] = factor
    if len(factors) != len(TIERS):
        return None
    for shorter, longer in zip(TIERS, TIERS[1:]):
        if factors[longer] < factors[shorter]:
            reader.error(
                f"bundle_factors.{longer}",
                f"{factors[longer]} makes the {longer}-month bundle cheaper in total than the "
                f"{shorter}-month one ({factors[shorter]})",
            )
            return None
    return factors


def _volume_discounts(reader: _Reader, data) -> tuple[VolumeDiscount, ...]:
    rows = reader.section(data, "volume_discounts", list) or []
    result, seen = [], set()
    for index, row in enumerate(rows):
        field = f"volume_discounts[{index}]"
        if not isinstance(row, dict):
            reader.error(field, "must be a mapping with min_months and percent")
            continue
        months = reader.whole(row, "min_months", f"{field}.min_months", SHORT_TERM_MONTHS.start, SHORT_TERM_MONTHS.stop - 1)
        percent = reader.discount(row, "percent", f"{field}.percent")
        if months in seen:
            reader.error(f"{field}.min_months", f"{months} is listed twice")
        elif months is not None and percent is not None:
            seen.add(months)
            result.append(VolumeDiscount(months, percent))
    return tuple(sorted(result, key=lambda row: row.min_months))


def _loyalty(reader: _Reader, data) -> LoyaltyPolicy | None:
    raw = reader.section(data, "loyalty", dict)
    if raw is None:
        return None
    step = reader.whole(raw, "step_months", "loyalty.step_months", 1)
    per_step = reader.discount(raw, "percent_per_step", "loyalty.percent_per_step")
    cap = reader.discount(raw, "max_percent", "loyalty.max_percent")
    if None in (step, per_step, cap):
        return None
    return LoyaltyPolicy(step, per_step, cap)


def _return_fees(reader: _Reader, data) -> tuple[ReturnFee, ...]:
    rows = reader.section(data, "return_fees", list)
    if rows is None:
        return ()
    result, seen = [], set()
    for index, row in enumerate(rows):
        field = f"return_fees[{index}]"
        if not isinstance(row, dict):
            reader.error(field, "must be a mapping with prior_returns and percent")
            continue
        count = reader.whole(row, "prior_returns", f"{field}.prior_returns", 0)
        percent = reader.percent(row, "percent", f"{field}.percent")
        if count in seen:
            reader.error(f"{field}.prior_returns", f"{count} is listed twice")
        elif count is not None and percent is not None:
            seen.add(count)
            result.append(ReturnFee(count, percent))
    if rows and 0 not in seen and not any(e.field.startswith("return_fees") for e in reader.errors):
        reader.error("return_fees", "needs a row for 0 prior returns")
    return tuple(sorted(result, key=lambda row: row.prior_returns))


def _countries(reader: _Reader, data) -> tuple[Country, ...]:
    rows = reader.section(data, "countries", list)
    if rows is None:
        return ()
    if not rows:
        reader.error("countries", "must list at least one country")
    result, seen = [], set()
    for index, row in enumerate(rows):
        field = f"countries[{index}]"
        if not isinstance(row, dict):
            reader.error(field, "must be a mapping")
            continue
        code = row.get("code")
        if not (isinstance(code, str) and len(code) == 2 and code.isalpha() and code.isupper()):
            reader.error(f"{field}.code", f"must be a two-letter ISO country code in capitals, not {code!r}")
            code = None
        elif code in seen:
            reader.error(f"{field}.code", f"'{code}' is listed twice")
            code = None
        name = row.get("name")
        if not isinstance(name, str) or not name.strip():
            reader.error(f"{field}.name", "must be the country's name")
        elif len(name) > 100:
            reader.error(f"{field}.name", "must be the country's name, at most 100 characters")
            name = None
        rate = reader.price(row, "short_term_monthly", f"{field}.short_term_monthly")
        unit = reader.price(row, "long_term_unit", f"{field}.long_term_unit")
        fee = reader.money(row, "setup_fee", f"{field}.setup_fee")
        retired = row.get("retired", False)
        if not isinstance(retired, bool):
            reader.error(f"{field}.retired", f"must be true or false, not {retired!r}")
        if code and isinstance(name, str) and name.strip() and None not in (rate, unit, fee):
            seen.add(code)
            result.append(Country(code, name.strip(), rate, unit, fee, retired=retired is True))
    if result and all(country.retired for country in result):
        reader.error("countries", "at least one country must stay on sale")
    return tuple(result)


def _check_bundles_per_country(reader: _Reader, factors, countries, rows) -> None:
    """Rounding to whole euros can undo what the factors promise at a tiny unit (at €1 the
    12-month bundle costs more per month than the 9-month one), so every country's
    rounded totals are checked: a longer tier never costs less in total, nor more a month."""
    for country in countries:
        index = next(i for i, row in enumerate(rows) if isinstance(row, dict) and row.get("code") == country.code)
        totals = [bundle_amount(country.long_term_unit, factors[tier]) for tier in TIERS]
        for (shorter, short_total), (longer, long_total) in zip(
            zip(TIERS, totals), zip(TIERS[1:], totals[1:])
        ):
            if long_total < short_total or long_total.amount / longer > short_total.amount / shorter:
                reader.error(
                    f"countries[{index}].long_term_unit",
                    f"at {country.long_term_unit} the {longer}-month bundle ({long_total}) would cost "
                    f"less in total or more a month than the {shorter}-month one ({short_total})",
                )
                break


def parse_catalog(data) -> Catalog:
    """Validate a catalog document (the JSON file format) and build the Catalog,
    or raise CatalogError naming every bad field with its value."""
    reader = _Reader()
    if not isinstance(data, dict):
        raise CatalogError([FieldError("catalog", "must be a JSON object")])
    currency = data.get("currency")
    if currency != CURRENCY:
        reader.error("currency", f"must be '{CURRENCY}', not {currency!r}")
    factors = _bundle_factors(reader, data)
    volume_discounts = _volume_discounts(reader, data)
    loyalty = _loyalty(reader, data)
    return_fees = _return_fees(reader, data)
    countries = _countries(reader, data)
    if factors:
        _check_bundles_per_country(reader, factors, countries, data.get("countries"))
    if reader.errors:
        raise CatalogError(reader.errors)
    return Catalog(
        currency=CURRENCY,
        bundle_factors=MappingProxyType(dict(factors)),
        volume_discounts=volume_discounts,
        loyalty=loyalty,
        return_fees=return_fees,
        countries=countries,
    )


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def catalog_to_dict(catalog: Catalog) -> dict:
    """The catalog as its JSON document: `parse_catalog(catalog_to_dict(c))` rebuilds `c`."""
    return {
        "currency": catalog.currency,
        "bundle_factors": {str(tier): format(factor, "f") for tier, factor in catalog.bundle_factors.items()},
        "volume_discounts": [
            {"min_months": row.min_months, "percent": _plain(row.percent)} for row in catalog.volume_discounts
        ],
        "loyalty": {
            "step_months": catalog.loyalty.step_months,
            "percent_per_step": _plain(catalog.loyalty.percent_per_step),
            "max_percent": _plain(catalog.loyalty.max_percent),
        },
        "return_fees": [
            {"prior_returns": row.prior_returns, "percent": _plain(row.percent)} for row in catalog.return_fees
        ],
        "countries": [
            {
                "code": country.code,
                "name": country.name,
                "short_term_monthly": country.short_term_monthly.as_string(),
                "long_term_unit": country.long_term_unit.as_string(),
                "setup_fee": country.setup_fee.as_string(),
                **({"retired": True} if country.retired else {}),
            }
            for country in catalog.countries
        ],
    }
