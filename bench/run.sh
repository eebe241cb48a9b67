#!/usr/bin/env bash
# Runs one benchmark and prints its figures (docs/benchmarks.md records them with this command).
#   bench/run.sh skeleton|terminal|sync|stacks [args]  start a throwaway Pier on spare ports (its own data folder and
#                                               cluster name), run the benchmark against it, stop it
#   bench/run.sh memory [--repls N]             the node-agent's resident memory with N idle repls (50), each idle
#                                               repl's memory beside the same app under bare `docker run`
#   bench/run.sh placement [placements]         the real placement code over a table of fake nodes, no Pier needed:
#                                               sampled beside every node checked, 1,000 and 10,000 nodes
#   bench/run.sh workspace-start [rounds]        a repl's start with a workspace filesystem against a plain folder
#   bench/run.sh warm-start [rounds]             a repl's start from the node's pool of spare containers beside a cold
#                                               start, docker exec into a running container and a bare docker run
#   bench/run.sh fork [rounds]                  a fork's copy of 1,000 files / 50 MB beside `aws s3 cp --recursive`, same S3
#   bench/run.sh restore [rounds] [threads]     a restore alone (1,000 files / 50 MB) beside `aws s3 sync`, same S3
#   bench/run.sh failover [rounds]              SIGKILL a node-agent of a 3-node fleet on loopback, time recovery
#   bench/run.sh sessions [n] [cycles] [repls]  n IDE sessions with terminals through one edge to repls on one node,
#                                               previews alongside, ended in every way, back to idle (issue 13)
#   bench/run.sh soak [minutes] [users] [repls] the same edge under a constant mix (typing, saves, terminals, previews,
#                                               starts and stops); every save must equal what S3 holds after
#   bench/run.sh edge [sessions] [seconds] [rounds]  preview throughput and p99 through the edge beside nginx proxying
#                                               to the same container, the edge's RSS with idle IDE sessions open, and
#                                               how fast a moved route reaches the edge (issue 16; bench/edge.sh)
#   bench/run.sh exec [rounds]                  an exec of `true` through the edge (POST /api/repls/<slug>/exec) beside
#                                               `docker exec <container> true` into the same repl container (issue 17)
#   bench/run.sh e2b [rounds]                   create -> first command through the unchanged E2B SDK (npm e2b, TLS on
#                                               the edge) beside Pier's own API (create, start, exec) in the same run
#   bench/run.sh files [rounds]                 a 100 MiB tar up into a repl and down through the edge's archive API
#                                               beside docker cp into and out of the same container (issue 17)
#   bench/run.sh search [rounds]                the IDE's search (fs.search) and Go to file (fs.files) over a session on
#                                               10,000 files, beside docker exec grep -rn / find in the same container
#   bench/run.sh isolation                      the hostile-repl, workspace-quota and gVisor integration tests
#                                               (real Docker), printing the figures they measure on the way
# Build first (./pier up once, or mvn -DskipTests install).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=${1:?usage: bench/run.sh skeleton|terminal|sync|stacks|memory|edge|files|e2b|placement|workspace-start|warm-start|restore|fork|failover|exec|sessions|soak|isolation [args]}
shift

