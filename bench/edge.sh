#!/usr/bin/env bash
# Issue 16's edge benchmark, against the throwaway Pier `bench/run.sh edge` started (its PIER_* variables, PIER_TOKEN,
# PIER_BENCH_CLASSPATH):
#   1. preview throughput and latency: wrk through the edge to a `node` repl's preview, and, as the floor, wrk through
#      nginx (a config of its own in a temporary folder, run in the foreground on a spare loopback port) proxying to
#      the same container's published port with upstream keep-alive; each run twice, alternating; the edge's RSS
#   2. idle memory: N idle IDE sessions through the edge (IdleSessionsBenchmark), the edge's RSS with them open
#   3. route changes: the repl's route moved in the cluster and back, until the edge serves the new place
#      (RouteChangeBenchmark), beside the cluster's own change event
# Arguments: [sessions (default 10000, capped by the open-file limit)] [wrk seconds (10)] [route rounds (40)]
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sessions=${1:-10000}
seconds=${2:-10}
rounds=${3:-40}
# How long the edge is warmed before it is measured: its JIT compilers are still busy after 10 s of load on 2 cores.
warmup=${PIER_BENCH_EDGE_WARMUP:-10}
apex=${PIER_DOMAIN:-pier.localhost}
port=$PIER_EDGE_PORT
nginx_port=${PIER_BENCH_NGINX_PORT:-18090}
command -v wrk >/dev/null && command -v nginx >/dev/null || apt-get install -y wrk nginx >/dev/null

api() { curl -sf -X "$1" "http://127.0.0.1:$port$2" -H "Host: $apex" -H "Authorization: Bearer $PIER_TOKEN" "${@:3}"; }
slug=$(api POST /api/repls -H 'Content-Type: application/json' -d '{"template":"node"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["slug"])')
api POST "/api/repls/$slug/start" >/dev/null
preview="$slug.$apex"
container=$(docker ps -q --filter "label=pier.slug=$slug" | head -1)
app_port=$(docker port "$container" 3000/tcp | head -1 | sed 's/.*://')
edge_pid=$(ss -Hltnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
echo "[edge] repl $slug, container ${container:0:12} published on 127.0.0.1:$app_port; edge pid $edge_pid"

work=$(mktemp -d /tmp/pier-bench-nginx-XXXXXX)
mkdir -p "$work/logs"
cat >"$work/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream app { server 127.0.0.1:$app_port; keepalive 32; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
    }
  }
}
EOF
nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
trap 'kill -TERM $nginx_pid 2>/dev/null || true; wait $nginx_pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$nginx_port/" && break; sleep 0.1; done

# CPU time (ms) of processes so far, user and system, from /proc.
cpu_ms() {
  local total=0 pid
  for pid in "$@"; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat") * 1000 / $(getconf CLK_TCK)))
  done
  echo $total
}
# wrk through port $1 with Host $2; prints "req/s p99-ms non-2xx requests" and, when pids follow, the CPU they
# used per request in microseconds: a figure that other work on the machine changes less than the throughput.
measure() {
  local port=$1 host=$2 before after
  shift 2
  before=$(cpu_ms "$@")
  wrk -t2 -c32 -d"${seconds}s" --latency -H "Host: $host" "http://127.0.0.1:$port/" >"$work/wrk.out"
  after=$(cpu_ms "$@")
  awk -v cpu=$((after - before)) '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 } /Non-2xx/ { bad = $NF } / requests in / { n = $1 }
    END { printf "%.0f %.2f %d %.0f\n", rps, p99, bad + 0, (n > 0 ? cpu * 1000 / n : 0) }' "$work/wrk.out"
}
# What the edge burns with no request at all (cluster heartbeats, metrics, timers), over 5 s: at a few hundred
# requests a second this is a fair part of the CPU per request printed below.
idle_before=$(cpu_ms "$edge_pid")
sleep 5
echo "[edge] edge CPU with no requests: $((($(cpu_ms "$edge_pid") - idle_before) / 5)) ms per second"
# Warm both (the JIT compiles the edge's hot path for its first ten seconds or so on a busy machine; pools, near
# cache) before measuring.
wrk -t2 -c32 -d"${warmup}s" -H "Host: $preview" "http://127.0.0.1:$port/" >/dev/null
wrk -t2 -c32 -d10s -H "Host: $preview" "http://127.0.0.1:$nginx_port/" >/dev/null
nginx_pids=("$nginx_pid" $(pgrep -P "$nginx_pid"))
for round in 1 2; do
  python3 "$REPO/bench/threads.py" snapshot "$edge_pid" "$work/threads"
  read -r e_rps e_p99 e_bad e_cpu < <(measure "$port" "$preview" "$edge_pid")
  echo "[edge] round $round: the edge's CPU by thread kind"
  python3 "$REPO/bench/threads.py" diff "$edge_pid" "$work/threads"
  read -r n_rps n_p99 n_bad n_cpu < <(measure "$nginx_port" "$preview" "${nginx_pids[@]}")
  printf '[edge] preview round %d (wrk -t2 -c32 -d%ss): edge %s req/s p99 %s ms (non-2xx %s, CPU %s us/request) | nginx %s req/s p99 %s ms (non-2xx %s, CPU %s us/request) | ratio %.2f, p99 difference %+.2f ms\n' \
    "$round" "$seconds" "$e_rps" "$e_p99" "$e_bad" "$e_cpu" "$n_rps" "$n_p99" "$n_bad" "$n_cpu" \
    "$(echo "$e_rps / $n_rps" | bc -l)" "$(echo "$e_p99 - $n_p99" | bc -l)"
