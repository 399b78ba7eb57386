"""The impact of saving a draft, stated before it is saved: how many automatic renewals it
reprices (one COUNT query)."""
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pricing import Catalog
from storefront.models import Rental
from storefront.models import rentals as states
from storefront.services.catalog_editor.price_preview import CountryPreview


@dataclass(frozen=True)
class Repriced:
    """Where the draft moves renewal prices: long-term (bundle) and short-term (prepaid
    months) country codes; None for every country (a loyalty change moves every bundle)."""

    long_term: frozenset[str] | None
    short_term: frozenset[str]


def repriced_countries(live: Catalog, draft: Catalog, preview: list[CountryPreview]) -> Repriced:
    long_term = None if live.loyalty != draft.loyalty else frozenset(
        country.code for country in preview if any(tier.total.changed for tier in country.bundles))
    short_term = frozenset(country.code for country in preview
                           if any(compared.changed for _, compared in country.short_term))
    return Repriced(long_term, short_term)


def repriced_renewals(session: Session, where: Repriced) -> int:
    """Current numbers that renew automatically from credits at the catalog's prices
    (grandfathered numbers keep their own rate) in the countries `where` names."""
    kinds = []
    if where.long_term is None:
        kinds.append(Rental.pricing_model == states.BUNDLE)
    elif where.long_term:
        kinds.append((Rental.pricing_model == states.BUNDLE) & Rental.country_code.in_(sorted(where.long_term)))
    if where.short_term:
        kinds.append((Rental.pricing_model == states.SHORT_PREPAID) & Rental.country_code.in_(sorted(where.short_term)))
    if not kinds:
        return 0
    return session.scalar(select(func.count(Rental.id)).where(
        Rental.status.in_((states.ACTIVE, states.PAST_DUE)),
        Rental.auto_renew.is_(True),
        or_(*kinds),
    ))
