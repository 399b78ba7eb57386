"""Micro-caching of the public pages for anonymous visitors: the landing page and the FAQ
are the same for everyone who isn't signed in, so each process keeps a rendered answer
for PAGE_CACHE_SECONDS (1 s). Signed-in visitors, pending flash messages and non-GET
requests always get a fresh page; any commit in this process forgets every kept page,
other processes' changes show within the second (as prices and stock already do)."""
from functools import wraps

from flask import Flask, current_app, make_response, request, session
from flask_login import current_user
from sqlalchemy import event

from storefront import caching, clock

MAX_PAGES = 1000


def cached_for_visitors(view):
    @wraps(view)
    def answer(*args, **kwargs):
        max_age = current_app.config["PAGE_CACHE_SECONDS"]
        if max_age <= 0 or request.method != "GET" or current_user.is_authenticated or session.get("_flashes"):
            return view(*args, **kwargs)
        key = (request.endpoint, request.full_path, bool(request.htmx))
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
    @event.listens_for(app.extensions["database"].sessions, "after_commit")
    def forget_pages(_session):
        caching.cache_of(app, "pages").forget()
