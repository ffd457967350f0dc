#!/usr/bin/env bash
# Load test of the public read paths with wrk on loopback: the advisory list, search (Chinese and
# English), one advisory, and a bare axum handler as the yardstick, in one run. SQLite by default;
# with --postgres URL the same on PostgreSQL (the database is seeded; use a scratch database).
#
#   benches/load.sh [--cases 100000] [--duration 15s] [--connections 64] [--postgres URL]
#
# Needs wrk (apt-get install wrk) and a release build (built here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
cases=100000 duration=15s connections=64 postgres=""
while [ $# -gt 0 ]; do
    case "$1" in
        --cases) cases="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --postgres) postgres="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --bin appvd --example bare -p appvd-cli -p appvd-web >/dev/null
bin="$target/release/appvd"
data="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$data"' EXIT
db=()
[ -n "$postgres" ] && db=(--database-url "$postgres")
"$bin" --data-dir "$data" "${db[@]}" db seed --cases "$cases"
"$bin" --data-dir "$data" "${db[@]}" serve --listen 127.0.0.1:18080 >/dev/null &
"$target/release/examples/bare" 127.0.0.1:18081 &
sleep 2

run() { # name url
    local out
    out=$(wrk -t2 -c"$connections" -d"$duration" --latency "$2")
    local rps p99
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    printf '%-44s %12s req/s   p99 %s\n' "$1" "$rps" "$p99"
}
backend=sqlite; [ -n "$postgres" ] && backend=postgres
echo "backend: $backend   cases: $cases   connections: $connections   duration: $duration"
run "bare axum handler" "http://127.0.0.1:18081/"
run "GET /api/v1/advisories (page 1)" "http://127.0.0.1:18080/api/v1/advisories"
run "GET /api/v1/advisories?grade=high&page=7" "http://127.0.0.1:18080/api/v1/advisories?grade=high&page=7"
run "GET /api/v1/advisories?q=越权访问" "http://127.0.0.1:18080/api/v1/advisories?q=%E8%B6%8A%E6%9D%83%E8%AE%BF%E9%97%AE"
run "GET /api/v1/advisories?q=webview" "http://127.0.0.1:18080/api/v1/advisories?q=webview"
run "GET /api/v1/advisories/BENCH-2025-00002" "http://127.0.0.1:18080/api/v1/advisories/BENCH-2025-00002"
run "GET / (HTML list page)" "http://127.0.0.1:18080/"
