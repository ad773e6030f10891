# CityLearn: `make run` serves the site on SQLite with the seed data; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The newest Python >= 3.12 we can find: first on PATH, then under pyenv (whose shims may fail).
PYTHON ?= $(shell scripts/find-python 2>/dev/null)

.PHONY: help run test setup install migrate seed static superuser lint check browser-deps clean \
	security deploy-check audit lock bench soak-redis backup restore lighthouse messages messages-check

help:
	@echo "make run        set up everything (venv, install, migrate, seed) and serve http://$(HOST):$(PORT)/"
	@echo "make test       run the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set)"
	@echo "make superuser  create an admin account"
	@echo "make backup     back up the database into backups/; make restore FILE=... restores one"
	@echo "make lint       ruff check and format check"
	@echo "make messages   gather new interface strings into locale/ (make messages-check: all translated?)"
	@echo "make bench      benchmark the pages on PostgreSQL at tiers M and L (bench/run.py)"
	@echo "make lighthouse Lighthouse (mobile) on home, the catalogue and a practice page (bench/lighthouse.py)"
	@echo "make security   Django's deployment checklist and the dependency audit"

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
		echo "CityLearn needs Python 3.12 or newer and none was found (tried python3.13, python3.12, python3 and pyenv)." >&2; \
		echo "Install one (e.g. 'pyenv install 3.13') or run: make PYTHON=/path/to/python3.13 run" >&2; \
		exit 1; fi
	"$(PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml or requirements.lock changes.
# The lock file pins every package, so what runs is what `make audit` checked.
$(VENV)/.installed: pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

# A fresh clone is a development setup: .env (git-ignored, read by citylearn/settings.py) turns
# DEBUG on for every command run in this clone, through make or not. Production has no .env:
# it sets DJANGO_DEBUG=false (the default) and a secret key in its environment.
.env:
	printf '# Settings of this development clone, written by make (git-ignored). Production has no .env.\nDJANGO_DEBUG=true\n' > $@

# The compiled catalogues (.mo) are built from the .po files in the repository, not committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

install: $(VENV)/.installed .env $(MO_FILES)

locale/%.mo: locale/%.po
	@scripts/ensure-gettext
	msgfmt --check -o $@ $<

# make messages: gather new interface strings into locale/*/LC_MESSAGES/django.po (then translate
# them there); make messages-check: fail on any untranslated or fuzzy string, then compile.
messages: install
	$(PY) manage.py translations

messages-check: install
	$(PY) manage.py translations --check

setup: install migrate seed static

migrate: install
	$(PY) manage.py migrate --no-input

seed: install
	$(PY) manage.py seed

static: install
	$(PY) manage.py collectstatic --no-input -v0

run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

superuser: install migrate
	$(PY) manage.py createsuperuser

# One timestamped file with the whole database (DATABASE_URL) in backups/ (or BACKUP_DIR).
backup: install
	$(PY) manage.py backup_database

# make restore FILE=backups/<file>: asks, saves the database as it is, then restores FILE.
restore: install
	@if [ -z "$(FILE)" ]; then echo "Name the backup to restore: make restore FILE=backups/<file>" >&2; exit 2; fi
	$(PY) manage.py restore_database "$(FILE)"

browser-deps:
	@scripts/ensure-chromium

# pytest-xdist: one worker per core, each test file kept in one worker (its fixtures and its
# Chromium stay together). TEST_WORKERS=0 runs everything in this process. The 15 slowest tests
# are listed at the end, to see where the suite's time goes.
TEST_WORKERS ?= auto
test: install browser-deps
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --durations=15 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Needs PostgreSQL at DATABASE_URL (default: the local server); see bench/run.py for settings.
bench: install
	@command -v wrk >/dev/null || apt-get install -y wrk
	$(PY) bench/run.py

# 64 connections over the catalogue while a private Redis (port 6390) is stopped and started
# again; prints the 5xx count (zero expected). PostgreSQL at DATABASE_URL, as for make bench.
soak-redis: install
	@command -v wrk >/dev/null || apt-get install -y wrk
	$(PY) bench/soak_redis_outage.py

# Lighthouse 12 from npm, pinned, into a git-ignored folder (version 13 needs Node 22; this
# machine has 20). It drives Debian's Chromium, like the browser tests.
LIGHTHOUSE_VERSION := 12.8.2
LIGHTHOUSE := .tools/lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE):
	@command -v npm >/dev/null || { echo "make lighthouse needs Node.js 18 or newer with npm." >&2; exit 1; }
	npm install --prefix .tools/lighthouse --no-audit --no-fund --silent lighthouse@$(LIGHTHOUSE_VERSION)

# Serves the seeded database with production settings and gunicorn; see bench/lighthouse.py.
lighthouse: setup browser-deps $(LIGHTHOUSE)
	$(PY) bench/lighthouse.py

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# Django's deployment checklist under the production environment the README documents.
deploy-check: install
	DJANGO_DEBUG=false DJANGO_SECURE= DJANGO_ALLOWED_HOSTS=citylearn.example.org \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	$(PY) manage.py check --deploy --fail-level WARNING

# Known vulnerabilities in the pinned dependencies (see scripts/audit-dependencies for why
# it is not pip-audit on these machines).
audit:
	scripts/audit-dependencies requirements.lock

security: deploy-check audit

# Re-pin every dependency from a fresh environment built from pyproject.toml.
lock: | $(PY)
	rm -rf .lock-venv
	"$(PYTHON)" -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	{ echo "# Every package CityLearn and its tests run with, pinned. Regenerate with make lock."; \
	  .lock-venv/bin/pip freeze --exclude-editable; } > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
