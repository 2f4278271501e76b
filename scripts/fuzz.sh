#!/usr/bin/env bash
# make fuzz: Schemathesis over every operation of /api/schema/ against a live server on the
# demo data, as a handler (handler1) and as an administrator (admin); fails on any server
# error, undocumented status or content type, or response that does not match the schema.
#
#   1. a fresh database: FUZZ_DATABASE_URL, else `<name>_fuzz` beside a PostgreSQL
#      DATABASE_URL, else SQLite in a temporary folder (NUL bytes only fail on PostgreSQL);
#   2. migrate, seed_demo;
#   3. gunicorn on a free port (DEBUG off: the API's real error pages), in the background;
#   4. the two API tokens, got before any fuzzing (the token endpoint's random credentials
#      could otherwise lock the accounts); the identifiers of the demo data, which half of the
#      path parameters are drawn from (scripts/fuzz_config.py);
#   5. schemathesis as each user, the token endpoint and the session's operations (logouts,
#      the token list) excluded: they would revoke the token the run is using, and every
#      later request would get 401; then the session's operations alone with a token of
#      their own; then the token endpoint alone, without credentials, last. A user's run
#      fails when its token no longer works at its end: what came after was never tried;
#   6. stop the server and drop the database (trap), print the operations and cases run.
#
# Variables: FUZZ_EXAMPLES (cases per operation and phase, default 50), FUZZ_ARGS (more
# `schemathesis run` options, e.g. "--phases coverage,fuzzing --seed 1"), FUZZ_WORKERS (1:
# CPython 3.11's ast module is not thread-safe, and Hypothesis parses lambdas with it),
# FUZZ_DATABASE_URL, FUZZ_KEEP_DB=1 (keep the database and the reports).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
BIN="${VENV:-.venv}/bin"
PY="$ROOT/$BIN/python"
ST="$ROOT/$BIN/schemathesis"
EXAMPLES="${FUZZ_EXAMPLES:-50}"
WORKERS="${FUZZ_WORKERS:-1}"
CHECKS="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/xft-fuzz.XXXXXX")"
export VAR_DIR="$WORK/var"
mkdir -p "$VAR_DIR/celery/broker" "$VAR_DIR/celery/processed" "$VAR_DIR/celery/control"
REPORTS="${FUZZ_REPORTS:-$ROOT/test-artifacts/fuzz}"
mkdir -p "$REPORTS"

if [[ -n "${FUZZ_DATABASE_URL:-}" ]]; then
    DB_URL="$FUZZ_DATABASE_URL"
elif [[ "${DATABASE_URL:-}" == postgres* ]]; then
    DB_URL="$("$PY" -c 'import os, re; u = os.environ["DATABASE_URL"].split("?")[0]; print(re.sub(r"/([^/]*)$", lambda m: "/" + (m.group(1) or "xinfangtong") + "_fuzz", u))')"
else
    DB_URL="sqlite:///$WORK/fuzz.sqlite3"
    echo "fuzz: no PostgreSQL DATABASE_URL, fuzzing on SQLite ($DB_URL)" >&2
fi
export DATABASE_URL="$DB_URL"
unset DATABASE_REPLICA_URL
export DEBUG=false DJANGO_ENV=development LOG_LEVEL="${FUZZ_LOG_LEVEL:-ERROR}"
# The public query's per-address throttle would answer nearly every case 429: let the cases
# reach its logic (the per-number lock still applies).
export PUBLIC_QUERY_RATE="${FUZZ_PUBLIC_QUERY_RATE:-100000/minute}"

# Create or drop the PostgreSQL database of DATABASE_URL (through the server's `postgres`).
pg_database() {
    "$PY" - "$1" <<'PY'
import os
import sys

import environ
import psycopg

config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
if "postgresql" not in config["ENGINE"]:
    sys.exit(0)
name = config["NAME"]
conninfo = {
    "dbname": "postgres",
    "user": config.get("USER") or None,
    "password": config.get("PASSWORD") or None,
    "host": config.get("HOST") or None,
    "port": config.get("PORT") or None,
}
with psycopg.connect(autocommit=True, **{k: v for k, v in conninfo.items() if v}) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if sys.argv[1] == "create":
        conn.execute(f'CREATE DATABASE "{name}"')
PY
}

SERVER_PID=""
cleanup() {
    local rc=$?
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ "${FUZZ_KEEP_DB:-}" != 1 ]]; then
        pg_database drop || true
        rm -rf "$WORK"
    else
        echo "fuzz: kept $DATABASE_URL and $WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT INT TERM

echo "=== fuzz: fresh database, migrate, demo data ==="
pg_database create
"$PY" manage.py migrate --no-input -v 0
"$PY" manage.py seed_demo >"$WORK/seed.log"

