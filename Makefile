# The commands of the README: `make run`, `make test`, `make bench` and `make lighthouse`. Everything else is
# set-up they need, done once and redone only when its inputs change.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
HTMX := storefront/static/vendor/htmx.min.js
AXE := node_modules/axe-core/axe.min.js
LIGHTHOUSE := benchmarks/node_modules/.bin/lighthouse

.PHONY: run test bench lighthouse install assets python-version

# Ctrl+C (or SIGTERM) stops the server and localstripe; tools/dev_server.py then exits 0.
# `exec`: no shell waits in between (a shell interrupted while waiting dies of the signal,
# which make reports as an error even though the server stopped cleanly).
run: install assets
	$(BIN)/flask --app storefront db upgrade
	$(BIN)/flask --app storefront demo load
	exec env HOST=$(HOST) PORT=$(PORT) $(BIN)/python tools/dev_server.py

# At the end, tests/conftest.py lists why tests were skipped, one line per reason.
# The tests also need axe-core (package.json's devDependencies) for the page check.
# pytest-xdist runs them in TEST_WORKERS processes (each with its own databases, servers and
# browser; the load tests together on one of them): TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= 2
test: install assets $(AXE)
	$(BIN)/python -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadgroup) $(PYTEST_ARGS)

# ruff (pyproject.toml's [tool.ruff]): reports, never rewrites. CI runs it before the tests.
.PHONY: lint
lint: install
	$(BIN)/ruff check .

# On demand only, never part of `make test`: the pricing engine, then HTTP under gunicorn.
bench: install
	@command -v wrk >/dev/null || echo "wrk not found (sudo apt-get install wrk): the HTTP benchmark uses its Python load generator"
	$(BIN)/python -m benchmarks.pricing_bench $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.http_bench $(HTTP_BENCH_ARGS)
	$(BIN)/python -m benchmarks.scale_bench $(SCALE_BENCH_ARGS)
	$(BIN)/python -m benchmarks.renewal_bench

# On demand only: Lighthouse (npm, benchmarks/package.json, installed only here) with
# Debian's Chromium against the storefront under gunicorn; landing, FAQ and first buy step; a table of scores.
lighthouse: install assets $(LIGHTHOUSE)
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python -m benchmarks.lighthouse $(LIGHTHOUSE_ARGS)

install: python-version $(VENV)/.installed

# The project needs Python 3.11+ (pyproject.toml); say so before anything is installed.
python-version:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Python 3.11 or newer is needed; '$(PYTHON)' is $$($(PYTHON) -c 'import platform; print(platform.python_version())' 2>/dev/null || echo 'not found').";.""; \
	  echo "Install one (Debian/Ubuntu: sudo apt-get install python3.11 python3.11-venv) and run e.g."; \
	  echo "  make $(or $(MAKECMDGOALS),run) PYTHON=python3.11"; \
	  echo "(an existing .venv made with the old Python: rm -rf .venv first)"; exit 1; }
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || [ ! -e $(BIN)/python ] || { \
	  echo ".venv was made with Python older than 3.11: rm -rf .venv and run make again with PYTHON=python3.11 (or newer)"; exit 1; }

$(VENV)/.installed: pyproject.toml | python-version
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

assets: $(HTMX)

# package.json: htmx to run (dependencies), axe-core for the tests' page check
# (devDependencies), each pinned with its integrity in package-lock.json. Running fetches htmx alone.
$(HTMX): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to fetch htmx: install it with your package manager (e.g. sudo apt-get install npm)"; exit 1; }
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $@)
	cp node_modules/htmx.org/dist/htmx.min.js $@

# `npm ci` (without --omit=dev) installs htmx and axe-core together.
$(AXE): package.json package-lock.json $(HTMX)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(LIGHTHOUSE): benchmarks/package.json benchmarks/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for Lighthouse: install it with your package manager (e.g. sudo apt-get install npm)"; exit 1; }
	cd benchmarks && npm ci --no-audit --no-fund --loglevel=error
	touch $@
