from flask import current_app, request

from pricing import CountryRetired, UnknownCountry
from storefront import db
from storefront.public import bp
from storefront.rendering import render
from storefront.services.catalog import catalog_for_display
from storefront.services.copy import faq_entries, landing_sections
from storefront.services.operations import long_term_stock_for_display
from storefront.services.quotes import price_table


@bp.get("/")
def landing():
    catalog = catalog_for_display(db.session())
    on_sale = catalog.countries_on_sale
    default = current_app.config["DEFAULT_COUNTRY"]
    if default not in {country.code for country in on_sale}:
        default = on_sale[0].code
    chosen = (request.args.get("country") or default).strip().upper()
    error = None
    try:
        prices = price_table(catalog, catalog.country_on_sale(chosen).code)
    except CountryRetired as retired:
        error = f"{retired.message} Please pick another country from the list."
        prices = price_table(catalog, default)
    except UnknownCountry:
        error = f"We don't offer numbers in “{chosen}”. Please pick a country from the list."
        prices = price_table(catalog, default)
    return render(
        "public/landing.html",
        block="live_prices",
        copy=landing_sections(db.read_session()) if not request.htmx else None,
        countries=on_sale,
        prices=prices,
        stock=long_term_stock_for_display(db.read_session()),
        error=error,
    )


@bp.get("/faq")
def faq():
    query = request.args.get("q", "").strip()[:200]
    return render("public/faq.html", block="results", query=query, entries=faq_entries(db.read_session(), query))
