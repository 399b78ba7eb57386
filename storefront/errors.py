"""Errors turned into an answer, one handler per surface: a page for browsers, a fragment
for htmx (swapped into the page's message region), problem+json under /api.

Domain errors are `StorefrontError`s (storefront/problems.py): each carries the message,
its kind (status and title) and any field errors, so the three surfaces say the same.
`pricing` and `hardware` know nothing of the web: their errors are given a kind here.
"""
from flask import Flask, g, jsonify, request
from werkzeug.exceptions import SecurityError
from sqlalchemy.exc import OperationalError

from hardware import errors as hardware
from pricing import CatalogError, CountryRetired, InvalidMonths, InvalidTier, PricingError, Quote, UnknownCountry
from pricing import FieldError
from storefront.problems import CONFLICT, INVALID, NOT_FOUND, StorefrontError
from storefront.rendering import render
from storefront.services.catalog import CatalogMissing
from storefront.services.quotes import quote_json

PROBLEM_TYPES = "https://numbers.example/problems/"


def problem(status: int, title: str, detail: str, errors: list[FieldError] | None = None, slug=None, **extensions):
    """A problem+json answer; `extensions` are extra members (RFC 9457 §3.2), e.g. the new quote."""
    body = {
        "type": PROBLEM_TYPES + (slug or title.lower().replace(" ", "-")),
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = [{"field": error.field, "message": error.message} for error in errors]
    body.update(extensions)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


# Errors of the layers below the web, most specific first: (class, kind, title, slug, field).
FOREIGN_ERRORS = (
    (CountryRetired, NOT_FOUND, "Country retired", "country-retired", "country"),
    (UnknownCountry, NOT_FOUND, "Unknown country", "unknown-country", "country"),
    (InvalidTier, INVALID, "Invalid request", None, "tier_months"),
    (InvalidMonths, INVALID, "Invalid request", None, "months"),
    (CatalogError, INVALID, "Invalid catalog", None, None),
    (PricingError, INVALID, "Invalid request", None, None),
    (hardware.OutOfStock, CONFLICT, "Out of stock", "out-of-stock", None),
    (hardware.NoSuchGateway, NOT_FOUND, "Not found", None, None),
    (hardware.NoSuchSlot, NOT_FOUND, "Not found", None, None),
    (hardware.NoSuchSim, NOT_FOUND, "Not found", None, None),
    (hardware.NoSuchNumber, NOT_FOUND, "Not found", None, None),
    (hardware.InvalidNumber, INVALID, "Invalid request", None, "number"),
    (hardware.InvalidIccid, INVALID, "Invalid request", None, "iccid"),
    (hardware.InvalidInventory, INVALID, "Invalid inventory", None, None),
    (hardware.HardwareError, CONFLICT, "Cannot do that", None, None),
)


def as_storefront_error(error: Exception) -> StorefrontError:
    """`error` as a StorefrontError: itself, or a pricing/hardware error given its kind."""
    if isinstance(error, StorefrontError):
        return error
    for cls, kind, title, slug, field in FOREIGN_ERRORS:
        if isinstance(error, cls):
            errors = getattr(error, "errors", None) or ([FieldError(field, error.message)] if field else None)
            translated = StorefrontError(error.message, errors=errors, title=title, kind=kind)
            translated.slug = slug
            return translated
    raise TypeError(f"no kind for {type(error).__name__}")


def _wants_problem_json() -> bool:
    return request.blueprint in ("api", "gateway") or request.path.startswith(("/api/", "/gateway/"))


def _json_member(value):
    return quote_json(value) if isinstance(value, Quote) else value


def answer(status: int, title: str, message: str, errors: list[FieldError] | None = None,
           slug: str | None = None, page: str = "errors/generic.html", **extensions):
    """The one answer to an error, by surface: problem+json under /api; for htmx, the
    message alone, retargeted into the page's message region (base.html's #problem);
    else a full page."""
    if _wants_problem_json():
        return problem(status, title, message, errors, slug=slug,
                       **{name: _json_member(value) for name, value in extensions.items()})
    if request.htmx:
        response = render("errors/problem.html", block="problem", status=status, heading=title, message=message,
                          errors=errors)
        response.headers["HX-Retarget"] = "#problem"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return render(page, status=status, heading=title, message=message, errors=errors)


def domain_error(error: Exception):
    problem_ = as_storefront_error(error)
    return answer(problem_.status, problem_.heading, problem_.message, problem_.errors, slug=problem_.slug,
                  **problem_.extensions)


def init_app(app: Flask) -> None:
    app.register_error_handler(StorefrontError, domain_error)
    app.register_error_handler(PricingError, domain_error)
    app.register_error_handler(hardware.HardwareError, domain_error)

    @app.errorhandler(CatalogMissing)
    def catalog_missing(error: CatalogMissing):
        if _wants_problem_json() or request.htmx:
            return domain_error(error)
        return render("errors/unavailable.html", status=503, message=error.message)

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        # The database dropped the connection (a restart, a failover): this request fails;
        # the pool replaces dead connections at the next checkout (db._alive_or_replaced), so the
        # next request works. A retried checkout is safe: purchases are idempotent.
        app.logger.warning("database unavailable: %s", getattr(error, "orig", None) or error)
        for name in ("db_session", "db_read_session"):
            session = g.get(name)
            if session is not None:
                try:
                    session.rollback()
                except Exception:  # noqa: BLE001 - the connection is gone already
                    pass
        response = answer(503, "Temporarily unavailable",
                          "We lost touch with our database for a moment. Please try again.")
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(SecurityError)
    def untrusted_host(_error):
        # A Host header outside TRUSTED_HOSTS: no page of ours (its links would name that host).
        return app.response_class("Unknown host.\n", status=400, mimetype="text/plain")

    @app.errorhandler(400)
    def bad_request(_error):
        # Also a form whose CSRF token expired, or whose hidden fields were tampered with.
        if _wants_problem_json():
            return problem(400, "Bad request", "The request could not be read.")
        return answer(400, "That didn't work", "The form arrived incomplete or had expired. Nothing was changed: "
                                               "please reload the page and try again.")

    @app.errorhandler(404)
    def not_found(_error):
        if _wants_problem_json():
            return problem(404, "Not found", "There is nothing at this address.")
        return render("errors/404.html", status=404)

    @app.errorhandler(403)
    def forbidden(_error):
        if _wants_problem_json():
            return problem(403, "Forbidden", "Your account may not do this.")
        return render("errors/403.html", status=403)

    @app.errorhandler(500)
    def server_error(_error):
        if _wants_problem_json():
            return problem(500, "Server error", "Something went wrong on our side; nothing was charged. Please try again.")
        return render("errors/500.html", status=500)

    @app.errorhandler(413)
    def too_large(_error):
        if _wants_problem_json():
            return problem(413, "Request too large", "The request body is larger than we accept.")
        return answer(413, "That was too much to send",
                      "The form you sent is larger than we accept. Please send less and try again.")

    @app.errorhandler(429)
    def too_many_requests(error):
        if _wants_problem_json():
            return problem(429, "Too many requests", f"Too many requests: at most {error.description}. Please wait and try again.")
        return answer(429, "Please wait a moment", "There were too many attempts from here in a short time. "
                                                  "Please wait a minute, then try again.")

    @app.errorhandler(405)
    def method_not_allowed(_error):
        if _wants_problem_json():
            return problem(405, "Method not allowed", f"{request.method} is not allowed here.")
        return answer(405, "That didn't work", "This page can't be used that way. Please go back and try again.")
