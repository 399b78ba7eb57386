"""Stripe card payments and webhooks (SPEC §7)."""
from flask import Blueprint

bp = Blueprint("payments", __name__)
