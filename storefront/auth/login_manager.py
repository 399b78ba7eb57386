"""Flask-Login wiring: how a session cookie becomes a User."""
from flask import Flask
from flask_login import LoginManager

from storefront import db
from storefront.models import User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        return db.session().get(User, int(user_id))
    except ValueError:
        return None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
