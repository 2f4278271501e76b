# 信访通: development, test and release commands (GNU make). See README.md.
#
#   make run    venv + install, migrate, demo data, then web + Celery worker + beat (honcho)
#   make test   venv + install, then pytest but the browser tests (make test PYTEST_ARGS="-k intake")
#   make test-e2e   the browser tests (tests/e2e, Chromium)
#   make test-future   the rules, services and API tests on SQLite, the clock 400 days ahead

SHELL := /bin/bash
.DEFAULT_GOAL := help

# The interpreter that creates the venv: Python 3.11 when it is on PATH, else python3.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
# Rewritten whenever requirements.txt changes, so that `make` re-installs.
STAMP := $(VENV)/.requirements.stamp
MANAGE := $(BIN)/python manage.py
# `make run` serves on 127.0.0.1:$(PORT); honcho gives this port to the first Procfile entry (web).
PORT ?= 8000
PYTEST_ARGS ?=
# 1: pytest's exit 5 (no tests collected) counts as success. Only for deliberate subsets.
ALLOW_NO_TESTS ?=
# make test-future: how far ahead faketime moves the clock, and the tests it runs there (the
# rules, services and API tests of every app; the whole suite passes too, in about twice the time).
FUTURE_DAYS ?= 400
FUTURE_TESTS ?= $(sort $(filter-out tests/e2e/%,$(wildcard \
	tests/*/test_*services*.py tests/*/test_*api*.py tests/*/test_*rules*.py \
	tests/*/test_*calendar*.py tests/*/test_*closing*.py tests/cases/test_lock_first.py \
	tests/core/test_identity.py \
	tests/reception/test_recurrence.py tests/reception/test_days.py tests/escalation/test_scan.py)))
# make fuzz: Schemathesis cases per API operation and phase, and more `schemathesis run` options.
FUZZ_EXAMPLES ?= 50
FUZZ_ARGS ?=
# make lint: the files mypy checks, core/ and every app's services and selectors (in any
# layout: services.py, services/, <feature>/services.py, selectors_x.py),
# as git knows them; tests and migrations aside.
TYPED = $(sort $(shell git ls-files 'core/*.py' '*services*.py' '*selectors*.py' \
	':(exclude)tests/*' ':(exclude)*/migrations/*'))
# Local state (SQLite, Celery filesystem broker, beat schedule); settings read VAR_DIR too.
VAR_DIR ?= var
export VAR_DIR

BOOTSTRAP_VERSION := 5.3.8
HTMX_VERSION := 2.0.11
CHARTJS_VERSION := 4.6.1
TOMSELECT_VERSION := 2.6.2

.PHONY: help venv $(VENV) run test test-e2e test-future fuzz lint format migrate seed messages bench vendor \
	var-dirs collectstatic clean

help:
	@echo "make run        install, migrate, seed demo data, start web + worker + beat (port $(PORT))"
	@echo "make test       install, run the test suite but the browser tests (PYTEST_ARGS=...)"
	@echo "make test-e2e   the browser tests (Chromium; PYTEST_ARGS=...)"
	@echo "make test-future  the rules, services and API tests on SQLite with the clock"
	@echo "                $(FUTURE_DAYS) days ahead (Debian's faketime; FUTURE_DAYS=..., PYTEST_ARGS=...)"
	@echo "make fuzz       Schemathesis over the whole API as handler1 and admin against a live"
	@echo "                server on a fresh demo database (FUZZ_EXAMPLES=$(FUZZ_EXAMPLES), FUZZ_ARGS=...)"
	@echo "make lint       ruff check + ruff format --check + mypy (core/, services, selectors)"
	@echo "make format     ruff format + ruff check --fix"
	@echo "make migrate    apply database migrations"
	@echo "make seed       load the demo data (manage.py seed_demo, idempotent)"
	@echo "make messages   update and compile the zh_Hans translation catalogue"
	@echo "make bench      our views against bare baselines over HTTP under gunicorn (bench),"
	@echo "                the reminder scan (bench_scan) and the dashboards at 1,000,000"
	@echo "                petitions (bench_dashboard)"
	@echo "make vendor     refresh static/vendor/ from the npm registry"

# --- environment ---------------------------------------------------------------------------

venv $(VENV): $(STAMP)

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found: install it or pass PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $@

var-dirs:
	@mkdir -p "$(VAR_DIR)/celery/broker" "$(VAR_DIR)/celery/processed" "$(VAR_DIR)/celery/control"

# --- run -----------------------------------------------------------------------------------

run: venv var-dirs migrate seed
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho start -f Procfile -p $(PORT)

migrate: venv var-dirs
	$(MANAGE) migrate --no-input

seed: venv var-dirs
	$(MANAGE) seed_demo

collectstatic: venv var-dirs
	$(MANAGE) collectstatic --no-input

# --- test and quality ----------------------------------------------------------------------

test: venv var-dirs
	@mkdir -p test-artifacts  # junit files land here (gitignored)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/pytest -n 2 -m "not e2e" $(PYTEST_ARGS) || { rc=$$?; \
		if [ $$rc -eq 5 ] && [ "$(ALLOW_NO_TESTS)" = 1 ]; then \
			echo "make test: no tests collected (pytest exit 5), allowed by ALLOW_NO_TESTS=1"; \
		else exit $$rc; fi; }

# The browser tests (tests/e2e, marker e2e): Chromium against a live server. Screenshots land
# in test-artifacts/.
test-e2e: venv var-dirs
	@mkdir -p test-artifacts
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/pytest -n 2 -m e2e $(PYTEST_ARGS) tests/e2e

# Tests must pass at any date (DESIGN §5). libfaketime, preloaded by `faketime`, moves the
# clock of pytest and of the xdist workers it starts; EXPECTED_TODAY makes each of them check
# it (tests/conftest.py). On SQLite whatever the environment says: a database server's clock
# would not move.
test-future: venv var-dirs
	@command -v faketime >/dev/null || { echo "make test-future needs faketime (apt-get install faketime)" >&2; exit 1; }
	@mkdir -p test-artifacts
	env -u DATABASE_URL -u DATABASE_REPLICA_URL -u REDIS_URL -u CELERY_BROKER_URL -u CACHE_URL \
		-u REQUIRE_SERVICES EXPECTED_TODAY="$$(date -d '+$(FUTURE_DAYS) days' +%F)" \
		PATH="$(abspath $(BIN)):$$PATH" \
		faketime -f '+$(FUTURE_DAYS)d' $(BIN)/pytest -n 2 -m 'not e2e' $(PYTEST_ARGS) $(FUTURE_TESTS)

# Schemathesis against a live server on a fresh database with the demo data, as a handler and
# an administrator (scripts/fuzz.sh): fails on a server error or a response the schema does not
# declare. The database: FUZZ_DATABASE_URL, else `<name>_fuzz` beside a PostgreSQL DATABASE_URL,
# else SQLite in a temporary folder. Reports in test-artifacts/fuzz/.
fuzz: venv
	FUZZ_EXAMPLES="$(FUZZ_EXAMPLES)" FUZZ_ARGS="$(FUZZ_ARGS)" VENV="$(VENV)" scripts/fuzz.sh

# mypy's Django plugin imports the settings: the development ones, whatever the environment.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@echo "mypy: $(words $(TYPED)) files (core/, services, selectors)"
	@DJANGO_ENV=development $(BIN)/mypy $(TYPED)

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Needs GNU gettext (xgettext, msgfmt) on the developer's machine only: the compiled .mo is
# committed, so installing or running the project never needs it.
messages: venv
	@mkdir -p locale
	$(MANAGE) makemessages -l zh_Hans --no-obsolete \
		--ignore='.venv/*' --ignore='var/*' --ignore='static/*' --ignore='tests/*' \
		--ignore='node_modules/*' --ignore='test-artifacts/*'
	$(MANAGE) compilemessages -l zh_Hans --ignore='.venv' --ignore='var' --ignore='node_modules'

bench: venv var-dirs
	$(MANAGE) bench $(BENCH_ARGS)
	$(MANAGE) bench_scan $(BENCH_SCAN_ARGS)
	$(MANAGE) bench_dashboard $(BENCH_DASHBOARD_ARGS)

# --- vendored front-end files (static/vendor/README.md) ----------------------------------

vendor:
	@command -v npm >/dev/null || { echo "make vendor needs npm" >&2; exit 1; }
	@set -euo pipefail; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	V="$(CURDIR)/static/vendor"; \
	cd "$$tmp"; \
	npm pack --silent bootstrap@$(BOOTSTRAP_VERSION) htmx.org@$(HTMX_VERSION) chart.js@$(CHARTJS_VERSION) \
		tom-select@$(TOMSELECT_VERSION) >/dev/null; \
	for f in *.tgz; do mkdir "$${f%.tgz}"; tar xzf "$$f" -C "$${f%.tgz}"; done; \
	B=bootstrap-$(BOOTSTRAP_VERSION)/package; H=htmx.org-$(HTMX_VERSION)/package; C=chart.js-$(CHARTJS_VERSION)/package; \
	T=tom-select-$(TOMSELECT_VERSION)/package; \
	mkdir -p "$$V/bootstrap/css" "$$V/bootstrap/js" "$$V/htmx" "$$V/chartjs" "$$V/tom-select/css" "$$V/tom-select/js"; \
	cp $$B/dist/css/bootstrap.min.css $$B/dist/css/bootstrap.min.css.map "$$V/bootstrap/css/"; \
	cp $$B/dist/js/bootstrap.bundle.min.js $$B/dist/js/bootstrap.bundle.min.js.map "$$V/bootstrap/js/"; \
	cp $$B/LICENSE "$$V/bootstrap/LICENSE"; \
	cp $$H/dist/htmx.min.js "$$V/htmx/"; cp $$H/LICENSE "$$V/htmx/LICENSE"; \
	cp $$C/dist/chart.umd.min.js $$C/dist/chart.umd.min.js.map "$$V/chartjs/"; \
	cp $$C/LICENSE.md "$$V/chartjs/LICENSE.md"; \
	cp $$T/dist/css/tom-select.bootstrap5.min.css $$T/dist/css/tom-select.bootstrap5.min.css.map "$$V/tom-select/css/"; \
	cp $$T/dist/js/tom-select.complete.min.js $$T/dist/js/tom-select.complete.min.js.map "$$V/tom-select/js/"; \
	cp $$T/LICENSE "$$V/tom-select/LICENSE"; \
	echo "static/vendor refreshed: bootstrap $(BOOTSTRAP_VERSION), htmx.org $(HTMX_VERSION), chart.js $(CHARTJS_VERSION), tom-select $(TOMSELECT_VERSION)"

clean:
	rm -rf .pytest_cache .ruff_cache .mypy_cache test-artifacts
