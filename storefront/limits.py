"""Rate limits (Flask-Limiter): in memory for one process, in Redis when REDIS_URL is
set so that every worker counts together."""
from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from storefront.services.accounts import normalize_email

limiter = Limiter(key_func=get_remote_address)

# Log-in attempts: per address (one machine guessing many accounts) and per account
# (many machines guessing one password). Both count every attempt, known e-mail or not.
LOGIN_PER_ADDRESS = "20 per minute; 100 per hour"
LOGIN_PER_ACCOUNT = "5 per minute; 30 per hour"


def submitted_email() -> str:
    return "login:" + normalize_email(request.form.get("email", ""))


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
