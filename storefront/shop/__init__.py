"""Buy wizard: country, kind, months or tier, number, payment (SPEC §4)."""
from flask import Blueprint

bp = Blueprint("shop", __name__)
