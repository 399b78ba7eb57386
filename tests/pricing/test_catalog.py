"""parse_catalog: a catalog document is accepted whole, or refused with every bad field named."""
import subprocess
import sys

import pytest

from pricing import CatalogError, CountryRetired, UnknownCountry, catalog_to_dict, long_term_extend, parse_catalog


def refusal(document) -> dict[str, str]:
    with pytest.raises(CatalogError) as refused:
        parse_catalog(document)
    return {error.field: error.message for error in refused.value.errors}


def test_round_trip(document):
    assert catalog_to_dict(parse_catalog(document)) == document


def test_country_lookup_ignores_case_and_names_an_unknown_code(default_catalog):
    assert default_catalog.country("de").name == "Germany"
    with pytest.raises(UnknownCountry, match="ZZ"):
        default_catalog.country("ZZ")


def test_a_retired_country_sells_nothing_new_but_still_prices_its_rentals(document):
    document["countries"][0]["retired"] = True
    catalog = parse_catalog(document)
    code = document["countries"][0]["code"]
    assert code not in [country.code for country in catalog.countries_on_sale]
    with pytest.raises(CountryRetired, match="no longer sell new numbers"):
        catalog.country_on_sale(code)
    assert long_term_extend(catalog, code, 3, held_months=0).total.amount > 0
    assert catalog_to_dict(catalog) == document


def test_retired_must_be_true_or_false_and_one_country_stays_on_sale(document):
    document["countries"][0]["retired"] = "yes"
    assert "true or false" in refusal(document)["countries[0].retired"]
    for country in document["countries"]:
        country["retired"] = True
    assert "stay on sale" in refusal(document)["countries"]


@pytest.mark.parametrize(
    "field, value, expected_in_message",
    [
        ("setup_fee", "-1.00", "-1.00"),
        ("short_term_monthly", "cheap", "cheap"),
        ("long_term_unit", "1.001", "1.001"),
        ("setup_fee", 2.5, "2.5"),
        ("short_term_monthly", "NaN", "NaN"),
    ],
)
def test_bad_money_is_refused_naming_field_and_value(document, field, value, expected_in_message):
    document["countries"][1][field] = value
    errors = refusal(document)
    assert expected_in_message in errors[f"countries[1].{field}"]


def test_a_missing_tier_is_named(document):
    del document["bundle_factors"]["9"]
    assert "9-month tier is missing" in refusal(document)["bundle_factors.9"]


def test_a_16_month_tier_is_refused_naming_the_allowed_tiers(document):
    document["bundle_factors"]["16"] = "3.5"
    assert "3, 6, 9, 12" in refusal(document)["bundle_factors.16"]


def test_factors_that_make_a_longer_tier_cheaper_are_refused(document):
    document["bundle_factors"]["9"] = "1.5"
    assert "cheaper" in refusal(document)["bundle_factors.9"]


def test_a_unit_so_small_that_rounding_breaks_the_tiers_is_refused(document):
    document["countries"][0]["long_term_unit"] = "1.00"
    assert "more a month" in refusal(document)["countries[0].long_term_unit"]


@pytest.mark.parametrize("percent", ["150", "-5"])
def test_percents_outside_0_to_100_are_refused(document, percent):
    document["volume_discounts"][0]["percent"] = percent
    assert percent in refusal(document)["volume_discounts[0].percent"]


def test_several_problems_are_reported_at_once(document):
    document["countries"].append(dict(document["countries"][0]))
    document["loyalty"].pop("max_percent")
    document["currency"] = "USD"
    errors = refusal(document)
    assert {"countries[3].code", "loyalty.max_percent", "currency"} <= set(errors)


@pytest.mark.parametrize("document", [[], "catalog", None, {}])
def test_anything_but_a_catalog_object_is_refused_without_crashing(document):
    assert refusal(document)


def test_importing_pricing_loads_no_framework():
    code = "import sys, pricing; print(' '.join(sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    roots = {name.split(".")[0] for name in loaded}
    assert not roots & {"flask", "sqlalchemy", "stripe", "storefront", "hardware"}
