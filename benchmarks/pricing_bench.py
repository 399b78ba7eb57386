"""Pricing engine throughput: quotes per second over the whole demo catalog.

Pure Python, no Flask, no database: the demo catalog file is parsed with
`pricing.parse_catalog` and every quote a customer can ask for is computed in a loop.

    python -m benchmarks.pricing_bench [--seconds 2]
"""
import argparse
import json
import sys
import time
from datetime import date
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
    catalog = load_catalog()
    results = []
    every = []
    for name, calls in workloads(catalog).items():
        every.extend(calls)
        results.append((name, measure(calls, min_seconds, max_rounds)))
    results.append(("all of the above, interleaved", measure(every, min_seconds, max_rounds)))
    return results


def table(results: list[tuple[str, dict]]) -> str:
    return markdown_table(
        ["quote", "distinct quotes", "quotes/s", "µs/quote"],
        [[name, r["distinct"], f"{r['per_second']:,.0f}", f"{r['microseconds']:.1f}"] for name, r in results],
        right={1, 2, 3},
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per workload (default 2)")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    print(f"Pricing engine, demo catalog ({len(catalog.countries)} countries), "
          f"single thread, Python {sys.version.split()[0]}")
    print(table(run(args.seconds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
