#!/usr/bin/env bash
# Load test against a real `golive serve` on loopback (SQLite, no --demo):
# cold start to ready, wrk on the three hot read paths, idle RSS.
# Bounded: about 40 s in all. Needs wrk, curl and jq. Usage:
#   bash scripts/load.sh            (DURATION=10s CONNS=16 THREADS=2 by default)
# The figures it prints are what docs/benchmarks.md records.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bin="$root/bin/golive"
DURATION="${DURATION:-10s}"
CONNS="${CONNS:-16}"
THREADS="${THREADS:-2}"
NPROJECTS=50

for tool in wrk curl jq; do
  command -v "$tool" >/dev/null || { echo "load.sh: $tool is required (apt-get install $tool)" >&2; exit 1; }
done

# Build when the binary is missing or older than any Go source or template.
if [ ! -x "$bin" ] || [ -n "$(find cmd internal go.mod -newer "$bin" -type f -print -quit)" ]; then
  make --no-print-directory build >&2
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/golive-load.XXXXXX")"
data="$tmp/data"
log="$tmp/serve.log"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback port: the kernel picks one, we release it and use it.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  echo $((20000 + RANDOM % 20000)))"
base="http://127.0.0.1:$port"

now_ms() { date +%s%3N; }

# start_server: launches serve in the background, waits for /readyz = 200,
# sets pid and ready_ms (process start → first 200 from /readyz).
start_server() {
  local t0 deadline
  t0="$(now_ms)"
  "$bin" serve --addr "127.0.0.1:$port" --data-dir "$data" >>"$tmp/serve.out" 2>>"$log" &
  pid=$!
  deadline=$((t0 + 15000))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz" 2>/dev/null)" = 200 ]; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "load.sh: server exited:" >&2; cat "$log" >&2; exit 1; fi
    if [ "$(now_ms)" -gt "$deadline" ]; then echo "load.sh: server not ready after 15 s" >&2; exit 1; fi
    sleep 0.005
  done
  ready_ms=$(($(now_ms) - t0))
}

stop_server() {
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }

# 1. Cold start on an empty data directory (migrations + first administrator).
start_server
cold_first_ms=$ready_ms
cold_first_log=$(grep -o 'startup_ms=[0-9]*' "$log" | tail -1 | cut -d= -f2)
stop_server
# 2. Cold start of a new process on the now existing database.
start_server
cold_ms=$ready_ms
cold_log=$(grep -o 'startup_ms=[0-9]*' "$log" | tail -1 | cut -d= -f2)
sleep 1
rss_start_kb=$(rss_kb)

# 3. Accounts and tokens through the CLI (a second process on the same
#    SQLite file, as an operator would do while the server runs).
pw="load-test-password-1"
cli() { "$bin" "$@" --data-dir "$data" 2>>"$tmp/cli.log"; }
echo "$pw" | cli user create --email bench-admin@load.test --name "Bench Admin" --role admin --admin >/dev/null
echo "$pw" | cli user create --email bench-pm@load.test --name "Bench PM" --role pm >/dev/null
admin_tok="$(cli token create --email bench-admin@load.test --name load)"
pm_tok="$(cli token create --email bench-pm@load.test --name load)"

api() { # method path token [json]
  local out code
  out="$(curl -s -w '\n%{http_code}' -X "$1" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' ${4:+--data "$4"} "$base$2")"
  code="${out##*$'\n'}"
  case "$code" in 2??) printf '%s' "${out%$'\n'*}" ;; *) echo "load.sh: $1 $2 → $code: ${out%$'\n'*}" >&2; exit 1 ;; esac
}

# 4. A customer company (administrators only) and 50 projects owned by the PM.
company_id="$(api POST /api/v1/companies "$admin_tok" '{"name":"压测客户","kind":"customer"}' | jq -r .id)"
first_id=""
for i in $(seq -w 1 "$NPROJECTS"); do
  id="$(api POST /api/v1/projects "$pm_tok" "{\"code\":\"LOAD-$i\",\"name\":\"压测项目 $i\",\"customer_company_id\":$company_id,\"product\":\"MES\",\"budget_minor\":${i#0}00000,\"start_date\":\"2026-01-05\",\"golive_date\":\"2026-06-30\"}" | jq -r .id)"
  first_id="${first_id:-$id}"
done

