"""Finding 18: two-factor sign-in (TOTP, recovery codes), required for staff and offered to
customers; staff actions in an audit log that staff can read."""
import re

import pyotp

from storefront import db
from storefront.services.accounts import create_user
from tests.storefront.helpers import (PASSWORD, TEST_TOTP_SECRET, enrol_two_factor, page, sign_in, staff_client,
                                      totp_code)


def make(app, email, roles=("customer",)):
    with app.app_context():
        create_user(db.session(), email, PASSWORD, roles)


def test_staff_without_two_factor_are_sent_to_set_it_up_and_then_need_a_code(stocked_app):
    make(stocked_app, "sam@example.com", ("support",))
    client = stocked_app.test_client()
    assert sign_in(client, "sam@example.com").status_code == 302
    refused = client.get("/staff/support")
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/account/security")
    html = page(client.get("/account/security"))
    secret = re.search(r'data-testid="totp-secret" class="token">([A-Z2-7]+)<', html).group(1)
    wrong = client.post("/account/security/two-factor", data={"code": "000000"})
    assert wrong.status_code == 422 and "doesn't match" in page(wrong)
    on = client.post("/account/security/two-factor", data={"code": totp_code(secret)})
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", page(on))
    assert len(codes) == 10
    assert client.get("/staff/support").status_code == 200

    # A new browser: the password alone does not sign in.
    other = stocked_app.test_client()
    step = other.post("/login", data={"email": "sam@example.com", "password": PASSWORD})
    assert step.headers["Location"].endswith("/login/code")
    assert other.get("/staff/support").status_code == 302
    assert other.post("/login/code", data={"code": "123456"}).status_code == 422
    assert other.post("/login/code", data={"code": codes[0]}).status_code == 302
    assert other.get("/staff/support").status_code == 200
    # A recovery code works once.
    third = stocked_app.test_client()
    third.post("/login", data={"email": "sam@example.com", "password": PASSWORD})
    assert third.post("/login/code", data={"code": codes[0]}).status_code == 422
    assert third.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302


def test_a_customer_may_turn_two_factor_on_and_off(app):
    make(app, "ada@example.com")
    client = app.test_client()
    sign_in(client, "ada@example.com")
    assert "Recommended" in page(client.get("/account/security"))
    enrol_two_factor(app, "ada@example.com")
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": "ada@example.com", "password": PASSWORD}).headers[
        "Location"].endswith("/login/code")
    assert sign_in(app.test_client(), "ada@example.com").status_code == 302
    assert client.post("/account/security/two-factor/off", data={"code": totp_code()}).status_code == 302
    assert app.test_client().post("/login", data={"email": "ada@example.com", "password": PASSWORD}).headers[
        "Location"] == "/"


def test_a_password_reset_link_does_not_skip_the_code(app):
    from storefront.mail import sent_messages

    make(app, "ada@example.com")
    enrol_two_factor(app, "ada@example.com")
    client = app.test_client()
    client.post("/password/forgot", data={"email": "ada@example.com"}).close()
    link = re.search(r"http://localhost(/password/reset/\S+)",
                     sent_messages(app.config["MAIL_DIR"])[-1].get_content()).group(1)
    answer = client.post(link, data={"password": "a new password 1", "confirm": "a new password 1"})
    assert answer.headers["Location"].endswith("/login/code")
    assert client.get("/billing").status_code == 302


def test_staff_actions_are_in_the_audit_log_staff_can_read(customers, stocked_app, runner):
    marketer = customers.signed_in("mia@example.com", roles=("marketing",))
    edit = page(marketer.get("/staff/copy"))
    slug = re.search(r'href="/staff/copy/([^"/]+)"', edit).group(1)
    assert marketer.post(f"/staff/copy/{slug}", data={"title": "Hello", "body": "Plain words.",
                                                      "action": "confirm_publish"}).status_code == 302
    customers.signed_in("ada@example.com")
    result = stocked_app.test_cli_runner().invoke(args=["credits", "adjust", "ada@example.com", "5.00",
                                                        "--reason", "Sorry"])
    assert result.exit_code == 0, result.output
    support = staff_client(stocked_app, "sam@example.com", ("support",))
    log = page(support.get("/staff/audit"))
    assert "copy published" in log and "mia@example.com" in log
    assert "credit adjustment" in log and "5.00 EUR: Sorry" in log
    assert customers.signed_in("bob@example.com").get("/staff/audit").status_code == 403
    assert TEST_TOTP_SECRET not in log
