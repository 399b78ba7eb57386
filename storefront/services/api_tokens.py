"""Creating, listing, revoking and checking API tokens."""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from storefront import clock
from storefront.db import READ_ONLY, transaction
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


# How stale `last_used_at` may get: a script calling the API every second writes once a minute.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def user_for_token(session: Session, plain: str) -> User | None:
    """The active owner of a valid, unrevoked token, or None.

    Reading needs no write: the token is read on the request's session, and `last_used_at`
    is moved on at most once a minute, by a conditional UPDATE in a short transaction of its
    own (so a read-only API request never commits the request's session, which would forget
    this process's caches, and two workers don't both write it).
    """
    query = (select(ApiToken.id, ApiToken.user_id, ApiToken.revoked_at, ApiToken.last_used_at)
             .where(ApiToken.token_hash == _digest(plain)))
    if session.in_transaction():
        token = session.execute(query).first()
    else:
        # Before the request's transaction begins (the usual case): a read of its own, which
        # on SQLite doesn't take the write lock, so the touch below can't wait on this request.
        with session.get_bind().execution_options(**{READ_ONLY: True}).connect() as connection:
            token = connection.execute(query).first()
    if token is None or token.revoked_at is not None:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        _touch(session, token.id, now)
    user = session.get(User, token.user_id)
    return user if user is not None and user.is_active else None


def _touch(session: Session, token_id: int, now) -> None:
    stale = or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - LAST_USED_RESOLUTION)
    statement = update(ApiToken).where(ApiToken.id == token_id, stale).values(last_used_at=now)
    engine = session.get_bind()
    if engine.dialect.name == "sqlite" and session.in_transaction():
        # SQLite, when the request's transaction had begun already: it holds the one write
        # lock (BEGIN IMMEDIATE), a second connection would wait for it. Write in it: kept if
        # the request commits, else the next use (within the minute) writes it.
        session.execute(statement, execution_options={"synchronize_session": False})
        return
    with engine.begin() as connection:
        connection.execute(statement)
