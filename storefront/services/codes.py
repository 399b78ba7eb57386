"""Find the verification code in a received message ("Your code is 482 913"), so the
number's page can offer it for copying in one click. Pure, no I/O."""
import re

# 4 to 8 digits, maybe split once by a space or a dash (482 913, 482-913), standing alone.
# A letter and a dash before it are a prefix (G-123456); other letters, digits or signs
# make it part of something else (AB1234, +4915…, 12:30).
_ALONE = r"(?:(?<=\b[A-Z]-)|(?<![\w+.,/:-]))"
_CODE = re.compile(_ALONE + r"(?:(\d{3,4})[ -]?(\d{3,4})|(\d{4,8}))(?![\w/:.,]?\w)")
_HINT = re.compile(r"code|pin|otp|passcode|password|verif|kod|código|codice|token|\bG-", re.IGNORECASE)


def code_in(text: str) -> str | None:
    """The code of a verification message, its digits only; None if there is none.

    A code near a word such as "code", "PIN" or "OTP" wins; without one, a message with a
    single 4–8 digit group is taken to be a code (most are), several groups are not (an
    order number and a date, say).
    """
    candidates = []
    for match in _CODE.finditer(text):
        digits = "".join(group for group in match.groups() if group)
        if 4 <= len(digits) <= 8:
            candidates.append((match.start(), digits))
    if not candidates:
        return None
    hints = [hint.start() for hint in _HINT.finditer(text)]
    if hints:
        return min(candidates, key=lambda candidate: min(abs(candidate[0] - hint) for hint in hints))[1]
    return candidates[0][1] if len(candidates) == 1 else None
