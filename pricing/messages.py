"""Sending messages: not priced today (no catalog prices a message), kept here so that a
price, should there ever be one, is a pricing rule like the others."""
from pricing.catalog import Catalog
from pricing.money import Money


def message_price(catalog: Catalog, country_code: str, segments: int) -> Money:
    """What sending a message of `segments` segments from a number of `country_code` costs.

    Sending is included in the rental: zero. A per-segment rate would live in the catalog's
    country and be multiplied here. The send service asks this for every message and refuses
    to send one it would have to charge for, until charging for messages is built.
    """
    return Money.zero(catalog.currency)
