"""Form fields shared by the pages that move money."""
from wtforms import HiddenField
from wtforms.validators import InputRequired

from pricing import Money


class AmountField(HiddenField):
    """The amount the customer was shown, sent back with the button that pays it, so the
    service can charge that amount or ask again. `data` is Money; anything unreadable
    fails validation (the form then answers 400) instead of reaching the service."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators or [InputRequired()], **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0]:
            try:
                self.data = Money.eur(valuelist[0])
            except (ValueError, ArithmeticError) as error:
                raise ValueError("This is not an amount of money.") from error
