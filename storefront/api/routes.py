from flask import jsonify, request, url_for

from pricing import CountryRetired, Quote, UnknownCountry, catalog_to_dict
from storefront import clock, db
from storefront.api import bp
from storefront.api.openapi import openapi_document
from storefront.api.problems import problem
from storefront.services.catalog import catalog_for_display
from storefront.rendering import render
from storefront.services.quotes import InvalidQuoteRequest, parse_quote_request, quote_for


def quote_json(quote: Quote) -> dict:
    body = {"currency": quote.total.currency, "country": quote.country, "kind": quote.kind}
    if quote.kind == "long":
        body["tier_months"] = quote.tier_months
    else:
        body["months"] = quote.months
        body["billing"] = quote.billing
    body["lines"] = [
        {"code": line.code, "label": line.label, "amount": line.amount.as_string()}
        for line in quote.lines
    ]
    body["total"] = quote.total.as_string()
    if quote.effective_monthly is not None:
        body["effective_monthly"] = quote.effective_monthly.as_string()
    return body


@bp.get("/catalog")
def catalog():
    return jsonify(catalog_to_dict(catalog_for_display(db.session())))


@bp.get("/quote")
def quote():
    today = clock.now().date()
    try:
        quote_request = parse_quote_request(request.args, today)
        return jsonify(quote_json(quote_for(catalog_for_display(db.session()), quote_request)))
    except InvalidQuoteRequest as error:
        return problem(422, "Invalid quote request", "Some fields are not valid.", error.errors)
    except UnknownCountry as error:
        retired = isinstance(error, CountryRetired)
        return problem(404, "Country retired" if retired else "Unknown country", error.message,
                       slug="country-retired" if retired else "unknown-country")


def _api_root() -> str:
    return url_for("api.openapi", _external=True).rsplit("/", 1)[0]


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(_api_root()))


@bp.get("/docs")
def reference():
    return render("api/reference.html", document=openapi_document(_api_root()))
