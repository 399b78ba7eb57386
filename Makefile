# The commands of the README: `make run`, `make test`, `make bench` and `make lighthouse`. Everything else is
# set-up they need, done once and redone only when its inputs change.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
HTMX := storefront/static/vendor/htmx.min.js

.PHONY: run test bench lighthouse install assets

run: install assets
	$(BIN)/flask --app storefront db upgrade
	$(BIN)/flask --app storefront demo load
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python tools/dev_server.py

test: install assets
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff (pyproject.toml's [tool.ruff]): reports, never rewrites. CI runs it before the tests.
.PHONY: lint
lint: install
	$(BIN)/ruff check .

# On demand only, never part of `make test`: the pricing engine, then HTTP under gunicorn.
bench: install
	@command -v wrk >/dev/null || echo "wrk not found (sudo apt-get install wrk): the HTTP benchmark uses its Python load generator"
	$(BIN)/python -m benchmarks.pricing_bench $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.http_bench $(HTTP_BENCH_ARGS)

# On demand only: Lighthouse (npm, package.json) with Debian's Chromium against the
# storefront under gunicorn; landing, FAQ and first buy step; a table of scores.
lighthouse: install assets
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python -m benchmarks.lighthouse $(LIGHTHOUSE_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

assets: $(HTMX)

$(HTMX): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to fetch htmx: install it with your package manager (e.g. sudo apt-get install npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $@)
	cp node_modules/htmx.org/dist/htmx.min.js $@
