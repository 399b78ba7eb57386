"""Creating, listing, revoking and checking API tokens."""
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront import clock
from storefront.db import transaction
from storefront.problems import INVALID, StorefrontError
from storefront.models import ApiToken, User

TOKEN_PREFIX = "nst_"
MAX_NAME_LENGTH = 100


class TokenError(StorefrontError):
    kind = INVALID


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the plain token is returned once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise TokenError(f"Please give the token a name of 1 to {MAX_NAME_LENGTH} characters.")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction(session):
        token = ApiToken(user_id=user.id, name=name, token_hash=_digest(plain), hint=plain[:8])
        session.add(token)
    return token, plain


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc()))
    )


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    with transaction(session):
        token = session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
        if token is None:
            raise TokenError("There is no such token on your account.")
        if token.revoked_at is None:
            token.revoked_at = clock.now()
    return token


def user_for_token(session: Session, plain: str) -> User | None:
    """The active owner of a valid, unrevoked token, or None."""
    with transaction(session):
        token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(plain)))
        if token is None or token.revoked_at is not None or not token.user.is_active:
            return None
        token.last_used_at = clock.now()
        return token.user
