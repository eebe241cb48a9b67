#!/usr/bin/env bash
# Publishes runner images to the fleet's registry and writes the image set that pins them:
#
#   images/publish.sh HOST:PORT [--out FILE] [IMAGE ...]
#
# For each IMAGE (default: the runner images images/build.sh makes, pier-runner-<stack>:latest), it tags the local
# image HOST:PORT/<name>:<first 16 hex digits of its image id>, a tag derived from the image's content, pushes it,
# and records the digest the registry answered. The image set file (default $PIER_CACHE/image-set.json) is a JSON
# object, image name as templates write it -> reference by digest:
#
#   {"pier-runner-python:latest": "HOST:PORT/pier-runner-python@sha256:..."}
#
# Give that file to every scheduler and node-agent as PIER_IMAGE_SET: nodes pull exactly those images and placement
# sends a repl only to a node that has its image. Publishing again after a rebuild pushes only what changed.
#
# dockerd pushes over plain HTTP only to registries on 127.0.0.0/8 and to those in its "insecure-registries";
# any other registry needs TLS (docs/operations.md, "One image set for the fleet").
set -euo pipefail

CACHE=${PIER_CACHE:-${HOME:-/root}/.cache/pier}
DEFAULT_IMAGES=(pier-runner-base:latest pier-runner-node:latest pier-runner-python:latest pier-runner-cpp:latest
                pier-runner-go:latest pier-runner-java:latest)

log() { printf '[publish] %s\n' "$*" >&2; }
die() { printf '[publish] error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

# publish_one REGISTRY IMAGE: pushes IMAGE under a content-derived tag; prints its reference by digest.
publish_one() {
  local registry=$1 image=$2 name id tag remote out digest
  name=${image%:*}
  [[ $image == *:* ]] || name=$image
  id=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null) || die "no local image $image (build it first: images/build.sh)"
  tag=${id#sha256:}
  tag=${tag:0:16}
  remote=$registry/$name:$tag
  docker tag "$image" "$remote"
  if ! out=$(docker push "$remote" 2>&1); then
    printf '%s\n' "$out" >&2
    die "docker push $remote failed"
  fi
  # The last line of a push reads "<tag>: digest: sha256:<hex> size: <bytes>".
  digest=$(printf '%s\n' "$out" | sed -n 's/^.*digest: \(sha256:[0-9a-f]\{64\}\).*$/\1/p' | tail -n 1)
  [[ -n $digest ]] || { printf '%s\n' "$out" >&2; die "docker push $remote reported no digest"; }
  log "$image -> $registry/$name@$digest"
  printf '%s/%s@%s\n' "$registry" "$name" "$digest"
}

main() {
  local registry="" out="" images=() image ref first=1 tmp
  while (($#)); do
    case $1 in
      -h|--help) usage; exit 0 ;;
      --out) [[ $# -ge 2 ]] || die "--out needs a file"; out=$2; shift 2 ;;
      -*) die "unknown option: $1 (see --help)" ;;
      *) if [[ -z $registry ]]; then registry=$1; else images+=("$1"); fi; shift ;;
    esac
  done
  [[ -n $registry ]] || { usage >&2; exit 2; }
  [[ $registry =~ ^[A-Za-z0-9.-]+(:[0-9]{1,5})?$ ]] || die "not a registry HOST:PORT: $registry"
  ((${#images[@]})) || images=("${DEFAULT_IMAGES[@]}")
  out=${out:-$CACHE/image-set.json}
  mkdir -p "$(dirname "$out")"
  docker info >/dev/null 2>&1 || die "Docker is not reachable"

  tmp=$(mktemp "$out.XXXXXX")
  trap 'rm -f "$tmp"' EXIT
  {
    printf '{'
    for image in "${images[@]}"; do
      ref=$(publish_one "$registry" "$image")
      ((first)) || printf ','
      first=0
      printf '\n  "%s": "%s"' "$image" "$ref"
    done
    printf '\n}\n'
  } >"$tmp"
  if [[ -f $out ]] && cmp -s "$tmp" "$out"; then
    rm -f "$tmp"
    trap - EXIT
    log "image set unchanged: $out"
    return 0
  fi
  chmod 0644 "$tmp"
  mv "$tmp" "$out"
  trap - EXIT
  log "image set written to $out (give it to every scheduler and node-agent as PIER_IMAGE_SET)"
}

main "$@"
