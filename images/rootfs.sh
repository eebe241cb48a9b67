#!/usr/bin/env bash
# Makes a slim Debian root filesystem for pier-rootfs with debootstrap (minbase).
# Usage: rootfs.sh TARGET_DIR SUITE MIRROR [SECURITY_MIRROR] [UPDATES_MIRROR] [DEB_CACHE_DIR]
# build.sh hashes this file to tag the imported image, so a change here rebuilds the rootfs.
set -euo pipefail

target=$1 suite=$2 mirror=$3 security=${4:-} updates=${5:-} debcache=${6:-}

cache_opt=()
if [[ -n $debcache ]]; then
  mkdir -p "$debcache"
  cache_opt=(--cache-dir="$debcache")
fi

debootstrap --variant=minbase "${cache_opt[@]}" "$suite" "$target" "$mirror"

# apt sources of the image: the same mirrors the host uses.
{
  echo "deb $mirror $suite main"
  [[ -n $updates ]] && echo "deb $updates $suite-updates main"
  [[ -n $security ]] && echo "deb $security $suite-security main"
} > "$target/etc/apt/sources.list"
rm -f "$target/etc/apt/sources.list.d/"*

# Keep later installs slim too: no recommends, no docs/man/locales, no cached debs or lists.
cat > "$target/etc/apt/apt.conf.d/90pier-slim" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
cat > "$target/etc/dpkg/dpkg.cfg.d/90pier-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
DPKG

# Slim what debootstrap already unpacked.
find "$target/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
find "$target/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf "$target"/usr/share/man/* "$target"/usr/share/info/* "$target"/usr/share/groff/* \
       "$target"/usr/share/lintian/*
find "$target/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias \
  -exec rm -rf {} + 2>/dev/null || true
rm -rf "$target"/var/lib/apt/lists/* "$target"/var/cache/apt/* "$target"/var/cache/debconf/*-old \
       "$target"/tmp/* "$target"/var/tmp/*
find "$target/var/log" -type f -delete
mkdir -p "$target/var/lib/apt/lists/partial" "$target/var/cache/apt/archives/partial"
# Docker provides these at run time; never bake the build host's.
: > "$target/etc/resolv.conf"
: > "$target/etc/hostname"
rm -f "$target/etc/machine-id" && : > "$target/etc/machine-id"
