#!/usr/bin/env bash
# Runs Hookline's whole test suite on a fresh Debian machine with Go and
# Node: installs the real peers the tests use (SIP, SMPP, PostgreSQL,
# Chromium, audio tools), starts a throwaway PostgreSQL cluster, runs every
# test against SQLite and PostgreSQL, then the short fuzz runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# 1. Debian packages (idempotent: only what is missing is installed).
pkgs=(sip-tester tshark sox libsox-fmt-mp3 lame chromium postgresql)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections || true
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. npm packages of the test peers (SMPP server, Twilio contract mock, browser driver).
if [ ! -d testdata/node/node_modules/smpp ] || [ ! -d testdata/node/node_modules/playwright-core ] || [ ! -d testdata/node/node_modules/@stoplight/prism-cli ]; then
  echo "== npm install (testdata/node)"
  (cd testdata/node && npm install --no-audit --no-fund --loglevel=error)
fi
export NODE_PATH="$root/testdata/node/node_modules"

# 3. A throwaway PostgreSQL cluster.
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
pgdir=$(mktemp -d /tmp/hookline-pg.XXXXXX)
chmod 755 "$pgdir"
pgport=$(( 20000 + RANDOM % 20000 ))
cleanup() {
  if [ -f "$pgdir/data/postmaster.pid" ]; then
    pgrun "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$pgdir"
}
trap cleanup EXIT
# PostgreSQL refuses to run as root: as root the cluster belongs to the
# postgres user, otherwise to whoever runs the tests.
pgrun() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ -n "$pgbin" ]; then
  [ "$(id -u)" -ne 0 ] || chown postgres "$pgdir"
  pgrun "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres >/dev/null
  pgrun "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" \
    -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" -w start >/dev/null
  export HOOKLINE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$pgport/postgres?sslmode=disable"
  echo "== PostgreSQL on port $pgport"
fi

# 4. The tests. Peers are required here: a missing one fails instead of skipping.
export HOOKLINE_REQUIRE_PEERS=1 HOOKLINE_REQUIRE_TOOLS=1
echo "== go vet"
go vet ./...
echo "== go test"
go test -count=1 -timeout 20m ./...
if [ -n "${HOOKLINE_TEST_POSTGRES_URL:-}" ]; then
  # The end-to-end suite again, each test on a fresh PostgreSQL database
  # (TestMultiNode already ran: it always uses PostgreSQL).
  echo "== go test ./cmd/hookline on PostgreSQL"
  HOOKLINE_TEST_BACKEND=postgres go test -count=1 -timeout 20m -skip '^TestMultiNode$' ./cmd/hookline/
fi
echo "== fuzz (bounded)"
for target in $(grep -rhoE '^func (Fuzz[A-Za-z0-9_]+)' --include='*_test.go' . | sed 's/func //' | sort -u); do
  pkg=$(grep -rlE "^func $target\(" --include='*_test.go' . | head -n 1 | xargs dirname)
  echo "-- $target in $pkg"
  go test -run='^$' -fuzz="^$target\$" -fuzztime=8s -fuzzminimizetime=1s "$pkg"
done
echo "== all tests passed"
