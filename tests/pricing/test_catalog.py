"""parse_catalog: a catalog document is accepted whole, or refused with every bad field named."""
import subprocess
import sys

import pytest

from pricing import CatalogError, UnknownCountry, catalog_to_dict, parse_catalog


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
