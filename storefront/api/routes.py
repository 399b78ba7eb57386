from flask import jsonify, request

from pricing import catalog_to_dict
from storefront import clock, db
from storefront.api import bp
from storefront.api.openapi import openapi_document
from storefront.services.catalog import catalog_for_display
from storefront.rendering import render
from storefront.urls import external_url
from storefront.services.quotes import parse_quote_request, quote_for, quote_json


@bp.get("/catalog")
def catalog():
    return jsonify(catalog_to_dict(catalog_for_display(db.session())))


@bp.get("/quote")
def quote():
    today = clock.today()
    quote_request = parse_quote_request(request.args, today)
    return jsonify(quote_json(quote_for(catalog_for_display(db.session()), quote_request)))


def _api_root() -> str:
    return external_url("api.openapi").rsplit("/", 1)[0]


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(_api_root()))


@bp.get("/docs")
def reference():
    return render("api/reference.html", document=openapi_document(_api_root()))
