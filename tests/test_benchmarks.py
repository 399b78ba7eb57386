"""The benchmarks (`make bench`) still import and run; no timing is checked here."""
from benchmarks import http_bench, pricing_bench

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8000/_bench/bare
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.61ms  650.02us  12.31ms   80.00%
    Req/Sec     3.05k   120.00     3.20k    70.00%
  Latency Distribution
     50%    2.50ms
     75%    2.90ms
     90%    3.40ms
     99%  850.00us
  15234 requests in 5.00s, 2.10MB read
  Socket errors: connect 0, read 15234, write 0, timeout 0
Requests/sec:   3046.80
Transfer/sec:    430.00KB
"""


def test_the_pricing_bench_quotes_every_country_tier_and_month_count():
    results = dict(pricing_bench.run(min_seconds=0, max_rounds=1))
    assert results["long-term bundle (country × tier)"]["distinct"] == 10 * 4
    assert results["short-term prepaid (country × months)"]["distinct"] == 10 * 12
    assert "quotes/s" in pricing_bench.table(list(results.items()))


def test_the_http_bench_reads_wrk_output(monkeypatch):
    class Done:
        stdout = WRK_OUTPUT

    monkeypatch.setattr(http_bench.subprocess, "run", lambda *args, **kwargs: Done)
    result = http_bench.run_wrk(8000, http_bench.TARGETS[0], 5, 8, 1)
    assert result["rps"] == 3046.80
    assert (result["p50"], result["p99"]) == (2.5, 0.85)
    assert result["errors"] == 0  # read errors are the sync worker closing the connection


def test_the_lighthouse_table_reads_scores_and_judges_the_targets():
    from benchmarks import lighthouse

    def report(score, transfer):
        return {
            "categories": {key: {"score": score, "auditRefs": [{"id": "meta-description", "weight": 1}]}
                           for key, _ in lighthouse.CATEGORIES},
            "audits": {"total-byte-weight": {"numericValue": transfer},
                       "meta-description": {"id": "meta-description", "score": score}},
        }

    good = lighthouse.summarize(report(1, 50 * 1024))
    text, ok = lighthouse.table([("landing", "/", good, False), ("FAQ", "/faq", good, False)])
    assert ok and "50.0 KB (≤ 100 KB: PASS)" in text and "| 100 |" in text
    low = lighthouse.summarize(report(0.8, 150 * 1024))
    assert low["failing"] == ["meta-description (0.8)"]
    text, ok = lighthouse.table([("landing", "/", low, False)])
    assert not ok and "80 FAIL" in text and "(≤ 100 KB: FAIL)" in text
    # A signed-in page is noindex on purpose: its SEO score is shown, not judged; the rest is.
    private_seo = lighthouse.summarize(report(1, 50 * 1024))
    private_seo["scores"]["seo"] = 63
    text, ok = lighthouse.table([("my numbers", "/numbers", private_seo, True)])
    assert ok and "63 (noindex)" in text
    text, ok = lighthouse.table([("my numbers", "/numbers", low, True)])
    assert not ok and "80 FAIL" in text
