"""API tokens: created on the account page, shown once, stored as a hash, revoked at once."""
import re

import pytest
from flask import g, jsonify
from sqlalchemy import select

from storefront import db
from storefront.api.auth import token_required
from storefront.models import ApiToken
from storefront.services.accounts import create_user


@pytest.fixture
def app_with_protected_endpoint(app):
    @token_required
    def whoami():
        return jsonify(email=g.api_user.email)

    app.add_url_rule("/api/v1/test-whoami", "test_whoami", whoami)
    return app


@pytest.fixture
def signed_in(app_with_protected_endpoint):
    app = app_with_protected_endpoint
    with app.app_context():
        create_user(db.session(), "dev@example.com", "correct horse battery")
    client = app.test_client()
    client.post("/login", data={"email": "dev@example.com", "password": "correct horse battery"})
    return client


def create(client, name="billing script") -> str:
    html = client.post("/account/tokens", data={"name": name}).get_data(as_text=True)
    return re.search(r'data-testid="new-token">([^<]+)<', html).group(1)


def test_a_token_is_shown_once_and_only_its_hash_is_stored(signed_in, app):
    token = create(signed_in)
    assert token.startswith("nst_")
    assert token not in signed_in.get("/account/tokens").get_data(as_text=True)
    with app.app_context():
        stored = db.session().scalars(select(ApiToken)).one()
        assert stored.name == "billing script"
        assert token not in (stored.token_hash, stored.hint)


def test_the_token_authenticates_api_calls(signed_in):
    token = create(signed_in)
    response = signed_in.get("/api/v1/test-whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.get_json() == {"email": "dev@example.com"}


@pytest.mark.parametrize("header", [None, "Bearer nst_not-a-token", "Basic abc", "Bearer "])
def test_calls_without_a_valid_token_get_401_problem(signed_in, header):
    headers = {"Authorization": header} if header else {}
    response = signed_in.get("/api/v1/test-whoami", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_fails_at_once(signed_in, app):
    token = create(signed_in)
    with app.app_context():
        token_id = db.session().scalars(select(ApiToken.id)).one()
    signed_in.post(f"/account/tokens/{token_id}/revoke")
    response = signed_in.get("/api/v1/test-whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "revoked" in signed_in.get("/account/tokens").get_data(as_text=True)


def test_a_token_needs_a_name(signed_in):
    response = signed_in.post("/account/tokens", data={"name": "  "})
    assert response.status_code == 422
    assert "Please give the token a name." in response.get_data(as_text=True)


def test_token_page_needs_sign_in(client):
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_one_cannot_revoke_someone_elses_token(signed_in, app):
    create(signed_in)
    with app.app_context():
        token_id = db.session().scalars(select(ApiToken.id)).one()
        create_user(db.session(), "other@example.com", "correct horse battery")
    other = app.test_client()
    other.post("/login", data={"email": "other@example.com", "password": "correct horse battery"})
    other.post(f"/account/tokens/{token_id}/revoke")
    with app.app_context():
        assert db.session().get(ApiToken, token_id).revoked_at is None
