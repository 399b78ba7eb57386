"""Small helpers any test package may use (test modules never import each other)."""
from hardware.validation import luhn_valid

WEBHOOK_SECRET = "whsec_test"


def with_check_digit(body: str) -> str:
    """`body` followed by the digit that makes it pass the Luhn check (an ICCID, say)."""
    return next(body + digit for digit in "0123456789" if luhn_valid(body + digit))
