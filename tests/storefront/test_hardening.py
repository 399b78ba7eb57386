"""Security headers, request ids and friendly error pages."""
import json
import logging
import sys


def test_every_page_carries_the_security_headers(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_sent_over_https(client):
    response = client.get("/", base_url="https://shop.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_script(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "onclick=" not in html


def test_each_answer_names_its_request_id(client):
    first = client.get("/").headers["X-Request-ID"]
    second = client.get("/").headers["X-Request-ID"]
    assert first and second and first != second


def test_a_proxy_request_id_is_kept_but_a_forged_one_is_not(client):
    assert client.get("/", headers={"X-Request-ID": "abc123def456"}).headers["X-Request-ID"] == "abc123def456"
    assert client.get("/", headers={"X-Request-ID": "{evil}/../x"}).headers["X-Request-ID"] != "{evil}/../x"


def test_log_lines_are_json_with_the_request_id(app, capsys):
    app.testing = False
    app.logger.handlers[0].stream = sys.stderr
    response = app.test_client().get("/")
    app.testing = True
    line = [row for row in capsys.readouterr().err.splitlines() if row.startswith("{")][-1]
    entry = json.loads(line)
    assert entry["request_id"] == response.headers["X-Request-ID"]
    assert entry["path"] == "/" and entry["status"] == 200


def test_a_too_large_request_gets_a_friendly_answer(client):
    response = client.post("/login", data={"email": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too much" in response.get_data(as_text=True)


def test_a_crash_shows_a_friendly_page_that_says_nothing_was_charged(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaput")

    logging.disable(logging.CRITICAL)
    try:
        response = app.test_client().get("/boom")
    finally:
        logging.disable(logging.NOTSET)
    assert response.status_code == 500
    assert "Nothing was charged" in response.get_data(as_text=True)
