# Two commands: `make run` (development server, Celery worker and beat) and
# `make test` (lint, migrations check, pytest). Everything else is a helper.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv run test lint format bench messages

help:
	@echo "make run       start the site on http://127.0.0.1:8000/ with a Celery worker and beat"
	@echo "make test      ruff, makemigrations --check and pytest (PYTEST_ARGS=... passes through)"
	@echo "make lint      ruff check and ruff format --check"
	@echo "make format    ruff format and ruff check --fix"
	@echo "make messages  makemessages and compilemessages for vi and en"
	@echo "make bench     import benchmark"

venv: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file is newer than the stamp.
$(STAMP): $(wildcard requirements*.txt) | $(PY)
	$(PY) -m pip install --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: venv
	deploy/run-dev.sh

test: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: venv
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: venv
	$(PY) bench/import_findings.py

messages: venv
	DEBUG=1 $(PY) manage.py makemessages -l en -l vi --ignore=.venv
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv
