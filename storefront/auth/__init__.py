"""Signing in and out, and the role checks every staff page uses."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from storefront.auth import routes  # noqa: E402,F401
