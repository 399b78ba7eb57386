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
    port = live_server.rsplit(":", 1)[1]
    environment = {key: value for key, value in os.environ.items() if key != "BASE"}
    result = subprocess.run(["sh", str(TOUR)], capture_output=True, text=True, timeout=60,
                            env={**environment, "PORT": port, "TOKEN": token})  # BASE follows PORT
    assert result.returncode == 0, result.stdout + result.stderr
    with stocked_app.app_context():
        session = db.session()
        statuses = sorted((r.country_code, r.status, r.tier_months) for r in session.scalars(select(Rental)))
        assert statuses == [("AT", "returned", 3), ("DE", "active", 3)]  # the German one extended by 3
        (reservation,) = session.scalars(select(Reservation)).all()
        assert reservation.status == "cancelled"
    assert '"balance"' in result.stdout


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_tour_stops_before_buying_anything_when_credits_are_short(stocked_app, live_server):
    api = api_for(stocked_app, "short@example.com", credits="40.00")
    token = api.headers["Authorization"].removeprefix("Bearer ")
    result = subprocess.run(["sh", str(TOUR)], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "BASE": f"{live_server}/api/v1", "TOKEN": token})
    assert result.returncode == 2
    # 23 (DE, 6 months) + 16 (DE, 3) + 21 (the Swedish hold, more than AT's 17) in the demo catalog
    assert "needs 60.00 in credits at its peak and this account has 40.00: nothing was bought" in result.stderr
    with stocked_app.app_context():
        session = db.session()
        assert session.scalars(select(Rental)).all() == []
        assert session.scalars(select(Reservation)).all() == []
    assert api.get("/credits").get_json()["balance"] == "40.00"
