"""Configuration: development defaults, and no production start with unsafe ones."""
import pytest

from storefront import create_app
from storefront.config import ConfigurationError


def test_defaults_use_sqlite_under_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["DATABASE_URL"].startswith("sqlite:///")
    assert app.config["DATABASE_URL"].endswith("instance/storefront.sqlite3")
    app.extensions["database"].engine.dispose()


def test_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    app = create_app()
    assert app.config["DATABASE_URL"] == url
    app.extensions["database"].engine.dispose()


def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.setenv("STOREFRONT_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError):
        create_app()


def test_session_cookie_is_httponly_and_lax():
    app = create_app({"TESTING": True})
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    app.extensions["database"].engine.dispose()


def test_benchmark_endpoint_exists_only_when_asked(monkeypatch):
    monkeypatch.delenv("STOREFRONT_BENCHMARK", raising=False)
    normal = create_app({"TESTING": True})
    assert normal.config["BENCHMARK_ENDPOINT"] is False
    assert normal.test_client().get("/_bench/bare").status_code == 404
    normal.extensions["database"].engine.dispose()

    monkeypatch.setenv("STOREFRONT_BENCHMARK", "1")
    bench = create_app({"TESTING": True})
    assert bench.test_client().get("/_bench/bare").status_code == 204
    bench.extensions["database"].engine.dispose()
