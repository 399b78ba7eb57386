"""Stock counts are kept, not counted: they follow every change of the hardware and every
sale in the same transaction, and landing, /buy and /reserve show the same figure."""
from hardware import inventory
from hardware.models import LONG, SHORT
from storefront import db
from tests.storefront.helpers import checkout_token, first_number_id, page


def kept_and_counted(app):
    with app.app_context():
        session = db.session()
        return ({kind: inventory.stock_by_country(session, kind) for kind in (LONG, SHORT)},
                {kind: inventory.counted_stock(session, kind) for kind in (LONG, SHORT)})


def test_the_kept_counts_follow_sales_returns_and_the_hardware(stocked_app, customers):
    kept, counted = kept_and_counted(stocked_app)
    assert kept == counted and kept[LONG]
    runner = stocked_app.test_cli_runner()
    ada = customers.signed_in("ada@example.com", credits="200.00")
    token = checkout_token(ada, f"country=DE&kind=long&tier_months=3&number={first_number_id(ada, 'country=DE&kind=long&tier_months=3')}")
    assert ada.post("/buy/checkout", data={"token": token}).status_code == 302
    kept_after_sale, counted_after_sale = kept_and_counted(stocked_app)
    assert kept_after_sale == counted_after_sale
    assert kept_after_sale[LONG]["DE"] == kept[LONG]["DE"] - 1
    gateway = runner.invoke(args=["hw", "stock"]).output  # the CLI reads the kept counts too
    assert "DE" in gateway
    with stocked_app.app_context():
        from storefront.services import operations
        name = operations.gateway_choices(db.session())[0][0]
    assert runner.invoke(args=["hw", "set-offline", name]).exit_code == 0
    kept_offline, counted_offline = kept_and_counted(stocked_app)
    assert kept_offline == counted_offline
    assert runner.invoke(args=["hw", "set-online", name]).exit_code == 0
    assert kept_and_counted(stocked_app)[0] == kept_after_sale


def test_landing_and_buy_show_the_same_stock(stocked_app, customers):
    with stocked_app.app_context():
        germany = inventory.stock_by_country(db.session(), LONG)["DE"]
    ada = customers.signed_in("ada@example.com", credits="200.00")
    assert f"{germany} numbers in stock" in page(stocked_app.test_client().get("/?country=DE"))
    assert f"{germany} in stock" in page(ada.get("/buy?country=DE&kind=long"))
