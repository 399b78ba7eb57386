"""Micro-caching of the public pages for anonymous visitors: the landing page and the FAQ
are the same for everyone who isn't signed in, so each process keeps a rendered answer
for PAGE_CACHE_SECONDS (1 s). Signed-in visitors, pending flash messages and non-GET
requests always get a fresh page. A commit in this process that changes what the pages are
made from (catalog, copy, stock: PAGE_TABLES) forgets every kept page; other commits (an
API token's use, a top-up) don't. Other processes' changes show within the second."""
from functools import wraps

from flask import Flask, current_app, make_response, request, session
from flask_login import current_user

from storefront import caching, clock

MAX_PAGES = 1000


# What a kept page is made from (catalog, copy, hardware: stock): a commit writing a table
# named so forgets every kept page.
PAGE_TABLES = ("catalog_", "copy_", "hw_")


def cached_for_visitors(view=None, *, params: tuple[str, ...] = ()):
    """Keep the view's page for visitors, keyed on the endpoint and the query parameters it reads
    (`params`); any other parameter (?utm_source=…, ?fbclid=…) changes nothing on the page,
    so it shares the kept page instead of making a new one per link."""
    if view is None:
        return lambda actual: cached_for_visitors(actual, params=params)

    @wraps(view)
    def answer(*args, **kwargs):
        max_age = current_app.config["PAGE_CACHE_SECONDS"]
        if max_age <= 0 or request.method != "GET" or current_user.is_authenticated or session.get("_flashes"):
            return view(*args, **kwargs)
        key = (request.endpoint, tuple((name, tuple(request.args.getlist(name))) for name in params),
               bool(request.htmx))
        pages = caching.cache_of(current_app, "pages", max_entries=MAX_PAGES)
        kept = pages.get(key, max_age)
        if kept is not None:
            return make_response(kept[0], 200, kept[1])
        started = clock.monotonic()
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200:
            headers = [(name, value) for name, value in response.headers.items() if name in ("Content-Type", "Vary")]
            pages.put(key, (response.get_data(), headers), stored_at=started)
        return response

    return answer


def init_app(app: Flask) -> None:
    caching.forget_on_commit(app, app.extensions["database"].sessions, "pages", PAGE_TABLES)
