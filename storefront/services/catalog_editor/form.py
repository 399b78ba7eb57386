"""The editor's form as a catalog document: fields named by the paths validation names in
its errors (`countries[2].long_term_unit`), so every error lands next to its field."""
import re
from collections.abc import Mapping

from pricing import TIERS

ROW_FIELD = re.compile(r"^(countries|volume_discounts|return_fees)\[(\d+)\]\.(\w+)$")
WHOLE_FIELDS = {"min_months", "prior_returns", "step_months"}
COUNTRY_FIELDS = ("code", "name", "short_term_monthly", "long_term_unit", "setup_fee")
BLANK_ROWS = {
    "countries": {"code": "", "name": "", "short_term_monthly": "", "long_term_unit": "", "setup_fee": "0.00",
                  "retired": False},
    "volume_discounts": {"min_months": "", "percent": ""},
    "return_fees": {"prior_returns": "", "percent": ""},
}


def _typed(fields: dict) -> dict:
    """Fields as validation reads them: blank ones left out (so they are "missing"),
    whole numbers as ints, anything else kept as typed for the error message."""
    document = {}
    for key, raw in fields.items():
        text = (raw or "").strip()
        if not text:
            continue
        document[key] = int(text) if key in WHOLE_FIELDS and re.fullmatch(r"-?\d+", text) else text
    return document


def document_from_form(form: Mapping[str, str]) -> dict:
    """The catalog document of the editor's form (fields named `countries[0].code`, …)."""
    rows: dict[str, dict[int, dict]] = {"countries": {}, "volume_discounts": {}, "return_fees": {}}
    for name in form:
        match = ROW_FIELD.match(name)
        if match:
            table, index, key = match.group(1), int(match.group(2)), match.group(3)
            rows[table].setdefault(index, {})[key] = form.get(name, "")

    def ordered(table):
        return [rows[table][index] for index in sorted(rows[table])]

    return {
        "currency": "EUR",
        "bundle_factors": _typed({str(tier): form.get(f"bundle_factors.{tier}") for tier in TIERS}),
        "volume_discounts": [
            _typed({"min_months": row.get("min_months"), "percent": row.get("percent")})
            for row in ordered("volume_discounts")
        ],
        "loyalty": _typed({key: form.get(f"loyalty.{key}") for key in ("step_months", "percent_per_step", "max_percent")}),
        "return_fees": [
            _typed({"prior_returns": row.get("prior_returns"), "percent": row.get("percent")})
            for row in ordered("return_fees")
        ],
        "countries": [
            {
                "code": (row.get("code") or "").strip().upper(),
                "name": (row.get("name") or "").strip(),
                **_typed({key: row.get(key) for key in ("short_term_monthly", "long_term_unit", "setup_fee")}),
                "retired": row.get("retired") == "1",
            }
            for row in ordered("countries")
        ],
    }
