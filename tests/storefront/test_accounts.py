"""Signing up, resetting a forgotten password by e-mail, and log-in rate limits."""
import re
from pathlib import Path
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from storefront import db
from storefront.mail import sent_messages
from storefront.services.accounts import create_user

PASSWORD = "correct horse battery"


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def ada(app):
    with app.app_context():
        create_user(db.session(), "ada@example.com", PASSWORD)
    return "ada@example.com"


def sign_up(client, email: str, password: str = PASSWORD, next_path: str = "/buy"):
    """Sign up; the e-mail goes out once the answer is closed (as a server does)."""
    answer = client.post(f"/signup?next={next_path}", data={"email": email, "password": password,
                                                            "confirm": password})
    answer.close()
    return answer


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_signing_up_e_mails_a_link_that_confirms_signs_in_and_goes_on(client, app):
    answer = sign_up(client, "New@Example.com")
    assert answer.status_code == 200 and "Check your e-mail" in text(answer)
    assert "We've sent a message to new@example.com" in text(answer)
    assert "Sign out" not in text(client.get("/"))  # not yet: the link in the e-mail signs in
    (mail,) = sent_messages(app.config["MAIL_DIR"])
    assert mail["To"] == "new@example.com" and mail["Subject"] == "Please confirm your e-mail address"
    link = re.search(r"http://\S+(/verify-email/\S+)", plain(mail)).group(1)
    arrived = client.get(link)
    assert arrived.status_code == 302 and arrived.headers["Location"] == "/buy"
    assert "Sign out" in text(client.get("/"))
    client.post("/logout")
    # A second use of the link (the mail archive, someone else's screen) only asks to sign in.
    again = client.get(link)
    assert again.status_code == 302 and again.headers["Location"].startswith("/login")
    assert "Sign out" not in text(client.get("/"))
    assert client.post("/login", data={"email": "new@example.com", "password": PASSWORD}).status_code == 302


def test_signing_up_with_a_taken_address_answers_the_same_and_tells_the_owner(client, app, ada):
    new = sign_up(app.test_client(), "bob@example.com")
    taken = sign_up(client, "ADA@example.com", password="another long password")
    assert taken.status_code == new.status_code == 200
    assert text(taken).replace("ada@example.com", "bob@example.com") == text(new)
    owner_mail = [m for m in sent_messages(app.config["MAIL_DIR"]) if m["To"] == "ada@example.com"]
    assert [m["Subject"] for m in owner_mail] == ["Someone tried to sign up with your address"]
    body = plain(owner_mail[0])
    assert "we left it exactly as it was" in body and "/password/forgot" in body
    # Ada's account is untouched: her password still works, the one typed at sign-up does not.
    assert client.post("/login", data={"email": "ada@example.com", "password": "another long password"}).status_code == 422
    assert client.post("/login", data={"email": "ada@example.com", "password": PASSWORD}).status_code == 302
    # Signing up again within the hour sends no second e-mail (nobody floods an owner's inbox).
    sign_up(app.test_client(), "ada@example.com")
    assert len([m for m in sent_messages(app.config["MAIL_DIR"]) if m["To"] == "ada@example.com"]) == 1


def test_signing_up_again_before_confirming_sends_the_link_again(client, app):
    sign_up(client, "new@example.com")
    sign_up(app.test_client(), "new@example.com", next_path="/reserve")
    links = [re.search(r"/verify-email/\S+", plain(m)).group(0) for m in sent_messages(app.config["MAIL_DIR"])]
    assert len(links) == 2 and parse_qs(urlsplit(links[1]).query) == {"next": ["/reserve"]}
    assert client.get(links[1]).headers["Location"] == "/reserve"


