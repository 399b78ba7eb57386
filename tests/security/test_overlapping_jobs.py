"""Finding 12: two overlapping `jobs run` release a cooled-off number, and tell its partner,
once: the second run skips the numbers the first has claimed (PostgreSQL row locks)."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from hardware import inventory, lifecycle
from hardware.allocation import allocate
from tests.helpers import with_check_digit

NOW = datetime(2027, 1, 1, tzinfo=timezone.utc)


def test_overlapping_runs_release_a_number_once(app):
    engine = app.extensions["database"].engine
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite lets one writer at a time)")
    with Session(engine, expire_on_commit=False) as setup:
        inventory.add_gateway(setup, "fra-9", "DE", slot_count=2)
        iccid = with_check_digit("894910000000009999")
        inventory.insert_sim(setup, "fra-9", 1, iccid)
        inventory.add_number(setup, "+4915123456999", "long", "DE", iccid=iccid)
        number = allocate(setup, "DE", "long")
        lifecycle.start_cooling_off(setup, number, NOW)
        setup.commit()
    first, second = Session(engine), Session(engine)
    try:
        # Without the claim the second run would wait on the first's row lock: fail instead of hanging.
        second.execute(text("SET lock_timeout = '2s'"))
        released_first = [n.e164 for n in lifecycle.release_cooled_off(first, NOW + timedelta(days=31))]
        released_second = lifecycle.release_cooled_off(second, NOW + timedelta(days=31))  # overlapping
        first.commit()
        second.commit()
    finally:
        first.close()
        second.close()
    assert released_first == ["+4915123456999"]
    assert released_second == []
