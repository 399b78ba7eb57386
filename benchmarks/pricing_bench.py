"""Pricing engine throughput: quotes per second over the whole demo catalog, against its floor.

Pure Python, no Flask, no database: the demo catalog file is parsed with
`pricing.parse_catalog` and every quote a customer can ask for is computed in a loop.

The floor is the same Decimal arithmetic written plainly (`floor_workloads`: the totals only,
no Quote objects, no checks). Quotes are pure functions of the immutable catalog, so the
engine keeps each one per catalog (pricing/memo.py); the target is to run at ≥ 50 % of the
floor's rate. Exits 1 when the interleaved row misses it.

    python -m benchmarks.pricing_bench [--seconds 2]
"""
import argparse
import calendar
import json
import sys
import time
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._table import markdown_table  # noqa: E402
from pricing import (  # noqa: E402
    SHORT_TERM_MONTHS,
    TIERS,
    long_term_bundle,
    parse_catalog,
    short_term_prepaid,
    subscription_first_charge,
)

DEMO_CATALOG = ROOT / "storefront" / "demo" / "catalog.json"
# Mid-month, so the subscription quote takes the prorating path.
SUBSCRIPTION_START = date(2025, 1, 17)


def load_catalog(path: Path = DEMO_CATALOG):
    return parse_catalog(json.loads(path.read_text(encoding="utf-8")))


def workloads(catalog) -> dict[str, list]:
    """Each kind of quote, as a list of zero-argument calls: every country × tier or months."""
    codes = [country.code for country in catalog.countries]
    return {
        "long-term bundle (country × tier)": [
            (lambda c=code, t=tier: long_term_bundle(catalog, c, t)) for code in codes for tier in TIERS
        ],
        "short-term prepaid (country × months)": [
            (lambda c=code, m=months: short_term_prepaid(catalog, c, m))
            for code in codes for months in SHORT_TERM_MONTHS
        ],
        "short-term subscription (country)": [
            (lambda c=code: subscription_first_charge(catalog, c, SUBSCRIPTION_START)) for code in codes
        ],
    }


FLOOR_TARGET = 0.5  # the engine at ≥ 50 % of the plain arithmetic's rate
CENT, EURO, HUNDRED = Decimal("0.01"), Decimal(1), Decimal(100)


def floor_workloads(catalog) -> dict[str, list]:
    """The same totals as `workloads`, computed with plain Decimal arithmetic from the same numbers."""
    countries = [(c.short_term_monthly.amount, c.long_term_unit.amount, c.setup_fee.amount) for c in catalog.countries]
    factors = {tier: Decimal(catalog.bundle_factors[tier]) for tier in TIERS}
    discounts = sorted((row.min_months, row.percent) for row in catalog.volume_discounts)

    def bundle(unit, fee, tier):
        total = (unit * factors[tier]).quantize(EURO, ROUND_HALF_UP)
        return total + fee, (total / tier).quantize(CENT, ROUND_HALF_UP)

    def prepaid(monthly, fee, months):
        percent = max((p for m, p in discounts if m <= months), default=Decimal(0))
        return (monthly * months * (1 - percent / HUNDRED)).quantize(CENT, ROUND_HALF_UP) + fee

    def subscription(monthly, fee, start):
        days = min(calendar.monthrange(start.year, start.month)[1] - start.day + 1, 30)
        return (monthly * days / 30).quantize(CENT, ROUND_HALF_UP) + fee

    return {
        "long-term bundle (country × tier)": [
            (lambda u=unit, f=fee, t=tier: bundle(u, f, t)) for _, unit, fee in countries for tier in TIERS
        ],
        "short-term prepaid (country × months)": [
            (lambda m=monthly, f=fee, n=months: prepaid(m, f, n))
            for monthly, _, fee in countries for months in SHORT_TERM_MONTHS
        ],
        "short-term subscription (country)": [
            (lambda m=monthly, f=fee: subscription(m, f, SUBSCRIPTION_START)) for monthly, _, fee in countries
        ],
    }


def measure(calls: list, min_seconds: float, max_rounds: int | None = None) -> dict:
    """Run every call, round after round, until `min_seconds` passed (or `max_rounds`)."""
    quotes = rounds = 0
    started = time.perf_counter()
    while True:
        for call in calls:
            call()
        quotes += len(calls)
        rounds += 1
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds or (max_rounds is not None and rounds >= max_rounds):
            break
    return {"quotes": quotes, "seconds": elapsed, "per_second": quotes / elapsed,
            "microseconds": elapsed / quotes * 1e6, "distinct": len(calls)}


def run(min_seconds: float = 2.0, max_rounds: int | None = None) -> list[tuple[str, dict]]:
    """Each workload through the engine and as plain arithmetic; r["floor_ratio"] = engine / floor."""
    catalog = load_catalog()
    results = []
    every, every_floor = [], []
    floors = floor_workloads(catalog)
    for name, calls in workloads(catalog).items():
        every.extend(calls)
        every_floor.extend(floors[name])
        result = measure(calls, min_seconds, max_rounds)
        result["floor"] = measure(floors[name], min_seconds, max_rounds)["per_second"]
        results.append((name, result))
    result = measure(every, min_seconds, max_rounds)
    result["floor"] = measure(every_floor, min_seconds, max_rounds)["per_second"]
    results.append(("all of the above, interleaved", result))
    for _, result in results:
        result["floor_ratio"] = result["per_second"] / result["floor"]
    return results


def table(results: list[tuple[str, dict]]) -> str:
    return markdown_table(
        ["quote", "distinct quotes", "quotes/s", "µs/quote", "plain arithmetic/s", "of the floor",
         f"target ≥ {FLOOR_TARGET:.0%}"],
        [[name, r["distinct"], f"{r['per_second']:,.0f}", f"{r['microseconds']:.1f}", f"{r['floor']:,.0f}",
          f"{r['floor_ratio']:.0%}", "met" if r["floor_ratio"] >= FLOOR_TARGET else "MISSED"]
         for name, r in results],
        right={1, 2, 3, 4, 5},
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per workload (default 2)")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    print(f"Pricing engine, demo catalog ({len(catalog.countries)} countries), "
          f"single thread, Python {sys.version.split()[0]}")
    results = run(args.seconds)
    print(table(results))
    return 0 if results[-1][1]["floor_ratio"] >= FLOOR_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
