#!/usr/bin/env bash
# Copies the browser builds of the front-end packages from node_modules into
# internal/web/static/vendor/ (git-ignored; the Go binary embeds that folder).
# Run `npm ci` (or `make assets`) first.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nm="$root/node_modules"
out="$root/internal/web/static/vendor"

if [ ! -d "$nm" ]; then
  echo "assets.sh: $nm is missing: run 'npm ci' (or 'make assets') first" >&2
  exit 1
fi

# source (relative to node_modules) -> name in the vendor folder
files=(
  "htmx.org/dist/htmx.min.js:htmx.min.js"
  "htmx-ext-sse/dist/sse.min.js:htmx-ext-sse.js"
  "sortablejs/Sortable.min.js:Sortable.min.js"
  "chart.js/dist/chart.umd.min.js:chart.umd.min.js"
)

missing=0
for f in "${files[@]}"; do
  src="$nm/${f%%:*}"
  if [ ! -f "$src" ]; then
    echo "assets.sh: $src not found: is node_modules out of date? run 'npm ci'" >&2
    missing=1
  fi
done
[ "$missing" -eq 0 ] || exit 1

mkdir -p "$out"
for f in "${files[@]}"; do
  src="$nm/${f%%:*}"
  dst="$out/${f##*:}"
  cp "$src" "$dst"
  echo "assets.sh: ${f%%:*} -> internal/web/static/vendor/${f##*:}"
done
