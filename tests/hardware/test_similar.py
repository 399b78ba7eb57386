"""Numbers like one that is gone: same country and kind, in stock, the longest shared
ending or beginning first."""
from hardware import inventory, lifecycle
from hardware.similar import shared_digits, similar_numbers
from hardware.models import PhoneNumber


def test_shared_digits_counts_the_longer_of_ending_and_national_beginning():
    assert shared_digits("+4915123456789", "+4915123456000") == 8   # 15123456…
    assert shared_digits("+4915123456789", "+4917000000789") == 3   # …789
    assert shared_digits("+4915123456789", "+4917000000000") == 1   # the 1 of 1…, not the +49 all share


def test_the_closest_free_numbers_of_the_same_country_and_kind_come_first(session):
    for raw in ("+4915123456000", "+4917000000789", "+4916099999999", "+4915123456111", "+4917000456789"):
        inventory.add_number(session, raw, "short", "DE")
    inventory.add_number(session, "+33612456789", "short", "FR")        # another country
    taken = inventory.add_number(session, "+4915123456788", "short", "DE")
    lifecycle.move(session, taken, lifecycle.RENTED, taken.created_at, "test")  # not free
    session.commit()

    found = [number.e164 for number in similar_numbers(session, "+4915123456789", "DE", "short", limit=4)]
    assert found[:2] == ["+4915123456000", "+4915123456111"]        # 8 shared at the start
    assert found[2:] == ["+4917000456789", "+4917000000789"]       # 6 and 3 shared at the end
    assert "+4915123456788" not in found and "+33612456789" not in found


def test_no_free_number_of_that_kind_gives_an_empty_list(session):
    inventory.add_number(session, "+4915123456000", "short", "DE")
    session.commit()
    assert similar_numbers(session, "+4915123456789", "DE", "long") == []
    assert session.query(PhoneNumber).count() == 1
