"""Gateway API v1 (/gateway/v1): the SIM gateways report inbound messages and heartbeats,
pull the outbound queue and report delivery. JSON; errors as application/problem+json."""
from flask import Blueprint

bp = Blueprint("gateway", __name__)

from storefront.gateway import routes  # noqa: E402,F401
from storefront.strict_query import refuse_unknown_query  # noqa: E402
from storefront.gateway.openapi import openapi_document  # noqa: E402

refuse_unknown_query(bp, "/gateway/v1", openapi_document)
