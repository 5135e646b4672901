#!/usr/bin/env bash
# One-command setup, safe to run again: installs the npm dependencies, then the real servers the
# tests run (etcd, Redis, FerretDB), the browser the browser SDK's test drives (Debian's
# chromium, through playwright-core: no browser download) and PlantUML with Graphviz for the
# diagrams (`npm run uml`), each only when it is missing.
# `npm start` needs none of them.
set -euo pipefail
cd "$(dirname "$0")/.."

FERRETDB_VERSIONS=(v1.24.0 v1.23.1)   # preferred first; the nearest v1 release is the fallback
# Marks our build (see build_ferretdb) in the version it reports; one without it is rebuilt.
FERRETDB_BUILD=indexed-id
installed=()
found=()
unavailable=()

say() { printf '[setup] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ "$apt_updated" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null || return 1
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

# where a binary may already be: PATH, then the folders this script installs into without root
locate() {
  command -v "$1" 2>/dev/null || for d in "$HOME/.local/bin" "$HOME/go/bin"; do
    [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }
  done
}

# ---------------------------------------------------------------- npm
say "npm ci"
npm ci --no-audit --no-fund --loglevel=error

# ---------------------------------------------------------------- etcd, Redis, Chromium, PlantUML (Debian packages)
need_package() { # binary package what-else-to-do
  local bin=$1 pkg=$2 instead=$3 path
  if path=$(locate "$bin"); then
    found+=("$bin ($path)")
  elif apt_install "$pkg" && path=$(locate "$bin"); then
    installed+=("$bin ($pkg, $path)")
  else
    unavailable+=("$bin: could not install the Debian package $pkg here; install it by hand, or $instead")
  fi
}
need_package etcd etcd-server "set ETCD_URL to a running server's URL for the tests"
need_package redis-server redis-server "set REDIS_URL to a running server's URL for the tests"
need_package chromium chromium "set CHROMIUM_BIN to a Chromium or Chrome executable for the browser test"
# PlantUML lays out all but sequence diagrams with Graphviz's dot, which it only recommends.
need_package plantuml plantuml "install PlantUML as a plantuml command on PATH for npm run uml and its test"
need_package dot graphviz "install Graphviz (its dot command) for npm run uml and its test"

# ---------------------------------------------------------------- FerretDB (built from source)
# FerretDB's module reads its version from a generated file that its source archive lacks, so
# `go install module@version` builds a binary that refuses to start: build from a copy instead.
#
# One expression is changed. FerretDB v1's SQLite backend looks documents up by `_id` with
# `_ferretdb_sjson->'$._id' = ?`, but its unique `_id` index is on `_ferretdb_sjson->"_id"`;
# SQLite uses an expression index only for the same expression, so every load, update and
# delete by `_id` scans the whole table (20 ms at a few thousand documents, where the index takes
# 1 ms). `->'_id'` reads the same value and is the indexed expression.
build_ferretdb() { # version destination-dir
  local version=$1 dest=$2 src work metadata
  src=$(go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$src" ] || return 1
  work=$(mktemp -d)
  cp -r "$src" "$work/src"
  chmod -R u+w "$work/src"
  metadata="$work/src/internal/backends/sqlite/metadata/metadata.go"
  sed -i "s|IDColumn = DefaultColumn + \"->'\\\$._id'\"|IDColumn = DefaultColumn + \"->'_id'\"|" "$metadata"
  if ! grep -q "IDColumn = DefaultColumn + \"->'_id'\"" "$metadata"; then
    say "FerretDB $version: the _id lookup expression was not where expected"
    rm -rf "$work"
    return 1
  fi
  echo "$version-$FERRETDB_BUILD" > "$work/src/build/version/version.txt"
  (cd "$work/src" && GOFLAGS=-buildvcs=false go build -trimpath -o "$dest/ferretdb" ./cmd/ferretdb)
  local rc=$?
  rm -rf "$work"
  return $rc
}

ferretdb_version() { "$1" --version 2>/dev/null | sed -n 's/^version: //p'; }

if path=$(locate ferretdb) && [[ "$(ferretdb_version "$path")" == *"-$FERRETDB_BUILD" ]]; then
  found+=("ferretdb ($path, $(ferretdb_version "$path"))")
elif ! command -v go >/dev/null 2>&1; then
  unavailable+=("ferretdb: Go is not installed, so FerretDB cannot be built here; install Go, or set MONGO_URL to a running MongoDB-compatible server for the tests")
else
  # A FerretDB found without our change is replaced where it is, if that can be written.
  if [ -n "${path:-}" ] && [ -w "$(dirname "$path")" ]; then dest=$(dirname "$path")
  else dest=/usr/local/bin
  fi
  [ -w "$dest" ] || { dest="$HOME/.local/bin"; mkdir -p "$dest"; }
  built=""
  for v in "${FERRETDB_VERSIONS[@]}"; do
    say "building FerretDB $v with $(go version | cut -d' ' -f3) (about a minute)"
    if build_ferretdb "$v" "$dest"; then built=$v; break; fi
    say "FerretDB $v did not build; trying the next v1 release"
  done
  if [ -n "$built" ]; then installed+=("ferretdb $built ($dest/ferretdb)")
  else unavailable+=("ferretdb: no v1 release built (${FERRETDB_VERSIONS[*]}); set MONGO_URL to a running MongoDB-compatible server for the tests")
  fi
fi

# ---------------------------------------------------------------- summary
for x in "${installed[@]+"${installed[@]}"}"; do say "installed: $x"; done
for x in "${found[@]+"${found[@]}"}"; do say "found:     $x"; done
for x in "${unavailable[@]+"${unavailable[@]}"}"; do say "MISSING:   $x"; done
if [ "${#unavailable[@]}" -gt 0 ]; then
  say "npm start works without these; npm test needs them (or the variables above)."
fi
say "done"
