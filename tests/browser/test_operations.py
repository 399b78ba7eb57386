"""An operator adds hardware and customers see the stock rise."""
import pytest

from tests.hardware.conftest import with_check_digit

pytestmark = pytest.mark.browser


def test_an_operator_adds_a_gateway_and_a_sim_and_stock_rises_on_the_picker(page, live_server, sign_in):
    page.goto(live_server + "/")
    assert "Sweden (long-term out of stock)" in page.locator("#country").inner_text()

    sign_in(page, "ops@example.com", roles=("operations",))
    page.goto(live_server + "/staff/operations")
    gateway_form = page.locator("form", has=page.get_by_role("heading", name="Add a gateway"))
    gateway_form.get_by_label("Gateway name").fill("sto-1")
    gateway_form.get_by_label("Country it serves").select_option("SE")
    gateway_form.get_by_label("SIM slots").fill("8")
    gateway_form.get_by_role("button", name="Add gateway").click()
    page.get_by_text("Gateway sto-1 added.").wait_for()

    sim_form = page.locator("form", has=page.get_by_role("heading", name="Insert a SIM"))
    sim_form.get_by_label("Gateway").select_option("sto-1")
    sim_form.get_by_label("Slot").fill("1")
    sim_form.get_by_label("ICCID").fill(with_check_digit("894600000000000123"))
    sim_form.get_by_label("Number on this SIM").fill("+46 70 123 45 67")
    sim_form.get_by_role("button", name="Insert SIM").click()
    page.get_by_text("SIM inserted into slot 1 of sto-1.").wait_for()
    assert page.locator("[data-testid=stock] tr[data-country=SE] td").first.inner_text() == "1"

    page.goto(live_server + "/?country=SE")
    options = page.locator("#country").inner_text()
    assert "Sweden" in options and "Sweden (long-term out of stock)" not in options
    assert page.get_by_test_id("stock-line").inner_text().strip() == "1 number in stock"
