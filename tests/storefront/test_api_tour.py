"""The README's curl tour of the API runs against a live server and does what it says."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from storefront import db
from storefront.models import Rental, Reservation
from tests.storefront.helpers import api_for

TOUR = Path(__file__).resolve().parents[2] / "tools" / "api_tour.sh"


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_curl_tour_buys_extends_reserves_cancels_and_returns(stocked_app, live_server):
    api = api_for(stocked_app, "tour@example.com", credits="200.00")
    token = api.headers["Authorization"].removeprefix("Bearer ")
    result = subprocess.run(["sh", str(TOUR)], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "BASE": f"{live_server}/api/v1", "TOKEN": token})
    assert result.returncode == 0, result.stdout + result.stderr
    with stocked_app.app_context():
        session = db.session()
        statuses = sorted((r.country_code, r.status, r.tier_months) for r in session.scalars(select(Rental)))
        assert statuses == [("AT", "returned", 3), ("DE", "active", 3)]  # the German one extended by 3
        (reservation,) = session.scalars(select(Reservation)).all()
        assert reservation.status == "cancelled"
    assert '"balance"' in result.stdout
