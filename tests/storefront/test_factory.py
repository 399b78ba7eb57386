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


SAFE_PRODUCTION = {
    "STOREFRONT_ENV": "production",
    "SECRET_KEY": "a long random value nobody else knows",
    "STRIPE_SECRET_KEY": "sk_live_example",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_example",
    "STRIPE_WEBHOOK_SECRET": "whsec_example",
    "SESSION_COOKIE_SECURE": "1",
    "PUBLIC_BASE_URL": "https://shop.example",
}


@pytest.fixture
def production(monkeypatch, tmp_path):
    """Production with every setting safe; a test then spoils one."""
    for variable, value in SAFE_PRODUCTION.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite3'}")
    monkeypatch.delenv("ALLOW_INSECURE_COOKIES", raising=False)
    return monkeypatch


def test_production_starts_with_safe_settings(production):
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    app.extensions["database"].engine.dispose()


@pytest.mark.parametrize("variable, value, told", [
    ("SECRET_KEY", None, "SECRET_KEY is the default development key: set it to a long random value"),
    ("STRIPE_SECRET_KEY", "sk_test_local", "STRIPE_SECRET_KEY is 'sk_test_local', development's value"),
    ("STRIPE_SECRET_KEY", None, "STRIPE_SECRET_KEY is unset, which means development's 'sk_test_local'"),
    ("STRIPE_PUBLISHABLE_KEY", "pk_test_local", "STRIPE_PUBLISHABLE_KEY is 'pk_test_local'"),
    ("STRIPE_PUBLISHABLE_KEY", None, "STRIPE_PUBLISHABLE_KEY is unset"),
    ("STRIPE_WEBHOOK_SECRET", "whsec_local", "STRIPE_WEBHOOK_SECRET is 'whsec_local'"),
    ("STRIPE_WEBHOOK_SECRET", None, "STRIPE_WEBHOOK_SECRET is unset, which means development's 'whsec_local'"),
    ("STRIPE_WEBHOOK_SECRET", "", "STRIPE_WEBHOOK_SECRET is unset"),
    ("SESSION_COOKIE_SECURE", "0", "set SESSION_COOKIE_SECURE=1"),
    ("SESSION_COOKIE_SECURE", None, "set SESSION_COOKIE_SECURE=1"),
])
def test_production_refuses_each_development_setting_and_says_what_to_do(production, variable, value, told):
    if value is None:
        production.delenv(variable)
    else:
        production.setenv(variable, value)
    with pytest.raises(ConfigurationError) as refused:
        create_app()
    message = str(refused.value)
    assert told in message
    # Only the spoilt setting is named: the others were safe.
    others = [name for name in SAFE_PRODUCTION if name not in (variable, "STOREFRONT_ENV")]
    assert not [name for name in others if f"- {name} " in message]


def test_production_names_every_unsafe_setting_at_once(production):
    for variable in ("SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET",
                     "SESSION_COOKIE_SECURE"):
        production.delenv(variable)
    with pytest.raises(ConfigurationError) as refused:
        create_app()
    assert str(refused.value).count("\n- ") == 5


def test_production_allows_insecure_cookies_only_when_told_so(production):
    production.setenv("SESSION_COOKIE_SECURE", "0")
    production.setenv("ALLOW_INSECURE_COOKIES", "1")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is False
    app.extensions["database"].engine.dispose()


def test_development_keeps_its_local_stripe_settings(monkeypatch):
    for variable in ("STOREFRONT_ENV", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "SESSION_COOKIE_SECURE"):
        monkeypatch.delenv(variable, raising=False)
    app = create_app({"TESTING": True})
    assert app.config["STRIPE_SECRET_KEY"] == "sk_test_local"
    assert app.config["STRIPE_WEBHOOK_SECRET"] == "whsec_local"
    app.extensions["database"].engine.dispose()


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
