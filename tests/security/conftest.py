"""Fixtures the security probes share (plain helpers: tests/storefront/helpers.py)."""
import pytest

from storefront import db
from storefront.services.accounts import create_user


@pytest.fixture
def customer(app):
    with app.app_context():
        return create_user(db.session(), "ada@example.com", "correct horse battery")