done
# PIER_BENCH_EDGE_SYSCALLS=1: the system calls per request of each, counted by `strace -c` over 5 s of the same load
# (strace slows what it watches: these rounds give counts, not speed).
syscalls() {
  local port=$1 label=$2 n
  shift 2
  strace -c -f $(printf -- '-p %s ' "$@") -o "$work/strace.txt" 2>/dev/null &
  local tracer=$!
  sleep 1
  wrk -t2 -c32 -d5s -H "Host: $preview" "http://127.0.0.1:$port/" >"$work/wrk-strace.out"
  kill -INT $tracer
  wait $tracer 2>/dev/null || true
  n=$(awk '/ requests in / {print $1}' "$work/wrk-strace.out")
  awk -v n="$n" -v label="$label" '
    $NF ~ /^(read|write|readv|writev|recvfrom|sendto|recvmsg|sendmsg|epoll_wait|epoll_pwait|epoll_pwait2|epoll_ctl|gettid)$/ {
      out = out sprintf(" %s %.2f", $NF, $4 / n) }
    END { printf "[edge] %s system calls per request (strace -c, %d requests):%s\n", label, n, out }' "$work/strace.txt"
}
if [[ ${PIER_BENCH_EDGE_SYSCALLS:-0} == 1 ]]; then
  command -v strace >/dev/null || apt-get install -y strace >/dev/null
  syscalls "$port" edge "$edge_pid"
  syscalls "$nginx_port" nginx "${nginx_pids[@]}"
fi
echo "[edge] edge RSS after load: $(($(grep VmRSS "/proc/$edge_pid/status" | tr -dc 0-9) / 1024)) MiB"
kill -TERM $nginx_pid; wait $nginx_pid 2>/dev/null || true

cp=$PIER_BENCH_CLASSPATH
java_opts=(--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  -Dhazelcast.phone.home.enabled=false -Dhazelcast.logging.type=slf4j)
# Each relayed session holds two sockets in the edge (client and node-agent side) and one here: the edge's open-file
# limit caps how many can be open at once.
limit=$(grep 'Max open files' "/proc/$edge_pid/limits" | awk '{print $4}')
max_sessions=$(((limit - 500) / 2))
if ((sessions > max_sessions)); then
  echo "[edge] the edge's open-file limit is $limit: $sessions sessions need $((2 * sessions)) sockets; opening $max_sessions"
  sessions=$max_sessions
fi
status=0
java "${java_opts[@]}" -cp "$cp" io.pier.edge.bench.IdleSessionsBenchmark \
  "$port" "$apex" "$slug" "$PIER_TOKEN" "$sessions" "$edge_pid" || { echo "[edge] some sessions failed"; status=1; }
java "${java_opts[@]}" -cp "$cp" io.pier.edge.bench.RouteChangeBenchmark "$port" "$preview" "$slug" "$rounds" ||
  status=1
api DELETE "/api/repls/$slug" >/dev/null || echo "[edge] could not delete $slug"
exit $status