@pytest.mark.parametrize("form, message", [
    ({"email": "bob@example.com", "password": "short", "confirm": "short"}, "at least 10 characters"),
    ({"email": "ada@example.com", "password": "short", "confirm": "short"}, "at least 10 characters"),
    ({"email": "bob@example.com", "password": PASSWORD, "confirm": PASSWORD + "!"}, "not the same"),
    ({"email": "not-an-address", "password": PASSWORD, "confirm": PASSWORD}, "valid e-mail"),
])
def test_signup_mistakes_are_shown_next_to_the_field(client, ada, form, message):
    response = client.post("/signup", data=form)
    assert response.status_code == 422 and message in text(response)
    assert "Sign out" not in text(response)


def forgot(client, email: str):
    """Ask for a reset link; the e-mail goes out once the answer is closed (as a server does)."""
    answer = client.post("/password/forgot", data={"email": email})
    answer.close()
    return answer


def reset_link(app) -> str:
    body = sent_messages(app.config["MAIL_DIR"])[-1].get_content()
    return re.search(r"http://localhost(/password/reset/\S+)", body).group(1)


def test_a_forgotten_password_is_reset_through_the_e_mailed_link_once(client, app, ada):
    answer = forgot(client, "ADA@example.com")
    assert "If ADA@example.com has an account" in text(answer)
    (message,) = sent_messages(app.config["MAIL_DIR"])
    assert message["To"] == "ada@example.com" and message["Subject"] == "Choose a new password"

    link = reset_link(app)
    mismatch = client.post(link, data={"password": "a new password 1", "confirm": "another one 22"})
    assert mismatch.status_code == 422 and "not the same" in text(mismatch)
    changed = client.post(link, data={"password": "a new password 1", "confirm": "a new password 1"})
    assert changed.status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"email": "ada@example.com", "password": PASSWORD}).status_code == 422
    assert client.post("/login", data={"email": "ada@example.com", "password": "a new password 1"}).status_code == 302

    used_again = client.get(link)
    assert used_again.status_code == 400 and "already been used" in text(used_again)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, app, ada):
    known = text(forgot(client, "ada@example.com"))
    unknown = text(forgot(client, "eve@example.com"))
    assert known.replace("ada@example.com", "X") == unknown.replace("eve@example.com", "X")
    assert len(sent_messages(app.config["MAIL_DIR"])) == 1


def test_an_expired_or_forged_reset_link_is_refused(client, app, ada):
    forgot(client, "ada@example.com")
    link = reset_link(app)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    assert "expired" in text(client.get(link))
    assert "not valid" in text(client.get("/password/reset/forged-token"))


def test_log_in_is_limited_per_account_whatever_the_password(client, ada):
    for _ in range(5):
        assert client.post("/login", data={"email": "ada@example.com", "password": "guess"}).status_code == 422
    refused = client.post("/login", data={"email": "ada@example.com", "password": PASSWORD})
    assert refused.status_code == 429 and "Please wait a minute" in text(refused)
    # An address with no account is limited the same way: the limit says nothing about who exists.
    for _ in range(5):
        client.post("/login", data={"email": "nobody@example.com", "password": "guess"})
    assert client.post("/login", data={"email": "nobody@example.com", "password": "guess"}).status_code == 429


def test_log_in_is_limited_per_address(client, ada):
    for attempt in range(20):
        client.post("/login", data={"email": f"guess{attempt}@example.com", "password": "guess"})
    assert client.post("/login", data={"email": "ada@example.com", "password": PASSWORD}).status_code == 429
    other_machine = client.post("/login", data={"email": "ada@example.com", "password": PASSWORD},
                                environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other_machine.status_code == 302


def test_the_reset_link_reads_as_written_in_the_e_mail_file_and_on_the_console(client, app, ada, caplog):
    caplog.set_level("INFO", logger="storefront.mail")
    forgot(client, "ada@example.com")
    (eml,) = list(Path(app.config["MAIL_DIR"]).glob("*.eml"))
    link = "http://localhost" + reset_link(app)
    assert len(link) > 78  # longer than a line may be before quoted-printable folds it
    assert link in eml.read_text(encoding="ascii")  # verbatim: no "=" soft breaks, no "=3D"
    assert str(eml) in caplog.text and "Choose a new password" in caplog.text
    assert f"link: {link}" in caplog.text
