"""What one catalog document changes from another, in words for staff: the editor's list of
changes before saving, and the history of revisions."""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pricing import TIERS, Money


@dataclass(frozen=True)
class Difference:
    """One value changed between two catalog documents, in words for staff."""

    what: str
    old: str | None
    new: str | None


def _same(old, new) -> bool:
    try:
        return Decimal(str(old)) == Decimal(str(new))
    except (InvalidOperation, ValueError):
        return old == new


def _money(value) -> str | None:
    return None if value is None else str(Money.eur(str(value)))


def _percent(value) -> str | None:
    return None if value is None else f"{format(Decimal(str(value)).normalize(), 'f')} %"


def _compare(differences, what, old, new, shown=str) -> None:
    if old is None and new is None or (old is not None and new is not None and _same(old, new)):
        return
    differences.append(Difference(what, None if old is None else shown(old), None if new is None else shown(new)))


def _rows(document: dict | None, table: str, key: str) -> dict:
    return {row[key]: row["percent"] for row in (document or {}).get(table, [])}


def catalog_differences(before: dict | None, after: dict) -> list[Difference]:
    """What changed from catalog document `before` to `after` (both as catalog_to_dict writes them)."""
    differences: list[Difference] = []
    old_countries = {country["code"]: country for country in (before or {}).get("countries", [])}
    new_countries = {country["code"]: country for country in after.get("countries", [])}
    for code, new in new_countries.items():
        old = old_countries.get(code)
        label = f"{new['name']} ({code})"
        if old is None:
            summary = (f"short-term {_money(new['short_term_monthly'])} a month, long-term unit "
                       f"{_money(new['long_term_unit'])}, setup fee {_money(new['setup_fee'])}")
            differences.append(Difference(f"{label} added", None, summary))
            continue
        _compare(differences, f"{label}: name", old["name"], new["name"])
        _compare(differences, f"{label}: short-term monthly rate", old["short_term_monthly"], new["short_term_monthly"], _money)
        _compare(differences, f"{label}: long-term unit", old["long_term_unit"], new["long_term_unit"], _money)
        _compare(differences, f"{label}: setup fee", old["setup_fee"], new["setup_fee"], _money)
        was_retired, is_retired = bool(old.get("retired")), bool(new.get("retired"))
        if was_retired != is_retired:
            differences.append(Difference(
                f"{label}: new sales",
                "retired" if was_retired else "on sale",
                "retired" if is_retired else "on sale",
            ))
    for code, old in old_countries.items():
        if code not in new_countries:
            differences.append(Difference(f"{old['name']} ({code}) removed", old["name"], None))
    for tier in TIERS:
        _compare(differences, f"Bundle factor, {tier} months",
                 (before or {}).get("bundle_factors", {}).get(str(tier)), after["bundle_factors"].get(str(tier)))
    for table, key, label in (
        ("volume_discounts", "min_months", "Volume discount from {} months"),
        ("return_fees", "prior_returns", "Return fee after {} earlier returns"),
    ):
        old_rows, new_rows = _rows(before, table, key), _rows(after, table, key)
        for row_key in sorted(old_rows.keys() | new_rows.keys()):
            _compare(differences, label.format(row_key), old_rows.get(row_key), new_rows.get(row_key), _percent)
    old_loyalty, new_loyalty = (before or {}).get("loyalty", {}), after["loyalty"]
    _compare(differences, "Loyalty: months per step", old_loyalty.get("step_months"), new_loyalty["step_months"])
    _compare(differences, "Loyalty: percent per step", old_loyalty.get("percent_per_step"),
             new_loyalty["percent_per_step"], _percent)
    _compare(differences, "Loyalty: at most", old_loyalty.get("max_percent"), new_loyalty["max_percent"], _percent)
    return differences
