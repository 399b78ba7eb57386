"""Page quality: Lighthouse (from the npm registry, `benchmarks/node_modules/.bin/lighthouse`,
installed from `benchmarks/package.json` by `make lighthouse`) with
Debian's Chromium against the storefront under gunicorn, over loopback.

Prepares a throw-away SQLite database (`db upgrade`, `demo load`), starts gunicorn on a
free port, audits the landing page, the FAQ and the first buy step, then, signed in as the
demo customer (its session cookie sent with `--extra-headers`), My numbers, the buy
review, extending a number, billing and the top-up page, with Lighthouse's
default (mobile, simulated throttling) settings, and prints a table of the accessibility,
best-practices, SEO and performance scores and each page's transfer size (compressed).
Targets: every score ≥ 95, the landing page ≤ 100 KB transferred. Exits non-zero when a
target is missed.

    python -m benchmarks.lighthouse [--keep-reports DIR]
"""
import argparse
import http.cookiejar
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._table import markdown_table  # noqa: E402
from benchmarks.http_bench import (  # noqa: E402
    HOST, free_port, prepare_database, server_environment, start_server, stop_server,
)

PAGES = [("landing", "/"), ("FAQ", "/faq"), ("buy, first step", "/buy")]
# Signed in as the demo customer; {names} are filled from the demo data (see `demo_ids`).
SIGNED_IN_PAGES = [
    ("my numbers", "/numbers"),
    ("buy, review", "/buy/review?country=DE&kind=long&tier_months=6&number={free_de}"),
    ("extend", "/numbers/{bundle}/extend"),
    ("billing", "/billing"),
    ("top-up", "/payments/top-up"),
]
DEMO_CUSTOMER, DEMO_PASSWORD = "customer@example.com", "demo password 1"
CATEGORIES = [("accessibility", "accessibility"), ("best-practices", "best practices"),
              ("seo", "SEO"), ("performance", "performance")]
MIN_SCORE = 95
MAX_LANDING_BYTES = 100 * 1024
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"


def lighthouse_binary() -> Path:
    binary = ROOT / "benchmarks" / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        sys.exit("benchmarks/node_modules/.bin/lighthouse not found: run `make lighthouse` (npm ci in benchmarks/)")
    return binary


def chrome_path() -> str:
    path = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        sys.exit(f"Chromium not found at {path}: install Debian's chromium or set CHROME_PATH")
    return path


def demo_ids(database: Path) -> dict:
    """The demo customer's bundle rental and a free long-term German number."""
    with sqlite3.connect(database) as connection:
        bundle = connection.execute("SELECT id FROM rentals WHERE purchase_key = 'demo:bundle'").fetchone()[0]
        free_de = connection.execute("SELECT id FROM hw_numbers WHERE country_code = 'DE' AND kind = 'long' "
                                     "AND state = 'available' ORDER BY id LIMIT 1").fetchone()[0]
    return {"bundle": bundle, "free_de": free_de}


def session_cookie(base: str) -> str:
    """Sign in through the form (CSRF token and all) and return the Cookie header it earned."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', form)
    data = {"email": DEMO_CUSTOMER, "password": DEMO_PASSWORD, "csrf_token": token.group(1) or token.group(2)}
    opener.open(base + "/login", urllib.parse.urlencode(data).encode(), timeout=30).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "Sign out" not in opener.open(base + "/numbers", timeout=30).read().decode():
        sys.exit("could not sign in as the demo customer for the signed-in pages")
    return cookie


def audit(binary: Path, url: str, report: Path, cookie: str | None = None) -> dict:
    command = [str(binary), url, "--quiet", "--output=json", f"--output-path={report}",
               f"--chrome-flags={CHROME_FLAGS}",
               "--only-categories=" + ",".join(key for key, _ in CATEGORIES)]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = dict(os.environ, CHROME_PATH=chrome_path())
    subprocess.run(command, env=env, check=True, timeout=300)
    return json.loads(report.read_text())


def summarize(result: dict) -> dict:
    scores = {key: round((result["categories"][key]["score"] or 0) * 100) for key, _ in CATEGORIES}
    transfer = result["audits"]["total-byte-weight"]["numericValue"]
    failing = list(dict.fromkeys(
        f"{audit['id']} ({audit['score']})"
        for category in result["categories"].values()
        for ref in category["auditRefs"] if ref["weight"] > 0
        for audit in [result["audits"][ref["id"]]]
        if audit["score"] is not None and audit["score"] < 0.9
    ))
    return {"scores": scores, "transfer": transfer, "failing": failing}


def table(rows: list[tuple[str, str, dict, bool]]) -> tuple[str, bool]:
    ok = True
    lines = []
    for name, path, summary, private in rows:
        cells = [name, path]
        for key, _ in CATEGORIES:
            score = summary["scores"][key]
            if private and key == "seo":
                # A signed-in page says `noindex` on purpose (Lighthouse's is-crawlable then
                # fails): search engines have no business there, so SEO is not scored.
                cells.append(f"{score} (noindex)")
                continue
            ok &= score >= MIN_SCORE
            cells.append(f"{score}" + ("" if score >= MIN_SCORE else " FAIL"))
        transfer = summary["transfer"]
        cell = f"{transfer / 1024:.1f} KB"
        if path == "/":
            passed = transfer <= MAX_LANDING_BYTES
            ok &= passed
            cell += " (≤ 100 KB: PASS)" if passed else " (≤ 100 KB: FAIL)"
        cells.append(cell)
        lines.append(cells)
    headers = ["page", "path", *(label for _, label in CATEGORIES), "transferred (compressed)"]
    return markdown_table(headers, lines, right={2, 3, 4, 5, 6}), ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep-reports", type=Path, help="write each page's JSON report here")
    args = parser.parse_args(argv)
    binary = lighthouse_binary()
    chrome_path()

    with tempfile.TemporaryDirectory(prefix="storefront-lighthouse-") as scratch:
        scratch = Path(scratch)
        env = server_environment(f"sqlite:///{scratch / 'storefront.sqlite3'}")
        env["MAIL_DIR"] = str(scratch / "mail")
        log_path = scratch / "server.log"
        with open(log_path, "w") as log:
            prepare_database(env, log, scratch / "gateway-tokens.json")
            port = free_port()
            server = start_server(env, port, args.workers, log)
            try:
                rows = []
                base = f"http://{HOST}:{port}"
                ids = demo_ids(scratch / "storefront.sqlite3")
                cookie = session_cookie(base)
                visits = [(name, path, None) for name, path in PAGES]
                visits += [(name, path.format(**ids), cookie) for name, path in SIGNED_IN_PAGES]
                for name, path, with_cookie in visits:
                    report = scratch / f"{name.replace(',', '').replace(' ', '-')}.json"
                    print(f"auditing {base}{path} ...", file=sys.stderr)
                    summary = summarize(audit(binary, base + path, report, with_cookie))
                    rows.append((name, path, summary, with_cookie is not None))
                    if args.keep_reports:
                        args.keep_reports.mkdir(parents=True, exist_ok=True)
                        shutil.copy(report, args.keep_reports / report.name)
            finally:
                stop_server(server)

    text, ok = table(rows)
    print("Lighthouse 12 (mobile, simulated throttling), Debian's Chromium, gunicorn "
          f"-w {args.workers}, SQLite with the demo data, loopback")
    print(text)
    for name, _path, summary, _private in rows:
        if summary["failing"]:
            print(f"{name}: audits below 0.9: {', '.join(summary['failing'])}")
    print(f"Targets: every score ≥ {MIN_SCORE}, landing page ≤ 100 KB. Overall: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
