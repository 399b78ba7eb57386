"""Operations from the CLI and the operations page: stock follows the hardware."""
import json
from html import unescape

import pytest

from storefront import db
from storefront.cli import DEMO_INVENTORY
from storefront.services.accounts import create_user
from tests.helpers import with_check_digit
from tests.storefront.helpers import staff_client

ICCID = with_check_digit("894910000000000777")
OTHER_ICCID = with_check_digit("894910000000000888")


def stock_output(runner) -> str:
    return runner.invoke(args=["hw", "stock"]).output


def test_an_operator_adds_a_gateway_and_a_sim_from_the_cli(runner):
    assert runner.invoke(args=["hw", "add-gateway", "ber-1", "--country", "DE", "--slots", "4"]).exit_code == 0
    result = runner.invoke(args=["hw", "insert-sim", "ber-1", "1", ICCID, "--number", "+4915123456001"])
    assert result.exit_code == 0, result.output
    assert "DE  1" in stock_output(runner)
    assert runner.invoke(args=["hw", "set-offline", "ber-1"]).exit_code == 0
    assert "No long-term numbers in stock." in stock_output(runner)


@pytest.mark.parametrize(
    "args, message",
    [
        (["hw", "insert-sim", "ber-1", "1", "89491000000000000014"], "wrong check digit"),
        (["hw", "insert-sim", "ber-1", "9", ICCID], "there is no slot 9"),
        (["hw", "insert-sim", "nope", "1", ICCID], "no gateway called 'nope'"),
        (["hw", "insert-sim", "ber-1", "1", ICCID, "--number", "+33612345678"], "not of DE"),
        (["hw", "insert-sim", "ber-1", "1", ICCID, "--number", "12345"], "not a valid phone number"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_changes(runner, args, message):
    runner.invoke(args=["hw", "add-gateway", "ber-1", "--country", "DE", "--slots", "4"])
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output and "Nothing was changed" in result.output
    # The SIM of a refused number was not left behind in the slot either.
    retry = runner.invoke(args=["hw", "insert-sim", "ber-1", "1", ICCID, "--number", "+4915123456001"])
    assert retry.exit_code == 0, retry.output


def test_a_full_slot_is_refused(runner):
    runner.invoke(args=["hw", "add-gateway", "ber-1", "--country", "DE", "--slots", "4"])
    runner.invoke(args=["hw", "insert-sim", "ber-1", "1", ICCID])
    result = runner.invoke(args=["hw", "insert-sim", "ber-1", "1", OTHER_ICCID])
    assert result.exit_code != 0 and "already holds" in result.output


def test_demo_inventory_leaves_sweden_out_of_stock(runner):
    result = runner.invoke(args=["hw", "import", str(DEMO_INVENTORY)])
    assert result.exit_code == 0, result.output
    stock = stock_output(runner)
    assert "DE  8" in stock and "SE" not in stock


def test_an_inventory_file_with_one_bad_sim_loads_nothing(runner, tmp_path):
    document = json.loads(DEMO_INVENTORY.read_text())
    document["gateways"][1]["sims"][2]["iccid"] = "89491000000000000014"
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(document))
    result = runner.invoke(args=["hw", "import", str(path)])
    assert result.exit_code != 0
    assert "gateways[1].sims[2]" in result.output and "check digit" in result.output
    assert "No long-term numbers in stock." in stock_output(runner)


def test_jobs_run_twice_does_nothing_the_second_time(runner):
    first = runner.invoke(args=["jobs", "run"])
    second = runner.invoke(args=["jobs", "run"])
    assert first.exit_code == second.exit_code == 0
    assert "numbers back in the pool: 0" in second.output


@pytest.fixture
def operator(app):
    return staff_client(app, "ops@example.com", ("operations",))


def test_operations_page_needs_the_operations_role(app, client):
    assert client.get("/staff/operations").status_code == 302
    with app.app_context():
        create_user(db.session(), "cust@example.com", "correct horse battery")
    client.post("/login", data={"email": "cust@example.com", "password": "correct horse battery"})
    assert client.get("/staff/operations").status_code == 403


def test_an_operator_adds_stock_on_the_page_and_the_landing_page_shows_it(operator, client):
    assert "long-term out of stock" in client.get("/?country=SE").get_data(as_text=True)
    operator.post("/staff/operations/gateways", data={"name": "sto-1", "country": "SE", "slots": "8"})
    response = operator.post(
        "/staff/operations/sims",
        data={"gateway": "sto-1", "slot": "1", "iccid": ICCID, "number": "+46701234567", "partner": ""},
    )
    assert response.status_code == 302
    page = unescape(operator.get("/staff/operations").get_data(as_text=True))
    assert "SIM inserted into slot 1 of sto-1." in page and "+46 70 123 45 67" in page  # the slot table, in international format
    landing = client.get("/?country=SE", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "1 number in stock" in landing


def test_a_bad_sim_on_the_page_shows_the_error_at_its_form(operator):
    operator.post("/staff/operations/gateways", data={"name": "sto-1", "country": "SE", "slots": "8"})
    response = operator.post(
        "/staff/operations/sims",
        data={"gateway": "sto-1", "slot": "1", "iccid": "89491000000000000014", "number": "", "partner": ""},
    )
    assert response.status_code == 422
    assert "wrong check digit" in response.get_data(as_text=True)
