"""The impact of saving a draft, stated before it is saved: how many automatic renewals it
reprices (one COUNT query)."""
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pricing import Catalog
from storefront.models import Rental
from storefront.models import rentals as states
from storefront.services.catalog_editor.price_preview import CountryPreview


def repriced_countries(live: Catalog, draft: Catalog, preview: list[CountryPreview]) -> frozenset[str] | None:
    """The countries whose long-term renewals the draft prices differently; None for all of
    them (a loyalty change moves every renewal's discount)."""
    if live.loyalty != draft.loyalty:
        return None
    return frozenset(country.code for country in preview
                     if any(tier.total.changed for tier in country.bundles))


def repriced_renewals(session: Session, codes: frozenset[str] | None) -> int:
    """Current long-term numbers that renew automatically at the catalog's bundle price
    (grandfathered numbers keep their own rate) in `codes` (None: every country)."""
    if codes is not None and not codes:
        return 0
    query = select(func.count(Rental.id)).where(
        Rental.kind == "long",
        Rental.status.in_((states.ACTIVE, states.PAST_DUE)),
        Rental.auto_renew.is_(True),
        Rental.pricing_model != states.LEGACY,
    )
    if codes is not None:
        query = query.where(Rental.country_code.in_(sorted(codes)))
    return session.scalar(query)
