"""Input no view should have to think about, refused before any view runs: ids in the URL
beyond any id column (2^31 - 1: PostgreSQL's integer), NUL characters in form fields
(PostgreSQL's text refuses them)."""
from flask import Flask, abort, request

from pricing import FieldError
from storefront.problems import InvalidRequest

LARGEST_ID = 2**31 - 1


def init_app(app: Flask) -> None:
    @app.url_value_preprocessor
    def refuse_impossible_ids(_endpoint, values):
        if values and any(isinstance(value, int) and not 0 <= value <= LARGEST_ID for value in values.values()):
            abort(404)

    @app.before_request
    def refuse_nul_characters():
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            bad = sorted({name for name, value in request.form.items(multi=True) if "\x00" in value})
            if bad:
                raise InvalidRequest([FieldError(name, "must not contain NUL characters") for name in bad])
