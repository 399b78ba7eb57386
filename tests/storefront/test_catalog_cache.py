"""Display caches: quotes and price pages need no database round trip, yet a new catalog
(or new stock) is seen everywhere.

Two apps on one database stand for two server processes (gunicorn workers).
"""
import json

import pytest

from sqlalchemy import event

from storefront.services import operations
from storefront import create_app, db
from storefront.cli import DEMO_CATALOG
from storefront.services.catalog import current_catalog

QUOTE = "/api/v1/quote?country=DE&kind=long&tier_months=3"


@pytest.fixture
def other_process(app):
    other = create_app({key: app.config[key] for key in (
        "TESTING", "DATABASE_URL", "SECRET_KEY", "STRIPE_API_BASE", "STRIPE_JS_URL",
        "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")})
    yield other
    other.extensions["database"].engine.dispose()


def import_germany_at(app, tmp_path, unit: str) -> None:
    document = json.loads(DEMO_CATALOG.read_text())
    next(c for c in document["countries"] if c["code"] == "DE")["long_term_unit"] = unit
    (tmp_path / "catalog.json").write_text(json.dumps(document))
    result = app.test_cli_runner().invoke(args=["catalog", "import", str(tmp_path / "catalog.json")])
    assert result.exit_code == 0, result.output


def total(app) -> str:
    return app.test_client().get(QUOTE).get_json()["total"]


def test_a_quote_from_the_cached_catalog_asks_the_database_nothing(app, clock):
    statements = []
    engine = app.extensions["database"].engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    assert total(app) == "16.00"
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert total(app) == "16.00"
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert statements == []


def test_an_import_is_shown_at_once_by_the_process_that_made_it(app, clock, tmp_path):
    assert total(app) == "16.00"
    import_germany_at(app, tmp_path, "15.00")
    assert total(app) == "20.00"


def test_another_process_shows_a_new_catalog_within_the_recheck_time(app, other_process, clock, tmp_path):
    assert total(other_process) == "16.00"
    import_germany_at(app, tmp_path, "15.00")
    clock.advance(seconds=0.5)
    assert total(other_process) == "16.00"  # displayed from its cache, at most 1 s old
    clock.advance(seconds=other_process.config["CATALOG_RECHECK_SECONDS"])
    assert total(other_process) == "20.00"


def test_charges_always_ask_for_the_newest_revision(app, other_process, clock, tmp_path):
    assert total(other_process) == "16.00"
    import_germany_at(app, tmp_path, "15.00")
    with other_process.app_context():
        unit = current_catalog(db.session()).country("DE").long_term_unit
    assert unit.as_string() == "15.00"
    assert total(other_process) == "20.00"  # and the display cache has the new one too


def germany_stock_line(app) -> str:
    html = app.test_client().get("/?country=DE", headers={"HX-Request": "true"}).get_data(as_text=True)
    return html.split('data-testid="stock-line">', 1)[1].split("</p>", 1)[0]


def test_stock_on_the_landing_page_follows_this_and_other_processes(stocked_app, other_process, clock):
    assert "8 numbers in stock" in germany_stock_line(stocked_app)
    assert "8 numbers in stock" in germany_stock_line(other_process)
    with stocked_app.app_context():
        operations.set_gateway_online(db.session(), "fra-1", False)
    assert "Out of stock" in germany_stock_line(stocked_app)  # its own commit: at once
    clock.advance(seconds=0.5)
    assert "8 numbers in stock" in germany_stock_line(other_process)  # cached, at most 1 s old
    clock.advance(seconds=other_process.config["STOCK_RECHECK_SECONDS"])
    assert "Out of stock" in germany_stock_line(other_process)
