"""Absolute links (e-mails, sitemap.xml, robots.txt, the OpenAPI `servers`): from the
configured PUBLIC_BASE_URL, never from the Host header a client chose. Without it
(development) the request's host is used, which TRUSTED_HOSTS has already vetted."""
from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
