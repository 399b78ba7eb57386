"""Finding 13: a bad catalog file is refused naming the field, with nothing changed and no
traceback: €0 prices, 100 % discounts, invalid UTF-8, 1e30, deep nesting, 10,000-character names."""
import json

import pytest

from storefront.cli import DEMO_CATALOG


def spoilt(change):
    document = json.loads(DEMO_CATALOG.read_text())
    change(document)
    return json.dumps(document).encode()


CASES = {
    "zero price": (lambda d: d["countries"][0].update(long_term_unit="0.00"), "long_term_unit"),
    "zero monthly": (lambda d: d["countries"][0].update(short_term_monthly="0"), "short_term_monthly"),
    "full discount": (lambda d: d["volume_discounts"][0].update(percent="100"), "percent"),
    "huge price": (lambda d: d["countries"][0].update(long_term_unit="1e30"), "long_term_unit"),
    "long name": (lambda d: d["countries"][0].update(name="A" * 10_000), "name"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_spoilt_catalog_is_refused_naming_the_field(runner, tmp_path, case):
    change, field = CASES[case]
    path = tmp_path / "catalog.json"
    path.write_bytes(spoilt(change))
    result = runner.invoke(args=["catalog", "import", str(path)])
    assert result.exit_code == 1 and "nothing changed" in result.output and field in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("content", [b"\xff\xfe{not utf-8", b"[" * 100_000 + b"]" * 100_000])
def test_an_unreadable_catalog_file_is_refused_without_a_traceback(runner, tmp_path, content):
    path = tmp_path / "catalog.json"
    path.write_bytes(content)
    result = runner.invoke(args=["catalog", "import", str(path)])
    assert result.exit_code == 1 and "not imported" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
