"""User API v1: JSON, errors as application/problem+json (SPEC §8)."""
from flask import Blueprint

bp = Blueprint("api", __name__)

from storefront.api import routes  # noqa: E402,F401
