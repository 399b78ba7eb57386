"""Stripe card payments (top-ups) and the Stripe webhook (SPEC §7)."""
from flask import Blueprint

bp = Blueprint("payments", __name__)

from storefront.payments import routes  # noqa: E402,F401
