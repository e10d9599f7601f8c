#!/usr/bin/env bash
# Development run: migrate, load the demo data once, then a Celery worker and
# beat in the background and runserver (or gunicorn, for `make serve`) in the
# foreground. Stopping the web server (Ctrl-C) or this script stops the
# worker and beat too.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBUG="${DEBUG:-1}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-reform_tracker.settings}"
PY="${PY:-.venv/bin/python}"
ADDR="${RUNSERVER_ADDR:-127.0.0.1:8000}"
VAR_DIR="${VAR_DIR:-var}"
LOG_DIR="$VAR_DIR/log"

# Demo accounts created by `manage.py load_demo`: "username|role".
DEMO_PASSWORD="demo12345"
DEMO_LOGINS=(
    "sonoivu|điều phối (coordinator), Sở Nội vụ"
    "sotuphap|cơ quan theo dõi (monitoring department), Sở Tư pháp"
    "lanhdao.stnmt|lãnh đạo cơ quan (agency leader), Sở Tài nguyên và Môi trường"
    "canbo.stnmt|cán bộ (agency officer), Sở Tài nguyên và Môi trường"
    "canbo.nahang|cán bộ (agency officer), UBND huyện Na Hang và các xã"
    "admin|quản trị hệ thống (administrator)"
)

mkdir -p "$VAR_DIR/celery/queue" "$VAR_DIR/celery/processed" "$VAR_DIR/celery/results" "$LOG_DIR"

"$PY" manage.py migrate --no-input

# Load the demo data the first time only: when the database has no user yet.
demo_state=$("$PY" manage.py shell -c '
from django.contrib.auth import get_user_model
from django.core.management import get_commands
if "load_demo" not in get_commands():
    print("missing")
else:
    print("loaded" if get_user_model().objects.exists() else "empty")
')
case "$demo_state" in
    # load_demo refuses without DEBUG unless forced: deploy/serve.sh forces it.
    *empty) "$PY" manage.py load_demo ${LOAD_DEMO_ARGS:-} ;;
    *missing) echo "warning: no load_demo command yet; starting without demo data" >&2 ;;
esac

pids=()
stop_all() {
    trap - EXIT INT TERM
    [ ${#pids[@]} -eq 0 ] && return
    echo "Stopping the web server, Celery worker and beat..."
    # The worker and beat stop their own children on SIGTERM (a warm shutdown
    # for the worker); runserver's autoreloaded child needs the signal itself.
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    if [ -n "${server_pid:-}" ]; then kill -TERM -- "-$server_pid" 2>/dev/null || true; fi
    for _ in $(seq 1 50); do
        alive=0
        for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
        [ "$alive" -eq 0 ] && return
        sleep 0.2
    done
    echo "Still running after 10 s: killing them." >&2
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Each process runs in its own process group (setsid): Ctrl-C reaches only
# this script, which stops them in stop_all, and a process left behind is
# killed with its whole group (prefork children, runserver's reloaded child).
setsid "$PY" -m celery -A reform_tracker worker -l info --concurrency 2 \
    >>"$LOG_DIR/celery-worker.log" 2>&1 &
pids+=($!)
setsid "$PY" -m celery -A reform_tracker beat -l info \
    >>"$LOG_DIR/celery-beat.log" 2>&1 &
pids+=($!)

echo
echo "  Site:   http://$ADDR/   (login: http://$ADDR/dang-nhap/, admin: http://$ADDR/admin/)"
echo "  Logs:   $LOG_DIR/celery-worker.log, $LOG_DIR/celery-beat.log"
echo "  Demo logins (password: $DEMO_PASSWORD):"
for entry in "${DEMO_LOGINS[@]}"; do
    printf '    %-15s %s\n' "${entry%%|*}" "${entry#*|}"
done
echo

# deploy/serve.sh (`make serve`) sets SERVER=gunicorn, with the production settings.
if [ "${SERVER:-runserver}" = gunicorn ]; then
    setsid "$PY" -m gunicorn reform_tracker.wsgi:application --bind "$ADDR" \
        --workers "${WEB_CONCURRENCY:-2}" --access-logfile - --no-control-socket </dev/null &
else
    setsid "$PY" manage.py runserver "$ADDR" </dev/null &
fi
server_pid=$!
pids+=("$server_pid")
# `wait` (unlike a foreground command) lets the INT/TERM traps run at once.
wait "$server_pid"
