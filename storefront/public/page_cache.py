"""Micro-caching of the public pages for anonymous visitors: the landing page and the FAQ
are the same for everyone who isn't signed in, so each process keeps a rendered answer
for PAGE_CACHE_SECONDS (1 s). Signed-in visitors, pending flash messages and non-GET
requests always get a fresh page; any commit in this process forgets every kept page,
other processes' changes show within the second (as prices and stock already do)."""
import time
from functools import wraps

from flask import Flask, current_app, make_response, request, session
from flask_login import current_user
from sqlalchemy import event

MAX_PAGES = 1000


def cached_for_visitors(view):
    @wraps(view)
    def answer(*args, **kwargs):
        max_age = current_app.config["PAGE_CACHE_SECONDS"]
        if max_age <= 0 or request.method != "GET" or current_user.is_authenticated or session.get("_flashes"):
            return view(*args, **kwargs)
        key = (request.endpoint, request.full_path, bool(request.htmx))
        pages = current_app.extensions.setdefault("page_cache", {})
        kept = pages.get(key)
        now = time.monotonic()
        if kept is not None and now - kept[0] < max_age:
            return make_response(kept[1], 200, kept[2])
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200:
            if len(pages) >= MAX_PAGES:
                pages.clear()
            headers = [(name, value) for name, value in response.headers.items() if name in ("Content-Type", "Vary")]
            pages[key] = (now, response.get_data(), headers)
        return response

    return answer


def init_app(app: Flask) -> None:
    @event.listens_for(app.extensions["database"].sessions, "after_commit")
    def forget_pages(_session):
        app.extensions.pop("page_cache", None)