# The test classpath of a module, for benchmarks that use its test code.
test_classpath() {
  local module=$1 file
  file=$(mktemp)
  (cd "$REPO" && mvn -q -o -pl "$module" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$file") >&2
  echo "$REPO/$module/target/test-classes:$REPO/$module/target/classes:$(cat "$file")"
  rm -f "$file"
}

# The same from a reactor build of this checkout (nothing installed into the local Maven repository, which other
# checkouts may share): the module's dependencies on Pier's own modules resolve to their target/classes.
reactor_test_classpath() {
  local module=$1 file
  file=$(mktemp)
  (cd "$REPO" && mvn -q -o -pl "$module" -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$file") >&2
  echo "$REPO/$module/target/test-classes:$REPO/$module/target/classes:$(cat "$file")"
  rm -f "$file"
}

case $bench in
  placement)
    exec java -cp "$(test_classpath scheduler)" io.pier.scheduler.bench.PlacementBenchmark "$@" ;;
  workspace-start)
    # A node-agent's ReplHost on this machine's dockerd, as root (loop-mounted workspaces).
    exec java --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
      -Djna.tmpdir=/tmp/pier-bench-pty -Dhazelcast.phone.home.enabled=false \
      -cp "$(reactor_test_classpath node-agent)" io.pier.node.WorkspaceStartBenchmark "$@" ;;
  warm-start)
    # A node-agent's ReplHost on this machine's dockerd with a pool of spares, beside one without; the repls are
    # the node template's (files, run command, image, limits).
    exec java --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
      -Djna.tmpdir=/tmp/pier-bench-pty -Dhazelcast.phone.home.enabled=false -Dpier.repo.root="$REPO" \
      -cp "$(reactor_test_classpath node-agent)" io.pier.node.WarmStartBenchmark "$@" ;;
  fork)
    # The embedded S3 server and a fork's storage copy in one JVM.
    exec java -cp "$(reactor_test_classpath scheduler)" io.pier.scheduler.ForkBenchmark "$@" ;;
  restore)
    # The embedded S3 server and a node-agent's restore in one JVM, as root (loop-mounted workspaces).
    exec java -cp "$(reactor_test_classpath node-agent)" io.pier.node.RestoreBenchmark "$@" ;;
  exec)
    # Scheduler, node-agent (real dockerd) and edge in one JVM on loopback, as the e2e tests run them.
    exec java --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
      -Dhazelcast.phone.home.enabled=false -Dhazelcast.logging.type=slf4j -Dpier.repo.root="$REPO" \
      -Djdk.httpclient.allowRestrictedHeaders=host -Djna.tmpdir=/tmp/pier-bench-pty \
      -cp "$(reactor_test_classpath e2e)" io.pier.e2e.ExecBenchmark "$@" ;;
  e2b)
    # Scheduler, node-agent and edge (TLS on 443 of a loopback address of its own, as root) in one JVM; Node runs
    # the SDK (e2e/src/test/e2b-sdk/latency.mjs, npm ci from the lock file).
    exec java --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
      -Dhazelcast.phone.home.enabled=false -Dhazelcast.logging.type=slf4j -Dpier.repo.root="$REPO" \
      -Djna.tmpdir=/tmp/pier-bench-pty -cp "$(reactor_test_classpath e2e)" io.pier.e2e.E2bLatencyBenchmark "$@" ;;
  files)
    exec java --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
      -Dhazelcast.phone.home.enabled=false -Dhazelcast.logging.type=slf4j -Dpier.repo.root="$REPO" \
      -Djdk.httpclient.allowRestrictedHeaders=host -Djna.tmpdir=/tmp/pier-bench-pty \
      -cp "$(reactor_test_classpath e2e)" io.pier.e2e.FilesTransferBenchmark "$@" ;;
  search)
    exec java --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
      -Dhazelcast.phone.home.enabled=false -Dhazelcast.logging.type=slf4j -Dpier.repo.root="$REPO" \
      -Djdk.httpclient.allowRestrictedHeaders=host -Djna.tmpdir=/tmp/pier-bench-pty \
      -cp "$(reactor_test_classpath e2e)" io.pier.e2e.SearchBenchmark "$@" ;;
  failover)
    exec java --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
      -Dhazelcast.phone.home.enabled=false -Dpier.repo.root="$REPO" -Djdk.httpclient.allowRestrictedHeaders=host \
      -cp "$(test_classpath e2e)" io.pier.e2e.bench.FailoverBenchmark "$@" ;;
  sessions|soak)
    # Scheduler, node-agent (real dockerd), edge and the clients in one JVM on loopback; the heap is sized so that the
    # idle-memory check measures what stays, not what a lazy GC left. PIER_BENCH_JAVA_OPTS=-Dpier.bench.histogram=true
    # prints the heap's class histogram after the first and last cycle.
    [ "$bench" = soak ] && set -- soak "$@"
    exec java -Xmx${PIER_BENCH_HEAP:-1g} ${PIER_BENCH_JAVA_OPTS:-} --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
      -Dhazelcast.phone.home.enabled=false -Dhazelcast.logging.type=slf4j -Dpier.repo.root="$REPO" \
      -Djdk.httpclient.allowRestrictedHeaders=host -Djna.tmpdir=/tmp/pier-bench-pty \
      -cp "$(reactor_test_classpath e2e)" io.pier.e2e.bench.ManySessionsBenchmark "$@" ;;
  isolation)
    # These measurements need what the tests set up (a fork bomb next door, a runsc runtime); the tests print them
    # on lines starting with [hostile] and [gvisor]. The workspace filesystem's cost: bench/run.sh workspace-start.
    cd "$REPO"
    its=(-Dpier.it=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false)
    mvn -B -o verify -pl e2e "${its[@]}" -Dit.test='HostileReplIT,GvisorIT' 2>&1 |
      grep -E '^\[(hostile|gvisor)\]|Tests run:.*Fail|BUILD'
    exit "${PIPESTATUS[0]}" ;;
  skeleton|terminal|sync|stacks) ;;
  memory)
    # One user and one node with room for the repls (the product's per-user limits are far lower); limits are caps,
    # so the node may promise more memory than it has to hold 50 idle repls of 512 MiB.
    export PIER_MAX_REPLS_PER_USER=100 PIER_MAX_RUNNING_PER_USER=100 PIER_CREATE_PER_MINUTE=1000
    export PIER_NODE_SLOTS=100 PIER_NODE_MEMORY_MB=65536 ;;
  edge)
    # The benchmark's own Java programs, and limits that let one user hold that many IDE sessions on one repl
    # (machine-only settings: the product's defaults stay as they are).
    PIER_BENCH_CLASSPATH=$(reactor_test_classpath edge-proxy)
    export PIER_BENCH_CLASSPATH PIER_EDGE_MAX_SESSIONS=20000 PIER_EDGE_MAX_SESSIONS_PER_USER=20000 \
      PIER_EDGE_MAX_SESSIONS_PER_REPL=20000 PIER_NODE_MAX_SESSIONS=20000 PIER_REPL_MAX_SESSIONS=20000 ;;
  *) echo "unknown benchmark: $bench" >&2; exit 2 ;;
