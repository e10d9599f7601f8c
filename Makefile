# Two commands: `make run` (development server, Celery worker and beat) and
# `make test` (lint, migrations check, pytest). Everything else is a helper.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv run serve test lint format bench bench-tasks bench-dashboard bench-reminders messages

help:
	@echo "make run       start the site on http://127.0.0.1:8000/ with a Celery worker and beat"
	@echo "make serve     the production settings locally: DEBUG off, collectstatic, gunicorn on 127.0.0.1:8000"
	@echo "make test      ruff, makemigrations --check and pytest (PYTEST_ARGS=... passes through)"
	@echo "make lint      ruff check and ruff format --check"
	@echo "make format    ruff format and ruff check --fix"
	@echo "make messages  makemessages, merge import-export's vi strings, compilemessages (needs gettext)"
	@echo "make bench     import benchmark"
	@echo "make bench-tasks  task list and review queue at 1,000,000 tasks (PostgreSQL)"
	@echo "make bench-dashboard  dashboard and synthesis benchmark (1,000,000 tasks)"
	@echo "make bench-reminders  reminder sweep benchmark (1,000,000 tasks)"

venv: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file is newer than the stamp.
$(STAMP): $(wildcard requirements*.txt) | $(PY)
	$(PY) -m pip install --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: venv
	deploy/run-dev.sh

serve: venv
	deploy/serve.sh

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

# Figures are for PostgreSQL: the machine's own unless DATABASE_URL says otherwise.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/reform_tracker
BENCH_ARGS ?=

bench: venv
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(PY) bench/import_findings.py $(BENCH_ARGS)

# A database of its own (created, filled once, then reused; never DATABASE_URL,
# which may be a development database).
BENCH_TASKS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench_tasks

bench-tasks: venv
	DATABASE_URL=$(BENCH_TASKS_DATABASE_URL) $(PY) bench/task_list.py $(BENCH_ARGS)
# Fills (once; kept with --keep) a scratch database bench_dashboard on the same server.
DASHBOARD_BENCH_ARGS ?= --db bench_dashboard --keep

bench-dashboard: venv
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(PY) bench/dashboard.py $(DASHBOARD_BENCH_ARGS)

bench-reminders: venv
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(PY) bench/reminders.py $(BENCH_ARGS)

# Needs gettext (apt-get install gettext). makemessages drops msgids that are
# not in our sources, so the Vietnamese for Django admin strings and for
# django-import-export's are kept in locale/vi/LC_MESSAGES/django_admin_vi.po and
# import_export_vi.po and merged back in with msgcat. django.po comes first: with
# --use-first msgcat takes the header (and its comment) from the first file.
# django_admin_vi.po precedes import_export_vi.po so that it wins a shared msgid.
# See locale/README.md; translate every new entry of locale/en before committing.
VI_MESSAGES := locale/vi/LC_MESSAGES

messages: venv
	@command -v msgcat >/dev/null || { echo "make messages needs gettext: apt-get install -y gettext" >&2; exit 1; }
	DEBUG=1 $(PY) manage.py makemessages -l en -l vi --no-obsolete \
		--ignore=.venv --ignore=staticfiles --ignore=bench --ignore=var --ignore=media --ignore=tests
	msgcat --use-first -o $(VI_MESSAGES)/django.po.merged \
		$(VI_MESSAGES)/django.po $(VI_MESSAGES)/django_admin_vi.po $(VI_MESSAGES)/import_export_vi.po
	mv $(VI_MESSAGES)/django.po.merged $(VI_MESSAGES)/django.po
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv
	rm -f $(VI_MESSAGES)/import_export_vi.mo $(VI_MESSAGES)/django_admin_vi.mo
