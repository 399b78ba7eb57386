"""A customer's own pages: my numbers, credits, API tokens (SPEC §4)."""
from flask import Blueprint

bp = Blueprint("account", __name__)

from storefront.account import billing, console, credits, numbers, offers, questions, security, tokens  # noqa: E402,F401
