"""Finding 10 (and 9's `next`): a `next` link never leaves the site, never carries CR/LF
and never crashes a top-up by its length."""
import pytest

from storefront.redirects import local_path

from tests.storefront.helpers import page


@pytest.mark.parametrize("target", ["/\\evil.example/x", "\\\\evil.example", "//evil.example", "https://evil.example",
                                    "/x\r\nSet-Cookie: a=b", "/x\nLocation: //evil", "/\tevil", "/" + "a" * 600,
                                    "javascript:alert(1)", "/x\x00"])
def test_only_plain_local_paths_survive(target):
    assert local_path(target) is None


def test_local_paths_survive():
    assert local_path("/buy/review?country=DE") == "/buy/review?country=DE"


@pytest.mark.parametrize("target", ["/\\evil.example/x", "/" + "a" * 2000, "/x\r\nX: y"])
def test_sign_in_and_top_up_stay_on_the_site(app, customer, target):
    client = app.test_client()
    signed_in = client.post("/login", query_string={"next": target},
                            data={"email": "ada@example.com", "password": "correct horse battery"})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"
    started = client.post("/payments/top-up", data={"amount": "25", "next": target})
    assert started.status_code in (302, 303)
    assert "evil" not in page(client.get(started.headers["Location"]))
