"""Reservations for countries without long-term stock (SPEC §4)."""
from flask import Blueprint

bp = Blueprint("reserve", __name__)

from storefront.reserve import routes  # noqa: E402,F401
