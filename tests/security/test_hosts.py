"""Finding 1: links that leave the site (e-mails, sitemap.xml, robots.txt, the OpenAPI
`servers`) come from PUBLIC_BASE_URL, never from the Host header; unknown hosts get a 400."""
import re

import pytest

from storefront import db
from storefront.mail import sent_messages
from storefront.services.accounts import create_user


@pytest.fixture
def public_app(app):
    app.config["PUBLIC_BASE_URL"] = "https://shop.example"
    app.config["TRUSTED_HOSTS"] = ["shop.example", "localhost"]
    return app


def test_a_request_for_an_unknown_host_is_refused(app):
    answer = app.test_client().get("/", headers={"Host": "evil.example"})
    assert answer.status_code == 400
    assert app.test_client().get("/", headers={"Host": "localhost:5000"}).status_code == 200


def test_the_reset_link_goes_to_the_public_address_whatever_the_host_header(public_app):
    with public_app.app_context():
        create_user(db.session(), "ada@example.com", "correct horse battery")
    client = public_app.test_client()
    client.post("/password/forgot", data={"email": "ada@example.com"}, headers={"Host": "evil.example"}).close()
    assert sent_messages(public_app.config["MAIL_DIR"]) == []  # refused: nothing sent
    client.post("/password/forgot", data={"email": "ada@example.com"}, headers={"Host": "localhost"}).close()
    (message,) = sent_messages(public_app.config["MAIL_DIR"])
    assert re.search(r"https://shop\.example/password/reset/\S+", message.get_content())


@pytest.mark.parametrize("path", ["/sitemap.xml", "/robots.txt", "/api/v1/openapi.json"])
def test_cached_public_documents_name_the_public_address(public_app, path):
    body = public_app.test_client().get(path, headers={"Host": "localhost"}).get_data(as_text=True)
    assert "https://shop.example/" in body and "http://localhost" not in body


def test_production_refuses_to_start_without_a_public_address():
    from storefront.config import unsafe_in_production

    settings = {"SECRET_KEY": "x" * 40, "STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_PUBLISHABLE_KEY": "pk_live_x",
                "STRIPE_WEBHOOK_SECRET": "whsec_x", "SESSION_COOKIE_SECURE": True, "ALLOW_INSECURE_COOKIES": False,
                "PUBLIC_BASE_URL": None}
    assert any("PUBLIC_BASE_URL" in problem for problem in unsafe_in_production(settings))
    settings["PUBLIC_BASE_URL"] = "https://shop.example"
    assert unsafe_in_production(settings) == []


def test_trusted_hosts_default_to_the_public_address():
    from storefront.config import trusted_hosts

    assert trusted_hosts(None, "https://shop.example", "production") == ["shop.example"]
    assert "localhost" in trusted_hosts(None, None, "development")
    assert trusted_hosts("a.example, .b.example", None, "production") == ["a.example", ".b.example"]
