"""A database that drops the connection: a 503 to retry, not a 500, and the next request works."""
from sqlalchemy.exc import OperationalError

from storefront.public import routes


def lost_connection(*_args, **_kwargs):
    raise OperationalError("SELECT 1", {}, Exception("terminating connection due to administrator command"))


def test_a_lost_database_connection_answers_503_with_retry_after(client, monkeypatch):
    monkeypatch.setattr(routes, "faq_entries", lost_connection)
    response = client.get("/faq")
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert "We lost touch with our database for a moment" in response.get_data(as_text=True)
    monkeypatch.undo()
    assert client.get("/faq").status_code == 200
