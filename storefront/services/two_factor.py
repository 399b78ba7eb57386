"""Two-factor sign-in: a TOTP code from an authenticator app (RFC 6238, pyotp), or one of
ten single-use recovery codes. Required for staff, offered to customers."""
import hashlib
import secrets

import pyotp
from sqlalchemy.orm import Session

from pricing import FieldError
from storefront import clock
from storefront.db import transaction
from storefront.models import User
from storefront.problems import INVALID, StorefrontError

RECOVERY_CODES = 10


class TwoFactorError(StorefrontError):
    kind = INVALID

    def __init__(self, message: str):
        super().__init__(message, errors=[FieldError("code", message)])


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    """What an authenticator app reads (as a QR code or typed in): otpauth://totp/..."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def code_matches(secret: str, code: str) -> bool:
    """A 6-digit code of now, or of the 30 seconds before or after (clocks drift)."""
    code = "".join((code or "").split())
    return code.isdigit() and len(code) == 6 and pyotp.TOTP(secret).verify(code, for_time=clock.now(),
                                                                          valid_window=1)


def _hash(code: str) -> str:
    return hashlib.sha256("".join(code.lower().split()).replace("-", "").encode()).hexdigest()


def enrol(session: Session, user: User, secret: str, code: str) -> list[str]:
    """Turn two-factor sign-in on once `code` proves the app has `secret`; returns the
    recovery codes, shown once (only their hashes are kept)."""
    if not code_matches(secret, code):
        raise TwoFactorError("That code doesn't match. Type the 6 digits your app shows now.")
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    with transaction(session):
        user.totp_secret = secret
        user.recovery_code_hashes = [_hash(code) for code in codes]
    return codes


def check(session: Session, user: User, code: str) -> bool:
    """True for a current TOTP code, or an unused recovery code (which is then used up)."""
    if not user.totp_secret:
        return False
    if code_matches(user.totp_secret, code):
        return True
    hashed = _hash(code or "")
    remaining = list(user.recovery_code_hashes or [])
    if hashed in remaining:
        remaining.remove(hashed)
        with transaction(session):
            user.recovery_code_hashes = remaining
        return True
    return False


def turn_off(session: Session, user: User, code: str) -> None:
    if user.is_staff:
        raise TwoFactorError("Staff accounts must keep two-factor sign-in on.")
    if not check(session, user, code):
        raise TwoFactorError("That code doesn't match. Type the 6 digits your app shows now, or a recovery code.")
    with transaction(session):
        user.totp_secret = None
        user.recovery_code_hashes = None
