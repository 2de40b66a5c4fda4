#!/usr/bin/env bash
# Vendor the front-end libraries into static/vendor/ from exact npm versions.
#
# Needs npm only when run (not at runtime or in CI). Rewrites
# static/vendor/bootstrap/, static/vendor/htmx/, static/vendor/chartjs/,
# static/vendor/axe/ and static/vendor/VERSIONS.txt.
#
# axe-core (MPL-2.0) is for the browser tests only: tests/e2e inject it into
# the page under test; no app page loads it. Its LICENSE and the licences of
# the code it bundles (LICENSE-3RD-PARTY.txt) are kept beside it.
# The trailing sourceMappingURL comment is stripped from .css/.js files,
# because the .map files are not vendored.
set -euo pipefail

BOOTSTRAP_VERSION=5.3.9
HTMX_VERSION=2.0.11   # pin 2.x exactly: npm "latest" is the 4.x rewrite
CHARTJS_VERSION=4.6.1
AXE_VERSION=4.14.1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor="$root/static/vendor"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# unpack NAME VERSION -> prints the unpacked package directory
unpack() {
  local name="$1" version="$2" tarball dir got
  tarball="$(cd "$tmp" && npm pack --silent "$name@$version")"
  dir="$tmp/$name"
  mkdir -p "$dir"
  tar -xzf "$tmp/$tarball" -C "$dir"
  got="$(node -p 'require(process.argv[1]).version' "$dir/package/package.json")"
  if [[ "$got" != "$version" ]]; then
    echo "expected $name@$version, got $got" >&2
    exit 1
  fi
  printf '%s\n' "$dir/package"
}

# strip_map FILE: delete the last line if it is a sourceMappingURL comment
strip_map() {
  sed -i -E '${/^[[:space:]]*(\/\/|\/\*)[#@] sourceMappingURL=/d}' "$1"
  if grep -q 'sourceMappingURL=' "$1"; then
    echo "sourceMappingURL still present in $1" >&2
    exit 1
  fi
}

# copy SRC DEST_DIR [NAME]
copy() {
  local src="$1" dest="$2/${3:-$(basename "$1")}"
  cp "$src" "$dest"
  case "$dest" in
    *.css | *.js) strip_map "$dest" ;;
  esac
}

bootstrap="$(unpack bootstrap "$BOOTSTRAP_VERSION")"
htmx="$(unpack htmx.org "$HTMX_VERSION")"
chartjs="$(unpack chart.js "$CHARTJS_VERSION")"
axe="$(unpack axe-core "$AXE_VERSION")"

rm -rf "$vendor/bootstrap" "$vendor/htmx" "$vendor/chartjs" "$vendor/axe"
mkdir -p "$vendor/bootstrap" "$vendor/htmx" "$vendor/chartjs" "$vendor/axe"

copy "$bootstrap/dist/css/bootstrap.min.css" "$vendor/bootstrap"
copy "$bootstrap/dist/js/bootstrap.bundle.min.js" "$vendor/bootstrap"
copy "$bootstrap/LICENSE" "$vendor/bootstrap"
copy "$htmx/dist/htmx.min.js" "$vendor/htmx"
copy "$htmx/LICENSE" "$vendor/htmx"
copy "$chartjs/dist/chart.umd.min.js" "$vendor/chartjs"
copy "$chartjs/LICENSE.md" "$vendor/chartjs" LICENSE
copy "$axe/axe.min.js" "$vendor/axe"
copy "$axe/LICENSE" "$vendor/axe"
copy "$axe/LICENSE-3RD-PARTY.txt" "$vendor/axe"

{
  echo "# Written by scripts/vendor.sh; do not edit by hand."
  echo "# sha256 of each file as vendored (after stripping sourceMappingURL)."
  echo
  echo "bootstrap@$BOOTSTRAP_VERSION"
  (cd "$vendor" && sha256sum bootstrap/bootstrap.min.css \
    bootstrap/bootstrap.bundle.min.js bootstrap/LICENSE)
  echo
  echo "htmx.org@$HTMX_VERSION"
  (cd "$vendor" && sha256sum htmx/htmx.min.js htmx/LICENSE)
  echo
  echo "chart.js@$CHARTJS_VERSION"
  (cd "$vendor" && sha256sum chartjs/chart.umd.min.js chartjs/LICENSE)
  echo
  echo "axe-core@$AXE_VERSION (MPL-2.0; browser tests only, never loaded by the app)"
  (cd "$vendor" && sha256sum axe/axe.min.js axe/LICENSE axe/LICENSE-3RD-PARTY.txt)
} > "$vendor/VERSIONS.txt"

cat "$vendor/VERSIONS.txt"
