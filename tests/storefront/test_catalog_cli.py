"""`flask catalog import/export`: the catalog file in and out of the database."""
import copy
import json

import pytest


@pytest.fixture
def demo_document(demo_catalog_path) -> dict:
    return json.loads(demo_catalog_path.read_text())


def write(tmp_path, document, name="catalog.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path


def quote_total(client, country="DE", tier=3):
    return client.get(f"/api/v1/quote?country={country}&kind=long&tier_months={tier}").get_json()["total"]


def test_export_then_import_gives_back_the_same_catalog(runner, tmp_path, client):
    exported = runner.invoke(args=["catalog", "export"])
    assert exported.exit_code == 0
    path = write(tmp_path, json.loads(exported.output))
    imported = runner.invoke(args=["catalog", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    assert json.loads(runner.invoke(args=["catalog", "export"]).output) == json.loads(exported.output)


def test_an_imported_price_change_reaches_the_quote_api(runner, tmp_path, client, demo_document):
    assert quote_total(client) == "16.00"
    changed = copy.deepcopy(demo_document)
    germany = next(c for c in changed["countries"] if c["code"] == "DE")
    germany["long_term_unit"] = "15.00"
    result = runner.invoke(args=["catalog", "import", str(write(tmp_path, changed))])
    assert result.exit_code == 0, result.output
    assert quote_total(client) == "20.00"


def _break(document, how):
    broken = copy.deepcopy(document)
    how(broken)
    return broken


BAD_FILES = {
    "unknown ISO country": (
        lambda d: d["countries"][0].update(code="XX"),
        "countries[0].code",
        "XX",
    ),
    "negative money": (
        lambda d: d["countries"][1].update(setup_fee="-1.00"),
        "countries[1].setup_fee",
        "-1.00",
    ),
    "non-numeric money": (
        lambda d: d["countries"][2].update(short_term_monthly="cheap"),
        "countries[2].short_term_monthly",
        "cheap",
    ),
    "missing tier": (lambda d: d["bundle_factors"].pop("9"), "bundle_factors", "9"),
    "tier 16": (lambda d: d["bundle_factors"].update({"16": "3.5"}), "bundle_factors", "16"),
    "longer tier cheaper": (
        lambda d: d["bundle_factors"].update({"9": "1.5"}),
        "bundle_factors",
        "9",
    ),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_is_refused_whole_naming_the_field(runner, tmp_path, client, demo_document, name):
    how, field, value = BAD_FILES[name]
    broken = _break(demo_document, how)
    # A valid change rides along in the same file: it must not be imported either.
    next(c for c in broken["countries"] if c["code"] == "DE")["long_term_unit"] = "15.00"
    before = runner.invoke(args=["catalog", "export"]).output

    result = runner.invoke(args=["catalog", "import", str(write(tmp_path, broken))])

    assert result.exit_code != 0
    assert field in result.output
    assert value in result.output
    assert "nothing changed" in result.output
    assert runner.invoke(args=["catalog", "export"]).output == before
    assert quote_total(client) == "16.00"


def test_a_file_that_is_not_json_is_refused(runner, tmp_path):
    result = runner.invoke(args=["catalog", "import", str(write(tmp_path, "{not json"))])
    assert result.exit_code != 0
    assert "not valid JSON" in result.output


def test_demo_load_imports_once_and_then_leaves_the_catalog_alone(empty_app):
    runner = empty_app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and "Imported 10 countries" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "already loaded" in second.output


def test_demo_catalog_has_at_least_eight_countries(demo_document):
    assert len(demo_document["countries"]) >= 8