esac

export PIER_DATA=${PIER_DATA:-$(mktemp -d /tmp/pier-bench-XXXXXX)}
export PIER_EDGE_PORT=${PIER_EDGE_PORT:-18080} PIER_SCHEDULER_PORT=${PIER_SCHEDULER_PORT:-18081}
export PIER_NODE_PORT=${PIER_NODE_PORT:-18082} PIER_S3_PORT=${PIER_S3_PORT:-19000}
export PIER_CLUSTER_NAME=pier-bench-$$ PIER_CLUSTER_PORT=${PIER_CLUSTER_PORT:-15701}
"$REPO/pier" up > "$PIER_DATA/pier-up.log" 2>&1 &
pier_pid=$!
# On exit: stop that Pier, then drop its node's repl network (a throwaway node's id is new each run, so its network
# would never be used again and the daemon's address pools would run out).
stop_pier() {
  kill -TERM $pier_pid 2>/dev/null; wait $pier_pid 2>/dev/null || true
  [[ -s $PIER_DATA/node/node-id ]] && docker network rm "pier-$(cat "$PIER_DATA/node/node-id")" >/dev/null 2>&1 || true
}
trap stop_pier EXIT
for _ in $(seq 600); do
  grep -q "Pier is up" "$PIER_DATA/pier-up.log" 2>/dev/null && break
  kill -0 $pier_pid 2>/dev/null || { cat "$PIER_DATA/pier-up.log"; exit 1; }
  sleep 0.5
done
grep -q "Pier is up" "$PIER_DATA/pier-up.log" || { echo "Pier did not come up"; exit 1; }
# A user of its own; benchmarks send its token (and sign service tokens with the cluster's secret where they must).
PIER_TOKEN=$(curl -s -X POST "http://127.0.0.1:$PIER_EDGE_PORT/api/auth/signup" -H 'Host: pier.localhost' \
  -H 'Content-Type: application/json' -d '{"username":"bench","password":"benchmark-password"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
PIER_AUTH_SECRET=$(cat "$PIER_DATA/auth-secret")
export PIER_TOKEN PIER_AUTH_SECRET
case $bench in
  skeleton) python3 "$REPO/bench/skeleton.py" --port "$PIER_EDGE_PORT" "$@" ;;
  terminal) node --experimental-websocket "$REPO/bench/terminal.mjs" --port "$PIER_EDGE_PORT" "$@" ;;
  stacks) node "$REPO/bench/stacks.mjs" "$@" ;;
  memory) python3 "$REPO/bench/memory.py" --port "$PIER_EDGE_PORT" --node-port "$PIER_NODE_PORT" "$@" ;;
  edge) bash "$REPO/bench/edge.sh" "$@" ;;
  sync)
    PIER_S3_SECRET_KEY=$(cat "$PIER_DATA/s3-secret") PIER_S3_ACCESS_KEY=pier \
      PIER_S3_ENDPOINT=http://127.0.0.1:$PIER_S3_PORT node --experimental-websocket "$REPO/bench/sync.mjs" "$@" ;;
esac
