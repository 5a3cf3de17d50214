#!/usr/bin/env bash
# Load test of the work module's hot reads against a real `golive serve`
# on loopback (SQLite, no --demo): a project of 5,000 tasks, then wrk on
#   - GET /api/v1/projects/{id}/tasks?page=37  (a page of 50, bearer token)
#   - GET /projects/{id}/board                 (the kanban as it opens, session cookie)
# Targets (docs/benchmarks.md): ≥ 2,000 and ≥ 1,000 req/s with wrk -t2 -c16.
# Separate from scripts/load.sh (the platform's paths). About 60 s in all;
# needs wrk, curl, jq and python3. Usage:
#   bash scripts/load_work.sh         (DURATION=10s CONNS=16 THREADS=2 NTASKS=5000)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bin="$root/bin/golive"
DURATION="${DURATION:-10s}"
CONNS="${CONNS:-16}"
THREADS="${THREADS:-2}"
NTASKS="${NTASKS:-5000}"

for tool in wrk curl jq python3; do
  command -v "$tool" >/dev/null || { echo "load_work.sh: $tool is required" >&2; exit 1; }
done
if [ ! -x "$bin" ] || [ -n "$(find cmd internal go.mod -newer "$bin" -type f -print -quit)" ]; then
  make --no-print-directory build >&2
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/golive-load-work.XXXXXX")"
data="$tmp/data"
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

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
"$bin" serve --addr "127.0.0.1:$port" --data-dir "$data" >>"$tmp/serve.out" 2>>"$tmp/serve.log" &
pid=$!
for _ in $(seq 1 1500); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz" 2>/dev/null)" = 200 ] && break
  kill -0 "$pid" 2>/dev/null || { echo "load_work.sh: server exited:" >&2; cat "$tmp/serve.log" >&2; exit 1; }
  sleep 0.01
done

pw="load-test-password-1"
cli() { "$bin" "$@" --data-dir "$data" 2>>"$tmp/cli.log"; }
echo "$pw" | cli user create --email bench-admin@load.test --name "Bench Admin" --role admin --admin >/dev/null
echo "$pw" | cli user create --email bench-pm@load.test --name "Bench PM" --role pm >/dev/null
echo "$pw" | cli user create --email bench-dev@load.test --name "开发 小陈" --role developer >/dev/null
admin_tok="$(cli token create --email bench-admin@load.test --name load)"
pm_tok="$(cli token create --email bench-pm@load.test --name load)"

api() { # method path token [json]
  local out code
  out="$(curl -s -w '\n%{http_code}' -X "$1" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' ${4:+--data "$4"} "$base$2")"
  code="${out##*$'\n'}"
  case "$code" in 2??) printf '%s' "${out%$'\n'*}" ;; *) echo "load_work.sh: $1 $2 → $code: ${out%$'\n'*}" >&2; exit 1 ;; esac
}
company_id="$(api POST /api/v1/companies "$admin_tok" '{"name":"压测客户","kind":"customer"}' | jq -r .id)"
project_id="$(api POST /api/v1/projects "$pm_tok" "{\"code\":\"WORK-1\",\"name\":\"五千任务项目\",\"customer_company_id\":$company_id,\"product\":\"MES\",\"start_date\":\"2026-01-05\",\"golive_date\":\"2026-12-30\"}" | jq -r .id)"
dev_id="$(api GET /api/v1/users "$admin_tok" | jq -r '.[] | select(.email == "bench-dev@load.test") | .id')"
api POST "/api/v1/projects/$project_id/members" "$pm_tok" "{\"user_id\":$dev_id,\"role\":\"developer\"}" >/dev/null

