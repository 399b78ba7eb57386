"""An operator adds hardware and customers see the stock rise."""
import pytest

from tests.browser.pages import add_gateway, insert_sim
from tests.helpers import with_check_digit

pytestmark = pytest.mark.browser


def test_an_operator_adds_a_gateway_and_a_sim_and_stock_rises_on_the_picker(page, live_server, sign_in):
    page.goto(live_server + "/")
    assert "Sweden (long-term out of stock)" in page.locator("#country").inner_text()

    sign_in(page, "ops@example.com", roles=("operations",))
    add_gateway(page, live_server, "sto-1", "SE", slots=8)
    insert_sim(page, "sto-1", 1, with_check_digit("894600000000000123"), "+46 70 123 45 67")
    assert page.locator("[data-testid=stock] tr[data-country=SE] td").first.inner_text() == "1"

    page.goto(live_server + "/?country=SE")
    options = page.locator("#country").inner_text()
    assert "Sweden" in options and "Sweden (long-term out of stock)" not in options
    assert page.get_by_test_id("stock-line").inner_text().strip() == "1 number in stock"
