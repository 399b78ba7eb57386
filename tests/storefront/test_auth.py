"""Signing in, and the role gate staff pages stand behind."""
from html import unescape

import pytest

from storefront import db
from storefront.models import STAFF_ROLES
from tests.storefront import helpers
from tests.storefront.helpers import enrol_two_factor
from storefront.roles import role_required
from storefront.services.accounts import AccountError, create_user


@pytest.fixture
def app_with_staff_page(app):
    app.add_url_rule("/staff/probe", "probe", role_required("admin")(lambda: "staff only"))
    return app


def make_user(app, email, roles=("customer",), password="correct horse battery"):
    with app.app_context():
        user_id = create_user(db.session(), email, password, roles).id
    if set(roles) & set(STAFF_ROLES):
        enrol_two_factor(app, email)  # staff must have two-factor sign-in
    return user_id


def sign_in(client, email, password="correct horse battery"):
    return helpers.sign_in(client, email, password)


def test_a_user_signs_in_and_out(app, client):
    make_user(app, "ada@example.com")
    response = sign_in(client, "Ada@Example.com ")
    assert response.status_code == 302
    assert "Sign out" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_answer(app, client):
    make_user(app, "ada@example.com")
    wrong_password = sign_in(client, "ada@example.com", "not the password")
    unknown_email = sign_in(client, "nobody@example.com", "not the password")
    assert wrong_password.status_code == unknown_email.status_code == 422
    message = "That e-mail and password don't match an account."
    assert message in unescape(wrong_password.get_data(as_text=True))
    assert message in unescape(unknown_email.get_data(as_text=True))


def test_sign_in_never_redirects_to_another_site(app, client):
    make_user(app, "ada@example.com")
    response = client.post(
        "/login?next=//evil.example/steal",
        data={"email": "ada@example.com", "password": "correct horse battery"},
    )
    assert response.headers["Location"] == "/"


def test_anonymous_visitor_is_sent_to_sign_in(app_with_staff_page):
    response = app_with_staff_page.test_client().get("/staff/probe")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_customer_is_refused_a_staff_page(app_with_staff_page):
    make_user(app_with_staff_page, "cust@example.com")
    client = app_with_staff_page.test_client()
    sign_in(client, "cust@example.com")
    response = client.get("/staff/probe")
    assert response.status_code == 403
    assert "not open to your account" in response.get_data(as_text=True)


def test_staff_with_the_role_gets_in(app_with_staff_page):
    make_user(app_with_staff_page, "boss@example.com", roles=("admin", "support"))
    client = app_with_staff_page.test_client()
    sign_in(client, "boss@example.com")
    assert client.get("/staff/probe").get_data(as_text=True) == "staff only"


def test_users_create_command_makes_staff(runner, app):
    result = runner.invoke(
        args=["users", "create", "--email", "ops@example.com", "--password", "long enough pw",
              "--role", "operations", "--role", "support"]
    )
    assert result.exit_code == 0, result.output
    assert "operations, support" in result.output


def test_an_email_can_hold_one_account_only(app):
    make_user(app, "ada@example.com")
    with pytest.raises(AccountError, match="already exists"):
        make_user(app, "ADA@example.com")


def test_short_passwords_are_refused(app):
    with pytest.raises(AccountError, match="at least 10"):
        make_user(app, "ada@example.com", password="short")
