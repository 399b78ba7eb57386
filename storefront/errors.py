"""Errors turned into a page for browsers, or problem+json under /api."""
from flask import Flask, g, request
from sqlalchemy.exc import OperationalError

from storefront.api.problems import problem
from storefront.rendering import render
from storefront.services.catalog import CatalogMissing


def _wants_problem_json() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(CatalogMissing)
    def catalog_missing(_error):
        if _wants_problem_json():
            return problem(503, "Catalog not loaded", CatalogMissing.message)
        return render("errors/unavailable.html", status=503, message=CatalogMissing.message)

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        # The database dropped the connection (a restart, a failover): this request fails;
        # the pool replaces dead connections at the next checkout (pool_pre_ping), so the
        # next request works. A retried checkout is safe: purchases are idempotent.
        app.logger.warning("database unavailable: %s", getattr(error, "orig", None) or error)
        for name in ("db_session", "db_read_session"):
            session = g.get(name)
            if session is not None:
                try:
                    session.rollback()
                except Exception:  # noqa: BLE001 - the connection is gone already
                    pass
        if _wants_problem_json():
            response = problem(503, "Temporarily unavailable", "Please try again in a moment.")
        else:
            response = render("errors/generic.html", status=503, heading="Please try again",
                              message="We lost touch with our database for a moment. Please try again.")
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(400)
    def bad_request(_error):
        # Also a form whose CSRF token expired, or whose hidden fields were tampered with.
        if _wants_problem_json():
            return problem(400, "Bad request", "The request could not be read.")
        return render("errors/generic.html", status=400, heading="That didn't work",
                      message="The form arrived incomplete or had expired. Nothing was changed: "
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
        return render("errors/generic.html", status=413, heading="That was too much to send",
                      message="The form you sent is larger than we accept. Please send less and try again.")

    @app.errorhandler(429)
    def too_many_requests(error):
        if _wants_problem_json():
            return problem(429, "Too many requests", f"Too many requests: at most {error.description}. Please wait and try again.")
        return render("errors/generic.html", status=429, heading="Please wait a moment",
                      message="There were too many attempts from here in a short time. "
                              "Please wait a minute, then try again.")

    @app.errorhandler(405)
    def method_not_allowed(_error):
        if _wants_problem_json():
            return problem(405, "Method not allowed", f"{request.method} is not allowed here.")
        return render("errors/generic.html", status=405, heading="That didn't work",
                      message="This page can't be used that way. Please go back and try again.")