# 5. A session through the login form.
cookie="$(curl -s -o /dev/null -D - --data-urlencode "email=bench-pm@load.test" --data-urlencode "password=$pw" "$base/login" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: golive_session=\([^;]*\).*/\1/p')"
[ -n "$cookie" ] || { echo "load.sh: login gave no session cookie" >&2; exit 1; }

# Sanity: each endpoint answers 200 with what we expect before it is loaded.
n="$(curl -s -H "Cookie: golive_session=$cookie" "$base/projects" | grep -o 'LOAD-[0-9]*' | sort -u | wc -l)"
[ "$n" -eq "$NPROJECTS" ] || { echo "load.sh: /projects shows $n of $NPROJECTS projects" >&2; exit 1; }
[ "$(api GET "/api/v1/projects/$first_id" "$pm_tok" | jq -r .code)" = "LOAD-01" ] || { echo "load.sh: project read failed" >&2; exit 1; }

# 6. wrk on each endpoint. wrk reports non-2xx answers; any is a failure.
declare -A rps lat_p50 lat_p99
run_wrk() { # name url header
  local out
  out="$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H "$3" "$2")"
  echo "$out" >"$tmp/wrk-$1.txt"
  if grep -q 'Non-2xx' <<<"$out"; then echo "load.sh: $1: non-2xx responses" >&2; echo "$out" >&2; exit 1; fi
  rps[$1]="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")"
  lat_p50[$1]="$(awk '$1=="50%" {print $2}' <<<"$out")"
  lat_p99[$1]="$(awk '$1=="99%" {print $2}' <<<"$out")"
}
run_wrk api_get "$base/api/v1/projects/$first_id" "Authorization: Bearer $pm_tok"
run_wrk page_list "$base/projects" "Cookie: golive_session=$cookie"
run_wrk api_list "$base/api/v1/projects" "Authorization: Bearer $pm_tok"
rss_peak_kb="$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")"

# 7. Idle RSS once the load has settled (the Go scavenger returns freed
#    heap to the OS over a few seconds).
sleep 5
rss_idle_kb=$(rss_kb)

verdict() { if awk "BEGIN {exit !($1)}"; then echo ok; else echo MISSED; fi; }
echo
echo "golive load test — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPU, $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $("$bin" version), SQLite"
echo "wrk -t$THREADS -c$CONNS -d$DURATION, 127.0.0.1, PM account on $NPROJECTS projects"
echo
printf '%-46s %12s %10s %10s %10s  %s\n' "measure" "value" "p50" "p99" "target" ""
printf '%-46s %12s %10s %10s %10s  %s\n' "GET /api/v1/projects/{id} (bearer token)" "${rps[api_get]} req/s" "${lat_p50[api_get]}" "${lat_p99[api_get]}" "≥ 6500" "$(verdict "${rps[api_get]} >= 6500")"
printf '%-46s %12s %10s %10s %10s  %s\n' "GET /projects, 50 projects (session cookie)" "${rps[page_list]} req/s" "${lat_p50[page_list]}" "${lat_p99[page_list]}" "≥ 2000" "$(verdict "${rps[page_list]} >= 2000")"
printf '%-46s %12s %10s %10s %10s  %s\n' "GET /api/v1/projects, 50 projects (bearer)" "${rps[api_list]} req/s" "${lat_p50[api_list]}" "${lat_p99[api_list]}" "—" ""
printf '%-46s %12s %10s %10s %10s  %s\n' "cold start to ready, empty data dir" "$cold_first_ms ms" "" "" "< 1000" "$(verdict "$cold_first_ms < 1000") (log startup_ms=$cold_first_log)"
printf '%-46s %12s %10s %10s %10s  %s\n' "cold start to ready, existing database" "$cold_ms ms" "" "" "< 1000" "$(verdict "$cold_ms < 1000") (log startup_ms=$cold_log)"
printf '%-46s %12s %10s %10s %10s  %s\n' "RSS idle after start" "$((rss_start_kb / 1024)) MB" "" "" "< 60" "$(verdict "$rss_start_kb < 61440")"
printf '%-46s %12s %10s %10s %10s  %s\n' "RSS idle 5 s after the load" "$((rss_idle_kb / 1024)) MB" "" "" "< 60" "$(verdict "$rss_idle_kb < 61440")"
printf '%-46s %12s %10s %10s %10s  %s\n' "RSS peak (VmHWM)" "$((rss_peak_kb / 1024)) MB" "" "" "" ""
