"""Buy wizard: country, kind, months or tier, number, payment (SPEC §4)."""
from flask import Blueprint

bp = Blueprint("shop", __name__)

from storefront.shop import routes  # noqa: E402,F401
