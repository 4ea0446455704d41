# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv run test test-py test-node test-console console console-deps console-types chromium lint typecheck fmt lock bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: venv console
	mkdir -p var
	$(BIN)/xinyuan migrate
	$(BIN)/xinyuan seed-demo
	$(BIN)/xinyuan serve --host $(HOST) --port $(PORT)

test: lint typecheck test-py test-node test-console

lint: venv
	$(BIN)/ruff check app tests migrations bench
	$(BIN)/ruff format --check app tests migrations bench

typecheck: venv
	$(BIN)/mypy

# The Python suite, on PostgreSQL: the server of TEST_DATABASE_URL when it is set (CI sets it to the machine's),
# otherwise an embedded one that the suite starts in a temporary directory and removes afterwards.
test-py: venv
	$(BIN)/pytest

test-node:
	cd miniprogram_stub && npm ci --no-audit --no-fund --loglevel=error && npm test

# The staff console (console/): Vue 3 + Vite, built into console/dist (never committed), served by the app at /console/.
# Node 20.19 or newer is required to build it (Vite 8).
NODE_CHECK := node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'
CONSOLE_STAMP := console/node_modules/.installed-stamp
CHROMIUM ?= /usr/bin/chromium

console-deps: $(CONSOLE_STAMP)

$(CONSOLE_STAMP): console/package.json console/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  echo "make: the staff console needs Node.js 20 (node and npm), which were not found."; \
	  echo "      Install Node 20.19 or newer (https://nodejs.org/, or a distribution's nodejs 20 package) and run make again."; exit 1; }
	@$(NODE_CHECK) || { echo "make: the staff console needs Node.js 20.19 or newer; this is $$(node --version)."; exit 1; }
	cd console && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $(CONSOLE_STAMP)

CONSOLE_SOURCES := $(shell find console/src -type f 2>/dev/null) console/index.html console/vite.config.ts console/tsconfig.json

# Rebuilt only when a source changed, so `make run` starts quickly the second time.
console: console/dist/index.html

console/dist/index.html: $(CONSOLE_STAMP) $(CONSOLE_SOURCES)
	cd console && npm run build

# console/src/api/schema.d.ts: the console's types, generated from the app's OpenAPI document.
console-types: venv console-deps
	mkdir -p var
	$(BIN)/python -m app.console.openapi > var/openapi.json
	cd console && npx openapi-typescript ../var/openapi.json -o src/api/schema.d.ts

# Debian's Chromium for the browser tests (Playwright cannot download browsers here), with a CJK font for the
# screenshots. CI runs as root on a clean clone.
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-microhei; \
	  else echo "make: $(CHROMIUM) is missing; install Debian's chromium (sudo apt-get install chromium fonts-wqy-microhei)"; exit 1; fi; }

# The console's tests: its types match the OpenAPI document, unit tests (vitest), then real-browser tests
# (playwright-core driving $(CHROMIUM)) against a live server with demo data; screenshots in console/test-output/.
test-console: venv console chromium
	mkdir -p var
	$(BIN)/python -m app.console.openapi > var/openapi.json
	cd console && npx openapi-typescript ../var/openapi.json -o ../var/schema.d.ts >/dev/null && \
	  { diff -q src/api/schema.d.ts ../var/schema.d.ts >/dev/null || { \
	    echo "console/src/api/schema.d.ts is stale: run make console-types"; exit 1; }; }
	cd console && npx vitest run
	cd console && CHROMIUM_PATH=$(CHROMIUM) PYTHON=$(CURDIR)/$(BIN)/python node --test --test-concurrency=1 tests/browser/

fmt: venv
	$(BIN)/ruff format app tests migrations bench
	$(BIN)/ruff check --fix app tests migrations bench

lock:
	rm -rf /tmp/xinyuan-lock && $(PYTHON) -m venv /tmp/xinyuan-lock
	/tmp/xinyuan-lock/bin/pip install -q -e '.[dev,embedded]'
	( echo '# Pinned versions for `make` (regenerate: make lock). Installed with `pip install -r requirements.lock`.'; \
	  /tmp/xinyuan-lock/bin/pip freeze --exclude-editable ) > requirements.lock

bench: venv
	$(BIN)/python -m bench.run

clean:
	-$(BIN)/xinyuan db stop
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