PORT="${FUZZ_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
BASE="http://127.0.0.1:$PORT"
echo "=== fuzz: server on $BASE ==="
# No request-line limit: gunicorn's own HTML 400 for a long query string is the front server's
# answer, not the application's (which the fuzzing checks).
"$ROOT/$BIN/gunicorn" config.wsgi -b "127.0.0.1:$PORT" -w 2 --timeout 120 \
    --limit-request-line 0 --error-logfile "$REPORTS/server.log" >"$REPORTS/server.out" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
    "$PY" -c "import urllib.request; urllib.request.urlopen('$BASE/api/schema/', timeout=2)" \
        2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "fuzz: the server stopped" >&2; cat "$REPORTS/server.log" >&2; exit 1; }
    sleep 1
done

token() {  # token <username>: the API token of a demo account (password DEMO_PASSWORD)
    "$PY" - "$BASE" "$1" <<'PY'
import base64
import json
import sys
import urllib.parse
import urllib.request

from django.conf import settings

base, username = sys.argv[1:]
credentials = {"username": username, "password": settings.DEMO_PASSWORD}
# The credentials both in the form and as HTTP Basic: a token view reads one or the other.
basic = base64.b64encode(f"{username}:{settings.DEMO_PASSWORD}".encode()).decode()
request = urllib.request.Request(
    f"{base}/api/v1/auth/token/",
    urllib.parse.urlencode(credentials).encode(),
    headers={"Authorization": f"Basic {basic}"},
)
with urllib.request.urlopen(request, timeout=30) as answer:
    print(json.load(answer)["token"])
PY
}
export DJANGO_SETTINGS_MODULE=config.settings
token_works() {  # token_works <token>: whether the API still takes it
    "$PY" - "$BASE" "$1" <<'PY'
import sys
import urllib.error
import urllib.request

base, token = sys.argv[1:]
request = urllib.request.Request(
    f"{base}/api/v1/categories/", headers={"Authorization": f"Token {token}"}
)
try:
    urllib.request.urlopen(request, timeout=30)
except urllib.error.HTTPError:
    sys.exit(1)
PY
}

HANDLER_TOKEN="$(token handler1)"
ADMIN_TOKEN="$(token admin)"
# Path parameters drawn half of the time from the identifiers of the demo data each user sees.
"$PY" scripts/fuzz_config.py "$BASE" "$HANDLER_TOKEN" "$WORK/handler1.toml"
"$PY" scripts/fuzz_config.py "$BASE" "$ADMIN_TOKEN" "$WORK/admin.toml"
: >"$WORK/none.toml"

failed=0
summary=()
fuzz() {  # fuzz <label> <config> [schemathesis options...]
    local label="$1" config="$2"
    shift 2
    echo "=== fuzz: $label ==="
    local log="$REPORTS/$label.log"
    # In the work folder: Hypothesis and Schemathesis keep their caches in the current one.
    (cd "$WORK" && "$ST" --config-file "$config" run "$BASE/api/schema/" --checks "$CHECKS" \
        --max-examples "$EXAMPLES" --workers "$WORKERS" --no-color \
        --report junit --report-junit-path "$REPORTS/$label.xml" \
        "$@" ${FUZZ_ARGS:-}) 2>&1 | tee "$log" || failed=1
    local operations cases
    operations="$(grep -oE 'Tested: [0-9]+' "$log" | grep -oE '[0-9]+' | tail -1)"
    cases="$(grep -oE '[0-9]+ generated' "$log" | grep -oE '[0-9]+' | tail -1)"
    summary+=("$label: ${operations:-?} operations, ${cases:-?} cases, $(tail -1 "$log" | tr -d '=' | sed 's/^ *//')")
}

# The token endpoint and the operations that end a session (a logout, revoking a token by
# its id: the stateful phase finds the caller's own id in the token list) stay out of the
# users' runs; they would revoke the token the run is using.
SESSION_PATHS=(--exclude-path-regex '^/api/v1/auth/')
for user in handler1 admin; do
    [[ $user == handler1 ]] && user_token="$HANDLER_TOKEN" || user_token="$ADMIN_TOKEN"
    fuzz "$user" "$WORK/$user.toml" -H "Authorization: Token $user_token" "${SESSION_PATHS[@]}"
    if ! token_works "$user_token"; then
        echo "fuzz: $user's token was revoked during the run: what came after was not tried"
        failed=1
    fi
done
# The session's operations with a token of their own, got now (the runs above revoke the
# caller's other tokens): the logouts revoke it along the way, as they should.
SESSION_TOKEN="$(token handler1)"
fuzz session "$WORK/none.toml" -H "Authorization: Token $SESSION_TOKEN" \
    --include-path-regex '^/api/v1/auth/(logout|logout-all|tokens)/'

# Last: random credentials may lock accounts or this address out (login lockout).
fuzz token-endpoint "$WORK/none.toml" --include-path /api/v1/auth/token/

echo
echo "=== fuzz: summary ==="
printf '%s\n' "${summary[@]}"
if [[ $failed != 0 ]]; then
    echo "fuzz: FAILED (server errors or responses the schema does not declare; see $REPORTS)"
    exit 1
fi
echo "fuzz: passed"
