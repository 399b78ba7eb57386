"""Gateway API v1 (/gateway/v1): the SIM gateways report inbound messages and heartbeats,
pull the outbound queue and report delivery. JSON; errors as application/problem+json."""
from flask import Blueprint

bp = Blueprint("gateway", __name__)

from storefront.gateway import routes  # noqa: E402,F401