# 5,000 tasks through the API (one keep-alive connection): statuses spread
# like a live project, assignees, labels, a checklist on every fifth, half
# of them visible to the customer.
t0="$(date +%s)"
python3 - "$base" "$pm_tok" "$project_id" "$dev_id" "$NTASKS" <<'PY'
import http.client, json, sys, urllib.parse
base, tok, project, dev, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
u = urllib.parse.urlparse(base)
c = http.client.HTTPConnection(u.hostname, u.port)
for i in range(1, n + 1):
    r = i % 20
    status = "todo" if r < 8 else "doing" if r < 11 else "review" if r < 13 else "done" if r < 19 else "cancelled"
    body = {"title": "实施任务 %04d：配置与验证" % i, "status": status, "priority": ["normal", "high", "low", "normal", "urgent"][i % 5],
            "start_date": "2026-02-02", "due_date": "2026-%02d-%02d" % (3 + i % 9, 1 + i % 28), "estimate_min": 480, "remaining_min": 240,
            "labels": [["配置"], ["接口", "报表"], ["数据迁移"], [], ["培训"]][i % 5], "customer_visible": i % 2 == 0,
            "assignee_ids": [dev]}
    if i % 5 == 0:
        body["checklist"] = [{"text": "检查项 1", "done": True}, {"text": "检查项 2"}, {"text": "检查项 3"}]
    c.request("POST", "/api/v1/projects/%d/tasks" % project, json.dumps(body),
              {"Authorization": "Bearer " + tok, "Content-Type": "application/json"})
    resp = c.getresponse()
    data = resp.read()
    if resp.status != 201:
        sys.exit("load_work.sh: task %d: %d %s" % (i, resp.status, data[:300]))
PY
seed_s=$(($(date +%s) - t0))

cookie="$(curl -s -o /dev/null -D - --data-urlencode "email=bench-pm@load.test" --data-urlencode "password=$pw" "$base/login" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: golive_session=\([^;]*\).*/\1/p')"
[ -n "$cookie" ] || { echo "load_work.sh: login gave no session cookie" >&2; exit 1; }

# Sanity before load.
total="$(api GET "/api/v1/projects/$project_id/tasks?page=37" "$pm_tok" | jq -r '.total, (.items | length)' | paste -sd' ')"
[ "$total" = "$NTASKS 50" ] || { echo "load_work.sh: task page: $total" >&2; exit 1; }
cards="$(curl -s -H "Cookie: golive_session=$cookie" "$base/projects/$project_id/board" | grep -o 'class="card-item' | wc -l)"
[ "$cards" -gt 100 ] || { echo "load_work.sh: board shows $cards cards" >&2; exit 1; }

declare -A rps lat_p50 lat_p99
run_wrk() { # name url header
  local out
  out="$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H "$3" "$2")"
  echo "$out" >"$tmp/wrk-$1.txt"
  if grep -q 'Non-2xx' <<<"$out"; then echo "load_work.sh: $1: non-2xx responses" >&2; echo "$out" >&2; exit 1; fi
  rps[$1]="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")"
  lat_p50[$1]="$(awk '$1=="50%" {print $2}' <<<"$out")"
  lat_p99[$1]="$(awk '$1=="99%" {print $2}' <<<"$out")"
}
run_wrk api_tasks "$base/api/v1/projects/$project_id/tasks?page=37" "Authorization: Bearer $pm_tok"
run_wrk board "$base/projects/$project_id/board" "Cookie: golive_session=$cookie"
rss_peak_kb="$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")"

verdict() { if awk "BEGIN {exit !($1)}"; then echo ok; else echo MISSED; fi; }
echo
echo "golive work load test — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPU, $("$bin" version), SQLite, load average $(cut -d' ' -f1 /proc/loadavg) before wrk"
echo "wrk -t$THREADS -c$CONNS -d$DURATION, 127.0.0.1, one project of $NTASKS tasks (seeded through the API in ${seed_s}s), $cards cards on the opening board"
echo
printf '%-52s %12s %10s %10s %10s  %s\n' "measure" "value" "p50" "p99" "target" ""
printf '%-52s %12s %10s %10s %10s  %s\n' "GET /api/v1/projects/{id}/tasks?page=37 (bearer)" "${rps[api_tasks]} req/s" "${lat_p50[api_tasks]}" "${lat_p99[api_tasks]}" "≥ 2000" "$(verdict "${rps[api_tasks]} >= 2000")"
printf '%-52s %12s %10s %10s %10s  %s\n' "GET /projects/{id}/board (session cookie)" "${rps[board]} req/s" "${lat_p50[board]}" "${lat_p99[board]}" "≥ 1000" "$(verdict "${rps[board]} >= 1000")"
printf '%-52s %12s\n' "RSS peak (VmHWM)" "$((rss_peak_kb / 1024)) MB"
