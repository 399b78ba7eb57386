"""The one base of the storefront's domain errors: what the customer is told, and its kind.

A service raises a `StorefrontError` (or a subclass); the handlers in `storefront/errors.py`
turn it into a page, an htmx fragment or problem+json, with the same title everywhere.
No Flask here: services, the CLI and jobs import it freely.
"""
from dataclasses import dataclass

from pricing import FieldError


@dataclass(frozen=True)
class Kind:
    status: int
    title: str


INVALID = Kind(422, "Invalid request")
NOT_FOUND = Kind(404, "Not found")
CONFLICT = Kind(409, "Cannot do that")
PAYMENT_REQUIRED = Kind(402, "Payment required")
UNAVAILABLE = Kind(503, "Temporarily unavailable")
FORBIDDEN = Kind(403, "Not allowed yet")


class StorefrontError(Exception):
    """Something the customer asked cannot be done; `message` says why in plain words.

    `kind` gives the HTTP status and a default title; a subclass may name its own `title`
    (and the problem type's `slug`), `errors` names bad fields, `extensions` are extra
    problem+json members (the new quote, the missing amount).
    """

    kind: Kind = CONFLICT
    title: str | None = None
    slug: str | None = None

    def __init__(self, message: str, *, errors: list[FieldError] | None = None, title: str | None = None,
                 kind: Kind | None = None, **extensions):
        super().__init__(message)
        self.message = message
        self.errors = list(errors or [])
        if title:
            self.title = title
        if kind:
            self.kind = kind
        self.extensions = extensions

    @property
    def status(self) -> int:
        return self.kind.status

    @property
    def heading(self) -> str:
        return self.title or self.kind.title


class InvalidRequest(StorefrontError):
    """A request whose fields can't be read; `errors` names each."""

    kind = INVALID

    def __init__(self, errors: list[FieldError], message: str | None = None):
        # One bad field: its own message says it all (the allowed tiers, the months).
        super().__init__(message or (errors[0].message if len(errors) == 1 else "Some fields are not valid."),
                         errors=errors)


class NotFound(StorefrontError):
    """Nothing of the customer's has this id (or it is someone else's)."""

    kind = NOT_FOUND
