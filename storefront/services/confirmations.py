"""The purchase confirmation e-mail: what was bought, until when, what renews, how to return
it unused and until when. Queued through the outbox in the purchase's own transaction; the
text is the template emails/purchase_confirmation.txt (a receipt link can be added there)."""
from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.models import BillingDocument, LedgerEntry, Rental
from storefront.services import outbox
from storefront.services.notifications import document_url
from storefront.services.terms import rental_terms

TEMPLATE = "emails/purchase_confirmation.txt"


def _invoice_link(session: Session, rental: Rental) -> str | None:
    """The invoice of what was just paid for this number (booked in the same transaction)."""
    document = session.scalar(
        select(BillingDocument).join(LedgerEntry, BillingDocument.ledger_entry_id == LedgerEntry.id)
        .where(LedgerEntry.user_id == rental.user_id, LedgerEntry.reference == rental.number.e164)
        .order_by(BillingDocument.id.desc()).limit(1))
    return document_url(current_app.config["PUBLIC_URL"], document) if document else None


def purchase_confirmation_body(session: Session, rental: Rental) -> str:
    numbers = url_for("account.numbers", _external=True) if has_request_context() else "/numbers"
    return render_template(TEMPLATE, rental=rental, terms=rental_terms(session, rental),
                           number_url=f"{numbers}#number-{rental.id}", invoice_url=_invoice_link(session, rental))


def queue_purchase_confirmation(session: Session, rental: Rental) -> None:
    """Once per rental, whatever calls it twice (double submit, webhook replay)."""
    session.flush()
    outbox.queue_email(session, rental.user.email, f"{rental.number.e164} is yours: your terms",
                       purchase_confirmation_body(session, rental), key=f"purchase-confirmation:{rental.id}")
