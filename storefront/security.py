"""Security headers on every answer (SPEC hardening): CSP, framing, sniffing, referrer, HSTS."""
from flask import Flask, g, request
from flask_login import current_user

from urllib.parse import urlsplit


def _origin(url: str | None) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(stripe_js_url: str, stripe_api_base: str | None) -> str:
    """Scripts only from us and Stripe.js (card payments); no inline script anywhere."""
    stripe_js = _origin(stripe_js_url)
    stripe_api = _origin(stripe_api_base) or "https://api.stripe.com"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {stripe_js}".strip(),
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {stripe_api}",
            f"frame-src {stripe_js} https://hooks.stripe.com".strip(),
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def init_app(app: Flask) -> None:
    policy = content_security_policy(app.config["STRIPE_JS_URL"], app.config.get("STRIPE_API_BASE"))

    @app.after_request
    def add_security_headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint != "static" and (g.get("api_user") is not None or _signed_in()):
            # Someone's own page or data (a new API token shown once, balances): no browser,
            # proxy or CDN may keep a copy.
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        return response


def _signed_in() -> bool:
    try:
        return bool(current_user.is_authenticated)
    except Exception:  # noqa: BLE001 - the database is down: no user, the answer is an error anyway
        return False
