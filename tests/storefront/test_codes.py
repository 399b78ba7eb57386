"""Verification codes found in messages, offered for copying on the number's page."""
import pytest

from storefront.services.codes import code_in


@pytest.mark.parametrize(("text", "code"), [
    ("Your code is 482913", "482913"),
    ("G-123456 is your Google verification code.", "123456"),
    ("Your WhatsApp code: 482-913", "482913"),
    ("Ihr Code lautet 482 913. Nicht weitergeben.", "482913"),
    ("1234", "1234"),
    ("Use 77810 to sign in", "77810"),
    ("Order 55501 ships on 12.05, your PIN is 9921", "9921"),
    ("See you at 10:30", None),
    ("Call +4915112345678 back", None),
    ("Hello there", None),
    ("Order 55501 and order 66602", None),
])
def test_code_in(text, code):
    assert code_in(text) == code
