"""Gateways, slots, SIMs and numbers: operations and the stock they make."""
import pytest

from hardware import inventory
from hardware.errors import (
    AlreadyExists,
    InvalidIccid,
    InvalidNumber,
    NoSuchGateway,
    NoSuchSlot,
    SlotOccupied,
)
from hardware.lifecycle import AVAILABLE, OUT_OF_SERVICE


def test_stock_counts_available_numbers_on_sims_in_online_gateways(session, german_gateway, stock_long_numbers):
    stock_long_numbers(3)
    assert inventory.stock_by_country(session, "long") == {"DE": 3}


def test_a_gateway_going_offline_takes_its_numbers_out_of_stock_and_back(session, german_gateway, stock_long_numbers):
    [e164, *_] = stock_long_numbers(2)
    inventory.set_gateway_online(session, "fra-1", False)
    session.commit()
    assert inventory.stock_by_country(session, "long") == {}
    assert {n.state for n in inventory.available_numbers(session, "DE", "long")} == set()

    inventory.set_gateway_online(session, "fra-1", True)
    session.commit()
    assert inventory.stock_by_country(session, "long") == {"DE": 2}


def test_pulling_a_sim_takes_its_number_out_of_service_and_reinserting_brings_it_back(
    session, german_gateway, stock_long_numbers
):
    stock_long_numbers(1)
    sim_iccid = german_gateway.slots[0].sim.iccid
    sim = inventory.pull_sim(session, sim_iccid)
    assert sim.number.state == OUT_OF_SERVICE
    inventory.insert_sim(session, "fra-1", 5, sim_iccid)
    assert sim.number.state == AVAILABLE
    session.commit()
    assert inventory.stock_by_country(session, "long") == {"DE": 1}


def test_a_sim_cannot_go_into_a_full_or_missing_slot(session, german_gateway, new_iccid):
    inventory.insert_sim(session, "fra-1", 1, new_iccid())
    with pytest.raises(SlotOccupied, match="Slot 1 of 'fra-1' already holds"):
        inventory.insert_sim(session, "fra-1", 1, new_iccid())
    with pytest.raises(NoSuchSlot, match="slots 1 to 8; there is no slot 9"):
        inventory.insert_sim(session, "fra-1", 9, new_iccid())
    with pytest.raises(NoSuchGateway):
        inventory.insert_sim(session, "nowhere", 1, new_iccid())


def test_a_bad_check_digit_is_refused_and_nothing_changes(session, german_gateway):
    with pytest.raises(InvalidIccid):
        inventory.insert_sim(session, "fra-1", 1, "89491000000000000014")
    assert german_gateway.slots[0].sim is None


def test_a_number_of_the_wrong_country_cannot_go_into_a_german_gateway(session, german_gateway, new_iccid):
    iccid = new_iccid()
    inventory.insert_sim(session, "fra-1", 1, iccid)
    with pytest.raises(InvalidNumber):
        inventory.add_number(session, "+33612345678", "long", "DE", iccid=iccid)
    with pytest.raises(InvalidNumber, match="serves DE"):
        inventory.add_number(session, "+33612345678", "long", "FR", iccid=iccid)


def test_a_number_is_added_once(session, german_gateway, stock_long_numbers, new_iccid):
    [e164] = stock_long_numbers(1)
    iccid = new_iccid()
    inventory.insert_sim(session, "fra-1", 2, iccid)
    with pytest.raises(AlreadyExists):
        inventory.add_number(session, e164, "long", "DE", iccid=iccid)


def test_short_term_numbers_form_a_pool_without_sims(session):
    inventory.add_number(session, "+33612345678", "short", "FR")
    inventory.add_number(session, "+33612345679", "short", "FR")
    session.commit()
    assert inventory.stock_by_country(session, "short") == {"FR": 2}
    assert inventory.stock_by_country(session, "long") == {}


def test_messages_are_counted_per_number(session, german_gateway, stock_long_numbers):
    [e164] = stock_long_numbers(1)
    inventory.record_message(session, e164, "sent")
    inventory.record_message(session, e164, "received")
    number = inventory.record_message(session, e164, "received")
    assert (number.messages_sent, number.messages_received) == (1, 2)
    assert number.has_messages
