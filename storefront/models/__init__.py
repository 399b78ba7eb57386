"""The storefront's tables (the inventory's live in `hardware.models`, imported here so
that one metadata, and one set of migrations, holds every table)."""
import hardware.models  # noqa: F401
import hardware.stock  # noqa: F401  (keeps hw_stock in step with every flush)
from storefront.models.accounts import ROLES, STAFF_ROLES, AuditEntry, User, UserRole
from storefront.models.api_tokens import ApiToken
from storefront.models.copy import CopyBlock, CopyVersion
from storefront.models.credits import LedgerEntry
from storefront.models.documents import BillingDocument, DocumentCounter
from storefront.models.idempotency import IdempotentRequest
from storefront.models.forwarding import Forwarding
from storefront.models.messages import GatewayToken, Message
from storefront.models.offers import NumberOffer
from storefront.models.outbox import OutboxMessage
from storefront.models.payments import CardPayment, ProcessedStripeEvent, StripeCustomer
from storefront.models.rentals import Rental
from storefront.models.reservations import Reservation
from storefront.models.saved_cards import SavedCard
from storefront.models.support import SupportReply, SupportTicket
from storefront.models.catalog import (
    BundleFactorRow,
    CatalogRevision,
    CountryRow,
    LoyaltyRow,
    ReturnFeeRow,
    VolumeDiscountRow,
)

__all__ = [
    "AuditEntry",
    "SavedCard",
    "SupportReply",
    "SupportTicket",
    "NumberOffer",
    "Reservation",
    "CopyBlock",
    "CopyVersion",
    "CardPayment",
    "ProcessedStripeEvent",
    "StripeCustomer",
    "Rental",
    "LedgerEntry",
    "BillingDocument",
    "DocumentCounter",
    "IdempotentRequest",
    "GatewayToken",
    "Message",
    "OutboxMessage",
    "Forwarding",
    "ApiToken",
    "ROLES",
    "STAFF_ROLES",
    "User",
    "UserRole",
    "BundleFactorRow",
    "CatalogRevision",
    "CountryRow",
    "LoyaltyRow",
    "ReturnFeeRow",
    "VolumeDiscountRow",
]
