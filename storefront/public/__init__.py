"""Public pages: the landing page with live prices (and, later, the FAQ)."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from storefront.public import routes, trust  # noqa: E402,F401
