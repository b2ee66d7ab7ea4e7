# SLSP Référent — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast install lint check format messages browser stop clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e ".[dev,embedded]"
	touch $(STAMP)

.env:
	sed "s|^SECRET_KEY=.*|SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')|" .env.example > .env

install: $(STAMP) .env messages
	@mkdir -p var/staticfiles

# Compiled catalogs are build output; gettext's msgfmt builds them when present.
messages: $(STAMP)
	@if command -v msgfmt >/dev/null; then DATABASE_URL=sqlite:///:memory: REDIS_URL=redis://127.0.0.1:1/0 \
	  $(BIN)/python manage.py compilemessages -v 0 --ignore=.venv; \
	else echo "msgfmt not found: German catalog not compiled (apt-get install gettext)"; fi

# Browser tests drive Debian's Chromium; install it when missing (never a downloaded browser).
# axe-core (accessibility checks) comes from npm, pinned by package-lock.json.
browser: node_modules/.package-lock.json
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

run: install
	$(BIN)/python -m slsp_referent.devstack

# pytest-xdist workers, one more than cores (tests/conftest.py), each with its own test
# database (cloned from one migrated template), Redis database and media folder
# (slsp_referent/settings/test.py); a test group (xdist_group) stays on one worker.
XDIST := -n auto --maxprocesses 6 --dist loadgroup

test: install browser
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

# The inner loop: no browser, no Celery worker or private fault stack.
test-fast: install
	$(BIN)/python -m pytest $(XDIST) -m "not browser and not worker" $(PYTEST_ARGS)

# Scale benchmark on its own database (slsp_scale, seeded on first use); writes
# bench/RESULTS.md. BENCH_ARGS=--quick for a short development run.
bench: install browser
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Ruff, then the house rules: apps import downwards only (import-linter contract in
# pyproject.toml) and mypy with django-stubs. Settings load without starting the
# embedded servers: mypy only needs the app registry, never a connection.
check: lint
	$(BIN)/lint-imports --no-logo --cache-dir var/import_linter_cache
	DEBUG=1 DATABASE_URL=sqlite:///:memory: REDIS_URL=redis://127.0.0.1:1/0 $(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

stop: $(STAMP)
	$(BIN)/python -m slsp_referent.embedded stop

clean: stop
	rm -rf var
