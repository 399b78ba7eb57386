"""GET /api/v1/quote and /api/v1/catalog: the public price API (SPEC §8, issue 2)."""
import pytest


def problem_of(response):
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def test_long_term_quote_for_germany_is_the_demo_bundle_price(client):
    response = client.get("/api/v1/quote?country=DE&kind=long&tier_months=3")
    assert response.status_code == 200
    body = response.get_json()
    assert body["currency"] == "EUR"
    assert body["country"] == "DE"
    assert body["kind"] == "long"
    assert body["tier_months"] == 3
    assert body["total"] == "16.00"
    assert body["effective_monthly"] == "5.33"
    assert [line["code"] for line in body["lines"]] == ["bundle"]
    assert body["lines"][0]["amount"] == "16.00"


def test_long_term_quote_adds_the_setup_fee_as_a_line(client):
    body = client.get("/api/v1/quote?country=FR&kind=long&tier_months=6").get_json()
    amounts = {line["code"]: line["amount"] for line in body["lines"]}
    # France: €15 unit × 1.9167 = 28.75 → €29 bundle, plus the €2.50 setup fee.
    assert amounts == {"bundle": "29.00", "setup_fee": "2.50"}
    assert body["total"] == "31.50"
    assert body["effective_monthly"] == "4.83"


def test_short_term_prepaid_quote_shows_the_volume_discount(client):
    body = client.get("/api/v1/quote?country=DE&kind=short&months=4").get_json()
    amounts = {line["code"]: line["amount"] for line in body["lines"]}
    assert amounts["months"] == "12.00"
    assert amounts["volume_discount"] == "-0.60"
    assert body["total"] == "11.40"
    assert body["months"] == 4 and body["billing"] == "prepaid"
    assert "effective_monthly" not in body


def test_subscription_quote_prorates_the_first_month_from_the_start_day(client):
    # United States: €1.00 a month and a €1.50 setup fee; 10 days left on 21 November.
    body = client.get(
        "/api/v1/quote?country=US&kind=short&billing=subscription&start=2026-11-21"
    ).get_json()
    amounts = {line["code"]: line["amount"] for line in body["lines"]}
    assert amounts == {"setup_fee": "1.50", "proration": "0.33"}
    assert body["total"] == "1.83"


def test_subscription_bought_on_the_first_costs_the_full_month(client):
    body = client.get(
        "/api/v1/quote?country=US&kind=short&billing=subscription&start=2026-12-01"
    ).get_json()
    amounts = {line["code"]: line["amount"] for line in body["lines"]}
    assert amounts["proration"] == "1.00"


@pytest.mark.parametrize("tier", ["5", "16", "1", "0"])
def test_a_tier_other_than_3_6_9_12_is_refused_naming_the_allowed_tiers(client, tier):
    response = client.get(f"/api/v1/quote?country=DE&kind=long&tier_months={tier}")
    assert response.status_code == 422
    body = problem_of(response)
    assert body["status"] == 422
    [error] = body["errors"]
    assert error["field"] == "tier_months"
    for allowed in ("3", "6", "9", "12"):
        assert allowed in error["message"]


@pytest.mark.parametrize("months", ["0", "13"])
def test_short_term_months_outside_1_to_12_are_refused(client, months):
    response = client.get(f"/api/v1/quote?country=DE&kind=short&months={months}")
    assert response.status_code == 422
    [error] = problem_of(response)["errors"]
    assert error["field"] == "months"
    assert "1" in error["message"] and "12" in error["message"]


def test_every_bad_field_is_named_at_once(client):
    response = client.get("/api/v1/quote?kind=weekly&months=many&start=tomorrow")
    assert response.status_code == 422
    fields = {error["field"] for error in problem_of(response)["errors"]}
    assert fields == {"country", "kind", "months", "start"}


def test_long_term_refuses_a_subscription(client):
    response = client.get("/api/v1/quote?country=DE&kind=long&tier_months=6&billing=subscription")
    [error] = problem_of(response)["errors"]
    assert error["field"] == "billing"
    assert "short-term only" in error["message"]


def test_long_term_without_a_tier_quotes_the_default_3_month_bundle(client):
    body = client.get("/api/v1/quote?country=DE&kind=long").get_json()
    assert body["tier_months"] == 3 and body["total"] == "16.00"


def test_unknown_country_is_a_404_problem(client):
    response = client.get("/api/v1/quote?country=ZZ&kind=long&tier_months=3")
    assert response.status_code == 404
    assert "ZZ" in problem_of(response)["detail"]


def test_unknown_api_path_answers_problem_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert problem_of(response)["status"] == 404


def test_catalog_endpoint_returns_the_catalog_in_its_file_format(client, demo_catalog_path):
    import json

    body = client.get("/api/v1/catalog").get_json()
    demo = json.loads(demo_catalog_path.read_text())
    assert body["bundle_factors"] == demo["bundle_factors"]
    assert {c["code"] for c in body["countries"]} == {c["code"] for c in demo["countries"]}


def test_quote_without_a_catalog_is_a_503_problem(empty_app):
    response = empty_app.test_client().get("/api/v1/quote?country=DE&kind=long&tier_months=3")
    assert response.status_code == 503
    assert "catalog import" in problem_of(response)["detail"]
