"""How the storefront writes dates, times and phone numbers: one way each, everywhere
(templates use them as the Jinja filters `when` and `phone`, Python messages call them)."""
from datetime import date, datetime, timezone
from functools import lru_cache

import phonenumbers
from phonenumbers import geocoder


def when(value: date | datetime | None, time: bool = False) -> str:
    """`3 Dec 2026`, or with `time=True` `3 Dec 2026, 14:05 UTC` (times are stored in UTC).

    None (a date that never happened, e.g. a token never used) gives an empty string."""
    if value is None:
        return ""
    text = f"{value.day} {value:%b %Y}"
    if time and isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
        text += f", {value:%H:%M} UTC"
    return text


@lru_cache(maxsize=8192)
def phone(e164: str | None) -> str:
    """`+4915123456789` → `+49 1512 3456789` (international format); anything that is not a
    phone number comes back as it was. Kept per process: a page of 50 numbers writes each
    several times, and parsing is most of a list page's work."""
    if not e164:
        return ""
    number = _parsed(e164)
    if number is None:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _parsed(e164: str):
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


@lru_cache(maxsize=8192)
def phone_country(e164: str | None) -> str:
    """The country a number belongs to, in English (`Germany`), or "" when unknown."""
    number = _parsed(e164) if e164 else None
    if number is None:
        return ""
    name = geocoder.country_name_for_number(number, "en")
    if not name:  # a number outside the ranges the library knows: name the country code's region
        example = phonenumbers.example_number(phonenumbers.region_code_for_country_code(number.country_code))
        name = geocoder.country_name_for_number(example, "en") if example else ""
    return name
