from flask import current_app, request

from pricing import UnknownCountry
from storefront import db
from storefront.public import bp
from storefront.rendering import render
from storefront.services.operations import long_term_stock_for_display
from storefront.services.catalog import catalog_for_display
from storefront.services.quotes import price_table


@bp.get("/")
def landing():
    catalog = catalog_for_display(db.session())
    default = current_app.config["DEFAULT_COUNTRY"]
    chosen = (request.args.get("country") or default).strip().upper()
    error = None
    try:
        prices = price_table(catalog, chosen)
    except UnknownCountry:
        error = f"We don't offer numbers in “{chosen}”. Please pick a country from the list."
        prices = price_table(catalog, default)
    return render(
        "public/landing.html",
        block="live_prices",
        countries=catalog.countries,
        prices=prices,
        stock=long_term_stock_for_display(db.read_session()),
        error=error,
    )
