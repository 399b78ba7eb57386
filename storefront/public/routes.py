from flask import current_app, redirect, request, url_for

from pricing import CountryRetired, UnknownCountry
from storefront import db
from storefront.public import bp
from storefront.page_cache import cached_for_visitors
from storefront.rendering import render
from storefront.urls import external_url
from storefront.services.catalog import catalog_for_display
from storefront.services.copy import faq_entries, landing_sections
from storefront.services.operations import long_term_stock_for_display
from storefront.services.quotes import price_table


@bp.get("/")
@cached_for_visitors(params=("country",))
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
@cached_for_visitors(params=("q",))
def faq():
    query = request.args.get("q", "").strip()[:200]
    return render("public/faq.html", block="results", query=query, entries=faq_entries(db.read_session(), query))


# Search engines may read the public pages; accounts, staff, payments and the buy steps
# after the first are nobody's search result.
ROBOTS_DISALLOW = ("/account/", "/billing", "/buy/", "/credits", "/numbers", "/password/", "/payments/",
                   "/reserve", "/staff/", "/login", "/signup")


@bp.get("/robots.txt")
def robots_txt():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "",
             f"Sitemap: {external_url('public.sitemap')}"]
    response = current_app.response_class("\n".join(lines) + "\n", mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = 24 * 60 * 60
    return response


@bp.get("/sitemap.xml")
def sitemap():
    urls = "".join(f"<url><loc>{external_url(endpoint)}</loc></url>"
                   for endpoint in ("public.landing", "public.faq", "shop.buy"))
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n')
    response = current_app.response_class(body, mimetype="application/xml")
    response.cache_control.public = True
    response.cache_control.max_age = 24 * 60 * 60
    return response


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico whatever the page links; send them to the icon.
    return redirect(url_for("static", filename="favicon.svg"))
