"""Flask-Login wiring: how a session cookie becomes a User."""
from flask import Flask, current_app
from flask_login import LoginManager
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from storefront import db
from storefront.models import User

# Built once: making the statement cost more than running it.
_USER_WITH_ROLES = select(User).where(User.id == bindparam("user_id")).options(joinedload(User.role_rows))

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session cookie ("<id>:<session version>"), checked on every request: a
    cookie from before "sign out everywhere" or a password change no longer signs anyone in."""
    user_id, _, version = session_id.partition(":")
    try:
        number = int(user_id)
        version_number = int(version or "0")
    except (ValueError, OverflowError):
        return None
    if not 0 < number < 2**31:  # ids are 32-bit in the database: anything larger names nobody
        return None
    # Every signed-in request, a live poll too, starts here: one query with the roles joined
    # (not the relationship's own second SELECT), read outside the request's transaction
    # (on PostgreSQL one round trip, not three), then handed to the request's session.
    with current_app.extensions["database"].single_read_sessions() as reader:
        user = reader.execute(_USER_WITH_ROLES, {"user_id": number}).unique().scalar_one_or_none()
    if user is None or (user.session_version or 0) != version_number:
        return None
    return db.attach(user)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
