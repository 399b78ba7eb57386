"""Finding 7: behind a reverse proxy (PROXY_COUNT) sign-in limits count per real client, and
a stranger's guesses never lock the account's owner out."""
import pytest

from storefront import create_app, db
from storefront.services.accounts import create_user

PASSWORD = "correct horse battery"
COPIED = ("TESTING", "DATABASE_URL", "SECRET_KEY", "WTF_CSRF_ENABLED", "STRIPE_API_BASE", "STRIPE_JS_URL",
          "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET", "MAIL_DIR")


@pytest.fixture
def behind_proxy(app):
    """The app as production runs it behind one reverse proxy at 10.0.0.1."""
    proxied = create_app({**{name: app.config[name] for name in COPIED}, "PROXY_COUNT": 1})
    with proxied.app_context():
        create_user(db.session(), "ada@example.com", PASSWORD)
    yield proxied
    proxied.extensions["database"].engine.dispose()


def sign_in(app, client_address, email="ada@example.com", password=PASSWORD):
    return app.test_client().post("/login", data={"email": email, "password": password},
                                  environ_base={"REMOTE_ADDR": "10.0.0.1"},
                                  headers={"X-Forwarded-For": client_address})


def test_guesses_from_one_client_behind_the_proxy_do_not_lock_out_the_others(behind_proxy):
    for attempt in range(25):
        sign_in(behind_proxy, "198.51.100.9", email=f"guess{attempt}@example.com", password="guess")
    assert sign_in(behind_proxy, "198.51.100.9").status_code == 429  # the guesser is slowed down
    assert sign_in(behind_proxy, "203.0.113.5").status_code == 302  # everyone else signs in


def test_a_strangers_wrong_passwords_do_not_lock_out_the_owner(behind_proxy):
    for _ in range(6):
        sign_in(behind_proxy, "198.51.100.9", password="guess")
    assert sign_in(behind_proxy, "198.51.100.9").status_code == 429
    assert sign_in(behind_proxy, "203.0.113.5").status_code == 302


def test_without_proxy_count_a_forged_forwarded_header_changes_nothing(app):
    with app.app_context():
        create_user(db.session(), "ada@example.com", PASSWORD)
    client = app.test_client()
    for attempt in range(21):
        client.post("/login", data={"email": f"guess{attempt}@example.com", "password": "guess"},
                    headers={"X-Forwarded-For": f"192.0.2.{attempt}"})
    assert client.post("/login", data={"email": "ada@example.com", "password": PASSWORD}).status_code == 429
