# Shared Responsibility Trainer. `make run` serves the app; `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# Python 3.13 or 3.12: on PATH, or under pyenv (whose shims may refuse a version
# that is installed but not selected).
PYTHON_SYSTEM := $(shell for p in python3.13 python3.12 \
	$(HOME)/.pyenv/versions/3.13*/bin/python3 $(HOME)/.pyenv/versions/3.12*/bin/python3; do \
	  if $$p -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1; then \
	    echo $$p; break; fi; done)

.PHONY: run serve install install-dev migrate content admin test lint bench loadtest clean editor

$(BIN)/python:
	@test -n "$(PYTHON_SYSTEM)" || { echo "Python 3.12 or newer is required." >&2; exit 1; }
	$(PYTHON_SYSTEM) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

content: migrate
	$(BIN)/python manage.py load_content

run: content
	@echo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (stop with Ctrl-C)"
	@echo "To create an administrator, run: make admin"
	@echo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production mode on this machine: DEBUG off, hashed and compressed static files
# served by whitenoise, gunicorn behind nginx (scripts/serve.py, deploy/nginx.conf;
# nginx from the distribution), logs on stdout. Plain HTTP on loopback, so HTTPS
# redirects and Secure cookies are off here; set the DJANGO_* variables for real use.
SERVE_ENV = DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-local-serve-not-for-production-$$(hostname)-0123456789abcdef}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-false}" \
	DJANGO_SECURE_COOKIES="$${DJANGO_SECURE_COOKIES:-false}"

serve: content
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(BIN)/python scripts/serve.py --port $(PORT)

admin: migrate
	$(BIN)/python manage.py createsuperuser

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-dev lint
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

bench: install-dev
	$(BIN)/python benchmarks/iam_engine.py
	$(BIN)/python benchmarks/exercise_grading.py
	$(BIN)/python benchmarks/compare_search.py
	$(BIN)/python benchmarks/workshop_dashboard.py
	$(BIN)/python benchmarks/account_permissions.py

# 300 simulated trainees against gunicorn on SQLite and PostgreSQL (loopback only;
# about ten minutes). Prints the figures and exits non-zero when a target is missed.
loadtest: install-dev content
	$(BIN)/python benchmarks/slow_clients.py
	$(BIN)/python benchmarks/loadtest.py

# The policy editor's CodeMirror bundle and completion catalog, both committed:
# only this target needs Node and npm (versions pinned by the lockfile).
editor: install
	cd frontend/editor && npm ci --no-audit --no-fund && npm run build
	$(BIN)/python manage.py editor_catalog

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis .run
