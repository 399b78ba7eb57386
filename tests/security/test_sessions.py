"""Finding 3: signing out, "sign out everywhere" and a password change end the session
server-side: a copied session cookie stops working."""
import re

from flask.sessions import SecureCookieSessionInterface

from storefront import db
from storefront.mail import sent_messages
from storefront.services.accounts import create_user

PASSWORD = "correct horse battery"


def signed_in(app, email="ada@example.com"):
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    return client


def stolen_copy(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in_page(client) -> bool:
    return client.get("/billing").status_code == 200


def test_sign_out_everywhere_ends_a_copied_cookie(app):
    with app.app_context():
        create_user(db.session(), "ada@example.com", PASSWORD)
    laptop = signed_in(app)
    thief = stolen_copy(app, laptop)
    assert signed_in_page(thief)
    assert "Sign out everywhere" in laptop.get("/account/security").get_data(as_text=True)
    assert laptop.post("/account/security/sign-out-everywhere").status_code == 302
    assert not signed_in_page(thief)
    assert signed_in_page(laptop)  # the browser that asked stays signed in


def test_signing_out_ends_a_copied_cookie(app):
    with app.app_context():
        create_user(db.session(), "ada@example.com", PASSWORD)
    client = signed_in(app)
    thief = stolen_copy(app, client)
    client.post("/logout")
    assert not signed_in_page(thief)


def test_a_password_reset_ends_every_other_session(app):
    with app.app_context():
        create_user(db.session(), "ada@example.com", PASSWORD)
    thief = stolen_copy(app, signed_in(app))
    owner = app.test_client()
    owner.post("/password/forgot", data={"email": "ada@example.com"}).close()
    body = sent_messages(app.config["MAIL_DIR"])[-1].get_content()
    link = re.search(r"http://localhost(/password/reset/\S+)", body).group(1)
    assert owner.post(link, data={"password": "a new password 1", "confirm": "a new password 1"}).status_code == 302
    assert not signed_in_page(thief)
    assert signed_in_page(owner)


def test_a_forged_session_id_is_refused(app):
    with app.app_context():
        create_user(db.session(), "ada@example.com", PASSWORD)
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    for forged in ("1:99", "abc", "1:x", "99999999999999999999:0"):
        client = app.test_client()
        client.set_cookie("session", serializer.dumps({"_user_id": forged, "_fresh": True}))
        assert not signed_in_page(client)
