"""Pages that only read don't queue for SQLite's write lock (db.read_session)."""
import sqlite3
import time

import pytest

from storefront.services.catalog import current_catalog
from storefront import db


def test_the_landing_page_answers_while_another_process_holds_the_write_lock(app):
    url = app.config["DATABASE_URL"]
    if not url.startswith("sqlite"):
        pytest.skip("the write lock taken at BEGIN is SQLite's")
    with app.app_context():
        current_catalog(db.session())  # cached: the page needs only the stock now
    writer = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        response = app.test_client().get("/?country=DE", headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "stock-line" in response.get_data(as_text=True)
        assert time.monotonic() - started < 5
    finally:
        writer.execute("ROLLBACK")
        writer.close()
