"""Accounts: creating users, checking passwords (Argon2id, memory-hard)."""
import hashlib
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from pricing import FieldError
from storefront import clock
from storefront.db import transaction
from storefront.models import ROLES, User, UserRole
from storefront.problems import FORBIDDEN, INVALID, StorefrontError

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Checked when no account matches, so a wrong e-mail costs as long as a wrong password.
    Made at the first sign-in, not at import: importing the module stays cheap."""
    return _hasher.hash("no account has this password")


MIN_PASSWORD_LENGTH = 10


class AccountError(StorefrontError):
    kind = INVALID

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message, errors=[FieldError(field, message)] if field else None)
        self.field = field


def normalize_email(email: str) -> str:
    return email.strip().lower()


class EmailNotVerified(StorefrontError):
    kind = FORBIDDEN
    title = "E-mail address not verified"
    slug = "email-not-verified"

    def __init__(self):
        super().__init__("Please confirm your e-mail address first: open the link in the e-mail we sent "
                         "when you signed up (or ask for a new one on your billing page). Then you can pay.")


def require_verified(user: User) -> None:
    """Payments wait until the customer confirmed their e-mail address."""
    if user.email_verified_at is None:
        raise EmailNotVerified()


VERIFY_SALT = "verify-email"


def verification_token(secret_key: str, user: User) -> str:
    return URLSafeTimedSerializer(secret_key, salt=VERIFY_SALT).dumps({"user_id": user.id, "email": user.email})


def verify_email(session: Session, secret_key: str, token: str, max_age: int) -> tuple[User, bool]:
    """Mark the address of the link's account verified: (the account, whether this link confirmed
    it just now rather than earlier); AccountError if the link is bad or old."""
    try:
        payload = URLSafeTimedSerializer(secret_key, salt=VERIFY_SALT).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise AccountError("This confirmation link has expired. Sign in and ask for a new one.") from error
    except BadSignature as error:
        raise AccountError("This confirmation link is not valid.") from error
    user = session.get(User, payload.get("user_id")) if isinstance(payload, dict) else None
    if user is None or user.email != payload.get("email"):
        raise AccountError("This confirmation link is not valid.")
    newly = user.email_verified_at is None
    with transaction(session):
        if newly:
            user.email_verified_at = clock.now()
    return user, newly


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Please choose a password of at least {MIN_PASSWORD_LENGTH} characters.", "password")


def create_user(session: Session, email: str, password: str, roles=("customer",), verified: bool = True) -> User:
    """Create an account in one transaction; refuses a taken e-mail or a short password.

    Accounts made by staff, the CLI or the demo are verified; sign-up passes verified=False
    and sends the confirmation e-mail.
    """
    email = normalize_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise AccountError("Please enter a valid e-mail address.", "email")
    _check_password(password)
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise AccountError(f"Unknown role {', '.join(sorted(unknown))}; roles are {', '.join(ROLES)}.", "role")
    with transaction(session):
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            raise AccountError("An account with this e-mail already exists.", "email")
        user = User(email=email, password_hash=_hasher.hash(password),
                    email_verified_at=clock.now() if verified else None)
        user.role_rows = [UserRole(role=role) for role in sorted(set(roles))]
        session.add(user)
    return user


def sign_up(session: Session, email: str, password: str) -> tuple[User, bool]:
    """A sign-up that tells the visitor nothing about who has an account: (the account, whether
    it is new). A taken address costs the same password hashing as a new account, leaves the
    account as it is and gets an e-mail instead (the caller sends it); mistakes in the form
    itself (address, password length) are refused as before, whoever the address belongs to."""
    email = normalize_email(email)
    existing = user_by_email(session, email)
    if existing is None:
        try:
            return create_user(session, email, password, verified=False), True
        except AccountError as error:
            if error.field != "email" or user_by_email(session, email) is None:
                raise
            existing = user_by_email(session, email)  # signed up a moment ago, in parallel
    else:
        _check_password(password)  # the same refusal a new address gets
        _hasher.hash(password)  # the time a new account's hash takes, then thrown away
    return existing, False


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (saying nothing about which was wrong)."""
    user = user_by_email(session, email)
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.is_active:
        return None
    return user


RESET_SALT = "password-reset"


def _password_fingerprint(user: User) -> str:
    # Part of the token: once the password changes, every older reset link stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def password_reset_token(secret_key: str, user: User) -> str:
    return URLSafeTimedSerializer(secret_key, salt=RESET_SALT).dumps(
        {"user_id": user.id, "password": _password_fingerprint(user)}
    )


def user_for_reset_token(session: Session, secret_key: str, token: str, max_age: int) -> User:
    """The user a reset link is for; AccountError if it is expired, used or not ours."""
    try:
        payload = URLSafeTimedSerializer(secret_key, salt=RESET_SALT).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise AccountError("This reset link has expired. Please ask for a new one.") from error
    except BadSignature as error:
        raise AccountError("This reset link is not valid. Please ask for a new one.") from error
    user = session.get(User, payload.get("user_id"))
    if user is None or not user.is_active or payload.get("password") != _password_fingerprint(user):
        raise AccountError("This reset link has already been used. Please ask for a new one.")
    return user


def set_password(session: Session, user: User, password: str) -> None:
    _check_password(password)
    with transaction(session):
        user.password_hash = _hasher.hash(password)
        # Every session signed in with the old password ends (the caller signs this one in again).
        user.session_version = (user.session_version or 0) + 1


def end_every_session(session: Session, user: User) -> None:
    """Sign the user out on every device: each session cookie issued so far stops working."""
    with transaction(session):
        user.session_version = (user.session_version or 0) + 1


def user_by_email(session: Session, email: str) -> User | None:
    """The account with this e-mail, however it was typed, closed or not."""
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def active_user_by_email(session: Session, email: str) -> User | None:
    user = user_by_email(session, email)
    return user if user is not None and user.is_active else None
