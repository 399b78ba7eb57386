"""Pages for marketing, admin, operations and support staff (SPEC §5)."""
from flask import Blueprint

bp = Blueprint("staff", __name__)

from storefront.staff import audit, catalog, copy, goodwill, operations, support  # noqa: E402,F401
