"""User API v1: JSON, errors as application/problem+json (SPEC §8)."""
from flask import Blueprint

from storefront.limits import api_client, api_rate_limit, limiter, without_token

bp = Blueprint("api", __name__)
limiter.limit(api_rate_limit, key_func=api_client, exempt_when=without_token)(bp)

from storefront.api import available_numbers, billing, credits, messages, numbers, reservations, routes  # noqa: E402,F401
from storefront.api.openapi import openapi_document  # noqa: E402
from storefront.strict_query import refuse_unknown_query  # noqa: E402

refuse_unknown_query(bp, "/api/v1", openapi_document)
