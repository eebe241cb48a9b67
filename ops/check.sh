#!/usr/bin/env bash
# ops/check.sh: checks Pier's operations files. Exits non-zero if any check fails.
#
#   ops/check.sh                         every check below
#   ops/check.sh --metrics scheduler.prom --metrics node.prom --metrics edge.prom
#                                        ... and every dashboard and alert query must name only
#                                        metrics found in these /metrics scrapes
#   ops/check.sh --dashboards-against scheduler.prom node.prom edge.prom
#                                        only the dashboard and alert queries, against these scrapes
#   ops/check.sh --only prometheus|dashboards|ansible   one group of checks (repeatable)
#
# Options:
#   --metrics FILE   a /metrics scrape (Prometheus text format); repeatable
#   --known FILE     a list of known metric names, one a line; repeatable
#
# Checks:
#   prometheus   promtool check config ops/prometheus/prometheus.yml (with its rule files),
#                promtool check rules, promtool test rules (alert unit tests)
#   dashboards   ops/check_queries.py: the dashboards' structure, and with --metrics or --known,
#                that every query names only known metrics
#   ansible      ansible-playbook --syntax-check of every playbook (site, firewall, add-node,
#                remove-node, rolling-upgrade), ansible-lint, and a dry run
#                (--check) of the node_agent role against this machine (connection local; the
#                jars must be built: mvn -DskipTests package), then the role applied for real twice
#                into a scratch folder: the second run must change nothing
#
# Needs Debian's prometheus (promtool), ansible and ansible-lint packages, and python3.
set -uo pipefail

OPS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$OPS")
ANSIBLE_DIR=$REPO/ansible

QUERY_ARGS=()
ONLY=()
usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

while (($#)); do
  case $1 in
    --metrics | --known)
      [[ $# -ge 2 ]] || { echo "check.sh: $1 needs a file" >&2; exit 2; }
      QUERY_ARGS+=("$1" "$2"); shift 2 ;;
    --dashboards-against)
      shift
      [[ $# -ge 1 ]] || { echo "check.sh: --dashboards-against needs scrape files" >&2; exit 2; }
      while (($#)) && [[ $1 != --* ]]; do QUERY_ARGS+=(--metrics "$1"); shift; done
      ONLY+=(dashboards) ;;
    --only)
      [[ $# -ge 2 ]] || { echo "check.sh: --only needs prometheus, dashboards or ansible" >&2; exit 2; }
      case $2 in prometheus | dashboards | ansible) ONLY+=("$2") ;; *) echo "check.sh: unknown check $2" >&2; exit 2 ;; esac
      shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "check.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
((${#ONLY[@]})) || ONLY=(prometheus dashboards ansible)

FAILED=()
PASSED=()
wanted() { [[ " ${ONLY[*]} " == *" $1 "* ]]; }

# step NAME COMMAND...: run it, record the outcome, keep going.
step() {
  local name=$1
  shift
  printf '\n=== %s\n' "$name"
  if "$@"; then
    PASSED+=("$name")
  else
    FAILED+=("$name")
  fi
}

need() {
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null; then
      printf '\n=== %s\n%s is not installed (Debian: apt-get install -y prometheus ansible ansible-lint)\n' "$tool" "$tool"
      FAILED+=("$tool installed")
      return 1
    fi
  done
}

# promtool insists that the metrics token file exists; ./pier up writes it to data/metrics-token. The config is
# checked in a scratch copy of the repository's layout with a stand-in token, so a fresh checkout passes too and
# the relative path is checked as Prometheus resolves it.
check_prometheus_config() {
  local scratch status
  scratch=$(mktemp -d) || return 1
  mkdir -p "$scratch/ops" "$scratch/data"
  cp -r "$OPS/prometheus" "$scratch/ops/prometheus"
  echo "pm1.stand-in-for-check" > "$scratch/data/metrics-token"
  promtool check config "$scratch/ops/prometheus/prometheus.yml"
  status=$?
  rm -rf "$scratch"
  return "$status"
}

if wanted prometheus && need promtool; then
  step "promtool check config" check_prometheus_config
  step "promtool check rules" promtool check rules "$OPS"/prometheus/rules/*.yml
  step "promtool test rules" bash -c 'cd "$1" && promtool test rules tests/*.yml' _ "$OPS/prometheus"
fi

if wanted dashboards && need python3; then
  rules=()
  for f in "$OPS"/prometheus/rules/*.yml; do rules+=(--rules "$f"); done
  step "dashboard and alert queries" python3 "$OPS/check_queries.py" "${QUERY_ARGS[@]}" "${rules[@]}" "$OPS"/grafana/*.json
fi

if wanted ansible && need ansible-playbook ansible-lint; then
  export ANSIBLE_CONFIG=$ANSIBLE_DIR/ansible.cfg ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
  # Every playbook; node names one VM of the example inventory for the ones that act on a node.
  step "ansible-playbook --syntax-check" bash -c '
    cd "$1" || exit 1
    for playbook in site.yml firewall.yml add-node.yml remove-node.yml rolling-upgrade.yml; do
      echo "$playbook"
      ansible-playbook -i inventory/example/hosts.yml "$playbook" -e node=pier-node-2 --syntax-check || exit 1
    done' _ "$ANSIBLE_DIR"
  step "ansible-lint" bash -c 'cd "$1" && ansible-lint --offline --nocolor' _ "$ANSIBLE_DIR"
  step "node_agent role against localhost (--check)" bash -c '
    cd "$1" || exit 1
    for jar in node-agent/target/node-agent.jar node-agent/target/lib; do
      [[ -e ../$jar ]] || { echo "$jar is missing: build the jars first (mvn -DskipTests package)"; exit 1; }
    done
    ansible-playbook -i inventory/localhost.yml check-node-agent.yml --check' _ "$ANSIBLE_DIR"
  step "node_agent role applied twice: the second run changes nothing" bash -c '
    cd "$1" || exit 1
    # For real this time, but into a scratch folder: no unit is started where there is no systemd.
    scratch=$(mktemp -d) && mkdir "$scratch/systemd" || exit 1
    trap "rm -rf \"\$scratch\"" EXIT
    args=(-i inventory/localhost.yml check-node-agent.yml -e "pier_install_dir=$scratch/opt"
          -e "pier_config_dir=$scratch/etc" -e "pier_state_dir=$scratch/var" -e "pier_systemd_dir=$scratch/systemd"
          -e node_agent_restart_on_change=false)
    ansible-playbook "${args[@]}" >"$scratch/first.log" 2>&1 || { cat "$scratch/first.log"; exit 1; }
    ansible-playbook "${args[@]}" >"$scratch/second.log" 2>&1 || { cat "$scratch/second.log"; exit 1; }
    recap=$(grep -E "^localhost +:" "$scratch/second.log")
    echo "first run:  $(grep -E "^localhost +:" "$scratch/first.log")"
    echo "second run: $recap"
    [[ $recap == *" changed=0 "* ]] || { grep -E "^changed:" -B2 "$scratch/second.log"; exit 1; }' _ "$ANSIBLE_DIR"
fi

printf '\n=== summary\n'
for s in "${PASSED[@]}"; do printf 'ok    %s\n' "$s"; done
for s in "${FAILED[@]}"; do printf 'FAIL  %s\n' "$s"; done
((${#FAILED[@]} == 0))
