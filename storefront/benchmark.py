"""The floor of `make bench`: an endpoint that does nothing but pass through the app.

Registered only when BENCHMARK_ENDPOINT is set (env STOREFRONT_BENCHMARK=1), which
benchmarks/http_bench.py does; a normal run has no such URL. The request still goes
through every before/after-request hook (request id and log, security headers, CSRF,
login), so what a real page costs beyond it is the page's own work.
"""
from flask import Flask

BARE_PATH = "/_bench/bare"


def bare():
    return "", 204


def init_app(app: Flask) -> None:
    app.add_url_rule(BARE_PATH, "benchmark_bare", bare, methods=["GET"])
