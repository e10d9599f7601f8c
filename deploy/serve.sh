#!/usr/bin/env bash
# `make serve`: the production settings on this machine. DEBUG off, static
# files collected (hashed and compressed, served by WhiteNoise) and gunicorn
# on 127.0.0.1:8000 (RUNSERVER_ADDR changes it), with the Celery worker and
# beat of `make run`. The site is reached over plain HTTP here, so the
# HTTPS-only settings are relaxed unless set in the environment: a real
# deployment keeps them on (README, "Production").
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBUG=0
export DJANGO_SETTINGS_MODULE=reform_tracker.settings
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}"
export SESSION_COOKIE_SECURE="${SESSION_COOKIE_SECURE:-0}"
export CSRF_COOKIE_SECURE="${CSRF_COOKIE_SECURE:-0}"
export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
PY="${PY:-.venv/bin/python}"
VAR_DIR="${VAR_DIR:-var}"

# Production refuses to serve on the development key: without SECRET_KEY,
# one is made once and kept (readable by this user only), so that sessions
# survive a restart.
if [ -z "${SECRET_KEY:-}" ]; then
    key_file="$VAR_DIR/secret-key"
    if [ ! -s "$key_file" ]; then
        mkdir -p "$VAR_DIR"
        (umask 077 && "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$key_file")
    fi
    SECRET_KEY="$(cat "$key_file")"
    export SECRET_KEY
fi

"$PY" manage.py collectstatic --no-input -v 0
# The demo accounts (public password) are loaded into an empty database as by
# `make run`: this serves 127.0.0.1 only.
SERVER=gunicorn LOAD_DEMO_ARGS=--force exec deploy/run-dev.sh
