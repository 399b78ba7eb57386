"""How many SMS segments a text takes (GSM 03.38 / 3GPP TS 23.038): pure, no I/O.

A text that fits the GSM 7-bit alphabet travels in 160 characters (one segment), or 153 per
segment once it is split (the rest carries the header that joins the parts); a character of
the extension table (€, [, ], {, }, …) costs two. Any other character (é and ñ are GSM,
but ę, ń, Cyrillic and emoji are not) turns the whole text into UCS-2: 70 UTF-16 units, or 67
per segment when split, an emoji being two units. Neither an extension character nor an
emoji is ever cut between two segments. The web form's live counter and the server's check
of a sent message both call `count_segments`.
"""
from dataclasses import dataclass

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM_7 = "GSM-7"
UCS_2 = "UCS-2"
SINGLE = {GSM_7: 160, UCS_2: 70}
PER_PART = {GSM_7: 153, UCS_2: 67}
# The longest message we send: 10 segments of either encoding.
MAX_SEGMENTS = 10


@dataclass(frozen=True)
class SegmentCount:
    encoding: str
    characters: int  # as the customer counts them (code points)
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    # What is left in the last segment before another one starts.
    remaining: int

    @property
    def too_long(self) -> bool:
        return self.segments > MAX_SEGMENTS


def encoding_of(text: str) -> str:
    return GSM_7 if all(char in GSM_BASIC or char in GSM_EXTENSION for char in text) else UCS_2


def _unit_cost(char: str, encoding: str) -> int:
    if encoding == GSM_7:
        return 2 if char in GSM_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def count_segments(text: str) -> SegmentCount:
    """The encoding, length and segments of `text` (an empty text is zero segments)."""
    encoding = encoding_of(text)
    costs = [_unit_cost(char, encoding) for char in text]
    units = sum(costs)
    if units <= SINGLE[encoding]:
        return SegmentCount(encoding, len(text), units, 1 if text else 0, SINGLE[encoding] - units)
    # Split greedily, never cutting a two-unit character in half.
    segments, used = 1, 0
    for cost in costs:
        if used + cost > PER_PART[encoding]:
            segments, used = segments + 1, 0
        used += cost
    return SegmentCount(encoding, len(text), units, segments, PER_PART[encoding] - used)
