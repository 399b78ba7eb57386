"""Findings 2 and 8, kept as probes here (the fixes came earlier): production refuses the
public development webhook secret and insecure cookies; web extend and reserve refuse a tier
of 0, empty or letters, naming the allowed tiers, and charge nothing."""
import pytest

from storefront import create_app
from storefront.config import ConfigurationError
from tests.storefront.helpers import credits_of, page
from tests.storefront.rental_factory import rent

SAFE = {"STOREFRONT_ENV": "production", "SECRET_KEY": "a long random value nobody else knows",
        "STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_PUBLISHABLE_KEY": "pk_live_x", "STRIPE_WEBHOOK_SECRET": "whsec_x",
        "SESSION_COOKIE_SECURE": "1", "PUBLIC_BASE_URL": "https://shop.example"}


@pytest.mark.parametrize("variable, value", [("STRIPE_WEBHOOK_SECRET", None), ("STRIPE_WEBHOOK_SECRET", "whsec_local"),
                                             ("SESSION_COOKIE_SECURE", "0")])
def test_production_refuses_the_public_webhook_secret_and_insecure_cookies(monkeypatch, tmp_path, variable, value):
    for name, safe in SAFE.items():
        monkeypatch.setenv(name, safe)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.delenv("ALLOW_INSECURE_COOKIES", raising=False)
    if value is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=variable):
        create_app()


@pytest.mark.parametrize("tier", ["0", "", "abc"])
def test_web_reserve_and_extend_refuse_a_garbled_tier(customers, stocked_app, tier):
    client = customers.signed_in(credits="100.00")
    reserved = client.post("/reserve", data={"country": "SE", "tier_months": tier, "seen_hold": "30.00", "key": "k"})
    assert reserved.status_code == 422 and "3, 6, 9 or 12 months" in page(reserved)
    mine = rent(stocked_app, "ada@example.com", "DE")
    extended = client.post(f"/numbers/{mine.id}/extend", data={"tier_months": tier, "seen_total": "16.00", "key": "k"})
    assert extended.status_code == 422 and "3, 6, 9 or 12 months" in page(extended)
    assert credits_of(stocked_app, "ada@example.com") == "100.00"
