"""Rate limits (Flask-Limiter): in memory for one process, in Redis when REDIS_URL is
set so that every worker counts together."""
import hashlib

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from storefront.services.accounts import normalize_email

limiter = Limiter(key_func=get_remote_address)

# Log-in attempts: per address (one machine guessing many accounts) and per account and
# address together (one machine guessing one password). Both count every attempt, known
# e-mail or not. Never per account alone: a stranger's guesses would then lock the owner
# out; the owner's own address has its own count. The address is the real client's once
# PROXY_COUNT names the proxies in front (ProxyFix), not the proxy's.
LOGIN_PER_ADDRESS = "20 per minute; 100 per hour"
LOGIN_PER_ACCOUNT = "5 per minute; 30 per hour"


def submitted_email() -> str:
    return f"login:{get_remote_address()}:" + normalize_email(request.form.get("email", ""))


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)


def _bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def api_client() -> str:
    """API requests count per token (a hash of it, never the token itself)."""
    return "api-token:" + hashlib.sha256(_bearer_token().encode()).hexdigest()


def without_token() -> bool:
    """The public endpoints (catalog, quote, the document) are not counted per token."""
    return not _bearer_token()


def api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]
