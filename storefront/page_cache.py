"""Micro-caching of rendered pages: a process keeps a page it has just made for about a
second and answers the same request with it.

- Visitors (`cached_for_visitors`): the landing page and the FAQ are the same for everyone who
  isn't signed in; kept for PAGE_CACHE_SECONDS (1 s), keyed on the query parameters the page
  reads. A commit in this process that changes what they are made from (catalog, copy,
  stock: PAGE_TABLES) forgets them; other commits (an API token's use, a top-up) don't.
- The signed-in (`cached_for_the_signed_in`): a customer's own pages (their numbers, the
  review before paying), kept for PERSONAL_PAGE_CACHE_SECONDS (1 s) for that one session:
  the key holds the whole session cookie's content (who, which sign-in, the CSRF token,
  the held number), the account's roles and the whole query string. Every commit in this
  process forgets them, and every form a signed-in customer sends (any method but GET)
  marks their session, so the page after it — from whichever process — is made afresh: a
  customer always sees their own change at once. Others' changes (a renewal by the job
  runner, a message from a gateway, a price) show within the second, as if the page had
  been opened a second earlier. The sign-in itself is still checked on every request.

Pending flash messages, non-GET requests, answers other than 200 and answers that set a
cookie are never kept. A kept page is compressed (brotli or gzip, as the browser accepts)
once, when first asked for so, not once per answer.
"""
import json
import secrets
from dataclasses import dataclass
from functools import wraps

from flask import Flask, current_app, make_response, request, session
from flask_login import current_user

from storefront import caching, clock, static_files

MAX_PAGES = 1000
MAX_PERSONAL_PAGES = 200  # ~70 KB each (and its compressed copy): a full cache starts over

# What a kept visitors' page is made from (catalog, copy, hardware: stock): a commit
# writing a table named so forgets every kept page.
PAGE_TABLES = ("catalog_", "copy_", "hw_")
# A signed-in customer's page can show anything of theirs: any commit forgets them all.
PERSONAL_TABLES = ("",)

# The session key a signed-in customer's form sends change (see mark_writes).
WRITES = "_writes"
_KEPT_HEADERS = ("Content-Type", "Vary")


@dataclass(frozen=True)
class KeptPage:
    bodies: dict  # content coding -> body: "identity", and "br" / "gzip" once a browser asked
    headers: list
    mimetype: str


def _kept_or_made(max_age_setting: str, cache_name: str, max_entries: int, key_of, make):
    """The kept answer for `key_of()` if one is younger than the app's `max_age_setting`,
    else `make()`'s, kept when it may be (a 200 that sets no cookie). GET requests only;
    never with pending flash messages (showing them changes the session)."""
    max_age = current_app.config[max_age_setting]
    if max_age <= 0 or request.method != "GET" or session.get("_flashes"):
        return make()
    key = key_of()
    if key is None:
        return make()
    pages = caching.cache_of(current_app, cache_name, max_entries=max_entries)
    kept = pages.get(key, max_age)
    if kept is not None:
        # Compressed once per kept page, not once per answer (Flask-Compress leaves an answer
        # that has its Content-Encoding alone).
        coding = static_files.negotiated(kept.bodies, kept.mimetype)
        response = make_response(kept.bodies[coding], 200, kept.headers)
        if coding != "identity":
            response.headers["Content-Encoding"] = coding
        response.vary.add("Accept-Encoding")
        return response
    started = clock.monotonic()
    response = make_response(make())
    if response.status_code == 200 and not session.modified and "Set-Cookie" not in response.headers:
        headers = [(name, value) for name, value in response.headers.items() if name in _KEPT_HEADERS]
        pages.put(key, KeptPage({"identity": response.get_data()}, headers, response.mimetype or ""),
                  stored_at=started)
    return response


def cached_for_visitors(view=None, *, params: tuple[str, ...] = ()):
    """Keep the view's page for visitors, keyed on the endpoint and the query parameters it reads
    (`params`); any other parameter (?utm_source=…, ?fbclid=…) changes nothing on the page,
    so it shares the kept page instead of making a new one per link."""
    if view is None:
        return lambda actual: cached_for_visitors(actual, params=params)

    def key():
        if current_user.is_authenticated:
            return None
        return (request.endpoint, tuple((name, tuple(request.args.getlist(name))) for name in params),
                bool(request.htmx))

    @wraps(view)
    def answer(*args, **kwargs):
        return _kept_or_made("PAGE_CACHE_SECONDS", "pages", MAX_PAGES, key, lambda: view(*args, **kwargs))

    return answer


def cached_for_the_signed_in(view):
    """Keep the view's page for the signed-in customer who asked for it (see the module's
    docstring). Put it under @login_required: it checks the sign-in first."""

    def key():
        if not current_user.is_authenticated:
            return None
        return (request.endpoint, tuple(sorted(request.view_args.items())),
                tuple(sorted(request.args.items(multi=True))), bool(request.htmx), request.headers.get("HX-Target"),
                json.dumps(dict(session), sort_keys=True, default=str), tuple(sorted(current_user.roles)))

    @wraps(view)
    def answer(*args, **kwargs):
        return _kept_or_made("PERSONAL_PAGE_CACHE_SECONDS", "personal_pages", MAX_PERSONAL_PAGES, key,
                             lambda: view(*args, **kwargs))

    return answer


def mark_writes(response):
    """A signed-in customer sent a form (or any non-GET request with their session): their
    session changes, so no process answers their next page from one kept before it."""
    if (request.method not in ("GET", "HEAD", "OPTIONS") and current_app.config["PERSONAL_PAGE_CACHE_SECONDS"] > 0
            and session.get("_user_id")):
        session[WRITES] = secrets.token_hex(4)
    return response


def init_app(app: Flask) -> None:
    sessions = app.extensions["database"].sessions
    caching.forget_on_commit(app, sessions, "pages", PAGE_TABLES)
    caching.forget_on_commit(app, sessions, "personal_pages", PERSONAL_TABLES)
    app.after_request(mark_writes)
