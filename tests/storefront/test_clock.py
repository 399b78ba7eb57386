"""The one clock: tests travel in time with it, rows are stamped by it, caches age on it."""
import threading
from datetime import datetime, timezone

from sqlalchemy import select

from hardware.models import Gateway
from storefront import caching, db
from storefront.services import accounts

NEW_YEAR = datetime(2027, 1, 1, 12, 0, tzinfo=timezone.utc)


def test_the_clock_stands_still_until_moved(clock):
    clock.set(NEW_YEAR)
    assert clock.now() == NEW_YEAR and clock.today() == NEW_YEAR.date()
    clock.advance(days=31)
    assert clock.now() == datetime(2027, 2, 1, 12, 0, tzinfo=timezone.utc)


def test_rows_are_stamped_by_the_clock_in_storefront_and_hardware(stocked_app, clock):
    clock.set(NEW_YEAR)
    with stocked_app.app_context():
        user = accounts.create_user(db.session(), "ada@example.com", "a long enough password")
        assert user.created_at == NEW_YEAR
        db.session().add(Gateway(name="new-year-1", country_code="DE"))
        db.session().commit()
        gateway = db.session().scalar(select(Gateway).where(Gateway.name == "new-year-1"))
        assert gateway.created_at == NEW_YEAR


def test_another_thread_sees_the_same_time(clock):
    clock.set(NEW_YEAR)
    seen = []
    thread = threading.Thread(target=lambda: seen.append(clock.now()))
    thread.start()
    thread.join()
    assert seen == [NEW_YEAR]


def test_a_kept_value_expires_when_the_clock_moves_on(app, clock):
    cache = caching.cache_of(app, "test")
    cache.put("key", "value")
    assert cache.get("key", max_age=1) == "value"
    clock.advance(seconds=0.9)
    assert cache.get("key", max_age=1) == "value"
    clock.advance(seconds=0.1)
    assert cache.get("key", max_age=1) is None
    assert cache.get("key") == "value"  # no age limit
    cache.forget("key")
    assert cache.get("key") is None
