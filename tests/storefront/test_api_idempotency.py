"""Idempotency-Key: a retried POST answers the first answer and does the work once."""
import pytest
from flask import jsonify, request

from storefront import db
from storefront.api.auth import token_required
from storefront.api.idempotency import idempotent
from storefront.services.accounts import create_user
from storefront.services.api_tokens import create_token


@pytest.fixture
def calls():
    return []


@pytest.fixture
def api(app, calls):
    @token_required
    @idempotent
    def charge():
        calls.append(request.get_json())
        if request.get_json().get("fail"):
            return jsonify(error="boom"), 500
        return jsonify(charge=len(calls), amount=request.get_json()["amount"]), 201

    app.add_url_rule("/api/v1/test-charge", "test_charge", charge, methods=["POST"])
    with app.app_context():
        user = create_user(db.session(), "dev@example.com", "correct horse battery")
        _, token = create_token(db.session(), user, "test")
    client = app.test_client()

    def post(body, key=None):
        headers = {"Authorization": f"Bearer {token}"}
        if key:
            headers["Idempotency-Key"] = key
        return client.post("/api/v1/test-charge", json=body, headers=headers)

    return post


def test_same_key_same_body_replays_the_first_answer(api, calls):
    first = api({"amount": "16.00"}, key="k-1")
    again = api({"amount": "16.00"}, key="k-1")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() == {"charge": 1, "amount": "16.00"}
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(calls) == 1


def test_same_key_other_body_is_a_409(api, calls):
    api({"amount": "16.00"}, key="k-1")
    response = api({"amount": "23.00"}, key="k-1")
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert len(calls) == 1


def test_without_a_key_every_post_does_the_work(api, calls):
    api({"amount": "16.00"})
    api({"amount": "16.00"})
    assert len(calls) == 2


def test_a_server_error_is_not_kept_so_a_retry_runs_again(api, calls):
    assert api({"amount": "16.00", "fail": True}, key="k-2").status_code == 500
    assert api({"amount": "16.00", "fail": True}, key="k-2").status_code == 500
    assert len(calls) == 2
