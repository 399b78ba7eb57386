"""The number lifecycle: allowed moves only, cooling-off, and the returned-to-pool event."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hardware import lifecycle
from hardware.allocation import allocate
from hardware.errors import ForbiddenTransition
from hardware.models import PhoneNumber

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def rented_number(session, german_gateway, stock_long_numbers):
    stock_long_numbers(1)
    number = allocate(session, "DE", "long")
    session.commit()
    return number


@pytest.fixture
def pool_events():
    received = []

    def listener(number, **details):
        received.append((number.e164, details["reason"]))

    lifecycle.returned_to_pool.connect(listener)
    yield received
    lifecycle.returned_to_pool.disconnect(listener)


def test_unrent_starts_a_30_day_cooling_off_then_the_jobs_release_it(session, rented_number, pool_events):
    lifecycle.start_cooling_off(session, rented_number, NOW)
    session.commit()
    assert rented_number.cooling_off_until == NOW + timedelta(days=30)

    assert lifecycle.release_cooled_off(session, NOW + timedelta(days=29)) == []
    released = lifecycle.release_cooled_off(session, NOW + timedelta(days=30))
    session.commit()
    assert released == [rented_number] and rented_number.state == lifecycle.AVAILABLE
    assert pool_events == [(rented_number.e164, "cooling-off ended")]
    assert lifecycle.release_cooled_off(session, NOW + timedelta(days=31)) == []
    assert len(pool_events) == 1


def test_an_unused_return_puts_the_number_back_at_once(session, rented_number, pool_events):
    lifecycle.move(session, rented_number, lifecycle.AVAILABLE, NOW, "unused return")
    assert pool_events == [(rented_number.e164, "unused return")]


def test_a_forbidden_move_raises_and_changes_nothing(session, rented_number):
    with pytest.raises(ForbiddenTransition, match="is rented and cannot become held"):
        lifecycle.move(session, rented_number, lifecycle.HELD, NOW, "test")
    session.rollback()
    assert session.scalar(select(PhoneNumber.state).where(PhoneNumber.id == rented_number.id)) == lifecycle.RENTED


def test_support_can_reinstate_a_cooling_off_number(session, rented_number):
    lifecycle.start_cooling_off(session, rented_number, NOW)
    lifecycle.move(session, rented_number, lifecycle.RENTED, NOW, "reinstated")
    assert rented_number.state == lifecycle.RENTED and rented_number.cooling_off_until is None


def test_a_rented_number_survives_an_outage_as_rented(session, rented_number):
    lifecycle.take_out_of_service(session, rented_number, NOW, "gateway offline")
    assert rented_number.state == lifecycle.OUT_OF_SERVICE
    lifecycle.back_in_service(session, rented_number, NOW, "gateway online")
    assert rented_number.state == lifecycle.RENTED
