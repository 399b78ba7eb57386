"""Quotes are pure functions of an immutable catalog: each is computed once per catalog.

A catalog (pricing.Catalog) never changes once parsed; a new revision is a new object. So
`per_catalog` keeps each quote on the catalog it was computed from, keyed by the function
and its other arguments, and a new revision starts with nothing kept. Errors (an unknown
country, a tier not sold) are not kept: they are raised again each time. At most
MAX_ENTRIES are kept per catalog (arguments such as a start date vary without end).
"""
from functools import wraps

MAX_ENTRIES = 4096
_ATTRIBUTE = "_memo"


def per_catalog(function):
    @wraps(function)
    def memoized(catalog, *args, **keywords):
        if keywords:  # callers pass positions; keywords would need a canonical key
            return function(catalog, *args, **keywords)
        memo = catalog.__dict__.get(_ATTRIBUTE)
        if memo is None:
            memo = {}
            object.__setattr__(catalog, _ATTRIBUTE, memo)  # the catalog is a frozen dataclass
        key = (function, *args)
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # an argument that can't be a key (a list): computed, not kept
            return function(catalog, *args)
        value = function(catalog, *args)
        if len(memo) >= MAX_ENTRIES:
            memo.clear()
        memo[key] = value
        return value

    memoized.uncached = function
    return memoized
