# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv run test test-py test-node lint typecheck fmt lock bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: venv
	mkdir -p var
	$(BIN)/xinyuan migrate
	$(BIN)/xinyuan seed-demo
	$(BIN)/xinyuan serve --host $(HOST) --port $(PORT)

test: lint typecheck test-py test-node

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
