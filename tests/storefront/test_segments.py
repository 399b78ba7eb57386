"""The SMS segment counter: the same pure function behind the live counter and the send check."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.services.segments import GSM_7, UCS_2, count_segments


@pytest.mark.parametrize(("text", "encoding", "units", "segments", "remaining"), [
    ("", GSM_7, 0, 0, 160),
    ("Your code is 123456", GSM_7, 19, 1, 141),
    ("a" * 160, GSM_7, 160, 1, 0),
    ("a" * 161, GSM_7, 161, 2, 145),
    ("a" * 306, GSM_7, 306, 2, 0),
    ("a" * 307, GSM_7, 307, 3, 152),
    ("Price: 5€", GSM_7, 10, 1, 150),  # € is an extension character: two septets
    ("Grüße, señor", GSM_7, 12, 1, 148),  # ü and ñ are in the GSM alphabet
    ("Zażółć", UCS_2, 6, 1, 64),
    ("a" * 70 + "ę", UCS_2, 71, 2, 63),
    ("🙂", UCS_2, 2, 1, 68),  # an emoji is two UTF-16 units
])
def test_counts(text, encoding, units, segments, remaining):
    count = count_segments(text)
    assert (count.encoding, count.units, count.segments, count.remaining) == (encoding, units, segments, remaining)


def test_an_extension_character_is_never_split_between_segments():
    # 152 plain characters then €: the € would straddle the 153-septet boundary.
    assert count_segments("a" * 152 + "€" + "a" * 10).segments == 2
    assert count_segments("a" * 152 + "€" + "a" * 10).remaining == 153 - 12


def test_an_emoji_is_never_split_between_segments():
    assert count_segments("ę" * 66 + "🙂" + "ę" * 10).segments == 2


@given(st.text(max_size=800))
def test_segments_hold_the_text(text):
    count = count_segments(text)
    per_part = {GSM_7: 153, UCS_2: 67}[count.encoding]
    single = {GSM_7: 160, UCS_2: 70}[count.encoding]
    assert count.characters == len(text)
    if count.units <= single:
        assert count.segments == (1 if text else 0)
    else:
        assert count.segments * per_part >= count.units
        assert (count.segments - 1) * per_part < count.units + count.segments  # at most one unit lost per cut
