"""Messages made as the gateways would report them, for the tests of the number's page,
its API and forwarding (helpers, not fixtures)."""
import itertools

from storefront import db
from storefront.models import Rental
from storefront.services import messages as message_service

_ids = itertools.count(1)


def receive(app, rental_id: int, text: str, sender: str = "+4915112345678"):
    """A message on the rental's number, reported by the number's own gateway; its id."""
    with app.app_context():
        session = db.session()
        rental = session.get(Rental, rental_id)
        result = message_service.record_inbound(session, rental.number.gateway, gateway_message_id=f"t{next(_ids)}",
                                                to=rental.number.e164, sender=sender, text=text)
        return result.message.id if result.message else None
