"""Which e-mail each money and account event sends, and with what it says.

Every e-mail goes through the outbox (queued in the transaction of the change), made from
templates under storefront/templates/email/: <name>.txt sets `subject` and is the text
part, <name>.html the HTML part. A ledger entry picks its template by the event its key
names (purchase:…, extend:…, top-up:…), so every booking that moves money tells the
customer, once (the outbox key is the entry's key).
"""
from sqlalchemy.orm import Session

from storefront.models import BillingDocument, LedgerEntry, User
from storefront.models.credits import KIND_NAMES
from storefront.services import outbox

# The key prefix of a ledger entry → its e-mail template.
TEMPLATE_FOR_KEY = {
    "top-up": "top_up",
    "purchase": "purchase",
    "extend": "extend",
    "renewal": "renewal",
    "reinstate": "reinstated",
    "return": "unused_return",
    "hold": "reservation_placed",
    "hold-release": "hold_released",
    "adjustment": "adjustment",
    "card-charge": "subscription_charge",
    "auto-top-up": "auto_top_up",
}


def template_for(entry: LedgerEntry) -> str | None:
    return TEMPLATE_FOR_KEY.get(entry.idempotency_key.split(":", 1)[0])


def document_url(public_url: str, document: BillingDocument) -> str:
    return f"{public_url}/billing/documents/{document.number}"


def money_event(session: Session, entry: LedgerEntry, document: BillingDocument | None) -> None:
    """The e-mail of one booked entry, in its transaction (nothing for an unknown event)."""
    template = template_for(entry)
    if template is None:
        return
    user = session.get(User, entry.user_id)
    from flask import current_app

    public_url = current_app.config["PUBLIC_URL"]
    outbox.queue_templated(
        session, user.email, template, key=f"mail:{entry.idempotency_key}",
        entry=entry, kind_name=KIND_NAMES.get(entry.kind, entry.kind), document=document,
        document_link=document_url(public_url, document) if document else None,
        billing_link=f"{public_url}/billing",
    )


def send_verification(session: Session, user: User, resend: bool = False, next_path: str | None = None,
                      signed_up_again: bool = False) -> None:
    """Queue the e-mail with the link that confirms the address (a new key when resent; at most
    one an hour when the same address signs up again). The link's first use signs the account
    in and goes on to `next_path` (a local path, e.g. the checkout the visitor came from)."""
    from flask import current_app

    from storefront import clock
    from storefront.db import transaction
    from storefront.services.accounts import verification_token
    from storefront.urls import external_url

    token = verification_token(current_app.config["SECRET_KEY"], user)
    link = external_url("auth.verify_email_link", token=token, next=next_path or None)
    if signed_up_again:
        key = f"verify:{user.id}:{clock.now():%Y-%m-%dT%H}"
    elif resend:
        key = f"verify:{user.id}:{clock.now().isoformat()}"
    else:
        key = f"verify:{user.id}"
    with transaction(session):
        account_event(session, user, "verify_email", key=key, link=link)


def tell_owner_of_sign_up(session: Session, user: User) -> None:
    """Someone signed up with the address of an existing account: the page said only "check your
    e-mail"; the owner reads here what happened and where to sign in (at most one an hour)."""
    from storefront import clock
    from storefront.db import transaction
    from storefront.urls import external_url

    with transaction(session):
        account_event(session, user, "sign_up_existing", key=f"sign-up-existing:{user.id}:{clock.now():%Y-%m-%dT%H}",
                      sign_in_link=external_url("auth.login"), reset_link=external_url("auth.forgot_password"))


def account_event(session: Session, user: User, template: str, key: str, **context) -> None:
    """An e-mail that moves no money (sign-up, give back, payment failure, ...)."""
    outbox.queue_templated(session, user.email, template, key=key, user=user, **context)
