#!/usr/bin/env bash
# Starts a throwaway Pier on spare ports (its own data folder and cluster name), runs one benchmark against it,
# and stops it. Usage: bench/run.sh skeleton|terminal|sync [its args]   e.g. bench/run.sh skeleton --repls 20
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PIER_DATA=${PIER_DATA:-$(mktemp -d /tmp/pier-bench-XXXXXX)}
export PIER_EDGE_PORT=${PIER_EDGE_PORT:-18080} PIER_SCHEDULER_PORT=${PIER_SCHEDULER_PORT:-18081}
export PIER_NODE_PORT=${PIER_NODE_PORT:-18082} PIER_S3_PORT=${PIER_S3_PORT:-19000}
export PIER_CLUSTER_NAME=pier-bench-$$ PIER_CLUSTER_PORT=${PIER_CLUSTER_PORT:-15701}
"$REPO/pier" up > "$PIER_DATA/pier-up.log" 2>&1 &
pier_pid=$!
trap 'kill -TERM $pier_pid 2>/dev/null; wait $pier_pid 2>/dev/null || true' EXIT
for _ in $(seq 600); do
  grep -q "Pier is up" "$PIER_DATA/pier-up.log" 2>/dev/null && break
  kill -0 $pier_pid 2>/dev/null || { cat "$PIER_DATA/pier-up.log"; exit 1; }
  sleep 0.5
done
grep -q "Pier is up" "$PIER_DATA/pier-up.log" || { echo "Pier did not come up"; exit 1; }
bench=${1:?usage: bench/run.sh skeleton|terminal|sync [args]}
shift
case $bench in
  skeleton) python3 "$REPO/bench/skeleton.py" --port "$PIER_EDGE_PORT" "$@" ;;
  terminal) node --experimental-websocket "$REPO/bench/terminal.mjs" --port "$PIER_EDGE_PORT" "$@" ;;
  sync)
    # shellcheck disable=SC1091 # the secret pier up made for this data folder
    PIER_S3_SECRET_KEY=$(cat "$PIER_DATA/s3-secret") PIER_S3_ACCESS_KEY=pier \
      PIER_S3_ENDPOINT=http://127.0.0.1:$PIER_S3_PORT node --experimental-websocket "$REPO/bench/sync.mjs" "$@" ;;
  *) echo "unknown benchmark: $bench" >&2; exit 2 ;;
esac
