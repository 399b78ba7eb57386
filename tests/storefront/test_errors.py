"""One error model: a domain error answers the same title on every surface — a page, an
htmx fragment the page swaps into its message region, problem+json under /api — and the
number list runs a fixed number of statements however many numbers there are."""
import uuid
from html import unescape
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from hardware.inventory import add_number
from storefront import db
from storefront.models import Rental, User
from storefront.services.purchases import add_months
from tests.storefront.helpers import api_for


from hardware.errors import OutOfStock  # noqa: E402
from pricing import Money, UnknownCountry  # noqa: E402
from storefront.services.credits import InsufficientCredits  # noqa: E402

RAISED = {
    "credits": (lambda: InsufficientCredits(Money.eur("5.00"), Money.eur("16.00")), 402, "Insufficient credits"),
    "country": (lambda: UnknownCountry("ZZ"), 404, "Unknown country"),
    "stock": (lambda: OutOfStock("No number is free in Germany just now."), 409, "Out of stock"),
}


@pytest.fixture
def raising_app(app):
    """The app with a page and an API path that raise the error named in the URL."""
    def raise_it(name):
        raise RAISED[name][0]()

    app.add_url_rule("/_raise/<name>", "raise_page", raise_it)
    app.add_url_rule("/api/_raise/<name>", "raise_api", raise_it)
    return app


@pytest.mark.parametrize("name", sorted(RAISED))
def test_a_domain_error_answers_the_same_status_title_and_words_on_every_surface(raising_app, name):
    client = raising_app.test_client()
    error, status, title = RAISED[name][0](), RAISED[name][1], RAISED[name][2]
    page = client.get(f"/_raise/{name}")
    fragment = client.get(f"/_raise/{name}", headers={"HX-Request": "true"})
    problem = client.get(f"/api/_raise/{name}")
    assert page.status_code == fragment.status_code == problem.status_code == status
    assert "<html" in page.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
    for answer in (page, fragment):
        shown = unescape(answer.get_data(as_text=True))
        assert title in shown and error.message in shown
    assert fragment.headers["HX-Retarget"] == "#problem" and fragment.headers["HX-Reswap"] == "innerHTML"
    body = problem.get_json()
    assert problem.mimetype == "application/problem+json"
    assert (body["title"], body["detail"], body["status"]) == (title, error.message, status)
    if name == "credits":
        assert body["missing"] == "11.00" and body["type"].endswith("/insufficient-credits")


def test_the_page_carries_the_message_region_and_lets_htmx_swap_4xx_answers(client):
    page = client.get("/").get_data(as_text=True)
    assert 'id="problem"' in page and '"4..", "swap": true' in page


def _rentals_for(app, email: str, count: int) -> None:
    """`count` current long-term bundles bought an hour ago (so each may be returned unused)."""
    now = datetime.now(timezone.utc)
    with app.app_context():
        session = db.session()
        user = session.scalar(select(User).where(User.email == email))
        with db.transaction(session):
            for _ in range(count):
                number = add_number(session, f"+49151{uuid.uuid4().int % 10**8:08d}", "short", "DE")
                number.state = "rented"
                session.add(Rental(
                    user_id=user.id, number_id=number.id, country_code="DE", kind="long", pricing_model="bundle",
                    tier_months=3, status="active", auto_renew=True, started_at=now - timedelta(hours=1),
                    paid_through=add_months(now, 3), charged_total=Decimal("16.00"), bundle_paid=Decimal("16.00"),
                    purchase_key=f"test:{uuid.uuid4().hex}",
                ))


def _statements(app, call) -> int:
    engine = app.extensions["database"].engine
    call()  # once first: the catalog and the token are loaded and cached the first time
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(seen)


@pytest.mark.parametrize("path", ["/api/v1/numbers", "/numbers"])
def test_the_number_list_runs_as_many_statements_for_50_numbers_as_for_10(stocked_app, customers, path):
    few, many = api_for(stocked_app, "few@example.com"), api_for(stocked_app, "many@example.com")
    _rentals_for(stocked_app, "few@example.com", 10)
    _rentals_for(stocked_app, "many@example.com", 50)
    if path.startswith("/api"):
        counts = [_statements(stocked_app, lambda api=api: api.get("/numbers")) for api in (few, many)]
        assert len(many.get("/numbers").get_json()["numbers"]) == 50
    else:
        counts = []
        for email in ("few@example.com", "many@example.com"):
            client = stocked_app.test_client()
            client.post("/login", data={"email": email, "password": "correct horse battery"})
            counts.append(_statements(stocked_app, lambda client=client: client.get("/numbers")))
    assert counts[1] == counts[0]
