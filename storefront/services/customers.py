"""Our customers as Stripe knows them: one Stripe customer per account, made on first use."""
from sqlalchemy.orm import Session

from storefront.db import transaction
from storefront.models import StripeCustomer, User
from storefront import stripe_gateway


def customer_id_for(session: Session, user: User) -> str:
    known = session.get(StripeCustomer, user.id)
    if known is not None:
        return known.customer_id
    customer_id = stripe_gateway.create_customer(user.email, user.id)
    with transaction(session):
        session.add(StripeCustomer(user_id=user.id, customer_id=customer_id))
    return customer_id
