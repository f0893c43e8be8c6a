#!/usr/bin/env bash
# Load test of POST /v1/detect with wrk (Debian package `wrk`): a real `telltale serve` process on
# an embedded database, 64 connections, a 1,000-token watermarked text from the demo teacher.
# Usage: verifier-service/load/wrk-detect.sh [SECONDS] [CONNECTIONS]   (after building the CLI jar:
# ./mvnw -B -q -pl cli -am package -DskipTests)
# DATA=DIR serves from that data folder (made on first use) instead of a fresh one: its watermark
# key, hence the generated text, stays the same from run to run, so that two builds are compared
# on the same input (a fresh folder has a fresh random key, and texts differ in their normal forms
# and so in cost).
# KEYS=FILE serves with a copy of that key set in a fresh data folder: the same text every run, on
# an empty database (a data folder kept with DATA also keeps every run's audit rows, and the
# embedded database's file grows by gigabytes over a session of runs, which slows its commits).
# FLOOR=1 runs the same wrk load, afterwards, against FloorServer.java: one event loop that reads
# the same body and answers a real detection's bytes without doing any work (the floor that HTTP
# handling and wrk set on this machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-20}
conns=${2:-64}
jar=${JAR:-cli/target/telltale.jar}
work=$(mktemp -d); echo "work folder: $work"
port=${PORT:-18080}
floor=""
data=${DATA:-$work/data}
if [ -n "${KEYS:-}" ]; then
  mkdir -p "$data"
  cp "$KEYS" "$data/keys.json"
fi
# On exit the servers are stopped and waited for, so that a run right after this one finds the
# embedded database free.
trap 'kill "$server" $floor 2>/dev/null || true; wait 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

# The embedded database admits one process at a time: create the token before serving.
token=$(java -jar "$jar" tokens create --role investigator --data "$data" 2>/dev/null)
export TELLTALE_RATE_DETECT_BURST=1000000000 TELLTALE_RATE_DETECT_PER_MINUTE=1000000000
# One token drives every connection: let it queue as many requests as there are connections.
export TELLTALE_LIMITS_QUEUED_PER_TOKEN=1024
# The request counter at the end is read without a token (loopback only).
export TELLTALE_METRICS_PUBLIC=true
java ${SERVE_JAVA_OPTS:-} -jar "$jar" serve --port "$port" --data "$data" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.2
done
java -jar "$jar" generate --keys "$data/keys.json" --tokens 1000 --seed 7 >"$work/text.txt"
python3 -c 'import json,sys; print(json.dumps({"text": open(sys.argv[1]).read()}))' "$work/text.txt" >"$work/body.json"

cat >"$work/detect.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
local f = io.open("$work/body.json", "r")
wrk.body = f:read("*a")
f:close()
LUA

# Warm-up (JIT, pools, auth cache; WARMUP seconds, 5 by default: longer on a loaded machine,
# where the JIT compilers are still busy after 5 s), then the measured run.
wrk -t2 -c"$conns" -d"${WARMUP:-5}s" -s "$work/detect.lua" "http://127.0.0.1:$port/v1/detect" >/dev/null
# Server CPU per request (user + system ticks of the server process over the measured run): the
# figure that stays comparable when other work shares the machine and latency does not.
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
# Per-thread CPU ticks (name with digits folded, so the four event loops are one line).
threads() {
  for t in /proc/"$server"/task/*; do
    s=$(cat "$t/stat" 2>/dev/null) || continue
    name=$(tr -d '0-9' <"$t/comm" 2>/dev/null | sed 's/[ #-]*$//')
    rest=${s##*) }
    set -- $rest
    echo "$name	$((${12} + ${13}))"
  done
}
# The server's own latency histogram (/metrics), before and after: its share of requests within
# each bucket over the measured run, beside wrk's figures, which include the client's own waits.
buckets() {
  curl -fs "http://127.0.0.1:$port/metrics" \
    | grep -E '^telltale_http_request_duration_seconds_(bucket|count)\{route="/v1/detect"' || true
}
buckets >"$work/buckets.before"
threads >"$work/threads.before"
before=$(ticks)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$work/detect.lua" "http://127.0.0.1:$port/v1/detect" \
  | tee "$work/wrk.out"
after=$(ticks)
threads >"$work/threads.after"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
n=$(grep -oE '[0-9]+ requests in' "$work/wrk.out" | cut -d' ' -f1)
hz=$(getconf CLK_TCK)
awk -v t=$((after - before)) -v n="$n" -v hz="$hz" \
  'BEGIN { printf "server CPU per request: %.3f ms\n", t * 1000 / hz / n }'
# Where the server's CPU went, by thread (ms per request), e.g. scoring, event loop, audit, GC, JIT.
awk -F'\t' -v n="$n" -v hz="$hz" '
  FNR == NR { b[$1] += $2; next }
  { a[$1] += $2 }
  END { for (k in a) if (a[k] - b[k] > 0) printf "  %7.3f ms  %s\n", (a[k] - b[k]) * 1000 / hz / n, k }
' "$work/threads.before" "$work/threads.after" | sort -rn | head -12
# The same without the JIT compiler threads, still at work after a short warm-up on a busy machine.
awk -F'\t' -v n="$n" -v hz="$hz" '
  FNR == NR { b[$1] += $2; next }
  $1 !~ /CompilerThre/ { a[$1] += $2 }
  END { for (k in a) t += a[k] - b[k]; printf "server CPU per request without JIT threads: %.3f ms\n", t * 1000 / hz / n }
' "$work/threads.before" "$work/threads.after"
curl -fs "http://127.0.0.1:$port/metrics" \
  | grep -E '^telltale_http_requests_total\{route="/v1/detect"'
buckets >"$work/buckets.after"
awk '
  { key = $1; sub(/.*le="/, "", key); sub(/".*/, "", key); if ($1 ~ /_count/) key = "count" }
  FNR == NR { b[key] = $2; next }
  { a[key] = $2 - b[key] }
  END {
    n = a["count"]; if (n == 0) exit
    printf "server-side latency (from request to answer, /metrics):"
    split("0.005 0.01 0.025 0.05 0.1", les, " ")
    for (i = 1; i <= 5; i++) printf " <=%gms %.2f%%", les[i] * 1000, 100 * a[les[i]] / n
    printf "\n"
  }
' "$work/buckets.before" "$work/buckets.after"

if [ "${FLOOR:-0}" = 1 ]; then
  curl -fs -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
    --data-binary @"$work/body.json" "http://127.0.0.1:$port/v1/detect" >"$work/answer.json"
  kill "$server"
  wait "$server" 2>/dev/null || true
  fport=$((port + 1))
  java ${SERVE_JAVA_OPTS:-} -cp "$jar" verifier-service/load/FloorServer.java "$fport" "$work/answer.json" \
    >"$work/floor.log" 2>&1 &
  floor=$!
  for _ in $(seq 1 100); do
    grep -q 'floor server' "$work/floor.log" 2>/dev/null && break
    sleep 0.2
  done
  echo "floor: the same load against FloorServer ($(wc -c <"$work/answer.json") bytes answered)"
  wrk -t2 -c"$conns" -d5s -s "$work/detect.lua" "http://127.0.0.1:$fport/v1/detect" >/dev/null
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$work/detect.lua" "http://127.0.0.1:$fport/v1/detect"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
