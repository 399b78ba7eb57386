"""The price preview of a draft: for each country whose prices it changes, every figure a
customer would see (bundles, 1–12 months, setup fee) now and in the draft."""
from dataclasses import dataclass

from pricing import SHORT_TERM_MONTHS, TIERS, Catalog, Money, long_term_bundle, short_term_prepaid


@dataclass(frozen=True)
class Compared:
    """One figure now and in the draft; `None` where the country has no such figure."""

    old: Money | None
    new: Money | None

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def difference(self) -> Money | None:
        return self.new - self.old if self.old is not None and self.new is not None else None


@dataclass(frozen=True)
class TierPreview:
    tier_months: int
    total: Compared
    effective_monthly: Compared


@dataclass(frozen=True)
class CountryPreview:
    code: str
    name: str
    is_new: bool
    retired: tuple[bool, bool]
    bundles: tuple[TierPreview, ...]
    short_term: tuple[tuple[int, Compared], ...]
    setup_fee: Compared

    @property
    def changed(self) -> bool:
        figures = [self.setup_fee] + [compared for _, compared in self.short_term]
        figures += [tier.total for tier in self.bundles] + [tier.effective_monthly for tier in self.bundles]
        return self.is_new or self.retired[0] != self.retired[1] or any(f.changed for f in figures)


def _prices(catalog: Catalog, code: str) -> dict:
    """Every figure of the preview for one country: bundles, 1–12 months, setup fee;
    empty for a country the catalog does not have (a new one, seen from the live catalog)."""
    if code not in {country.code for country in catalog.countries}:
        return {}
    bundles = {tier: long_term_bundle(catalog, code, tier) for tier in TIERS}
    short_term = {months: short_term_prepaid(catalog, code, months) for months in SHORT_TERM_MONTHS}
    setup_fee = catalog.country(code).setup_fee
    return {
        "bundle": {tier: quote.line("bundle").amount for tier, quote in bundles.items()},
        "effective": {tier: quote.effective_monthly for tier, quote in bundles.items()},
        # The rental price without the one-time setup fee, which the preview shows apart.
        "short": {months: quote.total - setup_fee for months, quote in short_term.items()},
        "setup_fee": setup_fee,
        "retired": catalog.country(code).retired,
    }


def price_preview(live: Catalog, draft: Catalog) -> list[CountryPreview]:
    """For each country whose prices the draft changes: every figure now and in the draft."""
    previews = []
    for country in draft.countries:
        old, new = _prices(live, country.code), _prices(draft, country.code)

        def compared(kind, key=None, old=old, new=new):
            pick = (lambda prices: prices.get(kind)) if key is None else (lambda prices: prices.get(kind, {}).get(key))
            return Compared(pick(old), pick(new))

        preview = CountryPreview(
            code=country.code,
            name=country.name,
            is_new=not old,
            retired=(bool(old.get("retired")), country.retired),
            bundles=tuple(
                TierPreview(tier, compared("bundle", tier), compared("effective", tier)) for tier in TIERS
            ),
            short_term=tuple((months, compared("short", months)) for months in SHORT_TERM_MONTHS),
            setup_fee=compared("setup_fee"),
        )
        if preview.changed:
            previews.append(preview)
    return previews
